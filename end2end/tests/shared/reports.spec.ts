// Scheduled reports, as an admin on a desktop and on a phone: a new report
// with the cron pattern's live preview (and the field's error for an hour
// that does not exist), run now from its history, the run moving to
// completed without a reload (the stream), and its HTML file opened in a new
// tab, sandboxed and self-contained.
import { test, expect } from '../fixtures';

test.describe('scheduled reports', () => {
  test('create a report with a cron preview, run it now and open its HTML', async ({ page, context, watch }) => {
    // The refused save is answered with 400, which Chromium logs.
    watch.allowed.push(/status of 400/);
    const name = `E2E report ${Date.now()}`;

    await page.goto('/reports');
    await expect(page.getByTestId('report-row').first()).toBeVisible();
    await page.getByTestId('new-report').click();
    await expect(page).toHaveURL(/\/reports\/new$/);
    const form = page.getByTestId('report-form');
    await form.getByLabel('이름').fill(name);
    // The built-in weekly summary's template, by its name.
    await form.getByTestId('report-template').selectOption({ label: 'Weekly summary' });

    // An hour that does not exist: the message names the field, beside it.
    const cron = form.getByTestId('cron-input');
    await cron.fill('0 24 * * *');
    await expect(form.getByTestId('cron-error')).toContainText('hour');
    await expect(cron).toHaveAttribute('aria-invalid', 'true');

    // A good pattern: five next runs and the words, in Seoul time.
    await cron.fill('0 9 * * 1-5');
    await expect(form.getByTestId('cron-next')).toHaveCount(5);
    await expect(form.getByTestId('cron-words')).toContainText('평일 09:00');
    await expect(form.getByTestId('cron-error')).toBeHidden();

    // HTML is ticked for a new report; CSV too.
    await expect(form.getByTestId('format-html')).toBeChecked();
    await form.getByTestId('format-csv').check();

    await form.getByTestId('report-save').click();
    await expect(page).toHaveURL(/\/reports\/\d+$/);
    await expect(page.getByTestId('report-heading')).toHaveText(name);

    // Its history: empty, then "Run now".
    await page.getByTestId('report-runs').click();
    await expect(page).toHaveURL(/\/reports\/\d+\/runs$/);
    await expect(page.getByTestId('runs-report')).toHaveText(name);
    await expect(page.getByTestId('runs-empty')).toBeVisible();
    await page.getByTestId('run-now').click();
    await expect(page.getByTestId('run-requested')).toBeVisible();
    const row = page.getByTestId('run-row').first();
    await expect(row).toBeVisible();
    // Completed without a reload: the stream's events, then the refetch with its files.
    await expect(row.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 20_000 });
    const html = row.getByTestId('run-output-html');
    await expect(html).toBeVisible();
    await expect(row.getByTestId('run-output-csv')).toBeVisible();
    await expect(row.getByTestId('run-trace')).not.toHaveText('');

    // The HTML file opens in a new tab: the report, with its charts drawn inline.
    const [tab] = await Promise.all([context.waitForEvent('page'), html.click()]);
    await tab.waitForLoadState();
    await expect(tab.locator('body')).toContainText(name);
    expect(await tab.locator('svg').count()).toBeGreaterThan(0);
    expect(await tab.locator('script').count()).toBe(0);
    await tab.close();

    // The list shows the run as its latest.
    await page.goto('/reports');
    const listed = page.getByTestId('report-row').filter({ hasText: name });
    await expect(listed.getByTestId('report-last-run')).toHaveText('완료');
  });
});
