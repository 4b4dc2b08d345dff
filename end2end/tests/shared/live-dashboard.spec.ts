// The complete dashboard: time ranges in the URL,
// every chart drawn, live updates, theme and language that survive a reload,
// and the map leading to the users list.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test, expect, waitForDashboard, clickableMarker } from '../fixtures';
import type { Page } from '@playwright/test';

const run = promisify(execFile);

/** Points in the user-growth chart's first series. */
async function growthPoints(page: Page): Promise<number> {
  return page.evaluate(() => {
    // @ts-expect-error: the vendored ECharts global.
    const chart = window.echarts.getInstanceByDom(document.getElementById('user-growth-chart'));
    return chart?.getOption()?.series?.[0]?.data?.length ?? -1;
  });
}

/** Writes `count` activities from another process, as the platform would. */
async function writeActivities(count: number) {
  const bin = process.env.DREAMSEED_BIN ?? 'target/release/dreamseed';
  const dbPath = process.env.E2E_DB_PATH;
  if (!dbPath) throw new Error('E2E_DB_PATH is not set (make test-e2e sets it)');
  await run(bin, ['simulate', '--count', String(count), '--rate', '1000'], {
    env: { ...process.env, DB_PATH: dbPath, LOG_LEVEL: 'warn' },
  });
}

test.describe('complete dashboard', () => {
  test('the range lives in the URL, redraws the charts, and back restores it', async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    expect(await growthPoints(page)).toBe(30);

    const picker = page.getByRole('navigation', { name: '기간' });
    await picker.getByRole('link', { name: '7일' }).click();
    await expect(page).toHaveURL(/[?&]range=7d/);
    await expect.poll(() => growthPoints(page)).toBe(7);
    await expect(picker.getByRole('link', { name: '7일' })).toHaveAttribute('aria-current', 'page');

    await picker.getByRole('link', { name: '90일' }).click();
    await expect(page).toHaveURL(/[?&]range=90d/);
    await expect.poll(() => growthPoints(page)).toBe(90);

    await page.goBack();
    await expect(page).toHaveURL(/[?&]range=7d/);
    await expect.poll(() => growthPoints(page)).toBe(7);

    // A shared link opens the same view.
    await page.goto('/?range=custom&from=2026-01-01&to=2026-01-10');
    await waitForDashboard(page);
    expect(await growthPoints(page)).toBe(10);
  });

  test('a legend entry switched off stays off when the chart gets new data', async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    // What the activity chart shows: its first series' name, its buckets, and
    // whether the legend shows `name`.
    const state = (name: string | null) =>
      page.evaluate((name) => {
        // @ts-expect-error: the vendored ECharts global.
        const option = window.echarts.getInstanceByDom(document.getElementById('activity-chart')).getOption();
        return {
          first: option.series[0].name as string,
          buckets: option.xAxis[0].data.length as number,
          shown: name === null ? null : option.legend[0].selected?.[name] !== false,
        };
      }, name);
    const hidden = (await state(null)).first;
    await page.evaluate((name) => {
      // @ts-expect-error: the vendored ECharts global.
      window.echarts.getInstanceByDom(document.getElementById('activity-chart')).dispatchAction({ type: 'legendUnSelect', name });
    }, hidden);
    expect((await state(hidden)).shown).toBe(false);

    await page.getByRole('navigation', { name: '기간' }).getByRole('link', { name: '7일' }).click();
    await expect.poll(async () => (await state(hidden)).buckets).toBe(7);
    expect((await state(hidden)).shown).toBe(false);
  });

  test('the custom range form puts its dates in the URL', async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    await page.locator('.range-custom summary').click();
    await page.getByLabel('시작일').fill('2026-02-01');
    await page.getByLabel('종료일').fill('2026-02-14');
    await page.getByRole('button', { name: '적용' }).click();
    await expect(page).toHaveURL(/range=custom&from=2026-02-01&to=2026-02-14/);
    await expect.poll(() => growthPoints(page)).toBe(14);
  });

  test('every chart is drawn', async ({ page, watch }) => {
    await page.goto('/?range=30d');
    await waitForDashboard(page);
    for (const id of ['user-growth-chart', 'users-by-type-chart', 'activity-chart', 'heatmap-chart', 'problems-chart']) {
      await expect
        .poll(() =>
          page.evaluate((id) => {
            // @ts-expect-error: the vendored ECharts global.
            const chart = window.echarts.getInstanceByDom(document.getElementById(id));
            return (chart?.getOption()?.series ?? []).length;
          }, id),
        )
        .toBeGreaterThan(0);
    }
    await expect(page.getByTestId('map-legend').locator('li')).not.toHaveCount(0);
  });

  test('an activity written while the page is open appears within a second', async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
    const feed = page.getByTestId('activity-feed').locator('li');
    const newestBefore = await feed.first().getAttribute('data-activity-id');
    const card = page.getByRole('article', { name: '오늘 활동', exact: true }).locator('.stat-value');
    const before = Number((await card.textContent())!.replace(/,/g, ''));

    await writeActivities(1);
    const written = Date.now();
    await expect(feed.first()).not.toHaveAttribute('data-activity-id', newestBefore ?? '', { timeout: 1_000 });
    console.log(`live update: write → feed in ${Date.now() - written} ms (after the writer exited)`);
    await expect
      .poll(async () => Number((await card.textContent())!.replace(/,/g, '')), { timeout: 2_000 })
      .toBe(before + 1);
    console.log(`live update: write → stat card in ${Date.now() - written} ms`);
  });

  test('dark mode and the language survive a reload', async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    await page.getByTestId('theme-select').selectOption('dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).toBe('rgb(17, 22, 28)');

    await Promise.all([page.waitForEvent('load'), page.getByTestId('lang-select').selectOption('en')]);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

    await page.reload();
    await waitForDashboard(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await background()).toBe('rgb(17, 22, 28)');
    await expect(page.getByRole('article', { name: 'Total users', exact: true })).toBeVisible();
  });

  test('times can be shown in UTC', async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    await Promise.all([page.waitForEvent('load'), page.getByTestId('tz-select').selectOption('utc')]);
    await expect(page.locator('html')).toHaveAttribute('data-tz', 'utc');
    await waitForDashboard(page);
  });

  test('an open map popup stays open, link and all, when new figures arrive', async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
    const code = await clickableMarker(page);
    await page.locator(`.country-marker[data-country="${code}"]`).click();
    const link = page.locator('.leaflet-popup-content').getByTestId('country-users-link');
    await expect(link).toBeVisible();
    // Marks this very link, and spoils a line of this very popup: new figures
    // write the line again (so the wait below ends only once they were
    // drawn), and a popup rebuilt for them would have lost the mark.
    await link.evaluate((el) => (el as HTMLElement).dataset.kept = 'yes');
    const line = page.locator('.leaflet-popup-content .country-popup > div').first();
    await line.evaluate((el) => (el.textContent = 'stale'));

    await writeActivities(1);
    await expect(line).not.toHaveText('stale');
    await expect(page.locator('.leaflet-popup')).toHaveCount(1);
    await expect(link).toHaveAttribute('data-kept', 'yes');
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/users\\?country=${code}$`));
  });

  test('a map click leads to the users of that country', async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    const code = await clickableMarker(page);
    await page.locator(`.country-marker[data-country="${code}"]`).click();
    await page.locator('.leaflet-popup-content').getByTestId('country-users-link').click();
    await expect(page).toHaveURL(new RegExp(`/users\\?country=${code}$`));
    const rows = page.getByTestId('users-table').locator('tbody tr');
    await expect(rows.first()).toBeVisible();
    const countries = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.country));
    expect(new Set(countries)).toEqual(new Set([code]));
    await expect(page.getByTestId('country-filter')).toContainText(code!);
  });
});
