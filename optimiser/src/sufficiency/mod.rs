//! Sufficiency projection, demand side: care histories, the rates estimated
//! from them, and the starting cohort of a projection.
//!
//! The library does no I/O: the `api` crate reads an SSDA903 extract (or the
//! DfE published statistics) and hands over [`CareHistory`] values (or a
//! [`DfeAuthority`]). Dates of birth never reach this module: the loader turns
//! them into an age in whole months at the timeline's origin.
//!
//! # Timeline
//!
//! Time is measured in months (a month is 30.4375 days, a 365.25-day year
//! over 12) on one timeline per extract; the loader puts the origin at the
//! reference date (the end of the estimation window), so earlier dates are
//! negative. A child's age at time `t` is `age_at_origin_months + t`.
//!
//! # Bands
//!
//! - [`AgeBand`]: the demand model's bands — under 1 (0–11 months), 1–4
//!   (12–59), 5–9 (60–119), 10–15 (120–191), 16–17 (192 months and over).
//! - [`TimeInCareBand`]: months since the period of care began — under 6,
//!   6–23, 24 and over.
//! - [`CareKind`]: the placement kinds of the projection (see
//!   [`CareKind::from_ssda903`] for the mapping from `PLACE` and
//!   `PLACE_PROVIDER`).
//!
//! # The estimator (occurrence/exposure)
//!
//! Over a window `[a, b]` (months on the timeline), every rate is
//! `events / exposure`, the maximum-likelihood estimate of a hazard that is
//! constant within its cell (a piecewise-constant, Poisson/exponential
//! model). Each is reported with both numbers so that another estimator can
//! be checked against them.
//!
//! - **Exposure** of a cell (age band × kind × time-in-care band) is the sum,
//!   over every child and every episode, of the length of
//!   `[max(start, a), min(end, b, leaving_age)]` split at the band
//!   boundaries: age bands change on the 1st, 5th, 10th and 16th birthdays,
//!   time-in-care bands at 6 and 24 months in care, and kinds with the
//!   episode. An open episode (no `DEC`) runs to the timeline's origin (the
//!   extract's end). Exposure stops at 215 months of age (a month before the
//!   18th birthday): the last month is the leaving-at-18 month.
//! - **Exit hazard** (per child-month), by age band × kind × time in care:
//!   events are periods of care ending (a `REC` starting with `E`) at a time
//!   in `[a, b]` and an age under 215 months, counted in the cell the child was
//!   in just before leaving.
//! - **Move hazard** (per child-month), by kind: events are placements ending
//!   in `[a, b]` where the child stays in care and the next episode is a
//!   change of placement (`RNE` `P`, `T` or `B`); exposure is every
//!   child-month in that kind (all ages below 215 months, all times in care).
//!   A change of legal status only (`RNE` `L`) or of placement type with
//!   the same carers (`U`) is not a move.
//! - **Entry rate** (per month, not per child-month, since the children at
//!   risk of entering care are not in the extract), by age band at entry ×
//!   category of need: events are periods of care starting (`RNE` `S`) in
//!   `[a, b]`; exposure is the window's length `b − a` in months.
//! - **Leaving at 18**: of the children in care who reach 215 months of age
//!   inside the window, how many leave care at 215 months of age or later
//!   (within the window) — by law every child does by the 18th birthday —
//!   and how many of them stay put with their foster carers (`REC` `E17`).
//!
//! Standard error of a hazard `h = d / E` is about `sqrt(d) / E` (Poisson);
//! the tests check recovery of known rates within five standard errors
//! (a Bonferroni bound over the ~120 cells checked at once).

pub mod backtest;
mod cohort;
mod dfe;
mod estimate;
mod history;
mod kinds;
pub mod project;
mod rates;
mod synth;
#[cfg(test)]
mod tests;

pub use cohort::{cohort_at, weekly_cost, Cohort, CohortChild, CurrentPlacement};
pub use dfe::{synthesise_cohort, DfeAuthority, DfeYear};
pub use estimate::estimate;
pub use history::{CareHistory, Episode, EpisodeEnd, EpisodeStart, Sex, LEAVING_CARE_CODES};
pub use kinds::{AgeBand, CareKind, Need, TimeInCareBand};
pub use rates::{
    Entry, EntryRate, ExitHazard, LeavingAt18, MoveHazard, Rates, RatesSource, Window,
};
pub use synth::{generate_extract, SynthParams, SyntheticExtract, TrueRates};

/// Days in the timeline's month: a 365.25-day year over 12.
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// The age (months) from which the last month before the 18th birthday
/// counts as leaving at 18, not as exposure to the exit hazard.
pub const LEAVING_AGE_MONTHS: f64 = 215.0;

/// The 18th birthday, months.
pub const EIGHTEEN_MONTHS: f64 = 216.0;
