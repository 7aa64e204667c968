//! `/v1/runs`: the append-only record of every solve (who asked, on what
//! data, with which options, what came back), readable by those allowed.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::auth::{Action, Caller};
use super::body;
use super::state::AppState;
use crate::error::ApiError;
use crate::service::reports::Scope;
use crate::store::{NewRun, RunFilter, RunRecord, RunResult, RunSummary};

/// Records a run; returns its id.
pub(crate) async fn record(state: &AppState, run: NewRun) -> Result<String, ApiError> {
    state.0.recorder.record(run).await
}

/// A run, as listed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunView {
    /// Run id.
    pub id: String,
    /// Unix seconds.
    pub at: i64,
    /// `rank`, `match`, `constellations` or `commission`.
    pub kind: String,
    /// The token that asked (its id, never its secret).
    pub token_id: Option<String>,
    /// The token's role.
    pub role: Option<String>,
    /// The token's authorities at the time.
    pub scope: Vec<String>,
    /// Dataset id, for a stored dataset.
    pub dataset_id: Option<String>,
    /// Dataset version.
    pub dataset_version: Option<u32>,
    /// SHA-256 of the input (the stored dataset or the inline body).
    pub input_sha256: String,
    /// `optimal`, `time_limit`, `ok` or `error`.
    pub status: String,
    /// Objective, when the solve has one.
    pub objective: Option<f64>,
    /// Relative gap.
    pub gap: Option<f64>,
    /// Wall time, ms.
    pub total_ms: f64,
    /// The job it ran under, if any.
    pub job_id: Option<String>,
    /// Options (only when one run is read).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub params: Option<Value>,
    /// The result as returned (only when one run is read).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub result: Option<RunResult>,
}

impl From<RunSummary> for RunView {
    fn from(r: RunSummary) -> Self {
        RunView {
            id: r.id,
            at: r.at,
            kind: r.kind,
            token_id: r.token_id,
            role: r.role.map(|r| r.to_string()),
            scope: r.scope,
            dataset_id: r.dataset_id,
            dataset_version: r.dataset_version,
            input_sha256: r.input_sha256,
            status: r.status,
            objective: r.objective,
            gap: r.gap,
            total_ms: r.total_ms,
            job_id: r.job_id,
            params: None,
            result: None,
        }
    }
}

impl From<RunRecord> for RunView {
    fn from(mut r: RunRecord) -> Self {
        let params = std::mem::take(&mut r.params);
        let result = r.result.clone();
        RunView {
            params: Some(params),
            result: Some(result),
            ..RunView::from(RunSummary::from(r))
        }
    }
}

/// `?limit=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Most runs to list, newest first (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// `GET /v1/runs`: runs the caller may see, newest first.
#[utoipa::path(get, path = "/v1/runs", tag = "runs", params(ListQuery),
    responses((status = 200, description = "Runs in scope", body = Vec<RunView>),
              (status = 401, description = "No valid token", body = super::problem::ProblemDocument, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Vec<RunView>>, ApiError> {
    caller.require(Action::ReadRuns)?;
    let q = body::query(query)?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::InvalidArgument(format!(
            "limit must be between 1 and 1000, got {limit}"
        )));
    }
    // The scope rule of `Caller::sees_record`, applied by the store before
    // the limit, so a caller gets up to `limit` runs it may read.
    let filter = RunFilter {
        token_id: None,
        authorities: None,
        within: match caller.scope() {
            Scope::All => None,
            Scope::Authorities(_) => Some(caller.authorities()),
        },
        limit: Some(limit),
    };
    let runs = state.store().list_runs(&filter).await?;
    Ok(Json(
        runs.into_iter()
            .filter(|r| caller.sees_record(&r.scope))
            .map(RunView::from)
            .collect(),
    ))
}

/// `GET /v1/runs/{id}`: one run with its options and result.
#[utoipa::path(get, path = "/v1/runs/{id}", tag = "runs",
    params(("id" = String, Path, description = "Run id")),
    responses((status = 200, description = "The run", body = RunView),
              (status = 404, description = "No such run in scope", body = super::problem::ProblemDocument, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<RunView>, ApiError> {
    caller.require(Action::ReadRuns)?;
    match state.store().run(&id).await? {
        Some(r) if caller.sees_record(&r.scope) => Ok(Json(r.into())),
        _ => Err(ApiError::NotFound(format!(
            "no run {:?}",
            optimiser::dataset::echo(&id)
        ))),
    }
}
