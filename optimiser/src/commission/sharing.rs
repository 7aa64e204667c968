//! Splitting the joint cost among partners: proportional allocation, the
//! Shapley value (exact or sampled), the core check and subadditivity.
//!
//! Costs are indexed by coalition bit mask: bit p set means partner p is in.

use good_lp::solvers::highs::highs;
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::instance::Commission;
use super::plan::Plan;
use crate::solver::{self, Call, SolveOptions};

/// Exact Shapley values of the cost game `cost[mask]` over `n` players:
/// φ_p = Σ_{S ∌ p} |S|! (n − |S| − 1)! / n! · (c(S ∪ {p}) − c(S)).
pub fn shapley_exact(n: usize, cost: impl Fn(u64) -> f64) -> Vec<f64> {
    // weight[s] = s! (n − s − 1)! / n!, computed as 1 / (n · C(n−1, s)).
    let weight: Vec<f64> = (0..n)
        .map(|s| 1.0 / (n as f64 * binomial(n - 1, s)))
        .collect();
    let mut phi = vec![0.0; n];
    for s in 0..(1u64 << n) {
        let size = s.count_ones() as usize;
        for (p, value) in phi.iter_mut().enumerate() {
            let bit = 1u64 << p;
            if s & bit == 0 {
                *value += weight[size] * (cost(s | bit) - cost(s));
            }
        }
    }
    phi
}

fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, j| acc * (n - j) as f64 / (j + 1) as f64)
}

/// `count` random orders of `n` partners, from `seed` (the same seed gives
/// the same orders).
pub fn sample_orders(n: usize, count: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let mut order: Vec<usize> = (0..n).collect();
            order.shuffle(&mut rng);
            order
        })
        .collect()
}

/// Every coalition the sampled Shapley value needs: the prefixes of each order.
pub fn prefixes(orders: &[Vec<usize>]) -> Vec<u64> {
    let mut masks = Vec::new();
    for order in orders {
        let mut mask = 0u64;
        for &p in order {
            mask |= 1 << p;
            masks.push(mask);
        }
    }
    masks.sort_unstable();
    masks.dedup();
    masks
}

/// Sampled Shapley values: each partner's mean marginal cost over the given
/// orders, with the standard error of that mean.
pub fn shapley_sampled(
    n: usize,
    orders: &[Vec<usize>],
    cost: impl Fn(u64) -> f64,
) -> (Vec<f64>, Vec<f64>) {
    let mut sum = vec![0.0; n];
    let mut sum_sq = vec![0.0; n];
    for order in orders {
        let mut mask = 0u64;
        for &p in order {
            let before = cost(mask);
            mask |= 1 << p;
            let marginal = cost(mask) - before;
            sum[p] += marginal;
            sum_sq[p] += marginal * marginal;
        }
    }
    let m = orders.len().max(1) as f64;
    let mean: Vec<f64> = sum.iter().map(|s| s / m).collect();
    let se = (0..n)
        .map(|p| {
            if orders.len() < 2 {
                return f64::INFINITY;
            }
            let var = ((sum_sq[p] - m * mean[p] * mean[p]) / (m - 1.0)).max(0.0);
            (var / m).sqrt()
        })
        .collect();
    (mean, se)
}

/// Proportional allocation of a plan's cost: each child's own variable cost
/// (pair cost, or fallback) to its partner, and each commissioned block's
/// fixed cost split by the beds each partner's children use there (equally
/// among all partners for a block no child uses). Sums to the plan's cost.
pub fn proportional(inst: &Commission, plan: &Plan) -> Vec<f64> {
    let n = inst.partners.len();
    let mut share = vec![0.0; n];
    for (i, child) in inst.children.iter().enumerate() {
        share[child.partner] += match plan.placed[i] {
            Some(o) => inst
                .eligible_km(i, o)
                .map_or(0.0, |km| inst.pair_cost(o, km)),
            None => child.fallback_cost(&inst.weights),
        };
    }
    for &o in &plan.commissioned {
        let fixed = inst.options[o].fixed_weekly_cost;
        let mut used = vec![0usize; n];
        for (i, child) in inst.children.iter().enumerate() {
            if plan.placed[i] == Some(o) {
                used[child.partner] += 1;
            }
        }
        let total: usize = used.iter().sum();
        for p in 0..n {
            share[p] += if total == 0 {
                fixed / n as f64
            } else {
                fixed * used[p] as f64 / total as f64
            };
        }
    }
    share
}

/// Coalitions `S` (non-empty, not the grand coalition) that would rather
/// stand alone under `allocation`: Σ_{p∈S} allocation_p > c(S) + tolerance.
/// Returned with the excess, largest first.
pub fn blocking(
    n: usize,
    allocation: &[f64],
    cost: impl Fn(u64) -> f64,
    tolerance: f64,
) -> Vec<(u64, f64)> {
    let full = (1u64 << n) - 1;
    blocking_among(n, allocation, cost, tolerance, 1..full)
}

/// [`blocking`] restricted to the given coalitions (for example those solved
/// for a sampled Shapley value): finds blocking coalitions, but an empty
/// answer proves nothing about the others.
pub fn blocking_among(
    n: usize,
    allocation: &[f64],
    cost: impl Fn(u64) -> f64,
    tolerance: f64,
    coalitions: impl IntoIterator<Item = u64>,
) -> Vec<(u64, f64)> {
    let full = (1u64 << n) - 1;
    let mut out: Vec<(u64, f64)> = coalitions
        .into_iter()
        .filter(|&s| s != 0 && s != full)
        .filter_map(|s| {
            let paid: f64 = (0..n)
                .filter(|p| s >> p & 1 == 1)
                .map(|p| allocation[p])
                .sum();
            let excess = paid - cost(s);
            (excess > tolerance).then_some((s, excess))
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// Pairs of disjoint non-empty coalitions `(S, T)`, `S < T`, that cost more
/// together than apart: c(S ∪ T) > c(S) + c(T) + tolerance, with the excess,
/// largest first. Empty means the game is subadditive.
pub fn subadditivity_violations(
    n: usize,
    cost: impl Fn(u64) -> f64,
    tolerance: f64,
) -> Vec<(u64, u64, f64)> {
    let full = (1u64 << n) - 1;
    let mut out = Vec::new();
    for s in 1..=full {
        // Every non-empty T ⊆ complement(S) with T > S (each pair once).
        let rest = full & !s;
        let mut t = rest;
        while t > 0 {
            if t > s {
                let excess = cost(s | t) - cost(s) - cost(t);
                if excess > tolerance {
                    out.push((s, t, excess));
                }
            }
            t = (t - 1) & rest;
        }
    }
    out.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    out
}

/// A split of the joint cost from the least core.
#[derive(Debug, Clone, PartialEq)]
pub struct LeastCoreSplit {
    /// The least core's excess ε*: the smallest ε such that some split of
    /// `c(N)` charges every coalition at most `c(S) + ε`. The core is
    /// non-empty exactly when ε* ≤ 0.
    pub excess: f64,
    /// The split closest to `target` (in the sum of absolute differences)
    /// among those in the core when the core is non-empty (so `target`
    /// itself when it is in the core), otherwise among those of the least
    /// core (excess ε*).
    pub shares: Vec<f64>,
}

/// The least-core split closest to `target`, by two LPs over all 2ⁿ − 2
/// proper coalitions:
/// 1. `ε* = min ε` s.t. `Σ_p a_p = c(N)`, `Σ_{p∈S} a_p − ε ≤ c(S)` for every S;
/// 2. `min Σ_p d_p` s.t. the same rows with `ε = max(ε*, 0)`,
///    `d_p ≥ ±(a_p − target_p)`.
pub fn least_core_split(
    n: usize,
    cost: impl Fn(u64) -> f64,
    target: &[f64],
) -> Result<LeastCoreSplit, solver::SolverError> {
    let full = (1u64 << n) - 1;
    let run = |problem| {
        solver::run(
            problem,
            Call {
                options: &SolveOptions::default(),
                seconds_left: None,
                mip_abs_gap: None,
                start: None,
                tuning: crate::solver::Tuning::default(),
            },
        )
    };
    // Stage 1: the least core's excess.
    let mut vars = ProblemVariables::new();
    let a: Vec<Variable> = (0..n).map(|_| vars.add(variable())).collect();
    let eps = vars.add(variable());
    let mut problem = vars.minimise(eps).using(highs);
    add_coalition_rows(&mut problem, &a, Some(eps), 0.0, &cost);
    let members: Expression = a.iter().sum();
    problem.add_constraint(members.eq(cost(full)));
    let excess = if n == 1 { 0.0 } else { run(problem)?.objective };

    // Stage 2: closest to the target within the core, or within the least
    // core when the core is empty (a hair of slack for the LP's tolerance).
    let slack = 1e-9 * (1.0 + cost(full).abs());
    let mut vars = ProblemVariables::new();
    let a: Vec<Variable> = (0..n).map(|_| vars.add(variable())).collect();
    let d: Vec<Variable> = (0..n).map(|_| vars.add(variable().min(0.0))).collect();
    let distance: Expression = d.iter().sum();
    let mut problem = vars.minimise(distance).using(highs);
    add_coalition_rows(&mut problem, &a, None, excess.max(0.0) + slack, &cost);
    let members: Expression = a.iter().sum();
    problem.add_constraint(members.eq(cost(full)));
    for p in 0..n {
        problem.add_constraint((d[p] - a[p]).geq(-target[p]));
        problem.add_constraint((d[p] + a[p]).geq(target[p]));
    }
    let solved = run(problem)?;
    Ok(LeastCoreSplit {
        excess,
        shares: solved.columns[..n].to_vec(),
    })
}

/// `Σ_{p∈S} a_p − ε ≤ c(S) + shift` (without `− ε` when `eps` is `None`)
/// for every proper non-empty coalition `S` of the `a.len()` partners.
fn add_coalition_rows(
    problem: &mut good_lp::solvers::highs::HighsProblem,
    a: &[Variable],
    eps: Option<Variable>,
    shift: f64,
    cost: &impl Fn(u64) -> f64,
) {
    let n = a.len();
    let full = (1u64 << n) - 1;
    for s in 1..full {
        let mut lhs: Expression = (0..n).filter(|p| s >> p & 1 == 1).map(|p| a[p]).sum();
        if let Some(e) = eps {
            lhs -= e;
        }
        problem.add_constraint(lhs.leq(cost(s) + shift));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The airport game: c(S) = the largest need in S. Its Shapley value is
    /// known in closed form (Littlechild and Owen 1973): each segment of the
    /// runway is shared equally by the players who need it. Needs 1, 3, 6:
    /// φ = 1/3, 1/3 + 2/2, 1/3 + 2/2 + 3/1.
    #[test]
    fn shapley_of_the_airport_game() {
        let need = [1.0, 3.0, 6.0];
        let cost = |s: u64| {
            (0..3)
                .filter(|p| s >> p & 1 == 1)
                .map(|p| need[p])
                .fold(0.0, f64::max)
        };
        let phi = shapley_exact(3, cost);
        // Segment [0,1] shared by 3, [1,3] by 2, [3,6] by 1.
        let expected = [1.0 / 3.0, 1.0 / 3.0 + 1.0, 1.0 / 3.0 + 1.0 + 3.0];
        for (a, b) in phi.iter().zip(expected) {
            assert!((a - b).abs() < 1e-12, "{phi:?}");
        }
        // Sampling every order of three players gives the exact value.
        let orders: Vec<Vec<usize>> = vec![
            vec![0, 1, 2],
            vec![0, 2, 1],
            vec![1, 0, 2],
            vec![1, 2, 0],
            vec![2, 0, 1],
            vec![2, 1, 0],
        ];
        let (mean, _) = shapley_sampled(3, &orders, cost);
        for (a, b) in mean.iter().zip(expected) {
            assert!((a - b).abs() < 1e-12, "{mean:?}");
        }
        // Concave costs: the airport game is subadditive with a non-empty core.
        assert!(subadditivity_violations(3, cost, 1e-9).is_empty());
        assert!(blocking(3, &phi, cost, 1e-9).is_empty());
    }

    #[test]
    fn a_superadditive_pair_is_reported() {
        // Together they pay 10, apart 3 + 3.
        let cost = |s: u64| match s {
            0 => 0.0,
            1 | 2 => 3.0,
            _ => 10.0,
        };
        assert_eq!(subadditivity_violations(2, cost, 1e-9), vec![(1, 2, 4.0)]);
        // The core is empty: no split of 10 leaves both paying at most 3.
        // The least core charges each 5, an excess of 2 over standing alone.
        let split = least_core_split(2, cost, &[7.0, 3.0]).unwrap();
        assert!((split.excess - 2.0).abs() < 1e-9, "{split:?}");
        assert!(
            (split.shares[0] - 5.0).abs() < 1e-6 && (split.shares[1] - 5.0).abs() < 1e-6,
            "{split:?}"
        );
        assert_eq!(
            blocking(2, &[5.0, 5.0], cost, 1e-9),
            vec![(1, 2.0), (2, 2.0)]
        );
    }
}
