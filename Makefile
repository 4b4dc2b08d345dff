# DreamSeed Admin: the two commands (`make run`, `make test`) and their parts.
# Every step checks before it acts, so a second run on a ready machine is quick.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# npm's wasm-opt (binaryen 132) must win over Debian's older one, which cannot
# read what this Rust emits; scripts/bin/wasm-opt stands in front of it and
# passes over the split build's tiny files (see the script).
export PATH := $(CURDIR)/scripts/bin:$(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

CARGO_LEPTOS_VERSION := 0.3.11
# The wasm-bindgen CLI must equal the crate version in Cargo.lock, exactly.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' Cargo.lock)
E2E_PORT ?= 18002
# The end-to-end server's first admin (a throwaway database: not a secret).
E2E_ADMIN_EMAIL ?= admin@e2e.test
E2E_ADMIN_PASSWORD ?= e2e-Admin-password-7
RUN_DB ?= ./dreamseed_analytics.db

.PHONY: help run simulate cluster build build-debug test test-bin test-site test-rust test-openapi test-drills test-cluster test-deploy drills-cluster loadtest test-loadtest test-e2e lint clippy fmt tools node-deps assets chromium smtp-sink pdftotext nginx services clean

help:
	@echo "make run    build and start DreamSeed Admin on http://127.0.0.1:8002 (SQLite, demo data)"
	@echo "make test   install what the tests need, then lint and run every test suite"
	@echo "make build  release build: target/release/dreamseed + target/site"
	@echo "make watch  hot-reloading development server (cargo leptos watch --split)"
	@echo "make simulate  write live activity into the make-run database (RATE=5 per second)"
	@echo "make cluster  REPLICAS=3 release servers on one Postgres and Redis behind nginx on http://127.0.0.1:8080"
	@echo "make nginx  install Debian's nginx (the load balancer of make cluster)"
	@echo "make drills-cluster  the cluster drills at full length (kill, rolling restart, Redis, database)"
	@echo "make loadtest  the Locust load test against REPLICAS replicas (COMPARE=1: 1 then 3; USERS, DURATION)"

## ---- the two commands ------------------------------------------------------

# `make run SIMULATE=5` also writes 5 activities a second once the server is up,
# so the dashboard moves; the simulator stops with the server.
run: build
	@echo "Starting DreamSeed Admin on http://127.0.0.1:$${PORT:-8002} (database $${DATABASE_URL:-$(RUN_DB)})"
	@if [ -n "$${SIMULATE:-}" ]; then \
	  ( until curl -fsS http://127.0.0.1:$${PORT:-8002}/healthz >/dev/null 2>&1; do sleep 1; done; \
	    DB_PATH=$(RUN_DB) exec target/release/dreamseed simulate --rate "$$SIMULATE" ) & sim=$$!; \
	  trap 'kill $$sim 2>/dev/null' EXIT; \
	fi; \
	DB_PATH=$(RUN_DB) target/release/dreamseed serve

# Every compile of our own crates in `make test` (the tests, the server, the
# WASM) goes through clippy with warnings denied (scripts/bin/clippy-rustc):
# the builds are the lint, with no check-only build of every dependency (a
# target's variables reach its prerequisites and the makes below).
# The two builds, the test build (which makes the server binary too) and the
# release WASM, run side by side: each alone leaves a core idle for minutes
# (the WASM's single-unit LTO, the links, the largest crates). The suites then
# run one after another, alone on the machine.
test: export RUSTC_WORKSPACE_WRAPPER := $(CURDIR)/scripts/bin/clippy-rustc
test: tools assets chromium services smtp-sink pdftotext lint test-deploy
	$(MAKE) --no-print-directory -j2 test-bin test-site
	$(MAKE) --no-print-directory -j1 test-rust test-openapi test-drills test-cluster test-loadtest test-e2e
	@echo "All test suites passed."

# Writes realistic activity into the `make run` database (run it beside `make run`).
simulate:
	DB_PATH=$(RUN_DB) target/release/dreamseed simulate --rate $${RATE:-5}

# REPLICAS release servers on one Postgres database (dreamseed_cluster, kept
# between runs) and one Redis, behind Debian's nginx on PORT (default 8080),
# which the script points at the ready replicas only (scripts/cluster.py, its
# files in target/cluster/). Ctrl-C stops nginx and every replica.
REPLICAS ?= 3
cluster: build nginx services
	scripts/cluster.py --bin target/release/dreamseed --replicas $(REPLICAS) --port $${PORT:-8080}

# The cluster drills at full length (scripts/cluster-drills.py, ~2 min): 3
# release servers behind nginx (18800-18803), a Postgres database and a
# redis-server (127.0.0.1:16380) of their own: a replica SIGKILLed under load, a
# rolling restart under idempotent ingestion, Redis killed and restarted, every
# database connection dropped, the database refusing connections for 5 s.
drills-cluster: build nginx services
	scripts/cluster-drills.py --bin target/release/dreamseed

# The seed's Locust scenario (healthz 3 : stats 5 : user-growth 2, each simulated
# user signed in) against REPLICAS release replicas behind nginx (127.0.0.1:18900-18909),
# on Postgres database dreamseed_loadtest (seeded once, 100k users / 1M activities) and
# Redis database 10; COMPARE=1 runs 1 then 3 replicas. Fails on any error, never on speed.
USERS ?= 100
DURATION ?= 60
loadtest: build nginx services
	scripts/loadtest/run.py --bin target/release/dreamseed \
	  $(if $(COMPARE),--compare,--replicas $(REPLICAS)) --users $(USERS) --seconds $(DURATION)

# The load test's smoke run (~10 s; ~27 s with the first venv install): 5 users for 4 s
# against 1, then 3 test-build replicas on a 2,000-user dataset. Skips like test-cluster.
test-loadtest: test-bin nginx
	@if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then missing="PostgreSQL is not running on 127.0.0.1:5432"; \
	elif ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then missing="Redis is not running on 127.0.0.1:6379"; \
	elif [ ! -x /usr/sbin/nginx ]; then missing="nginx is missing (make nginx)"; else missing=; fi; \
	if [ -z "$$missing" ]; then scripts/loadtest/run.py --smoke --bin $(SERVER_BIN); \
	elif [ "$${CI:-}" = true ]; then echo "CI=true but $$missing"; exit 1; \
	else echo "skipping the load test's smoke run: $$missing"; fi

## ---- building --------------------------------------------------------------

# The release build is skipped when none of its inputs changed since the last
# one succeeded: cargo-leptos would otherwise run wasm-bindgen, wasm-opt and the
# precompression again (~90 s) before every `make run` and `make test`. The
# stamp takes the time the build started, so an edit made during it counts.
BUILD_STAMP := target/.release-built
BUILD_INPUTS := Cargo.toml Cargo.lock Leptos.toml app types paint server-core server/Cargo.toml server/src frontend style public migrations
build: tools assets
	@if [ -f $(BUILD_STAMP) ] && [ -x target/release/dreamseed ] && [ -f target/release/hash.txt ] \
	    && [ -z "$$(find $(BUILD_INPUTS) -newer $(BUILD_STAMP) -print -quit)" ]; then \
	  echo "release build: up to date (nothing changed since $$(date -r $(BUILD_STAMP) '+%F %T'))"; \
	else \
	  mkdir -p target && touch $(BUILD_STAMP).next && \
	  cargo leptos build --release --precompress --split && mv $(BUILD_STAMP).next $(BUILD_STAMP); \
	fi
	@scripts/build-paint.sh

# Both write a debug site over the release one: the next `make build` rebuilds.
# Without the early paint (a release build's would be stale): the dashboard
# loads the app at once, as every other page does.
build-debug: tools assets
	rm -f $(BUILD_STAMP) $(SITE_STAMP) target/site/pkg/paint.json
	cargo leptos build --split

watch: tools assets
	rm -f $(BUILD_STAMP) $(SITE_STAMP) target/site/pkg/paint.json
	cargo leptos watch --split

## ---- testing ---------------------------------------------------------------

# Formatting, the Dockerfile and the workflow. Clippy runs inside `make test`'s
# builds (see `test`); `make clippy` runs it on both sides on its own.
lint: node-deps
	dockerfile-utils lint Dockerfile
	action-validator .github/workflows/ci.yml
	cargo fmt --all -- --check

clippy: node-deps
	cargo clippy -p types -p server-core -p app -p server --features app/ssr --all-targets -- -D warnings
	cargo clippy -p frontend -p app -p types --features app/hydrate --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo clippy -p paint --features paint/start --target wasm32-unknown-unknown --all-targets -- -D warnings

# The shared types and the core on their own (no Leptos), the app's with its
# server side; server's tests drive the whole router against real SQLite files
# and real Postgres databases. The PDF renderer embeds Pretendard from npm.
# The workspace's crates are compiled with clippy's lints, warnings denied (as
# `cargo clippy --all-targets -- -D warnings`): the build that makes the tests
# is the lint (`cargo test` builds every target we have: libraries, binaries,
# tests and examples). Unoptimised: a `--release` test build, whose libraries
# the release build could then reuse, made a cold CI run 8 minutes longer (the
# server crate alone took 14 of its 34 minutes), not shorter.
# LEPTOS_OUTPUT_NAME: cargo-leptos sets it, and Leptos reads it at compile
# time (`option_env!`): the tests compile Leptos as the served build does.
LEPTOS_OUTPUT_NAME := $(shell sed -n 's/^output-name = "\(.*\)"$$/\1/p' Leptos.toml)
CARGO_TEST := RUSTC_WORKSPACE_WRAPPER=$(CURDIR)/scripts/bin/clippy-rustc LEPTOS_OUTPUT_NAME=$(LEPTOS_OUTPUT_NAME) \
  cargo test -p types -p server-core -p app -p server --features app/ssr

# The server the suites below start (the contract check, the drills, the
# browser tests) is the test build's own `dreamseed`: cargo builds a package's
# binaries for its integration tests, with the same dependencies as the tests.
# A release server would compile every dependency a second time, optimised
# (Typst's alone is ten minutes on 2 cores), for suites that check behaviour,
# not speed: the benchmarks and `make run` use the release build. The browser
# gets the release WASM, exactly as shipped (test-site).
SERVER_BIN := $(CURDIR)/target/debug/dreamseed
test-bin: node-deps
	$(CARGO_TEST) --no-run

test-rust: test-bin
	$(CARGO_TEST)

# The site as `make build` makes it (release WASM, split, hashed,
# precompressed) without the release server; skipped when its inputs have not
# changed since it or a release build last succeeded. The hashed names'
# file goes beside the test server too (Leptos reads it from the binary's folder).
# `-v` logs how long each step after the WASM compile takes (wasm-bindgen,
# binaryen, the JS minify), the steps that decide how long CI waits for the site.
SITE_STAMP := target/.site-built
SITE_INPUTS := Cargo.toml Cargo.lock Leptos.toml app types paint frontend style public
test-site: tools assets
	@if [ -f target/release/hash.txt ] && { \
	    { [ -f $(SITE_STAMP) ] && [ -z "$$(find $(SITE_INPUTS) -newer $(SITE_STAMP) -print -quit)" ]; } || \
	    { [ -f $(BUILD_STAMP) ] && [ -z "$$(find $(SITE_INPUTS) -newer $(BUILD_STAMP) -print -quit)" ]; }; }; then \
	  echo "site: up to date"; \
	else \
	  mkdir -p target && touch $(SITE_STAMP).next && \
	  cargo leptos build --release --precompress --split --frontend-only -v && mv $(SITE_STAMP).next $(SITE_STAMP); \
	fi
	@scripts/build-paint.sh
	@mkdir -p $(dir $(SERVER_BIN)) && cp target/release/hash.txt $(dir $(SERVER_BIN))hash.txt

# The API contract: the test server on its own port and a throwaway database;
# its OpenAPI document validated as OpenAPI 3.1 (openapi-spec-validator), then
# every operation but logout and the live stream fuzzed by schemathesis, signed
# in (tools pinned in scripts/openapi/requirements.txt, kept in target/openapi-venv).
test-openapi: test-bin
	DREAMSEED_BIN=$(SERVER_BIN) scripts/openapi/check.sh

# The quick fault drills against the test server (scripts/drills/, each on
# its own port and database; Postgres ones on a database of their own):
# graceful stop under load, SIGKILL durability, 8 concurrent writers (a
# quarter of the issue's 60 s; `make test-drills DRILL_WRITE_SECONDS=60` for
# the full run) on SQLite and Postgres, Postgres refusing connections, and the
# backup round trip under write load (dreamseed backup/restore on SQLite,
# pg_dump/pg_restore on Postgres).
# Each prints its figures and fails on a miss.
DRILL_KILLS ?= 20
DRILL_WRITE_SECONDS ?= 15
test-drills: test-bin
	scripts/drills/graceful-stop.sh $(SERVER_BIN)
	scripts/drills/kill-restart.py --bin $(SERVER_BIN) --database sqlite --cycles $(DRILL_KILLS)
	scripts/drills/concurrent-writers.py --bin $(SERVER_BIN) --serve sqlite --seconds $(DRILL_WRITE_SECONDS) --forwarded
	scripts/drills/backup-restore.py --bin $(SERVER_BIN) --only sqlite
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
	  scripts/drills/kill-restart.py --bin $(SERVER_BIN) --database postgres --cycles $(DRILL_KILLS) && \
	  scripts/drills/concurrent-writers.py --bin $(SERVER_BIN) --serve postgres --seconds $(DRILL_WRITE_SECONDS) --forwarded && \
	  scripts/drills/postgres-refusing.py --bin $(SERVER_BIN) && \
	  scripts/drills/backup-restore.py --bin $(SERVER_BIN) --only postgres; \
	elif [ "$${CI:-}" = true ]; then echo "CI=true but PostgreSQL is not running on 127.0.0.1:5432"; exit 1; \
	else echo "skipping the Postgres drills: PostgreSQL is not running on 127.0.0.1:5432"; fi

# The cluster's checks (scripts/cluster-test.py): 3 test servers behind nginx
# (ports 18700-18703), on a Postgres database and Redis database 9 of their
# own: live stream, logout/disable/role change and cache invalidation across
# replicas, the shared rate limit, report slots, SIGKILL and a rolling restart
# through nginx. Then the cluster drills' quick form (scripts/cluster-drills.py
# --quick, ~40 s): a SIGKILL and a rolling restart under load, Redis (a
# redis-server of its own on 16380) killed and restarted, every database
# connection dropped. Each prints its figures; a miss fails. Skips like test-drills.
test-cluster: test-bin nginx
	@if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then missing="PostgreSQL is not running on 127.0.0.1:5432"; \
	elif ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then missing="Redis is not running on 127.0.0.1:6379"; \
	elif [ ! -x /usr/sbin/nginx ]; then missing="nginx is missing (make nginx)"; \
	elif [ ! -x /usr/bin/redis-server ]; then missing="redis-server is missing"; else missing=; fi; \
	if [ -z "$$missing" ]; then scripts/cluster-test.py --bin $(SERVER_BIN) && scripts/cluster-drills.py --quick --bin $(SERVER_BIN); \
	elif [ "$${CI:-}" = true ]; then echo "CI=true but $$missing"; exit 1; \
	else echo "skipping the cluster checks: $$missing"; fi

# The test server with the release site, started on its own port and database, driven by Playwright
# in Debian's Chromium (desktop and phone), then stopped by PID. On a failure
# the server's last lines are shown, then Playwright's failures once more, so
# the end of the output (all a CI summary may keep) names the failing tests.
test-e2e: test-bin test-site
	@tmp=$$(mktemp -d); \
	DB_PATH=$$tmp/e2e.db PORT=$(E2E_PORT) LOG_FORMAT=json ADMIN_EMAIL=$(E2E_ADMIN_EMAIL) ADMIN_PASSWORD=$(E2E_ADMIN_PASSWORD) \
	  RATE_LIMIT_PER_MINUTE=100000 $(SERVER_BIN) serve >$$tmp/server.log 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null; rm -rf $$tmp' EXIT; \
	for i in $$(seq 1 120); do \
	  curl -fsS http://127.0.0.1:$(E2E_PORT)/healthz >/dev/null 2>&1 && break; \
	  kill -0 $$pid 2>/dev/null || { cat $$tmp/server.log; echo "server exited"; exit 1; }; \
	  sleep 0.5; \
	done; \
	BASE_URL=http://127.0.0.1:$(E2E_PORT) E2E_DB_PATH=$$tmp/e2e.db E2E_ADMIN_EMAIL=$(E2E_ADMIN_EMAIL) E2E_ADMIN_PASSWORD=$(E2E_ADMIN_PASSWORD) DREAMSEED_BIN=$(SERVER_BIN) \
	  npx playwright test -c end2end/playwright.config.ts 2>&1 | tee $$tmp/playwright.log || { \
	    mkdir -p end2end/results && cp $$tmp/server.log end2end/results/server.log; \
	    echo "---- the server's last log lines (all of it: end2end/results/server.log)"; tail -30 $$tmp/server.log; \
	    echo "---- Playwright's failures, again (the server's log came after them)"; \
	    sed -n '/^  [0-9]*) /,$$p' $$tmp/playwright.log | tail -120; exit 1; }

# The deployment files (scripts/deploy/check.sh, ~1 s; the first run installs
# its pinned tools into target/deploy-venv, 10-25 s): docker-compose.yml against
# the Compose Specification, deploy/k8s/ against Kubernetes 1.30 (strict), both
# against the server's code and nginx's template. No Docker or cluster needed.
test-deploy:
	scripts/deploy/check.sh

## ---- what the builds and tests need ----------------------------------------

tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $(CARGO_LEPTOS_VERSION)" ]; then \
	  echo "Installing cargo-leptos $(CARGO_LEPTOS_VERSION) (once; 10-25 min on 2 cores)"; \
	  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal; \
	  cargo +nightly install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --features no_downloads; \
	fi
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (must match Cargo.lock)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; \
	fi

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

node-deps: node_modules/.package-lock.json

# cargo-leptos puts node_modules/.bin ahead of everything on its PATH and
# takes the first wasm-opt there: npm's binaryen, once per WASM file, ~380 of
# them with --split. The link makes it ours (scripts/bin/wasm-opt), which
# leaves the files under 8 KiB alone. Redone after every npm ci.
assets: node-deps
	@node scripts/vendor-assets.mjs
	@ln -sf ../../scripts/bin/wasm-opt node_modules/.bin/wasm-opt

# The browser the end-to-end tests drive: $CHROMIUM_PATH if set, else Debian's
# chromium, installed with apt (through sudo when not root).
chromium:
	@[ -x "$${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The real SMTP server the e-mail delivery tests start (scripts/smtp-sink.py):
# Debian's aiosmtpd for /usr/bin/python3 and the openssl CLI (its throwaway CA),
# installed with apt (through sudo when not root) when missing.
smtp-sink:
	@/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null && command -v openssl >/dev/null || { \
	  echo "Installing Debian's python3-aiosmtpd for the e-mail tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-aiosmtpd openssl >/dev/null; }

# What reads the report PDFs back in the tests (pdftotext, Debian's
# poppler-utils), installed with apt (through sudo when not root) when missing.
pdftotext:
	@command -v pdftotext >/dev/null || { \
	  echo "Installing Debian's poppler-utils for the PDF tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils >/dev/null; }

# The load balancer of `make cluster`: Debian's nginx, installed with apt
# (through sudo when not root) when missing. The cluster runs its own nginx;
# the system service the package may start (port 80) is stopped again.
nginx:
	@[ -x /usr/sbin/nginx ] || { \
	  echo "Installing Debian's nginx for make cluster"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; \
	  $$SUDO service nginx stop >/dev/null 2>&1 || true; }

# Postgres and Redis on their standard local ports, started if they are down and
# installed here. Elsewhere the tests that need them skip with one line, except
# under CI=true, where a missing service fails the run.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || { \
	  if [ -d /etc/postgresql ]; then echo "Starting PostgreSQL"; \
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  elif [ "$${CI:-}" = true ]; then echo "PostgreSQL is not running on 127.0.0.1:5432"; exit 1; \
	  else echo "PostgreSQL is not running: its tests will skip"; fi; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
	  if command -v redis-server >/dev/null; then echo "Starting Redis"; \
	    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
	      --dir /var/lib/redis --logfile /var/log/redis/ci.log; \
	  elif [ "$${CI:-}" = true ]; then echo "Redis is not running on 127.0.0.1:6379"; exit 1; \
	  else echo "Redis is not running: its tests will skip"; fi; }

clean:
	cargo clean
	rm -rf public/vendor node_modules
