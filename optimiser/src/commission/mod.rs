//! Joint residential commissioning: which block contracts partners should
//! open together, which child goes where, and a split of the cost that each
//! partner (and each group of partners) can accept.
//!
//! ```
//! use optimiser::commission::{self, generator::CommissionSpec, Commission, CommissionConfig};
//! use optimiser::solver::SolveStatus;
//!
//! // Three partners, twelve children, eight options of which three are blocks.
//! let raw = commission::generator::generate_raw(&CommissionSpec::new(7, 3, 12, 8, 3));
//! let inst = Commission::try_from(raw).expect("generated input is valid");
//! let report = commission::solve(&inst, &CommissionConfig::default()).expect("solves");
//! assert_eq!(report.status, SolveStatus::Optimal);
//! // The Shapley values share out exactly the joint cost.
//! let shared: f64 = report.partners.iter().filter_map(|p| p.shapley).sum();
//! assert!((shared - report.joint_cost).abs() < 1e-6 * report.joint_cost.max(1.0));
//! // Each plan is checked independently of the solver.
//! let cost = commission::plan::check(&inst, (1 << 3) - 1, &report.plan).unwrap();
//! assert!((cost - report.joint_cost).abs() < 1e-6);
//! ```
//!
//! # The model (exactly)
//!
//! Data: children `i` (each of one partner), options `o` (spot or block),
//! weights `w_d` (per km per week, default 10) and `w_u` (per unplaced child,
//! default 100,000).
//!
//! * `d_io`: haversine distance (mean Earth radius 6371.0088 km) from the
//!   child's anchor — their school's location, or their authority's when no
//!   school is given — to the option, in km.
//! * Child `i` is *eligible* for option `o` when `min_age_o ≤ age_i ≤ max_age_o`,
//!   every need of `i` is in `accepts_o`, and `d_io ≤ max_distance_km_i` when
//!   that is set.
//! * `c_io = weekly_cost_per_child_o + w_d · d_io`.
//! * `f_i`, the child's *fallback*: `current_weekly_cost_i` when the child has
//!   a current placement (kept at that cost, no distance term), otherwise
//!   `w_u` (unplaced).
//!
//! For a coalition `S` of partners (the joint offer is `S` = all partners),
//! over the children of `S` only and every option:
//!
//! * variables: binary `y_o` for each block option; binary `x_io` for each
//!   eligible pair with `c_io < f_i` (a pair with `c_io ≥ f_i` never helps:
//!   moving that child back to the fallback costs no more and frees a bed,
//!   so some optimum never uses it; ties go to the fallback);
//! * `Σ_o x_io ≤ 1` for each child (placed at most once; otherwise the fallback);
//! * `x_io ≤ y_o` for each pair at a block (strong, disaggregated linking);
//! * `Σ_i x_io ≤ beds_o · y_o` for each block, `Σ_i x_io ≤ beds_o` for each
//!   spot option with beds (none for `beds: null`);
//! * `Σ_{i : t ∈ needs_i} x_io ≤ limit_ot · y_o` for each mix limit `(t, limit)`
//!   of a block (`≤ limit_ot` for a spot option);
//! * minimise `Σ_o fixed_o · y_o + Σ_io (c_io − f_i) · x_io + Σ_i f_i`, which
//!   equals Σ fixed costs of commissioned blocks + Σ `c_io` over placed
//!   children + Σ current costs of children kept where they are +
//!   `w_u` · (children unplaced).
//!
//! HiGHS proves each optimum within `mip_rel_gap` (default 1e-6); a solve
//! stopped by the time limit is reported `time_limit` with its gap, never
//! `optimal`. Every plan is verified by [`plan::check`], which recomputes its
//! cost from the data alone.
//!
//! # The cost game and its splits
//!
//! `c(S)`, the stand-alone cost of coalition `S`, is the optimum above for
//! `S` alone (any partner may commission any block alone; outsiders' children
//! do not compete for beds). `c(∅) = 0`. Because every cost is non-negative,
//! `c` is monotone: `c(T) ≤ c(S)` for `T ⊂ S`.
//!
//! * *Subadditive*: `c(S ∪ T) ≤ c(S) + c(T)` for all disjoint `S`, `T`. Where
//!   partners compete for the same limited beds it can fail; the report lists
//!   the pairs that fail rather than hiding them.
//! * *Proportional*: each child's own cost (`c_io`, or `f_i`) to its partner,
//!   plus each commissioned block's fixed cost split by the beds each
//!   partner's children use there (equally among all partners for a
//!   commissioned block nobody uses, which an optimum never has when fixed
//!   costs are positive).
//! * *Shapley*: `φ_p = Σ_{S ∌ p} |S|!(n−|S|−1)!/n! · (c(S∪{p}) − c(S))`, exact
//!   from all `2ⁿ − 1` coalition optima for up to
//!   [`CommissionConfig::exact_up_to`] partners (10 by default). For more, the
//!   mean marginal cost over [`CommissionConfig::sampled_orders`] seeded
//!   random orders of the partners, with a 95 % half-width of 1.96 standard
//!   errors.
//! * *Core*: an allocation `a` is in the core when `Σ_{p∈S} a_p ≤ c(S)` for
//!   every coalition `S`; the coalitions where this fails *block* it. Checked
//!   when every coalition was solved (beyond that, only against the
//!   coalitions solved for sampling: a blocking coalition found there is a
//!   verdict, none found is not), with a tolerance of £0.01 plus twice
//!   the MIP gap tolerance times the joint cost (the precision of the
//!   optima). Whether the core is empty is decided by the least core, one LP:
//!   `ε* = min ε` subject to `Σ_p a_p = c(N)` and `Σ_{p∈S} a_p − ε ≤ c(S)`
//!   for every proper coalition `S`; the core is non-empty when `ε* ≤` the
//!   tolerance. A second LP then suggests a split: the one closest to
//!   Shapley (sum of absolute differences; to proportional when Shapley is
//!   not computed) among the splits with `Σ_{p∈S} a_p ≤ c(S) + max(ε*, 0)`
//!   — a core split when the core is non-empty, Shapley itself when Shapley
//!   is in the core, otherwise the least-core split nearest Shapley.
//!
//! Coalitions are solved smallest first and in parallel (see [`coalitions`]),
//! each warm-started from the cheapest plan of a sub-coalition.

pub mod brute_force;
pub mod coalitions;
pub mod formulation;
pub mod generator;
pub mod input;
mod instance;
pub mod plan;
pub mod report;
pub mod sharing;

use std::collections::HashMap;
use std::time::Instant;

pub use input::{OptionKind, RawCommission};
pub use instance::{BuyOption, Commission, ResidentialChild};
pub use report::CommissionReport;

use crate::solver::{SolveOptions, SolveStatus};
use coalitions::{CoalitionError, Outcome};
use report::*;

/// Which splits of the joint cost to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sharing {
    /// The Shapley value only.
    Shapley,
    /// The proportional allocation only.
    Proportional,
    /// Both.
    #[default]
    Both,
}

/// Most partners for which every coalition is solved (2ⁿ − 1 solves).
pub const EXACT_UP_TO: usize = 10;

/// Most partners a question may have (coalitions are 64-bit masks).
pub const MAX_PARTNERS: usize = 63;

/// How to solve a commissioning question.
#[derive(Debug, Clone, PartialEq)]
pub struct CommissionConfig {
    /// Which splits to compute.
    pub sharing: Sharing,
    /// Solver limits. `time_limit` bounds the whole question, all coalition
    /// solves together.
    pub solve: SolveOptions,
    /// Solve every coalition (exact Shapley, core and subadditivity checks)
    /// for up to this many partners; above it, sample.
    pub exact_up_to: usize,
    /// Random partner orders for a sampled Shapley value.
    pub sampled_orders: usize,
    /// Seed of the sampled orders.
    pub seed: u64,
    /// Coalition solves run at once (`None`: the machine's cores).
    pub workers: Option<usize>,
}

impl Default for CommissionConfig {
    fn default() -> Self {
        CommissionConfig {
            sharing: Sharing::Both,
            solve: SolveOptions::default(),
            exact_up_to: EXACT_UP_TO,
            sampled_orders: 200,
            seed: 0,
            workers: None,
        }
    }
}

/// Errors from a commissioning solve.
#[derive(Debug, thiserror::Error)]
pub enum CommissionError {
    /// A question with no partner has no joint offer.
    #[error("no partners")]
    NoPartners,
    /// More partners than coalition masks can hold.
    #[error("{0} partners: at most {MAX_PARTNERS} are supported")]
    TooManyPartners(usize),
    /// An option is outside its documented range.
    #[error("invalid option: {0}")]
    InvalidOption(#[from] crate::limits::InvalidOption),
    /// A coalition solve failed.
    #[error(transparent)]
    Coalition(#[from] CoalitionError),
    /// The core LP failed.
    #[error(transparent)]
    Solver(#[from] crate::solver::SolverError),
}

impl CommissionError {
    /// What kind of failure this is.
    pub fn class(&self) -> crate::limits::ErrorClass {
        use crate::limits::ErrorClass;
        match self {
            CommissionError::NoPartners
            | CommissionError::TooManyPartners(_)
            | CommissionError::InvalidOption(_) => ErrorClass::InvalidInput,
            CommissionError::Coalition(e) => e.class(),
            CommissionError::Solver(e) => e.class(),
        }
    }
}

impl CommissionConfig {
    /// The one check of the options ([`crate::limits`]): the solver's, the
    /// sampled orders (2 to [`MAX_SAMPLED_ORDERS`]) and the workers (1 to
    /// [`crate::limits::MAX_THREADS`]).
    pub fn validate(&self) -> Result<(), crate::limits::InvalidOption> {
        use crate::limits;
        self.solve.validate()?;
        limits::check_count("orders", self.sampled_orders, 2, MAX_SAMPLED_ORDERS)?;
        if let Some(w) = self.workers {
            limits::check_count("workers", w, 1, limits::MAX_THREADS as usize)?;
        }
        Ok(())
    }
}

/// The most random partner orders a sampled Shapley value may use.
pub const MAX_SAMPLED_ORDERS: usize = 100_000;

/// Solves the joint offer and every coalition the chosen splits need, and
/// reports the plan, the splits, the core check and subadditivity.
pub fn solve(
    inst: &Commission,
    config: &CommissionConfig,
) -> Result<CommissionReport, CommissionError> {
    let started = Instant::now();
    config.validate()?;
    let n = inst.partners.len();
    if n == 0 {
        return Err(CommissionError::NoPartners);
    }
    if n > MAX_PARTNERS {
        return Err(CommissionError::TooManyPartners(n));
    }
    let deadline = crate::solver::Deadline::after(started, config.solve.time_limit).instant();
    let built = Instant::now();
    let pairs = formulation::pairs(inst);
    let build_ms = ms(built.elapsed());

    let full: u64 = (1u64 << n) - 1;
    let exact = n <= config.exact_up_to;
    let want_shapley = config.sharing != Sharing::Proportional;
    let orders = if !exact && want_shapley {
        sharing::sample_orders(n, config.sampled_orders.max(2), config.seed)
    } else {
        Vec::new()
    };
    let masks: Vec<u64> = if exact {
        (1..=full).collect()
    } else {
        let mut m: Vec<u64> = (0..n).map(|p| 1u64 << p).collect();
        m.push(full);
        m.extend(sharing::prefixes(&orders));
        m
    };
    let workers = config.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let solving = Instant::now();
    let solved = coalitions::solve_many(inst, &pairs, &masks, &config.solve, deadline, workers)?;
    let coalitions_ms = ms(solving.elapsed());
    let cost = |s: u64| {
        if s == 0 {
            0.0
        } else {
            solved.get(&s).map_or(f64::NAN, |o| o.cost)
        }
    };
    let joint = solved.get(&full).ok_or(CommissionError::NoPartners)?;

    let tolerance = 0.01 + 2.0 * config.solve.mip_rel_gap * joint.cost;
    let shapley = want_shapley.then(|| {
        if exact {
            (sharing::shapley_exact(n, cost), vec![0.0; n])
        } else {
            let (mean, se) = sharing::shapley_sampled(n, &orders, cost);
            (mean, se.into_iter().map(|s| 1.96 * s).collect())
        }
    });
    let proportional =
        (config.sharing != Sharing::Shapley).then(|| sharing::proportional(inst, &joint.plan));

    let mut solved_masks: Vec<u64> = solved.keys().copied().collect();
    solved_masks.sort_unstable();
    let (core, split) = core_check(
        inst,
        exact,
        &solved_masks,
        &cost,
        tolerance,
        shapley.as_ref().map(|s| &s.0),
        proportional.as_ref(),
    )?;

    let partners: Vec<PartnerShare> = (0..n)
        .map(|p| {
            let a = &inst.authorities[inst.partners[p]];
            let standalone = cost(1 << p);
            let sh = shapley.as_ref().map(|(v, _)| v[p]);
            let pr = proportional.as_ref().map(|v| v[p]);
            PartnerShare {
                authority: a.id.clone(),
                name: a.name.clone(),
                children: inst.children.iter().filter(|c| c.partner == p).count(),
                standalone_cost: standalone,
                shapley: sh,
                shapley_error: shapley.as_ref().map(|(_, e)| e[p]),
                proportional: pr,
                core_split: split.as_ref().map(|v| v[p]),
                saving: standalone - sh.or(pr).unwrap_or(standalone),
            }
        })
        .collect();
    let joint_saving = partners.iter().map(|p| p.standalone_cost).sum::<f64>() - joint.cost;

    let (subadditive, violations) = if exact {
        let v = sharing::subadditivity_violations(n, cost, tolerance);
        let listed = v
            .iter()
            .take(20)
            .map(|&(s, t, _)| Superadditive {
                coalitions: [members(inst, s), members(inst, t)],
                apart: cost(s) + cost(t),
                together: cost(s | t),
            })
            .collect();
        (Some(v.is_empty()), listed)
    } else {
        (None, Vec::new())
    };
    let status = if solved.values().all(|o| o.status == SolveStatus::Optimal) {
        SolveStatus::Optimal
    } else {
        SolveStatus::TimeLimit
    };
    let mut listed: Vec<&Outcome> = solved.values().collect();
    listed.sort_by_key(|o| (o.mask.count_ones(), o.mask));
    let (columns, rows) = joint.size;
    Ok(CommissionReport {
        status,
        gap: joint.gap(),
        bound: joint.bound,
        max_coalition_gap: solved.values().map(Outcome::gap).fold(0.0, f64::max),
        solve_ms: ms(joint.elapsed),
        coalitions_ms,
        total_ms: ms(started.elapsed()),
        joint_cost: joint.cost,
        commissioned: joint
            .plan
            .commissioned
            .iter()
            .map(|&o| inst.options[o].id.clone())
            .collect(),
        blocks: blocks(inst, &joint.plan),
        assignments: assignments(inst, &joint.plan),
        partners,
        joint_saving,
        subadditive,
        subadditivity_violations: violations,
        core,
        shapley_method: match (want_shapley, exact) {
            (false, _) => ShapleyMethod::NotComputed,
            (true, true) => ShapleyMethod::Exact,
            (true, false) => ShapleyMethod::Sampled {
                orders: orders.len(),
                seed: config.seed,
            },
        },
        coalitions: listed
            .iter()
            .map(|o| CoalitionCost {
                partners: members(inst, o.mask),
                cost: o.cost,
                bound: o.bound,
                status: o.status,
                solve_ms: ms(o.elapsed),
            })
            .collect(),
        model: ModelSize {
            children: inst.children.len(),
            options: inst.options.len(),
            pairs: pairs.len(),
            columns,
            rows,
            coalition_solves: solved.len(),
            build_ms,
        },
        plan: joint.plan.clone(),
    })
}

fn core_check(
    inst: &Commission,
    exact: bool,
    solved: &[u64],
    cost: &impl Fn(u64) -> f64,
    tolerance: f64,
    shapley: Option<&Vec<f64>>,
    proportional: Option<&Vec<f64>>,
) -> Result<(CoreCheck, Option<Vec<f64>>), CommissionError> {
    let n = inst.partners.len();
    let mut detail = Vec::new();
    // Exact: every coalition, so the verdict is proven either way. Sampled:
    // only the coalitions solved, so only a blocking coalition is a verdict.
    let mut verdict = |name: &'static str, allocation: Option<&Vec<f64>>| {
        allocation.and_then(|a| {
            let blocks = sharing::blocking_among(n, a, cost, tolerance, solved.iter().copied());
            for &(s, excess) in &blocks {
                detail.push(Blocking {
                    allocation: name,
                    coalition: members(inst, s),
                    allocated: cost(s) + excess,
                    standalone: cost(s),
                });
            }
            (exact || !blocks.is_empty()).then_some(blocks.is_empty())
        })
    };
    let shapley_in = verdict("shapley", shapley);
    let proportional_in = verdict("proportional", proportional);
    let mut blocking: Vec<Vec<String>> = detail.iter().map(|b| b.coalition.clone()).collect();
    blocking.sort();
    blocking.dedup();
    if !exact {
        let partial = CoreCheck {
            checked: false,
            nonempty: None,
            least_core_excess: None,
            shapley: shapley_in,
            proportional: proportional_in,
            blocking,
            blocking_detail: detail,
            tolerance,
        };
        return Ok((partial, None));
    }
    // The least-core split closest to Shapley (or to proportional when
    // Shapley is not computed): in the core whenever the core is non-empty.
    let target = shapley
        .or(proportional)
        .cloned()
        .unwrap_or_else(|| vec![cost((1 << n) - 1) / n as f64; n]);
    let split = sharing::least_core_split(n, cost, &target)?;
    let check = CoreCheck {
        checked: true,
        nonempty: Some(split.excess <= tolerance),
        least_core_excess: Some(split.excess),
        shapley: shapley_in,
        proportional: proportional_in,
        blocking,
        blocking_detail: detail,
        tolerance,
    };
    Ok((check, Some(split.shares)))
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Coalition costs by mask, for callers that want the whole game.
pub fn game(report: &CommissionReport, inst: &Commission) -> HashMap<u64, f64> {
    let index: HashMap<&str, usize> = (0..inst.partners.len())
        .map(|p| (inst.partner_id(p), p))
        .collect();
    report
        .coalitions
        .iter()
        .map(|c| {
            let mask = c
                .partners
                .iter()
                .filter_map(|id| index.get(id.as_str()))
                .fold(0u64, |m, &p| m | 1 << p);
            (mask, c.cost)
        })
        .collect()
}
