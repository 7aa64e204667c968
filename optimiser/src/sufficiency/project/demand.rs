//! The demand model of one authority, ready for monthly steps: exit and
//! move probabilities per month, entrants per month by age band × need,
//! the kind of place an entrant needs; and the plain (capacity-free)
//! expected projection the simulation is checked against.

use super::super::cohort::{Cohort, CurrentPlacement};
use super::super::kinds::{AgeBand, CareKind, Need, TimeInCareBand};
use super::super::rates::Rates;
use super::super::LEAVING_AGE_MONTHS;
use super::scenario::Scenario;
use crate::dataset::raw::RawLocation;

/// Entrants of age band at entry with fewer than this many recent entrants
/// (months in care < 6) in the cohort take their kind mix from the whole
/// cohort of the band.
const MIN_RECENT: f64 = 5.0;

/// One authority's demand, per month.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorityModel {
    /// Exit hazard per month by age band × kind × time in care.
    exit: [[[f64; 3]; 7]; 5],
    /// Move hazard per month by kind.
    moves: [f64; 7],
    /// Expected entrants per month by age band × need.
    pub entries: [[f64; 8]; 5],
    /// Share of each kind among entrants of an age band.
    pub kind_mix: [[f64; 7]; 5],
    /// Anchors of the cohort's children (entrants' anchors are drawn from them).
    pub anchors: Vec<RawLocation>,
}

fn kind_index(k: CareKind) -> usize {
    CareKind::ALL.iter().position(|x| *x == k).unwrap_or(0)
}

fn band_index(b: AgeBand) -> usize {
    AgeBand::ALL.iter().position(|x| *x == b).unwrap_or(0)
}

fn tic_index(t: TimeInCareBand) -> usize {
    TimeInCareBand::ALL
        .iter()
        .position(|x| *x == t)
        .unwrap_or(0)
}

fn need_index(n: Need) -> usize {
    Need::ALL.iter().position(|x| *x == n).unwrap_or(0)
}

/// `Σ events / Σ exposure` over `items`, if there is exposure.
fn pooled<'a>(items: impl Iterator<Item = (f64, f64)> + 'a) -> Option<f64> {
    let (e, x) = items.fold((0.0, 0.0), |(e, x), (de, dx)| (e + de, x + dx));
    (x > 0.0).then(|| e / x)
}

impl AuthorityModel {
    /// The model of `rates` and `cohort` (see the module documentation of
    /// [`super`] for every fallback).
    pub fn new(rates: &Rates, cohort: &Cohort) -> AuthorityModel {
        let mut exit = [[[0.0; 3]; 7]; 5];
        for (bi, b) in AgeBand::ALL.into_iter().enumerate() {
            for (ki, k) in CareKind::ALL.into_iter().enumerate() {
                for (ti, t) in TimeInCareBand::ALL.into_iter().enumerate() {
                    let m = |e: &super::super::rates::ExitHazard, kind: bool, tic: bool| {
                        e.age_band.is_none_or(|x| x == b)
                            && (!kind || e.kind.is_none_or(|x| x == k))
                            && (!tic || e.time_in_care.is_none_or(|x| x == t))
                    };
                    let level = |kind: bool, tic: bool| {
                        pooled(
                            rates
                                .exits
                                .iter()
                                .filter(|e| m(e, kind, tic))
                                .map(|e| (e.estimate.events, e.estimate.exposure)),
                        )
                    };
                    exit[bi][ki][ti] = level(true, true)
                        .or_else(|| level(true, false))
                        .or_else(|| level(false, false))
                        .or_else(|| {
                            pooled(
                                rates
                                    .exits
                                    .iter()
                                    .map(|e| (e.estimate.events, e.estimate.exposure)),
                            )
                        })
                        .unwrap_or(0.0);
                }
            }
        }
        let all_moves = pooled(
            rates
                .moves
                .iter()
                .map(|m| (m.estimate.events, m.estimate.exposure)),
        )
        .unwrap_or(0.0);
        let mut moves = [all_moves; 7];
        for (ki, k) in CareKind::ALL.into_iter().enumerate() {
            if let Some(r) = pooled(
                rates
                    .moves
                    .iter()
                    .filter(|m| m.kind == Some(k))
                    .map(|m| (m.estimate.events, m.estimate.exposure)),
            ) {
                moves[ki] = r;
            }
        }
        // Cohort make-up: recent entrants (months in care < 6) and everyone.
        let mut recent = [[0.0; 7]; 5];
        let mut all = [[0.0; 7]; 5];
        let mut recent_need = [[0.0; 8]; 5];
        let mut all_need = [[0.0; 8]; 5];
        for c in &cohort.children {
            let b = band_index(AgeBand::of_months(f64::from(c.age_months)));
            let k = kind_index(match &c.placement {
                CurrentPlacement::Place { .. } => CareKind::ChildrensHome,
                CurrentPlacement::External { kind, .. } => *kind,
            });
            let n = need_index(c.need);
            all[b][k] += 1.0;
            all_need[b][n] += 1.0;
            if c.months_in_care < 6.0 {
                recent[b][k] += 1.0;
                recent_need[b][n] += 1.0;
            }
        }
        let pooled_kinds: [f64; 7] =
            std::array::from_fn(|k| (0..5).map(|b| all[b][k]).sum::<f64>());
        let mut kind_mix = [[0.0; 7]; 5];
        for b in 0..5 {
            let row = if recent[b].iter().sum::<f64>() >= MIN_RECENT {
                recent[b]
            } else if all[b].iter().sum::<f64>() > 0.0 {
                all[b]
            } else if pooled_kinds.iter().sum::<f64>() > 0.0 {
                pooled_kinds
            } else {
                let mut r = [0.0; 7];
                r[kind_index(CareKind::InHouseFoster)] = 1.0;
                r
            };
            let total: f64 = row.iter().sum();
            kind_mix[b] = row.map(|x| x / total);
        }
        // Entrants: by cell when the rates have cells; an aggregate rate is
        // split like the cohort's recent entrants (else the whole cohort, else
        // evenly over the cells).
        let mut entries = [[0.0; 8]; 5];
        let mut aggregate = 0.0;
        for e in &rates.entries {
            match (e.age_band, e.need) {
                (Some(b), Some(n)) => entries[band_index(b)][need_index(n)] += e.estimate.rate,
                _ => aggregate += e.estimate.rate,
            }
        }
        if aggregate > 0.0 {
            let total = |m: &[[f64; 8]; 5]| m.iter().flatten().sum::<f64>();
            let split = if total(&recent_need) > 0.0 {
                recent_need
            } else if total(&all_need) > 0.0 {
                all_need
            } else {
                [[1.0; 8]; 5]
            };
            let t = total(&split);
            for b in 0..5 {
                for n in 0..8 {
                    entries[b][n] += aggregate * split[b][n] / t;
                }
            }
        }
        AuthorityModel {
            exit,
            moves,
            entries,
            kind_mix,
            anchors: cohort.children.iter().filter_map(|c| c.anchor).collect(),
        }
    }

    /// Probability of leaving care in a month (other than at 18), `1 − e^(−h)`.
    pub fn exit_probability(&self, age_months: u32, kind: CareKind, months_in_care: u32) -> f64 {
        let h = self.exit[band_index(AgeBand::of_months(f64::from(age_months)))][kind_index(kind)]
            [tic_index(TimeInCareBand::of_months(f64::from(months_in_care)))];
        1.0 - (-h).exp()
    }

    /// Probability that a placement of `kind` ends with a move in a month.
    pub fn move_probability(&self, kind: CareKind) -> f64 {
        1.0 - (-self.moves[kind_index(kind)]).exp()
    }
}

/// Whether a child of this age leaves care at 18 this month (215 months or
/// more at the start of the month: the last month before the 18th birthday).
pub fn leaves_at_18(age_months: u32) -> bool {
    f64::from(age_months) >= LEAVING_AGE_MONTHS
}

/// Ages (whole months) an entrant of a band may have: uniform over the
/// band's months, 16–17 up to 214 (a child entering at 215 leaves at once).
pub fn entry_ages(band: AgeBand) -> std::ops::Range<u32> {
    let lo = band.lower_months() as u32;
    let hi = (band.upper_months().min(LEAVING_AGE_MONTHS)) as u32;
    lo..hi
}

/// The plain projection: the expected number of children looked after at
/// the end of each month `1..=months`, with no capacity limit and each
/// child keeping its kind (so exact for the simulation when moves do not
/// change a child's exit hazards). `models` and `cohorts` are per authority.
pub fn plain_projection(
    models: &[AuthorityModel],
    cohorts: &[&Cohort],
    authorities: &[String],
    scenario: &Scenario,
    months: u32,
) -> Vec<f64> {
    let h = months as usize;
    let mut expected = vec![0.0; h];
    let survival = |m: &AuthorityModel, age: u32, kind: CareKind, tic: u32, steps: usize| {
        let mut s = 1.0;
        let mut out = Vec::with_capacity(steps);
        let (mut a, mut t) = (age, tic);
        for _ in 0..steps {
            if leaves_at_18(a) {
                s = 0.0;
            } else {
                s *= 1.0 - m.exit_probability(a, kind, t);
            }
            a += 1;
            t += 1;
            out.push(s);
        }
        out
    };
    for (ai, m) in models.iter().enumerate() {
        for c in &cohorts[ai].children {
            let kind = match &c.placement {
                CurrentPlacement::Place { .. } => CareKind::ChildrensHome,
                CurrentPlacement::External { kind, .. } => *kind,
            };
            let s = survival(
                m,
                c.age_months,
                kind,
                c.months_in_care.max(0.0).floor() as u32,
                h,
            );
            for (e, v) in expected.iter_mut().zip(s) {
                *e += v;
            }
        }
        for (bi, band) in AgeBand::ALL.into_iter().enumerate() {
            let ages = entry_ages(band);
            let n_ages = f64::from(ages.len() as u32);
            let rate: f64 = Need::ALL
                .into_iter()
                .enumerate()
                .map(|(ni, need)| {
                    m.entries[bi][ni] * scenario.demand_factor(band, need, &authorities[ai])
                })
                .sum();
            if rate == 0.0 {
                continue;
            }
            for age in ages {
                for (ki, kind) in CareKind::ALL.into_iter().enumerate() {
                    let w = rate * m.kind_mix[bi][ki] / n_ages;
                    if w == 0.0 {
                        continue;
                    }
                    // Survival after k further months, k = 0..h-1.
                    let s = survival(m, age, kind, 0, h);
                    for j in 0..h {
                        // Entered in month j+1: in care at its end, then survives.
                        expected[j] += w;
                        for (k, e) in expected.iter_mut().enumerate().skip(j + 1) {
                            *e += w * s[k - j - 1];
                        }
                    }
                }
            }
        }
    }
    expected
}
