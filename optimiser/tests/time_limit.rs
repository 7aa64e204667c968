//! A time-limited solve returns a checked incumbent and never calls it optimal
//! unless the gap is proven.

use optimiser::checker;
use optimiser::dataset::Dataset;
use optimiser::generator::{generate_raw, GeneratorSpec};
use optimiser::matching::{solve, MatchConfig};
use optimiser::solver::{SolveOptions, SolveStatus};

#[test]
fn time_limited_solves_return_checked_incumbents_with_honest_status() {
    let data = Dataset::try_from(generate_raw(&GeneratorSpec::new(1, 400, 1500, 120))).unwrap();
    for limit in [0.05, 0.5] {
        let config = MatchConfig {
            solve: SolveOptions {
                time_limit: Some(limit),
                ..SolveOptions::default()
            },
            ..MatchConfig::default()
        };
        let s = solve(&data, &config).expect("a time limit still yields a solution");
        let recomputed = checker::check(&data, &config.weights, &s.placement).expect("feasible");
        assert!((recomputed - s.objective).abs() < 1e-6 * s.objective);
        assert!(s.bound <= s.objective + 1e-6);
        match s.status {
            SolveStatus::Optimal => assert!(s.gap <= 1e-6, "optimal with gap {}", s.gap),
            SolveStatus::TimeLimit => assert!(s.gap >= 0.0),
        }
        // Every unplaced child has a reason; a time-limited run says so where it applies.
        assert_eq!(s.unplaced.len() + s.assignments.len(), data.children.len());
    }
}

#[test]
fn invalid_settings_are_errors_not_panics() {
    let data = Dataset::try_from(generate_raw(&GeneratorSpec::small(2))).unwrap();
    for config in [
        MatchConfig {
            solve: SolveOptions {
                time_limit: Some(0.0),
                ..SolveOptions::default()
            },
            ..MatchConfig::default()
        },
        MatchConfig {
            solve: SolveOptions {
                time_limit: Some(f64::NAN),
                ..SolveOptions::default()
            },
            ..MatchConfig::default()
        },
        MatchConfig {
            solve: SolveOptions {
                mip_rel_gap: -1.0,
                ..SolveOptions::default()
            },
            ..MatchConfig::default()
        },
        MatchConfig {
            weights: optimiser::matching::Weights {
                distance: -1.0,
                unplaced: 1.0,
            },
            ..MatchConfig::default()
        },
        MatchConfig {
            weights: optimiser::matching::Weights {
                distance: 1.0,
                unplaced: f64::INFINITY,
            },
            ..MatchConfig::default()
        },
    ] {
        assert!(solve(&data, &config).is_err(), "{config:?}");
    }
}
