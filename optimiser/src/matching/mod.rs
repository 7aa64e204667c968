//! Batch placement: the optimal assignment of every waiting child.
//!
//! # The model
//!
//! *Units.* A child whose sibling group has policy `household` or
//! `constellation` and two or more members is placed with the group — a
//! *strict* group (`strict: true`) all or none, a *non-strict* group (the
//! default) together if it can be, else split at a cost; every other child
//! (no group, policy `none`, or a group of one) is placed on their own.
//!
//! *Costs.* `c(i,j) = weekly_cost_j + w_distance · d(i,j) + w_outside ·
//! [authority_j ≠ authority_i]` for each eligible pair (see
//! [`crate::eligibility`]; [`placement_cost`]); `d` is the haversine distance
//! from the child's anchor (school, else authority) in km; `w_outside` is the
//! dataset's `w_outside_authority` (default 0). `w_s` is the dataset's
//! `w_split` and `w_sc(g)` its `w_split_constellation` for a `household`
//! group, 0 for a `constellation` group (whose policy allows any households
//! of one constellation).
//!
//! *Variables* (all binary), one per eligible option:
//! - `x_ij`: single child *i* at place *j*;
//! - `z_gj`: every member of group *g* at place *j* — *j* eligible for every
//!   member, `free_j ≥ |g|` and the members may arrive at *j* together (at a
//!   home: no two of them conflict and each mix limit has room for those with
//!   its risk, see below); for a strict `constellation` group only places
//!   outside any constellation (inside one the spread option covers it);
//! - `u_gK`: strict `constellation` group *g* spread over constellation *K* — only if
//!   the members can all be placed in *K*'s households at once, each in a
//!   household eligible for them, no household over its free places (checked
//!   exactly; an option that fails it has no integer solution, and leaving it
//!   in would only weaken the LP bound);
//! - `m_iKj`: member *i* of such a group at household *j* ∈ *K*;
//! - for a non-strict group *g*: `z_gj` as above at any place (inside
//!   constellations too); `a_ij`, member *i* at an eligible place *j*;
//!   `o_gj`, *g* uses place *j* (each place eligible for a member);
//!   `k_gK`, *g* uses constellation *K* (each with a household eligible for
//!   a member); `σ_g`, *g*'s first *cluster* is free (a cluster is a
//!   constellation, or a place outside constellations).
//!
//! Below, `y_ij` is the sum of every column that places child *i* at place
//! *j* (`x_ij`, `m_iKj`, `a_ij`, or `z_gj` of *i*'s group).
//!
//! *Constraints.*
//! - `Σ_j x_ij ≤ 1` for each single child;
//! - `Σ_j z_gj + Σ_K u_gK ≤ 1` for each strict group;
//! - `Σ_j m_iKj = u_gK` for each member *i* and constellation *K*;
//! - `Σ_i x_ij + Σ_g |g|·z_gj + Σ_{i,K} m_iKj + Σ_i a_ij ≤ free_j` for each place;
//! - `Σ_{i∈g} m_iKj ≤ min(free_j, |g|)·u_gK` for each spread option (g, K) and
//!   household j ∈ K where more members of g are eligible than that room
//!   (*spread room*). Every integer solution satisfies it (if `u_gK = 0` no
//!   member is in K; if `u_gK = 1` it is the place's row restricted to g), so
//!   the optimum is unchanged; it only cuts off LP points that spread a group
//!   fractionally over several constellations and crowd all its members into
//!   one household of each (¹⁄₃ of three children in a one-place household
//!   of each of three constellations). On the four 500-child benchmark seeds
//!   it narrows the gap between the LP bound and the optimum from £44–194 to
//!   £29–131 a week, and so the columns HiGHS needs from 11,400–33,700 to
//!   10,700–15,900 (BENCHMARKS.md);
//! - *mix limit* (v1.1): `Σ_{i: t ∈ risks_i} y_ij ≤ room_jt` for each home *j*
//!   and mix limit `(t, max)`, where `room_jt = max − #{residents with t}`,
//!   over the children eligible at *j* — written only where more such
//!   children are eligible than `room_jt` and `room_jt < free_j` (otherwise
//!   it is implied). Eligibility already excludes children with *t* where
//!   `room_jt = 0`;
//! - *conflict* (v1.1): two children *conflict at home j* when a pair of the
//!   dataset's `incompatible` risk tags is split between them (in either
//!   order), or their ages differ by more than *j*'s `max_age_gap`. For each
//!   home *j* with `free_j ≥ 2` and each child *i* eligible there whose set
//!   `N⁺_ij` of conflicting children eligible at *j* with a larger index is
//!   not empty: `M·y_ij + Σ_{k ∈ N⁺_ij} y_kj ≤ M` with `M = min(|N⁺_ij|,
//!   free_j)` (if *i* arrives none of them does; otherwise the row is implied
//!   by the capacity row). Every conflicting pair is covered by the row of its
//!   smaller index; with `free_j = 1` the capacity row keeps them apart;
//! - for each non-strict group *g*: `Σ_j a_ij + Σ_j z_gj ≤ 1` for each member
//!   *i*; *place used* `Σ_{i∈g} a_ij ≤ min(|g| − 1, free_j)·o_gj` (all
//!   members at one place is the column `z_gj`, at the same cost) and *member
//!   used* `a_ij ≤ o_gj` for each member and place; *constellation used*
//!   `Σ_{i∈g, j∈K} a_ij ≤ |g|·k_gK` and *member in constellation* `Σ_{j∈K}
//!   a_ij ≤ k_gK` for each member; *household used* `o_gj ≤ k_gK` for each
//!   household *j* of *K*; *constellation open* `k_gK ≤ Σ_{j∈K} o_gj`;
//!   *first cluster* `σ_g ≤ Σ_{j outside constellations} o_gj + Σ_K k_gK`;
//!   *once* `σ_g + Σ_j z_gj ≤ 1`; and, for a group that no one cluster can
//!   hold (no constellation has households eligible for the members with
//!   room for all of them, checked exactly), *two clusters* `Σ_{i,j} a_ij +
//!   (|g| − 2)·Σ_j z_gj − Σ_{j outside constellations} o_gj − Σ_K k_gK ≤
//!   |g| − 2` (placed member by member, all of them use two clusters); and,
//!   for a group of three or more and each constellation *K* where every
//!   member has an eligible household, *two households* `Σ_{i∈g, j∈K} a_ij −
//!   Σ_{j∈K} o_gj − (|g| − 2)·k_gK ≤ 0` (all members one by one in *K* use
//!   two of its households, as one place takes at most `|g| − 1` of them
//!   one by one; with fewer members in *K*, or none, it asks for no more
//!   than the constellation-open row). The
//!   member-used, member-in-constellation
//!   and household-used rows and the `|g| − 1` leave the integer optimum
//!   unchanged (the first two are implied in integers by the aggregated
//!   rows; the third only forbids opening a household for nothing; the
//!   fourth moves an all-at-one-place solution onto `z_gj`); with the two
//!   clusters and two households rows they tighten the LP, whose
//!   weakness is what made split groups slow (BENCHMARKS.md).
//!
//! *Objective.* Minimise `Σ c(i,j)` over placed children plus
//! `w_unplaced` × the number of unplaced children plus the split costs,
//! that is `w_unplaced·N + Σ (c_ij − w_unplaced) x_ij + Σ (Σ_{i∈g} c_ij −
//! |g| w_unplaced) z_gj − Σ |g| w_unplaced u_gK + Σ c_ij m_iKj` plus, for
//! non-strict groups, `Σ (Σ_{i∈g} c_ij − |g| w_unplaced) z_gj + Σ (c_ij −
//! w_unplaced) a_ij + Σ_j w(j) o_gj + Σ_K (w_s − w_sc(g)) k_gK − w_s σ_g`, with
//! `w(j) = w_sc(g)` for a household in a constellation and `w_s` otherwise.
//!
//! *Split cost.* At an optimum, `o`, `k` and `σ` take their least values
//! (`σ_g = 1` exactly when a member is placed through the `a` columns:
//! opening a cluster only to earn `σ_g` costs at least `w_s`, so gains
//! nothing), so a non-strict group whose placed members use `P` places forming `C`
//! clusters (each constellation used is one cluster, each place outside
//! constellations one more) costs `w_sc(g)·(P − C) + w_s·(C − 1)`: nothing
//! when together (`z_gj`, or every member's `a_ij` at one place), `w_sc(g)`
//! for each extra household of a constellation already used, `w_s` for each
//! further cluster, and nothing when no member is placed. Members may also be
//! left unplaced one by one, each at `w_unplaced`. The checker
//! ([`crate::checker::split_cost`]) computes exactly this.
//!
//! This is exactly the model of the specification: a strict `household` group is in
//! one place or unplaced; a strict `constellation` group is all in one constellation
//! (any households), all in one place outside constellations, or unplaced;
//! a non-strict group is placed member by member, at the split cost above;
//! and the children arriving at one home respect its mix limits and
//! conflicts (those already living there are rules 8–10 of eligibility).
//! The defaults `w_s = 5,000` and `w_sc = 1,000` a week
//! ([`crate::dataset::DEFAULT_SPLIT_WEIGHT`]) are far below `w_unplaced`
//! (100,000), so a group is split rather than left unplaced, and a split
//! costs more than keeping a group of four together 125 km further each
//! (at `w_distance = 10`).
//!
//! # Solving
//!
//! With the default [`Strategy::Pricing`], the model is solved by column
//! generation with a reduced-cost certificate (see [`pricing`]), which proves
//! the answer optimal for the *full* model above while handing HiGHS only a
//! small fraction of its columns. [`Strategy::Full`] hands HiGHS every column
//! (the straightforward model, kept for comparison and cross-checks).
//!
//! The pipeline: (1) enumerate every child's eligible places through the
//! spatial index, child by child in dataset order, into a [`PairTable`];
//! (2) build the column pool, unit by unit; (3) LP pricing; (4) a greedy
//! plan; (5) the restricted MIP and its completion rounds; (6) decode, check
//! with [`crate::checker`], report.
//!
//! # Storage
//!
//! Memory grows with the eligible pairs, not with children × places, and at
//! 4 bytes a pair: each pair is a `u32` place index; its cost `c_ij` is
//! recomputed from the place's weekly cost and the haversine distance
//! whenever it is needed, by the same expression as at enumeration, so the
//! model's coefficients are exact and the same at every use. A child placed on their own
//! has no stored columns: the column `x_ij` *is* the pair (its rows are always
//! the child's row and place *j*'s capacity row, its coefficient `c_ij −
//! w_unplaced`). Group columns (`z`, `u`, `m`) are stored in 32 bytes each,
//! their rows implied by their kind. Reduced costs are computed on the fly in
//! each pricing pass, never stored for the whole pool; only the columns
//! handed to HiGHS become model variables.
//!
//! # Time limits
//!
//! A time limit (`SolveOptions::time_limit`) counts from the start of
//! [`solve`] and covers every step: enumeration stops between children, pool
//! building between units, LP pricing starts no round after 30 % of the limit
//! (the first may have 10 % of the limit from when it starts), and no model is
//! built or handed to HiGHS once the limit is spent; HiGHS gets the time left
//! less 6 % of the limit (it notices its limit late on large models). The answer is then the best incumbent found (the greedy plan, or the
//! last MIP's), checked by [`crate::checker`] like any other, with status
//! `time_limit` unless the bound proves it optimal within the gap. Leaving
//! every child unplaced is always feasible, so there is always an answer.
//! Decoding, checking and reporting come after the limit: at 16,000 children
//! they take well under a second.
//!
//! If the limit is spent before every child's eligible places are enumerated
//! (or before every unit's columns are built), the full model was never seen:
//! `model.enumeration_complete` is `false`, `model.children_enumerated` says
//! how many children (the first ones in dataset order) were enumerated, no LP
//! or MIP is solved, the answer is the greedy plan over the columns built, the
//! children without columns are unplaced with reason
//! `not_placed_within_time_limit`, and `bound` is the counting bound below.
//!
//! # Bounds
//!
//! `bound` is always a proven lower bound on the optimum of the full model,
//! the largest of those computed in time (and never above `objective`):
//! - the *counting bound*, always computed: child *i* costs at least
//!   `ℓ_i = min(w_unplaced, c_i)`, where `c_i` is its cheapest eligible cost
//!   (∞ with none) or, for a child not enumerated in time, the cheapest weekly
//!   cost of any place with a free place (every cost is at least the weekly
//!   cost, as distances and weights are ≥ 0); and at most `C = Σ_j free_j`
//!   children can be placed. So the objective is at least
//!   `w_unplaced·N − Σ_{the C largest} (w_unplaced − ℓ_i)`. With room for
//!   everyone this is the per-child bound `Σ_i ℓ_i`; when places are scarce
//!   it charges the penalty for the children who cannot all be placed;
//! - the Lagrangian bound `L(π)` of every LP pricing round that finished
//!   ([`pricing`], step 3): valid for the full model whatever duals π it uses,
//!   because it prices every column of the full pool (so only with a complete
//!   enumeration);
//! - after a MIP, its dual bound where no left-out column could beat it.
//!
//! When no LP round finished in time, `bound` is the counting bound
//! (`model.lp_bound` then equals `model.counting_bound`). `gap` is
//! `(objective − bound)/max(|objective|, 1)`.

mod columns;
mod lp;
mod model;
pub mod pricing;
mod solution;
pub mod spread;

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::checker;
use crate::dataset::{Dataset, PlaceIdx};
use crate::geography::SpatialIndex;
use crate::limits::{self, ErrorClass, InvalidOption};
use crate::solver::{Deadline, SolveOptions, SolverError};

pub use columns::MAX_ELIGIBLE_PAIRS;
pub use columns::{child_pairs, count_eligible, eligible_pairs, group_fits_home, Pair, PairTable};
pub use solution::{
    Assignment, Breakdown, MatchSolution, ModelStats, Progress, SiblingOutcome, SplitGroup,
    SplitMemberPlace, SplitReason, Unplaced, UnplacedReason, TWENTY_MILES_KM,
};
pub use spread::cheapest_spread;

pub(crate) use columns::group_is_unit as columns_group_is_unit;
pub(crate) use columns::{build_pool, for_each_eligible, units, ColumnKind, Pool, Unit};

/// Default cost per km per week of distance from the anchor.
pub const DEFAULT_DISTANCE_WEIGHT: f64 = 10.0;
/// Default penalty per unplaced child.
pub const DEFAULT_UNPLACED_PENALTY: f64 = 100_000.0;

/// The weights of the objective.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Pounds per km per week (default 10).
    pub distance: f64,
    /// Pounds per unplaced child (default 100,000).
    pub unplaced: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            distance: DEFAULT_DISTANCE_WEIGHT,
            unplaced: DEFAULT_UNPLACED_PENALTY,
        }
    }
}

impl Weights {
    /// `weekly_cost + distance · km`.
    pub fn pair_cost(&self, weekly_cost: f64, km: f64) -> f64 {
        weekly_cost + self.distance * km
    }

    /// Checks both weights against [`crate::limits`]: finite, ≥ 0 and at
    /// most [`crate::limits::MAX_WEIGHT`].
    pub fn validate(&self) -> Result<(), InvalidOption> {
        limits::check_weight("distance_weight", self.distance)?;
        limits::check_weight("unplaced_penalty", self.unplaced)
    }
}

/// How the model is handed to HiGHS.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Column generation with a reduced-cost certificate (default).
    Pricing {
        /// Cheapest options per child/group/member in the first model.
        initial_per_owner: usize,
        /// Most options added per owner in one pricing round.
        add_per_owner: usize,
    },
    /// Every eligible option as a binary, straight to HiGHS.
    Full,
}

impl Default for Strategy {
    fn default() -> Self {
        Strategy::Pricing {
            initial_per_owner: 10,
            add_per_owner: 10,
        }
    }
}

/// `c(i,j)`: what placing child `i` at place `j`, `km` from the child's
/// anchor, costs a week: `weekly_cost_j + w_distance · km`, plus the
/// dataset's `w_outside_authority` when `j` is outside `i`'s authority.
/// The one expression every solver, the checker and the ranking use.
pub fn placement_cost(data: &Dataset, weights: &Weights, i: usize, j: PlaceIdx, km: f64) -> f64 {
    weights.pair_cost(data.places()[j].weekly_cost, km) + data.outside_cost(i, j)
}

/// Everything a batch solve needs besides the data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchConfig {
    /// Objective weights.
    pub weights: Weights,
    /// Time limit, gap, threads.
    pub solve: SolveOptions,
    /// How the model is handed to HiGHS.
    pub strategy: Strategy,
    /// Fix a unit to one option: the child (or a member of the group) and the place.
    pub fixed: Option<Fixed>,
    /// With [`Strategy::Full`], also solve the LP relaxation of the full
    /// model once, before the MIP, to report
    /// [`MatchSolution::capacity_duals`] (column generation always has them,
    /// from its last LP round). Off by default: it costs one LP solve.
    pub capacity_duals: bool,
}

/// A placement fixed before solving (used for system impact).
#[derive(Debug, Clone, PartialEq)]
pub enum Fixed {
    /// A child (with their group, if it is kept together) at a place.
    Place {
        /// The child.
        child: usize,
        /// The place.
        place: PlaceIdx,
    },
    /// A `constellation` sibling group spread over a constellation's households.
    Spread {
        /// The group.
        group: usize,
        /// The constellation.
        constellation: usize,
    },
}

/// Errors from a batch solve.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// An option is outside its documented range.
    #[error("invalid option: {0}")]
    InvalidOption(#[from] InvalidOption),
    /// The fixed placement is not an option for that child or group.
    #[error("{0}")]
    NotAnOption(String),
    /// HiGHS failed.
    #[error(transparent)]
    Solver(#[from] SolverError),
    /// The solution failed the independent checker (a bug: please report it).
    #[error("internal error: the solution failed the checker: {0}")]
    CheckerRejected(String),
    /// The dataset is larger than batch placement's documented size limit.
    #[error("dataset too large: {0}")]
    TooLarge(String),
}

impl MatchError {
    /// What kind of failure this is.
    pub fn class(&self) -> ErrorClass {
        match self {
            MatchError::InvalidOption(_) | MatchError::NotAnOption(_) => ErrorClass::InvalidInput,
            MatchError::Solver(e) => e.class(),
            MatchError::CheckerRejected(_) => ErrorClass::Internal,
            MatchError::TooLarge(_) => ErrorClass::ResourceLimit,
        }
    }
}

/// Solves the batch placement problem for every child in `data`.
///
/// ```
/// use optimiser::{generator::{generate, GeneratorSpec}, matching::{solve, MatchConfig}, solver::SolveStatus};
/// let data = generate(&GeneratorSpec::small(7)).unwrap();
/// let solution = solve(&data, &MatchConfig::default()).unwrap();
/// assert_eq!(solution.status, SolveStatus::Optimal);
/// assert_eq!(solution.assignments.len() + solution.unplaced.len(), data.children().len());
/// ```
pub fn solve(data: &Dataset, config: &MatchConfig) -> Result<MatchSolution, MatchError> {
    config.weights.validate()?;
    config.solve.validate()?;
    let started = Instant::now();
    let deadline = Deadline::after(started, config.solve.time_limit);
    check_size(data)?;
    let index = SpatialIndex::new(data.places().iter().map(|p| &p.location));
    let pairs = PairTable::enumerate(data, &index, &config.weights, &deadline)?;
    let units = units(data);
    let pool = build_pool(data, pairs, &units, &config.weights, &deadline);
    let forced = match &config.fixed {
        Some(f) => match forced_columns(data, &pool, &units, f) {
            Ok(forced) => forced,
            Err(e) if !pool.complete() => {
                return Err(MatchError::Solver(SolverError::NoSolution(format!(
                    "the time limit was reached while enumerating the options ({e})"
                ))))
            }
            Err(e) => return Err(e),
        },
        None => vec![],
    };
    let pool_time = started.elapsed();
    let w_u = config.weights.unplaced;
    let constant = w_u * data.children().len() as f64;
    let counting = counting_bound(data, &pool.pairs, w_u);
    let outcome = pricing::solve(
        &pool,
        units.len(),
        data.places().len(),
        config,
        &forced,
        constant,
        counting,
        started,
        &deadline,
    )?;
    let placement = solution::decode(data, &pool, &outcome.selected);
    let objective = checker::check(data, &config.weights, &placement)
        .map_err(|v| MatchError::CheckerRejected(format!("{v:?}")))?;
    // The best of the valid bounds, never above the incumbent.
    let best_bound = |model_bound: f64, z: f64| {
        let b = if model_bound.is_finite() {
            counting.max(model_bound + constant)
        } else {
            counting
        };
        b.min(z)
    };
    let stats = ModelStats {
        eligible_pairs: pool.pairs.len(),
        enumeration_complete: pool.complete(),
        children_enumerated: pool.pairs.enumerated_children(),
        columns_total: pool.column_count(),
        columns_in_model: outcome.columns_in_model,
        rows_in_model: outcome.rows_in_model,
        lp_rounds: outcome.lp_rounds,
        mip_rounds: outcome.mip_rounds,
        counting_bound: counting,
        lp_bound: if outcome.lp_bound.is_finite() {
            outcome.lp_bound + constant
        } else {
            counting
        },
        build_ms: (pool_time + outcome.build).as_secs_f64() * 1000.0,
        progress: outcome
            .progress
            .iter()
            .map(|&(t, z, b)| Progress {
                ms: t.as_secs_f64() * 1000.0,
                objective: z + constant,
                bound: best_bound(b, z + constant),
            })
            .collect(),
    };
    let bound = best_bound(outcome.bound, objective);
    Ok(solution::report(
        data,
        config,
        &pool,
        &units,
        placement,
        objective,
        bound,
        outcome.status,
        stats,
        started.elapsed(),
        outcome.solve,
    )
    .with_capacity_duals(outcome.capacity_duals))
}

/// Indices are stored as `u32` (see [`columns`]): a dataset must have fewer
/// than 2³² − 1 children, places, sibling groups and constellations.
fn check_size(data: &Dataset) -> Result<(), MatchError> {
    let limit = u32::MAX as usize;
    for (what, n) in [
        ("children", data.children().len()),
        ("places", data.places().len()),
        ("sibling groups", data.sibling_groups().len()),
        ("constellations", data.constellations().len()),
    ] {
        if n >= limit {
            return Err(MatchError::TooLarge(format!(
                "{n} {what}: batch placement takes fewer than {limit}"
            )));
        }
    }
    Ok(())
}

/// The counting bound (see the module doc, "Bounds"): child *i* costs at
/// least `ℓ_i = min(w_unplaced, cheapest eligible cost)` — for a child not
/// enumerated in time, `min(w_unplaced, cheapest weekly cost of any place
/// with a free place)` — and at most `C = Σ_j free_j` children are placed,
/// so the objective is at least `w_unplaced·N − (the C largest savings
/// w_unplaced − ℓ_i)`.
fn counting_bound(data: &Dataset, pairs: &PairTable, w_u: f64) -> f64 {
    let cheapest_anywhere = data
        .places()
        .iter()
        .filter(|p| p.free_places() > 0)
        .map(|p| p.weekly_cost)
        .fold(f64::INFINITY, f64::min);
    let mut savings: Vec<f64> = (0..data.children().len())
        .map(|i| {
            let least = if pairs.enumerated(i) {
                pairs.cheapest(i).unwrap_or(f64::INFINITY)
            } else {
                cheapest_anywhere
            };
            (w_u - least).max(0.0)
        })
        .collect();
    let capacity: u64 = data
        .places()
        .iter()
        .map(|p| u64::from(p.free_places()))
        .sum();
    let placed = usize::try_from(capacity).map_or(savings.len(), |c| c.min(savings.len()));
    savings.sort_by(|a, b| b.total_cmp(a));
    let saved: f64 = savings[..placed].iter().sum();
    (w_u * data.children().len() as f64 - saved).max(0.0)
}

fn forced_columns(
    data: &Dataset,
    pool: &Pool,
    units: &[Unit],
    fixed: &Fixed,
) -> Result<Vec<usize>, MatchError> {
    let unit_of = |wanted: Unit| units.iter().position(|u| *u == wanted);
    let found = match *fixed {
        Fixed::Place { child, place } => {
            let c = data.children().get(child).ok_or_else(|| MatchError::NotAnOption(format!("no child at index {child}")))?;
            let unit = match c.sibling_group {
                Some(g) if columns::group_is_unit(data, g) && data.sibling_groups()[g].strict => Unit::Group(g),
                Some(g) if columns::group_is_unit(data, g) => Unit::Split(g),
                _ => Unit::Single(child),
            };
            if let (Some(u), Unit::Split(_)) = (unit_of(unit), unit) {
                return split_forced(pool, u, child, place);
            }
            unit_of(unit).and_then(|u| {
                pool.unit_columns(u).find(|&k| match pool.kind(k) {
                    ColumnKind::Single { place: p, .. } | ColumnKind::Together { place: p, .. } => p == place,
                    _ => false,
                })
            })
        }
        Fixed::Spread { group, constellation } => unit_of(Unit::Group(group)).and_then(|u| {
            pool.unit_columns(u)
                .find(|&k| matches!(pool.kind(k), ColumnKind::Spread { constellation: c, .. } if c == constellation))
        }),
    };
    if let (None, Fixed::Place { child, place }) = (found, fixed) {
        if let Some(all_here) = spread_in_one_household(data, pool, units, *child, *place) {
            return Ok(all_here);
        }
    }
    found.map(|c| vec![c]).ok_or_else(|| {
        MatchError::NotAnOption(format!("{fixed:?} is not an option in this dataset"))
    })
}

/// A member of a non-strict group fixed at a place: the whole group there
/// if it fits (its together column), else the member alone there (its
/// member column and that place's place-used column).
fn split_forced(
    pool: &Pool,
    u: usize,
    child: usize,
    place: PlaceIdx,
) -> Result<Vec<usize>, MatchError> {
    let mut cols = pool.unit_columns(u);
    if let Some(c) = cols
        .find(|&c| matches!(pool.kind(c), ColumnKind::TogetherSplit { place: p, .. } if p == place))
    {
        return Ok(vec![c]);
    }
    let member = pool.unit_columns(u).find(|&c| {
        matches!(pool.kind(c), ColumnKind::SplitMember { child: i, place: p } if i == child && p == place)
    });
    match member {
        Some(c) => Ok(std::iter::once(c).chain(pool.companions(c)).collect()),
        None => Err(MatchError::NotAnOption(format!(
            "child {child} at place {place} is not an option in this dataset"
        ))),
    }
}

/// A `constellation` group placed together at a household inside a
/// constellation is the spread option with every member at that household.
fn spread_in_one_household(
    data: &Dataset,
    pool: &Pool,
    units: &[Unit],
    child: usize,
    place: PlaceIdx,
) -> Option<Vec<usize>> {
    let g = data.children().get(child)?.sibling_group?;
    let k = data.places().get(place)?.constellation()?;
    let u = units.iter().position(|x| *x == Unit::Group(g))?;
    let mut cols = pool.unit_columns(u);
    let mut forced = vec![cols.find(
        |&c| matches!(pool.kind(c), ColumnKind::Spread { constellation, .. } if constellation == k),
    )?];
    for &i in &data.sibling_groups()[g].members {
        forced.push(pool.unit_columns(u).find(|&c| matches!(pool.kind(c), ColumnKind::Member { child, place: p, .. } if child == i && p == place))?);
    }
    Some(forced)
}
