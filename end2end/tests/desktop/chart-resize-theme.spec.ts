// Charts and the map follow their box and the system's colour scheme without a
// reload (issue #13 item 7): a box that changes size while the window does not
// is redrawn at its new size, and under the "system" theme an OS switch between
// dark and light redraws the charts in the matching ECharts theme.
import { test, expect, waitForDashboard } from '../fixtures';
import type { Page } from '@playwright/test';

const CHART = 'user-growth-chart';

/** The chart's canvas width in CSS pixels and ECharts' own idea of it. */
async function chartWidths(page: Page): Promise<{ canvas: number; echarts: number }> {
  return page.evaluate((id) => {
    const el = document.getElementById(id)!;
    // @ts-expect-error: the vendored ECharts global.
    const chart = window.echarts.getInstanceByDom(el);
    const canvas = el.querySelector('canvas');
    return { canvas: canvas?.getBoundingClientRect().width ?? -1, echarts: chart?.getWidth() ?? -1 };
  }, CHART);
}

/** The ECharts instance drawn into the chart's box: its id and how many points it shows. */
async function chartInstance(page: Page): Promise<{ id: string | null; points: number }> {
  return page.evaluate((id) => {
    // @ts-expect-error: the vendored ECharts global.
    const chart = window.echarts.getInstanceByDom(document.getElementById(id));
    return { id: chart?.id ?? null, points: chart?.getOption()?.series?.[0]?.data?.length ?? -1 };
  }, CHART);
}

test.describe('charts and map follow their box and the system theme', () => {
  test('a chart box that shrinks while the window does not is redrawn to fit', async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    const before = await chartWidths(page);
    expect(before.canvas).toBeGreaterThan(200);
    const target = Math.round(before.canvas / 2);

    await page.locator(`#${CHART}`).evaluate((el, width) => {
      (el as HTMLElement).style.width = `${width}px`;
    }, target);
    await expect.poll(async () => (await chartWidths(page)).echarts).toBe(target);
    expect((await chartWidths(page)).canvas).toBeCloseTo(target, 0);
  });

  test('the map box that shrinks while the window does not is measured again', async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    const map = page.locator('#user-map');
    // Leaflet keeps the centre on invalidateSize by moving its map pane.
    const panePosition = () =>
      map.locator('.leaflet-map-pane').evaluate((el) => {
        const s = (el as HTMLElement).style;
        return `${s.transform}|${s.left}|${s.top}`;
      });
    const before = await panePosition();

    await map.evaluate((el) => {
      (el as HTMLElement).style.width = `${Math.round(el.clientWidth / 2)}px`;
    });
    await expect.poll(panePosition).not.toBe(before);
  });

  test('under the system theme the charts switch with the OS, without a reload', async ({ page, watch }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/');
    await waitForDashboard(page);
    // The viewer has not chosen a theme: the page follows the system.
    expect(await page.locator('html').getAttribute('data-theme')).toBeNull();
    await expect(page.getByTestId('theme-select')).toHaveValue('system');
    const box = page.locator(`#${CHART}`);
    await expect(box).toHaveAttribute('data-chart-theme', 'light');
    const light = await chartInstance(page);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });

    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(box).toHaveAttribute('data-chart-theme', 'dark');
    const dark = await chartInstance(page);
    // A new ECharts instance (themes are fixed at init) with the same data.
    expect(dark.id).not.toBe(light.id);
    expect(dark.points).toBe(light.points);
    for (const id of ['users-by-type-chart', 'activity-chart', 'heatmap-chart', 'problems-chart']) {
      await expect(page.locator(`#${id}`)).toHaveAttribute('data-chart-theme', 'dark');
    }

    await page.emulateMedia({ colorScheme: 'light' });
    await expect(box).toHaveAttribute('data-chart-theme', 'light');
    expect((await chartInstance(page)).points).toBe(light.points);
    expect(navigations, 'the page was not reloaded').toEqual([]);
  });

  test('a chosen theme holds when the OS switches, and "system" picks the OS up again', async ({ page, watch }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/');
    await waitForDashboard(page);
    const select = page.getByTestId('theme-select');
    await select.selectOption('light');
    const box = page.locator(`#${CHART}`);
    await expect(box).toHaveAttribute('data-chart-theme', 'light');

    await page.emulateMedia({ colorScheme: 'dark' });
    // Give a wrong redraw the time to happen before checking it did not.
    await page.waitForTimeout(500);
    await expect(box).toHaveAttribute('data-chart-theme', 'light');

    await select.selectOption('system');
    await expect(box).toHaveAttribute('data-chart-theme', 'dark');
  });
});
