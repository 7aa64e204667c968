//! A solver-independent checker: given a dataset, the weights and a placement
//! (each child's place, or none), verify every rule of the model and recompute
//! the objective from scratch: placement costs (with `w_outside_authority`),
//! unplaced penalties and the split costs of non-strict sibling groups
//! ([`split_cost`]); rules: eligibility, capacity, sibling policies, and
//! between the children newly placed in one home its mix limits, its
//! `max_age_gap` and the incompatible risk pairs. Tests run it on every solution; `matching::solve`
//! runs it on its own answer before returning it.

use std::collections::BTreeSet;

use crate::dataset::{Dataset, GroupIdx, KeepTogether, PlaceIdx};
use crate::eligibility;
use crate::matching::{placement_cost, Weights};

/// A rule the placement breaks.
#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    /// The placement vector does not have one entry per child.
    WrongLength {
        /// Children in the dataset.
        expected: usize,
        /// Entries given.
        got: usize,
    },
    /// A child is placed somewhere they are not eligible for.
    NotEligible {
        /// Child id.
        child: String,
        /// Place id.
        place: String,
        /// The first eligibility rule broken.
        rule: eligibility::Ineligible,
    },
    /// A place holds more children than it has free places.
    OverCapacity {
        /// Place id.
        place: String,
        /// Children placed there.
        placed: u32,
        /// Its free places.
        free: u32,
    },
    /// A `household` sibling group is split or partly placed.
    HouseholdSplit {
        /// Group id.
        group: String,
    },
    /// A `constellation` sibling group is partly placed or spread across constellations.
    ConstellationSplit {
        /// Group id.
        group: String,
    },
    /// A home holds more children with a risk than its mix limit allows
    /// (residents and arrivals).
    MixLimitExceeded {
        /// Place id.
        place: String,
        /// The risk tag.
        tag: String,
        /// Children with it there after the placement.
        count: u32,
        /// The limit.
        max: u32,
    },
    /// Two children newly placed in one home may not live together
    /// (incompatible risks, or an age gap over the home's limit).
    ChildrenConflict {
        /// Place id.
        place: String,
        /// One child's id.
        first: String,
        /// The other's.
        second: String,
    },
}

/// The split cost of non-strict group `g` whose placed members are at
/// `places` (0 if none is placed): with `P` places and `C` clusters (each
/// constellation used is one cluster, each place outside constellations
/// another), `w_split_constellation(g)·(P − C) + w_split·(C − 1)`, where
/// `w_split_constellation(g)` is 0 for a `constellation` group.
pub fn split_cost(data: &Dataset, g: GroupIdx, places: &BTreeSet<PlaceIdx>) -> f64 {
    if places.is_empty() {
        return 0.0;
    }
    let constellations: BTreeSet<usize> = places
        .iter()
        .filter_map(|&j| data.places()[j].constellation())
        .collect();
    let outside = places
        .iter()
        .filter(|&&j| data.places()[j].constellation().is_none())
        .count();
    let p = places.len() as f64;
    let c = (constellations.len() + outside) as f64;
    data.split_constellation_weight(g) * (p - c) + data.practice().split * (c - 1.0)
}

/// Checks `placement` against every rule and returns the objective
/// `Σ cost(i, place) + w_unplaced × unplaced`, or every violation found.
pub fn check(
    data: &Dataset,
    weights: &Weights,
    placement: &[Option<PlaceIdx>],
) -> Result<f64, Vec<Violation>> {
    if placement.len() != data.children().len() {
        return Err(vec![Violation::WrongLength {
            expected: data.children().len(),
            got: placement.len(),
        }]);
    }
    let mut problems = Vec::new();
    let mut load = vec![0u32; data.places().len()];
    let mut objective = 0.0;
    for (i, p) in placement.iter().enumerate() {
        match *p {
            None => objective += weights.unplaced,
            Some(j) => {
                let km = data.children()[i]
                    .anchor
                    .distance_km(&data.places()[j].location);
                if let Err(rule) = eligibility::check(data, i, j, km) {
                    problems.push(Violation::NotEligible {
                        child: data.children()[i].id.clone(),
                        place: data.places()[j].id.clone(),
                        rule,
                    });
                }
                load[j] += 1;
                objective += placement_cost(data, weights, i, j, km);
            }
        }
    }
    for (j, &n) in load.iter().enumerate() {
        let free = data.places()[j].free_places();
        if n > free {
            problems.push(Violation::OverCapacity {
                place: data.places()[j].id.clone(),
                placed: n,
                free,
            });
        }
    }
    home_mix(data, placement, &mut problems);
    for (g, group) in data.sibling_groups().iter().enumerate() {
        let placed: Vec<Option<PlaceIdx>> = group.members.iter().map(|&i| placement[i]).collect();
        let all_placed = placed.iter().all(Option::is_some);
        let none_placed = placed.iter().all(Option::is_none);
        let places: BTreeSet<PlaceIdx> = placed.iter().flatten().copied().collect();
        if group.splittable() {
            objective += split_cost(data, g, &places);
            continue;
        }
        match group.keep_together {
            KeepTogether::None => {}
            KeepTogether::Household => {
                if !(none_placed || (all_placed && places.len() == 1)) {
                    problems.push(Violation::HouseholdSplit {
                        group: group.id.clone(),
                    });
                }
            }
            KeepTogether::Constellation => {
                let constellations: BTreeSet<Option<usize>> = places
                    .iter()
                    .map(|&j| data.places()[j].constellation())
                    .collect();
                let one_place = places.len() == 1;
                let one_constellation =
                    constellations.len() == 1 && constellations.iter().all(Option::is_some);
                if !(none_placed || (all_placed && (one_place || one_constellation))) {
                    problems.push(Violation::ConstellationSplit {
                        group: group.id.clone(),
                    });
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(objective)
    } else {
        Err(problems)
    }
}

/// The rules between children newly placed in one home: its mix limits
/// (counting residents) and, for every two of them, incompatible risks and
/// its `max_age_gap`.
fn home_mix(data: &Dataset, placement: &[Option<PlaceIdx>], problems: &mut Vec<Violation>) {
    let mut at: Vec<Vec<usize>> = vec![Vec::new(); data.places().len()];
    for (i, p) in placement.iter().enumerate() {
        if let Some(j) = *p {
            if !data.places()[j].is_carer() {
                at[j].push(i);
            }
        }
    }
    for (j, arrivals) in at.iter().enumerate() {
        let place = &data.places()[j];
        for &(tag, max) in &place.mix_limits {
            let residents = place.residents.iter().filter(|r| r.risks.contains(tag));
            let new = arrivals
                .iter()
                .filter(|&&i| data.children()[i].risks.contains(tag));
            let arrived = new.count();
            let count = (residents.count() + arrived) as u32;
            // Residents alone over the limit are not a placement's fault.
            if arrived > 0 && count > max {
                problems.push(Violation::MixLimitExceeded {
                    place: place.id.clone(),
                    tag: data.tag_name(tag).to_string(),
                    count,
                    max,
                });
            }
        }
        for (a, &i) in arrivals.iter().enumerate() {
            for &k in &arrivals[a + 1..] {
                if data.children_conflict_at(i, k, j) {
                    problems.push(Violation::ChildrenConflict {
                        place: place.id.clone(),
                        first: data.children()[i].id.clone(),
                        second: data.children()[k].id.clone(),
                    });
                }
            }
        }
    }
}
