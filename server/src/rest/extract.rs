//! Extractors whose rejections are the error envelope (docs/API-DESIGN.md) instead of axum's
//! plain-text bodies (axum `examples/error-handling`). The JSON ones also hold
//! a body to the shape the OpenAPI document declares: a struct is read only
//! from a JSON object, never from an array of its fields.

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Query as AxumQuery, Request};
use axum::http::request::Parts;
use axum::http::{header, Uri};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::Value;
use server_core::error::AppError;

/// `axum::extract::Query`, rejecting a bad query string with a 400 envelope.
/// A parameter with an empty value (`?tz=`) is as if absent, on every route
/// alike: what HTML forms send for a blank field, and what the document
/// declares (`allowEmptyValue`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let given: Vec<&str> = parts
            .uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| pair.split_once('=').is_some_and(|(_, value)| !value.is_empty()))
            .collect();
        // A subset of a valid query is a valid query.
        let uri: Uri = format!("/?{}", given.join("&")).parse().unwrap_or_default();
        match AxumQuery::<T>::try_from_uri(&uri) {
            Ok(AxumQuery(value)) => Ok(Self(value)),
            Err(rejection) => Err(AppError::Validation { message: rejection.body_text(), fields: Vec::new() }),
        }
    }
}

/// `axum::Json`, rejecting with the envelope: 415 without a JSON content type,
/// 413 past the body limit, 400 for malformed JSON or a wrong shape (a struct
/// sent as anything but an object included).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // axum checks the content type, the size and the syntax; the shape is ours.
        match axum::Json::<Value>::from_request(request, state).await {
            Ok(axum::Json(value)) => from_value(value).map(Self),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// A JSON body that may be absent: an empty body, or `null`, gives `T::default()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalJson<T>(pub T);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let bytes = Bytes::from_request(request, state).await.map_err(|_| AppError::PayloadTooLarge {
            limit_bytes: crate::middleware::Limits::default().body_bytes as u64,
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(T::default()));
        }
        if !is_json {
            return Err(AppError::UnsupportedMediaType { expected: "application/json".into() });
        }
        match serde_json::from_slice::<Value>(&bytes) {
            // The document declares such a body nullable: null is "no body".
            Ok(Value::Null) => Ok(Self(T::default())),
            Ok(value) => from_value(value).map(Self),
            Err(err) => Err(invalid_body(err)),
        }
    }
}

/// `value` as a `T`, refusing anything but an object where `T` is a struct:
/// serde's derive also reads a struct from an array of its fields in order
/// (`[null, null]`), which the document does not allow and no client means.
fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, AppError> {
    if !value.is_object() && reads_an_object::<T>() {
        let found = match value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        return Err(AppError::Validation {
            message: format!("invalid JSON body: expected an object, found {found}"),
            fields: Vec::new(),
        });
    }
    T::deserialize(value).map_err(invalid_body)
}

fn invalid_body(err: serde_json::Error) -> AppError {
    AppError::Validation { message: format!("invalid JSON body: {err}"), fields: Vec::new() }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            AppError::UnsupportedMediaType { expected: "application/json".into() }
        }
        JsonRejection::BytesRejection(_) => {
            AppError::PayloadTooLarge { limit_bytes: crate::middleware::Limits::default().body_bytes as u64 }
        }
        other => AppError::Validation { message: other.body_text(), fields: Vec::new() },
    }
}

/// What [`Probe`] reports when `T` asked for a struct or a map.
const OBJECT: &str = "object";

/// Whether `T` is read from a JSON object: a derived struct (or a map) asks its
/// deserializer for one first, which [`Probe`] notes without reading anything.
fn reads_an_object<T: DeserializeOwned>() -> bool {
    matches!(T::deserialize(Probe), Err(err) if err.to_string() == OBJECT)
}

/// A deserializer that holds no data and only tells which shape it was asked for.
struct Probe;

impl<'de> Deserializer<'de> for Probe {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("other"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom(OBJECT))
    }

    fn deserialize_map<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom(OBJECT))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    struct Patch {
        #[serde(default)]
        title: Option<String>,
        #[serde(default)]
        status: Option<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Page {
        per_page: Option<i64>,
        tz: Option<String>,
    }

    async fn query(uri: &str) -> Result<Page, AppError> {
        let (mut parts, ()) = axum::http::Request::get(uri).body(()).unwrap().into_parts();
        Query::<Page>::from_request_parts(&mut parts, &()).await.map(|Query(page)| page)
    }

    #[tokio::test]
    async fn an_empty_query_value_is_as_if_absent() {
        let page = query("/x?per_page=&tz=utc&cursor").await.unwrap();
        assert_eq!((page.per_page, page.tz.as_deref()), (None, Some("utc")));
        assert_eq!(query("/x?per_page=7").await.unwrap().per_page, Some(7));
        assert_eq!(query("/x?per_page=seven").await.unwrap_err().status_code(), 400);
        assert!(query("/x").await.unwrap().tz.is_none());
    }

    #[test]
    fn structs_are_read_only_from_objects() {
        assert!(reads_an_object::<Patch>());
        assert!(reads_an_object::<std::collections::HashMap<String, i64>>());
        assert!(!reads_an_object::<Vec<i64>>() && !reads_an_object::<Value>() && !reads_an_object::<Option<Patch>>());
        let err = from_value::<Patch>(serde_json::json!([null, null])).unwrap_err();
        assert_eq!(err.status_code(), 400, "{err}");
        let patch = from_value::<Patch>(serde_json::json!({ "title": "t" })).unwrap();
        assert_eq!((patch.title.as_deref(), patch.status), (Some("t"), None));
        assert_eq!(from_value::<Vec<i64>>(serde_json::json!([1, 2])).unwrap(), [1, 2]);
    }
}
