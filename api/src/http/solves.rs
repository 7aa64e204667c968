//! Solves over HTTP: ranked matches answer directly (they are quick); batch
//! placement, constellation planning and joint commissioning run as jobs
//! (`202 Accepted`, then `/v1/jobs/{id}`). Every solve is recorded as a run.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::auth::{Action, Caller};
use super::body;
use super::datasets::{self, VersionQuery};
use super::jobs::JobView;
use super::runs::record;
use super::state::AppState;
use crate::error::ApiError;
use crate::service::{
    self,
    requests::{
        capped_time_limit, CommissionRequest, ConstellationsRequest, RankRequest, SolveParams,
        DEFAULT_TOP,
    },
};
use crate::store::{NewJob, NewRun, RunResult};

/// `?top=&system=&version=` and the solve options of a ranked match.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MatchesQuery {
    /// How many options (1 to 1,000; default 10).
    #[param(minimum = 1, maximum = 1000)]
    pub top: Option<usize>,
    /// Also each option's system impact (one re-solve per option).
    pub system: Option<bool>,
    /// Dataset version (default: the latest).
    #[param(minimum = 1)]
    pub version: Option<u32>,
    /// Cost per km per week of distance (default 10).
    #[param(minimum = 0.0, maximum = 1e9)]
    pub distance_weight: Option<f64>,
    /// Penalty per child left unplaced (default 100,000).
    #[param(minimum = 0.0, maximum = 1e9)]
    pub unplaced_penalty: Option<f64>,
    /// Time limit, seconds (capped at the server's).
    #[param(exclusive_minimum = 0.0, maximum = 604800.0)]
    pub time_limit: Option<f64>,
    /// Relative gap (default 1e-6).
    #[param(minimum = 0.0, maximum = 1.0)]
    pub gap: Option<f64>,
    /// Replaces the dataset's `w_split` for this ranking (£ a week per
    /// extra place a non-strict sibling group is split over).
    #[param(minimum = 0.0, maximum = 1e9)]
    pub split_weight: Option<f64>,
    /// Replaces the dataset's `w_split_constellation` for this ranking (at
    /// most the split weight in use).
    #[param(minimum = 0.0, maximum = 1e9)]
    pub split_constellation_weight: Option<f64>,
    /// Replaces the dataset's `w_outside_authority` for this ranking (£ a
    /// week per child placed outside their own authority).
    #[param(minimum = 0.0, maximum = 1e9)]
    pub outside_authority_weight: Option<f64>,
}

/// `GET /v1/datasets/{id}/children/{child}/matches`.
#[utoipa::path(get, path = "/v1/datasets/{id}/children/{child}/matches", tag = "solves",
    params(("id" = String, Path, description = "Dataset id"), ("child" = String, Path, description = "Child id"), MatchesQuery),
    responses(
        (status = 200, description = "Ranked options for the child (and its sibling group)", body = Object),
        (status = 401, description = "No valid token", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 403, description = "Role may not rank", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset or child in scope", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 422, description = "Invalid option", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 503, description = "Busy: retry after the Retry-After seconds", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn matches(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, child)): Path<(String, String)>,
    query: Result<Query<MatchesQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    caller.require(Action::Rank)?;
    let q = body::query(query)?;
    let mut request = RankRequest {
        child: child.clone(),
        top: q.top.unwrap_or(DEFAULT_TOP),
        system: q.system.unwrap_or(false),
        solve: SolveParams {
            distance_weight: q.distance_weight,
            unplaced_penalty: q.unplaced_penalty,
            time_limit: q.time_limit,
            gap: q.gap,
            split_weight: q.split_weight,
            split_constellation_weight: q.split_constellation_weight,
            outside_authority_weight: q.outside_authority_weight,
        },
    };
    request.config()?;
    request.solve.time_limit = cap(&state, request.solve.time_limit);
    let (meta, data) = datasets::load(&state, &caller, &id, q.version).await?;
    // A child outside the caller's authorities answers like an unknown one.
    let visible = data
        .data
        .child_index(&child)
        .map(|i| {
            data.data.authorities()[data.data.children()[i].authority]
                .id
                .as_str()
        })
        .is_some_and(|a| caller.scope().allows(a));
    if !visible {
        return Err(ApiError::NotFound(format!(
            "no child {:?} in dataset {}",
            optimiser::dataset::echo(&child),
            meta.id
        )));
    }
    let started = std::time::Instant::now();
    let req = request.clone();
    let rank = move || service::rank_with(&data.data, &data.places, &req);
    // Without system impact a ranking is a bounded nearest-first search over
    // the cached index (well under a millisecond on 5,000 places): it runs
    // in place, like parsing a body. With system impact it solves MIPs, and
    // with practice weight overrides it copies the dataset, so then it goes
    // to the bounded solve pool, off the async runtime.
    let copies = !request.solve.practice_overrides().is_empty();
    let report = if request.system || copies {
        state.run_blocking(rank).await
    } else {
        rank()
    };
    let total_ms = started.elapsed().as_secs_f64() * 1000.0;
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            state.metrics().solve("rank", "error", total_ms / 1000.0);
            return Err(e);
        }
    };
    state.metrics().solve("rank", "ok", total_ms / 1000.0);
    // Serialised once: the answer and the run's record are the same text.
    let result = RunResult::of(&report)?;
    let body = result.get().as_bytes().to_vec();
    let run = record(
        &state,
        NewRun {
            token_id: Some(caller.token.id.clone()),
            role: Some(caller.token.role),
            scope: caller.authorities(),
            kind: "rank".into(),
            dataset_id: Some(meta.id.clone()),
            dataset_version: Some(meta.version),
            input_sha256: meta.sha256.clone(),
            params: serde_json::to_value(&request)?,
            status: report
                .ranking
                .baseline
                .as_ref()
                .map_or("ok".to_string(), |b| crate::render::table::name(&b.status)),
            objective: report.ranking.baseline.as_ref().map(|b| b.objective),
            gap: report.ranking.baseline.as_ref().map(|b| b.gap),
            build_ms: None,
            solve_ms: None,
            total_ms,
            result,
            job_id: None,
        },
    )
    .await?;
    Ok((
        [
            ("x-run-id", run),
            (
                header::CONTENT_TYPE.as_str(),
                "application/json".to_string(),
            ),
        ],
        body,
    )
        .into_response())
}

/// What a job will do, as stored in its `params`.
pub(crate) fn enqueue_response(job: JobView) -> Response {
    let location = format!("/v1/jobs/{}", job.id);
    (
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(job),
    )
        .into_response()
}

async fn submit(
    state: &AppState,
    caller: &Caller,
    kind: &str,
    dataset: Option<(String, u32)>,
    inline_body: Option<String>,
    params: Value,
) -> Result<Response, ApiError> {
    let queued = state.store().queued_jobs().await?;
    if queued >= state.config().job_queue {
        return Err(ApiError::Overloaded {
            what: format!("{queued} jobs are queued"),
            retry_after_seconds: 30,
        });
    }
    let (dataset_id, dataset_version) = match dataset {
        Some((id, v)) => (Some(id), Some(v)),
        None => (None, None),
    };
    let job = state
        .store()
        .enqueue_job(NewJob {
            kind: kind.to_string(),
            token_id: Some(caller.token.id.clone()),
            role: Some(caller.token.role),
            scope: caller.authorities(),
            dataset_id,
            dataset_version,
            inline_body,
            params,
        })
        .await?;
    state.wake_jobs();
    tracing::info!(job = %job.id, kind, "job queued");
    Ok(enqueue_response(JobView::from(job)))
}

fn cap(state: &AppState, time_limit: Option<f64>) -> Option<f64> {
    capped_time_limit(time_limit, Some(state.config().max_time_limit))
}

/// `POST /v1/datasets/{id}/match`: batch placement of every waiting child, as a job.
#[utoipa::path(post, path = "/v1/datasets/{id}/match", tag = "solves",
    params(("id" = String, Path, description = "Dataset id"), VersionQuery),
    request_body(content = SolveParams, description = "Weights and limits (all optional)"),
    responses(
        (status = 202, description = "Queued; poll the Location", body = JobView),
        (status = 404, description = "No such dataset in scope", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 422, description = "Invalid option", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 503, description = "Queue full", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn match_stored(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    query: Result<Query<VersionQuery>, QueryRejection>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    submit_stored::<SolveParams>(&state, &caller, &id, query, bytes).await
}

/// `POST /v1/datasets/{id}/constellations`: constellation planning, as a job.
#[utoipa::path(post, path = "/v1/datasets/{id}/constellations", tag = "solves",
    params(("id" = String, Path, description = "Dataset id"), VersionQuery),
    request_body(content = ConstellationsRequest, description = "Planner options (all optional)"),
    responses(
        (status = 202, description = "Queued; poll the Location", body = JobView),
        (status = 404, description = "No such dataset in scope", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 422, description = "Invalid option", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn constellations_stored(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    query: Result<Query<VersionQuery>, QueryRejection>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    submit_stored::<ConstellationsRequest>(&state, &caller, &id, query, bytes).await
}

/// The options of a job on a stored dataset.
trait StoredJob: serde::de::DeserializeOwned + serde::Serialize {
    /// The job's kind, as stored and reported.
    const KIND: &'static str;
    /// What the caller must be allowed.
    const ACTION: Action;
    /// Range-checks the options (the same rules as everywhere), then caps
    /// the time limit at the server's.
    fn check(&mut self, state: &AppState) -> Result<(), ApiError>;
    /// Whether some option can only be checked against the dataset.
    fn needs_dataset(&self) -> bool {
        false
    }
    /// Checks the options that depend on the dataset they will run on.
    fn check_on(&self, _data: &optimiser::dataset::Dataset) -> Result<(), ApiError> {
        Ok(())
    }
}

impl StoredJob for SolveParams {
    const KIND: &'static str = "match";
    const ACTION: Action = Action::Match;
    fn check(&mut self, state: &AppState) -> Result<(), ApiError> {
        self.match_config()?;
        self.time_limit = cap(state, self.time_limit);
        Ok(())
    }
    // `split_constellation_weight ≤ split_weight` holds against the
    // dataset's values when only one of them is given.
    fn needs_dataset(&self) -> bool {
        !self.practice_overrides().is_empty()
    }
    fn check_on(&self, data: &optimiser::dataset::Dataset) -> Result<(), ApiError> {
        self.check_practice(data).map(|_| ())
    }
}

impl StoredJob for ConstellationsRequest {
    const KIND: &'static str = "constellations";
    const ACTION: Action = Action::Constellations;
    fn check(&mut self, state: &AppState) -> Result<(), ApiError> {
        self.config()?;
        self.time_limit = cap(state, self.time_limit);
        Ok(())
    }
}

/// Queues a `T` job on stored dataset `id`: authorise, parse and check the
/// options, find the dataset in the caller's scope, enqueue.
async fn submit_stored<T: StoredJob>(
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: Result<Query<VersionQuery>, QueryRejection>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    caller.require(T::ACTION)?;
    let q = body::query(query)?;
    let mut options: T = body::json(&body::text(bytes, state.config().max_body_bytes)?)?;
    options.check(state)?;
    let meta = if options.needs_dataset() {
        // Refused now (422), not when the job runs.
        let (meta, data) = datasets::load(state, caller, id, q.version).await?;
        options.check_on(&data.data)?;
        meta
    } else {
        datasets::visible_meta(state, caller, id, q.version).await?
    };
    let params = serde_json::to_value(&options)?;
    submit(
        state,
        caller,
        T::KIND,
        Some((meta.id, meta.version)),
        None,
        params,
    )
    .await
}

/// An inline batch placement: the dataset in the body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InlineMatch {
    /// The dataset (contract v1).
    #[schema(value_type = optimiser::dataset::raw::RawDataset)]
    pub dataset: Value,
    /// Weights and limits.
    #[serde(default)]
    pub options: SolveParams,
}

/// `POST /v1/match`: batch placement of an inline dataset, as a job.
#[utoipa::path(post, path = "/v1/match", tag = "solves",
    request_body(content = InlineMatch),
    responses(
        (status = 202, description = "Queued; poll the Location", body = JobView),
        (status = 422, description = "Invalid dataset or option: every problem listed", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn match_inline(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    caller.require(Action::Match)?;
    let mut request: InlineMatch = body::json(&body::text(bytes, state.config().max_body_bytes)?)?;
    request.options.match_config()?;
    request.options.time_limit = cap(&state, request.options.time_limit);
    let text = request.dataset.to_string();
    let check = text.clone();
    let data = state
        .run_blocking(move || crate::load::dataset_from_json(&check, "dataset").map(|(_, d)| d))
        .await?;
    let authorities: Vec<String> = data.authorities().iter().map(|a| a.id.clone()).collect();
    if !caller.sees_dataset(&authorities) {
        return Err(ApiError::Forbidden(
            "the dataset covers none of the token's authorities".into(),
        ));
    }
    request.options.check_practice(&data)?;
    let params = serde_json::to_value(&request.options)?;
    submit(&state, &caller, "match", None, Some(text), params).await
}

/// An inline joint commissioning question.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InlineCommission {
    /// The commissioning question (see docs/commissioning.md).
    #[schema(value_type = optimiser::commission::input::RawCommission)]
    pub question: Value,
    /// Options.
    #[serde(default)]
    pub options: CommissionRequest,
}

/// `POST /v1/commission`: joint residential commissioning, as a job.
#[utoipa::path(post, path = "/v1/commission", tag = "solves",
    request_body(content = InlineCommission),
    responses(
        (status = 202, description = "Queued; poll the Location", body = JobView),
        (status = 403, description = "Role may not commission, or the question's partners are not the token's", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 422, description = "Invalid question or option", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn commission_inline(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    caller.require(Action::Commission)?;
    let mut request: InlineCommission =
        body::json(&body::text(bytes, state.config().max_body_bytes)?)?;
    request.options.config()?;
    request.options.time_limit = cap(&state, request.options.time_limit);
    let text = request.question.to_string();
    let check = text.clone();
    let partners = state
        .run_blocking(move || {
            let q = crate::load::commission_from_json(&check, "question")?;
            Ok((0..q.partners.len())
                .map(|p| q.partner_id(p).to_string())
                .collect::<Vec<_>>())
        })
        .await?;
    // A commissioner answers for its partners: each partner must be one of
    // the token's authorities.
    let scope = caller.scope();
    if let Some(p) = partners.iter().find(|p| !scope.allows(p)) {
        return Err(ApiError::Forbidden(format!(
            "partner {p} is not one of the token's authorities"
        )));
    }
    let params = serde_json::to_value(&request.options)?;
    submit(&state, &caller, "commission", None, Some(text), params).await
}
