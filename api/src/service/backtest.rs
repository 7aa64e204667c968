//! The backtest of the demand projection against the DfE actuals
//! (issue 12): the figures of `data/dfe/` into
//! [`optimiser::sufficiency::backtest::backtest`].

use std::path::Path;

use optimiser::sufficiency::backtest::{backtest as run, Backtest, BacktestConfig};
use serde::Serialize;

use crate::error::ApiError;
use crate::ssda903::dfe::{load_figures, CHARACTERISTICS_FILE, MOVES_FILE, NUMBERS_FILE};

/// The backtest with the files it read.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestReport {
    /// The tables read, relative to the data folder.
    pub inputs: Vec<String>,
    /// Why the share placed over 20 miles is not compared.
    pub distance: String,
    /// The backtest.
    pub backtest: Backtest,
}

/// Why the distance share is not compared (see the optimiser's
/// `sufficiency::backtest` documentation).
pub const DISTANCE_NOT_COMPARED: &str = "not compared: data/dfe/ publishes distance \
    only nationally (and as inside or outside the council's boundary, not 20 miles), and \
    the demand-only projection has no geography, so it cannot forecast the share placed \
    over 20 miles honestly";

/// The backtest of every authority in `data/dfe/` under `data` with
/// `config` (issue 12's: rates from 2021–2023, forecasts of 2024 and 2025).
pub fn backtest(data: &Path, config: &BacktestConfig) -> Result<BacktestReport, ApiError> {
    if config.base_first > config.base_last || config.targets.iter().any(|t| *t <= config.base_last)
    {
        return Err(ApiError::InvalidArgument(format!(
            "backtest years: base {}–{} must be in order and every target after {}",
            config.base_first, config.base_last, config.base_last
        )));
    }
    let figures = load_figures(data)?;
    Ok(BacktestReport {
        inputs: [NUMBERS_FILE, CHARACTERISTICS_FILE, MOVES_FILE]
            .map(String::from)
            .to_vec(),
        distance: DISTANCE_NOT_COMPARED.into(),
        backtest: run(&figures, config),
    })
}
