//! The planning instance: the pool of households, the hub candidates and the
//! household–hub pairs within reach (built with the R-tree), with their costs.

use crate::dataset::{Dataset, PlaceIdx};
use crate::geography::SpatialIndex;
use crate::solver::Deadline;

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
    /// With a reward, the capacity rounding cut over every candidate
    /// (`(1 − r, (a − r)·q)`, see [`Instance::capacity_cut`]), if not implied.
    pub capacity: Option<(f64, f64)>,
}

/// The most household–hub pairs within reach a plan stores (20 million,
/// about 1.1 GB at 56 bytes a pair; 2,000 households all within reach of
/// each other have 4 million). Past it, planning stops with
/// [`super::FormationError::TooLarge`] rather than take memory without bound.
pub const MAX_PAIRS_WITHIN_REACH: usize = 20_000_000;

/// Why the pairs within reach were not all built: the instance holds the
/// pool's skeleton instead (`Instance::skeleton`).
#[derive(Debug)]
pub enum Stopped {
    /// The deadline passed.
    Deadline(Box<Instance>),
    /// More than [`MAX_PAIRS_WITHIN_REACH`] pairs.
    TooManyPairs(Box<Instance>),
}

impl Stopped {
    /// The skeleton, whatever stopped the build.
    pub fn skeleton(self) -> Instance {
        match self {
            Stopped::Deadline(s) | Stopped::TooManyPairs(s) => *s,
        }
    }
}

impl Instance {
    /// Builds the instance: `candidates` are place indices (from
    /// [`super::hub_candidates`]).
    pub fn build(data: &Dataset, config: &FormationConfig, candidates: &[PlaceIdx]) -> Self {
        let (households, candidate_of, cands) = Self::pool(data, config, candidates);
        Self::pairs_until(
            data,
            config,
            households,
            candidate_of,
            cands,
            Deadline::never(),
        )
        .unwrap_or_else(Stopped::skeleton)
    }

    /// [`Instance::build`], abandoned once `deadline` passes or the pairs
    /// pass [`MAX_PAIRS_WITHIN_REACH`]: `Err` then says which, and holds
    /// the skeleton (`Instance::skeleton`) of the pool instead (there are about
    /// `households × candidates` pairs when everyone lives close together,
    /// and building them is part of the time limit).
    pub fn build_until(
        data: &Dataset,
        config: &FormationConfig,
        candidates: &[PlaceIdx],
        deadline: Deadline,
    ) -> Result<Self, Stopped> {
        let (households, candidate_of, cands) = Self::pool(data, config, candidates);
        Self::pairs_until(data, config, households, candidate_of, cands, deadline)
    }

    /// The pool's households (place indices, ascending), each one's
    /// candidate position, and the candidates (positions in the pool).
    fn pool(
        data: &Dataset,
        config: &FormationConfig,
        candidates: &[PlaceIdx],
    ) -> (Vec<PlaceIdx>, Vec<Option<usize>>, Vec<usize>) {
        let households: Vec<PlaceIdx> = data
            .places()
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
        (households, candidate_of, cands)
    }

    /// A stand-in for an instance whose pairs could not all be built in
    /// time: the same pool and candidates, but for each household at most
    /// one pair (to some candidate within reach, if any). Only the empty plan
    /// is planned on it; it is what makes that plan's outside reasons exact
    /// (`no_candidate_within_reach` or `no_open_hub_within_reach`). One
    /// nearest-first query per household, over the candidates only.
    fn skeleton(
        data: &Dataset,
        config: &FormationConfig,
        households: Vec<PlaceIdx>,
        candidate_of: Vec<Option<usize>>,
        cands: Vec<usize>,
    ) -> Self {
        let index = SpatialIndex::new(
            cands
                .iter()
                .map(|&h| &data.places()[households[h]].location),
        );
        let mut pairs = Vec::new();
        let mut by_hub = vec![Vec::new(); cands.len()];
        let mut by_household = vec![Vec::new(); households.len()];
        for (j, &place) in households.iter().enumerate() {
            let at = &data.places()[place].location;
            let near = index
                .within(at, config.max_km)
                .filter(|&k| cands[k] != j)
                .find(|&k| {
                    at.distance_km(&data.places()[households[cands[k]]].location) <= config.max_km
                });
            if let Some(k) = near {
                let km = at.distance_km(&data.places()[households[cands[k]]].location);
                by_hub[k].push(pairs.len());
                by_household[j].push(pairs.len());
                pairs.push(Pair {
                    household: j,
                    hub: k,
                    km,
                    cost: config.satellite_cost(km),
                });
            }
        }
        Self::assemble(
            config,
            households,
            candidate_of,
            cands,
            pairs,
            by_hub,
            by_household,
        )
    }

    /// Every pair within reach (one R-tree radius query per candidate), or
    /// the skeleton once `deadline` passes or the pairs are too many.
    fn pairs_until(
        data: &Dataset,
        config: &FormationConfig,
        households: Vec<PlaceIdx>,
        candidate_of: Vec<Option<usize>>,
        cands: Vec<usize>,
        deadline: Deadline,
    ) -> Result<Self, Stopped> {
        let index = SpatialIndex::new(households.iter().map(|&p| &data.places()[p].location));
        let mut pairs = Vec::new();
        let mut by_hub = vec![Vec::new(); cands.len()];
        let mut by_household = vec![Vec::new(); households.len()];
        for (k, &hpos) in cands.iter().enumerate() {
            let too_many = pairs.len() > MAX_PAIRS_WITHIN_REACH;
            if too_many || deadline.expired() {
                drop((pairs, by_hub, by_household));
                let skeleton = Box::new(Self::skeleton(
                    data,
                    config,
                    households,
                    candidate_of,
                    cands,
                ));
                return Err(if too_many {
                    Stopped::TooManyPairs(skeleton)
                } else {
                    Stopped::Deadline(skeleton)
                });
            }
            let at = &data.places()[households[hpos]].location;
            let mut near: Vec<usize> = index.within(at, config.max_km).collect();
            near.sort_unstable();
            for j in near {
                if j == hpos {
                    continue;
                }
                let km = at.distance_km(&data.places()[households[j]].location);
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
        Ok(Self::assemble(
            config,
            households,
            candidate_of,
            cands,
            pairs,
            by_hub,
            by_household,
        ))
    }

    /// The instance from its pairs: each hub's pairs sorted cheapest first,
    /// and the capacity cut.
    fn assemble(
        config: &FormationConfig,
        households: Vec<PlaceIdx>,
        candidate_of: Vec<Option<usize>>,
        cands: Vec<usize>,
        pairs: Vec<Pair>,
        mut by_hub: Vec<Vec<usize>>,
        by_household: Vec<Vec<usize>>,
    ) -> Self {
        for list in &mut by_hub {
            list.sort_by(|&a, &b| pairs[a].cost.total_cmp(&pairs[b].cost).then(a.cmp(&b)));
        }
        let mut inst = Instance {
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
            capacity: None,
        };
        if inst.count.is_none() {
            let all: Vec<usize> = (0..inst.candidates.len()).collect();
            inst.capacity = inst.capacity_cut(&all);
        }
        inst
    }

    /// Hub candidates with at least `min` households within reach.
    pub fn openable_hubs(&self) -> usize {
        self.by_hub.iter().filter(|l| l.len() >= self.min).count()
    }

    /// The capacity rounding cut over the hubs `set`: `(1 − r, (a − r)·q)`
    /// for `Σ_(k∈S) ((1 − r)·h_k + Σ_j s_jk) ≤ (a − r)·q`, with `a = max + 1`
    /// and `|U(S)| = q·a + r`; `None` when `r = 0` (the cut is then implied).
    pub fn capacity_cut(&self, set: &[usize]) -> Option<(f64, f64)> {
        let mut reach = vec![false; self.households.len()];
        for &k in set {
            reach[self.candidates[k]] = true;
            for &p in &self.by_hub[k] {
                reach[self.pairs[p].household] = true;
            }
        }
        let u = reach.iter().filter(|x| **x).count();
        let a = self.max + 1;
        let (q, r) = (u / a, u % a);
        (r > 0).then(|| (1.0 - r as f64, ((a - r) * q) as f64))
    }

    /// The other candidates sharing a household within reach with candidate
    /// `k` (so within `2·max_km` of it), ascending. The scan stops once
    /// every other candidate is found: on a pool where everyone lives close
    /// together that is after one household, not `households × candidates`
    /// pairs.
    pub fn neighbours(&self, k: usize) -> Vec<usize> {
        let nk = self.candidates.len();
        let mut mark = vec![false; nk];
        let Some(own) = mark.get_mut(k) else {
            return Vec::new();
        };
        *own = true;
        let mut found = 1;
        'scan: for &p in &self.by_hub[k] {
            for &q in &self.by_household[self.pairs[p].household] {
                let o = self.pairs[q].hub;
                if !mark[o] {
                    mark[o] = true;
                    found += 1;
                    if found == nk {
                        break 'scan;
                    }
                }
            }
        }
        (0..nk).filter(|&o| o != k && mark[o]).collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A random tiny instance: `n` households, the first `k` candidates,
    /// each (household, candidate) pair within reach with probability 0.6.
    fn random(seed: u64) -> Instance {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = rng.random_range(4..=8);
        let k = rng.random_range(1..=3.min(n));
        let min = rng.random_range(1..=2);
        let max = rng.random_range(min..=3);
        let mut pairs = Vec::new();
        let mut by_hub = vec![Vec::new(); k];
        let mut by_household = vec![Vec::new(); n];
        for (hub, list) in by_hub.iter_mut().enumerate() {
            for (j, of_j) in by_household.iter_mut().enumerate() {
                if j != hub && rng.random_bool(0.6) {
                    list.push(pairs.len());
                    of_j.push(pairs.len());
                    pairs.push(Pair {
                        household: j,
                        hub,
                        km: 1.0,
                        cost: -1.0,
                    });
                }
            }
        }
        let mut inst = Instance {
            households: (0..n).collect(),
            candidates: (0..k).collect(),
            candidate_of: (0..n).map(|j| (j < k).then_some(j)).collect(),
            pairs,
            by_hub,
            by_household,
            hub_cost: 1.0,
            min,
            max,
            count: None,
            capacity: None,
        };
        inst.capacity = inst.capacity_cut(&(0..k).collect::<Vec<_>>());
        inst
    }

    /// Every feasible plan of `inst`, as (open hubs, each household's pair).
    fn plans(inst: &Instance) -> Vec<(Vec<bool>, Vec<Option<usize>>)> {
        let (n, k) = (inst.households.len(), inst.candidates.len());
        let mut out = Vec::new();
        for mask in 0..(1u32 << k) {
            let open: Vec<bool> = (0..k).map(|h| mask >> h & 1 == 1).collect();
            // Each non-hub household: outside or one pair to an open hub.
            let mut choice = vec![None; n];
            fn rec(
                inst: &Instance,
                open: &[bool],
                j: usize,
                choice: &mut Vec<Option<usize>>,
                out: &mut Vec<(Vec<bool>, Vec<Option<usize>>)>,
            ) {
                if j == inst.households.len() {
                    let mut size = vec![0; open.len()];
                    for p in choice.iter().flatten() {
                        size[inst.pairs[*p].hub] += 1;
                    }
                    if (0..open.len()).all(|h| !open[h] || (inst.min..=inst.max).contains(&size[h]))
                    {
                        out.push((open.to_vec(), choice.clone()));
                    }
                    return;
                }
                rec(inst, open, j + 1, choice, out);
                if inst.candidate_of[j].is_some_and(|h| open[h]) {
                    return;
                }
                for &p in &inst.by_household[j] {
                    if open[inst.pairs[p].hub] {
                        choice[j] = Some(p);
                        rec(inst, open, j + 1, choice, out);
                        choice[j] = None;
                    }
                }
            }
            rec(inst, &open, 0, &mut choice, &mut out);
        }
        out
    }

    /// The capacity rounding cut holds for every feasible plan of random
    /// tiny instances, over every set of candidates, and is tight for some.
    #[test]
    fn capacity_cut_is_valid_and_sometimes_tight() {
        let (mut cuts, mut tight) = (0, 0);
        for seed in 0..300u64 {
            let inst = random(seed);
            let k = inst.candidates.len();
            let all = plans(&inst);
            for set in 1..(1u32 << k) {
                let set: Vec<usize> = (0..k).filter(|h| set >> h & 1 == 1).collect();
                let Some((coef, rhs)) = inst.capacity_cut(&set) else {
                    continue;
                };
                cuts += 1;
                let mut most = f64::NEG_INFINITY;
                for (open, choice) in &all {
                    let lhs: f64 = set
                        .iter()
                        .filter(|&&h| open[h])
                        .map(|&h| {
                            coef + choice
                                .iter()
                                .flatten()
                                .filter(|&&p| inst.pairs[p].hub == h)
                                .count() as f64
                        })
                        .sum();
                    most = most.max(lhs);
                }
                assert!(
                    most <= rhs + 1e-9,
                    "seed {seed} set {set:?}: {most} > {rhs}"
                );
                if (most - rhs).abs() < 1e-9 {
                    tight += 1;
                }
            }
        }
        assert!(cuts >= 100, "only {cuts} cuts checked");
        assert!(tight >= 20, "only {tight} tight cuts");
    }
}
