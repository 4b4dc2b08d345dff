//! The baseline of `scripts/bench-hot-path.sh`: a bare axum handler answering
//! what `/healthz` answers, on the same runtime as `dreamseed serve`, with
//! nothing around it (no middleware, no state, no logging). The distance from
//! it to our endpoints is what the application's own path costs.
//!
//! ```sh
//! cargo run --release -p server --example bare_axum -- 127.0.0.1:18101
//! ```

use axum::routing::get;
use axum::{Json, Router};

#[tokio::main]
async fn main() {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:18101".into());
    let app = Router::new().route("/healthz", get(|| async { Json(serde_json::json!({ "status": "healthy" })) }));
    let listener =
        tokio::net::TcpListener::bind(&addr).await.unwrap_or_else(|e| panic!("cannot listen on {addr}: {e}"));
    axum::serve(listener, app).await.expect("serve");
}
