//! The HTTP service's embedded store: datasets (versioned), bearer tokens,
//! the append-only record of runs, and the job queue. See
//! [docs/store.md](../../docs/store.md).
//!
//! SQLite through `sqlx` (bundled, so no setup): WAL journal,
//! `synchronous = FULL` (a commit is on disk before it is acknowledged),
//! foreign keys on, `secure_delete` on (a deleted dataset's bytes are
//! overwritten, not left in free pages), versioned migrations embedded in
//! the binary and applied at [`Store::open`]. Every write that touches more
//! than one row runs in one `BEGIN IMMEDIATE` transaction.
//!
//! The public API is plain Rust: no `sqlx` type appears in it except inside
//! [`StoreError`]. Every SQL statement lives in `sql.rs`, so a PostgreSQL
//! backend can be added behind the same methods without touching callers.
//! Stored values that cannot be read back are reported as
//! [`StoreError::Corrupt`]; nothing here panics on stored data.

mod datasets;
mod error;
mod jobs;
mod runs;
mod sql;
mod tokens;

use std::path::Path;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::migrate::{Migrate, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

pub use datasets::{DatasetMeta, NewDataset, StoredDataset};
pub use error::StoreError;
pub use jobs::{JobOutcome, JobRecord, JobStatus, NewJob, MAX_JOB_LIST};
pub use runs::{NewRun, RunFilter, RunRecord, RunResult, RunSummary, MAX_RUN_LIST};
pub use tokens::{check_token_scope, is_gss_code, NewToken, Role, TokenInfo, TOKEN_PREFIX};

/// The migrations in `api/migrations`, embedded at compile time.
static MIGRATOR: Migrator = sqlx::migrate!();

/// How long a statement waits for another connection's (or process's)
/// write lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections to a store file (readers run in parallel under WAL; writers
/// take turns).
const MAX_CONNECTIONS: u32 = 8;

/// The store: a handle on one database, cheap to clone and share between
/// tasks.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens the store file at `path`, creating it if missing, and applies
    /// any migration not yet applied.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        Store::migrated(pool).await
    }

    /// A private in-memory store on one shared connection, for tests. It
    /// lives as long as the store (and its clones).
    pub async fn open_in_memory() -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::new()
            .in_memory(true)
            .foreign_keys(true)
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Store::migrated(pool).await
    }

    async fn migrated(pool: SqlitePool) -> Result<Store, StoreError> {
        MIGRATOR.run(&pool).await?;
        Ok(Store { pool })
    }

    /// Closes every connection (waiting for those in use). Writes already
    /// acknowledged are on disk whether or not this is called.
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// Whether the store answers and every migration this build embeds is
    /// applied, unchanged and complete (for `/readyz`).
    pub async fn ready(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query(sql::PING).execute(&mut *conn).await?;
        if let Some(version) = conn.dirty_version().await? {
            return Err(StoreError::NotReady(format!(
                "migration {version} was left incomplete"
            )));
        }
        let applied = conn.list_applied_migrations().await?;
        for m in MIGRATOR
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
        {
            match applied.iter().find(|a| a.version == m.version) {
                None => {
                    return Err(StoreError::NotReady(format!(
                        "migration {} ({}) is not applied",
                        m.version, m.description
                    )))
                }
                Some(a) if a.checksum != m.checksum => {
                    return Err(StoreError::NotReady(format!(
                        "migration {} ({}) differs from the one applied",
                        m.version, m.description
                    )))
                }
                Some(_) => {}
            }
        }
        if let Some(a) = applied.iter().find(|a| !MIGRATOR.version_exists(a.version)) {
            return Err(StoreError::NotReady(format!(
                "the store has migration {}, which this build does not know",
                a.version
            )));
        }
        Ok(())
    }

    /// A write transaction that takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so a read followed by a write inside it cannot fail
    /// half-way on a lock upgrade; it waits up to [`BUSY_TIMEOUT`] instead.
    async fn write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// The SHA-256 of `bytes` as 64 lowercase hex digits (dataset bodies,
/// inline bodies, token secrets).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `s` is 64 lowercase hex digits.
pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Now, in unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `bytes` random bytes from the operating system, as hex.
fn random_hex(bytes: usize) -> Result<String, StoreError> {
    use rand::TryRngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng
        .try_fill_bytes(&mut buf)
        .map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(hex::encode(buf))
}

/// A new id: `prefix` and 16 random hex digits.
fn new_id(prefix: &str) -> Result<String, StoreError> {
    Ok(format!("{prefix}{}", random_hex(8)?))
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Invalid(format!("not JSON: {e}")))
}

fn from_json<T: DeserializeOwned>(text: &str, column: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

/// One column of a row; a value of the wrong type is [`StoreError::Corrupt`].
fn get<'r, T>(row: &'r SqliteRow, column: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
{
    row.try_get(column).map_err(|e| match e {
        sqlx::Error::ColumnDecode { .. } => StoreError::Corrupt(format!("{column}: {e}")),
        e => StoreError::Database(e),
    })
}

/// A JSON column.
fn get_json<T: DeserializeOwned>(row: &SqliteRow, column: &str) -> Result<T, StoreError> {
    let text: String = get(row, column)?;
    from_json(&text, column)
}

/// A nullable JSON column.
fn get_json_opt<T: DeserializeOwned>(
    row: &SqliteRow,
    column: &str,
) -> Result<Option<T>, StoreError> {
    let text: Option<String> = get(row, column)?;
    text.map(|t| from_json(&t, column)).transpose()
}

/// A non-negative integer column that must fit a `u32`.
fn get_u32(row: &SqliteRow, column: &str) -> Result<u32, StoreError> {
    let v: i64 = get(row, column)?;
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{column}: {v} is not a u32")))
}

/// A nullable [`get_u32`].
fn get_u32_opt(row: &SqliteRow, column: &str) -> Result<Option<u32>, StoreError> {
    let v: Option<i64> = get(row, column)?;
    v.map(|v| {
        u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{column}: {v} is not a u32")))
    })
    .transpose()
}

/// A nullable role column.
fn get_role_opt(row: &SqliteRow, column: &str) -> Result<Option<Role>, StoreError> {
    let v: Option<String> = get(row, column)?;
    v.map(|s| {
        s.parse::<Role>()
            .map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
    })
    .transpose()
}

/// A finite number, or `None` (SQLite would store NaN as NULL anyway;
/// infinities are kept).
fn not_nan(x: Option<f64>) -> Option<f64> {
    x.filter(|v| !v.is_nan())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The durability and privacy settings are in force on the store's own
    /// connections (they are per connection, so only visible from inside).
    #[tokio::test]
    async fn file_connections_sync_fully_and_erase_deleted_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).await.unwrap();
        for (pragma, want) in [
            ("synchronous", 2), // FULL
            ("foreign_keys", 1),
            ("secure_delete", 1),
        ] {
            let got: i64 = sqlx::query_scalar(&format!("PRAGMA {pragma}"))
                .fetch_one(&store.pool)
                .await
                .unwrap();
            assert_eq!(got, want, "{pragma}");
        }
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn sha256_hex_is_lowercase_hex() {
        let h = sha256_hex(b"abc");
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(is_sha256_hex(&h));
        assert!(!is_sha256_hex(&h.to_uppercase()));
        assert!(!is_sha256_hex(&h[1..]));
    }
}
