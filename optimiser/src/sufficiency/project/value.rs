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
//! only loosely. The check ([`super::sweep::SweepOptions::check_value_of_place`])
//! re-runs each draw with one more place of a class — a one-place copy of
//! the class's cheapest place at the start — and reports the realised
//! change of the cost over the horizon (`Σ_months (weekly_cost without −
//! weekly_cost with) × weeks in the month`, the projection's own
//! `weekly_cost`, with inflation) beside the estimate.

use std::collections::BTreeMap;

use serde::Serialize;

use super::kpi::Quantiles;
use super::state::{State, StockPlace};
use crate::dataset::raw::Provider;
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
        let mut best: BTreeMap<PlaceClass, f64> = BTreeMap::new();
        for &(j, v) in place_values {
            let Some(p) = state.stock.get(j) else {
                continue;
            };
            let e = best.entry(PlaceClass::of(p)).or_insert(f64::NEG_INFINITY);
            *e = e.max(v);
        }
        for (class, v) in best {
            *self.0.entry(class).or_default() += v * WEEKS_PER_MONTH;
        }
    }
}

/// A one-place copy of the cheapest open place of `class` in `state`'s
/// stock (ties: the first), or `None` when the class has no open place.
pub fn extra_place(state: &State, class: &PlaceClass) -> Option<StockPlace> {
    let template = state
        .stock
        .iter()
        .filter(|p| p.open && PlaceClass::of(p) == *class)
        .min_by(|a, b| a.weekly_cost.total_cmp(&b.weekly_cost))?;
    Some(StockPlace {
        id: format!("{}+1", template.id),
        capacity: 1,
        fixed: 0,
        seated: 0,
        constellation: None,
        hub: false,
        extra: true,
        ..template.clone()
    })
}

/// The value of one more place of a class in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceValue {
    /// Where.
    pub class: PlaceClass,
    /// The estimate over the horizon across draws, £.
    pub value: Quantiles,
    /// The re-run check, for the classes checked.
    pub check: Option<ValueCheck>,
}

/// A re-run of every draw with one more place of a class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueCheck {
    /// The place copied (one place, same approval, cost and location).
    pub copy_of: String,
    /// Realised saving over the horizon across draws, £ (the change of
    /// `Σ weekly_cost × weeks`; positive: the extra place saved money).
    pub realised: Quantiles,
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
