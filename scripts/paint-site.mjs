// Puts the early-paint module (the paint crate, after wasm-bindgen and
// binaryen: DIR/paint.js, DIR/paint_bg.wasm) into the site's pkg folder as
// cargo-leptos puts the app's: a content hash in each name (so the server
// marks them immutable), a brotli and a gzip copy beside each (served
// precompressed), the previous build's files removed, and the names in
// pkg/paint.json, which the server reads at start-up (server/src/site.rs).
//   node scripts/paint-site.mjs DIR SITE_ROOT
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const [dir, site] = process.argv.slice(2);
if (!dir || !site) throw new Error('usage: node scripts/paint-site.mjs DIR SITE_ROOT');
const pkg = join(site, 'pkg');

const ours = /^paint\.[A-Za-z0-9_-]{22}\.(js|wasm)(\.br|\.gz)?$/;
const stale = readdirSync(pkg).filter((f) => ours.test(f));

const names = {};
for (const [kind, file] of [['js', 'paint.js'], ['wasm', 'paint_bg.wasm']]) {
  const bytes = readFileSync(join(dir, file));
  // cargo-leptos's form: md5, base64url, 22 characters.
  const name = `paint.${createHash('md5').update(bytes).digest('base64url')}.${kind}`;
  writeFileSync(join(pkg, name), bytes);
  writeFileSync(join(pkg, `${name}.br`), brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(join(pkg, `${name}.gz`), gzipSync(bytes, { level: 9 }));
  names[kind] = name;
  const br = brotliCompressSync(bytes).length;
  console.log(`early paint: pkg/${name} ${bytes.length} B raw, ${br} B brotli`);
}
const kept = new Set(Object.values(names).flatMap((n) => [n, `${n}.br`, `${n}.gz`]));
for (const f of stale) if (!kept.has(f)) rmSync(join(pkg, f));
writeFileSync(join(pkg, 'paint.json.next'), JSON.stringify(names) + '\n');
renameSync(join(pkg, 'paint.json.next'), join(pkg, 'paint.json'));
