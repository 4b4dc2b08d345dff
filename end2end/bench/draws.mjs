// Benchmark (prints figures, asserts nothing): every ECharts draw on the
// dashboard between navigation and the hydrated page, on loopback in headless
// Debian Chromium, cold cache, desktop viewport (WIDTH to change it). For each
// chart box: how many times `setOption` ran, how long it took in all and when
// it first ran, split by whether `<html data-hydrated>` was set yet; median of
// RUNS (5). The early paint draws each chart once; a second draw of the same
// chart (the app drawing it again on hydration) is the cost the adoption in
// paint::chart::set exists to avoid.
//   BASE_URL=http://127.0.0.1:8002 BENCH_EMAIL=admin@dreamseed.local BENCH_PASSWORD=… \
//     node end2end/bench/draws.mjs
import { base, launch, reached, signedIn, watchPage } from './common.mjs';

const runs = Number(process.env.RUNS ?? 5);
const width = Number(process.env.WIDTH ?? 1366);

// The ECharts global is a frozen module namespace: its `init` cannot be
// wrapped, the instances' prototype can. Appended to the vendored script.
const timer = `;(() => {
  const probe = echarts.init(document.createElement('div'));
  const proto = Object.getPrototypeOf(probe);
  probe.dispose();
  const setOption = proto.setOption;
  const draws = (window.__draws = []);
  proto.setOption = function (...args) {
    const start = performance.now();
    const result = setOption.apply(this, args);
    const by = document.documentElement.dataset.hydrated === 'true' ? 'after hydration' : 'before hydration';
    draws.push({ id: this.getDom().id, start, ms: performance.now() - start, by });
    return result;
  };
})();`;

const browser = await launch();
const rows = [];
for (let i = 0; i < runs + 1; i++) {
  const context = await signedIn(browser, { viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.route(/\/vendor\/echarts\/echarts\.min\.js/, async (route) => {
    const response = await route.fetch();
    // The body arrives decoded: no content-encoding on the way back.
    const headers = { ...response.headers() };
    delete headers['content-encoding'];
    delete headers['content-length'];
    await route.fulfill({ response, headers, body: (await response.text()) + timer });
  });
  await watchPage(page, 10);
  const cdp = await context.newCDPSession(page);
  await page.goto(base + '/', { waitUntil: 'commit' });
  const hydrated = await reached(cdp, 'ready');
  // Draws that follow hydration (a font arriving, say) count too.
  await page.waitForTimeout(1000);
  const draws = await page.evaluate(() => window.__draws);
  if (i > 0) rows.push({ hydrated, draws }); // the first run warms the server
  await context.close();
}
await browser.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(`${width}px, cold cache, median of ${runs}: hydrated at ${median(rows.map((r) => r.hydrated)).toFixed(0)} ms`);
const keys = [...new Set(rows.flatMap((r) => r.draws.map((d) => `${d.id}\t${d.by}`)))].sort();
for (const key of keys) {
  const [id, by] = key.split('\t');
  const per = rows.map((r) => r.draws.filter((d) => d.id === id && d.by === by));
  const count = median(per.map((p) => p.length));
  const ms = median(per.map((p) => p.reduce((sum, d) => sum + d.ms, 0)));
  const first = median(per.filter((p) => p.length).map((p) => p[0].start));
  console.log(`${id.padEnd(22)} ${by.padEnd(30)} draws ${count}  ${ms.toFixed(1).padStart(6)} ms in all  first at ${first.toFixed(0)} ms`);
}
const total = (pick) => median(rows.map((r) => r.draws.filter(pick).reduce((sum, d) => sum + d.ms, 0)));
console.log(`all draws: ${total(() => true).toFixed(0)} ms; after hydration: ${total((d) => d.by === 'after hydration').toFixed(0)} ms`);
