//! The full pool of columns (every eligible way to place every unit) and the
//! rows they touch. The formulation is described in the module doc of
//! [`crate::matching`]; this file enumerates it sparsely: eligible pairs only,
//! found through the spatial index.
//!
//! Storage grows with the eligible pairs, at 4 bytes a pair and nothing more
//! for a single child's column:
//! - [`PairTable`] holds every enumerated child's eligible places in one
//!   compressed table (a `u32` place index a pair; the cost is recomputed
//!   when needed, by the same formula, so it is bit for bit the same);
//! - a `Single` column *is* its pair: its id is the pair's position in the
//!   table, its rows are always its child's row and its place's capacity row,
//!   and its coefficient is `cost − w_unplaced`, so nothing is stored for it;
//! - group columns (`Together`, `Spread`, `Member`) are stored in 32 bytes
//!   each, with their rows implied by their kind (a `Spread` column's rows sit
//!   in one shared arena).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use crate::dataset::{ChildIdx, ConstellationIdx, Dataset, GroupIdx, KeepTogether, PlaceIdx, Tag};
use crate::eligibility;
use crate::geography::SpatialIndex;
use crate::solver::Deadline;

use super::{placement_cost, MatchError, Weights};

/// One eligible (child, place) pair with its distance and cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// The place.
    pub place: PlaceIdx,
    /// Great-circle km from the child's anchor.
    pub km: f64,
    /// `weekly_cost + w_distance · km`.
    pub cost: f64,
}

/// Every child's eligible places, cheapest first (ties by place index).
pub fn eligible_pairs(data: &Dataset, index: &SpatialIndex, weights: &Weights) -> Vec<Vec<Pair>> {
    (0..data.children().len())
        .map(|i| child_pairs(data, index, weights, i))
        .collect()
}

/// Child `i`'s eligible places, cheapest first (ties by place index). With a
/// distance limit only the places the index finds within it are examined.
pub fn child_pairs(
    data: &Dataset,
    index: &SpatialIndex,
    weights: &Weights,
    i: ChildIdx,
) -> Vec<Pair> {
    let mut pairs: Vec<Pair> = Vec::new();
    for_each_eligible(data, index, i, |j, km| {
        pairs.push(Pair {
            place: j,
            km,
            cost: placement_cost(data, weights, i, j, km),
        })
    });
    pairs.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.place.cmp(&b.place)));
    pairs
}

/// How many places are eligible for child `i`: `child_pairs(…).len()`
/// without building, costing or sorting the pairs.
pub fn count_eligible(data: &Dataset, index: &SpatialIndex, i: ChildIdx) -> usize {
    let mut n = 0;
    for_each_eligible(data, index, i, |_, _| n += 1);
    n
}

/// Calls `f(place, km)` for every place eligible for child `i`. With a
/// distance limit only the places the index finds within it are examined;
/// without one, the distance (which no rule then uses) is computed only for
/// the places that pass every rule.
pub(crate) fn for_each_eligible(
    data: &Dataset,
    index: &SpatialIndex,
    i: ChildIdx,
    mut f: impl FnMut(PlaceIdx, f64),
) {
    let child = &data.children()[i];
    let km = |j: PlaceIdx| child.anchor.distance_km(&data.places()[j].location);
    match child.max_distance_km {
        Some(limit) => {
            for j in index.within(&child.anchor, limit) {
                let d = km(j);
                if eligibility::check(data, i, j, d).is_ok() {
                    f(j, d);
                }
            }
        }
        None => {
            for j in 0..data.places().len() {
                // Without a limit the distance rule holds at any km.
                if eligibility::check(data, i, j, 0.0).is_ok() {
                    f(j, km(j));
                }
            }
        }
    }
}

/// The most eligible (child, place) pairs batch placement stores: 250
/// million, 1 GB at 4 bytes a pair (the 16,000-child stock of BENCHMARKS.md
/// has 27 million).
pub const MAX_ELIGIBLE_PAIRS: usize = 250_000_000;

/// Every enumerated child's eligible places, cheapest first (ties by place
/// index), in one compressed table: a `u32` place index a pair (4 bytes).
/// Costs are recomputed on demand with [`Weights::pair_cost`] and the
/// haversine distance, exactly as at enumeration.
///
/// Children are enumerated in index order until the deadline; a child past
/// [`PairTable::enumerated`] has no entry (not "no eligible place").
#[derive(Debug, Clone)]
pub struct PairTable<'a> {
    data: &'a Dataset,
    weights: Weights,
    /// Child `i`'s pairs are `start[i]..start[i + 1]`.
    start: Vec<usize>,
    place: Vec<u32>,
}

impl<'a> PairTable<'a> {
    /// Enumerates every child's eligible pairs, stopping (between children)
    /// when `deadline` has passed. The caller has checked that place indices
    /// fit in a `u32`. More than [`MAX_ELIGIBLE_PAIRS`] pairs is refused
    /// ([`MatchError::TooLarge`]) before they are stored, so memory stays
    /// bounded whatever the dataset and whether or not a time limit is set.
    pub fn enumerate(
        data: &'a Dataset,
        index: &SpatialIndex,
        weights: &Weights,
        deadline: &Deadline,
    ) -> Result<PairTable<'a>, MatchError> {
        let mut table = PairTable {
            data,
            weights: *weights,
            start: vec![0],
            place: Vec::new(),
        };
        let mut buf: Vec<(f64, u32)> = Vec::new();
        for i in 0..data.children().len() {
            if deadline.expired() {
                break;
            }
            buf.clear();
            for_each_eligible(data, index, i, |j, km| {
                buf.push((placement_cost(data, weights, i, j, km), j as u32))
            });
            if table.place.len() + buf.len() > MAX_ELIGIBLE_PAIRS {
                return Err(MatchError::TooLarge(format!(
                    "more than {MAX_ELIGIBLE_PAIRS} eligible (child, place) pairs after {} of {} children: \
                     split the dataset by region or set children's max_distance_km",
                    i + 1,
                    data.children().len()
                )));
            }
            buf.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            table.place.extend(buf.iter().map(|p| p.1));
            table.start.push(table.place.len());
        }
        table.place.shrink_to_fit();
        Ok(table)
    }

    /// `c(i, j)`: the cost of child `i` at place `j`, computed as at enumeration.
    pub fn pair_cost(&self, i: ChildIdx, j: PlaceIdx) -> f64 {
        let place = &self.data.places()[j];
        let km = self.data.children()[i].anchor.distance_km(&place.location);
        placement_cost(self.data, &self.weights, i, j, km)
    }

    /// The dataset the pairs belong to.
    pub fn data(&self) -> &'a Dataset {
        self.data
    }

    /// Whether every child was enumerated before the deadline.
    pub fn complete(&self) -> bool {
        self.enumerated_children() == self.data.children().len()
    }

    /// How many children (the first ones, in index order) were enumerated.
    pub fn enumerated_children(&self) -> usize {
        self.start.len() - 1
    }

    /// Whether child `i` was enumerated.
    pub fn enumerated(&self, i: ChildIdx) -> bool {
        i < self.enumerated_children()
    }

    /// Pair ids of child `i` (empty if not enumerated).
    pub fn range(&self, i: ChildIdx) -> Range<usize> {
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&b)) => a..b,
            _ => 0..0,
        }
    }

    /// Child `i`'s (place, cost) pairs, cheapest first.
    pub fn of(&self, i: ChildIdx) -> impl Iterator<Item = (PlaceIdx, f64)> + '_ {
        self.range(i).map(move |p| {
            let j = self.place(p);
            (j, self.pair_cost(i, j))
        })
    }

    /// Whether child `i` was enumerated and has no eligible place.
    pub fn none_eligible(&self, i: ChildIdx) -> bool {
        self.enumerated(i) && self.range(i).is_empty()
    }

    /// Child `i`'s cheapest eligible cost, if enumerated and any.
    pub fn cheapest(&self, i: ChildIdx) -> Option<f64> {
        self.range(i)
            .next()
            .map(|p| self.pair_cost(i, self.place(p)))
    }

    /// The place of pair `p`.
    pub fn place(&self, p: usize) -> PlaceIdx {
        self.place[p] as PlaceIdx
    }

    /// The cost of pair `p`.
    pub fn cost(&self, p: usize) -> f64 {
        self.pair_cost(self.child_of(p), self.place(p))
    }

    /// The child of pair `p`.
    pub fn child_of(&self, p: usize) -> ChildIdx {
        self.start.partition_point(|&s| s <= p) - 1
    }

    /// Pairs enumerated.
    pub fn len(&self) -> usize {
        self.place.len()
    }

    /// Whether no pair was enumerated.
    pub fn is_empty(&self) -> bool {
        self.place.is_empty()
    }
}

/// A unit that is placed as one decision: a child on their own, a sibling
/// group that must be kept together, or a non-strict group (together if
/// possible, else split at a cost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A child placed on their own.
    Single(ChildIdx),
    /// A strict group of two or more kept together (`household` or `constellation`).
    Group(GroupIdx),
    /// A non-strict group of two or more (see [`crate::dataset::SiblingGroup::splittable`]).
    Split(GroupIdx),
}

/// Splits the children into units (in child order of first member).
pub fn units(data: &Dataset) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut seen = vec![false; data.sibling_groups().len()];
    for (i, c) in data.children().iter().enumerate() {
        match c.sibling_group {
            Some(g) if group_is_unit(data, g) => {
                if !seen[g] {
                    seen[g] = true;
                    out.push(match data.sibling_groups()[g].strict {
                        true => Unit::Group(g),
                        false => Unit::Split(g),
                    });
                }
            }
            _ => out.push(Unit::Single(i)),
        }
    }
    out
}

/// Whether group `g` is placed as one unit (a policy other than `none`, and
/// two or more children): a [`Unit::Group`] if strict, else a [`Unit::Split`].
pub fn group_is_unit(data: &Dataset, g: GroupIdx) -> bool {
    let group = &data.sibling_groups()[g];
    group.keep_together != KeepTogether::None && group.members.len() >= 2
}

/// A row of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKey {
    /// A single child is placed at most once.
    Child(ChildIdx),
    /// A group takes at most one option.
    Group(GroupIdx),
    /// A place holds at most its free places.
    Capacity(PlaceIdx),
    /// A spread member is placed in constellation K exactly when the group is.
    Link(ChildIdx, ConstellationIdx),
    /// A spread group's members at one household of K use at most that
    /// household's room, scaled by the spread variable (a valid inequality).
    SpreadRoom(GroupIdx, ConstellationIdx, PlaceIdx),
    /// Arrivals at home j with risk t stay within its mix limit.
    MixLimit(PlaceIdx, Tag),
    /// If child i arrives at home j, none of the later children it
    /// conflicts with there does.
    Conflict(PlaceIdx, ChildIdx),
    /// A split group's members at place j only if the group uses j (all
    /// of them, up to the room there).
    PlaceUsed(GroupIdx, PlaceIdx),
    /// Member i of a split group at place j only if the group uses j.
    MemberUsed(ChildIdx, PlaceIdx),
    /// A split group's members in constellation K only if it uses K.
    ConstellationUsed(GroupIdx, ConstellationIdx),
    /// Member i of a split group in constellation K only if the group uses K.
    MemberInConstellation(ChildIdx, ConstellationIdx),
    /// A split group uses household j of constellation K only if it uses K.
    HouseholdUsed(GroupIdx, PlaceIdx),
    /// A split group uses constellation K only if it uses a household of K.
    ConstellationOpen(GroupIdx, ConstellationIdx),
    /// A split group's first cluster is free only if it uses one.
    SplitFirst(GroupIdx),
    /// A split group is together at one place or earns its first cluster,
    /// not both.
    SplitOnce(GroupIdx),
    /// A split group that no one cluster can hold uses two clusters once
    /// all its members are placed member by member.
    SplitTwoClusters(GroupIdx),
    /// A split group of three or more with all its members placed member
    /// by member in constellation K uses two of K's households.
    SplitTwoHouseholds(GroupIdx, ConstellationIdx),
}

/// What a column decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Child on their own at a place.
    Single { child: ChildIdx, place: PlaceIdx },
    /// Whole group in one place.
    Together { group: GroupIdx, place: PlaceIdx },
    /// Group spread over the households of one constellation.
    Spread {
        group: GroupIdx,
        constellation: ConstellationIdx,
    },
    /// One member of a spread group at a household of that constellation.
    Member {
        child: ChildIdx,
        constellation: ConstellationIdx,
        place: PlaceIdx,
    },
    /// A non-strict group all in one place.
    TogetherSplit { group: GroupIdx, place: PlaceIdx },
    /// A member of a non-strict group at a place.
    SplitMember { child: ChildIdx, place: PlaceIdx },
    /// A non-strict group uses place j (`o_gj`).
    SplitPlace { group: GroupIdx, place: PlaceIdx },
    /// A non-strict group uses constellation K (`k_gK`).
    SplitConstellation {
        group: GroupIdx,
        constellation: ConstellationIdx,
    },
    /// A non-strict group is placed at all (`σ_g`, worth `−w_split`).
    SplitFirst { group: GroupIdx },
}

/// A stored (group) column: 32 bytes, its rows implied by its kind.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stored {
    kind: StoredKind,
    /// Objective coefficient.
    coef: f64,
}

const NO_ROW: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq)]
enum StoredKind {
    /// Rows: the group's row (1), the place's capacity row (|g|).
    Together { group: u32, place: u32, size: u32 },
    /// Rows: `spread_rows[start..start + len]`.
    Spread {
        group: u32,
        constellation: u32,
        start: u32,
        len: u32,
    },
    /// Rows: the link row (1), the capacity row (1), the spread-room row (1) if any.
    Member {
        child: u32,
        constellation: u32,
        place: u32,
        link: u32,
        room: u32,
    },
    /// Rows: each member's child row (1), the capacity row (|g|), the
    /// group's once row (1), the home rows of each member at the place.
    TogetherSplit { group: u32, place: u32, size: u32 },
    /// Rows: the child row (1), the capacity row (1), then those of
    /// `split_info[info]`: place-used (1), member-used (1),
    /// constellation-used (1) and member-in-constellation (1) if any; the
    /// home rows of the child at the place.
    SplitMember { child: u32, place: u32, info: u32 },
    /// Rows: `split_rows[start..start + len]`: place-used (−room), each
    /// eligible member's member-used (−1), then household-used (1) and
    /// constellation-open (−1) for a household of a constellation, else
    /// first-cluster (−1).
    SplitPlace {
        group: u32,
        place: u32,
        start: u32,
        len: u32,
    },
    /// Rows: `split_rows[start..start + len]`: constellation-used (−|g|),
    /// each household-used row of the constellation (−1), each
    /// member-in-constellation row (−1), constellation-open (1),
    /// first-cluster (−1).
    SplitConstellation {
        group: u32,
        constellation: u32,
        start: u32,
        len: u32,
    },
    /// Rows: `row` (first-cluster, 1), `once` (1).
    SplitFirst { group: u32, row: u32, once: u32 },
}

/// The rows and companion columns of a [`StoredKind::SplitMember`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct SplitInfo {
    place_row: u32,
    member_row: u32,
    constellation_row: u32,
    member_constellation_row: u32,
    two_row: u32,
    households_row: u32,
    place_column: u32,
    constellation_column: u32,
}

/// A member-used row `a_ij − o_gj ≤ 0` and its two columns (column ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberLink {
    /// The row.
    pub row: usize,
    /// `o_gj`.
    pub place_column: usize,
    /// `a_ij`.
    pub member_column: usize,
}

/// A row: its key, its right-hand side and whether it is an equality.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What it constrains.
    pub key: RowKey,
    /// Right-hand side.
    pub rhs: f64,
    /// `=` rather than `≤`.
    pub equality: bool,
}

/// Every column of the full model and its rows.
///
/// Column ids: `0..pairs.len()` are pair ids, and the pair of a child placed
/// on their own is that child's `Single` column (pairs of grouped children are
/// not columns); `pairs.len() + k` is the `k`-th stored group column. The
/// columns of each unit are one contiguous range of ids ([`Pool::unit_columns`]).
#[derive(Debug, Clone)]
pub struct Pool<'a> {
    /// The eligible pairs (and the single children's columns).
    pub pairs: PairTable<'a>,
    stored: Vec<Stored>,
    split_info: Vec<SplitInfo>,
    split_rows: Vec<(u32, f64)>,
    member_links: Vec<MemberLink>,
    two_row: Vec<u32>,
    home: HomeRows,
    spread_rows: Vec<(u32, f64)>,
    /// All rows.
    pub rows: Vec<Row>,
    row_ix: HashMap<RowKey, usize>,
    child_row: Vec<u32>,
    group_row: Vec<u32>,
    cap_row: Vec<u32>,
    by_unit: Vec<Range<usize>>,
    built_units: usize,
    w_unplaced: f64,
}

/// The rows between children arriving at one home (mix limits and
/// conflicts): for each (child, home) pair that has any, its (row,
/// coefficient) entries.
#[derive(Debug, Clone, Default)]
struct HomeRows {
    /// `(child, place)` → range of `arena`.
    entries: HashMap<(u32, u32), (u32, u32)>,
    arena: Vec<(u32, f64)>,
    /// Whether a place has any such row.
    has: Vec<bool>,
}

impl Pool<'_> {
    /// Calls `f(row, coefficient)` for the home rows of child `i` arriving at `j`.
    fn for_each_home_row(&self, i: ChildIdx, j: PlaceIdx, f: &mut impl FnMut(usize, f64)) {
        if !self.home.has[j] {
            return;
        }
        if let Some(&(a, b)) = self.home.entries.get(&(i as u32, j as u32)) {
            for &(r, v) in &self.home.arena[a as usize..b as usize] {
                f(r as usize, v);
            }
        }
    }

    /// The home rows of several children arriving at `j` together, each row once.
    fn for_each_group_home_row(
        &self,
        members: &[ChildIdx],
        j: PlaceIdx,
        f: &mut impl FnMut(usize, f64),
    ) {
        if !self.home.has[j] {
            return;
        }
        let mut rows: Vec<(usize, f64)> = Vec::new();
        for &i in members {
            self.for_each_home_row(i, j, &mut |r, v| rows.push((r, v)));
        }
        rows.sort_by_key(|&(r, _)| r);
        let mut k = 0;
        while k < rows.len() {
            let (r, mut v) = rows[k];
            k += 1;
            while k < rows.len() && rows[k].0 == r {
                v += rows[k].1;
                k += 1;
            }
            f(r, v);
        }
    }

    /// Every member-used row of the split groups with its two columns.
    pub fn member_links(&self) -> &[MemberLink] {
        &self.member_links
    }

    /// Columns that must come into a model with `c`: a split member's
    /// place-used and constellation-used columns.
    pub fn companions(&self, c: usize) -> impl Iterator<Item = usize> {
        let mut out = [None, None];
        if let Some(Stored {
            kind: StoredKind::SplitMember { info, .. },
            ..
        }) = self.stored_column(c)
        {
            let s = &self.split_info[*info as usize];
            out[0] = Some(self.pairs.len() + s.place_column as usize);
            if s.constellation_column != NO_ROW {
                out[1] = Some(self.pairs.len() + s.constellation_column as usize);
            }
        }
        out.into_iter().flatten()
    }

    fn row(&mut self, key: RowKey, rhs: f64, equality: bool) -> usize {
        if let Some(&r) = self.row_ix.get(&key) {
            return r;
        }
        self.rows.push(Row { key, rhs, equality });
        self.row_ix.insert(key, self.rows.len() - 1);
        self.rows.len() - 1
    }

    fn capacity_row(&mut self, data: &Dataset, j: PlaceIdx) -> usize {
        if self.cap_row[j] == NO_ROW {
            let r = self.row(
                RowKey::Capacity(j),
                data.places()[j].free_places() as f64,
                false,
            );
            self.cap_row[j] = r as u32;
        }
        self.cap_row[j] as usize
    }

    fn push(&mut self, kind: StoredKind, coef: f64) {
        self.stored.push(Stored { kind, coef });
    }

    /// The unplaced penalty the coefficients were built with.
    pub fn w_unplaced(&self) -> f64 {
        self.w_unplaced
    }

    /// The row index of a key, if the row exists.
    pub fn row_index(&self, key: RowKey) -> Option<usize> {
        self.row_ix.get(&key).copied()
    }

    /// Every column id: pair ids and stored ids (some pair ids are not columns).
    pub fn id_space(&self) -> usize {
        self.pairs.len() + self.stored.len()
    }

    /// Columns of the full model.
    pub fn column_count(&self) -> usize {
        self.by_unit.iter().map(|r| r.len()).sum()
    }

    /// The column ids of unit `u` (by the order of [`units`]); empty for a
    /// unit the pool did not reach before the deadline.
    pub fn unit_columns(&self, u: usize) -> Range<usize> {
        self.by_unit.get(u).cloned().unwrap_or(0..0)
    }

    /// Whether unit `u` is a child on their own with columns (they are pairs).
    pub fn is_single_unit(&self, u: usize) -> bool {
        let range = self.unit_columns(u);
        !range.is_empty() && range.start < self.pairs.len()
    }

    /// Whether unit `u`'s columns were built (every unit's, unless the
    /// deadline stopped the pool first).
    pub fn unit_built(&self, u: usize) -> bool {
        u < self.built_units
    }

    /// Whether the pool holds every column of the full model: every child
    /// enumerated and every unit built.
    pub fn complete(&self) -> bool {
        self.pairs.complete() && self.built_units == self.by_unit.len()
    }

    /// What column `c` decides. Pair ids are `Single` columns.
    pub fn kind(&self, c: usize) -> ColumnKind {
        match self.stored_column(c) {
            None => ColumnKind::Single {
                child: self.pairs.child_of(c),
                place: self.pairs.place(c),
            },
            Some(s) => match s.kind {
                StoredKind::Together { group, place, .. } => ColumnKind::Together {
                    group: group as GroupIdx,
                    place: place as PlaceIdx,
                },
                StoredKind::Spread {
                    group,
                    constellation,
                    ..
                } => ColumnKind::Spread {
                    group: group as GroupIdx,
                    constellation: constellation as ConstellationIdx,
                },
                StoredKind::Member {
                    child,
                    constellation,
                    place,
                    ..
                } => ColumnKind::Member {
                    child: child as ChildIdx,
                    constellation: constellation as ConstellationIdx,
                    place: place as PlaceIdx,
                },
                StoredKind::TogetherSplit { group, place, .. } => ColumnKind::TogetherSplit {
                    group: group as GroupIdx,
                    place: place as PlaceIdx,
                },
                StoredKind::SplitMember { child, place, .. } => ColumnKind::SplitMember {
                    child: child as ChildIdx,
                    place: place as PlaceIdx,
                },
                StoredKind::SplitPlace { group, place, .. } => ColumnKind::SplitPlace {
                    group: group as GroupIdx,
                    place: place as PlaceIdx,
                },
                StoredKind::SplitConstellation {
                    group,
                    constellation,
                    ..
                } => ColumnKind::SplitConstellation {
                    group: group as GroupIdx,
                    constellation: constellation as ConstellationIdx,
                },
                StoredKind::SplitFirst { group, .. } => ColumnKind::SplitFirst {
                    group: group as GroupIdx,
                },
            },
        }
    }

    fn stored_column(&self, c: usize) -> Option<&Stored> {
        c.checked_sub(self.pairs.len()).map(|k| &self.stored[k])
    }

    /// Objective coefficient of column `c`: placement cost minus
    /// `w_unplaced` per child it places.
    pub fn coef(&self, c: usize) -> f64 {
        match self.stored_column(c) {
            None => self.pairs.cost(c) - self.w_unplaced,
            Some(s) => s.coef,
        }
    }

    /// The (row, coefficient) pairs of column `c`.
    pub fn for_each_row(&self, c: usize, mut f: impl FnMut(usize, f64)) {
        let data = self.pairs.data();
        match self.stored_column(c) {
            None => {
                let (i, j) = (self.pairs.child_of(c), self.pairs.place(c));
                f(self.child_row[i] as usize, 1.0);
                f(self.cap_row[j] as usize, 1.0);
                self.for_each_home_row(i, j, &mut f);
            }
            Some(s) => match s.kind {
                StoredKind::Together { group, place, size } => {
                    f(self.group_row[group as usize] as usize, 1.0);
                    f(self.cap_row[place as usize] as usize, size as f64);
                    let members = &data.sibling_groups()[group as usize].members;
                    self.for_each_group_home_row(members, place as usize, &mut f);
                }
                StoredKind::TogetherSplit { group, place, size } => {
                    let members = &data.sibling_groups()[group as usize].members;
                    for &i in members {
                        f(self.child_row[i] as usize, 1.0);
                    }
                    f(self.cap_row[place as usize] as usize, size as f64);
                    f(self.group_row[group as usize] as usize, 1.0);
                    let two = self.two_row[group as usize];
                    if two != NO_ROW && size > 2 {
                        f(two as usize, (size - 2) as f64);
                    }
                    self.for_each_group_home_row(members, place as usize, &mut f);
                }
                StoredKind::SplitMember { child, place, info } => {
                    let s = &self.split_info[info as usize];
                    f(self.child_row[child as usize] as usize, 1.0);
                    f(self.cap_row[place as usize] as usize, 1.0);
                    f(s.place_row as usize, 1.0);
                    f(s.member_row as usize, 1.0);
                    if s.constellation_row != NO_ROW {
                        f(s.constellation_row as usize, 1.0);
                        f(s.member_constellation_row as usize, 1.0);
                    }
                    if s.two_row != NO_ROW {
                        f(s.two_row as usize, 1.0);
                    }
                    if s.households_row != NO_ROW {
                        f(s.households_row as usize, 1.0);
                    }
                    self.for_each_home_row(child as usize, place as usize, &mut f);
                }
                StoredKind::SplitPlace { start, len, .. }
                | StoredKind::SplitConstellation { start, len, .. } => {
                    let (a, b) = (start as usize, (start + len) as usize);
                    for &(r, v) in &self.split_rows[a..b] {
                        f(r as usize, v);
                    }
                }
                StoredKind::SplitFirst { row, once, .. } => {
                    f(row as usize, 1.0);
                    f(once as usize, 1.0);
                }
                StoredKind::Spread { start, len, .. } => {
                    let (a, b) = (start as usize, (start + len) as usize);
                    for &(r, v) in &self.spread_rows[a..b] {
                        f(r as usize, v);
                    }
                }
                StoredKind::Member {
                    place, link, room, ..
                } => {
                    f(link as usize, 1.0);
                    f(self.cap_row[place as usize] as usize, 1.0);
                    if room != NO_ROW {
                        f(room as usize, 1.0);
                    }
                }
            },
        }
    }

    /// The row that owns column `c` (child, group or link row): pricing
    /// rations the columns it adds per owner.
    pub fn owner(&self, c: usize) -> usize {
        match self.stored_column(c) {
            None => self.child_row[self.pairs.child_of(c)] as usize,
            Some(s) => match s.kind {
                StoredKind::Together { group, .. } | StoredKind::Spread { group, .. } => {
                    self.group_row[group as usize] as usize
                }
                StoredKind::Member { link, .. } => link as usize,
                StoredKind::TogetherSplit { group, .. } => self.group_row[group as usize] as usize,
                StoredKind::SplitMember { child, .. } => self.child_row[child as usize] as usize,
                StoredKind::SplitPlace { start, .. }
                | StoredKind::SplitConstellation { start, .. } => {
                    self.split_rows[start as usize].0 as usize
                }
                StoredKind::SplitFirst { row, .. } => row as usize,
            },
        }
    }

    /// Reduced cost `coef_c − Σ_r a_rc π_r` of column `c` under duals `pi`.
    pub fn reduced_cost(&self, c: usize, pi: &[f64]) -> f64 {
        let mut rc = self.coef(c);
        self.for_each_row(c, |r, a| rc -= a * pi[r]);
        rc
    }

    /// Calls `f(c, rc_c)` for every column of unit `u` under duals `pi`
    /// (the hot loop of pricing: single children's columns without lookups).
    pub fn for_each_reduced_cost(&self, u: usize, pi: &[f64], mut f: impl FnMut(usize, f64)) {
        let range = self.unit_columns(u);
        if range.is_empty() {
            return;
        }
        if range.start < self.pairs.len() {
            // A single child: every column shares the child row.
            let child = self.pairs.child_of(range.start);
            let child_pi = pi[self.child_row[child] as usize];
            for p in range {
                let j = self.pairs.place(p);
                let mut rc = self.pairs.pair_cost(child, j)
                    - self.w_unplaced
                    - child_pi
                    - pi[self.cap_row[j] as usize];
                self.for_each_home_row(child, j, &mut |r, a| rc -= a * pi[r]);
                f(p, rc);
            }
        } else {
            for c in range {
                f(c, self.reduced_cost(c, pi));
            }
        }
    }
}

/// Builds the full column pool for `units` from the eligible pairs, stopping
/// (between units) when `deadline` has passed; see [`Pool::complete`].
pub fn build_pool<'a>(
    data: &Dataset,
    pairs: PairTable<'a>,
    units: &[Unit],
    weights: &Weights,
    deadline: &Deadline,
) -> Pool<'a> {
    let mut pool = Pool {
        pairs,
        stored: Vec::new(),
        split_info: Vec::new(),
        split_rows: Vec::new(),
        member_links: Vec::new(),
        two_row: vec![NO_ROW; data.sibling_groups().len()],
        home: HomeRows::default(),
        spread_rows: Vec::new(),
        rows: Vec::new(),
        row_ix: HashMap::new(),
        child_row: vec![NO_ROW; data.children().len()],
        group_row: vec![NO_ROW; data.sibling_groups().len()],
        cap_row: vec![NO_ROW; data.places().len()],
        by_unit: vec![0..0; units.len()],
        built_units: 0,
        w_unplaced: weights.unplaced,
    };
    let w_u = weights.unplaced;
    home_rows(&mut pool, data);
    for (u, unit) in units.iter().enumerate() {
        if deadline.expired() {
            break;
        }
        match *unit {
            Unit::Single(i) => {
                let owner = pool.row(RowKey::Child(i), 1.0, false);
                pool.child_row[i] = owner as u32;
                let range = pool.pairs.range(i);
                for p in range.clone() {
                    let j = pool.pairs.place(p);
                    pool.capacity_row(data, j);
                }
                pool.by_unit[u] = range;
            }
            Unit::Group(g) => {
                let first = pool.id_space();
                group_columns(&mut pool, data, g, w_u);
                pool.by_unit[u] = first..pool.id_space();
            }
            Unit::Split(g) => {
                let first = pool.id_space();
                split_columns(&mut pool, data, g, w_u);
                pool.by_unit[u] = first..pool.id_space();
            }
        }
        pool.built_units = u + 1;
    }
    pool.stored.shrink_to_fit();
    pool
}

/// The rows between children arriving at one home (module doc of
/// [`crate::matching`]): for every home with a mix limit, an age gap or
/// (when the dataset lists incompatible risks) two or more free beds, over
/// the children eligible there,
/// - `MixLimit(j, t)`: `Σ_{i: t ∈ risks_i} y_ij ≤ room_jt`, where more
///   such children are eligible than the room left by residents;
/// - `Conflict(j, i)`: `M·y_ij + Σ_{k ∈ N⁺_ij} y_kj ≤ M` for each child i
///   with later children `N⁺_ij` (index > i) it conflicts with at j, where
///   `M = min(|N⁺_ij|, free_j)` and `free_j ≥ 2`.
fn home_rows(pool: &mut Pool, data: &Dataset) {
    pool.home.has = vec![false; data.places().len()];
    let any_incompatible = !data.incompatible().is_empty();
    let relevant = |j: PlaceIdx| {
        let p = &data.places()[j];
        !p.is_carer() && (p.has_mix_rules() || (any_incompatible && p.free_places() >= 2))
    };
    let mut at: HashMap<PlaceIdx, Vec<ChildIdx>> = HashMap::new();
    for i in 0..pool.pairs.enumerated_children() {
        for p in pool.pairs.range(i) {
            let j = pool.pairs.place(p);
            if relevant(j) {
                at.entry(j).or_default().push(i);
            }
        }
    }
    let mut homes: Vec<(PlaceIdx, Vec<ChildIdx>)> = at.into_iter().collect();
    homes.sort_unstable_by_key(|h| h.0);
    let mut entries: Vec<(u32, u32, u32, f64)> = Vec::new();
    for (j, kids) in homes {
        mix_limit_rows(pool, data, j, &kids, &mut entries);
        conflict_rows(pool, data, j, &kids, &mut entries);
    }
    entries.sort_by_key(|e| (e.0, e.1, e.2));
    let mut k = 0;
    while k < entries.len() {
        let (i, j) = (entries[k].0, entries[k].1);
        let start = pool.home.arena.len() as u32;
        while k < entries.len() && (entries[k].0, entries[k].1) == (i, j) {
            pool.home.arena.push((entries[k].2, entries[k].3));
            k += 1;
        }
        pool.home.has[j as usize] = true;
        let end = pool.home.arena.len() as u32;
        pool.home.entries.insert((i, j), (start, end));
    }
}

/// `MixLimit(j, t)` rows of home `j` over the eligible `kids`.
fn mix_limit_rows(
    pool: &mut Pool,
    data: &Dataset,
    j: PlaceIdx,
    kids: &[ChildIdx],
    entries: &mut Vec<(u32, u32, u32, f64)>,
) {
    let place = &data.places()[j];
    for &(t, _) in &place.mix_limits {
        let room = place.mix_room(t).unwrap_or(u32::MAX);
        let with: Vec<ChildIdx> = kids
            .iter()
            .copied()
            .filter(|&i| data.children()[i].risks.contains(t))
            .collect();
        // Where the room is at least the free places, the capacity row implies it.
        if room < place.free_places() && with.len() as u64 > u64::from(room) {
            let r = pool.row(RowKey::MixLimit(j, t), room as f64, false) as u32;
            entries.extend(with.iter().map(|&i| (i as u32, j as u32, r, 1.0)));
        }
    }
}

/// `Conflict(j, i)` rows of home `j` over the eligible `kids` (ascending).
fn conflict_rows(
    pool: &mut Pool,
    data: &Dataset,
    j: PlaceIdx,
    kids: &[ChildIdx],
    entries: &mut Vec<(u32, u32, u32, f64)>,
) {
    let free = data.places()[j].free_places() as usize;
    if free < 2 {
        return; // the capacity row already keeps a second child out
    }
    for (a, &i) in kids.iter().enumerate() {
        let later: Vec<ChildIdx> = kids[a + 1..]
            .iter()
            .copied()
            .filter(|&k| data.children_conflict_at(i, k, j))
            .collect();
        if later.is_empty() {
            continue;
        }
        let m = later.len().min(free) as f64;
        let r = pool.row(RowKey::Conflict(j, i), m, false) as u32;
        entries.push((i as u32, j as u32, r, m));
        entries.extend(later.iter().map(|&k| (k as u32, j as u32, r, 1.0)));
    }
}

/// Whether the members may all arrive at place `j` together: at a home, no
/// two of them conflict and each mix limit keeps room for those with its risk.
pub fn group_fits_home(data: &Dataset, members: &[ChildIdx], j: PlaceIdx) -> bool {
    let place = &data.places()[j];
    if place.is_carer() {
        return true;
    }
    let mix_ok = place.mix_limits.iter().all(|&(t, _)| {
        let n = members
            .iter()
            .filter(|&&i| data.children()[i].risks.contains(t))
            .count() as u32;
        place.mix_room(t).is_none_or(|room| n <= room)
    });
    let pairs_ok = members.iter().enumerate().all(|(a, &i)| {
        members[a + 1..]
            .iter()
            .all(|&k| !data.children_conflict_at(i, k, j))
    });
    mix_ok && pairs_ok
}

/// Places eligible for every member of `g` with room for them all (and
/// where they may arrive together), with the summed cost, cheapest first;
/// `inside_constellations` admits households of constellations.
fn together_places(
    pool: &Pool,
    data: &Dataset,
    g: GroupIdx,
    inside_constellations: bool,
) -> Vec<(PlaceIdx, f64)> {
    let group = &data.sibling_groups()[g];
    let size = group.members.len();
    let mut shared: HashMap<PlaceIdx, (usize, f64)> = HashMap::new();
    for &i in &group.members {
        for (j, cost) in pool.pairs.of(i) {
            let e = shared.entry(j).or_insert((0, 0.0));
            e.0 += 1;
            e.1 += cost;
        }
    }
    let mut together: Vec<(PlaceIdx, f64)> = shared
        .into_iter()
        .filter(|&(j, (n, _))| {
            let place = &data.places()[j];
            n == size
                && place.free_places() as usize >= size
                && (inside_constellations || place.constellation().is_none())
                && group_fits_home(data, &group.members, j)
        })
        .map(|(j, (_, cost))| (j, cost))
        .collect();
    together.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    together
}

/// The columns of a non-strict group (module doc of [`crate::matching`]):
/// together options `z_gj`, the first-cluster column `σ_g`, place-used
/// columns `o_gj`, constellation-used columns `k_gK`, and member columns
/// `a_ij`, with their rows.
fn split_columns(pool: &mut Pool, data: &Dataset, g: GroupIdx, w_u: f64) {
    let group = &data.sibling_groups()[g];
    let size = group.members.len();
    let (w_s, w_sc) = (data.practice().split, data.split_constellation_weight(g));
    for &i in &group.members {
        pool.child_row[i] = pool.row(RowKey::Child(i), 1.0, false) as u32;
    }
    let first = pool.row(RowKey::SplitFirst(g), 0.0, false) as u32;
    let once = pool.row(RowKey::SplitOnce(g), 1.0, false) as u32;
    pool.group_row[g] = once;
    let two = if one_cluster_can_hold(pool, data, g) {
        NO_ROW
    } else {
        pool.row(RowKey::SplitTwoClusters(g), size as f64 - 2.0, false) as u32
    };
    pool.two_row[g] = two;
    push_together(pool, data, g, true, true, w_u);
    pool.push(
        StoredKind::SplitFirst {
            group: g as u32,
            row: first,
            once,
        },
        -w_s,
    );
    // Each place eligible for a member, with the members eligible there.
    let mut places: Vec<(PlaceIdx, ChildIdx)> = group
        .members
        .iter()
        .flat_map(|&i| pool.pairs.range(i).map(move |p| (i, p)))
        .map(|(i, p)| (pool.pairs.place(p), i))
        .collect();
    places.sort_unstable();
    // Each constellation with a household eligible for a member, with
    // the members eligible in it.
    let mut k_members: BTreeMap<usize, BTreeSet<ChildIdx>> = BTreeMap::new();
    for &(j, i) in &places {
        if let Some(k) = data.places()[j].constellation() {
            k_members.entry(k).or_default().insert(i);
        }
    }
    let two_households = two_households_rows(pool, g, size, &k_members);
    let mut used: HashMap<usize, (u32, u32)> = HashMap::new();
    let mut k_households: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for same in places.chunk_by(|a, b| a.0 == b.0) {
        let j = same[0].0;
        pool.capacity_row(data, j);
        let row = pool.row(RowKey::PlaceUsed(g, j), 0.0, false) as u32;
        // Not all members one by one: that is the together column.
        let room = (data.places()[j].free_places() as usize).min(size - 1);
        let start = pool.split_rows.len() as u32;
        pool.split_rows.push((row, -(room as f64)));
        for &(_, i) in same {
            let r = pool.row(RowKey::MemberUsed(i, j), 0.0, false) as u32;
            pool.split_rows.push((r, -1.0));
        }
        let coef = match data.places()[j].constellation() {
            Some(k) => {
                let r = pool.row(RowKey::HouseholdUsed(g, j), 0.0, false) as u32;
                pool.split_rows.push((r, 1.0));
                let open = pool.row(RowKey::ConstellationOpen(g, k), 0.0, false) as u32;
                pool.split_rows.push((open, -1.0));
                if let Some(&two_k) = two_households.get(&k) {
                    pool.split_rows.push((two_k, -1.0));
                }
                k_households.entry(k).or_default().push(r);
                w_sc
            }
            None => {
                pool.split_rows.push((first, -1.0));
                if two != NO_ROW {
                    pool.split_rows.push((two, -1.0));
                }
                w_s
            }
        };
        used.insert(j, (row, pool.stored.len() as u32));
        let len = pool.split_rows.len() as u32 - start;
        let kind = StoredKind::SplitPlace {
            group: g as u32,
            place: j as u32,
            start,
            len,
        };
        pool.push(kind, coef);
    }
    let mut in_k: HashMap<usize, (u32, u32)> = HashMap::new();
    for (&k, households) in &k_households {
        let row = pool.row(RowKey::ConstellationUsed(g, k), 0.0, false) as u32;
        in_k.insert(k, (row, pool.stored.len() as u32));
        let start = pool.split_rows.len() as u32;
        pool.split_rows.push((row, -(size as f64)));
        pool.split_rows
            .extend(households.iter().map(|&r| (r, -1.0)));
        for &i in &k_members[&k] {
            let r = pool.row(RowKey::MemberInConstellation(i, k), 0.0, false) as u32;
            pool.split_rows.push((r, -1.0));
        }
        let open = pool.row_ix[&RowKey::ConstellationOpen(g, k)] as u32;
        pool.split_rows.push((open, 1.0));
        if let Some(&two_k) = two_households.get(&k) {
            pool.split_rows.push((two_k, -(size as f64 - 2.0)));
        }
        pool.split_rows.push((first, -1.0));
        if two != NO_ROW {
            pool.split_rows.push((two, -1.0));
        }
        let kind = StoredKind::SplitConstellation {
            group: g as u32,
            constellation: k as u32,
            start,
            len: pool.split_rows.len() as u32 - start,
        };
        pool.push(kind, w_s - w_sc);
    }
    for &i in &group.members {
        for p in pool.pairs.range(i) {
            let j = pool.pairs.place(p);
            let (place_row, place_column) = used[&j];
            let member_row = pool.row_ix[&RowKey::MemberUsed(i, j)] as u32;
            let (constellation_row, constellation_column) = data.places()[j]
                .constellation()
                .map_or((NO_ROW, NO_ROW), |k| in_k[&k]);
            let member_constellation_row = data.places()[j].constellation().map_or(NO_ROW, |k| {
                pool.row_ix[&RowKey::MemberInConstellation(i, k)] as u32
            });
            let households_row = data.places()[j]
                .constellation()
                .and_then(|k| two_households.get(&k).copied())
                .unwrap_or(NO_ROW);
            pool.split_info.push(SplitInfo {
                place_row,
                member_row,
                constellation_row,
                member_constellation_row,
                two_row: two,
                households_row,
                place_column,
                constellation_column,
            });
            let info = (pool.split_info.len() - 1) as u32;
            let kind = StoredKind::SplitMember {
                child: i as u32,
                place: j as u32,
                info,
            };
            pool.member_links.push(MemberLink {
                row: member_row as usize,
                place_column: pool.pairs.len() + place_column as usize,
                member_column: pool.id_space(),
            });
            pool.push(kind, pool.pairs.pair_cost(i, j) - w_u);
        }
    }
}

/// The *two households* row `Σ_{i∈g, j∈K} a_ij − Σ_{j∈K} o_gj − (|g| −
/// 2)·k_gK ≤ 0` of split group `g` (of `size` members) for each
/// constellation K of `k_members` (the members eligible in each) where every
/// member has an eligible household, when `size ≥ 3` (see the module doc of
/// [`crate::matching`]).
fn two_households_rows(
    pool: &mut Pool,
    g: GroupIdx,
    size: usize,
    k_members: &BTreeMap<usize, BTreeSet<ChildIdx>>,
) -> BTreeMap<usize, u32> {
    if size < 3 {
        return BTreeMap::new();
    }
    k_members
        .iter()
        .filter(|(_, m)| m.len() == size)
        .map(|(&k, _)| {
            (
                k,
                pool.row(RowKey::SplitTwoHouseholds(g, k), 0.0, false) as u32,
            )
        })
        .collect()
}

/// Whether one cluster could hold every member of split group `g` placed
/// member by member: a constellation whose households eligible for them
/// have room for all (an exact assignment, [`super::spread`]). A place
/// outside constellations never does: all members at one place is the
/// together column `z_gj` (the place-used row allows at most `|g| − 1`).
fn one_cluster_can_hold(pool: &Pool, data: &Dataset, g: GroupIdx) -> bool {
    let members = &data.sibling_groups()[g].members;
    let mut constellations: Vec<ConstellationIdx> = members
        .iter()
        .flat_map(|&i| pool.pairs.range(i))
        .filter_map(|p| data.places()[pool.pairs.place(p)].constellation())
        .collect();
    constellations.sort_unstable();
    constellations.dedup();
    constellations.into_iter().any(|k| {
        let options: Vec<Vec<(PlaceIdx, f64)>> = members
            .iter()
            .map(|&i| {
                pool.pairs
                    .range(i)
                    .map(|p| pool.pairs.place(p))
                    .filter(|&j| data.places()[j].constellation() == Some(k))
                    .map(|j| (j, 0.0))
                    .collect()
            })
            .collect();
        super::spread::cheapest_spread(&options, &|j| data.places()[j].free_places()).is_some()
    })
}

/// The together columns of group `g` (see [`together_places`]):
/// `TogetherSplit` for a non-strict (`split`) group, else `Together`, each
/// at the members' costs less `w_unplaced` per member.
fn push_together(
    pool: &mut Pool,
    data: &Dataset,
    g: GroupIdx,
    inside: bool,
    split: bool,
    w_u: f64,
) {
    let size = data.sibling_groups()[g].members.len();
    for (j, cost) in together_places(pool, data, g, inside) {
        pool.capacity_row(data, j);
        let (group, place, size) = (g as u32, j as u32, size as u32);
        let kind = if split {
            StoredKind::TogetherSplit { group, place, size }
        } else {
            StoredKind::Together { group, place, size }
        };
        pool.push(kind, cost - w_u * size as f64);
    }
}

fn group_columns(pool: &mut Pool, data: &Dataset, g: GroupIdx, w_u: f64) {
    let group = &data.sibling_groups()[g];
    let size = group.members.len();
    let owner = pool.row(RowKey::Group(g), 1.0, false);
    pool.group_row[g] = owner as u32;
    let household = group.keep_together == KeepTogether::Household;
    push_together(pool, data, g, household, false, w_u);
    if group.keep_together != KeepTogether::Constellation {
        return;
    }
    for (k, constellation) in data.constellations().iter().enumerate() {
        // Filter by constellation first: a cost is a haversine away.
        let in_k = |pairs: &PairTable, i: ChildIdx| -> Vec<(PlaceIdx, f64)> {
            pairs
                .range(i)
                .map(|p| pairs.place(p))
                .filter(|&j| data.places()[j].constellation() == Some(k))
                .map(|j| (j, pairs.pair_cost(i, j)))
                .collect()
        };
        let member_pairs: Vec<Vec<(PlaceIdx, f64)>> = group
            .members
            .iter()
            .map(|&i| in_k(&pool.pairs, i))
            .collect();
        if member_pairs.iter().any(Vec::is_empty) {
            continue;
        }
        // The spread option exists only if the members can all be placed in
        // K's households at once (each in an eligible household, free places
        // respected), ignoring other children: otherwise no integer solution
        // uses it, and keeping it only weakens the LP bound.
        let options: Vec<Vec<PlaceIdx>> = member_pairs
            .iter()
            .map(|m| m.iter().map(|&(j, _)| j).collect())
            .collect();
        if constellation.households.is_empty()
            || !members_fit(&options, &|j| data.places()[j].free_places())
        {
            continue;
        }
        let links: Vec<usize> = group
            .members
            .iter()
            .map(|&i| pool.row(RowKey::Link(i, k), 0.0, true))
            .collect();
        let mut rows: Vec<(u32, f64)> = vec![(owner as u32, 1.0)];
        rows.extend(links.iter().map(|&r| (r as u32, -1.0)));
        // Households where the members could overfill the room the spread
        // leaves them: Σ_{i∈g} m_iKj ≤ min(free_j, |g|)·u_gK.
        let mut room_rows: HashMap<PlaceIdx, usize> = HashMap::new();
        let mut households: Vec<PlaceIdx> = options.iter().flatten().copied().collect();
        households.sort_unstable();
        households.dedup();
        for j in households {
            let room = (data.places()[j].free_places() as usize).min(size);
            let eligible = options.iter().filter(|o| o.contains(&j)).count();
            if eligible > room {
                let r = pool.row(RowKey::SpreadRoom(g, k, j), 0.0, false);
                rows.push((r as u32, -(room as f64)));
                room_rows.insert(j, r);
            }
        }
        let start = pool.spread_rows.len() as u32;
        let len = rows.len() as u32;
        pool.spread_rows.extend(rows);
        pool.push(
            StoredKind::Spread {
                group: g as u32,
                constellation: k as u32,
                start,
                len,
            },
            -w_u * size as f64,
        );
        for (m, &i) in group.members.iter().enumerate() {
            for &(j, cost) in &member_pairs[m] {
                pool.capacity_row(data, j);
                let kind = StoredKind::Member {
                    child: i as u32,
                    constellation: k as u32,
                    place: j as u32,
                    link: links[m] as u32,
                    room: room_rows.get(&j).map_or(NO_ROW, |&r| r as u32),
                };
                pool.push(kind, cost);
            }
        }
    }
}

/// Whether every member can take one of their `options` at once, with no
/// place holding more than `room(place)` of them (an assignment problem,
/// solved exactly in polynomial time: see [`super::spread`]).
pub fn members_fit(options: &[Vec<PlaceIdx>], room: &dyn Fn(PlaceIdx) -> u32) -> bool {
    super::spread::members_fit(options, room)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Dataset;
    use crate::generator::{generate_raw, GeneratorSpec};

    #[test]
    fn counting_eligible_places_agrees_with_listing_them() {
        let data = Dataset::try_from(generate_raw(&GeneratorSpec::new(5, 60, 200, 20)))
            .expect("a valid generated dataset");
        let index = SpatialIndex::new(data.places().iter().map(|p| &p.location));
        let weights = Weights::default();
        let mut some_limited = false;
        for i in 0..data.children().len() {
            some_limited |= data.children()[i].max_distance_km.is_some();
            assert_eq!(
                count_eligible(&data, &index, i),
                child_pairs(&data, &index, &weights, i).len(),
                "child {i}"
            );
        }
        assert!(
            some_limited,
            "both branches (with and without a distance limit) are covered"
        );
    }
}
