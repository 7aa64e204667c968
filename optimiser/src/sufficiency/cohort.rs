//! The projection's starting cohort: the children looked after at a date,
//! each with their current placement.

use serde::{Deserialize, Serialize};

use super::history::{CareHistory, EpisodeEnd, EpisodeStart, Sex};
use super::kinds::{CareKind, Need};
use super::EIGHTEEN_MONTHS;
use crate::dataset::raw::RawLocation;

/// Where a child of the cohort lives now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum CurrentPlacement {
    /// A place of the dataset (a children's home matched by its Ofsted URN).
    Place {
        /// The place's id in the dataset.
        id: String,
    },
    /// A placement outside the dataset.
    External {
        /// Its kind.
        kind: CareKind,
        /// Weekly cost, pounds.
        weekly_cost: f64,
    },
}

/// One child of the cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortChild {
    /// Pseudonymous id.
    pub id: String,
    /// Age in whole months.
    pub age_months: u32,
    /// Sex.
    pub sex: Sex,
    /// Category of need (the SSDA903 `CIN`); the dataset's need tags are not
    /// in the return.
    pub need: Need,
    /// Responsible authority (GSS code).
    pub authority: String,
    /// Distance anchor: the centroid of the home postcode district, when known
    /// (the return records no school).
    pub anchor: Option<RawLocation>,
    /// Sibling group id; the SSDA903 return has none, so `None` from an extract.
    pub sibling_group: Option<String>,
    /// The current placement.
    pub placement: CurrentPlacement,
    /// Months in this placement.
    pub months_in_placement: f64,
    /// Months in care (this period).
    pub months_in_care: f64,
}

/// The children looked after at a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// The date, months on the timeline.
    pub at: f64,
    /// The children, in the histories' order.
    pub children: Vec<CohortChild>,
}

/// Default weekly cost of an external placement of a kind, pounds. Sources
/// (`../shared/data/costs/unit_costs_reference.csv`): in-house foster £646
/// (PSSRU 2017), agency foster £820 and children's home £3,830 (CMA 2021).
/// Our own assumptions, to be replaced by an authority's figures: kinship
/// foster £450 (an allowance with less support), secure £7,000,
/// supported/independent £1,500, other £800.
pub fn weekly_cost(kind: CareKind) -> f64 {
    match kind {
        CareKind::KinshipFoster => 450.0,
        CareKind::InHouseFoster => 646.0,
        CareKind::AgencyFoster => 820.0,
        CareKind::Secure => 7000.0,
        CareKind::ChildrensHome => 3830.0,
        CareKind::SupportedIndependent => 1500.0,
        CareKind::Other => 800.0,
    }
}

/// The cohort at time `at`: every child with an episode open at `at` and
/// younger than 18. A children's home episode whose `URN` is a place of the
/// dataset (`is_place`) is that place; every other is external, costed with
/// `cost`.
pub fn cohort_at(
    histories: &[CareHistory],
    at: f64,
    authority: &str,
    is_place: &dyn Fn(&str) -> bool,
    cost: &dyn Fn(CareKind) -> f64,
) -> Cohort {
    let mut children = Vec::new();
    for h in histories {
        let age = h.age_at(at);
        if !(0.0..EIGHTEEN_MONTHS).contains(&age) {
            continue;
        }
        let Some(i) = h
            .episodes
            .iter()
            .position(|e| e.start <= at && e.end.is_none_or(|end| end > at))
        else {
            continue;
        };
        let ep = &h.episodes[i];
        // Walk back to the start of the placement and of the period.
        let mut placement_start = ep.start;
        let mut period_start = ep.start;
        let mut placement_found =
            ep.reason_start.is_move() || ep.reason_start == EpisodeStart::Started;
        for j in (0..i).rev() {
            let prev = &h.episodes[j];
            if matches!(prev.reason_end, EpisodeEnd::LeftCare(_)) {
                break;
            }
            period_start = prev.start;
            if !placement_found {
                placement_start = prev.start;
            }
            let started = h.episodes[j].reason_start;
            placement_found |= started.is_move() || started == EpisodeStart::Started;
            if started == EpisodeStart::Started {
                break;
            }
        }
        let placement = match ep.urn.as_deref().filter(|u| is_place(u)) {
            Some(id) if ep.kind == CareKind::ChildrensHome => {
                CurrentPlacement::Place { id: id.to_string() }
            }
            _ => CurrentPlacement::External {
                kind: ep.kind,
                weekly_cost: cost(ep.kind),
            },
        };
        children.push(CohortChild {
            id: h.child.clone(),
            age_months: age.floor() as u32,
            sex: h.sex,
            need: ep.need,
            authority: authority.to_string(),
            anchor: ep.home,
            sibling_group: None,
            placement,
            months_in_placement: at - placement_start,
            months_in_care: at - period_start,
        });
    }
    Cohort { at, children }
}
