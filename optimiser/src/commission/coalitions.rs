//! Solving the model for many coalitions: in layers of growing size, in
//! parallel, each solve warm-started from the best sub-coalition plan.
//!
//! Work is reused in two ways. (1) A plan of coalition `S \ {p}` is feasible
//! for `S` (p's children keep their fallback), so the cheapest such extension
//! is handed to HiGHS as its first incumbent. (2) Every cost is non-negative,
//! so `c(T) ≤ c(S)` for `T ⊂ S`: the sub-coalitions' proven bounds are a
//! lower bound on `c(S)`, which tightens the reported bound of any solve that
//! stops at the time limit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::formulation::{build, Pair};
use super::instance::Commission;
use super::plan::{check, Plan};
use crate::solver::{self, Call, SolveOptions, SolveStatus, SolverError};

/// The solved model of one coalition.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Coalition bit mask (bit p = partner p).
    pub mask: u64,
    /// Best plan found.
    pub plan: Plan,
    /// Its weekly cost (recomputed by the checker).
    pub cost: f64,
    /// Proven lower bound on the coalition's optimum.
    pub bound: f64,
    /// Proven optimal, or stopped by the time limit.
    pub status: SolveStatus,
    /// Wall time of this solve.
    pub elapsed: Duration,
    /// Columns and rows of the model.
    pub size: (usize, usize),
}

impl Outcome {
    /// Relative gap `(cost − bound) / cost` (0 when the cost is 0).
    pub fn gap(&self) -> f64 {
        solver::relative_gap(self.cost, self.bound)
    }
}

/// Errors while solving coalitions.
#[derive(Debug, thiserror::Error)]
pub enum CoalitionError {
    /// HiGHS failed.
    #[error(transparent)]
    Solver(#[from] SolverError),
    /// A solution failed the independent check (a bug, reported rather than hidden).
    #[error("coalition {mask:#b}: the solver's plan fails the check: {problems}")]
    Check {
        /// The coalition.
        mask: u64,
        /// What is wrong.
        problems: String,
    },
}

impl CoalitionError {
    /// What kind of failure this is.
    pub fn class(&self) -> crate::limits::ErrorClass {
        match self {
            CoalitionError::Solver(e) => e.class(),
            CoalitionError::Check { .. } => crate::limits::ErrorClass::Internal,
        }
    }
}

/// Solves one coalition, starting from `start` (a feasible plan) and
/// knowing `lower` is a lower bound on its cost.
pub fn solve_one(
    inst: &Commission,
    pairs: &[Pair],
    mask: u64,
    options: &SolveOptions,
    deadline: Option<Instant>,
    start: &Plan,
    lower: f64,
) -> Result<Outcome, CoalitionError> {
    let started = Instant::now();
    let (problem, layout) = build(inst, pairs, mask, true);
    let size = (layout.blocks.len() + layout.pairs.len(), layout.rows);
    let verify = |plan: &Plan| {
        check(inst, mask, plan).map_err(|v| CoalitionError::Check {
            mask,
            problems: v.into_iter().map(|x| x.0).collect::<Vec<_>>().join("; "),
        })
    };
    let start_cost = verify(start)?;
    if layout.pairs.is_empty() {
        // Nothing can beat the fallback: the optimum is the fallback.
        let plan = Plan::fallback(inst.children.len());
        let cost = verify(&plan)?;
        return Ok(Outcome {
            mask,
            plan,
            cost,
            bound: cost,
            status: SolveStatus::Optimal,
            elapsed: started.elapsed(),
            size,
        });
    }
    let seconds_left = deadline.map(|d| d.saturating_duration_since(Instant::now()).as_secs_f64());
    let out_of_time = |status| Outcome {
        mask,
        plan: start.clone(),
        cost: start_cost,
        bound: lower.min(start_cost),
        status,
        elapsed: started.elapsed(),
        size,
    };
    if seconds_left.is_some_and(|s| s <= 0.0) {
        return Ok(out_of_time(SolveStatus::TimeLimit));
    }
    let start_columns = layout.start(pairs, start);
    let run = solver::run(
        problem,
        Call {
            options,
            seconds_left,
            mip_abs_gap: None,
            start: Some(&start_columns),
            tuning: crate::solver::Tuning::default(),
        },
    );
    let run = match run {
        Ok(run) => run,
        // Stopped before reading any incumbent back: the start stands.
        Err(SolverError::NoSolution(_)) => return Ok(out_of_time(SolveStatus::TimeLimit)),
        Err(e) => return Err(e.into()),
    };
    let plan = layout.decode(inst, pairs, &run.columns);
    let cost = verify(&plan)?;
    let (plan, cost) = if start_cost < cost {
        (start.clone(), start_cost)
    } else {
        (plan, cost)
    };
    Ok(Outcome {
        mask,
        plan,
        cost,
        bound: run.bound.max(lower).min(cost),
        status: run.status,
        elapsed: started.elapsed(),
        size,
    })
}

/// Solves every coalition in `masks` (any order; each is solved once),
/// smaller coalitions first so that larger ones start from their plans.
/// `workers` solves run at once, each with one HiGHS thread when more than
/// one runs.
pub fn solve_many(
    inst: &Commission,
    pairs: &[Pair],
    masks: &[u64],
    options: &SolveOptions,
    deadline: Option<Instant>,
    workers: usize,
) -> Result<HashMap<u64, Outcome>, CoalitionError> {
    let mut todo: Vec<u64> = masks.iter().copied().filter(|&m| m != 0).collect();
    todo.sort_unstable_by_key(|m| (m.count_ones(), *m));
    todo.dedup();
    let mut done: HashMap<u64, Outcome> = HashMap::with_capacity(todo.len());
    let mut layer_start = 0;
    while layer_start < todo.len() {
        let size = todo[layer_start].count_ones();
        let layer_end = todo[layer_start..]
            .iter()
            .position(|m| m.count_ones() != size)
            .map_or(todo.len(), |k| layer_start + k);
        let layer = &todo[layer_start..layer_end];
        let threads = workers.clamp(1, layer.len());
        let per_solve = SolveOptions {
            threads: if threads > 1 {
                Some(1)
            } else {
                options.threads
            },
            ..options.clone()
        };
        let next = AtomicUsize::new(0);
        let results: Vec<Result<Vec<Outcome>, CoalitionError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let k = next.fetch_add(1, Ordering::Relaxed);
                            let Some(&mask) = layer.get(k) else {
                                return Ok(mine);
                            };
                            let (start, lower) = warm_start(inst, pairs, &done, mask);
                            mine.push(solve_one(
                                inst, pairs, mask, &per_solve, deadline, &start, lower,
                            )?);
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        for r in results {
            for o in r? {
                done.insert(o.mask, o);
            }
        }
        layer_start = layer_end;
    }
    Ok(done)
}

/// A starting plan for `S` and a lower bound on `c(S)`. Each solved
/// sub-coalition `S \ {p}` gives a feasible plan for `S` (p's children at
/// their fallback), improved by placing p's children greedily where there is
/// room; the cheapest is kept. The sub-coalitions' bounds are lower bounds
/// on `c(S)` because `c` is monotone.
fn warm_start(
    inst: &Commission,
    pairs: &[Pair],
    done: &HashMap<u64, Outcome>,
    mask: u64,
) -> (Plan, f64) {
    let mut candidates: Vec<(Plan, usize)> = Vec::new();
    let mut lower: f64 = 0.0;
    for p in 0..inst.partners.len() {
        let bit = 1u64 << p;
        if mask & bit == 0 {
            continue;
        }
        if let Some(sub) = done.get(&(mask & !bit)) {
            lower = lower.max(sub.bound);
            candidates.push((sub.plan.clone(), p));
        }
    }
    if candidates.is_empty() {
        // No sub-coalition solved (a singleton, or sampled coalitions): start
        // from the fallback and place everyone greedily.
        let plan = Plan::fallback(inst.children.len());
        let all = (0..inst.partners.len())
            .filter(|p| mask >> p & 1 == 1)
            .collect();
        return (place_greedily(inst, pairs, plan, all), lower);
    }
    let best = candidates
        .into_iter()
        .map(|(plan, p)| place_greedily(inst, pairs, plan, vec![p]))
        .filter_map(|plan| check(inst, mask, &plan).ok().map(|c| (c, plan)))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, plan)) => (plan, lower),
        None => (Plan::fallback(inst.children.len()), lower),
    }
}

/// Places the children of `partners` who are at their fallback, biggest
/// saving first, each in the cheapest option with room that is already
/// paid for: a spot option, or a block `plan` already commissions (beds and
/// mix limits respected). The result is feasible when `plan` is.
fn place_greedily(inst: &Commission, pairs: &[Pair], mut plan: Plan, partners: Vec<usize>) -> Plan {
    let mut used = vec![0u32; inst.options.len()];
    let mut mix: HashMap<(usize, u32), u32> = HashMap::new();
    for (i, placed) in plan.placed.iter().enumerate() {
        if let Some(o) = *placed {
            used[o] += 1;
            for t in inst.children[i].needs.iter() {
                *mix.entry((o, t)).or_default() += 1;
            }
        }
    }
    let open =
        |o: usize, plan: &Plan| !inst.options[o].is_block() || plan.commissioned.contains(&o);
    let mut candidates: Vec<&Pair> = pairs
        .iter()
        .filter(|p| {
            partners.contains(&inst.children[p.child].partner) && plan.placed[p.child].is_none()
        })
        .collect();
    // Biggest saving against the fallback first; ties by child then option.
    candidates.sort_by(|a, b| {
        let save = |p: &Pair| inst.children[p.child].fallback_cost(&inst.weights) - p.cost;
        save(b)
            .total_cmp(&save(a))
            .then((a.child, a.option).cmp(&(b.child, b.option)))
    });
    for p in candidates {
        if plan.placed[p.child].is_some() || !open(p.option, &plan) {
            continue;
        }
        let option = &inst.options[p.option];
        if option.beds.is_some_and(|b| used[p.option] >= b) {
            continue;
        }
        let needs = &inst.children[p.child].needs;
        let mix_ok = option.mix_limits.iter().all(|&(t, limit)| {
            !needs.contains(t) || mix.get(&(p.option, t)).copied().unwrap_or(0) < limit
        });
        if !mix_ok {
            continue;
        }
        plan.placed[p.child] = Some(p.option);
        used[p.option] += 1;
        for t in needs.iter() {
            *mix.entry((p.option, t)).or_default() += 1;
        }
    }
    plan
}
