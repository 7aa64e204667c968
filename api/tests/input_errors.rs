//! The `placement` binary on bad input: exit code 2 and located problems,
//! never a panic or an unlocated error (issue "no panic on any input").

use std::path::Path;

mod support;

use support::{run, stderr};

/// Runs and expects exit 2 with every one of `expected` in the report.
fn rejects(args: &[&str], expected: &[&str]) -> String {
    let o = run(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    for e in expected {
        assert!(err.contains(e), "missing {e:?} in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("writes");
    path.display().to_string()
}

const AUTH: &str = r#"{"id":"A1","name":"Alpha","location":{"lat":50.8,"lon":-1.1}}"#;

#[test]
fn invalid_utf8_is_located_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes =
        format!("{{\"version\":1,\n\"authorities\":[{AUTH}],\n\"carers\":[\"").into_bytes();
    bytes.extend([0xff, b'"', b']', b'}']);
    let d = file(dir.path(), "d.json", &bytes);
    rejects(
        &["validate", "--dataset", &d],
        &["d.json line 3 column 12: the file is not valid UTF-8"],
    );
    let q = file(dir.path(), "q.json", b"{\"version\":\xc3\x28}");
    rejects(
        &["commission", "--input", &q],
        &["q.json line 1 column 12: the file is not valid UTF-8 (bad byte at offset 11)"],
    );
}

#[test]
fn records_as_arrays_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let d = file(
        dir.path(),
        "d.json",
        br#"{"version":1,"authorities":[["A1","Alpha",[50.8,-1.1]]]}"#,
    );
    rejects(
        &["validate", "--dataset", &d],
        &["d.json authorities[0]: a record must be a JSON object {…}, got an array"],
    );
}

#[test]
fn every_type_problem_is_reported_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let carer = |id: &str, places: &str, cost: &str| {
        format!(
            r#"{{"id":"{id}","authority":"A1","provider":"ifa","location":{{"lat":50.8,"lon":-1.1}},
             "places":{places},"occupied":0,"min_age":0,"max_age":17,"weekly_cost":{cost}}}"#
        )
    };
    let text = format!(
        r#"{{"version":1,"authorities":[{AUTH}],"carers":[{},{},{}],
        "children":[{{"id":"K1","authority":"A1","age":true,"placement":"boarding"}}]}}"#,
        carer("C1", "\"2\"", "500"),
        carer("C2", "1", "500"),
        carer("C3", "1.5", "null"),
    );
    let d = file(dir.path(), "d.json", text.as_bytes());
    let err = rejects(
        &["validate", "--dataset", &d],
        &[
            "5 problems",
            r#"d.json carers[0].places (id "C1") field places: expected a whole number ≥ 0, got the string "2""#,
            r#"carers[2].places (id "C3") field places: expected a whole number ≥ 0, got the number 1.5"#,
            r#"carers[2].weekly_cost (id "C3") field weekly_cost: expected a number, got null"#,
            r#"children[0].age (id "K1") field age: expected a whole number ≥ 0, got true"#,
            r#"children[0].placement (id "K1") field placement: "boarding" is not one of foster, residential, any"#,
        ],
    );
    assert!(!err.contains("u32") && !err.contains("f64"), "{err}");
}

#[test]
fn truncated_json_is_located_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = file(
        dir.path(),
        "d.json",
        b"{\"version\": 1,\n \"authorities\": [",
    );
    rejects(
        &["validate", "--dataset", &d],
        &["d.json line 2 column 17: the document ends too early"],
    );
    let q = file(
        dir.path(),
        "q.json",
        b"{\"version\": 1, \"partners\": [\"A\"",
    );
    rejects(&["commission", "--input", &q], &["q.json line 1 column 31"]);
}

#[test]
fn huge_numbers_are_rejected_before_the_solver() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{{"version":1,"authorities":[{AUTH}],
        "carers":[{{"id":"C1","authority":"A1","provider":"ifa","location":{{"lat":50.8,"lon":-1.1}},
             "places":5000,"occupied":0,"min_age":0,"max_age":17,"weekly_cost":1e308}}],
        "children":[{{"id":"K1","authority":"A1","age":4,"max_distance_km":1e300}}]}}"#
    );
    let d = file(dir.path(), "d.json", text.as_bytes());
    rejects(
        &["match", "--dataset", &d],
        &[
            r#"carers[0] (id "C1") field places: 5000 is more than the limit of 1000"#,
            r#"carers[0] (id "C1") field weekly_cost: 1e308 is more than the limit of £1000000 a week"#,
            r#"children[0] (id "K1") field max_distance_km: 1e300 km is more than the limit of 20000 km"#,
        ],
    );
}

#[test]
fn giant_ids_are_echoed_short() {
    let dir = tempfile::tempdir().unwrap();
    let giant = "X".repeat(1 << 20);
    let text = format!(
        r#"{{"version":1,"authorities":[{AUTH}],"children":[{{"id":"{giant}","authority":"{giant}","age":"{giant}"}}]}}"#
    );
    let d = file(dir.path(), "d.json", text.as_bytes());
    let err = rejects(&["validate", "--dataset", &d], &["children[0].age"]);
    assert!(err.len() < 2_000, "{} bytes of errors", err.len());
    assert!(err.contains(&format!("{}…", "X".repeat(64))), "{err}");
    // Valid types, unknown authority: the validation message is short too.
    let text = format!(
        r#"{{"version":1,"authorities":[{AUTH}],"children":[{{"id":"{giant}","authority":"{giant}","age":3}}]}}"#
    );
    let d = file(dir.path(), "d.json", text.as_bytes());
    let err = rejects(&["validate", "--dataset", &d], &["unknown authority"]);
    assert!(err.len() < 2_000, "{} bytes of errors", err.len());
}

#[test]
fn generators_refuse_sizes_past_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.json").display().to_string();
    let err = rejects(
        &[
            "generate",
            "--seed",
            "1",
            "--children",
            "100000000000",
            "--carers",
            "1",
            "--homes",
            "1",
            "--out",
            &out,
        ],
        &["children = 100000000000 is more than the limit of 200000"],
    );
    assert!(!Path::new(&out).exists(), "{err}");
    rejects(
        &[
            "generate-commission",
            "--children",
            "100000000000",
            "--out",
            &out,
        ],
        &["children = 100000000000 is more than the limit of 10000"],
    );
    rejects(
        &["generate-commission", "--options", "10001", "--out", &out],
        &["options = 10001 is more than the limit of 10000"],
    );
}

#[test]
fn too_many_records_in_a_csv_table_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut authorities = String::from("id,name,lat,lon\n");
    for k in 0..1_001 {
        authorities.push_str(&format!("E{k},A,50,-1\n"));
    }
    file(dir.path(), "authorities.csv", authorities.as_bytes());
    file(
        dir.path(),
        "carers.csv",
        b"id,authority,provider,lat,lon,places,occupied,min_age,max_age,weekly_cost\n",
    );
    file(dir.path(), "children.csv", b"id,authority,age\n");
    let folder = dir.path().display().to_string();
    rejects(
        &["validate", "--dataset", &folder],
        &["authorities.csv line 1002: more than 1000 records: the limit for authorities"],
    );
}
