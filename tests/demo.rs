//! The committed demo dataset loads through the CLI's own loader, solves to
//! proven optimality, and its solution passes the independent checker.

use std::path::Path;

use optimiser::matching::{self, MatchConfig};
use optimiser::solver::SolveStatus;

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn demo_dataset_solves_to_proven_optimality_and_passes_the_checker() {
    let data =
        api::load_dataset(&repo("data/demo/south_coast.json")).expect("the demo dataset is valid");
    assert_eq!(data.children().len(), 120);
    assert_eq!(data.authorities().len(), 5);
    let config = MatchConfig::default();
    let solution = matching::solve(&data, &config).expect("solves");
    assert_eq!(solution.status, SolveStatus::Optimal);
    assert!(solution.gap <= 1e-6, "gap {}", solution.gap);
    let recomputed =
        optimiser::checker::check(&data, &config.weights, &solution.placement).expect("feasible");
    assert!((recomputed - solution.objective).abs() <= 1e-6 * solution.objective.max(1.0));
    assert_eq!(
        solution.assignments.len() + solution.unplaced.len(),
        data.children().len()
    );
    // The demo is sized so that most children are placed.
    assert!(
        solution.assignments.len() * 10 >= data.children().len() * 8,
        "{} placed",
        solution.assignments.len()
    );
}

#[test]
fn demo_csv_folder_loads_and_matches_its_generator_output() {
    let data =
        api::load_dataset(&repo("data/demo/south_coast_csv")).expect("the CSV demo is valid");
    assert_eq!(data.children().len(), 25);
    // The folder was written by `placement generate --seed 7 --children 25 --carers 60 --homes 8 --csv`
    // from data/region: regenerating it must give the same tables.
    let region = api::region::load_region(&repo("data/region")).expect("region loads");
    let mut spec = optimiser::generator::GeneratorSpec::new(7, 25, 60, 8);
    spec.region = region;
    let raw = optimiser::generator::generate_raw(&spec);
    let (from_csv, _, problems) =
        api::csv_tables::read_folder(&repo("data/demo/south_coast_csv")).expect("reads");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(from_csv, raw);
}

#[test]
fn demo_json_is_the_generator_output_for_its_seed() {
    let region = api::region::load_region(&repo("data/region")).expect("region loads");
    let mut spec = optimiser::generator::GeneratorSpec::new(2026, 120, 500, 50);
    spec.region = region;
    let raw = optimiser::generator::generate_raw(&spec);
    let committed = api::load::read_json(&repo("data/demo/south_coast.json")).expect("reads");
    assert_eq!(
        committed, raw,
        "data/demo/south_coast.json is stale: regenerate it (see data/SOURCES.md)"
    );
}
