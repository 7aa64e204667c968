//! Mockingbird constellation planning: which households could be hubs, and
//! which households join which hub, so that every satellite lives a short
//! drive from its hub.
//!
//! # The model
//!
//! *Sets.*
//! - `J`, the **pool**: every foster household of the dataset, except — unless
//!   [`FormationConfig::replan`] is set — the households already in a
//!   constellation. Those constellations are **kept** exactly as they are; their
//!   households are neither hubs nor satellites of a new constellation.
//!   With `replan`, every existing constellation is dissolved and all
//!   households are in the pool.
//! - `H ⊆ J`, the **hub candidates**: the listed ids
//!   ([`HubCandidates::Listed`]), else the rule [`HubCandidates::Rule`] (by
//!   default: in-house households with at least two approved places, since a
//!   hub keeps beds for sleepovers).
//! - `P = {(j,k) : j ∈ J, k ∈ H, j ≠ k, d(j,k) ≤ max_km}`, the pairs within
//!   reach, `d` the haversine distance in km (radius 6371.0088 km). Only these
//!   pairs are built (an R-tree radius query per candidate).
//!
//! *Variables* (binary): `h_k` for each `k ∈ H` (k is an open hub), `s_jk`
//! for each `(j,k) ∈ P` (j is a satellite of hub k).
//!
//! *Constraints.*
//! - one role: `[j ∈ H]·h_j + Σ_k s_jk ≤ 1` for each `j ∈ J` — a household is
//!   a hub, a satellite of one hub, or outside;
//! - size: `min·h_k ≤ Σ_j s_jk ≤ max·h_k` for each `k ∈ H`;
//! - linking: `s_jk ≤ h_k` for each `(j,k) ∈ P` (implied by the size rows for
//!   integers; kept because it makes the LP relaxation much stronger);
//! - with [`Goal::Count`]: `Σ_k h_k = p`.
//! - with [`Goal::Reward`], the **capacity rounding cut** (a valid
//!   inequality: it removes fractional points of the LP relaxation and no
//!   integer solution, so the optimum is unchanged):
//!   `Σ_k ((1 − r)·h_k + Σ_j s_jk) ≤ (a − r)·q`, summed over every candidate,
//!   where `a = max + 1` (the most households one constellation holds, hub
//!   included), `u` is the number of households that can be in any
//!   constellation (a candidate, or within reach of one) and `u = q·a + r`
//!   with `0 ≤ r < a`; left out when `r = 0`, where it is implied.
//!
//!   *Proof.* For any set `S` of candidates (the model uses all of them), let
//!   `u` count the households that are in `S` or within reach of a candidate
//!   of `S`, `u = q·a + r`, `C = Σ_(k∈S) h_k` (an integer) and
//!   `X = Σ_(k∈S) (h_k + Σ_j s_jk)`, the households in the constellations of
//!   `S`. The size rows give `X ≤ a·C`, and the one-role rows give `X ≤ u`
//!   (each of those households is counted once, and all are among the `u`). If `C ≤ q`:
//!   `X ≤ a·C = r·C + (a − r)·C ≤ r·C + (a − r)·q`. If `C ≥ q + 1`:
//!   `X ≤ u = (a − r)·q + r·(q + 1) ≤ (a − r)·q + r·C`. So
//!   `X − r·C ≤ (a − r)·q` for every integer solution (the mixed-integer
//!   rounding of the two rows). The LP relaxation misses it when the pool
//!   fills a fractional number of constellations: on 500 households it
//!   opens about 45.5 hubs and places everyone, where a plan must choose
//!   between 45 hubs (and leave households out) and 46. On the seeded pools
//!   of `BENCHMARKS.md` it closes about half of the LP gap. It is also
//!   dualised in the Lagrangian bound (see [`lagrangian`]); the unit test
//!   `capacity_cut_is_valid_and_sometimes_tight` checks it against every
//!   feasible plan of random tiny instances, over every set `S`.
//!
//! *Objective.* Minimise
//! `Σ_k hub_cost·h_k + Σ_(j,k) (w_distance·d(j,k) − reward)·s_jk`.
//!
//! *Count and reward.* With [`Goal::Reward`]`(r)` the model chooses how many
//! constellations to open: a hub opens only when the reward for its satellites
//! beats its running cost and their distance. With [`Goal::Count`]`(p)` exactly
//! `p` hubs open and the reward is implicit: `r = w_distance·max_km + 1`,
//! more than any satellite's distance cost, so the model first covers as many
//! households as `p` constellations can hold and then minimises distance
//! (without it every constellation would shrink to `min`). The hub costs are
//! then a constant `p·hub_cost`.
//!
//! *Coverage* is the share of all foster households in the dataset that are in
//! a constellation after the plan — hubs and satellites of the new ones plus
//! every household of a kept one.
//!
//! *Defaults and sources.*
//! - 6 to 10 satellites per hub, at most 15 km: the issue, and The Fostering
//!   Network's description of a constellation (a hub and 6–10 satellites).
//! - Hub cost [`DEFAULT_HUB_COST`] = £810 a week: `shared/DOMAIN.md` quotes a
//!   US example paying hubs $4,500 a month; `4,500 × 12 / 52 = $1,038` a week,
//!   at about £0.78 to the dollar (2024 average) ≈ £810. It is a parameter.
//! - Distance weight [`DEFAULT_DISTANCE_WEIGHT`] = £10 per km per week, the
//!   matching model's default.
//! - Reward [`DEFAULT_REWARD`] = £250 per satellite per week when neither a
//!   count nor a reward is given: a hub with six satellites at 7 km on average
//!   then pays its way (`6 × (250 − 70) = 1,080 > 810`), one with six at 14 km
//!   does not (`6 × 110 = 660`).
//!
//! # Solving
//!
//! See [`lagrangian`]: the one-role rows are relaxed with multipliers, which
//! splits the problem into one small problem per hub (sort the reduced costs).
//! Subgradient steps give a bound equal to the LP bound of the strong model
//! with the capacity rounding cut (its multiplier is one more `λ`),
//! and each step's open hubs seed a greedy assignment and a local search (the
//! incumbent), which a local search over hub sets with the optimal
//! assignment of each (a min-cost flow, `flow.rs`) then improves. Pairs and
//! hubs whose Lagrangian reduced cost proves they cannot be in a better
//! solution are fixed to zero, and HiGHS solves the remaining MIP from the
//! incumbent, to the requested gap (1e-6 by default) or the time limit; the
//! capacity rounding cut is a row of that MIP only when its multiplier is
//! positive (where it is slack the dense row slows HiGHS down). The bound
//! reported is the best of the Lagrangian bound and HiGHS' dual bound; a
//! time-limited answer is never labelled optimal. [`Strategy::Plain`] hands
//! HiGHS the full strong model without the cut and with no start (the
//! straightforward model, kept for comparison).

pub mod brute_force;
pub mod checker;
mod flow;
pub mod instance;
pub mod lagrangian;
mod model;
mod solution;

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::dataset::{Dataset, PlaceIdx, PlaceKind, Provider};
use crate::limits::{self, ErrorClass, InvalidOption};
use crate::solver::{self, Call, Deadline, SolveOptions, SolveStatus, SolverError};

pub use instance::{Choice, Instance, Plan};
pub use solution::{
    merge_ages, AgeRange, Formation, FormedConstellation, KeptConstellation, ModelStats, Outside,
    OutsideReason,
};

/// Default fewest satellites per hub.
pub const DEFAULT_MIN_SATELLITES: u32 = 6;
/// Default most satellites per hub.
pub const DEFAULT_MAX_SATELLITES: u32 = 10;
/// Default furthest a satellite may live from its hub, in km (haversine).
pub const DEFAULT_MAX_KM: f64 = 15.0;
/// Default weekly cost of running a hub, in pounds ($4,500 a month, see the module docs).
pub const DEFAULT_HUB_COST: f64 = 810.0;
/// Default cost per km per week between a satellite and its hub.
pub const DEFAULT_DISTANCE_WEIGHT: f64 = 10.0;
/// Default reward per satellite per week when neither a count nor a reward is given.
pub const DEFAULT_REWARD: f64 = 250.0;

/// How many constellations to open.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// Open exactly this many (coverage first, then distance).
    Count(u32),
    /// Reward per satellite per week: the model chooses how many to open.
    Reward(f64),
}

/// Which households may be hubs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HubCandidates {
    /// Households matching a rule.
    Rule {
        /// Only in-house households (the authority's own carers).
        in_house_only: bool,
        /// At least this many approved places.
        min_places: u32,
        /// Skills the household must offer (all of them).
        skills: Vec<String>,
    },
    /// Exactly these household ids.
    Listed(Vec<String>),
}

impl Default for HubCandidates {
    /// In-house households with at least two places.
    fn default() -> Self {
        HubCandidates::Rule {
            in_house_only: true,
            min_places: 2,
            skills: Vec::new(),
        }
    }
}

/// How the model is solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Lagrangian bound and incumbent, reduced-cost fixing, then HiGHS from the incumbent.
    #[default]
    Lagrangian,
    /// The full strong model handed to HiGHS as it is (for comparison).
    Plain,
}

/// Everything one formation solve needs besides the dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormationConfig {
    /// Fewest satellites per open hub.
    pub min_satellites: u32,
    /// Most satellites per open hub.
    pub max_satellites: u32,
    /// Furthest a satellite may live from its hub, in km.
    pub max_km: f64,
    /// Count or reward.
    pub goal: Goal,
    /// Weekly cost of running one hub.
    pub hub_cost: f64,
    /// Cost per km per week between a satellite and its hub.
    pub distance_weight: f64,
    /// Which households may be hubs.
    pub hub_candidates: HubCandidates,
    /// Dissolve existing constellations and plan every household afresh.
    pub replan: bool,
    /// How the model is solved.
    pub strategy: Strategy,
    /// Solver limits.
    pub solve: SolveOptions,
}

impl Default for FormationConfig {
    fn default() -> Self {
        FormationConfig {
            min_satellites: DEFAULT_MIN_SATELLITES,
            max_satellites: DEFAULT_MAX_SATELLITES,
            max_km: DEFAULT_MAX_KM,
            goal: Goal::Reward(DEFAULT_REWARD),
            hub_cost: DEFAULT_HUB_COST,
            distance_weight: DEFAULT_DISTANCE_WEIGHT,
            hub_candidates: HubCandidates::default(),
            replan: false,
            strategy: Strategy::default(),
            solve: SolveOptions::default(),
        }
    }
}

/// The largest `max_satellites` accepted (Mockingbird uses 6–10).
pub const MAX_SATELLITES_LIMIT: u32 = 100;

impl FormationConfig {
    /// The reward per satellite the objective uses: the given one, or with a
    /// count `w_distance·max_km + 1`.
    pub fn effective_reward(&self) -> f64 {
        match self.goal {
            Goal::Reward(r) => r,
            Goal::Count(_) => self.distance_weight * self.max_km + 1.0,
        }
    }

    /// Objective coefficient of a satellite at `km` from its hub.
    pub fn satellite_cost(&self, km: f64) -> f64 {
        self.distance_weight * km - self.effective_reward()
    }

    /// Checks the numbers (never panics on user input).
    pub fn validate(&self) -> Result<(), FormationError> {
        let bad = |m: String| Err(FormationError::InvalidConfig(m));
        if self.min_satellites > self.max_satellites {
            return bad(format!(
                "min satellites ({}) is more than max satellites ({})",
                self.min_satellites, self.max_satellites
            ));
        }
        limits::check_count(
            "max_satellites",
            self.max_satellites as usize,
            1,
            MAX_SATELLITES_LIMIT as usize,
        )?;
        limits::check_km("max_km", self.max_km)?;
        limits::check_weight("hub_cost", self.hub_cost)?;
        limits::check_weight("distance_weight", self.distance_weight)?;
        if let Goal::Reward(r) = self.goal {
            limits::check_weight("reward", r)?;
        }
        self.solve.validate()?;
        Ok(())
    }
}

/// Why a formation could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum FormationError {
    /// A number in the configuration is out of range.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// An option is outside its documented range.
    #[error("invalid option: {0}")]
    InvalidOption(#[from] InvalidOption),
    /// A listed hub candidate is not a household of the dataset.
    #[error("unknown hub candidate {0:?}: no foster household has this id")]
    UnknownCandidate(String),
    /// A listed hub candidate is a children's home.
    #[error("hub candidate {0:?} is a children's home, not a foster household")]
    NotAHousehold(String),
    /// A listed hub candidate is in a kept constellation.
    #[error("hub candidate {0:?} is already in constellation {1:?} (use replan to re-plan it)")]
    InKeptConstellation(String, String),
    /// The requested number of constellations cannot be formed.
    #[error("cannot open {0} constellations: {1}")]
    CountInfeasible(u32, String),
    /// More household–hub pairs within reach than planning stores
    /// ([`instance::MAX_PAIRS_WITHIN_REACH`]).
    #[error("too large: {0}")]
    TooLarge(String),
    /// The solver failed.
    #[error(transparent)]
    Solver(#[from] SolverError),
    /// The answer broke a rule (a bug: the answer is refused).
    #[error("internal error: the plan fails the checker: {0}")]
    Check(String),
}

impl FormationError {
    /// What kind of failure this is.
    pub fn class(&self) -> ErrorClass {
        match self {
            FormationError::InvalidConfig(_)
            | FormationError::InvalidOption(_)
            | FormationError::UnknownCandidate(_)
            | FormationError::NotAHousehold(_)
            | FormationError::InKeptConstellation(..)
            | FormationError::CountInfeasible(..) => ErrorClass::InvalidInput,
            FormationError::TooLarge(_) => ErrorClass::ResourceLimit,
            FormationError::Solver(e) => e.class(),
            FormationError::Check(_) => ErrorClass::Internal,
        }
    }
}

/// The hub candidates of `data` under `config`, as place indices, ascending.
pub fn hub_candidates(
    data: &Dataset,
    config: &FormationConfig,
) -> Result<Vec<PlaceIdx>, FormationError> {
    let kept = |p: PlaceIdx| !config.replan && data.places()[p].constellation().is_some();
    let mut out = match &config.hub_candidates {
        HubCandidates::Listed(ids) => {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let p = data
                    .place_index(id)
                    .ok_or_else(|| FormationError::UnknownCandidate(id.clone()))?;
                if !data.places()[p].is_carer() {
                    return Err(FormationError::NotAHousehold(id.clone()));
                }
                if kept(p) {
                    let c = data.places()[p].constellation().map_or(String::new(), |c| {
                        data.constellations()
                            .get(c)
                            .map_or(String::new(), |c| c.id.clone())
                    });
                    return Err(FormationError::InKeptConstellation(id.clone(), c));
                }
                out.push(p);
            }
            out
        }
        HubCandidates::Rule {
            in_house_only,
            min_places,
            skills,
        } => {
            let tags: Option<Vec<u32>> = skills
                .iter()
                .map(|s| {
                    data.tags()
                        .iter()
                        .position(|t| t == s)
                        .and_then(|t| u32::try_from(t).ok())
                })
                .collect();
            match tags {
                // A skill no household offers: no candidate.
                None => Vec::new(),
                Some(tags) => data
                    .places()
                    .iter()
                    .enumerate()
                    .filter(|(p, place)| match &place.kind {
                        PlaceKind::Carer { provider, .. } => {
                            (!in_house_only || *provider == Provider::InHouse)
                                && place.capacity >= *min_places
                                && tags.iter().all(|&t| place.offers.contains(t))
                                && !kept(*p)
                        }
                        PlaceKind::Home => false,
                    })
                    .map(|(p, _)| p)
                    .collect(),
            }
        }
    };
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The most columns (hubs and pairs not fixed) of a MIP handed to HiGHS
/// under a time limit. The reported run on 2,000 close households (4 M
/// columns) was at 10.5 GB and growing, about 2.6 kB a column with its
/// rows, so this keeps the MIP under about 1 GB. Above it the model is not built: the answer is the
/// incumbent, with the Lagrangian bound. Without a time limit every MIP is
/// built, whatever its size (a proof was asked for).
pub const MIP_MAX_COLUMNS: usize = 300_000;

/// Under a time limit, the MIP is handed to HiGHS only if it has at most
/// this many columns per second left: below that HiGHS rarely finishes its
/// root LP, let alone improves the incumbent, and the time goes to the
/// hub-set search instead.
pub const MIP_COLUMNS_PER_SECOND: f64 = 20_000.0;

/// A lower bound on the objective that needs no pairs (reported when the
/// time limit runs out before the Lagrangian bound is computed): every
/// satellite costs at least `−reward` (distances and weights are ≥ 0) and
/// every hub at least `hub_cost`. With a reward, at most `n/(max + 1)`
/// constellations of `max` satellites fit in a pool of `n` households:
/// `min(0, n·(hub_cost − max·reward)/(max + 1))`. With a count `p`:
/// `p·hub_cost − reward·min(p·max, n − p)`.
pub fn trivial_bound(households: usize, config: &FormationConfig) -> f64 {
    let n = households as f64;
    let max = f64::from(config.max_satellites);
    let reward = config.effective_reward();
    match config.goal {
        Goal::Reward(_) => (n * (config.hub_cost - max * reward) / (max + 1.0)).min(0.0),
        Goal::Count(p) => {
            let p = f64::from(p);
            p * config.hub_cost - reward * (p * max).min((n - p).max(0.0))
        }
    }
}

/// Plans constellations for `data`: the optimal formation under `config`
/// (proven within the gap unless a time limit stops the search first),
/// checked by [`checker::check`] before it is returned.
///
/// Under a time limit `T` every phase counts against it: building the
/// pairs within reach, the Lagrangian phase and its heuristics, reduced-cost
/// fixing, building the MIP and HiGHS; the work stops at `0.95·T` (the rest
/// is for handing the model over, decoding and checking). If the limit runs
/// out while the pairs are built, the answer is the empty plan (with a
/// count of `p > 0`: [`SolverError::NoSolution`]) with [`trivial_bound`].
pub fn solve(data: &Dataset, config: &FormationConfig) -> Result<Formation, FormationError> {
    let started = Instant::now();
    config.validate()?;
    let candidates = hub_candidates(data, config)?;
    let time_limit = config.solve.time_limit;
    // 5 % of a time limit is kept back for handing the model to HiGHS,
    // decoding and checking, which HiGHS' own clock does not see.
    let work = Deadline::after(started, time_limit.map(|t| 0.95 * t));
    let gap = config.solve.mip_rel_gap;
    let inst = match Instance::build_until(data, config, &candidates, work) {
        Ok(inst) => inst,
        Err(instance::Stopped::TooManyPairs(_)) => {
            return Err(FormationError::TooLarge(format!(
                "more than {} household–hub pairs within {} km: list fewer --hub-candidates or lower --max-km",
                instance::MAX_PAIRS_WITHIN_REACH,
                config.max_km
            )));
        }
        Err(instance::Stopped::Deadline(skeleton)) => {
            // Out of time before every pair was built: no bound but the trivial one.
            if matches!(config.goal, Goal::Count(p) if p > 0) {
                return Err(FormationError::Solver(SolverError::NoSolution(
                    "the time limit ran out while building the pairs within reach".into(),
                )));
            }
            let stats = ModelStats {
                households: skeleton.households.len(),
                candidates: skeleton.candidates.len(),
                ..ModelStats::default()
            };
            let bound = trivial_bound(skeleton.households.len(), config);
            return finish(
                data,
                config,
                &skeleton,
                Choice::default(),
                (SolveStatus::TimeLimit, 0.0, bound),
                stats,
                started,
                Instant::now(),
            );
        }
    };
    if let Goal::Count(p) = config.goal {
        let openable = inst.openable_hubs();
        if (p as usize) > openable {
            return Err(FormationError::CountInfeasible(
                p,
                format!("only {openable} hub candidates have at least the minimum number of satellites within reach"),
            ));
        }
    }
    let seconds_left = || work.seconds_left();
    // Under a time limit, whether a MIP of `columns` columns is worth building now.
    let mip_fits = |columns: usize| match seconds_left() {
        None => true,
        Some(left) => {
            columns <= MIP_MAX_COLUMNS && (columns as f64) <= MIP_COLUMNS_PER_SECOND * left
        }
    };
    let trivial = trivial_bound(inst.households.len(), config);
    let solve_started = Instant::now();
    let mut stats = ModelStats {
        households: inst.households.len(),
        candidates: inst.candidates.len(),
        pairs_within_reach: inst.pairs.len(),
        ..ModelStats::default()
    };
    let (plan_pairs, status, objective, bound) = if inst.openable_hubs() == 0 {
        // No hub can open (with a count, p = 0 here): the empty plan is the only one.
        (Choice::default(), SolveStatus::Optimal, 0.0, 0.0)
    } else {
        match config.strategy {
            Strategy::Plain => {
                let columns = inst.pairs.len() + inst.candidates.len();
                if !mip_fits(columns) {
                    // Too large for the time left: the empty plan, if it is one.
                    if matches!(config.goal, Goal::Count(p) if p > 0) {
                        return Err(FormationError::Solver(SolverError::NoSolution(
                            "the model is too large for the time limit".into(),
                        )));
                    }
                    (Choice::default(), SolveStatus::TimeLimit, 0.0, trivial)
                } else {
                    // The straightforward model: without the capacity cut.
                    let built = model::build(
                        &inst,
                        &vec![true; inst.pairs.len()],
                        &vec![true; inst.candidates.len()],
                        config,
                        false,
                    );
                    stats.columns = built.columns;
                    stats.rows = built.rows;
                    let map = built.map;
                    let run = solver::run(
                        built.problem,
                        Call {
                            options: &config.solve,
                            seconds_left: seconds_left(),
                            mip_abs_gap: None,
                            start: None,
                            tuning: crate::solver::Tuning::default(),
                        },
                    )
                    .map_err(|e| infeasible_count(e, config))?;
                    let chosen = map.decode(&run.columns);
                    let z = inst.plan_cost(&chosen);
                    (chosen, run.status, z, run.bound.max(trivial).min(z))
                }
            }
            Strategy::Lagrangian => {
                // A model too large for any MIP under the limit: the whole
                // budget goes to the Lagrangian phase and its hub-set search.
                let full = inst.pairs.len() + inst.candidates.len();
                let share = if full > MIP_MAX_COLUMNS { 0.95 } else { 0.3 };
                let budget = time_limit.map(|t| t * share);
                let lag = lagrangian::run(&inst, budget, started, gap);
                stats.lagrangian_bound = Some(lag.bound);
                stats.lagrangian_ms = lag.elapsed_ms;
                stats.lagrangian_iterations = lag.iterations;
                stats.heuristic_runs = lag.heuristic_runs;
                stats.heuristic_ms = lag.heuristic_ms;
                stats.incumbent_from_heuristic = lag.incumbent.as_ref().map(|(z, _)| *z);
                // Both are lower bounds on the full model.
                let lag_bound = lag.bound.max(trivial);
                let tol = 1e-9
                    * lag
                        .incumbent
                        .as_ref()
                        .map_or(1.0, |(z, _)| z.abs().max(1.0));
                match &lag.incumbent {
                    Some((z, chosen)) if lagrangian::within(*z, lag_bound, gap) => {
                        // The Lagrangian bound proves the heuristic's answer optimal.
                        (chosen.clone(), SolveStatus::Optimal, *z, lag_bound.min(*z))
                    }
                    _ => {
                        let fixed = match &lag.incumbent {
                            _ if work.expired() => None,
                            Some((z, _)) => Some(lag.fixing(&inst, *z + tol)),
                            None => Some((
                                vec![true; inst.pairs.len()],
                                vec![true; inst.candidates.len()],
                            )),
                        };
                        let columns = fixed.as_ref().map(|(keep_pairs, keep_hubs)| {
                            keep_hubs.iter().filter(|k| **k).count()
                                + inst
                                    .pairs
                                    .iter()
                                    .zip(keep_pairs)
                                    .filter(|(pair, keep)| **keep && keep_hubs[pair.hub])
                                    .count()
                        });
                        if let Some((keep_pairs, keep_hubs)) = &fixed {
                            stats.pairs_fixed = keep_pairs.iter().filter(|k| !**k).count();
                            stats.hubs_fixed = keep_hubs.iter().filter(|k| !**k).count();
                        }
                        match (fixed, columns) {
                            (Some((keep_pairs, keep_hubs)), Some(columns))
                                if mip_fits(columns) && !work.expired() =>
                            {
                                mip(
                                    &inst,
                                    config,
                                    &lag,
                                    lag_bound,
                                    &keep_pairs,
                                    &keep_hubs,
                                    &mut stats,
                                    work,
                                )?
                            }
                            _ => {
                                // No MIP: the incumbent, polished by the
                                // hub-set search for the time left, with the
                                // Lagrangian bound.
                                let Some((mut z, mut chosen)) = lag.incumbent.clone() else {
                                    return Err(FormationError::Solver(SolverError::NoSolution(
                                        "no plan with the requested count found before the time limit".into(),
                                    )));
                                };
                                if !work.expired() {
                                    if let Some((zp, cp)) = lagrangian::polish(
                                        &inst,
                                        &chosen,
                                        z,
                                        lag_bound,
                                        gap,
                                        work.instant(),
                                    ) {
                                        (z, chosen) = (zp, cp);
                                    }
                                }
                                let status = if lagrangian::within(z, lag_bound, gap) {
                                    SolveStatus::Optimal
                                } else {
                                    SolveStatus::TimeLimit
                                };
                                (chosen, status, z, lag_bound.min(z))
                            }
                        }
                    }
                }
            }
        }
    };
    finish(
        data,
        config,
        &inst,
        plan_pairs,
        (status, objective, bound),
        stats,
        started,
        solve_started,
    )
}

/// HiGHS on the MIP over the pairs and hubs kept by reduced-cost fixing,
/// from the Lagrangian phase's incumbent: the plan, status, objective and
/// bound (the best of `lag_bound` and HiGHS' bound, capped by the incumbent:
/// anything better than the incumbent is in the reduced model).
#[allow(clippy::too_many_arguments)]
fn mip(
    inst: &Instance,
    config: &FormationConfig,
    lag: &lagrangian::Outcome,
    lag_bound: f64,
    keep_pairs: &[bool],
    keep_hubs: &[bool],
    stats: &mut ModelStats,
    work: Deadline,
) -> Result<(Choice, SolveStatus, f64, f64), FormationError> {
    // The capacity cut only when it binds in the Lagrangian
    // dual (μ > 0): where it is slack, the dense row slows
    // HiGHS down (seed 2026 proven optimal: 15 s instead of 7.5 s).
    let with_cut = lag
        .lambda
        .get(inst.households.len())
        .is_some_and(|mu| *mu > 0.0);
    let built = model::build(inst, keep_pairs, keep_hubs, config, with_cut);
    stats.columns = built.columns;
    stats.rows = built.rows;
    let map = built.map;
    let start = lag.incumbent.as_ref().map(|(_, c)| map.start(c));
    // Measured after building the model: building counts against the limit.
    let left = work.seconds_left();
    let run = solver::run(
        built.problem,
        Call {
            options: &config.solve,
            seconds_left: left,
            mip_abs_gap: None,
            start: start.as_deref(),
            tuning: crate::solver::Tuning::default(),
        },
    );
    match run {
        Ok(run) => {
            let chosen = map.decode(&run.columns);
            let z = inst.plan_cost(&chosen);
            let reduced_bound = match &lag.incumbent {
                Some((zi, _)) => run.bound.min(*zi),
                None => run.bound,
            };
            let (chosen, z) = match &lag.incumbent {
                Some((zi, ci)) if *zi < z => (ci.clone(), *zi),
                _ => (chosen, z),
            };
            let bound = reduced_bound.max(lag_bound).min(z);
            Ok((chosen, run.status, z, bound))
        }
        Err(SolverError::NoSolution(_)) | Err(SolverError::Infeasible)
            if lag.incumbent.is_some() =>
        {
            let (z, chosen) = lag.incumbent.clone().unwrap_or_default();
            Ok((chosen, SolveStatus::TimeLimit, z, lag_bound.min(z)))
        }
        Err(e) => Err(infeasible_count(e, config)),
    }
}

/// Fills, checks and decodes the plan: the returned formation.
#[allow(clippy::too_many_arguments)]
fn finish(
    data: &Dataset,
    config: &FormationConfig,
    inst: &Instance,
    plan_pairs: Choice,
    (status, objective, bound): (SolveStatus, f64, f64),
    stats: ModelStats,
    started: Instant,
    solve_started: Instant,
) -> Result<Formation, FormationError> {
    let solve_ms = solve_started.elapsed().as_secs_f64() * 1000.0;
    // The fill pass only adds satellites with a gain: the objective can only fall.
    let chosen = inst.fill(plan_pairs);
    let plan = inst.to_plan(&chosen);
    let recomputed =
        checker::check(data, config, &plan).map_err(|v| FormationError::Check(format!("{v:?}")))?;
    if recomputed > objective + 1e-6 * objective.abs().max(1.0) {
        return Err(FormationError::Check(format!(
            "recomputed objective {recomputed} exceeds the solver's {objective}"
        )));
    }
    let objective = recomputed;
    let bound = bound.min(objective);
    let gap = solver::relative_gap(objective, bound);
    // Optimal only when HiGHS (or the Lagrangian bound) proved it; a
    // time-limited incumbent keeps `time_limit` whatever its gap.
    Ok(solution::decode(
        data,
        config,
        inst,
        &plan,
        solution::Figures {
            status,
            objective,
            bound,
            gap,
            solve_ms,
            total_ms: started.elapsed().as_secs_f64() * 1000.0,
            model: stats,
        },
    ))
}

fn infeasible_count(e: SolverError, config: &FormationConfig) -> FormationError {
    match (e, config.goal) {
        (SolverError::Infeasible, Goal::Count(p)) => FormationError::CountInfeasible(
            p,
            "no plan gives every hub its minimum number of satellites within reach".into(),
        ),
        (e, _) => FormationError::Solver(e),
    }
}
