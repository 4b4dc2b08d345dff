//! The types DreamSeed Admin's server and its WASM client share: the model
//! (what server functions return and the REST API serialises) and the one
//! error type with its JSON envelope. It compiles to WASM; with `ssr` it adds
//! the server-side impls (OpenAPI schemas, database errors in, HTTP responses
//! out) and the request's trace id they carry.

pub mod cookies;
pub mod error;
pub mod model;
#[cfg(feature = "ssr")]
pub mod trace;
