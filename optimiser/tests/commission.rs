//! Joint commissioning: the MIP against exhaustive enumeration for every
//! coalition, the cost splits against hand-worked games, and the contract's
//! validation and properties.

use std::collections::BTreeMap;

use optimiser::commission::input::*;
use optimiser::commission::report::Outcome;
use optimiser::commission::{self, brute_force, plan, Commission, CommissionConfig, Sharing};
use optimiser::dataset::raw::{RawAuthority, RawLocation};
use optimiser::solver::{SolveOptions, SolveStatus};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn loc(lat: f64, lon: f64) -> RawLocation {
    RawLocation { lat, lon }
}

fn authority(id: &str, lat: f64, lon: f64) -> RawAuthority {
    RawAuthority {
        id: id.into(),
        name: format!("Authority {id}"),
        location: loc(lat, lon),
    }
}

fn child(id: &str, authority: &str, current: Option<f64>) -> RawResidentialChild {
    RawResidentialChild {
        id: id.into(),
        authority: authority.into(),
        age: 14,
        needs: vec![],
        school: None,
        max_distance_km: None,
        current_weekly_cost: current,
    }
}

fn option(id: &str, kind: OptionKind, beds: Option<u32>, fixed: f64, per_child: f64) -> RawOption {
    RawOption {
        id: id.into(),
        kind,
        authority: "A".into(),
        location: loc(50.9, -1.1),
        beds,
        min_age: 10,
        max_age: 17,
        accepts: vec![],
        fixed_weekly_cost: fixed,
        weekly_cost_per_child: per_child,
        mix_limits: BTreeMap::new(),
    }
}

/// A question whose distances cost nothing, so that costs are round numbers.
fn question(
    partners: &[&str],
    children: Vec<RawResidentialChild>,
    options: Vec<RawOption>,
) -> Commission {
    let raw = RawCommission {
        version: 1,
        authorities: partners.iter().map(|p| authority(p, 50.9, -1.1)).collect(),
        schools: vec![],
        partners: partners.iter().map(|p| p.to_string()).collect(),
        children,
        options,
        weights: Some(RawWeights {
            distance: 0.0,
            unplaced: 100_000.0,
        }),
    };
    Commission::try_from(raw).expect("valid question")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// A random tiny question: 1–3 partners, up to 6 children, up to 4 options
/// (blocks and spots, limited and unlimited beds, mix limits), some children
/// with a current placement, some with a distance limit.
fn tiny(seed: u64) -> Commission {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n_partners = rng.random_range(1..=3);
    let ids: Vec<String> = (0..n_partners).map(|p| format!("P{p}")).collect();
    let tags = ["x", "y"];
    let spot = |rng: &mut ChaCha8Rng| {
        loc(
            50.8 + rng.random_range(0.0..0.3),
            -1.3 + rng.random_range(0.0..0.4),
        )
    };
    let authorities = ids
        .iter()
        .map(|id| {
            let l = spot(&mut rng);
            authority(id, l.lat, l.lon)
        })
        .collect();
    let n_children = rng.random_range(1..=6);
    let children = (0..n_children)
        .map(|k| RawResidentialChild {
            id: format!("c{k}"),
            authority: ids[rng.random_range(0..n_partners)].clone(),
            age: rng.random_range(10..=17),
            needs: tags
                .iter()
                .filter(|_| rng.random_bool(0.35))
                .map(|t| t.to_string())
                .collect(),
            school: None,
            max_distance_km: rng.random_bool(0.2).then(|| rng.random_range(5.0..40.0)),
            current_weekly_cost: rng
                .random_bool(0.7)
                .then(|| rng.random_range(3000.0..12000.0_f64).round()),
        })
        .collect();
    let n_options = rng.random_range(1..=4);
    let options = (0..n_options)
        .map(|k| {
            let block = rng.random_bool(0.5);
            let beds = if block || rng.random_bool(0.6) {
                Some(rng.random_range(1..=3))
            } else {
                None
            };
            let accepts: Vec<String> = tags
                .iter()
                .filter(|_| rng.random_bool(0.7))
                .map(|t| t.to_string())
                .collect();
            let mut mix_limits = BTreeMap::new();
            if rng.random_bool(0.3) {
                mix_limits.insert(
                    tags[rng.random_range(0..2)].to_string(),
                    rng.random_range(0..=1),
                );
            }
            RawOption {
                id: format!("o{k}"),
                kind: if block {
                    OptionKind::Block
                } else {
                    OptionKind::Spot
                },
                authority: ids[rng.random_range(0..n_partners)].clone(),
                location: spot(&mut rng),
                beds,
                min_age: rng.random_range(8..=12),
                max_age: rng.random_range(14..=17),
                accepts,
                fixed_weekly_cost: if block {
                    rng.random_range(2000.0..15000.0_f64).round()
                } else {
                    0.0
                },
                weekly_cost_per_child: rng.random_range(300.0..9000.0_f64).round(),
                mix_limits,
            }
        })
        .collect();
    let raw = RawCommission {
        version: 1,
        authorities,
        schools: vec![],
        partners: ids,
        children,
        options,
        weights: Some(RawWeights {
            distance: [0.0, 10.0, 50.0][rng.random_range(0..3)],
            unplaced: [100_000.0, 6000.0][rng.random_range(0..2)],
        }),
    };
    Commission::try_from(raw).expect("tiny question is valid")
}

#[test]
fn every_coalition_matches_enumeration_on_200_tiny_questions() {
    for seed in 0..200 {
        let inst = tiny(seed);
        let report = commission::solve(&inst, &CommissionConfig::default()).expect("solves");
        assert_eq!(report.status, SolveStatus::Optimal, "seed {seed}");
        let game = commission::game(&report, &inst);
        let n = inst.partners.len();
        assert_eq!(
            game.len(),
            (1 << n) - 1,
            "seed {seed}: every coalition solved"
        );
        for (&mask, &cost) in &game {
            let (expected, _) = brute_force::solve(&inst, mask);
            assert!(
                close(cost, expected),
                "seed {seed} coalition {mask:#b}: MIP {cost}, enumeration {expected}"
            );
        }
        // The joint plan is feasible and costs what the report says.
        let full = (1u64 << n) - 1;
        let recomputed = plan::check(&inst, full, &report.plan).expect("joint plan feasible");
        assert!(close(recomputed, report.joint_cost), "seed {seed}");
        // Both splits share out exactly the joint cost.
        let shapley: f64 = report.partners.iter().filter_map(|p| p.shapley).sum();
        let proportional: f64 = report.partners.iter().filter_map(|p| p.proportional).sum();
        assert!(
            close(shapley, report.joint_cost),
            "seed {seed}: Shapley sums to {shapley}"
        );
        assert!(
            close(proportional, report.joint_cost),
            "seed {seed}: proportional sums to {proportional}"
        );
        // The suggested split shares out the joint cost, and is in the core
        // whenever the core is non-empty.
        let split: Vec<f64> = report
            .partners
            .iter()
            .map(|p| p.core_split.unwrap())
            .collect();
        assert!(close(split.iter().sum(), report.joint_cost), "seed {seed}");
        if report.core.nonempty == Some(true) {
            for (&mask, &cost) in &game {
                let paid: f64 = (0..n)
                    .filter(|p| mask >> p & 1 == 1)
                    .map(|p| split[p])
                    .sum();
                assert!(
                    paid <= cost + report.core.tolerance,
                    "seed {seed}: {mask:#b} pays {paid} > {cost}"
                );
            }
        }
        // Stand-alone costs are the singleton coalitions.
        for (p, share) in report.partners.iter().enumerate() {
            assert!(close(share.standalone_cost, game[&(1 << p)]), "seed {seed}");
        }
    }
}

#[test]
fn with_every_spot_limited_the_joint_optimum_matches_enumeration() {
    // Every spot option gets a bed limit: no option is "sure", so only the
    // fallback pruning acts.
    for seed in 200..260 {
        let mut inst = tiny(seed);
        for o in &mut inst.options {
            if o.kind == OptionKind::Spot {
                o.beds = Some(o.beds.unwrap_or(1));
            }
        }
        let full = (1u64 << inst.partners.len()) - 1;
        let report = commission::solve(
            &inst,
            &CommissionConfig {
                sharing: Sharing::Proportional,
                ..Default::default()
            },
        )
        .expect("solves");
        let (expected, _) = brute_force::solve(&inst, full);
        assert!(
            close(report.joint_cost, expected),
            "seed {seed}: {} vs {expected}",
            report.joint_cost
        );
    }
}

/// Three partners, one child each, one three-bed block costing £6,000 a week
/// with nothing per child, distances free. A's and B's children cost £5,000
/// where they are now, C's £1,000. Worked out by hand:
///
/// c(A) = c(B) = 5,000 (keep: cheaper than opening the block), c(C) = 1,000,
/// c(AB) = c(AC) = c(BC) = c(ABC) = 6,000 (open the block; for AC and BC
/// keeping both also costs 6,000).
///
/// Shapley, the mean marginal cost over the six orders:
/// A: ABC 5000, ACB 5000, BAC 1000, BCA 0, CAB 5000, CBA 0 → 16,000 / 6;
/// B: the same by symmetry; C: 0, 1000, 0, 1000, 1000, 1000 → 4,000 / 6.
///
/// Proportional: all three share the block, nothing per child: 2,000 each.
/// C pays 2,000 > c(C) = 1,000, so {C} blocks the proportional split; the
/// Shapley split (2,666.67, 2,666.67, 666.67) leaves every coalition paying
/// no more than alone: it is in the core.
#[test]
fn hand_worked_three_partner_game_shapley_in_core_proportional_not() {
    let inst = question(
        &["A", "B", "C"],
        vec![
            child("a", "A", Some(5000.0)),
            child("b", "B", Some(5000.0)),
            child("c", "C", Some(1000.0)),
        ],
        vec![option("H", OptionKind::Block, Some(3), 6000.0, 0.0)],
    );
    let report = commission::solve(&inst, &CommissionConfig::default()).expect("solves");
    assert_eq!(report.status, SolveStatus::Optimal);
    assert!(close(report.joint_cost, 6000.0));
    assert_eq!(report.commissioned, vec!["H".to_string()]);
    let game = commission::game(&report, &inst);
    for (mask, cost) in [
        (1, 5000.0),
        (2, 5000.0),
        (4, 1000.0),
        (3, 6000.0),
        (5, 6000.0),
        (6, 6000.0),
        (7, 6000.0),
    ] {
        assert!(close(game[&mask], cost), "c({mask:#b}) = {}", game[&mask]);
    }
    let shapley: Vec<f64> = report.partners.iter().map(|p| p.shapley.unwrap()).collect();
    let expected = [16000.0 / 6.0, 16000.0 / 6.0, 4000.0 / 6.0];
    for (a, b) in shapley.iter().zip(expected) {
        assert!(close(*a, b), "Shapley {shapley:?}");
    }
    let proportional: Vec<f64> = report
        .partners
        .iter()
        .map(|p| p.proportional.unwrap())
        .collect();
    for a in &proportional {
        assert!(close(*a, 2000.0), "proportional {proportional:?}");
    }
    assert_eq!(report.core.shapley, Some(true));
    assert_eq!(report.core.proportional, Some(false));
    assert_eq!(report.core.blocking, vec![vec!["C".to_string()]]);
    assert_eq!(report.core.nonempty, Some(true));
    // Shapley is in the core, so the suggested core split is Shapley itself.
    for (p, b) in report.partners.iter().zip(expected) {
        assert!(
            close(p.core_split.unwrap(), b),
            "core split {:?}",
            p.core_split
        );
    }
    assert_eq!(report.subadditive, Some(true));
    // Savings against going alone, under Shapley.
    assert!(close(report.partners[0].saving, 5000.0 - 16000.0 / 6.0));
    assert!(close(report.joint_saving, 11000.0 - 6000.0));
}

/// Two partners want the one spot vacancy: alone each gets it for £1,000,
/// together one child stays in a £10,000 placement. The game is not
/// subadditive, the core is empty, and the report says so.
#[test]
fn competing_for_one_bed_is_reported_as_not_subadditive() {
    let inst = question(
        &["A", "B"],
        vec![
            child("a", "A", Some(10000.0)),
            child("b", "B", Some(10000.0)),
        ],
        vec![option("S", OptionKind::Spot, Some(1), 0.0, 1000.0)],
    );
    let report = commission::solve(&inst, &CommissionConfig::default()).expect("solves");
    assert!(close(report.joint_cost, 11000.0));
    assert_eq!(report.subadditive, Some(false));
    assert_eq!(report.subadditivity_violations.len(), 1);
    assert!(close(report.subadditivity_violations[0].apart, 2000.0));
    assert!(close(report.subadditivity_violations[0].together, 11000.0));
    assert_eq!(report.core.nonempty, Some(false));
    assert_eq!(report.core.shapley, Some(false));
    // The least core: 11,000 split 5,500 each, 4,500 more than either pays alone.
    assert!(close(report.core.least_core_excess.unwrap(), 4500.0));
    for p in &report.partners {
        assert!(close(p.core_split.unwrap(), 5500.0));
    }
    assert!(report.joint_saving < 0.0);
    let kept = report
        .assignments
        .iter()
        .filter(|a| a.outcome == Outcome::KeptCurrent)
        .count();
    assert_eq!(kept, 1);
}

#[test]
fn sampled_shapley_is_within_its_stated_error_of_the_exact_value() {
    let spec = commission::generator::CommissionSpec::new(11, 4, 16, 10, 3);
    let inst = Commission::try_from(commission::generator::generate_raw(&spec)).expect("valid");
    let exact = commission::solve(&inst, &CommissionConfig::default()).expect("solves");
    let sampled = commission::solve(
        &inst,
        &CommissionConfig {
            exact_up_to: 0,
            sampled_orders: 300,
            seed: 5,
            ..Default::default()
        },
    )
    .expect("solves");
    assert!(close(exact.joint_cost, sampled.joint_cost));
    assert!(!sampled.core.checked);
    assert_eq!(sampled.subadditive, None);
    // A partial core check only reports coalitions that really block: their
    // stand-alone costs are those of the exact game, and they are charged more.
    let game = commission::game(&exact, &inst);
    let index = |id: &str| {
        exact
            .partners
            .iter()
            .position(|p| p.authority == id)
            .unwrap()
    };
    for b in &sampled.core.blocking_detail {
        let mask = b.coalition.iter().fold(0u64, |m, id| m | 1 << index(id));
        assert!(close(b.standalone, game[&mask]));
        assert!(b.allocated > b.standalone);
    }
    if sampled
        .core
        .blocking_detail
        .iter()
        .any(|b| b.allocation == "shapley")
    {
        assert_eq!(sampled.core.shapley, Some(false));
    } else {
        assert_eq!(sampled.core.shapley, None);
    }
    for (e, s) in exact.partners.iter().zip(&sampled.partners) {
        let (e, s, err) = (
            e.shapley.unwrap(),
            s.shapley.unwrap(),
            s.shapley_error.unwrap(),
        );
        // 1.96 standard errors is a 95 % interval; allow 2 of them.
        assert!(
            (e - s).abs() <= 2.0 * err + 1e-6,
            "exact {e}, sampled {s} ± {err}"
        );
    }
}

#[test]
fn adding_a_bed_never_raises_the_joint_cost() {
    for seed in 300..340 {
        let inst = tiny(seed);
        let config = CommissionConfig {
            sharing: Sharing::Proportional,
            ..Default::default()
        };
        let before = commission::solve(&inst, &config)
            .expect("solves")
            .joint_cost;
        for o in 0..inst.options.len() {
            let mut more = inst.clone();
            if let Some(b) = more.options[o].beds.as_mut() {
                *b += 1;
            }
            let after = commission::solve(&more, &config)
                .expect("solves")
                .joint_cost;
            assert!(
                after <= before + 1e-6 * before,
                "seed {seed} option {o}: {before} → {after}"
            );
        }
    }
}

#[test]
fn same_seed_same_answer() {
    let spec = commission::generator::CommissionSpec::new(3, 3, 15, 12, 4);
    let a = commission::generator::generate_raw(&spec);
    assert_eq!(a, commission::generator::generate_raw(&spec));
    let inst = Commission::try_from(a).expect("valid");
    let r1 = commission::solve(&inst, &CommissionConfig::default()).expect("solves");
    let r2 = commission::solve(&inst, &CommissionConfig::default()).expect("solves");
    assert_eq!(r1.plan, r2.plan);
    assert_eq!(r1.commissioned, r2.commissioned);
}

#[test]
fn a_spent_time_limit_never_claims_optimal() {
    let spec = commission::generator::CommissionSpec::new(2026, 4, 40, 60, 12);
    let inst = Commission::try_from(commission::generator::generate_raw(&spec)).expect("valid");
    // A limit of zero is refused like any out-of-range option, naming it.
    let zero = CommissionConfig {
        solve: SolveOptions {
            time_limit: Some(0.0),
            ..Default::default()
        },
        ..Default::default()
    };
    match commission::solve(&inst, &zero) {
        Err(commission::CommissionError::InvalidOption(e)) => assert_eq!(e.option, "time_limit"),
        other => panic!("expected time_limit refused, got {other:?}"),
    }
    // A microsecond is spent before the first coalition solve starts.
    let config = CommissionConfig {
        solve: SolveOptions {
            time_limit: Some(1e-6),
            ..Default::default()
        },
        ..Default::default()
    };
    let report = commission::solve(&inst, &config).expect("returns the best plan found");
    assert_eq!(report.status, SolveStatus::TimeLimit);
    assert!(report.bound <= report.joint_cost + 1e-6);
    // Still a feasible plan, costed from scratch.
    let cost = plan::check(&inst, 15, &report.plan).expect("feasible");
    assert!(close(cost, report.joint_cost));
}

#[test]
fn invalid_questions_report_every_problem_with_record_and_field() {
    let mut bad_option = option("B1", OptionKind::Block, None, -5.0, 100.0);
    bad_option.min_age = 18;
    bad_option.max_age = 12;
    let mut spot_with_fixed = option("S1", OptionKind::Spot, Some(0), 500.0, 100.0);
    spot_with_fixed.authority = "nowhere".into();
    let mut c = child("c1", "Z", Some(f64::NAN));
    c.school = Some("no-school".into());
    let raw = RawCommission {
        version: 2,
        authorities: vec![authority("A", 50.9, -1.1), authority("Z", 51.0, -1.0)],
        schools: vec![],
        partners: vec!["A".into(), "Q".into(), "A".into()],
        children: vec![c, child("c1", "A", None)],
        options: vec![bad_option, spot_with_fixed],
        weights: Some(RawWeights {
            distance: -1.0,
            unplaced: 100_000.0,
        }),
    };
    let errors = Commission::try_from(raw).expect_err("invalid");
    let found = |table: &str, record: Option<&str>, field: &str| {
        errors
            .iter()
            .any(|e| e.table == table && e.record.as_deref() == record && e.field == field)
    };
    assert!(found("commission", None, "version"));
    assert!(found("partners", Some("Q"), "partners"), "unknown partner");
    assert!(
        found("partners", Some("A"), "partners"),
        "partner listed twice"
    );
    assert!(
        found("children", Some("c1"), "authority"),
        "Z is not a partner"
    );
    assert!(found("children", Some("c1"), "school"));
    assert!(found("children", Some("c1"), "current_weekly_cost"));
    assert!(found("children", Some("c1"), "id"), "duplicate id");
    assert!(found("options", Some("B1"), "beds"), "block without beds");
    assert!(
        found("options", Some("B1"), "fixed_weekly_cost"),
        "negative"
    );
    assert!(found("options", Some("B1"), "min_age"));
    assert!(found("options", Some("S1"), "authority"));
    assert!(found("options", Some("S1"), "beds"), "zero beds");
    assert!(
        found("options", Some("S1"), "fixed_weekly_cost"),
        "spot with fixed cost"
    );
    assert!(found("commission", None, "weights.distance"));
    assert_eq!(errors.len(), 14, "{errors:#?}");
}

#[test]
fn numeric_limits_are_enforced_with_the_field_named() {
    use optimiser::dataset::limits::*;
    let mut o = option(
        "B1",
        OptionKind::Block,
        Some(MAX_CAPACITY + 1),
        1e308,
        1e308,
    );
    o.mix_limits.insert("autism".into(), MAX_CAPACITY + 1);
    let mut c = child("c1", "A", Some(MAX_WEEKLY_COST * 2.0));
    c.max_distance_km = Some(MAX_DISTANCE_KM + 1.0);
    let raw = RawCommission {
        version: 1,
        authorities: vec![authority("A", 50.9, -1.1)],
        schools: vec![],
        partners: vec!["A".into()],
        children: vec![c],
        options: vec![o],
        weights: Some(RawWeights {
            distance: MAX_DISTANCE_WEIGHT * 10.0,
            unplaced: 1e300,
        }),
    };
    let errors = Commission::try_from(raw).expect_err("out of bounds");
    let message = |table: &str, field: &str| {
        errors
            .iter()
            .find(|e| e.table == table && e.field == field)
            .map(|e| e.message.clone())
            .unwrap_or_else(|| panic!("no {table} {field} in {errors:#?}"))
    };
    assert!(message("options", "beds").contains("limit of 1000"));
    assert!(message("options", "mix_limits").contains("limit of 1000"));
    assert!(message("options", "fixed_weekly_cost").contains("1e308 is more than the limit"));
    assert!(message("options", "weekly_cost_per_child").contains("limit"));
    assert!(message("children", "current_weekly_cost").contains("limit"));
    assert!(message("children", "max_distance_km").contains("limit of 20000 km"));
    assert!(message("commission", "weights.distance").contains("limit"));
    assert!(message("commission", "weights.unplaced").contains("1e300"));
    assert_eq!(errors.len(), 8, "{errors:#?}");
}
