//! A solver-independent check of a plan: every rule of the model, and the
//! objective recomputed from the dataset (haversine distances, the config's
//! costs). [`super::solve`] runs it on its own answer.

use std::collections::HashSet;

use crate::dataset::{Dataset, PlaceIdx};

use super::{hub_candidates, FormationConfig, Goal};

/// A rule a plan breaks.
#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    /// The configuration itself is invalid (its message).
    Config(String),
    /// A hub is not a hub candidate.
    NotACandidate(String),
    /// A household has more than one role.
    TwoRoles(String),
    /// A satellite is not a foster household of the pool.
    NotInPool(String),
    /// A satellite lives further than `max_km` from its hub.
    TooFar {
        /// Hub id.
        hub: String,
        /// Satellite id.
        satellite: String,
        /// Distance, km.
        km: f64,
    },
    /// A hub has fewer than `min` or more than `max` satellites.
    Size {
        /// Hub id.
        hub: String,
        /// Its satellites.
        satellites: usize,
    },
    /// With a count: the wrong number of hubs.
    Count {
        /// Hubs open.
        open: usize,
        /// Hubs required.
        required: u32,
    },
}

/// Checks `plan` (each constellation's hub and satellites, as place indices)
/// and returns its objective.
pub fn check(
    data: &Dataset,
    config: &FormationConfig,
    plan: &[(PlaceIdx, Vec<PlaceIdx>)],
) -> Result<f64, Violation> {
    config
        .validate()
        .map_err(|e| Violation::Config(e.to_string()))?;
    let candidates: HashSet<PlaceIdx> = hub_candidates(data, config)
        .map_err(|e| Violation::Config(e.to_string()))?
        .into_iter()
        .collect();
    let id = |p: PlaceIdx| {
        data.places()
            .get(p)
            .map_or(format!("#{p}"), |x| x.id.clone())
    };
    let in_pool = |p: PlaceIdx| {
        data.places()
            .get(p)
            .is_some_and(|x| x.is_carer() && (config.replan || x.constellation().is_none()))
    };
    let mut seen = HashSet::new();
    let mut objective = 0.0;
    for (hub, sats) in plan {
        if !candidates.contains(hub) || !in_pool(*hub) {
            return Err(Violation::NotACandidate(id(*hub)));
        }
        if !seen.insert(*hub) {
            return Err(Violation::TwoRoles(id(*hub)));
        }
        let n = sats.len();
        if n < config.min_satellites as usize || n > config.max_satellites as usize {
            return Err(Violation::Size {
                hub: id(*hub),
                satellites: n,
            });
        }
        objective += config.hub_cost;
        for &s in sats {
            if !in_pool(s) {
                return Err(Violation::NotInPool(id(s)));
            }
            if !seen.insert(s) {
                return Err(Violation::TwoRoles(id(s)));
            }
            let km = data.places()[*hub]
                .location
                .distance_km(&data.places()[s].location);
            if km > config.max_km {
                return Err(Violation::TooFar {
                    hub: id(*hub),
                    satellite: id(s),
                    km,
                });
            }
            objective += config.satellite_cost(km);
        }
    }
    if let Goal::Count(p) = config.goal {
        if plan.len() != p as usize {
            return Err(Violation::Count {
                open: plan.len(),
                required: p,
            });
        }
    }
    Ok(objective)
}
