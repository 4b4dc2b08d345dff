// The UI font (Pretendard, wide screens only): its stylesheet is applied once
// the page has hydrated, so hydration does not wait behind its 92 @font-face
// rules; the charts, drawn at once, are drawn again in it. A phone never
// applies it.
import { test, expect, waitForDashboard } from '../fixtures';

const charts = ['user-growth-chart', 'users-by-type-chart', 'activity-chart', 'heatmap-chart', 'problems-chart'];

/** Text the UI shows in Korean, for the font checks. */
const HANGUL = '사용자 활동 문제';

test.describe('UI font', () => {
  test.beforeEach(async ({ page }) => {
    // In which order the page hydrated and the font's stylesheet arrived in
    // the head.
    await page.addInitScript(() => {
      const order: string[] = ((window as any).__order = []);
      const seen = (what: string) => order.includes(what) || order.push(what);
      new MutationObserver((records) => {
        for (const record of records) {
          if (record.type === 'attributes' && document.documentElement.dataset.hydrated) seen('hydrated');
          for (const node of Array.from(record.addedNodes))
            if (node instanceof HTMLLinkElement && node.id === 'ds-ui-font') seen('font');
        }
      }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
    });
  });

  test('is applied after the dashboard hydrates, and every chart is drawn again in it', async ({ page, watch }) => {
    const wide = (page.viewportSize()?.width ?? 0) >= 640;
    await page.goto('/');
    await waitForDashboard(page);
    // Applied after hydration (in the first idle moment after it), on every
    // screen (the link's media query keeps a phone from using it), and no
    // longer pending.
    await expect(page.locator('link#ds-ui-font')).toHaveAttribute('media', '(min-width: 640px)');
    expect(await page.evaluate(() => (window as any).__order)).toEqual(['hydrated', 'font']);
    await expect(page.locator('html')).not.toHaveAttribute('data-ui-font');
    // The only stylesheet link of the font: before hydration it is a preload.
    await expect(page.locator('head link[rel=stylesheet][href*="pretendard"]')).toHaveCount(1);
    await expect(page.locator('head link[rel=preload][as=style][href*="pretendard"]')).toHaveCount(1);

    // A wide screen has Pretendard's Korean faces loaded; a phone none of them.
    const faces = await page.evaluate(async (text) => {
      const loaded = await document.fonts.load("16px 'Pretendard Variable'", text);
      return loaded.length;
    }, HANGUL);
    if (wide) expect(faces).toBeGreaterThan(0);
    else expect(faces).toBe(0);
    // Every chart is drawn again once the UI font has its glyphs (marked
    // `dsOption` by paint::chart::set), so it shows that font, not a fallback.
    const marked = (ids: string[]) =>
      ids.map((id) => {
        // @ts-expect-error: the vendored ECharts global.
        const chart = window.echarts.getInstanceByDom(document.getElementById(id));
        return typeof chart?.dsOption === 'string';
      });
    await expect.poll(() => page.evaluate(marked, charts)).toEqual(charts.map(() => true));
  });

  test('other pages apply it after hydrating too', async ({ page, watch }) => {
    await page.goto('/users');
    await expect(page.locator('link#ds-ui-font')).toHaveCount(1);
    expect(await page.evaluate(() => (window as any).__order)).toEqual(['hydrated', 'font']);
  });

  test('is applied anyway when the app cannot start', async ({ page, watch }) => {
    watch.allowed.push(/Failed to load resource/, /Failed to fetch/, /early paint/, /WebAssembly|wasm/i);
    await page.route(/\/pkg\/.+\.wasm$/, (route) => route.abort());
    await page.goto('/users', { waitUntil: 'domcontentloaded' });
    // The app's code never runs; the font comes after the 3 s wait.
    await expect(page.locator('link#ds-ui-font')).toHaveCount(1, { timeout: 10_000 });
    expect(await page.evaluate(() => (window as any).__order)).toEqual(['font']);
  });
});
