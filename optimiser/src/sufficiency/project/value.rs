//! The value of one more place: for each authority, provider kind and
//! approval range, how much one extra free place there would have saved
//! over the horizon, estimated from the monthly matchings' capacity duals.
//!
//! # The estimate
//!
//! Each month's batch matching reports, for every stock place with a free
//! place (the places in that month's dataset), the dual `d_j = −π_j ≥ 0` of
//! its capacity row in the matching's LP relaxation
//! ([`crate::matching::MatchSolution::capacity_duals`]): the marginal fall
//! of the LP optimum, in £ a week of the matching objective, per extra free
//! place at *j*. That objective charges `w_unplaced` (default £100,000) for
//! each child the stock cannot take, where the projection pays the external
//! weekly cost `e` of the kind (£820 agency foster, £3,830 children's home).
//! So a dual of at least `w_unplaced / 2` — one more place there lets one
//! more child into the stock, possibly through a chain of moves — is
//! re-valued as `d_j − w_unplaced + e` (the child's out-of-area cost saved,
//! less the weekly cost and the distance weight of its new place, with the
//! chain's changes); a smaller dual (no child more placed, only a cheaper or
//! nearer arrangement) is kept as it is ([`money_value`]). The value is
//! negative when the place costs more than the out-of-area placement it
//! replaces. It is at the dataset's prices (no inflation).
//!
//! A *class* ([`PlaceClass`]) is an authority, a provider kind (in-house
//! foster, agency foster, children's home) and an approval range (youngest
//! and oldest age). Each month the class is worth the **largest** value of
//! its places in that month's matching (one more place, put where it saves
//! most), times the weeks in the month (30.4375 / 7); a class none of whose
//! places had a free place that month counts 0 for the month (its full
//! places were not in the LP: the LP says nothing about them). Summed over
//! the horizon, this is a draw's estimate; the report gives P10/P50/P90
//! and the mean across draws, classes sorted by P50, largest first.
//!
//! These are marginal values of LPs, one month at a time: they ignore that
//! a child placed in the extra place stays there for months (and so is not
//! placed again), and the LP duals bound the integer matchings' change
//! only loosely (see the check).
//!
//! # The check
//!
//! The check ([`super::sweep::SweepOptions::check_value_of_place`]) tests
//! exactly what the estimate claims, month by month. For each class checked
//! and each month of a draw in which the class had a place in the matching,
//! the month's matching dataset (the same children to place, the same free
//! places) is solved again with one more free place at the class's *best*
//! place that month — the place whose dual gave the class its value that
//! month (largest value; the first in dataset order on a tie) —
//! ([`with_one_more_place`]), and the fall of the matching objective
//! (objective without − objective with, £ a week of the objective) is
//! re-valued like the dual ([`money_value`]: a fall of at least
//! `w_unplaced / 2` means one more child entered the stock) and multiplied
//! by the weeks in the month; a month without a re-solve counts 0, as in
//! the estimate. Summed over the horizon, this is the draw's *re-solved*
//! value, reported beside the estimate (P10/P50/P90 and mean across draws),
//! with the number of months re-solved and the number in which the re-solved
//! weekly value differed from the dual's by more than £1 a week.
//!
//! The re-solves never change the draw: the projection goes on with the
//! month's own placements. The check re-runs each draw of a scenario once
//! (same seed, so the same months: without a solve time limit,
//! [`super::ProjectionInput::solve_time_limit`], the default, every solve
//! is deterministic) and re-solves each checked class's months beside it.
//!
//! What can be proven: capacity only grows, so the optimum never rises; the
//! solves are optimal within the MIP gap, so the change is at least
//! `−(objective with − its proven bound)`
//! ([`super::step::MonthValueCheck::tolerance`]). The integer change need
//! not equal the LP dual: the LP optimum is convex in the free places, so
//! the LP falls by at most the dual for one more place, but the integer
//! optimum can fall by more or less than the LP's (sibling groups,
//! household rules and several children competing for one place make the
//! LP fractional), hence the count of months that differ.

use std::collections::BTreeMap;

use serde::Serialize;

use super::kpi::Quantiles;
use super::state::{State, StockPlace};
use super::step::MonthValueCheck;
use crate::dataset::raw::{Provider, RawDataset};
use crate::sufficiency::kinds::CareKind;
use crate::sufficiency::DAYS_PER_MONTH;

/// Weeks in a month of the projection.
pub const WEEKS_PER_MONTH: f64 = DAYS_PER_MONTH / 7.0;

/// The re-valued dual of one more place (see the module documentation):
/// `d − w_unplaced + external` when `d ≥ w_unplaced / 2`, else `d`.
pub fn money_value(dual: f64, w_unplaced: f64, external: f64) -> f64 {
    if dual >= w_unplaced / 2.0 {
        dual - w_unplaced + external
    } else {
        dual
    }
}

/// Where one more place would be: authority, provider kind, approval range.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PlaceClass {
    /// Authority (GSS code).
    pub authority: String,
    /// `InHouseFoster`, `AgencyFoster` or `ChildrensHome`.
    pub kind: CareKind,
    /// Youngest age approved.
    pub min_age: u32,
    /// Oldest age approved.
    pub max_age: u32,
}

impl PlaceClass {
    /// The class of a stock place.
    pub fn of(p: &StockPlace) -> PlaceClass {
        PlaceClass {
            authority: p.authority.clone(),
            kind: match p.provider {
                Some(Provider::Ifa) => CareKind::AgencyFoster,
                Some(_) => CareKind::InHouseFoster,
                None => CareKind::ChildrensHome,
            },
            min_age: p.min_age,
            max_age: p.max_age,
        }
    }
}

/// A draw's running estimate, class by class (£ over the months so far).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueTotals(pub BTreeMap<PlaceClass, f64>);

impl ValueTotals {
    /// Adds one month: the largest value of each class's places in the
    /// month's matching (`(stock index, £ a week)`), times the weeks in a month.
    pub fn add_month(&mut self, state: &State, place_values: &[(usize, f64)]) {
        for (class, (_, v)) in best_places(state, place_values) {
            *self.0.entry(class).or_default() += v * WEEKS_PER_MONTH;
        }
    }
}

/// Each class's best place in a month's `place_values` (stock index, value
/// a week): the largest value, the first in `place_values` on a tie.
pub fn best_places(
    state: &State,
    place_values: &[(usize, f64)],
) -> BTreeMap<PlaceClass, (usize, f64)> {
    let mut best: BTreeMap<PlaceClass, (usize, f64)> = BTreeMap::new();
    for &(j, v) in place_values {
        let Some(p) = state.stock.get(j) else {
            continue;
        };
        let e = best.entry(PlaceClass::of(p)).or_insert((j, v));
        if v > e.1 {
            *e = (j, v);
        }
    }
    best
}

/// `raw` with one more free place at the carer or home `id` (one fewer
/// occupied place when some are occupied, else one more approved place or
/// bed), everything else unchanged; `None` when no carer or home has that id.
pub fn with_one_more_place(raw: &RawDataset, id: &str) -> Option<RawDataset> {
    let mut plus = raw.clone();
    let grow = |capacity: &mut u32, occupied: &mut u32| {
        if *occupied > 0 {
            *occupied -= 1;
        } else {
            *capacity += 1;
        }
    };
    if let Some(c) = plus.carers.iter_mut().find(|c| c.id == id) {
        grow(&mut c.places, &mut c.occupied);
    } else if let Some(h) = plus.homes.iter_mut().find(|h| h.id == id) {
        grow(&mut h.beds, &mut h.occupied);
    } else {
        return None;
    }
    Some(plus)
}

/// A draw's check, class by class (in the order checked).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckTotals(pub Vec<ClassCheck>);

/// One class's check over a draw.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClassCheck {
    /// Σ re-solved value × weeks in the month, £.
    pub resolved: f64,
    /// Months re-solved.
    pub months: usize,
    /// Months whose re-solved value differed from the dual's by more than
    /// [`DIFFERS_BY`] a week.
    pub differing: usize,
}

/// A month's re-solved value "differs" from the dual's beyond this, £ a week.
pub const DIFFERS_BY: f64 = 1.0;

impl CheckTotals {
    /// Empty totals for `classes` classes.
    pub fn new(classes: usize) -> CheckTotals {
        CheckTotals(vec![ClassCheck::default(); classes])
    }

    /// Adds one month's re-solves.
    pub fn add_month(&mut self, checks: &[MonthValueCheck]) {
        for c in checks {
            let Some(t) = self.0.get_mut(c.class) else {
                continue;
            };
            t.resolved += c.resolved * WEEKS_PER_MONTH;
            t.months += 1;
            if (c.resolved - c.dual).abs() > DIFFERS_BY {
                t.differing += 1;
            }
        }
    }
}

/// The value of one more place of a class in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceValue {
    /// Where.
    pub class: PlaceClass,
    /// The estimate over the horizon across draws, £.
    pub value: Quantiles,
    /// The re-solve check, for the classes checked.
    pub check: Option<ValueCheck>,
}

/// The check of a class: every month's matching re-solved with one more
/// free place at the class's best place (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueCheck {
    /// The re-solved value over the horizon across draws, £ (Σ months of
    /// the re-valued fall of the matching objective × weeks in the month).
    pub resolved: Quantiles,
    /// Months re-solved, every draw together (months in which the class
    /// had a place in the matching).
    pub months: usize,
    /// Of these, months whose re-solved value differed from the dual's by
    /// more than £1 a week.
    pub months_differing: usize,
}

impl ValueCheck {
    /// Summarises a class's check across draws.
    pub fn of(draws: &[ClassCheck]) -> ValueCheck {
        let mut v: Vec<f64> = draws.iter().map(|d| d.resolved).collect();
        ValueCheck {
            resolved: Quantiles::of(&mut v),
            months: draws.iter().map(|d| d.months).sum(),
            months_differing: draws.iter().map(|d| d.differing).sum(),
        }
    }
}

/// Summarises each class's estimate across draws (a draw without the class
/// counts 0), sorted by median, largest first (ties by class).
pub fn summarise(draws: &[ValueTotals]) -> Vec<PlaceValue> {
    let mut classes: Vec<&PlaceClass> = draws.iter().flat_map(|d| d.0.keys()).collect();
    classes.sort();
    classes.dedup();
    let mut out: Vec<PlaceValue> = classes
        .into_iter()
        .map(|c| {
            let mut v: Vec<f64> = draws
                .iter()
                .map(|d| d.0.get(c).copied().unwrap_or(0.0))
                .collect();
            PlaceValue {
                class: c.clone(),
                value: Quantiles::of(&mut v),
                check: None,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.value
            .p50
            .total_cmp(&a.value.p50)
            .then_with(|| a.class.cmp(&b.class))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_value_replaces_the_penalty_by_the_external_cost() {
        assert_eq!(money_value(99_000.0, 100_000.0, 3_830.0), 2_830.0);
        assert_eq!(money_value(120.0, 100_000.0, 3_830.0), 120.0);
    }

    #[test]
    fn check_totals_add_each_class_s_months_and_count_those_differing() {
        let month = |class, dual, resolved| MonthValueCheck {
            class,
            place: 0,
            dual,
            change: 0.0,
            tolerance: 0.0,
            resolved,
        };
        let mut t = CheckTotals::new(2);
        t.add_month(&[month(1, 220.0, 220.5), month(0, 220.0, 0.0)]);
        t.add_month(&[month(1, 10.0, 12.0)]);
        let w = WEEKS_PER_MONTH;
        assert_eq!(t.0[0].months, 1);
        assert_eq!(t.0[0].differing, 1);
        assert_eq!(t.0[0].resolved, 0.0);
        assert_eq!(t.0[1].months, 2);
        assert_eq!(t.0[1].differing, 1);
        assert!((t.0[1].resolved - 232.5 * w).abs() < 1e-9);
        let c = ValueCheck::of(&[t.0[1], t.0[0]]);
        assert_eq!((c.months, c.months_differing), (3, 2));
        assert!((c.resolved.mean - 232.5 * w / 2.0).abs() < 1e-9);
    }

    #[test]
    fn summary_counts_a_missing_class_as_zero_and_sorts_by_median() {
        let a = PlaceClass {
            authority: "E1".into(),
            kind: CareKind::InHouseFoster,
            min_age: 0,
            max_age: 17,
        };
        let b = PlaceClass {
            kind: CareKind::ChildrensHome,
            ..a.clone()
        };
        let d1 = ValueTotals([(a.clone(), 10.0), (b.clone(), 50.0)].into());
        let d2 = ValueTotals([(b.clone(), 30.0)].into());
        let d3 = ValueTotals([(a.clone(), 20.0), (b.clone(), 40.0)].into());
        let s = summarise(&[d1, d2, d3]);
        assert_eq!(s[0].class, b);
        assert_eq!(s[0].value.p50, 40.0);
        assert_eq!(s[1].value.p50, 10.0);
    }
}
