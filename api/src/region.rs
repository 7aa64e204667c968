//! The generator's geography read from files: `authorities.csv`
//! (`id,name,lat,lon,spread_km,weight`) and, optionally, `schools.csv`
//! (`id,name,lat,lon,authority`) and `homes.csv` (`id,authority,beds`: real
//! children's homes by Ofsted URN) in one folder (the repository ships
//! `data/region/`).

use std::path::Path;

use optimiser::dataset::raw::{RawAuthority, RawLocation, RawSchool};
use optimiser::generator::{Region, RegionAuthority, RegionHome};
use serde::Deserialize;

use crate::error::{ApiError, Problem};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorityRow {
    id: String,
    name: String,
    lat: f64,
    lon: f64,
    spread_km: f64,
    weight: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchoolRow {
    id: String,
    name: String,
    lat: f64,
    lon: f64,
    authority: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HomeRow {
    id: String,
    authority: String,
    beds: u32,
}

fn read<T: for<'de> Deserialize<'de>>(
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Result<Vec<T>, ApiError> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| ApiError::io(path, std::io::Error::other(e.to_string())))?;
    let mut rows = Vec::new();
    for row in reader.deserialize::<T>() {
        match row {
            Ok(r) => rows.push(r),
            Err(e) => problems.push(Problem::new(
                file.clone(),
                e.position()
                    .map(|p| format!("line {}", p.line()))
                    .unwrap_or_default(),
                None,
                None,
                e.to_string(),
            )),
        }
    }
    Ok(rows)
}

/// Loads a region from `folder` (`authorities.csv`, optional `schools.csv`).
pub fn load_region(folder: &Path) -> Result<Region, ApiError> {
    let mut problems = Vec::new();
    let authorities: Vec<AuthorityRow> = read(&folder.join("authorities.csv"), &mut problems)?;
    let schools_path = folder.join("schools.csv");
    let schools: Vec<SchoolRow> = if schools_path.exists() {
        read(&schools_path, &mut problems)?
    } else {
        Vec::new()
    };
    let homes_path = folder.join("homes.csv");
    let homes: Vec<HomeRow> = if homes_path.exists() {
        read(&homes_path, &mut problems)?
    } else {
        Vec::new()
    };
    for (i, a) in authorities.iter().enumerate() {
        let bad = |x: f64, lo: f64, hi: f64| !(x.is_finite() && (lo..=hi).contains(&x));
        for (field, wrong) in [
            ("lat", bad(a.lat, -90.0, 90.0)),
            ("lon", bad(a.lon, -180.0, 180.0)),
            ("spread_km", bad(a.spread_km, 0.0, 1000.0)),
            ("weight", bad(a.weight, 0.0, f64::MAX)),
        ] {
            if wrong {
                problems.push(Problem::new(
                    "authorities.csv",
                    format!("line {}", i + 2),
                    Some(a.id.clone()),
                    Some(field.into()),
                    "value out of range",
                ));
            }
        }
    }
    if authorities.is_empty() {
        problems.push(Problem::new(
            "authorities.csv",
            "",
            None,
            None,
            "a region needs at least one authority",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::InvalidDataset(problems));
    }
    Ok(Region {
        authorities: authorities
            .into_iter()
            .map(|a| RegionAuthority {
                authority: RawAuthority {
                    id: a.id,
                    name: a.name,
                    location: RawLocation {
                        lat: a.lat,
                        lon: a.lon,
                    },
                },
                spread_km: a.spread_km,
                weight: a.weight,
            })
            .collect(),
        schools: schools
            .into_iter()
            .map(|s| {
                (
                    RawSchool {
                        id: s.id,
                        name: s.name,
                        location: RawLocation {
                            lat: s.lat,
                            lon: s.lon,
                        },
                    },
                    s.authority,
                )
            })
            .collect(),
        homes: homes
            .into_iter()
            .map(|h| RegionHome {
                id: h.id,
                authority: h.authority,
                beds: h.beds,
            })
            .collect(),
    })
}
