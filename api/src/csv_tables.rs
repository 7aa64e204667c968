//! The dataset as a folder of CSV files, one per table.
//!
//! | file | columns (`?` = optional column) |
//! |---|---|
//! | `authorities.csv` | `id,name,lat,lon` |
//! | `schools.csv` (optional file) | `id,name,lat,lon` |
//! | `carers.csv` | `id,authority,provider,lat,lon,places,occupied,min_age,max_age,skills?,weekly_cost,constellation?,hub?,connected_children?,sex_preference?` |
//! | `homes.csv` (optional file) | `id,authority,lat,lon,beds,occupied,min_age,max_age,accepts?,weekly_cost,sex?,residents?,mix_limits?,max_age_gap?` |
//! | `children.csv` | `id,authority,age,school?,needs?,sibling_group?,placement?,max_distance_km?,sex?,risks?` |
//! | `sibling_groups.csv` (optional file) | `id,keep_together,strict?` |
//! | `incompatible.csv` (optional file, v1.1) | `tag_a,tag_b` |
//! | `practice_weights.csv` (optional file, v1.1, at most one row) | `w_split?,w_split_constellation?,w_outside_authority?` |
//!
//! List cells (`skills`, `accepts`, `connected_children`, `needs`, `risks`)
//! separate items with `;`. A home's `residents` cell lists residents
//! separated by `;`, each its age and then, after `:`, its risks separated
//! by `|` (`15:cse_risk|self_harm;12`); `mix_limits` is `tag:max` items
//! separated by `;` (`cse_risk:1;exploiter:1`). An empty cell is null, an empty list, `false` (hub) or
//! `any` (placement); an empty cell in a required column is an error.
//! Unknown columns are rejected. Parsing does not stop at the first bad cell:
//! every problem is reported with its file, line and column.

use std::collections::HashMap;
use std::path::Path;

use optimiser::dataset::limits::table_limit;
use optimiser::dataset::raw::*;
use optimiser::dataset::{echo, KeepTogether, PlacementKind, Provider, RawDataset};

use crate::error::{ApiError, Problem};

/// A table's file name, required and optional columns.
struct Table {
    name: &'static str,
    required_file: bool,
    required: &'static [&'static str],
    optional: &'static [&'static str],
}

const AUTHORITIES: Table = Table {
    name: "authorities",
    required_file: true,
    required: &["id", "name", "lat", "lon"],
    optional: &[],
};
const SCHOOLS: Table = Table {
    name: "schools",
    required_file: false,
    required: &["id", "name", "lat", "lon"],
    optional: &[],
};
const CARERS: Table = Table {
    name: "carers",
    required_file: true,
    required: &[
        "id",
        "authority",
        "provider",
        "lat",
        "lon",
        "places",
        "occupied",
        "min_age",
        "max_age",
        "weekly_cost",
    ],
    optional: &[
        "skills",
        "constellation",
        "hub",
        "connected_children",
        "sex_preference",
    ],
};
const HOMES: Table = Table {
    name: "homes",
    required_file: false,
    required: &[
        "id",
        "authority",
        "lat",
        "lon",
        "beds",
        "occupied",
        "min_age",
        "max_age",
        "weekly_cost",
    ],
    optional: &["accepts", "sex", "residents", "mix_limits", "max_age_gap"],
};
const CHILDREN: Table = Table {
    name: "children",
    required_file: true,
    required: &["id", "authority", "age"],
    optional: &[
        "school",
        "needs",
        "sibling_group",
        "placement",
        "max_distance_km",
        "sex",
        "risks",
    ],
};
const SIBLING_GROUPS: Table = Table {
    name: "sibling_groups",
    required_file: false,
    required: &["id", "keep_together"],
    optional: &["strict"],
};
const INCOMPATIBLE: Table = Table {
    name: "incompatible",
    required_file: false,
    required: &["tag_a", "tag_b"],
    optional: &[],
};
const PRACTICE_WEIGHTS: Table = Table {
    name: "practice_weights",
    required_file: false,
    required: &[],
    optional: &["w_split", "w_split_constellation", "w_outside_authority"],
};
/// The column order of `homes.csv` written by [`write_folder`].
const HOME_COLUMNS: &[&str] = &[
    "id",
    "authority",
    "lat",
    "lon",
    "beds",
    "occupied",
    "min_age",
    "max_age",
    "accepts",
    "weekly_cost",
    "sex",
    "residents",
    "mix_limits",
    "max_age_gap",
];
/// The column order of `children.csv` written by [`write_folder`].
const CHILD_COLUMNS: &[&str] = &[
    "id",
    "authority",
    "age",
    "school",
    "needs",
    "sibling_group",
    "placement",
    "max_distance_km",
    "sex",
    "risks",
];

/// The column order written by [`write_folder`] (and documented in `docs/dataset.md`).
pub const CARER_COLUMNS: &[&str] = &[
    "id",
    "authority",
    "provider",
    "lat",
    "lon",
    "places",
    "occupied",
    "min_age",
    "max_age",
    "skills",
    "weekly_cost",
    "constellation",
    "hub",
    "connected_children",
    "sex_preference",
];

/// For each table, the line on which each record starts (1-based; the header is line 1).
#[derive(Debug, Clone, Default)]
pub struct Lines(HashMap<&'static str, Vec<u64>>);

impl Lines {
    /// The line of record `index` of `table`.
    pub fn line(&self, table: &str, index: usize) -> Option<u64> {
        self.0.get(table).and_then(|v| v.get(index)).copied()
    }
}

/// One row being parsed: records a problem for every bad cell and returns a
/// placeholder, so that parsing continues.
struct Row<'a> {
    file: &'a str,
    line: u64,
    columns: &'a HashMap<String, usize>,
    record: &'a csv::StringRecord,
    problems: &'a mut Vec<Problem>,
}

impl Row<'_> {
    fn cell(&self, field: &str) -> &str {
        self.columns
            .get(field)
            .and_then(|&k| self.record.get(k))
            .map(str::trim)
            .unwrap_or("")
    }

    fn problem(&mut self, field: &str, message: String) {
        let id = self.cell("id");
        self.problems.push(Problem::new(
            self.file,
            format!("line {}", self.line),
            (!id.is_empty()).then(|| id.to_string()),
            Some(field.to_string()),
            message,
        ));
    }

    fn string(&mut self, field: &str) -> String {
        let v = self.cell(field).to_string();
        if v.is_empty() {
            self.problem(field, "a value is required".into());
        }
        v
    }

    fn opt_string(&self, field: &str) -> Option<String> {
        let v = self.cell(field);
        (!v.is_empty()).then(|| v.to_string())
    }

    fn list(&self, field: &str) -> Vec<String> {
        self.cell(field)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn u32(&mut self, field: &str) -> u32 {
        let v = self.cell(field).to_string();
        if v.is_empty() {
            self.problem(field, "a value is required".into());
            return 0;
        }
        match v.parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                self.problem(field, format!("{:?} is not a whole number ≥ 0", echo(&v)));
                0
            }
        }
    }

    fn f64(&mut self, field: &str) -> f64 {
        let v = self.cell(field).to_string();
        if v.is_empty() {
            self.problem(field, "a value is required".into());
            return 0.0;
        }
        self.parse_f64(field, &v)
    }

    fn opt_f64(&mut self, field: &str) -> Option<f64> {
        let v = self.cell(field).to_string();
        (!v.is_empty()).then(|| self.parse_f64(field, &v))
    }

    fn parse_f64(&mut self, field: &str, v: &str) -> f64 {
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => {
                self.problem(field, format!("{:?} is not a finite number", echo(v)));
                0.0
            }
        }
    }

    fn bool(&mut self, field: &str) -> bool {
        let v = self.cell(field).to_ascii_lowercase();
        match v.as_str() {
            "" | "false" | "no" | "0" => false,
            "true" | "yes" | "1" => true,
            _ => {
                self.problem(field, format!("{:?} is not true or false", echo(&v)));
                false
            }
        }
    }

    fn opt_bool(&mut self, field: &str) -> Option<bool> {
        (!self.cell(field).is_empty()).then(|| self.bool(field))
    }

    fn opt_u32(&mut self, field: &str) -> Option<u32> {
        (!self.cell(field).is_empty()).then(|| self.u32(field))
    }

    /// `15:cse_risk|self_harm;12`: residents' ages and risks.
    fn residents(&mut self, field: &str) -> Vec<RawResident> {
        let mut out = Vec::new();
        for item in self.list(field) {
            let (age, risks) = item.split_once(':').unwrap_or((item.as_str(), ""));
            match age.trim().parse::<u32>() {
                Ok(age) => out.push(RawResident {
                    age,
                    risks: split_tags(risks, '|'),
                }),
                Err(_) => self.problem(
                    field,
                    format!("{:?} is not `age` or `age:risk|risk`", echo(&item)),
                ),
            }
        }
        out
    }

    /// `cse_risk:1;exploiter:1`: mix limits.
    fn mix_limits(&mut self, field: &str) -> Vec<RawMixLimit> {
        let mut out = Vec::new();
        for item in self.list(field) {
            let parsed = item
                .split_once(':')
                .and_then(|(t, m)| Some((t.trim(), m.trim().parse::<u32>().ok()?)));
            match parsed {
                Some((tag, max)) if !tag.is_empty() => out.push(RawMixLimit {
                    tag: tag.to_string(),
                    max,
                }),
                _ => self.problem(field, format!("{:?} is not `tag:max`", echo(&item))),
            }
        }
        out
    }

    fn location(&mut self) -> RawLocation {
        RawLocation {
            lat: self.f64("lat"),
            lon: self.f64("lon"),
        }
    }

    fn choice<T: Copy + Default>(
        &mut self,
        field: &str,
        options: &[(&str, T)],
        default: Option<T>,
    ) -> T {
        let v = self.cell(field).to_string();
        if v.is_empty() {
            if let Some(d) = default {
                return d;
            }
            self.problem(field, "a value is required".into());
            return T::default();
        }
        match options.iter().find(|(name, _)| *name == v) {
            Some((_, t)) => *t,
            None => {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                self.problem(
                    field,
                    format!("{:?} is not one of {}", echo(&v), names.join(", ")),
                );
                T::default()
            }
        }
    }
}

/// The non-empty items of `cell` separated by `sep`.
fn split_tags(cell: &str, sep: char) -> Vec<String> {
    cell.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `Option<T>` through [`Row::choice`] (empty cell: `None`).
#[derive(Clone, Copy)]
struct OptCell<T>(Option<T>);
impl<T> Default for OptCell<T> {
    fn default() -> Self {
        OptCell(None)
    }
}

const SEX_GROUPS: [(&str, OptCell<SexGroup>); 3] = [
    ("boys", OptCell(Some(SexGroup::Boys))),
    ("girls", OptCell(Some(SexGroup::Girls))),
    ("mixed", OptCell(Some(SexGroup::Mixed))),
];

/// A wrapper so that [`Provider`] (which has no `Default`) can go through [`Row::choice`].
#[derive(Clone, Copy)]
struct ProviderCell(Provider);
impl Default for ProviderCell {
    fn default() -> Self {
        ProviderCell(Provider::InHouse)
    }
}

/// Where the CSV tables come from: a folder on disk, or files uploaded in
/// one request (the HTTP API's multipart upload), read the same way.
pub enum Tables<'a> {
    /// A folder holding `authorities.csv`, `carers.csv`, ….
    Folder(&'a Path),
    /// Uploaded files by name (`carers.csv` → its bytes).
    Uploaded(&'a HashMap<String, Vec<u8>>),
}

impl Tables<'_> {
    /// The bytes of `file`, or `None` when it is absent. Files on disk are
    /// size-checked before they are read.
    fn read(&self, file: &str) -> Result<Option<Vec<u8>>, ApiError> {
        match self {
            Tables::Folder(folder) => {
                let path = folder.join(file);
                if path.exists() {
                    crate::load::read_input(&path).map(Some)
                } else {
                    Ok(None)
                }
            }
            Tables::Uploaded(files) => Ok(files.get(file).cloned()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Tables::Folder(folder) => folder.display().to_string(),
            Tables::Uploaded(_) => "the upload".to_string(),
        }
    }
}

/// Reads one table's rows, calling `parse` on each; returns the records and their lines.
fn read_table<T>(
    source: &Tables<'_>,
    table: &Table,
    problems: &mut Vec<Problem>,
    mut parse: impl FnMut(&mut Row) -> T,
) -> Result<(Vec<T>, Vec<u64>), ApiError> {
    let file = format!("{}.csv", table.name);
    // Size-checked before reading; the bytes also give each record's line.
    let bytes = match source.read(&file) {
        Ok(Some(b)) => b,
        Ok(None) => {
            if table.required_file {
                problems.push(Problem::new(
                    file,
                    "",
                    None,
                    None,
                    format!("file is missing from {}", source.describe()),
                ));
            }
            return Ok((Vec::new(), Vec::new()));
        }
        Err(ApiError::InvalidDataset(found)) => {
            problems.extend(found);
            return Ok((Vec::new(), Vec::new()));
        }
        Err(e) => return Err(e),
    };
    let lines_of = LineIndex::new(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(&bytes[..]);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.push(csv_problem(&file, &e, &lines_of));
            return Ok((Vec::new(), Vec::new()));
        }
    };
    let mut columns = HashMap::new();
    let mut header_ok = true;
    for (k, h) in headers.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}');
        let known = table.required.contains(&h) || table.optional.contains(&h);
        let header_problem = if !known {
            Some(format!(
                "unknown column {:?} (expected {})",
                echo(h),
                table
                    .required
                    .iter()
                    .chain(table.optional)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(",")
            ))
        } else if columns.insert(h.to_string(), k).is_some() {
            Some(format!("column {:?} appears twice", echo(h)))
        } else {
            None
        };
        if let Some(message) = header_problem {
            header_ok = false;
            problems.push(Problem::new(
                file.clone(),
                "line 1",
                None,
                Some(h.to_string()),
                message,
            ));
        }
    }
    for required in table.required {
        if !columns.contains_key(*required) {
            header_ok = false;
            problems.push(Problem::new(
                file.clone(),
                "line 1",
                None,
                Some(required.to_string()),
                "required column is missing",
            ));
        }
    }
    if !header_ok {
        return Ok((Vec::new(), Vec::new()));
    }
    let max = table_limit(table.name).unwrap_or(usize::MAX);
    let mut out = Vec::new();
    let mut lines = Vec::new();
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                problems.push(csv_problem(&file, &e, &lines_of));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines_of.line(p.byte()));
        // Skip wholly blank lines.
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if out.len() == max {
            problems.push(Problem::new(
                file.clone(),
                format!("line {line}"),
                None,
                None,
                format!("more than {max} records: the limit for {}", table.name),
            ));
            break;
        }
        let mut row = Row {
            file: &file,
            line,
            columns: &columns,
            record: &record,
            problems,
        };
        out.push(parse(&mut row));
        lines.push(line);
    }
    Ok((out, lines))
}

/// Where each line of a file starts, to give a record's line from its byte
/// offset. The csv reader's own line count is wrong for CRLF files (a record
/// starts "on" the previous line's `\n`) and after blank lines (a record
/// starts on the blank line it skipped).
struct LineIndex<'a> {
    bytes: &'a [u8],
    newlines: Vec<u64>,
}

impl<'a> LineIndex<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let newlines = (0..bytes.len())
            .filter(|&k| bytes[k] == b'\n')
            .map(|k| k as u64)
            .collect();
        LineIndex { bytes, newlines }
    }

    /// The 1-based line of the first byte at or after `byte` that is not a
    /// line ending.
    fn line(&self, byte: u64) -> u64 {
        let mut at = byte;
        while let Some(b'\r' | b'\n') = usize::try_from(at).ok().and_then(|k| self.bytes.get(k)) {
            at += 1;
        }
        self.newlines.partition_point(|&k| k < at) as u64 + 1
    }
}

fn csv_problem(file: &str, e: &csv::Error, lines: &LineIndex) -> Problem {
    let location = e
        .position()
        .map(|p| format!("line {}", lines.line(p.byte())))
        .unwrap_or_default();
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("row has {len} fields, the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "row is not valid UTF-8".to_string(),
        _ => e.to_string(),
    };
    Problem::new(file, location, None, None, message)
}

/// Reads a CSV folder into a raw dataset. Returns the line of every record and
/// the problems found while parsing (the caller validates the dataset next).
pub fn read_folder(folder: &Path) -> Result<(RawDataset, Lines, Vec<Problem>), ApiError> {
    if !folder.is_dir() {
        return Err(ApiError::io(
            folder,
            std::io::Error::new(std::io::ErrorKind::NotFound, "not a folder"),
        ));
    }
    read_tables(&Tables::Folder(folder))
}

/// Reads the CSV tables from `source` into a raw dataset, like [`read_folder`].
pub fn read_tables(source: &Tables<'_>) -> Result<(RawDataset, Lines, Vec<Problem>), ApiError> {
    let mut problems = Vec::new();
    let mut lines = Lines::default();
    let (authorities, l) = read_table(source, &AUTHORITIES, &mut problems, |r| RawAuthority {
        id: r.string("id"),
        name: r.string("name"),
        location: r.location(),
    })?;
    lines.0.insert("authorities", l);
    let (schools, l) = read_table(source, &SCHOOLS, &mut problems, |r| RawSchool {
        id: r.string("id"),
        name: r.string("name"),
        location: r.location(),
    })?;
    lines.0.insert("schools", l);
    let providers = [
        ("in_house", ProviderCell(Provider::InHouse)),
        ("ifa", ProviderCell(Provider::Ifa)),
        ("kinship", ProviderCell(Provider::Kinship)),
    ];
    let (carers, l) = read_table(source, &CARERS, &mut problems, |r| RawCarer {
        id: r.string("id"),
        authority: r.string("authority"),
        provider: r.choice("provider", &providers, None).0,
        location: r.location(),
        places: r.u32("places"),
        occupied: r.u32("occupied"),
        min_age: r.u32("min_age"),
        max_age: r.u32("max_age"),
        skills: r.list("skills"),
        weekly_cost: r.f64("weekly_cost"),
        constellation: r.opt_string("constellation"),
        hub: r.bool("hub"),
        connected_children: r.list("connected_children"),
        sex_preference: r
            .choice("sex_preference", &SEX_GROUPS, Some(OptCell(None)))
            .0,
    })?;
    lines.0.insert("carers", l);
    let (homes, l) = read_table(source, &HOMES, &mut problems, |r| RawHome {
        id: r.string("id"),
        authority: r.string("authority"),
        location: r.location(),
        beds: r.u32("beds"),
        occupied: r.u32("occupied"),
        min_age: r.u32("min_age"),
        max_age: r.u32("max_age"),
        accepts: r.list("accepts"),
        weekly_cost: r.f64("weekly_cost"),
        sex: r
            .choice("sex", &SEX_GROUPS, Some(OptCell(None)))
            .0
            .unwrap_or_default(),
        residents: r.residents("residents"),
        mix_limits: r.mix_limits("mix_limits"),
        max_age_gap: r.opt_u32("max_age_gap"),
    })?;
    lines.0.insert("homes", l);
    let kinds = [
        ("foster", PlacementKind::Foster),
        ("residential", PlacementKind::Residential),
        ("any", PlacementKind::Any),
    ];
    let (children, l) = read_table(source, &CHILDREN, &mut problems, |r| RawChild {
        id: r.string("id"),
        authority: r.string("authority"),
        age: r.u32("age"),
        school: r.opt_string("school"),
        needs: r.list("needs"),
        sibling_group: r.opt_string("sibling_group"),
        placement: r.choice("placement", &kinds, Some(PlacementKind::Any)),
        max_distance_km: r.opt_f64("max_distance_km"),
        sex: r.choice("sex", &SEXES, Some(OptCell(None))).0,
        risks: r.list("risks"),
    })?;
    lines.0.insert("children", l);
    let policies = [
        ("household", KeepTogether::Household),
        ("constellation", KeepTogether::Constellation),
        ("none", KeepTogether::None),
    ];
    let (sibling_groups, l) = read_table(source, &SIBLING_GROUPS, &mut problems, |r| {
        RawSiblingGroup {
            id: r.string("id"),
            keep_together: r.choice("keep_together", &policies, None),
            strict: r.opt_bool("strict"),
        }
    })?;
    lines.0.insert("sibling_groups", l);
    let (incompatible, l) = read_table(source, &INCOMPATIBLE, &mut problems, |r| {
        vec![r.string("tag_a"), r.string("tag_b")]
    })?;
    lines.0.insert("incompatible", l);
    let (weights, l) = read_table(source, &PRACTICE_WEIGHTS, &mut problems, |r| {
        RawPracticeWeights {
            w_split: r.opt_f64("w_split"),
            w_split_constellation: r.opt_f64("w_split_constellation"),
            w_outside_authority: r.opt_f64("w_outside_authority"),
        }
    })?;
    if let Some(&line) = l.get(1) {
        problems.push(Problem::new(
            "practice_weights.csv",
            format!("line {line}"),
            None,
            None,
            "practice_weights.csv has at most one row".to_string(),
        ));
    }
    let mut raw = RawDataset {
        version: ContractVersion::V1,
        authorities,
        schools,
        carers,
        homes,
        children,
        sibling_groups,
        incompatible,
        practice_weights: weights.into_iter().next(),
    };
    if raw.uses_v1_1_fields() {
        raw.version = ContractVersion::V1_1;
    }
    tracing::debug!(problems = problems.len(), "CSV folder read");
    Ok((raw, lines, problems))
}

const SEXES: [(&str, OptCell<Sex>); 2] = [
    ("male", OptCell(Some(Sex::Male))),
    ("female", OptCell(Some(Sex::Female))),
];

fn join(list: &[String]) -> String {
    list.join(";")
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The `id,name,lat,lon` row shared by authorities and schools.
fn named_point(id: &str, name: &str, at: &RawLocation) -> Vec<String> {
    vec![
        id.to_string(),
        name.to_string(),
        at.lat.to_string(),
        at.lon.to_string(),
    ]
}

/// Writes `raw` as a CSV folder (the inverse of [`read_folder`]).
pub fn write_folder(raw: &RawDataset, folder: &Path) -> Result<(), ApiError> {
    std::fs::create_dir_all(folder).map_err(|e| ApiError::io(folder, e))?;
    let write = |file: &str, header: &[&str], rows: Vec<Vec<String>>| -> Result<(), ApiError> {
        let path = folder.join(file);
        let to_io = |e: csv::Error| ApiError::io(&path, std::io::Error::other(e.to_string()));
        let mut w = csv::Writer::from_path(&path).map_err(to_io)?;
        w.write_record(header).map_err(to_io)?;
        for row in rows {
            w.write_record(&row).map_err(to_io)?;
        }
        w.flush().map_err(|e| ApiError::io(&path, e))
    };
    write(
        "authorities.csv",
        AUTHORITIES.required,
        raw.authorities
            .iter()
            .map(|a| named_point(&a.id, &a.name, &a.location))
            .collect(),
    )?;
    write(
        "schools.csv",
        SCHOOLS.required,
        raw.schools
            .iter()
            .map(|s| named_point(&s.id, &s.name, &s.location))
            .collect(),
    )?;
    write(
        "carers.csv",
        CARER_COLUMNS,
        raw.carers
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.authority.clone(),
                    name(&c.provider),
                    c.location.lat.to_string(),
                    c.location.lon.to_string(),
                    c.places.to_string(),
                    c.occupied.to_string(),
                    c.min_age.to_string(),
                    c.max_age.to_string(),
                    join(&c.skills),
                    c.weekly_cost.to_string(),
                    opt(&c.constellation),
                    c.hub.to_string(),
                    join(&c.connected_children),
                    c.sex_preference.as_ref().map(name).unwrap_or_default(),
                ]
            })
            .collect(),
    )?;
    write(
        "homes.csv",
        HOME_COLUMNS,
        raw.homes
            .iter()
            .map(|h| {
                vec![
                    h.id.clone(),
                    h.authority.clone(),
                    h.location.lat.to_string(),
                    h.location.lon.to_string(),
                    h.beds.to_string(),
                    h.occupied.to_string(),
                    h.min_age.to_string(),
                    h.max_age.to_string(),
                    join(&h.accepts),
                    h.weekly_cost.to_string(),
                    name(&h.sex),
                    residents_cell(&h.residents),
                    mix_limits_cell(&h.mix_limits),
                    opt(&h.max_age_gap),
                ]
            })
            .collect(),
    )?;
    write(
        "children.csv",
        CHILD_COLUMNS,
        raw.children
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.authority.clone(),
                    c.age.to_string(),
                    opt(&c.school),
                    join(&c.needs),
                    opt(&c.sibling_group),
                    name(&c.placement),
                    opt(&c.max_distance_km),
                    c.sex.as_ref().map(name).unwrap_or_default(),
                    join(&c.risks),
                ]
            })
            .collect(),
    )?;
    write(
        "sibling_groups.csv",
        &["id", "keep_together", "strict"],
        raw.sibling_groups
            .iter()
            .map(|g| {
                // Absent in a v1.1 dataset means false: written so, a
                // CSV folder (which has no version) reads back as v1.1.
                let strict = match (g.strict, raw.version.is_v1()) {
                    (Some(s), _) => s.to_string(),
                    (None, true) => String::new(),
                    (None, false) => "false".into(),
                };
                vec![g.id.clone(), name(&g.keep_together), strict]
            })
            .collect(),
    )?;
    if !raw.incompatible.is_empty() {
        write(
            "incompatible.csv",
            INCOMPATIBLE.required,
            raw.incompatible.clone(),
        )?;
    }
    if let Some(w) = &raw.practice_weights {
        write(
            "practice_weights.csv",
            PRACTICE_WEIGHTS.optional,
            vec![vec![
                opt(&w.w_split),
                opt(&w.w_split_constellation),
                opt(&w.w_outside_authority),
            ]],
        )?;
    }
    Ok(())
}

/// The `residents` cell: `15:cse_risk|self_harm;12`.
fn residents_cell(residents: &[RawResident]) -> String {
    let items: Vec<String> = residents
        .iter()
        .map(|r| match r.risks.is_empty() {
            true => r.age.to_string(),
            false => format!("{}:{}", r.age, r.risks.join("|")),
        })
        .collect();
    items.join(";")
}

/// The `mix_limits` cell: `cse_risk:1;exploiter:1`.
fn mix_limits_cell(limits: &[RawMixLimit]) -> String {
    let items: Vec<String> = limits
        .iter()
        .map(|m| format!("{}:{}", m.tag, m.max))
        .collect();
    items.join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        dir
    }

    const AUTH: &str = "id,name,lat,lon\nE06000044,Portsmouth,50.82,-1.07\n";

    #[test]
    fn parses_lists_nulls_and_defaults() {
        let dir = folder(&[
            ("authorities.csv", AUTH),
            (
                "carers.csv",
                "id,authority,provider,lat,lon,places,occupied,min_age,max_age,skills,weekly_cost,constellation,hub,connected_children\n\
                 C1,E06000044,in_house,50.8,-1.1,2,0,0,17,autism; disability,500,MB1,true,\n\
                 C2,E06000044,kinship,50.8,-1.1,1,0,0,17,,300,,,K1\n",
            ),
            ("children.csv", "id,authority,age,school,needs,sibling_group,placement,max_distance_km\nK1,E06000044,9,,autism,,,\n"),
        ]);
        let (raw, lines, problems) = read_folder(dir.path()).expect("reads");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            raw.carers[0].skills,
            vec!["autism".to_string(), "disability".to_string()]
        );
        assert_eq!(raw.carers[0].constellation.as_deref(), Some("MB1"));
        assert!(raw.carers[0].hub);
        assert!(!raw.carers[1].hub);
        assert_eq!(raw.carers[1].constellation, None);
        assert!(raw.carers[1].skills.is_empty());
        assert_eq!(raw.carers[1].connected_children, vec!["K1".to_string()]);
        assert_eq!(raw.carers[1].provider, Provider::Kinship);
        assert_eq!(raw.children[0].school, None);
        assert_eq!(raw.children[0].placement, PlacementKind::Any);
        assert_eq!(raw.children[0].max_distance_km, None);
        assert!(raw.homes.is_empty() && raw.schools.is_empty() && raw.sibling_groups.is_empty());
        assert_eq!(lines.line("carers", 1), Some(3));
    }

    #[test]
    fn reports_every_bad_cell_with_line_and_column() {
        let dir = folder(&[
            ("authorities.csv", AUTH),
            (
                "carers.csv",
                "id,authority,provider,lat,lon,places,occupied,min_age,max_age,weekly_cost\n\
                 C1,E06000044,council,50.8,-1.1,two,0,0,17,500\n\
                 C2,E06000044,ifa,north,-1.1,1,0,0,17,\n",
            ),
            (
                "children.csv",
                "id,authority,age,placement\nK1,E06000044,-3,foster\nK2,E06000044,4,boarding\n",
            ),
        ]);
        let (_, _, problems) = read_folder(dir.path()).expect("reads");
        let found: Vec<(String, String, Option<String>)> = problems
            .iter()
            .map(|p| (p.file.clone(), p.location.clone(), p.field.clone()))
            .collect();
        let want = |f: &str, l: &str, c: &str| (f.to_string(), l.to_string(), Some(c.to_string()));
        assert_eq!(
            found,
            vec![
                want("carers.csv", "line 2", "provider"),
                want("carers.csv", "line 2", "places"),
                want("carers.csv", "line 3", "lat"),
                want("carers.csv", "line 3", "weekly_cost"),
                want("children.csv", "line 2", "age"),
                want("children.csv", "line 3", "placement"),
            ]
        );
        assert_eq!(problems[0].record.as_deref(), Some("C1"));
    }

    #[test]
    fn rejects_unknown_and_missing_columns_and_files() {
        let dir = folder(&[
            ("authorities.csv", AUTH),
            (
                "children.csv",
                "id,authority,age,name\nK1,E06000044,4,Alice\n",
            ),
        ]);
        let (_, _, problems) = read_folder(dir.path()).expect("reads");
        assert!(problems
            .iter()
            .any(|p| p.file == "carers.csv" && p.message.contains("missing")));
        assert!(problems.iter().any(|p| p.file == "children.csv"
            && p.field.as_deref() == Some("name")
            && p.message.contains("unknown column")));
        // The row with the unknown column is not read (its data must not be silently dropped).
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn ragged_rows_are_reported_not_fatal() {
        let dir = folder(&[
            (
                "authorities.csv",
                "id,name,lat,lon\nE1,A,50,-1,extra\nE2,B,51,-1\n",
            ),
            (
                "carers.csv",
                "id,authority,provider,lat,lon,places,occupied,min_age,max_age,weekly_cost\n",
            ),
            ("children.csv", "id,authority,age\n"),
        ]);
        let (raw, _, problems) = read_folder(dir.path()).expect("reads");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].location, "line 2");
        assert_eq!(raw.authorities.len(), 1);
        assert_eq!(raw.authorities[0].id, "E2");
    }

    #[test]
    fn lines_are_right_with_crlf_and_blank_lines() {
        let carers = "id,authority,provider,lat,lon,places,occupied,min_age,max_age,weekly_cost";
        let dir = folder(&[
            (
                "authorities.csv",
                "id,name,lat,lon\r\nE1,A,50,-1\r\n\r\nE2,B,51,x\r\n",
            ),
            (
                "carers.csv",
                &format!(
                    "{carers}\n\nC1,E1,ifa,50,-1,1,2,0,17,1\n\n\nC2,E1,ifa,50,-1,1,0,0,17,1,9\n"
                ),
            ),
            ("children.csv", "id,authority,age\r\nK1,E1,old\r\n"),
        ]);
        let (_, lines, problems) = read_folder(dir.path()).expect("reads");
        assert_eq!(lines.line("authorities", 0), Some(2));
        assert_eq!(lines.line("authorities", 1), Some(4));
        assert_eq!(lines.line("carers", 0), Some(3));
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.file.as_str(), p.location.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("authorities.csv", "line 4"),
                ("carers.csv", "line 6"),
                ("children.csv", "line 2")
            ],
            "{problems:#?}"
        );
    }

    #[test]
    fn write_then_read_round_trips() {
        let raw =
            optimiser::generator::generate_raw(&optimiser::generator::GeneratorSpec::small(3));
        let dir = tempfile::tempdir().expect("temp dir");
        write_folder(&raw, dir.path()).expect("writes");
        let (back, _, problems) = read_folder(dir.path()).expect("reads");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(back, raw);
    }

    #[test]
    fn a_folder_without_v1_1_fields_is_v1_and_one_with_them_v1_1() {
        use optimiser::generator::{generate_raw, GeneratorSpec};
        let v1 = generate_raw(&GeneratorSpec {
            practice: false,
            ..GeneratorSpec::small(3)
        });
        // Write the groups without `strict`: a folder as v1 wrote it.
        let mut unmarked = v1.clone();
        unmarked
            .sibling_groups
            .iter_mut()
            .for_each(|g| g.strict = None);
        assert!(!unmarked.sibling_groups.is_empty());
        let dir = tempfile::tempdir().expect("temp dir");
        write_folder(&unmarked, dir.path()).expect("writes");
        let (back, _, _) = read_folder(dir.path()).expect("reads");
        assert_eq!(back.version, ContractVersion::V1);
        let data = optimiser::dataset::Dataset::try_from(&back).expect("valid");
        assert!(data.sibling_groups().iter().all(|g| g.strict));

        // A v1.1 dataset whose groups leave `strict` to the version reads
        // back as v1.1, its groups still not strict.
        let mut v1_1 = unmarked;
        v1_1.version = ContractVersion::V1_1;
        let dir = tempfile::tempdir().expect("temp dir");
        write_folder(&v1_1, dir.path()).expect("writes");
        let (back, _, _) = read_folder(dir.path()).expect("reads");
        assert_eq!(back.version, ContractVersion::V1_1);
        let data = optimiser::dataset::Dataset::try_from(&back).expect("valid");
        assert!(data.sibling_groups().iter().all(|g| !g.strict));
    }
}
