//! Rates and a starting cohort from the DfE published statistics, for an
//! authority with no extract at hand. The tables give counts per year
//! ending 31 March, not children, so every rate here is aggregate: one entry
//! rate, one exit hazard and one move hazard for all ages and kinds.
//!
//! - Exposure of a year: the mean of the children looked after at its start
//!   and end (31 March of the year before and of the year; the year's own
//!   count when the one before is not published) times 12 child-months.
//! - Entry rate per month: children starting to be looked after over 12
//!   months a year.
//! - Exit hazard: children ceasing to be looked after, less those estimated
//!   to leave at 18 (below; they are counted apart, as from an extract),
//!   over the exposure.
//! - Move hazard: placement changes in the year (`Total placements
//!   changing`) over the exposure.
//! - Leaving at 18: half of the children aged 16 and over at 31 March are
//!   taken to turn 18 within the following year (ages 16 and 17 in equal
//!   numbers), and all of them leave (the law); staying put is not published
//!   by authority in these tables, so it is `None`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::cohort::{weekly_cost, Cohort, CohortChild, CurrentPlacement};
use super::history::Sex;
use super::kinds::{AgeBand, CareKind, Need};
use super::rates::{
    Entry, EntryRate, ExitHazard, LeavingAt18, MoveHazard, Rates, RatesSource, Window,
};
use super::LEAVING_AGE_MONTHS;
use crate::dataset::raw::RawLocation;

/// One year (ending 31 March `year`) of an authority's published figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DfeYear {
    /// The year the 31 March falls in.
    pub year: i32,
    /// Children looked after on 31 March.
    pub looked_after: f64,
    /// Children starting to be looked after in the year.
    pub starts: f64,
    /// Children ceasing to be looked after in the year.
    pub ceases: f64,
    /// Placement changes in the year, when published.
    pub placement_changes: Option<f64>,
    /// Children aged 16 and over on 31 March, when published.
    pub aged_16_plus: Option<f64>,
}

/// An authority's published figures: years, and the make-up of the children
/// looked after on the latest 31 March.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DfeAuthority {
    /// GSS code.
    pub gss: String,
    /// Name.
    pub name: String,
    /// Years, oldest first.
    pub years: Vec<DfeYear>,
    /// Children by age band on the latest 31 March (16 and over in 16–17).
    pub age_bands: [f64; 5],
    /// Boys and girls.
    pub sex: [f64; 2],
    /// Children by category of need (suppressed cells as 0).
    pub needs: [f64; 8],
    /// Children by kind (foster already split into kinship, in-house and agency).
    pub kinds: [f64; 7],
    /// The authority's centroid, the synthetic children's anchor.
    pub centroid: Option<RawLocation>,
}

impl Rates {
    /// Aggregate rates from the published years `first..=last` (see the
    /// module's documentation of [`DfeAuthority`]'s derivation). The
    /// window's origin is 31 March of `last`. `None` when no year is in range.
    pub fn from_dfe(a: &DfeAuthority, first: i32, last: i32) -> Option<Rates> {
        let mut exposure = 0.0;
        let (mut starts, mut ceases, mut moves, mut move_exposure, mut turning_18) =
            (0.0, 0.0, 0.0, 0.0, 0.0);
        let mut years = 0;
        for (i, y) in a.years.iter().enumerate() {
            if y.year < first || y.year > last {
                continue;
            }
            years += 1;
            let before = i
                .checked_sub(1)
                .and_then(|j| a.years.get(j))
                .filter(|p| p.year == y.year - 1)
                .map_or(y.looked_after, |p| p.looked_after);
            let e = (before + y.looked_after) / 2.0 * 12.0;
            exposure += e;
            starts += y.starts;
            ceases += y.ceases;
            if let Some(m) = y.placement_changes {
                moves += m;
                move_exposure += e;
            }
            // Those aged 16+ on the previous 31 March turn 18 within this year.
            if let Some(p) = i
                .checked_sub(1)
                .and_then(|j| a.years.get(j))
                .and_then(|p| p.aged_16_plus)
            {
                turning_18 += p / 2.0;
            }
        }
        if years == 0 {
            return None;
        }
        let months = 12.0 * f64::from(years);
        let latest = a
            .years
            .iter()
            .rev()
            .find(|y| y.year <= last)
            .map_or(0.0, |y| y.looked_after);
        Some(Rates {
            source: RatesSource::DfeAggregate,
            window: Window {
                start: -months,
                end: 0.0,
            },
            children: latest.round() as usize,
            left_truncated_periods: 0,
            entries: vec![EntryRate {
                age_band: None,
                need: None,
                estimate: Entry::new(starts, months),
            }],
            exits: vec![ExitHazard {
                age_band: None,
                kind: None,
                time_in_care: None,
                estimate: Entry::new((ceases - turning_18).max(0.0), exposure),
            }],
            moves: if move_exposure > 0.0 {
                vec![MoveHazard {
                    kind: None,
                    estimate: Entry::new(moves, move_exposure),
                }]
            } else {
                Vec::new()
            },
            leaving_at_18: LeavingAt18 {
                reached: turning_18,
                left: turning_18,
                staying_put: None,
            },
        })
    }
}

/// An index drawn with probability proportional to `weights` (the last
/// positive one if rounding leaves the draw past the end).
pub(crate) fn pick<R: Rng>(rng: &mut R, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

/// A seeded synthetic cohort of `a`'s latest count of children looked after,
/// drawn from its published make-up: age band, sex, need and kind
/// independently in their published proportions (the tables give no joint
/// distribution), age uniform within the band (16–17: to 215 months), months
/// in care exponential with the mean stay `exposure / ceases` of `rates`
/// (capped at the age), months in placement exponential with mean
/// `1 / move hazard` (capped at the months in care). Every placement is
/// external, costed by [`weekly_cost`].
pub fn synthesise_cohort(a: &DfeAuthority, rates: &Rates, seed: u64) -> Cohort {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rates.children;
    let exit = rates.exits.first().map_or(0.0, |e| e.estimate.rate);
    let mov = rates.moves.first().map_or(0.0, |m| m.estimate.rate);
    let mut children = Vec::with_capacity(n);
    for i in 0..n {
        let band = AgeBand::ALL[pick(&mut rng, &a.age_bands)];
        let hi = if band == AgeBand::Age16To17 {
            LEAVING_AGE_MONTHS
        } else {
            band.upper_months()
        };
        let age: f64 = rng.random_range(band.lower_months()..hi).floor();
        let sex = if pick(&mut rng, &a.sex) == 0 {
            Sex::Male
        } else {
            Sex::Female
        };
        let need = Need::ALL[pick(&mut rng, &a.needs)];
        let kind = CareKind::ALL[pick(&mut rng, &a.kinds)];
        let draw = |rng: &mut ChaCha8Rng, rate: f64| {
            if rate > 0.0 {
                -(1.0 - rng.random::<f64>()).ln() / rate
            } else {
                f64::INFINITY
            }
        };
        let in_care = draw(&mut rng, exit).min(age);
        let in_placement = draw(&mut rng, mov).min(in_care);
        children.push(CohortChild {
            id: format!("{}-S{:05}", a.gss, i + 1),
            age_months: age as u32,
            sex,
            need,
            authority: a.gss.clone(),
            anchor: a.centroid,
            sibling_group: None,
            placement: CurrentPlacement::External {
                kind,
                weekly_cost: weekly_cost(kind),
            },
            months_in_placement: in_placement,
            months_in_care: in_care,
        });
    }
    Cohort { at: 0.0, children }
}
