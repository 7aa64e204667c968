//! A scenario: what a planner changes on the demand and supply side.
//!
//! A scenario is plain data (no I/O): the `api` crate reads it from TOML.
//! Every change is relative to the projection's input (the base): an empty
//! scenario *is* the base scenario.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::super::kinds::{AgeBand, CareKind, Need};
use crate::dataset::raw::{Provider, RawLocation};
use crate::matching::Weights;

/// A change to the projection's input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Name (unique in a sweep; `base` by convention for the unchanged input).
    pub name: String,
    /// What it tests, for the reader.
    #[serde(default)]
    pub description: String,
    /// Entry-rate multipliers; every matching multiplier applies (their product).
    #[serde(default)]
    pub demand: Vec<DemandMultiplier>,
    /// Foster households recruited.
    #[serde(default)]
    pub recruit: Vec<Recruitment>,
    /// Foster households de-registering, a share a year by provider.
    #[serde(default)]
    pub deregister: Vec<Deregistration>,
    /// Free foster places withdrawn at once (an agency leaving a framework).
    #[serde(default)]
    pub withdraw: Vec<Withdrawal>,
    /// Existing households formed into new Mockingbird constellations.
    #[serde(default)]
    pub constellations: Vec<NewConstellation>,
    /// Children's homes opened.
    #[serde(default)]
    pub homes_opened: Vec<NewHome>,
    /// Children's homes closed (by id).
    #[serde(default)]
    pub homes_closed: Vec<HomeClosure>,
    /// Cost inflation a year by placement kind (0.05 is 5 %), compounding
    /// monthly from month 0; applies to every weekly cost of the kind.
    #[serde(default)]
    pub inflation: BTreeMap<CareKind, f64>,
    /// Matching weights (default [`Weights::default`]).
    #[serde(default)]
    pub weights: Option<Weights>,
    /// Horizon, months (default: the input's).
    #[serde(default)]
    pub months: Option<u32>,
}

/// Multiplies the entry rates of the cells it matches (`None`: any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandMultiplier {
    /// Age band at entry.
    pub age_band: Option<AgeBand>,
    /// Category of need.
    pub need: Option<Need>,
    /// Authority (GSS code).
    pub authority: Option<String>,
    /// Factor, ≥ 0 (1.2 is 20 % more entrants).
    pub factor: f64,
}

/// Where recruited households live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Near the authority's existing households: each recruit at an existing
    /// foster household of the authority chosen at random (or its
    /// representative point if it has none), moved by up to 2 km.
    Authority(String),
    /// Uniformly in a circle.
    Circle {
        /// Centre.
        centre: RawLocation,
        /// Radius, km (> 0).
        radius_km: f64,
    },
}

/// Households recruited in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recruitment {
    /// Number of households.
    pub count: u32,
    /// In-house or agency (kinship carers are approved for named children,
    /// so they are not recruited).
    pub provider: Provider,
    /// Authority the households belong to.
    pub authority: String,
    /// Where they live.
    pub area: Area,
    /// Approved places each (1–3 usual).
    pub places: u32,
    /// Youngest age approved for.
    pub min_age: u32,
    /// Oldest age approved for.
    pub max_age: u32,
    /// Skills (need tags of the dataset).
    pub skills: Vec<String>,
    /// Weekly cost of a placement (default: the kind's [`super::super::weekly_cost`]).
    pub weekly_cost: Option<f64>,
    /// Month (1-based) they are approved in.
    pub month: u32,
}

/// Households of a provider leaving, a share a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deregistration {
    /// Provider.
    pub provider: Provider,
    /// Share of households a year, in [0, 1]; each household leaves in a
    /// month with probability `1 − (1 − share)^(1/12)`, and a household in a
    /// Mockingbird constellation with 18 % of that (82 % less likely to
    /// de-register: Rees Centre 2020).
    pub share_per_year: f64,
    /// Only in this authority (`None`: all).
    pub authority: Option<String>,
}

/// Free places of a provider withdrawn in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// Provider.
    pub provider: Provider,
    /// Free places withdrawn (fewer if fewer are free).
    pub places: u32,
    /// Only in this authority (`None`: all).
    pub authority: Option<String>,
    /// Month (1-based).
    pub month: u32,
}

/// Existing foster households formed into a constellation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewConstellation {
    /// Constellation id (new).
    pub id: String,
    /// Hub household id.
    pub hub: String,
    /// Satellite household ids.
    pub satellites: Vec<String>,
    /// Month (1-based) it starts.
    pub month: u32,
}

/// A children's home opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewHome {
    /// Id (new, unique among places).
    pub id: String,
    /// Authority (GSS code).
    pub authority: String,
    /// Where.
    pub location: RawLocation,
    /// Registered beds.
    pub beds: u32,
    /// Youngest age.
    pub min_age: u32,
    /// Oldest age.
    pub max_age: u32,
    /// Needs accepted (tags).
    pub accepts: Vec<String>,
    /// Weekly cost of a bed.
    pub weekly_cost: f64,
    /// Month (1-based) it opens.
    pub month: u32,
}

/// A children's home closed to new children (those living there stay).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeClosure {
    /// The home's id.
    pub id: String,
    /// Month (1-based).
    pub month: u32,
}

impl Scenario {
    /// The unchanged input.
    pub fn base() -> Scenario {
        Scenario {
            name: "base".into(),
            ..Scenario::default()
        }
    }

    /// The entry-rate factor of a cell: the product of every matching multiplier.
    pub fn demand_factor(&self, band: AgeBand, need: Need, authority: &str) -> f64 {
        self.demand
            .iter()
            .filter(|d| {
                d.age_band.is_none_or(|b| b == band)
                    && d.need.is_none_or(|n| n == need)
                    && d.authority.as_deref().is_none_or(|a| a == authority)
            })
            .map(|d| d.factor)
            .product()
    }

    /// The cost factor of a kind at month `m`: `(1 + rate)^(m / 12)`.
    pub fn cost_factor(&self, kind: CareKind, month: u32) -> f64 {
        let rate = self.inflation.get(&kind).copied().unwrap_or(0.0);
        (1.0 + rate).powf(f64::from(month) / 12.0)
    }

    /// The matching weights.
    pub fn weights(&self) -> Weights {
        self.weights.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demand_factor_multiplies_matching_cells_only() {
        let mut s = Scenario::base();
        s.demand.push(DemandMultiplier {
            age_band: Some(AgeBand::Age10To15),
            need: None,
            authority: None,
            factor: 1.5,
        });
        s.demand.push(DemandMultiplier {
            age_band: None,
            need: None,
            authority: Some("E1".into()),
            factor: 2.0,
        });
        assert_eq!(s.demand_factor(AgeBand::Age10To15, Need::N1, "E1"), 3.0);
        assert_eq!(s.demand_factor(AgeBand::Age10To15, Need::N1, "E2"), 1.5);
        assert_eq!(s.demand_factor(AgeBand::Under1, Need::N1, "E2"), 1.0);
    }

    #[test]
    fn cost_factor_compounds() {
        let mut s = Scenario::base();
        s.inflation.insert(CareKind::ChildrensHome, 0.1);
        assert!((s.cost_factor(CareKind::ChildrensHome, 24) - 1.21).abs() < 1e-12);
        assert_eq!(s.cost_factor(CareKind::InHouseFoster, 24), 1.0);
    }
}
