//! Prometheus metrics: requests by route and status with latency histograms,
//! solves by kind and status with durations, and the job queue's depth. One
//! registry per server, so that tests can run several servers in a process.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

use crate::error::ApiError;

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    solves: IntCounterVec,
    solve_seconds: HistogramVec,
    queue_depth: IntGauge,
}

fn internal(e: prometheus::Error) -> ApiError {
    ApiError::Internal(format!("metrics: {e}"))
}

impl Metrics {
    /// A fresh registry with every metric registered.
    pub fn new() -> Result<Metrics, ApiError> {
        let registry = Registry::new_custom(Some("placement".into()), None).map_err(internal)?;
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route, method and status",
            ),
            &["route", "method", "status"],
        )
        .map_err(internal)?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route, method and status",
            )
            .buckets(vec![
                0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["route", "method", "status"],
        )
        .map_err(internal)?;
        let solves = IntCounterVec::new(
            Opts::new("solves_total", "Solves by kind and outcome"),
            &["kind", "status"],
        )
        .map_err(internal)?;
        let solve_seconds = HistogramVec::new(
            HistogramOpts::new("solve_duration_seconds", "Solve wall time by kind").buckets(vec![
                0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0,
            ]),
            &["kind"],
        )
        .map_err(internal)?;
        let queue_depth =
            IntGauge::new("job_queue_depth", "Jobs queued, not yet running").map_err(internal)?;
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(solves.clone()),
            Box::new(solve_seconds.clone()),
            Box::new(queue_depth.clone()),
        ] {
            registry.register(c).map_err(internal)?;
        }
        Ok(Metrics {
            registry,
            requests,
            latency,
            solves,
            solve_seconds,
            queue_depth,
        })
    }

    /// Counts one answered request.
    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [route, method, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(seconds);
    }

    /// Counts one solve.
    pub fn solve(&self, kind: &str, status: &str, seconds: f64) {
        self.solves.with_label_values(&[kind, status]).inc();
        self.solve_seconds
            .with_label_values(&[kind])
            .observe(seconds);
    }

    /// Sets the queue depth.
    pub fn set_queue_depth(&self, jobs: u64) {
        self.queue_depth
            .set(i64::try_from(jobs).unwrap_or(i64::MAX));
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> Result<String, ApiError> {
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .map_err(internal)?;
        String::from_utf8(out).map_err(|e| ApiError::Internal(format!("metrics: {e}")))
    }
}
