//! Ranked matches for one child (or the sibling group they are placed with):
//! the top *k* eligible options ordered by cost (ties by id), each explained,
//! and optionally each option's *system impact* — how much the optimal
//! objective for all the waiting children rises if this child is placed there.
//!
//! A single child's options are found nearest-first through spatial
//! indexes of the places with room, one for foster households and one for
//! children's homes: a place at distance *d* costs at least the index's
//! cheapest weekly cost `+ w·d`, so the search stops as soon as that bound
//! exceeds the k-th best cost found (or *d* passes the child's distance
//! limit); see [`search`](self) for the exact rule. Groups kept together are
//! ranked over places that can take every member (searched the same way,
//! with a bound for the whole group), plus — for `constellation` groups —
//! each constellation, at the cheapest spread of the members over its
//! households (found exactly by search). A non-strict group (contract v1.1)
//! is also offered the split it would need: each member at one of their
//! [`SPLIT_CHOICES`] cheapest eligible places, the combination with the least
//! cost plus split cost (see [`crate::checker::split_cost`]). A single child's
//! ranking lists the places only the v1.1 rules exclude (`excluded`), with
//! the rule.

use std::collections::BTreeSet;
use std::time::Instant;

use serde::Serialize;

mod search;
pub use search::PlaceIndex;

use crate::dataset::{ChildIdx, Dataset, GroupIdx, KeepTogether, PlaceIdx, PlaceKind, Provider};
use crate::limits::{self, ErrorClass, InvalidOption};
use crate::matching::{self, Fixed, MatchConfig, MatchError, MatchSolution, Pair, Weights};
use crate::solver::{Deadline, SolveOptions, SolveStatus};

/// Options for a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RankConfig {
    /// How many options to return (default 10).
    pub top: usize,
    /// Also compute each option's system impact (one re-solve per option).
    pub system: bool,
    /// Objective weights.
    pub weights: Weights,
    /// Solver options for the system-impact solves. The time limit bounds
    /// the whole ranking: the baseline and every option's re-solve share it.
    pub solve: SolveOptions,
}

impl Default for RankConfig {
    fn default() -> Self {
        RankConfig {
            top: 10,
            system: false,
            weights: Weights::default(),
            solve: SolveOptions::default(),
        }
    }
}

/// Errors from ranking.
#[derive(Debug, thiserror::Error)]
pub enum RankError {
    /// No child has that id.
    #[error("no child with id {0:?}")]
    UnknownChild(String),
    /// An option is outside its documented range.
    #[error("invalid option: {0}")]
    InvalidOption(#[from] InvalidOption),
    /// A solve for the system impact failed.
    #[error(transparent)]
    Solve(#[from] MatchError),
}

impl RankError {
    /// What kind of failure this is.
    pub fn class(&self) -> ErrorClass {
        match self {
            RankError::UnknownChild(_) | RankError::InvalidOption(_) => ErrorClass::InvalidInput,
            RankError::Solve(e) => e.class(),
        }
    }
}

/// Where one child goes under an option.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberPlacement {
    /// Child id.
    pub child: String,
    /// Place id.
    pub place: String,
    /// km from the child's school (or authority).
    pub distance_km: f64,
    /// Weekly cost of the place.
    pub weekly_cost: f64,
}

/// The optimum for all waiting children with this option fixed.
///
/// For a place, the re-solve fixes the child (or their whole group) at that
/// place. For a constellation spread it fixes the group to *that
/// constellation*, leaving the solve free to choose which of its households
/// each member takes (which may differ from the cheapest spread listed in
/// `placements`, when another child needs one of those households more):
/// a placement team choosing a constellation agrees households with its hub
/// afterwards, so that is the choice whose cost matters.
///
/// `rise` is the whole change in the optimum, the child's (or group's) own
/// cost change included; `own_cost_change` and `others_rise` split it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SystemImpact {
    /// Objective with the option fixed.
    pub objective: f64,
    /// `objective − baseline objective`, the child's own change included.
    /// Never negative when both solves are proven optimal (fixing can only
    /// restrict); rounding noise below a millionth of the objective is
    /// reported as 0. A negative rise means the baseline was a time-limited
    /// incumbent that this re-solve beat.
    pub rise: f64,
    /// The change in the child's (or group's) own cost: their cost with the
    /// option fixed minus their cost in the baseline (the unplaced penalty
    /// for each member the baseline left unplaced).
    pub own_cost_change: f64,
    /// `rise − own_cost_change`: what this choice costs the other children.
    pub others_rise: f64,
    /// Status of the fixed solve.
    pub status: SolveStatus,
    /// Gap of the fixed solve.
    pub gap: f64,
    /// Children left unplaced with the option fixed.
    pub children_unplaced: usize,
}

/// One ranked option.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedMatch {
    /// 1-based rank.
    pub rank: usize,
    /// Place id, or constellation id for a spread option.
    pub option: String,
    /// `carer`, `home`, or `constellation` (a group spread over its households).
    pub kind: &'static str,
    /// Provider, for carers.
    pub provider: Option<Provider>,
    /// Constellation the place belongs to, if any.
    pub constellation: Option<String>,
    /// Whether the place is a constellation hub.
    pub hub: bool,
    /// Authority of the place (GSS code).
    pub authority: Option<String>,
    /// Σ weekly cost over the children placed.
    pub weekly_cost: f64,
    /// Σ km from each child's anchor.
    pub distance_km: f64,
    /// Σ (weekly cost + w_distance · km): the ranking key.
    pub cost: f64,
    /// The children's needs this option meets (all of them, by eligibility).
    pub needs_met: Vec<String>,
    /// Where each child goes.
    pub placements: Vec<MemberPlacement>,
    /// With `system`: the effect on all waiting children (not computed for
    /// a split option).
    pub system_impact: Option<SystemImpact>,
    /// For a split option (`kind` `split`): its split cost, included in `cost`.
    pub split_cost: Option<f64>,
}

/// A place that only the v1.1 rules exclude for the child.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExcludedPlace {
    /// Place id.
    pub place: String,
    /// The rule (`sex`, `incompatible_with_resident`, `age_gap_with_resident`,
    /// `mix_limit_full`).
    pub rule: &'static str,
    /// What the place would cost.
    pub cost: f64,
}

/// The optimum for all waiting children with nothing fixed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baseline {
    /// Optimal objective.
    pub objective: f64,
    /// Status.
    pub status: SolveStatus,
    /// Gap.
    pub gap: f64,
}

/// A ranking for one child.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    /// The child asked about.
    pub child: String,
    /// Their sibling group, if placed with one.
    pub sibling_group: Option<String>,
    /// The group's policy, if placed with one.
    pub keep_together: Option<KeepTogether>,
    /// Children placed by each option.
    pub members: Vec<String>,
    /// How many options exist in all (before cutting to `top`).
    pub options_total: usize,
    /// The best options, cheapest first.
    pub matches: Vec<RankedMatch>,
    /// With `system`: the unconstrained optimum.
    pub baseline: Option<Baseline>,
    /// A single child: the cheapest places (at most `top`, among those the
    /// search examined) that only the v1.1 rules exclude, cheapest first.
    pub excluded: Vec<ExcludedPlace>,
}

/// How many of each member's cheapest places a split option is drawn from.
pub const SPLIT_CHOICES: usize = 4;

/// The shortest time a re-solve is given once a ranking's time limit is
/// spent: it then returns its first incumbent, marked `time_limit`.
const MIN_SOLVE_SECONDS: f64 = 1e-3;

/// The members' own cost in a solution: their assignments' costs, and the
/// unplaced penalty for each member left unplaced.
fn own_cost(solution: &MatchSolution, members: &[String], config: &RankConfig) -> f64 {
    members
        .iter()
        .map(|id| {
            solution
                .assignments
                .iter()
                .find(|a| &a.child == id)
                .map_or(config.weights.unplaced, |a| a.cost)
        })
        .sum()
}

/// Zero for a difference that is only rounding noise.
fn clean(x: f64, scale: f64) -> f64 {
    if x.abs() <= 1e-6 * scale.abs().max(1.0) {
        0.0
    } else {
        x
    }
}

fn impact(
    base: &MatchSolution,
    fixed: &MatchSolution,
    members: &[String],
    config: &RankConfig,
) -> SystemImpact {
    let scale = base.objective;
    let rise = clean(fixed.objective - base.objective, scale);
    let own = clean(
        own_cost(fixed, members, config) - own_cost(base, members, config),
        scale,
    );
    SystemImpact {
        objective: fixed.objective,
        rise,
        own_cost_change: own,
        others_rise: clean(rise - own, scale),
        status: fixed.status,
        gap: fixed.gap,
        children_unplaced: fixed.breakdown.children_unplaced,
    }
}

/// Ranks options for one child in `data` (builds the spatial index; use
/// [`Ranker`] to rank many children against the same places).
pub fn rank(data: &Dataset, child: &str, config: &RankConfig) -> Result<Ranking, RankError> {
    Ranker::new(data).rank(child, config)
}

enum Places<'a> {
    Owned(Box<PlaceIndex>),
    Shared(&'a PlaceIndex),
}

impl std::ops::Deref for Places<'_> {
    type Target = PlaceIndex;
    fn deref(&self) -> &PlaceIndex {
        match self {
            Places::Owned(p) => p,
            Places::Shared(p) => p,
        }
    }
}

/// Ranks children against a fixed set of places, reusing the spatial index.
pub struct Ranker<'a> {
    data: &'a Dataset,
    places: Places<'a>,
}

struct Candidate {
    cost: f64,
    id: String,
    fixed: Option<Fixed>,
    placements: Vec<(ChildIdx, PlaceIdx, f64)>,
    spread: Option<usize>,
    /// A split option's split cost.
    split: Option<f64>,
}

impl<'a> Ranker<'a> {
    /// Indexes the places of `data`.
    pub fn new(data: &'a Dataset) -> Self {
        Ranker {
            data,
            places: Places::Owned(Box::new(PlaceIndex::new(data))),
        }
    }

    /// A ranker over `places`, built from this same `data` with
    /// [`PlaceIndex::new`], so the index is not rebuilt. An index of another
    /// dataset (a different number of places, children or sibling groups)
    /// is not used: the places of
    /// `data` are indexed afresh instead.
    pub fn with_places(data: &'a Dataset, places: &'a PlaceIndex) -> Self {
        let places = if places.fits(data) {
            Places::Shared(places)
        } else {
            Places::Owned(Box::new(PlaceIndex::new(data)))
        };
        Ranker { data, places }
    }

    /// Ranks the options for the child with id `child`.
    pub fn rank(&self, child: &str, config: &RankConfig) -> Result<Ranking, RankError> {
        limits::check_count("top", config.top, 1, limits::MAX_TOP)?;
        config.weights.validate()?;
        config.solve.validate()?;
        let data = self.data;
        let i = data
            .child_index(child)
            .ok_or_else(|| RankError::UnknownChild(child.to_string()))?;
        let group = data.children()[i]
            .sibling_group
            .filter(|&g| matching::columns_group_is_unit(data, g));
        let mut excluded = Vec::new();
        let (mut candidates, total) = match group {
            None => self.single(i, config, &mut excluded),
            Some(g) => self.group(g, config),
        };
        candidates.truncate(config.top);
        let members: Vec<ChildIdx> =
            group.map_or(vec![i], |g| data.sibling_groups()[g].members.clone());
        let mut needs: BTreeSet<&str> = BTreeSet::new();
        for &m in &members {
            needs.extend(data.children()[m].needs.iter().map(|t| data.tag_name(t)));
        }
        let needs_met: Vec<String> = needs.into_iter().map(String::from).collect();
        let solve_config = MatchConfig {
            weights: config.weights,
            solve: config.solve.clone(),
            ..MatchConfig::default()
        };
        // One time limit covers the whole ranking: the baseline and each
        // option's re-solve share what is left of it equally.
        let deadline = Deadline::after(Instant::now(), config.solve.time_limit);
        let share = |solves_left: usize| {
            let mut c = solve_config.clone();
            c.solve.time_limit = deadline
                .seconds_left()
                .map(|s| (s / solves_left.max(1) as f64).max(MIN_SOLVE_SECONDS));
            c
        };
        let baseline = if config.system {
            Some(matching::solve(data, &share(candidates.len() + 1))?)
        } else {
            None
        };
        let member_ids: Vec<String> = members
            .iter()
            .map(|&m| data.children()[m].id.clone())
            .collect();
        let mut matches = Vec::with_capacity(candidates.len());
        let solves = candidates.len();
        for (r, c) in candidates.into_iter().enumerate() {
            let system_impact = match (&baseline, &c.fixed) {
                (Some(base), Some(f)) => {
                    let fixed = matching::solve(
                        data,
                        &MatchConfig {
                            fixed: Some(f.clone()),
                            ..share(solves - r)
                        },
                    )?;
                    Some(impact(base, &fixed, &member_ids, config))
                }
                _ => None,
            };
            matches.push(self.explain(r + 1, c, &needs_met, system_impact));
        }
        Ok(Ranking {
            child: child.to_string(),
            sibling_group: group.map(|g| data.sibling_groups()[g].id.clone()),
            keep_together: group.map(|g| data.sibling_groups()[g].keep_together),
            members: member_ids,
            options_total: total,
            matches,
            baseline: baseline.map(|b| Baseline {
                objective: b.objective,
                status: b.status,
                gap: b.gap,
            }),
            excluded,
        })
    }

    fn explain(
        &self,
        rank: usize,
        c: Candidate,
        needs_met: &[String],
        system_impact: Option<SystemImpact>,
    ) -> RankedMatch {
        let data = self.data;
        let first = c.placements[0].1;
        let place = &data.places()[first];
        let (kind, provider, hub, authority, constellation) = match c.spread {
            _ if c.split.is_some() => ("split", None, false, None, None),
            Some(k) => (
                "constellation",
                None,
                false,
                None,
                Some(data.constellations()[k].id.clone()),
            ),
            None => {
                let (provider, hub) = match &place.kind {
                    PlaceKind::Carer { provider, hub, .. } => (Some(*provider), *hub),
                    PlaceKind::Home => (None, false),
                };
                let kind = if place.is_carer() { "carer" } else { "home" };
                (
                    kind,
                    provider,
                    hub,
                    Some(data.authorities()[place.authority].id.clone()),
                    place
                        .constellation()
                        .map(|k| data.constellations()[k].id.clone()),
                )
            }
        };
        let placements: Vec<MemberPlacement> = c
            .placements
            .iter()
            .map(|&(i, j, km)| MemberPlacement {
                child: data.children()[i].id.clone(),
                place: data.places()[j].id.clone(),
                distance_km: km,
                weekly_cost: data.places()[j].weekly_cost,
            })
            .collect();
        RankedMatch {
            rank,
            option: c.id,
            kind,
            provider,
            constellation,
            hub,
            authority,
            weekly_cost: placements.iter().map(|p| p.weekly_cost).sum(),
            distance_km: placements.iter().map(|p| p.distance_km).sum(),
            cost: c.cost,
            needs_met: needs_met.to_vec(),
            placements,
            system_impact,
            split_cost: c.split,
        }
    }
}

/// The cheapest split of non-strict group `g` over each member's
/// [`SPLIT_CHOICES`] cheapest places (`pairs`, per member, cheapest first),
/// free places and the homes' rules between arrivals respected: the
/// members' costs plus [`crate::checker::split_cost`], ties broken by the
/// option's id (its places' ids joined by `+`). `None` when no such
/// combination uses two places or more (being together is listed already).
fn cheapest_split(data: &Dataset, g: GroupIdx, pairs: &[Vec<Pair>]) -> Option<Candidate> {
    let members = &data.sibling_groups()[g].members;
    let choices: Vec<&[Pair]> = pairs
        .iter()
        .map(|p| &p[..p.len().min(SPLIT_CHOICES)])
        .collect();
    if choices.iter().any(|c| c.is_empty()) {
        return None;
    }
    let mut pick = vec![0usize; members.len()];
    let mut best: Option<(f64, String, Vec<usize>)> = None;
    loop {
        let chosen: Vec<PlaceIdx> = pick
            .iter()
            .zip(&choices)
            .map(|(&k, c)| c[k].place)
            .collect();
        let places: BTreeSet<PlaceIdx> = chosen.iter().copied().collect();
        if places.len() >= 2 && split_fits(data, members, &chosen) {
            let cost: f64 = pick
                .iter()
                .zip(&choices)
                .map(|(&k, c)| c[k].cost)
                .sum::<f64>()
                + crate::checker::split_cost(data, g, &places);
            if best.as_ref().is_none_or(|(b, _, _)| cost <= *b) {
                let id = places_id(data, &places);
                if best
                    .as_ref()
                    .is_none_or(|(b, b_id, _)| (cost, &id) < (*b, b_id))
                {
                    best = Some((cost, id, pick.clone()));
                }
            }
        }
        // The next combination (odometer order).
        let mut m = 0;
        while m < pick.len() {
            pick[m] += 1;
            if pick[m] < choices[m].len() {
                break;
            }
            pick[m] = 0;
            m += 1;
        }
        if m == pick.len() {
            break;
        }
    }
    let (cost, id, pick) = best?;
    let placements: Vec<(ChildIdx, PlaceIdx, f64)> = members
        .iter()
        .zip(pick.iter().zip(&choices))
        .map(|(&i, (&k, c))| (i, c[k].place, c[k].km))
        .collect();
    let places: BTreeSet<PlaceIdx> = placements.iter().map(|p| p.1).collect();
    Some(Candidate {
        cost,
        id,
        fixed: None,
        split: Some(crate::checker::split_cost(data, g, &places)),
        placements,
        spread: None,
    })
}

/// A split option's id: its places' ids, in place order, joined by `+`.
fn places_id(data: &Dataset, places: &BTreeSet<PlaceIdx>) -> String {
    let ids: Vec<&str> = places
        .iter()
        .map(|&j| data.places()[j].id.as_str())
        .collect();
    ids.join("+")
}

/// Whether the members fit at the places `chosen` (member by member):
/// free places, and the homes' rules between the members arriving together.
fn split_fits(data: &Dataset, members: &[ChildIdx], chosen: &[PlaceIdx]) -> bool {
    chosen.iter().enumerate().all(|(m, &j)| {
        let here: Vec<ChildIdx> = members
            .iter()
            .zip(chosen)
            .filter(|&(_, &p)| p == j)
            .map(|(&i, _)| i)
            .collect();
        here.len() <= data.places()[j].free_places() as usize
            && (here[0] != members[m] || matching::group_fits_home(data, &here, j))
    })
}
