// Keyboard use on the desktop: a map marker is reachable and opens with Enter.
import { test, expect, waitForDashboard } from '../fixtures';

test('a focused map marker opens its popup with Enter', async ({ page, watch }) => {
  await page.goto('/');
  await waitForDashboard(page);
  const marker = page.getByRole('button', { name: /^대한민국: 사용자/ });
  await marker.focus();
  await expect(marker).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('.leaflet-popup-content')).toContainText('대한민국');
});
