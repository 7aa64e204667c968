//! The figures of a month, and their quantiles across draws.
//!
//! Every month of every draw gives one value per key (missing ones are 0),
//! in the order of [`KpiKeys`]:
//!
//! | key | meaning |
//! |---|---|
//! | `looked_after` | children looked after at the end of the month |
//! | `looked_after.age.<band>`, `.kind.<kind>`, `.age_kind.<band>.<kind>` | the same by age band, placement kind, both |
//! | `entrants`, `leavers`, `moves` | children starting, leaving care, placements ending in the month |
//! | `placed_in_stock` | children placed in the stock's free places in the month |
//! | `gap` | children the stock could not take in the month (placed out of area) |
//! | `gap.age.<band>`, `.need.<N>`, `.authority.<GSS>`, `.reason.<reason>` | the same by age band, need, authority, the matching's reason |
//! | `gap_total`, `gap_total.age.<band>`, … | every `gap` figure summed from month 1 to this month |
//! | `share_within_20_miles` | of the children whose placement's place is known (in the stock) or who are out of area, the share placed within 32.19 km of their anchor (out of area counts as beyond) |
//! | `share_in_own_authority` | of the same children, the share placed in their own authority (out of area counts as outside) |
//! | `siblings.groups`, `siblings.together` | sibling groups with two or more children looked after, and those all in one place of the stock |
//! | `mix.kinship`, `mix.in_house`, `mix.agency`, `mix.constellation`, `mix.residential`, `mix.out_of_area`, `mix.other` | children by placement: kinship foster; in-house or agency foster outside a constellation (stock or outside the stock); a household in a Mockingbird constellation; a children's home (stock or outside); out of area (the gap, still there); secure, supported/independent and other |
//! | `free.foster`, `free.residential` | free places of the open stock at the end of the month |
//! | `weekly_cost` | the weekly cost of every child's placement, with the scenario's inflation by kind to that month |
//! | `annual_cost` | `weekly_cost × 365.25 / 7` |
//! | `solver_retries` | monthly solves HiGHS failed on (status unknown) and that were solved again with every column ([`crate::matching::Strategy::Full`]) |

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::scenario::Scenario;
use super::state::{Placement, State};
use super::step::MonthFlows;
use crate::matching::UnplacedReason;
use crate::sufficiency::kinds::{AgeBand, CareKind, Need};

/// 20 miles in km: the national statistics' distance threshold.
pub const TWENTY_MILES_KM: f64 = 32.186_88;

/// Days in a year over days in a week.
pub const WEEKS_PER_YEAR: f64 = 365.25 / 7.0;

/// Every unplaced reason, in key order.
pub const REASONS: [UnplacedReason; 7] = [
    UnplacedReason::NoEligiblePlace,
    UnplacedReason::SiblingsCannotBeKeptTogether,
    UnplacedReason::EligiblePlacesTaken,
    UnplacedReason::CostExceedsUnplacedPenalty,
    UnplacedReason::NotPlacedWithinTimeLimit,
    UnplacedReason::ExcludedByHomeRules,
    UnplacedReason::ConflictsWithChildrenPlaced,
];

/// The key name of an unplaced reason.
pub fn reason_key(r: UnplacedReason) -> &'static str {
    match r {
        UnplacedReason::NoEligiblePlace => "no_eligible_place",
        UnplacedReason::SiblingsCannotBeKeptTogether => "siblings_cannot_be_kept_together",
        UnplacedReason::EligiblePlacesTaken => "eligible_places_taken",
        UnplacedReason::CostExceedsUnplacedPenalty => "cost_exceeds_unplaced_penalty",
        UnplacedReason::NotPlacedWithinTimeLimit => "not_placed_within_time_limit",
        UnplacedReason::ExcludedByHomeRules => "excluded_by_home_rules",
        UnplacedReason::ConflictsWithChildrenPlaced => "conflicts_with_children_placed",
    }
}

/// The key name of an age band (`under_1`, `1_to_4`, …).
pub fn band_key(b: AgeBand) -> &'static str {
    match b {
        AgeBand::Under1 => "under_1",
        AgeBand::Age1To4 => "1_to_4",
        AgeBand::Age5To9 => "5_to_9",
        AgeBand::Age10To15 => "10_to_15",
        AgeBand::Age16To17 => "16_to_17",
    }
}

/// The key name of a kind (`kinship_foster`, …).
pub fn kind_key(k: CareKind) -> &'static str {
    match k {
        CareKind::KinshipFoster => "kinship_foster",
        CareKind::InHouseFoster => "in_house_foster",
        CareKind::AgencyFoster => "agency_foster",
        CareKind::Secure => "secure",
        CareKind::ChildrensHome => "childrens_home",
        CareKind::SupportedIndependent => "supported_independent",
        CareKind::Other => "other",
    }
}

/// The keys of a run, in order, and where each group starts.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiKeys {
    /// Every key.
    pub names: Vec<String>,
    authorities: Vec<String>,
    lookup: HashMap<String, usize>,
    /// (a `gap` figure, its `gap_total`).
    totals: Vec<(usize, usize)>,
}

const MIX: [&str; 7] = [
    "kinship",
    "in_house",
    "agency",
    "constellation",
    "residential",
    "out_of_area",
    "other",
];

impl KpiKeys {
    /// The keys for these authorities (GSS codes, in input order).
    pub fn new(authorities: &[String]) -> KpiKeys {
        let mut n: Vec<String> = vec!["looked_after".into()];
        for b in AgeBand::ALL {
            n.push(format!("looked_after.age.{}", band_key(b)));
        }
        for k in CareKind::ALL {
            n.push(format!("looked_after.kind.{}", kind_key(k)));
        }
        for b in AgeBand::ALL {
            for k in CareKind::ALL {
                n.push(format!(
                    "looked_after.age_kind.{}.{}",
                    band_key(b),
                    kind_key(k)
                ));
            }
        }
        for k in ["entrants", "leavers", "moves", "placed_in_stock", "gap"] {
            n.push(k.into());
        }
        for b in AgeBand::ALL {
            n.push(format!("gap.age.{}", band_key(b)));
        }
        for need in Need::ALL {
            n.push(format!("gap.need.{}", need.code()));
        }
        for a in authorities {
            n.push(format!("gap.authority.{a}"));
        }
        for r in REASONS {
            n.push(format!("gap.reason.{}", reason_key(r)));
        }
        let gap_keys: Vec<String> = n
            .iter()
            .filter(|k| *k == "gap" || k.starts_with("gap."))
            .cloned()
            .collect();
        for k in gap_keys {
            n.push(k.replacen("gap", "gap_total", 1));
        }
        for k in [
            "share_within_20_miles",
            "share_in_own_authority",
            "siblings.groups",
            "siblings.together",
        ] {
            n.push(k.into());
        }
        for m in MIX {
            n.push(format!("mix.{m}"));
        }
        for k in [
            "free.foster",
            "free.residential",
            "weekly_cost",
            "annual_cost",
            "solver_retries",
        ] {
            n.push(k.into());
        }
        let lookup: HashMap<String, usize> =
            n.iter().enumerate().map(|(i, k)| (k.clone(), i)).collect();
        let totals = n
            .iter()
            .enumerate()
            .filter_map(|(i, k)| {
                let total = k.strip_prefix("gap")?;
                lookup.get(&format!("gap_total{total}")).map(|&t| (i, t))
            })
            .collect();
        KpiKeys {
            names: n,
            authorities: authorities.to_vec(),
            lookup,
            totals,
        }
    }

    /// The position of a key.
    pub fn index(&self, key: &str) -> Option<usize> {
        self.lookup.get(key).copied()
    }

    /// The figures of a month (see the module documentation).
    pub fn measure(
        &self,
        state: &State,
        flows: &MonthFlows,
        previous: Option<&[f64]>,
        scenario: &Scenario,
        month: u32,
    ) -> Vec<f64> {
        let mut v = vec![0.0; self.names.len()];
        let mut add = |key: &str, x: f64| {
            if let Some(i) = self.index(key) {
                v[i] += x;
            }
        };
        let (mut known, mut within, mut inside) = (0.0, 0.0, 0.0);
        let mut weekly = 0.0;
        let mut groups: std::collections::BTreeMap<&str, Vec<Option<usize>>> = Default::default();
        for c in &state.children {
            let kind = c.kind(&state.stock);
            let (b, k) = (band_key(c.band()), kind_key(kind));
            add("looked_after", 1.0);
            add(&format!("looked_after.age.{b}"), 1.0);
            add(&format!("looked_after.kind.{k}"), 1.0);
            add(&format!("looked_after.age_kind.{b}.{k}"), 1.0);
            let mix = match c.placement {
                Placement::OutOfArea(_) => "out_of_area",
                Placement::Stock(j) if state.stock[j].constellation.is_some() => "constellation",
                _ => match kind {
                    CareKind::KinshipFoster => "kinship",
                    CareKind::InHouseFoster => "in_house",
                    CareKind::AgencyFoster => "agency",
                    CareKind::ChildrensHome => "residential",
                    _ => "other",
                },
            };
            add(&format!("mix.{mix}"), 1.0);
            match c.placement {
                Placement::Stock(_) | Placement::OutOfArea(_) => {
                    known += 1.0;
                    if c.km.is_some_and(|km| km <= TWENTY_MILES_KM) {
                        within += 1.0;
                    }
                    if c.in_own_authority == Some(true) {
                        inside += 1.0;
                    }
                }
                Placement::External(_) => {}
            }
            weekly += c.weekly_cost * scenario.cost_factor(kind, month);
            if let Some(g) = &c.sibling_group {
                let at = match c.placement {
                    Placement::Stock(j) => Some(j),
                    _ => None,
                };
                groups.entry(g.as_str()).or_default().push(at);
            }
        }
        add("entrants", flows.entrants as f64);
        add("leavers", flows.leavers as f64);
        add("moves", flows.moves as f64);
        add("placed_in_stock", flows.placed_in_stock as f64);
        add("solver_retries", flows.solver_retries as f64);
        add("gap", flows.gaps.len() as f64);
        for g in &flows.gaps {
            add(&format!("gap.age.{}", band_key(g.band)), 1.0);
            add(&format!("gap.need.{}", g.need.code()), 1.0);
            if let Some(a) = self.authorities.get(g.authority) {
                add(&format!("gap.authority.{a}"), 1.0);
            }
            add(&format!("gap.reason.{}", reason_key(g.reason)), 1.0);
        }
        if known > 0.0 {
            add("share_within_20_miles", within / known);
            add("share_in_own_authority", inside / known);
        }
        for members in groups.values().filter(|m| m.len() >= 2) {
            add("siblings.groups", 1.0);
            if members[0].is_some() && members.iter().all(|m| *m == members[0]) {
                add("siblings.together", 1.0);
            }
        }
        for p in &state.stock {
            let key = if p.provider.is_some() {
                "free.foster"
            } else {
                "free.residential"
            };
            add(key, f64::from(p.free()));
        }
        add("weekly_cost", weekly);
        add("annual_cost", weekly * WEEKS_PER_YEAR);
        for &(g, t) in &self.totals {
            v[t] = v[g] + previous.map_or(0.0, |p| p[t]);
        }
        v
    }
}

/// P10, P50, P90 and the mean of a figure across draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Quantiles {
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Mean.
    pub mean: f64,
}

impl Quantiles {
    /// Quantiles of `values` (linear interpolation between order statistics,
    /// the usual "type 7"); all 0 for no values.
    pub fn of(values: &mut [f64]) -> Quantiles {
        if values.is_empty() {
            return Quantiles {
                p10: 0.0,
                p50: 0.0,
                p90: 0.0,
                mean: 0.0,
            };
        }
        values.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let h = (values.len() - 1) as f64 * p;
            let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
            values[lo] + (h - lo as f64) * (values[hi] - values[lo])
        };
        Quantiles {
            p10: q(0.1),
            p50: q(0.5),
            p90: q(0.9),
            mean: values.iter().sum::<f64>() / values.len() as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let mut v: Vec<f64> = (0..=10).map(f64::from).collect();
        let q = Quantiles::of(&mut v);
        assert_eq!((q.p10, q.p50, q.p90, q.mean), (1.0, 5.0, 9.0, 5.0));
        let q = Quantiles::of(&mut [3.0]);
        assert_eq!((q.p10, q.p90), (3.0, 3.0));
    }

    #[test]
    fn keys_are_unique() {
        let k = KpiKeys::new(&["E1".into(), "E2".into()]);
        let mut n = k.names.clone();
        n.sort();
        n.dedup();
        assert_eq!(n.len(), k.names.len());
    }
}
