//! `placement backtest` on the committed DfE statistics (issue 12): every
//! authority with complete data is compared, each error against the right
//! year, the naive forecasts checked by hand from the CSV, and a bad cell
//! located by file, row and column.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use api::service::backtest::{backtest, BacktestReport};
use api::ApiError;
use optimiser::sufficiency::backtest::{BacktestConfig, Comparison, Metric};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")
}

fn report() -> BacktestReport {
    backtest(&data(), &BacktestConfig::default()).expect("the committed data back-test")
}

/// (GSS, year, population type) → the published count, read here apart
/// from the api's loader; suppressed cells are absent.
fn numbers() -> BTreeMap<(String, i32, String), f64> {
    let path = data().join("dfe/dfe_cla_number_and_rate_per_10k_children_2021_2025.csv");
    let mut r = csv::Reader::from_path(&path).expect("numbers file");
    let h: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(|s| s.trim_start_matches('\u{feff}').to_string())
        .collect();
    let col = |n: &str| h.iter().position(|x| x == n).expect(n);
    let (lvl, gss, year, pop, count) = (
        col("geographic_level"),
        col("new_la_code"),
        col("time_period"),
        col("population_type"),
        col("children_count"),
    );
    let mut out = BTreeMap::new();
    for row in r.records() {
        let row = row.expect("row");
        if &row[lvl] != "Local authority" {
            continue;
        }
        if let (Ok(y), Ok(n)) = (row[year].parse::<i32>(), row[count].parse::<f64>()) {
            out.insert((row[gss].to_string(), y, row[pop].to_string()), n);
        }
    }
    out
}

/// GSS codes with at least one age group published on 31 March 2023.
fn ages_2023() -> BTreeSet<String> {
    let path = data().join("dfe/dfe_la_cla_on_31_march_by_characteristics_2021_2025_subset.csv");
    let mut r = csv::Reader::from_path(&path).expect("characteristics file");
    let h: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let col = |n: &str| h.iter().position(|x| x == n).expect(n);
    let (lvl, gss, year, group, what, n) = (
        col("geographic_level"),
        col("new_la_code"),
        col("time_period"),
        col("cla_group"),
        col("characteristic"),
        col("number"),
    );
    r.records()
        .map(|row| row.expect("row"))
        .filter(|row| {
            &row[lvl] == "Local authority"
                && &row[year] == "2023"
                && &row[group] == "Age group"
                && &row[what] != "Total"
                && row[n].parse::<f64>().is_ok()
        })
        .map(|row| row[gss].to_string())
        .collect()
}

const LA: &str = "Children looked after on 31 March each year";

#[test]
fn every_authority_with_complete_data_is_compared() {
    let r = report();
    let numbers = numbers();
    let ages = ages_2023();
    let all: BTreeSet<String> = numbers.keys().map(|k| k.0.clone()).collect();
    let complete: BTreeSet<String> = all
        .iter()
        .filter(|g| {
            (2021..=2023).all(|y| {
                [
                    LA,
                    "Children starting to be looked after each year",
                    "Children ceasing to be looked after each year",
                ]
                .iter()
                .all(|p| numbers.contains_key(&((*g).clone(), y, p.to_string())))
            }) && ages.contains(*g)
                && [2024, 2025]
                    .iter()
                    .any(|y| numbers.contains_key(&((*g).clone(), *y, LA.to_string())))
        })
        .cloned()
        .collect();
    let compared: BTreeSet<String> = r
        .backtest
        .authorities
        .iter()
        .map(|a| a.gss.clone())
        .collect();
    let only_compared: Vec<_> = compared.difference(&complete).collect();
    let only_complete: Vec<_> = complete.difference(&compared).collect();
    assert!(
        only_compared.is_empty() && only_complete.is_empty(),
        "compared but incomplete: {only_compared:?}; complete but not compared: {only_complete:?}"
    );
    assert!(compared.len() > 130, "{} authorities", compared.len());
    // Every other authority is listed as left out, with a reason.
    let excluded: BTreeSet<String> = r.backtest.excluded.iter().map(|e| e.gss.clone()).collect();
    // (`all` holds the authorities with any published count; Isles of
    // Scilly, every cell suppressed, is among the left out only.)
    assert!(all.is_subset(&compared.union(&excluded).cloned().collect()));
    assert!(compared.is_disjoint(&excluded));
    assert!(excluded.contains("E06000053"), "Isles of Scilly left out");
    assert!(r.backtest.excluded.iter().all(|e| !e.reason.is_empty()));
    // The summary counts every compared authority for the total.
    let s = r
        .backtest
        .summary
        .iter()
        .find(|s| s.year == 2024 && s.metric == Metric::LookedAfter)
        .expect("summary of 2024");
    assert_eq!(s.authorities, compared.len());
}

fn total(r: &BacktestReport, gss: &str, year: i32) -> Comparison {
    r.backtest
        .authorities
        .iter()
        .find(|a| a.gss == gss)
        .and_then(|a| {
            a.comparisons
                .iter()
                .find(|c| c.year == year && c.metric == Metric::LookedAfter)
        })
        .cloned()
        .expect("compared")
}

#[test]
fn errors_are_against_the_right_year_and_the_naive_forecasts_by_hand() {
    let r = report();
    let numbers = numbers();
    // Every authority's actual total is its own published figure of that year.
    for a in &r.backtest.authorities {
        for c in a
            .comparisons
            .iter()
            .filter(|c| c.metric == Metric::LookedAfter)
        {
            assert!(c.year == 2024 || c.year == 2025);
            assert_eq!(
                Some(c.actual),
                numbers
                    .get(&(a.gss.clone(), c.year, LA.to_string()))
                    .copied(),
                "{} {}",
                a.gss,
                c.year
            );
            let y2023 = numbers[&(a.gss.clone(), 2023, LA.to_string())];
            assert_eq!(c.carried_forward.value, y2023);
            assert_eq!(c.carried_forward.abs_error, (c.actual - y2023).abs());
        }
    }
    // Portsmouth, from the CSV by hand: 380, 386, 388 (2021–2023); 402 in 2024 and 2025.
    let c = total(&r, "E06000044", 2024);
    assert_eq!(c.actual, 402.0);
    assert_eq!(c.carried_forward.abs_error, 14.0); // |402 − 388|
                                                   // Trend: mean 384.667 at 2022, slope 4 a year: 392.667 in 2024, 396.667 in 2025.
    assert!((c.linear_trend.value - (384.0 + 2.0 / 3.0 + 8.0)).abs() < 1e-9);
    assert!((c.linear_trend.abs_error - (402.0 - 392.0 - 2.0 / 3.0)).abs() < 1e-9);
    let c = total(&r, "E06000044", 2025);
    assert_eq!(c.actual, 402.0);
    assert_eq!(c.carried_forward.abs_error, 14.0);
    assert!((c.linear_trend.value - (384.0 + 2.0 / 3.0 + 12.0)).abs() < 1e-9);
    assert!((c.model.pct_error.unwrap_or(-1.0) - 100.0 * c.model.abs_error / 402.0).abs() < 1e-9);
}

#[test]
fn a_bad_cell_is_located_by_file_row_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("dfe")).expect("dfe dir");
    for e in std::fs::read_dir(data().join("dfe")).expect("data/dfe") {
        let p = e.expect("entry").path();
        std::fs::copy(
            &p,
            dir.path().join("dfe").join(p.file_name().expect("name")),
        )
        .expect("copy");
    }
    let f = dir
        .path()
        .join("dfe/dfe_la_cla_during_year_new_placements_2021_2025_subset.csv");
    let text = std::fs::read_to_string(&f).expect("read");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let row = lines
        .iter()
        .position(|l| l.contains("E06000044") && l.starts_with("2022"))
        .expect("Portsmouth 2022");
    let cells: Vec<&str> = lines[row].split(',').collect();
    let n = cells.len();
    let mut cells: Vec<String> = cells.into_iter().map(String::from).collect();
    cells[n - 2] = "lots".into();
    lines[row] = cells.join(",");
    std::fs::write(&f, lines.join("\n") + "\n").expect("write");
    let Err(ApiError::InvalidDataset(problems)) = backtest(dir.path(), &BacktestConfig::default())
    else {
        panic!("a bad cell must be refused");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert!(p.file.ends_with("new_placements_2021_2025_subset.csv"));
    assert_eq!(p.location, format!("row {}", row + 1));
    assert_eq!(p.field.as_deref(), Some("children_count"));
    assert_eq!(p.record.as_deref(), Some("E06000044"));
}
