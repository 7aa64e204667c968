//! A commissioning plan (which blocks to open, where each child goes) and
//! its solver-independent check: feasibility verified rule by rule and the
//! cost recomputed from scratch.

use super::formulation::in_coalition;
use super::instance::Commission;

/// Decisions for one coalition: commissioned blocks and each child's option.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// For each child (by index): the option they are placed in, or `None`
    /// for the fallback (kept in their current placement, or unplaced).
    pub placed: Vec<Option<usize>>,
    /// Commissioned block options (indices), ascending.
    pub commissioned: Vec<usize>,
}

impl Plan {
    /// The plan that buys nothing: every child keeps their fallback.
    pub fn fallback(children: usize) -> Plan {
        Plan {
            placed: vec![None; children],
            commissioned: Vec::new(),
        }
    }
}

/// One broken rule in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation(pub String);

/// Checks `plan` for coalition `mask` and returns its weekly cost:
/// Σ fixed cost of commissioned blocks + Σ pair cost of placed children +
/// Σ fallback of the coalition's other children. Every broken rule is listed.
pub fn check(inst: &Commission, mask: u64, plan: &Plan) -> Result<f64, Vec<Violation>> {
    let mut v = Vec::new();
    if plan.placed.len() != inst.children.len() {
        v.push(Violation(format!(
            "plan has {} children, instance {}",
            plan.placed.len(),
            inst.children.len()
        )));
        return Err(v);
    }
    let mut cost = 0.0;
    for &o in &plan.commissioned {
        match inst.options.get(o) {
            Some(opt) if opt.is_block() => cost += opt.fixed_weekly_cost,
            Some(opt) => v.push(Violation(format!("{} is not a block", opt.id))),
            None => v.push(Violation(format!("no option {o}"))),
        }
    }
    let mut count = vec![0u32; inst.options.len()];
    let mut mix = vec![vec![0u32; inst.tags.len()]; inst.options.len()];
    for (i, child) in inst.children.iter().enumerate() {
        let member = in_coalition(inst, mask, i);
        match plan.placed[i] {
            None => {
                if member {
                    cost += child.fallback_cost(&inst.weights);
                }
            }
            Some(o) if !member => v.push(Violation(format!(
                "{} is placed in option {o} but is not in the coalition",
                child.id
            ))),
            Some(o) => {
                let Some(opt) = inst.options.get(o) else {
                    v.push(Violation(format!("{}: no option {o}", child.id)));
                    continue;
                };
                match inst.eligible_km(i, o) {
                    Some(km) => cost += inst.pair_cost(o, km),
                    None => v.push(Violation(format!(
                        "{} is not eligible for {}",
                        child.id, opt.id
                    ))),
                }
                if opt.is_block() && !plan.commissioned.contains(&o) {
                    v.push(Violation(format!(
                        "{} is placed in block {}, which is not commissioned",
                        child.id, opt.id
                    )));
                }
                count[o] += 1;
                for t in child.needs.iter() {
                    mix[o][t as usize] += 1;
                }
            }
        }
    }
    for (o, opt) in inst.options.iter().enumerate() {
        if let Some(b) = opt.beds {
            if count[o] > b {
                v.push(Violation(format!(
                    "{} holds {} children in {b} beds",
                    opt.id, count[o]
                )));
            }
        }
        for &(t, limit) in &opt.mix_limits {
            if mix[o][t as usize] > limit {
                v.push(Violation(format!(
                    "{} holds {} children needing {} (limit {limit})",
                    opt.id, mix[o][t as usize], inst.tags[t as usize]
                )));
            }
        }
    }
    if v.is_empty() {
        Ok(cost)
    } else {
        Err(v)
    }
}
