//! Stopping the server ends the open live streams at once (issue #12 item 5):
//! a stream never finishes by itself, so without this every graceful stop
//! waited out the whole grace period. Browsers reconnect on their own.

use crate::common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::test]
async fn closing_the_hub_ends_every_open_stream_at_once() {
    let db = common::TestDb::sqlite().await;
    let state = common::state(&db.db);
    let app = common::app(state.clone());
    let open = || {
        let app = app.clone();
        async move {
            let response = app.oneshot(Request::get("/api/v1/stream").body(Body::empty()).unwrap()).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let mut body = response.into_body();
            // The `ready` event: the stream is live.
            let first = tokio::time::timeout(Duration::from_secs(5), body.frame()).await.expect("a first event");
            assert!(first.is_some_and(|f| f.is_ok()));
            body
        }
    };
    let streams = [open().await, open().await, open().await];

    state.live.close();
    for body in streams {
        let rest = tokio::time::timeout(Duration::from_secs(2), body.collect()).await;
        assert!(rest.expect("the stream ended within 2 s of closing").is_ok());
    }
    // One opened while stopping ends right after its first event too.
    let late = open().await;
    assert!(tokio::time::timeout(Duration::from_secs(2), late.collect()).await.is_ok());
}
