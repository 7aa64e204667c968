//! The formation returned to callers: constellations, households left
//! outside and why, coverage, and what the solver proved.

use serde::Serialize;

use crate::dataset::{Dataset, PlaceIdx};
use crate::solver::SolveStatus;

use super::instance::{Instance, Plan};
use super::FormationConfig;

/// A range of ages, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AgeRange {
    /// Youngest.
    pub min: u32,
    /// Oldest.
    pub max: u32,
}

/// One new constellation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormedConstellation {
    /// The hub household's id.
    pub hub: String,
    /// Its satellites' ids, ascending by dataset order.
    pub satellites: Vec<String>,
    /// Mean satellite–hub distance, km (0 with no satellites).
    pub mean_km: f64,
    /// Furthest satellite–hub distance, km.
    pub max_km: f64,
    /// Approved places of its households, hub included.
    pub places: u32,
    /// Free places of its households, hub included.
    pub free_places: u32,
    /// Ages its households (hub included) are approved for, merged into
    /// disjoint ranges, ascending.
    pub age_ranges: Vec<AgeRange>,
}

/// An existing constellation kept as it is (without re-planning).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeptConstellation {
    /// Constellation id.
    pub id: String,
    /// Its hub household, if one is marked.
    pub hub: Option<String>,
    /// Every household in it, hub included.
    pub households: Vec<String>,
}

/// Why a household of the pool is in no constellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutsideReason {
    /// No hub candidate lives within `max_km` of it.
    NoCandidateWithinReach,
    /// Candidates are within reach, but none of them is an open hub.
    NoOpenHubWithinReach,
    /// Every open hub within reach already has `max` satellites.
    ReachableHubsFull,
    /// An open hub within reach has room, but joining it would not lower the
    /// objective: the reward does not cover its distance cost.
    NotWorthItsDistance,
}

/// A household of the pool left outside, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outside {
    /// The household's id.
    pub carer: String,
    /// Why.
    pub reason: OutsideReason,
}

/// Size of the problem and what the search did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModelStats {
    /// Households in the pool.
    pub households: usize,
    /// Hub candidates.
    pub candidates: usize,
    /// Household–hub pairs within reach.
    pub pairs_within_reach: usize,
    /// Pairs fixed to zero by their Lagrangian reduced cost.
    pub pairs_fixed: usize,
    /// Hubs fixed closed by their Lagrangian reduced cost.
    pub hubs_fixed: usize,
    /// Columns of the MIP handed to HiGHS (0 if none was needed).
    pub columns: usize,
    /// Rows of that MIP.
    pub rows: usize,
    /// The Lagrangian bound, when computed.
    pub lagrangian_bound: Option<f64>,
    /// The heuristic's incumbent objective, when one was found.
    pub incumbent_from_heuristic: Option<f64>,
    /// Time in the Lagrangian phase (heuristic included), ms.
    pub lagrangian_ms: f64,
    /// Subgradient steps.
    pub lagrangian_iterations: usize,
    /// Distinct hub sets the heuristic ran on.
    pub heuristic_runs: usize,
    /// Time in the heuristic, ms.
    pub heuristic_ms: f64,
}

/// A planned formation of constellations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Formation {
    /// `optimal` (proven within the gap) or `time_limit` (best found, not proven).
    pub status: SolveStatus,
    /// Objective: hub costs + distance costs − rewards, per week.
    pub objective: f64,
    /// Best proven lower bound on the objective.
    pub bound: f64,
    /// `(objective − bound) / max(|objective|, 1)`.
    pub gap: f64,
    /// Time in the solve (Lagrangian phase and HiGHS), ms.
    pub solve_ms: f64,
    /// Total time including building the pairs and checking, ms.
    pub total_ms: f64,
    /// New constellations, by hub.
    pub constellations: Vec<FormedConstellation>,
    /// Existing constellations kept as they are (empty with re-planning).
    pub kept: Vec<KeptConstellation>,
    /// Households of the pool in no constellation, and why.
    pub outside: Vec<Outside>,
    /// Households in a constellation (new or kept, hubs included) ÷ all foster households.
    pub coverage: f64,
    /// Households in a constellation after the plan.
    pub covered: usize,
    /// All foster households in the dataset.
    pub households: usize,
    /// The reward per satellite the objective used (implicit with a count).
    pub reward: f64,
    /// Problem size and search figures.
    pub model: ModelStats,
    /// The plan in place indices (hub, satellites), for checking.
    #[serde(skip)]
    pub plan: Plan,
}

pub(crate) struct Figures {
    pub status: SolveStatus,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub solve_ms: f64,
    pub total_ms: f64,
    pub model: ModelStats,
}

/// Merges `[min, max]` age ranges into disjoint ones (touching ranges merge too).
pub fn merge_ages(mut ranges: Vec<(u32, u32)>) -> Vec<AgeRange> {
    ranges.sort_unstable();
    let mut out: Vec<AgeRange> = Vec::new();
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if lo <= last.max.saturating_add(1) => last.max = last.max.max(hi),
            _ => out.push(AgeRange { min: lo, max: hi }),
        }
    }
    out
}

pub(crate) fn decode(
    data: &Dataset,
    config: &FormationConfig,
    inst: &Instance,
    plan: &Plan,
    f: Figures,
) -> Formation {
    let place = |p: PlaceIdx| &data.places()[p];
    let constellations: Vec<FormedConstellation> = plan
        .iter()
        .map(|(hub, sats)| {
            let at = &place(*hub).location;
            let kms: Vec<f64> = sats
                .iter()
                .map(|&s| at.distance_km(&place(s).location))
                .collect();
            let members = || std::iter::once(*hub).chain(sats.iter().copied());
            FormedConstellation {
                hub: place(*hub).id.clone(),
                satellites: sats.iter().map(|&s| place(s).id.clone()).collect(),
                mean_km: if kms.is_empty() {
                    0.0
                } else {
                    kms.iter().sum::<f64>() / kms.len() as f64
                },
                max_km: kms.iter().copied().fold(0.0, f64::max),
                places: members().map(|m| place(m).capacity).sum(),
                free_places: members().map(|m| place(m).free_places()).sum(),
                age_ranges: merge_ages(
                    members()
                        .map(|m| (place(m).min_age, place(m).max_age))
                        .collect(),
                ),
            }
        })
        .collect();
    let kept: Vec<KeptConstellation> = if config.replan {
        Vec::new()
    } else {
        data.constellations()
            .iter()
            .map(|c| KeptConstellation {
                id: c.id.clone(),
                hub: c.hub.map(|h| place(h).id.clone()),
                households: c.households.iter().map(|&h| place(h).id.clone()).collect(),
            })
            .collect()
    };
    // Roles in instance positions.
    let mut in_plan = vec![false; inst.households.len()];
    let mut open = vec![false; inst.candidates.len()];
    let mut size = vec![0usize; inst.candidates.len()];
    for (hub, sats) in plan {
        if let Ok(pos) = inst.households.binary_search(hub) {
            in_plan[pos] = true;
            if let Some(k) = inst.candidate_of[pos] {
                open[k] = true;
                size[k] = sats.len();
            }
        }
        for s in sats {
            if let Ok(pos) = inst.households.binary_search(s) {
                in_plan[pos] = true;
            }
        }
    }
    let outside: Vec<Outside> = (0..inst.households.len())
        .filter(|&j| !in_plan[j])
        .map(|j| {
            let pairs = &inst.by_household[j];
            let reason = if pairs.is_empty() {
                OutsideReason::NoCandidateWithinReach
            } else if !pairs.iter().any(|&p| open[inst.pairs[p].hub]) {
                OutsideReason::NoOpenHubWithinReach
            } else if !pairs
                .iter()
                .any(|&p| open[inst.pairs[p].hub] && size[inst.pairs[p].hub] < inst.max)
            {
                OutsideReason::ReachableHubsFull
            } else {
                OutsideReason::NotWorthItsDistance
            };
            Outside {
                carer: place(inst.households[j]).id.clone(),
                reason,
            }
        })
        .collect();
    let households = data.places().iter().filter(|p| p.is_carer()).count();
    let covered = plan.iter().map(|(_, s)| 1 + s.len()).sum::<usize>()
        + kept.iter().map(|k| k.households.len()).sum::<usize>();
    Formation {
        status: f.status,
        objective: f.objective,
        bound: f.bound,
        gap: f.gap,
        solve_ms: f.solve_ms,
        total_ms: f.total_ms,
        constellations,
        kept,
        outside,
        coverage: if households == 0 {
            0.0
        } else {
            covered as f64 / households as f64
        },
        covered,
        households,
        reward: config.effective_reward(),
        model: f.model,
        plan: plan.clone(),
    }
}
