//! A webhook receiver on 127.0.0.1 for the delivery tests: it answers each
//! path from a script (then 200), checks Standard Webhooks signatures with
//! the path's secret (the `standardwebhooks` crate, independent of ours) and
//! keeps every request.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Hit {
    pub path: String,
    pub headers: HeaderMap,
    pub body: String,
    /// Whether its signature checked out (webhook paths only).
    pub verified: Option<bool>,
}

/// What a path answers next: a status and an optional `Retry-After`.
pub type Script = VecDeque<(u16, Option<&'static str>)>;

/// A webhook receiver: answers each path from its script (then 200), checks
/// signatures with the path's secret, and keeps every request.
#[derive(Clone, Default)]
pub struct Receiver {
    hits: Arc<Mutex<Vec<Hit>>>,
    scripts: Arc<Mutex<HashMap<String, Script>>>,
    pub secrets: Arc<Mutex<HashMap<String, String>>>,
    base: String,
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver = Self { base: format!("http://{}", listener.local_addr().unwrap()), ..Self::default() };
        let shared = receiver.clone();
        let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let shared = shared.clone();
            async move { shared.answer(uri.path(), headers, body) }
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
        receiver
    }

    fn answer(&self, path: &str, headers: HeaderMap, body: Bytes) -> axum::response::Response {
        let verified = self.secrets.lock().unwrap().get(path).map(|secret| {
            standardwebhooks::Webhook::new(secret).expect("a whsec_ secret").verify(&body, &headers).is_ok()
        });
        let body = String::from_utf8_lossy(&body).into_owned();
        self.hits.lock().unwrap().push(Hit { path: path.to_owned(), headers, body, verified });
        let next = self.scripts.lock().unwrap().get_mut(path).and_then(VecDeque::pop_front);
        let (status, retry_after) = next.unwrap_or((200, None));
        let status = StatusCode::from_u16(status).unwrap();
        match retry_after {
            Some(after) => (status, [("retry-after", after)], "slow down").into_response(),
            None => (status, "ok").into_response(),
        }
    }

    pub fn script(&self, path: &str, answers: &[(u16, Option<&'static str>)]) {
        self.scripts.lock().unwrap().insert(path.to_owned(), answers.iter().copied().collect());
    }

    pub fn hits(&self, path: &str) -> Vec<Hit> {
        self.hits.lock().unwrap().iter().filter(|h| h.path == path).cloned().collect()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}
