//! The MIP against exhaustive enumeration on many small seeded datasets.

mod common;

use optimiser::dataset::Dataset;
use optimiser::matching::{self, MatchConfig, Strategy, Weights};
use optimiser::solver::SolveStatus;
use optimiser::{brute_force, checker};

fn cross_check(seed: u64, config: &MatchConfig) -> bool {
    let data = Dataset::try_from(common::tiny(seed, 8, 6)).expect("test data is valid");
    let Some((best, _)) = brute_force::solve(&data, &config.weights) else {
        return false;
    };
    let solution = matching::solve(&data, config).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    assert_eq!(solution.status, SolveStatus::Optimal, "seed {seed}");
    let recomputed = checker::check(&data, &config.weights, &solution.placement)
        .unwrap_or_else(|v| panic!("seed {seed}: {v:?}"));
    assert!(
        (recomputed - solution.objective).abs() < 1e-6,
        "seed {seed}: reported {} recomputed {recomputed}",
        solution.objective
    );
    assert!(
        (solution.objective - best).abs() <= 1e-6 * best.max(1.0),
        "seed {seed}: MIP {} brute force {best}\n{data:#?}",
        solution.objective
    );
    assert!(
        solution.bound <= solution.objective + 1e-6 && solution.bound >= best * (1.0 - 1e-6) - 1e-6,
        "seed {seed}: bound {}",
        solution.bound
    );
    // The bounds reported along the way are valid lower bounds too.
    let valid = |b: f64| b <= best + 1e-6 * best.max(1.0);
    assert!(
        valid(solution.model.counting_bound),
        "seed {seed}: counting bound {}",
        solution.model.counting_bound
    );
    assert!(
        valid(solution.model.lp_bound),
        "seed {seed}: LP bound {}",
        solution.model.lp_bound
    );
    assert!(
        solution
            .model
            .progress
            .iter()
            .all(|p| valid(p.bound) && p.objective >= best - 1e-6),
        "seed {seed}: {:?}",
        solution.model.progress
    );
    true
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
