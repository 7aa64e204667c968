//! The answer of a batch solve: who goes where, who is left and why, the
//! objective and its breakdown, and what the solver proved.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Serialize;

use crate::checker::split_cost;
use crate::dataset::{ChildIdx, Dataset, GroupIdx, KeepTogether, PlaceIdx};
use crate::eligibility;
use crate::solver::SolveStatus;

use super::columns::{members_fit, ColumnKind, PairTable, Pool, Unit};
use super::MatchConfig;

/// One child's placement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// Child id.
    pub child: String,
    /// Place id.
    pub place: String,
    /// `carer` or `home`.
    pub kind: &'static str,
    /// Sibling group, if any.
    pub sibling_group: Option<String>,
    /// Constellation of the place, if any.
    pub constellation: Option<String>,
    /// Great-circle km from the child's school (or authority).
    pub distance_km: f64,
    /// The place's weekly cost.
    pub weekly_cost: f64,
    /// `weekly_cost + w_distance · distance_km`.
    pub cost: f64,
}

/// Why a child is not placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnplacedReason {
    /// No place meets the child's kind, age, needs and distance limit with a free place.
    NoEligiblePlace,
    /// Places exist for each sibling, but none keeps the group together as its policy asks.
    SiblingsCannotBeKeptTogether,
    /// Every eligible option is taken by other children in this solution.
    EligiblePlacesTaken,
    /// An option still has room, but it costs more than the unplaced penalty.
    CostExceedsUnplacedPenalty,
    /// The solve stopped at its time limit with this child unplaced.
    NotPlacedWithinTimeLimit,
    /// Places meet the child's kind, age, needs and distance, but the v1.1
    /// rules exclude every one: the place's sex, its residents' risks or
    /// ages, or a mix limit already full.
    ExcludedByHomeRules,
    /// An eligible place still has room, but not with the children placed
    /// there in this solution (a mix limit, incompatible risks or an age gap).
    ConflictsWithChildrenPlaced,
}

/// A child left unplaced, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unplaced {
    /// Child id.
    pub child: String,
    /// Why.
    pub reason: UnplacedReason,
}

/// How sibling groups (two or more children) came out.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SiblingOutcome {
    /// Groups of two or more children.
    pub groups: usize,
    /// All members placed in one household.
    pub same_household: usize,
    /// All placed, in different households of one constellation.
    pub same_constellation: usize,
    /// Placed apart: policy `none`, or a non-strict group split (see
    /// [`MatchSolution::split_groups`]).
    pub split: usize,
    /// Of `split`, the groups with policy `none` (never meant to be kept
    /// together); the rest are non-strict groups the solve split.
    pub apart_by_policy: usize,
    /// No member placed.
    pub not_placed: usize,
}

/// The objective and where it comes from.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Breakdown {
    /// Σ weekly cost of the places taken.
    pub weekly_cost: f64,
    /// Σ km from anchor over placed children.
    pub total_km: f64,
    /// `w_distance · total_km`.
    pub distance_cost: f64,
    /// Children placed.
    pub children_placed: usize,
    /// Children unplaced.
    pub children_unplaced: usize,
    /// `w_unplaced · children_unplaced`.
    pub unplaced_penalty: f64,
    /// Sibling groups kept together or not.
    pub siblings: SiblingOutcome,
    /// Σ split costs of non-strict sibling groups (`w_split`, `w_split_constellation`).
    pub split_cost: f64,
    /// Σ `w_outside_authority` over children placed outside their authority.
    pub outside_authority_cost: f64,
    /// Children placed inside their own authority (a place whose authority is theirs).
    pub placed_inside_authority: usize,
    /// `placed_inside_authority / children_placed` (0 when none is placed):
    /// the national statistics' share placed inside the authority.
    pub share_inside_authority: f64,
    /// Children placed at most 20 miles (32.19 km) from their anchor.
    pub placed_within_20_miles: usize,
    /// `placed_within_20_miles / children_placed` (0 when none is placed):
    /// the national statistics' share within 20 miles.
    pub share_within_20_miles: f64,
}

/// 20 miles in km, the national statistics' distance threshold.
pub const TWENTY_MILES_KM: f64 = 32.18688;

/// Where one member of a split sibling group went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitMemberPlace {
    /// Child id.
    pub child: String,
    /// Place id, or `None` when the member is unplaced.
    pub place: Option<String>,
}

/// Why a non-strict sibling group was split.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SplitReason {
    /// No place eligible for every member has room for them all (and takes
    /// them together under its mix rules).
    NoPlaceForAll,
    /// Such places exist, but other children in this solution fill them.
    PlacesForAllTaken,
    /// The cheapest place that could still take them all costs more than the
    /// split: `extra_cost` a week (the split cost included), its members
    /// `extra_km` further in all.
    TogetherCostsMore {
        /// The place.
        place: String,
        /// Together cost − (split members' costs + split cost), £ a week.
        extra_cost: f64,
        /// Σ km together − Σ km split, over the members.
        extra_km: f64,
    },
}

/// A non-strict sibling group that is not kept together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitGroup {
    /// Group id.
    pub group: String,
    /// Its policy.
    pub keep_together: KeepTogether,
    /// Where each member went.
    pub members: Vec<SplitMemberPlace>,
    /// Distinct places used.
    pub places: usize,
    /// Its split cost (in the objective).
    pub split_cost: f64,
    /// Why it was split.
    pub reason: SplitReason,
}

/// The size of the model and how it was solved.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModelStats {
    /// Eligible child–place pairs (of the children enumerated).
    pub eligible_pairs: usize,
    /// Whether every child's eligible places were enumerated and every
    /// column built before the time limit. When `false`, the full model was
    /// never seen: the answer is a greedy plan over the columns built, and
    /// `bound` is the counting bound (see [`crate::matching`]).
    pub enumeration_complete: bool,
    /// Children whose eligible places were enumerated (the first ones, in
    /// dataset order; all of them when `enumeration_complete`).
    pub children_enumerated: usize,
    /// Columns of the full model (of the pool built, when incomplete).
    pub columns_total: usize,
    /// Columns handed to HiGHS in the final model.
    pub columns_in_model: usize,
    /// Rows of the final model.
    pub rows_in_model: usize,
    /// LP pricing rounds.
    pub lp_rounds: usize,
    /// MIP solves.
    pub mip_rounds: usize,
    /// The counting bound: every child costs at least `min(w_unplaced, its
    /// cheapest eligible cost)`, and at most Σ free places children are placed.
    pub counting_bound: f64,
    /// The best Lagrangian (LP) bound of the full model (with the objective
    /// constant); the counting bound when no LP round finished in time.
    pub lp_bound: f64,
    /// Time building the pool and the models, ms.
    pub build_ms: f64,
    /// Each incumbent as it was found (the greedy plan, then each MIP), with
    /// the bound proven by then: time since the start, objective, bound.
    pub progress: Vec<Progress>,
}

/// One incumbent of a solve, as it was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Progress {
    /// Time since the solve started, ms.
    pub ms: f64,
    /// The incumbent's objective.
    pub objective: f64,
    /// The best bound proven by then.
    pub bound: f64,
}

/// A batch solve's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchSolution {
    /// `optimal` (proven within the gap) or `time_limit` (best incumbent).
    pub status: SolveStatus,
    /// Objective: Σ placement costs + w_unplaced × unplaced.
    pub objective: f64,
    /// A proven lower bound on the optimum of the full model (see
    /// [`crate::matching`], "Bounds"): never above `objective`.
    pub bound: f64,
    /// `(objective − bound) / max(|objective|, 1)` ([`crate::solver::relative_gap`]).
    pub gap: f64,
    /// Time inside HiGHS, ms.
    pub solve_ms: f64,
    /// Wall time of the whole solve, ms.
    pub total_ms: f64,
    /// Placed children, in child order.
    pub assignments: Vec<Assignment>,
    /// Unplaced children, in child order.
    pub unplaced: Vec<Unplaced>,
    /// Non-strict sibling groups split (or partly placed), in group order.
    pub split_groups: Vec<SplitGroup>,
    /// Objective breakdown.
    pub breakdown: Breakdown,
    /// Model size and solve rounds.
    pub model: ModelStats,
    /// Each child's place, by child index (for callers that work with indices).
    #[serde(skip)]
    pub placement: Vec<Option<PlaceIdx>>,
    /// The capacity duals of the last LP the solve ran, by place index
    /// (`data.places()` order): `capacity_duals[j] = −π_j ≥ 0`, where π_j
    /// is the dual of place *j*'s row `Σ … ≤ free_j` in that LP — the
    /// marginal fall of the **LP relaxation's** optimum, in objective units
    /// (£ a week, with the distance weight and `w_unplaced` for each child
    /// left out), per extra free place at *j*, for a small enough increase
    /// (the LP optimum is convex in `free_j`, so it falls by *at most*
    /// `capacity_duals[j]` per place added, and may fall by less; the
    /// integer optimum has no such guarantee unless the LP is integral, as
    /// for children placed one by one without v1.1 rows). A place whose
    /// row was not in that LP (no column of the model touches it) has 0.
    ///
    /// With [`super::Strategy::Pricing`] the LP is the restricted LP of
    /// the last pricing round: when pricing converged (no column priced
    /// out) it is the full model's LP relaxation; when a time limit
    /// stopped pricing early, only the restricted model's. With
    /// [`super::Strategy::Full`] it is the full LP relaxation, solved once
    /// only when [`super::MatchConfig::capacity_duals`] is set. `None` when
    /// no LP was solved (`Full` without that flag, an empty model, or a
    /// pool cut short by the time limit). When the LP has several optimal
    /// dual solutions HiGHS returns one of them.
    #[serde(skip)]
    pub capacity_duals: Option<Vec<f64>>,
}

impl MatchSolution {
    pub(super) fn with_capacity_duals(mut self, duals: Option<Vec<f64>>) -> Self {
        self.capacity_duals = duals;
        self
    }
}

/// Turns selected columns into each child's place.
pub fn decode(data: &Dataset, pool: &Pool, selected: &[usize]) -> Vec<Option<PlaceIdx>> {
    let mut placement = vec![None; data.children().len()];
    for &c in selected {
        match pool.kind(c) {
            ColumnKind::Single { child, place } | ColumnKind::Member { child, place, .. } => {
                placement[child] = Some(place)
            }
            ColumnKind::Together { group, place } | ColumnKind::TogetherSplit { group, place } => {
                for &i in &data.sibling_groups()[group].members {
                    placement[i] = Some(place);
                }
            }
            ColumnKind::SplitMember { child, place } => placement[child] = Some(place),
            ColumnKind::Spread { .. }
            | ColumnKind::SplitPlace { .. }
            | ColumnKind::SplitConstellation { .. }
            | ColumnKind::SplitFirst { .. } => {}
        }
    }
    placement
}

#[allow(clippy::too_many_arguments)]
pub(super) fn report(
    data: &Dataset,
    config: &MatchConfig,
    pool: &Pool,
    units: &[Unit],
    placement: Vec<Option<PlaceIdx>>,
    objective: f64,
    bound: f64,
    status: SolveStatus,
    model: ModelStats,
    total: Duration,
    solve: Duration,
) -> MatchSolution {
    let w = &config.weights;
    let mut breakdown = Breakdown::default();
    let mut assignments = Vec::new();
    for (i, p) in placement.iter().enumerate() {
        let Some(j) = *p else { continue };
        let (child, place) = (&data.children()[i], &data.places()[j]);
        let km = child.anchor.distance_km(&place.location);
        breakdown.weekly_cost += place.weekly_cost;
        breakdown.total_km += km;
        breakdown.outside_authority_cost += data.outside_cost(i, j);
        breakdown.placed_inside_authority += usize::from(place.authority == child.authority);
        breakdown.placed_within_20_miles += usize::from(km <= TWENTY_MILES_KM);
        assignments.push(Assignment {
            child: child.id.clone(),
            place: place.id.clone(),
            kind: if place.is_carer() { "carer" } else { "home" },
            sibling_group: child
                .sibling_group
                .map(|g| data.sibling_groups()[g].id.clone()),
            constellation: place
                .constellation()
                .map(|k| data.constellations()[k].id.clone()),
            distance_km: km,
            weekly_cost: place.weekly_cost,
            cost: super::placement_cost(data, w, i, j, km),
        });
    }
    let share = |n: usize| n as f64 / assignments.len().max(1) as f64;
    breakdown.share_inside_authority = share(breakdown.placed_inside_authority);
    breakdown.share_within_20_miles = share(breakdown.placed_within_20_miles);
    breakdown.distance_cost = w.distance * breakdown.total_km;
    breakdown.children_placed = assignments.len();
    breakdown.children_unplaced = data.children().len() - assignments.len();
    breakdown.unplaced_penalty = w.unplaced * breakdown.children_unplaced as f64;
    breakdown.siblings = siblings(data, &placement);
    let split_groups = split_groups(data, pool, units, &placement);
    breakdown.split_cost = split_groups.iter().map(|s| s.split_cost).sum();
    let unplaced = unplaced_reasons(data, pool, units, &placement, status);
    let gap = crate::solver::relative_gap(objective, bound);
    MatchSolution {
        status,
        objective,
        bound,
        gap,
        solve_ms: solve.as_secs_f64() * 1000.0,
        total_ms: total.as_secs_f64() * 1000.0,
        assignments,
        unplaced,
        split_groups,
        breakdown,
        model,
        placement,
        capacity_duals: None,
    }
}

fn siblings(data: &Dataset, placement: &[Option<PlaceIdx>]) -> SiblingOutcome {
    let mut out = SiblingOutcome::default();
    for g in data
        .sibling_groups()
        .iter()
        .filter(|g| g.members.len() >= 2)
    {
        out.groups += 1;
        let places: Vec<Option<PlaceIdx>> = g.members.iter().map(|&i| placement[i]).collect();
        let distinct: BTreeSet<PlaceIdx> = places.iter().flatten().copied().collect();
        let constellations: BTreeSet<Option<usize>> = distinct
            .iter()
            .map(|&j| data.places()[j].constellation())
            .collect();
        if distinct.is_empty() {
            out.not_placed += 1;
        } else if places.iter().all(Option::is_some) && distinct.len() == 1 {
            out.same_household += 1;
        } else if places.iter().all(Option::is_some)
            && constellations.len() == 1
            && constellations.iter().all(Option::is_some)
        {
            out.same_constellation += 1;
        } else {
            out.split += 1;
            if g.keep_together == KeepTogether::None {
                out.apart_by_policy += 1;
            }
        }
    }
    out
}

/// Free places left at each place after the placement.
fn room_left(data: &Dataset, placement: &[Option<PlaceIdx>]) -> Vec<u32> {
    let mut room: Vec<u32> = data.places().iter().map(|p| p.free_places()).collect();
    for j in placement.iter().flatten() {
        room[*j] = room[*j].saturating_sub(1);
    }
    room
}

/// The children newly placed at each home (carers: empty).
fn arrivals(data: &Dataset, placement: &[Option<PlaceIdx>]) -> Vec<Vec<ChildIdx>> {
    let mut at = vec![Vec::new(); data.places().len()];
    for (i, p) in placement.iter().enumerate() {
        if let Some(j) = *p {
            if !data.places()[j].is_carer() {
                at[j].push(i);
            }
        }
    }
    at
}

/// Whether `members` could also arrive at place `j` next to the children
/// `arrived` there (the home's mix limits and conflicts; carers: always).
fn arrival_fits(data: &Dataset, arrived: &[ChildIdx], members: &[ChildIdx], j: PlaceIdx) -> bool {
    let place = &data.places()[j];
    if place.is_carer() {
        return true;
    }
    let others: Vec<ChildIdx> = arrived
        .iter()
        .copied()
        .filter(|i| !members.contains(i))
        .collect();
    let mix_ok = place.mix_limits.iter().all(|&(t, _)| {
        let n = others
            .iter()
            .chain(members)
            .filter(|&&i| data.children()[i].risks.contains(t))
            .count() as u32;
        place.mix_room(t).is_none_or(|room| n <= room)
    });
    mix_ok
        && members.iter().enumerate().all(|(a, &i)| {
            others
                .iter()
                .chain(&members[a + 1..])
                .all(|&k| !data.children_conflict_at(i, k, j))
        })
}

/// Whether only the v1.1 rules (sex, residents, a full mix limit) exclude
/// child `i` from every place the v1 rules would give it.
fn excluded_by_home_rules(data: &Dataset, i: ChildIdx) -> bool {
    let anchor = &data.children()[i].anchor;
    (0..data.places().len()).any(|j| {
        let km = anchor.distance_km(&data.places()[j].location);
        eligibility::practice_rule_only(data, i, j, km).is_some()
    })
}

/// Why an unplaced option-holder is not placed, given whether one of its
/// options still has room and takes it among the arrivals (`fitting`) and
/// whether one has room at all (`roomy`).
fn open_reason(fitting: bool, roomy: bool) -> UnplacedReason {
    if fitting {
        UnplacedReason::CostExceedsUnplacedPenalty
    } else if roomy {
        UnplacedReason::ConflictsWithChildrenPlaced
    } else {
        UnplacedReason::EligiblePlacesTaken
    }
}

fn unplaced_reasons(
    data: &Dataset,
    pool: &Pool,
    units: &[Unit],
    placement: &[Option<PlaceIdx>],
    status: SolveStatus,
) -> Vec<Unplaced> {
    let room = room_left(data, placement);
    let at = arrivals(data, placement);
    let mut reasons = vec![None; data.children().len()];
    for (u, unit) in units.iter().enumerate() {
        let members: Vec<usize> = match *unit {
            Unit::Single(i) => vec![i],
            Unit::Group(g) => data.sibling_groups()[g].members.clone(),
            Unit::Split(g) => {
                for &i in &data.sibling_groups()[g].members {
                    if placement[i].is_none() {
                        reasons[i] = Some(member_reason(data, pool, u, i, &room, &at, status));
                    }
                }
                continue;
            }
        };
        if members.iter().any(|&i| placement[i].is_some()) {
            continue;
        }
        let pairs = &pool.pairs;
        let reason = if members.iter().any(|&i| pairs.none_eligible(i)) {
            match members
                .iter()
                .any(|&i| pairs.none_eligible(i) && excluded_by_home_rules(data, i))
            {
                true => UnplacedReason::ExcludedByHomeRules,
                false => UnplacedReason::NoEligiblePlace,
            }
        } else if !pool.unit_built(u) || members.iter().any(|&i| !pairs.enumerated(i)) {
            // The deadline passed before this unit's options were enumerated.
            UnplacedReason::NotPlacedWithinTimeLimit
        } else if pool.unit_columns(u).is_empty() {
            UnplacedReason::SiblingsCannotBeKeptTogether
        } else if status == SolveStatus::TimeLimit {
            UnplacedReason::NotPlacedWithinTimeLimit
        } else {
            // Is some option still open (room for the whole unit) at a cost above the penalty?
            let (mut fitting, mut roomy) = (false, false);
            for c in pool.unit_columns(u) {
                let (has_room, fits) = match pool.kind(c) {
                    ColumnKind::Single { place, .. } => (
                        room[place] >= 1,
                        arrival_fits(data, &at[place], &members, place),
                    ),
                    ColumnKind::Together { place, .. } => (
                        room[place] as usize >= members.len(),
                        arrival_fits(data, &at[place], &members, place),
                    ),
                    ColumnKind::Spread { constellation, .. } => {
                        let open = spread_fits(data, pairs, &members, constellation, &room);
                        (open, true)
                    }
                    _ => (false, false),
                };
                roomy |= has_room;
                fitting |= has_room && fits;
            }
            open_reason(fitting, roomy)
        };
        for &i in &members {
            reasons[i] = Some(reason);
        }
    }
    reasons
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.map(|reason| Unplaced {
                child: data.children()[i].id.clone(),
                reason,
            })
        })
        .collect()
}

/// Why member `i` of split unit `u` is unplaced: as a child on their own.
fn member_reason(
    data: &Dataset,
    pool: &Pool,
    u: usize,
    i: ChildIdx,
    room: &[u32],
    at: &[Vec<ChildIdx>],
    status: SolveStatus,
) -> UnplacedReason {
    let pairs = &pool.pairs;
    if pairs.none_eligible(i) {
        return match excluded_by_home_rules(data, i) {
            true => UnplacedReason::ExcludedByHomeRules,
            false => UnplacedReason::NoEligiblePlace,
        };
    }
    if !pool.unit_built(u) || !pairs.enumerated(i) || status == SolveStatus::TimeLimit {
        return UnplacedReason::NotPlacedWithinTimeLimit;
    }
    let (mut fitting, mut roomy) = (false, false);
    for (j, _) in pairs.of(i) {
        let has_room = room[j] >= 1;
        roomy |= has_room;
        fitting |= has_room && arrival_fits(data, &at[j], &[i], j);
    }
    open_reason(fitting, roomy)
}

/// The non-strict groups not kept together, where each member went and why.
fn split_groups(
    data: &Dataset,
    pool: &Pool,
    units: &[Unit],
    placement: &[Option<PlaceIdx>],
) -> Vec<SplitGroup> {
    let room = room_left(data, placement);
    let at = arrivals(data, placement);
    let mut out = Vec::new();
    for (u, unit) in units.iter().enumerate() {
        let Unit::Split(g) = *unit else { continue };
        let group = &data.sibling_groups()[g];
        let places: BTreeSet<PlaceIdx> =
            group.members.iter().filter_map(|&i| placement[i]).collect();
        let all = group.members.iter().all(|&i| placement[i].is_some());
        let cost = split_cost(data, g, &places);
        let together = places.len() == 1
            || (group.keep_together == KeepTogether::Constellation && cost == 0.0);
        if places.is_empty() || (all && together) {
            continue;
        }
        out.push(SplitGroup {
            group: group.id.clone(),
            keep_together: group.keep_together,
            members: group
                .members
                .iter()
                .map(|&i| SplitMemberPlace {
                    child: data.children()[i].id.clone(),
                    place: placement[i].map(|j| data.places()[j].id.clone()),
                })
                .collect(),
            places: places.len(),
            split_cost: cost,
            reason: split_reason(data, pool, u, g, placement, (&room, &at), cost),
        });
    }
    out
}

/// Why group `g` (unit `u`) is split: see [`SplitReason`].
fn split_reason(
    data: &Dataset,
    pool: &Pool,
    u: usize,
    g: GroupIdx,
    placement: &[Option<PlaceIdx>],
    (room, at): (&[u32], &[Vec<ChildIdx>]),
    cost_of_split: f64,
) -> SplitReason {
    let members = &data.sibling_groups()[g].members;
    let mut any_together = false;
    for c in pool.unit_columns(u) {
        let ColumnKind::TogetherSplit { place: j, .. } = pool.kind(c) else {
            continue;
        };
        any_together = true;
        let own_here = members.iter().filter(|&&i| placement[i] == Some(j)).count();
        if room[j] as usize + own_here < members.len() || !arrival_fits(data, &at[j], members, j) {
            continue;
        }
        // The first open one is the cheapest (the pool lists them cheapest first).
        let km = |i: ChildIdx, j: PlaceIdx| {
            data.children()[i]
                .anchor
                .distance_km(&data.places()[j].location)
        };
        let (mut extra_cost, mut extra_km) = (-cost_of_split, 0.0);
        for &i in members {
            extra_cost += pool.pairs.pair_cost(i, j);
            extra_km += km(i, j);
            match placement[i] {
                Some(p) => {
                    extra_cost -= pool.pairs.pair_cost(i, p);
                    extra_km -= km(i, p);
                }
                None => extra_cost -= pool.w_unplaced(),
            }
        }
        return SplitReason::TogetherCostsMore {
            place: data.places()[j].id.clone(),
            extra_cost,
            extra_km,
        };
    }
    match any_together {
        true => SplitReason::PlacesForAllTaken,
        false => SplitReason::NoPlaceForAll,
    }
}

/// Whether the members could still be spread over constellation `k` with the
/// room left after the placement.
fn spread_fits(
    data: &Dataset,
    pairs: &PairTable,
    members: &[usize],
    k: usize,
    room: &[u32],
) -> bool {
    let options: Vec<Vec<PlaceIdx>> = members
        .iter()
        .map(|&i| {
            pairs
                .of(i)
                .map(|(j, _)| j)
                .filter(|&j| data.places()[j].constellation() == Some(k))
                .collect()
        })
        .collect();
    members_fit(&options, &|j| room[j])
}
