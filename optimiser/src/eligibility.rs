//! Whether a child may be placed in a place, and why not.
//!
//! Child *i* is eligible for place *j* when all of these hold:
//! 1. the child's `placement` allows the kind (foster → carers, residential →
//!    homes, any → both);
//! 2. `min_age ≤ age ≤ max_age` of the place;
//! 3. every need of the child is among the place's skills / accepted needs;
//! 4. `d(i, j) ≤ max_distance_km` when the child has a limit;
//! 5. the place has at least one free place;
//! 6. a kinship carer lists the child in `connected_children` (a kinship carer
//!    is eligible for no one else);
//! 7. (v1.1) the place takes the child's sex: a home registered for `boys`
//!    (`girls`), or a carer preferring them, takes only a `male` (`female`)
//!    child; a child of unknown sex fits only `mixed` places;
//! 8. (v1.1) no resident of a home has a risk incompatible with one of the
//!    child's (a pair of the dataset's `incompatible`, in either order);
//! 9. (v1.1) every resident of a home is within its `max_age_gap` of the
//!    child's age;
//! 10. (v1.1) for each of the home's mix limits on a risk the child has,
//!     fewer residents have that risk than the limit allows.
//!
//! Rules 8–10 compare the child with the children already living there;
//! between children placed in the same home in one solve the batch model
//! has rows of its own (see [`crate::matching`]).

use crate::dataset::{
    Child, ChildIdx, Dataset, Place, PlaceIdx, PlaceKind, PlacementKind, Provider, Sex, SexGroup,
};

/// The first rule a (child, place) pair fails, in the order of the module doc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// The child's placement type excludes this kind of place.
    Kind,
    /// Outside the place's approved age range.
    Age,
    /// The place does not meet every need.
    Needs,
    /// Further than the child's `max_distance_km`.
    Distance,
    /// No free place.
    Full,
    /// A kinship carer not connected to this child.
    NotConnected,
    /// The home's registration (or the carer's preference) is for the other
    /// sex, or the child's sex is unknown and the place is not mixed.
    Sex,
    /// A resident's risk is incompatible with one of the child's.
    IncompatibleResident,
    /// A resident's age is further from the child's than the home's `max_age_gap`.
    AgeGapResident,
    /// The home's mix limit on one of the child's risks is already full.
    MixLimitFull,
}

impl Ineligible {
    /// The rule's name, as shown in rankings and reasons.
    pub fn name(self) -> &'static str {
        match self {
            Ineligible::Kind => "placement_kind",
            Ineligible::Age => "age_range",
            Ineligible::Needs => "needs",
            Ineligible::Distance => "distance",
            Ineligible::Full => "no_free_place",
            Ineligible::NotConnected => "kinship_not_connected",
            Ineligible::Sex => "sex",
            Ineligible::IncompatibleResident => "incompatible_with_resident",
            Ineligible::AgeGapResident => "age_gap_with_resident",
            Ineligible::MixLimitFull => "mix_limit_full",
        }
    }

    /// Whether it is one of the v1.1 rules of a place's current children
    /// and mix (7–10 of the module doc).
    pub fn is_practice_rule(self) -> bool {
        matches!(
            self,
            Ineligible::Sex
                | Ineligible::IncompatibleResident
                | Ineligible::AgeGapResident
                | Ineligible::MixLimitFull
        )
    }
}

/// Checks every rule for child `i` and place `j` at distance `km` (see module doc).
pub fn check(data: &Dataset, i: ChildIdx, j: PlaceIdx, km: f64) -> Result<(), Ineligible> {
    let child = &data.children()[i];
    let place = &data.places()[j];
    let kind_ok = match child.placement {
        PlacementKind::Any => true,
        PlacementKind::Foster => place.is_carer(),
        PlacementKind::Residential => !place.is_carer(),
    };
    if !kind_ok {
        return Err(Ineligible::Kind);
    }
    if child.age < place.min_age || child.age > place.max_age {
        return Err(Ineligible::Age);
    }
    if !child.needs.is_subset_of(&place.offers) {
        return Err(Ineligible::Needs);
    }
    if !within_limit(child, km) {
        return Err(Ineligible::Distance);
    }
    if place.free_places() == 0 {
        return Err(Ineligible::Full);
    }
    if let PlaceKind::Carer {
        provider: Provider::Kinship,
        connected_children,
        ..
    } = &place.kind
    {
        if connected_children.binary_search(&i).is_err() {
            return Err(Ineligible::NotConnected);
        }
    }
    if !sex_fits(child, place) {
        return Err(Ineligible::Sex);
    }
    residents_and_mix(data, child, place)
}

/// Rule 7: the place takes the child's sex.
pub fn sex_fits(child: &Child, place: &Place) -> bool {
    matches!(
        (place.sex, child.sex),
        (SexGroup::Mixed, _)
            | (SexGroup::Boys, Some(Sex::Male))
            | (SexGroup::Girls, Some(Sex::Female))
    )
}

/// Rules 8–10: the child against the home's residents and mix limits.
fn residents_and_mix(data: &Dataset, child: &Child, place: &Place) -> Result<(), Ineligible> {
    if place
        .residents
        .iter()
        .any(|r| data.risks_conflict(&child.risks, &r.risks))
    {
        return Err(Ineligible::IncompatibleResident);
    }
    if let Some(gap) = place.max_age_gap {
        if place
            .residents
            .iter()
            .any(|r| r.age.abs_diff(child.age) > gap)
        {
            return Err(Ineligible::AgeGapResident);
        }
    }
    if child.risks.iter().any(|t| place.mix_room(t) == Some(0)) {
        return Err(Ineligible::MixLimitFull);
    }
    Ok(())
}

/// Which rule excludes child `i` from place `j` when the v1.1 rules (7–10)
/// are the only ones it fails: `Some(rule)`; `None` if it is eligible or a
/// v1 rule excludes it.
pub fn practice_rule_only(data: &Dataset, i: ChildIdx, j: PlaceIdx, km: f64) -> Option<Ineligible> {
    check(data, i, j, km).err().filter(|r| r.is_practice_rule())
}

/// Whether `km` is within the child's distance limit (always true without one).
pub fn within_limit(child: &Child, km: f64) -> bool {
    child.max_distance_km.is_none_or(|limit| km <= limit)
}

/// Whether child `i` is eligible for place `j`.
pub fn is_eligible(data: &Dataset, i: ChildIdx, j: PlaceIdx) -> bool {
    let km = data.children()[i]
        .anchor
        .distance_km(&data.places()[j].location);
    check(data, i, j, km).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::raw::*;
    use crate::dataset::Dataset;

    fn base() -> RawDataset {
        let loc = RawLocation {
            lat: 50.8,
            lon: -1.09,
        };
        RawDataset {
            version: crate::dataset::raw::ContractVersion::V1_1,
            authorities: vec![RawAuthority {
                id: "E06000044".into(),
                name: "Portsmouth".into(),
                location: loc,
            }],
            schools: vec![RawSchool {
                id: "100001".into(),
                name: "School".into(),
                location: RawLocation {
                    lat: 50.85,
                    lon: -1.09,
                },
            }],
            carers: vec![RawCarer {
                id: "C1".into(),
                authority: "E06000044".into(),
                provider: Provider::InHouse,
                location: loc,
                places: 2,
                occupied: 1,
                min_age: 5,
                max_age: 12,
                skills: vec!["disability".into(), "asc".into()],
                weekly_cost: 600.0,
                constellation: None,
                hub: false,
                connected_children: vec![],
                sex_preference: None,
            }],
            homes: vec![RawHome {
                id: "SC000001".into(),
                authority: "E06000044".into(),
                location: loc,
                beds: 4,
                occupied: 0,
                min_age: 11,
                max_age: 17,
                accepts: vec![],
                weekly_cost: 5000.0,
                sex: Default::default(),
                residents: vec![],
                mix_limits: vec![],
                max_age_gap: None,
            }],
            children: vec![RawChild {
                id: "K1".into(),
                authority: "E06000044".into(),
                age: 8,
                school: Some("100001".into()),
                needs: vec!["asc".into()],
                sibling_group: None,
                placement: PlacementKind::Any,
                max_distance_km: None,
                sex: None,
                risks: vec![],
            }],
            sibling_groups: vec![],
            incompatible: vec![],
            practice_weights: None,
        }
    }

    fn verdict(raw: RawDataset) -> Result<(), Ineligible> {
        let data = Dataset::try_from(raw).expect("valid");
        let km = data.children()[0]
            .anchor
            .distance_km(&data.places()[0].location);
        check(&data, 0, 0, km)
    }

    #[test]
    fn eligible_when_every_rule_holds() {
        assert_eq!(verdict(base()), Ok(()));
    }

    #[test]
    fn each_rule_can_exclude() {
        let mut r = base();
        r.children[0].placement = PlacementKind::Residential;
        assert_eq!(verdict(r), Err(Ineligible::Kind));
        let mut r = base();
        r.children[0].age = 13;
        assert_eq!(verdict(r), Err(Ineligible::Age));
        let mut r = base();
        r.children[0].age = 4;
        assert_eq!(verdict(r), Err(Ineligible::Age));
        let mut r = base();
        r.children[0].needs.push("sen".into());
        assert_eq!(verdict(r), Err(Ineligible::Needs));
        let mut r = base();
        r.children[0].max_distance_km = Some(5.0); // school is ~5.56 km north
        assert_eq!(verdict(r), Err(Ineligible::Distance));
        let mut r = base();
        r.carers[0].occupied = 2;
        assert_eq!(verdict(r), Err(Ineligible::Full));
        let mut r = base();
        r.carers[0].provider = Provider::Kinship;
        assert_eq!(verdict(r), Err(Ineligible::NotConnected));
    }

    #[test]
    fn boundaries_are_inclusive() {
        let mut r = base();
        r.children[0].age = 12;
        r.children[0].max_distance_km = Some(5.6);
        assert_eq!(verdict(r.clone()), Ok(()));
        r.children[0].age = 5;
        assert_eq!(verdict(r), Ok(()));
    }

    #[test]
    fn kinship_carer_takes_only_connected_children() {
        let mut r = base();
        r.carers[0].provider = Provider::Kinship;
        r.carers[0].connected_children = vec!["K1".into()];
        assert_eq!(verdict(r), Ok(()));
    }

    #[test]
    fn residential_child_goes_to_homes_only() {
        let mut r = base();
        r.children[0].placement = PlacementKind::Residential;
        r.children[0].age = 12;
        r.children[0].needs.clear();
        let data = Dataset::try_from(r).expect("valid");
        assert!(!is_eligible(&data, 0, 0));
        assert!(is_eligible(&data, 0, 1));
    }
}
