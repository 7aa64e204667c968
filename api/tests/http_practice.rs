//! Per-request weights of practice over HTTP: the router behind a real
//! server (`api::http::router` and its job workers), a real client.

mod http_support;

use http_support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn match_and_rank_take_practice_weights_and_refuse_invalid_ones() {
    let (_dir, db) = temp_db();
    let t = tokens(&db).await;
    let server = Server::start(&db, true).await;
    let data = dataset();
    let (_, created) = server.post(&t.commissioner, "/v1/datasets", &data).await;
    let id = created["id"].as_str().expect("id").to_string();

    // One override: used for this solve, echoed in the result.
    let (status, job) = server
        .post(
            &t.commissioner,
            &format!("/v1/datasets/{id}/match"),
            &json!({"outside_authority_weight": 2500, "split_weight": 9000}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let done = wait_for_job(&server, &t.commissioner, job["id"].as_str().expect("id")).await;
    assert_eq!(done["status"], "done", "{done}");
    let practice = &done["result"]["practice"];
    assert_eq!(practice["outside_authority"], 2500.0, "{practice}");
    assert_eq!(practice["split"], 9000.0, "{practice}");
    assert_eq!(practice["split_constellation"], 1000.0, "{practice}");
    let outside = done["result"]["breakdown"]["outside_authority_cost"]
        .as_f64()
        .expect("cost");
    assert_eq!(outside % 2500.0, 0.0, "{outside}");

    // Invalid values: 422 problem+json naming the field, nothing queued.
    let (_, before) = server.get(&t.commissioner, "/v1/jobs").await;
    for (body, needle) in [
        (json!({"split_weight": -1}), "split-weight"),
        (
            json!({"outside_authority_weight": 1e12}),
            "outside-authority-weight",
        ),
        // Above the dataset's w_split (5,000): only the dataset can tell.
        (
            json!({"split_constellation_weight": 6000}),
            "split-constellation-weight",
        ),
        (json!({"split_weight": "heavy"}), "split_weight"),
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
    let (_, after) = server.get(&t.commissioner, "/v1/jobs").await;
    assert_eq!(
        after.as_array().map(Vec::len),
        before.as_array().map(Vec::len)
    );

    // The inline route checks the same rule against the dataset in the body.
    let (status, problem) = server
        .post(
            &t.commissioner,
            "/v1/match",
            &json!({"dataset": data, "options": {"split_weight": 10}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(problem.to_string().contains("split-weight"), "{problem}");

    // Ranked matches: the query takes the same fields.
    let child = child_of(&data, PORTSMOUTH);
    let path = format!("/v1/datasets/{id}/children/{child}/matches");
    let (status, ranked) = server
        .get(
            &t.placement,
            &format!("{path}?top=50&outside_authority_weight=1000000"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ranked}");
    let matches = ranked["matches"].as_array().expect("matches");
    let (mut inside, mut outside) = (0, 0);
    for m in matches {
        let cost = m["cost"].as_f64().expect("cost");
        match m["authority"].as_str() {
            Some(PORTSMOUTH) => {
                inside += 1;
                assert!(cost < 1e6, "{m}");
            }
            Some(_) => {
                outside += 1;
                assert!(cost >= 1e6, "{m}");
            }
            None => {}
        }
    }
    assert!(inside > 0 && outside > 0, "{ranked}");
    let (status, problem) = server
        .get(&t.placement, &format!("{path}?split_weight=-5"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(problem.to_string().contains("split-weight"), "{problem}");
    server.stop().await;
}
