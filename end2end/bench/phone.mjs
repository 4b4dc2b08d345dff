// Benchmark (prints figures, asserts nothing): the dashboard on a phone over a
// slow mobile network, as Lighthouse's mobile profile sees it — 390×844, 1.6 Mbps
// down, 750 kbps up, 150 ms round trip, the CPU slowed 4× — in headless Debian
// Chromium throttled through the DevTools protocol. For each run, in a fresh
// browser context (cold cache, signed in first, not timed):
//   first paint      first-contentful-paint of the server-rendered page;
//   all drawn        every dashboard chart has its series and the map its markers;
//   transferred      bytes on the wire (headers included) until all drawn;
//   interactive      the app hydrated and its own markers on the map (the early
//                    paint draws first, then the app loads and adopts what it drew),
//                    with the bytes transferred until then;
// then the same page again in that context (the second visit: cached files).
// Prints the median of RUNS (5) runs, and what the first visit transferred by kind.
//   BASE_URL=http://127.0.0.1:8002 BENCH_EMAIL=admin@dreamseed.local BENCH_PASSWORD=… \
//     node end2end/bench/phone.mjs
import { base, launch, reached, signedIn, watchPage } from './common.mjs';

const runs = Number(process.env.RUNS ?? 5);

// Lighthouse's mobile profile (throughput in bytes per second).
const network = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (750e3 / 8) | 0 };
const cpuSlowdown = 4;
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

const browser = await launch();

/** Opens the dashboard on a throttled page of `context`; returns its figures. */
async function visit(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', network);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
  const requests = new Map();
  const byKind = {};
  let bytes = 0;
  let counting = true;
  cdp.on('Network.responseReceived', (e) => requests.set(e.requestId, { url: e.response.url, type: e.type }));
  cdp.on('Network.loadingFinished', (e) => {
    if (!counting) return;
    bytes += e.encodedDataLength;
    const r = requests.get(e.requestId);
    const kind = r ? kindOf(r) : 'other';
    byKind[kind] = (byKind[kind] ?? 0) + e.encodedDataLength;
  });
  // All drawn: every chart and one marker; interactive: hydrated, with one of the app's own markers.
  await watchPage(page, 1);
  await page.goto(base + '/', { waitUntil: 'commit' });
  const drawn = await reached(cdp, 'drawn', { every: 100, timeout: 60_000 });
  const drawnBytes = bytes;
  const drawnByKind = { ...byKind };
  const interactive = await reached(cdp, 'ready', { every: 100, timeout: 60_000 });
  counting = false;
  const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
  await page.close();
  return { paint, drawn, bytes: drawnBytes, byKind: drawnByKind, interactive, interactiveBytes: bytes };
}

function kindOf({ url, type }) {
  const path = new URL(url).pathname;
  if (path.startsWith('/pkg/paint.')) return 'early paint';
  if (path.endsWith('.wasm')) return 'wasm';
  if (path.startsWith('/pkg/') && path.endsWith('.js')) return 'wasm glue';
  if (path.includes('echarts')) return 'echarts';
  if (path.includes('leaflet')) return 'leaflet';
  if (path.endsWith('.geojson')) return 'map outlines';
  if (path.endsWith('.woff2')) return 'fonts';
  if (path.endsWith('.css')) return 'css';
  if (type === 'Document') return 'html';
  if (path.startsWith('/api/')) return 'data';
  return 'other';
}

const first = [];
const second = [];
for (let i = 0; i < runs; i++) {
  const context = await signedIn(browser, phone);
  first.push(await visit(context));
  second.push(await visit(context));
  await context.close();
}
await browser.close();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (b) => `${(b / 1024).toFixed(0)} KB`;
console.log(`phone profile: 390×844, ${network.downloadThroughput * 8 / 1e6} Mbps down, ${network.latency} ms RTT, CPU ×${cpuSlowdown}; median of ${runs}`);
for (const [label, xs] of [['first visit (cold cache)', first], ['second visit (cached files)', second]]) {
  console.log(`${label.padEnd(30)} first paint ${median(xs.map((x) => x.paint)).toFixed(0)} ms` +
    `  all drawn ${median(xs.map((x) => x.drawn)).toFixed(0)} ms  transferred ${kb(median(xs.map((x) => x.bytes)))}` +
    `  interactive ${median(xs.map((x) => x.interactive)).toFixed(0)} ms  transferred ${kb(median(xs.map((x) => x.interactiveBytes)))}`);
}
const kinds = Object.keys(first[0].byKind).sort((a, b) => first[0].byKind[b] - first[0].byKind[a]);
console.log('first visit by kind, until all drawn: ' + kinds.map((k) => `${k} ${kb(median(first.map((x) => x.byKind[k] ?? 0)))}`).join(', '));
