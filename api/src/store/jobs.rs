//! The job queue: asynchronous solves as rows, so a restart loses none.
//!
//! `queued → running → done | failed`, and `queued | running → cancelled`.
//! A job's inline body is kept only while it may still run: it is erased
//! when the job ends (done, failed or cancelled).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;

use super::{
    get, get_json, get_json_opt, get_role_opt, get_u32, get_u32_opt, new_id, now, sql, to_json,
    Role, Store, StoreError,
};

/// Most jobs one listing returns (newest first).
pub const MAX_JOB_LIST: u32 = 1000;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker has it.
    Running,
    /// Finished with a result.
    Done,
    /// Finished with an error.
    Failed,
    /// Cancelled before it finished.
    Cancelled,
}

impl JobStatus {
    /// Every status.
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ];

    /// The status's name as stored and serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the job has ended (nothing will change it again).
    pub fn is_final(self) -> bool {
        match self {
            JobStatus::Queued | JobStatus::Running => false,
            JobStatus::Done | JobStatus::Failed | JobStatus::Cancelled => true,
        }
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<JobStatus, String> {
        JobStatus::ALL
            .into_iter()
            .find(|j| j.as_str() == s)
            .ok_or_else(|| format!("unknown job status {:?}", optimiser::dataset::echo(s)))
    }
}

/// A job to queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewJob {
    /// What to solve: `match`, `rank`, `constellations`, `commission`, …
    pub kind: String,
    /// The token that asked.
    pub token_id: Option<String>,
    /// Its role.
    pub role: Option<Role>,
    /// Its authorities (GSS codes).
    pub scope: Vec<String>,
    /// The stored dataset to solve, if it is one.
    pub dataset_id: Option<String>,
    /// Its version (pinned when the job was queued).
    pub dataset_version: Option<u32>,
    /// The input itself, when it was sent inline.
    pub inline_body: Option<String>,
    /// The solve's options.
    pub params: serde_json::Value,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// `job_` and 16 hex digits.
    pub id: String,
    /// See [`NewJob`].
    pub kind: String,
    /// Where it is.
    pub status: JobStatus,
    /// From 0 to 1, as the worker last said.
    pub progress: f64,
    /// The worker's last message.
    pub message: String,
    /// See [`NewJob`].
    pub token_id: Option<String>,
    /// See [`NewJob`].
    pub role: Option<Role>,
    /// See [`NewJob`].
    pub scope: Vec<String>,
    /// See [`NewJob`].
    pub dataset_id: Option<String>,
    /// See [`NewJob`].
    pub dataset_version: Option<u32>,
    /// See [`NewJob`]. Filled by [`Store::job`] and
    /// [`Store::claim_next_job`] while the job may still run; always `None`
    /// in [`Store::list_jobs`] and once the job has ended.
    pub inline_body: Option<String>,
    /// See [`NewJob`].
    pub params: serde_json::Value,
    /// The answer, once done.
    pub result: Option<serde_json::Value>,
    /// The error, once failed.
    pub error: Option<serde_json::Value>,
    /// The run recorded for it, if any.
    pub run_id: Option<String>,
    /// How many times a worker has claimed it (more than 1 after a restart).
    pub attempts: u32,
    /// When it was queued (unix seconds).
    pub created_at: i64,
    /// When a worker last claimed it.
    pub started_at: Option<i64>,
    /// When it ended.
    pub finished_at: Option<i64>,
}

/// How a running job ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum JobOutcome {
    /// With an answer.
    Done {
        /// The answer.
        result: serde_json::Value,
        /// The run recorded for it.
        run_id: Option<String>,
    },
    /// With an error.
    Failed {
        /// The error.
        error: serde_json::Value,
        /// The run recorded for it, if one was.
        run_id: Option<String>,
    },
}

fn job_from_row(row: &SqliteRow) -> Result<JobRecord, StoreError> {
    let status: String = get(row, "status")?;
    Ok(JobRecord {
        id: get(row, "id")?,
        kind: get(row, "kind")?,
        status: status
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("status: {e}")))?,
        progress: get(row, "progress")?,
        message: get(row, "message")?,
        token_id: get(row, "token_id")?,
        role: get_role_opt(row, "role")?,
        scope: get_json(row, "scope")?,
        dataset_id: get(row, "dataset_id")?,
        dataset_version: get_u32_opt(row, "dataset_version")?,
        inline_body: get(row, "inline_body")?,
        params: get_json(row, "params")?,
        result: get_json_opt(row, "result")?,
        error: get_json_opt(row, "error")?,
        run_id: get(row, "run_id")?,
        attempts: get_u32(row, "attempts")?,
        created_at: get(row, "created_at")?,
        started_at: get(row, "started_at")?,
        finished_at: get(row, "finished_at")?,
    })
}

impl Store {
    /// Queues a job.
    pub async fn enqueue_job(&self, new: NewJob) -> Result<JobRecord, StoreError> {
        let job = JobRecord {
            id: new_id("job_")?,
            kind: new.kind,
            status: JobStatus::Queued,
            progress: 0.0,
            message: String::new(),
            token_id: new.token_id,
            role: new.role,
            scope: new.scope,
            dataset_id: new.dataset_id,
            dataset_version: new.dataset_version,
            inline_body: new.inline_body,
            params: new.params,
            result: None,
            error: None,
            run_id: None,
            attempts: 0,
            created_at: now(),
            started_at: None,
            finished_at: None,
        };
        sqlx::query(sql::INSERT_JOB)
            .bind(&job.id)
            .bind(&job.kind)
            .bind(&job.token_id)
            .bind(job.role.map(Role::as_str))
            .bind(to_json(&job.scope)?)
            .bind(&job.dataset_id)
            .bind(job.dataset_version.map(i64::from))
            .bind(&job.inline_body)
            .bind(to_json(&job.params)?)
            .bind(job.created_at)
            .execute(&self.pool)
            .await?;
        Ok(job)
    }

    /// The oldest queued job, now running (one statement under the write
    /// lock, so two workers never claim the same job); `None` if none is
    /// queued.
    pub async fn claim_next_job(&self) -> Result<Option<JobRecord>, StoreError> {
        let mut tx = self.write().await?;
        let row = sqlx::query(sql::CLAIM_NEXT_JOB)
            .bind(now())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.as_ref().map(job_from_row).transpose()
    }

    /// Records a running job's progress (clamped to [0, 1]; NaN counts as
    /// 0). `false` if the job is no longer running (cancelled, say): the
    /// worker can stop.
    pub async fn set_job_progress(
        &self,
        id: &str,
        progress: f64,
        message: &str,
    ) -> Result<bool, StoreError> {
        let progress = if progress.is_nan() {
            0.0
        } else {
            progress.clamp(0.0, 1.0)
        };
        let done = sqlx::query(sql::JOB_PROGRESS)
            .bind(progress)
            .bind(message)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends a running job as done or failed, erasing its inline body.
    /// `false` if it was not running (cancelled meanwhile): nothing is
    /// changed.
    pub async fn finish_job(&self, id: &str, outcome: JobOutcome) -> Result<bool, StoreError> {
        let (status, progress, result, error, run_id) = match outcome {
            JobOutcome::Done { result, run_id } => {
                (JobStatus::Done, Some(1.0), Some(result), None, run_id)
            }
            JobOutcome::Failed { error, run_id } => {
                (JobStatus::Failed, None, None, Some(error), run_id)
            }
        };
        let done = sqlx::query(sql::FINISH_JOB)
            .bind(status.as_str())
            .bind(progress)
            .bind(result.as_ref().map(to_json).transpose()?)
            .bind(error.as_ref().map(to_json).transpose()?)
            .bind(run_id)
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Cancels a queued or running job (erasing its inline body) and
    /// returns its status after: `Cancelled`, or the final status it had
    /// already reached; `None` if there is no such job.
    pub async fn cancel_job(&self, id: &str) -> Result<Option<JobStatus>, StoreError> {
        let mut tx = self.write().await?;
        sqlx::query(sql::CANCEL_JOB)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let status: Option<String> = sqlx::query_scalar(sql::JOB_STATUS)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        status
            .map(|s| {
                s.parse()
                    .map_err(|e| StoreError::Corrupt(format!("status: {e}")))
            })
            .transpose()
    }

    /// One job, with its inline body while it may still run.
    pub async fn job(&self, id: &str) -> Result<Option<JobRecord>, StoreError> {
        let row = sqlx::query(sql::JOB_BY_ID)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_from_row).transpose()
    }

    /// The newest [`MAX_JOB_LIST`] jobs (of one token, if given), newest
    /// first, without inline bodies.
    pub async fn list_jobs(&self, token_id: Option<&str>) -> Result<Vec<JobRecord>, StoreError> {
        let limit = i64::from(MAX_JOB_LIST);
        let rows = match token_id {
            Some(token) => {
                sqlx::query(sql::LIST_JOBS_BY_TOKEN)
                    .bind(token)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query(sql::LIST_JOBS)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(job_from_row).collect()
    }

    /// At startup: every job left running by a process that died goes back
    /// to the queue (to run again). Returns how many.
    pub async fn requeue_interrupted_jobs(&self) -> Result<u64, StoreError> {
        let done = sqlx::query(sql::REQUEUE_INTERRUPTED)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// How many jobs are waiting.
    pub async fn queued_jobs(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(sql::COUNT_QUEUED)
            .fetch_one(&self.pool)
            .await?;
        u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("queued count {n}")))
    }
}
