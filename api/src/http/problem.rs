//! The one place where errors become HTTP responses: RFC 9457
//! `application/problem+json`, with the status taken from the error's
//! [`Class`] and every input problem listed with file, location, record and
//! field.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{ApiError, Class, Problem};

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemDocument {
    /// `about:blank`: the status says what kind of problem this is.
    #[serde(rename = "type")]
    pub kind: String,
    /// The status's reason phrase.
    pub title: String,
    /// The error class: `invalid_input`, `not_found`, `unauthorized`,
    /// `forbidden`, `conflict`, `overloaded`, `resource_limit` or `internal`.
    pub class: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong in this request.
    pub detail: String,
    /// Every input problem, when the input was invalid.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<Problem>,
}

/// The HTTP status of an error: from its class, except a body over the
/// limit (413).
pub fn status(e: &ApiError) -> StatusCode {
    if let ApiError::BodyTooLarge { .. } = e {
        return StatusCode::PAYLOAD_TOO_LARGE;
    }
    match e.class() {
        Class::InvalidInput => StatusCode::UNPROCESSABLE_ENTITY,
        Class::NotFound => StatusCode::NOT_FOUND,
        Class::Unauthorized => StatusCode::UNAUTHORIZED,
        Class::Forbidden => StatusCode::FORBIDDEN,
        Class::Conflict => StatusCode::CONFLICT,
        Class::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
        Class::ResourceLimit => StatusCode::UNPROCESSABLE_ENTITY,
        Class::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn class_name(c: Class) -> &'static str {
    match c {
        Class::InvalidInput => "invalid_input",
        Class::NotFound => "not_found",
        Class::Unauthorized => "unauthorized",
        Class::Forbidden => "forbidden",
        Class::Conflict => "conflict",
        Class::Overloaded => "overloaded",
        Class::ResourceLimit => "resource_limit",
        Class::Internal => "internal",
    }
}

/// The problem document of an error.
pub fn document(e: &ApiError) -> ProblemDocument {
    let status = status(e);
    let title = status.canonical_reason().unwrap_or("Error").to_string();
    let (detail, problems) = match e {
        ApiError::InvalidDataset(problems) => (
            format!(
                "the input has {} problem{}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            ),
            problems.clone(),
        ),
        // Internal details stay in the server's log (under the request id).
        _ if e.class() == Class::Internal => (
            "an internal error occurred; the server log has the details".to_string(),
            Vec::new(),
        ),
        _ => (e.to_string(), Vec::new()),
    };
    ProblemDocument {
        kind: "about:blank".to_string(),
        title,
        class: class_name(e.class()).to_string(),
        status: status.as_u16(),
        detail,
        problems,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.class() == Class::Internal {
            tracing::error!(error = %self, "internal error");
        }
        let doc = document(&self);
        let body = serde_json::to_vec(&doc).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status(&self), body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match &self {
            ApiError::Unauthorized(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"placement\""),
                );
            }
            ApiError::Overloaded {
                retry_after_seconds,
                ..
            } => {
                if let Ok(v) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
                    headers.insert(header::RETRY_AFTER, v);
                }
            }
            _ => {}
        }
        response
    }
}
