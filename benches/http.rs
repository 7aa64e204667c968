//! The HTTP service in process: a ranked match through the whole router
//! (token check, scope, cached dataset and place index, the rank, the run
//! recorded with group commit) on a stored 5,000-place dataset, and
//! `/healthz` as the floor. Network cost is measured by
//! `scripts/load_test.sh`; this isolates the server's own work.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{criterion_group, criterion_main, Criterion};
use optimiser::generator::{generate_raw, GeneratorSpec};
use tower::ServiceExt;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let (router, token, url) = rt.block_on(async {
        let store = api::store::Store::open(&dir.path().join("bench.db"))
            .await
            .expect("store");
        let (_, admin) = store
            .create_token(api::store::NewToken {
                role: api::store::Role::Admin,
                authorities: vec![],
                expires_at: None,
                label: None,
            })
            .await
            .expect("token");
        let state =
            api::http::AppState::new(store, api::http::ServerConfig::default()).expect("state");
        let router = api::http::router(state);
        let raw = generate_raw(&GeneratorSpec::new(11, 1000, 4500, 500));
        let child = raw.children[0].id.clone();
        let body = serde_json::to_vec(&raw).expect("json");
        let response = router
            .clone()
            .oneshot(
                Request::post("/v1/datasets")
                    .header("authorization", format!("Bearer {admin}"))
                    .header("content-type", "application/json")
                    .body(Body::from(body))
                    .expect("request"),
            )
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::CREATED);
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let meta: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        let id = meta["id"].as_str().expect("id").to_string();
        (
            router,
            admin,
            format!("/v1/datasets/{id}/children/{child}/matches?top=10"),
        )
    });
    let get = |path: &str, token: Option<&str>| {
        let mut r = Request::get(path);
        if let Some(t) = token {
            r = r.header("authorization", format!("Bearer {t}"));
        }
        r.body(Body::empty()).expect("request")
    };
    let mut group = c.benchmark_group("http");
    group.bench_function("rank_top10_5000_places", |b| {
        b.iter(|| {
            rt.block_on(async {
                let r = router
                    .clone()
                    .oneshot(get(&url, Some(&token)))
                    .await
                    .expect("response");
                assert_eq!(r.status(), StatusCode::OK);
                axum::body::to_bytes(r.into_body(), usize::MAX)
                    .await
                    .expect("body")
            })
        })
    });
    group.bench_function("healthz", |b| {
        b.iter(|| {
            rt.block_on(async {
                let r = router
                    .clone()
                    .oneshot(get("/healthz", None))
                    .await
                    .expect("response");
                assert_eq!(r.status(), StatusCode::OK);
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
