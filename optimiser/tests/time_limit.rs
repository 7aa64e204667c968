//! A time-limited solve returns a checked incumbent with a valid bound, and
//! never calls it optimal unless the gap is proven. No test asserts on
//! wall-clock durations: the limits are either far below any solve (1 µs) or
//! the assertions hold whichever way the run ends.

use optimiser::checker;
use optimiser::dataset::Dataset;
use optimiser::generator::{generate_raw, GeneratorSpec};
use optimiser::matching::{solve, MatchConfig, MatchError, MatchSolution, UnplacedReason};
use optimiser::solver::{relative_gap, SolveOptions, SolveStatus};

fn with_limit(limit: Option<f64>) -> MatchConfig {
    MatchConfig {
        solve: SolveOptions {
            time_limit: limit,
            ..SolveOptions::default()
        },
        ..MatchConfig::default()
    }
}

/// 160 children for 110 places: capacity binds, so the bounds are tested
/// where they matter.
fn instance() -> Dataset {
    Dataset::try_from(generate_raw(&GeneratorSpec::new(1, 160, 100, 10))).expect("valid")
}

/// The checks every answer must pass against the proven optimum `best`.
fn assert_honest(data: &Dataset, config: &MatchConfig, s: &MatchSolution, best: f64) {
    let recomputed = checker::check(data, &config.weights, &s.placement).expect("feasible");
    assert!((recomputed - s.objective).abs() <= 1e-6 * s.objective.max(1.0));
    let tol = 1e-6 * best.max(1.0);
    assert!(
        s.bound <= best + tol,
        "bound {} above the optimum {best} ({:?})",
        s.bound,
        s.status
    );
    assert!(
        best <= s.objective + tol,
        "objective {} below the optimum {best}",
        s.objective
    );
    assert!(
        s.model.counting_bound <= best + tol,
        "counting bound {}",
        s.model.counting_bound
    );
    assert!(
        s.model.lp_bound <= best + tol,
        "LP bound {}",
        s.model.lp_bound
    );
    assert!(
        (s.gap - relative_gap(s.objective, s.bound)).abs() <= 1e-12,
        "gap {} is not (objective − bound)/max(objective, 1)",
        s.gap
    );
    assert_eq!(
        s.unplaced.len() + s.assignments.len(),
        data.children().len()
    );
    match s.status {
        SolveStatus::Optimal => assert!(s.gap <= 1e-6, "optimal with gap {}", s.gap),
        SolveStatus::TimeLimit => {
            // A child left with options is unplaced because time ran out, not
            // because of the options themselves.
            for u in &s.unplaced {
                assert!(
                    matches!(
                        u.reason,
                        UnplacedReason::NotPlacedWithinTimeLimit
                            | UnplacedReason::NoEligiblePlace
                            | UnplacedReason::SiblingsCannotBeKeptTogether
                    ),
                    "{u:?} under a time limit"
                );
            }
        }
    }
}

fn optimum(data: &Dataset) -> f64 {
    let s = solve(data, &with_limit(None)).expect("solves");
    assert_eq!(s.status, SolveStatus::Optimal);
    assert!(s.model.enumeration_complete);
    s.objective
}

#[test]
fn a_limit_spent_before_enumeration_returns_the_counting_bound() {
    let data = instance();
    let best = optimum(&data);
    // One microsecond: spent before the first child is enumerated.
    let config = with_limit(Some(1e-6));
    let s = solve(&data, &config).expect("a time limit still yields a solution");
    assert_eq!(s.status, SolveStatus::TimeLimit);
    assert!(!s.model.enumeration_complete);
    assert!(s.model.children_enumerated < data.children().len());
    assert_eq!(s.model.mip_rounds, 0);
    assert_eq!(s.bound, s.model.counting_bound.min(s.objective));
    assert!(s.gap > 0.0);
    assert_honest(&data, &config, &s, best);
    // Children not reached are unplaced because time ran out.
    let reached = s.model.children_enumerated;
    for (i, c) in data.children().iter().enumerate().skip(reached) {
        let u = s.unplaced.iter().find(|u| u.child == c.id);
        assert_eq!(
            u.map(|u| u.reason),
            Some(UnplacedReason::NotPlacedWithinTimeLimit),
            "child {i} ({}) was not enumerated",
            c.id
        );
    }
}

#[test]
fn the_counting_bound_charges_the_children_who_cannot_be_placed() {
    let data = instance();
    let best = optimum(&data);
    let s = solve(&data, &with_limit(Some(1e-6))).expect("solves");
    let free: u32 = data.places().iter().map(|p| p.free_places()).sum();
    let cannot = data.children().len().saturating_sub(free as usize) as f64;
    // At least the penalty for every child beyond the free places, and no more than the optimum.
    assert!(
        cannot > 0.0,
        "the instance must have fewer places than children"
    );
    let w_u = MatchConfig::default().weights.unplaced;
    assert!(s.model.counting_bound >= cannot * w_u);
    assert!(s.model.counting_bound <= best * (1.0 + 1e-9));
}

#[test]
fn time_limited_solves_return_checked_incumbents_with_valid_bounds() {
    let data = instance();
    let best = optimum(&data);
    for limit in [0.01, 0.05, 0.2, 30.0] {
        let config = with_limit(Some(limit));
        let s = solve(&data, &config).expect("a time limit still yields a solution");
        assert_honest(&data, &config, &s, best);
        if s.status == SolveStatus::TimeLimit {
            assert!(s.bound < s.objective, "time_limit with a closed gap");
        }
    }
}

#[test]
fn invalid_settings_are_errors_not_panics() {
    let data = Dataset::try_from(generate_raw(&GeneratorSpec::small(2))).unwrap();
    let cases: [(&str, MatchConfig); 6] = [
        ("time_limit", with_limit(Some(0.0))),
        ("time_limit", with_limit(Some(f64::NAN))),
        ("time_limit", with_limit(Some(1e20))),
        (
            "gap",
            MatchConfig {
                solve: SolveOptions {
                    mip_rel_gap: -1.0,
                    ..SolveOptions::default()
                },
                ..MatchConfig::default()
            },
        ),
        (
            "distance_weight",
            MatchConfig {
                weights: optimiser::matching::Weights {
                    distance: -1.0,
                    unplaced: 1.0,
                },
                ..MatchConfig::default()
            },
        ),
        (
            "unplaced_penalty",
            MatchConfig {
                weights: optimiser::matching::Weights {
                    distance: 1.0,
                    unplaced: f64::INFINITY,
                },
                ..MatchConfig::default()
            },
        ),
    ];
    for (option, config) in cases {
        match solve(&data, &config) {
            Err(MatchError::InvalidOption(e)) => assert_eq!(e.option, option, "{config:?}"),
            other => panic!("{config:?}: expected InvalidOption({option}), got {other:?}"),
        }
    }
}
