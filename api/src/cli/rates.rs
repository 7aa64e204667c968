//! `placement rates` (entry, exit and move rates from an SSDA903 extract or
//! the DfE statistics) and `placement ssda903-synth` (a seeded synthetic
//! SSDA903 extract).

use std::io::Write;
use std::path::PathBuf;

use clap::{ArgGroup, Args};
use optimiser::sufficiency::generate_extract;

use super::Format;
use crate::error::ApiError;
use crate::render::{self, write_json, write_text};
use crate::ssda903::{self, data_dir, Date, DISTRICTS_FILE};

/// The five authorities of the demo region (`data/region/authorities.csv`).
pub const DEMO_REGION: [&str; 5] = [
    "E06000044",
    "E06000045",
    "E10000014",
    "E06000046",
    "E10000032",
];

fn date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("{text:?} is not a date (dd/mm/yyyy or yyyy-mm-dd)"))
}

/// `placement rates`.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("input").required(true).args(["ssda903", "dfe_statistics"])))]
pub struct RatesArgs {
    /// A folder with an SSDA903 extract (`*header*.csv`, `*episodes*.csv`).
    #[arg(long, value_name = "DIR")]
    pub ssda903: Option<PathBuf>,
    /// Use the DfE published statistics in `data/dfe/` (needs `--authority`).
    #[arg(long, requires = "authority")]
    pub dfe_statistics: bool,
    /// The authority's GSS code (e.g. E06000044 Portsmouth).
    #[arg(long, value_name = "GSS")]
    pub authority: Option<String>,
    /// First day of the window (dd/mm/yyyy or yyyy-mm-dd).
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub window_start: Option<Date>,
    /// Last day of the window: the reference date.
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub window_end: Option<Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// The data folder (`geography/`, `dfe/`); default `data`.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

/// `placement ssda903-synth`.
#[derive(Debug, Clone, Args)]
pub struct SynthArgs {
    /// The authority (GSS code): its postcode districts and children's homes.
    #[arg(long, value_name = "GSS")]
    pub authority: String,
    /// RNG seed: the same arguments always give the same files.
    #[arg(long, value_name = "N")]
    pub seed: u64,
    /// Folder to write `header.csv` and `episodes.csv` into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The extract's last day (dd/mm/yyyy or yyyy-mm-dd).
    #[arg(long, value_name = "DATE", value_parser = date, default_value = "2025-03-31")]
    pub end: Date,
    /// Children starting to be looked after a year; default the authority's
    /// latest published figure.
    #[arg(long, value_name = "N")]
    pub starts_per_year: Option<f64>,
    /// The data folder (`geography/`, `dfe/`, `region/`); default `data`.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

/// `placement rates`.
pub fn run(a: &RatesArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let data = data_dir(a.data.as_deref(), DISTRICTS_FILE);
    let report = match (&a.ssda903, &a.authority) {
        (Some(dir), _) => ssda903::rates_from_extract(dir, &data, a.window_start, a.window_end)?,
        (None, Some(gss)) => ssda903::rates_from_dfe(&data, gss, a.window_start, a.window_end)?,
        (None, None) => {
            return Err(ApiError::InvalidArgument(
                "give --ssda903 DIR or --dfe-statistics --authority GSS".into(),
            ))
        }
    };
    match a.format {
        Format::Json => write_json(&report, out),
        Format::Table => write_text(&render::rates::rates_table(&report), out),
    }
}

/// `placement ssda903-synth`.
pub fn run_synth(a: &SynthArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let data = data_dir(a.data.as_deref(), DISTRICTS_FILE);
    let region: Vec<String> = DEMO_REGION.iter().map(|s| s.to_string()).collect();
    let params = ssda903::synth_params(&data, &a.authority, &region, a.starts_per_year)?;
    let x = generate_extract(&params, a.seed);
    ssda903::write_extract(&x, a.end, &a.out)?;
    let episodes: usize = x.children.iter().map(|c| c.history.episodes.len()).sum();
    write_text(
        &format!(
            "wrote {} synthetic children and {} episodes to {}\n",
            x.children.len(),
            episodes,
            a.out.display()
        ),
        out,
    )
}
