//! `placement sufficiency`: scenarios over the projection of children
//! looked after, placed month by month on a dataset's stock.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{ArgGroup, Args, ValueEnum};

use crate::error::ApiError;
use crate::load;
use crate::render::{self, write_json, write_text};
use crate::scenario_file::load_scenarios;
use crate::service::sufficiency::{sufficiency, SufficiencyRequest};
use crate::ssda903::demand::{demand_from_dfe, demand_from_ssda903};
use crate::ssda903::{data_dir, DISTRICTS_FILE};

/// Output formats of `sufficiency`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SufficiencyFormat {
    /// JSON: every scenario, month and figure with its quantiles.
    #[default]
    Json,
    /// CSV: one row per scenario × month × figure × quantile.
    Csv,
    /// A table at the horizon, every scenario beside the base.
    Table,
}

/// `placement sufficiency`.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("demand").required(true).args(["ssda903", "dfe_statistics"])))]
pub struct SufficiencyArgs {
    /// The dataset whose carers and homes are the stock (JSON or CSV folder).
    #[arg(long, value_name = "PATH")]
    pub dataset: PathBuf,
    /// An SSDA903 extract folder named by its GSS code, or a folder of them.
    #[arg(long, value_name = "DIR")]
    pub ssda903: Option<PathBuf>,
    /// Use the DfE published statistics (rates and a synthetic cohort).
    #[arg(long)]
    pub dfe_statistics: bool,
    /// With --dfe-statistics: an authority (GSS code); repeat for more;
    /// default every authority of the dataset.
    #[arg(long, value_name = "GSS")]
    pub authority: Vec<String>,
    /// A scenario file (TOML) or a folder of them.
    #[arg(long, value_name = "PATH")]
    pub scenarios: PathBuf,
    /// Horizon, months.
    #[arg(long, value_name = "N", default_value_t = 24)]
    pub months: u32,
    /// Draws per scenario.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub draws: u32,
    /// Run seed: the same seed gives the same numbers.
    #[arg(long, value_name = "S", default_value_t = 2026)]
    pub seed: u64,
    /// Check the value of one more place of each scenario's first N
    /// classes (authority, provider kind, approval range): every month's
    /// matching solved again with one more free place at the class's best
    /// place (0 to 20; the draws run twice, plus one solve a month per class).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub check_value_of_place: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SufficiencyFormat::Json)]
    pub format: SufficiencyFormat,
    /// Also write an SVG chart of the main figures over time.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
    /// Worker threads (default: every core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// The data folder (`geography/`, `dfe/`); default `data`.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

/// `placement sufficiency`.
pub fn run(a: &SufficiencyArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let request = SufficiencyRequest {
        months: a.months,
        draws: a.draws,
        seed: a.seed,
        check_value_of_place: a.check_value_of_place,
    };
    request.check()?;
    if a.threads.is_some_and(|t| t == 0 || t > 1024) {
        return Err(ApiError::InvalidArgument(
            "--threads must be 1 to 1024".into(),
        ));
    }
    let scenarios = load_scenarios(&a.scenarios)?;
    let (stock, origin, problems) = load::read_raw(&a.dataset)?;
    load::validate(stock.clone(), &origin, problems)?;
    let data = data_dir(a.data.as_deref(), DISTRICTS_FILE);
    let demand = match &a.ssda903 {
        Some(dir) => demand_from_ssda903(dir, &data, &stock)?,
        None => {
            let gss = if a.authority.is_empty() {
                stock.authorities.iter().map(|x| x.id.clone()).collect()
            } else {
                a.authority.clone()
            };
            demand_from_dfe(&data, &gss, a.seed)?
        }
    };
    let total =
        scenarios.len() as u64 * u64::from(a.draws) * (1 + u64::from(a.check_value_of_place > 0));
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} draws  {elapsed_precise} (about {eta} left)",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
        .map_err(|e| ApiError::Internal(format!("thread pool: {e}")))?;
    let report = pool.install(|| sufficiency(stock, demand, &scenarios, &request, &progress))?;
    bar.finish_and_clear();
    if let Some(path) = &a.chart {
        let svg = render::sufficiency_chart::svg(&report)?;
        std::fs::write(path, svg).map_err(|e| ApiError::io(path, e))?;
    }
    match a.format {
        SufficiencyFormat::Json => write_json(&report, out),
        SufficiencyFormat::Csv => write_text(&render::sufficiency::csv(&report)?, out),
        SufficiencyFormat::Table => write_text(&render::sufficiency::table(&report), out),
    }
}
