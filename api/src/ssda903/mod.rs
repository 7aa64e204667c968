//! The demand side's inputs: SSDA903 extracts (read and, for synthetic
//! data, written), the postcode district centroids they are located by, and
//! the DfE published statistics, turned into
//! [`optimiser::sufficiency::Rates`] (see [docs/sufficiency.md]).
//!
//! An extract is a folder with one `.csv` file named like `*header*`
//! (`CHILD, SEX, DOB, …`) and one like `*episodes*` (`CHILD, DECOM, RNE, LS,
//! CIN, PLACE, PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE, HOME_POST,
//! PL_POST, URN`). Dates of birth become whole months of age at load and are
//! never kept, logged or echoed.

pub mod date;
pub mod demand;
pub mod dfe;
pub mod postcodes;
pub mod read;
pub mod write;

use std::path::{Path, PathBuf};

use optimiser::sufficiency::{estimate, Rates, SynthParams, TrueRates, Window};
use serde::Serialize;

pub use date::Date;
pub use dfe::load_dfe;
pub use postcodes::{data_dir, Districts, DISTRICTS_FILE};
pub use read::{load_extract, Extract};
pub use write::write_extract;

use crate::error::{ApiError, Problem};

/// Default window length when none is given: three years.
pub const DEFAULT_WINDOW_MONTHS: i64 = 36;

/// The Episodes columns the reader requires, in export order.
pub const EPISODES_REQUIRED: [&str; 9] = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
];

/// The Episodes columns the reader uses when present, after the required ones.
pub const EPISODES_OPTIONAL: [&str; 4] = ["REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"];

/// What an extract held.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractSummary {
    /// Header rows.
    pub header_rows: usize,
    /// Episode rows.
    pub episode_rows: usize,
    /// Earliest `DECOM` (ISO).
    pub first_date: String,
    /// Latest `DECOM` or `DEC` (ISO).
    pub last_date: String,
}

/// The output of `placement rates`.
#[derive(Debug, Clone, Serialize)]
pub struct RatesReport {
    /// The extract's folder, or the DfE table the figures came from.
    pub input: String,
    /// The authority (GSS code), when known.
    pub authority: Option<String>,
    /// Its name, when known.
    pub authority_name: Option<String>,
    /// Window start (ISO date).
    pub window_start: String,
    /// Window end (ISO date): the timeline's origin.
    pub window_end: String,
    /// The extract's size, when rates come from one.
    pub extract: Option<ExtractSummary>,
    /// The rates, with events and exposure.
    pub rates: Rates,
}

/// The GSS code a folder is named after (`…/E06000044`), if it is one.
pub fn authority_of_folder(dir: &Path) -> Option<String> {
    let name = dir.file_name()?.to_string_lossy().into_owned();
    let gss =
        name.len() == 9 && name.starts_with('E') && name[1..].bytes().all(|b| b.is_ascii_digit());
    gss.then_some(name)
}

/// Rates estimated from the extract in `dir` over `[start, end]` (default:
/// the 36 months to the extract's latest date, from its first at most).
pub fn rates_from_extract(
    dir: &Path,
    data: &Path,
    start: Option<Date>,
    end: Option<Date>,
) -> Result<RatesReport, ApiError> {
    let districts = Districts::load(&data.join(DISTRICTS_FILE))?;
    let x = load_extract(dir, &districts, end)?;
    let start = start.unwrap_or_else(|| {
        x.origin
            .minus_calendar_months(DEFAULT_WINDOW_MONTHS)
            .max(x.first_date)
    });
    check_window(start, x.origin)?;
    let window = Window {
        start: start.months_since(x.origin),
        end: 0.0,
    };
    let timer = std::time::Instant::now();
    let rates = estimate(&x.histories, window);
    tracing::info!(
        children = x.histories.len(),
        ms = timer.elapsed().as_millis() as u64,
        "estimated rates"
    );
    Ok(RatesReport {
        input: dir.display().to_string(),
        authority: authority_of_folder(dir),
        authority_name: None,
        window_start: start.iso(),
        window_end: x.origin.iso(),
        extract: Some(ExtractSummary {
            header_rows: x.header_rows,
            episode_rows: x.episode_rows,
            first_date: x.first_date.iso(),
            last_date: x.last_date.iso(),
        }),
        rates,
    })
}

fn check_window(start: Date, end: Date) -> Result<(), ApiError> {
    if start >= end {
        return Err(ApiError::InvalidArgument(format!(
            "--window-start must be before --window-end, got {} and {}",
            start.iso(),
            end.iso()
        )));
    }
    Ok(())
}

/// Aggregate rates for authority `gss` from the DfE statistics in `data`, over
/// the years whose 31 March falls in `(start, end]` (default: the latest
/// three published).
pub fn rates_from_dfe(
    data: &Path,
    gss: &str,
    start: Option<Date>,
    end: Option<Date>,
) -> Result<RatesReport, ApiError> {
    let districts = Districts::load(&data.join(DISTRICTS_FILE))?;
    let a = load_dfe(data, gss, centroid_of(&districts, gss))?;
    let latest = a.years.last().map_or(0, |y| y.year);
    let last = end.map_or(latest, |d| {
        if (d.month, d.day) >= (3, 31) {
            d.year
        } else {
            d.year - 1
        }
    });
    let first = start.map_or(last - 2, |d| {
        if (d.month, d.day) >= (3, 31) {
            d.year + 1
        } else {
            d.year
        }
    });
    if let (Some(s), Some(e)) = (start, end) {
        check_window(s, e)?;
    }
    let rates = Rates::from_dfe(&a, first, last).ok_or_else(|| {
        let published: Vec<String> = a.years.iter().map(|y| y.year.to_string()).collect();
        ApiError::InvalidArgument(format!(
            "the window holds no year ending 31 March {first}–{last} with published figures (published: {})",
            published.join(", ")
        ))
    })?;
    let years_in = a
        .years
        .iter()
        .filter(|y| (first..=last).contains(&y.year))
        .count() as i64;
    let end_date = Date::new(last, 3, 31)
        .ok_or_else(|| ApiError::InvalidArgument(format!("no 31 March {last}")))?;
    Ok(RatesReport {
        input: dfe::NUMBERS_FILE.to_string(),
        authority: Some(a.gss.clone()),
        authority_name: Some(a.name.clone()),
        window_start: end_date.minus_calendar_months(12 * years_in).iso(),
        window_end: end_date.iso(),
        extract: None,
        rates,
    })
}

/// The mean of the centroids of an authority's postcode districts.
pub fn centroid_of(
    districts: &Districts,
    gss: &str,
) -> Option<optimiser::dataset::raw::RawLocation> {
    let codes = districts.of_authority(gss);
    let points: Vec<_> = codes.iter().filter_map(|c| districts.centroid(c)).collect();
    (!points.is_empty()).then(|| {
        let n = points.len() as f64;
        optimiser::dataset::raw::RawLocation {
            lat: points.iter().map(|p| p.lat).sum::<f64>() / n,
            lon: points.iter().map(|p| p.lon).sum::<f64>() / n,
        }
    })
}

/// The generator's parameters for a synthetic extract of authority `gss`:
/// 21 years simulated, the children in care in the last three kept,
/// [`TrueRates::typical`] at `starts_per_year` (default: the authority's
/// latest published starts), home postcodes in its districts, placements in
/// its districts four times in five and otherwise anywhere in `region`'s
/// authorities, children's homes' URNs from `data/region/homes.csv`.
pub fn synth_params(
    data: &Path,
    gss: &str,
    region: &[String],
    starts_per_year: Option<f64>,
) -> Result<SynthParams, ApiError> {
    let districts = Districts::load(&data.join(DISTRICTS_FILE))?;
    let home_districts = districts.of_authority(gss);
    if home_districts.is_empty() {
        return Err(ApiError::InvalidArgument(format!(
            "--authority {gss:?} has no postcode districts in {DISTRICTS_FILE}"
        )));
    }
    let starts = match starts_per_year {
        Some(s) => s,
        None => load_dfe(data, gss, None)?
            .years
            .last()
            .map_or(0.0, |y| y.starts),
    };
    if !(starts > 0.0 && starts <= 100_000.0) {
        return Err(ApiError::InvalidArgument(format!(
            "--starts-per-year must be > 0 and ≤ 100000, got {starts}"
        )));
    }
    let others: Vec<String> = region
        .iter()
        .filter(|g| *g != gss)
        .flat_map(|g| districts.of_authority(g))
        .collect();
    // Own districts four times in five.
    let copies = if others.is_empty() {
        1
    } else {
        (4 * others.len()).div_ceil(home_districts.len())
    };
    let mut placement_districts: Vec<String> = (0..copies)
        .flat_map(|_| home_districts.iter().cloned())
        .collect();
    placement_districts.extend(others);
    Ok(SynthParams {
        id_prefix: format!("{}-", gss),
        months: 252.0,
        extract_months: 36.0,
        truth: TrueRates::typical(starts),
        home_districts,
        placement_districts,
        home_urns: region_homes(data, gss)?,
    })
}

/// Ofsted URNs of `gss`'s children's homes in `data/region/homes.csv` (none
/// when the file is absent).
fn region_homes(data: &Path, gss: &str) -> Result<Vec<String>, ApiError> {
    let path: PathBuf = data.join("region/homes.csv");
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let io = |e: csv::Error| ApiError::io(&path, std::io::Error::other(e.to_string()));
    let mut reader = csv::Reader::from_path(&path).map_err(io)?;
    let mut urns = Vec::new();
    for (i, r) in reader.records().enumerate() {
        let r = r.map_err(io)?;
        match (r.get(0), r.get(1)) {
            (Some(id), Some(a)) if a == gss => urns.push(id.to_string()),
            (Some(_), Some(_)) => {}
            _ => {
                return Err(ApiError::InvalidDataset(vec![Problem::new(
                    "homes.csv",
                    format!("row {}", i + 2),
                    None,
                    None,
                    "needs id and authority",
                )]))
            }
        }
    }
    Ok(urns)
}
