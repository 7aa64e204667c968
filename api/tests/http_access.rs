//! Access control over every route: each role, on a resource in its scope
//! and on one outside it. Roles without the right answer 403; resources out
//! of scope answer 404 exactly like absent ones; in scope, the route works.

mod http_support;

use http_support::*;
use optimiser::commission::generator::{generate_raw as generate_commission, CommissionSpec};
use optimiser::generator::{generate_raw, GeneratorSpec};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The five tokens, in the order of every expectation row:
/// admin, commissioner (Portsmouth + Southampton), placement (Portsmouth),
/// planner (Portsmouth), commissioner (Kent: every resource here is outside it).
fn five(t: &Tokens) -> [(&'static str, &str); 5] {
    [
        ("admin", &t.admin),
        ("commissioner", &t.commissioner),
        ("placement", &t.placement),
        ("planner", &t.planner),
        ("kent", &t.kent),
    ]
}

async fn call(
    server: &Server,
    method: Method,
    token: &str,
    path: &str,
    body: Option<&Value>,
) -> StatusCode {
    let mut request = server
        .client
        .request(method, server.url(path))
        .bearer_auth(token);
    if let Some(b) = body {
        request = request.json(b);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    if status.is_client_error() {
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        assert_eq!(kind.as_deref(), Some("application/problem+json"), "{path}");
    }
    status
}

#[tokio::test]
async fn every_route_every_role_in_and_out_of_scope() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    // Without job workers: submitted jobs stay queued, so they can be read
    // and cancelled deterministically.
    let server = Server::start(&db, false).await;
    let data = serde_json::to_value(generate_raw(&GeneratorSpec::new(7, 30, 60, 6))).expect("json");
    let question = serde_json::to_value(generate_commission(&CommissionSpec::new(3, 2, 8, 6, 2)))
        .expect("json");
    let (status, created) = server.post(&t.admin, "/v1/datasets", &data).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_str().expect("id").to_string();
    let child = child_of(&data, PORTSMOUTH);

    // Records made by the admin (scope: every authority) are outside every
    // other token's scope.
    let (_, admin_job) = server
        .post(&t.admin, &format!("/v1/datasets/{id}/match"), &json!({}))
        .await;
    let admin_job = admin_job["id"].as_str().expect("job").to_string();
    let (status, _) = server
        .get(
            &t.admin,
            &format!("/v1/datasets/{id}/children/{child}/matches?top=2"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, runs) = server.get(&t.admin, "/v1/runs").await;
    let admin_run = runs[0]["id"].as_str().expect("run").to_string();

    use StatusCode as S;
    const OK: S = S::OK;
    const CREATED: S = S::CREATED;
    const ACCEPTED: S = S::ACCEPTED;
    const NO: S = S::FORBIDDEN;
    const GONE: S = S::NOT_FOUND;
    let data_path = format!("/v1/datasets/{id}");
    let rows: Vec<(Method, String, Option<Value>, [S; 5])> = vec![
        (
            Method::GET,
            "/v1/datasets".into(),
            None,
            [OK, OK, OK, OK, OK],
        ),
        (
            Method::POST,
            "/v1/datasets".into(),
            Some(data.clone()),
            [CREATED, CREATED, NO, NO, NO],
        ),
        (Method::GET, data_path.clone(), None, [OK, OK, OK, OK, GONE]),
        (
            Method::GET,
            format!("{data_path}/content"),
            None,
            [OK, OK, OK, OK, GONE],
        ),
        (
            Method::PUT,
            data_path.clone(),
            Some(data.clone()),
            [CREATED, CREATED, NO, NO, GONE],
        ),
        (
            Method::GET,
            format!("{data_path}/children/{child}/matches?top=2"),
            None,
            [OK, NO, OK, NO, NO],
        ),
        (
            Method::POST,
            format!("{data_path}/match"),
            Some(json!({})),
            [ACCEPTED, ACCEPTED, ACCEPTED, NO, GONE],
        ),
        (
            Method::POST,
            format!("{data_path}/constellations"),
            Some(json!({})),
            [ACCEPTED, NO, NO, ACCEPTED, NO],
        ),
        (
            Method::POST,
            "/v1/match".into(),
            Some(json!({"dataset": data})),
            [ACCEPTED, ACCEPTED, ACCEPTED, NO, NO],
        ),
        (
            Method::POST,
            "/v1/commission".into(),
            Some(json!({"question": question})),
            [ACCEPTED, ACCEPTED, NO, NO, NO],
        ),
        (Method::GET, "/v1/jobs".into(), None, [OK, OK, OK, OK, OK]),
        (
            Method::GET,
            format!("/v1/jobs/{admin_job}"),
            None,
            [OK, GONE, GONE, GONE, GONE],
        ),
        (Method::GET, "/v1/runs".into(), None, [OK, OK, OK, OK, OK]),
        (
            Method::GET,
            format!("/v1/runs/{admin_run}"),
            None,
            [OK, GONE, GONE, GONE, GONE],
        ),
    ];
    for (method, path, body, expected) in &rows {
        for ((role, token), want) in five(&t).iter().zip(expected) {
            let got = call(&server, method.clone(), token, path, body.as_ref()).await;
            assert_eq!(got, *want, "{role} {method} {path}");
        }
    }

    // Each token's own job and run are in its scope: readable and (the job)
    // cancellable; a Kent token sees none of the others'.
    for (role, token) in five(&t).iter().take(4) {
        let (_, jobs) = server.get(token, "/v1/jobs").await;
        let own = jobs
            .as_array()
            .and_then(|j| {
                j.iter()
                    .find(|j| j["status"] == "queued" && j["id"] != admin_job.as_str())
            })
            .and_then(|j| j["id"].as_str())
            .map(str::to_string);
        let Some(own) = own else {
            panic!("{role} sees no queued job of its own: {jobs}");
        };
        assert_eq!(
            call(
                &server,
                Method::GET,
                token,
                &format!("/v1/jobs/{own}"),
                None
            )
            .await,
            OK,
            "{role}"
        );
        assert_eq!(
            call(
                &server,
                Method::GET,
                &t.kent,
                &format!("/v1/jobs/{own}"),
                None
            )
            .await,
            GONE,
            "{role}"
        );
        assert_eq!(
            call(
                &server,
                Method::DELETE,
                &t.kent,
                &format!("/v1/jobs/{own}"),
                None
            )
            .await,
            GONE,
            "{role}"
        );
        assert_eq!(
            call(
                &server,
                Method::DELETE,
                token,
                &format!("/v1/jobs/{own}"),
                None
            )
            .await,
            OK,
            "{role}"
        );
    }
    // The placement team's rank is a run in Portsmouth's scope.
    let (_, runs) = server.get(&t.placement, "/v1/runs").await;
    let own = runs
        .as_array()
        .and_then(|r| r.iter().find(|r| r["kind"] == "rank"))
        .and_then(|r| r["id"].as_str())
        .expect("the placement team's rank run")
        .to_string();
    assert_eq!(
        call(
            &server,
            Method::GET,
            &t.placement,
            &format!("/v1/runs/{own}"),
            None
        )
        .await,
        OK
    );
    assert_eq!(
        call(
            &server,
            Method::GET,
            &t.placement_other,
            &format!("/v1/runs/{own}"),
            None
        )
        .await,
        GONE
    );
    assert_eq!(
        call(
            &server,
            Method::GET,
            &t.kent,
            &format!("/v1/runs/{own}"),
            None
        )
        .await,
        GONE
    );

    // Deleting: only writers, only in scope (last, since it removes the data).
    for (role, token, want) in [
        ("placement", &t.placement, NO),
        ("planner", &t.planner, NO),
        ("kent", &t.kent, GONE),
        ("commissioner", &t.commissioner, S::NO_CONTENT),
    ] {
        assert_eq!(
            call(&server, Method::DELETE, token, &data_path, None).await,
            want,
            "{role}"
        );
    }
    server.stop().await;
}
