#!/usr/bin/env bash
# Builds the early-paint module (the paint crate with its `start` entry point;
# see paint/src/lib.rs) into the site that cargo-leptos built, after it:
# rustc (wasm-release profile: size first), wasm-bindgen for ES modules,
# binaryen, then scripts/paint-site.mjs hashes, precompresses and names the
# files. Quick when nothing changed (cargo's own check, and the later steps
# only when the WASM is newer than what the site has).
#   scripts/build-paint.sh [SITE_ROOT]   (default target/site)
set -euo pipefail
cd "$(dirname "$0")/.."
site="${1:-target/site}"
[[ -d "$site/pkg" ]] || { echo "build-paint: $site/pkg does not exist: build the site first" >&2; exit 1; }
cargo build -p paint --lib --features start --target wasm32-unknown-unknown --profile wasm-release \
  --target-dir target/paint-build
wasm=target/paint-build/wasm32-unknown-unknown/wasm-release/paint.wasm
out=target/paint-build/site
if [[ -f "$site/pkg/paint.json" && -f "$out/paint_bg.wasm" && "$out/paint_bg.wasm" -nt "$wasm" ]] \
    && node -e 'const fs = require("fs"), path = require("path"), pkg = process.argv[1];
        const names = JSON.parse(fs.readFileSync(path.join(pkg, "paint.json"), "utf8"));
        process.exit([names.js, names.wasm].every((n) => n && fs.existsSync(path.join(pkg, n))) ? 0 : 1);' "$site/pkg"; then
  echo "early paint: up to date"
  exit 0
fi
rm -rf "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name paint "$wasm"
node_modules/binaryen/bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$out/paint_bg.wasm" -o "$out/paint_bg.wasm"
node scripts/paint-site.mjs "$out" "$site"
