//! Runs the real `placement constellations` on a small dataset.

use std::path::Path;
use std::process::Output;

use serde_json::{json, Value};

mod support;

use support::{run, stderr};

fn ok_json(o: Output) -> Value {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

/// A point `east` km east and `north` km north of Portsmouth's centroid.
fn loc(east: f64, north: f64) -> Value {
    let lat = 50.82 + north / 111.195;
    let lon = -1.07 + east / (111.195 * 50.82_f64.to_radians().cos());
    json!({"lat": lat, "lon": lon})
}

fn household(id: &str, provider: &str, places: u32, at: Value) -> Value {
    json!({"id": id, "authority": "E06000044", "provider": provider, "location": at,
           "places": places, "occupied": 0, "min_age": 0, "max_age": 17, "weekly_cost": 500.0})
}

/// One candidate hub H (in-house, two places) with seven households 1–7 km
/// away, and one household 40 km away that no hub can reach.
fn dataset(dir: &Path) -> String {
    let mut carers = vec![household("H", "in_house", 2, loc(0.0, 0.0))];
    for s in 1..=7 {
        carers.push(household(&format!("S{s}"), "ifa", 1, loc(s as f64, 0.0)));
    }
    carers.push(household("FAR", "ifa", 1, loc(0.0, 40.0)));
    let d = json!({
        "version": 1,
        "authorities": [{"id": "E06000044", "name": "Portsmouth", "location": loc(0.0, 0.0)}],
        "carers": carers,
        "children": []
    });
    let path = dir.join("pool.json");
    std::fs::write(&path, serde_json::to_string_pretty(&d).unwrap()).unwrap();
    path.display().to_string()
}

#[test]
fn json_has_the_contract_keys_and_the_known_plan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dataset(dir.path());
    let v = ok_json(run(&["constellations", "--dataset", &path]));
    for key in [
        "status",
        "gap",
        "solve_ms",
        "objective",
        "constellations",
        "outside",
        "coverage",
    ] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    assert_eq!(v["status"], "optimal");
    let c = &v["constellations"][0];
    assert_eq!(c["hub"], "H");
    assert_eq!(
        c["satellites"],
        json!(["S1", "S2", "S3", "S4", "S5", "S6", "S7"])
    );
    assert!((c["mean_km"].as_f64().unwrap() - 4.0).abs() < 0.01, "{c}");
    assert!((c["max_km"].as_f64().unwrap() - 7.0).abs() < 0.01, "{c}");
    assert_eq!(
        v["outside"],
        json!([{"carer": "FAR", "reason": "no_candidate_within_reach"}])
    );
    assert!((v["coverage"].as_f64().unwrap() - 8.0 / 9.0).abs() < 1e-9);
    // Hub cost 810, seven satellites at 1..7 km: 810 + 10·28 − 7·250.
    assert!((v["objective"].as_f64().unwrap() - (810.0 + 280.0 - 1750.0)).abs() < 0.05);

    // --max 6 leaves the furthest one outside because the hub is full.
    let v = ok_json(run(&["constellations", "--dataset", &path, "--max", "6"]));
    let outside = v["outside"].as_array().unwrap();
    assert!(outside.contains(&json!({"carer": "S7", "reason": "reachable_hubs_full"})));
}

#[test]
fn geojson_is_a_feature_collection_of_hubs_satellites_and_links() {
    let dir = tempfile::tempdir().unwrap();
    let path = dataset(dir.path());
    let v = ok_json(run(&[
        "constellations",
        "--dataset",
        &path,
        "--format",
        "geojson",
    ]));
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().unwrap();
    let of = |kind: &str| {
        features
            .iter()
            .filter(|f| f["geometry"]["type"] == kind)
            .collect::<Vec<_>>()
    };
    let points = of("Point");
    let lines = of("LineString");
    assert_eq!(lines.len(), 7);
    assert_eq!(points.len(), 9); // hub, seven satellites, one outside
    let hub = points
        .iter()
        .find(|f| f["properties"]["role"] == "hub")
        .expect("a hub point");
    assert_eq!(hub["properties"]["carer"], "H");
    let xy = hub["geometry"]["coordinates"].as_array().unwrap();
    assert!((xy[0].as_f64().unwrap() + 1.07).abs() < 1e-9, "[lon, lat]");
    assert!((xy[1].as_f64().unwrap() - 50.82).abs() < 1e-9);
    for l in &lines {
        assert_eq!(l["properties"]["hub"], "H");
        assert_eq!(l["geometry"]["coordinates"].as_array().unwrap().len(), 2);
        assert!(l["properties"]["km"].as_f64().unwrap() <= 15.0);
    }
}

#[test]
fn table_lists_each_constellation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dataset(dir.path());
    let o = run(&["constellations", "--dataset", &path, "--format", "table"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("status optimal"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("H ") && l.contains(" 7 ")),
        "{out}"
    );
    assert!(out.contains("no_candidate_within_reach: 1"), "{out}");
}

#[test]
fn count_and_reward_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let path = dataset(dir.path());
    let o = run(&[
        "constellations",
        "--dataset",
        &path,
        "--count",
        "1",
        "--reward",
        "100",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn invalid_input_exits_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dataset(dir.path());
    let cases: [(&[&str], &str); 4] = [
        (
            &["--hub-candidates", "H,NOPE"],
            r#"unknown hub candidate "NOPE""#,
        ),
        (
            &["--min", "8", "--max", "6"],
            "min satellites (8) is more than max satellites (6)",
        ),
        (&["--max-km", "-3"], "--max-km must be a number of km ≥ 0"),
        (&["--count", "2"], "cannot open 2 constellations"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["constellations", "--dataset", &path];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{extra:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}
