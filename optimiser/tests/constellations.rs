//! Constellation planning: the MIP against brute force on tiny pools, the
//! checker on every answer, the outside reasons against the data, and the
//! contracts of the issue (no constellation when no hub reaches six, a unique
//! answer asserted exactly, time limits, determinism, monotonicity).

use optimiser::constellations::{
    self, brute_force, checker, Formation, FormationConfig, FormationError, Goal, HubCandidates,
    OutsideReason,
};
use optimiser::dataset::raw::{RawAuthority, RawCarer, RawLocation};
use optimiser::dataset::{Dataset, Provider, RawDataset};
use optimiser::generator::carer_pool;
use optimiser::solver::{SolveOptions, SolveStatus, SolverError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn carer(id: &str, lat: f64, lon: f64, provider: Provider, places: u32) -> RawCarer {
    RawCarer {
        id: id.into(),
        authority: "E06000044".into(),
        provider,
        location: RawLocation { lat, lon },
        places,
        occupied: 0,
        min_age: 0,
        max_age: 17,
        skills: vec![],
        weekly_cost: 500.0,
        constellation: None,
        hub: false,
        connected_children: vec![],
        sex_preference: None,
    }
}

fn dataset(carers: Vec<RawCarer>) -> Dataset {
    let raw = RawDataset {
        version: optimiser::dataset::raw::ContractVersion::V1_1,
        authorities: vec![RawAuthority {
            id: "E06000044".into(),
            name: "Portsmouth".into(),
            location: RawLocation {
                lat: 50.8,
                lon: -1.08,
            },
        }],
        schools: vec![],
        carers,
        homes: vec![],
        children: vec![],
        sibling_groups: vec![],
        incompatible: vec![],
        practice_weights: None,
    };
    Dataset::try_from(raw).expect("valid test dataset")
}

/// A point `east` km east and `north` km north of (50.8, −1.08).
fn at(east: f64, north: f64) -> (f64, f64) {
    (
        50.8 + north / 111.195,
        -1.08 + east / (111.195 * 50.8_f64.to_radians().cos()),
    )
}

/// A tiny random pool: 6–11 households in a 12 km square, 1–3 of them
/// candidates (in-house, two places), optionally one kept constellation.
fn tiny_pool(seed: u64, with_kept: bool) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.random_range(6..=11);
    let k = rng.random_range(1..=3);
    let mut carers: Vec<RawCarer> = (0..n)
        .map(|i| {
            let (lat, lon) = at(rng.random_range(0.0..12.0), rng.random_range(0.0..12.0));
            let hub = i < k;
            carer(
                &format!("C{i:02}"),
                lat,
                lon,
                if hub {
                    Provider::InHouse
                } else {
                    Provider::Ifa
                },
                if hub { 2 } else { 1 },
            )
        })
        .collect();
    if with_kept {
        for c in carers.iter_mut().skip(n - 2) {
            c.constellation = Some("MB-1".into());
        }
        carers[n - 2].hub = true;
    }
    dataset(carers)
}

fn tiny_config(seed: u64) -> FormationConfig {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let min = rng.random_range(1..=2);
    let max = rng.random_range(min..=3);
    let goal = if rng.random_bool(0.5) {
        Goal::Count(rng.random_range(0..=2))
    } else {
        Goal::Reward(rng.random_range(0.0..120.0))
    };
    FormationConfig {
        min_satellites: min,
        max_satellites: max,
        max_km: rng.random_range(3.0..9.0),
        goal,
        hub_cost: rng.random_range(0.0..150.0),
        distance_weight: rng.random_range(0.0..12.0),
        replan: rng.random_bool(0.3),
        ..FormationConfig::default()
    }
}

/// Every outside reason is true of the returned plan, checked from the data.
fn assert_reasons(data: &Dataset, config: &FormationConfig, f: &Formation) {
    let idx = |id: &str| data.place_index(id).expect("known id");
    let candidates = constellations::hub_candidates(data, config).expect("candidates");
    for o in &f.outside {
        let j = idx(&o.carer);
        let near = |h: usize| {
            h != j
                && data.places()[h]
                    .location
                    .distance_km(&data.places()[j].location)
                    <= config.max_km
        };
        let open_near: Vec<&(usize, Vec<usize>)> =
            f.plan.iter().filter(|(h, _)| near(*h)).collect();
        match o.reason {
            OutsideReason::NoCandidateWithinReach => {
                assert!(!candidates.iter().any(|&h| near(h)), "{o:?}")
            }
            OutsideReason::NoOpenHubWithinReach => {
                assert!(candidates.iter().any(|&h| near(h)), "{o:?}");
                assert!(open_near.is_empty(), "{o:?}");
            }
            OutsideReason::ReachableHubsFull => {
                assert!(!open_near.is_empty(), "{o:?}");
                assert!(
                    open_near
                        .iter()
                        .all(|(_, s)| s.len() == config.max_satellites as usize),
                    "{o:?}"
                );
            }
            OutsideReason::NotWorthItsDistance => {
                let roomy: Vec<_> = open_near
                    .iter()
                    .filter(|(_, s)| s.len() < config.max_satellites as usize)
                    .collect();
                assert!(!roomy.is_empty(), "{o:?}");
                for (h, _) in roomy {
                    let km = data.places()[*h]
                        .location
                        .distance_km(&data.places()[j].location);
                    assert!(config.satellite_cost(km) >= -1e-6, "{o:?} at {km} km");
                }
            }
        }
    }
    // Every pool household is in exactly one of: a constellation, outside.
    let pool = data
        .places()
        .iter()
        .filter(|p| p.is_carer() && (config.replan || p.constellation().is_none()))
        .count();
    let planned: usize = f.plan.iter().map(|(_, s)| 1 + s.len()).sum();
    assert_eq!(planned + f.outside.len(), pool);
}

#[test]
fn mip_matches_brute_force_on_120_tiny_pools() {
    let mut compared = 0;
    for seed in 0..120u64 {
        let data = tiny_pool(seed, seed % 3 == 0);
        let config = tiny_config(seed);
        let brute = brute_force::solve(&data, &config);
        match constellations::solve(&data, &config) {
            Ok(f) => {
                let (z, _) =
                    brute.unwrap_or_else(|| panic!("seed {seed}: brute force found nothing"));
                assert_eq!(f.status, SolveStatus::Optimal, "seed {seed}");
                assert!(
                    (f.objective - z).abs() <= 1e-6,
                    "seed {seed}: MIP {} vs brute force {z}",
                    f.objective
                );
                let recomputed =
                    checker::check(&data, &config, &f.plan).expect("passes the checker");
                assert!((recomputed - f.objective).abs() <= 1e-6);
                assert!(f.bound <= f.objective + 1e-9);
                assert_reasons(&data, &config, &f);
                compared += 1;
            }
            Err(FormationError::CountInfeasible(..)) => {
                assert!(brute.is_none(), "seed {seed}: brute force found a plan");
            }
            Err(e) => panic!("seed {seed}: {e}"),
        }
    }
    assert!(compared >= 80, "only {compared} pools compared");
}

#[test]
fn plain_strategy_agrees_with_the_lagrangian_one() {
    let (mut solved, mut infeasible) = (0, 0);
    for seed in 200..230u64 {
        let data = tiny_pool(seed, false);
        let config = tiny_config(seed);
        let plain = FormationConfig {
            strategy: constellations::Strategy::Plain,
            ..config.clone()
        };
        match (
            constellations::solve(&data, &config),
            constellations::solve(&data, &plain),
        ) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.status, SolveStatus::Optimal, "seed {seed}");
                assert_eq!(b.status, SolveStatus::Optimal, "seed {seed}");
                assert!((a.objective - b.objective).abs() <= 1e-6, "seed {seed}");
                solved += 1;
            }
            // The only error either may give: the same count that cannot be met.
            (
                Err(FormationError::CountInfeasible(p, _)),
                Err(FormationError::CountInfeasible(q, _)),
            ) => {
                assert_eq!(p, q, "seed {seed}");
                assert!(brute_force::solve(&data, &config).is_none(), "seed {seed}");
                infeasible += 1;
            }
            (a, b) => panic!(
                "seed {seed}: {:?} vs {:?}",
                a.map(|f| f.objective),
                b.map(|f| f.objective)
            ),
        }
    }
    assert!(solved >= 20, "only {solved} of 30 pools solved by both");
    assert_eq!(solved + infeasible, 30);
}

#[test]
fn no_hub_reaching_six_satellites_forms_no_constellation() {
    // Two candidates, each with five households within 15 km and the rest 40 km away.
    let mut carers = Vec::new();
    for (h, east) in [(0, 0.0), (1, 60.0)] {
        let (lat, lon) = at(east, 0.0);
        carers.push(carer(&format!("H{h}"), lat, lon, Provider::InHouse, 2));
        for s in 0..5 {
            let (lat, lon) = at(east + 2.0 * s as f64 - 4.0, 3.0);
            carers.push(carer(&format!("S{h}{s}"), lat, lon, Provider::Ifa, 1));
        }
    }
    let (lat, lon) = at(30.0, 30.0);
    carers.push(carer("FAR", lat, lon, Provider::Ifa, 1));
    let data = dataset(carers);
    let config = FormationConfig::default();
    let f = constellations::solve(&data, &config).expect("solves");
    assert!(f.constellations.is_empty());
    assert_eq!(f.coverage, 0.0);
    assert_eq!(f.outside.len(), 13);
    for o in &f.outside {
        let expected = if o.carer == "FAR" || o.carer == "H0" || o.carer == "H1" {
            OutsideReason::NoCandidateWithinReach
        } else {
            OutsideReason::NoOpenHubWithinReach
        };
        assert_eq!(o.reason, expected, "{o:?}");
    }
    assert_reasons(&data, &config, &f);
    // With a count it cannot be done at all.
    let count = FormationConfig {
        goal: Goal::Count(1),
        ..config
    };
    assert!(matches!(
        constellations::solve(&data, &count),
        Err(FormationError::CountInfeasible(1, _))
    ));
}

#[test]
fn the_only_feasible_plan_is_found_exactly() {
    // One constellation must open; only HUB-B has six households within
    // 15 km that are not candidates: HUB-A has five, HUB-B exactly six.
    let mut carers = Vec::new();
    let (lat, lon) = at(0.0, 0.0);
    carers.push(carer("HUB-A", lat, lon, Provider::InHouse, 2));
    for s in 0..5 {
        let (lat, lon) = at(-3.0 + s as f64, -5.0);
        carers.push(carer(&format!("A{s}"), lat, lon, Provider::Ifa, 1));
    }
    let (lat, lon) = at(50.0, 0.0);
    carers.push(carer("HUB-B", lat, lon, Provider::InHouse, 3));
    for s in 0..6 {
        let (lat, lon) = at(45.0 + 2.0 * s as f64, 10.0);
        carers.push(carer(&format!("B{s}"), lat, lon, Provider::InHouse, 1));
    }
    let data = dataset(carers);
    let config = FormationConfig {
        goal: Goal::Count(1),
        ..FormationConfig::default()
    };
    let f = constellations::solve(&data, &config).expect("solves");
    assert_eq!(f.status, SolveStatus::Optimal);
    assert_eq!(f.constellations.len(), 1);
    assert_eq!(f.constellations[0].hub, "HUB-B");
    assert_eq!(
        f.constellations[0].satellites,
        vec!["B0", "B1", "B2", "B3", "B4", "B5"]
    );
    assert_eq!(f.constellations[0].places, 3 + 6);
    assert!(f.constellations[0].max_km <= 15.0);
    assert!(f
        .outside
        .iter()
        .all(|o| o.carer.starts_with('A') || o.carer == "HUB-A"));
    assert!((f.coverage - 7.0 / 13.0).abs() < 1e-12);
    // Listing only HUB-A as candidate makes it impossible.
    let only_a = FormationConfig {
        hub_candidates: HubCandidates::Listed(vec!["HUB-A".into()]),
        ..config
    };
    assert!(matches!(
        constellations::solve(&data, &only_a),
        Err(FormationError::CountInfeasible(..))
    ));
}

/// A solve that may only fail because the count cannot be met (which brute
/// force confirms); `None` then.
fn solve_or_count_infeasible(
    data: &Dataset,
    config: &FormationConfig,
    what: &str,
) -> Option<Formation> {
    match constellations::solve(data, config) {
        Ok(f) => Some(f),
        Err(FormationError::CountInfeasible(p, _)) => {
            assert_eq!(config.goal, Goal::Count(p), "{what}");
            assert!(brute_force::solve(data, config).is_none(), "{what}");
            None
        }
        Err(e) => panic!("{what}: {e}"),
    }
}

#[test]
fn kept_constellations_are_untouched_unless_replanned() {
    let (mut kept_checked, mut replanned, mut changed) = (0, 0, 0);
    for seed in 300..330u64 {
        let data = tiny_pool(seed, true);
        let kept_ids: Vec<String> = data.constellations()[0]
            .households
            .iter()
            .map(|&h| data.places()[h].id.clone())
            .collect();
        let mut config = tiny_config(seed);
        config.replan = false;
        if let Some(f) = solve_or_count_infeasible(&data, &config, &format!("seed {seed}")) {
            assert_eq!(f.kept.len(), 1);
            assert_eq!(f.kept[0].households, kept_ids, "seed {seed}");
            let kept: Vec<&str> = f.kept[0].households.iter().map(String::as_str).collect();
            for c in &f.constellations {
                assert!(!kept.contains(&c.hub.as_str()));
                assert!(c.satellites.iter().all(|s| !kept.contains(&s.as_str())));
            }
            assert!(f.outside.iter().all(|o| !kept.contains(&o.carer.as_str())));
            assert_reasons(&data, &config, &f);
            kept_checked += 1;
        }
        // Re-planning dissolves it: its households are in the pool like any other.
        config.replan = true;
        if let Some(f) = solve_or_count_infeasible(&data, &config, &format!("seed {seed} replan")) {
            assert!(f.kept.is_empty(), "seed {seed}");
            let plan_ids: Vec<&str> = f
                .constellations
                .iter()
                .flat_map(|c| {
                    std::iter::once(c.hub.as_str()).chain(c.satellites.iter().map(String::as_str))
                })
                .collect();
            for id in &kept_ids {
                let planned = plan_ids.contains(&id.as_str());
                let outside = f.outside.iter().any(|o| &o.carer == id);
                assert!(
                    planned != outside,
                    "seed {seed}: {id} planned {planned} outside {outside}"
                );
                if planned {
                    changed += 1;
                }
            }
            assert_reasons(&data, &config, &f);
            let recomputed = checker::check(&data, &config, &f.plan).expect("passes the checker");
            assert!((recomputed - f.objective).abs() <= 1e-6);
            replanned += 1;
        }
    }
    assert!(
        kept_checked >= 20,
        "only {kept_checked} seeds checked without replan"
    );
    assert!(
        replanned >= 20,
        "only {replanned} seeds checked with replan"
    );
    // Re-planning must actually put former kept households into new constellations.
    assert!(
        changed >= 3,
        "only {changed} kept households re-planned into a constellation"
    );
}

#[test]
fn invalid_input_is_an_error_not_a_panic() {
    let data = tiny_pool(1, true);
    let invalid_option =
        |config: FormationConfig, option: &str| match constellations::solve(&data, &config) {
            Err(FormationError::InvalidOption(e)) => assert_eq!(e.option, option),
            other => panic!("{option}: {:?}", other.map(|f| f.objective)),
        };
    assert!(matches!(
        constellations::solve(
            &data,
            &FormationConfig {
                min_satellites: 5,
                max_satellites: 4,
                ..FormationConfig::default()
            }
        ),
        Err(FormationError::InvalidConfig(m)) if m.contains("min satellites (5)")
    ));
    invalid_option(
        FormationConfig {
            max_km: -1.0,
            ..FormationConfig::default()
        },
        "max_km",
    );
    invalid_option(
        FormationConfig {
            goal: Goal::Reward(f64::NAN),
            ..FormationConfig::default()
        },
        "reward",
    );
    invalid_option(
        FormationConfig {
            solve: SolveOptions {
                time_limit: Some(0.0),
                ..SolveOptions::default()
            },
            ..FormationConfig::default()
        },
        "time_limit",
    );
    assert!(matches!(
        constellations::solve(
            &data,
            &FormationConfig {
                hub_candidates: HubCandidates::Listed(vec!["NOPE".into()]),
                ..FormationConfig::default()
            }
        ),
        Err(FormationError::UnknownCandidate(id)) if id == "NOPE"
    ));
    // A household of the kept constellation cannot be a candidate without re-planning.
    let kept = data.places()[data.constellations()[0].households[0]]
        .id
        .clone();
    let listed = FormationConfig {
        hub_candidates: HubCandidates::Listed(vec![kept]),
        ..FormationConfig::default()
    };
    assert!(matches!(
        constellations::solve(&data, &listed),
        Err(FormationError::InKeptConstellation(id, c)) if c == "MB-1" && data.place_index(&id).is_some()
    ));
    assert!(constellations::solve(
        &data,
        &FormationConfig {
            replan: true,
            ..listed
        }
    )
    .is_ok());
}

#[test]
fn a_time_limit_is_never_reported_optimal() {
    let data = Dataset::try_from(carer_pool(2026, 500, 60)).expect("valid pool");
    let config = FormationConfig {
        solve: SolveOptions {
            time_limit: Some(0.2),
            ..SolveOptions::default()
        },
        ..FormationConfig::default()
    };
    let f = constellations::solve(&data, &config).expect("returns the incumbent");
    assert_eq!(f.status, SolveStatus::TimeLimit);
    assert!(f.bound <= f.objective);
    assert!(f.gap > 0.0);
    let recomputed = checker::check(&data, &config, &f.plan).expect("feasible");
    assert!((recomputed - f.objective).abs() < 1e-6);
    assert_reasons(&data, &config, &f);
}

#[test]
fn same_seed_same_answer() {
    let a = Dataset::try_from(carer_pool(7, 120, 20)).expect("valid");
    let b = Dataset::try_from(carer_pool(7, 120, 20)).expect("valid");
    assert_eq!(a, b);
    let config = FormationConfig::default();
    let fa = constellations::solve(&a, &config).expect("solves");
    let fb = constellations::solve(&b, &config).expect("solves");
    assert_eq!(fa.plan, fb.plan);
    assert_eq!(fa.objective, fb.objective);
    assert_eq!(fa.status, SolveStatus::Optimal);
    assert_reasons(&a, &config, &fa);
}

#[test]
fn adding_a_candidate_never_raises_the_optimal_cost() {
    let (mut compared, mut infeasible) = (0, 0);
    for seed in 400..440u64 {
        let data = tiny_pool(seed, false);
        let mut config = tiny_config(seed);
        config.replan = false;
        let all: Vec<String> = data.places().iter().map(|p| p.id.clone()).collect();
        let with = |n: usize| FormationConfig {
            hub_candidates: HubCandidates::Listed(all[..n].to_vec()),
            ..config.clone()
        };
        let mut last: Option<f64> = None;
        for n in 1..=4 {
            // Only a count may be infeasible, and only until a candidate makes it feasible.
            match solve_or_count_infeasible(
                &data,
                &with(n),
                &format!("seed {seed}, {n} candidates"),
            ) {
                Some(f) => {
                    assert_eq!(
                        f.status,
                        SolveStatus::Optimal,
                        "seed {seed}, {n} candidates"
                    );
                    if let Some(last) = last {
                        assert!(f.objective <= last + 1e-6, "seed {seed}, {n} candidates");
                        compared += 1;
                    }
                    last = Some(f.objective);
                }
                None => {
                    assert!(
                        last.is_none(),
                        "seed {seed}: {n} candidates infeasible, fewer were not"
                    );
                    infeasible += 1;
                }
            }
        }
    }
    assert!(
        compared >= 80,
        "only {compared} consecutive candidate lists compared"
    );
    assert!(
        infeasible >= 1,
        "no infeasible count met: the error path is untested"
    );
}

#[test]
fn raising_the_reward_never_lowers_the_number_of_satellites() {
    let data = Dataset::try_from(carer_pool(11, 90, 14)).expect("valid");
    let mut last = 0;
    for reward in [0.0, 60.0, 120.0, 180.0, 240.0, 400.0] {
        let config = FormationConfig {
            goal: Goal::Reward(reward),
            ..FormationConfig::default()
        };
        let f = constellations::solve(&data, &config).expect("solves");
        assert_eq!(f.status, SolveStatus::Optimal);
        let satellites: usize = f.plan.iter().map(|(_, s)| s.len()).sum();
        assert!(satellites >= last, "reward {reward}: {satellites} < {last}");
        last = satellites;
    }
    assert!(last > 0);
}

#[test]
fn reduced_cost_fixing_keeps_every_pair_of_an_optimal_plan() {
    use optimiser::constellations::{lagrangian, Instance};
    let mut checked = 0;
    let mut fixed = 0;
    for seed in 500..580u64 {
        let data = tiny_pool(seed, seed % 2 == 0);
        let config = tiny_config(seed);
        let Some((opt, plan)) = brute_force::solve(&data, &config) else {
            continue;
        };
        let candidates = constellations::hub_candidates(&data, &config).expect("candidates");
        let inst = Instance::build(&data, &config, &candidates);
        let lag = lagrangian::run(&inst, None, std::time::Instant::now(), 1e-9);
        assert!(
            lag.bound <= opt + 1e-6,
            "seed {seed}: bound {} > optimum {opt}",
            lag.bound
        );
        let (keep_pairs, keep_hubs) = lag.fixing(&inst, opt + 1e-6);
        fixed += keep_pairs.iter().filter(|k| !**k).count();
        let pos = |p: usize| inst.households.binary_search(&p).expect("in the pool");
        for (hub, sats) in &plan {
            let k = inst.candidate_of[pos(*hub)].expect("a candidate");
            assert!(keep_hubs[k], "seed {seed}: an optimal hub was fixed closed");
            for s in sats {
                let p = inst.by_hub[k]
                    .iter()
                    .copied()
                    .find(|&p| inst.pairs[p].household == pos(*s))
                    .expect("a pair within reach");
                assert!(
                    keep_pairs[p],
                    "seed {seed}: an optimal pair was fixed to zero"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} pools checked");
    // The test means something only if fixing does fix pairs.
    assert!(fixed > 0);
}

#[test]
fn age_ranges_merge_touching_and_overlapping_ranges() {
    use optimiser::constellations::{merge_ages, AgeRange};
    assert_eq!(
        merge_ages(vec![(11, 17), (0, 4), (5, 8), (12, 15)]),
        vec![AgeRange { min: 0, max: 8 }, AgeRange { min: 11, max: 17 }]
    );
    assert!(merge_ages(vec![]).is_empty());
}

/// A tiny time limit on a pool that takes real work: the answer is still a
/// checked plan, `time_limit` (or `optimal` only when proven within the
/// requested gap), and its bound is a true lower bound: at most the optimum
/// of the same pool solved without a limit. 1e-9 s runs out before the
/// pairs are built (the empty plan and the bound that needs no pairs);
/// 1e-3 s wherever it runs out. Whichever phase the limit stops, these hold.
#[test]
fn a_tiny_time_limit_returns_a_checked_plan_and_a_true_bound() {
    let data = Dataset::try_from(carer_pool(7, 120, 20)).expect("valid pool");
    let mut checked = 0;
    for goal in [Goal::Reward(constellations::DEFAULT_REWARD), Goal::Count(5)] {
        let config = FormationConfig {
            goal,
            ..FormationConfig::default()
        };
        let optimum = constellations::solve(&data, &config).expect("solves");
        assert_eq!(optimum.status, SolveStatus::Optimal);
        for limit in [1e-9, 1e-3] {
            let limited = FormationConfig {
                solve: SolveOptions {
                    time_limit: Some(limit),
                    ..config.solve.clone()
                },
                ..config.clone()
            };
            let f = match constellations::solve(&data, &limited) {
                Ok(f) => f,
                // With a count, no plan may have been found in time.
                Err(FormationError::Solver(SolverError::NoSolution(_)))
                    if matches!(goal, Goal::Count(_)) =>
                {
                    continue
                }
                Err(e) => panic!("{goal:?} {limit}: {e}"),
            };
            match f.status {
                SolveStatus::TimeLimit => {}
                SolveStatus::Optimal => assert!(f.gap <= config.solve.mip_rel_gap + 1e-9),
            }
            let recomputed = checker::check(&data, &limited, &f.plan).expect("passes the checker");
            assert!((recomputed - f.objective).abs() <= 1e-6);
            assert!(f.objective >= optimum.objective - 1e-6);
            assert!(
                f.bound <= optimum.objective + 1e-6,
                "{goal:?} {limit}: bound {} above the optimum {}",
                f.bound,
                optimum.objective
            );
            assert!(f.bound <= f.objective);
            assert!((f.gap - optimiser::solver::relative_gap(f.objective, f.bound)).abs() <= 1e-12);
            assert_reasons(&data, &limited, &f);
            checked += 1;
        }
    }
    // Both limits with a reward (the empty plan is always feasible).
    assert!(checked >= 2, "only {checked} limited solves checked");
}
