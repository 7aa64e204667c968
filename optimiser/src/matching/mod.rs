//! Batch placement: the optimal assignment of every waiting child.
//!
//! # The model
//!
//! *Units.* A child whose sibling group has policy `household` or
//! `constellation` and two or more members is placed with the group; every
//! other child (no group, policy `none`, or a group of one) is placed on their
//! own.
//!
//! *Costs.* `c(i,j) = weekly_cost_j + w_distance · d(i,j)` for each eligible
//! pair (see [`crate::eligibility`]); `d` is the haversine distance from the
//! child's anchor (school, else authority) in km.
//!
//! *Variables* (all binary), one per eligible option:
//! - `x_ij`: single child *i* at place *j*;
//! - `z_gj`: every member of group *g* at place *j* — *j* eligible for every
//!   member and `free_j ≥ |g|`; for a `constellation` group only places outside
//!   any constellation (inside one the spread option covers it);
//! - `u_gK`: `constellation` group *g* spread over constellation *K* — only if
//!   the members can all be placed in *K*'s households at once, each in a
//!   household eligible for them, no household over its free places (checked
//!   exactly; an option that fails it has no integer solution, and leaving it
//!   in would only weaken the LP bound);
//! - `m_iKj`: member *i* of such a group at household *j* ∈ *K*.
//!
//! *Constraints.*
//! - `Σ_j x_ij ≤ 1` for each single child;
//! - `Σ_j z_gj + Σ_K u_gK ≤ 1` for each group;
//! - `Σ_j m_iKj = u_gK` for each member *i* and constellation *K*;
//! - `Σ_i x_ij + Σ_g |g|·z_gj + Σ_{i,K} m_iKj ≤ free_j` for each place;
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
//!   10,700–15,900 (BENCHMARKS.md).
//!
//! *Objective.* Minimise `Σ c(i,j)` over placed children plus
//! `w_unplaced` × the number of unplaced children, that is
//! `w_unplaced·N + Σ (c_ij − w_unplaced) x_ij + Σ (Σ_{i∈g} c_ij − |g| w_unplaced) z_gj
//! − Σ |g| w_unplaced u_gK + Σ c_ij m_iKj`.
//!
//! This is exactly the model of the specification: a `household` group is in
//! one place or unplaced; a `constellation` group is all in one constellation
//! (any households), all in one place outside constellations, or unplaced.
//!
//! # Solving
//!
//! With the default [`Strategy::Pricing`], the model is solved by column
//! generation with a reduced-cost certificate (see [`pricing`]), which proves
//! the answer optimal for the *full* model above while handing HiGHS only a
//! small fraction of its columns. [`Strategy::Full`] hands HiGHS every column
//! (the straightforward model, kept for comparison and cross-checks).

mod columns;
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
use crate::solver::{SolveOptions, SolverError};

pub use columns::{child_pairs, eligible_pairs, Pair};
pub use solution::{
    Assignment, Breakdown, MatchSolution, ModelStats, SiblingOutcome, Unplaced, UnplacedReason,
};
pub use spread::cheapest_spread;

pub(crate) use columns::group_is_unit as columns_group_is_unit;
pub(crate) use columns::{build_pool, units, ColumnKind, Pool, Unit};

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
}

impl MatchError {
    /// What kind of failure this is.
    pub fn class(&self) -> ErrorClass {
        match self {
            MatchError::InvalidOption(_) | MatchError::NotAnOption(_) => ErrorClass::InvalidInput,
            MatchError::Solver(e) => e.class(),
            MatchError::CheckerRejected(_) => ErrorClass::Internal,
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
/// assert_eq!(solution.assignments.len() + solution.unplaced.len(), data.children.len());
/// ```
pub fn solve(data: &Dataset, config: &MatchConfig) -> Result<MatchSolution, MatchError> {
    config.weights.validate()?;
    config.solve.validate()?;
    let started = Instant::now();
    let index = SpatialIndex::new(data.places.iter().map(|p| &p.location));
    let pairs = eligible_pairs(data, &index, &config.weights);
    let units = units(data);
    let pool = build_pool(data, &pairs, &units, &config.weights);
    let forced = match &config.fixed {
        Some(f) => forced_columns(data, &pool, &units, f)?,
        None => vec![],
    };
    let pool_time = started.elapsed();
    let w_u = config.weights.unplaced;
    let constant = w_u * data.children.len() as f64;
    // Each child costs at least min(w_unplaced, its cheapest eligible pair).
    let trivial_bound: f64 = pairs
        .iter()
        .map(|p| p.first().map_or(w_u, |p| p.cost.min(w_u)))
        .sum();
    let outcome = pricing::solve(&pool, config, &forced, constant, trivial_bound)?;
    let placement = solution::decode(data, &pool, &outcome.selected);
    let objective = checker::check(data, &config.weights, &placement)
        .map_err(|v| MatchError::CheckerRejected(format!("{v:?}")))?;
    let stats = ModelStats {
        eligible_pairs: pairs.iter().map(Vec::len).sum(),
        columns_total: pool.columns.len(),
        columns_in_model: outcome.columns_in_model,
        rows_in_model: outcome.rows_in_model,
        lp_rounds: outcome.lp_rounds,
        mip_rounds: outcome.mip_rounds,
        lp_bound: if outcome.lp_bound.is_finite() {
            outcome.lp_bound + constant
        } else {
            trivial_bound
        },
        build_ms: (pool_time + outcome.build).as_secs_f64() * 1000.0,
    };
    let bound = (outcome.bound + constant)
        .min(objective)
        .max(trivial_bound.min(objective));
    Ok(solution::report(
        data,
        config,
        &pairs,
        &pool,
        &units,
        placement,
        objective,
        bound,
        outcome.status,
        stats,
        started.elapsed(),
        outcome.solve,
    ))
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
            let c = data.children.get(child).ok_or_else(|| MatchError::NotAnOption(format!("no child at index {child}")))?;
            let unit = match c.sibling_group {
                Some(g) if columns::group_is_unit(data, g) => Unit::Group(g),
                _ => Unit::Single(child),
            };
            unit_of(unit).and_then(|u| {
                pool.by_unit[u].iter().copied().find(|&k| match pool.columns[k].kind {
                    ColumnKind::Single { place: p, .. } | ColumnKind::Together { place: p, .. } => p == place,
                    _ => false,
                })
            })
        }
        Fixed::Spread { group, constellation } => unit_of(Unit::Group(group)).and_then(|u| {
            pool.by_unit[u]
                .iter()
                .copied()
                .find(|&k| matches!(pool.columns[k].kind, ColumnKind::Spread { constellation: c, .. } if c == constellation))
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

/// A `constellation` group placed together at a household inside a
/// constellation is the spread option with every member at that household.
fn spread_in_one_household(
    data: &Dataset,
    pool: &Pool,
    units: &[Unit],
    child: usize,
    place: PlaceIdx,
) -> Option<Vec<usize>> {
    let g = data.children.get(child)?.sibling_group?;
    let k = data.places.get(place)?.constellation()?;
    let u = units.iter().position(|x| *x == Unit::Group(g))?;
    let cols = &pool.by_unit[u];
    let mut forced = vec![*cols.iter().find(|&&c| matches!(pool.columns[c].kind, ColumnKind::Spread { constellation, .. } if constellation == k))?];
    for &i in &data.sibling_groups[g].members {
        forced.push(*cols.iter().find(|&&c| matches!(pool.columns[c].kind, ColumnKind::Member { child, place: p, .. } if child == i && p == place))?);
    }
    Some(forced)
}
