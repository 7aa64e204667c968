//! What a caller may ask of each solve: the request types of the service
//! layer, shared by the command line and the HTTP API.
//!
//! Every request is plain data (`serde`, unknown fields refused), converted
//! once into the optimiser's configuration by `config()`, which also runs the
//! library's one range check ([`optimiser::limits`]) so that the same rules
//! hold for every front end. Callers never set solver internals (threads,
//! logging, strategies): those stay at the library's defaults.

use std::borrow::Cow;

use optimiser::commission::{CommissionConfig, Sharing};
use optimiser::constellations::{self, FormationConfig, Goal, HubCandidates};
use optimiser::dataset::{Dataset, PracticeOverrides, PracticeWeights};
use optimiser::matching::{self, MatchConfig, Weights};
use optimiser::ranking::RankConfig;
use optimiser::solver::SolveOptions;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// The relative MIP gap used when a request names none.
pub const DEFAULT_GAP: f64 = 1e-6;
/// How many ranked options are listed when a request names no `top`.
pub const DEFAULT_TOP: usize = 10;
/// Random partner orders of the sampled Shapley value, by default.
pub const DEFAULT_ORDERS: usize = 200;

/// Objective weights and solver limits of a batch placement or a ranking.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SolveParams {
    /// Cost per km per week of distance from the child's school (or
    /// authority); default 10.
    #[schema(minimum = 0.0, maximum = 1e9)]
    pub distance_weight: Option<f64>,
    /// Penalty per child left unplaced; default 100,000.
    #[schema(minimum = 0.0, maximum = 1e9)]
    pub unplaced_penalty: Option<f64>,
    /// Time limit in seconds: the best answer found is returned, marked
    /// `time_limit`. None: no limit (a server caps it at its own limit).
    #[schema(exclusive_minimum = 0.0, maximum = 604800.0)]
    pub time_limit: Option<f64>,
    /// Relative gap at which a solve counts as optimal; default 1e-6.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub gap: Option<f64>,
    /// Replaces the dataset's `w_split` for this solve: £ a week for each
    /// extra place a non-strict sibling group is split over. Must be at
    /// least the split constellation weight in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0, maximum = 1e9)]
    pub split_weight: Option<f64>,
    /// Replaces the dataset's `w_split_constellation` for this solve: £ a
    /// week for each extra place inside a constellation the group already
    /// uses. At most the split weight in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0, maximum = 1e9)]
    pub split_constellation_weight: Option<f64>,
    /// Replaces the dataset's `w_outside_authority` for this solve: £ a
    /// week for each child placed outside their own authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0, maximum = 1e9)]
    pub outside_authority_weight: Option<f64>,
}

impl SolveParams {
    /// The request's replacements for the dataset's weights of practice.
    pub fn practice_overrides(&self) -> PracticeOverrides {
        PracticeOverrides {
            split: self.split_weight,
            split_constellation: self.split_constellation_weight,
            outside_authority: self.outside_authority_weight,
        }
    }

    /// The weights of practice this request gives on `data`, checked
    /// (finite, `≥ 0`, `≤ 1e9`, and `w_split_constellation ≤ w_split`
    /// against the dataset's values), without copying the dataset.
    pub fn check_practice(&self, data: &Dataset) -> Result<PracticeWeights, ApiError> {
        Ok(data.practice().overridden(&self.practice_overrides())?)
    }

    /// `data` with this request's weights of practice, checked (finite,
    /// `≥ 0`, `≤ 1e9`, and `w_split_constellation ≤ w_split` against the
    /// dataset's values): borrowed as it is when the request overrides
    /// none, else a copy (the stored dataset is never changed).
    pub fn practice_data<'a>(&self, data: &'a Dataset) -> Result<Cow<'a, Dataset>, ApiError> {
        let overrides = self.practice_overrides();
        if overrides.is_empty() {
            Ok(Cow::Borrowed(data))
        } else {
            Ok(Cow::Owned(data.with_practice_weights(&overrides)?))
        }
    }

    /// The objective weights.
    pub fn weights(&self) -> Weights {
        Weights {
            distance: self
                .distance_weight
                .unwrap_or(matching::DEFAULT_DISTANCE_WEIGHT),
            unplaced: self
                .unplaced_penalty
                .unwrap_or(matching::DEFAULT_UNPLACED_PENALTY),
        }
    }

    /// The solver options (library defaults for everything a caller cannot set).
    pub fn options(&self) -> SolveOptions {
        solve_options(self.time_limit, self.gap)
    }

    /// The batch placement configuration, range-checked.
    pub fn match_config(&self) -> Result<MatchConfig, ApiError> {
        let config = MatchConfig {
            weights: self.weights(),
            solve: self.options(),
            ..MatchConfig::default()
        };
        config.weights.validate()?;
        config.solve.validate()?;
        self.practice_overrides().validate()?;
        Ok(config)
    }
}

fn solve_options(time_limit: Option<f64>, gap: Option<f64>) -> SolveOptions {
    SolveOptions {
        time_limit,
        mip_rel_gap: gap.unwrap_or(DEFAULT_GAP),
        ..SolveOptions::default()
    }
}

/// Ranked places for one child (and the sibling group placed with them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankRequest {
    /// The child's id.
    pub child: String,
    /// How many options to list (1 to 1,000).
    pub top: usize,
    /// Also show each option's system impact (one re-solve per option).
    pub system: bool,
    /// Weights and limits.
    pub solve: SolveParams,
}

impl RankRequest {
    /// The ranking configuration, range-checked.
    pub fn config(&self) -> Result<RankConfig, ApiError> {
        let config = RankConfig {
            top: self.top,
            system: self.system,
            weights: self.solve.weights(),
            solve: self.solve.options(),
        };
        config.weights.validate()?;
        config.solve.validate()?;
        self.solve.practice_overrides().validate()?;
        optimiser::limits::check_count("top", config.top, 1, optimiser::limits::MAX_TOP)?;
        Ok(config)
    }
}

/// Mockingbird constellation planning: which households are hubs and which
/// satellites join them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConstellationsRequest {
    /// Fewest satellites per hub (default 6).
    pub min: Option<u32>,
    /// Most satellites per hub (default 10).
    #[schema(minimum = 1, maximum = 100)]
    pub max: Option<u32>,
    /// Furthest a satellite may live from its hub, km (default 15).
    #[schema(minimum = 0.0, maximum = 20000.0)]
    pub max_km: Option<f64>,
    /// Open exactly this many constellations (coverage first, then
    /// distance). Not with `reward`.
    pub count: Option<u32>,
    /// Reward per satellite per week: the model chooses how many to open
    /// (default 250 when neither `count` nor `reward` is given).
    #[schema(minimum = 0.0, maximum = 1e9)]
    pub reward: Option<f64>,
    /// Weekly cost of running a hub (default £810).
    #[schema(minimum = 0.0, maximum = 1e9)]
    pub hub_cost: Option<f64>,
    /// Cost per km per week between a satellite and its hub.
    #[schema(minimum = 0.0, maximum = 1e9)]
    pub distance_weight: Option<f64>,
    /// The households that may be hubs (default: in-house households with at
    /// least two places).
    pub hub_candidates: Option<Vec<String>>,
    /// Re-plan existing constellations (default: kept as they are).
    #[serde(default)]
    pub replan: bool,
    /// Time limit in seconds.
    #[schema(exclusive_minimum = 0.0, maximum = 604800.0)]
    pub time_limit: Option<f64>,
    /// Relative gap at which a plan counts as optimal (default 1e-6).
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub gap: Option<f64>,
}

impl ConstellationsRequest {
    /// The planner's configuration, range-checked.
    pub fn config(&self) -> Result<FormationConfig, ApiError> {
        let goal = match (self.count, self.reward) {
            (Some(_), Some(_)) => {
                return Err(ApiError::InvalidArgument(
                    "give `count` or `reward`, not both".into(),
                ))
            }
            (Some(p), None) => Goal::Count(p),
            (None, Some(r)) => Goal::Reward(r),
            (None, None) => Goal::Reward(constellations::DEFAULT_REWARD),
        };
        let config = FormationConfig {
            min_satellites: self.min.unwrap_or(constellations::DEFAULT_MIN_SATELLITES),
            max_satellites: self.max.unwrap_or(constellations::DEFAULT_MAX_SATELLITES),
            max_km: self.max_km.unwrap_or(constellations::DEFAULT_MAX_KM),
            goal,
            hub_cost: self.hub_cost.unwrap_or(constellations::DEFAULT_HUB_COST),
            distance_weight: self
                .distance_weight
                .unwrap_or(constellations::DEFAULT_DISTANCE_WEIGHT),
            hub_candidates: match &self.hub_candidates {
                Some(ids) => HubCandidates::Listed(
                    ids.iter()
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                ),
                None => HubCandidates::default(),
            },
            replan: self.replan,
            solve: solve_options(self.time_limit, self.gap),
            ..FormationConfig::default()
        };
        config.validate()?;
        Ok(config)
    }
}

/// Which splits of a joint commissioning cost to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SharingChoice {
    /// The Shapley value of the cost game.
    Shapley,
    /// Each child's own cost plus block fixed costs split by beds used.
    Proportional,
    /// Both.
    #[default]
    Both,
}

/// Joint residential commissioning options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommissionRequest {
    /// Which splits of the joint cost to compute (default both).
    #[serde(default)]
    pub sharing: SharingChoice,
    /// Time limit in seconds for all solves together.
    #[schema(exclusive_minimum = 0.0, maximum = 604800.0)]
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which each solve counts as optimal (default 1e-6).
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub gap: Option<f64>,
    /// Random partner orders for the sampled Shapley value (more than 10
    /// partners; default 200).
    #[schema(minimum = 2, maximum = 100000)]
    pub orders: Option<usize>,
    /// Seed of the sampled orders (default 0).
    pub seed: Option<u64>,
}

impl CommissionRequest {
    /// The commissioning configuration, range-checked.
    pub fn config(&self) -> Result<CommissionConfig, ApiError> {
        let config = CommissionConfig {
            sharing: match self.sharing {
                SharingChoice::Shapley => Sharing::Shapley,
                SharingChoice::Proportional => Sharing::Proportional,
                SharingChoice::Both => Sharing::Both,
            },
            solve: solve_options(self.time_limit, self.gap),
            sampled_orders: self.orders.unwrap_or(DEFAULT_ORDERS),
            seed: self.seed.unwrap_or(0),
            ..CommissionConfig::default()
        };
        config.validate()?;
        Ok(config)
    }
}

/// Caps a request's time limit at a server's: no limit, or a longer one,
/// becomes the cap.
pub fn capped_time_limit(asked: Option<f64>, cap: Option<f64>) -> Option<f64> {
    match (asked, cap) {
        (Some(a), Some(c)) if a.is_finite() => Some(a.min(c)),
        (None, Some(c)) => Some(c),
        (a, _) => a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_library_defaults() {
        let c = SolveParams::default().match_config().expect("valid");
        assert_eq!(c.weights.distance, matching::DEFAULT_DISTANCE_WEIGHT);
        assert_eq!(c.weights.unplaced, matching::DEFAULT_UNPLACED_PENALTY);
        assert_eq!(c.solve.mip_rel_gap, DEFAULT_GAP);
        assert_eq!(c.solve.time_limit, None);
    }

    #[test]
    fn every_solve_refuses_a_bad_time_limit_the_same_way() {
        let bad = Some(-1.0);
        let m = SolveParams {
            time_limit: bad,
            ..SolveParams::default()
        }
        .match_config();
        let c = ConstellationsRequest {
            time_limit: bad,
            ..ConstellationsRequest::default()
        }
        .config();
        let k = CommissionRequest {
            time_limit: bad,
            ..CommissionRequest::default()
        }
        .config();
        for e in [m.err(), c.err(), k.err()] {
            match e {
                Some(ApiError::InvalidOption(o)) => assert_eq!(o.option, "time_limit"),
                other => panic!("expected an invalid time_limit, got {other:?}"),
            }
        }
    }

    #[test]
    fn count_and_reward_together_are_refused() {
        let r = ConstellationsRequest {
            count: Some(2),
            reward: Some(100.0),
            ..ConstellationsRequest::default()
        };
        assert!(matches!(r.config(), Err(ApiError::InvalidArgument(_))));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e = serde_json::from_str::<SolveParams>(r#"{"threads": 64}"#);
        assert!(e.is_err());
    }

    #[test]
    fn time_limits_are_capped() {
        assert_eq!(capped_time_limit(None, Some(30.0)), Some(30.0));
        assert_eq!(capped_time_limit(Some(100.0), Some(30.0)), Some(30.0));
        assert_eq!(capped_time_limit(Some(5.0), Some(30.0)), Some(5.0));
        assert_eq!(capped_time_limit(Some(5.0), None), Some(5.0));
        assert_eq!(capped_time_limit(None, None), None);
        // A non-finite value is left for the range check to refuse.
        assert!(capped_time_limit(Some(f64::NAN), Some(30.0)).is_some_and(f64::is_nan));
    }
}
