//! `placement commission`: joint residential commissioning across partner
//! authorities, with the cost split and the core check.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use optimiser::commission;

use crate::error::ApiError;
use crate::render;
use crate::service::{
    self,
    requests::{CommissionRequest, SharingChoice},
};

/// Which cost splits to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SharingArg {
    /// The Shapley value of the cost game.
    Shapley,
    /// Each child's own cost plus block fixed costs split by beds used.
    Proportional,
    /// Both.
    #[default]
    Both,
}

/// Output format of `commission`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CommissionFormat {
    /// JSON (machine-readable).
    #[default]
    Json,
    /// A readable summary and tables.
    Table,
}

/// `placement commission`.
#[derive(Debug, Clone, Args)]
pub struct CommissionArgs {
    /// The commissioning question (JSON; see docs/commissioning.md).
    #[arg(long, value_name = "PATH")]
    pub input: PathBuf,
    /// Which splits of the joint cost to compute.
    #[arg(long, value_enum, default_value_t = SharingArg::Both)]
    pub sharing: SharingArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CommissionFormat::Json)]
    pub format: CommissionFormat,
    /// Time limit in seconds for all solves together (the best plans found
    /// are returned, marked `time_limit`).
    #[arg(long, value_name = "S")]
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which each solve counts as optimal.
    #[arg(long, value_name = "G", default_value_t = 1e-6)]
    pub gap: f64,
    /// Random partner orders for the sampled Shapley value (more than 10 partners).
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub orders: usize,
    /// Seed of the sampled orders.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
}

/// Runs `placement commission`.
pub fn run(a: &CommissionArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let request = CommissionRequest {
        sharing: match a.sharing {
            SharingArg::Shapley => SharingChoice::Shapley,
            SharingArg::Proportional => SharingChoice::Proportional,
            SharingArg::Both => SharingChoice::Both,
        },
        time_limit: a.time_limit,
        gap: Some(a.gap),
        orders: Some(a.orders),
        seed: Some(a.seed),
    };
    request.config()?;
    let inst = crate::load::load_commission(&a.input)?;
    let output = service::commission(&inst, &request)?;
    match a.format {
        CommissionFormat::Json => render::write_json(&output, out),
        CommissionFormat::Table => {
            render::write_text(&render::commission::table(&output.report), out)
        }
    }
}

/// `placement generate-commission`.
#[derive(Debug, Clone, Args)]
pub struct GenerateCommissionArgs {
    /// RNG seed: the same arguments always give the same bytes.
    #[arg(long, value_name = "N", default_value_t = 2026)]
    pub seed: u64,
    /// Partner authorities (Portsmouth, Southampton, West Sussex, Kent, then
    /// six more south-east authorities; synthetic ones beyond ten).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=63))]
    pub partners: u32,
    /// Children, spread evenly over the partners.
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub children: usize,
    /// Options in all (spot and block).
    #[arg(long, value_name = "N", default_value_t = 17)]
    pub options: usize,
    /// How many of the options are blocks.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub blocks: usize,
    /// Write the JSON here instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// Runs `placement generate-commission`: a seeded synthetic question.
pub fn run_generate(a: &GenerateCommissionArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let spec = commission::generator::CommissionSpec::new(
        a.seed,
        a.partners as usize,
        a.children,
        a.options,
        a.blocks,
    );
    spec.validate()
        .map_err(|e| ApiError::InvalidArgument(e.to_string()))?;
    let raw = commission::generator::generate_raw(&spec);
    let mut text = serde_json::to_string_pretty(&raw)?;
    text.push('\n');
    match &a.out {
        Some(path) => std::fs::write(path, text).map_err(|e| ApiError::io(path, e)),
        None => out
            .write_all(text.as_bytes())
            .map_err(|e| ApiError::io("<stdout>", e)),
    }
}
