//! Sufficiency scenario files (TOML) into the optimiser's
//! [`Scenario`], every problem
//! reported at once with file, line and field.
//!
//! A file holds one scenario; a folder holds one per `*.toml` file, taken
//! in name order (`base.toml` first when there is one). The format is
//! documented in `docs/sufficiency.md` ("Scenario files").

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use optimiser::dataset::raw::{Provider, RawLocation};
use optimiser::matching::Weights;
use optimiser::sufficiency::project::{
    Area, DemandMultiplier, Deregistration, HomeClosure, NewConstellation, NewHome, Recruitment,
    Scenario, ScenarioProblem, Withdrawal,
};
use optimiser::sufficiency::{AgeBand, CareKind, Need};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::error::{ApiError, Problem};

/// Largest scenario file read, bytes.
pub const MAX_SCENARIO_BYTES: u64 = 1 << 20;

/// Most scenario files in a folder.
pub const MAX_SCENARIO_FILES: usize = 200;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemandFile {
    age_band: Option<AgeBand>,
    need: Option<Need>,
    authority: Option<String>,
    factor: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecruitFile {
    count: u32,
    provider: Provider,
    authority: String,
    centre: Option<RawLocation>,
    radius_km: Option<f64>,
    #[serde(default = "one")]
    places: u32,
    #[serde(default)]
    min_age: u32,
    #[serde(default = "seventeen")]
    max_age: u32,
    #[serde(default)]
    skills: Vec<String>,
    weekly_cost: Option<f64>,
    #[serde(default = "one")]
    month: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeregisterFile {
    provider: Provider,
    share_per_year: f64,
    authority: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WithdrawFile {
    provider: Provider,
    places: u32,
    authority: Option<String>,
    #[serde(default = "one")]
    month: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConstellationFile {
    id: String,
    hub: String,
    satellites: Vec<String>,
    #[serde(default = "one")]
    month: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HomeFile {
    id: String,
    authority: String,
    location: RawLocation,
    beds: u32,
    #[serde(default)]
    min_age: u32,
    #[serde(default = "seventeen")]
    max_age: u32,
    #[serde(default)]
    accepts: Vec<String>,
    weekly_cost: f64,
    #[serde(default = "one")]
    month: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClosureFile {
    id: String,
    #[serde(default = "one")]
    month: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeightsFile {
    distance: Option<f64>,
    unplaced: Option<f64>,
}

fn one() -> u32 {
    1
}

fn seventeen() -> u32 {
    17
}

/// One scenario file, read: its text (for locating problems) and scenario.
#[derive(Debug, Clone)]
pub struct ScenarioSource {
    /// The file.
    pub path: PathBuf,
    text: String,
    /// The scenario.
    pub scenario: Scenario,
}

impl ScenarioSource {
    /// A scenario from its TOML text (`name` defaults to `default_name`),
    /// its problems located against `path` (a file name, or a label such
    /// as a request field for the HTTP API).
    pub fn from_text(
        path: PathBuf,
        default_name: &str,
        text: String,
    ) -> Result<ScenarioSource, Vec<Problem>> {
        match parse_scenario(&text, default_name) {
            Ok(scenario) => Ok(ScenarioSource {
                path,
                text,
                scenario,
            }),
            Err(errs) => Err(errs
                .into_iter()
                .map(|(span, field, message)| {
                    let line = span.map(|s| format!("line {}", line_of(&text, s.start)));
                    Problem::new(
                        file_name(&path),
                        line.unwrap_or_default(),
                        None,
                        field,
                        message,
                    )
                })
                .collect()),
        }
    }

    /// A problem of this file at `field` (a path such as `recruit[0].month`),
    /// located at the line of the deepest part of the path found.
    pub fn problem(&self, field: &str, message: &str) -> Problem {
        let line = span_of(&self.text, field).map(|s| line_of(&self.text, s.start));
        Problem::new(
            file_name(&self.path),
            line.map_or(String::new(), |l| format!("line {l}")),
            None,
            Some(field.to_string()),
            message,
        )
    }
}

fn file_name(path: &Path) -> String {
    path.display().to_string()
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The span of the value at `path` (`a[0].b`), or of its deepest ancestor present.
fn span_of(text: &str, path: &str) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    let span = root.span();
    let mut value = DeValue::Table(root.into_inner());
    let mut best = span;
    for part in path.split('.') {
        let (key, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        let Some(next) = value.get(key) else { break };
        best = next.span();
        let mut v = next.get_ref().clone();
        for idx in indices
            .split(['[', ']'])
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse::<usize>().ok())
        {
            let Some(n) = v.get(idx) else { break };
            best = n.span();
            let inner = n.get_ref().clone();
            v = inner;
        }
        value = v;
    }
    Some(best)
}

/// Reads a scenario file, or every `*.toml` file of a folder.
pub fn load_scenarios(path: &Path) -> Result<Vec<ScenarioSource>, ApiError> {
    let files = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| ApiError::io(path, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort_by_key(|p| (p.file_stem().is_none_or(|s| s != "base"), p.clone()));
        if files.is_empty() {
            return Err(ApiError::InvalidArgument(format!(
                "--scenarios {}: the folder has no .toml file",
                path.display()
            )));
        }
        if files.len() > MAX_SCENARIO_FILES {
            return Err(ApiError::InvalidArgument(format!(
                "--scenarios {}: more than {MAX_SCENARIO_FILES} scenario files",
                path.display()
            )));
        }
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for f in files {
        let size = std::fs::metadata(&f)
            .map_err(|e| ApiError::io(&f, e))?
            .len();
        if size > MAX_SCENARIO_BYTES {
            problems.push(Problem::new(
                file_name(&f),
                "",
                None,
                None,
                format!("the file is larger than {MAX_SCENARIO_BYTES} bytes"),
            ));
            continue;
        }
        let bytes = std::fs::read(&f).map_err(|e| ApiError::io(&f, e))?;
        let Ok(text) = String::from_utf8(bytes) else {
            problems.push(Problem::new(
                file_name(&f),
                "",
                None,
                None,
                "the file is not UTF-8",
            ));
            continue;
        };
        let stem = f
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        match ScenarioSource::from_text(f.clone(), &stem, text) {
            Ok(source) => out.push(source),
            Err(mut p) => problems.append(&mut p),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::InvalidDataset(problems))
    }
}

type FileProblem = (Option<Range<usize>>, Option<String>, String);

/// The span of a top-level key, or of one item of its list.
type SpanAt<'a> = dyn Fn(&str, Option<usize>) -> Option<Range<usize>> + 'a;

/// Parses one scenario (`name` defaults to `stem`): every problem at once,
/// each item of each list on its own.
pub fn parse_scenario(text: &str, stem: &str) -> Result<Scenario, Vec<FileProblem>> {
    let root = match DeTable::parse(text) {
        Ok(r) => r,
        Err(e) => return Err(vec![(e.span(), None, e.message().to_string())]),
    };
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => return Err(vec![(e.span(), None, e.message().to_string())]),
    };
    let root_value = DeValue::Table(root.into_inner());
    let mut errs: Vec<FileProblem> = Vec::new();
    let span_at = |key: &str, index: Option<usize>| {
        let v = root_value.get(key)?;
        match index {
            Some(i) => v.get_ref().get(i).map(|x| x.span()),
            None => Some(v.span()),
        }
    };
    let mut s = Scenario {
        name: stem.to_string(),
        ..Scenario::default()
    };
    fn one<T: DeserializeOwned>(
        text: &str,
        v: &toml::Value,
        field: String,
        span: Option<Range<usize>>,
        errs: &mut Vec<FileProblem>,
    ) -> Option<T> {
        match serde_path_to_error::deserialize::<_, T>(v.clone()) {
            Ok(t) => Some(t),
            Err(e) => {
                let inner = e.path().to_string();
                let full = if inner.is_empty() || inner == "." {
                    field
                } else {
                    format!("{field}.{inner}")
                };
                let span = span_of(text, &full).or(span);
                errs.push((span, Some(full), e.inner().message().trim().to_string()));
                None
            }
        }
    }
    fn list<T: DeserializeOwned>(
        text: &str,
        key: &str,
        v: &toml::Value,
        span_at: &SpanAt<'_>,
        errs: &mut Vec<FileProblem>,
    ) -> Vec<T> {
        let Some(items) = v.as_array() else {
            errs.push((
                span_at(key, None),
                Some(key.to_string()),
                format!("must be a list of tables ([[{key}]])"),
            ));
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                one(
                    text,
                    item,
                    format!("{key}[{i}]"),
                    span_at(key, Some(i)),
                    errs,
                )
            })
            .collect()
    }
    for (key, v) in &table {
        let span = span_at(key, None);
        match key.as_str() {
            "name" => {
                if let Some(n) = one::<String>(text, v, key.clone(), span, &mut errs) {
                    s.name = n;
                }
            }
            "description" => {
                if let Some(d) = one::<String>(text, v, key.clone(), span, &mut errs) {
                    s.description = d;
                }
            }
            "months" => s.months = one::<u32>(text, v, key.clone(), span, &mut errs),
            "weights" => {
                if let Some(w) = one::<WeightsFile>(text, v, key.clone(), span, &mut errs) {
                    let d = Weights::default();
                    s.weights = Some(Weights {
                        distance: w.distance.unwrap_or(d.distance),
                        unplaced: w.unplaced.unwrap_or(d.unplaced),
                    });
                }
            }
            "inflation" => {
                if let Some(m) =
                    one::<BTreeMap<CareKind, f64>>(text, v, key.clone(), span, &mut errs)
                {
                    s.inflation = m;
                }
            }
            "demand" => {
                s.demand = list::<DemandFile>(text, key, v, &span_at, &mut errs)
                    .into_iter()
                    .map(|d| DemandMultiplier {
                        age_band: d.age_band,
                        need: d.need,
                        authority: d.authority,
                        factor: d.factor,
                    })
                    .collect()
            }
            "recruit" => {
                let items = list::<RecruitFile>(text, key, v, &span_at, &mut errs);
                for (i, r) in items.into_iter().enumerate() {
                    let area = match (r.centre, r.radius_km) {
                        (Some(centre), Some(radius_km)) => Area::Circle { centre, radius_km },
                        (None, None) => Area::Authority(r.authority.clone()),
                        _ => {
                            errs.push((
                                span_at(key, Some(i)),
                                Some(format!("recruit[{i}].centre")),
                                "give both centre and radius_km (a circle), or neither (near the authority's households)".into(),
                            ));
                            continue;
                        }
                    };
                    s.recruit.push(Recruitment {
                        count: r.count,
                        provider: r.provider,
                        authority: r.authority,
                        area,
                        places: r.places,
                        min_age: r.min_age,
                        max_age: r.max_age,
                        skills: r.skills,
                        weekly_cost: r.weekly_cost,
                        month: r.month,
                    });
                }
            }
            "deregister" => {
                s.deregister = list::<DeregisterFile>(text, key, v, &span_at, &mut errs)
                    .into_iter()
                    .map(|d| Deregistration {
                        provider: d.provider,
                        share_per_year: d.share_per_year,
                        authority: d.authority,
                    })
                    .collect()
            }
            "withdraw" => {
                s.withdraw = list::<WithdrawFile>(text, key, v, &span_at, &mut errs)
                    .into_iter()
                    .map(|w| Withdrawal {
                        provider: w.provider,
                        places: w.places,
                        authority: w.authority,
                        month: w.month,
                    })
                    .collect()
            }
            "constellations" => {
                s.constellations = list::<ConstellationFile>(text, key, v, &span_at, &mut errs)
                    .into_iter()
                    .map(|c| NewConstellation {
                        id: c.id,
                        hub: c.hub,
                        satellites: c.satellites,
                        month: c.month,
                    })
                    .collect()
            }
            "homes_opened" => {
                s.homes_opened = list::<HomeFile>(text, key, v, &span_at, &mut errs)
                    .into_iter()
                    .map(|h| NewHome {
                        id: h.id,
                        authority: h.authority,
                        location: h.location,
                        beds: h.beds,
                        min_age: h.min_age,
                        max_age: h.max_age,
                        accepts: h.accepts,
                        weekly_cost: h.weekly_cost,
                        month: h.month,
                    })
                    .collect()
            }
            "homes_closed" => {
                s.homes_closed = list::<ClosureFile>(text, key, v, &span_at, &mut errs)
                    .into_iter()
                    .map(|c| HomeClosure {
                        id: c.id,
                        month: c.month,
                    })
                    .collect()
            }
            other => errs.push((
                span,
                Some(other.to_string()),
                format!(
                    "unknown key {other:?}; expected one of name, description, months, weights, \
                     inflation, demand, recruit, deregister, withdraw, constellations, \
                     homes_opened, homes_closed"
                ),
            )),
        }
    }
    if errs.is_empty() {
        Ok(s)
    } else {
        Err(errs)
    }
}

/// The optimiser's problems with the scenarios, each located in its file
/// (`index` is the scenario's position in `sources`).
pub fn locate(sources: &[ScenarioSource], problems: &[ScenarioProblem]) -> Vec<Problem> {
    problems
        .iter()
        .map(
            |p| match sources.get(p.index).filter(|_| !p.scenario.is_empty()) {
                Some(src) => src.problem(&p.field, &p.message),
                None => Problem::new("input", "", None, Some(p.field.clone()), p.message.clone()),
            },
        )
        .collect()
}
