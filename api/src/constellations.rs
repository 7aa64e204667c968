//! `placement constellations`: plan Mockingbird constellations (which
//! households are hubs, which join which hub) and print them as JSON, a
//! table, or GeoJSON for a map.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use optimiser::constellations::{self, Formation, FormationConfig, Goal, HubCandidates};
use optimiser::dataset::Dataset;
use optimiser::solver::SolveOptions;
use serde::Serialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::load;

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
    /// The library configuration these arguments describe.
    pub fn config(&self) -> FormationConfig {
        FormationConfig {
            min_satellites: self.min,
            max_satellites: self.max,
            max_km: self.max_km,
            goal: match (self.count, self.reward) {
                (Some(p), _) => Goal::Count(p),
                (None, Some(r)) => Goal::Reward(r),
                (None, None) => Goal::Reward(constellations::DEFAULT_REWARD),
            },
            hub_cost: self.hub_cost,
            distance_weight: self.distance_weight,
            hub_candidates: match &self.hub_candidates {
                Some(ids) => HubCandidates::Listed(
                    ids.iter()
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                ),
                None => HubCandidates::default(),
            },
            replan: self.replan,
            solve: SolveOptions {
                time_limit: self.time_limit,
                mip_rel_gap: self.gap,
                ..SolveOptions::default()
            },
            ..FormationConfig::default()
        }
    }
}

/// JSON output: the formation plus the settings used.
#[derive(Serialize)]
struct Output<'a> {
    #[serde(flatten)]
    formation: &'a Formation,
    settings: &'a FormationConfig,
}

/// `placement constellations`.
pub fn run(a: &ConstellationsArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let config = a.config();
    config.validate()?;
    let data = load::load_dataset(&a.dataset)?;
    let formation = constellations::solve(&data, &config)?;
    tracing::info!(
        status = ?formation.status,
        constellations = formation.constellations.len(),
        outside = formation.outside.len(),
        solve_ms = formation.solve_ms,
        total_ms = formation.total_ms,
        "constellations planned"
    );
    let io = |e| ApiError::io("<stdout>", e);
    match a.format {
        FormationFormat::Json => {
            serde_json::to_writer_pretty(
                &mut *out,
                &Output {
                    formation: &formation,
                    settings: &config,
                },
            )?;
            writeln!(out).map_err(io)
        }
        FormationFormat::Geojson => {
            serde_json::to_writer_pretty(&mut *out, &geojson(&data, &formation))?;
            writeln!(out).map_err(io)
        }
        FormationFormat::Table => out.write_all(table(&formation).as_bytes()).map_err(io),
    }
}

fn point(data: &Dataset, id: &str, properties: Value) -> Option<Value> {
    let p = &data.places()[data.place_index(id)?];
    Some(json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [p.location.lon, p.location.lat]},
        "properties": properties,
    }))
}

/// The formation as a GeoJSON FeatureCollection (coordinates `[lon, lat]`):
/// a Point per hub (`role: "hub"`), satellite (`role: "satellite"`, with its
/// `hub`) and household left outside (`role: "outside"`, with its `reason`),
/// and a LineString per hub–satellite link (`hub`, `satellite`, `km`).
pub fn geojson(data: &Dataset, f: &Formation) -> Value {
    let mut features = Vec::new();
    let loc = |id: &str| {
        data.place_index(id)
            .map(|p| data.places()[p].location)
            .map(|l| [l.lon, l.lat])
    };
    for c in &f.constellations {
        features.extend(point(
            data,
            &c.hub,
            json!({"carer": c.hub, "role": "hub", "hub": c.hub, "satellites": c.satellites.len(),
                   "mean_km": c.mean_km, "max_km": c.max_km}),
        ));
        for s in &c.satellites {
            features.extend(point(
                data,
                s,
                json!({"carer": s, "role": "satellite", "hub": c.hub}),
            ));
            if let (Some(a), Some(b)) = (loc(&c.hub), loc(s)) {
                let km = data
                    .place_index(&c.hub)
                    .zip(data.place_index(s))
                    .map(|(h, j)| {
                        data.places()[h]
                            .location
                            .distance_km(&data.places()[j].location)
                    });
                features.push(json!({
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": [a, b]},
                    "properties": {"hub": c.hub, "satellite": s, "km": km},
                }));
            }
        }
    }
    for o in &f.outside {
        features.extend(point(
            data,
            &o.carer,
            json!({"carer": o.carer, "role": "outside", "reason": o.reason}),
        ));
    }
    json!({"type": "FeatureCollection", "features": features})
}

fn reason_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// A readable summary, one line per constellation, and the outside counts by reason.
pub fn table(f: &Formation) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "status {}  objective {:.2}  bound {:.2}  gap {:.4}%  solve {:.0} ms",
        reason_name(&f.status),
        f.objective,
        f.bound,
        f.gap * 100.0,
        f.solve_ms
    );
    let _ = writeln!(
        s,
        "{} new constellations, {} kept; coverage {:.1}% ({} of {} households)\n",
        f.constellations.len(),
        f.kept.len(),
        f.coverage * 100.0,
        f.covered,
        f.households
    );
    let _ = writeln!(
        s,
        "{:<12} {:>10} {:>8} {:>8} {:>7}  ages",
        "hub", "satellites", "mean km", "max km", "places"
    );
    for c in &f.constellations {
        let ages: Vec<String> = c
            .age_ranges
            .iter()
            .map(|r| format!("{}–{}", r.min, r.max))
            .collect();
        let _ = writeln!(
            s,
            "{:<12} {:>10} {:>8.2} {:>8.2} {:>7}  {}",
            c.hub,
            c.satellites.len(),
            c.mean_km,
            c.max_km,
            c.places,
            ages.join(", ")
        );
    }
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for o in &f.outside {
        let r = reason_name(&o.reason);
        match reasons.iter_mut().find(|(n, _)| *n == r) {
            Some((_, c)) => *c += 1,
            None => reasons.push((r, 1)),
        }
    }
    let _ = writeln!(s, "\n{} households outside", f.outside.len());
    for (r, c) in reasons {
        let _ = writeln!(s, "  {r}: {c}");
    }
    s
}
