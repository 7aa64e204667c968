//! Loading a dataset: a `.json` file (the contract of
//! [`optimiser::dataset::RawDataset`]) or a folder of CSV files with the same
//! tables, and a commissioning question (JSON). Every problem is reported at
//! once, located in the user's file: CSV problems by file, line and column;
//! JSON problems by path (`carers[3].places`), syntax errors and bad bytes by
//! line and column. A file larger than [`MAX_INPUT_BYTES`] is refused before
//! it is read.

use std::path::Path;

use optimiser::commission::{Commission, RawCommission};
use optimiser::dataset::limits::*;
use optimiser::dataset::{Dataset, RawDataset, ValidationError};
use serde_json::{json, Map, Value};

use crate::csv_tables;
use crate::error::{ApiError, Problem};
use crate::json_doc::{self, Layout, Table};

/// The largest input file read (256 MiB): checked with the file's metadata
/// before reading it.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

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
                Problem::new(
                    file.clone(),
                    location,
                    e.record.clone(),
                    (!document).then(|| e.field.clone()),
                    e.message.clone(),
                )
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
                // CSV columns are flat: `location.lat` is the `lat` column.
                let field = e.field.strip_prefix("location.").unwrap_or(&e.field);
                Problem::new(
                    file,
                    location,
                    e.record.clone(),
                    Some(field.to_string()),
                    e.message.clone(),
                )
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
    let (raw, origin, problems) = read_raw(path)?;
    validate(raw, &origin, problems)
}

/// Validates a raw dataset read from `origin`, adding its problems to the
/// `problems` already found while parsing; every problem is reported at once.
pub fn validate(
    raw: RawDataset,
    origin: &Origin,
    mut problems: Vec<Problem>,
) -> Result<Dataset, ApiError> {
    let started = std::time::Instant::now();
    let parse_problems = problems.len();
    match Dataset::try_from(raw) {
        Ok(data) if problems.is_empty() => {
            tracing::info!(
                children = data.children().len(),
                places = data.places().len(),
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

/// Parses and validates a JSON dataset from text (an HTTP body), locating
/// problems in `file` exactly as for a file on disk. Returns the raw tables
/// too, for storing.
pub fn dataset_from_json(text: &str, file: &str) -> Result<(RawDataset, Dataset), ApiError> {
    let raw = parse_dataset(text, file)?;
    let data = validate(raw.clone(), &Origin::Json(file.to_string()), Vec::new())?;
    Ok((raw, data))
}

/// Parses and validates uploaded CSV tables (file name → bytes), locating
/// problems by file, line and column as for a folder on disk.
pub fn dataset_from_csv(
    files: &std::collections::HashMap<String, Vec<u8>>,
) -> Result<(RawDataset, Dataset), ApiError> {
    let (raw, lines, problems) = csv_tables::read_tables(&csv_tables::Tables::Uploaded(files))?;
    let data = validate(raw.clone(), &Origin::Csv(lines), problems)?;
    Ok((raw, data))
}

/// Parses and validates a commissioning question from text.
pub fn commission_from_json(text: &str, file: &str) -> Result<Commission, ApiError> {
    let raw = parse_commission(text, file)?;
    Commission::try_from(raw).map_err(|errors| {
        let origin = Origin::Json(file.to_string());
        ApiError::InvalidDataset(errors.iter().map(|e| origin.locate(e)).collect())
    })
}

/// Reads a JSON dataset (size-checked, UTF-8-checked) without validating it.
pub fn read_json(path: &Path) -> Result<RawDataset, ApiError> {
    let bytes = read_input(path)?;
    let file = file_name(path);
    parse_dataset(decode_utf8(&bytes, &file)?, &file)
}

/// Reads a whole input file, refusing one over [`MAX_INPUT_BYTES`] before
/// reading it.
pub fn read_input(path: &Path) -> Result<Vec<u8>, ApiError> {
    let meta = std::fs::metadata(path).map_err(|e| ApiError::io(path, e))?;
    if meta.len() > MAX_INPUT_BYTES {
        return Err(ApiError::InvalidDataset(vec![Problem::new(
            file_name(path),
            "",
            None,
            None,
            format!(
                "the file is {} bytes, more than the limit of {MAX_INPUT_BYTES} (256 MiB)",
                meta.len()
            ),
        )]));
    }
    std::fs::read(path).map_err(|e| ApiError::io(path, e))
}

/// `bytes` as UTF-8 text; the first bad byte is reported by line and column
/// (and byte offset).
pub fn decode_utf8<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, ApiError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let (line, column) = line_column(&bytes[..at]);
        ApiError::InvalidDataset(vec![Problem::new(
            file,
            format!("line {line} column {column}"),
            None,
            None,
            format!("the file is not valid UTF-8 (bad byte at offset {at})"),
        )])
    })
}

/// The 1-based line and column (in characters) just after `before`, which is
/// valid UTF-8 text.
fn line_column(before: &[u8]) -> (usize, usize) {
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |k| k + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

const LOCATED: &[&str] = &["location"];

/// The dataset contract's JSON layout.
const DATASET: Layout = Layout {
    tables: &[
        Table {
            key: "authorities",
            records: true,
            object_fields: LOCATED,
            max: MAX_AUTHORITIES,
        },
        Table {
            key: "schools",
            records: true,
            object_fields: LOCATED,
            max: MAX_SCHOOLS,
        },
        Table {
            key: "carers",
            records: true,
            object_fields: LOCATED,
            max: MAX_CARERS,
        },
        Table {
            key: "homes",
            records: true,
            object_fields: LOCATED,
            max: MAX_HOMES,
        },
        Table {
            key: "children",
            records: true,
            object_fields: &[],
            max: MAX_CHILDREN,
        },
        Table {
            key: "sibling_groups",
            records: true,
            object_fields: &[],
            max: MAX_SIBLING_GROUPS,
        },
        Table {
            key: "incompatible",
            records: false,
            object_fields: &[],
            max: MAX_INCOMPATIBLE,
        },
    ],
    object_fields: &["practice_weights"],
    base: dataset_base,
};

fn dataset_base() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("version".into(), json!(1));
    m.insert("authorities".into(), json!([]));
    m
}

/// The commissioning contract's JSON layout.
const COMMISSION: Layout = Layout {
    tables: &[
        Table {
            key: "authorities",
            records: true,
            object_fields: LOCATED,
            max: MAX_AUTHORITIES,
        },
        Table {
            key: "schools",
            records: true,
            object_fields: LOCATED,
            max: MAX_SCHOOLS,
        },
        Table {
            key: "partners",
            records: false,
            object_fields: &[],
            max: MAX_AUTHORITIES,
        },
        Table {
            key: "children",
            records: true,
            object_fields: &[],
            max: MAX_COMMISSION_CHILDREN,
        },
        Table {
            key: "options",
            records: true,
            object_fields: &["location", "mix_limits"],
            max: MAX_OPTIONS,
        },
    ],
    object_fields: &["weights"],
    base: commission_base,
};

fn commission_base() -> Map<String, Value> {
    let mut m = dataset_base();
    m.insert("partners".into(), json!([]));
    m
}

/// Parses a dataset document from text, `file` naming it in problems (a
/// file name, or the name an HTTP body is given). Every syntax, shape and
/// type problem is reported at once; the result is not yet validated.
pub fn parse_dataset(text: &str, file: &str) -> Result<RawDataset, ApiError> {
    json_doc::parse(text, file, &DATASET)
}

/// Parses a commissioning question from text, like [`parse_dataset`].
pub fn parse_commission(text: &str, file: &str) -> Result<RawCommission, ApiError> {
    json_doc::parse(text, file, &COMMISSION)
}

/// Reads and validates a joint commissioning question (JSON), reporting
/// every problem at once against the file.
pub fn load_commission(path: &Path) -> Result<Commission, ApiError> {
    let bytes = read_input(path)?;
    let file = file_name(path);
    commission_from_json(decode_utf8(&bytes, &file)?, &file)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters() {
        assert_eq!(line_column(b""), (1, 1));
        assert_eq!(line_column("ab\né".as_bytes()), (2, 2));
        assert_eq!(line_column(b"a\r\n\r\nxyz"), (3, 4));
    }
}
