//! Runs the real `placement` binary on small datasets and checks its output.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

mod support;

use support::{run, stderr, stdout, BIN};

fn ok(o: Output) -> Output {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    o
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path.display().to_string()
}

fn loc(lat: f64, lon: f64) -> Value {
    json!({"lat": lat, "lon": lon})
}

/// Two children, two carers at the authority's own location (distance 0):
/// A needs autism and only X has that skill, so the optimum is A→X, B→Y at 500 + 300.
fn tiny() -> Value {
    json!({
        "version": 1,
        "authorities": [{"id": "E06000044", "name": "Portsmouth", "location": loc(50.8, -1.08)}],
        "carers": [
            {"id": "X", "authority": "E06000044", "provider": "in_house", "location": loc(50.8, -1.08),
             "places": 1, "occupied": 0, "min_age": 0, "max_age": 17, "skills": ["autism"], "weekly_cost": 500.0},
            {"id": "Y", "authority": "E06000044", "provider": "ifa", "location": loc(50.8, -1.08),
             "places": 1, "occupied": 0, "min_age": 0, "max_age": 17, "weekly_cost": 300.0}
        ],
        "children": [
            {"id": "A", "authority": "E06000044", "age": 5, "needs": ["autism"], "placement": "foster"},
            {"id": "B", "authority": "E06000044", "age": 6}
        ]
    })
}

#[test]
fn match_json_has_the_contract_fields_and_the_known_optimum() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "tiny.json", &tiny());
    let o = ok(run(&["match", "--dataset", &path, "--format", "json"]));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("stdout is JSON");
    assert_eq!(v["status"], "optimal");
    assert!(
        (v["objective"].as_f64().unwrap() - 800.0).abs() < 1e-6,
        "{v}"
    );
    assert!(v["gap"].as_f64().unwrap() <= 1e-6);
    assert!(v["solve_ms"].as_f64().unwrap() >= 0.0);
    let pairs: Vec<(String, String)> = v["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["child"].as_str().unwrap().into(),
                a["place"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        vec![("A".into(), "X".into()), ("B".into(), "Y".into())]
    );
    assert_eq!(v["unplaced"], json!([]));
    assert_eq!(
        v["weights"],
        json!({"distance": 10.0, "unplaced": 100000.0})
    );
}

#[test]
fn match_reports_unplaced_with_reason_and_honours_weights() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = tiny();
    // Only carer X: one child takes it, the other is left unplaced.
    data["carers"].as_array_mut().unwrap().remove(1);
    let path = write(dir.path(), "one.json", &data);
    let o = ok(run(&[
        "match",
        "--dataset",
        &path,
        "--unplaced-penalty",
        "2000",
    ]));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    // Either child in X costs 500 and leaves the other unplaced at 2,000.
    assert!(
        (v["objective"].as_f64().unwrap() - 2500.0).abs() < 1e-6,
        "{v}"
    );
    assert_eq!(v["unplaced"].as_array().unwrap().len(), 1);
    assert_eq!(v["unplaced"][0]["reason"], "eligible_places_taken");
    assert_eq!(v["weights"]["unplaced"], 2000.0);

    // With a penalty below the cost, nobody is placed and the reason says why.
    let o = ok(run(&[
        "match",
        "--dataset",
        &path,
        "--unplaced-penalty",
        "100",
    ]));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        (v["objective"].as_f64().unwrap() - 200.0).abs() < 1e-6,
        "{v}"
    );
    assert_eq!(v["unplaced"][0]["reason"], "cost_exceeds_unplaced_penalty");
}

#[test]
fn match_table_shows_summary_assignments_and_unplaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "tiny.json", &tiny());
    let out = stdout(&ok(run(&[
        "match",
        "--dataset",
        &path,
        "--format",
        "table",
    ])));
    assert!(out.contains("status            optimal"), "{out}");
    assert!(out.contains("objective         800.00"), "{out}");
    assert!(out.contains("children placed   2 of 2"), "{out}");
    assert!(out.contains("Assignments (2)"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("A ") && l.contains(" X ")),
        "{out}"
    );
    assert!(out.contains("Unplaced (0)"), "{out}");
}

fn invalid() -> Value {
    let mut d = tiny();
    d["schools"] = json!([{"id": "100001", "name": "A school", "location": loc(50.8, -1.0)}]);
    d["carers"][1]["id"] = json!("X"); // duplicate id
    d["carers"][0]["occupied"] = json!(3); // occupied > places
    d["authorities"][0]["location"]["lat"] = json!(95.0); // bad latitude
    d["children"][1]["school"] = json!("999999"); // unknown school
    d
}

#[test]
fn invalid_json_dataset_exits_2_and_reports_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "bad.json", &invalid());
    for cmd in ["validate", "match"] {
        let o = run(&[cmd, "--dataset", &path]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        let err = stderr(&o);
        assert_reports(
            &err,
            &[
                "4 problems",
                r#"bad.json carers[1] (id "X") field id: duplicate id"#,
                r#"bad.json carers[0] (id "X") field occupied: occupied 3 is greater than places 1"#,
                r#"bad.json authorities[0] (id "E06000044") field location.lat"#,
                r#"bad.json children[1] (id "B") field school: unknown school "999999""#,
            ],
        );
        assert!(o.stdout.is_empty());
    }
}

/// Asserts that `err` contains every one of `expected`.
fn assert_reports(err: &str, expected: &[&str]) {
    for e in expected {
        assert!(err.contains(e), "missing {e:?} in:\n{err}");
    }
}

/// Writes `data` as a CSV folder through the binary's own generator format.
fn csv_folder(dir: &Path, files: &[(&str, &str)]) -> String {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir.display().to_string()
}

#[test]
fn invalid_csv_folder_reports_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_folder(
        dir.path(),
        &[
            ("authorities.csv", "id,name,lat,lon\nE06000044,Portsmouth,95,-1.08\n"),
            ("schools.csv", "id,name,lat,lon\n100001,A school,50.8,-1.0\n"),
            (
                "carers.csv",
                "id,authority,provider,lat,lon,places,occupied,min_age,max_age,skills,weekly_cost\n\
                 X,E06000044,in_house,50.8,-1.08,1,3,0,17,autism,500\n\
                 X,E06000044,ifa,50.8,-1.08,1,0,0,17,,300\n\
                 Z,E06000044,ifa,50.8,-1.08,one,0,0,17,,300\n",
            ),
            (
                "children.csv",
                "id,authority,age,school,needs,sibling_group,placement,max_distance_km\n\
                 A,E06000044,5,,autism,,foster,\n\
                 B,E06000044,6,999999,,,,\n",
            ),
        ],
    );
    let o = run(&["validate", "--dataset", &path]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert_reports(
        &err,
        &[
            "5 problems",
            r#"authorities.csv line 2 (id "E06000044") field lat"#,
            r#"carers.csv line 2 (id "X") field occupied: occupied 3 is greater than places 1"#,
            r#"carers.csv line 3 (id "X") field id: duplicate id"#,
            r#"carers.csv line 4 (id "Z") field places: "one" is not a whole number"#,
            r#"children.csv line 3 (id "B") field school: unknown school "999999""#,
        ],
    );
}

#[test]
fn json_type_errors_name_the_path_and_unknown_fields_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = tiny();
    d["carers"][1]["places"] = json!("two");
    let path = write(dir.path(), "typed.json", &d);
    let o = run(&["validate", "--dataset", &path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("typed.json carers[1].places"),
        "{}",
        stderr(&o)
    );

    let mut d = tiny();
    d["children"][0]["name"] = json!("Alice");
    let path = write(dir.path(), "unknown.json", &d);
    let o = run(&["validate", "--dataset", &path]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("children[0].name") && err.contains("unknown field"),
        "{err}"
    );

    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\"version\": 1,").unwrap();
    let o = run(&["validate", "--dataset", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn missing_file_exits_1() {
    let o = run(&["validate", "--dataset", "/nonexistent/placement/data.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("/nonexistent/placement/data.json"));
}

#[test]
fn validate_counts_a_valid_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "tiny.json", &tiny());
    let out = stdout(&ok(run(&["validate", "--dataset", &path])));
    assert!(
        out.starts_with("valid: 2 children, 2 places (2 carers, 0 homes) with 2 free"),
        "{out}"
    );
}

fn region() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/region")
        .display()
        .to_string()
}

#[test]
fn generate_is_deterministic_and_uses_the_region_files() {
    let args = |seed: &str| {
        vec![
            "generate",
            "--seed",
            seed,
            "--children",
            "15",
            "--carers",
            "30",
            "--homes",
            "4",
        ]
        .into_iter()
        .map(String::from)
        .chain(["--region".to_string(), region()])
        .collect::<Vec<_>>()
    };
    let a = ok(Command::new(BIN).args(args("7")).output().unwrap()).stdout;
    let b = ok(Command::new(BIN).args(args("7")).output().unwrap()).stdout;
    let c = ok(Command::new(BIN).args(args("8")).output().unwrap()).stdout;
    assert_eq!(a, b, "same arguments, same bytes");
    assert_ne!(a, c, "another seed, another dataset");
    let v: Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(v["children"].as_array().unwrap().len(), 15);
    assert_eq!(v["carers"].as_array().unwrap().len(), 30);
    // Real schools from data/region (DfE URNs, all digits), not synthetic ones.
    let schools = v["schools"].as_array().unwrap();
    assert!(schools.len() > 100);
    assert!(schools.iter().all(|s| s["id"]
        .as_str()
        .unwrap()
        .chars()
        .all(|c| c.is_ascii_digit())));
    let ids: Vec<&str> = v["authorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "E06000044",
            "E06000045",
            "E10000014",
            "E06000046",
            "E10000032"
        ]
    );

    // --out writes the same bytes as standard output.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.json");
    let mut with_out = args("7");
    with_out.extend(["--out".to_string(), out.display().to_string()]);
    ok(Command::new(BIN).args(&with_out).output().unwrap());
    assert_eq!(std::fs::read(&out).unwrap(), a);
}

#[test]
fn csv_folder_and_json_of_the_same_data_give_the_same_answer() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("d.json").display().to_string();
    let csv_path = dir.path().join("d_csv").display().to_string();
    let common = [
        "generate",
        "--seed",
        "11",
        "--children",
        "20",
        "--carers",
        "40",
        "--homes",
        "5",
        "--region",
    ];
    let r = region();
    ok(run(
        &[&common[..], &[r.as_str(), "--out", &json_path]].concat()
    ));
    ok(run(&[
        &common[..],
        &[r.as_str(), "--out", &csv_path, "--csv"],
    ]
    .concat()));
    assert!(Path::new(&csv_path).join("carers.csv").is_file());
    let a: Value =
        serde_json::from_str(&stdout(&ok(run(&["match", "--dataset", &json_path])))).unwrap();
    let b: Value =
        serde_json::from_str(&stdout(&ok(run(&["match", "--dataset", &csv_path])))).unwrap();
    assert_eq!(a["status"], "optimal");
    let (oa, ob) = (
        a["objective"].as_f64().unwrap(),
        b["objective"].as_f64().unwrap(),
    );
    assert!((oa - ob).abs() <= 1e-9 * oa.abs().max(1.0), "{oa} vs {ob}");
    assert_eq!(a["assignments"], b["assignments"]);
    assert_eq!(a["unplaced"], b["unplaced"]);
}

#[test]
fn rank_lists_eligible_places_cheapest_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "tiny.json", &tiny());
    // B can go to either carer: Y (300) ranks before X (500).
    let v: Value = serde_json::from_str(&stdout(&ok(run(&[
        "rank",
        "--dataset",
        &path,
        "--child",
        "B",
    ]))))
    .unwrap();
    let options: Vec<&str> = v["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["option"].as_str().unwrap())
        .collect();
    assert_eq!(options, ["Y", "X"]);
    // A needs autism: only X.
    let v: Value = serde_json::from_str(&stdout(&ok(run(&[
        "rank",
        "--dataset",
        &path,
        "--child",
        "A",
    ]))))
    .unwrap();
    assert_eq!(v["matches"].as_array().unwrap().len(), 1);
    assert_eq!(v["matches"][0]["option"], "X");
    // --top cuts the list; --system adds the rise of the optimum: B at X strands A (penalty 100,000, less 200 saved).
    let v: Value = serde_json::from_str(&stdout(&ok(run(&[
        "rank",
        "--dataset",
        &path,
        "--child",
        "B",
        "--system",
    ]))))
    .unwrap();
    let rise_at_x = v["matches"][1]["system_impact"]["rise"].as_f64().unwrap();
    assert!((rise_at_x - (100_000.0 - 300.0)).abs() < 1e-6, "{v}");
    let rise_at_y = v["matches"][0]["system_impact"]["rise"].as_f64().unwrap();
    assert!(rise_at_y.abs() < 1e-6, "{v}");
    let v: Value = serde_json::from_str(&stdout(&ok(run(&[
        "rank",
        "--dataset",
        &path,
        "--child",
        "B",
        "--top",
        "1",
    ]))))
    .unwrap();
    assert_eq!(v["matches"].as_array().unwrap().len(), 1);
    // An unknown child is invalid input.
    let o = run(&["rank", "--dataset", &path, "--child", "NOPE"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("NOPE"));
}

#[test]
fn logs_carry_counts_and_timings_but_no_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = tiny();
    // Distinctive ids and tags, so any leak is easy to spot.
    d["carers"][0]["id"] = json!("CARERSECRET1");
    d["children"][0]["id"] = json!("CHILDSECRET1");
    d["children"][0]["needs"] = json!(["autism"]);
    // A distinctive location (timings such as "ms=50.8" must not be mistaken for one).
    d["carers"][0]["location"] = loc(50.812345, -1.087654);
    let path = write(dir.path(), "tiny.json", &d);
    let o = Command::new(BIN)
        .args(["match", "--dataset", &path])
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        err.contains("dataset loaded") && err.contains("match solved"),
        "logging is on: {err}"
    );
    assert!(
        !err.contains("SECRET"),
        "a record leaked into the logs: {err}"
    );
    assert!(
        !err.contains("812345") && !err.contains("087654"),
        "a location leaked into the logs: {err}"
    );
    // And off by default.
    let o = run(&["match", "--dataset", &path]);
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
}

/// The table reports groups apart by policy (`none`) apart from the
/// non-strict groups the solve split, and both counts match the JSON and
/// the dataset's policies.
#[test]
fn match_table_reports_policy_none_groups_apart_from_split_groups() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/demo/south_coast.json")
        .display()
        .to_string();
    let raw: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).expect("demo JSON");
    let v: Value = serde_json::from_str(&stdout(&ok(run(&["match", "--dataset", &path]))))
        .expect("stdout is JSON");
    // Each child's place and constellation, from the answer.
    let mut at = std::collections::HashMap::new();
    for a in v["assignments"].as_array().unwrap() {
        at.insert(
            a["child"].as_str().unwrap().to_string(),
            (a["place"].clone(), a["constellation"].clone()),
        );
    }
    let mut apart_by_policy = 0;
    for g in raw["sibling_groups"].as_array().unwrap() {
        let members: Vec<&Value> = raw["children"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["sibling_group"] == g["id"])
            .collect();
        if g["keep_together"] != "none" || members.len() < 2 {
            continue;
        }
        let placed: Vec<_> = members
            .iter()
            .filter_map(|c| at.get(c["id"].as_str().unwrap()))
            .collect();
        let all = placed.len() == members.len();
        let one_place = placed.iter().all(|p| p.0 == placed[0].0);
        let one_constellation = placed.iter().all(|p| !p.1.is_null() && p.1 == placed[0].1);
        if !placed.is_empty() && !(all && (one_place || one_constellation)) {
            apart_by_policy += 1;
        }
    }
    let siblings = &v["breakdown"]["siblings"];
    assert_eq!(siblings["apart_by_policy"], apart_by_policy, "{siblings}");
    let split = v["split_groups"].as_array().unwrap();
    assert!(split.iter().all(|g| g["keep_together"] != "none"), "{v}");
    let places: u64 = split.iter().map(|g| g["places"].as_u64().unwrap()).sum();
    assert!(
        !split.is_empty(),
        "the demo splits a group at the default weights"
    );
    let out = stdout(&ok(run(&[
        "match",
        "--dataset",
        &path,
        "--format",
        "table",
    ])));
    assert!(
        out.contains(&format!(
            "\n    not kept together by policy (none): {apart_by_policy}\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "\n    split or partly placed (not strict): {}, placed members in {places} places\n",
            split.len()
        )),
        "{out}"
    );
    assert!(!out.contains("policy none, or not strict"), "{out}");
}
