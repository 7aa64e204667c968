//! The answer of a batch solve: who goes where, who is left and why, the
//! objective and its breakdown, and what the solver proved.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Serialize;

use crate::dataset::{Dataset, PlaceIdx};
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
    /// Placed apart (only policy `none` allows it).
    pub split: usize,
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
    /// Objective breakdown.
    pub breakdown: Breakdown,
    /// Model size and solve rounds.
    pub model: ModelStats,
    /// Each child's place, by child index (for callers that work with indices).
    #[serde(skip)]
    pub placement: Vec<Option<PlaceIdx>>,
}

/// Turns selected columns into each child's place.
pub fn decode(data: &Dataset, pool: &Pool, selected: &[usize]) -> Vec<Option<PlaceIdx>> {
    let mut placement = vec![None; data.children().len()];
    for &c in selected {
        match pool.kind(c) {
            ColumnKind::Single { child, place } | ColumnKind::Member { child, place, .. } => {
                placement[child] = Some(place)
            }
            ColumnKind::Together { group, place } => {
                for &i in &data.sibling_groups()[group].members {
                    placement[i] = Some(place);
                }
            }
            ColumnKind::Spread { .. } => {}
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
            cost: w.pair_cost(place.weekly_cost, km),
        });
    }
    breakdown.distance_cost = w.distance * breakdown.total_km;
    breakdown.children_placed = assignments.len();
    breakdown.children_unplaced = data.children().len() - assignments.len();
    breakdown.unplaced_penalty = w.unplaced * breakdown.children_unplaced as f64;
    breakdown.siblings = siblings(data, &placement);
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
        breakdown,
        model,
        placement,
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

fn unplaced_reasons(
    data: &Dataset,
    pool: &Pool,
    units: &[Unit],
    placement: &[Option<PlaceIdx>],
    status: SolveStatus,
) -> Vec<Unplaced> {
    let room = room_left(data, placement);
    let mut reasons = vec![None; data.children().len()];
    for (u, unit) in units.iter().enumerate() {
        let members: Vec<usize> = match *unit {
            Unit::Single(i) => vec![i],
            Unit::Group(g) => data.sibling_groups()[g].members.clone(),
        };
        if members.iter().any(|&i| placement[i].is_some()) {
            continue;
        }
        let pairs = &pool.pairs;
        let reason = if members.iter().any(|&i| pairs.none_eligible(i)) {
            UnplacedReason::NoEligiblePlace
        } else if !pool.unit_built(u) || members.iter().any(|&i| !pairs.enumerated(i)) {
            // The deadline passed before this unit's options were enumerated.
            UnplacedReason::NotPlacedWithinTimeLimit
        } else if pool.unit_columns(u).is_empty() {
            UnplacedReason::SiblingsCannotBeKeptTogether
        } else if status == SolveStatus::TimeLimit {
            UnplacedReason::NotPlacedWithinTimeLimit
        } else {
            // Is some option still open (room for the whole unit) at a cost above the penalty?
            let open = pool.unit_columns(u).any(|c| match pool.kind(c) {
                ColumnKind::Single { place, .. } => room[place] >= 1,
                ColumnKind::Together { place, group } => {
                    room[place] as usize >= data.sibling_groups()[group].members.len()
                }
                ColumnKind::Spread { constellation, .. } => {
                    spread_fits(data, pairs, &members, constellation, &room)
                }
                ColumnKind::Member { .. } => false,
            });
            if open {
                UnplacedReason::CostExceedsUnplacedPenalty
            } else {
                UnplacedReason::EligiblePlacesTaken
            }
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
