//! The server's shared state: the store, the dataset cache, the bounded
//! worker pool for direct solves, the job queue's wake-up and the metrics.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use optimiser::dataset::Dataset;
use optimiser::ranking::PlaceIndex;
use tokio::sync::{Notify, Semaphore};

use super::metrics::Metrics;
use crate::error::ApiError;
use crate::store::{DatasetMeta, Store, TokenInfo};

/// A validated dataset and its places indexed for ranking, as cached.
pub struct Loaded {
    /// The dataset.
    pub data: Dataset,
    /// Its places' spatial index, built once.
    pub places: PlaceIndex,
}

impl Loaded {
    /// Indexes `data`.
    pub fn new(data: Dataset) -> Loaded {
        let places = PlaceIndex::new(&data);
        Loaded { data, places }
    }
}

/// How long an authenticated token is trusted without asking the store
/// again: a revocation takes effect within this time.
pub const TOKEN_CACHE_SECONDS: u64 = 5;

/// The server's settings (`placement serve` flags).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest request body accepted, bytes (past it: 413).
    pub max_body_bytes: usize,
    /// The longest time limit a solve may run with, seconds; a request's own
    /// limit is capped at it, and a request without one gets it.
    pub max_time_limit: f64,
    /// Direct solves (ranked matches) running at once.
    pub solve_workers: usize,
    /// Direct solves that may wait for a worker before new ones answer 503.
    pub solve_queue: usize,
    /// Job workers (batch placement, constellations, commissioning).
    pub job_workers: usize,
    /// Queued jobs past which new jobs answer 503.
    pub job_queue: u64,
    /// Validated datasets kept in memory.
    pub cache_entries: usize,
    /// Requests that take longer are answered 503 (jobs are unaffected:
    /// submitting one answers at once).
    pub request_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, NonZeroUsize::get);
        ServerConfig {
            max_body_bytes: 64 * 1024 * 1024,
            max_time_limit: 300.0,
            solve_workers: cores,
            solve_queue: 256,
            job_workers: cores.saturating_sub(1).max(1),
            job_queue: 1000,
            cache_entries: 16,
            request_timeout: Duration::from_secs(330),
        }
    }
}

/// A cache key: dataset id and version.
pub type DatasetKey = (String, u32);

/// Drops the entries of dataset `id` from an LRU keyed by (id, …).
fn forget_dataset<K: Clone + std::hash::Hash + Eq, V>(
    cache: &mut lru::LruCache<K, V>,
    id: &str,
    dataset_of: impl Fn(&K) -> &String,
) {
    let keys: Vec<K> = cache
        .iter()
        .filter(|(k, _)| dataset_of(k) == id)
        .map(|(k, _)| k.clone())
        .collect();
    for k in keys {
        cache.pop(&k);
    }
}

/// Everything a handler needs; cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Inner>);

pub(crate) struct Inner {
    pub store: Store,
    pub config: ServerConfig,
    pub cache: Mutex<lru::LruCache<DatasetKey, Arc<Loaded>>>,
    pub metas: Mutex<lru::LruCache<(String, Option<u32>), DatasetMeta>>,
    pub tokens: Mutex<lru::LruCache<String, (TokenInfo, std::time::Instant)>>,
    pub solvers: Arc<Semaphore>,
    pub waiting: AtomicUsize,
    pub jobs_wake: Notify,
    pub metrics: Metrics,
    pub recorder: super::recorder::Recorder,
}

impl AppState {
    /// State over an opened store. Call it inside a tokio runtime: it starts
    /// the task that records runs.
    pub fn new(store: Store, config: ServerConfig) -> Result<AppState, ApiError> {
        let recorder = super::recorder::Recorder::start(store.clone())?;
        let entries = NonZeroUsize::new(config.cache_entries).unwrap_or(NonZeroUsize::MIN);
        Ok(AppState(Arc::new(Inner {
            store,
            solvers: Arc::new(Semaphore::new(config.solve_workers.max(1))),
            config,
            cache: Mutex::new(lru::LruCache::new(entries)),
            metas: Mutex::new(lru::LruCache::new(NonZeroUsize::MIN.saturating_add(1023))),
            tokens: Mutex::new(lru::LruCache::new(NonZeroUsize::MIN.saturating_add(1023))),
            waiting: AtomicUsize::new(0),
            jobs_wake: Notify::new(),
            metrics: Metrics::new()?,
            recorder,
        })))
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// The settings.
    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// A cached validated dataset.
    pub(crate) fn cached(&self, key: &DatasetKey) -> Option<Arc<Loaded>> {
        self.0.cache.lock().ok()?.get(key).cloned()
    }

    pub(crate) fn cache(&self, key: DatasetKey, data: Arc<Loaded>) {
        if let Ok(mut c) = self.0.cache.lock() {
            c.put(key, data);
        }
    }

    /// A dataset version's metadata, from memory or the store (`None`
    /// version: the latest).
    pub(crate) async fn dataset_meta(
        &self,
        id: &str,
        version: Option<u32>,
    ) -> Result<Option<DatasetMeta>, ApiError> {
        let key = (id.to_string(), version);
        if let Some(m) = self
            .0
            .metas
            .lock()
            .ok()
            .and_then(|mut c| c.get(&key).cloned())
        {
            return Ok(Some(m));
        }
        let meta = self.store().dataset_meta(id, version).await?;
        if let (Some(m), Ok(mut c)) = (&meta, self.0.metas.lock()) {
            c.put(key, m.clone());
        }
        Ok(meta)
    }

    /// Forgets every cached version of a dataset (after a replace or delete).
    pub(crate) fn forget(&self, id: &str) {
        if let Ok(mut c) = self.0.cache.lock() {
            forget_dataset(&mut c, id, |k| &k.0);
        }
        if let Ok(mut c) = self.0.metas.lock() {
            forget_dataset(&mut c, id, |k| &k.0);
        }
    }

    /// The token with this secret, if it is active: trusted from memory for
    /// [`TOKEN_CACHE_SECONDS`], then asked of the store again.
    pub(crate) async fn authenticate(&self, secret: &str) -> Result<Option<TokenInfo>, ApiError> {
        let key = crate::store::sha256_hex(secret.as_bytes());
        let now = crate::store::now();
        let fresh = std::time::Duration::from_secs(TOKEN_CACHE_SECONDS);
        if let Some((token, at)) = self
            .0
            .tokens
            .lock()
            .ok()
            .and_then(|mut c| c.get(&key).cloned())
        {
            if at.elapsed() < fresh && token.is_active(now) {
                return Ok(Some(token));
            }
        }
        let token = self.store().authenticate(secret, now).await?;
        if let Ok(mut c) = self.0.tokens.lock() {
            match &token {
                Some(t) => {
                    c.put(key, (t.clone(), std::time::Instant::now()));
                }
                None => {
                    c.pop(&key);
                }
            }
        }
        Ok(token)
    }

    /// Runs blocking work (a solve) on the bounded worker pool, off the
    /// async runtime. Past `solve_queue` waiting callers it answers
    /// [`ApiError::Overloaded`] at once instead of queueing without bound.
    pub(crate) async fn run_blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    {
        let inner = &self.0;
        if inner.waiting.fetch_add(1, Ordering::SeqCst) >= inner.config.solve_queue {
            inner.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError::Overloaded {
                what: "every solve worker is busy and the queue is full".into(),
                retry_after_seconds: 5,
            });
        }
        let permit = inner.solvers.clone().acquire_owned().await;
        inner.waiting.fetch_sub(1, Ordering::SeqCst);
        let permit = permit.map_err(|_| ApiError::Overloaded {
            what: "the server is shutting down".into(),
            retry_after_seconds: 30,
        })?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| ApiError::Internal(format!("a solve worker failed: {e}")))?
    }

    /// Wakes a job worker (after a job was queued).
    pub(crate) fn wake_jobs(&self) {
        self.0.jobs_wake.notify_one();
    }
}
