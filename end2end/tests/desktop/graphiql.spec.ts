// GraphiQL on /api/graphql renders from this server alone (React and GraphiQL
// vendored from npm, under the page's Content-Security-Policy) and runs
// queries as the signed-in account; a browser without a session is sent to
// the login page.
import { test, expect, signIn } from '../fixtures';

const email = process.env.E2E_ADMIN_EMAIL!;
const password = process.env.E2E_ADMIN_PASSWORD!;

/** GraphiQL 4's editors are CodeMirror 5, which keeps its text in its own
 * model: the instance hangs off the editor's element. */
type CodeMirrorElement = HTMLElement & { CodeMirror: { setValue(text: string): void } };

test.describe('GraphiQL', () => {
  test('runs a query as the signed-in admin without leaving the server', async ({ page, watch }) => {
    await page.goto('/api/graphql');
    const editor = page.locator('.graphiql-query-editor .CodeMirror');
    await expect(editor).toBeVisible({ timeout: 15_000 });
    await editor.evaluate((el, query) => (el as CodeMirrorElement).CodeMirror.setValue(query), '{ me { name role } }');
    await page.getByRole('button', { name: 'Execute query' }).click();
    const result = page.locator('.result-window');
    await expect(result).toContainText('"role": "ADMIN"');
    await expect(result).toContainText(`"name": "${email}"`);
  });

  test.describe('signed out', () => {
    test.use({ storageState: { cookies: [], origins: [] } });

    test('the page leads to the login page, which brings the browser back', async ({ page, watch }) => {
      await page.goto('/api/graphql');
      await expect(page).toHaveURL(/\/login\?next=%2Fapi%2Fgraphql$/);
      await expect(page.getByRole('heading', { level: 1, name: '로그인' })).toBeVisible();
      await signIn(page, email, password);
      await expect(page).toHaveURL(/\/api\/graphql$/);
      await expect(page.locator('.graphiql-query-editor .CodeMirror')).toBeVisible({ timeout: 15_000 });
    });
  });
});
