//! The service layer: one function per solve, shared by the command line and
//! the HTTP API.
//!
//! Each function takes a validated input (a [`Dataset`] or a [`Commission`])
//! and a request ([`requests`]), checks the request with the library's one
//! range check, runs the solve, logs counts and timings (never a record), and
//! returns a report ([`reports`]). Front ends only parse, call and render:
//! `cli.rs` turns flags into requests and renders with [`crate::render`]; the
//! HTTP handlers turn JSON and query strings into the same requests.
//!
//! ```no_run
//! use api::service::{self, requests::SolveParams};
//! let data = api::load_dataset("data/demo/south_coast.json".as_ref())?;
//! let report = service::match_(&data, &SolveParams::default())?;
//! println!("{} placed", report.solution.assignments.len());
//! # Ok::<(), api::ApiError>(())
//! ```

pub mod backtest;
pub mod reports;
pub mod requests;
pub mod sufficiency;

use optimiser::commission::{self, Commission};
use optimiser::constellations;
use optimiser::dataset::Dataset;
use optimiser::matching;
use optimiser::ranking::{PlaceIndex, Ranker};

use crate::error::ApiError;
use reports::{CommissionOutput, ConstellationsReport, DatasetSummary, MatchReport, RankReport};
use requests::{CommissionRequest, ConstellationsRequest, RankRequest, SolveParams};

/// A dataset's size and coverage.
pub fn summarise(data: &Dataset) -> DatasetSummary {
    let carers = data.places().iter().filter(|p| p.is_carer()).count();
    DatasetSummary {
        children: data.children().len(),
        places: data.places().len(),
        carers,
        homes: data.places().len() - carers,
        free_places: data
            .places()
            .iter()
            .map(|p| u64::from(p.free_places()))
            .sum(),
        schools: data.schools().len(),
        authorities: data.authorities().iter().map(|a| a.id.clone()).collect(),
        sibling_groups: data
            .sibling_groups()
            .iter()
            .filter(|g| g.members.len() >= 2)
            .count(),
        constellations: data.constellations().len(),
    }
}

/// Optimal placement of every waiting child, with the request's weights of
/// practice in place of the dataset's where it gives them.
pub fn match_(data: &Dataset, params: &SolveParams) -> Result<MatchReport, ApiError> {
    let config = params.match_config()?;
    let data = params.practice_data(data)?;
    let solution = matching::solve(&data, &config)?;
    tracing::info!(
        status = ?solution.status,
        placed = solution.assignments.len(),
        unplaced = solution.unplaced.len(),
        solve_ms = solution.solve_ms,
        total_ms = solution.total_ms,
        "match solved"
    );
    Ok(MatchReport {
        solution,
        weights: config.weights,
        practice: *data.practice(),
        time_limit: config.solve.time_limit,
        mip_rel_gap: config.solve.mip_rel_gap,
        outside_scope: None,
    })
}

/// Ranked places for one child, building the dataset's spatial index.
pub fn rank(data: &Dataset, request: &RankRequest) -> Result<RankReport, ApiError> {
    let index = PlaceIndex::new(data);
    rank_with(data, &index, request)
}

/// Ranked places for one child, with the spatial index of `data`'s places
/// built once and reused across requests. The request's weights of
/// practice replace the dataset's for this ranking (the index does not
/// depend on them, so it is shared).
pub fn rank_with(
    data: &Dataset,
    places: &PlaceIndex,
    request: &RankRequest,
) -> Result<RankReport, ApiError> {
    let config = request.config()?;
    let data = request.solve.practice_data(data)?;
    let ranker = Ranker::with_places(&data, places);
    let started = std::time::Instant::now();
    let ranking = ranker.rank(&request.child, &config)?;
    tracing::info!(
        options = ranking.matches.len(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "ranked"
    );
    Ok(RankReport { ranking })
}

/// Mockingbird constellation planning.
pub fn constellations(
    data: &Dataset,
    request: &ConstellationsRequest,
) -> Result<ConstellationsReport, ApiError> {
    let config = request.config()?;
    let formation = constellations::solve(data, &config)?;
    tracing::info!(
        status = ?formation.status,
        constellations = formation.constellations.len(),
        outside = formation.outside.len(),
        solve_ms = formation.solve_ms,
        total_ms = formation.total_ms,
        "constellations planned"
    );
    Ok(ConstellationsReport {
        formation,
        settings: config,
    })
}

/// Joint residential commissioning with the cost split.
pub fn commission(
    instance: &Commission,
    request: &CommissionRequest,
) -> Result<CommissionOutput, ApiError> {
    let config = request.config()?;
    let report = commission::solve(instance, &config)?;
    tracing::info!(
        status = ?report.status,
        partners = report.partners.len(),
        coalitions = report.model.coalition_solves,
        total_ms = report.total_ms,
        "commission solved"
    );
    Ok(CommissionOutput {
        report,
        sharing: config.sharing,
        time_limit: config.solve.time_limit,
        mip_rel_gap: config.solve.mip_rel_gap,
        outside_scope: None,
    })
}
