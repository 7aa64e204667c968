//! `placement serve`: the HTTP service (see `docs/http.md`).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::error::ApiError;
use crate::http::{self, AppState, ServerConfig};
use crate::store::{NewDataset, Store};
use crate::token_cmd::DEFAULT_DB_PATH;

/// `placement serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The SQLite store (created, and migrated, when missing).
    #[arg(long, value_name = "PATH", default_value = DEFAULT_DB_PATH)]
    pub db: PathBuf,
    /// Job workers (batch placement, constellations, commissioning); default
    /// one less than the cores, at least one.
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Ranked matches solved at once; default the cores.
    #[arg(long, value_name = "N")]
    pub solve_workers: Option<usize>,
    /// Largest request body, MiB.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    pub max_body_mib: usize,
    /// Longest time limit of any solve, seconds (requests are capped at it).
    #[arg(long, value_name = "S", default_value_t = 300.0)]
    pub max_time_limit: f64,
    /// When the store holds no dataset yet, store this one (a `.json`
    /// dataset or a CSV folder), e.g. the demo's `data/demo/south_coast.json`.
    #[arg(long, value_name = "PATH")]
    pub seed_dataset: Option<PathBuf>,
}

impl ServeArgs {
    fn config(&self) -> Result<ServerConfig, ApiError> {
        if optimiser::limits::check_time_limit(Some(self.max_time_limit)).is_err() {
            return Err(ApiError::InvalidArgument(format!(
                "--max-time-limit must be > 0 and at most {} seconds, got {}",
                optimiser::limits::MAX_TIME_LIMIT_SECONDS,
                self.max_time_limit
            )));
        }
        if self.max_body_mib == 0 || self.max_body_mib > 4096 {
            return Err(ApiError::InvalidArgument(format!(
                "--max-body-mib must be between 1 and 4096, got {}",
                self.max_body_mib
            )));
        }
        let mut config = ServerConfig {
            max_body_bytes: self.max_body_mib * 1024 * 1024,
            max_time_limit: self.max_time_limit,
            ..ServerConfig::default()
        };
        // max_time_limit was checked above to be finite, > 0 and ≤ 7 days,
        // so this cannot overflow or be negative.
        config.request_timeout = Duration::from_secs_f64(self.max_time_limit + 30.0);
        for (flag, value, slot) in [
            ("--workers", self.workers, &mut config.job_workers),
            (
                "--solve-workers",
                self.solve_workers,
                &mut config.solve_workers,
            ),
        ] {
            match value {
                Some(n) if !(1..=1024).contains(&n) => {
                    return Err(ApiError::InvalidArgument(format!(
                        "{flag} must be between 1 and 1024, got {n}"
                    )))
                }
                Some(n) => *slot = n,
                None => {}
            }
        }
        Ok(config)
    }
}

/// Stores `path` as the first dataset when the store has none.
async fn seed(store: &Store, path: &std::path::Path) -> Result<(), ApiError> {
    if !store.list_datasets().await?.is_empty() {
        return Ok(());
    }
    let (raw, origin, problems) = crate::load::read_raw(path)?;
    let data = crate::load::validate(raw.clone(), &origin, problems)?;
    let body = serde_json::to_string(&raw)?;
    let name = path.file_stem().map_or_else(
        || "dataset".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let meta = store
        .create_dataset(NewDataset::of(name, body, &data, None))
        .await?;
    tracing::info!(dataset = %meta.id, "seed dataset stored");
    eprintln!("stored {} as dataset {}", path.display(), meta.id);
    Ok(())
}

/// Runs `placement serve` until SIGINT or SIGTERM.
pub fn run(a: &ServeArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let config = a.config()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::Internal(format!("could not start the runtime: {e}")))?;
    runtime.block_on(async {
        let store = Store::open(&a.db).await?;
        if let Some(path) = &a.seed_dataset {
            seed(&store, path).await?;
        }
        let listener = tokio::net::TcpListener::bind(a.addr)
            .await
            .map_err(|e| ApiError::io(format!("{}", a.addr), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ApiError::io(format!("{}", a.addr), e))?;
        writeln!(out, "listening on http://{addr} (store {})", a.db.display())
            .map_err(|e| ApiError::io("<stdout>", e))?;
        out.flush().map_err(|e| ApiError::io("<stdout>", e))?;
        let state = AppState::new(store, config)?;
        http::serve(listener, state, http::shutdown_signal()).await
    })
}
