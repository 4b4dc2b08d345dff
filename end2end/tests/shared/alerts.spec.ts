// Alerts, as an admin on a desktop and on a phone: a rule made through the
// editor (activities of a type of its own above 0 over 5 minutes, evaluated
// every 10 s, firing at once), "Test now" before anything happened, one
// activity of that type posted through the ingestion API, the rule firing on
// /alerts without a reload (the stream's `alerts` event refetches the list),
// the dashboard's badge counting it, a one-hour silence, the history
// narrowed to the rule, and the rule deleted. Each run uses names and an
// activity type of its own, so the two projects never see each other's rule.
import type { Page, TestInfo } from '@playwright/test';
import { test, expect, waitForDashboard } from '../fixtures';

/** A suffix no other run or project uses (desktop and phone share one server). */
const unique = (info: TestInfo) => `${info.project.name}_${Date.now()}`;

async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

test.describe('alerts', () => {
  test('a rule fires on new activity, shows on the dashboard and is silenced', async ({ page, baseURL, watch }, info) => {
    // The evaluator looks for due rules every ~5 s and this rule is due every
    // 10 s; the rest is a few page loads.
    test.setTimeout(120_000);
    const origin = new URL(baseURL!).origin;
    const suffix = unique(info);
    const name = `E2E alert ${suffix}`;
    // [a-z0-9_], at most 50 characters, as ingestion and the rule's filter want.
    const activityType = `e2e_alert_${suffix}`.toLowerCase();

    // A session cannot post events (that is for keys with the `ingest` scope):
    // the signed-in admin makes one, revoked at the end. A cookie-authenticated
    // write must come from our own origin.
    const made = await page.request.post('/api/v1/api-keys', {
      data: { name: `E2E alerts ${suffix}`, role: 'editor', scopes: ['ingest'], expires_in_days: 1 },
      headers: { Origin: origin },
    });
    expect(made.status()).toBe(201);
    const created = await made.json();
    const key: string = created.key;
    const keyId: number = created.api_key.id;
    try {
      // The rule, through the editor.
      await page.goto('/alerts');
      await page.getByTestId('new-alert-rule').click();
      await expect(page).toHaveURL(/\/alerts\/new$/);
      const form = page.getByTestId('alert-form');
      await form.getByTestId('alert-name').fill(name);
      await form.getByTestId('alert-metric').selectOption('activities');
      await form.getByTestId('alert-filter').fill(activityType);
      await form.getByTestId('alert-window').fill('5');
      await form.getByTestId('alert-condition').selectOption('above');
      await form.getByTestId('alert-threshold').fill('0');
      await form.getByTestId('alert-interval').fill('10');
      await form.getByTestId('alert-pending').fill('0');
      await expect(form.getByTestId('alert-no-data')).toHaveCount(0);
      await expect(form.getByTestId('alert-threshold-high')).toHaveCount(0);

      // Nothing of that type yet: "Test now" finds 0, which does not breach.
      await form.getByTestId('alert-test').click();
      const tested = form.getByTestId('alert-test-result');
      await expect(tested).toHaveAttribute('data-breaching', 'false');
      await expect(tested.getByTestId('alert-test-value')).toHaveText('0');
      await expect(tested.getByTestId('alert-test-state')).toHaveText('정상');
      await expect(tested.getByTestId('alert-test-message')).toContainText(name);

      await form.getByTestId('alert-save').click();
      await expect(page).toHaveURL(/\/alerts\/\d+$/);
      await expect(page.getByTestId('alert-rule-heading')).toHaveText(name);
      const ruleId = Number(new URL(page.url()).pathname.split('/').pop());
      await expect(page.getByTestId('alert-form').getByTestId('alert-filter')).toHaveValue(activityType);

      // Listed, normal, with its condition in words.
      await page.goto('/alerts');
      const row = page.getByTestId(`alert-rule-${ruleId}`);
      await expect(row.getByTestId('alert-rule-link')).toHaveText(name);
      await expect(row.getByTestId('alert-state')).toHaveAttribute('data-state', 'normal');
      await expect(row).toContainText('0 초과');
      await expectNoSidewaysScroll(page);

      // One activity of the rule's type, from an existing user, through the
      // ingestion API with the key.
      const users = await page.request.get('/api/v1/users?per_page=1');
      expect(users.status()).toBe(200);
      const userId: number = (await users.json()).users[0].id;
      const posted = await page.request.post('/api/v1/events', {
        data: {
          events: [{ type: 'activity', user_id: userId, activity_type: activityType, description: 'E2E alert trigger' }],
        },
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(posted.status()).toBe(200);
      expect((await posted.json()).activities).toBe(1);

      // Firing, without a reload: the evaluator's next pass changes the count of
      // rules firing, the stream says so, and the page fetches the list again.
      await expect(row.getByTestId('alert-state')).toHaveAttribute('data-state', 'firing', { timeout: 40_000 });
      await expect(row.getByTestId('alert-value')).toHaveText('1');
      await expect(row.getByTestId('alert-sparkline')).toHaveAttribute('role', 'img');

      // The dashboard's badge counts it, in words, and leads to the list.
      await page.goto('/');
      const badge = page.getByTestId('alert-badge');
      await expect(badge).toBeVisible();
      expect(Number(await badge.getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
      await expect(badge).toHaveText(/^경보 \d+건 발생 중$/);
      await waitForDashboard(page);
      await expectNoSidewaysScroll(page);
      await badge.click();
      await expect(page).toHaveURL(/\/alerts$/);

      // Silenced for an hour: the row says until when; it still fires underneath.
      const silenced = page.getByTestId(`alert-rule-${ruleId}`);
      await silenced.getByTestId('alert-silence-1h').click();
      const state = silenced.getByTestId('alert-state');
      await expect(state).toHaveAttribute('data-state', 'silenced');
      await expect(state).toContainText('무음');
      await expect(silenced.getByTestId('alert-underlying-state')).toHaveText('발생');
      await expect(silenced.getByTestId('alert-unsilence')).toBeVisible();

      // The history narrowed to the rule: it fired, and only its events show.
      await silenced.getByTestId('alert-rule-history').click();
      await expect(page).toHaveURL(new RegExp(`/alerts\\?rule=${ruleId}$`));
      await expect(page.getByTestId('alert-history-filter')).toContainText(name);
      const events = page.getByTestId('alert-event-row');
      await expect(page.locator(`[data-testid="alert-event-row"][data-kind="firing"]`).first()).toBeVisible();
      const ruleIds = await events.evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.ruleId));
      expect(new Set(ruleIds)).toEqual(new Set([String(ruleId)]));
      await expectNoSidewaysScroll(page);

      // Deleted from its page, after the question: gone from the list.
      await page.goto(`/alerts/${ruleId}`);
      await page.getByTestId('alert-rule-delete').click();
      await page.getByTestId('alert-rule-delete-confirm').click();
      await expect(page).toHaveURL(/\/alerts$/);
      await expect(page.getByTestId(`alert-rule-${ruleId}`)).toHaveCount(0);
    } finally {
      await page.request.delete(`/api/v1/api-keys/${keyId}`, { headers: { Origin: origin } });
    }
  });
});
