// Roles in the UI: an admin creates a viewer on the Settings page,
// and the viewer sees none of what a viewer may not use; an admin's new API key
// is shown once.
import { test, expect, signIn, watchPage, expectClean } from '../fixtures';

test.describe('roles', () => {
  test('a viewer created by an admin sees only what a viewer may use', async ({ page, browser, baseURL, watch }) => {
    const stamp = Date.now();
    const email = `viewer-${stamp}@example.com`;
    const password = `Viewer-${stamp}-pw!`;

    // As the admin: create the account.
    await page.goto('/settings');
    const form = page.getByTestId('create-account-form');
    await form.getByLabel('이메일').fill(email);
    await form.getByLabel('초기 비밀번호').fill(password);
    await form.getByLabel('역할').selectOption('viewer');
    await form.getByRole('button', { name: '계정 만들기' }).click();
    const row = page.getByTestId('accounts-table').locator(`tr[data-account="${email}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByRole('combobox', { name: `${email}의 역할` })).toHaveValue('viewer');

    // As the viewer, in a browser of their own.
    const context = await browser.newContext({
      baseURL,
      locale: 'ko-KR',
      timezoneId: 'Asia/Seoul',
      storageState: { cookies: [], origins: [] },
    });
    try {
      const viewer = await context.newPage();
      const viewerWatch = await watchPage(viewer, new URL(baseURL!).host);
      await viewer.goto('/login');
      await signIn(viewer, email, password);
      await expect(viewer).toHaveURL(/\/$/);
      await expect(viewer.getByTestId('account-role')).toHaveText('뷰어');
      const nav = viewer.getByRole('navigation', { name: '주 메뉴' });
      await expect(nav.getByRole('link', { name: '설정' })).toBeVisible();
      await expect(nav.getByRole('link', { name: '감사 로그' })).toHaveCount(0);

      await viewer.goto('/settings');
      await expect(viewer.getByRole('region', { name: '내 계정' })).toBeVisible();
      await expect(viewer.getByRole('region', { name: '내 계정' })).toContainText(email);
      await expect(viewer.getByRole('region', { name: 'API 키', exact: true })).toHaveCount(0);
      await expect(viewer.getByRole('region', { name: '계정', exact: true })).toHaveCount(0);
      await expect(viewer.getByTestId('create-account-form')).toHaveCount(0);

      // Typed in by hand, the audit log is refused.
      await viewer.goto('/audit');
      const card = viewer.locator('.error-card[data-code="FORBIDDEN"]');
      await expect(card).toBeVisible();
      await expect(card).toContainText('이 작업을 할 권한이 없습니다.');
      await expect(viewer.getByTestId('audit-table')).toHaveCount(0);
      // The server may answer the refused page itself with 403.
      viewerWatch.allowed.push(/status of 403/);
      expectClean(viewerWatch);
    } finally {
      await context.close();
    }
  });

  test('an admin creates an API key and sees it once', async ({ page, watch }) => {
    const name = `e2e-${Date.now()}`;
    await page.goto('/settings');
    const form = page.getByTestId('create-api-key-form');
    await form.getByLabel('이름').fill(name);
    // The ingest scope needs an editor's key.
    await form.getByLabel('역할').selectOption('editor');
    await form.getByLabel('이벤트 수집 허용').check();
    await form.getByRole('button', { name: 'API 키 만들기' }).click();

    const created = page.getByTestId('new-api-key');
    await expect(created).toBeVisible();
    await expect(created.locator('code')).toHaveText(/^ds_[A-Za-z0-9_-]{20,}$/);
    const row = page.getByTestId('api-keys-table').getByRole('row').filter({ hasText: name });
    await expect(row).toContainText('ingest');
    await expect(row).toContainText('사용 중');

    // Shown once: a new page has the key in the list, never the key itself.
    await page.reload();
    await expect(page.getByTestId('api-keys-table')).toContainText(name);
    await expect(page.getByTestId('new-api-key')).toHaveCount(0);
  });
});
