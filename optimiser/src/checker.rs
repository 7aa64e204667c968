//! A solver-independent checker: given a dataset, the weights and a placement
//! (each child's place, or none), verify every rule of the model and recompute
//! the objective from scratch. Tests run it on every solution; `matching::solve`
//! runs it on its own answer before returning it.

use std::collections::BTreeSet;

use crate::dataset::{Dataset, KeepTogether, PlaceIdx};
use crate::eligibility;
use crate::matching::Weights;

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
                objective += weights.pair_cost(data.places()[j].weekly_cost, km);
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
    for group in data.sibling_groups() {
        let placed: Vec<Option<PlaceIdx>> = group.members.iter().map(|&i| placement[i]).collect();
        let all_placed = placed.iter().all(Option::is_some);
        let none_placed = placed.iter().all(Option::is_none);
        let places: BTreeSet<PlaceIdx> = placed.iter().flatten().copied().collect();
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
