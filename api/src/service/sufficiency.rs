//! `sufficiency`: a sweep of scenarios over the projection of children
//! looked after, placed month by month on a dataset's stock.

use optimiser::dataset::raw::RawDataset;
use optimiser::dataset::Dataset;
use optimiser::sufficiency::project::{
    run_sweep_with, validate, AuthorityDemand, ProjectionError, ProjectionInput, SweepOptions,
    SweepResult, DEFAULT_MONTHS, MAX_MONTHS,
};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Problem};
use crate::scenario_file::{locate, ScenarioSource};

/// Most draws per scenario.
pub const MAX_DRAWS: u32 = 10_000;

/// What to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SufficiencyRequest {
    /// Horizon, months (1–120; a scenario may set its own).
    pub months: u32,
    /// Seeded draws per scenario (1–10,000).
    pub draws: u32,
    /// Run seed: the same seed gives the same numbers.
    pub seed: u64,
    /// Check the value of one more place of each scenario's first N classes:
    /// every month's matching solved again with one more free place at the
    /// class's best place (0–20; the draws run twice, plus one matching
    /// solve a month per class).
    #[serde(default)]
    pub check_value_of_place: u32,
}

/// Most classes a scenario whose value of one more place is checked.
pub const MAX_VALUE_CHECKS: u32 = 20;

impl Default for SufficiencyRequest {
    fn default() -> Self {
        SufficiencyRequest {
            months: DEFAULT_MONTHS,
            draws: 20,
            seed: 2026,
            check_value_of_place: 0,
        }
    }
}

impl SufficiencyRequest {
    /// Checks the ranges, naming the flag.
    pub fn check(&self) -> Result<(), ApiError> {
        if self.months == 0 || self.months > MAX_MONTHS {
            return Err(ApiError::InvalidArgument(format!(
                "--months must be 1 to {MAX_MONTHS}, got {}",
                self.months
            )));
        }
        if self.draws == 0 || self.draws > MAX_DRAWS {
            return Err(ApiError::InvalidArgument(format!(
                "--draws must be 1 to {MAX_DRAWS}, got {}",
                self.draws
            )));
        }
        if self.check_value_of_place > MAX_VALUE_CHECKS {
            return Err(ApiError::InvalidArgument(format!(
                "--check-value-of-place must be 0 to {MAX_VALUE_CHECKS}, got {}",
                self.check_value_of_place
            )));
        }
        Ok(())
    }
}

/// The report: the request, the inputs' sizes and the sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SufficiencyReport {
    /// The request.
    pub request: SufficiencyRequest,
    /// Authorities of the demand (GSS codes).
    pub authorities: Vec<String>,
    /// Where each scenario came from (file paths, in sweep order).
    pub scenario_files: Vec<String>,
    /// The sweep.
    pub result: SweepResult,
}

/// Runs every scenario of `scenarios` `request.draws` times over `stock`
/// (a dataset, validated here) and `demand`, on rayon's current pool;
/// `progress(done, total)` after each draw (and each re-run of the
/// value-of-a-place check). Every problem in the scenarios
/// is reported at once, located in its file.
pub fn sufficiency(
    stock: RawDataset,
    demand: Vec<AuthorityDemand>,
    scenarios: &[ScenarioSource],
    request: &SufficiencyRequest,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SufficiencyReport, ApiError> {
    request.check()?;
    if let Err(errors) = Dataset::try_from(stock.clone()) {
        return Err(ApiError::InvalidDataset(
            errors
                .iter()
                .map(|e| {
                    Problem::new(
                        "dataset",
                        format!("{}[{}]", e.table, e.index.unwrap_or(0)),
                        e.record.clone(),
                        Some(e.field.clone()),
                        e.message.clone(),
                    )
                })
                .collect(),
        ));
    }
    let authorities: Vec<String> = demand.iter().map(|d| d.authority.clone()).collect();
    let input = ProjectionInput {
        stock,
        authorities: demand,
        months: request.months,
        solve_time_limit: None,
    };
    let list: Vec<_> = scenarios.iter().map(|s| s.scenario.clone()).collect();
    if let Err(problems) = validate(&input, &list) {
        return Err(ApiError::InvalidDataset(locate(scenarios, &problems)));
    }
    let started = std::time::Instant::now();
    let options = SweepOptions {
        check_value_of_place: request.check_value_of_place as usize,
    };
    let result = run_sweep_with(
        &input,
        &list,
        request.draws,
        request.seed,
        options,
        progress,
    )
    .map_err(ApiError::from)?;
    tracing::info!(
        scenarios = list.len(),
        draws = request.draws,
        children = result.cohort_children,
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "sufficiency sweep"
    );
    Ok(SufficiencyReport {
        request: request.clone(),
        authorities,
        scenario_files: scenarios
            .iter()
            .map(|s| s.path.display().to_string())
            .collect(),
        result,
    })
}

impl From<ProjectionError> for ApiError {
    fn from(e: ProjectionError) -> Self {
        match e {
            ProjectionError::Match(m) => ApiError::from(m),
            e => ApiError::Projection(e),
        }
    }
}
