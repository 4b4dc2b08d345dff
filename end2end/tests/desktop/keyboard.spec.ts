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

test('the range picker works from the keyboard', async ({ page, watch }) => {
  await page.goto('/');
  await waitForDashboard(page);
  const option = page.getByRole('navigation', { name: '기간' }).getByRole('link', { name: '12개월' });
  await option.focus();
  await expect(option).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]range=12m/);
});

test('every control has a name for screen readers', async ({ page, watch }) => {
  await page.goto('/');
  await waitForDashboard(page);
  const unnamed = await page.evaluate(() =>
    Array.from(document.querySelectorAll('a, button, select, input, summary'))
      .filter((el) => {
        const e = el as HTMLInputElement;
        if (e.type === 'hidden') return false;
        const label = e.getAttribute('aria-label') ?? (e.labels && e.labels.length > 0 ? 'label' : '') ?? '';
        return !(label || (el.textContent ?? '').trim());
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(unnamed).toEqual([]);
});
