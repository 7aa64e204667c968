//! `placement backtest`: the demand projection against the DfE actuals
//! (issue 12).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use optimiser::sufficiency::backtest::BacktestConfig;

use crate::error::ApiError;
use crate::render::{self, write_json, write_text};
use crate::service;
use crate::ssda903::{data_dir, dfe::NUMBERS_FILE};

/// Output format of `placement backtest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum BacktestFormat {
    /// The whole report (JSON).
    #[default]
    Json,
    /// One row per authority × year × figure.
    Csv,
    /// The errors across authorities, readable.
    Table,
}

/// `placement backtest`.
#[derive(Debug, Clone, Args)]
pub struct BacktestArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = BacktestFormat::Json)]
    pub format: BacktestFormat,
    /// The data folder holding `dfe/`; default `data`.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

/// `placement backtest`: rates from 2021–2023, forecasts of 2024 and 2025.
pub fn run(a: &BacktestArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let data = data_dir(a.data.as_deref(), NUMBERS_FILE);
    let report = service::backtest::backtest(&data, &BacktestConfig::default())?;
    match a.format {
        BacktestFormat::Json => write_json(&report, out),
        BacktestFormat::Csv => write_text(&render::backtest::backtest_csv(&report), out),
        BacktestFormat::Table => write_text(&render::backtest::backtest_table(&report), out),
    }
}
