//! Column generation with a reduced-cost optimality certificate.
//!
//! 1. Start from the `initial_per_owner` cheapest columns of every child, group
//!    and member (plus any forced column, and every split group's
//!    first-cluster column and strict group's spread columns); a split
//!    member's column always comes with its group's place-used and
//!    constellation-used columns (its *companions*), here and whenever
//!    pricing adds it.
//! 2. Solve the LP relaxation of that restricted model, take the row duals π
//!    (clamped to the right sign: π ≤ 0 on `≤` rows), set the duals of the
//!    member-used rows the LP leaves free (`share_place_costs`, below), and price
//!    every column of the pool: `rc_c = coef_c − Σ_r a_rc π_r`. Add the most
//!    negative few per owner row and repeat until no column prices out
//!    (`rc_c < −1e-9·(1 + |LP|)`). The LP stays in HiGHS from round to round
//!    and is re-solved from its last basis (`RestrictedLp`, in `matching/lp.rs`). Reduced costs are
//!    computed on the fly, unit by unit, never stored for the whole pool.
//! 3. With that π, `L = Σ_r b_r π_r + Σ_c min(0, rc_c)` (forced columns count
//!    `rc_c` in full) is a lower bound on every integer solution of the *full*
//!    model: for any feasible x, `cost(x) = Σ_c rc_c x_c + Σ_r π_r (Ax)_r ≥
//!    Σ_c rc_c x_c + Σ_r π_r b_r ≥ L`, and a solution that uses a column e
//!    outside the restricted model has `cost(x) ≥ L + rc_e` when `rc_e ≥ 0`.
//!    The argument uses nothing but `Ax ≤ b` (or `=`) with π of the right
//!    sign, so it holds for every row family alike — the v1.1 rows between
//!    children arriving at one home (mix limits, conflicts) and the split
//!    rows of non-strict groups (place used, constellation used, first
//!    place) included: every column's reduced cost is taken over *all* the
//!    rows it has in the full pool (a single child's column at a home with
//!    such rows has them too), and the rows of the full pool are built
//!    before pricing, whether or not a column touching them is in the
//!    model. A row no model column touches is not handed to HiGHS; its π
//!    is then 0, which is a valid dual.
//!    The bound is computed here from π, not read from HiGHS, so it holds
//!    however inexact the LP duals are — and whatever round they come from,
//!    so a run stopped during pricing still has a valid `L`. It needs the
//!    *whole* pool: with an incomplete pool (the deadline passed while it
//!    was being enumerated) pricing does not run at all.
//! 4. The first MIP holds the columns of the last LP whose *joint* reduced
//!    cost `ρ_e` is below `10⁻⁴·|L|`, with the forced columns and the
//!    companions: `ρ_e = rc_e` plus the positive
//!    reduced costs of `e`'s companions, which every solution using a split
//!    member's column also uses (its member-used and member-in-constellation
//!    rows), so that such a solution costs at least `L + ρ_e`
//!    (`joint_reduced_cost`, below). Solve it to incumbent z. Every column left
//!    out with `ρ_e < z − L` (plus a safety margin) could still improve on
//!    z: add them all and re-solve from z as a start. When none is left, z
//!    is optimal for the full model; the reported bound is the MIP's dual
//!    bound, or `L + min ρ_e` over the left-out columns if that is lower
//!    (never below L).
//!
//! Under a time limit (a [`Deadline`] from the start of the whole solve): LP
//! pricing starts no round after 30 % of the limit (but the first round may
//! have 10 % of the limit from when it starts); every model build and HiGHS
//! run is skipped once the deadline has passed, and HiGHS is given the time
//! left less 6 % of the limit (it notices its limit late on large models);
//! the first MIP starts from a greedy incumbent, which is also the answer if
//! no MIP can run; and a completion round that would more than quintuple the
//! model is skipped. The incumbent is then returned as `time_limit` (or
//! `optimal` if its gap to the bound is already within tolerance).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::solver::{self, Call, Deadline, SolveStatus, SolverError, Tuning};

/// A column prices out when its reduced cost is below `−PRICING_TOLERANCE ·
/// (1 + |LP objective|)`. At 1e-7 (about £5 a column on the 500-child
/// benchmark) thousands of columns stayed just below zero and took up to
/// £97 off `L` (seed 3), doubling the columns the certificate re-admits.
const PRICING_TOLERANCE: f64 = 1e-9;

/// The first MIP holds the priced columns whose reduced cost is below
/// `MIP_SCREEN · |L|` (£73 a week on the 500-child benchmark, whose
/// optimum is £28 above `L`); the completion rounds bring back any other
/// that could still improve on the MIP's answer.
const MIP_SCREEN: f64 = 1e-4;

/// Options per owner the greedy fallback packs from when the pool is incomplete.
const FALLBACK_PER_OWNER: usize = 10;

/// HiGHS settings for the restricted MIPs (measured in BENCHMARKS.md).
const MIP_TUNING: Tuning = Tuning {
    skip_root_reduced_cost_heuristic: true,
    skip_symmetry_detection: true,
    accept_unknown_lp: false,
};

use super::columns::{ColumnKind, Pool, RowKey};
use super::lp::RestrictedLp;
use super::model;
use super::{MatchConfig, Strategy};

/// What the column-generation solve found, in model units (no constant term).
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Pool columns set to 1.
    pub selected: Vec<usize>,
    /// Optimal, or stopped by the time limit.
    pub status: SolveStatus,
    /// Proven lower bound on the model objective of the full pool
    /// (`−∞` when none beyond the caller's own was computed in time).
    pub bound: f64,
    /// Columns in the final model.
    pub columns_in_model: usize,
    /// Rows in the final model.
    pub rows_in_model: usize,
    /// LP pricing rounds.
    pub lp_rounds: usize,
    /// MIP solves.
    pub mip_rounds: usize,
    /// The best Lagrangian (LP) bound L of the full model, model units
    /// (`−∞` if no LP round finished).
    pub lp_bound: f64,
    /// Time spent building models.
    pub build: Duration,
    /// Time spent inside HiGHS.
    pub solve: Duration,
    /// Each incumbent as it was found (the greedy start, then each MIP): time
    /// since `started`, its model objective and the model bound then.
    pub progress: Vec<(Duration, f64, f64)>,
    /// `−π` of each place's capacity row in the last LP solved (pricing's
    /// last round, or the one LP relaxation of [`Strategy::Full`] when
    /// [`MatchConfig::capacity_duals`] asks for it), by place index; 0 for
    /// a place whose row was not in that LP. `None` when no LP was solved.
    pub capacity_duals: Option<Vec<f64>>,
}

/// Sets `pi` to an LP's row duals by pool row (`built_rows[m]` is the pool
/// row of the LP's row `m`), clamped to `≤ 0` on `≤` rows; 0 for the rows
/// not in that LP.
fn set_duals(pool: &Pool, built_rows: &[usize], duals: &[f64], pi: &mut [f64]) {
    pi.iter_mut().for_each(|p| *p = 0.0);
    for (m, &r) in built_rows.iter().enumerate() {
        let d = duals.get(m).copied().unwrap_or(0.0);
        pi[r] = if pool.rows[r].equality { d } else { d.min(0.0) };
    }
}

/// `−π` of every capacity row (`≥ 0`), by place index, from duals set by
/// [`set_duals`]; 0 where the place's row was not in the LP.
fn capacity_duals(pool: &Pool, places: usize, pi: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; places];
    for (r, row) in pool.rows.iter().enumerate() {
        if let RowKey::Capacity(j) = row.key {
            if let Some(d) = out.get_mut(j) {
                *d = -pi[r];
            }
        }
    }
    out
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
            .then(pool.coef(active[a]).total_cmp(&pool.coef(active[b])))
            .then(a.cmp(&b))
    });
    for &k in &order {
        let c = active[k];
        let packing = matches!(
            pool.kind(c),
            ColumnKind::Single { .. }
                | ColumnKind::Together { .. }
                | ColumnKind::TogetherSplit { .. }
        );
        let is_forced = forced.contains(&c);
        // Forced columns always; otherwise packing columns that beat leaving the unit unplaced.
        if !is_forced && (!packing || pool.coef(c) >= 0.0) {
            continue;
        }
        let mut fits = true;
        pool.for_each_row(c, |r, a| {
            fits &= pool.rows[r].equality || room[r] >= a - 1e-9;
        });
        if fits {
            pool.for_each_row(c, |r, a| room[r] -= a);
            values[k] = 1.0;
        }
    }
    values
}

/// The first columns of each owner row (the pool lists them cheapest first),
/// unit by unit.
fn initial(pool: &Pool, units: usize, per_owner: usize, forced: &[usize]) -> Vec<usize> {
    let mut taken = vec![0usize; pool.rows.len()];
    let mut active = Vec::new();
    for u in 0..units {
        let range = pool.unit_columns(u);
        if pool.is_single_unit(u) {
            // One owner (the child's row): its first columns.
            let mut n = 0;
            for c in range {
                if forced.contains(&c) || n < per_owner {
                    n += 1;
                    active.push(c);
                }
            }
            continue;
        }
        for c in range {
            let kind = pool.kind(c);
            // A split group's first-cluster column always; its place- and
            // constellation-used columns only as companions of its
            // member columns, which come, like every other owner's, by
            // the `per_owner` cheapest.
            let always = matches!(
                kind,
                ColumnKind::Spread { .. } | ColumnKind::SplitFirst { .. }
            );
            if matches!(
                kind,
                ColumnKind::SplitPlace { .. } | ColumnKind::SplitConstellation { .. }
            ) {
                continue;
            }
            let owner = pool.owner(c);
            if forced.contains(&c) || always || taken[owner] < per_owner {
                taken[owner] += 1;
                active.push(c);
            }
        }
    }
    with_companions(pool, active, &mut vec![false; pool.id_space()])
}

/// `columns` followed by their companions not in `in_model` (nor among
/// them); marks all of them in `in_model`.
fn with_companions(pool: &Pool, mut columns: Vec<usize>, in_model: &mut [bool]) -> Vec<usize> {
    columns.iter().for_each(|&c| in_model[c] = true);
    let mut extra = Vec::new();
    for &c in &columns {
        for d in pool.companions(c) {
            if !in_model[d] {
                in_model[d] = true;
                extra.push(d);
            }
        }
    }
    columns.extend(extra);
    columns
}

/// One pricing pass over the whole pool under duals `pi`: the Lagrangian
/// bound L(π) of step 3, and the columns to add (at most `per_owner` of the
/// most negative per owner row, not yet in the model, below `−tolerance`),
/// most negative first.
fn price(
    pool: &Pool,
    units: usize,
    pi: &[f64],
    in_model: &[bool],
    forced: &[usize],
    tolerance: f64,
    per_owner: usize,
) -> (f64, Vec<usize>) {
    let mut bound: f64 = pool.rows.iter().zip(pi).map(|(row, p)| row.rhs * p).sum();
    let mut picked: Vec<(f64, usize)> = Vec::new();
    let mut added = vec![0usize; pool.rows.len()];
    let mut buf: Vec<(f64, usize)> = Vec::new();
    for u in 0..units {
        buf.clear();
        pool.for_each_reduced_cost(u, pi, |c, rc| {
            bound += if forced.contains(&c) { rc } else { rc.min(0.0) };
            if !in_model[c] && rc < -tolerance {
                buf.push((rc, c));
            }
        });
        let order = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
        if pool.is_single_unit(u) {
            // One owner: its `per_owner` most negative, without sorting them all.
            if buf.len() > per_owner {
                buf.select_nth_unstable_by(per_owner, order);
                buf.truncate(per_owner);
            }
            picked.extend_from_slice(&buf);
            continue;
        }
        buf.sort_by(order);
        for &(rc, c) in &buf {
            let owner = pool.owner(c);
            if added[owner] < per_owner {
                added[owner] += 1;
                picked.push((rc, c));
            }
        }
    }
    picked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    (bound, picked.into_iter().map(|(_, c)| c).collect())
}

/// Sets the duals of the member-used rows `a_ij − o_gj ≤ 0` whose member
/// column `a_ij` is not in the model, which the restricted LP leaves free,
/// so as to charge a member column for the place it would open.
///
/// For each place-used column `o_gj`, its reduced cost `r_o` (when
/// positive) is a budget moved onto those rows, lowering `o_gj`'s reduced
/// cost and raising the absent members' by as much, member by member,
/// least negative first, each just enough to bring its reduced cost `r_i`
/// to 0, until the budget runs out; members with `r_i ≥ 0` get nothing, and
/// what is left stays on `o_gj`. Among all such moves this one gives the
/// largest Lagrangian bound `L` (module doc, step 3: each unit moved from
/// `o_gj` to a member with `r_i < 0` raises `L` by one, any other move
/// raises nothing), and it keeps on `o_gj` all it can, which the joint
/// reduced cost of a member column (`joint_reduced_cost`, below) counts in full.
///
/// The duals stay optimal for the restricted LP: such a row is touched in
/// the model only by `o_gj` (coefficient −1), if at all, so its dual moves
/// only `o_gj`'s reduced cost, which stays ≥ 0 (dual feasible); and a
/// column with a positive reduced cost is at 0, so the row (`−o_gj ≤ 0`) is
/// tight (complementary slackness). Without this, HiGHS reports 0 for those
/// degenerate rows, every `a_ij` looks as if opening its place were free,
/// and pricing brings in nearly every member column one round at a time.
fn share_place_costs(pool: &Pool, in_model: &[bool], pi: &mut [f64]) {
    let mut absent: HashMap<usize, Vec<(f64, usize)>> = HashMap::new();
    for link in pool
        .member_links()
        .iter()
        .filter(|l| !in_model[l.member_column])
    {
        let r = pool.reduced_cost(link.member_column, pi);
        if r < 0.0 {
            absent
                .entry(link.place_column)
                .or_default()
                .push((r, link.row));
        }
    }
    let mut places: Vec<(usize, Vec<(f64, usize)>)> = absent.into_iter().collect();
    places.sort_by_key(|(o, _)| *o);
    for (o, mut members) in places {
        let mut budget = pool.reduced_cost(o, pi).max(0.0);
        members.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (r, row) in members {
            if budget <= 0.0 {
                break;
            }
            let s = (-r).min(budget);
            pi[row] -= s;
            budget -= s;
        }
    }
}

/// The least a solution using column `c` (reduced cost `rc` under `pi`)
/// pays above `L`: `rc` plus the positive reduced costs of its companions,
/// which every such solution also uses (a split member's place-used and
/// constellation-used columns, by the member-used and member-in-constellation
/// rows). Valid because `cost(x) ≥ L + Σ_{x_e = 1, rc_e ≥ 0} rc_e` for every
/// feasible `x` (module doc, step 3).
fn joint_reduced_cost(pool: &Pool, c: usize, rc: f64, pi: &[f64]) -> f64 {
    rc + pool
        .companions(c)
        .map(|d| pool.reduced_cost(d, pi).max(0.0))
        .sum::<f64>()
}

/// The first MIP's columns: those of the last LP (`active`) whose joint
/// reduced cost under `pi` is below `below`, the forced ones, and their
/// companions. Marks exactly them in `in_model`.
fn screened(
    pool: &Pool,
    active: &[usize],
    pi: &[f64],
    forced: &[usize],
    below: f64,
    in_model: &mut [bool],
) -> Vec<usize> {
    let kept: Vec<usize> = active
        .iter()
        .copied()
        .filter(|&c| {
            forced.contains(&c) || joint_reduced_cost(pool, c, pool.reduced_cost(c, pi), pi) < below
        })
        .collect();
    in_model.iter_mut().for_each(|m| *m = false);
    with_companions(pool, kept, in_model)
}

/// The left-out columns after a MIP: the least reduced cost among them, and
/// those below `threshold` (`None` once there are more than `cap`).
fn left_out(
    pool: &Pool,
    units: usize,
    pi: &[f64],
    in_model: &[bool],
    threshold: f64,
    cap: usize,
) -> (f64, Option<Vec<usize>>) {
    let mut least = f64::INFINITY;
    let mut missing = Some(Vec::new());
    for u in 0..units {
        pool.for_each_reduced_cost(u, pi, |c, rc| {
            if in_model[c] {
                return;
            }
            let rc = joint_reduced_cost(pool, c, rc, pi);
            least = least.min(rc);
            if rc < threshold {
                if let Some(m) = &mut missing {
                    m.push(c);
                    if m.len() > cap {
                        missing = None;
                    }
                }
            }
        });
    }
    (least, missing)
}

/// Solves the full pool's model (see module doc) and returns the selected columns.
/// `units` is the number of units, `places` of places; `true_lower_bound` is a lower bound on the
/// objective *with* its constant `constant`, used to turn the relative gap
/// into HiGHS' absolute gap. `started` is when the whole solve started and
/// `deadline` when its time limit runs out.
#[allow(clippy::too_many_arguments)]
pub fn solve(
    pool: &Pool,
    units: usize,
    places: usize,
    config: &MatchConfig,
    forced: &[usize],
    constant: f64,
    true_lower_bound: f64,
    started: Instant,
    deadline: &Deadline,
) -> Result<Outcome, SolverError> {
    let mut out = Outcome {
        selected: forced.to_vec(),
        status: SolveStatus::Optimal,
        bound: f64::NEG_INFINITY,
        columns_in_model: 0,
        rows_in_model: 0,
        lp_rounds: 0,
        mip_rounds: 0,
        lp_bound: f64::NEG_INFINITY,
        build: Duration::ZERO,
        solve: Duration::ZERO,
        progress: Vec::new(),
        capacity_duals: None,
    };
    if !pool.complete() {
        // The deadline passed while the pool was being enumerated: no
        // pricing (L needs every column), only a greedy incumbent.
        let active = initial(pool, units, FALLBACK_PER_OWNER, forced);
        let start = greedy_start(pool, &active, forced);
        out.selected = chosen(&active, &start);
        out.status = SolveStatus::TimeLimit;
        out.columns_in_model = active.len();
        let z = out.selected.iter().map(|&c| pool.coef(c)).sum();
        out.progress.push((started.elapsed(), z, f64::NEG_INFINITY));
        return Ok(out);
    }
    if pool.column_count() == 0 {
        out.bound = 0.0;
        return Ok(out);
    }
    let (mut active, per_owner) = match config.strategy {
        Strategy::Full => (
            (0..units)
                .flat_map(|u| pool.unit_columns(u))
                .collect::<Vec<_>>(),
            0,
        ),
        Strategy::Pricing {
            initial_per_owner,
            add_per_owner,
        } => (
            initial(pool, units, initial_per_owner, forced),
            add_per_owner.max(1),
        ),
    };
    let mut in_model = vec![false; pool.id_space()];
    active.iter().for_each(|&c| in_model[c] = true);

    // Phase 1: LP column generation (skipped by the full strategy).
    let mut pi = vec![0.0; pool.rows.len()];
    let mut lower = f64::NEG_INFINITY;
    if matches!(config.strategy, Strategy::Pricing { .. }) {
        let pricing_deadline = pricing_deadline(config, started);
        // The LP stays in HiGHS between rounds, which only add columns.
        let mut restricted: Option<RestrictedLp> = None;
        let mut added: Vec<usize> = Vec::new();
        loop {
            if pricing_deadline.expired() {
                break;
            }
            let t = Instant::now();
            let lp_model = match &mut restricted {
                Some(lp) => {
                    lp.add(pool, &added, forced)?;
                    lp
                }
                None => restricted.insert(RestrictedLp::new(pool, &active, forced)),
            };
            out.build += t.elapsed();
            if pricing_deadline.expired() {
                break;
            }
            let lp = match lp_model.solve(Call {
                options: &config.solve,
                seconds_left: pricing_deadline.seconds_left(),
                mip_abs_gap: None,
                start: None,
                // Pricing needs only duals (its bound holds for any):
                // an LP that HiGHS cannot clean up to proven optimality
                // still prices.
                tuning: Tuning {
                    accept_unknown_lp: true,
                    ..Tuning::default()
                },
            }) {
                Ok(lp) => lp,
                // Out of pricing time before the LP found a point: keep the last duals.
                Err(SolverError::NoSolution(_)) if config.solve.time_limit.is_some() => break,
                Err(e) => return Err(e),
            };
            out.solve += lp.elapsed;
            out.lp_rounds += 1;
            set_duals(pool, lp_model.rows(), &lp.row_duals, &mut pi);
            // Capacity rows are not among those `share_place_costs` sets.
            share_place_costs(pool, &in_model, &mut pi);
            // Tight on purpose: a left-out column with a slightly negative
            // reduced cost is not added but counts in full against L.
            let tolerance = PRICING_TOLERANCE * (1.0 + lp.objective.abs());
            let (l, best) = price(pool, units, &pi, &in_model, forced, tolerance, per_owner);
            lower = l;
            out.lp_bound = out.lp_bound.max(l);
            if best.is_empty() || pricing_deadline.expired() {
                break;
            }
            added = with_companions(pool, best, &mut in_model);
            active.extend_from_slice(&added);
        }
    }
    // The full model's LP relaxation once, for its capacity duals only.
    let mut full_lp_solved = false;
    if matches!(config.strategy, Strategy::Full) && config.capacity_duals && !deadline.expired() {
        let t = Instant::now();
        let built = model::build(pool, &active, false, forced);
        out.build += t.elapsed();
        let lp = solver::run(
            built.problem,
            Call {
                options: &config.solve,
                seconds_left: mip_seconds(config, deadline),
                mip_abs_gap: None,
                start: None,
                tuning: Tuning {
                    accept_unknown_lp: true,
                    ..Tuning::default()
                },
            },
        );
        match lp {
            Ok(lp) => {
                out.solve += lp.elapsed;
                set_duals(pool, &built.rows, &lp.row_duals, &mut pi);
                full_lp_solved = true;
            }
            // Out of time: the duals are absent, the MIP below decides.
            Err(SolverError::NoSolution(_)) if config.solve.time_limit.is_some() => {}
            Err(e) => return Err(e),
        }
    }
    if out.lp_rounds > 0 || full_lp_solved {
        out.capacity_duals = Some(capacity_duals(pool, places, &pi));
    }
    // Valid whatever happens next: the best L over the rounds.
    out.bound = out.lp_bound;

    // Phase 2: restricted MIP, completed until the certificate holds.
    if matches!(config.strategy, Strategy::Pricing { .. }) && lower.is_finite() {
        let below = MIP_SCREEN * (lower + constant).abs().max(1.0);
        let first = screened(pool, &active, &pi, forced, below, &mut in_model);
        // An empty MIP is not handed to HiGHS: keep the LP's columns then.
        if first.is_empty() {
            in_model.iter_mut().for_each(|m| *m = false);
            active.iter().for_each(|&c| in_model[c] = true);
        } else {
            active = first;
        }
    }
    let abs_gap =
        config.solve.mip_rel_gap.max(0.0) * true_lower_bound.max(lower + constant).max(1.0);
    let start_values = greedy_start(pool, &active, forced);
    out.selected = chosen(&active, &start_values);
    out.status = SolveStatus::TimeLimit;
    out.columns_in_model = active.len();
    let z0 = out.selected.iter().map(|&c| pool.coef(c)).sum();
    out.progress.push((started.elapsed(), z0, out.bound));
    let mut start: Option<Vec<f64>> = Some(start_values);
    loop {
        if deadline.expired() || mip_seconds(config, deadline) == Some(0.0) {
            return Ok(out);
        }
        let t = Instant::now();
        let built = model::build(pool, &active, true, forced);
        out.build += t.elapsed();
        if deadline.expired() {
            return Ok(out);
        }
        let mip = match solver::run(
            built.problem,
            Call {
                options: &config.solve,
                seconds_left: mip_seconds(config, deadline),
                mip_abs_gap: Some(abs_gap),
                start: start.as_deref(),
                tuning: MIP_TUNING,
            },
        ) {
            Ok(mip) => mip,
            // A round that ran out of time before loading its start: keep
            // the previous incumbent (greedy or MIP), which is feasible.
            Err(SolverError::NoSolution(_)) if config.solve.time_limit.is_some() => {
                out.status = SolveStatus::TimeLimit;
                return Ok(out);
            }
            Err(e) => return Err(e),
        };
        out.solve += mip.elapsed;
        out.mip_rounds += 1;
        out.rows_in_model = built.rows.len();
        out.columns_in_model = active.len();
        out.selected = chosen(&active, &mip.columns);
        out.status = mip.status;
        // `solver::run` reports the objective as the bound when HiGHS has no
        // finite dual bound; a run stopped by the limit has then proven nothing.
        let mip_bound = if mip.status != SolveStatus::Optimal && mip.bound >= mip.objective {
            f64::NEG_INFINITY
        } else {
            mip.bound
        };
        if matches!(config.strategy, Strategy::Full) {
            out.bound = mip_bound;
            out.progress
                .push((started.elapsed(), mip.objective, out.bound));
            return Ok(out);
        }
        let threshold = mip.objective - lower + 1e-9 * (1.0 + mip.objective.abs());
        // Under a time limit, a completion round that would multiply the model
        // cannot finish: the left-out columns are then only counted.
        let cap = if config.solve.time_limit.is_some() {
            4 * active.len()
        } else {
            usize::MAX
        };
        let (min_left_out, missing) = left_out(pool, units, &pi, &in_model, threshold, cap);
        // Valid lower bounds on the full model: L always; the MIP's bound
        // where no left-out column could beat it.
        out.bound = if min_left_out.is_finite() {
            mip_bound.min(lower + min_left_out.max(0.0))
        } else {
            mip_bound
        }
        .max(out.lp_bound);
        out.progress
            .push((started.elapsed(), mip.objective, out.bound));
        if mip.status != SolveStatus::Optimal {
            return Ok(out);
        }
        let missing = match missing {
            Some(m) if m.is_empty() => return Ok(out),
            Some(m) => m,
            None => {
                // Return the incumbent, optimal only if the gap is proven.
                if out.bound < mip.objective - abs_gap {
                    out.status = SolveStatus::TimeLimit;
                }
                return Ok(out);
            }
        };
        let mut values = mip.columns.clone();
        let missing = with_companions(pool, missing, &mut in_model);
        values.extend(std::iter::repeat_n(0.0, missing.len()));
        active.extend(missing);
        start = Some(values);
    }
}

/// The active columns set to 1 in `values`.
fn chosen(active: &[usize], values: &[f64]) -> Vec<usize> {
    active
        .iter()
        .zip(values)
        .filter(|(_, &v)| v > 0.5)
        .map(|(&c, _)| c)
        .collect()
}

/// HiGHS' share of the time left: all but 6 % of the limit, which is kept
/// for HiGHS to notice its limit (it stopped up to 7 s late on a 440,000-column
/// MIP at 16,000 children, 120 s limit) and for the certificate pass,
/// decoding and checking.
fn mip_seconds(config: &MatchConfig, deadline: &Deadline) -> Option<f64> {
    let reserve = 0.06 * config.solve.time_limit?;
    deadline.seconds_left().map(|s| (s - reserve).max(0.0))
}

/// When LP pricing stops starting rounds: 30 % of the time limit after the
/// solve started, but at least 10 % of it from now (enumeration may have
/// used much of the first 30 %), and never past the limit.
fn pricing_deadline(config: &MatchConfig, started: Instant) -> Deadline {
    let Some(t) = config.solve.time_limit else {
        return Deadline::never();
    };
    let elapsed = started.elapsed().as_secs_f64();
    let seconds = (0.3 * t).max(elapsed + 0.1 * t).min(t);
    Deadline::after(started, Some(seconds))
}
