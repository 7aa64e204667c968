//! A monthly dataset of a sufficiency projection (demo stock, scenario
//! `recruit_10`: 10 in-house households in Hampshire in month 1, seed 2026,
//! one of 10 draws, month 6) on which `matching::solve` with the default
//! column-generation strategy used to fail: one of its pricing LPs ends in
//! HiGHS with model status `Unknown` (a dual infeasibility of 0.53 the dual
//! simplex cannot clean up). Pricing now reads such an LP back (its duals
//! still price, and the bound holds for any duals), so the default solve
//! answers, proven optimal, with the full model's objective.

use optimiser::dataset::{Dataset, RawDataset};
use optimiser::matching::{solve, MatchConfig, Strategy};

fn data() -> Dataset {
    let text = include_str!("fixtures/matching_highs_status_unknown.json");
    let raw: RawDataset = serde_json::from_str(text).expect("fixture parses");
    Dataset::try_from(raw).expect("fixture is valid")
}

#[test]
fn the_full_strategy_solves_it() {
    let s = solve(
        &data(),
        &MatchConfig {
            strategy: Strategy::Full,
            ..MatchConfig::default()
        },
    )
    .expect("full model solves");
    assert_eq!(s.assignments.len() + s.unplaced.len(), 169);
}

#[test]
fn the_default_strategy_solves_it_to_the_full_models_optimum() {
    let data = data();
    let priced = solve(&data, &MatchConfig::default()).expect("default strategy solves");
    let full = solve(
        &data,
        &MatchConfig {
            strategy: Strategy::Full,
            ..MatchConfig::default()
        },
    )
    .expect("full model solves");
    assert_eq!(priced.status, optimiser::solver::SolveStatus::Optimal);
    assert!(
        (priced.objective - full.objective).abs() <= 1e-6 * full.objective.abs(),
        "pricing {} full {}",
        priced.objective,
        full.objective
    );
}
