// The dashboard, as an admin sees it on a desktop and on a phone.
import { test, expect, waitForDashboard, formatCount, clickableMarker } from '../fixtures';

test.describe('dashboard', () => {
  test('stat cards show the same figures as /api/dashboard/stats', async ({ page, request, watch }) => {
    await page.goto('/');
    const stats = await (await request.get('/api/dashboard/stats')).json();
    const card = (name: string) => page.getByRole('article', { name, exact: true });

    await expect(card('전체 사용자')).toContainText(formatCount(stats.total_users));
    await expect(card('현재 접속')).toContainText(formatCount(stats.online_users));
    await expect(card('오늘 활성')).toContainText(formatCount(stats.active_today));
    await expect(card('오늘 가입')).toContainText(formatCount(stats.new_today));
    await expect(card('오늘 활동')).toContainText(formatCount(stats.activities_today));
    await expect(card('문제')).toContainText(`${formatCount(stats.problems_active)} / ${formatCount(stats.problems_total)}`);
    const byType = card('유형별 사용자');
    await expect(byType.getByTestId('users_by_type.free')).toHaveText(formatCount(stats.users_by_type.free));
    await expect(byType.getByTestId('users_by_type.paid')).toHaveText(formatCount(stats.users_by_type.paid));
    await expect(byType.getByTestId('users_by_type.premium')).toHaveText(formatCount(stats.users_by_type.premium));
    expect(stats.total_users).toBeGreaterThan(1000);
  });

  test('the user growth chart is drawn with 30 days of data', async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    await expect(page.locator('#user-growth-chart canvas').first()).toBeVisible();
    const days = await page.evaluate(() => {
      // @ts-expect-error: the vendored ECharts global.
      const option = window.echarts.getInstanceByDom(document.getElementById('user-growth-chart')).getOption();
      return option.series.map((s: { data: unknown[] }) => s.data.length);
    });
    expect(days).toEqual([30, 30]);
  });

  test('the map shows a marker per country over offline outlines', async ({ page, request, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    const { countries } = await (await request.get('/api/dashboard/countries')).json();
    const placed = countries.filter((c: { lat?: number }) => c.lat !== undefined).length;
    const markers = page.getByRole('button', { name: /: 사용자 [\d,]+$/ });
    await expect(markers).toHaveCount(placed);
    expect(placed).toBeGreaterThanOrEqual(10);
    // Country outlines come from the bundled GeoJSON, not from tiles.
    await expect(page.locator('.country-outline').first()).toBeAttached();
    expect(await page.locator('.leaflet-tile').count()).toBe(0);
  });

  test('clicking a marker opens its popup (the page is hydrated)', async ({ page, request, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    const code = await clickableMarker(page);
    const { countries } = await (await request.get('/api/dashboard/countries')).json();
    const country = countries.find((c: { country: string }) => c.country === code);

    await page.locator(`.country-marker[data-country="${code}"]`).click();
    const popup = page.locator('.leaflet-popup-content');
    await expect(popup).toBeVisible();
    await expect(popup).toContainText(country.name_ko);
    await expect(popup).toContainText(`사용자: ${formatCount(country.users)}`);
    await expect(popup).toContainText(`오늘 활성: ${formatCount(country.today_active)}`);
  });
});
