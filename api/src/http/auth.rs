//! Who is calling: bearer tokens, roles and the scoping rule.
//!
//! - No token, or a wrong, expired or revoked one: 401 with
//!   `WWW-Authenticate: Bearer`.
//! - A role without the right: 403.
//! - A dataset, run, job or child outside the caller's authorities: 404, the
//!   same answer as for one that does not exist, so existence does not leak.
//!
//! | role | may |
//! |---|---|
//! | `placement` | read datasets of its one authority; ranked matches and batch placement |
//! | `commissioner` | store datasets for its partner authorities; batch placement; joint commissioning |
//! | `planner` | read datasets of its authorities; constellation planning (and sufficiency) |
//! | `admin` | everything, in every authority, including other tokens' runs |

use std::collections::BTreeSet;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::state::AppState;
use crate::error::ApiError;
use crate::service::reports::Scope;
use crate::store::{Role, TokenInfo};

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List and read datasets (within scope).
    ReadDatasets,
    /// Create, replace and delete datasets.
    WriteDatasets,
    /// Ranked matches for one child.
    Rank,
    /// Batch placement.
    Match,
    /// Constellation planning.
    Constellations,
    /// Joint commissioning.
    Commission,
    /// Read runs and jobs (within scope).
    ReadRuns,
}

/// Whether `role` may do `action`.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Admin => true,
        Role::Placement => matches!(action, ReadDatasets | Rank | Match | ReadRuns),
        Role::Commissioner => {
            matches!(
                action,
                ReadDatasets | WriteDatasets | Match | Commission | ReadRuns
            )
        }
        Role::Planner => matches!(action, ReadDatasets | Constellations | ReadRuns),
    }
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token (never its secret).
    pub token: TokenInfo,
}

impl Caller {
    /// Refuses with 403 unless the role allows `action`.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if allows(self.token.role, action) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "the {} role may not do this",
                self.token.role
            )))
        }
    }

    /// Whose children this caller sees record by record.
    pub fn scope(&self) -> Scope {
        match self.token.role {
            Role::Admin => Scope::All,
            _ => Scope::Authorities(self.token.authorities.iter().cloned().collect()),
        }
    }

    /// The caller's authorities, as recorded with its runs and jobs.
    pub fn authorities(&self) -> Vec<String> {
        self.token.authorities.clone()
    }

    /// Whether a dataset covering `authorities` is in scope: it covers at
    /// least one of the caller's.
    pub fn sees_dataset(&self, authorities: &[String]) -> bool {
        let scope = self.scope();
        authorities.iter().any(|a| scope.allows(a))
    }

    /// Whether a run or job made with `scope` is visible: an admin sees all;
    /// anyone else, those whose scope lies within their own authorities (so
    /// every child record in it is one they may see).
    pub fn sees_record(&self, scope: &[String]) -> bool {
        match self.token.role {
            Role::Admin => true,
            _ => {
                let mine: BTreeSet<&String> = self.token.authorities.iter().collect();
                !scope.is_empty() && scope.iter().all(|a| mine.contains(a))
            }
        }
    }
}

fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let value = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
        ApiError::Unauthorized("an Authorization: Bearer token is required".into())
    })?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized("the Authorization header is not text".into()))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(ApiError::Unauthorized(
            "the Authorization header must be `Bearer <token>`".into(),
        )),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = bearer(parts)?;
        match state.authenticate(secret).await? {
            Some(token) => Ok(Caller { token }),
            None => Err(ApiError::Unauthorized(
                "the token is unknown, expired or revoked".into(),
            )),
        }
    }
}
