//! The demand of a sufficiency projection: each authority's rates and its
//! children looked after at the reference date, from SSDA903 extracts or
//! from the DfE statistics.

use std::path::{Path, PathBuf};

use optimiser::dataset::raw::RawDataset;
use optimiser::sufficiency::project::AuthorityDemand;
use optimiser::sufficiency::{cohort_at, estimate, synthesise_cohort, weekly_cost, Rates, Window};

use super::{
    authority_of_folder, centroid_of, load_dfe, load_extract, Districts, DEFAULT_WINDOW_MONTHS,
    DISTRICTS_FILE,
};
use crate::error::ApiError;

fn is_extract(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(|e| e.ok()).any(|e| {
            let name = e.file_name().to_string_lossy().to_lowercase();
            name.ends_with(".csv") && name.contains("header")
        })
    })
}

/// The extract folders under `dir`: `dir` itself when it holds an extract
/// (named by its authority's GSS code), else each subfolder named by a GSS
/// code, in name order.
pub fn extract_folders(dir: &Path) -> Result<Vec<(String, PathBuf)>, ApiError> {
    if is_extract(dir) {
        let gss = authority_of_folder(dir).ok_or_else(|| {
            ApiError::InvalidArgument(format!(
                "--ssda903 {}: name the extract's folder by its authority's GSS code (e.g. E06000044)",
                dir.display()
            ))
        })?;
        return Ok(vec![(gss, dir.to_path_buf())]);
    }
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| ApiError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && is_extract(p))
        .filter_map(|p| authority_of_folder(&p).map(|g| (g, p)))
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(ApiError::InvalidArgument(format!(
            "--ssda903 {}: no extract (a folder with *header*.csv and *episodes*.csv, named by GSS code) found",
            dir.display()
        )));
    }
    Ok(out)
}

/// Demand from the extracts under `dir`: rates over the 36 months to each
/// extract's reference date, and its cohort at that date (children's homes
/// matched to the stock's homes by URN).
pub fn demand_from_ssda903(
    dir: &Path,
    data: &Path,
    stock: &RawDataset,
) -> Result<Vec<AuthorityDemand>, ApiError> {
    let districts = Districts::load(&data.join(DISTRICTS_FILE))?;
    let homes: std::collections::HashSet<&str> =
        stock.homes.iter().map(|h| h.id.as_str()).collect();
    let mut out = Vec::new();
    for (gss, folder) in extract_folders(dir)? {
        let x = load_extract(&folder, &districts, None)?;
        let start = x
            .origin
            .minus_calendar_months(DEFAULT_WINDOW_MONTHS)
            .max(x.first_date);
        let window = Window {
            start: start.months_since(x.origin),
            end: 0.0,
        };
        let rates = estimate(&x.histories, window);
        let cohort = cohort_at(
            &x.histories,
            0.0,
            &gss,
            &|u| homes.contains(u),
            &weekly_cost,
        );
        out.push(AuthorityDemand {
            authority: gss,
            rates,
            cohort,
        });
    }
    Ok(out)
}

/// Demand from the DfE statistics for each authority: aggregate rates over
/// the latest three published years and a synthetic cohort drawn from its
/// make-up (seeded by `seed`).
pub fn demand_from_dfe(
    data: &Path,
    authorities: &[String],
    seed: u64,
) -> Result<Vec<AuthorityDemand>, ApiError> {
    let districts = Districts::load(&data.join(DISTRICTS_FILE))?;
    let mut out = Vec::new();
    for gss in authorities {
        let a = load_dfe(data, gss, centroid_of(&districts, gss))?;
        let last = a.years.last().map_or(0, |y| y.year);
        let rates: Rates = Rates::from_dfe(&a, last - 2, last).ok_or_else(|| {
            ApiError::InvalidArgument(format!("{gss}: no published year in the DfE statistics"))
        })?;
        let cohort = synthesise_cohort(&a, &rates, seed);
        out.push(AuthorityDemand {
            authority: gss.clone(),
            rates,
            cohort,
        });
    }
    Ok(out)
}
