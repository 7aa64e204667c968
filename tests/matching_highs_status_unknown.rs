//! A monthly dataset of a sufficiency projection (demo stock, scenario
//! `recruit_10`: 10 in-house households in Hampshire in month 1, seed 2026,
//! one of 10 draws, month 6) on which `matching::solve` with the default
//! column-generation strategy fails: HiGHS answers "model status Unknown".
//! `placement match --dataset tests/fixtures/matching_highs_status_unknown.json`
//! fails the same way. The projection solves such a month again with
//! `Strategy::Full` and counts it in `solver_retries`.
//!
//! Ignored until the matching engine handles the status: run with
//! `cargo test --test matching_highs_status_unknown -- --ignored`.

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
#[ignore = "fails today: HiGHS returns model status Unknown under Strategy::Pricing"]
fn the_default_strategy_solves_it() {
    solve(&data(), &MatchConfig::default()).expect("default strategy solves");
}
