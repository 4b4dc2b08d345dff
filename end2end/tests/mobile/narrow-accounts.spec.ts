// The sign-in, settings and audit pages on the smallest phones we support
// (360 px): wide tables scroll inside their box, the page never sideways.
import { test, expect, waitForLoginForm } from '../fixtures';
import type { Page } from '@playwright/test';

test.use({ viewport: { width: 360, height: 740 } });

async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(innerWidth).toBe(360);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

for (const path of ['/settings', '/audit']) {
  test(`${path} never scrolls sideways at 360 px`, async ({ page, watch }) => {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    await expectNoSidewaysScroll(page);
  });
}

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('/login never scrolls sideways at 360 px', async ({ page, watch }) => {
    await page.goto('/login');
    await waitForLoginForm(page);
    await expectNoSidewaysScroll(page);
  });
});
