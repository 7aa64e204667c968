//! The `placement` command line: argument definitions and the commands.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use optimiser::generator::{generate_raw, GeneratorSpec, Region};
use optimiser::matching::{self, MatchConfig, MatchSolution, Weights};
use optimiser::ranking::{self, RankConfig};
use optimiser::solver::SolveOptions;
use serde::Serialize;

use crate::error::ApiError;
use crate::{load, region, table};

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
    Commission(crate::commission::CommissionArgs),
    /// Write a seeded synthetic commissioning question (JSON).
    #[command(allow_negative_numbers = true)]
    GenerateCommission(crate::commission::GenerateCommissionArgs),
    /// Plan Mockingbird constellations: hubs and their satellites.
    #[command(allow_negative_numbers = true)]
    Constellations(crate::constellations::ConstellationsArgs),
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
}

impl SolveArgs {
    fn weights(&self) -> Weights {
        Weights {
            distance: self.distance_weight,
            unplaced: self.unplaced_penalty,
        }
    }

    fn options(&self) -> SolveOptions {
        SolveOptions {
            time_limit: self.time_limit,
            mip_rel_gap: self.gap,
            ..SolveOptions::default()
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

/// `match` JSON output: the solution plus the settings used.
#[derive(Serialize)]
struct MatchOutput<'a> {
    #[serde(flatten)]
    solution: &'a MatchSolution,
    weights: Weights,
    time_limit: Option<f64>,
    mip_rel_gap: f64,
}

/// Runs a parsed command, writing its output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<(), ApiError> {
    match cli.command {
        Command::Match(a) => run_match(&a, out),
        Command::Rank(a) => run_rank(&a, out),
        Command::Generate(a) => run_generate(&a, out),
        Command::Validate(a) => run_validate(&a, out),
        Command::Commission(a) => crate::commission::run(&a, out),
        Command::GenerateCommission(a) => crate::commission::run_generate(&a, out),
        Command::Constellations(a) => crate::constellations::run(&a, out),
    }
}

fn stdout_error(e: std::io::Error) -> ApiError {
    ApiError::io("<stdout>", e)
}

fn write_json<T: Serialize>(value: &T, out: &mut dyn Write) -> Result<(), ApiError> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out).map_err(stdout_error)
}

/// The weights and solver options, checked by the library's one check
/// (`optimiser::limits`) before anything is loaded.
fn check_args(s: &SolveArgs) -> Result<(), ApiError> {
    s.weights().validate()?;
    s.options().validate()?;
    Ok(())
}

/// `placement match`.
pub fn run_match(a: &MatchArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    check_args(&a.solve)?;
    let data = load::load_dataset(&a.dataset)?;
    let config = MatchConfig {
        weights: a.solve.weights(),
        solve: a.solve.options(),
        ..MatchConfig::default()
    };
    let solution = matching::solve(&data, &config)?;
    tracing::info!(
        status = ?solution.status,
        placed = solution.assignments.len(),
        unplaced = solution.unplaced.len(),
        solve_ms = solution.solve_ms,
        total_ms = solution.total_ms,
        "match solved"
    );
    match a.format {
        Format::Json => write_json(
            &MatchOutput {
                solution: &solution,
                weights: config.weights,
                time_limit: config.solve.time_limit,
                mip_rel_gap: config.solve.mip_rel_gap,
            },
            out,
        ),
        Format::Table => out
            .write_all(table::match_table(&solution, &config.weights).as_bytes())
            .map_err(stdout_error),
    }
}

/// `placement rank`.
pub fn run_rank(a: &RankArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    check_args(&a.solve)?;
    let data = load::load_dataset(&a.dataset)?;
    let config = RankConfig {
        top: a.top,
        system: a.system,
        weights: a.solve.weights(),
        solve: a.solve.options(),
    };
    let started = std::time::Instant::now();
    let ranking = ranking::rank(&data, &a.child, &config)?;
    tracing::info!(
        options = ranking.matches.len(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "ranked"
    );
    match a.format {
        Format::Json => write_json(&ranking, out),
        Format::Table => out
            .write_all(table::rank_table(&ranking).as_bytes())
            .map_err(stdout_error),
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
    let carers = data.places().iter().filter(|p| p.is_carer()).count();
    let free: u64 = data
        .places()
        .iter()
        .map(|p| u64::from(p.free_places()))
        .sum();
    let groups = data
        .sibling_groups()
        .iter()
        .filter(|g| g.members.len() >= 2)
        .count();
    writeln!(
        out,
        "valid: {} children, {} places ({} carers, {} homes) with {} free, {} schools, {} authorities, {} sibling groups, {} constellations",
        data.children().len(),
        data.places().len(),
        carers,
        data.places().len() - carers,
        free,
        data.schools().len(),
        data.authorities().len(),
        groups,
        data.constellations().len(),
    )
    .map_err(stdout_error)
}
