//! Postcode district centroids (`data/geography/uk_postcode_district_centroids.csv`,
//! ONS National Statistics Postcode Directory, OGL v3): `HOME_POST` and
//! `PL_POST` to locations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use optimiser::dataset::raw::RawLocation;

use crate::error::{ApiError, Problem};

/// The file's name under the data folder.
pub const DISTRICTS_FILE: &str = "geography/uk_postcode_district_centroids.csv";

/// Postcode districts: centroid and the upper-tier authority most of its
/// postcodes lie in.
#[derive(Debug, Clone, Default)]
pub struct Districts {
    by_code: HashMap<String, (RawLocation, String)>,
}

/// The district of a postcode as written: its outward code (the part before
/// the space), upper case. `PO1 2AB` and `po1` are both `PO1`.
pub fn district_of(postcode: &str) -> String {
    postcode
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase()
}

impl Districts {
    /// Reads the centroid file.
    pub fn load(path: &Path) -> Result<Districts, ApiError> {
        let file = path.display().to_string();
        let mut reader = csv::Reader::from_path(path)
            .map_err(|e| ApiError::io(path, std::io::Error::other(e.to_string())))?;
        let headers = reader
            .headers()
            .map_err(|e| ApiError::io(path, std::io::Error::other(e.to_string())))?
            .clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == name)
        };
        let (Some(code), Some(lat), Some(lon), Some(utla)) =
            (col("outcode"), col("lat"), col("lon"), col("utla_mode"))
        else {
            return Err(ApiError::InvalidDataset(vec![Problem::new(
                file,
                "row 1",
                None,
                None,
                "needs the columns outcode, lat, lon and utla_mode",
            )]));
        };
        let mut by_code = HashMap::new();
        let mut problems = Vec::new();
        for (i, row) in reader.records().enumerate() {
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    problems.push(Problem::new(
                        file.clone(),
                        format!("row {}", i + 2),
                        None,
                        None,
                        e.to_string(),
                    ));
                    continue;
                }
            };
            let get = |c: usize| row.get(c).unwrap_or_default();
            match (get(lat).parse::<f64>(), get(lon).parse::<f64>()) {
                (Ok(la), Ok(lo))
                    if (-90.0..=90.0).contains(&la) && (-180.0..=180.0).contains(&lo) =>
                {
                    by_code.insert(
                        get(code).to_ascii_uppercase(),
                        (RawLocation { lat: la, lon: lo }, get(utla).to_string()),
                    );
                }
                _ => problems.push(Problem::new(
                    file.clone(),
                    format!("row {}", i + 2),
                    Some(get(code).to_string()),
                    Some("lat".into()),
                    "needs a latitude and longitude in degrees",
                )),
            }
        }
        if problems.is_empty() {
            Ok(Districts { by_code })
        } else {
            Err(ApiError::InvalidDataset(problems))
        }
    }

    /// The centroid of a district.
    pub fn centroid(&self, district: &str) -> Option<RawLocation> {
        self.by_code.get(district).map(|(l, _)| *l)
    }

    /// The districts most of whose postcodes lie in an upper-tier authority
    /// (GSS code), sorted.
    pub fn of_authority(&self, gss: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .by_code
            .iter()
            .filter(|(_, (_, u))| u == gss)
            .map(|(c, _)| c.clone())
            .collect();
        v.sort();
        v
    }
}

/// The data folder: `explicit`, else `data` in the working directory when it
/// holds `file`, else this repository's `data`.
pub fn data_dir(explicit: Option<&Path>, file: &str) -> PathBuf {
    if let Some(d) = explicit {
        return d.to_path_buf();
    }
    let local = PathBuf::from("data");
    if local.join(file).is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")
}
