//! The HTTP service: every solve behind an axum API, over the same service
//! layer as the command line.
//!
//! [`router`] builds the whole application from an [`AppState`]; [`serve`]
//! runs it on a listener with the job workers and a graceful shutdown.
//! Errors become `application/problem+json` in one place ([`problem`]);
//! tokens, roles and scoping live in [`auth`]. Logs carry a request id,
//! routes, statuses and timings, never a child's or carer's record.

pub mod auth;
pub mod body;
pub mod datasets;
pub mod health;
pub mod jobs;
mod metrics;
pub mod openapi;
pub mod problem;
mod recorder;
pub mod runs;
pub mod solves;
pub mod state;

use std::future::Future;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use state::{AppState, ServerConfig};

use crate::error::ApiError;

/// The application: every route, with body limits, request ids, tracing,
/// timeouts and metrics.
pub fn router(state: AppState) -> Router {
    let limit = state.config().max_body_bytes;
    let timeout = state.config().request_timeout;
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/openapi.json", get(openapi::serve))
        .route("/v1/datasets", get(datasets::list).post(datasets::create))
        .route(
            "/v1/datasets/{id}",
            get(datasets::read)
                .put(datasets::replace)
                .delete(datasets::delete),
        )
        .route("/v1/datasets/{id}/content", get(datasets::content))
        .route(
            "/v1/datasets/{id}/children/{child}/matches",
            get(solves::matches),
        )
        .route(
            "/v1/datasets/{id}/match",
            axum::routing::post(solves::match_stored),
        )
        .route(
            "/v1/datasets/{id}/constellations",
            axum::routing::post(solves::constellations_stored),
        )
        .route("/v1/match", axum::routing::post(solves::match_inline))
        .route(
            "/v1/commission",
            axum::routing::post(solves::commission_inline),
        )
        .route("/v1/jobs", get(jobs::list))
        .route("/v1/jobs/{id}", get(jobs::read).delete(jobs::cancel))
        .route("/v1/runs", get(runs::list))
        .route("/v1/runs/{id}", get(runs::read))
        .fallback(|| async { ApiError::NotFound("no such route".into()) })
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn(move |req, next| {
            with_timeout(req, next, timeout)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            // The path is logged without its query string (which may hold ids).
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map_or("unmatched", MatchedPath::as_str);
            tracing::info_span!("request", method = %req.method(), route, request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Counts each request by route (the pattern, never the ids in it), method
/// and status, with its latency.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = req.method().to_string();
    let response = next.run(req).await;
    state.metrics().request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

async fn with_timeout(req: Request, next: Next, timeout: std::time::Duration) -> Response {
    match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => axum::response::IntoResponse::into_response(ApiError::Overloaded {
            what: format!("the request took longer than {} s", timeout.as_secs()),
            retry_after_seconds: 30,
        }),
    }
}

/// Serves `state` on `listener` until `shutdown` resolves: requeues jobs
/// interrupted by an earlier stop, starts the job workers, then on shutdown
/// stops accepting, lets requests in flight finish and lets each worker end
/// the job in hand (queued jobs stay queued).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ApiError> {
    let requeued = state.store().requeue_interrupted_jobs().await?;
    if requeued > 0 {
        tracing::info!(requeued, "jobs interrupted by the last stop queued again");
    }
    let (stop, stopping) = watch::channel(false);
    let workers = jobs::spawn_workers(&state, stopping);
    let addr = listener.local_addr().ok();
    tracing::info!(?addr, "serving");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| ApiError::Internal(format!("server: {e}")))?;
    let _ = stop.send(true);
    for w in workers {
        let _ = w.await;
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
