//! `placement constellations`: plan Mockingbird constellations (which
//! households are hubs, which join which hub) and print them as JSON, a
//! table, or GeoJSON for a map.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use optimiser::constellations;

use crate::error::ApiError;
use crate::service::{self, requests::ConstellationsRequest};
use crate::{load, render};

/// Output format of `constellations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FormationFormat {
    /// JSON (machine-readable).
    #[default]
    Json,
    /// A readable summary and tables.
    Table,
    /// A GeoJSON FeatureCollection: hubs, satellites and hub–satellite links.
    Geojson,
}

/// `placement constellations`.
#[derive(Debug, Clone, Args)]
pub struct ConstellationsArgs {
    /// A `.json` dataset or a folder of CSV files.
    #[arg(long, value_name = "PATH")]
    pub dataset: PathBuf,
    /// Fewest satellites per hub.
    #[arg(long, value_name = "N", default_value_t = constellations::DEFAULT_MIN_SATELLITES)]
    pub min: u32,
    /// Most satellites per hub.
    #[arg(long, value_name = "N", default_value_t = constellations::DEFAULT_MAX_SATELLITES)]
    pub max: u32,
    /// Furthest a satellite may live from its hub, in km (haversine).
    #[arg(long, value_name = "KM", default_value_t = constellations::DEFAULT_MAX_KM)]
    pub max_km: f64,
    /// Open exactly P constellations (coverage first, then distance).
    #[arg(long, value_name = "P", conflicts_with = "reward")]
    pub count: Option<u32>,
    /// Reward per satellite per week: the model chooses how many to open
    /// (default 250 when neither --count nor --reward is given).
    #[arg(long, value_name = "R")]
    pub reward: Option<f64>,
    /// Weekly cost of running a hub (default £810: $4,500 a month, see docs/constellations.md).
    #[arg(long, value_name = "C", default_value_t = constellations::DEFAULT_HUB_COST)]
    pub hub_cost: f64,
    /// Cost per km per week between a satellite and its hub.
    #[arg(long, value_name = "W", default_value_t = constellations::DEFAULT_DISTANCE_WEIGHT)]
    pub distance_weight: f64,
    /// The households that may be hubs (default: in-house households with at least two places).
    #[arg(long, value_name = "ID,ID,…", value_delimiter = ',')]
    pub hub_candidates: Option<Vec<String>>,
    /// Re-plan existing constellations (default: they are kept as they are).
    #[arg(long)]
    pub replan: bool,
    /// Time limit in seconds (the best plan found is returned, marked `time_limit`).
    #[arg(long, value_name = "S")]
    pub time_limit: Option<f64>,
    /// Relative gap at which a plan counts as optimal.
    #[arg(long, value_name = "G", default_value_t = 1e-6)]
    pub gap: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormationFormat::Json)]
    pub format: FormationFormat,
}

impl ConstellationsArgs {
    /// The request these arguments describe.
    pub fn request(&self) -> ConstellationsRequest {
        ConstellationsRequest {
            min: Some(self.min),
            max: Some(self.max),
            max_km: Some(self.max_km),
            count: self.count,
            reward: self.reward,
            hub_cost: Some(self.hub_cost),
            distance_weight: Some(self.distance_weight),
            hub_candidates: self.hub_candidates.clone(),
            replan: self.replan,
            time_limit: self.time_limit,
            gap: Some(self.gap),
        }
    }
}

/// `placement constellations`.
pub fn run(a: &ConstellationsArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let request = a.request();
    request.config()?;
    let data = load::load_dataset(&a.dataset)?;
    let report = service::constellations(&data, &request)?;
    match a.format {
        FormationFormat::Json => render::write_json(&report, out),
        FormationFormat::Geojson => render::write_json(
            &render::constellations::geojson(&data, &report.formation),
            out,
        ),
        FormationFormat::Table => {
            render::write_text(&render::constellations::table(&report.formation), out)
        }
    }
}
