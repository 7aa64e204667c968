//! Sufficiency projection: the children looked after, month by month, placed
//! by the batch matching engine on the real stock, under scenarios, with
//! Monte Carlo draws.
//!
//! # State
//!
//! A draw's state ([`state::State`]) is the cohort of every authority
//! ([`AuthorityDemand`]: the children looked after at the origin, with their
//! rates) plus the stock of the dataset (its foster households and
//! children's homes; the dataset's waiting children and sibling groups are
//! not used: demand comes from the cohort and the rates).
//!
//! - **Kinship carers are left out of the stock**: they are approved for
//!   named children only, so no projected child can be placed with one. A
//!   child who needs a kinship placement gets one outside the stock (see
//!   below).
//! - **Seating the cohort.** SSDA903 does not name foster carers, so a
//!   cohort child in in-house (agency) foster care is *seated* in an occupied
//!   place of an in-house (agency) household of its own authority whose age
//!   approval covers it, households in dataset order, children in cohort
//!   order; when the child leaves or moves the place frees. A cohort child
//!   whose children's home is in the stock (matched by Ofsted URN) is seated
//!   there. Occupied places left unseated belong to children outside the
//!   projection and never free; cohort children left unseated live outside
//!   the stock (their kind, at its weekly cost, location unknown).
//!
//! # A month
//!
//! Each month `m = 1..=horizon`, in this order ([`step`]):
//!
//! 1. **Leaving care.** A child aged 215 months or more at the start of the
//!    month leaves at 18 (the last month before the 18th birthday, as in the
//!    rates). Any other leaves with probability `1 − e^(−h)`, `h` the exit
//!    hazard of its age band × kind × time in care.
//! 2. **Ageing**: the others age a month (and a month in care and in the
//!    placement).
//! 3. **Placements ending**: a placement ends with probability
//!    `1 − e^(−h)`, `h` the move hazard of its kind; the child frees its
//!    place and needs another.
//! 4. **Entrants**: for each authority, age band and need, a Poisson number
//!    with mean the entry rate per month times the scenario's demand
//!    multipliers. An entrant's age is uniform over the band's whole months
//!    (16–17: 192–214), its anchor is the anchor of a cohort child of its
//!    authority drawn at random (the authority's point if none has one).
//! 5. **Stock changes** by the scenario ([`scenario::Scenario`]): homes
//!    closed then opened, households recruited, places withdrawn,
//!    constellations formed, households de-registered.
//! 6. **Placement**: every child needing a place this month (entrants and
//!    movers) is routed by the kind of place it needs:
//!    - kinship foster, secure, supported/independent and other kinds are
//!      found outside the stock (family and friends, secure units, supported
//!      accommodation, living with parents…), at the kind's weekly cost;
//!    - in-house or agency foster care needs a foster household, and a
//!      children's home a children's home: these children are placed by
//!      **one** batch [`crate::matching::solve`] against the free places of
//!      the open stock, everyone already placed staying put. A child the
//!      stock cannot take is placed out of area at the external weekly cost
//!      of its kind ([`super::weekly_cost`]: agency foster for a foster
//!      child, children's home for a residential one) and counted in the
//!      **sufficiency gap**, with the matching's reason.
//!
//! # The kind of place a child needs
//!
//! An entrant's kind is drawn from its authority's kind mix for its age band
//! at entry: the kinds of the cohort's recent entrants (under 6 months in
//! care) of that band, or of the whole cohort of the band when fewer than 5
//! are recent, or of the whole cohort. A mover needs a place of the same
//! kind as the one that ended (a child in the stock's households or out of
//! area as a foster child needs a foster household again; a children's home
//! a children's home).
//!
//! # A cohort child as a dataset child
//!
//! [`state::raw_child`]: the age in whole years (`age_months / 12`); the
//! authority's GSS code; the anchor (the home postcode district's centroid,
//! else the authority's point) as a synthetic school at that point, so the
//! matching measures distances from it; needs from the category of need
//! ([`state::need_tags`]: `N2` → `disability`, `N6` →
//! `emotional_behavioural`); `placement` foster or residential; no distance
//! limit; its sibling group when two or more of the group need a place in
//! the same month. The matching uses the scenario's weights, one HiGHS
//! thread and no time limit (unless [`ProjectionInput::solve_time_limit`]);
//! a month of at most [`step::SMALL_MONTH`] children × free places hands
//! every column to HiGHS ([`crate::matching::Strategy::Full`]), a larger
//! one uses column generation, and a month HiGHS fails on under column
//! generation is solved again with every column (counted in
//! `solver_retries`).
//!
//! # Rates
//!
//! [`demand::AuthorityModel`]: an exit hazard cell without exposure falls
//! back to the pool over time in care, then over kinds, then over
//! everything (so aggregate DfE rates apply to every cell); moves likewise.
//! Aggregate entry rates (DfE) are split over age band × need like the
//! cohort's recent entrants (else the whole cohort).
//!
//! # Randomness
//!
//! Draw `d` of every scenario is seeded from the run seed and `d` only
//! ([`sweep::draw_seed`]), with separate ChaCha8 streams for leaving and
//! moves, entrants, and the stock, so scenarios share their random numbers
//! (common random numbers: a difference between scenarios is the
//! scenario's, not the dice's), and results never depend on the thread
//! count.
//!
//! # KPIs
//!
//! See [`kpi`] for every figure and its definition.

pub mod demand;
pub mod kpi;
pub mod scenario;
pub mod state;
pub mod step;
pub mod supply;
pub mod sweep;
#[cfg(test)]
mod tests;
pub mod validate;
pub mod value;

use serde::{Deserialize, Serialize};

use super::cohort::{weekly_cost, Cohort};
use super::kinds::CareKind;
use super::rates::Rates;
use crate::dataset::raw::{RawDataset, RawLocation};
use crate::dataset::ValidationError;
use crate::limits::ErrorClass;
use crate::matching::MatchError;

pub use demand::{plain_projection, AuthorityModel};
pub use kpi::{KpiKeys, Quantiles};
pub use scenario::{
    Area, DemandMultiplier, Deregistration, HomeClosure, NewConstellation, NewHome, Recruitment,
    Scenario, Withdrawal,
};
pub use sweep::{
    run_draw, run_draw_valued, run_sweep, run_sweep_with, time_draw, DrawTiming, MonthResult,
    ScenarioResult, SweepOptions, SweepResult,
};
pub use validate::{validate, ScenarioProblem};
pub use value::{PlaceClass, PlaceValue, ValueCheck};

/// Default horizon, months.
pub const DEFAULT_MONTHS: u32 = 24;

/// Longest horizon, months (ten years).
pub const MAX_MONTHS: u32 = 120;

/// One authority's demand: its rates and its children looked after at the origin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorityDemand {
    /// GSS code (an authority of the stock's dataset).
    pub authority: String,
    /// Its rates.
    pub rates: Rates,
    /// Its children looked after at the origin.
    pub cohort: Cohort,
}

/// Everything a projection starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionInput {
    /// The stock: the dataset's authorities, carers and homes (its children
    /// and sibling groups are not used).
    pub stock: RawDataset,
    /// Demand, by authority.
    pub authorities: Vec<AuthorityDemand>,
    /// Horizon when a scenario sets none, months.
    pub months: u32,
    /// Time limit of each monthly matching solve, seconds (`None`: none,
    /// which keeps every draw deterministic).
    pub solve_time_limit: Option<f64>,
}

impl ProjectionInput {
    /// The representative point of demand authority `a` (from the stock's
    /// authorities; validated to exist).
    pub fn authority_location(&self, a: usize) -> RawLocation {
        let gss = &self.authorities[a].authority;
        self.stock
            .authorities
            .iter()
            .find(|x| &x.id == gss)
            .map_or(RawLocation { lat: 0.0, lon: 0.0 }, |x| x.location)
    }

    /// Weekly cost of a placement of `kind` outside the stock, at month-0 prices.
    pub fn external_cost(&self, kind: CareKind) -> f64 {
        weekly_cost(kind)
    }
}

/// Why a projection could not run.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    /// Scenarios or input that do not fit (every problem).
    #[error("{} problem(s) in the scenarios: {}", .0.len(), .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<ScenarioProblem>),
    /// A monthly dataset failed validation (a bug: the projection builds it).
    #[error("internal error: a monthly dataset is invalid: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Dataset(Vec<ValidationError>),
    /// A monthly matching solve failed.
    #[error("matching failed: {0}")]
    Match(#[from] MatchError),
}

impl ProjectionError {
    /// What kind of failure this is.
    pub fn class(&self) -> ErrorClass {
        match self {
            ProjectionError::Invalid(_) => ErrorClass::InvalidInput,
            ProjectionError::Dataset(_) => ErrorClass::Internal,
            ProjectionError::Match(e) => e.class(),
        }
    }
}
