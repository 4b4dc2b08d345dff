// Benchmark (prints figures, asserts nothing): time from navigation start to a
// dashboard with every chart and the map markers drawn (the early paint's),
// and to the hydrated one (the app's own markers), on the page's own clock
// (Navigation Timing), in headless Debian Chromium on loopback; the harness
// adds no script of its own to the page but a per-frame check (watchPage).
// Each run uses a fresh browser context (cold cache) unless WARM=1.
// Every page needs a session: each context signs in first (not timed).
//   BASE_URL=http://127.0.0.1:8002 BENCH_EMAIL=admin@dreamseed.local BENCH_PASSWORD=… \
//     RUNS=10 node end2end/bench/hydration.mjs
import { base, launch, reached, signedIn, watchPage } from './common.mjs';

const runs = Number(process.env.RUNS ?? 10);
const warm = process.env.WARM === '1';
const browser = await launch();
const desktop = { viewport: { width: 1366, height: 900 } };

const times = [];
const shared = warm ? await signedIn(browser, desktop) : null;
for (let i = 0; i < runs + 1; i++) {
  const context = shared ?? (await signedIn(browser, desktop));
  const page = await context.newPage();
  // Every chart drawn and (at least) ten of the map's markers placed; then
  // hydrated, with the app's own markers placed.
  await watchPage(page, 10);
  const cdp = await context.newCDPSession(page);
  await page.goto(base + '/', { waitUntil: 'commit' });
  const drawn = await reached(cdp, 'drawn');
  const elapsed = await reached(cdp, 'ready');
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { ttfb: n.responseStart - n.requestStart, domContentLoaded: n.domContentLoadedEventEnd };
  });
  if (i > 0) times.push({ drawn, elapsed, ...nav }); // the first run warms the server
  await page.close();
  if (!shared) await context.close();
}
await browser.close();

const pick = (k) => times.map((t) => t[k]).sort((a, b) => a - b);
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
for (const [label, key] of [['navigation start → all drawn', 'drawn'], ['navigation start → hydrated', 'elapsed'], ['TTFB', 'ttfb'], ['DOMContentLoaded', 'domContentLoaded']]) {
  const xs = pick(key);
  console.log(`${label.padEnd(36)} median ${pct(xs, 50).toFixed(0)} ms  p90 ${pct(xs, 90).toFixed(0)} ms  min ${xs[0].toFixed(0)} ms  (${runs} ${warm ? 'warm' : 'cold-cache'} runs)`);
}
