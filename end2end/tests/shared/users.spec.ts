// The users list and a user's page, as an admin: filters and order
// kept in the URL (back restores them), the map's country link, keyset pages,
// the CSV export of a filtered list, and a user's timeline and tier.
import { readFile } from 'node:fs/promises';
import { test, expect, waitForDashboard, clickableMarker } from '../fixtures';
import type { Page } from '@playwright/test';

const rows = (page: Page) => page.getByTestId('users-table').getByTestId('user-row');

/** One attribute of every row on screen. */
const rowAttrs = (page: Page, name: string) =>
  rows(page).evaluateAll((trs, n) => trs.map((tr) => tr.getAttribute(n) ?? ''), name);

/** The usernames on screen, in order. */
const usernames = (page: Page) => rows(page).locator('td:first-child').allInnerTexts();

/** The figure in the list's total line ("사용자 1,234명"). */
async function shownTotal(page: Page): Promise<number> {
  return Number((await page.getByTestId('users-total').innerText()).replace(/\D/g, ''));
}

/** The cells of one CSV line (RFC 4180 quoting). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

test.describe('users list', () => {
  test('type and order are picked in the filter bar, kept in the URL, and back restores them', async ({
    page,
    request,
    watch,
  }) => {
    await page.goto('/users');
    await expect(rows(page).first()).toBeVisible();
    const filters = page.getByTestId('user-filters');
    await filters.getByLabel('유형').selectOption('paid');
    await filters.getByLabel('정렬 기준').selectOption('username');
    await filters.getByLabel('순서').selectOption('asc');
    await filters.getByRole('button', { name: '필터 적용' }).click();

    await expect(page).toHaveURL(/[?&]user_type=paid(&|$)/);
    await expect(page).toHaveURL(/[?&]sort=username(&|$)/);
    await expect(page).toHaveURL(/[?&]order=asc(&|$)/);
    // The same rows, in the same order, as the API gives for these filters.
    const api = await (await request.get('/api/v1/users?user_type=paid&sort=username&order=asc')).json();
    expect(api.users.length).toBeGreaterThan(1);
    await expect.poll(() => usernames(page)).toEqual(api.users.map((u: { username: string }) => u.username));
    expect(new Set(await rowAttrs(page, 'data-user-type'))).toEqual(new Set(['paid']));
    expect(await shownTotal(page)).toBe(api.meta.total);

    // Another filter, then back: the paid list and its controls return.
    await filters.getByLabel('유형').selectOption('premium');
    await filters.getByRole('button', { name: '필터 적용' }).click();
    await expect(page).toHaveURL(/[?&]user_type=premium(&|$)/);
    await expect.poll(async () => [...new Set(await rowAttrs(page, 'data-user-type'))]).toEqual(['premium']);

    await page.goBack();
    await expect(page).toHaveURL(/[?&]user_type=paid(&|$)/);
    await expect(filters.getByLabel('유형')).toHaveValue('paid');
    await expect(filters.getByLabel('정렬 기준')).toHaveValue('username');
    await expect(filters.getByLabel('순서')).toHaveValue('asc');
    await expect.poll(() => usernames(page)).toEqual(api.users.map((u: { username: string }) => u.username));

    await page.goBack();
    await expect(page).toHaveURL(/\/users$/);
    await expect(filters.getByLabel('유형')).toHaveValue('');
    await expect(filters.getByLabel('정렬 기준')).toHaveValue('created_at');
  });

  test("a country picked on the map lists only that country's users", async ({ page, watch }) => {
    await page.goto('/');
    await waitForDashboard(page);
    const code = await clickableMarker(page);
    await page.locator(`.country-marker[data-country="${code}"]`).click();
    await page.locator('.leaflet-popup-content').getByTestId('country-users-link').click();

    await expect(page).toHaveURL(new RegExp(`/users\\?country=${code}$`));
    await expect(rows(page).first()).toBeVisible();
    expect(new Set(await rowAttrs(page, 'data-country'))).toEqual(new Set([code]));
    await expect(page.getByTestId('country-filter')).toContainText(code);
    await expect(page.getByTestId('user-filters').getByLabel('국가')).toHaveValue(code);
    await expect(page.getByTestId('users-export')).toHaveAttribute('href', new RegExp(`[?&]country=${code}(&|$)`));
  });

  test('"Next page" shows the following users and "First page" the first ones again', async ({ page, watch }) => {
    await page.goto('/users');
    await expect(rows(page).first()).toBeVisible();
    const total = await shownTotal(page);
    expect(total).toBeGreaterThan(50);
    const first = await rowAttrs(page, 'data-id');
    expect(first).toHaveLength(50);
    await expect(page.getByTestId('users-first')).toHaveCount(0);

    await page.getByTestId('users-next').click();
    await expect(page).toHaveURL(/[?&]cursor=/);
    await expect.poll(async () => (await rowAttrs(page, 'data-id')).some((id) => first.includes(id))).toBe(false);
    expect((await rowAttrs(page, 'data-id')).length).toBeGreaterThan(0);
    expect(await shownTotal(page)).toBe(total);

    await page.getByTestId('users-first').click();
    await expect(page).not.toHaveURL(/cursor=/);
    await expect.poll(() => rowAttrs(page, 'data-id')).toEqual(first);
  });

  test('the CSV export of a filtered list has the BOM, a header row and only matching rows', async ({
    page,
    watch,
  }) => {
    await page.goto('/users?user_type=premium');
    await expect(rows(page).first()).toBeVisible();
    const total = await shownTotal(page);
    const link = page.getByTestId('users-export');
    await expect(link).toHaveAttribute('href', /^\/api\/v1\/users\/export\.csv\?(.*&)?user_type=premium(&|$)/);

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split(/\r?\n/).filter((l) => l !== '');
    const header = csvCells(lines[0]);
    expect(header).toEqual(expect.arrayContaining(['id', 'email', 'username', 'user_type']));
    const typeAt = header.indexOf('user_type');
    const body = lines.slice(1).map(csvCells);
    expect(body).toHaveLength(total);
    expect(new Set(body.map((cells) => cells[typeAt]))).toEqual(new Set(['premium']));
  });
});

test.describe('user page', () => {
  test('shows the timeline, and an admin changes the tier', async ({ page, watch }) => {
    // The most recently active user has a timeline to show.
    await page.goto('/users?sort=last_activity&order=desc');
    const row = rows(page).first();
    await expect(row).toBeVisible();
    const name = await row.locator('td').first().innerText();
    await row.getByRole('link', { name, exact: true }).click();
    await expect(page).toHaveURL(/\/users\/\d+$/);
    await expect(page.getByTestId('user-heading')).toHaveText(name);
    await expect(page.getByTestId('user-username')).toHaveText(name);

    const timeline = page.getByTestId('timeline-table').getByTestId('activity-row');
    await expect(timeline.first()).toBeVisible();
    const shown = await timeline.count();
    const more = page.getByTestId('timeline-more');
    if (await more.isVisible()) {
      await more.click();
      await expect.poll(() => timeline.count()).toBeGreaterThan(shown);
    }

    const form = page.getByTestId('user-type-form');
    const select = form.getByLabel('유형 변경');
    const original = await select.inputValue();
    const next = original === 'premium' ? 'free' : 'premium';
    const words: Record<string, string> = { free: '무료', paid: '유료', premium: '프리미엄' };
    await select.selectOption(next);
    await form.getByRole('button', { name: '저장', exact: true }).click();
    await expect(form.getByTestId('user-type-saved')).toHaveText('저장했습니다.');
    await expect(page.getByTestId('user-type')).toHaveText(words[next]);

    await page.reload();
    await expect(page.getByTestId('user-type')).toHaveText(words[next]);
    await expect(select).toHaveValue(next);

    // Put it back, so other tests see the seeded tiers.
    await select.selectOption(original);
    await form.getByRole('button', { name: '저장', exact: true }).click();
    await expect(page.getByTestId('user-type')).toHaveText(words[original]);
  });

  test('an unknown user gets the not-found message', async ({ page, watch }) => {
    // The page itself is answered with 404, which Chromium logs.
    watch.allowed.push(/status of 404/);
    await page.goto('/users/999999999');
    const card = page.locator('.error-card[data-code="NOT_FOUND"]');
    await expect(card).toBeVisible();
    await expect(card).toContainText('찾는 항목이 없습니다.');
    await expect(page.getByTestId('user-card')).toHaveCount(0);
  });
});
