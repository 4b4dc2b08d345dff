// The interactive API reference renders from this server alone.
import { test, expect } from '../fixtures';

test('the API docs page lists the dashboard endpoints without leaving the server', async ({ page, watch }) => {
  await page.goto('/api/docs');
  await expect(page.getByText('DreamSeed Admin API').first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText('/api/dashboard/stats').first()).toBeVisible();
  // Every group of routes is listed.
  for (const tag of ['dashboard', 'cache', 'operations', 'live']) {
    await expect(page.getByText(tag, { exact: true }).first()).toBeVisible();
  }
});
