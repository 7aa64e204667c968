//! The real server on an ephemeral loopback port, a real HTTP client
//! (reqwest) and a real SQLite file: shared by the HTTP tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use api::http::{self, AppState, ServerConfig};
use api::store::{NewToken, Role, Store};
use optimiser::generator::{generate_raw, GeneratorSpec};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::sync::oneshot;

pub const PORTSMOUTH: &str = "E06000044";
pub const SOUTHAMPTON: &str = "E06000045";
pub const KENT: &str = "E10000016";

/// A running server.
pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// Starts the server on `db`; with `workers` false, jobs stay queued
    /// (the router is served without the job workers).
    pub async fn start(db: &Path, workers: bool) -> Server {
        let config = ServerConfig {
            job_workers: 1,
            solve_workers: 2,
            max_body_bytes: 4 * 1024 * 1024,
            max_time_limit: 30.0,
            ..ServerConfig::default()
        };
        Server::start_with(db, workers, config).await
    }

    /// Starts the server with `config`.
    pub async fn start_with(db: &Path, workers: bool, config: ServerConfig) -> Server {
        let store = Store::open(db).await.expect("store opens");
        let state = AppState::new(store, config).expect("state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
        };
        let task = if workers {
            tokio::spawn(async move {
                http::serve(listener, state, shutdown)
                    .await
                    .expect("serves");
            })
        } else {
            tokio::spawn(async move {
                axum::serve(listener, http::router(state))
                    .with_graceful_shutdown(shutdown)
                    .await
                    .expect("serves");
            })
        };
        Server {
            base,
            client: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.expect("server task ends");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let r = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        decode(r).await
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        let r = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request");
        decode(r).await
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, token, path, body).await
    }
}

pub async fn decode(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    let problem = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "application/problem+json");
    let text = r.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    if status.is_client_error() || status.is_server_error() {
        assert!(problem, "{status}: errors are problem+json: {value}");
        assert_eq!(value["status"], status.as_u16(), "{value}");
    }
    (status, value)
}

/// A small seeded dataset over the south-coast authorities.
pub fn dataset() -> Value {
    let raw = generate_raw(&GeneratorSpec::new(7, 30, 60, 6));
    serde_json::to_value(raw).expect("json")
}

pub struct Tokens {
    pub admin: String,
    pub commissioner: String,
    pub placement: String,
    pub placement_other: String,
    pub planner: String,
    pub kent: String,
}

pub async fn tokens(db: &Path) -> Tokens {
    let store = Store::open(db).await.expect("store");
    let make = async |role: Role, authorities: &[&str]| {
        store
            .create_token(NewToken {
                role,
                authorities: authorities.iter().map(|s| s.to_string()).collect(),
                expires_at: None,
                label: None,
            })
            .await
            .expect("token")
            .1
    };
    let t = Tokens {
        admin: make(Role::Admin, &[]).await,
        commissioner: make(Role::Commissioner, &[PORTSMOUTH, SOUTHAMPTON]).await,
        placement: make(Role::Placement, &[PORTSMOUTH]).await,
        placement_other: make(Role::Placement, &[SOUTHAMPTON]).await,
        planner: make(Role::Planner, &[PORTSMOUTH]).await,
        kent: make(Role::Commissioner, &[KENT]).await,
    };
    store.close().await;
    t
}

pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("placement.db");
    (dir, db)
}

/// Stores [`dataset`] and queues a batch placement job on it as the
/// commissioner, on a server without job workers, then stops the server:
/// the dataset's id and the job's, still queued.
pub async fn queued_match_job(db: &Path, t: &Tokens) -> (String, String) {
    let server = Server::start(db, false).await;
    let (_, created) = server
        .post(&t.commissioner, "/v1/datasets", &dataset())
        .await;
    let id = created["id"].as_str().expect("id").to_string();
    let (status, job) = server
        .post(
            &t.commissioner,
            &format!("/v1/datasets/{id}/match"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    server.stop().await;
    (id, job["id"].as_str().expect("id").to_string())
}

pub async fn wait_for_job(server: &Server, token: &str, id: &str) -> Value {
    for _ in 0..600 {
        let (status, job) = server.get(token, &format!("/v1/jobs/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{job}");
        match job["status"].as_str() {
            Some("done") | Some("failed") | Some("cancelled") => return job,
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("job {id} did not finish in 60 s");
}

/// A child of `authority` in the dataset.
pub fn child_of(data: &Value, authority: &str) -> String {
    data["children"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["authority"] == authority))
        .and_then(|c| c["id"].as_str())
        .expect("a child of that authority")
        .to_string()
}
