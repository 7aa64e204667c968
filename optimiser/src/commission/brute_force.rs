//! Exhaustive enumeration for tiny commissioning questions, to cross-check
//! the MIP: every child of the coalition takes their fallback or any option
//! they are eligible for (no pruning), the blocks commissioned are exactly
//! the blocks used, and [`check`] decides feasibility and cost.

use super::formulation::in_coalition;
use super::instance::Commission;
use super::plan::{check, Plan};

/// The optimum of coalition `mask` and one optimal plan, by enumeration.
/// Exponential: meant for a handful of children and options.
pub fn solve(inst: &Commission, mask: u64) -> (f64, Plan) {
    let members: Vec<usize> = (0..inst.children.len())
        .filter(|&i| in_coalition(inst, mask, i))
        .collect();
    let choices: Vec<Vec<Option<usize>>> = members
        .iter()
        .map(|&i| {
            let mut c = vec![None];
            c.extend(
                (0..inst.options.len())
                    .filter(|&o| inst.eligible_km(i, o).is_some())
                    .map(Some),
            );
            c
        })
        .collect();
    let mut best = (f64::INFINITY, Plan::fallback(inst.children.len()));
    let mut pick = vec![0usize; members.len()];
    loop {
        let mut plan = Plan::fallback(inst.children.len());
        for (k, &i) in members.iter().enumerate() {
            plan.placed[i] = choices[k][pick[k]];
        }
        let mut blocks: Vec<usize> = plan
            .placed
            .iter()
            .flatten()
            .copied()
            .filter(|&o| inst.options[o].is_block())
            .collect();
        blocks.sort_unstable();
        blocks.dedup();
        plan.commissioned = blocks;
        if let Ok(cost) = check(inst, mask, &plan) {
            if cost < best.0 {
                best = (cost, plan);
            }
        }
        // Next combination (odometer).
        let mut k = 0;
        loop {
            if k == pick.len() {
                return best;
            }
            pick[k] += 1;
            if pick[k] < choices[k].len() {
                break;
            }
            pick[k] = 0;
            k += 1;
        }
    }
}
