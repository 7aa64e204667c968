//! The `placement` command line: argument definitions and the commands.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use optimiser::generator::{generate_raw, GeneratorSpec, Region};
use optimiser::matching;

use crate::error::ApiError;
use crate::render::{self, write_json, write_text};
use crate::service::{self, requests::RankRequest, requests::SolveParams};
use crate::{load, region};

pub mod backtest;
pub mod commission;
pub mod constellations;
pub mod rates;
pub mod serve;
pub mod sufficiency;

/// Placement matching for children's social care: batch matching, ranked
/// matches for one child, synthetic datasets and validation.
#[derive(Debug, Parser)]
#[command(name = "placement", version, about)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands. Each allows negative numbers as values, so that
/// `--time-limit -1` is refused by the range check, which names the option,
/// rather than read as an unknown flag.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Optimal placement of every waiting child in a dataset.
    #[command(allow_negative_numbers = true)]
    Match(MatchArgs),
    /// Ranked places for one child (or the sibling group placed with them).
    #[command(allow_negative_numbers = true)]
    Rank(RankArgs),
    /// Write a seeded synthetic dataset (JSON).
    #[command(allow_negative_numbers = true)]
    Generate(GenerateArgs),
    /// Check a dataset and report every problem.
    #[command(allow_negative_numbers = true)]
    Validate(ValidateArgs),
    /// Joint residential commissioning: blocks to open, who goes where, and
    /// each partner's fair share of the cost.
    #[command(allow_negative_numbers = true)]
    Commission(commission::CommissionArgs),
    /// Write a seeded synthetic commissioning question (JSON).
    #[command(allow_negative_numbers = true)]
    GenerateCommission(commission::GenerateCommissionArgs),
    /// Plan Mockingbird constellations: hubs and their satellites.
    #[command(allow_negative_numbers = true)]
    Constellations(constellations::ConstellationsArgs),
    /// Entry, exit and move rates of children looked after, with their
    /// events and exposure, from an SSDA903 extract or the DfE statistics.
    Rates(rates::RatesArgs),
    /// Write a seeded synthetic SSDA903 extract (Header and Episodes CSV).
    #[command(name = "ssda903-synth")]
    Ssda903Synth(rates::SynthArgs),
    /// Project the children looked after month by month under scenarios,
    /// placing them on the dataset's stock: who the stock cannot take,
    /// where children live, the placement mix and the cost.
    Sufficiency(sufficiency::SufficiencyArgs),
    /// Backtest the demand projection against the DfE actuals: rates from
    /// 2021–2023, forecasts of 31 March 2024 and 2025 for every authority,
    /// beside carried-forward and linear-trend forecasts.
    Backtest(backtest::BacktestArgs),
    /// Serve the HTTP API (datasets, solves, jobs, runs) on a SQLite store.
    #[command(allow_negative_numbers = true)]
    Serve(serve::ServeArgs),
    /// Bearer tokens of the HTTP service: create, list, revoke.
    Token(crate::token_cmd::TokenArgs),
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// JSON (machine-readable).
    #[default]
    Json,
    /// A readable summary and tables.
    Table,
}

/// Objective weights and solver limits shared by `match` and `rank`.
#[derive(Debug, Clone, Args)]
pub struct SolveArgs {
    /// Cost per km per week of distance from the child's school (or authority).
    #[arg(long, value_name = "W", default_value_t = matching::DEFAULT_DISTANCE_WEIGHT)]
    pub distance_weight: f64,
    /// Penalty per child left unplaced.
    #[arg(long, value_name = "U", default_value_t = matching::DEFAULT_UNPLACED_PENALTY)]
    pub unplaced_penalty: f64,
    /// Time limit in seconds (the best solution found is returned, marked `time_limit`).
    #[arg(long, value_name = "S")]
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which a solve counts as optimal.
    #[arg(long, value_name = "G", default_value_t = 1e-6)]
    pub gap: f64,
    /// Replaces the dataset's `w_split` for this solve: £ a week for each
    /// extra place a non-strict sibling group is split over (dataset
    /// default 5,000).
    #[arg(long, value_name = "W")]
    pub split_weight: Option<f64>,
    /// Replaces the dataset's `w_split_constellation` for this solve: £ a
    /// week for each extra place inside one constellation (dataset default
    /// 1,000; at most the split weight).
    #[arg(long, value_name = "W")]
    pub split_constellation_weight: Option<f64>,
    /// Replaces the dataset's `w_outside_authority` for this solve: £ a
    /// week for each child placed outside their own authority (dataset
    /// default 0).
    #[arg(long, value_name = "W")]
    pub outside_authority_weight: Option<f64>,
}

impl SolveArgs {
    /// The request these flags describe.
    pub fn params(&self) -> SolveParams {
        SolveParams {
            distance_weight: Some(self.distance_weight),
            unplaced_penalty: Some(self.unplaced_penalty),
            time_limit: self.time_limit,
            gap: Some(self.gap),
            split_weight: self.split_weight,
            split_constellation_weight: self.split_constellation_weight,
            outside_authority_weight: self.outside_authority_weight,
        }
    }
}

/// `placement match`.
#[derive(Debug, Clone, Args)]
pub struct MatchArgs {
    /// A `.json` dataset or a folder of CSV files.
    #[arg(long, value_name = "PATH")]
    pub dataset: PathBuf,
    /// Weights and limits.
    #[command(flatten)]
    pub solve: SolveArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
}

/// `placement rank`.
#[derive(Debug, Clone, Args)]
pub struct RankArgs {
    /// A `.json` dataset or a folder of CSV files.
    #[arg(long, value_name = "PATH")]
    pub dataset: PathBuf,
    /// The child's id.
    #[arg(long, value_name = "ID")]
    pub child: String,
    /// How many options to list (1 to 1,000).
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub top: usize,
    /// Also show each option's system impact (one re-solve per option).
    #[arg(long)]
    pub system: bool,
    /// Weights and limits.
    #[command(flatten)]
    pub solve: SolveArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
}

/// `placement generate`.
#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// RNG seed: the same arguments always give the same bytes.
    #[arg(long, value_name = "N")]
    pub seed: u64,
    /// Children waiting.
    #[arg(long, value_name = "N")]
    pub children: usize,
    /// Foster households.
    #[arg(long, value_name = "N")]
    pub carers: usize,
    /// Children's homes.
    #[arg(long, value_name = "N")]
    pub homes: usize,
    /// Write the JSON here instead of standard output (with `--csv`: the folder to write).
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Write a folder of CSV files to `--out` instead of JSON.
    #[arg(long, requires = "out")]
    pub csv: bool,
    /// Region folder (`authorities.csv`, optional `schools.csv`); default
    /// `data/region` when it exists, else the built-in south-coast region.
    #[arg(long, value_name = "DIR")]
    pub region: Option<PathBuf>,
}

/// `placement validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// A `.json` dataset or a folder of CSV files.
    #[arg(long, value_name = "PATH")]
    pub dataset: PathBuf,
}

/// Runs a parsed command, writing its output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<(), ApiError> {
    match cli.command {
        Command::Match(a) => run_match(&a, out),
        Command::Rank(a) => run_rank(&a, out),
        Command::Generate(a) => run_generate(&a, out),
        Command::Validate(a) => run_validate(&a, out),
        Command::Commission(a) => commission::run(&a, out),
        Command::GenerateCommission(a) => commission::run_generate(&a, out),
        Command::Constellations(a) => constellations::run(&a, out),
        Command::Rates(a) => rates::run(&a, out),
        Command::Ssda903Synth(a) => rates::run_synth(&a, out),
        Command::Sufficiency(a) => sufficiency::run(&a, out),
        Command::Backtest(a) => backtest::run(&a, out),
        Command::Serve(a) => serve::run(&a, out),
        Command::Token(a) => crate::token_cmd::run(&a, out),
    }
}

/// `placement match`.
pub fn run_match(a: &MatchArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let params = a.solve.params();
    // Options are checked before the dataset is read.
    params.match_config()?;
    let data = load::load_dataset(&a.dataset)?;
    let report = service::match_(&data, &params)?;
    match a.format {
        Format::Json => write_json(&report, out),
        Format::Table => write_text(
            &render::table::match_table(&report.solution, &report.weights, &report.practice),
            out,
        ),
    }
}

/// `placement rank`.
pub fn run_rank(a: &RankArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let request = RankRequest {
        child: a.child.clone(),
        top: a.top,
        system: a.system,
        solve: a.solve.params(),
    };
    request.config()?;
    let data = load::load_dataset(&a.dataset)?;
    let report = service::rank(&data, &request)?;
    match a.format {
        Format::Json => write_json(&report, out),
        Format::Table => write_text(&render::table::rank_table(&report.ranking), out),
    }
}

/// The region `generate` uses: `--region`, else `data/region` (in the working
/// directory, then in this repository), else the built-in one.
pub fn resolve_region(explicit: Option<&Path>) -> Result<(Region, String), ApiError> {
    if let Some(dir) = explicit {
        return Ok((region::load_region(dir)?, dir.display().to_string()));
    }
    let candidates = [
        PathBuf::from("data/region"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/region"),
    ];
    for dir in candidates {
        if dir.join("authorities.csv").is_file() {
            return Ok((region::load_region(&dir)?, dir.display().to_string()));
        }
    }
    Ok((Region::south_coast(), "built-in south coast".to_string()))
}

/// `placement generate`.
pub fn run_generate(a: &GenerateArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let mut spec = GeneratorSpec::new(a.seed, a.children, a.carers, a.homes);
    // Refuse sizes past the contract's limits before reading or allocating anything.
    spec.validate()
        .map_err(|e| ApiError::InvalidArgument(e.to_string()))?;
    let (region, from) = resolve_region(a.region.as_deref())?;
    tracing::info!(region = %from, "generating");
    spec.region = region;
    let raw = generate_raw(&spec);
    match (&a.out, a.csv) {
        (Some(dir), true) => crate::csv_tables::write_folder(&raw, dir),
        (Some(path), false) => {
            let mut text = serde_json::to_string_pretty(&raw)?;
            text.push('\n');
            std::fs::write(path, text).map_err(|e| ApiError::io(path, e))
        }
        (None, _) => write_json(&raw, out),
    }
}

/// `placement validate`.
pub fn run_validate(a: &ValidateArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let data = load::load_dataset(&a.dataset)?;
    let s = service::summarise(&data);
    write_text(
        &format!(
            "valid: {} children, {} places ({} carers, {} homes) with {} free, {} schools, {} authorities, {} sibling groups, {} constellations\n",
            s.children,
            s.places,
            s.carers,
            s.homes,
            s.free_places,
            s.schools,
            s.authorities.len(),
            s.sibling_groups,
            s.constellations,
        ),
        out,
    )
}
