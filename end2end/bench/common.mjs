// What the browser benchmarks share: the server and account from the
// environment, Debian's Chromium, a signed-in browser context, and the test for
// "every dashboard chart has its series and the map at least `markers` markers".
import { chromium } from 'playwright-core';

export const email = process.env.BENCH_EMAIL ?? 'admin@dreamseed.local';
export const password = process.env.BENCH_PASSWORD;
if (!password) throw new Error('set BENCH_PASSWORD (and BENCH_EMAIL) to an account of this server');
export const base = process.env.BASE_URL ?? 'http://127.0.0.1:8002';

/** Headless Debian Chromium, without background traffic that would skew the figures. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
}

/** A context of `browser` with a signed-in session (the login's Origin passes the CSRF check). */
export async function signedIn(browser, contextOptions) {
  const context = await browser.newContext(contextOptions);
  const res = await context.request.post(base + '/api/fn/auth_login', {
    form: { email, password },
    headers: { Origin: new URL(base).origin },
  });
  if (!res.ok()) throw new Error(`login failed: HTTP ${res.status()}`);
  return context;
}

/**
 * Runs in the page: the page's clock once every chart is drawn and the map
 * has `markers` markers, else false (for `page.waitForFunction(allDrawn, markers)`).
 */
export const allDrawn = (markers) => {
  const charts = ['user-growth-chart', 'users-by-type-chart', 'activity-chart', 'heatmap-chart', 'problems-chart'];
  const drawn = charts.every((id) => {
    const el = document.getElementById(id);
    const series = el && window.echarts?.getInstanceByDom(el)?.getOption()?.series;
    return !!series && series.length > 0;
  });
  return drawn && document.querySelectorAll('.country-marker').length >= markers ? performance.now() : false;
};

/**
 * Runs in the page: the page's clock once the app has hydrated it and put its
 * own (interactive) markers on the map, at least `markers` of them, else false.
 * The early paint draws the charts and plain markers before that.
 */
export const appReady = (markers) =>
  document.documentElement.dataset.hydrated === 'true' &&
  document.querySelectorAll('.country-marker[data-country]').length >= markers
    ? performance.now()
    : false;
