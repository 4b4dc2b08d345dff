// Benchmark (prints figures, asserts nothing): time from navigation to a
// hydrated dashboard with the growth chart and the map markers drawn, in
// headless Debian Chromium on loopback. Each run uses a fresh browser context
// (cold cache) unless WARM=1.
// Every page needs a session: each context signs in first (not timed).
//   BASE_URL=http://127.0.0.1:8002 BENCH_EMAIL=admin@dreamseed.local BENCH_PASSWORD=… \
//     RUNS=10 node end2end/bench/hydration.mjs
import { chromium } from 'playwright-core';

const email = process.env.BENCH_EMAIL ?? 'admin@dreamseed.local';
const password = process.env.BENCH_PASSWORD;
if (!password) throw new Error('set BENCH_PASSWORD (and BENCH_EMAIL) to an account of this server');

const base = process.env.BASE_URL ?? 'http://127.0.0.1:8002';
const runs = Number(process.env.RUNS ?? 10);
const warm = process.env.WARM === '1';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});

// Hydrated, with every chart drawn and the map's markers placed.
const ready = () => {
  const charts = ['user-growth-chart', 'users-by-type-chart', 'activity-chart', 'heatmap-chart', 'problems-chart'];
  const drawn = charts.every((id) => {
    const el = document.getElementById(id);
    const series = el && window.echarts?.getInstanceByDom(el)?.getOption()?.series;
    return !!series && series.length > 0;
  });
  return drawn && document.querySelectorAll('.country-marker').length >= 10;
};

// A browser context with a signed-in session (the login's Origin passes the CSRF check).
async function signedIn() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const res = await context.request.post(base + '/api/fn/auth_login', {
    form: { email, password },
    headers: { Origin: new URL(base).origin },
  });
  if (!res.ok()) throw new Error(`login failed: HTTP ${res.status()}`);
  return context;
}

const times = [];
const shared = warm ? await signedIn() : null;
for (let i = 0; i < runs + 1; i++) {
  const context = shared ?? (await signedIn());
  const page = await context.newPage();
  const start = performance.now();
  await page.goto(base + '/', { waitUntil: 'commit' });
  await page.waitForFunction(ready, null, { polling: 'raf', timeout: 30_000 });
  const elapsed = performance.now() - start;
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { ttfb: n.responseStart - n.requestStart, domContentLoaded: n.domContentLoadedEventEnd };
  });
  if (i > 0) times.push({ elapsed, ...nav }); // the first run warms the server
  await page.close();
  if (!shared) await context.close();
}
await browser.close();

const pick = (k) => times.map((t) => t[k]).sort((a, b) => a - b);
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
for (const [label, key] of [['navigation → all charts + markers', 'elapsed'], ['TTFB', 'ttfb'], ['DOMContentLoaded', 'domContentLoaded']]) {
  const xs = pick(key);
  console.log(`${label.padEnd(36)} median ${pct(xs, 50).toFixed(0)} ms  p90 ${pct(xs, 90).toFixed(0)} ms  min ${xs[0].toFixed(0)} ms  (${runs} ${warm ? 'warm' : 'cold-cache'} runs)`);
}
