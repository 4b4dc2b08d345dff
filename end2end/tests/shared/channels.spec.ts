// Delivery channels, as an admin on a desktop and on a phone, against a real
// webhook receiver this spec starts on 127.0.0.1 (the e2e server runs in
// development, where private targets and plain http are allowed): a webhook
// made through the form (after a refused empty save), its signing secret
// shown once and copied, a test send that reaches the receiver signed with
// that secret and shows in the channel's log with its attempt; a report that
// sends to the channel, run now, whose delivery shows in the log too; and a
// delete the server refuses while the report uses the channel.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from '../fixtures';

/** One request the receiver got. */
type Received = { method: string; path: string; headers: IncomingHttpHeaders; body: string };

/** A webhook receiver on a free port of 127.0.0.1 that answers every request
 * with 200 and keeps what it got. */
async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Whether `hit` carries a Standard Webhooks signature made with `secret`
 * (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`). */
function signedWith(secret: string, hit: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${hit.headers['webhook-id']}.${hit.headers['webhook-timestamp']}.${hit.body}`;
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  return String(hit.headers['webhook-signature']).split(' ').includes(expected);
}

/** A name no other run or project uses (desktop and phone share one server). */
const unique = (what: string, info: TestInfo) => `E2E ${what} ${info.project.name} ${Date.now()}`;

async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

test.describe('delivery channels', () => {
  test('a webhook: its secret once, a signed test send and its log', async ({ page, context, watch }, info) => {
    // The refused empty save is answered with 400, which Chromium logs.
    watch.allowed.push(/status of 400/);
    const receiver = await startReceiver();
    try {
      const name = unique('hook', info);
      await page.goto('/settings');
      await page.getByTestId('channels-link').click();
      await expect(page).toHaveURL(/\/settings\/channels$/);
      await page.getByTestId('new-channel').click();
      await expect(page).toHaveURL(/\/settings\/channels\/new$/);

      // Nothing filled in: every message at once, each beside its field.
      const form = page.getByTestId('channel-form');
      await expect(form.getByTestId('channel-kind-select')).toHaveValue('webhook');
      await form.getByTestId('channel-save').click();
      await expect(form.getByTestId('error-name')).not.toBeEmpty();
      await expect(form.getByTestId('error-url')).not.toBeEmpty();
      await expect(form.getByTestId('channel-name')).toHaveAttribute('aria-invalid', 'true');
      await expect(form.getByTestId('channel-url')).toHaveAttribute('aria-invalid', 'true');

      await form.getByTestId('channel-name').fill(name);
      await form.getByTestId('channel-url').fill(receiver.url);
      await form.getByTestId('channel-save').click();
      await expect(page).toHaveURL(/\/settings\/channels\/\d+$/);
      await expect(page.getByTestId('channel-heading')).toHaveText(name);

      // The signing secret, once, with the warning; the copy button copies it.
      const box = page.getByTestId('signing-secret-box');
      await expect(box).toBeVisible();
      await expect(box).toContainText('다시 볼 수 없습니다');
      const secret = ((await box.getByTestId('signing-secret').textContent()) ?? '').trim();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await box.getByTestId('copy-secret').click();
      await expect(box.getByTestId('secret-copied')).toBeVisible();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      // Where it points, by its hint only.
      await expect(page.getByTestId('channel-target')).toContainText('127.0.0.1');
      await expect(page.getByTestId('channel-target')).not.toContainText('/hook');
      await expect(page.getByTestId('deliveries-empty')).toBeVisible();

      // A test send: delivered with 200, signed with the secret shown.
      await page.getByTestId('send-test').click();
      const result = page.getByTestId('test-result');
      await expect(result).toHaveAttribute('data-status', 'delivered', { timeout: 25_000 });
      await expect(result).toContainText('HTTP 200');
      expect(receiver.received).toHaveLength(1);
      const hit = receiver.received[0];
      expect(hit.method).toBe('POST');
      expect(hit.path).toBe('/hook');
      expect(hit.headers['webhook-id']).toBeTruthy();
      expect(hit.headers['webhook-timestamp']).toMatch(/^\d+$/);
      expect(hit.headers['webhook-signature']).toMatch(/^v1,/);
      expect(signedWith(secret, hit), 'signed with the secret shown').toBe(true);
      expect(JSON.parse(hit.body).type).toBe('report.test');

      // The log, fetched again: the test, delivered with 200, and its attempt.
      const row = page.getByTestId('delivery-row');
      await expect(row).toHaveCount(1);
      await expect(row).toHaveAttribute('data-subject', 'test');
      await expect(row).toHaveAttribute('data-status', 'delivered');
      await expect(row.getByTestId('delivery-status')).toHaveText('전송됨');
      await expect(row.getByTestId('delivery-code')).toHaveText('200');
      await expect(row.getByTestId('delivery-trace')).not.toBeEmpty();
      const toggle = row.getByTestId('delivery-attempts-toggle');
      await toggle.click();
      await expect(toggle).toHaveAttribute('aria-expanded', 'true');
      const attempt = page.getByTestId('delivery-attempts').getByTestId('attempt-row');
      await expect(attempt).toHaveCount(1);
      await expect(attempt.getByTestId('attempt-outcome')).toHaveAttribute('data-outcome', 'delivered');
      await expect(attempt.getByTestId('attempt-code')).toHaveText('200');
      await expectNoSidewaysScroll(page);

      // Shown once: after a reload the secret is gone, the delivery stays.
      await page.reload();
      await expect(page.getByTestId('channel-heading')).toHaveText(name);
      await expect(page.getByTestId('signing-secret-box')).toHaveCount(0);
      await expect(page.getByTestId('delivery-row')).toHaveCount(1);

      // Rotating asks first, then shows a new secret, once.
      await page.getByTestId('rotate-secret').click();
      await page.getByTestId('rotate-confirm').click();
      const rotated = page.getByTestId('signing-secret');
      await expect(rotated).toHaveText(/^whsec_/);
      expect((await rotated.textContent())?.trim()).not.toBe(secret);

      // The list shows it, with where it points and that no report uses it.
      await page.goto('/settings/channels');
      const listed = page.getByTestId('channel-row').filter({ hasText: name });
      await expect(listed.getByTestId('channel-kind')).toHaveText('웹훅');
      await expect(listed.getByTestId('channel-target')).toContainText('127.0.0.1');
      await expect(listed.getByTestId('channel-used-by')).toHaveText('사용하는 리포트 없음');
      await expectNoSidewaysScroll(page);
    } finally {
      await receiver.close();
    }
  });

  test("a report run sent to the channel shows in the channel's log", async ({ page, request, baseURL, watch }, info) => {
    // A report run and the dispatcher's next pass take a few seconds.
    test.setTimeout(90_000);
    // The refused delete is answered with 409, which Chromium logs.
    watch.allowed.push(/status of 409/);
    const receiver = await startReceiver();
    try {
      // The channel through the API (the other test makes one through the form).
      const channelName = unique('report hook', info);
      const made = await request.post('/api/v1/channels', {
        data: { name: channelName, kind: 'webhook', url: receiver.url },
        headers: { Origin: new URL(baseURL!).origin },
      });
      expect(made.status()).toBe(201);
      const created = await made.json();
      const channelId: number = created.channel.id;

      // A report sending to it: the editor offers every channel by name.
      const reportName = unique('report', info);
      await page.goto('/reports/new');
      const form = page.getByTestId('report-form');
      await form.getByLabel('이름').fill(reportName);
      await form.getByTestId('report-template').selectOption({ label: 'Weekly summary' });
      const destination = form.getByRole('checkbox', { name: channelName });
      await expect(destination).not.toBeChecked();
      await destination.check();
      await form.getByTestId('report-save').click();
      await expect(page).toHaveURL(/\/reports\/\d+$/);
      await expect(page.getByTestId('report-heading')).toHaveText(reportName);
      await expect(page.getByTestId('report-form').getByRole('checkbox', { name: channelName })).toBeChecked();

      // Run now, to completion.
      await page.getByTestId('report-runs').click();
      await expect(page).toHaveURL(/\/reports\/\d+\/runs$/);
      await page.getByTestId('run-now').click();
      const run = page.getByTestId('run-row').first();
      await expect(run.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
      const runId = await run.getAttribute('data-id');

      // The dispatcher sends it: one signed POST saying the report completed.
      await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(1);
      const hit = receiver.received[0];
      expect(signedWith(created.signing_secret, hit), 'signed with the secret the API answered').toBe(true);
      const payload = JSON.parse(hit.body);
      expect(payload.type).toBe('report.completed');
      expect(payload.report.name).toBe(reportName);
      expect(String(payload.run.id)).toBe(runId);

      // The channel's log: the run's delivery, delivered with 200.
      await page.goto(`/settings/channels/${channelId}`);
      await expect(page.getByTestId('channel-used-by')).toHaveText(reportName);
      const delivery = page.getByTestId('delivery-row').filter({ has: page.locator('[data-testid="delivery-run"]') });
      await expect(async () => {
        await page.getByTestId('deliveries-refresh').click();
        await expect(delivery).toHaveAttribute('data-status', 'delivered', { timeout: 2_000 });
      }).toPass({ timeout: 30_000 });
      await expect(delivery).toHaveAttribute('data-subject', 'report_run');
      await expect(delivery.getByTestId('delivery-code')).toHaveText('200');
      await expect(delivery.getByTestId('delivery-run')).toHaveText(`실행 #${runId}`);
      await expect(delivery.getByTestId('delivery-run')).toHaveAttribute('href', '/reports/runs');
      await page.reload();
      await expect(page.getByTestId('delivery-row').filter({ has: page.getByTestId('delivery-run') })).toHaveAttribute(
        'data-status',
        'delivered',
      );
      await expectNoSidewaysScroll(page);

      // In use: the delete is refused, in words naming the report.
      await page.getByTestId('channel-delete').click();
      await page.getByTestId('channel-delete-confirm').click();
      await expect(page.getByTestId('action-error')).toContainText(reportName);
      await expect(page).toHaveURL(new RegExp(`/settings/channels/${channelId}$`));
    } finally {
      await receiver.close();
    }
  });
});
