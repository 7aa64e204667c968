//! Turning a [`RawDataset`] into a [`Dataset`], reporting every problem at once.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use super::limits::*;
use super::model::*;
use super::raw::*;
use crate::geography::Location;

/// Oldest age accepted anywhere (care leavers are supported to 25).
pub const MAX_AGE: u32 = 25;

/// One problem in the input: which table, which record, which field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidationError {
    /// Table (`carers`, `children`, …), or `dataset` for the document itself.
    pub table: &'static str,
    /// Position of the record in its table (0-based), if the problem is in a record.
    pub index: Option<usize>,
    /// Id of the record, if it has one.
    pub record: Option<String>,
    /// Field name (`location.lat`, `occupied`, …).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.table)?;
        if let Some(i) = self.index {
            write!(f, "[{i}]")?;
        }
        if let Some(id) = &self.record {
            write!(f, " (id {id:?})")?;
        }
        write!(f, " field {}: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Collects errors while validating one table (shared with the other
/// input contracts, such as the commissioning input).
pub(crate) struct Errors(pub(crate) Vec<ValidationError>);

impl Errors {
    pub(crate) fn push(
        &mut self,
        table: &'static str,
        index: usize,
        id: &str,
        field: &str,
        message: String,
    ) {
        self.0.push(ValidationError {
            table,
            index: Some(index),
            record: Some(echo(id)),
            field: field.to_string(),
            message,
        });
    }

    pub(crate) fn location(
        &mut self,
        table: &'static str,
        index: usize,
        id: &str,
        loc: &RawLocation,
    ) -> Location {
        if !(loc.lat.is_finite() && (-90.0..=90.0).contains(&loc.lat)) {
            self.push(
                table,
                index,
                id,
                "location.lat",
                format!(
                    "latitude {} is not between -90 and 90",
                    echo_number(loc.lat)
                ),
            );
        }
        if !(loc.lon.is_finite() && (-180.0..=180.0).contains(&loc.lon)) {
            self.push(
                table,
                index,
                id,
                "location.lon",
                format!(
                    "longitude {} is not between -180 and 180",
                    echo_number(loc.lon)
                ),
            );
        }
        Location::new_unchecked(loc.lat, loc.lon)
    }

    /// A weekly cost: finite, ≥ 0 and at most [`MAX_WEEKLY_COST`].
    pub(crate) fn cost(
        &mut self,
        table: &'static str,
        index: usize,
        id: &str,
        field: &str,
        value: f64,
    ) {
        let shown = echo_number(value);
        if !value.is_finite() {
            self.push(
                table,
                index,
                id,
                field,
                format!("{shown} is not a finite number"),
            );
        } else if value < 0.0 {
            self.push(table, index, id, field, format!("{shown} is negative"));
        } else if value > MAX_WEEKLY_COST {
            self.push(
                table,
                index,
                id,
                field,
                format!("{shown} is more than the limit of £{MAX_WEEKLY_COST} a week"),
            );
        }
    }

    /// A count of places or beds: at most [`MAX_CAPACITY`].
    pub(crate) fn count(
        &mut self,
        table: &'static str,
        index: usize,
        id: &str,
        field: &str,
        value: u32,
    ) {
        if value > MAX_CAPACITY {
            self.push(
                table,
                index,
                id,
                field,
                format!("{value} is more than the limit of {MAX_CAPACITY}"),
            );
        }
    }

    /// A table's number of records: at most `max` (a problem of the
    /// document, `document` being `dataset` or `commission`).
    pub(crate) fn table_size(
        &mut self,
        document: &'static str,
        table: &str,
        len: usize,
        max: usize,
    ) {
        if len > max {
            self.0.push(ValidationError {
                table: document,
                index: None,
                record: None,
                field: table.to_string(),
                message: format!("{len} records, more than the limit of {max}"),
            });
        }
    }

    pub(crate) fn ages(&mut self, table: &'static str, index: usize, id: &str, min: u32, max: u32) {
        if min > max {
            self.push(
                table,
                index,
                id,
                "min_age",
                format!("min_age {min} is greater than max_age {max}"),
            );
        }
        if max > MAX_AGE {
            self.push(
                table,
                index,
                id,
                "max_age",
                format!("max_age {max} is over {MAX_AGE}"),
            );
        }
    }

    pub(crate) fn capacity(
        &mut self,
        table: &'static str,
        index: usize,
        id: &str,
        field: &str,
        capacity: u32,
        occupied: u32,
    ) {
        self.count(table, index, id, field, capacity);
        self.count(table, index, id, "occupied", occupied);
        if occupied > capacity && capacity.max(occupied) <= MAX_CAPACITY {
            self.push(
                table,
                index,
                id,
                "occupied",
                format!("occupied {occupied} is greater than {field} {capacity}"),
            );
        }
    }

    pub(crate) fn id(
        &mut self,
        table: &'static str,
        index: usize,
        id: &str,
        seen: &mut HashMap<String, (&'static str, usize)>,
    ) {
        if id.trim().is_empty() {
            self.push(table, index, id, "id", "id is empty".into());
        } else if let Some((t, i)) = seen.insert(id.to_string(), (table, index)) {
            self.push(
                table,
                index,
                id,
                "id",
                format!("duplicate id: also {t}[{i}]"),
            );
        }
    }
}

/// Interns tag strings into [`Tag`] numbers.
#[derive(Default)]
pub(crate) struct Tags {
    pub(crate) names: Vec<String>,
    index: HashMap<String, Tag>,
}

impl Tags {
    /// One tag's number (interned on first sight).
    pub(crate) fn one(&mut self, tag: &str) -> Tag {
        let t = tag.trim();
        if let Some(&k) = self.index.get(t) {
            return k;
        }
        let k = self.names.len() as Tag;
        self.names.push(t.to_string());
        self.index.insert(t.to_string(), k);
        k
    }

    pub(crate) fn set(&mut self, tags: &[String]) -> TagSet {
        TagSet::new(tags.iter().map(|t| self.one(t)).collect())
    }
}

impl TryFrom<RawDataset> for Dataset {
    type Error = Vec<ValidationError>;

    fn try_from(raw: RawDataset) -> Result<Self, Self::Error> {
        validate(&raw)
    }
}

impl TryFrom<&RawDataset> for Dataset {
    type Error = Vec<ValidationError>;

    fn try_from(raw: &RawDataset) -> Result<Self, Self::Error> {
        validate(raw)
    }
}

impl Errors {
    /// Validates the authorities and schools tables (shared by every input
    /// contract): ids unique and non-empty, locations on the globe.
    pub(crate) fn places_of_reference(
        &mut self,
        authorities: &[RawAuthority],
        schools: &[RawSchool],
    ) -> (Vec<Authority>, Vec<School>) {
        let mut seen = HashMap::new();
        let authorities = authorities
            .iter()
            .enumerate()
            .map(|(i, a)| {
                self.id("authorities", i, &a.id, &mut seen);
                Authority {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    location: self.location("authorities", i, &a.id, &a.location),
                }
            })
            .collect();
        let mut seen = HashMap::new();
        let schools = schools
            .iter()
            .enumerate()
            .map(|(i, s)| {
                self.id("schools", i, &s.id, &mut seen);
                School {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    location: self.location("schools", i, &s.id, &s.location),
                }
            })
            .collect();
        (authorities, schools)
    }

    /// Checks what every child record has, whatever the contract: an age up
    /// to [`MAX_AGE`], a known school (returned as its index) and a positive
    /// distance limit. `(age, school, max_distance_km)` as on the wire.
    pub(crate) fn child_basics(
        &mut self,
        table: &'static str,
        index: usize,
        id: &str,
        (age, school, max_distance_km): (u32, Option<&str>, Option<f64>),
        school_ix: &HashMap<&str, usize>,
    ) -> Option<usize> {
        if age > MAX_AGE {
            self.push(
                table,
                index,
                id,
                "age",
                format!("age {age} is over {MAX_AGE}"),
            );
        }
        if let Some(d) = max_distance_km {
            if !(d.is_finite() && d > 0.0) {
                self.push(
                    table,
                    index,
                    id,
                    "max_distance_km",
                    format!("{} is not a positive finite number of km", echo_number(d)),
                );
            } else if d > MAX_DISTANCE_KM {
                self.push(
                    table,
                    index,
                    id,
                    "max_distance_km",
                    format!(
                        "{} km is more than the limit of {MAX_DISTANCE_KM} km (leave it out for no limit)",
                        echo_number(d)
                    ),
                );
            }
        }
        school.and_then(|s| match school_ix.get(s) {
            Some(&k) => Some(k),
            None => {
                self.push(
                    table,
                    index,
                    id,
                    "school",
                    format!("unknown school {:?}", echo(s)),
                );
                None
            }
        })
    }
}

impl Errors {
    /// A list of tags: none empty (`field[k]` names the bad one).
    fn tag_list(
        &mut self,
        table: &'static str,
        index: usize,
        id: &str,
        field: &str,
        list: &[String],
        tags: &mut Tags,
    ) -> TagSet {
        for (k, t) in list.iter().enumerate() {
            if t.trim().is_empty() {
                self.push(
                    table,
                    index,
                    id,
                    &format!("{field}[{k}]"),
                    "a tag is empty".into(),
                );
            }
        }
        tags.set(list)
    }

    /// A home's residents (at most `occupied`, ages up to [`MAX_AGE`]) and
    /// mix limits (distinct non-empty tags, `max` up to [`MAX_CAPACITY`]),
    /// and its `max_age_gap` (up to [`MAX_AGE`]).
    fn home_mix(
        &mut self,
        i: usize,
        h: &RawHome,
        tags: &mut Tags,
    ) -> (Vec<Resident>, Vec<(Tag, u32)>) {
        let t = "homes";
        if h.residents.len() > h.occupied as usize {
            self.push(
                t,
                i,
                &h.id,
                "residents",
                format!(
                    "{} residents listed but only {} beds occupied",
                    h.residents.len(),
                    h.occupied
                ),
            );
        }
        let residents = h
            .residents
            .iter()
            .enumerate()
            .map(|(k, r)| {
                if r.age > MAX_AGE {
                    let field = format!("residents[{k}].age");
                    self.push(
                        t,
                        i,
                        &h.id,
                        &field,
                        format!("age {} is over {MAX_AGE}", r.age),
                    );
                }
                let field = format!("residents[{k}].risks");
                Resident {
                    age: r.age,
                    risks: self.tag_list(t, i, &h.id, &field, &r.risks, tags),
                }
            })
            .collect();
        let mut limits: Vec<(Tag, u32)> = Vec::new();
        for (k, m) in h.mix_limits.iter().enumerate() {
            let field = format!("mix_limits[{k}]");
            if m.tag.trim().is_empty() {
                self.push(
                    t,
                    i,
                    &h.id,
                    &format!("{field}.tag"),
                    "a tag is empty".into(),
                );
                continue;
            }
            self.count(t, i, &h.id, &format!("{field}.max"), m.max);
            let tag = tags.one(&m.tag);
            if limits.iter().any(|&(s, _)| s == tag) {
                let message = format!("tag {:?} has two limits", echo(&m.tag));
                self.push(t, i, &h.id, &format!("{field}.tag"), message);
            }
            limits.push((tag, m.max));
        }
        limits.sort_unstable();
        limits.dedup_by_key(|l| l.0);
        if let Some(gap) = h.max_age_gap.filter(|&g| g > MAX_AGE) {
            self.push(
                t,
                i,
                &h.id,
                "max_age_gap",
                format!("{gap} is over {MAX_AGE}"),
            );
        }
        (residents, limits)
    }

    /// The dataset's incompatible pairs: exactly two non-empty tags each.
    fn incompatible(&mut self, pairs: &[Vec<String>], tags: &mut Tags) -> Vec<(Tag, Tag)> {
        self.table_size("dataset", "incompatible", pairs.len(), MAX_INCOMPATIBLE);
        let mut out = Vec::new();
        for (k, pair) in pairs.iter().enumerate() {
            let bad = match pair.as_slice() {
                [a, b] if !a.trim().is_empty() && !b.trim().is_empty() => None,
                [_, _] => Some("a tag is empty".to_string()),
                other => Some(format!("a pair has two tags, not {}", other.len())),
            };
            if let Some(message) = bad {
                self.0.push(ValidationError {
                    table: "incompatible",
                    index: Some(k),
                    record: None,
                    field: "tags".into(),
                    message,
                });
                continue;
            }
            let (a, b) = (tags.one(&pair[0]), tags.one(&pair[1]));
            out.push((a.min(b), a.max(b)));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The weights of practice: each finite, ≥ 0 and at most
    /// [`crate::limits::MAX_WEIGHT`]; `w_split_constellation ≤ w_split`.
    fn practice(&mut self, raw: Option<&RawPracticeWeights>) -> PracticeWeights {
        let mut w = PracticeWeights::default();
        let Some(raw) = raw else { return w };
        for (field, value, slot) in [
            ("w_split", raw.w_split, &mut w.split),
            (
                "w_split_constellation",
                raw.w_split_constellation,
                &mut w.split_constellation,
            ),
            (
                "w_outside_authority",
                raw.w_outside_authority,
                &mut w.outside_authority,
            ),
        ] {
            let Some(v) = value else { continue };
            if let Err(e) = crate::limits::check_weight("practice_weights", v) {
                self.0.push(ValidationError {
                    table: "dataset",
                    index: None,
                    record: None,
                    field: format!("practice_weights.{field}"),
                    message: e.to_string(),
                });
            } else {
                *slot = v;
            }
        }
        if w.split_constellation > w.split {
            self.0.push(ValidationError {
                table: "dataset",
                index: None,
                record: None,
                field: "practice_weights.w_split_constellation".into(),
                message: format!(
                    "{} is more than w_split {}",
                    echo_number(w.split_constellation),
                    echo_number(w.split)
                ),
            });
        }
        w
    }
}

/// Position of each id in its table.
pub(crate) fn index_of<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

fn validate(raw: &RawDataset) -> Result<Dataset, Vec<ValidationError>> {
    let mut e = Errors(Vec::new());
    if !raw.version.is_supported() {
        e.0.push(ValidationError {
            table: "dataset",
            index: None,
            record: None,
            field: "version".into(),
            message: format!(
                "version {} is not supported (expected 1 or 1.1)",
                raw.version
            ),
        });
    }
    for (table, len) in [
        ("authorities", raw.authorities.len()),
        ("schools", raw.schools.len()),
        ("carers", raw.carers.len()),
        ("homes", raw.homes.len()),
        ("children", raw.children.len()),
        ("sibling_groups", raw.sibling_groups.len()),
    ] {
        let max = table_limit(table).unwrap_or(usize::MAX);
        e.table_size("dataset", table, len, max);
    }
    let mut tags = Tags::default();

    let (authorities, schools) = e.places_of_reference(&raw.authorities, &raw.schools);
    let authority_ix = index_of(raw.authorities.iter().map(|a| a.id.as_str()));
    let school_ix = index_of(raw.schools.iter().map(|s| s.id.as_str()));
    let child_ix = index_of(raw.children.iter().map(|c| c.id.as_str()));
    let authority = |e: &mut Errors, table, i, id: &str, a: &str| match authority_ix.get(a) {
        Some(&k) => k,
        None => {
            e.push(
                table,
                i,
                id,
                "authority",
                format!("unknown authority {:?}", echo(a)),
            );
            0
        }
    };

    // Constellations in order of first appearance.
    let mut constellations: Vec<Constellation> = Vec::new();
    let mut constellation_ix: HashMap<&str, usize> = HashMap::new();

    // Places: carers then homes, one id namespace.
    let mut seen_places = HashMap::new();
    let mut places = Vec::with_capacity(raw.carers.len() + raw.homes.len());
    for (i, c) in raw.carers.iter().enumerate() {
        let t = "carers";
        e.id(t, i, &c.id, &mut seen_places);
        let location = e.location(t, i, &c.id, &c.location);
        e.capacity(t, i, &c.id, "places", c.places, c.occupied);
        e.ages(t, i, &c.id, c.min_age, c.max_age);
        e.cost(t, i, &c.id, "weekly_cost", c.weekly_cost);
        let constellation = c.constellation.as_deref().map(|k| {
            *constellation_ix.entry(k).or_insert_with(|| {
                constellations.push(Constellation {
                    id: k.to_string(),
                    hub: None,
                    households: vec![],
                });
                constellations.len() - 1
            })
        });
        if let Some(k) = constellation {
            constellations[k].households.push(places.len());
            if c.hub {
                if let Some(other) = constellations[k].hub {
                    let other_id: &String = &raw.carers[other].id;
                    e.push(
                        t,
                        i,
                        &c.id,
                        "hub",
                        format!(
                            "constellation {:?} already has hub {:?}",
                            echo(&constellations[k].id),
                            echo(other_id)
                        ),
                    );
                } else {
                    constellations[k].hub = Some(places.len());
                }
            }
        } else if c.hub {
            e.push(
                t,
                i,
                &c.id,
                "hub",
                "a hub must belong to a constellation".into(),
            );
        }
        let mut connected = Vec::new();
        for child in &c.connected_children {
            match child_ix.get(child.as_str()) {
                Some(&k) => connected.push(k),
                None => e.push(
                    t,
                    i,
                    &c.id,
                    "connected_children",
                    format!("unknown child {:?}", echo(child)),
                ),
            }
        }
        if c.provider != Provider::Kinship && !c.connected_children.is_empty() {
            e.push(
                t,
                i,
                &c.id,
                "connected_children",
                "only kinship carers have connected children".into(),
            );
        }
        connected.sort_unstable();
        connected.dedup();
        places.push(Place {
            id: c.id.clone(),
            authority: authority(&mut e, t, i, &c.id, &c.authority),
            location,
            capacity: c.places,
            occupied: c.occupied,
            min_age: c.min_age,
            max_age: c.max_age,
            offers: tags.set(&c.skills),
            weekly_cost: c.weekly_cost,
            kind: PlaceKind::Carer {
                provider: c.provider,
                constellation,
                hub: c.hub,
                connected_children: connected,
            },
            sex: c.sex_preference.unwrap_or_default(),
            residents: vec![],
            mix_limits: vec![],
            max_age_gap: None,
        });
    }
    for (i, h) in raw.homes.iter().enumerate() {
        let t = "homes";
        e.id(t, i, &h.id, &mut seen_places);
        let location = e.location(t, i, &h.id, &h.location);
        e.capacity(t, i, &h.id, "beds", h.beds, h.occupied);
        e.ages(t, i, &h.id, h.min_age, h.max_age);
        e.cost(t, i, &h.id, "weekly_cost", h.weekly_cost);
        let (residents, mix_limits) = e.home_mix(i, h, &mut tags);
        places.push(Place {
            id: h.id.clone(),
            authority: authority(&mut e, t, i, &h.id, &h.authority),
            location,
            capacity: h.beds,
            occupied: h.occupied,
            min_age: h.min_age,
            max_age: h.max_age,
            offers: tags.set(&h.accepts),
            weekly_cost: h.weekly_cost,
            kind: PlaceKind::Home,
            sex: h.sex,
            residents,
            mix_limits,
            max_age_gap: h.max_age_gap,
        });
    }

    // Sibling groups: listed ones, then ones only named by children.
    let mut seen = HashMap::new();
    let mut sibling_groups: Vec<SiblingGroup> = raw
        .sibling_groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            e.id("sibling_groups", i, &g.id, &mut seen);
            SiblingGroup {
                id: g.id.clone(),
                keep_together: g.keep_together,
                members: vec![],
                strict: g.strict.unwrap_or(raw.version.is_v1()),
            }
        })
        .collect();
    let mut group_ix: BTreeMap<String, usize> = sibling_groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id.clone(), i))
        .collect();

    // Children.
    let mut seen = HashMap::new();
    let mut children = Vec::with_capacity(raw.children.len());
    for (i, c) in raw.children.iter().enumerate() {
        let t = "children";
        e.id(t, i, &c.id, &mut seen);
        let auth = authority(&mut e, t, i, &c.id, &c.authority);
        let school = e.child_basics(
            t,
            i,
            &c.id,
            (c.age, c.school.as_deref(), c.max_distance_km),
            &school_ix,
        );
        let sibling_group = c.sibling_group.as_ref().map(|g| {
            let next = sibling_groups.len();
            let k = *group_ix.entry(g.clone()).or_insert(next);
            if k == next {
                sibling_groups.push(SiblingGroup {
                    id: g.clone(),
                    keep_together: KeepTogether::Household,
                    members: vec![],
                    strict: raw.version.is_v1(),
                });
            }
            sibling_groups[k].members.push(i);
            k
        });
        let anchor = match school {
            Some(s) => schools[s].location,
            None => authorities
                .get(auth)
                .map(|a| a.location)
                .unwrap_or(Location::new_unchecked(0.0, 0.0)),
        };
        children.push(Child {
            id: c.id.clone(),
            authority: auth,
            age: c.age,
            school,
            anchor,
            needs: tags.set(&c.needs),
            sibling_group,
            placement: c.placement,
            max_distance_km: c.max_distance_km,
            sex: c.sex,
            risks: e.tag_list(t, i, &c.id, "risks", &c.risks, &mut tags),
        });
    }
    for (i, g) in raw.sibling_groups.iter().enumerate() {
        if sibling_groups[i].members.is_empty() {
            e.push(
                "sibling_groups",
                i,
                &g.id,
                "id",
                "no child names this sibling group".into(),
            );
        }
    }

    let incompatible = e.incompatible(&raw.incompatible, &mut tags);
    let practice = e.practice(raw.practice_weights.as_ref());

    if e.0.is_empty() {
        Ok(Dataset {
            authorities,
            schools,
            places,
            children,
            constellations,
            sibling_groups,
            tags: tags.names,
            incompatible,
            practice,
        })
    } else {
        Err(e.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(lat: f64, lon: f64) -> RawLocation {
        RawLocation { lat, lon }
    }

    fn valid() -> RawDataset {
        RawDataset {
            version: crate::dataset::raw::ContractVersion::V1,
            authorities: vec![RawAuthority {
                id: "E06000044".into(),
                name: "Portsmouth".into(),
                location: loc(50.82, -1.07),
            }],
            schools: vec![RawSchool {
                id: "116000".into(),
                name: "A school".into(),
                location: loc(50.8, -1.08),
            }],
            carers: vec![RawCarer {
                id: "FC1".into(),
                authority: "E06000044".into(),
                provider: Provider::InHouse,
                location: loc(50.81, -1.06),
                places: 2,
                occupied: 1,
                min_age: 0,
                max_age: 17,
                skills: vec!["autism".into()],
                weekly_cost: 550.0,
                constellation: Some("MB1".into()),
                hub: true,
                connected_children: vec![],
                sex_preference: None,
            }],
            homes: vec![],
            children: vec![RawChild {
                id: "CH1".into(),
                authority: "E06000044".into(),
                age: 9,
                school: Some("116000".into()),
                needs: vec!["autism".into()],
                sibling_group: Some("SG1".into()),
                placement: PlacementKind::Foster,
                max_distance_km: Some(20.0),
                sex: None,
                risks: vec![],
            }],
            sibling_groups: vec![],
            incompatible: vec![],
            practice_weights: None,
        }
    }

    fn fields(raw: RawDataset) -> Vec<(String, Option<String>, String)> {
        Dataset::try_from(raw)
            .expect_err("invalid")
            .into_iter()
            .map(|e| (e.table.to_string(), e.record, e.field))
            .collect()
    }

    #[test]
    fn a_valid_dataset_builds_with_resolved_references() {
        let data = Dataset::try_from(valid()).expect("valid");
        assert_eq!(data.places()[0].free_places(), 1);
        assert_eq!(data.children()[0].anchor, data.schools()[0].location);
        assert_eq!(data.constellations()[0].hub, Some(0));
        // A group named by a child but not listed means `household`.
        assert_eq!(
            data.sibling_groups()[0].keep_together,
            KeepTogether::Household
        );
        assert_eq!(data.sibling_groups()[0].members, vec![0]);
    }

    #[test]
    fn every_problem_is_reported_at_once_with_record_and_field() {
        let mut raw = valid();
        raw.carers[0].occupied = 3;
        raw.carers[0].location.lat = 91.0;
        raw.carers[0].weekly_cost = f64::NAN;
        raw.carers.push(RawCarer {
            id: "FC1".into(),
            min_age: 12,
            max_age: 4,
            weekly_cost: -1.0,
            hub: false,
            ..raw.carers[0].clone()
        });
        raw.children[0].school = Some("999".into());
        raw.children[0].authority = "E99999999".into();
        raw.children[0].max_distance_km = Some(0.0);
        let got = fields(raw);
        let expect = [
            ("carers", "FC1", "occupied"),
            ("carers", "FC1", "location.lat"),
            ("carers", "FC1", "weekly_cost"),
            ("carers", "FC1", "id"),
            ("carers", "FC1", "min_age"),
            ("children", "CH1", "school"),
            ("children", "CH1", "authority"),
            ("children", "CH1", "max_distance_km"),
        ];
        for (t, id, f) in expect {
            assert!(
                got.iter()
                    .any(|(a, b, c)| a == t && b.as_deref() == Some(id) && c == f),
                "missing {t} {id} {f} in {got:?}"
            );
        }
        // The second FC1 is both a duplicate and a weekly_cost/min_age problem.
        assert!(got.len() >= 9, "{got:?}");
    }

    #[test]
    fn constellation_and_kinship_rules() {
        let mut raw = valid();
        raw.carers.push(RawCarer {
            id: "FC2".into(),
            ..raw.carers[0].clone()
        }); // second hub of MB1
        raw.carers.push(RawCarer {
            id: "FC3".into(),
            constellation: None,
            ..raw.carers[0].clone()
        }); // hub outside a constellation
        raw.carers.push(RawCarer {
            id: "FC4".into(),
            hub: false,
            constellation: None,
            connected_children: vec!["CH1".into()],
            ..raw.carers[0].clone()
        });
        raw.carers.push(RawCarer {
            id: "FC5".into(),
            hub: false,
            constellation: None,
            provider: Provider::Kinship,
            connected_children: vec!["CH9".into()],
            ..raw.carers[0].clone()
        });
        let got = fields(raw);
        assert!(got.contains(&("carers".into(), Some("FC2".into()), "hub".into())));
        assert!(got.contains(&("carers".into(), Some("FC3".into()), "hub".into())));
        assert!(got.contains(&(
            "carers".into(),
            Some("FC4".into()),
            "connected_children".into()
        )));
        assert!(got.contains(&(
            "carers".into(),
            Some("FC5".into()),
            "connected_children".into()
        )));
        assert_eq!(got.len(), 4, "{got:?}");
    }

    #[test]
    fn version_ids_and_empty_groups() {
        let mut raw = valid();
        raw.version = ContractVersion(2.0);
        raw.sibling_groups.push(RawSiblingGroup {
            id: "SG9".into(),
            keep_together: KeepTogether::None,
            strict: Some(true),
        });
        raw.children[0].id = " ".into();
        let got = fields(raw);
        assert!(got.contains(&("dataset".into(), None, "version".into())));
        assert!(got.contains(&("sibling_groups".into(), Some("SG9".into()), "id".into())));
        assert!(got.contains(&("children".into(), Some(" ".into()), "id".into())));
    }

    #[test]
    fn numeric_limits_and_table_sizes_are_enforced_with_the_field_named() {
        let mut raw = valid();
        raw.carers[0].places = MAX_CAPACITY + 1;
        raw.carers[0].weekly_cost = 1e308;
        raw.children[0].max_distance_km = Some(MAX_DISTANCE_KM * 2.0);
        raw.homes.push(RawHome {
            id: "H1".into(),
            authority: "E06000044".into(),
            location: loc(50.8, -1.0),
            beds: 2,
            occupied: u32::MAX,
            min_age: 0,
            max_age: 17,
            accepts: vec![],
            weekly_cost: MAX_WEEKLY_COST,
            sex: Default::default(),
            residents: vec![],
            mix_limits: vec![],
            max_age_gap: None,
        });
        let errors = Dataset::try_from(&raw).expect_err("out of bounds");
        let message = |table: &str, field: &str| {
            errors
                .iter()
                .find(|e| e.table == table && e.field == field)
                .map(|e| e.message.clone())
                .unwrap_or_else(|| panic!("no {table} {field} in {errors:#?}"))
        };
        assert_eq!(
            message("carers", "places"),
            "1001 is more than the limit of 1000"
        );
        assert!(message("carers", "weekly_cost").starts_with("1e308 is more than the limit"));
        assert!(message("children", "max_distance_km").contains("limit of 20000 km"));
        assert!(message("homes", "occupied").contains("limit of 1000"));
        // The home's cost is exactly at the limit: allowed.
        assert_eq!(errors.len(), 4, "{errors:#?}");

        let mut raw = valid();
        raw.authorities = vec![raw.authorities[0].clone(); MAX_AUTHORITIES + 1];
        let errors = Dataset::try_from(&raw).expect_err("too many");
        assert!(errors.iter().any(|e| e.table == "dataset"
            && e.field == "authorities"
            && e.message == "1001 records, more than the limit of 1000"));
    }

    #[test]
    fn echoed_ids_and_references_are_shortened() {
        let mut raw = valid();
        let giant = "X".repeat(1 << 20);
        raw.children[0].id = giant.clone();
        raw.children[0].authority = giant.clone();
        let errors = Dataset::try_from(&raw).expect_err("unknown authority");
        for e in &errors {
            assert!(e
                .record
                .as_ref()
                .is_some_and(|r| r.chars().count() <= MAX_ECHO_CHARS + 1));
            assert!(e.message.len() < 200, "{}", e.message);
        }
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let json = r#"{"id":"E1","name":"X","location":{"lat":1,"lon":2},"colour":"red"}"#;
        assert!(serde_json::from_str::<RawAuthority>(json).is_err());
        let ok = r#"{"id":"E1","name":"X","location":{"lat":1,"lon":2}}"#;
        assert!(serde_json::from_str::<RawAuthority>(ok).is_ok());
    }
}
