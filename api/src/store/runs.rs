//! The record of every solve. Append-only: the database itself refuses
//! UPDATE and DELETE on `runs` and `run_scope` (triggers in the first
//! migration), so no code path can rewrite history.

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite};

use super::{
    get, get_json, get_role_opt, get_u32_opt, is_sha256_hex, new_id, not_nan, now, sql, to_json,
    Role, Store, StoreError,
};

/// A solve's answer (or error) exactly as returned to the caller: JSON
/// text, stored and served as it is, never parsed again on the way.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RunResult(Box<serde_json::value::RawValue>);

impl RunResult {
    /// `value` as JSON.
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Result<RunResult, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(RunResult)
    }

    /// Already serialised JSON, checked to be JSON.
    pub fn from_json(text: String) -> Result<RunResult, serde_json::Error> {
        serde_json::value::RawValue::from_string(text).map(RunResult)
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Parsed into a value (for tests and callers that inspect it).
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(self.get())
    }
}

impl PartialEq for RunResult {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// Scope rows inserted by one statement (two bound values each, well
/// under SQLite's limit of 32,766).
const SCOPE_ROWS_PER_STATEMENT: usize = 4096;

/// Most runs one listing returns (newest first); also the default.
pub const MAX_RUN_LIST: u32 = 1000;

/// A solve to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRun {
    /// The token that asked for it (`None` for a local or system run).
    pub token_id: Option<String>,
    /// The token's role at the time.
    pub role: Option<Role>,
    /// The token's authorities at the time (GSS codes); listings filter on
    /// these.
    pub scope: Vec<String>,
    /// What was solved: `match`, `rank`, `constellations`, `commission`, …
    pub kind: String,
    /// The stored dataset solved, if it was one.
    pub dataset_id: Option<String>,
    /// Its version.
    pub dataset_version: Option<u32>,
    /// SHA-256 (hex) of the input: the stored dataset's, or of an inline
    /// body.
    pub input_sha256: String,
    /// The options the solve ran with.
    pub params: serde_json::Value,
    /// `optimal`, `time_limit`, `error`, …
    pub status: String,
    /// The objective, when there was an answer.
    pub objective: Option<f64>,
    /// The relative gap, when known.
    pub gap: Option<f64>,
    /// Milliseconds spent building the model.
    pub build_ms: Option<f64>,
    /// Milliseconds in the solver.
    pub solve_ms: Option<f64>,
    /// Milliseconds in all (finite).
    pub total_ms: f64,
    /// The answer (or the error) as returned to the caller.
    pub result: RunResult,
    /// The job it ran in, if any.
    pub job_id: Option<String>,
}

/// A recorded solve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// `run_` and 16 hex digits.
    pub id: String,
    /// When it was recorded (unix seconds).
    pub at: i64,
    /// See [`NewRun`].
    pub token_id: Option<String>,
    /// See [`NewRun`].
    pub role: Option<Role>,
    /// See [`NewRun`].
    pub scope: Vec<String>,
    /// See [`NewRun`].
    pub kind: String,
    /// See [`NewRun`].
    pub dataset_id: Option<String>,
    /// See [`NewRun`].
    pub dataset_version: Option<u32>,
    /// See [`NewRun`].
    pub input_sha256: String,
    /// See [`NewRun`].
    pub params: serde_json::Value,
    /// See [`NewRun`].
    pub status: String,
    /// See [`NewRun`].
    pub objective: Option<f64>,
    /// See [`NewRun`].
    pub gap: Option<f64>,
    /// See [`NewRun`].
    pub build_ms: Option<f64>,
    /// See [`NewRun`].
    pub solve_ms: Option<f64>,
    /// See [`NewRun`].
    pub total_ms: f64,
    /// See [`NewRun`].
    pub result: RunResult,
    /// See [`NewRun`].
    pub job_id: Option<String>,
}

/// A recorded solve without its parameters and result (for listings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// `run_` and 16 hex digits.
    pub id: String,
    /// When it was recorded (unix seconds).
    pub at: i64,
    /// See [`NewRun`].
    pub token_id: Option<String>,
    /// See [`NewRun`].
    pub role: Option<Role>,
    /// See [`NewRun`].
    pub scope: Vec<String>,
    /// See [`NewRun`].
    pub kind: String,
    /// See [`NewRun`].
    pub dataset_id: Option<String>,
    /// See [`NewRun`].
    pub dataset_version: Option<u32>,
    /// See [`NewRun`].
    pub input_sha256: String,
    /// See [`NewRun`].
    pub status: String,
    /// See [`NewRun`].
    pub objective: Option<f64>,
    /// See [`NewRun`].
    pub gap: Option<f64>,
    /// See [`NewRun`].
    pub build_ms: Option<f64>,
    /// See [`NewRun`].
    pub solve_ms: Option<f64>,
    /// See [`NewRun`].
    pub total_ms: f64,
    /// See [`NewRun`].
    pub job_id: Option<String>,
}

impl From<RunRecord> for RunSummary {
    fn from(r: RunRecord) -> Self {
        RunSummary {
            id: r.id,
            at: r.at,
            token_id: r.token_id,
            role: r.role,
            scope: r.scope,
            kind: r.kind,
            dataset_id: r.dataset_id,
            dataset_version: r.dataset_version,
            input_sha256: r.input_sha256,
            status: r.status,
            objective: r.objective,
            gap: r.gap,
            build_ms: r.build_ms,
            solve_ms: r.solve_ms,
            total_ms: r.total_ms,
            job_id: r.job_id,
        }
    }
}

/// Which runs to list (all conditions must hold), newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunFilter {
    /// Only the runs of this token.
    pub token_id: Option<String>,
    /// Only runs whose scope shares at least one authority with these
    /// (an empty list matches nothing).
    pub authorities: Option<Vec<String>>,
    /// Only runs whose scope is not empty and lies within these authorities
    /// (every authority of the run is one of them): what a caller with
    /// these authorities may read. An empty list matches nothing.
    pub within: Option<Vec<String>>,
    /// At most this many (default and cap [`MAX_RUN_LIST`]).
    pub limit: Option<u32>,
}

fn summary_from_row(row: &SqliteRow) -> Result<RunSummary, StoreError> {
    Ok(RunSummary {
        id: get(row, "id")?,
        at: get(row, "at")?,
        token_id: get(row, "token_id")?,
        role: get_role_opt(row, "role")?,
        scope: get_json(row, "scope")?,
        kind: get(row, "kind")?,
        dataset_id: get(row, "dataset_id")?,
        dataset_version: get_u32_opt(row, "dataset_version")?,
        input_sha256: get(row, "input_sha256")?,
        status: get(row, "status")?,
        objective: get(row, "objective")?,
        gap: get(row, "gap")?,
        build_ms: get(row, "build_ms")?,
        solve_ms: get(row, "solve_ms")?,
        total_ms: get(row, "total_ms")?,
        job_id: get(row, "job_id")?,
    })
}

fn record_from_row(row: &SqliteRow) -> Result<RunRecord, StoreError> {
    let s = summary_from_row(row)?;
    Ok(RunRecord {
        params: get_json(row, "params")?,
        result: get_json(row, "result")?,
        id: s.id,
        at: s.at,
        token_id: s.token_id,
        role: s.role,
        scope: s.scope,
        kind: s.kind,
        dataset_id: s.dataset_id,
        dataset_version: s.dataset_version,
        input_sha256: s.input_sha256,
        status: s.status,
        objective: s.objective,
        gap: s.gap,
        build_ms: s.build_ms,
        solve_ms: s.solve_ms,
        total_ms: s.total_ms,
        job_id: s.job_id,
    })
}

/// `list` without repeats, first occurrence kept.
fn unique(list: &[String]) -> Vec<&String> {
    let mut out: Vec<&String> = Vec::with_capacity(list.len());
    for a in list {
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

impl Store {
    /// Records a solve (one transaction: the run and its scope rows). A
    /// NaN objective, gap or time is stored as absent.
    pub async fn record_run(&self, new: NewRun) -> Result<RunRecord, StoreError> {
        let record = Self::run_record(new)?;
        let mut tx = self.write().await?;
        Self::insert_runs(&mut tx, &[&record]).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Records many solves in one transaction (group commit: one sync to
    /// disk for all of them). A run that is invalid gets its own error; the
    /// others are recorded. An error of the transaction itself fails all.
    pub async fn record_runs(
        &self,
        runs: Vec<NewRun>,
    ) -> Result<Vec<Result<RunRecord, StoreError>>, StoreError> {
        let records: Vec<Result<RunRecord, StoreError>> =
            runs.into_iter().map(Self::run_record).collect();
        let mut tx = self.write().await?;
        let valid: Vec<&RunRecord> = records.iter().flatten().collect();
        Self::insert_runs(&mut tx, &valid).await?;
        tx.commit().await?;
        Ok(records)
    }

    /// Checks a new run and gives it its id and time.
    fn run_record(new: NewRun) -> Result<RunRecord, StoreError> {
        if !new.total_ms.is_finite() {
            return Err(StoreError::Invalid(
                "a run's total_ms must be finite".into(),
            ));
        }
        if !is_sha256_hex(&new.input_sha256) {
            return Err(StoreError::Invalid(
                "a run's input_sha256 is 64 lowercase hex digits".into(),
            ));
        }
        let scope: Vec<String> = unique(&new.scope).into_iter().cloned().collect();
        let record = RunRecord {
            id: new_id("run_")?,
            at: now(),
            token_id: new.token_id,
            role: new.role,
            scope,
            kind: new.kind,
            dataset_id: new.dataset_id,
            dataset_version: new.dataset_version,
            input_sha256: new.input_sha256,
            params: new.params,
            status: new.status,
            objective: not_nan(new.objective),
            gap: not_nan(new.gap),
            build_ms: not_nan(new.build_ms),
            solve_ms: not_nan(new.solve_ms),
            total_ms: new.total_ms,
            result: new.result,
            job_id: new.job_id,
        };
        Ok(record)
    }

    /// Inserts `records` and their scope rows: one statement for the runs
    /// and one per [`SCOPE_ROWS_PER_STATEMENT`] scope rows, so a group commit
    /// costs a few statements, not two per run.
    async fn insert_runs(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        records: &[&RunRecord],
    ) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut rows = Vec::with_capacity(records.len());
        for r in records {
            rows.push((r, to_json(&r.scope)?, to_json(&r.params)?));
        }
        let mut insert = QueryBuilder::<Sqlite>::new(sql::INSERT_RUNS);
        insert.push_values(&rows, |mut b, (r, scope, params)| {
            b.push_bind(&r.id)
                .push_bind(r.at)
                .push_bind(&r.token_id)
                .push_bind(r.role.map(Role::as_str))
                .push_bind(scope)
                .push_bind(&r.kind)
                .push_bind(&r.dataset_id)
                .push_bind(r.dataset_version.map(i64::from))
                .push_bind(&r.input_sha256)
                .push_bind(params)
                .push_bind(&r.status)
                .push_bind(r.objective)
                .push_bind(r.gap)
                .push_bind(r.build_ms)
                .push_bind(r.solve_ms)
                .push_bind(r.total_ms)
                .push_bind(r.result.get())
                .push_bind(&r.job_id);
        });
        insert.build().execute(&mut **tx).await?;
        let scope: Vec<(&str, &str)> = records
            .iter()
            .flat_map(|r| r.scope.iter().map(|a| (r.id.as_str(), a.as_str())))
            .collect();
        for chunk in scope.chunks(SCOPE_ROWS_PER_STATEMENT) {
            let mut insert = QueryBuilder::<Sqlite>::new(sql::INSERT_RUN_SCOPES);
            insert.push_values(chunk, |mut b, (run, authority)| {
                b.push_bind(*run).push_bind(*authority);
            });
            insert.build().execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// One recorded run, with its parameters and result.
    pub async fn run(&self, id: &str) -> Result<Option<RunRecord>, StoreError> {
        let row = sqlx::query(sql::RUN_BY_ID)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(record_from_row).transpose()
    }

    /// Recorded runs matching `filter`, newest first.
    pub async fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError> {
        let limit = filter.limit.unwrap_or(MAX_RUN_LIST).min(MAX_RUN_LIST);
        let mut q = QueryBuilder::<Sqlite>::new(sql::LIST_RUNS);
        if let Some(token) = &filter.token_id {
            q.push(sql::RUNS_BY_TOKEN).push_bind(token.clone());
        }
        if let Some(authorities) = &filter.authorities {
            if authorities.is_empty() {
                return Ok(Vec::new());
            }
            q.push(sql::RUNS_IN_SCOPE);
            let mut list = q.separated(", ");
            for a in unique(authorities) {
                list.push_bind(a.clone());
            }
            q.push(sql::RUNS_IN_SCOPE_END);
        }
        if let Some(authorities) = &filter.within {
            if authorities.is_empty() {
                return Ok(Vec::new());
            }
            q.push(sql::RUNS_WITHIN);
            let mut list = q.separated(", ");
            for a in unique(authorities) {
                list.push_bind(a.clone());
            }
            q.push(sql::RUNS_WITHIN_END);
        }
        q.push(sql::RUNS_ORDER_LIMIT).push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(summary_from_row).collect()
    }
}
