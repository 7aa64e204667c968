//! Every SQL statement the store runs, in one place.
//!
//! Plain SQL with `?` placeholders, no SQLite-only functions: a PostgreSQL
//! backend needs a copy of this module with `$1, $2, …` placeholders and
//! `FOR UPDATE SKIP LOCKED` in [`CLAIM_NEXT_JOB`] (see docs/store.md). The
//! only SQLite-specific text is in the migrations (`AUTOINCREMENT`, the
//! trigger bodies).

// ---------------------------------------------------------------- tokens

pub(super) const INSERT_TOKEN: &str = "INSERT INTO tokens \
     (id, secret_hash, role, authorities, label, created_at, expires_at, revoked_at) \
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL)";

macro_rules! token_columns {
    () => {
        "id, role, authorities, label, created_at, expires_at, revoked_at"
    };
}

pub(super) const TOKEN_BY_HASH: &str = concat!(
    "SELECT ",
    token_columns!(),
    " FROM tokens WHERE secret_hash = ?"
);

pub(super) const TOKEN_BY_ID: &str =
    concat!("SELECT ", token_columns!(), " FROM tokens WHERE id = ?");

pub(super) const LIST_TOKENS: &str =
    concat!("SELECT ", token_columns!(), " FROM tokens ORDER BY seq");

pub(super) const REVOKE_TOKEN: &str =
    "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";

// -------------------------------------------------------------- datasets

pub(super) const INSERT_DATASET: &str = "INSERT INTO datasets \
     (id, latest_version, created_at, created_by, deleted_at) VALUES (?, 1, ?, ?, NULL)";

pub(super) const INSERT_DATASET_VERSION: &str = "INSERT INTO dataset_versions \
     (dataset_id, version, name, authorities, sha256, children, places, body, created_at, created_by) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

pub(super) const LIVE_LATEST_VERSION: &str =
    "SELECT latest_version FROM datasets WHERE id = ? AND deleted_at IS NULL";

pub(super) const SET_LATEST_VERSION: &str = "UPDATE datasets SET latest_version = ? WHERE id = ?";

macro_rules! dataset_meta_columns {
    () => {
        "v.dataset_id, v.version, v.name, v.authorities, v.sha256, v.children, v.places, \
         v.created_at, v.created_by"
    };
}

/// One version of a live dataset (binds: id, version or NULL for the latest).
pub(super) const DATASET_META: &str = concat!(
    "SELECT ",
    dataset_meta_columns!(),
    " FROM datasets d JOIN dataset_versions v ON v.dataset_id = d.id \
     WHERE d.id = ? AND d.deleted_at IS NULL AND v.version = COALESCE(?, d.latest_version)"
);

/// [`DATASET_META`] and the body.
pub(super) const DATASET_WITH_BODY: &str = concat!(
    "SELECT ",
    dataset_meta_columns!(),
    ", v.body FROM datasets d JOIN dataset_versions v ON v.dataset_id = d.id \
     WHERE d.id = ? AND d.deleted_at IS NULL AND v.version = COALESCE(?, d.latest_version)"
);

pub(super) const LIST_DATASETS: &str = concat!(
    "SELECT ",
    dataset_meta_columns!(),
    " FROM datasets d JOIN dataset_versions v \
     ON v.dataset_id = d.id AND v.version = d.latest_version \
     WHERE d.deleted_at IS NULL ORDER BY d.seq"
);

pub(super) const MARK_DATASET_DELETED: &str =
    "UPDATE datasets SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL";

pub(super) const ERASE_DATASET_BODIES: &str =
    "UPDATE dataset_versions SET body = NULL WHERE dataset_id = ?";

// ------------------------------------------------------------------ runs

/// Followed by one `(…)` of 18 values per run (`QueryBuilder::push_values`).
pub(super) const INSERT_RUNS: &str = "INSERT INTO runs \
     (id, at, token_id, role, scope, kind, dataset_id, dataset_version, input_sha256, params, \
      status, objective, gap, build_ms, solve_ms, total_ms, result, job_id) ";

/// Followed by one `(run_id, authority)` per scope row.
pub(super) const INSERT_RUN_SCOPES: &str = "INSERT INTO run_scope (run_id, authority) ";

macro_rules! run_summary_columns {
    () => {
        "r.id, r.at, r.token_id, r.role, r.scope, r.kind, r.dataset_id, r.dataset_version, \
         r.input_sha256, r.status, r.objective, r.gap, r.build_ms, r.solve_ms, r.total_ms, r.job_id"
    };
}

pub(super) const RUN_BY_ID: &str = concat!(
    "SELECT ",
    run_summary_columns!(),
    ", r.params, r.result FROM runs r WHERE r.id = ?"
);

/// The start of the run listing; [`RUNS_BY_TOKEN`], [`RUNS_IN_SCOPE`] …
/// [`RUNS_IN_SCOPE_END`] and [`RUNS_WITHIN`] … [`RUNS_WITHIN_END`] are appended as the filter asks, then
/// [`RUNS_ORDER_LIMIT`].
pub(super) const LIST_RUNS: &str = concat!(
    "SELECT ",
    run_summary_columns!(),
    " FROM runs r WHERE 1 = 1"
);
pub(super) const RUNS_BY_TOKEN: &str = " AND r.token_id = ";
pub(super) const RUNS_IN_SCOPE: &str =
    " AND EXISTS (SELECT 1 FROM run_scope s WHERE s.run_id = r.id AND s.authority IN (";
pub(super) const RUNS_IN_SCOPE_END: &str = "))";
/// A run within a set of authorities: it has a scope, and no scope row
/// outside the set (then [`RUNS_WITHIN_END`]).
pub(super) const RUNS_WITHIN: &str =
    " AND EXISTS (SELECT 1 FROM run_scope s WHERE s.run_id = r.id) \
      AND NOT EXISTS (SELECT 1 FROM run_scope s WHERE s.run_id = r.id AND s.authority NOT IN (";
pub(super) const RUNS_WITHIN_END: &str = "))";
pub(super) const RUNS_ORDER_LIMIT: &str = " ORDER BY r.seq DESC LIMIT ";

// ------------------------------------------------------------------ jobs

pub(super) const INSERT_JOB: &str = "INSERT INTO jobs \
     (id, kind, status, progress, message, token_id, role, scope, dataset_id, dataset_version, \
      inline_body, params, attempts, created_at) \
     VALUES (?, ?, 'queued', 0, '', ?, ?, ?, ?, ?, ?, ?, 0, ?)";

macro_rules! job_columns_but_body {
    () => {
        "id, kind, status, progress, message, token_id, role, scope, dataset_id, \
         dataset_version, params, result, error, run_id, attempts, created_at, started_at, \
         finished_at"
    };
}

pub(super) const JOB_BY_ID: &str = concat!(
    "SELECT ",
    job_columns_but_body!(),
    ", inline_body FROM jobs WHERE id = ?"
);

/// The oldest queued job becomes running, in one statement (binds: now).
pub(super) const CLAIM_NEXT_JOB: &str = concat!(
    "UPDATE jobs SET status = 'running', started_at = ?, progress = 0, message = '', \
     attempts = attempts + 1 \
     WHERE seq = (SELECT seq FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1) \
     AND status = 'queued' RETURNING ",
    job_columns_but_body!(),
    ", inline_body"
);

pub(super) const JOB_PROGRESS: &str =
    "UPDATE jobs SET progress = ?, message = ? WHERE id = ? AND status = 'running'";

/// Binds: status, progress or NULL to keep it, result, error, run id, now, id.
pub(super) const FINISH_JOB: &str = "UPDATE jobs SET status = ?, \
     progress = COALESCE(?, progress), result = ?, error = ?, run_id = ?, finished_at = ?, \
     inline_body = NULL WHERE id = ? AND status = 'running'";

pub(super) const CANCEL_JOB: &str = "UPDATE jobs SET status = 'cancelled', finished_at = ?, \
     inline_body = NULL WHERE id = ? AND status IN ('queued', 'running')";

pub(super) const JOB_STATUS: &str = "SELECT status FROM jobs WHERE id = ?";

/// Listings leave the inline body out (it can be large).
pub(super) const LIST_JOBS: &str = concat!(
    "SELECT ",
    job_columns_but_body!(),
    ", NULL AS inline_body FROM jobs ORDER BY seq DESC LIMIT ?"
);

pub(super) const LIST_JOBS_BY_TOKEN: &str = concat!(
    "SELECT ",
    job_columns_but_body!(),
    ", NULL AS inline_body FROM jobs WHERE token_id = ? ORDER BY seq DESC LIMIT ?"
);

pub(super) const REQUEUE_INTERRUPTED: &str = "UPDATE jobs SET status = 'queued', \
     started_at = NULL, progress = 0, message = 'requeued after a restart' \
     WHERE status = 'running'";

pub(super) const COUNT_QUEUED: &str = "SELECT COUNT(*) FROM jobs WHERE status = 'queued'";

// ----------------------------------------------------------------- ready

pub(super) const PING: &str = "SELECT 1";
