// The phone layout: nothing wider than the screen.
import { test, expect, waitForDashboard } from '../fixtures';

test('the dashboard never scrolls sideways on a 390 px phone', async ({ page, watch }) => {
  await page.goto('/');
  await waitForDashboard(page);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(innerWidth).toBe(390);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
});
