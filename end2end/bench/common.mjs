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

/**
 * Makes every document `page` opens record, on its own clock (ms from
 * navigation start), when `allDrawn(markers)` and `appReady(markers)` first
 * hold, checked once per animation frame, in `window.__bench` (`drawn`,
 * `ready`). Call before `goto`; read with [`reached`].
 *
 * Why not `page.waitForFunction`: Playwright compiles its injected script (some
 * 300 KB) into the page the first time it is used, 60-70 ms of the page's main
 * thread on this machine (×4 on the throttled phone) right while the page
 * loads, which the figures would then include. This watcher is a few lines.
 */
export async function watchPage(page, markers) {
  await page.addInitScript(`(${watcher})(${allDrawn}, ${appReady}, ${markers})`);
}

const watcher = (allDrawn, appReady, markers) => {
  const times = (window.__bench = {});
  const check = () => {
    if (times.drawn === undefined) {
      const t = allDrawn(markers);
      if (t !== false) times.drawn = t;
    }
    if (times.ready === undefined) {
      const t = appReady(markers);
      if (t !== false) times.ready = t;
    }
    if (times.drawn === undefined || times.ready === undefined) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
};

/**
 * Waits until the page's watcher ([`watchPage`]) recorded `what` (`drawn` or
 * `ready`) and returns that time. Asks through a bare DevTools session (one
 * tiny expression every `every` ms), which puts no script of Playwright's into
 * the page.
 */
export async function reached(cdp, what, { every = 50, timeout = 30_000 } = {}) {
  const until = Date.now() + timeout;
  for (;;) {
    const { result } = await cdp.send('Runtime.evaluate', { expression: `window.__bench?.${what}`, returnByValue: true });
    if (typeof result.value === 'number') return result.value;
    if (Date.now() > until) throw new Error(`the page did not reach "${what}" within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
