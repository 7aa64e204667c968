//! Runs the real `placement commission` on the committed south-coast
//! question and on small hand-made ones.

use std::path::Path;
use std::process::Output;

use serde_json::{json, Value};

mod support;

use support::run;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/demo/commission_south_coast.json")
        .display()
        .to_string()
}

fn json_of(o: &Output) -> Value {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON output")
}

#[test]
fn the_south_coast_question_reports_every_contract_field() {
    let v = json_of(&run(&["commission", "--input", &demo()]));
    for key in [
        "status",
        "gap",
        "solve_ms",
        "joint_cost",
        "commissioned",
        "assignments",
        "partners",
        "subadditive",
        "core",
        "joint_saving",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["status"], "optimal");
    let partners = v["partners"].as_array().unwrap();
    let ids: Vec<&str> = partners
        .iter()
        .map(|p| p["authority"].as_str().unwrap())
        .collect();
    // Portsmouth, Southampton, West Sussex, Kent.
    assert_eq!(ids, ["E06000044", "E06000045", "E10000032", "E10000016"]);
    let joint = v["joint_cost"].as_f64().unwrap();
    for split in ["shapley", "proportional"] {
        let total: f64 = partners.iter().map(|p| p[split].as_f64().unwrap()).sum();
        assert!(
            (total - joint).abs() < 1e-6 * joint,
            "{split} sums to {total}, joint {joint}"
        );
    }
    for p in partners {
        let saving = p["standalone_cost"].as_f64().unwrap() - p["shapley"].as_f64().unwrap();
        assert!((p["saving"].as_f64().unwrap() - saving).abs() < 1e-6);
    }
    assert_eq!(v["assignments"].as_array().unwrap().len(), 40);
    let core = &v["core"];
    for key in [
        "shapley",
        "proportional",
        "blocking",
        "nonempty",
        "least_core_excess",
    ] {
        assert!(core.get(key).is_some(), "core.{key}");
    }
    // When the core is non-empty the suggested split is in it: no single
    // partner pays more than alone.
    if core["nonempty"] == true {
        for p in partners {
            let alone = p["standalone_cost"].as_f64().unwrap();
            assert!(p["core_split"].as_f64().unwrap() <= alone + 0.01, "{p}");
        }
    }
    assert_eq!(v["coalitions"].as_array().unwrap().len(), 15);
    // Every commissioned option is a block that the assignments use.
    for id in v["commissioned"].as_array().unwrap() {
        let used = v["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["option"] == *id);
        assert!(used, "{id} commissioned but empty");
    }
}

#[test]
fn proportional_only_leaves_shapley_out_and_the_table_is_readable() {
    let v = json_of(&run(&[
        "commission",
        "--input",
        &demo(),
        "--sharing",
        "proportional",
    ]));
    assert!(v["partners"][0]["shapley"].is_null());
    assert!(v["partners"][0]["proportional"].is_number());
    assert_eq!(v["shapley_method"]["method"], "not_computed");
    let o = run(&["commission", "--input", &demo(), "--format", "table"]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    for needle in [
        "Joint offer:",
        "Portsmouth",
        "Kent",
        "Shapley",
        "Core:",
        "RC0001",
    ] {
        assert!(out.contains(needle), "table lacks {needle}:\n{out}");
    }
}

#[test]
fn an_invalid_question_exits_2_and_lists_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.json");
    let q = json!({
        "version": 1,
        "authorities": [{"id": "A", "name": "A", "location": {"lat": 50.9, "lon": -1.1}}],
        "partners": ["A", "B"],
        "children": [{"id": "c1", "authority": "A", "age": 30, "current_weekly_cost": -5}],
        "options": [{"id": "o1", "kind": "block", "authority": "A", "location": {"lat": 95.0, "lon": -1.1},
                     "min_age": 10, "max_age": 17, "weekly_cost_per_child": 100}]
    });
    std::fs::write(&path, q.to_string()).unwrap();
    let o = run(&["commission", "--input", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    for needle in [
        "5 problems",
        "partners[1] (id \"B\") field partners",
        "children[0] (id \"c1\") field age",
        "children[0] (id \"c1\") field current_weekly_cost",
        "options[0] (id \"o1\") field location.lat",
        "options[0] (id \"o1\") field beds",
    ] {
        assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
    }
    // An unknown field is rejected, with its path.
    std::fs::write(
        &path,
        json!({"version": 1, "authorities": [], "partners": [], "budget": 5}).to_string(),
    )
    .unwrap();
    let o = run(&["commission", "--input", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("budget"), "{}", text(&o.stderr));
}

#[test]
fn generate_commission_is_deterministic_and_rebuilds_the_committed_example() {
    let a = run(&["generate-commission"]);
    let b = run(&["generate-commission"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    let committed = std::fs::read(demo()).unwrap();
    assert_eq!(
        a.stdout, committed,
        "data/demo/commission_south_coast.json is stale: run scripts/regenerate_demo.sh"
    );
}
