//! Reading request bodies and query strings into request types, with every
//! failure a located problem (never axum's plain-text rejections).

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::Query;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Problem};

/// The body as text, or 413 past the limit / 422 for bad UTF-8.
pub fn text(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<String, ApiError> {
    let bytes = body.map_err(|e| match e {
        BytesRejection::FailedToBufferBody(_) => ApiError::BodyTooLarge { limit },
        other => ApiError::InvalidArgument(other.body_text()),
    })?;
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        ApiError::InvalidDataset(vec![Problem::new(
            "request body",
            format!("byte {}", e.utf8_error().valid_up_to()),
            None,
            None,
            "the body is not valid UTF-8",
        )])
    })
}

/// Parses a small JSON request (solve options) as `T`, naming the path of
/// the first problem. A body is required (`{}` asks for every default).
pub fn json<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::InvalidDataset(vec![Problem::new(
            "request body",
            "",
            None,
            None,
            "a JSON body is required (`{}` for the defaults)",
        )]));
    }
    let located = |location: String, e: &serde_json::Error| {
        ApiError::InvalidDataset(vec![Problem::new(
            "request body",
            location,
            None,
            None,
            crate::json_messages::friendly(&e.to_string()).1,
        )])
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let location = if path == "." {
            format!("line {} column {}", inner.line(), inner.column())
        } else {
            path
        };
        located(location, &inner)
    })?;
    de.end()
        .map_err(|e| located(format!("line {} column {}", e.line(), e.column()), &e))?;
    Ok(value)
}

/// A query string as `T`, or a 422 naming what was wrong.
pub fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(v)| v).map_err(|e| {
        ApiError::InvalidDataset(vec![Problem::new(
            "query string",
            "",
            None,
            None,
            e.body_text(),
        )])
    })
}
