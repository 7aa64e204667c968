//! Validated domain types. A [`Dataset`] is valid by construction: every
//! reference resolves, capacities are consistent, locations are on the globe
//! and costs are finite and non-negative, so the solvers never re-check.

use super::raw::{KeepTogether, PlacementKind, Provider};
use crate::geography::Location;

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
}

impl Place {
    /// Places still free: `capacity − occupied` (never negative in a valid dataset).
    pub fn free_places(&self) -> u32 {
        self.capacity - self.occupied
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
