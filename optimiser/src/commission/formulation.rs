//! The commissioning MIP for one coalition of partners: variables over the
//! eligible, profitable child–option pairs only, one function per constraint
//! family (see the module documentation of [`super`] for the model).

use good_lp::solvers::highs::{highs, HighsProblem};
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};

use super::instance::Commission;
use super::plan::Plan;

/// An eligible child–option pair that can beat the child's fallback.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// Child index.
    pub child: usize,
    /// Option index.
    pub option: usize,
    /// Distance from the child's anchor, km.
    pub km: f64,
    /// Weekly cost `weekly_cost_per_child + w_distance · km`.
    pub cost: f64,
}

/// Every pair worth a variable, ordered by child then option.
///
/// Two kinds of pair are left out, because some optimum never uses them:
/// * a pair whose cost is not below the child's fallback (current placement
///   or unplaced penalty): moving that child back to the fallback costs no
///   more and frees a bed;
/// * a pair whose cost is not below the child's cheapest *sure* option — a
///   spot option with no bed limit and no mix limit on any of the child's
///   needs, which can always take one more child: moving the child there
///   costs no more and frees a bed. That cheapest sure pair itself is kept
///   (the lowest option index among equal costs).
pub fn pairs(inst: &Commission) -> Vec<Pair> {
    let mut out = Vec::new();
    for (i, child) in inst.children.iter().enumerate() {
        let fallback = child.fallback_cost(&inst.weights);
        let eligible: Vec<Pair> = (0..inst.options.len())
            .filter_map(|o| {
                let km = inst.eligible_km(i, o)?;
                let cost = inst.pair_cost(o, km);
                (cost < fallback).then_some(Pair {
                    child: i,
                    option: o,
                    km,
                    cost,
                })
            })
            .collect();
        let sure = eligible
            .iter()
            .filter(|p| is_sure(inst, p))
            .min_by(|a, b| a.cost.total_cmp(&b.cost).then(a.option.cmp(&b.option)))
            .copied();
        match sure {
            None => out.extend(eligible),
            Some(s) => out.extend(
                eligible
                    .into_iter()
                    .filter(|p| p.option == s.option || p.cost < s.cost),
            ),
        }
    }
    out
}

/// Whether the pair's option can always take the child: a spot option with
/// no bed limit and no mix limit on any of the child's needs.
fn is_sure(inst: &Commission, p: &Pair) -> bool {
    let o = &inst.options[p.option];
    let needs = &inst.children[p.child].needs;
    !o.is_block() && o.beds.is_none() && o.mix_limits.iter().all(|&(t, _)| !needs.contains(t))
}

/// Whether child `i` belongs to a partner in coalition `mask` (bit p = partner p).
pub fn in_coalition(inst: &Commission, mask: u64, i: usize) -> bool {
    mask >> inst.children[i].partner & 1 == 1
}

/// The columns of a coalition's model: block columns first (`blocks`),
/// then pair columns (`pairs`), then the constant column.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Block options with a column `y_o`, in column order.
    pub blocks: Vec<usize>,
    /// Indices into the pair list with a column `x_io`, in column order.
    pub pairs: Vec<usize>,
    /// Σ fallback over the coalition's children, carried by a last column
    /// fixed at 1 so that HiGHS' objective (and its gap) is the whole cost.
    pub constant: f64,
    /// Number of rows.
    pub rows: usize,
}

impl Layout {
    /// The plan as a start vector in column order.
    pub fn start(&self, all: &[Pair], plan: &Plan) -> Vec<f64> {
        let mut v = Vec::with_capacity(self.blocks.len() + self.pairs.len());
        v.extend(
            self.blocks
                .iter()
                .map(|o| f64::from(u8::from(plan.commissioned.contains(o)))),
        );
        v.extend(self.pairs.iter().map(|&k| {
            let p = &all[k];
            f64::from(u8::from(plan.placed[p.child] == Some(p.option)))
        }));
        v.push(1.0);
        v
    }

    /// Reads a plan back from column values.
    pub fn decode(&self, inst: &Commission, all: &[Pair], columns: &[f64]) -> Plan {
        let mut plan = Plan::fallback(inst.children.len());
        let (ys, xs) = columns.split_at(self.blocks.len().min(columns.len()));
        for (&k, &x) in self.pairs.iter().zip(xs) {
            if x > 0.5 {
                plan.placed[all[k].child] = Some(all[k].option);
            }
        }
        for (&o, &y) in self.blocks.iter().zip(ys) {
            // A commissioned block with no child and no fixed cost changes
            // nothing: it is not reported as commissioned.
            let used = plan.placed.contains(&Some(o));
            if y > 0.5 && (used || inst.options[o].fixed_weekly_cost > 0.0) {
                plan.commissioned.push(o);
            }
        }
        plan
    }
}

/// Builds the model of coalition `mask` over `all` pairs; `integer` false
/// gives the LP relaxation.
pub fn build(inst: &Commission, all: &[Pair], mask: u64, integer: bool) -> (HighsProblem, Layout) {
    let members: Vec<usize> = all
        .iter()
        .enumerate()
        .filter(|(_, p)| in_coalition(inst, mask, p.child))
        .map(|(k, _)| k)
        .collect();
    let constant: f64 = (0..inst.children.len())
        .filter(|&i| in_coalition(inst, mask, i))
        .map(|i| inst.children[i].fallback_cost(&inst.weights))
        .sum();
    let mut uses = vec![0usize; inst.options.len()];
    for &k in &members {
        uses[all[k].option] += 1;
    }
    let blocks: Vec<usize> = (0..inst.options.len())
        .filter(|&o| inst.options[o].is_block() && uses[o] > 0)
        .collect();

    let mut vars = ProblemVariables::new();
    let binary = |lp: bool| {
        let v = variable().min(0.0).max(1.0);
        if lp {
            v
        } else {
            v.integer()
        }
    };
    let mut y: Vec<Option<Variable>> = vec![None; inst.options.len()];
    for &o in &blocks {
        y[o] = Some(vars.add(binary(!integer)));
    }
    let x: Vec<Variable> = members.iter().map(|_| vars.add(binary(!integer))).collect();

    let mut objective = Expression::default();
    for &o in &blocks {
        if let Some(v) = y[o] {
            objective.add_mul(inst.options[o].fixed_weekly_cost, v);
        }
    }
    for (&k, &v) in members.iter().zip(&x) {
        let p = &all[k];
        let saving = p.cost - inst.children[p.child].fallback_cost(&inst.weights);
        objective.add_mul(saving, v);
    }
    // The constant Σ f_i as a column fixed at 1 (good_lp passes no objective
    // offset to HiGHS), so that HiGHS' relative gap is on the whole cost.
    let one = vars.add(variable().min(1.0).max(1.0));
    objective.add_mul(constant, one);
    let mut problem = vars.minimise(objective).using(highs);
    let mut rows = 0;
    let mut add = |problem: &mut HighsProblem, c: good_lp::Constraint| {
        problem.add_constraint(c);
        rows += 1;
    };
    child_placed_at_most_once(inst, all, &members, &x, &mut problem, &mut add);
    block_linking(all, &members, &x, &y, &mut problem, &mut add);
    beds(inst, all, &members, &x, &y, &mut problem, &mut add);
    mix_limits(inst, all, &members, &x, &y, &mut problem, &mut add);
    let layout = Layout {
        blocks,
        pairs: members,
        constant,
        rows,
    };
    (problem, layout)
}

type Add<'a> = dyn FnMut(&mut HighsProblem, good_lp::Constraint) + 'a;

/// Σ_o x_io ≤ 1 for each child with two or more pairs (one pair: x ≤ 1 already).
fn child_placed_at_most_once(
    inst: &Commission,
    all: &[Pair],
    members: &[usize],
    x: &[Variable],
    problem: &mut HighsProblem,
    add: &mut Add<'_>,
) {
    let mut per_child: Vec<Vec<Variable>> = vec![Vec::new(); inst.children.len()];
    for (&k, &v) in members.iter().zip(x) {
        per_child[all[k].child].push(v);
    }
    for vs in per_child.into_iter().filter(|vs| vs.len() > 1) {
        let lhs: Expression = vs.into_iter().sum();
        add(problem, lhs.leq(1.0));
    }
}

/// x_io ≤ y_o for each pair at a block (the strong, disaggregated linking).
fn block_linking(
    all: &[Pair],
    members: &[usize],
    x: &[Variable],
    y: &[Option<Variable>],
    problem: &mut HighsProblem,
    add: &mut Add<'_>,
) {
    for (&k, &v) in members.iter().zip(x) {
        if let Some(yo) = y[all[k].option] {
            add(problem, (v - yo).leq(0.0));
        }
    }
}

/// `Σ vs ≤ limit · y` for a block (with column `y`), `Σ vs ≤ limit` otherwise.
fn cap(
    problem: &mut HighsProblem,
    add: &mut Add<'_>,
    vs: Vec<Variable>,
    limit: u32,
    y: Option<Variable>,
) {
    let lhs: Expression = vs.into_iter().sum();
    match y {
        Some(y) => add(problem, (lhs - f64::from(limit) * y).leq(0.0)),
        None => add(problem, lhs.leq(f64::from(limit))),
    }
}

/// Σ_i x_io ≤ beds_o · y_o for a block, Σ_i x_io ≤ beds_o for a spot option
/// with beds; left out where fewer children could go there than it has beds.
fn beds(
    inst: &Commission,
    all: &[Pair],
    members: &[usize],
    x: &[Variable],
    y: &[Option<Variable>],
    problem: &mut HighsProblem,
    add: &mut Add<'_>,
) {
    let mut per_option: Vec<Vec<Variable>> = vec![Vec::new(); inst.options.len()];
    for (&k, &v) in members.iter().zip(x) {
        per_option[all[k].option].push(v);
    }
    for (o, vs) in per_option.into_iter().enumerate() {
        let Some(b) = inst.options[o].beds else {
            continue;
        };
        if vs.len() <= b as usize {
            continue;
        }
        cap(problem, add, vs, b, y[o]);
    }
}

/// Σ_{i needing t} x_io ≤ limit_ot (· y_o for a block) for each mix limit;
/// left out where fewer such children could go there than the limit.
fn mix_limits(
    inst: &Commission,
    all: &[Pair],
    members: &[usize],
    x: &[Variable],
    y: &[Option<Variable>],
    problem: &mut HighsProblem,
    add: &mut Add<'_>,
) {
    for (o, option) in inst.options.iter().enumerate() {
        for &(tag, limit) in &option.mix_limits {
            let vs: Vec<Variable> = members
                .iter()
                .zip(x)
                .filter(|(&k, _)| {
                    all[k].option == o && inst.children[all[k].child].needs.contains(tag)
                })
                .map(|(_, &v)| v)
                .collect();
            if vs.len() <= limit as usize {
                continue;
            }
            cap(problem, add, vs, limit, y[o]);
        }
    }
}
