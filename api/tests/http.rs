//! The HTTP service end to end: the real server on an ephemeral loopback
//! port, called with a real HTTP client (reqwest), on a real SQLite file.

mod http_support;

use std::path::Path;

use api::store::{Role, Store};
use http_support::*;
use optimiser::generator::{generate_raw, GeneratorSpec};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn health_and_readiness_need_no_token() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db, true).await;
    let r = server
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    let r = server
        .client
        .get(server.url("/readyz"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    let r = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.expect("text");
    assert!(text.contains("placement_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/readyz\""), "{text}");
    server.stop().await;
}

#[tokio::test]
async fn missing_wrong_and_revoked_tokens_answer_401() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let server = Server::start(&db, false).await;
    let r = server
        .client
        .get(server.url("/v1/datasets"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get("www-authenticate").is_some());
    let (status, body) = server.get("plc_not-a-token", "/v1/datasets").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // Revoke the placement token straight in the store: it stops working.
    let store = Store::open(&db).await.expect("store");
    let id = store
        .list_tokens()
        .await
        .expect("tokens")
        .into_iter()
        .find(|k| k.role == Role::Placement && k.authorities == [PORTSMOUTH])
        .expect("the placement token")
        .id;
    assert!(store.revoke_token(&id).await.expect("revoke"));
    let (status, _) = server.get(&t.placement, "/v1/datasets").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn datasets_are_stored_versioned_scoped_and_deleted() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let server = Server::start(&db, false).await;
    let data = dataset();
    // Only commissioners and admins store datasets.
    let (status, _) = server.post(&t.placement, "/v1/datasets", &data).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, created) = server
        .post(&t.commissioner, "/v1/datasets?name=south", &data)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_string();
    assert_eq!(created["version"], 1);
    assert_eq!(created["name"], "south");
    // In scope for Portsmouth's placement team; not for Kent's commissioner.
    let (status, list) = server.get(&t.placement, "/v1/datasets").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (status, list) = server.get(&t.kent, "/v1/datasets").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().map(Vec::len), Some(0));
    let (status, _) = server.get(&t.kent, &format!("/v1/datasets/{id}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "out of scope answers like absent"
    );
    // The content shows only the caller's children.
    let (status, content) = server
        .get(&t.placement, &format!("/v1/datasets/{id}/content"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let children = content["children"].as_array().expect("children");
    assert!(!children.is_empty());
    assert!(children.iter().all(|c| c["authority"] == PORTSMOUTH));
    let (_, all) = server
        .get(&t.admin, &format!("/v1/datasets/{id}/content"))
        .await;
    assert_eq!(
        all["children"].as_array().map(Vec::len),
        data["children"].as_array().map(Vec::len)
    );
    // Replace: version 2; version 1 still readable.
    let smaller =
        serde_json::to_value(generate_raw(&GeneratorSpec::new(8, 10, 60, 6))).expect("json");
    let (status, v2) = server
        .send(
            reqwest::Method::PUT,
            &t.commissioner,
            &format!("/v1/datasets/{id}"),
            &smaller,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v2}");
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["children"], 10);
    let (_, v1) = server
        .get(&t.admin, &format!("/v1/datasets/{id}?version=1"))
        .await;
    assert_eq!(v1["children"], 30);
    // Delete, then it is gone.
    let r = server
        .client
        .delete(server.url(&format!("/v1/datasets/{id}")))
        .bearer_auth(&t.commissioner)
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, _) = server.get(&t.admin, &format!("/v1/datasets/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test]
async fn invalid_input_lists_every_problem_as_problem_json() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let server = Server::start(&db, false).await;
    let mut data = dataset();
    data["carers"][0]["places"] = json!(-1);
    data["children"][2]["age"] = json!("seven");
    let (status, problem) = server.post(&t.commissioner, "/v1/datasets", &data).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["class"], "invalid_input");
    let problems = problem["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2, "{problem}");
    assert!(
        problems
            .iter()
            .any(|p| p["field"] == "places" && p["location"] == "carers[0].places"),
        "{problem}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p["field"] == "age" && p["location"] == "children[2].age"),
        "{problem}"
    );
    // Not JSON at all.
    let r = server
        .client
        .post(server.url("/v1/datasets"))
        .bearer_auth(&t.commissioner)
        .body("{\"version\": 1,")
        .send()
        .await
        .expect("post");
    let (status, problem) = decode(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        problem["problems"][0]["location"]
            .as_str()
            .is_some_and(|l| l.starts_with("line 1")),
        "{problem}"
    );
    // Past the body limit: 413.
    let big = "x".repeat(5 * 1024 * 1024);
    let r = server
        .client
        .post(server.url("/v1/datasets"))
        .bearer_auth(&t.commissioner)
        .body(big)
        .send()
        .await
        .expect("post");
    let (status, _) = decode(r).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    server.stop().await;
}

#[tokio::test]
async fn ranked_matches_are_scoped_to_the_callers_children() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let server = Server::start(&db, false).await;
    let data = dataset();
    let (_, created) = server.post(&t.commissioner, "/v1/datasets", &data).await;
    let id = created["id"].as_str().expect("id");
    let mine = child_of(&data, PORTSMOUTH);
    let theirs = child_of(&data, SOUTHAMPTON);
    let (status, ranking) = server
        .get(
            &t.placement,
            &format!("/v1/datasets/{id}/children/{mine}/matches?top=3"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ranking}");
    assert_eq!(ranking["child"], mine.as_str());
    assert!(ranking["matches"].as_array().is_some_and(|m| m.len() <= 3));
    // Another authority's child, and an unknown one, answer the same 404.
    let (status, _) = server
        .get(
            &t.placement,
            &format!("/v1/datasets/{id}/children/{theirs}/matches"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .get(
            &t.placement,
            &format!("/v1/datasets/{id}/children/nobody/matches"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A planner may not rank; bad options are 422 naming the option.
    let (status, _) = server
        .get(
            &t.planner,
            &format!("/v1/datasets/{id}/children/{mine}/matches"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, problem) = server
        .get(
            &t.placement,
            &format!("/v1/datasets/{id}/children/{mine}/matches?top=0"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("top")),
        "{problem}"
    );
    let (status, _) = server
        .get(
            &t.placement,
            &format!("/v1/datasets/{id}/children/{mine}/matches?threads=8"),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "solver internals are not settable"
    );
    // The run is recorded and readable by its caller, not by another authority.
    let (_, runs) = server.get(&t.placement, "/v1/runs").await;
    let run = runs.as_array().and_then(|r| r.first()).expect("a run");
    assert_eq!(run["kind"], "rank");
    let run_id = run["id"].as_str().expect("id");
    let (status, full) = server
        .get(&t.placement, &format!("/v1/runs/{run_id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(full["result"]["child"], mine.as_str());
    let (status, _) = server
        .get(&t.placement_other, &format!("/v1/runs/{run_id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Newer runs the caller may not see do not use up its `limit`.
    for _ in 0..3 {
        let (status, _) = server
            .get(
                &t.admin,
                &format!("/v1/datasets/{id}/children/{theirs}/matches"),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, newest) = server.get(&t.placement, "/v1/runs?limit=1").await;
    assert_eq!(newest[0]["id"], run_id, "{newest}");
    let (_, all) = server.get(&t.admin, "/v1/runs?limit=2").await;
    assert_eq!(all.as_array().map(Vec::len), Some(2));
    assert_ne!(all[0]["id"], run_id);
    server.stop().await;
}

#[tokio::test]
async fn batch_placement_runs_as_a_job_and_shows_only_the_callers_children() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let server = Server::start(&db, true).await;
    let data = dataset();
    let (_, created) = server.post(&t.commissioner, "/v1/datasets", &data).await;
    let id = created["id"].as_str().expect("id");
    let r = server
        .client
        .post(server.url(&format!("/v1/datasets/{id}/match")))
        .bearer_auth(&t.placement)
        .json(&json!({"time_limit": 20}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location")
        .to_string();
    let (_, job) = decode(r).await;
    assert_eq!(
        location,
        format!("/v1/jobs/{}", job["id"].as_str().expect("id"))
    );
    let done = wait_for_job(&server, &t.placement, job["id"].as_str().expect("id")).await;
    assert_eq!(done["status"], "done", "{done}");
    let result = &done["result"];
    let children: Value = data["children"].clone();
    let authority_of = |id: &str| {
        children
            .as_array()
            .and_then(|c| c.iter().find(|c| c["id"] == id))
            .map(|c| c["authority"].clone())
    };
    let shown = result["assignments"].as_array().expect("assignments");
    assert!(shown
        .iter()
        .all(|a| authority_of(a["child"].as_str().unwrap_or("")) == Some(json!(PORTSMOUTH))));
    let outside = &result["outside_scope"];
    let total = shown.len() as u64
        + result["unplaced"].as_array().map_or(0, |u| u.len() as u64)
        + outside["placed"].as_u64().unwrap_or(0)
        + outside["unplaced"].as_u64().unwrap_or(0);
    assert_eq!(total, 30, "every child counted once: {result}");
    assert!(done["run_id"].is_string());
    // Another authority's token cannot see the job.
    let (status, _) = server.get(&t.placement_other, &location).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test]
async fn queued_jobs_can_be_cancelled_and_survive_a_restart() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    // Without workers, jobs stay queued.
    let server = Server::start(&db, false).await;
    let data = dataset();
    let (_, created) = server.post(&t.commissioner, "/v1/datasets", &data).await;
    let id = created["id"].as_str().expect("id").to_string();
    let (status, first) = server
        .post(
            &t.commissioner,
            &format!("/v1/datasets/{id}/match"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(first["status"], "queued");
    let (_, second) = server
        .post(
            &t.commissioner,
            &format!("/v1/datasets/{id}/match"),
            &json!({}),
        )
        .await;
    let second_id = second["id"].as_str().expect("id").to_string();
    let (status, cancelled) = server
        .send(
            reqwest::Method::DELETE,
            &t.commissioner,
            &format!("/v1/jobs/{second_id}"),
            &json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    let (status, _) = server
        .send(
            reqwest::Method::DELETE,
            &t.commissioner,
            &format!("/v1/jobs/{second_id}"),
            &json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    server.stop().await;
    // Restart on the same file, with workers: the dataset is there and the
    // queued job runs; the cancelled one stays cancelled.
    let server = Server::start(&db, true).await;
    let (status, _) = server
        .get(&t.commissioner, &format!("/v1/datasets/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let done = wait_for_job(&server, &t.commissioner, first["id"].as_str().expect("id")).await;
    assert_eq!(done["status"], "done", "{done}");
    let (_, still) = server
        .get(&t.commissioner, &format!("/v1/jobs/{second_id}"))
        .await;
    assert_eq!(still["status"], "cancelled");
    let (_, runs) = server.get(&t.admin, "/v1/runs").await;
    assert!(runs
        .as_array()
        .is_some_and(|r| r.iter().any(|r| r["kind"] == "match")));
    server.stop().await;
}

#[tokio::test]
async fn the_served_openapi_document_is_the_committed_one() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db, false).await;
    let r = server
        .client
        .get(server.url("/openapi.json"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    let served: Value = r.json().await.expect("json");
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json"))
            .expect("docs/openapi.json (regenerate with `cargo run -p api --example openapi > docs/openapi.json`)"),
    )
    .expect("json");
    assert_eq!(
        served, committed,
        "docs/openapi.json is stale: regenerate it"
    );
    assert_eq!(served["openapi"], "3.1.0");
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/v1/datasets",
        "/v1/datasets/{id}",
        "/v1/datasets/{id}/content",
        "/v1/datasets/{id}/children/{child}/matches",
        "/v1/datasets/{id}/match",
        "/v1/datasets/{id}/constellations",
        "/v1/match",
        "/v1/commission",
        "/v1/jobs",
        "/v1/jobs/{id}",
        "/v1/runs",
        "/v1/runs/{id}",
    ] {
        assert!(
            served["paths"].get(path).is_some(),
            "{path} is not documented"
        );
    }
    // Parameters named in the path template are path parameters; every
    // other one is a query parameter.
    for (path, item) in served["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().expect("name");
                let want = if path.contains(&format!("{{{name}}}")) {
                    "path"
                } else {
                    "query"
                };
                assert_eq!(p["in"], want, "{method} {path} parameter {name}");
            }
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn a_job_whose_dataset_was_deleted_fails_with_a_problem_and_is_recorded() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let (id, job_id) = queued_match_job(&db, &t).await;
    let server = Server::start(&db, false).await;
    let r = server
        .client
        .delete(server.url(&format!("/v1/datasets/{id}")))
        .bearer_auth(&t.commissioner)
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    server.stop().await;
    let server = Server::start(&db, true).await;
    let failed = wait_for_job(&server, &t.commissioner, &job_id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["error"]["status"], 404, "{failed}");
    assert_eq!(failed["error"]["class"], "not_found", "{failed}");
    let run = failed["run_id"]
        .as_str()
        .expect("the failure is a recorded run");
    let (status, run) = server
        .get(&t.commissioner, &format!("/v1/runs/{run}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(run["status"], "error");
    server.stop().await;
}

#[tokio::test]
async fn solve_options_are_checked_before_a_job_is_queued() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let server = Server::start(&db, false).await;
    let (_, created) = server
        .post(&t.commissioner, "/v1/datasets", &dataset())
        .await;
    let id = created["id"].as_str().expect("id").to_string();
    for (body, needle) in [
        (json!({"gap": 2}), "gap"),
        (json!({"time_limit": -1}), "time"),
        // Past 7 days is refused as on the command line, not silently capped.
        (json!({"time_limit": 604801}), "time"),
        (json!({"threads": 4}), "threads"),
        (json!({"distance_weight": "far"}), "distance_weight"),
    ] {
        let (status, problem) = server
            .post(&t.commissioner, &format!("/v1/datasets/{id}/match"), &body)
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert!(problem.to_string().contains(needle), "{body}: {problem}");
    }
    // An empty body is refused too (`{}` asks for the defaults).
    let r = server
        .client
        .post(server.url(&format!("/v1/datasets/{id}/match")))
        .bearer_auth(&t.commissioner)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, jobs) = server.get(&t.commissioner, "/v1/jobs").await;
    assert_eq!(jobs.as_array().map(Vec::len), Some(0), "nothing was queued");
    server.stop().await;
}

#[tokio::test]
async fn a_full_solve_queue_answers_503_with_retry_after() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    // No room to wait for a solve worker: every ranked match is refused
    // at once instead of queueing without bound.
    let config = api::http::ServerConfig {
        solve_queue: 0,
        ..api::http::ServerConfig::default()
    };
    let data = dataset();
    let server = Server::start(&db, false).await;
    let (status, created) = server.post(&t.commissioner, "/v1/datasets", &data).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    server.stop().await;
    let id = created["id"].as_str().expect("id");
    let server = Server::start_with(&db, false, config).await;
    let child = child_of(&data, PORTSMOUTH);
    let r = server
        .client
        .get(server.url(&format!("/v1/datasets/{id}/children/{child}/matches")))
        .bearer_auth(&t.placement)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().get("retry-after").is_some());
    let (_, problem) = decode(r).await;
    assert_eq!(problem["class"], "overloaded");
    // Health does not depend on the solve pool.
    let r = server
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn a_job_running_when_the_process_died_is_run_again() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let (_, job_id) = queued_match_job(&db, &t).await;
    // A worker claimed it, then the process died before it finished.
    let store = Store::open(&db).await.expect("store");
    let claimed = store.claim_next_job().await.expect("claim").expect("a job");
    assert_eq!(claimed.id, job_id);
    store.close().await;
    let server = Server::start(&db, true).await;
    let done = wait_for_job(&server, &t.commissioner, &job_id).await;
    assert_eq!(done["status"], "done", "{done}");
    server.stop().await;
}

#[tokio::test]
async fn a_job_the_server_stopped_under_three_times_fails_and_is_recorded() {
    use api::http::jobs::MAX_JOB_ATTEMPTS;
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let (_, job_id) = queued_match_job(&db, &t).await;
    // Started, and the process died, as often as allowed.
    let store = Store::open(&db).await.expect("store");
    for attempt in 1..=MAX_JOB_ATTEMPTS {
        let claimed = store.claim_next_job().await.expect("claim").expect("a job");
        assert_eq!(
            (claimed.id.as_str(), claimed.attempts),
            (job_id.as_str(), attempt)
        );
        assert_eq!(store.requeue_interrupted_jobs().await.expect("requeue"), 1);
    }
    store.close().await;
    let server = Server::start(&db, true).await;
    let failed = wait_for_job(&server, &t.commissioner, &job_id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["error"]["class"], "resource_limit", "{failed}");
    assert!(
        failed["error"]["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("stopped {MAX_JOB_ATTEMPTS} times"))),
        "{failed}"
    );
    let run = failed["run_id"].as_str().expect("the failure is recorded");
    let (_, run) = server
        .get(&t.commissioner, &format!("/v1/runs/{run}"))
        .await;
    assert_eq!(run["status"], "error", "{run}");
    server.stop().await;
}

#[tokio::test]
async fn a_dataset_uploads_as_csv_tables_and_problems_name_file_and_line() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let server = Server::start(&db, false).await;
    let raw = generate_raw(&GeneratorSpec::new(7, 30, 60, 6));
    let folder = tempfile::tempdir().expect("tempdir");
    api::csv_tables::write_folder(&raw, folder.path()).expect("csv folder");
    let form = |broken: bool| {
        let mut form = reqwest::multipart::Form::new();
        for entry in std::fs::read_dir(folder.path()).expect("read") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .to_string();
            let mut text = std::fs::read_to_string(&path).expect("csv");
            if broken && name == "carers.csv" {
                // Line 3 (the second carer): a negative number of places.
                let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                let header: Vec<&str> = lines[0].split(',').collect();
                let column = header
                    .iter()
                    .position(|h| *h == "places")
                    .expect("places column");
                let mut cells: Vec<String> = lines[2].split(',').map(str::to_string).collect();
                cells[column] = "-2".into();
                lines[2] = cells.join(",");
                text = lines.join("\n") + "\n";
            }
            form = form.part(
                name.clone(),
                reqwest::multipart::Part::text(text).file_name(name),
            );
        }
        form
    };
    let r = server
        .client
        .post(server.url("/v1/datasets?name=csv"))
        .bearer_auth(&t.commissioner)
        .multipart(form(false))
        .send()
        .await
        .expect("post");
    let (status, created) = decode(r).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["children"], 30);
    let r = server
        .client
        .post(server.url("/v1/datasets"))
        .bearer_auth(&t.commissioner)
        .multipart(form(true))
        .send()
        .await
        .expect("post");
    let (status, problem) = decode(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let p = &problem["problems"][0];
    assert_eq!(p["file"], "carers.csv", "{problem}");
    assert_eq!(p["location"], "line 3", "{problem}");
    assert_eq!(p["field"], "places", "{problem}");
    server.stop().await;
}

/// A job seen running, cancelled while it runs (its result is then
/// discarded, but the solve is still recorded as a run), and the next job
/// queued behind it until the one worker is free.
#[tokio::test]
async fn a_running_job_is_seen_running_and_can_be_cancelled() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let server = Server::start(&db, true).await;
    // Large enough that batch placement is not proven optimal within its
    // 2-second limit on any machine, so it holds the worker for 2 seconds.
    let raw = generate_raw(&GeneratorSpec::new(3, 1500, 5000, 300));
    let data = serde_json::to_value(raw).expect("json");
    let (status, created) = server.post(&t.admin, "/v1/datasets", &data).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id");
    let submit = async || {
        let (status, job) = server
            .post(
                &t.admin,
                &format!("/v1/datasets/{id}/match"),
                &json!({"time_limit": 2}),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{job}");
        job["id"].as_str().expect("job id").to_string()
    };
    let first = submit().await;
    let second = submit().await;
    let mut seen = None;
    for _ in 0..3000 {
        let (_, job) = server.get(&t.admin, &format!("/v1/jobs/{first}")).await;
        match job["status"].as_str() {
            Some("queued") => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            _ => {
                seen = Some(job);
                break;
            }
        }
    }
    let running = seen.expect("the job left the queue within 30 s");
    assert_eq!(running["status"], "running", "{running}");
    assert!(running["started_at"].is_i64(), "{running}");
    assert!(running["finished_at"].is_null() && running["result"].is_null());
    let (_, waiting) = server.get(&t.admin, &format!("/v1/jobs/{second}")).await;
    assert_eq!(waiting["status"], "queued", "one worker: {waiting}");
    // Cancelled at once, while the solve goes on.
    let r = server
        .client
        .delete(server.url(&format!("/v1/jobs/{first}")))
        .bearer_auth(&t.admin)
        .send()
        .await
        .expect("delete");
    let (status, cancelled) = decode(r).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    // The second job runs once the first solve ends; the first stays
    // cancelled, without a result, and its solve is recorded as a run.
    let done = wait_for_job(&server, &t.admin, &second).await;
    assert_eq!(done["status"], "done", "{done}");
    let (_, first_after) = server.get(&t.admin, &format!("/v1/jobs/{first}")).await;
    assert_eq!(first_after["status"], "cancelled", "{first_after}");
    assert!(first_after["result"].is_null());
    let (_, runs) = server.get(&t.admin, "/v1/runs").await;
    let jobs_run: Vec<&Value> = runs
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| &r["job_id"])
        .collect();
    assert!(jobs_run.contains(&&json!(first)), "{runs}");
    assert!(jobs_run.contains(&&json!(second)), "{runs}");
    server.stop().await;
}
