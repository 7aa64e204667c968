//! Loading a dataset: a `.json` file (the contract of
//! [`optimiser::dataset::RawDataset`]) or a folder of CSV files with the same
//! tables. Every problem is reported at once, located in the user's file:
//! CSV problems by file, line and column; JSON problems by path
//! (`carers[3].places`).

use std::path::Path;

use optimiser::commission::{Commission, RawCommission};
use optimiser::dataset::{Dataset, RawDataset, ValidationError};

use crate::csv_tables;
use crate::error::{ApiError, Problem};

/// Where each record of a loaded [`RawDataset`] came from, so that the
/// optimiser's validation errors can be reported against the user's file.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A JSON file (its file name).
    Json(String),
    /// A folder of CSV files: for each table, the line each record starts on.
    Csv(csv_tables::Lines),
}

impl Origin {
    /// Maps one validation error to a problem in the user's file.
    pub fn locate(&self, e: &ValidationError) -> Problem {
        match self {
            Origin::Json(file) => {
                let document = matches!(e.table, "dataset" | "commission");
                let location = match (e.table, e.index) {
                    _ if document => e.field.clone(),
                    (t, Some(i)) => format!("{t}[{i}]"),
                    (t, None) => t.to_string(),
                };
                Problem {
                    file: file.clone(),
                    location,
                    record: e.record.clone(),
                    field: (!document).then(|| e.field.clone()),
                    message: e.message.clone(),
                }
            }
            Origin::Csv(lines) => {
                let file = if e.table == "dataset" {
                    "dataset".to_string()
                } else {
                    format!("{}.csv", e.table)
                };
                let location = e
                    .index
                    .map(|i| match lines.line(e.table, i) {
                        Some(l) => format!("line {l}"),
                        None => format!("record {}", i + 1),
                    })
                    .unwrap_or_default();
                Problem {
                    file,
                    location,
                    record: e.record.clone(),
                    // CSV columns are flat: `location.lat` is the `lat` column.
                    field: Some(
                        e.field
                            .strip_prefix("location.")
                            .unwrap_or(&e.field)
                            .to_string(),
                    ),
                    message: e.message.clone(),
                }
            }
        }
    }
}

/// Reads the raw tables from `path` (a `.json` file or a CSV folder) without
/// validating them. Returns the raw dataset, where its records came from, and
/// the parse problems already found (CSV parsing goes on past bad rows).
pub fn read_raw(path: &Path) -> Result<(RawDataset, Origin, Vec<Problem>), ApiError> {
    if path.is_dir() {
        let (raw, lines, problems) = csv_tables::read_folder(path)?;
        Ok((raw, Origin::Csv(lines), problems))
    } else {
        let raw = read_json(path)?;
        Ok((raw, Origin::Json(file_name(path)), Vec::new()))
    }
}

/// Reads and validates a dataset, reporting every problem at once.
pub fn load_dataset(path: &Path) -> Result<Dataset, ApiError> {
    let started = std::time::Instant::now();
    let (raw, origin, mut problems) = read_raw(path)?;
    let parse_problems = problems.len();
    let result = Dataset::try_from(raw);
    match result {
        Ok(data) if problems.is_empty() => {
            tracing::info!(
                children = data.children.len(),
                places = data.places.len(),
                ms = started.elapsed().as_secs_f64() * 1000.0,
                "dataset loaded"
            );
            Ok(data)
        }
        Ok(_) => Err(ApiError::InvalidDataset(problems)),
        Err(errors) => {
            for e in &errors {
                let p = origin.locate(e);
                // A cell that did not parse was read as a placeholder: do not
                // report the placeholder a second time.
                let duplicate = problems[..parse_problems]
                    .iter()
                    .any(|q| q.file == p.file && q.location == p.location && q.field == p.field);
                if !duplicate {
                    problems.push(p);
                }
            }
            tracing::info!(problems = problems.len(), "dataset invalid");
            Err(ApiError::InvalidDataset(problems))
        }
    }
}

/// Reads a JSON dataset; a syntax or type error is reported with its path
/// (`carers[3].places`) and line.
pub fn read_json(path: &Path) -> Result<RawDataset, ApiError> {
    let text = std::fs::read_to_string(path).map_err(|e| ApiError::io(path, e))?;
    parse_json(&text, &file_name(path))
}

/// Parses a JSON document (a dataset, a commissioning question, …) from
/// text; `file` names it in problems.
pub fn parse_json<T: serde::de::DeserializeOwned>(text: &str, file: &str) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let problem = |path: String, inner: serde_json::Error| {
        let (line, column) = (inner.line(), inner.column());
        let location = if path == "." || path.is_empty() {
            format!("line {line} column {column}")
        } else {
            format!("{path} (line {line} column {column})")
        };
        // serde_json appends " at line L column C": it is already in `location`.
        let message = inner.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map(|(m, _)| m.to_string())
            .unwrap_or(message);
        ApiError::InvalidDataset(vec![Problem {
            file: file.to_string(),
            location,
            record: None,
            field: None,
            message,
        }])
    };
    let raw = parsed.map_err(|e| {
        let path = e.path().to_string();
        problem(path, e.into_inner())
    })?;
    // Trailing characters after the document are an error too.
    de.end().map_err(|e| problem(String::new(), e))?;
    Ok(raw)
}

/// Reads and validates a joint commissioning question (JSON), reporting
/// every problem at once against the file.
pub fn load_commission(path: &Path) -> Result<Commission, ApiError> {
    let text = std::fs::read_to_string(path).map_err(|e| ApiError::io(path, e))?;
    let file = file_name(path);
    let raw: RawCommission = parse_json(&text, &file)?;
    Commission::try_from(raw).map_err(|errors| {
        let origin = Origin::Json(file);
        ApiError::InvalidDataset(errors.iter().map(|e| origin.locate(e)).collect())
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
