// The dashboard's early paint (the paint crate): its charts and map are drawn
// from the server-rendered page before the app's WASM arrives, the app then
// adopts them rather than drawing them twice, and the app starts whatever
// the early paint does.
import { test, expect, waitForDashboard, waitForHydration } from '../fixtures';

const charts = ['user-growth-chart', 'users-by-type-chart', 'activity-chart', 'heatmap-chart', 'problems-chart'];

/** Runs in the page: per chart box, its ECharts instance's id and series count (null: not drawn). */
const drawnCharts = (ids: string[]) =>
  ids.map((id) => {
    const el = document.getElementById(id);
    // @ts-expect-error: echarts is the global the vendored script defines.
    const chart = el && window.echarts?.getInstanceByDom(el);
    return chart ? { id: chart.id as string, series: (chart.getOption().series ?? []).length as number } : null;
  });

/**
 * Runs in the page: per chart box, whether the early paint animated it, whether
 * it marked it as drawn (the `dsOption` of paint::chart), and its series as JSON.
 */
const paintedCharts = (ids: string[]) =>
  ids.map((id) => {
    // @ts-expect-error: echarts is the global the vendored script defines.
    const chart = window.echarts.getInstanceByDom(document.getElementById(id));
    const option = chart.getOption();
    return { animation: option.animation, marked: typeof chart.dsOption === 'string', series: JSON.stringify(option.series.map((s: any) => s.data)) };
  });

/**
 * Runs in the page: from now on, counts every ECharts draw per chart box and
 * series data (`__redraws["<box id> <series data as JSON>"]`).
 */
const countRedraws = (anyChart: string) => {
  // @ts-expect-error: the vendored ECharts global.
  const proto = Object.getPrototypeOf(window.echarts.getInstanceByDom(document.getElementById(anyChart)));
  const original = proto.setOption;
  const counts: Record<string, number> = ((window as any).__redraws = {});
  proto.setOption = function (this: any, option: any, ...rest: unknown[]) {
    const result = original.call(this, option, ...rest);
    const key = `${this.getDom().id} ${JSON.stringify(this.getOption().series.map((s: any) => s.data))}`;
    counts[key] = (counts[key] ?? 0) + 1;
    return result;
  };
};

/** The app's main WASM (not the early paint's, not a lazy route's chunk). */
const APP_WASM = /\/pkg\/dreamseed\.[A-Za-z0-9_-]+\.wasm$/;

test.describe('early paint', () => {
  test('draws every chart and the map before the app arrives; the app adopts them', async ({ page, watch }) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Whether ECharts and Leaflet had arrived when the app's WASM was asked
    // for: on a phone it would otherwise hold back their download. A wide
    // screen asks for it as the page is parsed (checked below, once released),
    // and the paint draws once the app has had its head start (a second)
    // without hydrating.
    let scriptsWhenAsked: boolean | null = null;
    await page.route(APP_WASM, async (route) => {
      // @ts-expect-error: the vendored ECharts and Leaflet globals.
      scriptsWhenAsked = await page.evaluate(() => !!window.echarts && !!window.L);
      await held;
      await route.continue();
    });
    // When ECharts defines its global (scripts/echarts-entry.mjs), on the page's clock.
    await page.addInitScript(() => {
      Object.defineProperty(window, 'echarts', {
        configurable: true,
        set(value) {
          Object.defineProperty(window, 'echarts', { value, writable: true, configurable: true });
          (window as any).__echartsAt = performance.now();
        },
      });
    });
    await page.goto('/', { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(
      (ids) =>
        ids.every((id) => {
          const el = document.getElementById(id);
          // @ts-expect-error: the vendored ECharts global.
          return (el && window.echarts?.getInstanceByDom(el)?.getOption()?.series?.length) > 0;
        }) && document.querySelectorAll('.country-marker').length > 0,
      charts,
    );
    const before = await page.evaluate(drawnCharts, charts);
    const markers = await page.locator('.country-marker').count();
    expect(markers).toBeGreaterThanOrEqual(10);
    // Drawn by the early paint alone: the app has not run.
    expect(await page.evaluate(() => document.documentElement.dataset.hydrated)).toBeUndefined();
    expect(await page.locator('.country-marker[data-country]').count()).toBe(0);
    const wide = (page.viewportSize()?.width ?? 0) >= 640;
    if (!wide) await expect.poll(() => scriptsWhenAsked).toBe(true);
    // Drawn at once, without ECharts' entry animation; each chart drawn while
    // the UI font had its glyphs is marked as drawn with that option.
    const painted = await page.evaluate(paintedCharts, charts);
    expect(painted.map((c) => c.animation)).toEqual(charts.map(() => false));
    // Phones use no web font (nothing to wait for): every chart is marked there.
    if ((page.viewportSize()?.width ?? 0) < 640) expect(painted.every((c) => c.marked)).toBe(true);
    await page.evaluate(countRedraws, charts[0]);

    release();
    await waitForHydration(page);
    await waitForDashboard(page);
    if (wide) {
      // A wide screen asked for the app's WASM as the page was parsed, before
      // ECharts (a deferred script) had run.
      const asked = await page.evaluate(() => {
        const wasm = performance.getEntriesByType('resource').find((e) => /\/pkg\/dreamseed\.[^/]+\.wasm$/.test(e.name));
        return { wasm: wasm?.startTime ?? Infinity, echarts: (window as any).__echartsAt as number };
      });
      expect(asked.echarts).toBeGreaterThan(0);
      expect(asked.wasm).toBeLessThan(asked.echarts);
    }
    // The app adopts a marked chart as drawn: no second draw of the same series.
    const redraws: Record<string, number> = await page.evaluate(() => (window as any).__redraws);
    for (const [i, id] of charts.entries()) {
      if (painted[i].marked) expect(redraws[`${id} ${painted[i].series}`] ?? 0, id).toBe(0);
    }
    // The same instances, the same single map, its markers replaced by the app's.
    expect((await page.evaluate(drawnCharts, charts)).map((c) => c?.id)).toEqual(before.map((c) => c?.id));
    await expect(page.locator('.country-marker')).toHaveCount(markers);
    await expect(page.locator('.country-marker:not([data-country])')).toHaveCount(0);
    await expect(page.locator('.leaflet-container')).toHaveCount(1);
    await expect(page.locator('.leaflet-pane.leaflet-outlines-pane')).toHaveCount(1);
  });

  test('on a wide screen the app hydrates first and draws every chart and marker itself', async ({ page, watch }) => {
    test.skip((page.viewportSize()?.width ?? 0) < 640, 'a phone gets the early paint first');
    // Every map marker ever added to the page: the early paint's never get a
    // country (the app's do), even once the app has replaced them.
    await page.addInitScript(() => {
      const added: Element[] = ((window as any).__markers = []);
      new MutationObserver((records) => {
        for (const record of records)
          for (const node of Array.from(record.addedNodes))
            if (node instanceof Element && node.classList.contains('country-marker')) added.push(node);
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto('/');
    await waitForDashboard(page);
    const markers = await page.evaluate(() => {
      const added: HTMLElement[] = (window as any).__markers;
      return { added: added.length, painted: added.filter((el) => !el.dataset.country).length };
    });
    expect(markers.added).toBeGreaterThanOrEqual(10);
    expect(markers.painted, 'markers the early paint drew').toBe(0);
    // The app's first drawing shows the figures without an entry animation.
    const drawn = await page.evaluate((ids) =>
      ids.map((id) => {
        // @ts-expect-error: the vendored ECharts global.
        const option = window.echarts.getInstanceByDom(document.getElementById(id)).getOption();
        return { series: option.series.length, animation: option.animation };
      }), charts);
    expect(drawn.every((c) => c.series > 0 && c.animation === false)).toBe(true);
  });

  test('the app starts and draws when the early paint cannot load', async ({ page, watch }) => {
    watch.allowed.push(/early paint/, /Failed to load resource/);
    await page.route(/\/pkg\/paint\.[A-Za-z0-9_-]+\.wasm$/, (route) => route.abort());
    await page.goto('/');
    await waitForDashboard(page);
    const drawn = await page.evaluate(drawnCharts, charts);
    expect(drawn.every((c) => c !== null && c.series > 0)).toBe(true);
  });

  test('only the dashboard loads it', async ({ page, watch }) => {
    await page.goto('/users');
    await expect(page.locator('script#ds-paint')).toHaveCount(0);
    await expect(page.locator('template#ds-hydration')).toHaveCount(0);
    await page.goto('/');
    await expect(page.locator('script#ds-paint')).toHaveCount(1);
  });
});
