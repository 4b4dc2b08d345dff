// Copies the front-end assets DreamSeed Admin serves itself (never from a CDN) out of
// node_modules into public/vendor/, which cargo-leptos copies into the site, bundles
// the parts of ECharts the dashboard uses, trims the GraphiQL page's bundle (React
// and GraphiQL's UMD builds, the ones a page loads with plain script tags) and
// derives the map data:
//   vendor/countries.geojson  country outlines (world-atlas 110m TopoJSON → GeoJSON,
//                             coordinates to 0.01°), each feature tagged with its
//                             ISO-3166 alpha-2 code;
//   vendor/countries.json     per alpha-2 code: English and Korean names
//                             (i18n-iso-countries) and a marker position (centroid of
//                             the country's largest polygon), read by the server.
// Idempotent: skips all work when every output is newer than package-lock.json and
// this script.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const modules = join(root, 'node_modules');
const out = join(root, 'public', 'vendor');

const copies = [
  ['echarts/LICENSE', 'echarts/LICENSE'],
  ['leaflet/dist/leaflet.js', 'leaflet/leaflet.js'],
  ['leaflet/dist/leaflet.css', 'leaflet/leaflet.css'],
  ['leaflet/LICENSE', 'leaflet/LICENSE'],
  ...readdirSync(join(modules, 'leaflet/dist/images')).map((f) => [`leaflet/dist/images/${f}`, `leaflet/images/${f}`]),
  // Pretendard, a Korean UI font (SIL OFL 1.1): split by Unicode range, so a page
  // downloads only the pieces holding the characters it shows.
  ...readdirSync(join(modules, 'pretendard/dist/web/variable/woff2-dynamic-subset')).map((f) => [
    `pretendard/dist/web/variable/woff2-dynamic-subset/${f}`,
    `pretendard/woff2-dynamic-subset/${f}`,
  ]),
  // React 18's UMD builds (19 has none), the globals GraphiQL's UMD build expects.
  ['react/umd/react.production.min.js', 'react/react.production.min.js'],
  ['react-dom/umd/react-dom.production.min.js', 'react/react-dom.production.min.js'],
  ['react/LICENSE', 'react/LICENSE'],
  ['graphiql/LICENSE', 'graphiql/LICENSE'],
];
const derived = [
  'countries.geojson', 'countries.json', 'echarts/echarts.min.js', 'pretendard/pretendard.css', 'scalar/standalone.js',
  'graphiql/graphiql.min.js', 'graphiql/graphiql.min.css',
];

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

const echartsEntry = join(root, 'scripts', 'echarts-entry.mjs');
const inputsChanged = Math.max(
  mtime(join(root, 'package-lock.json')),
  mtime(fileURLToPath(import.meta.url)),
  mtime(echartsEntry),
);
const outputs = [...copies.map(([, to]) => join(out, to)), ...derived.map((f) => join(out, f))];
if (outputs.every((p) => mtime(p) > inputsChanged)) {
  console.log('vendor assets: up to date');
  process.exit(0);
}

for (const [from, to] of copies) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(join(modules, from), join(out, to));
}

// --- Pretendard's stylesheet, each font named at its version ------------------------
// The page asks for the stylesheet at the site's version (`?v=`, served immutable);
// the fonts it names get their own content hash in the same form, so a second visit
// fetches no font either.
{
  const css = readFileSync(join(modules, 'pretendard/dist/web/variable/pretendardvariable-dynamic-subset.css'), 'utf8');
  const versioned = css.replace(/url\(\.\/(woff2-dynamic-subset\/[^)?]+\.woff2)\)/g, (_, file) => {
    const hash = createHash('sha256').update(readFileSync(join(out, 'pretendard', file))).digest('hex').slice(0, 16);
    return `url(./${file}?v=${hash})`;
  });
  if (!versioned.includes('.woff2?v=')) throw new Error('pretendard: no font URL was versioned');
  writeFileSync(join(out, 'pretendard', 'pretendard.css'), versioned);
}

// --- The interactive API reference on /api/docs (one self-contained bundle) --------
// Its theme declares Inter and a mono face from fonts.scalar.com, which the browser
// fetches (and our Content-Security-Policy refuses, noisily) even with
// `withDefaultFonts: false`. This product never contacts other hosts: the
// @font-face rules go; public/api-docs.css sets our own fonts.
{
  const scalar = readFileSync(join(modules, '@scalar/api-reference/dist/browser/standalone.js'), 'utf8');
  const stripped = scalar.replace(/@font-face\s*\{[^{}]*?fonts\.scalar\.com[^{}]*\}/g, '');
  if (stripped.includes('fonts.scalar.com')) throw new Error('scalar: a fonts.scalar.com reference survived');
  mkdirSync(join(out, 'scalar'), { recursive: true });
  writeFileSync(join(out, 'scalar', 'standalone.js'), stripped);
}

// --- ECharts: only the parts the dashboard uses (scripts/echarts-entry.mjs) ----------
const esbuild = require('esbuild');
esbuild.buildSync({
  entryPoints: [echartsEntry],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2019',
  legalComments: 'none',
  outfile: join(out, 'echarts', 'echarts.min.js'),
  logLevel: 'warning',
});

// --- The GraphiQL IDE on /api/graphql (GraphiQL 4's UMD build) -------------------
// Its script ends by naming a source map we do not ship (a 404 in the developer
// tools): the comment goes. Its stylesheet embeds Roboto and Fira Code as 34
// data: fonts (360 KB of its 420 KB), which our Content-Security-Policy
// (`font-src 'self'`) refuses: the @font-face rules go, public/graphiql.css sets
// our own fonts, and the rest is minified (the package's "min" CSS is not).
{
  mkdirSync(join(out, 'graphiql'), { recursive: true });
  const js = readFileSync(join(modules, 'graphiql/graphiql.min.js'), 'utf8');
  const unmapped = js.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  if (unmapped.includes('sourceMappingURL=')) throw new Error('graphiql: a sourceMappingURL survived');
  writeFileSync(join(out, 'graphiql', 'graphiql.min.js'), unmapped);
  const css = readFileSync(join(modules, 'graphiql/graphiql.min.css'), 'utf8');
  const fontless = css.replace(/@font-face\s*\{[^{}]*\}/g, '');
  const { code } = esbuild.transformSync(fontless, { loader: 'css', minify: true, legalComments: 'none' });
  if (/@font-face|@import|url\((?!"?data:image\/)/.test(code)) throw new Error('graphiql: a font, import or non-image URL survived');
  writeFileSync(join(out, 'graphiql', 'graphiql.min.css'), code);
}

// --- map data -------------------------------------------------------------------
const topojson = require('topojson-client');
const codes = require('i18n-iso-countries/codes.json');
const en = require('i18n-iso-countries/langs/en.json').countries;
const ko = require('i18n-iso-countries/langs/ko.json').countries;
const topology = JSON.parse(readFileSync(join(modules, 'world-atlas/countries-110m.json'), 'utf8'));

const numericToAlpha2 = new Map(codes.map(([a2, , numeric]) => [numeric, a2]));
// world-atlas leaves a few disputed areas without an ISO numeric id.
const unnumbered = { Kosovo: 'XK' };
// Some entries list several names, formal first ("United States of America", then
// "United States", "USA"): a long formal name gives way to the next, common one.
const shortName = (names) => (Array.isArray(names) ? (names[0].length > 20 && names[1] ? names[1] : names[0]) : names);

/**
 * A ring that crosses the antimeridian (Russia, Fiji) jumps by 360° between two
 * points, which a flat map draws as a line across the whole world: continue it
 * past ±180° instead.
 */
function unwrapRing(input) {
  const ring = [];
  for (const [x, y] of input) {
    let lng = x;
    const prev = ring.length ? ring[ring.length - 1][0] : lng;
    while (lng - prev > 180) lng -= 360;
    while (lng - prev < -180) lng += 360;
    ring.push([lng, y]);
  }
  return ring;
}

/** Area and centroid of a ring (planar, in degrees: good enough for a marker). */
function ringCentroid(ring) {
  let area = 0, cx = 0, cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j];
    const [x1, y1] = ring[i];
    const cross = x0 * y1 - x1 * y0;
    area += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  area /= 2;
  const lng = ((((cx / (6 * area)) + 180) % 360) + 360) % 360 - 180;
  return { area: Math.abs(area), lng, lat: cy / (6 * area) };
}

function markerPosition(geometry) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best = null;
  for (const polygon of polygons) {
    const c = ringCentroid(polygon[0]);
    if (!best || c.area > best.area) best = c;
  }
  return { lat: Math.round(best.lat * 1000) / 1000, lng: Math.round(best.lng * 1000) / 1000 };
}

const collection = topojson.feature(topology, topology.objects.countries);
// Antarctica has no students, and its pole-wrapping ring cannot be drawn flat.
collection.features = collection.features.filter((f) => f.properties.name !== 'Antarctica');
const index = {};
for (const [a2] of codes) {
  index[a2] = { en: shortName(en[a2]), ko: shortName(ko[a2] ?? en[a2]) };
}
index.XK = { en: 'Kosovo', ko: '코소보' };

for (const feature of collection.features) {
  const a2 = numericToAlpha2.get(feature.id) ?? unnumbered[feature.properties.name] ?? null;
  feature.properties = { iso2: a2, name: feature.properties.name };
  delete feature.id;
  const g = feature.geometry;
  g.coordinates = g.type === 'Polygon' ? g.coordinates.map(unwrapRing) : g.coordinates.map((p) => p.map(unwrapRing));
  if (a2 && index[a2] && !index[a2].lat) Object.assign(index[a2], markerPosition(feature.geometry));
}

// Coordinates to 0.01° (about 1 km, under half a pixel at the map's deepest
// zoom): the outlines shrink from 99 KB to 36 KB brotli, what a phone downloads.
const rounded = (key, value) => (typeof value === 'number' ? Math.round(value * 100) / 100 : value);
writeFileSync(join(out, 'countries.geojson'), JSON.stringify(collection, rounded));
writeFileSync(join(out, 'countries.json'), JSON.stringify(index));
const placed = Object.values(index).filter((c) => c.lat !== undefined).length;
console.log(`vendor assets: copied ${copies.length} files; ${collection.features.length} outlines, ${placed} countries placed`);
