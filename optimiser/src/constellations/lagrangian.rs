//! Lagrangian relaxation of the one-role rows, and the incumbent it seeds.
//!
//! *The relaxation.* With a multiplier `λ_j ≥ 0` on each one-role row
//! `[j ∈ H]·h_j + Σ_k s_jk ≤ 1`, the objective becomes
//! `−Σ_j λ_j + Σ_k (hub_cost + λ_k)·h_k + Σ_(j,k) (c_jk + λ_j)·s_jk`
//! and the rows left (size and linking, and `Σ h_k = p`) only tie a hub to its
//! own pairs. So for each hub, independently: if open, take its `min` pairs of
//! lowest reduced cost `c_jk + λ_j`, then more while their reduced cost is
//! negative, up to `max` (one sort); its value `v_k` is the hub cost plus
//! `λ_k` plus that sum. Open every hub with `v_k < 0` (with a count: the `p`
//! hubs of lowest `v_k`). `L(λ) = −Σ λ_j + Σ_open v_k` is a lower bound on the
//! optimum for every `λ ≥ 0`; its maximum equals the LP bound of the strong
//! model (the hub subproblems have the integrality property).
//!
//! *The capacity cut.* With a reward, the capacity rounding cut of the
//! module docs of [`super`] (`Σ_k ((1 − r)·h_k + Σ_j s_jk) ≤ (a − r)·q`,
//! scaled by `1/a`) is relaxed too, with one more multiplier `μ ≥ 0`: each
//! hub's cost gains `μ·(1 − r)/a`, each pair's reduced cost `μ/a`, and `L`
//! loses `μ·(a − r)·q/a`. The hub subproblems are unchanged in form, and the
//! maximum of `L` is then the LP bound of the strong model with the cut.
//! The subgradient steps first move every multiplier; if that converges
//! without proving the requested gap, they start again from `λ = 0` with
//! `μ = 0` held, and the best bound of both is kept (where the cut is slack
//! a moving `μ` slows the convergence of `λ`: on seed 2026 −62,083 instead
//! of −62,048).
//!
//! *Start.* `λ = 0`, except on pools whose model is above
//! [`super::MIP_MAX_COLUMNS`]: there the same `λ_j = c` for every household
//! that can be in a constellation, `c` the best along that line (a
//! golden-section search, cheap: see `uniform_start`).
//!
//! *Subgradient.* `λ_j ← max(0, λ_j + t·g_j)` with `g_j` the row's slack at
//! the relaxed solution (`role_j − 1`) and Polyak's step
//! `t = θ·(UB − L)/‖g‖²`, `θ` halved after 15 steps without a better bound.
//!
//! *Incumbent.* The open hubs of a step's relaxed solution are repaired into a
//! feasible plan (each hub takes its cheapest free households up to `min`,
//! hubs that cannot are closed; then the cheapest pairs with a gain, up to
//! `max`), improved by local search (move or drop a satellite, swap two
//! satellites between hubs; with a reward also close a hub that costs more
//! than it gains, or open one over households left outside; with a count,
//! close one hub and open another). After the subgradient steps, the best
//! plan's hub set gets its optimal assignment (a min-cost flow, see
//! `flow.rs`; [`assign_lp`] solves the same transportation problem as
//! an LP) and a local search over hub sets that re-assigns optimally after
//! every move: close a hub, open one, or swap an open hub for a candidate
//! sharing a household within reach, first improvement, until none improves.
//! The subgradient steps stop at 60 % of the phase's time budget (the rest
//! is for the hub-set search) and the local searches at the budget; a
//! heuristic run during the steps uses at most half of the steps' time left.
//! Every loop that can take long on a large pool checks the clock (the
//! local search per household or candidate, the flow before each shortest
//! path, its first solve included), so the phase ends within one step of its
//! budget. None of this runs once the requested gap is already proven (the
//! test is [`crate::solver::relative_gap`]`(incumbent, bound) ≤ gap`).
//!
//! *Fixing.* For a pair `(j,k)`, `L` with `s_jk` forced to 1 is computed
//! exactly (hub `k` forced open with `j` in it); if it exceeds the incumbent's
//! objective, no solution better than the incumbent uses the pair, and it is
//! left out of the MIP. Likewise a hub whose forced opening exceeds it.

use std::collections::{HashMap, HashSet};

use std::time::Instant;

use super::instance::{Choice, Instance};

/// What the Lagrangian phase found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Best lower bound `max L(λ)`.
    pub bound: f64,
    /// The multipliers that gave it: one per household, then the capacity cut's if there is one.
    pub lambda: Vec<f64>,
    /// Best feasible plan found, with its objective.
    pub incumbent: Option<(f64, Choice)>,
    /// Subgradient steps taken.
    pub iterations: usize,
    /// Distinct hub sets the heuristic was run on.
    pub heuristic_runs: usize,
    /// Time in the heuristic, ms.
    pub heuristic_ms: f64,
    /// Wall time, ms.
    pub elapsed_ms: f64,
}

/// The relaxed problem at one `λ`.
struct Relaxed {
    value: f64,
    open: Vec<bool>,
    /// Selected pairs of each open hub.
    selected: Vec<Vec<usize>>,
    /// Each hub's best open value `v_k` (infinite if it cannot open).
    v: Vec<f64>,
}

/// Best sum of a hub's sorted reduced costs: the first `lo`, then more while
/// negative, up to `hi` in all; `None` when fewer than `lo` exist.
fn best_sum(sorted: &[(f64, usize)], skip: Option<usize>, lo: usize, hi: usize) -> Option<f64> {
    let mut sum = 0.0;
    let mut n = 0;
    for &(rc, p) in sorted {
        if Some(p) == skip {
            continue;
        }
        if n >= hi || (n >= lo && rc >= 0.0) {
            break;
        }
        sum += rc;
        n += 1;
    }
    (n >= lo).then_some(sum)
}

/// Each hub's pairs with reduced costs under `lambda`, ascending (the first `max` exactly).
fn reduced(inst: &Instance, lambda: &[f64], k: usize, out: &mut Vec<(f64, usize)>) {
    let shift = Cut::of(inst, lambda).pair;
    out.clear();
    out.extend(inst.by_hub[k].iter().map(|&p| {
        (
            inst.pairs[p].cost + lambda[inst.pairs[p].household] + shift,
            p,
        )
    }));
    let cmp = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if out.len() > inst.max + 1 {
        out.select_nth_unstable_by(inst.max, cmp);
        out[..inst.max].sort_unstable_by(cmp);
    } else {
        out.sort_unstable_by(cmp);
    }
}

/// The capacity cut's part of the Lagrangian at `lambda` (whose entry after
/// the households is the cut's multiplier `μ`, when the cut exists): the cut
/// row is scaled by `1/a` so that its subgradient is of the order of the
/// one-role rows'.
struct Cut {
    /// Added to each hub's cost: `μ·(1 − r)/a`.
    hub: f64,
    /// Added to each pair's reduced cost: `μ/a`.
    pair: f64,
    /// Subtracted from `L`: `μ·(a − r)·q/a`.
    constant: f64,
}

impl Cut {
    fn of(inst: &Instance, lambda: &[f64]) -> Cut {
        let mu = lambda.get(inst.households.len()).copied().unwrap_or(0.0);
        match inst.capacity {
            Some((coef, rhs)) => {
                let a = (inst.max + 1) as f64;
                Cut {
                    hub: mu * coef / a,
                    pair: mu / a,
                    constant: mu * rhs / a,
                }
            }
            None => Cut {
                hub: 0.0,
                pair: 0.0,
                constant: 0.0,
            },
        }
    }
}

/// `−Σ_j λ_j` over the households, minus the cut's constant.
fn base_value(inst: &Instance, lambda: &[f64]) -> f64 {
    -lambda[..inst.households.len()].iter().sum::<f64>() - Cut::of(inst, lambda).constant
}

fn relax(inst: &Instance, lambda: &[f64], buf: &mut Vec<(f64, usize)>) -> Relaxed {
    let nk = inst.candidates.len();
    let hub_shift = Cut::of(inst, lambda).hub;
    let mut v = vec![f64::INFINITY; nk];
    let mut selected = vec![Vec::new(); nk];
    for k in 0..nk {
        reduced(inst, lambda, k, buf);
        if let Some(sum) = best_sum(buf, None, inst.min, inst.max) {
            v[k] = inst.hub_cost + lambda[inst.candidates[k]] + hub_shift + sum;
            for (n, &(rc, p)) in buf.iter().enumerate() {
                if n >= inst.max || (n >= inst.min && rc >= 0.0) {
                    break;
                }
                selected[k].push(p);
            }
        }
    }
    let mut open = vec![false; nk];
    match inst.count {
        None => {
            for k in 0..nk {
                open[k] = v[k] < 0.0;
            }
        }
        Some(p) => {
            let mut order: Vec<usize> = (0..nk).filter(|&k| v[k].is_finite()).collect();
            order.sort_by(|&a, &b| v[a].total_cmp(&v[b]).then(a.cmp(&b)));
            for &k in order.iter().take(p) {
                open[k] = true;
            }
        }
    }
    let value = base_value(inst, lambda) + (0..nk).filter(|&k| open[k]).map(|k| v[k]).sum::<f64>();
    Relaxed {
        value,
        open,
        selected,
        v,
    }
}

/// The starting multipliers of a large pool: the same `λ_j = c` for every household that
/// can be in a constellation (within reach of a candidate, or a candidate
/// that can open), 0 for the others and for the capacity cut, with `c`
/// maximising `L` along that line. Along it each hub's value is a sum over
/// its pairs in their fixed cost order, so `L(c)` costs `O(candidates ·
/// max)` and a golden-section search over the concave `L(c)` is cheap. On a
/// pool where everyone lives close together this start is already near the
/// LP bound, where `λ = 0` (every hub open with all its satellites) is far
/// below it and each subgradient step costs a pass over millions of pairs.
fn uniform_start(inst: &Instance) -> Vec<f64> {
    let n = inst.households.len();
    let nk = inst.candidates.len();
    let mut reach = vec![false; n];
    for pair in &inst.pairs {
        reach[pair.household] = true;
    }
    for (k, &h) in inst.candidates.iter().enumerate() {
        if inst.by_hub[k].len() >= inst.min {
            reach[h] = true;
        }
    }
    let u = reach.iter().filter(|r| **r).count() as f64;
    let mut values = Vec::with_capacity(nk);
    let mut value = |c: f64| -> f64 {
        values.clear();
        for k in 0..nk {
            // `by_hub` is cheapest first: with the same λ on every satellite
            // the reduced costs keep that order.
            let (mut sum, mut taken) = (0.0, 0);
            for &p in &inst.by_hub[k] {
                let rc = inst.pairs[p].cost + c;
                if taken >= inst.max || (taken >= inst.min && rc >= 0.0) {
                    break;
                }
                sum += rc;
                taken += 1;
            }
            if taken >= inst.min {
                values.push(inst.hub_cost + c + sum);
            }
        }
        let hubs = match inst.count {
            None => values.iter().filter(|v| **v < 0.0).sum::<f64>(),
            Some(p) => {
                values.sort_by(f64::total_cmp);
                values.iter().take(p).sum::<f64>()
            }
        };
        hubs - u * c
    };
    let worst = inst.pairs.iter().map(|p| p.cost.abs()).fold(0.0, f64::max);
    let (mut lo, mut hi) = (0.0, worst + inst.hub_cost.abs() + 1.0);
    let ratio = (5.0_f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (hi - ratio * (hi - lo), lo + ratio * (hi - lo));
    let (mut fa, mut fb) = (value(a), value(b));
    for _ in 0..60 {
        if fa < fb {
            lo = a;
            a = b;
            fa = fb;
            b = lo + ratio * (hi - lo);
            fb = value(b);
        } else {
            hi = b;
            b = a;
            fb = fa;
            a = hi - ratio * (hi - lo);
            fa = value(a);
        }
    }
    let c = if value(0.0) >= fa.max(fb) {
        0.0
    } else if fa >= fb {
        a
    } else {
        b
    };
    let mut lambda: Vec<f64> = reach.iter().map(|&r| if r { c } else { 0.0 }).collect();
    if inst.capacity.is_some() {
        lambda.push(0.0);
    }
    lambda
}

/// Runs the subgradient method and the heuristic, for at most `budget_s`
/// seconds when given (counted from `started`), stopping early once the
/// incumbent is proven within `stop_gap` (relative) of the bound.
pub fn run(inst: &Instance, budget_s: Option<f64>, started: Instant, stop_gap: f64) -> Outcome {
    let t0 = Instant::now();
    let n = inst.households.len();
    // One multiplier per household, then the capacity cut's (if any).
    // The uniform start only on pools too large for any MIP under a time
    // limit: on the seeded benchmark pools it changes the path of the steps
    // and on seed 7 ends on a weaker bound (−60,894 instead of −60,824).
    let start = if inst.pairs.len() + inst.candidates.len() > super::MIP_MAX_COLUMNS {
        uniform_start(inst)
    } else {
        vec![0.0; n + usize::from(inst.capacity.is_some())]
    };
    let mut lambda = start.clone();
    let mut best_lambda = lambda.clone();
    let mut bound = f64::NEG_INFINITY;
    let mut incumbent: Option<(f64, Choice)> = None;
    let mut tried: HashSet<Vec<bool>> = HashSet::new();
    let mut buf = Vec::new();
    let mut theta = 2.0;
    let mut stale = 0;
    let mut iterations = 0;
    let mut heuristic_ms = 0.0;
    let mut proven = false;
    let mut lp_runs = 0;
    let lookup = Lookup::new(inst);
    let out_of_time = || budget_s.is_some_and(|b| started.elapsed().as_secs_f64() > b);
    // The subgradient steps stop at 60 % of the budget, leaving the rest to
    // the hub-set search (on 2,000 households each heuristic run costs about
    // 1 s, and the steps alone could use the whole budget).
    let steps_out_of_time = || budget_s.is_some_and(|b| started.elapsed().as_secs_f64() > 0.6 * b);
    let deadline = crate::solver::Deadline::after(started, budget_s).instant();
    let steps_deadline = crate::solver::Deadline::after(started, budget_s.map(|b| 0.6 * b));
    // With the capacity cut, first every multiplier together (μ moving);
    // if that ends without proving the gap, again from the start with μ = 0 held,
    // keeping the best bound of both. (Where the cut is slack, a moving μ
    // slows the convergence of λ.)
    let mut cut_on = inst.capacity.is_some();
    let mut phase_best = f64::NEG_INFINITY;
    for it in 0..4000 {
        iterations = it + 1;
        let r = relax(inst, &lambda, &mut buf);
        if bound == f64::NEG_INFINITY || r.value > bound + 1e-9 * bound.abs().max(1.0) {
            bound = r.value;
            best_lambda.clone_from(&lambda);
        }
        if phase_best == f64::NEG_INFINITY
            || r.value > phase_best + 1e-9 * phase_best.abs().max(1.0)
        {
            phase_best = r.value;
            stale = 0;
        } else {
            stale += 1;
            if stale >= 15 {
                theta /= 2.0;
                stale = 0;
            }
        }
        // No heuristic in the second phase: its relaxed hub sets add little
        // and each run costs about 1 s on 2,000 households.
        if (cut_on || inst.capacity.is_none()) && it % 40 == 0 && tried.insert(r.open.clone()) {
            let h0 = Instant::now();
            // A run during the steps may use at most half of the steps' time
            // left (on 2,000 households within reach of each other one local
            // search takes seconds, and the steps make the bound).
            let half = steps_deadline.seconds_left().and_then(|s| {
                crate::solver::Deadline::after(Instant::now(), Some(0.5 * s)).instant()
            });
            let found = heuristic(inst, &r, &lookup, half);
            heuristic_ms += h0.elapsed().as_secs_f64() * 1000.0;
            if let Some(c) = found {
                let z = inst.plan_cost(&c);
                if incumbent.as_ref().is_none_or(|(best, _)| z < *best - 1e-9) {
                    incumbent = Some((z, c));
                }
            }
        }
        let ub = match (&incumbent, inst.count) {
            (Some((z, _)), _) => *z,
            (None, None) => 0.0,
            (None, Some(_)) => bound + bound.abs().max(1.0) * 0.05,
        };
        proven = incumbent.is_some() && within(ub, bound, stop_gap.max(1e-7));
        if proven || steps_out_of_time() {
            break;
        }
        if theta < 0.002 {
            if cut_on {
                // The second phase: the one-role rows alone, from the start.
                cut_on = false;
                lambda.clone_from(&start);
                phase_best = f64::NEG_INFINITY;
                theta = 2.0;
                stale = 0;
                continue;
            }
            break;
        }
        // Subgradient of the one-role rows (and the capacity cut), projected on λ ≥ 0.
        let mut g = vec![-1.0; lambda.len()];
        if !cut_on && inst.capacity.is_some() {
            g[n] = 0.0;
        }
        if let (true, Some((coef, rhs))) = (cut_on, inst.capacity) {
            g[n] = -rhs;
            for k in 0..inst.candidates.len() {
                if r.open[k] {
                    g[n] += coef + r.selected[k].len() as f64;
                }
            }
            g[n] /= (inst.max + 1) as f64;
        }
        for k in 0..inst.candidates.len() {
            if r.open[k] {
                g[inst.candidates[k]] += 1.0;
                for &p in &r.selected[k] {
                    g[inst.pairs[p].household] += 1.0;
                }
            }
        }
        for j in 0..lambda.len() {
            if lambda[j] <= 0.0 && g[j] < 0.0 {
                g[j] = 0.0;
            }
        }
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm <= 0.0 {
            // The relaxed solution is feasible and complementary: L is optimal.
            break;
        }
        // Polyak's step towards the incumbent from this phase's best bound.
        let t = theta * (ub - phase_best).max(1e-6) / norm;
        for j in 0..lambda.len() {
            lambda[j] = (lambda[j] + t * g[j]).max(0.0);
        }
    }
    // A last incumbent from the best multipliers (unless the requested gap is already proven).
    let r = relax(inst, &best_lambda, &mut buf);
    if !proven && !out_of_time() && tried.insert(r.open.clone()) {
        if let Some(c) = heuristic(inst, &r, &lookup, deadline) {
            let z = inst.plan_cost(&c);
            if incumbent.as_ref().is_none_or(|(best, _)| z < *best - 1e-9) {
                incumbent = Some((z, c));
            }
        }
    }
    // The best assignment for the incumbent's hub set (a min-cost flow), then
    // the hub-set local search that re-assigns optimally after every move.
    if !proven && !out_of_time() {
        if let Some((z, c)) = incumbent.clone() {
            let h0 = Instant::now();
            if let Some(better) = polish(inst, &c, z, bound, stop_gap, deadline) {
                incumbent = Some(better);
            }
            heuristic_ms += h0.elapsed().as_secs_f64() * 1000.0;
            lp_runs += 1;
        }
    }
    if inst.count.is_none() {
        // Opening nothing is always feasible.
        if incumbent.as_ref().is_none_or(|(z, _)| *z > 0.0) {
            incumbent = Some((0.0, Choice::default()));
        }
    }
    Outcome {
        bound,
        lambda: best_lambda,
        incumbent,
        iterations,
        heuristic_runs: tried.len() + lp_runs,
        heuristic_ms,
        elapsed_ms: t0.elapsed().as_secs_f64() * 1000.0,
    }
}

/// Whether objective `z` is proven within `gap` of `bound` — the one gap
/// definition, [`crate::solver::relative_gap`] (with a tolerance of 1e-9 for
/// rounding).
pub(super) fn within(z: f64, bound: f64, gap: f64) -> bool {
    crate::solver::relative_gap(z, bound) <= gap + 1e-9
}

/// The optimal assignment of the hub set of `choice` (objective `z`), then
/// the hub-set local search of `flow.rs`, until it is proven within
/// `stop_gap` of `bound` (the subgradient loop's test) or `deadline`
/// passes; the better plan and its objective, if it found one.
pub(super) fn polish(
    inst: &Instance,
    choice: &Choice,
    z: f64,
    bound: f64,
    stop_gap: f64,
    deadline: Option<Instant>,
) -> Option<(f64, Choice)> {
    let f = super::flow::Flow::solve(inst, &choice.hubs, deadline).filter(|f| f.feasible())?;
    let enough = |z: f64| within(z, bound, stop_gap.max(1e-7));
    let f = super::flow::hub_search(f, deadline, enough);
    let a = f.choice();
    let za = inst.plan_cost(&a);
    (za < z - 1e-9).then_some((za, a))
}

impl Outcome {
    /// Which pairs and hubs may still be in a solution of objective ≤ `ub`
    /// (`false`: fixed to zero by its Lagrangian reduced cost).
    pub fn fixing(&self, inst: &Instance, ub: f64) -> (Vec<bool>, Vec<bool>) {
        let nk = inst.candidates.len();
        let lambda = &self.lambda;
        let mut buf = Vec::new();
        let r = relax(inst, lambda, &mut buf);
        let base = base_value(inst, lambda);
        let cut = Cut::of(inst, lambda);
        // The hub part of L with hub k forced open at value x.
        let mut finite: Vec<f64> = r.v.iter().copied().filter(|x| x.is_finite()).collect();
        finite.sort_by(f64::total_cmp);
        let open_sum: f64 = (0..nk).filter(|&k| r.open[k]).map(|k| r.v[k]).sum();
        let forced = |k: usize, x: f64| -> f64 {
            match inst.count {
                None => open_sum - r.v[k].min(0.0) + x,
                Some(0) => f64::INFINITY,
                Some(p) => {
                    if r.open[k] {
                        open_sum - r.v[k] + x
                    } else {
                        let worst = finite.get(p - 1).copied().unwrap_or(0.0);
                        open_sum - worst + x
                    }
                }
            }
        };
        let mut keep_pairs = vec![true; inst.pairs.len()];
        let mut keep_hubs = vec![true; nk];
        for k in 0..nk {
            if !r.v[k].is_finite() || base + forced(k, r.v[k]) > ub {
                keep_hubs[k] = false;
                for &p in &inst.by_hub[k] {
                    keep_pairs[p] = false;
                }
                continue;
            }
            // All of hub k's pairs sorted by reduced cost (fixing needs the whole order).
            buf.clear();
            buf.extend(inst.by_hub[k].iter().map(|&p| {
                (
                    inst.pairs[p].cost + lambda[inst.pairs[p].household] + cut.pair,
                    p,
                )
            }));
            buf.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let head = inst.hub_cost + lambda[inst.candidates[k]] + cut.hub;
            for &(rc, p) in &buf {
                let rest = best_sum(
                    &buf,
                    Some(p),
                    inst.min.saturating_sub(1),
                    inst.max.saturating_sub(1),
                );
                let x = match rest {
                    Some(s) if inst.max >= 1 => head + rc + s,
                    _ => f64::INFINITY,
                };
                if base + forced(k, x) > ub {
                    keep_pairs[p] = false;
                }
            }
        }
        (keep_pairs, keep_hubs)
    }
}

/// The pair of each (household, hub), if within reach: a dense table, or a
/// hash map when the table would be large (more than 2^25 cells).
enum Lookup {
    Dense { households: usize, table: Vec<u32> },
    Sparse(HashMap<(usize, usize), usize>),
}

impl Lookup {
    fn new(inst: &Instance) -> Self {
        let households = inst.households.len();
        let cells = households.saturating_mul(inst.candidates.len());
        if cells > 1 << 25 || inst.pairs.len() >= u32::MAX as usize {
            return Lookup::Sparse(
                inst.pairs
                    .iter()
                    .enumerate()
                    .map(|(p, pair)| ((pair.household, pair.hub), p))
                    .collect(),
            );
        }
        let mut table = vec![u32::MAX; cells];
        for (p, pair) in inst.pairs.iter().enumerate() {
            table[pair.hub * households + pair.household] = p as u32;
        }
        Lookup::Dense { households, table }
    }
    fn get(&self, household: usize, hub: usize) -> Option<usize> {
        match self {
            Lookup::Dense { households, table } => match table[hub * households + household] {
                u32::MAX => None,
                p => Some(p as usize),
            },
            Lookup::Sparse(map) => map.get(&(household, hub)).copied(),
        }
    }
}

/// Household roles during the heuristic.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Role {
    Out,
    Hub,
    Sat(usize),
}

#[derive(Clone)]
struct State<'a> {
    inst: &'a Instance,
    role: Vec<Role>,
    open: Vec<bool>,
    size: Vec<usize>,
    /// Try closing one hub and opening another together (with a count,
    /// where neither alone keeps the count; with a reward the hub-set search
    /// of `flow.rs` does it exactly on the best plan).
    hub_swaps: bool,
    /// Stop improving after this instant (the phase's time budget).
    deadline: Option<Instant>,
}

impl State<'_> {
    /// Whether the phase's time budget has run out.
    fn late(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
    fn sat_cost(&self, j: usize) -> f64 {
        match self.role[j] {
            Role::Sat(p) => self.inst.pairs[p].cost,
            _ => 0.0,
        }
    }
    fn close(&mut self, k: usize) {
        let inst = self.inst;
        for &p in &inst.by_hub[k] {
            let j = inst.pairs[p].household;
            if self.role[j] == Role::Sat(p) {
                self.role[j] = Role::Out;
            }
        }
        self.role[inst.candidates[k]] = Role::Out;
        self.open[k] = false;
        self.size[k] = 0;
    }
    fn choice(&self) -> Choice {
        let mut c = Choice {
            hubs: (0..self.open.len()).filter(|&k| self.open[k]).collect(),
            pairs: self
                .role
                .iter()
                .filter_map(|r| match r {
                    Role::Sat(p) => Some(*p),
                    _ => None,
                })
                .collect(),
        };
        c.pairs.sort_unstable();
        c
    }
}

/// A feasible plan from a relaxed solution's open hubs, improved by local search.
fn heuristic(
    inst: &Instance,
    r: &Relaxed,
    lookup: &Lookup,
    deadline: Option<Instant>,
) -> Option<Choice> {
    let nk = inst.candidates.len();
    let mut st = State {
        inst,
        role: vec![Role::Out; inst.households.len()],
        open: vec![false; nk],
        size: vec![0; nk],
        hub_swaps: inst.count.is_some(),
        deadline,
    };
    // Open hubs, most promising first; a hub household is never a satellite.
    let mut order: Vec<usize> = (0..nk).filter(|&k| r.open[k]).collect();
    order.sort_by(|&a, &b| r.v[a].total_cmp(&r.v[b]).then(a.cmp(&b)));
    for &k in &order {
        st.open[k] = true;
        st.role[inst.candidates[k]] = Role::Hub;
    }
    // Minimum sizes: each hub takes its cheapest free households.
    let mut fewest: Vec<usize> = order.clone();
    fewest.sort_by_key(|&k| (inst.by_hub[k].len(), k));
    for &k in &fewest {
        for &p in &inst.by_hub[k] {
            if st.size[k] >= inst.min {
                break;
            }
            let j = inst.pairs[p].household;
            if st.role[j] == Role::Out {
                st.role[j] = Role::Sat(p);
                st.size[k] += 1;
            }
        }
        if st.size[k] < inst.min {
            st.close(k);
        }
    }
    // Count mode: open further hubs until p are open.
    if let Some(p) = inst.count {
        let mut extra: Vec<usize> = (0..nk)
            .filter(|&k| !st.open[k] && r.v[k].is_finite())
            .collect();
        extra.sort_by(|&a, &b| r.v[a].total_cmp(&r.v[b]).then(a.cmp(&b)));
        for k in extra {
            if st.open.iter().filter(|o| **o).count() >= p {
                break;
            }
            if st.role[inst.candidates[k]] != Role::Out {
                continue;
            }
            let free: Vec<usize> = inst.by_hub[k]
                .iter()
                .copied()
                .filter(|&q| st.role[inst.pairs[q].household] == Role::Out)
                .take(inst.min)
                .collect();
            if free.len() >= inst.min {
                st.open[k] = true;
                st.role[inst.candidates[k]] = Role::Hub;
                for q in free {
                    st.role[inst.pairs[q].household] = Role::Sat(q);
                    st.size[k] += 1;
                }
            }
        }
        if st.open.iter().filter(|o| **o).count() != p {
            return None;
        }
    }
    // Then every pair with a gain, cheapest first.
    let mut rest: Vec<usize> = (0..inst.pairs.len())
        .filter(|&q| st.open[inst.pairs[q].hub] && inst.pairs[q].cost < 0.0)
        .collect();
    rest.sort_by(|&a, &b| {
        inst.pairs[a]
            .cost
            .total_cmp(&inst.pairs[b].cost)
            .then(a.cmp(&b))
    });
    for q in rest {
        let (j, k) = (inst.pairs[q].household, inst.pairs[q].hub);
        if st.role[j] == Role::Out && st.size[k] < inst.max {
            st.role[j] = Role::Sat(q);
            st.size[k] += 1;
        }
    }
    local_search(&mut st, lookup);
    Some(st.choice())
}

/// Variable-neighbourhood descent: single-household moves until none
/// improves, then satellite swaps, then hub moves; back to moves after any
/// improvement.
fn local_search(st: &mut State, lookup: &Lookup) {
    for _round in 0..200 {
        if st.late() {
            break;
        }
        if move_pass(st) || swap_pass(st, lookup) || hub_moves(st) {
            continue;
        }
        break;
    }
}

/// Moves, adds or drops single households where that gains; whether any did.
fn move_pass(st: &mut State) -> bool {
    let inst = st.inst;
    let eps = 1e-9;
    let mut improved = false;
    {
        // Move, add or drop one household.
        for j in 0..inst.households.len() {
            if st.role[j] == Role::Hub {
                continue;
            }
            if j % 64 == 0 && st.late() {
                break;
            }
            let cur = st.sat_cost(j);
            let from = match st.role[j] {
                Role::Sat(p) => Some(inst.pairs[p].hub),
                _ => None,
            };
            let movable = from.is_none_or(|a| st.size[a] > inst.min);
            if !movable {
                continue;
            }
            let mut best: Option<(f64, Option<usize>)> = None;
            if from.is_some() && cur > eps {
                best = Some((0.0, None));
            }
            for &q in &inst.by_household[j] {
                let k = inst.pairs[q].hub;
                if st.open[k] && Some(k) != from && st.size[k] < inst.max {
                    let c = inst.pairs[q].cost;
                    if c < cur - eps && best.is_none_or(|(b, _)| c < b) {
                        best = Some((c, Some(q)));
                    }
                }
            }
            if let Some((_, to)) = best {
                if let Some(a) = from {
                    st.size[a] -= 1;
                }
                match to {
                    Some(q) => {
                        st.role[j] = Role::Sat(q);
                        st.size[inst.pairs[q].hub] += 1;
                    }
                    None => st.role[j] = Role::Out,
                }
                improved = true;
            }
        }
    }
    improved
}

/// Swaps two satellites of different hubs where that gains; whether any did.
fn swap_pass(st: &mut State, lookup: &Lookup) -> bool {
    let inst = st.inst;
    let eps = 1e-9;
    let mut improved = false;
    {
        // Swap two satellites of different hubs (each hub's satellites listed once per round).
        let mut members: Vec<Vec<(usize, usize)>> = vec![Vec::new(); inst.candidates.len()];
        for (j, r) in st.role.iter().enumerate() {
            if let Role::Sat(p) = r {
                members[inst.pairs[*p].hub].push((j, *p));
            }
        }
        for j in 0..inst.households.len() {
            let Role::Sat(pj) = st.role[j] else { continue };
            if st.late() {
                break;
            }
            let a = inst.pairs[pj].hub;
            'pairs: for &q in &inst.by_household[j] {
                let b = inst.pairs[q].hub;
                if b == a || !st.open[b] {
                    continue;
                }
                for m in 0..members[b].len() {
                    let (i, pi) = members[b][m];
                    if st.role[i] != Role::Sat(pi) {
                        continue;
                    }
                    let Some(qi) = lookup.get(i, a) else {
                        continue;
                    };
                    let gain = inst.pairs[pj].cost + inst.pairs[pi].cost
                        - inst.pairs[q].cost
                        - inst.pairs[qi].cost;
                    if gain > eps {
                        st.role[j] = Role::Sat(q);
                        st.role[i] = Role::Sat(qi);
                        members[b][m] = (j, q);
                        members[a].push((i, qi));
                        improved = true;
                        break 'pairs;
                    }
                }
            }
        }
    }
    improved
}

/// Hub-level moves: with a reward, close a hub (its satellites move to the
/// best open hub with room, or outside) or open one (taking households from
/// outside or from hubs above their minimum where that gains); with a count,
/// close one and open another. Returns whether anything improved.
fn hub_moves(st: &mut State) -> bool {
    let inst = st.inst;
    let eps = 1e-9;
    let mut improved = false;
    for k in 0..inst.candidates.len() {
        if !st.open[k] {
            continue;
        }
        if st.late() {
            return improved;
        }
        let Some(d) = close_delta(st, k, false) else {
            continue;
        };
        if inst.count.is_none() && d < -eps {
            close_delta(st, k, true);
            improved = true;
            continue;
        }
        if !st.hub_swaps {
            continue;
        }
        // Close k and open the closed candidate that gains most instead.
        let mut trial = st.clone();
        close_delta(&mut trial, k, true);
        // Only candidates sharing a household within reach with k (within 2·max_km).
        let mut best: Option<(f64, usize)> = None;
        for o in inst.neighbours(k) {
            if trial.open[o] {
                continue;
            }
            if trial.late() {
                return improved;
            }
            if let Some(e) = open_delta(&mut trial, o, false) {
                if best.is_none_or(|(b, _)| e < b) {
                    best = Some((e, o));
                }
            }
        }
        if let Some((e, o)) = best {
            if d + e < -eps {
                open_delta(&mut trial, o, true);
                *st = trial;
                improved = true;
            }
        }
    }
    if inst.count.is_none() {
        for k in 0..inst.candidates.len() {
            if st.open[k] {
                continue;
            }
            if st.late() {
                return improved;
            }
            if let Some(d) = open_delta(st, k, false) {
                if d < -eps {
                    open_delta(st, k, true);
                    improved = true;
                }
            }
        }
    }
    improved
}

/// Change in objective from closing open hub `k` and moving its satellites
/// (and its own household) to the best open hub with room and a gain, else
/// outside; applied when `apply`.
fn close_delta(st: &mut State, k: usize, apply: bool) -> Option<f64> {
    let inst = st.inst;
    let mut delta = -inst.hub_cost;
    let mut inc: HashMap<usize, usize> = HashMap::new();
    let mut moves: Vec<(usize, Option<usize>)> = Vec::new();
    let mut members: Vec<usize> = inst.by_hub[k]
        .iter()
        .filter(|&&p| st.role[inst.pairs[p].household] == Role::Sat(p))
        .map(|&p| {
            delta -= inst.pairs[p].cost;
            inst.pairs[p].household
        })
        .collect();
    members.push(inst.candidates[k]);
    for j in members {
        let best = inst.by_household[j]
            .iter()
            .copied()
            .filter(|&q| {
                let b = inst.pairs[q].hub;
                b != k
                    && st.open[b]
                    && st.size[b] + inc.get(&b).copied().unwrap_or(0) < inst.max
                    && inst.pairs[q].cost < 0.0
            })
            .min_by(|&a, &b| inst.pairs[a].cost.total_cmp(&inst.pairs[b].cost));
        if let Some(q) = best {
            delta += inst.pairs[q].cost;
            *inc.entry(inst.pairs[q].hub).or_insert(0) += 1;
        }
        moves.push((j, best));
    }
    if apply {
        st.close(k);
        for (j, q) in moves {
            if let Some(q) = q {
                st.role[j] = Role::Sat(q);
                st.size[inst.pairs[q].hub] += 1;
            }
        }
    }
    Some(delta)
}

/// Change in objective from opening closed hub `k` with the households that
/// gain most from joining it (from outside, or from hubs above their
/// minimum); `None` if it cannot reach `min`. Applied when `apply`.
fn open_delta(st: &mut State, k: usize, apply: bool) -> Option<f64> {
    let inst = st.inst;
    let hk = inst.candidates[k];
    let mut dec: HashMap<usize, usize> = HashMap::new();
    let mut delta = inst.hub_cost;
    let room = |dec: &HashMap<usize, usize>, a: usize| {
        st.size[a] - dec.get(&a).copied().unwrap_or(0) > inst.min
    };
    match st.role[hk] {
        Role::Hub => return None,
        Role::Sat(p) => {
            let a = inst.pairs[p].hub;
            if !room(&dec, a) {
                return None;
            }
            *dec.entry(a).or_insert(0) += 1;
            delta -= inst.pairs[p].cost;
        }
        Role::Out => {}
    }
    let mut options: Vec<(f64, usize)> = inst.by_hub[k]
        .iter()
        .filter(|&&q| st.role[inst.pairs[q].household] != Role::Hub)
        .map(|&q| {
            let j = inst.pairs[q].household;
            (inst.pairs[q].cost - st.sat_cost(j), q)
        })
        .collect();
    options.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut take = Vec::new();
    for (value, q) in options {
        if take.len() >= inst.max || (take.len() >= inst.min && value >= 0.0) {
            break;
        }
        let j = inst.pairs[q].household;
        if let Role::Sat(p) = st.role[j] {
            let a = inst.pairs[p].hub;
            if !room(&dec, a) {
                continue;
            }
            *dec.entry(a).or_insert(0) += 1;
        }
        delta += value;
        take.push(q);
    }
    if take.len() < inst.min {
        return None;
    }
    if apply {
        if let Role::Sat(p) = st.role[hk] {
            st.size[inst.pairs[p].hub] -= 1;
        }
        st.role[hk] = Role::Hub;
        st.open[k] = true;
        st.size[k] = 0;
        for q in take {
            let j = inst.pairs[q].household;
            if let Role::Sat(p) = st.role[j] {
                st.size[inst.pairs[p].hub] -= 1;
            }
            st.role[j] = Role::Sat(q);
            st.size[k] += 1;
        }
    }
    Some(delta)
}

/// The optimal assignment of households to the open `hubs` (a transportation
/// problem with lower bounds, whose LP has integral vertices), solved as an
/// LP by HiGHS; `None` if it is infeasible or HiGHS fails.
pub fn assign_lp(inst: &Instance, hubs: &[usize]) -> Option<Choice> {
    use good_lp::solvers::highs::highs;
    use good_lp::{variable, Expression, ProblemVariables, SolverModel};
    let mut open = vec![false; inst.candidates.len()];
    let mut is_hub = vec![false; inst.households.len()];
    for &k in hubs {
        open[k] = true;
        is_hub[inst.candidates[k]] = true;
    }
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::default();
    let mut col: Vec<Option<(usize, good_lp::Variable)>> = vec![None; inst.pairs.len()];
    let mut ids = Vec::new();
    for (p, pair) in inst.pairs.iter().enumerate() {
        if open[pair.hub] && !is_hub[pair.household] {
            let v = vars.add(variable().min(0.0).max(1.0));
            objective.add_mul(pair.cost, v);
            col[p] = Some((ids.len(), v));
            ids.push(p);
        }
    }
    let mut problem = vars.minimise(objective).using(highs);
    for list in &inst.by_household {
        let mut e = Expression::default();
        let mut n = 0;
        for &p in list {
            if let Some((_, v)) = col[p] {
                e.add_mul(1.0, v);
                n += 1;
            }
        }
        if n >= 2 {
            problem.add_constraint(e.leq(1.0));
        }
    }
    for &k in hubs {
        let mut lo = Expression::default();
        let mut hi = Expression::default();
        for &p in &inst.by_hub[k] {
            if let Some((_, v)) = col[p] {
                lo.add_mul(1.0, v);
                hi.add_mul(1.0, v);
            }
        }
        problem.add_constraint(lo.geq(inst.min as f64));
        problem.add_constraint(hi.leq(inst.max as f64));
    }
    let options = crate::solver::SolveOptions::default();
    let run = crate::solver::run(
        problem,
        crate::solver::Call {
            options: &options,
            seconds_left: None,
            mip_abs_gap: None,
            start: None,
            tuning: crate::solver::Tuning::default(),
        },
    )
    .ok()?;
    let mut pairs: Vec<usize> = ids
        .iter()
        .enumerate()
        .filter(|(c, _)| run.columns.get(*c).is_some_and(|x| *x > 0.5))
        .map(|(_, &p)| p)
        .collect();
    pairs.sort_unstable();
    let mut hubs = hubs.to_vec();
    hubs.sort_unstable();
    let choice = Choice { hubs, pairs };
    // The vertex is integral in theory; check the rounding kept every rule.
    let mut size = vec![0usize; inst.candidates.len()];
    let mut seen = vec![false; inst.households.len()];
    for &p in &choice.pairs {
        let j = inst.pairs[p].household;
        if seen[j] {
            return None;
        }
        seen[j] = true;
        size[inst.pairs[p].hub] += 1;
    }
    choice
        .hubs
        .iter()
        .all(|&k| (inst.min..=inst.max).contains(&size[k]))
        .then_some(choice)
}
