//! Column generation with a reduced-cost optimality certificate.
//!
//! 1. Start from the `initial_per_owner` cheapest columns of every child, group
//!    and spread member (plus any forced column).
//! 2. Solve the LP relaxation of that restricted model, take the row duals π
//!    (clamped to the right sign: π ≤ 0 on `≤` rows), and price every column of
//!    the pool: `rc_c = coef_c − Σ_r a_rc π_r`. Add the most negative few per
//!    owner row and repeat until no column prices out (`rc_c < −1e-9·(1 + |LP|)`).
//! 3. With that π, `L = Σ_r b_r π_r + Σ_c min(0, rc_c)` (forced columns count
//!    `rc_c` in full) is a lower bound on every integer solution of the *full*
//!    model: for any feasible x, `cost(x) = Σ_c rc_c x_c + Σ_r π_r (Ax)_r ≥
//!    Σ_c rc_c x_c + Σ_r π_r b_r ≥ L`, and a solution that uses a column e
//!    outside the restricted model has `cost(x) ≥ L + rc_e` when `rc_e ≥ 0`.
//!    The bound is computed here from π, not read from HiGHS, so it holds
//!    however inexact the LP duals are.
//! 4. Solve the restricted MIP to incumbent z. Every column left out with
//!    `rc_e < z − L` (plus a safety margin) could still improve on z: add them
//!    all and re-solve from z as a start. When none is left, z is optimal for
//!    the full model; the reported bound is the MIP's dual bound, or
//!    `L + min rc_e` over the left-out columns if that is lower (never below L).
//!
//! Under a time limit, LP pricing may use 30 % of it, the first MIP starts
//! from a greedy incumbent, and a completion round that would more than
//! quintuple the model is skipped: the incumbent is returned as `time_limit`
//! (or `optimal` if its gap to the bound is already within tolerance).

use std::time::{Duration, Instant};

use crate::solver::{self, Call, SolveStatus, SolverError, Tuning};

/// A column prices out when its reduced cost is below `−PRICING_TOLERANCE ·
/// (1 + |LP objective|)`. At 1e-7 (about £5 a column on the 500-child
/// benchmark) thousands of columns stayed just below zero and took up to
/// £97 off `L` (seed 3), doubling the columns the certificate re-admits.
const PRICING_TOLERANCE: f64 = 1e-9;

/// HiGHS settings for the restricted MIPs (measured in BENCHMARKS.md).
const MIP_TUNING: Tuning = Tuning {
    skip_root_reduced_cost_heuristic: true,
};

use super::columns::{ColumnKind, Pool};
use super::model;
use super::{MatchConfig, Strategy};

/// What the column-generation solve found, in model units (no constant term).
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Pool columns set to 1.
    pub selected: Vec<usize>,
    /// Optimal, or stopped by the time limit.
    pub status: SolveStatus,
    /// Proven lower bound on the model objective of the full pool.
    pub bound: f64,
    /// Columns in the final model.
    pub columns_in_model: usize,
    /// Rows in the final model.
    pub rows_in_model: usize,
    /// LP pricing rounds.
    pub lp_rounds: usize,
    /// MIP solves.
    pub mip_rounds: usize,
    /// The Lagrangian (LP) bound L of the full model, model units.
    pub lp_bound: f64,
    /// Time spent building models.
    pub build: Duration,
    /// Time spent inside HiGHS.
    pub solve: Duration,
}

fn seconds_left(config: &MatchConfig, started: Instant) -> Option<f64> {
    config
        .solve
        .time_limit
        .map(|t| (t - started.elapsed().as_secs_f64()).max(0.0))
}

/// LP pricing may use at most 30 % of a time limit, leaving the rest to the MIP.
fn pricing_time_spent(config: &MatchConfig, started: Instant) -> bool {
    config
        .solve
        .time_limit
        .is_some_and(|t| started.elapsed().as_secs_f64() > 0.3 * t)
}

/// A feasible first incumbent: forced columns, then `Single` and `Together`
/// columns cheapest first wherever every row they touch still has room.
fn greedy_start(pool: &Pool, active: &[usize], forced: &[usize]) -> Vec<f64> {
    let mut room: Vec<f64> = pool.rows.iter().map(|r| r.rhs).collect();
    let mut values = vec![0.0; active.len()];
    let mut order: Vec<usize> = (0..active.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (forced.contains(&active[a]), forced.contains(&active[b]));
        fb.cmp(&fa)
            .then(
                pool.columns[active[a]]
                    .coef
                    .total_cmp(&pool.columns[active[b]].coef),
            )
            .then(a.cmp(&b))
    });
    for k in order {
        let column = &pool.columns[active[k]];
        let packing = matches!(
            column.kind,
            ColumnKind::Single { .. } | ColumnKind::Together { .. }
        );
        let is_forced = forced.contains(&active[k]);
        // Forced columns always; otherwise packing columns that beat leaving the unit unplaced.
        if !is_forced && (!packing || column.coef >= 0.0) {
            continue;
        }
        if column
            .rows
            .iter()
            .all(|&(r, a)| pool.rows[r].equality || room[r] >= a - 1e-9)
        {
            for &(r, a) in &column.rows {
                room[r] -= a;
            }
            values[k] = 1.0;
        }
    }
    values
}

/// The first columns of each owner row (the pool lists them cheapest first).
fn initial(pool: &Pool, per_owner: usize, forced: &[usize]) -> Vec<usize> {
    let mut taken = vec![0usize; pool.rows.len()];
    let mut active = Vec::new();
    for (c, column) in pool.columns.iter().enumerate() {
        let is_spread = matches!(column.kind, super::columns::ColumnKind::Spread { .. });
        if is_spread || forced.contains(&c) || taken[column.owner] < per_owner {
            taken[column.owner] += 1;
            active.push(c);
        }
    }
    active
}

/// Reduced costs of every pool column under duals `pi`.
fn reduced_costs(pool: &Pool, pi: &[f64]) -> Vec<f64> {
    pool.columns
        .iter()
        .map(|c| c.coef - c.rows.iter().map(|&(r, a)| a * pi[r]).sum::<f64>())
        .collect()
}

/// The Lagrangian bound L(π) of step 3.
fn lagrangian_bound(pool: &Pool, pi: &[f64], rc: &[f64], forced: &[usize]) -> f64 {
    let rows: f64 = pool.rows.iter().zip(pi).map(|(row, p)| row.rhs * p).sum();
    let cols: f64 = rc
        .iter()
        .enumerate()
        .map(|(c, &r)| if forced.contains(&c) { r } else { r.min(0.0) })
        .sum();
    rows + cols
}

/// Solves the full pool's model (see module doc) and returns the selected columns.
/// `true_lower_bound` is a lower bound on the objective *with* its constant
/// `constant`, used to turn the relative gap into HiGHS' absolute gap.
pub fn solve(
    pool: &Pool,
    config: &MatchConfig,
    forced: &[usize],
    constant: f64,
    true_lower_bound: f64,
) -> Result<Outcome, SolverError> {
    let started = Instant::now();
    let mut out = Outcome {
        selected: forced.to_vec(),
        status: SolveStatus::Optimal,
        bound: 0.0,
        columns_in_model: 0,
        rows_in_model: 0,
        lp_rounds: 0,
        mip_rounds: 0,
        lp_bound: f64::NEG_INFINITY,
        build: Duration::ZERO,
        solve: Duration::ZERO,
    };
    if pool.columns.is_empty() {
        return Ok(out);
    }
    let (mut active, per_owner) = match config.strategy {
        Strategy::Full => ((0..pool.columns.len()).collect::<Vec<_>>(), 0),
        Strategy::Pricing {
            initial_per_owner,
            add_per_owner,
        } => (
            initial(pool, initial_per_owner, forced),
            add_per_owner.max(1),
        ),
    };
    let mut in_model = vec![false; pool.columns.len()];
    active.iter().for_each(|&c| in_model[c] = true);

    // Phase 1: LP column generation (skipped by the full strategy).
    let mut pi = vec![0.0; pool.rows.len()];
    let mut rc = reduced_costs(pool, &pi);
    let mut lower = f64::NEG_INFINITY;
    if matches!(config.strategy, Strategy::Pricing { .. }) {
        loop {
            let t = Instant::now();
            let built = model::build(pool, &active, false, forced);
            out.build += t.elapsed();
            let lp = match solver::run(
                built.problem,
                Call {
                    options: &config.solve,
                    seconds_left: config
                        .solve
                        .time_limit
                        .map(|t| (0.3 * t - started.elapsed().as_secs_f64()).max(0.01)),
                    mip_abs_gap: None,
                    start: None,
                    tuning: Tuning::default(),
                },
            ) {
                Ok(lp) => lp,
                // Out of pricing time before the LP found a point: keep the last duals.
                Err(SolverError::NoSolution(_)) if config.solve.time_limit.is_some() => break,
                Err(e) => return Err(e),
            };
            out.solve += lp.elapsed;
            out.lp_rounds += 1;
            pi.iter_mut().for_each(|p| *p = 0.0);
            for (m, &r) in built.rows.iter().enumerate() {
                let d = lp.row_duals[m];
                pi[r] = if pool.rows[r].equality { d } else { d.min(0.0) };
            }
            rc = reduced_costs(pool, &pi);
            lower = lagrangian_bound(pool, &pi, &rc, forced);
            // Tight on purpose: a left-out column with a slightly negative
            // reduced cost is not added but counts in full against L.
            let tolerance = PRICING_TOLERANCE * (1.0 + lp.objective.abs());
            let mut best: Vec<(f64, usize)> = (0..pool.columns.len())
                .filter(|&c| !in_model[c] && rc[c] < -tolerance)
                .map(|c| (rc[c], c))
                .collect();
            if best.is_empty() || pricing_time_spent(config, started) {
                break;
            }
            best.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut added = vec![0usize; pool.rows.len()];
            for (_, c) in best {
                let owner = pool.columns[c].owner;
                if added[owner] < per_owner {
                    added[owner] += 1;
                    in_model[c] = true;
                    active.push(c);
                }
            }
        }
    }

    out.lp_bound = lower;
    // Phase 2: restricted MIP, completed until the certificate holds.
    let abs_gap =
        config.solve.mip_rel_gap.max(0.0) * true_lower_bound.max(lower + constant).max(1.0);
    let mut start: Option<Vec<f64>> = Some(greedy_start(pool, &active, forced));
    loop {
        let t = Instant::now();
        let built = model::build(pool, &active, true, forced);
        out.build += t.elapsed();
        out.rows_in_model = built.rows.len();
        out.columns_in_model = active.len();
        let mip = match solver::run(
            built.problem,
            Call {
                options: &config.solve,
                seconds_left: seconds_left(config, started),
                mip_abs_gap: Some(abs_gap),
                start: start.as_deref(),
                tuning: MIP_TUNING,
            },
        ) {
            Ok(mip) => mip,
            // A completion round that ran out of time before loading its start:
            // keep the previous round's incumbent, which is feasible.
            Err(SolverError::NoSolution(_))
                if out.mip_rounds > 0 && config.solve.time_limit.is_some() =>
            {
                out.status = SolveStatus::TimeLimit;
                return Ok(out);
            }
            Err(e) => return Err(e),
        };
        out.solve += mip.elapsed;
        out.mip_rounds += 1;
        out.selected = active
            .iter()
            .zip(&mip.columns)
            .filter(|(_, &v)| v > 0.5)
            .map(|(&c, _)| c)
            .collect();
        out.status = mip.status;
        let left_out = || (0..pool.columns.len()).filter(|&c| !in_model[c]);
        let min_left_out = left_out().map(|c| rc[c]).fold(f64::INFINITY, f64::min);
        // Valid lower bounds on the full model: L always; the MIP's bound
        // where no left-out column could beat it.
        out.bound = if min_left_out.is_finite() {
            mip.bound.min(lower + min_left_out.max(0.0))
        } else {
            mip.bound
        }
        .max(lower);
        if mip.status != SolveStatus::Optimal || matches!(config.strategy, Strategy::Full) {
            return Ok(out);
        }
        let threshold = mip.objective - lower + 1e-9 * (1.0 + mip.objective.abs());
        let missing: Vec<usize> = left_out().filter(|&c| rc[c] < threshold).collect();
        if missing.is_empty() {
            return Ok(out);
        }
        // Under a time limit, a completion round that would multiply the model
        // cannot finish: return the incumbent, optimal only if the gap is proven.
        if config.solve.time_limit.is_some() && missing.len() > 4 * active.len() {
            if out.bound < mip.objective - abs_gap {
                out.status = SolveStatus::TimeLimit;
            }
            return Ok(out);
        }
        let mut values = mip.columns.clone();
        for c in missing {
            in_model[c] = true;
            active.push(c);
            values.push(0.0);
        }
        start = Some(values);
    }
}
