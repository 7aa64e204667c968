//! Exhaustive search for the optimal formation of a *tiny* pool: every set of
//! open hubs, then every assignment of the other households to an open hub
//! within reach with room, or outside. It shares nothing with the MIP or the
//! Lagrangian search beyond the candidate rule and the checker, so it is the
//! reference they are cross-checked against.

use crate::dataset::{Dataset, PlaceIdx};

use super::{checker, hub_candidates, FormationConfig, Goal, Plan};

/// The best plan so far and its objective.
type Best = Option<(f64, Plan)>;

/// Most leaves the search will visit before giving up.
pub const LIMIT: u64 = 5_000_000;

/// The optimal objective and one optimal plan; `None` if there is no feasible
/// plan (a count that cannot be met) or the search would be too large.
pub fn solve(data: &Dataset, config: &FormationConfig) -> Best {
    let candidates = hub_candidates(data, config).ok()?;
    if candidates.len() > 16 {
        return None;
    }
    let pool: Vec<PlaceIdx> = (0..data.places().len())
        .filter(|&p| {
            let x = &data.places()[p];
            x.is_carer() && (config.replan || x.constellation().is_none())
        })
        .collect();
    let mut best: Best = None;
    let mut leaves = 0u64;
    for mask in 0u32..(1u32 << candidates.len()) {
        let hubs: Vec<PlaceIdx> = (0..candidates.len())
            .filter(|b| mask & (1 << b) != 0)
            .map(|b| candidates[b])
            .collect();
        if let Goal::Count(p) = config.goal {
            if hubs.len() != p as usize {
                continue;
            }
        }
        let others: Vec<PlaceIdx> = pool.iter().copied().filter(|p| !hubs.contains(p)).collect();
        // Each other household's options: the open hubs within reach.
        let options: Vec<Vec<usize>> = others
            .iter()
            .map(|&j| {
                (0..hubs.len())
                    .filter(|&h| {
                        data.places()[hubs[h]]
                            .location
                            .distance_km(&data.places()[j].location)
                            <= config.max_km
                    })
                    .collect()
            })
            .collect();
        let mut sats: Vec<Vec<PlaceIdx>> = vec![Vec::new(); hubs.len()];
        search(
            data,
            config,
            &hubs,
            &others,
            &options,
            0,
            &mut sats,
            &mut best,
            &mut leaves,
        );
        if leaves > LIMIT {
            return None;
        }
    }
    best
}

#[allow(clippy::too_many_arguments)]
fn search(
    data: &Dataset,
    config: &FormationConfig,
    hubs: &[PlaceIdx],
    others: &[PlaceIdx],
    options: &[Vec<usize>],
    at: usize,
    sats: &mut Vec<Vec<PlaceIdx>>,
    best: &mut Best,
    leaves: &mut u64,
) {
    if *leaves > LIMIT {
        return;
    }
    if at == others.len() {
        *leaves += 1;
        if sats
            .iter()
            .any(|s| s.len() < config.min_satellites as usize)
        {
            return;
        }
        let mut plan: Plan = hubs.iter().copied().zip(sats.iter().cloned()).collect();
        plan.sort_unstable_by_key(|(h, _)| *h);
        if let Ok(z) = checker::check(data, config, &plan) {
            if best.as_ref().is_none_or(|(b, _)| z < *b - 1e-9) {
                *best = Some((z, plan));
            }
        }
        return;
    }
    // Outside.
    search(
        data,
        config,
        hubs,
        others,
        options,
        at + 1,
        sats,
        best,
        leaves,
    );
    for &h in &options[at] {
        if sats[h].len() < config.max_satellites as usize {
            sats[h].push(others[at]);
            search(
                data,
                config,
                hubs,
                others,
                options,
                at + 1,
                sats,
                best,
                leaves,
            );
            sats[h].pop();
        }
    }
}
