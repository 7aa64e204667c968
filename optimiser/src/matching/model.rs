//! Builds the good_lp model over a subset of the column pool: one variable per
//! active column, one function per constraint family.

use good_lp::solvers::highs::{highs, HighsProblem};
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};

use super::columns::{Pool, RowKey};

/// A model ready for HiGHS, with the map from model rows back to pool rows.
pub struct Built {
    /// The problem, columns in the order of `active`.
    pub problem: HighsProblem,
    /// Pool row of each model row, in constraint order.
    pub rows: Vec<usize>,
}

/// Builds the model over `active` columns. `integer` makes every variable
/// binary (otherwise the LP relaxation, 0 ≤ x ≤ 1). Columns in `forced` get a
/// lower bound of 1.
pub fn build(pool: &Pool, active: &[usize], integer: bool, forced: &[usize]) -> Built {
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = active
        .iter()
        .map(|c| {
            let lower = if forced.contains(c) { 1.0 } else { 0.0 };
            let def = variable().min(lower).max(1.0);
            vars.add(if integer { def.integer() } else { def })
        })
        .collect();
    let mut objective = Expression::with_capacity(active.len());
    let mut lhs: Vec<Expression> = vec![Expression::default(); pool.rows.len()];
    let mut used = vec![false; pool.rows.len()];
    for (v, &c) in x.iter().zip(active) {
        objective.add_mul(pool.coef(c), *v);
        pool.for_each_row(c, |r, a| {
            lhs[r].add_mul(a, *v);
            used[r] = true;
        });
    }
    let mut problem = vars.minimise(objective).using(highs);
    let mut rows = Vec::new();
    let mut family = |keep: fn(&RowKey) -> bool| {
        for (r, row) in pool.rows.iter().enumerate() {
            if used[r] && keep(&row.key) {
                let e = std::mem::take(&mut lhs[r]);
                problem.add_constraint(if row.equality {
                    e.eq(row.rhs)
                } else {
                    e.leq(row.rhs)
                });
                rows.push(r);
            }
        }
    };
    child_placed_at_most_once(&mut family);
    group_takes_at_most_one_option(&mut family);
    place_capacity(&mut family);
    spread_members_follow_group(&mut family);
    spread_members_share_room(&mut family);
    home_mix_limits(&mut family);
    home_conflicts(&mut family);
    split_place_used(&mut family);
    split_member_used(&mut family);
    split_constellation_used(&mut family);
    split_member_in_constellation(&mut family);
    split_household_used(&mut family);
    split_constellation_open(&mut family);
    split_first_cluster(&mut family);
    split_once(&mut family);
    split_two_clusters(&mut family);
    split_two_households(&mut family);
    Built { problem, rows }
}

/// Σ_{i: t ∈ risks_i} y_ij ≤ max_jt − residents_jt for every home j and mix
/// limit t where more children with t are eligible than that room, `y_ij`
/// being every column that places child i at j.
fn home_mix_limits(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::MixLimit(..)));
}

/// M·y_ij + Σ_{k ∈ N⁺_ij} y_kj ≤ M, M = min(|N⁺_ij|, free_j), for every home j
/// with two or more free beds and child i with later conflicting children
/// N⁺_ij there (incompatible risks, or ages further apart than max_age_gap).
fn home_conflicts(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::Conflict(..)));
}

/// Σ_{i∈g} a_ij − min(|g|, free_j)·o_gj ≤ 0 for every non-strict group g and
/// place j eligible for a member.
fn split_place_used(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::PlaceUsed(..)));
}

/// a_ij − o_gj ≤ 0 for every member i of a non-strict group g and place j
/// eligible for i.
fn split_member_used(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::MemberUsed(..)));
}

/// Σ_{i∈g, j∈K} a_ij − |g|·k_gK ≤ 0 for every non-strict group g and
/// constellation K with a household eligible for a member.
fn split_constellation_used(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::ConstellationUsed(..)));
}

/// Σ_{j∈K} a_ij − k_gK ≤ 0 for every member i of a non-strict group g and
/// constellation K with a household eligible for i.
fn split_member_in_constellation(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::MemberInConstellation(..)));
}

/// o_gj − k_gK ≤ 0 for every non-strict group g and household j of
/// constellation K eligible for a member.
fn split_household_used(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::HouseholdUsed(..)));
}

/// k_gK − Σ_{j∈K} o_gj ≤ 0 for every non-strict group g and constellation
/// K with a household eligible for a member.
fn split_constellation_open(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::ConstellationOpen(..)));
}

/// σ_g − Σ_{j outside constellations} o_gj − Σ_K k_gK ≤ 0 for every
/// non-strict group g: the first cluster is free only if one is used.
fn split_first_cluster(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::SplitFirst(..)));
}

/// Σ_{i,j} a_ij + (|g| − 2)·Σ_j z_gj − Σ_{j outside constellations} o_gj −
/// Σ_K k_gK ≤ |g| − 2 for every non-strict group g that no one cluster can
/// hold: placed member by member, all of them use two clusters or more.
fn split_two_clusters(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::SplitTwoClusters(..)));
}

/// Σ_{i∈g, j∈K} a_ij − Σ_{j∈K} o_gj − (|g| − 2)·k_gK ≤ 0 for every
/// non-strict group g of three or more and constellation K where every
/// member has an eligible household: all members one by one in K use two
/// of its households.
fn split_two_households(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::SplitTwoHouseholds(..)));
}

/// σ_g + Σ_j z_gj ≤ 1 for every non-strict group g.
fn split_once(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::SplitOnce(..)));
}

/// Σ_j x_ij ≤ 1 for every child placed on their own, and Σ_j a_ij + Σ_j z_gj ≤ 1
/// for every member i of a non-strict group g.
fn child_placed_at_most_once(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::Child(_)));
}

/// Σ_j z_gj + Σ_K u_gK ≤ 1 for every sibling group kept together.
fn group_takes_at_most_one_option(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::Group(_)));
}

/// Σ_i x_ij + Σ_g |g| z_gj + Σ_i m_iKj ≤ free_j for every place.
fn place_capacity(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::Capacity(_)));
}

/// Σ_{j∈K} m_iKj − u_gK = 0 for every member i of a group spread over constellation K.
fn spread_members_follow_group(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::Link(..)));
}

/// Σ_{i∈g} m_iKj − min(free_j, |g|)·u_gK ≤ 0 for every household j of K where
/// more of the group's members are eligible than that room.
fn spread_members_share_room(family: &mut impl FnMut(fn(&RowKey) -> bool)) {
    family(|k| matches!(k, RowKey::SpreadRoom(..)));
}
