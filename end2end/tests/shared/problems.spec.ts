// The problem bank, as an admin: the server's verdict beside the
// field it is about, text that is never rendered as HTML, editing, archiving
// and restoring, and a bulk status change.
import { test, expect } from '../fixtures';
import type { APIRequestContext, Page } from '@playwright/test';

/** Problems in the bank (not archived), as the API counts them. */
async function bankSize(request: APIRequestContext): Promise<number> {
  const res = await request.get('/api/v1/problems?per_page=1');
  expect(res.ok()).toBe(true);
  return (await res.json()).meta.total;
}

/** The list's row of the problem titled `title`. */
const rowOf = (page: Page, title: string) => page.getByTestId('problem-row').filter({ hasText: title });

test.describe('problem bank', () => {
  test('create (after a refused try), edit, archive and restore a problem', async ({ page, request, watch }) => {
    // The refused create is answered with 400, which Chromium logs.
    watch.allowed.push(/status of 400/);
    const stamp = `${Date.now()}`;
    const before = await bankSize(request);

    await page.goto('/problems');
    await page.getByTestId('new-problem').click();
    await expect(page).toHaveURL(/\/problems\/new$/);
    const form = page.getByTestId('problem-form');
    await expect(form.getByTestId('hint-title')).toContainText('0/200');

    // No title: the message stands beside the title, and nothing is created.
    await form.getByLabel('내용').fill('제목 없는 문제');
    await form.getByRole('button', { name: '문제 만들기' }).click();
    const titleError = form.getByTestId('error-title');
    await expect(titleError).toBeVisible();
    await expect(titleError).not.toHaveText('');
    await expect(form.getByLabel('제목')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByLabel('제목')).toHaveAttribute('aria-describedby', /problem-title-error/);
    await expect(form.getByTestId('error-content')).toBeHidden();
    await expect(page).toHaveURL(/\/problems\/new$/);
    expect(await bankSize(request)).toBe(before);

    // Markup in the title and content is kept as text.
    const title = `E2E <b>${stamp}</b>`;
    const content = '<img src=x onerror=alert(1)>';
    await form.getByLabel('제목').fill(title);
    await expect(form.getByTestId('hint-title')).toContainText(`${title.length}/200`);
    await form.getByLabel('내용').fill(content);
    await form.getByLabel('정답').fill('42');
    await form.getByLabel('과목').fill('e2e');
    await form.getByLabel('난이도').selectOption('hard');
    await form.getByLabel('상태').selectOption('active');
    await form.getByRole('button', { name: '문제 만들기' }).click();

    await expect(page).toHaveURL(/\/problems\/\d+$/);
    const url = page.url();
    const heading = page.getByTestId('problem-heading');
    await expect(heading).toHaveText(title);
    expect(await heading.locator('b').count()).toBe(0);
    await expect(page.getByLabel('내용')).toHaveValue(content);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    expect(await bankSize(request)).toBe(before + 1);
    // Rendered by the server too, the text stays text.
    await page.reload();
    await expect(page.getByLabel('내용')).toHaveValue(content);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    await expect(page.getByTestId('problem-stats')).toBeVisible();

    // Edit the title.
    const edited = `E2E 편집 ${stamp}`;
    await page.getByLabel('제목').fill(edited);
    await page.getByRole('button', { name: '저장', exact: true }).click();
    await expect(page.getByTestId('problem-saved')).toHaveText('저장했습니다.');
    await expect(heading).toHaveText(edited);
    await page.reload();
    await expect(page.getByLabel('제목')).toHaveValue(edited);

    // Archive: it leaves the bank and is found in the archive.
    const toggle = page.getByTestId('problem-archive-toggle');
    await expect(toggle).toHaveText('보관');
    await toggle.click();
    await expect(page.getByTestId('problem-archived')).toHaveText('보관됨');
    await expect(toggle).toHaveText('복원');
    expect(await bankSize(request)).toBe(before);

    await page.goto(`/problems?q=${stamp}`);
    await expect(page.getByText('조건에 맞는 문제가 없습니다.')).toBeVisible();
    const filters = page.getByTestId('problem-filters');
    await filters.getByLabel('보관된 문제').check();
    await filters.getByRole('button', { name: '필터 적용' }).click();
    await expect(page).toHaveURL(/[?&]archived=true(&|$)/);
    await expect(rowOf(page, edited)).toHaveCount(1);
    await expect(rowOf(page, edited)).toContainText('보관됨');

    // Restore: back in the bank.
    await rowOf(page, edited).getByRole('link', { name: edited }).click();
    await expect(page).toHaveURL(url);
    await page.getByTestId('problem-archive-toggle').click();
    await expect(page.getByTestId('problem-archived')).toHaveCount(0);
    await expect(page.getByTestId('problem-archive-toggle')).toHaveText('보관');
    await page.goto(`/problems?q=${stamp}`);
    await expect(rowOf(page, edited)).toHaveCount(1);
    expect(await bankSize(request)).toBe(before + 1);
  });

  test('ticked problems get a new status at once', async ({ page, watch }) => {
    const stamp = `${Date.now()}`;
    // Two fresh drafts to change.
    for (const n of [1, 2]) {
      await page.goto('/problems/new');
      const form = page.getByTestId('problem-form');
      await form.getByLabel('제목').fill(`E2E 일괄 ${stamp} ${n}`);
      await form.getByLabel('내용').fill('일괄 변경 대상');
      await form.getByRole('button', { name: '문제 만들기' }).click();
      await expect(page).toHaveURL(/\/problems\/\d+$/);
    }

    await page.goto(`/problems?q=${stamp}`);
    const rows = page.getByTestId('problem-row');
    await expect(rows).toHaveCount(2);
    await expect(page.getByTestId('problems-total')).toContainText('2');
    for (const row of await rows.all()) await expect(row).toHaveAttribute('data-status', 'draft');

    const bar = page.getByTestId('bulk-bar');
    await expect(bar.getByTestId('bulk-apply')).toBeDisabled();
    await page.getByTestId('problem-select-all').check();
    await expect(bar.getByTestId('bulk-selected')).toHaveText('2개 선택됨');
    await bar.getByLabel('바꿀 상태').selectOption('inactive');
    await bar.getByTestId('bulk-apply').click();
    await expect(bar.getByTestId('bulk-result')).toHaveText('2개를 변경했습니다.');
    await expect(bar.getByTestId('bulk-selected')).toHaveText('0개 선택됨');
    for (const row of await rows.all()) await expect(row).toHaveAttribute('data-status', 'inactive');
  });
});
