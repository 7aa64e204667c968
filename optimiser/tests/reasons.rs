//! Unplaced children get the reason that fits their case.

mod common;

use common::{carer, child, dataset, raw_dataset};
use optimiser::dataset::raw::*;
use optimiser::dataset::Dataset;
use optimiser::matching::{solve, MatchConfig, UnplacedReason, Weights};

fn reasons(data: &Dataset, config: &MatchConfig) -> Vec<(String, UnplacedReason)> {
    solve(data, config)
        .expect("solves")
        .unplaced
        .into_iter()
        .map(|u| (u.child, u.reason))
        .collect()
}

#[test]
fn no_eligible_place() {
    let mut c = child("K1", None);
    c.needs = vec!["disability".into()];
    let data = dataset(vec![carer("C1", 1, 500.0)], vec![c]);
    assert_eq!(
        reasons(&data, &MatchConfig::default()),
        vec![("K1".into(), UnplacedReason::NoEligiblePlace)]
    );
}

#[test]
fn eligible_places_taken() {
    // One place, two children: one is placed, the other finds it taken.
    let data = dataset(
        vec![carer("C1", 1, 500.0)],
        vec![child("K1", None), child("K2", None)],
    );
    let r = reasons(&data, &MatchConfig::default());
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].1, UnplacedReason::EligiblePlacesTaken);
}

#[test]
fn cost_exceeds_unplaced_penalty() {
    let data = dataset(vec![carer("C1", 1, 5000.0)], vec![child("K1", None)]);
    let config = MatchConfig {
        weights: Weights {
            distance: 10.0,
            unplaced: 1000.0,
        },
        ..MatchConfig::default()
    };
    assert_eq!(
        reasons(&data, &config),
        vec![("K1".into(), UnplacedReason::CostExceedsUnplacedPenalty)]
    );
}

#[test]
fn siblings_cannot_be_kept_together() {
    // Two single places: each sibling fits somewhere, but no household takes
    // both. A strict group (all or none) is left unplaced.
    let mut raw = raw_dataset(
        vec![carer("C1", 1, 500.0), carer("C2", 1, 500.0)],
        vec![child("K1", Some("G")), child("K2", Some("G"))],
    );
    raw.sibling_groups.push(RawSiblingGroup {
        id: "G".into(),
        keep_together: KeepTogether::Household,
        strict: Some(true),
    });
    let strict = Dataset::try_from(raw.clone()).expect("valid");
    let r = reasons(&strict, &MatchConfig::default());
    assert_eq!(
        r,
        vec![
            ("K1".into(), UnplacedReason::SiblingsCannotBeKeptTogether),
            ("K2".into(), UnplacedReason::SiblingsCannotBeKeptTogether)
        ]
    );
    // Not strict (the default): split over the two households instead.
    raw.sibling_groups[0].strict = Some(false);
    let s = solve(
        &Dataset::try_from(raw).expect("valid"),
        &MatchConfig::default(),
    )
    .unwrap();
    assert!(s.unplaced.is_empty());
    assert_eq!(s.breakdown.siblings.split, 1);
    // With room for both, they are placed together.
    let data = dataset(
        vec![carer("C1", 2, 500.0)],
        vec![child("K1", Some("G")), child("K2", Some("G"))],
    );
    let s = solve(&data, &MatchConfig::default()).unwrap();
    assert_eq!(s.breakdown.siblings.same_household, 1);
}

#[test]
fn constellation_group_spreads_over_households_of_one_constellation() {
    let mut c1 = carer("C1", 1, 500.0);
    let mut c2 = carer("C2", 1, 500.0);
    c1.constellation = Some("MB".into());
    c2.constellation = Some("MB".into());
    let c3 = carer("C3", 1, 100.0); // cheaper, but outside the constellation
    let mut raw_children = vec![child("K1", Some("G")), child("K2", Some("G"))];
    raw_children[0].age = 9;
    let mut raw = raw_dataset(vec![c1, c2, c3], raw_children);
    raw.sibling_groups.push(RawSiblingGroup {
        id: "G".into(),
        keep_together: KeepTogether::Constellation,
        strict: Some(true),
    });
    let data = Dataset::try_from(raw).expect("valid");
    let s = solve(&data, &MatchConfig::default()).unwrap();
    assert_eq!(s.breakdown.children_placed, 2);
    assert_eq!(s.breakdown.siblings.same_constellation, 1);
    assert!(s
        .assignments
        .iter()
        .all(|a| a.constellation.as_deref() == Some("MB")));
}
