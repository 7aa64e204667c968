//! The MIP against exhaustive enumeration on many small seeded datasets.

mod common;

use optimiser::dataset::Dataset;
use optimiser::matching::{MatchConfig, Strategy, Weights};

fn cross_check(seed: u64, config: &MatchConfig) -> bool {
    let data = Dataset::try_from(common::tiny(seed, 8, 6)).expect("test data is valid");
    common::matches_brute_force(seed, &data, config)
}

#[test]
fn column_generation_matches_brute_force() {
    let config = MatchConfig::default();
    let checked = (0..300).filter(|&seed| cross_check(seed, &config)).count();
    assert!(checked >= 250, "only {checked} instances were small enough");
}

#[test]
fn column_generation_with_one_column_per_owner_matches_brute_force() {
    // The most aggressive restriction: the certificate must still find the optimum.
    let config = MatchConfig {
        strategy: Strategy::Pricing {
            initial_per_owner: 1,
            add_per_owner: 1,
        },
        ..MatchConfig::default()
    };
    let checked = (1000..1200)
        .filter(|&seed| cross_check(seed, &config))
        .count();
    assert!(checked >= 150);
}

#[test]
fn full_model_matches_brute_force() {
    let config = MatchConfig {
        strategy: Strategy::Full,
        ..MatchConfig::default()
    };
    let checked = (2000..2150)
        .filter(|&seed| cross_check(seed, &config))
        .count();
    assert!(checked >= 100);
}

#[test]
fn low_unplaced_penalty_matches_brute_force() {
    // A penalty below most costs: leaving children unplaced is sometimes optimal.
    let config = MatchConfig {
        weights: Weights {
            distance: 25.0,
            unplaced: 900.0,
        },
        ..MatchConfig::default()
    };
    let checked = (3000..3200)
        .filter(|&seed| cross_check(seed, &config))
        .count();
    assert!(checked >= 150);
}
