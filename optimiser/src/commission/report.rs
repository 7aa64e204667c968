//! What a commissioning solve returns (serialisable), built from the joint
//! plan and the coalition costs.

use serde::Serialize;

use super::instance::Commission;
use super::plan::Plan;
use crate::solver::SolveStatus;

/// The answer to a joint commissioning question.
#[derive(Debug, Clone, Serialize)]
pub struct CommissionReport {
    /// `optimal` only if every solve behind the report (the joint optimum
    /// and each coalition's stand-alone cost) was proven optimal;
    /// `time_limit` if any stopped at the limit.
    pub status: SolveStatus,
    /// Relative gap of the joint optimum, `(joint_cost − bound) / joint_cost`.
    pub gap: f64,
    /// Proven lower bound on the joint cost.
    pub bound: f64,
    /// Largest relative gap over all coalition solves.
    pub max_coalition_gap: f64,
    /// Wall time of the joint solve, ms.
    pub solve_ms: f64,
    /// Wall time of all coalition solves (joint included, in parallel), ms.
    pub coalitions_ms: f64,
    /// Wall time of everything, ms.
    pub total_ms: f64,
    /// Weekly cost of the joint offer: fixed costs of the commissioned
    /// blocks, every placed child's cost, kept placements' current costs and
    /// unplaced penalties.
    pub joint_cost: f64,
    /// Commissioned block options (ids).
    pub commissioned: Vec<String>,
    /// Each commissioned block: beds, beds used, fixed cost.
    pub blocks: Vec<BlockUse>,
    /// Where each child goes.
    pub assignments: Vec<Assignment>,
    /// Each partner's stand-alone cost, shares and savings.
    pub partners: Vec<PartnerShare>,
    /// Σ stand-alone costs − joint cost.
    pub joint_saving: f64,
    /// Whether joining never costs more than staying apart
    /// (c(S ∪ T) ≤ c(S) + c(T) for all disjoint S, T); `null` when not every
    /// coalition was solved.
    pub subadditive: Option<bool>,
    /// The pairs of coalitions that cost more together than apart, largest excess first.
    pub subadditivity_violations: Vec<Superadditive>,
    /// Whether each allocation is in the core.
    pub core: CoreCheck,
    /// How the Shapley value was computed.
    pub shapley_method: ShapleyMethod,
    /// Every coalition solved: members, cost, proof.
    pub coalitions: Vec<CoalitionCost>,
    /// Size of the joint model.
    pub model: ModelSize,
    /// The joint plan (for checking; not serialised).
    #[serde(skip)]
    pub plan: Plan,
}

/// A commissioned block and how full it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockUse {
    /// Option id.
    pub option: String,
    /// Beds contracted.
    pub beds: u32,
    /// Beds filled by the joint plan.
    pub used: u32,
    /// Weekly fixed cost.
    pub fixed_weekly_cost: f64,
}

/// What happens to a child under the joint offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Placed in one of the options.
    Placed,
    /// Kept in the current placement, at its current cost.
    KeptCurrent,
    /// No option and no current placement: counted at the unplaced penalty.
    Unplaced,
}

/// One child's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// Child id.
    pub child: String,
    /// The child's authority (a partner).
    pub authority: String,
    /// Option id when placed.
    pub option: Option<String>,
    /// Placed, kept in the current placement, or unplaced.
    pub outcome: Outcome,
    /// The child's own weekly cost: per-child cost plus distance term,
    /// current cost, or unplaced penalty (block fixed costs not included).
    pub weekly_cost: f64,
    /// Distance from the child's school (or authority) when placed, km.
    pub km: Option<f64>,
}

/// A partner's position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerShare {
    /// Authority id.
    pub authority: String,
    /// Authority name.
    pub name: String,
    /// The partner's children in the question.
    pub children: usize,
    /// What the partner's children cost if it commissions alone.
    pub standalone_cost: f64,
    /// Shapley value of the cost game (`null` when not asked for).
    pub shapley: Option<f64>,
    /// Half-width of a 95 % confidence interval of a sampled Shapley value
    /// (1.96 standard errors); 0 when exact; `null` when not computed.
    pub shapley_error: Option<f64>,
    /// Proportional share (`null` when not asked for).
    pub proportional: Option<f64>,
    /// A share every coalition accepts, when the core is non-empty: the core
    /// split closest to Shapley (to proportional when Shapley is not
    /// computed), so the Shapley value itself when that is in the core. When
    /// the core is empty, the least-core split closest to Shapley: some
    /// coalition then pays `core.least_core_excess` more than alone, and no
    /// split does better. `null` when the core was not checked.
    pub core_split: Option<f64>,
    /// Stand-alone cost minus the partner's share (Shapley when computed,
    /// otherwise proportional).
    pub saving: f64,
}

/// Two coalitions that cost more together than apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Superadditive {
    /// The two disjoint coalitions (authority ids).
    pub coalitions: [Vec<String>; 2],
    /// c(S) + c(T).
    pub apart: f64,
    /// c(S ∪ T).
    pub together: f64,
}

/// The core check of each allocation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoreCheck {
    /// Whether every coalition was solved, so that the check is complete.
    /// When not (more than 10 partners), `blocking` lists the blocking
    /// coalitions among those solved for sampling, and `shapley` /
    /// `proportional` are `false` when one was found, `null` otherwise.
    pub checked: bool,
    /// Whether any allocation at all is in the core.
    pub nonempty: Option<bool>,
    /// The least core's excess ε*: the smallest amount by which the
    /// worst-treated coalition must be allowed to pay more than alone for
    /// some split to exist (≤ 0 exactly when the core is non-empty).
    pub least_core_excess: Option<f64>,

    /// Whether the Shapley allocation is in the core.
    pub shapley: Option<bool>,
    /// Whether the proportional allocation is in the core.
    pub proportional: Option<bool>,
    /// Coalitions that block some allocation (authority ids).
    pub blocking: Vec<Vec<String>>,
    /// Each blocking coalition with the allocation it blocks and by how much.
    pub blocking_detail: Vec<Blocking>,
    /// Excesses up to this many pounds are treated as rounding.
    pub tolerance: f64,
}

/// A coalition that would pay less standing alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Blocking {
    /// `shapley` or `proportional`.
    pub allocation: &'static str,
    /// The coalition (authority ids).
    pub coalition: Vec<String>,
    /// What the allocation charges it.
    pub allocated: f64,
    /// What it would pay alone.
    pub standalone: f64,
}

/// How the Shapley value was computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum ShapleyMethod {
    /// From all 2ⁿ coalition costs.
    Exact,
    /// Mean marginal cost over random orders of the partners.
    Sampled {
        /// Orders sampled.
        orders: usize,
        /// Seed of the orders.
        seed: u64,
    },
    /// Not asked for.
    NotComputed,
}

/// One coalition's stand-alone optimum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoalitionCost {
    /// Members (authority ids).
    pub partners: Vec<String>,
    /// Best cost found.
    pub cost: f64,
    /// Proven lower bound.
    pub bound: f64,
    /// Proven optimal or stopped by the limit.
    pub status: SolveStatus,
    /// Wall time, ms.
    pub solve_ms: f64,
}

/// Size of the joint model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSize {
    /// Children in the question.
    pub children: usize,
    /// Options that can be bought.
    pub options: usize,
    /// Eligible child–option pairs that can beat the child's fallback.
    pub pairs: usize,
    /// Columns of the joint model (block and pair variables).
    pub columns: usize,
    /// Rows of the joint model.
    pub rows: usize,
    /// Coalition models solved (the joint one included).
    pub coalition_solves: usize,
    /// Time to list the eligible pairs, ms.
    pub build_ms: f64,
}

/// Authority ids of the partners in `mask`.
pub fn members(inst: &Commission, mask: u64) -> Vec<String> {
    (0..inst.partners.len())
        .filter(|p| mask >> p & 1 == 1)
        .map(|p| inst.partner_id(p).to_string())
        .collect()
}

/// Each child's outcome under `plan`.
pub fn assignments(inst: &Commission, plan: &Plan) -> Vec<Assignment> {
    inst.children
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let authority = inst.partner_id(c.partner).to_string();
            match plan.placed[i] {
                Some(o) => {
                    let km = inst.eligible_km(i, o);
                    Assignment {
                        child: c.id.clone(),
                        authority,
                        option: Some(inst.options[o].id.clone()),
                        outcome: Outcome::Placed,
                        weekly_cost: km.map_or(f64::NAN, |km| inst.pair_cost(o, km)),
                        km,
                    }
                }
                None => Assignment {
                    child: c.id.clone(),
                    authority,
                    option: None,
                    outcome: if c.current_weekly_cost.is_some() {
                        Outcome::KeptCurrent
                    } else {
                        Outcome::Unplaced
                    },
                    weekly_cost: c.fallback_cost(&inst.weights),
                    km: None,
                },
            }
        })
        .collect()
}

/// Each commissioned block's beds and use under `plan`.
pub fn blocks(inst: &Commission, plan: &Plan) -> Vec<BlockUse> {
    plan.commissioned
        .iter()
        .map(|&o| {
            let opt = &inst.options[o];
            BlockUse {
                option: opt.id.clone(),
                beds: opt.beds.unwrap_or(0),
                used: plan.placed.iter().filter(|&&p| p == Some(o)).count() as u32,
                fixed_weekly_cost: opt.fixed_weekly_cost,
            }
        })
        .collect()
}
