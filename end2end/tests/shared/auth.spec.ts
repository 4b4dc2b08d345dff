// Signing in and out in a browser with no session: every page
// sends it to the login page, which brings it back where it was going.
import { test, expect, signIn, waitForLoginForm, waitForDashboard } from '../fixtures';

test.use({ storageState: { cookies: [], origins: [] } });

const email = process.env.E2E_ADMIN_EMAIL!;
const password = process.env.E2E_ADMIN_PASSWORD!;

test.describe('sign-in', () => {
  test('a page without a session leads to the login page', async ({ page, watch }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login\?next=%2F$/);
    await expect(page).toHaveTitle('로그인 · DreamSeed Admin');
    await expect(page.getByRole('heading', { level: 1, name: '로그인' })).toBeVisible();
    // Signed out, the header has no menu to offer.
    await expect(page.getByRole('navigation', { name: '주 메뉴' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: '로그아웃' })).toHaveCount(0);
  });

  test('a wrong password is refused in place', async ({ page, watch }) => {
    // The server answers 401, which Chromium logs as a failed resource.
    watch.allowed.push(/status of 401/);
    await page.goto('/login?next=%2F');
    await signIn(page, email, `${password}-wrong`);
    const alert = page.getByTestId('login-error');
    await expect(alert).toHaveText('이메일 또는 비밀번호가 올바르지 않습니다.');
    await expect(alert).toHaveAttribute('role', 'alert');
    expect(new URL(page.url()).pathname).toBe('/login');
    // Nothing was let through.
    await page.goto('/');
    await expect(page).toHaveURL(/\/login\?next=%2F$/);
  });

  test('signing in lands on the dashboard, signing out ends the session', async ({ page, watch }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login\?next=%2F$/);
    await signIn(page, email, password);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1, name: '운영 대시보드' })).toBeVisible();
    await waitForDashboard(page);
    const account = page.getByTestId('account-menu');
    await expect(account).toContainText(email);
    await expect(account.getByTestId('account-role')).toHaveText('관리자');

    await account.getByRole('button', { name: '로그아웃' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await waitForLoginForm(page);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login\?next=%2F$/);
  });
});
