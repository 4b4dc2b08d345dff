# syntax=docker/dockerfile:1
# DreamSeed Admin: build the release binary and site, then ship them on a slim
# base as a non-root user. Everything the site serves comes from npm packages
# copied in at build time; nothing is fetched at run time.

FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown \
    && rustup toolchain install nightly --profile minimal
WORKDIR /src
# Tools first: they change rarely, so this layer stays cached.
COPY Makefile Cargo.toml Cargo.lock ./
RUN make tools
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# What ships gets thin LTO across crates (Cargo.toml leaves it off for the
# quicker builds of development and CI).
ENV CARGO_PROFILE_RELEASE_LTO=thin
RUN make build

FROM debian:bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 dreamseed \
    && useradd --system --uid 10001 --gid dreamseed --home /app dreamseed \
    && mkdir -p /app/data && chown dreamseed:dreamseed /app/data
WORKDIR /app
# The binary finds its site in ./site beside it.
COPY --from=build /src/target/release/dreamseed /app/dreamseed
# The hashed names of the site's pkg files: read from beside the binary.
COPY --from=build /src/target/release/hash.txt /app/hash.txt
COPY --from=build /src/target/site /app/site
# A number, not the name: Kubernetes can check a numeric user against
# runAsNonRoot (deploy/k8s/ runs it as 10001).
USER 10001:10001
ENV HOST=0.0.0.0 \
    PORT=8002 \
    ENVIRONMENT=production \
    METRICS_ADDR=0.0.0.0:9102 \
    DB_PATH=/app/data/dreamseed_analytics.db
VOLUME ["/app/data"]
# 8002: the app; 9102: /metrics for the scraper (production refuses to start
# without METRICS_ADDR or METRICS_TOKEN).
EXPOSE 8002 9102
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/dreamseed"]
CMD ["serve"]
