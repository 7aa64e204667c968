//! Contract v1.1, matching as practice decides: every new rule is
//! cross-checked against exhaustive enumeration on many small seeded
//! datasets, and each has a test that fails when the rule is removed (a
//! dataset where ignoring it gives a strictly cheaper objective).

mod common;

use common::{carer, child, raw_dataset};
use optimiser::checker;
use optimiser::dataset::raw::*;
use optimiser::dataset::Dataset;
use optimiser::matching::{
    self, MatchConfig, MatchSolution, SplitReason, Strategy, UnplacedReason,
};
use optimiser::solver::SolveStatus;

fn cross_check(seed: u64, config: &MatchConfig) -> bool {
    let data = Dataset::try_from(common::tiny_practice(seed, 7, 5)).expect("test data is valid");
    common::matches_brute_force(seed, &data, config)
}

#[test]
fn practice_rules_match_brute_force_with_column_generation() {
    let config = MatchConfig::default();
    let checked = (0..300).filter(|&s| cross_check(s, &config)).count();
    assert!(checked >= 200, "only {checked} instances were small enough");
}

#[test]
fn practice_rules_match_brute_force_with_one_column_per_owner() {
    let config = MatchConfig {
        strategy: Strategy::Pricing {
            initial_per_owner: 1,
            add_per_owner: 1,
        },
        ..MatchConfig::default()
    };
    let checked = (500..700).filter(|&s| cross_check(s, &config)).count();
    assert!(checked >= 130, "only {checked}");
}

#[test]
fn practice_rules_match_brute_force_with_the_full_model() {
    let config = MatchConfig {
        strategy: Strategy::Full,
        ..MatchConfig::default()
    };
    // Seeds shared with the pricing tests, and more: the full model is the
    // reference that pricing must reproduce.
    let checked = (200..600)
        .chain(900..1050)
        .filter(|&s| cross_check(s, &config))
        .count();
    assert!(checked >= 380, "only {checked}");
}

#[test]
fn the_rules_are_exercised_by_the_cross_check_datasets() {
    // Over the seeds above, the rules bind: some optimum splits a group,
    // places outside the authority, or leaves a child out for a home rule.
    let (mut split, mut outside, mut home_rule) = (0, 0, 0);
    for seed in 0..300 {
        let data = Dataset::try_from(common::tiny_practice(seed, 7, 5)).expect("valid");
        let s = matching::solve(&data, &MatchConfig::default()).expect("solves");
        split += s.split_groups.len();
        outside += s.breakdown.children_placed - s.breakdown.placed_inside_authority;
        home_rule += s
            .unplaced
            .iter()
            .filter(|u| {
                matches!(
                    u.reason,
                    UnplacedReason::ExcludedByHomeRules
                        | UnplacedReason::ConflictsWithChildrenPlaced
                )
            })
            .count();
    }
    assert!(
        split >= 10 && outside >= 10 && home_rule >= 5,
        "{split} {outside} {home_rule}"
    );
}

// ----- one test per rule: the optimum with the rule is strictly dearer than without -----

/// A home in authority `A` at the carers' location.
fn home(id: &str, beds: u32, cost: f64) -> RawHome {
    RawHome {
        id: id.into(),
        authority: "A".into(),
        location: RawLocation {
            lat: 50.80,
            lon: -1.10,
        },
        beds,
        occupied: 0,
        min_age: 0,
        max_age: 17,
        accepts: vec![],
        weekly_cost: cost,
        sex: SexGroup::Mixed,
        residents: vec![],
        mix_limits: vec![],
        max_age_gap: None,
    }
}

fn any_child(id: &str, age: u32) -> RawChild {
    RawChild {
        age,
        placement: PlacementKind::Any,
        ..child(id, None)
    }
}

fn solve(raw: RawDataset) -> (Dataset, MatchSolution) {
    let data = Dataset::try_from(raw).expect("valid");
    let s = matching::solve(&data, &MatchConfig::default()).expect("solves");
    assert_eq!(s.status, SolveStatus::Optimal);
    (data, s)
}

fn place_of(s: &MatchSolution, child: &str) -> Option<String> {
    s.assignments
        .iter()
        .find(|a| a.child == child)
        .map(|a| a.place.clone())
}

/// The objective of `placement` (child id → place id) if the checker
/// accepts it, or the rules it breaks.
fn objective_of(
    data: &Dataset,
    placement: &[(&str, &str)],
) -> Result<f64, Vec<checker::Violation>> {
    let mut p = vec![None; data.children().len()];
    for (c, j) in placement {
        p[data.child_index(c).expect("child")] = Some(data.place_index(j).expect("place"));
    }
    checker::check(data, &MatchConfig::default().weights, &p)
}

#[test]
fn sex_rule_keeps_a_girl_out_of_a_boys_home_and_a_boys_carer() {
    let mut boys = home("H1", 1, 100.0);
    boys.sex = SexGroup::Boys;
    let mut pref = carer("C1", 1, 200.0);
    pref.sex_preference = Some(SexGroup::Boys);
    let mut raw = raw_dataset(vec![pref, carer("C2", 1, 900.0)], vec![any_child("K1", 12)]);
    raw.children[0].sex = Some(Sex::Female);
    raw.homes = vec![boys];
    let (data, s) = solve(raw);
    assert_eq!(place_of(&s, "K1").as_deref(), Some("C2"));
    assert!(objective_of(&data, &[("K1", "H1")]).is_err());
    assert!(objective_of(&data, &[("K1", "C1")]).is_err());
}

#[test]
fn a_resident_with_an_incompatible_risk_excludes_the_home() {
    let mut h = home("H1", 2, 100.0);
    h.occupied = 1;
    h.residents = vec![RawResident {
        age: 14,
        risks: vec!["exploiter".into()],
    }];
    let mut raw = raw_dataset(vec![carer("C1", 1, 900.0)], vec![any_child("K1", 13)]);
    raw.children[0].risks = vec!["cse_risk".into()];
    raw.incompatible = vec![vec!["cse_risk".into(), "exploiter".into()]];
    raw.homes = vec![h];
    let (data, s) = solve(raw);
    assert_eq!(place_of(&s, "K1").as_deref(), Some("C1"));
    assert!(objective_of(&data, &[("K1", "H1")]).is_err());
}

#[test]
fn a_resident_too_far_in_age_excludes_the_home() {
    let mut h = home("H1", 2, 100.0);
    h.occupied = 1;
    h.residents = vec![RawResident {
        age: 17,
        risks: vec![],
    }];
    h.max_age_gap = Some(4);
    let raw = {
        let mut r = raw_dataset(vec![carer("C1", 1, 900.0)], vec![any_child("K1", 12)]);
        r.homes = vec![h];
        r
    };
    let (data, s) = solve(raw);
    assert_eq!(place_of(&s, "K1").as_deref(), Some("C1"));
    assert!(objective_of(&data, &[("K1", "H1")]).is_err());
}

#[test]
fn a_mix_limit_full_of_residents_excludes_the_home() {
    let mut h = home("H1", 3, 100.0);
    h.occupied = 1;
    h.residents = vec![RawResident {
        age: 14,
        risks: vec!["self_harm".into()],
    }];
    h.mix_limits = vec![RawMixLimit {
        tag: "self_harm".into(),
        max: 1,
    }];
    let mut raw = raw_dataset(vec![carer("C1", 1, 900.0)], vec![any_child("K1", 13)]);
    raw.children[0].risks = vec!["self_harm".into()];
    raw.homes = vec![h];
    let (data, s) = solve(raw);
    assert_eq!(place_of(&s, "K1").as_deref(), Some("C1"));
    assert!(objective_of(&data, &[("K1", "H1")]).is_err());
}

/// Two children who could share a cheap two-bed home but for the rule
/// between them, and one dear carer: one goes to each.
fn two_arrivals(edit: impl FnOnce(&mut RawDataset)) -> (Dataset, MatchSolution) {
    let mut raw = raw_dataset(
        vec![carer("C1", 1, 900.0)],
        vec![any_child("K1", 12), any_child("K2", 13)],
    );
    raw.homes = vec![home("H1", 2, 100.0)];
    edit(&mut raw);
    let (data, s) = solve(raw);
    assert_eq!(s.breakdown.children_placed, 2);
    let at_home = s.assignments.iter().filter(|a| a.place == "H1").count();
    assert_eq!(at_home, 1, "{:?}", s.assignments);
    // Both at the home is cheaper, and breaks the rule.
    assert!(objective_of(&data, &[("K1", "H1"), ("K2", "H1")]).is_err());
    (data, s)
}

#[test]
fn a_mix_limit_counts_children_arriving_in_the_same_solve() {
    two_arrivals(|raw| {
        raw.homes[0].mix_limits = vec![RawMixLimit {
            tag: "cse_risk".into(),
            max: 1,
        }];
        raw.children[0].risks = vec!["cse_risk".into()];
        raw.children[1].risks = vec!["cse_risk".into()];
    });
}

#[test]
fn incompatible_children_are_not_placed_in_one_home_in_one_solve() {
    two_arrivals(|raw| {
        raw.incompatible = vec![vec!["cse_risk".into(), "exploiter".into()]];
        raw.children[0].risks = vec!["cse_risk".into()];
        raw.children[1].risks = vec!["exploiter".into()];
    });
}

#[test]
fn an_age_gap_applies_between_children_arriving_in_one_solve() {
    two_arrivals(|raw| {
        raw.homes[0].max_age_gap = Some(3);
        raw.children[0].age = 8;
        raw.children[1].age = 15;
    });
}

#[test]
fn a_non_strict_group_is_split_rather_than_left_unplaced() {
    // Four siblings, no household with four places: strict leaves them all
    // unplaced; non-strict splits them over as few places as possible.
    let carers = vec![
        carer("C1", 2, 500.0),
        carer("C2", 2, 500.0),
        carer("C3", 1, 400.0),
    ];
    let kids: Vec<RawChild> = (0..4).map(|k| child(&format!("K{k}"), Some("G"))).collect();
    let mut raw = raw_dataset(carers, kids);
    raw.sibling_groups = vec![RawSiblingGroup {
        id: "G".into(),
        keep_together: KeepTogether::Household,
        strict: Some(false),
    }];
    let (data, s) = solve(raw.clone());
    assert_eq!(s.breakdown.children_placed, 4);
    assert_eq!(s.split_groups.len(), 1);
    let split = &s.split_groups[0];
    assert_eq!(split.places, 2, "as few places as possible: {split:?}");
    assert_eq!(split.split_cost, 5_000.0);
    assert_eq!(split.reason, SplitReason::NoPlaceForAll);
    assert!((s.objective - (2000.0 + 5000.0)).abs() < 1e-6);
    // Without the split cost, three places (one at the cheaper C3) would be cheaper.
    assert!(objective_of(
        &data,
        &[("K0", "C1"), ("K1", "C1"), ("K2", "C2"), ("K3", "C3")]
    )
    .is_ok_and(|o| o > s.objective));
    raw.sibling_groups[0].strict = Some(true);
    let (_, strict) = solve(raw);
    assert_eq!(strict.breakdown.children_placed, 0);
    assert!(strict
        .unplaced
        .iter()
        .all(|u| u.reason == UnplacedReason::SiblingsCannotBeKeptTogether));
}

#[test]
fn a_split_prefers_households_of_one_constellation() {
    let mut c1 = carer("C1", 1, 500.0);
    let mut c2 = carer("C2", 1, 500.0);
    c1.constellation = Some("MB".into());
    c2.constellation = Some("MB".into());
    let c3 = carer("C3", 1, 300.0); // cheaper, outside the constellation
    let raw = raw_dataset(
        vec![c1, c2, c3],
        vec![child("K1", Some("G")), child("K2", Some("G"))],
    );
    let (data, s) = solve(raw);
    assert_eq!(s.split_groups.len(), 1);
    assert_eq!(s.split_groups[0].split_cost, 1_000.0);
    assert!(s
        .assignments
        .iter()
        .all(|a| a.constellation.as_deref() == Some("MB")));
    // C3 with C1 costs 200 less in placements, but 4,000 more in split cost.
    let across = objective_of(&data, &[("K1", "C1"), ("K2", "C3")]).expect("feasible");
    assert!((across - s.objective - 3_800.0).abs() < 1e-6);
}

#[test]
fn a_split_too_costly_together_says_by_how_much() {
    // A two-place household 300 km away: together costs more than the split.
    let mut far = carer("CF", 2, 500.0);
    far.location = RawLocation {
        lat: 53.5,
        lon: -1.1,
    };
    let raw = raw_dataset(
        vec![far, carer("C1", 1, 500.0), carer("C2", 1, 500.0)],
        vec![child("K1", Some("G")), child("K2", Some("G"))],
    );
    let (_, s) = solve(raw);
    assert_eq!(s.split_groups.len(), 1);
    match &s.split_groups[0].reason {
        SplitReason::TogetherCostsMore {
            place,
            extra_cost,
            extra_km,
        } => {
            assert_eq!(place, "CF");
            assert!(
                *extra_km > 500.0 && *extra_cost > 0.0,
                "{extra_cost} {extra_km}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn outside_authority_weight_keeps_children_inside_their_authority() {
    let mut other = carer("C2", 1, 450.0);
    other.authority = "B".into();
    let mut raw = raw_dataset(vec![carer("C1", 1, 500.0), other], vec![child("K1", None)]);
    raw.authorities.push(RawAuthority {
        id: "B".into(),
        name: "B".into(),
        location: raw.authorities[0].location,
    });
    let (_, s) = solve(raw.clone());
    assert_eq!(place_of(&s, "K1").as_deref(), Some("C2"));
    assert_eq!(s.breakdown.share_inside_authority, 0.0);
    raw.practice_weights = Some(RawPracticeWeights {
        w_outside_authority: Some(100.0),
        ..Default::default()
    });
    let (_, s) = solve(raw);
    assert_eq!(place_of(&s, "K1").as_deref(), Some("C1"));
    assert_eq!(s.breakdown.share_inside_authority, 1.0);
    assert_eq!(s.breakdown.share_within_20_miles, 1.0);
}

#[test]
fn unplaced_reasons_name_the_new_rules() {
    // Only a girls' home could take K1 (a boy); K2 and K3 (too young for H1,
    // and of unknown sex) conflict at the only place either could have.
    let mut girls = home("H1", 1, 100.0);
    girls.sex = SexGroup::Girls;
    let mut h2 = home("H2", 2, 100.0);
    h2.max_age_gap = Some(2);
    let mut raw = raw_dataset(
        vec![],
        vec![any_child("K1", 12), any_child("K2", 8), any_child("K3", 15)],
    );
    raw.children[0].sex = Some(Sex::Male);
    raw.children[0].placement = PlacementKind::Residential;
    raw.children[0].needs = vec!["autism".into()];
    girls.accepts = vec!["autism".into()]; // only H1 meets K1's need
    raw.homes = vec![girls, h2];
    raw.homes[0].min_age = 11; // K2 is too young for H1
    raw.homes[0].sex = SexGroup::Girls;
    let (_, s) = solve(raw);
    let reason = |c: &str| s.unplaced.iter().find(|u| u.child == c).map(|u| u.reason);
    assert_eq!(reason("K1"), Some(UnplacedReason::ExcludedByHomeRules));
    let conflicted = [reason("K2"), reason("K3")];
    assert!(
        conflicted.contains(&Some(UnplacedReason::ConflictsWithChildrenPlaced)),
        "{:?}",
        s.unplaced
    );
}

#[test]
fn a_v1_dataset_reads_the_same_with_the_v1_defaults() {
    // A `version: 1` document without any v1.1 field: no sexes, risks,
    // residents, mix limits or incompatible pairs (so no home rows), no
    // weight outside the authority, and every group strict (v1's all or
    // none), so it solves exactly as the same groups marked strict. Under
    // `version: 1.1` the same document's groups are not strict.
    let mut found_group = false;
    for seed in 0..40 {
        let raw = common::tiny(seed, 8, 6);
        if raw.sibling_groups.is_empty() {
            continue;
        }
        found_group = true;
        let mut v1 = serde_json::to_value(&raw).expect("serialises");
        for table in ["carers", "homes", "children", "sibling_groups"] {
            for record in v1[table].as_array_mut().expect("table") {
                let record = record.as_object_mut().expect("record");
                for field in [
                    "sex_preference",
                    "sex",
                    "residents",
                    "mix_limits",
                    "max_age_gap",
                    "risks",
                    "strict",
                ] {
                    record.remove(field);
                }
            }
        }
        let map = v1.as_object_mut().expect("document");
        map.remove("incompatible");
        map.remove("practice_weights");
        map.insert("version".into(), serde_json::json!(1));
        let back: RawDataset = serde_json::from_value(v1.clone()).expect("a v1 document reads");
        assert!(!back.uses_v1_1_fields());
        let data = Dataset::try_from(&back).expect("valid");
        assert!(data.incompatible().is_empty());
        assert_eq!(
            data.practice(),
            &optimiser::dataset::PracticeWeights::default()
        );
        assert!(data
            .places()
            .iter()
            .all(|p| p.residents.is_empty() && !p.has_mix_rules()));
        assert!(data.sibling_groups().iter().all(|g| g.strict));
        // The same groups, each marked strict (unlisted ones listed).
        let mut marked = raw.clone();
        for c in &raw.children {
            if let Some(id) = &c.sibling_group {
                if !marked.sibling_groups.iter().any(|g| &g.id == id) {
                    marked.sibling_groups.push(RawSiblingGroup {
                        id: id.clone(),
                        keep_together: optimiser::dataset::KeepTogether::Household,
                        strict: None,
                    });
                }
            }
        }
        marked
            .sibling_groups
            .iter_mut()
            .for_each(|g| g.strict = Some(true));
        let strict = Dataset::try_from(&marked).expect("valid");
        assert!(strict.sibling_groups().iter().all(|g| g.strict));
        let config = MatchConfig::default();
        let a = matching::solve(&data, &config).expect("solves");
        let b = matching::solve(&strict, &config).expect("solves");
        assert_eq!(a.placement, b.placement, "seed {seed}");
        assert_eq!(a.objective, b.objective, "seed {seed}");

        v1["version"] = serde_json::json!(1.1);
        let v1_1: RawDataset = serde_json::from_value(v1).expect("reads");
        let data = Dataset::try_from(&v1_1).expect("valid");
        assert!(data.sibling_groups().iter().all(|g| !g.strict));
    }
    assert!(found_group);
}
