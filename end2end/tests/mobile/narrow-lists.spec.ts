// The users, activities and problem pages on the smallest phones we
// support (360 px): filter bars wrap, wide tables scroll inside their box, and
// the page itself never scrolls sideways.
import { test, expect } from '../fixtures';
import type { Page } from '@playwright/test';

test.use({ viewport: { width: 360, height: 740 } });

async function expectNoSidewaysScroll(page: Page) {
  await page.waitForLoadState('networkidle');
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(innerWidth).toBe(360);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

for (const path of ['/users?sort=username&order=asc', '/activities', '/problems', '/problems/new']) {
  test(`${path} never scrolls sideways at 360 px`, async ({ page, watch }) => {
    await page.goto(path);
    await expectNoSidewaysScroll(page);
  });
}

test("a user's page and a problem's page never scroll sideways at 360 px", async ({ page, watch }) => {
  await page.goto('/users?sort=last_activity&order=desc');
  await page.getByTestId('user-row').first().getByRole('link').click();
  await expect(page).toHaveURL(/\/users\/\d+$/);
  await expect(page.getByTestId('user-card')).toBeVisible();
  await expectNoSidewaysScroll(page);

  await page.goto('/problems');
  await page.getByTestId('problem-row').first().getByRole('link').first().click();
  await expect(page).toHaveURL(/\/problems\/\d+$/);
  await expect(page.getByTestId('problem-stats')).toBeVisible();
  await expectNoSidewaysScroll(page);
});
