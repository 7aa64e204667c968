//! The good_lp model of the formation (see the module docs of
//! [`super`]), over the hubs and pairs not fixed to zero; one function per
//! constraint family.

use good_lp::solvers::highs::{highs, HighsProblem};
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};

use super::instance::{Choice, Instance};
use super::FormationConfig;

/// A model ready for HiGHS, and the map from columns back to the instance.
pub struct Built {
    /// The problem.
    pub problem: HighsProblem,
    /// Where each hub and pair is among the columns.
    pub map: ColumnMap,
    /// Number of columns.
    pub columns: usize,
    /// Number of rows.
    pub rows: usize,
}

/// The columns of a built model.
pub struct ColumnMap {
    /// Column of each hub's `h_k`, if built.
    hub_col: Vec<Option<usize>>,
    /// Column of each pair's `s_jk`, if built.
    pair_col: Vec<Option<usize>>,
    columns: usize,
}

struct Vars {
    h: Vec<Option<Variable>>,
    s: Vec<Option<Variable>>,
}

/// Builds the model over the hubs with `keep_hubs[k]` and the pairs with
/// `keep_pairs[p]` (and a kept hub), with the capacity rounding cut when
/// `with_cut` (and the instance has one).
pub fn build(
    inst: &Instance,
    keep_pairs: &[bool],
    keep_hubs: &[bool],
    config: &FormationConfig,
    with_cut: bool,
) -> Built {
    let mut vars = ProblemVariables::new();
    let mut columns = 0usize;
    let mut hub_col = vec![None; inst.candidates.len()];
    let mut pair_col = vec![None; inst.pairs.len()];
    let mut objective = Expression::default();
    let h: Vec<Option<Variable>> = (0..inst.candidates.len())
        .map(|k| {
            keep_hubs[k].then(|| {
                let v = vars.add(variable().binary());
                hub_col[k] = Some(columns);
                columns += 1;
                objective.add_mul(inst.hub_cost, v);
                v
            })
        })
        .collect();
    let s: Vec<Option<Variable>> = inst
        .pairs
        .iter()
        .enumerate()
        .map(|(p, pair)| {
            (keep_pairs[p] && keep_hubs[pair.hub]).then(|| {
                let v = vars.add(variable().binary());
                pair_col[p] = Some(columns);
                columns += 1;
                objective.add_mul(pair.cost, v);
                v
            })
        })
        .collect();
    let v = Vars { h, s };
    let mut problem = vars.minimise(objective).using(highs);
    let mut rows = 0usize;
    one_role(inst, &v, &mut problem, &mut rows);
    size_between_min_and_max(inst, &v, &mut problem, &mut rows);
    satellite_needs_open_hub(inst, &v, &mut problem, &mut rows);
    if with_cut {
        capacity_rounding(inst, &v, &mut problem, &mut rows);
    }
    if let super::Goal::Count(p) = config.goal {
        open_exactly(p, &v, &mut problem, &mut rows);
    }
    Built {
        problem,
        map: ColumnMap {
            hub_col,
            pair_col,
            columns,
        },
        columns,
        rows,
    }
}

/// `[j ∈ H]·h_j + Σ_k s_jk ≤ 1` for each household (rows with one variable are implied by its bounds).
fn one_role(inst: &Instance, v: &Vars, problem: &mut HighsProblem, rows: &mut usize) {
    for j in 0..inst.households.len() {
        let mut e = Expression::default();
        let mut n = 0;
        if let Some(Some(h)) = inst.candidate_of[j].map(|k| v.h[k]) {
            e.add_mul(1.0, h);
            n += 1;
        }
        for &p in &inst.by_household[j] {
            if let Some(s) = v.s[p] {
                e.add_mul(1.0, s);
                n += 1;
            }
        }
        if n >= 2 {
            problem.add_constraint(e.leq(1.0));
            *rows += 1;
        }
    }
}

/// `min·h_k ≤ Σ_j s_jk ≤ max·h_k` for each hub.
fn size_between_min_and_max(
    inst: &Instance,
    v: &Vars,
    problem: &mut HighsProblem,
    rows: &mut usize,
) {
    for (k, list) in inst.by_hub.iter().enumerate() {
        let Some(h) = v.h[k] else { continue };
        let sats: Vec<Variable> = list.iter().filter_map(|&p| v.s[p]).collect();
        let mut lower = Expression::default();
        let mut upper = Expression::default();
        for &s in &sats {
            lower.add_mul(1.0, s);
            upper.add_mul(1.0, s);
        }
        lower.add_mul(-(inst.min as f64), h);
        upper.add_mul(-(inst.max as f64), h);
        problem.add_constraint(lower.geq(0.0));
        *rows += 1;
        if sats.len() > inst.max {
            problem.add_constraint(upper.leq(0.0));
            *rows += 1;
        }
    }
}

/// `s_jk ≤ h_k` for each pair (the strong linking rows).
fn satellite_needs_open_hub(
    inst: &Instance,
    v: &Vars,
    problem: &mut HighsProblem,
    rows: &mut usize,
) {
    for (p, pair) in inst.pairs.iter().enumerate() {
        if let (Some(s), Some(h)) = (v.s[p], v.h[pair.hub]) {
            problem.add_constraint((s - h).leq(0.0));
            *rows += 1;
        }
    }
}

/// With a reward, the capacity rounding cut over every candidate,
/// `Σ_k ((1 − r)·h_k + Σ_j s_jk) ≤ (a − r)·q` (see the module docs of [`super`]).
fn capacity_rounding(inst: &Instance, v: &Vars, problem: &mut HighsProblem, rows: &mut usize) {
    let Some((coef, rhs)) = inst.capacity else {
        return;
    };
    let mut e = Expression::default();
    for k in 0..inst.candidates.len() {
        let Some(h) = v.h[k] else { continue };
        e.add_mul(coef, h);
        for &p in &inst.by_hub[k] {
            if let Some(s) = v.s[p] {
                e.add_mul(1.0, s);
            }
        }
    }
    problem.add_constraint(e.leq(rhs));
    *rows += 1;
}

/// `Σ_k h_k = p` with [`super::Goal::Count`].
fn open_exactly(p: u32, v: &Vars, problem: &mut HighsProblem, rows: &mut usize) {
    let mut e = Expression::default();
    for h in v.h.iter().flatten() {
        e.add_mul(1.0, *h);
    }
    problem.add_constraint(e.eq(f64::from(p)));
    *rows += 1;
}

impl ColumnMap {
    /// The choice a column vector encodes.
    pub fn decode(&self, columns: &[f64]) -> Choice {
        let on = |c: Option<usize>| c.and_then(|c| columns.get(c)).is_some_and(|x| *x > 0.5);
        Choice {
            hubs: (0..self.hub_col.len())
                .filter(|&k| on(self.hub_col[k]))
                .collect(),
            pairs: (0..self.pair_col.len())
                .filter(|&p| on(self.pair_col[p]))
                .collect(),
        }
    }

    /// A choice as a start vector (its hubs and pairs must be in the model).
    pub fn start(&self, choice: &Choice) -> Vec<f64> {
        let mut x = vec![0.0; self.columns];
        for &k in &choice.hubs {
            if let Some(c) = self.hub_col[k] {
                x[c] = 1.0;
            }
        }
        for &p in &choice.pairs {
            if let Some(c) = self.pair_col[p] {
                x[c] = 1.0;
            }
        }
        x
    }
}
