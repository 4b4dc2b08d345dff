// The smallest phones we support (360 px): no page scrolls sideways.
import { test, expect, waitForDashboard } from '../fixtures';

test.use({ viewport: { width: 360, height: 740 } });

for (const path of ['/', '/?range=12m', '/users', '/system']) {
  test(`${path} never scrolls sideways at 360 px`, async ({ page, watch }) => {
    await page.goto(path);
    if (path.startsWith('/?') || path === '/') await waitForDashboard(page);
    else await page.waitForLoadState('networkidle');
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(innerWidth).toBe(360);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });
}
