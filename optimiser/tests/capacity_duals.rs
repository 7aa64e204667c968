//! The capacity duals of a batch solve against re-solves with one place
//! more and one place fewer.
//!
//! On a dataset of children placed one by one (no sibling groups, no
//! constellations, contract v1: no mix-limit or conflict rows) the model is
//! an assignment problem with integer right-hand sides: its LP is integral,
//! so the integer optimum `f(b)` equals the LP optimum, which is convex and
//! piecewise linear in each `free_j` with breakpoints at integers. For an
//! optimal dual solution π, `d_j = −π_j` is then sandwiched:
//! `f(b) − f(b + e_j) ≤ d_j ≤ f(b − e_j) − f(b)` (the fall for one place
//! more is at most the dual, the rise for one place fewer at least), for
//! every place with a free place (a full place has no row). Equality
//! on the left holds when the optimal dual is unique; the test does not
//! assume it.

use optimiser::dataset::raw::RawDataset;
use optimiser::dataset::Dataset;
use optimiser::generator::{generate_raw, GeneratorSpec};
use optimiser::matching::{self, MatchConfig, Strategy};

/// A v1 dataset of single children, fewer free places than children.
fn assignment_raw(seed: u64) -> RawDataset {
    let mut spec = GeneratorSpec::new(seed, 24, 10, 3);
    spec.sibling_share = 0.0;
    spec.constellation_share = 0.0;
    spec.practice = false;
    generate_raw(&spec)
}

/// `raw` with place `id`'s free places changed by `delta` (±1), or `None`
/// when that is impossible (no free place to take away).
fn with_free(raw: &RawDataset, id: &str, delta: i64) -> Option<Dataset> {
    let mut raw = raw.clone();
    let adjust = |places: &mut u32, occupied: &mut u32| -> Option<()> {
        if delta > 0 {
            if *occupied > 0 {
                *occupied -= 1;
            } else {
                *places += 1;
            }
        } else {
            if *places <= *occupied {
                return None;
            }
            *occupied += 1;
        }
        Some(())
    };
    if let Some(c) = raw.carers.iter_mut().find(|c| c.id == id) {
        adjust(&mut c.places, &mut c.occupied)?;
    } else if let Some(h) = raw.homes.iter_mut().find(|h| h.id == id) {
        adjust(&mut h.beds, &mut h.occupied)?;
    } else {
        return None;
    }
    Dataset::try_from(raw).ok()
}

fn objective(data: &Dataset, config: &MatchConfig) -> f64 {
    matching::solve(data, config).expect("solves").objective
}

fn check(seed: u64, config: &MatchConfig) -> usize {
    let raw = assignment_raw(seed);
    let data = Dataset::try_from(raw.clone()).expect("generated data is valid");
    let base = matching::solve(&data, config).expect("solves");
    let duals = base
        .capacity_duals
        .clone()
        .unwrap_or_else(|| panic!("seed {seed}: no capacity duals"));
    assert_eq!(duals.len(), data.places().len());
    let tol = 1e-6 * base.objective.abs().max(1.0);
    // The places with a free place (a full place has no row in the model,
    // so its dual is 0 whatever one more place there would save), by dual,
    // largest first; the top few are checked both ways.
    let mut order: Vec<usize> = (0..duals.len())
        .filter(|&j| data.places()[j].capacity > data.places()[j].occupied)
        .collect();
    order.sort_by(|&a, &b| duals[b].total_cmp(&duals[a]).then(a.cmp(&b)));
    let mut binding = 0;
    for &j in order.iter().take(4) {
        let id = &data.places()[j].id;
        let d = duals[j];
        assert!(d >= 0.0, "seed {seed}: dual of {id} is {d}");
        if let Some(more) = with_free(&raw, id, 1) {
            let fall = base.objective - objective(&more, config);
            assert!(
                fall <= d + tol,
                "seed {seed}: one more place at {id} saves {fall}, more than its dual {d}"
            );
            binding += usize::from(fall > tol);
        }
        if let Some(fewer) = with_free(&raw, id, -1) {
            let rise = objective(&fewer, config) - base.objective;
            assert!(
                rise >= d - tol,
                "seed {seed}: one place fewer at {id} costs {rise}, less than its dual {d}"
            );
        }
    }
    binding
}

#[test]
fn pricing_duals_bound_the_change_of_one_place() {
    let config = MatchConfig::default();
    let binding: usize = (1..=4).map(|seed| check(seed, &config)).sum();
    // The cases are not vacuous: some extra place does save.
    assert!(binding > 0, "no extra place saved anything");
}

#[test]
fn full_strategy_duals_bound_the_change_of_one_place() {
    let config = MatchConfig {
        strategy: Strategy::Full,
        capacity_duals: true,
        ..MatchConfig::default()
    };
    let binding: usize = (1..=4).map(|seed| check(seed, &config)).sum();
    assert!(binding > 0, "no extra place saved anything");
}

#[test]
fn full_strategy_has_no_duals_unless_asked() {
    let data = Dataset::try_from(assignment_raw(1)).expect("generated data is valid");
    let config = MatchConfig {
        strategy: Strategy::Full,
        ..MatchConfig::default()
    };
    let s = matching::solve(&data, &config).expect("solves");
    assert!(s.capacity_duals.is_none());
}
