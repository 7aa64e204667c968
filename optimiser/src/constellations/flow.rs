//! The optimal assignment of households to a fixed set of open hubs, kept
//! up to date as hubs open and close (a min-cost flow, re-optimised
//! incrementally), and the hub-set local search built on it.
//!
//! *The network.* Each household that is not an open hub supplies one unit;
//! a sink `T` takes them all. Arcs: household → open hub within reach
//! (capacity 1, cost `c_jk`), household → `T` directly (capacity 1, cost 0:
//! the household stays outside), hub → `T` with a convex cost: the first
//! `min` units cost `−M`, the next `max − min` cost 0, no more. With
//! `M > 2·Σ_j max_k |c_jk|`, a min-cost flow first fills as many minimum
//! places as any flow can, then minimises `Σ c_jk` over those flows: if every
//! open hub receives at least `min` units it is the optimal assignment for
//! the hub set (the transportation problem [`super::lagrangian::assign_lp`]
//! solves as an LP); if some hub receives fewer, no assignment of the hub set
//! meets every minimum.
//!
//! *Re-optimising.* The flow is kept optimal together with node potentials
//! `π` (every residual arc has reduced cost `c + π(u) − π(v) ≥ 0`). Closing a
//! hub turns its satellites and its own household into unassigned supplies;
//! opening one gives it potential `min_j (π(j) + c_jk)` (so its new arcs keep
//! nonnegative reduced costs) and pushes units on its arc to `T` while their
//! reduced cost is negative, leaving a demand at the hub; its own household
//! leaves the network. Successive shortest paths (Dijkstra on reduced costs,
//! from every node with excess to the nearest node with a deficit) then
//! restore a feasible flow, optimal because the reduced costs stay
//! nonnegative. A swap touches a few dozen units, against a few hundred for
//! a solve from scratch.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::time::Instant;

use super::instance::{Choice, Instance};

/// A household's place in the flow.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Node {
    /// The household is an open hub (not in the network).
    Hub,
    /// Unassigned supply (an excess of one unit).
    Pending,
    /// On its arc to `T`: outside every constellation.
    Out,
    /// Satellite through this pair.
    Sat(usize),
}

/// An arc of the residual network, as stored on the shortest-path tree.
#[derive(Clone, Copy, Debug)]
enum Arc {
    /// Household to hub through a pair (forward).
    Join(usize),
    /// Household to `T` (forward).
    Leave(usize),
    /// Hub to household (backward of its pair).
    Unjoin(usize),
    /// Hub to `T` (forward, one unit more).
    Fill(usize),
    /// `T` to hub (backward, one unit less).
    Unfill(usize),
    /// `T` to household (backward of its arc to `T`).
    Unleave(usize),
}

/// The optimal assignment for the open hubs, with its potentials.
#[derive(Clone)]
pub(super) struct Flow<'a> {
    inst: &'a Instance,
    big_m: f64,
    open: Vec<bool>,
    node: Vec<Node>,
    /// Households assigned to each hub.
    inflow: Vec<usize>,
    /// Units on each hub's arc to `T`.
    outflow: Vec<usize>,
    /// Each hub's satellites, as pairs (in no order).
    members: Vec<Vec<usize>>,
    /// Potentials: households, then hubs, then `T`.
    pot: Vec<f64>,
}

#[derive(PartialEq)]
struct Item(f64, usize);
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Item {
    // A min-heap on the distance, ties by node.
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(other.1.cmp(&self.1))
    }
}

impl<'a> Flow<'a> {
    /// No hub open: every household outside.
    pub(super) fn new(inst: &'a Instance) -> Self {
        let n = inst.households.len();
        let nk = inst.candidates.len();
        let worst: f64 = inst
            .by_household
            .iter()
            .map(|l| {
                l.iter()
                    .map(|&p| inst.pairs[p].cost.abs())
                    .fold(0.0, f64::max)
            })
            .sum();
        Flow {
            inst,
            big_m: 2.0 * worst + 1.0 + inst.hub_cost.abs(),
            open: vec![false; nk],
            node: vec![Node::Out; n],
            inflow: vec![0; nk],
            outflow: vec![0; nk],
            members: vec![Vec::new(); nk],
            pot: vec![0.0; n + nk + 1],
        }
    }

    /// The optimal assignment of `hubs`, or `None` if no assignment meets
    /// every minimum or `deadline` passed first.
    pub(super) fn solve(
        inst: &'a Instance,
        hubs: &[usize],
        deadline: Option<Instant>,
    ) -> Option<Self> {
        let mut f = Flow::new(inst);
        for &k in hubs {
            f.open_hub(k);
        }
        f.settle(deadline).then_some(f)
    }

    fn t(&self) -> usize {
        self.inst.households.len() + self.inst.candidates.len()
    }
    fn hub_node(&self, k: usize) -> usize {
        self.inst.households.len() + k
    }

    /// Cost of the next unit on hub `k`'s arc to `T` (`None` when full).
    fn next_unit(&self, k: usize) -> Option<f64> {
        let u = self.outflow[k];
        if u < self.inst.min {
            Some(-self.big_m)
        } else if u < self.inst.max {
            Some(0.0)
        } else {
            None
        }
    }
    /// Cost of the last unit on hub `k`'s arc to `T` (`None` when empty).
    fn last_unit(&self, k: usize) -> Option<f64> {
        let u = self.outflow[k];
        if u == 0 {
            None
        } else if u <= self.inst.min {
            Some(-self.big_m)
        } else {
            Some(0.0)
        }
    }

    /// Objective of the plan (hub costs plus satellite costs).
    pub(super) fn cost(&self) -> f64 {
        let inst = self.inst;
        let hubs = self.open.iter().filter(|o| **o).count() as f64;
        inst.hub_cost * hubs
            + self
                .node
                .iter()
                .map(|n| match n {
                    Node::Sat(p) => inst.pairs[*p].cost,
                    _ => 0.0,
                })
                .sum::<f64>()
    }

    /// Whether every open hub has at least `min` satellites (after [`Self::settle`]).
    pub(super) fn feasible(&self) -> bool {
        (0..self.open.len()).all(|k| !self.open[k] || self.inflow[k] >= self.inst.min)
    }

    #[cfg(test)]
    pub(super) fn is_open(&self, k: usize) -> bool {
        self.open[k]
    }

    /// The plan.
    pub(super) fn choice(&self) -> Choice {
        let mut pairs: Vec<usize> = self
            .node
            .iter()
            .filter_map(|n| match n {
                Node::Sat(p) => Some(*p),
                _ => None,
            })
            .collect();
        pairs.sort_unstable();
        Choice {
            hubs: (0..self.open.len()).filter(|&k| self.open[k]).collect(),
            pairs,
        }
    }

    /// Closes open hub `k`: its satellites and its household become unassigned.
    pub(super) fn close_hub(&mut self, k: usize) {
        let inst = self.inst;
        debug_assert!(self.open[k]);
        for p in std::mem::take(&mut self.members[k]) {
            self.node[inst.pairs[p].household] = Node::Pending;
        }
        self.open[k] = false;
        self.inflow[k] = 0;
        self.outflow[k] = 0;
        // The hub's household: potential high enough for its arcs out.
        let hk = inst.candidates[k];
        let t = self.t();
        let mut pj = self.pot[t];
        for &q in &inst.by_household[hk] {
            let b = inst.pairs[q].hub;
            if self.open[b] {
                pj = pj.max(self.pot[self.hub_node(b)] - inst.pairs[q].cost);
            }
        }
        self.pot[hk] = pj;
        self.node[hk] = Node::Pending;
    }

    /// Opens closed hub `k` (its household leaves its current role).
    pub(super) fn open_hub(&mut self, k: usize) {
        let inst = self.inst;
        debug_assert!(!self.open[k]);
        let hk = inst.candidates[k];
        if let Node::Sat(p) = self.node[hk] {
            self.unjoin(p);
        }
        self.node[hk] = Node::Hub;
        let kn = self.hub_node(k);
        let mut pk = f64::INFINITY;
        for &q in &inst.by_hub[k] {
            let j = inst.pairs[q].household;
            if self.node[j] != Node::Hub {
                pk = pk.min(self.pot[j] + inst.pairs[q].cost);
            }
        }
        let t = self.t();
        if !pk.is_finite() {
            pk = self.pot[t] + self.big_m;
        }
        self.pot[kn] = pk;
        self.open[k] = true;
        self.inflow[k] = 0;
        self.outflow[k] = 0;
        while let Some(c) = self.next_unit(k) {
            if c + self.pot[kn] - self.pot[t] < 0.0 {
                self.outflow[k] += 1;
            } else {
                break;
            }
        }
    }

    /// Household of pair `p` leaves its hub (becomes unassigned).
    fn unjoin(&mut self, p: usize) {
        let pair = &self.inst.pairs[p];
        self.node[pair.household] = Node::Pending;
        self.inflow[pair.hub] -= 1;
        let list = &mut self.members[pair.hub];
        if let Some(at) = list.iter().position(|&q| q == p) {
            list.swap_remove(at);
        }
    }

    /// Excess (supply minus what leaves) of node `v`; `t_excess` is `T`'s.
    fn excess(&self, v: usize, t_excess: i64) -> i64 {
        let n = self.inst.households.len();
        let t = self.t();
        if v < n {
            i64::from(self.node[v] == Node::Pending)
        } else if v < t {
            let k = v - n;
            if self.open[k] {
                self.inflow[k] as i64 - self.outflow[k] as i64
            } else {
                0
            }
        } else {
            t_excess
        }
    }

    /// `T`'s excess: what arrives minus the number of supplies.
    fn t_excess(&self) -> i64 {
        let into: usize = self.outflow.iter().sum::<usize>()
            + self.node.iter().filter(|x| **x == Node::Out).count();
        let supplies = self.node.iter().filter(|x| **x != Node::Hub).count();
        into as i64 - supplies as i64
    }

    /// Successive shortest paths until no node has an excess; `false` if
    /// some excess cannot reach a deficit (never expected) or `deadline`
    /// passes first (checked before each shortest path: on 2,000 households
    /// within reach of each other a solve from scratch takes seconds) — the
    /// flow is then unusable.
    pub(super) fn settle(&mut self, deadline: Option<Instant>) -> bool {
        let inst = self.inst;
        let n = inst.households.len();
        let t = self.t();
        let nodes = t + 1;
        let mut dist = vec![f64::INFINITY; nodes];
        let mut done = vec![false; nodes];
        let mut pred: Vec<Option<(usize, Arc)>> = vec![None; nodes];
        let mut touched: Vec<usize> = Vec::new();
        let mut heap = BinaryHeap::new();
        loop {
            // Sources: every node with an excess.
            let mut any = false;
            for &v in &touched {
                dist[v] = f64::INFINITY;
                done[v] = false;
                pred[v] = None;
            }
            touched.clear();
            heap.clear();
            let te = self.t_excess();
            for (v, dv) in dist.iter_mut().enumerate() {
                if self.excess(v, te) > 0 {
                    *dv = 0.0;
                    touched.push(v);
                    heap.push(Item(0.0, v));
                    any = true;
                }
            }
            if !any {
                return true;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return false;
            }
            let mut sink = None;
            while let Some(Item(d, u)) = heap.pop() {
                if done[u] || d > dist[u] {
                    continue;
                }
                done[u] = true;
                if self.excess(u, te) < 0 {
                    sink = Some(u);
                    break;
                }
                let pu = self.pot[u];
                let mut relax = |v: usize, c: f64, arc: Arc, heap: &mut BinaryHeap<Item>| {
                    if done[v] {
                        return;
                    }
                    let rc = (c + pu - self.pot[v]).max(0.0);
                    let nd = d + rc;
                    if nd < dist[v] {
                        if dist[v] == f64::INFINITY {
                            touched.push(v);
                        }
                        dist[v] = nd;
                        pred[v] = Some((u, arc));
                        heap.push(Item(nd, v));
                    }
                };
                if u < n {
                    let j = u;
                    if self.node[j] == Node::Hub {
                        continue;
                    }
                    let cur = match self.node[j] {
                        Node::Sat(p) => Some(p),
                        _ => None,
                    };
                    for &q in &inst.by_household[j] {
                        let b = inst.pairs[q].hub;
                        if self.open[b] && Some(q) != cur {
                            relax(n + b, inst.pairs[q].cost, Arc::Join(q), &mut heap);
                        }
                    }
                    if self.node[j] != Node::Out {
                        relax(t, 0.0, Arc::Leave(j), &mut heap);
                    }
                } else if u < t {
                    let k = u - n;
                    for &q in &self.members[k] {
                        let j = inst.pairs[q].household;
                        relax(j, -inst.pairs[q].cost, Arc::Unjoin(q), &mut heap);
                    }
                    if let Some(c) = self.next_unit(k) {
                        relax(t, c, Arc::Fill(k), &mut heap);
                    }
                } else {
                    for k in 0..inst.candidates.len() {
                        if self.open[k] {
                            if let Some(c) = self.last_unit(k) {
                                relax(n + k, -c, Arc::Unfill(k), &mut heap);
                            }
                        }
                    }
                    for j in 0..n {
                        if self.node[j] == Node::Out {
                            relax(j, 0.0, Arc::Unleave(j), &mut heap);
                        }
                    }
                }
            }
            let Some(sink) = sink else {
                return false;
            };
            // π += min(d, d_sink): nodes never reached shift by d_sink.
            let ds = dist[sink];
            for x in &mut self.pot {
                *x += ds;
            }
            for &v in &touched {
                self.pot[v] -= ds - dist[v].min(ds);
            }
            // The path, from the source to the sink.
            let mut path = Vec::new();
            let mut v = sink;
            while let Some((u, arc)) = pred[v] {
                path.push(arc);
                v = u;
            }
            path.reverse();
            for arc in path {
                match arc {
                    Arc::Join(q) => {
                        let j = inst.pairs[q].household;
                        debug_assert_eq!(self.node[j], Node::Pending);
                        self.node[j] = Node::Sat(q);
                        self.inflow[inst.pairs[q].hub] += 1;
                        self.members[inst.pairs[q].hub].push(q);
                    }
                    Arc::Leave(j) => {
                        debug_assert_eq!(self.node[j], Node::Pending);
                        self.node[j] = Node::Out;
                    }
                    Arc::Unjoin(q) => self.unjoin(q),
                    Arc::Fill(k) => self.outflow[k] += 1,
                    Arc::Unfill(k) => self.outflow[k] -= 1,
                    Arc::Unleave(j) => self.node[j] = Node::Pending,
                }
            }
        }
    }
}

impl<'a> Flow<'a> {
    /// A copy with hub `o` opened and re-settled, with its cost, if it is
    /// feasible, costs less than `below` and is settled before `deadline`.
    fn with_hub(&self, o: usize, below: f64, deadline: Option<Instant>) -> Option<(Flow<'a>, f64)> {
        let mut trial = self.clone();
        trial.open_hub(o);
        if !(trial.settle(deadline) && trial.feasible()) {
            return None;
        }
        let cost = trial.cost();
        (cost < below).then_some((trial, cost))
    }
}

/// Hub-set local search with the optimal assignment of every neighbour:
/// close a hub (with a reward), open one (with a reward), or close one and
/// open a candidate sharing a household within reach with it; the first
/// improving move is taken, until none improves, `deadline` passes or the
/// cost is `enough` (the requested gap is then proven). Returns the
/// improved flow.
pub(super) fn hub_search<'a>(
    mut cur: Flow<'a>,
    deadline: Option<Instant>,
    enough: impl Fn(f64) -> bool,
) -> Flow<'a> {
    let inst = cur.inst;
    let nk = inst.candidates.len();
    let eps = 1e-7 * cur.cost().abs().max(1.0);
    let late = |z: f64| enough(z) || deadline.is_some_and(|d| Instant::now() >= d);
    // Candidates sharing a household within reach (within 2·max_km), found
    // when first needed (only open hubs are swapped).
    let mut near: Vec<Option<Vec<usize>>> = vec![None; nk];
    let mut z = cur.cost();
    'outer: loop {
        let mut improved = false;
        for (k, near_k) in near.iter_mut().enumerate() {
            if !cur.open[k] {
                continue;
            }
            if late(z) {
                break 'outer;
            }
            // The optimal flow without k (feasible or not) is the base of every swap.
            let mut closed = cur.clone();
            closed.close_hub(k);
            if !closed.settle(deadline) {
                continue;
            }
            if inst.count.is_none() && closed.feasible() {
                let zc = closed.cost();
                if zc < z - eps {
                    cur = closed;
                    z = zc;
                    improved = true;
                    continue;
                }
            }
            let base = closed;
            let near_k = near_k.get_or_insert_with(|| inst.neighbours(k));
            for &o in near_k.iter() {
                if base.open[o] || inst.by_hub[o].len() < inst.min {
                    continue;
                }
                if late(z) {
                    break 'outer;
                }
                if let Some((trial, zt)) = base.with_hub(o, z - eps, deadline) {
                    cur = trial;
                    z = zt;
                    improved = true;
                    break;
                }
            }
        }
        if inst.count.is_none() {
            for o in 0..nk {
                if cur.open[o] || inst.by_hub[o].len() < inst.min {
                    continue;
                }
                if late(z) {
                    break 'outer;
                }
                if let Some((trial, zt)) = cur.with_hub(o, z - eps, deadline) {
                    cur = trial;
                    z = zt;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constellations::lagrangian::assign_lp;
    use crate::constellations::{hub_candidates, FormationConfig, Goal};
    use crate::dataset::Dataset;
    use crate::generator::carer_pool;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn instance(seed: u64, n: usize, k: usize, config: &FormationConfig) -> Instance {
        let data = Dataset::try_from(carer_pool(seed, n, k)).expect("valid pool");
        let c = hub_candidates(&data, config).expect("candidates");
        Instance::build(&data, config, &c)
    }

    /// The incremental flow gives the LP's optimal assignment (or none when
    /// the LP has none) on random hub sets, after random opens and closes.
    #[test]
    fn flow_assignment_matches_the_lp() {
        let (mut checked, mut infeasible) = (0, 0);
        for seed in 0..8u64 {
            let mut config = FormationConfig::default();
            if seed % 2 == 1 {
                config.min_satellites = 3;
                config.max_satellites = 5;
                config.goal = Goal::Reward(90.0);
                config.distance_weight = 12.0;
            }
            // Small pools make many hub sets infeasible (hubs compete for households).
            let n = if seed < 4 { 150 } else { 70 };
            let inst = instance(seed, n, 25, &config);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let nk = inst.candidates.len();
            let mut flow = Flow::new(&inst);
            for step in 0..25 {
                // Toggle one or two hubs.
                for _ in 0..rng.random_range(1..=2) {
                    let k = rng.random_range(0..nk);
                    if flow.is_open(k) {
                        flow.close_hub(k);
                    } else {
                        flow.open_hub(k);
                    }
                }
                assert!(flow.settle(None), "seed {seed} step {step}: settle failed");
                let hubs = flow.choice().hubs;
                let lp = assign_lp(&inst, &hubs);
                let fresh = Flow::solve(&inst, &hubs, None).filter(Flow::feasible);
                match (&lp, flow.feasible()) {
                    (Some(c), true) => {
                        let (a, b) = (inst.plan_cost(c), flow.cost());
                        assert!(
                            (a - b).abs() <= 1e-6 * a.abs().max(1.0),
                            "seed {seed} step {step}: LP {a} flow {b}"
                        );
                        let fr = fresh.expect("solved from scratch too").cost();
                        assert!((fr - b).abs() <= 1e-6 * b.abs().max(1.0));
                        checked += 1;
                    }
                    (None, false) => {
                        assert!(fresh.is_none());
                        infeasible += 1;
                    }
                    (lp, f) => panic!(
                        "seed {seed} step {step}: LP feasible {} flow feasible {f}",
                        lp.is_some()
                    ),
                }
                // Only feasible hub sets go on (as in the search).
                if !flow.feasible() {
                    flow = Flow::solve(&inst, &[], None).expect("empty");
                }
            }
        }
        assert!(checked >= 40, "only {checked} feasible hub sets compared");
        assert!(
            infeasible >= 5,
            "only {infeasible} infeasible hub sets compared"
        );
    }
}
