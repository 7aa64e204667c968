//! Jobs: long solves queued in the store and run by a bounded set of
//! workers. A job is a row, so a restart loses none: jobs queued stay
//! queued, and one that was running when the process stopped is run again.
//!
//! Cancelling a queued job means it never runs. A running solve cannot be
//! interrupted inside HiGHS; cancelling it marks it cancelled at once and its
//! result is discarded when the solve ends (it is still recorded as a run).
//! A job the server stopped under [`MAX_JOB_ATTEMPTS`] times fails instead
//! of running again.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::watch;

use super::auth::{Action, Caller};
use super::runs::record;
use super::state::AppState;
use crate::error::ApiError;
use crate::render::table::name as status_name;
use crate::service::reports::Scope;
use crate::service::{self, requests};
use crate::store::{JobOutcome, JobRecord, JobStatus, NewRun, Role, RunResult};

/// A job as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    /// Job id.
    pub id: String,
    /// `match`, `constellations` or `commission`.
    pub kind: String,
    /// `queued`, `running`, `done`, `failed` or `cancelled`.
    #[schema(value_type = String)]
    pub status: JobStatus,
    /// 0 to 1.
    pub progress: f64,
    /// What it is doing.
    pub message: String,
    /// Dataset id, for a stored dataset.
    pub dataset_id: Option<String>,
    /// Dataset version.
    pub dataset_version: Option<u32>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub started_at: Option<i64>,
    /// Unix seconds.
    pub finished_at: Option<i64>,
    /// The run that recorded it, once finished.
    pub run_id: Option<String>,
    /// The result, when done.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    /// The error (a problem document), when failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub error: Option<Value>,
}

impl From<JobRecord> for JobView {
    fn from(j: JobRecord) -> Self {
        JobView {
            id: j.id,
            kind: j.kind,
            status: j.status,
            progress: j.progress,
            message: j.message,
            dataset_id: j.dataset_id,
            dataset_version: j.dataset_version,
            created_at: j.created_at,
            started_at: j.started_at,
            finished_at: j.finished_at,
            run_id: j.run_id,
            result: j.result,
            error: j.error,
        }
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("no job {:?}", optimiser::dataset::echo(id)))
}

async fn visible(state: &AppState, caller: &Caller, id: &str) -> Result<JobRecord, ApiError> {
    match state.store().job(id).await? {
        Some(j) if caller.sees_record(&j.scope) => Ok(j),
        _ => Err(not_found(id)),
    }
}

/// `GET /v1/jobs`: the caller's jobs (all jobs for an admin).
#[utoipa::path(get, path = "/v1/jobs", tag = "jobs",
    responses((status = 200, description = "Jobs in scope, without results", body = Vec<JobView>),
              (status = 401, description = "No valid token", body = super::problem::ProblemDocument, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<JobView>>, ApiError> {
    caller.require(Action::ReadRuns)?;
    let jobs = state.store().list_jobs(None).await?;
    Ok(Json(
        jobs.into_iter()
            .filter(|j| caller.sees_record(&j.scope))
            .map(|j| JobView {
                result: None,
                ..JobView::from(j)
            })
            .collect(),
    ))
}

/// `GET /v1/jobs/{id}`: status, progress, and the result once done.
#[utoipa::path(get, path = "/v1/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "The job", body = JobView),
              (status = 404, description = "No such job in scope", body = super::problem::ProblemDocument, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    caller.require(Action::ReadRuns)?;
    Ok(Json(visible(&state, &caller, &id).await?.into()))
}

/// `DELETE /v1/jobs/{id}`: cancel a queued or running job.
#[utoipa::path(delete, path = "/v1/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "Cancelled", body = JobView),
              (status = 404, description = "No such job in scope", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
              (status = 409, description = "Already finished", body = super::problem::ProblemDocument, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    caller.require(Action::ReadRuns)?;
    let job = visible(&state, &caller, &id).await?;
    if job.status.is_final() {
        return Err(ApiError::Conflict(format!(
            "job {id} is already {}",
            job.status.as_str()
        )));
    }
    match state.store().cancel_job(&id).await? {
        Some(JobStatus::Cancelled) => {}
        Some(other) => {
            return Err(ApiError::Conflict(format!(
                "job {id} is already {}",
                status_name(&other)
            )))
        }
        None => return Err(not_found(&id)),
    }
    let job = state
        .store()
        .job(&id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    Ok(Json(job.into()))
}

/// What a finished solve reports for its run.
struct Solved {
    result: Value,
    status: String,
    objective: Option<f64>,
    gap: Option<f64>,
    build_ms: Option<f64>,
    solve_ms: Option<f64>,
}

fn job_scope(job: &JobRecord) -> Scope {
    match job.role {
        Some(Role::Admin) => Scope::All,
        _ => Scope::Authorities(job.scope.iter().cloned().collect()),
    }
}

fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|e| ApiError::Internal(format!("stored job options: {e}")))
}

/// How many times a job is started before it is given up: a job still
/// running when the process stopped runs again at the next start, up to
/// this many starts in all.
pub const MAX_JOB_ATTEMPTS: u32 = 3;

/// Runs one job's solve (on a blocking thread).
async fn solve(state: &AppState, job: &JobRecord) -> Result<Solved, ApiError> {
    // `attempts` counts starts, this one included.
    if job.attempts > MAX_JOB_ATTEMPTS {
        return Err(ApiError::Interrupted {
            attempts: MAX_JOB_ATTEMPTS,
        });
    }
    let scope = job_scope(job);
    let params = job.params.clone();
    match job.kind.as_str() {
        "match" | "constellations" => {
            let data = match (&job.dataset_id, &job.inline_body) {
                (Some(id), _) => {
                    let meta = state
                        .store()
                        .dataset_meta(id, job.dataset_version)
                        .await?
                        .ok_or_else(|| super::datasets::not_found(id))?;
                    super::datasets::load_version(state, &meta).await?
                }
                (None, Some(body)) => {
                    let text = body.clone();
                    let data = tokio::task::spawn_blocking(move || {
                        crate::load::dataset_from_json(&text, "dataset")
                            .map(|(_, d)| super::state::Loaded::new(d))
                    })
                    .await
                    .map_err(|e| ApiError::Internal(e.to_string()))??;
                    Arc::new(data)
                }
                (None, None) => return Err(ApiError::Internal("a job without input".into())),
            };
            let is_match = job.kind == "match";
            let solved = tokio::task::spawn_blocking(move || -> Result<Solved, ApiError> {
                if is_match {
                    let p: requests::SolveParams = parse(params)?;
                    let mut r = service::match_(&data.data, &p)?;
                    r.restrict(&data.data, &scope);
                    let s = &r.solution;
                    Ok(Solved {
                        status: status_name(&s.status),
                        objective: Some(s.objective),
                        gap: Some(s.gap),
                        build_ms: Some(s.model.build_ms),
                        solve_ms: Some(s.solve_ms),
                        result: serde_json::to_value(&r)?,
                    })
                } else {
                    let p: requests::ConstellationsRequest = parse(params)?;
                    let r = service::constellations(&data.data, &p)?;
                    let f = &r.formation;
                    Ok(Solved {
                        status: status_name(&f.status),
                        objective: Some(f.objective),
                        gap: Some(f.gap),
                        build_ms: None,
                        solve_ms: Some(f.solve_ms),
                        result: serde_json::to_value(&r)?,
                    })
                }
            })
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))??;
            Ok(solved)
        }
        "commission" => {
            let body = job
                .inline_body
                .clone()
                .ok_or_else(|| ApiError::Internal("a commission job without a question".into()))?;
            let solved = tokio::task::spawn_blocking(move || -> Result<Solved, ApiError> {
                let q = crate::load::commission_from_json(&body, "question")?;
                let p: requests::CommissionRequest = parse(params)?;
                let mut r = service::commission(&q, &p)?;
                r.restrict(&scope);
                Ok(Solved {
                    status: status_name(&r.report.status),
                    objective: Some(r.report.joint_cost),
                    gap: Some(r.report.gap),
                    build_ms: None,
                    solve_ms: Some(r.report.solve_ms),
                    result: serde_json::to_value(&r)?,
                })
            })
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))??;
            Ok(solved)
        }
        other => Err(ApiError::Internal(format!("unknown job kind {other:?}"))),
    }
}

/// The SHA-256 of a job's input: the stored dataset's, or its inline body's
/// (of nothing, when neither can be read any more).
async fn input_sha256(state: &AppState, job: &JobRecord) -> String {
    if let Some(body) = &job.inline_body {
        return crate::store::sha256_hex(body.as_bytes());
    }
    if let Some(id) = &job.dataset_id {
        if let Ok(Some(meta)) = state.dataset_meta(id, job.dataset_version).await {
            return meta.sha256;
        }
    }
    crate::store::sha256_hex(b"")
}

/// Runs a claimed job to the end: solve, record the run, finish the row.
async fn execute(state: &AppState, job: JobRecord) -> Result<(), ApiError> {
    let started = Instant::now();
    state
        .store()
        .set_job_progress(&job.id, 0.1, "solving")
        .await?;
    let outcome = solve(state, &job).await;
    let total_ms = started.elapsed().as_secs_f64() * 1000.0;
    let sha = input_sha256(state, &job).await;
    let status = match &outcome {
        Ok(s) => s.status.clone(),
        Err(_) => "error".to_string(),
    };
    state.metrics().solve(&job.kind, &status, total_ms / 1000.0);
    let (result, facts) = match outcome {
        Ok(mut s) => (Ok(std::mem::take(&mut s.result)), Some(s)),
        Err(e) => (Err(e), None),
    };
    let error_doc = result
        .as_ref()
        .err()
        .map(|e| serde_json::to_value(super::problem::document(e)))
        .transpose()?;
    let run_id = record(
        state,
        NewRun {
            token_id: job.token_id.clone(),
            role: job.role,
            scope: job.scope.clone(),
            kind: job.kind.clone(),
            dataset_id: job.dataset_id.clone(),
            dataset_version: job.dataset_version,
            input_sha256: sha,
            params: job.params.clone(),
            status,
            objective: facts.as_ref().and_then(|f| f.objective),
            gap: facts.as_ref().and_then(|f| f.gap),
            build_ms: facts.as_ref().and_then(|f| f.build_ms),
            solve_ms: facts.as_ref().and_then(|f| f.solve_ms),
            total_ms,
            result: RunResult::of(match &result {
                Ok(v) => v,
                Err(_) => error_doc.as_ref().unwrap_or(&Value::Null),
            })?,
            job_id: Some(job.id.clone()),
        },
    )
    .await?;
    let outcome = match result {
        Ok(v) => JobOutcome::Done {
            result: v,
            run_id: Some(run_id),
        },
        Err(_) => JobOutcome::Failed {
            error: error_doc.unwrap_or(Value::Null),
            run_id: Some(run_id),
        },
    };
    if !state.store().finish_job(&job.id, outcome).await? {
        tracing::info!(job = %job.id, "job was cancelled while running; result discarded");
    }
    Ok(())
}

/// Starts `config.job_workers` workers that claim and run queued jobs until
/// `shutdown` turns true. A worker finishes the job in hand first; queued
/// jobs stay queued.
pub fn spawn_workers(
    state: &AppState,
    shutdown: watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..state.config().job_workers.max(1))
        .map(|_| {
            let state = state.clone();
            let mut shutdown = shutdown.clone();
            tokio::spawn(async move {
                loop {
                    if *shutdown.borrow() {
                        break;
                    }
                    match state.store().claim_next_job().await {
                        Ok(Some(job)) => {
                            let id = job.id.clone();
                            if let Err(e) = execute(&state, job).await {
                                tracing::error!(job = %id, error = %e, "job could not be finished");
                            }
                        }
                        Ok(None) => {
                            tokio::select! {
                                _ = state.0.jobs_wake.notified() => {}
                                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                                _ = shutdown.changed() => {}
                            }
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "could not claim a job");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            })
        })
        .collect()
}
