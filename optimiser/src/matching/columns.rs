//! The full pool of columns (every eligible way to place every unit) and the
//! rows they touch. The formulation is described in the module doc of
//! [`crate::matching`]; this file enumerates it sparsely: eligible pairs only,
//! found through the spatial index.

use std::collections::HashMap;

use crate::dataset::{ChildIdx, ConstellationIdx, Dataset, GroupIdx, KeepTogether, PlaceIdx};
use crate::eligibility;
use crate::geography::SpatialIndex;

use super::Weights;

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
    (0..data.children.len())
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
    let child = &data.children[i];
    let candidates: Vec<PlaceIdx> = match child.max_distance_km {
        Some(limit) => index.within(&child.anchor, limit).collect(),
        None => (0..data.places.len()).collect(),
    };
    let mut pairs: Vec<Pair> = candidates
        .into_iter()
        .filter_map(|j| {
            let km = child.anchor.distance_km(&data.places[j].location);
            eligibility::check(data, i, j, km).ok()?;
            Some(Pair {
                place: j,
                km,
                cost: weights.pair_cost(data.places[j].weekly_cost, km),
            })
        })
        .collect();
    pairs.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.place.cmp(&b.place)));
    pairs
}

/// A unit that is placed as one decision: a child on their own, or a sibling
/// group that must be kept together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A child placed on their own.
    Single(ChildIdx),
    /// A group of two or more kept together (`household` or `constellation`).
    Group(GroupIdx),
}

/// Splits the children into units (in child order of first member).
pub fn units(data: &Dataset) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut seen = vec![false; data.sibling_groups.len()];
    for (i, c) in data.children.iter().enumerate() {
        match c.sibling_group {
            Some(g) if group_is_unit(data, g) => {
                if !seen[g] {
                    seen[g] = true;
                    out.push(Unit::Group(g));
                }
            }
            _ => out.push(Unit::Single(i)),
        }
    }
    out
}

/// Whether group `g` is placed as one unit (a policy other than `none`, and two or more children).
pub fn group_is_unit(data: &Dataset, g: GroupIdx) -> bool {
    let group = &data.sibling_groups[g];
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
}

/// A column: a binary variable, its objective coefficient and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// What it decides.
    pub kind: ColumnKind,
    /// Objective coefficient: placement cost minus `w_unplaced` per child it places.
    pub coef: f64,
    /// (row, coefficient) pairs.
    pub rows: Vec<(usize, f64)>,
    /// The row that owns it (child, group or link row), used to ration pricing.
    pub owner: usize,
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
#[derive(Debug, Clone, Default)]
pub struct Pool {
    /// All columns.
    pub columns: Vec<Column>,
    /// All rows.
    pub rows: Vec<Row>,
    row_ix: HashMap<RowKey, usize>,
    /// Columns of each unit, by unit order of [`units`].
    pub by_unit: Vec<Vec<usize>>,
}

impl Pool {
    fn row(&mut self, key: RowKey, rhs: f64, equality: bool) -> usize {
        if let Some(&r) = self.row_ix.get(&key) {
            return r;
        }
        self.rows.push(Row { key, rhs, equality });
        self.row_ix.insert(key, self.rows.len() - 1);
        self.rows.len() - 1
    }

    fn capacity_row(&mut self, data: &Dataset, j: PlaceIdx) -> usize {
        self.row(
            RowKey::Capacity(j),
            data.places[j].free_places() as f64,
            false,
        )
    }

    fn push(&mut self, unit: usize, kind: ColumnKind, coef: f64, rows: Vec<(usize, f64)>) {
        let owner = rows[0].0;
        self.columns.push(Column {
            kind,
            coef,
            rows,
            owner,
        });
        self.by_unit[unit].push(self.columns.len() - 1);
    }

    /// The row index of a key, if the row exists.
    pub fn row_index(&self, key: RowKey) -> Option<usize> {
        self.row_ix.get(&key).copied()
    }
}

/// Builds the full column pool for `units` from the eligible pairs.
pub fn build_pool(data: &Dataset, pairs: &[Vec<Pair>], units: &[Unit], weights: &Weights) -> Pool {
    let mut pool = Pool {
        by_unit: vec![Vec::new(); units.len()],
        ..Pool::default()
    };
    let w_u = weights.unplaced;
    for (u, unit) in units.iter().enumerate() {
        match *unit {
            Unit::Single(i) => {
                let owner = pool.row(RowKey::Child(i), 1.0, false);
                for p in &pairs[i] {
                    let cap = pool.capacity_row(data, p.place);
                    let kind = ColumnKind::Single {
                        child: i,
                        place: p.place,
                    };
                    pool.push(u, kind, p.cost - w_u, vec![(owner, 1.0), (cap, 1.0)]);
                }
            }
            Unit::Group(g) => group_columns(&mut pool, data, pairs, u, g, w_u),
        }
    }
    pool
}

fn group_columns(
    pool: &mut Pool,
    data: &Dataset,
    pairs: &[Vec<Pair>],
    u: usize,
    g: GroupIdx,
    w_u: f64,
) {
    let group = &data.sibling_groups[g];
    let size = group.members.len();
    let owner = pool.row(RowKey::Group(g), 1.0, false);
    // Places eligible for every member, with the summed cost.
    let mut shared: HashMap<PlaceIdx, (usize, f64)> = HashMap::new();
    for &i in &group.members {
        for p in &pairs[i] {
            let e = shared.entry(p.place).or_insert((0, 0.0));
            e.0 += 1;
            e.1 += p.cost;
        }
    }
    let mut together: Vec<(PlaceIdx, f64)> = shared
        .into_iter()
        .filter(|&(j, (n, _))| {
            let place = &data.places[j];
            n == size
                && place.free_places() as usize >= size
                && (group.keep_together == KeepTogether::Household
                    || place.constellation().is_none())
        })
        .map(|(j, (_, cost))| (j, cost))
        .collect();
    together.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    for (j, cost) in together {
        let cap = pool.capacity_row(data, j);
        let kind = ColumnKind::Together { group: g, place: j };
        pool.push(
            u,
            kind,
            cost - w_u * size as f64,
            vec![(owner, 1.0), (cap, size as f64)],
        );
    }
    if group.keep_together != KeepTogether::Constellation {
        return;
    }
    for (k, constellation) in data.constellations.iter().enumerate() {
        let in_k = |i: ChildIdx| {
            pairs[i]
                .iter()
                .filter(move |p| data.places[p.place].constellation() == Some(k))
        };
        if group.members.iter().any(|&i| in_k(i).next().is_none()) {
            continue;
        }
        // The spread option exists only if the members can all be placed in
        // K's households at once (each in an eligible household, free places
        // respected), ignoring other children: otherwise no integer solution
        // uses it, and keeping it only weakens the LP bound.
        let options: Vec<Vec<PlaceIdx>> = group
            .members
            .iter()
            .map(|&i| in_k(i).map(|p| p.place).collect())
            .collect();
        if constellation.households.is_empty()
            || !members_fit(&options, &|j| data.places[j].free_places())
        {
            continue;
        }
        let links: Vec<usize> = group
            .members
            .iter()
            .map(|&i| pool.row(RowKey::Link(i, k), 0.0, true))
            .collect();
        let mut rows = vec![(owner, 1.0)];
        rows.extend(links.iter().map(|&r| (r, -1.0)));
        // Households where the members could overfill the room the spread
        // leaves them: Σ_{i∈g} m_iKj ≤ min(free_j, |g|)·u_gK.
        let mut room_rows: HashMap<PlaceIdx, usize> = HashMap::new();
        let mut households: Vec<PlaceIdx> = options.iter().flatten().copied().collect();
        households.sort_unstable();
        households.dedup();
        for j in households {
            let room = (data.places[j].free_places() as usize).min(size);
            let eligible = options.iter().filter(|o| o.contains(&j)).count();
            if eligible > room {
                let r = pool.row(RowKey::SpreadRoom(g, k, j), 0.0, false);
                rows.push((r, -(room as f64)));
                room_rows.insert(j, r);
            }
        }
        pool.push(
            u,
            ColumnKind::Spread {
                group: g,
                constellation: k,
            },
            -w_u * size as f64,
            rows,
        );
        for (m, &i) in group.members.iter().enumerate() {
            let member_pairs: Vec<Pair> = in_k(i).copied().collect();
            for p in member_pairs {
                let cap = pool.capacity_row(data, p.place);
                let kind = ColumnKind::Member {
                    child: i,
                    constellation: k,
                    place: p.place,
                };
                let mut rows = vec![(links[m], 1.0), (cap, 1.0)];
                if let Some(&r) = room_rows.get(&p.place) {
                    rows.push((r, 1.0));
                }
                pool.push(u, kind, p.cost, rows);
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
