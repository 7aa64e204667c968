//! SSDA903 extracts and `placement rates`: bad rows reported with file, row
//! and column (never a date of birth), the committed demo extract, the DfE
//! statistics, and the synthetic writer read back.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod support;

use support::{run, stderr, stdout};

const HEADER: &str = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";
const EPISODES: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn extract(header: &str, episodes: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("header.csv"), format!("{HEADER}{header}")).expect("write");
    std::fs::write(
        dir.path().join("episodes.csv"),
        format!("{EPISODES}{episodes}"),
    )
    .expect("write");
    dir
}

fn rates(dir: &Path, extra: &[&str]) -> Output {
    let d = dir.display().to_string();
    let mut args = vec!["rates", "--ssda903", d.as_str()];
    args.extend_from_slice(extra);
    run(&args)
}

fn json(o: &Output) -> Value {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    serde_json::from_str(&stdout(o)).expect("JSON")
}

#[test]
fn a_small_extract_gives_its_counts() {
    // A: in care from 1 Jan 2023 (aged 8), moved on 1 Jan 2024, left 1 Jul 2024.
    // B: in care throughout, legal status changed (not a move).
    let dir = extract(
        "A,1,15/06/2014,WBRI,,,\nB,2,2009-02-01,WBRI,,,\n",
        "A,01/01/2023,S,V2,N1,U4,PR1,01/01/2024,X1,,PO1,PO4,\n\
         A,01/01/2024,P,C2,N1,K2,PR4,01/07/2024,E4A,CARPL,PO1,SO14,1239948\n\
         B,01/04/2020,S,C1,N4,U1,PR1,01/06/2023,X1,,PO2,PO2,\n\
         B,01/06/2023,L,C2,N4,U1,PR1,,,,PO2,PO2,\n",
    );
    let v = json(&rates(
        dir.path(),
        &["--window-start", "2023-03-31", "--window-end", "2025-03-31"],
    ));
    let r = &v["rates"];
    assert_eq!(r["children"], 2);
    let sum = |key: &str, field: &str| -> f64 {
        r[key]
            .as_array()
            .expect("array")
            .iter()
            .map(|e| e[field].as_f64().unwrap_or(0.0))
            .sum()
    };
    assert_eq!(sum("exits", "events"), 1.0);
    assert_eq!(sum("moves", "events"), 1.0);
    assert_eq!(sum("entries", "events"), 0.0);
    // A: 31/03/2023–01/07/2024; B: 31/03/2023–31/03/2025, in days / 30.4375.
    let expected = (458.0 + 731.0) / 30.4375;
    assert!(
        (sum("exits", "exposure") - expected).abs() < 1e-6,
        "{}",
        sum("exits", "exposure")
    );
    assert_eq!(v["window_end"], "2025-03-31");
}

#[test]
fn every_bad_row_is_reported_with_file_row_and_column_and_no_date_of_birth() {
    let dir = extract(
        // row 2 ok, row 3 missing DOB, row 4 unparsable DOB, row 5 bad SEX
        "A,1,15/06/2014,,,,\nB,2,,,,,\nC,1,31/02/2012,,,,\nD,3,01/01/2010,,,,\nA,2,16/06/2014,,,,\n",
        "A,01/01/2023,S,V2,N1,Q9,PR1,01/01/2024,X1,,PO1,PO1,\n\
         A,01/02/2023,P,C2,N1,U4,PR9,,,,PO1,PO1,\n\
         A,01/01/2022,S,ZZ,N1,U4,PR1,01/12/2021,X1,,PO1,PO1,\n\
         Z,01/01/2023,S,C2,N1,U4,PR1,,,,PO1,PO1,\n\
         D,2023-13-01,Q,C2,N9,U4,PR1,,,,ZZ99,PO1,\n\
         D,01/01/2021,S,C2,N1,U4,PR1,01/01/2022,E99,,PO1,PO1,\n\
         A,01/01/2019,S,V2,N1,U4,PR1,,X1,,PO1,PO1,\n\
         A,01/01/2018,S,V2,N1,U4,PR1,01/02/2018,,,PO1,PO1,\n\
         A,01/01/2010,S,V2,N1,U4,PR1,01/02/2010,E4A,,PO1,PO1,\n",
    );
    let o = rates(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "stdout: {}", stdout(&o));
    let err = stderr(&o);
    let expect = [
        "header.csv row 3 (id \"B\") field DOB: DOB is missing",
        "header.csv row 4 (id \"C\") field DOB: DOB is not a date",
        "header.csv row 5 (id \"D\") field SEX: SEX must be 1 (male) or 2 (female)",
        "episodes.csv row 2 (id \"A\") field PLACE: PLACE \"Q9\" is not a known code",
        "episodes.csv row 3 (id \"A\") field PLACE_PROVIDER: PLACE_PROVIDER \"PR9\" is not a known code",
        "episodes.csv row 4 (id \"A\") field LS: LS \"ZZ\" is not a known code",
        "episodes.csv row 4 (id \"A\") field DEC: DEC is before DECOM",
        "episodes.csv row 5 (id \"Z\") field CHILD: the child is not in the Header table",
        "episodes.csv row 6 (id \"D\") field DECOM: DECOM is not a date",
        "episodes.csv row 6 (id \"D\") field RNE: RNE \"Q\" is not a known code",
        "episodes.csv row 6 (id \"D\") field CIN: CIN must be N1 to N8, got \"N9\"",
        "episodes.csv row 6 (id \"D\") field HOME_POST: HOME_POST \"ZZ99\" is not a known postcode district",
        "episodes.csv row 7 (id \"D\") field REC: REC \"E99\" is not a known code",
        "header.csv row 6 (id \"A\") field CHILD: the child is already on row 2",
        "episodes.csv row 8 (id \"A\") field REC: REC is given but DEC is empty",
        "episodes.csv row 9 (id \"A\") field REC: REC is missing for an episode with a DEC",
        "episodes.csv row 10 (id \"A\") field DECOM: DECOM is before the child's date of birth",
    ];
    for e in expect {
        assert!(err.contains(e), "missing {e:?} in:\n{err}");
    }
    for dob in [
        "15/06/2014",
        "16/06/2014",
        "31/02/2012",
        "01/01/2010",
        "2014",
        "2012",
    ] {
        assert!(
            !err.contains(dob),
            "a date of birth ({dob}) is echoed:\n{err}"
        );
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn overlapping_episodes_and_open_ones_followed_by_another_are_refused() {
    let dir = extract(
        "A,1,15/06/2014,,,,\nB,2,15/06/2012,,,,\n",
        "A,01/01/2023,S,V2,N1,U4,PR1,01/06/2023,X1,,PO1,PO1,\n\
         A,01/05/2023,P,V2,N1,U4,PR1,,,,PO1,PO1,\n\
         B,01/01/2023,S,V2,N1,U4,PR1,,,,PO1,PO1,\n\
         B,01/05/2023,P,V2,N1,U5,PR4,,,,PO1,PO1,\n\
         B,01/01/2024,P,V2,N1,U6,PR4,,,,PO1,PO1,\n",
    );
    let o = rates(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("episodes.csv row 3 (id \"A\") field DECOM: the episode overlaps another of the same child: it starts before the episode on row 2 ends"), "{err}");
    assert!(err.contains("episodes.csv row 5 (id \"B\") field DECOM: the episode overlaps another of the same child: it starts while the episode on row 4 is still open"), "{err}");
    assert!(
        err.contains("episodes.csv row 6 (id \"B\") field DECOM"),
        "{err}"
    );
}

#[test]
fn missing_columns_and_files_are_named() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("header.csv"), "CHILD,SEX\nA,1\n").expect("write");
    std::fs::write(dir.path().join("episodes.csv"), EPISODES).expect("write");
    let err = stderr(&rates(dir.path(), &[]));
    assert!(
        err.contains("header.csv row 1 field DOB: the column is missing"),
        "{err}"
    );
    std::fs::remove_file(dir.path().join("episodes.csv")).expect("rm");
    let o = rates(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("exactly one .csv file with \"episode\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rates_on_the_committed_demo_extract() {
    let dir = repo().join("data/ssda903/demo/E06000044");
    let v = json(&rates(&dir, &[]));
    assert_eq!(v["authority"], "E06000044");
    assert_eq!(v["window_end"], "2025-03-31");
    assert_eq!(v["window_start"], "2022-03-31");
    let r = &v["rates"];
    let children = r["children"].as_u64().unwrap_or(0);
    assert!((300..=1000).contains(&children), "{children} children");
    for e in r["exits"].as_array().expect("exits") {
        let (d, x, h) = (
            e["events"].as_f64(),
            e["exposure"].as_f64(),
            e["rate"].as_f64(),
        );
        let (Some(d), Some(x), Some(h)) = (d, x, h) else {
            panic!("numbers: {e}")
        };
        assert!(x > 0.0 && (h - d / x).abs() < 1e-12, "{e}");
    }
    let t = run(&[
        "rates",
        "--ssda903",
        &dir.display().to_string(),
        "--format",
        "table",
    ]);
    assert_eq!(t.status.code(), Some(0), "{}", stderr(&t));
    let text = stdout(&t);
    for s in [
        "Window: 2022-03-31 to 2025-03-31",
        "Leaving care per child-month",
        "Placement moves",
        "Leaving at 18",
    ] {
        assert!(text.contains(s), "{s:?} missing:\n{text}");
    }
}

#[test]
fn rates_from_the_dfe_statistics_for_portsmouth() {
    let v = json(&run(&[
        "rates",
        "--dfe-statistics",
        "--authority",
        "E06000044",
    ]));
    assert_eq!(v["authority_name"], "Portsmouth");
    assert_eq!(
        (v["window_start"].as_str(), v["window_end"].as_str()),
        (Some("2022-03-31"), Some("2025-03-31"))
    );
    let r = &v["rates"];
    // Published: starts 153 + 168 + 157, ceases 157 + 156 + 158 (2023–2025),
    // looked after 386, 388, 402, 402 (2022–2025).
    assert_eq!(r["entries"][0]["events"].as_f64(), Some(478.0));
    // Ceases less those turning 18: half of those aged 16+ on 31 March 2022–2024.
    let turning_18 = r["leaving_at_18"]["reached"].as_f64().unwrap_or(0.0);
    assert!(turning_18 > 100.0, "{turning_18}");
    assert_eq!(r["exits"][0]["events"].as_f64(), Some(471.0 - turning_18));
    let exposure = ((386.0 + 388.0) / 2.0 + (388.0 + 402.0) / 2.0 + 402.0) * 12.0;
    assert_eq!(r["exits"][0]["exposure"].as_f64(), Some(exposure));
    assert!(r["exits"][0]["age_band"].is_null());
    let t = run(&[
        "rates",
        "--dfe-statistics",
        "--authority",
        "E06000044",
        "--format",
        "table",
        "--window-start",
        "2023-03-31",
    ]);
    assert!(
        stdout(&t).contains("Window: 2023-03-31 to 2025-03-31 (24.0 months)"),
        "{}",
        stdout(&t)
    );
    let bad = run(&["rates", "--dfe-statistics", "--authority", "E99999999"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("no local authority with this GSS code"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn the_committed_demo_extract_is_what_the_command_writes() {
    for gss in [
        "E06000044",
        "E06000045",
        "E10000014",
        "E06000046",
        "E10000032",
    ] {
        let out = tempfile::tempdir().expect("temp");
        let o = run(&[
            "ssda903-synth",
            "--authority",
            gss,
            "--seed",
            "2026",
            "--out",
            &out.path().display().to_string(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        for f in ["header.csv", "episodes.csv"] {
            let committed = std::fs::read(repo().join("data/ssda903/demo").join(gss).join(f))
                .expect("committed");
            let fresh = std::fs::read(out.path().join(f)).expect("written");
            assert!(
                committed == fresh,
                "data/ssda903/demo/{gss}/{f} differs from the command's output"
            );
        }
    }
}

/// End to end: a synthetic extract drawn with known rates, written as CSV,
/// read back and estimated, recovers every exit and move hazard within four
/// (Poisson) standard errors `sqrt(h / E)` wherever at least 10 events are
/// expected.
#[test]
fn rates_read_back_from_a_written_synthetic_extract_recover_the_truth() {
    use api::ssda903::{load_extract, write_extract, Date, Districts, DISTRICTS_FILE};
    use optimiser::sufficiency::{estimate, generate_extract, SynthParams, TrueRates, Window};

    let params = SynthParams {
        id_prefix: "T".into(),
        months: 252.0,
        extract_months: 60.0,
        truth: TrueRates::typical(1500.0),
        home_districts: vec!["PO1".into(), "PO4".into()],
        placement_districts: vec!["PO1".into(), "SO14".into(), "BN1".into()],
        home_urns: vec!["SC037588".into()],
    };
    let x = generate_extract(&params, 11);
    let dir = tempfile::tempdir().expect("temp");
    let Some(end) = Date::new(2025, 3, 31) else {
        panic!("date")
    };
    write_extract(&x, end, dir.path()).expect("written");
    let districts = Districts::load(&repo().join("data").join(DISTRICTS_FILE)).expect("districts");
    let read = load_extract(dir.path(), &districts, None).expect("reads back");
    assert_eq!(read.origin, end);
    assert_eq!(read.histories.len(), x.children.len());
    let start = end.minus_calendar_months(60);
    let r = estimate(
        &read.histories,
        Window {
            start: start.months_since(end),
            end: 0.0,
        },
    );
    let truth = &params.truth;
    let mut checked = 0;
    let mut check = |what: String, rate: f64, exposure: f64, h: f64| {
        if h * exposure >= 10.0 {
            let se = (h / exposure).sqrt();
            assert!(
                (rate - h).abs() <= 4.0 * se,
                "{what}: {rate} vs true {h} (4 SE {})",
                4.0 * se
            );
            checked += 1;
        }
    };
    for e in &r.exits {
        let (Some(b), Some(k), Some(t)) = (e.age_band, e.kind, e.time_in_care) else {
            panic!("keys")
        };
        check(
            format!("exit {b:?} {k:?} {t:?}"),
            e.estimate.rate,
            e.estimate.exposure,
            truth.exit(b, k, t),
        );
    }
    for m in &r.moves {
        let Some(k) = m.kind else { panic!("kind") };
        check(
            format!("move {k:?}"),
            m.estimate.rate,
            m.estimate.exposure,
            truth.move_hazard(k),
        );
    }
    assert!(checked >= 40, "only {checked} cells checked");
}
