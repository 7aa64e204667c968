//! The projection state: the children looked after and the stock of places,
//! and the one place each dataset record of a monthly solve is built.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::super::cohort::{CohortChild, CurrentPlacement};
use super::super::kinds::{AgeBand, CareKind, Need};
use super::ProjectionInput;
use crate::dataset::raw::{PlacementKind, Provider, RawCarer, RawChild, RawHome, RawLocation};
use crate::geography::Location;

/// A place of the stock: a foster household or a children's home.
#[derive(Debug, Clone, PartialEq)]
pub struct StockPlace {
    /// Id (the dataset's, or the scenario's for new places).
    pub id: String,
    /// Authority (GSS code).
    pub authority: String,
    /// Where.
    pub location: RawLocation,
    /// `Some` for a foster household, `None` for a children's home.
    pub provider: Option<Provider>,
    /// Approved places or registered beds.
    pub capacity: u32,
    /// Places taken by children outside the projection (never freed).
    pub fixed: u32,
    /// Places taken by children of the projection.
    pub seated: u32,
    /// Youngest age.
    pub min_age: u32,
    /// Oldest age.
    pub max_age: u32,
    /// Skills or accepted needs.
    pub tags: Vec<String>,
    /// Weekly cost of a placement.
    pub weekly_cost: f64,
    /// Mockingbird constellation, if any.
    pub constellation: Option<String>,
    /// Hub of its constellation.
    pub hub: bool,
    /// Takes new children (false once de-registered, withdrawn or closed).
    pub open: bool,
}

impl StockPlace {
    /// Places free for new children.
    pub fn free(&self) -> u32 {
        if self.open {
            self.capacity.saturating_sub(self.fixed + self.seated)
        } else {
            0
        }
    }

    /// The projection's kind of a placement here.
    pub fn care_kind(&self) -> CareKind {
        match self.provider {
            None => CareKind::ChildrensHome,
            Some(Provider::InHouse) => CareKind::InHouseFoster,
            Some(Provider::Ifa) => CareKind::AgencyFoster,
            Some(Provider::Kinship) => CareKind::KinshipFoster,
        }
    }
}

/// Where a child of the projection lives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Placement {
    /// In a place of the stock (index into [`State::stock`]).
    Stock(usize),
    /// Outside the stock, of a kind, by nature (kinship, secure,
    /// supported/independent, other) or from the starting cohort.
    External(CareKind),
    /// Out of area because the stock could not take the child: the
    /// sufficiency gap, at the external weekly cost of its kind.
    OutOfArea(CareKind),
}

/// A child looked after.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjChild {
    /// Pseudonymous id.
    pub id: String,
    /// Age in months.
    pub age_months: u32,
    /// Category of need.
    pub need: Need,
    /// Index of the authority in [`ProjectionInput::authorities`].
    pub authority: usize,
    /// Distance anchor.
    pub anchor: RawLocation,
    /// Sibling group, if any.
    pub sibling_group: Option<String>,
    /// Where they live.
    pub placement: Placement,
    /// Weekly cost at month 0 prices (the place's, or the kind's external cost).
    pub weekly_cost: f64,
    /// Km from the anchor, when the place is known.
    pub km: Option<f64>,
    /// Whether the place is in the child's own authority, when known.
    pub in_own_authority: Option<bool>,
    /// Months in care.
    pub months_in_care: u32,
    /// Months in this placement.
    pub months_in_placement: u32,
}

impl ProjChild {
    /// The kind of the current placement.
    pub fn kind(&self, stock: &[StockPlace]) -> CareKind {
        match self.placement {
            Placement::Stock(j) => stock[j].care_kind(),
            Placement::External(k) | Placement::OutOfArea(k) => k,
        }
    }

    /// Age band.
    pub fn band(&self) -> AgeBand {
        AgeBand::of_months(f64::from(self.age_months))
    }
}

/// The state of one draw.
#[derive(Debug, Clone)]
pub struct State {
    /// Children looked after.
    pub children: Vec<ProjChild>,
    /// The stock.
    pub stock: Vec<StockPlace>,
}

impl State {
    /// Free places now in the stock's foster households (`foster`) or in
    /// its children's homes.
    pub fn free_places(&self, foster: bool) -> u32 {
        self.stock
            .iter()
            .filter(|p| p.provider.is_some() == foster)
            .map(StockPlace::free)
            .sum()
    }

    /// The starting state (see the module documentation: kinship carers are
    /// left out; the cohort's in-house and agency foster children are seated
    /// in the occupied places of their authority's households of that
    /// provider; a child whose children's home is in the stock is seated there).
    pub fn start(input: &ProjectionInput) -> State {
        let mut stock: Vec<StockPlace> = Vec::new();
        for c in &input.stock.carers {
            if c.provider == Provider::Kinship {
                continue;
            }
            stock.push(StockPlace {
                id: c.id.clone(),
                authority: c.authority.clone(),
                location: c.location,
                provider: Some(c.provider),
                capacity: c.places,
                fixed: c.occupied,
                seated: 0,
                min_age: c.min_age,
                max_age: c.max_age,
                tags: c.skills.clone(),
                weekly_cost: c.weekly_cost,
                constellation: c.constellation.clone(),
                hub: c.hub,
                open: true,
            });
        }
        for h in &input.stock.homes {
            stock.push(StockPlace {
                id: h.id.clone(),
                authority: h.authority.clone(),
                location: h.location,
                provider: None,
                capacity: h.beds,
                fixed: h.occupied,
                seated: 0,
                min_age: h.min_age,
                max_age: h.max_age,
                tags: h.accepts.clone(),
                weekly_cost: h.weekly_cost,
                constellation: None,
                hub: false,
                open: true,
            });
        }
        let mut children = Vec::new();
        for (a, demand) in input.authorities.iter().enumerate() {
            for c in &demand.cohort.children {
                children.push(cohort_child(input, a, c, &mut stock));
            }
        }
        State { children, stock }
    }
}

fn cohort_child(
    input: &ProjectionInput,
    a: usize,
    c: &CohortChild,
    stock: &mut [StockPlace],
) -> ProjChild {
    let anchor = c.anchor.unwrap_or_else(|| input.authority_location(a));
    let gss = &input.authorities[a].authority;
    let years = c.age_months / 12;
    let (kind, cost) = match &c.placement {
        CurrentPlacement::Place { .. } => (CareKind::ChildrensHome, None),
        CurrentPlacement::External { kind, weekly_cost } => (*kind, Some(*weekly_cost)),
    };
    // A seat: the named home, else an occupied place of the same provider
    // in the child's authority, whose approval covers the child's age.
    let seat = match &c.placement {
        CurrentPlacement::Place { id } => stock
            .iter()
            .position(|p| p.provider.is_none() && &p.id == id && p.fixed > 0),
        CurrentPlacement::External { kind, .. } => {
            let provider = match kind {
                CareKind::InHouseFoster => Some(Provider::InHouse),
                CareKind::AgencyFoster => Some(Provider::Ifa),
                _ => None,
            };
            provider.and_then(|pv| {
                stock.iter().position(|p| {
                    p.provider == Some(pv)
                        && &p.authority == gss
                        && p.fixed > 0
                        && (p.min_age..=p.max_age).contains(&years)
                })
            })
        }
    };
    let (placement, weekly_cost, km, own) = match seat {
        Some(j) => {
            let p = &mut stock[j];
            p.fixed -= 1;
            p.seated += 1;
            (
                Placement::Stock(j),
                p.weekly_cost,
                Some(distance_km(&anchor, &p.location)),
                Some(&p.authority == gss),
            )
        }
        None => (
            Placement::External(kind),
            cost.unwrap_or_else(|| input.external_cost(kind)),
            None,
            None,
        ),
    };
    ProjChild {
        id: c.id.clone(),
        age_months: c.age_months,
        need: c.need,
        authority: a,
        anchor,
        sibling_group: c.sibling_group.clone(),
        placement,
        weekly_cost,
        km,
        in_own_authority: own,
        months_in_care: c.months_in_care.max(0.0).floor() as u32,
        months_in_placement: c.months_in_placement.max(0.0).floor() as u32,
    }
}

/// Great-circle km between two points.
pub fn distance_km(a: &RawLocation, b: &RawLocation) -> f64 {
    Location::new_unchecked(a.lat, a.lon).distance_km(&Location::new_unchecked(b.lat, b.lon))
}

/// The need tags of a category of need, in the dataset's vocabulary: `N2`
/// (the child's disability) needs `disability`, `N6` (socially
/// unacceptable behaviour) needs `emotional_behavioural`; the other
/// categories need no particular skill.
pub fn need_tags(need: Need) -> Vec<String> {
    match need {
        Need::N2 => vec!["disability".into()],
        Need::N6 => vec!["emotional_behavioural".into()],
        _ => Vec::new(),
    }
}

/// The dataset child of a projection child needing a place of `kind`
/// (foster or residential), anchored at the school `school` (a synthetic
/// school at the child's anchor).
pub fn raw_child(c: &ProjChild, authority: &str, school: String, kind: PlacementKind) -> RawChild {
    RawChild {
        id: c.id.clone(),
        authority: authority.to_string(),
        age: c.age_months / 12,
        school: Some(school),
        needs: need_tags(c.need),
        sibling_group: c.sibling_group.clone(),
        placement: kind,
        max_distance_km: None,
        // The SSDA903 return's sex is not carried into the projection, and
        // its stock homes are all mixed (below), so no rule needs it.
        sex: None,
        risks: Vec::new(),
    }
}

/// The dataset carer of a stock household (`occupied` = all but its free places).
pub fn raw_carer(p: &StockPlace, provider: Provider) -> RawCarer {
    RawCarer {
        id: p.id.clone(),
        authority: p.authority.clone(),
        provider,
        location: p.location,
        places: p.capacity,
        occupied: p.capacity - p.free(),
        min_age: p.min_age,
        max_age: p.max_age,
        skills: p.tags.clone(),
        weekly_cost: p.weekly_cost,
        constellation: p.constellation.clone(),
        hub: p.hub,
        connected_children: Vec::new(),
        sex_preference: None,
    }
}

/// The dataset home of a stock home (`occupied` = all but its free beds).
pub fn raw_home(p: &StockPlace) -> RawHome {
    RawHome {
        id: p.id.clone(),
        authority: p.authority.clone(),
        location: p.location,
        beds: p.capacity,
        occupied: p.capacity - p.free(),
        min_age: p.min_age,
        max_age: p.max_age,
        accepts: p.tags.clone(),
        weekly_cost: p.weekly_cost,
        // The stock keeps no residents or mix rules (see the module doc).
        sex: Default::default(),
        residents: Vec::new(),
        mix_limits: Vec::new(),
        max_age_gap: None,
    }
}

/// A point uniformly in a disc of `radius_km` around `centre` (flat-earth
/// offsets, exact enough for tens of km).
pub fn point_in_disc(rng: &mut ChaCha8Rng, centre: &RawLocation, radius_km: f64) -> RawLocation {
    let r = radius_km * rng.random::<f64>().sqrt();
    let theta = rng.random::<f64>() * std::f64::consts::TAU;
    let dlat = r * theta.sin() / 111.195;
    let dlon = r * theta.cos() / (111.195 * centre.lat.to_radians().cos().max(0.01));
    RawLocation {
        lat: (centre.lat + dlat).clamp(-90.0, 90.0),
        lon: (centre.lon + dlon).clamp(-180.0, 180.0),
    }
}
