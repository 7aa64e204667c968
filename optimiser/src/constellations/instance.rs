//! The planning instance: the pool of households, the hub candidates and the
//! household–hub pairs within reach (built with the R-tree), with their costs.

use crate::dataset::{Dataset, PlaceIdx};
use crate::geography::SpatialIndex;

use super::{FormationConfig, Goal};

/// One household–hub pair within reach.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// The household (position in [`Instance::households`]).
    pub household: usize,
    /// The hub (position in [`Instance::candidates`]).
    pub hub: usize,
    /// Haversine distance in km.
    pub km: f64,
    /// Objective coefficient `w_distance·km − reward`.
    pub cost: f64,
}

/// A solution in instance terms: open hubs and chosen pairs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Choice {
    /// Open hubs (positions in [`Instance::candidates`]), ascending.
    pub hubs: Vec<usize>,
    /// Chosen pairs (indices into [`Instance::pairs`]).
    pub pairs: Vec<usize>,
}

/// A plan in dataset terms: each constellation's hub and its satellites
/// (place indices, satellites ascending), constellations by hub ascending.
pub type Plan = Vec<(PlaceIdx, Vec<PlaceIdx>)>;

/// The pool, the candidates and the pairs within reach.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Households in the pool (place indices, ascending).
    pub households: Vec<PlaceIdx>,
    /// Hub candidates (positions in `households`, ascending).
    pub candidates: Vec<usize>,
    /// For each household, its candidate position, if it is one.
    pub candidate_of: Vec<Option<usize>>,
    /// Pairs within reach, grouped by hub.
    pub pairs: Vec<Pair>,
    /// Pair indices of each hub, cheapest first.
    pub by_hub: Vec<Vec<usize>>,
    /// Pair indices of each household.
    pub by_household: Vec<Vec<usize>>,
    /// Weekly cost of a hub.
    pub hub_cost: f64,
    /// Fewest satellites of an open hub.
    pub min: usize,
    /// Most satellites of an open hub.
    pub max: usize,
    /// Number of hubs to open, if fixed.
    pub count: Option<usize>,
}

impl Instance {
    /// Builds the instance: `candidates` are place indices (from
    /// [`super::hub_candidates`]).
    pub fn build(data: &Dataset, config: &FormationConfig, candidates: &[PlaceIdx]) -> Self {
        let households: Vec<PlaceIdx> = data
            .places
            .iter()
            .enumerate()
            .filter(|(_, p)| p.is_carer() && (config.replan || p.constellation().is_none()))
            .map(|(k, _)| k)
            .collect();
        let mut candidate_of = vec![None; households.len()];
        let mut cands = Vec::with_capacity(candidates.len());
        for &c in candidates {
            if let Ok(pos) = households.binary_search(&c) {
                candidate_of[pos] = Some(cands.len());
                cands.push(pos);
            }
        }
        let index = SpatialIndex::new(households.iter().map(|&p| &data.places[p].location));
        let mut pairs = Vec::new();
        let mut by_hub = vec![Vec::new(); cands.len()];
        let mut by_household = vec![Vec::new(); households.len()];
        for (k, &hpos) in cands.iter().enumerate() {
            let at = &data.places[households[hpos]].location;
            let mut near: Vec<usize> = index.within(at, config.max_km).collect();
            near.sort_unstable();
            for j in near {
                if j == hpos {
                    continue;
                }
                let km = at.distance_km(&data.places[households[j]].location);
                if km > config.max_km {
                    continue;
                }
                let id = pairs.len();
                pairs.push(Pair {
                    household: j,
                    hub: k,
                    km,
                    cost: config.satellite_cost(km),
                });
                by_hub[k].push(id);
                by_household[j].push(id);
            }
        }
        for list in &mut by_hub {
            list.sort_by(|&a, &b| pairs[a].cost.total_cmp(&pairs[b].cost).then(a.cmp(&b)));
        }
        Instance {
            households,
            candidates: cands,
            candidate_of,
            pairs,
            by_hub,
            by_household,
            hub_cost: config.hub_cost,
            min: config.min_satellites as usize,
            max: config.max_satellites as usize,
            count: match config.goal {
                Goal::Count(p) => Some(p as usize),
                Goal::Reward(_) => None,
            },
        }
    }

    /// Hub candidates with at least `min` households within reach.
    pub fn openable_hubs(&self) -> usize {
        self.by_hub.iter().filter(|l| l.len() >= self.min).count()
    }

    /// Objective of a choice.
    pub fn plan_cost(&self, choice: &Choice) -> f64 {
        self.hub_cost * choice.hubs.len() as f64
            + choice
                .pairs
                .iter()
                .map(|&p| self.pairs[p].cost)
                .sum::<f64>()
    }

    /// The choice as a plan in place indices.
    pub fn to_plan(&self, choice: &Choice) -> Plan {
        let mut plan: Plan = choice
            .hubs
            .iter()
            .map(|&k| (self.households[self.candidates[k]], Vec::new()))
            .collect();
        plan.sort_unstable_by_key(|(h, _)| *h);
        for &p in &choice.pairs {
            let pair = &self.pairs[p];
            let hub = self.households[self.candidates[pair.hub]];
            if let Ok(at) = plan.binary_search_by_key(&hub, |(h, _)| *h) {
                plan[at].1.push(self.households[pair.household]);
            }
        }
        for (_, sats) in &mut plan {
            sats.sort_unstable();
        }
        plan
    }

    /// Adds every household left outside to the open hub within reach with
    /// room where it lowers the objective most (if any does). After this no
    /// outside household could join an open hub with a gain, so the outside
    /// reasons are exact even for a time-limited answer.
    pub fn fill(&self, mut choice: Choice) -> Choice {
        let mut taken = vec![false; self.households.len()];
        let mut open = vec![false; self.candidates.len()];
        let mut size = vec![0usize; self.candidates.len()];
        for &k in &choice.hubs {
            open[k] = true;
            taken[self.candidates[k]] = true;
        }
        for &p in &choice.pairs {
            taken[self.pairs[p].household] = true;
            size[self.pairs[p].hub] += 1;
        }
        for (j, list) in self.by_household.iter().enumerate() {
            if taken[j] {
                continue;
            }
            let best = list
                .iter()
                .copied()
                .filter(|&p| {
                    let k = self.pairs[p].hub;
                    open[k] && size[k] < self.max && self.pairs[p].cost < -1e-9
                })
                .min_by(|&a, &b| self.pairs[a].cost.total_cmp(&self.pairs[b].cost));
            if let Some(p) = best {
                taken[j] = true;
                size[self.pairs[p].hub] += 1;
                choice.pairs.push(p);
            }
        }
        choice.pairs.sort_unstable();
        choice
    }
}
