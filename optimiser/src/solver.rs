//! The one place where options become HiGHS settings, and where HiGHS'
//! answer (status, incumbent, dual bound, duals) is read back.
//!
//! Models are written with `good_lp` and handed to HiGHS through
//! `good_lp::solvers::highs::HighsProblem::into_inner`, so that the solve can
//! report what `good_lp`'s own solution type hides: the MIP dual bound, the gap
//! and the row duals used for pricing.

use std::time::{Duration, Instant};

use good_lp::solvers::highs::HighsProblem;
use highs::HighsModelStatus;

use crate::limits::{self, ErrorClass, InvalidOption};

/// The moment a time limit runs out, computed without overflow: a limit
/// too large for the clock (only possible on unchecked options) is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at: Option<Instant>,
}

impl Deadline {
    /// `seconds` after `started` (`None`: never).
    pub fn after(started: Instant, seconds: Option<f64>) -> Self {
        let at = seconds
            .and_then(|s| Duration::try_from_secs_f64(s.max(0.0)).ok())
            .and_then(|d| started.checked_add(d));
        Deadline { at }
    }

    /// No deadline.
    pub fn never() -> Self {
        Deadline { at: None }
    }

    /// The instant, if any.
    pub fn instant(&self) -> Option<Instant> {
        self.at
    }

    /// Whether the deadline has passed.
    pub fn expired(&self) -> bool {
        self.at.is_some_and(|at| Instant::now() >= at)
    }

    /// Seconds left (0 once passed; `None`: no deadline).
    pub fn seconds_left(&self) -> Option<f64> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()).as_secs_f64())
    }
}

/// How far HiGHS may go.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SolveOptions {
    /// Wall-clock limit for the whole solve, in seconds (`None`: no limit).
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which a solve counts as optimal (default 1e-6).
    pub mip_rel_gap: f64,
    /// HiGHS threads (`None`: HiGHS decides).
    pub threads: Option<u32>,
    /// Run HiGHS' presolve (default off: on the matching models, whose
    /// restricted columns are already sparse and bounded, presolve cost more
    /// than it saved — see BENCHMARKS.md).
    pub presolve: bool,
    /// Print HiGHS' log to the console.
    pub verbose: bool,
}

impl SolveOptions {
    /// The one check of these options (see [`crate::limits`]): a time limit
    /// in (0, 7 days], a gap in [0, 1], threads in [1, 1024].
    pub fn validate(&self) -> Result<(), InvalidOption> {
        limits::check_time_limit(self.time_limit)?;
        limits::check_gap(self.mip_rel_gap)?;
        limits::check_threads(self.threads)
    }
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: None,
            mip_rel_gap: 1e-6,
            threads: None,
            presolve: false,
            verbose: false,
        }
    }
}

/// What the solver proved about the answer it returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SolveStatus {
    /// Proven optimal within the requested gap.
    Optimal,
    /// Stopped by the time limit: the best incumbent found, not proven optimal.
    TimeLimit,
}

/// The one definition of every `gap` field (matching, ranking, constellations,
/// commissioning): `(objective − bound) / max(|objective|, 1)`, and 0 when the
/// bound meets the objective. Dividing by `|objective|` keeps it meaningful
/// for the negative objectives of constellation planning; the floor of 1
/// (one pound) keeps it finite at 0. For the positive objectives of matching
/// and commissioning (at least £1) it is the usual `(z − b)/z`.
pub fn relative_gap(objective: f64, bound: f64) -> f64 {
    ((objective - bound) / objective.abs().max(1.0)).max(0.0)
}

/// Errors from the solver layer.
#[derive(Debug, thiserror::Error)]
pub enum SolverError {
    /// HiGHS refused the model or an option.
    #[error("HiGHS error: {0}")]
    Highs(String),
    /// HiGHS stopped without any feasible solution.
    #[error("no feasible solution found before the solver stopped ({0})")]
    NoSolution(String),
    /// The model was infeasible (a modelling bug: every model here allows leaving children unplaced).
    #[error("the model is infeasible")]
    Infeasible,
}

impl SolverError {
    /// What kind of failure this is.
    pub fn class(&self) -> ErrorClass {
        match self {
            SolverError::NoSolution(_) => ErrorClass::ResourceLimit,
            SolverError::Highs(_) | SolverError::Infeasible => ErrorClass::Internal,
        }
    }
}

/// One HiGHS run, read back.
#[derive(Debug, Clone)]
pub struct Run {
    /// Optimal (within gap) or stopped by the limit.
    pub status: SolveStatus,
    /// Objective of the returned solution (without any constant term).
    pub objective: f64,
    /// Best proven lower bound (equals `objective` for an LP).
    pub bound: f64,
    /// Column values, in variable creation order.
    pub columns: Vec<f64>,
    /// Row duals, in constraint order (meaningful for LPs).
    pub row_duals: Vec<f64>,
    /// Wall time of this run.
    pub elapsed: Duration,
}

/// Settings for one call: the shared options plus what the caller derives.
pub struct Call<'a> {
    /// Shared options.
    pub options: &'a SolveOptions,
    /// Seconds left of the overall limit, if any.
    pub seconds_left: Option<f64>,
    /// Absolute MIP gap to stop at, if any (HiGHS' relative gap is then 0).
    pub mip_abs_gap: Option<f64>,
    /// A feasible starting solution, in column order.
    pub start: Option<&'a [f64]>,
    /// Formulation-specific HiGHS tuning.
    pub tuning: Tuning,
}

/// HiGHS settings that one formulation measured to help it (see
/// BENCHMARKS.md); every other formulation keeps HiGHS' defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tuning {
    /// Turn off HiGHS' root reduced-cost heuristic (a sub-MIP over the
    /// columns with small reduced cost at the root). Batch matching starts
    /// every MIP from a near-optimal plan, so the sub-MIP rarely pays for itself.
    pub skip_root_reduced_cost_heuristic: bool,
    /// Turn off HiGHS' symmetry detection (`mip_detect_symmetry`). On batch
    /// matching MIPs of tens of thousands of columns it took most of the
    /// solve (20 s of 29 s on one 500-child dataset) and the MIPs closed
    /// at the root without it.
    pub skip_symmetry_detection: bool,
    /// Read back an LP that HiGHS ends with model status `Unknown` but a
    /// feasible primal solution (the dual simplex sometimes stops with a
    /// small dual infeasibility it cannot clean up). Its objective and duals
    /// are then close to, not exactly, optimal: only for callers that need
    /// no more, such as column generation, whose bound is valid for any
    /// duals. The run's status is `time_limit` (not proven optimal).
    pub accept_unknown_lp: bool,
}

/// Solves `problem` with HiGHS and reads the answer back.
pub fn run(problem: HighsProblem, call: Call<'_>) -> Result<Run, SolverError> {
    let model = problem
        .try_into_inner()
        .map_err(|e| SolverError::Highs(e.to_string()))?;
    run_model(model, call).map(|(run, _)| run)
}

/// Solves a HiGHS model built directly (not through `good_lp`) and hands it
/// back with the answer, so that it can be changed and solved again: HiGHS
/// keeps the last basis of a model, and a model that only gained columns or
/// rows is re-solved from it (column generation's restricted LPs,
/// [`crate::matching`]).
pub fn run_model(
    mut model: highs::Model,
    call: Call<'_>,
) -> Result<(Run, highs::Model), SolverError> {
    let started = Instant::now();
    configure(&mut model, &call)?;
    // HiGHS 1.x compares `time_limit` with the run time of every run of
    // this model so far, not of this run: a model solved again would stop
    // early. Its documented work-around is to zero the clocks first.
    // SAFETY: `as_mut_ptr` is the live `Highs` instance `model` owns; the
    // call only resets its timers.
    let zeroed = unsafe { highs_sys::Highs_zeroAllClocks(model.as_mut_ptr()) };
    if zeroed != highs_sys::STATUS_OK {
        return Err(SolverError::Highs(format!(
            "resetting the clocks: status {zeroed}"
        )));
    }
    let solved = model
        .try_solve()
        .map_err(|e| SolverError::Highs(format!("{e:?}")))?;
    let run = read_back(&solved, &call, started)?;
    Ok((run, solved.into()))
}

/// Every HiGHS option of one call: the one place where options become settings.
fn configure(model: &mut highs::Model, call: &Call<'_>) -> Result<(), SolverError> {
    let o = call.options;
    model.make_quiet();
    let set = |name: &str, r: Result<(), highs::TrySetOptionError>| {
        r.map_err(|e| SolverError::Highs(format!("setting {name}: {e:?}")))
    };
    if o.verbose {
        set("output_flag", model.try_set_option("output_flag", true))?;
        set(
            "log_to_console",
            model.try_set_option("log_to_console", true),
        )?;
    }
    match call.mip_abs_gap {
        Some(abs) => {
            set(
                "mip_abs_gap",
                model.try_set_option("mip_abs_gap", abs.max(0.0)),
            )?;
            set("mip_rel_gap", model.try_set_option("mip_rel_gap", 0.0))?;
        }
        None => set(
            "mip_rel_gap",
            model.try_set_option("mip_rel_gap", o.mip_rel_gap.max(0.0)),
        )?,
    }
    if let Some(t) = call.seconds_left {
        set("time_limit", model.try_set_option("time_limit", t.max(0.0)))?;
    }
    let presolve = if o.presolve { "on" } else { "off" };
    set("presolve", model.try_set_option("presolve", presolve))?;
    if let Some(threads) = o.threads {
        set(
            "threads",
            model.try_set_option("threads", threads.max(1) as i32),
        )?;
    }
    if call.tuning.skip_symmetry_detection {
        set(
            "mip_detect_symmetry",
            model.try_set_option("mip_detect_symmetry", false),
        )?;
    }
    if call.tuning.skip_root_reduced_cost_heuristic {
        set(
            "mip_heuristic_run_root_reduced_cost",
            model.try_set_option("mip_heuristic_run_root_reduced_cost", false),
        )?;
    }
    if let Some(start) = call.start {
        model
            .try_set_solution(Some(start), None, None, None)
            .map_err(|e| SolverError::Highs(format!("setting the start solution: {e:?}")))?;
    }
    Ok(())
}

/// HiGHS' answer: status, objective, dual bound, columns and row duals.
fn read_back(
    solved: &highs::SolvedModel,
    call: &Call<'_>,
    started: Instant,
) -> Result<Run, SolverError> {
    let status = match solved.status() {
        HighsModelStatus::Optimal => SolveStatus::Optimal,
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedMemoryLimit => SolveStatus::TimeLimit,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(SolverError::Infeasible)
        }
        HighsModelStatus::Unknown if call.tuning.accept_unknown_lp => SolveStatus::TimeLimit,
        other => return Err(SolverError::Highs(format!("model status {other:?}"))),
    };
    if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        return Err(SolverError::NoSolution(format!("{:?}", solved.status())));
    }
    let objective = solved.objective_value();
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite())
        .unwrap_or(objective);
    let solution = solved.get_solution();
    Ok(Run {
        status,
        objective,
        bound: bound.min(objective),
        columns: solution.columns().to_vec(),
        row_duals: solution.dual_rows().to_vec(),
        elapsed: started.elapsed(),
    })
}
