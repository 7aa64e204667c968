//! Validated domain types. A [`Dataset`] is valid by construction: every
//! reference resolves, capacities are consistent, locations are on the globe
//! and costs are finite and non-negative, so the solvers never re-check.

use super::raw::{KeepTogether, PlacementKind, Provider, Sex, SexGroup};
use crate::geography::Location;
use crate::limits::InvalidOption;

/// Index of a child in [`Dataset::children`].
pub type ChildIdx = usize;
/// Index of a place in [`Dataset::places`].
pub type PlaceIdx = usize;
/// Index of a constellation in [`Dataset::constellations`].
pub type ConstellationIdx = usize;
/// Index of a sibling group in [`Dataset::sibling_groups`].
pub type GroupIdx = usize;

/// An interned need, skill or acceptance tag.
pub type Tag = u32;

/// A sorted, de-duplicated set of tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagSet(Vec<Tag>);

impl TagSet {
    /// Builds a set from any tags (sorted and de-duplicated here).
    pub fn new(mut tags: Vec<Tag>) -> Self {
        tags.sort_unstable();
        tags.dedup();
        TagSet(tags)
    }
    /// Whether every tag of `self` is in `other`.
    pub fn is_subset_of(&self, other: &TagSet) -> bool {
        let mut theirs = other.0.iter();
        'outer: for t in &self.0 {
            for o in theirs.by_ref() {
                if o == t {
                    continue 'outer;
                }
                if o > t {
                    return false;
                }
            }
            return false;
        }
        true
    }
    /// Whether `tag` is in the set.
    pub fn contains(&self, tag: Tag) -> bool {
        self.0.binary_search(&tag).is_ok()
    }
    /// The tags, ascending.
    pub fn iter(&self) -> impl Iterator<Item = Tag> + '_ {
        self.0.iter().copied()
    }
    /// Number of tags.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A local authority.
#[derive(Debug, Clone, PartialEq)]
pub struct Authority {
    /// ONS GSS code.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Representative point.
    pub location: Location,
}

/// A school.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// DfE URN where known.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Where it is.
    pub location: Location,
}

/// What kind of place a [`Place`] is.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceKind {
    /// A foster household.
    Carer {
        /// Who provides it.
        provider: Provider,
        /// Mockingbird constellation, if any.
        constellation: Option<ConstellationIdx>,
        /// Whether it is the constellation's hub home.
        hub: bool,
        /// For kinship carers, the only children they may take (sorted).
        connected_children: Vec<ChildIdx>,
    },
    /// A residential children's home.
    Home,
}

/// A child already living in a children's home (anonymous).
#[derive(Debug, Clone, PartialEq)]
pub struct Resident {
    /// Age in years.
    pub age: u32,
    /// Risk tags.
    pub risks: TagSet,
}

/// A foster household or children's home, with its free capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Id (unique across carers and homes).
    pub id: String,
    /// Authority it belongs to.
    pub authority: usize,
    /// Where it is.
    pub location: Location,
    /// Approved places (carers) or registered beds (homes).
    pub capacity: u32,
    /// Already occupied.
    pub occupied: u32,
    /// Youngest age approved for.
    pub min_age: u32,
    /// Oldest age approved for.
    pub max_age: u32,
    /// Skills (carers) or accepted needs (homes).
    pub offers: TagSet,
    /// Weekly cost of one placement, in pounds.
    pub weekly_cost: f64,
    /// Carer or home details.
    pub kind: PlaceKind,
    /// Which children it takes: a home's registration, a carer's preference
    /// (`Mixed` when none).
    pub sex: SexGroup,
    /// Homes: the children already living there (at most `occupied`).
    pub residents: Vec<Resident>,
    /// Homes: at most `max` children with the tag among residents and
    /// arrivals, as `(tag, max)`, tags ascending and distinct.
    pub mix_limits: Vec<(Tag, u32)>,
    /// Homes: the largest age difference between two children living there.
    pub max_age_gap: Option<u32>,
}

impl Place {
    /// Places still free: `capacity − occupied` (never negative in a valid dataset).
    pub fn free_places(&self) -> u32 {
        self.capacity - self.occupied
    }
    /// Whether the place has a rule between the children living there (a
    /// mix limit, an age gap, or residents whose risks may conflict): the
    /// batch model then has rows between children placed there together.
    pub fn has_mix_rules(&self) -> bool {
        !self.mix_limits.is_empty() || self.max_age_gap.is_some()
    }
    /// How many more children with `tag` the place may take under its mix
    /// limit (`None`: no limit on that tag), counting its residents.
    pub fn mix_room(&self, tag: Tag) -> Option<u32> {
        let max = self.mix_limits.iter().find(|(t, _)| *t == tag)?.1;
        let there = self
            .residents
            .iter()
            .filter(|r| r.risks.contains(tag))
            .count() as u32;
        Some(max.saturating_sub(there))
    }
    /// Whether this is a foster household.
    pub fn is_carer(&self) -> bool {
        matches!(self.kind, PlaceKind::Carer { .. })
    }
    /// The Mockingbird constellation this household belongs to, if any.
    pub fn constellation(&self) -> Option<ConstellationIdx> {
        match &self.kind {
            PlaceKind::Carer { constellation, .. } => *constellation,
            PlaceKind::Home => None,
        }
    }
}

/// A child waiting for a placement.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    /// Pseudonymous id.
    pub id: String,
    /// Responsible authority.
    pub authority: usize,
    /// Age in years.
    pub age: u32,
    /// School, if any.
    pub school: Option<usize>,
    /// Where distances are measured from: the school, else the authority.
    pub anchor: Location,
    /// Needs a place must meet.
    pub needs: TagSet,
    /// Sibling group, if any.
    pub sibling_group: Option<GroupIdx>,
    /// Kinds of place allowed.
    pub placement: PlacementKind,
    /// Furthest allowed distance from the anchor, in km.
    pub max_distance_km: Option<f64>,
    /// Sex, if known.
    pub sex: Option<Sex>,
    /// Risk tags (mix limits and incompatible pairs).
    pub risks: TagSet,
}

/// A Mockingbird constellation: a hub home and its satellite households.
#[derive(Debug, Clone, PartialEq)]
pub struct Constellation {
    /// Constellation id.
    pub id: String,
    /// The hub household, if one is marked.
    pub hub: Option<PlaceIdx>,
    /// Every household in it (hub included), ascending.
    pub households: Vec<PlaceIdx>,
}

/// A sibling group and how it must be kept together.
#[derive(Debug, Clone, PartialEq)]
pub struct SiblingGroup {
    /// Group id.
    pub id: String,
    /// Policy.
    pub keep_together: KeepTogether,
    /// Its children, ascending.
    pub members: Vec<ChildIdx>,
    /// All-or-none (`true`), or split at a cost when it cannot be kept
    /// together (`false`).
    pub strict: bool,
}

impl SiblingGroup {
    /// Whether the group is placed under the split rules: a non-strict
    /// `household` or `constellation` group of two or more children.
    pub fn splittable(&self) -> bool {
        !self.strict && self.keep_together != KeepTogether::None && self.members.len() >= 2
    }
}

/// Default `w_split`: pounds a week for each extra place a non-strict sibling
/// group is split over. Far below the unplaced penalty (£100,000), and above
/// what keeping a group of four together costs in distance at
/// `w_distance = 10` unless the shared place is on average 125 km further
/// per child than their separate places.
pub const DEFAULT_SPLIT_WEIGHT: f64 = 5_000.0;
/// Default `w_split_constellation`: each extra place inside a Mockingbird
/// constellation the group already uses (siblings there still see each
/// other at the hub).
pub const DEFAULT_SPLIT_CONSTELLATION_WEIGHT: f64 = 1_000.0;

/// The dataset's weights of practice, pounds a week (contract v1.1).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PracticeWeights {
    /// Each extra place (or constellation) a non-strict group is split over.
    pub split: f64,
    /// Each extra place inside a constellation the group already uses
    /// (`≤ split`; 0 for a `constellation` group, whose policy allows it).
    pub split_constellation: f64,
    /// A placement outside the child's own authority.
    pub outside_authority: f64,
}

impl Default for PracticeWeights {
    fn default() -> Self {
        PracticeWeights {
            split: DEFAULT_SPLIT_WEIGHT,
            split_constellation: DEFAULT_SPLIT_CONSTELLATION_WEIGHT,
            outside_authority: 0.0,
        }
    }
}

/// Replacements for the dataset's [`PracticeWeights`] in one solve (a
/// request's `split_weight`, `split_constellation_weight` and
/// `outside_authority_weight`): `None` keeps the dataset's value. See
/// [`Dataset::with_practice_weights`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PracticeOverrides {
    /// Replaces `w_split`.
    pub split: Option<f64>,
    /// Replaces `w_split_constellation`.
    pub split_constellation: Option<f64>,
    /// Replaces `w_outside_authority`.
    pub outside_authority: Option<f64>,
}

impl PracticeOverrides {
    /// Whether no weight is replaced.
    pub fn is_empty(&self) -> bool {
        self.split.is_none()
            && self.split_constellation.is_none()
            && self.outside_authority.is_none()
    }

    /// Checks each given value like every other weight
    /// ([`crate::limits::check_weight`]: finite, `≥ 0`, `≤`
    /// [`crate::limits::MAX_WEIGHT`]), naming it as a request does
    /// (`split_weight`, …). The rule `w_split_constellation ≤ w_split`
    /// needs the dataset's values too: [`PracticeWeights::overridden`].
    pub fn validate(&self) -> Result<(), InvalidOption> {
        for (option, value) in [
            ("split_weight", self.split),
            ("split_constellation_weight", self.split_constellation),
            ("outside_authority_weight", self.outside_authority),
        ] {
            if let Some(v) = value {
                crate::limits::check_weight(option, v)?;
            }
        }
        Ok(())
    }
}

impl PracticeWeights {
    /// These weights with `overrides` applied, checked as the dataset's own
    /// are: each value by [`PracticeOverrides::validate`], and
    /// `w_split_constellation ≤ w_split` on the result. A breach of that
    /// rule names `split_constellation_weight` when it was given, else
    /// `split_weight` (the one given value that breaks it).
    pub fn overridden(
        &self,
        overrides: &PracticeOverrides,
    ) -> Result<PracticeWeights, InvalidOption> {
        overrides.validate()?;
        let w = PracticeWeights {
            split: overrides.split.unwrap_or(self.split),
            split_constellation: overrides
                .split_constellation
                .unwrap_or(self.split_constellation),
            outside_authority: overrides
                .outside_authority
                .unwrap_or(self.outside_authority),
        };
        if w.split_constellation > w.split {
            return Err(if overrides.split_constellation.is_some() {
                InvalidOption {
                    option: "split_constellation_weight",
                    rule: format!(
                        "must be ≤ the split weight ({}{})",
                        super::limits::echo_number(w.split),
                        if overrides.split.is_some() {
                            ""
                        } else {
                            ", the dataset's"
                        }
                    ),
                    value: super::limits::echo_number(w.split_constellation),
                }
            } else {
                InvalidOption {
                    option: "split_weight",
                    rule: format!(
                        "must be ≥ the dataset's split constellation weight ({})",
                        super::limits::echo_number(w.split_constellation)
                    ),
                    value: super::limits::echo_number(w.split),
                }
            });
        }
        Ok(w)
    }
}

/// A validated dataset, valid by construction.
///
/// The only way to get one is `Dataset::try_from` a
/// [`RawDataset`](super::RawDataset), which checks every invariant (every
/// index in range, occupied ≤ capacity, ages ordered, constellations and
/// sibling groups consistent with their members, tags interned). Its fields
/// are private to the `dataset` module and its tables are read through
/// accessors returning shared slices, so no caller can break an invariant
/// after validation; to change a dataset, change the raw one and validate
/// again.
///
/// ```compile_fail
/// // No code outside the dataset module can reach the tables mutably.
/// fn empty(data: &mut optimiser::dataset::Dataset) {
///     data.places.clear();
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub(super) authorities: Vec<Authority>,
    pub(super) schools: Vec<School>,
    pub(super) places: Vec<Place>,
    pub(super) children: Vec<Child>,
    pub(super) constellations: Vec<Constellation>,
    pub(super) sibling_groups: Vec<SiblingGroup>,
    pub(super) tags: Vec<String>,
    pub(super) incompatible: Vec<(Tag, Tag)>,
    pub(super) practice: PracticeWeights,
}

impl Dataset {
    /// Authorities, in input order ([`Child::authority`] and
    /// [`Place::authority`] index into it).
    pub fn authorities(&self) -> &[Authority] {
        &self.authorities
    }
    /// Schools, in input order ([`Child::school`] indexes into it).
    pub fn schools(&self) -> &[School] {
        &self.schools
    }
    /// Places: carers first (in input order), then homes (in input order).
    /// Indexed by [`PlaceIdx`].
    pub fn places(&self) -> &[Place] {
        &self.places
    }
    /// Children, in input order. Indexed by [`ChildIdx`].
    pub fn children(&self) -> &[Child] {
        &self.children
    }
    /// Constellations, in order of first appearance among carers. Indexed by
    /// [`ConstellationIdx`].
    pub fn constellations(&self) -> &[Constellation] {
        &self.constellations
    }
    /// Sibling groups: listed ones first, then ones only named by children.
    /// Indexed by [`GroupIdx`].
    pub fn sibling_groups(&self) -> &[SiblingGroup] {
        &self.sibling_groups
    }
    /// Tag names, indexed by [`Tag`].
    pub fn tags(&self) -> &[String] {
        &self.tags
    }
    /// The name of a tag.
    pub fn tag_name(&self, tag: Tag) -> &str {
        &self.tags[tag as usize]
    }
    /// Pairs of risk tags that may not live in the same home (each pair
    /// sorted, the list sorted and de-duplicated).
    pub fn incompatible(&self) -> &[(Tag, Tag)] {
        &self.incompatible
    }
    /// Whether two children (or a child and a resident) with these risks may
    /// not live in the same home.
    pub fn risks_conflict(&self, a: &TagSet, b: &TagSet) -> bool {
        self.incompatible
            .iter()
            .any(|&(s, t)| (a.contains(s) && b.contains(t)) || (a.contains(t) && b.contains(s)))
    }
    /// Whether children `i` and `k` may not both be newly placed at home
    /// `j`: incompatible risks, or an age gap over the home's limit.
    pub fn children_conflict_at(&self, i: ChildIdx, k: ChildIdx, j: PlaceIdx) -> bool {
        let (a, b) = (&self.children[i], &self.children[k]);
        let gap = self.places[j].max_age_gap;
        !self.places[j].is_carer()
            && (gap.is_some_and(|g| a.age.abs_diff(b.age) > g)
                || self.risks_conflict(&a.risks, &b.risks))
    }
    /// The weights of practice (splits, outside the authority).
    pub fn practice(&self) -> &PracticeWeights {
        &self.practice
    }
    /// This dataset with its weights of practice replaced by `overrides`
    /// for one solve (checked by [`PracticeWeights::overridden`]); every
    /// table is the same and `self` is not changed. The copy costs one
    /// clone of the tables, small beside any solve on them.
    ///
    /// ```
    /// use optimiser::dataset::PracticeOverrides;
    /// use optimiser::generator::{generate, GeneratorSpec};
    /// let data = generate(&GeneratorSpec::new(1, 5, 5, 1)).expect("valid");
    /// let heavy = data.with_practice_weights(&PracticeOverrides {
    ///     outside_authority: Some(2_000.0),
    ///     ..PracticeOverrides::default()
    /// })?;
    /// assert_eq!(heavy.practice().outside_authority, 2_000.0);
    /// assert_eq!(heavy.practice().split, data.practice().split);
    /// let e = data
    ///     .with_practice_weights(&PracticeOverrides { split: Some(-1.0), ..Default::default() })
    ///     .unwrap_err();
    /// assert_eq!(e.option, "split_weight");
    /// # Ok::<(), optimiser::limits::InvalidOption>(())
    /// ```
    pub fn with_practice_weights(
        &self,
        overrides: &PracticeOverrides,
    ) -> Result<Dataset, InvalidOption> {
        let practice = self.practice.overridden(overrides)?;
        Ok(Dataset {
            practice,
            ..self.clone()
        })
    }
    /// `w_split_constellation` for group `g`: 0 for a `constellation`
    /// group (its policy allows any households of one constellation).
    pub fn split_constellation_weight(&self, g: GroupIdx) -> f64 {
        match self.sibling_groups[g].keep_together {
            KeepTogether::Constellation => 0.0,
            _ => self.practice.split_constellation,
        }
    }
    /// `w_outside_authority` if place `j` is outside child `i`'s authority, else 0.
    pub fn outside_cost(&self, i: ChildIdx, j: PlaceIdx) -> f64 {
        if self.places[j].authority == self.children[i].authority {
            0.0
        } else {
            self.practice.outside_authority
        }
    }
    /// Finds a child by id.
    pub fn child_index(&self, id: &str) -> Option<ChildIdx> {
        self.children.iter().position(|c| c.id == id)
    }
    /// Finds a place by id.
    pub fn place_index(&self, id: &str) -> Option<PlaceIdx> {
        self.places.iter().position(|p| p.id == id)
    }
    /// Finds a sibling group by id.
    pub fn group_index(&self, id: &str) -> Option<GroupIdx> {
        self.sibling_groups.iter().position(|g| g.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generator::{generate, GeneratorSpec};

    fn data() -> Dataset {
        generate(&GeneratorSpec::new(7, 30, 20, 3)).expect("valid")
    }

    #[test]
    fn practice_overrides_replace_only_the_weights_given() {
        let data = data();
        let stored = *data.practice();
        assert_eq!(
            data.with_practice_weights(&PracticeOverrides::default()),
            Ok(data.clone())
        );
        let o = PracticeOverrides {
            split: Some(250_000.0),
            outside_authority: Some(3_000.0),
            ..PracticeOverrides::default()
        };
        assert!(!o.is_empty() && PracticeOverrides::default().is_empty());
        let heavy = data.with_practice_weights(&o).expect("valid overrides");
        assert_eq!(
            *heavy.practice(),
            PracticeWeights {
                split: 250_000.0,
                split_constellation: stored.split_constellation,
                outside_authority: 3_000.0,
            }
        );
        // Only the weights differ; the stored dataset is unchanged.
        assert_eq!(heavy.children(), data.children());
        assert_eq!(heavy.places(), data.places());
        assert_eq!(heavy.sibling_groups(), data.sibling_groups());
        assert_eq!(*data.practice(), stored);
        let (i, j) = (0, data.places().len() - 1);
        let outside = data.places()[j].authority != data.children()[i].authority;
        assert_eq!(
            heavy.outside_cost(i, j),
            if outside { 3_000.0 } else { 0.0 }
        );
    }

    #[test]
    fn practice_overrides_are_checked_and_named() {
        let data = data();
        let bad = [
            (
                PracticeOverrides {
                    split: Some(-1.0),
                    ..Default::default()
                },
                "split_weight",
            ),
            (
                PracticeOverrides {
                    split_constellation: Some(f64::NAN),
                    ..Default::default()
                },
                "split_constellation_weight",
            ),
            (
                PracticeOverrides {
                    outside_authority: Some(f64::INFINITY),
                    ..Default::default()
                },
                "outside_authority_weight",
            ),
            (
                PracticeOverrides {
                    outside_authority: Some(crate::limits::MAX_WEIGHT * 2.0),
                    ..Default::default()
                },
                "outside_authority_weight",
            ),
            // Above the dataset's w_split (5,000 by default).
            (
                PracticeOverrides {
                    split_constellation: Some(6_000.0),
                    ..Default::default()
                },
                "split_constellation_weight",
            ),
            // Below the dataset's w_split_constellation (1,000 by default).
            (
                PracticeOverrides {
                    split: Some(500.0),
                    ..Default::default()
                },
                "split_weight",
            ),
            (
                PracticeOverrides {
                    split: Some(10.0),
                    split_constellation: Some(20.0),
                    ..Default::default()
                },
                "split_constellation_weight",
            ),
        ];
        for (o, option) in bad {
            let e = data.with_practice_weights(&o).unwrap_err();
            assert_eq!(e.option, option, "{o:?}: {e}");
        }
        // Equal weights and zeros are allowed.
        for o in [
            PracticeOverrides {
                split: Some(0.0),
                split_constellation: Some(0.0),
                outside_authority: Some(0.0),
            },
            PracticeOverrides {
                split: Some(1_000.0),
                ..Default::default()
            },
            PracticeOverrides {
                split_constellation: Some(5_000.0),
                ..Default::default()
            },
        ] {
            assert!(data.with_practice_weights(&o).is_ok(), "{o:?}");
        }
    }
}
