// The System page: dependency health and per-route statistics of this instance.
import { test, expect } from '../fixtures';

test.describe('system page', () => {
  test('shows dependencies and the requests per route', async ({ page, request, watch }) => {
    // Some traffic, so the table has rows.
    await request.get('/api/dashboard/stats');
    await request.get('/api/dashboard/stats');
    await page.goto('/system');
    await expect(page.getByRole('heading', { level: 1, name: '시스템 상태' })).toBeVisible();
    const deps = page.locator('.dependency-list');
    await expect(deps.locator('[data-dependency="database"] .badge')).toHaveText('정상');
    await expect(deps.locator('[data-dependency="cache"] .badge')).toHaveText('정상');
    const row = page.getByRole('row').filter({ hasText: '/api/dashboard/stats' });
    await expect(row).toBeVisible();
    const before = Number((await row.getByRole('cell').nth(2).textContent())!.replace(/,/g, ''));
    expect(before).toBeGreaterThanOrEqual(2);
    // Refresh works in the browser (hydrated): the count grows with new traffic.
    await request.get('/api/dashboard/stats');
    await page.getByRole('button', { name: '새로고침' }).click();
    await expect
      .poll(async () => Number((await row.getByRole('cell').nth(2).textContent())!.replace(/,/g, '')))
      .toBeGreaterThan(before);
  });

  test('the header links to it', async ({ page, watch }) => {
    await page.goto('/');
    await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '시스템' }).click();
    await expect(page).toHaveURL(/\/system$/);
    await expect(page.getByRole('heading', { level: 1, name: '시스템 상태' })).toBeVisible();
  });
});
