//! `placement sufficiency`: the service function on the demo stock and one
//! authority's demo extract, every committed scenario, the renderings, and
//! scenario files with problems located by file, line and field.

use std::path::{Path, PathBuf};

use api::load::read_raw;
use api::render::{sufficiency, sufficiency_chart};
use api::scenario_file::load_scenarios;
use api::service::sufficiency::{sufficiency as run, SufficiencyRequest};
use api::ssda903::demand::demand_from_ssda903;
use api::ApiError;

mod support;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn report(
    scenarios: &Path,
    draws: u32,
) -> Result<api::service::sufficiency::SufficiencyReport, ApiError> {
    report_checked(scenarios, draws, 6, 0)
}

fn report_checked(
    scenarios: &Path,
    draws: u32,
    months: u32,
    check_value_of_place: u32,
) -> Result<api::service::sufficiency::SufficiencyReport, ApiError> {
    let root = repo();
    let (stock, _, _) = read_raw(&root.join("data/demo/south_coast.json"))?;
    let demand = demand_from_ssda903(
        &root.join("data/ssda903/demo/E06000046"),
        &root.join("data"),
        &stock,
    )?;
    let sources = load_scenarios(scenarios)?;
    let request = SufficiencyRequest {
        months,
        draws,
        seed: 11,
        check_value_of_place,
    };
    run(stock, demand, &sources, &request, &|_, _| {})
}

#[test]
fn every_committed_scenario_runs_on_the_demo_region_and_renders() {
    let r = report(&repo().join("data/scenarios"), 2).expect("runs");
    let names: Vec<&str> = r.result.scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "base",
            "agency_withdraws_30",
            "inhouse_drive_portsmouth",
            "more_teenagers",
            "new_four_bed_home",
            "two_mockingbird_constellations"
        ]
    );
    assert_eq!(r.authorities, ["E06000046"]);
    let base = &r.result.scenarios[0];
    assert_eq!(base.by_month.len(), 6);
    let la = base.by_month[5].kpis["looked_after"];
    assert!(la.p10 > 150.0 && la.p90 < 300.0, "{la:?}");
    // Same seed, same numbers.
    let again = report(&repo().join("data/scenarios"), 2).expect("runs");
    assert_eq!(r.result, again.result);
    // More teenagers enter.
    let entrants = |s: usize| -> f64 {
        r.result.scenarios[s]
            .by_month
            .iter()
            .map(|m| m.kpis["entrants"].mean)
            .sum()
    };
    assert!(entrants(3) > entrants(0));
    // The renderings.
    let csv = sufficiency::csv(&r).expect("csv");
    let keys = base.by_month[0].kpis.len();
    // Each scenario's value of one more place follows its months (no check run).
    let values: usize = r
        .result
        .scenarios
        .iter()
        .map(|s| s.value_of_place.len())
        .sum();
    assert!(values > 0, "no value of one more place");
    assert!(r.result.scenarios[0].value_of_place[0].check.is_none());
    assert_eq!(csv.lines().count(), 1 + 6 * 6 * keys * 4 + values * 4);
    assert!(csv.contains("\nbase,horizon,value_of_place.E06000046."));
    assert!(csv.starts_with("scenario,month,kpi,quantile,value\nbase,1,"));
    let table = sufficiency::table(&r);
    assert!(table.contains("children looked after"));
    assert!(table.contains("two_mockingbird_constellations"));
    assert!(table.contains("Value of one more place over 6 months"));
    let svg = sufficiency_chart::svg(&r).expect("svg");
    assert!(svg.starts_with("<svg") && svg.contains("Children looked after"));
    let json = serde_json::to_value(&r).expect("json");
    assert_eq!(json["result"]["scenarios"][0]["by_month"][5]["month"], 6);
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

#[test]
fn the_value_of_one_more_place_is_checked_by_re_solving_each_month() {
    let r = report_checked(&repo().join("data/scenarios/base.toml"), 2, 4, 2).expect("runs");
    let values = &r.result.scenarios[0].value_of_place;
    assert!(values.len() > 2);
    for v in &values[..2] {
        let c = v.check.as_ref().expect("checked");
        // Months the class had a place in the matching, both draws.
        assert!(c.months > 0 && c.months <= 2 * 4, "{c:?}");
        assert!(c.months_differing <= c.months);
        // The integer re-solve is close to the dual on the demo stock.
        assert!(
            (c.resolved.mean - v.value.mean).abs() <= 0.5 * v.value.mean.abs() + 100.0,
            "{v:?}"
        );
    }
    assert!(values[2].check.is_none());
    let csv = sufficiency::csv(&r).expect("csv");
    assert_eq!(csv.matches(",value_of_place_resolved.").count(), 2 * 4);
    let table = sufficiency::table(&r);
    assert!(table.contains("re-solved (same months)"));
    let c = values[0].check.as_ref().expect("checked");
    assert!(table.contains(&format!("{} of {}", c.months_differing, c.months)));
    let json = serde_json::to_value(&r).expect("json");
    let check = &json["result"]["scenarios"][0]["value_of_place"][0]["check"];
    assert!(check["resolved"]["p50"].is_number() && check["months_differing"].is_number());
}

#[test]
fn scenario_files_report_every_problem_with_file_line_and_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "a.toml",
        "name = \"a\"\ncolour = \"red\"\n\n[[recruit]]\ncount = 2\nprovider = \"in_house\"\nauthority = \"E06000044\"\n\n[[recruit]]\ncount = \"many\"\nprovider = \"in_house\"\nauthority = \"E06000044\"\n",
    );
    write(dir.path(), "b.toml", "name = \"b\"\nmonths = [\n");
    let Err(ApiError::InvalidDataset(p)) = load_scenarios(dir.path()) else {
        panic!("bad files accepted");
    };
    let text: Vec<String> = p.iter().map(|p| p.to_string()).collect();
    assert_eq!(p.len(), 3, "{text:#?}");
    assert!(
        text[0].contains("a.toml line 2 field colour: unknown key"),
        "{}",
        text[0]
    );
    assert!(
        text[1].contains("a.toml line 10 field recruit[1].count: invalid type"),
        "{}",
        text[1]
    );
    assert!(text[2].contains("b.toml line 2"), "{}", text[2]);

    // Problems the optimiser finds against the dataset, located too.
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "c.toml",
        "name = \"c\"\n\n[[recruit]]\ncount = 2\nprovider = \"in_house\"\nauthority = \"E99999999\"\nmonth = 0\n\n[[homes_closed]]\nid = \"NOPE\"\n",
    );
    let Err(ApiError::InvalidDataset(p)) = report(dir.path(), 1) else {
        panic!("bad scenario accepted");
    };
    let text: Vec<String> = p.iter().map(|p| p.to_string()).collect();
    assert_eq!(text.len(), 3, "{text:#?}");
    assert!(
        text[0].contains("c.toml line 6 field recruit[0].authority"),
        "{}",
        text[0]
    );
    assert!(
        text[1].contains("c.toml line 7 field recruit[0].month"),
        "{}",
        text[1]
    );
    assert!(
        text[2].contains("c.toml line 10 field homes_closed[0].id"),
        "{}",
        text[2]
    );
}

#[test]
fn the_command_writes_a_table_and_a_chart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let chart = dir.path().join("chart.svg");
    let root = repo();
    let o = support::run(&[
        "sufficiency",
        "--dataset",
        &root
            .join("data/demo/south_coast.json")
            .display()
            .to_string(),
        "--ssda903",
        &root
            .join("data/ssda903/demo/E06000046")
            .display()
            .to_string(),
        "--scenarios",
        &root.join("data/scenarios/base.toml").display().to_string(),
        "--months",
        "3",
        "--draws",
        "2",
        "--format",
        "table",
        "--chart",
        &chart.display().to_string(),
        "--data",
        &root.join("data").display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", support::stderr(&o));
    assert!(support::stdout(&o).contains("at month 3"));
    assert!(support::stderr(&o).is_empty(), "no progress bar when piped");
    assert!(std::fs::read_to_string(&chart)
        .expect("chart")
        .contains("</svg>"));
    let bad = support::run(&[
        "sufficiency",
        "--dataset",
        "x.json",
        "--scenarios",
        "y",
        "--ssda903",
        "z",
        "--draws",
        "0",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_documented_scenario_file_is_valid_on_the_demo_region() {
    let doc = std::fs::read_to_string(repo().join("docs/sufficiency.md")).expect("docs");
    let start = doc.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + doc[start..].find("```").expect("closed");
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "example.toml", &doc[start..end]);
    let r = report(dir.path(), 1).expect("the documented example runs");
    assert_eq!(r.result.scenarios[0].name, "example");
    assert_eq!(r.result.scenarios[0].months, 36);
}
