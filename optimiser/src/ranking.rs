//! Ranked matches for one child (or the sibling group they are placed with):
//! the top *k* eligible options ordered by cost (ties by id), each explained,
//! and optionally each option's *system impact* — how much the optimal
//! objective for all the waiting children rises if this child is placed there.
//!
//! A single child's options are found nearest-first through the spatial
//! index: a place at distance *d* costs at least `min_weekly_cost + w·d`, so
//! the search stops as soon as that bound exceeds the k-th best cost found
//! (or *d* passes the child's distance limit). Groups kept together are ranked
//! over places that can take every member, plus — for `constellation` groups —
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

use crate::dataset::{ChildIdx, Dataset, GroupIdx, KeepTogether, PlaceIdx, PlaceKind, Provider};
use crate::eligibility;
use crate::geography::SpatialIndex;
use crate::limits::{self, ErrorClass, InvalidOption};
use crate::matching::{
    self, child_pairs, placement_cost, Fixed, MatchConfig, MatchError, MatchSolution, Pair, Weights,
};
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

/// The places of a dataset indexed for ranking: the spatial index and the
/// cheapest weekly cost (for the lower bound that stops the nearest-first
/// search). Build it once per dataset and share it between requests
/// ([`Ranker::with_places`]); it holds no reference to the dataset.
pub struct PlaceIndex {
    index: SpatialIndex,
    min_weekly_cost: f64,
    places: usize,
}

impl PlaceIndex {
    /// Indexes the places of `data`.
    pub fn new(data: &Dataset) -> Self {
        PlaceIndex {
            index: SpatialIndex::new(data.places().iter().map(|p| &p.location)),
            min_weekly_cost: data
                .places()
                .iter()
                .map(|p| p.weekly_cost)
                .fold(f64::INFINITY, f64::min),
            places: data.places().len(),
        }
    }
}

enum Places<'a> {
    Owned(PlaceIndex),
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
            places: Places::Owned(PlaceIndex::new(data)),
        }
    }

    /// A ranker over `places`, built from this same `data` with
    /// [`PlaceIndex::new`], so the index is not rebuilt. An index of another
    /// dataset (a different number of places) is not used: the places of
    /// `data` are indexed afresh instead.
    pub fn with_places(data: &'a Dataset, places: &'a PlaceIndex) -> Self {
        let places = if places.places == data.places().len() {
            Places::Shared(places)
        } else {
            Places::Owned(PlaceIndex::new(data))
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

    /// Nearest-first search with the cost lower bound of the module doc.
    fn single(
        &self,
        i: ChildIdx,
        config: &RankConfig,
        excluded: &mut Vec<ExcludedPlace>,
    ) -> (Vec<Candidate>, usize) {
        let data = self.data;
        let child = &data.children()[i];
        let w = config.weights;
        let mut best: Vec<Candidate> = Vec::new();
        let mut seen = 0;
        for j in self.places.index.nearest(&child.anchor) {
            let km = child.anchor.distance_km(&data.places()[j].location);
            if !eligibility::within_limit(child, km) {
                break;
            }
            if best.len() >= config.top {
                let kth = &best[config.top - 1];
                if self.places.min_weekly_cost + w.distance * km > kth.cost {
                    break;
                }
            }
            let cost = placement_cost(data, &w, i, j, km);
            if let Err(rule) = eligibility::check(data, i, j, km) {
                if rule.is_practice_rule() && excluded.len() < config.top {
                    excluded.push(ExcludedPlace {
                        place: data.places()[j].id.clone(),
                        rule: rule.name(),
                        cost,
                    });
                }
                continue;
            }
            seen += 1;
            let c = Candidate {
                cost,
                id: data.places()[j].id.clone(),
                fixed: Some(Fixed::Place { child: i, place: j }),
                placements: vec![(i, j, km)],
                spread: None,
                split: None,
            };
            let at = best.partition_point(|b| (b.cost, b.id.as_str()) < (c.cost, c.id.as_str()));
            best.insert(at, c);
            best.truncate(config.top);
        }
        excluded.sort_by(|a, b| {
            a.cost
                .total_cmp(&b.cost)
                .then_with(|| a.place.cmp(&b.place))
        });
        // The early stop means `seen` counts only the places examined; report the true total.
        let total = if seen < config.top {
            seen
        } else {
            matching::count_eligible(data, &self.places.index, i)
        };
        (best, total)
    }

    fn group(&self, g: GroupIdx, config: &RankConfig) -> (Vec<Candidate>, usize) {
        let data = self.data;
        let group = &data.sibling_groups()[g];
        let w = config.weights;
        let pairs: Vec<Vec<Pair>> = group
            .members
            .iter()
            .map(|&i| child_pairs(data, &self.places.index, &w, i))
            .collect();
        let mut out = Vec::new();
        // Together: places eligible for every member with room for all.
        for p in &pairs[0] {
            let j = p.place;
            if (data.places()[j].free_places() as usize) < group.members.len()
                || !matching::group_fits_home(data, &group.members, j)
            {
                continue;
            }
            let mut placements = Vec::new();
            let mut cost = 0.0;
            for (m, &i) in group.members.iter().enumerate() {
                match pairs[m].iter().find(|q| q.place == j) {
                    Some(q) => {
                        cost += q.cost;
                        placements.push((i, j, q.km));
                    }
                    None => break,
                }
            }
            if placements.len() == group.members.len() {
                out.push(Candidate {
                    cost,
                    id: data.places()[j].id.clone(),
                    fixed: Some(Fixed::Place {
                        child: group.members[0],
                        place: j,
                    }),
                    placements,
                    spread: None,
                    split: None,
                });
            }
        }
        if !group.strict {
            out.extend(cheapest_split(data, g, &pairs));
        }
        // Spread over a constellation.
        if group.strict && group.keep_together == KeepTogether::Constellation {
            for (k, constellation) in data.constellations().iter().enumerate() {
                let options: Vec<Vec<Pair>> = pairs
                    .iter()
                    .map(|ps| {
                        ps.iter()
                            .copied()
                            .filter(|p| data.places()[p.place].constellation() == Some(k))
                            .collect()
                    })
                    .collect();
                if let Some((cost, chosen)) = cheapest_spread(data, &options) {
                    let distinct: BTreeSet<PlaceIdx> = chosen.iter().map(|p| p.place).collect();
                    if distinct.len() < 2 {
                        continue; // all in one household: already listed as that place
                    }
                    let placements = group
                        .members
                        .iter()
                        .zip(&chosen)
                        .map(|(&i, p)| (i, p.place, p.km))
                        .collect();
                    out.push(Candidate {
                        cost,
                        id: constellation.id.clone(),
                        fixed: Some(Fixed::Spread {
                            group: g,
                            constellation: k,
                        }),
                        placements,
                        spread: Some(k),
                        split: None,
                    });
                }
            }
        }
        out.sort_by(|a, b| a.cost.total_cmp(&b.cost).then_with(|| a.id.cmp(&b.id)));
        let total = out.len();
        (out, total)
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
/// members' costs plus [`crate::checker::split_cost`]. `None` when no such
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
    let mut best: Option<(f64, Vec<usize>)> = None;
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
            if best.as_ref().is_none_or(|(b, _)| cost < *b) {
                best = Some((cost, pick.clone()));
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
    let (cost, pick) = best?;
    let placements: Vec<(ChildIdx, PlaceIdx, f64)> = members
        .iter()
        .zip(pick.iter().zip(&choices))
        .map(|(&i, (&k, c))| (i, c[k].place, c[k].km))
        .collect();
    let places: BTreeSet<PlaceIdx> = placements.iter().map(|p| p.1).collect();
    let ids: Vec<&str> = places
        .iter()
        .map(|&j| data.places()[j].id.as_str())
        .collect();
    Some(Candidate {
        cost,
        id: ids.join("+"),
        fixed: None,
        split: Some(crate::checker::split_cost(data, g, &places)),
        placements,
        spread: None,
    })
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

/// The cheapest spread of the members over one constellation's households
/// (the assignment problem of [`matching::spread`], exact and polynomial).
fn cheapest_spread(data: &Dataset, options: &[Vec<Pair>]) -> Option<(f64, Vec<Pair>)> {
    let priced: Vec<Vec<(PlaceIdx, f64)>> = options
        .iter()
        .map(|o| o.iter().map(|p| (p.place, p.cost)).collect())
        .collect();
    let (cost, chosen) = matching::cheapest_spread(&priced, &|j| data.places()[j].free_places())?;
    let pairs = options.iter().zip(&chosen).map(|(o, &k)| o[k]).collect();
    Some((cost, pairs))
}
