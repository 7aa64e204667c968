//! Reading an SSDA903 extract (the Header and Episodes tables as CSV) into
//! care histories, checking every row and reporting every problem at once
//! with file, row (1-based as a spreadsheet shows it: the header is row 1)
//! and column. A date of birth is turned into whole months of age at the
//! reference date and never kept, logged or echoed in a message.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use optimiser::sufficiency::{CareHistory, CareKind, Episode, EpisodeEnd, EpisodeStart, Need, Sex};

use super::date::Date;
use super::postcodes::{district_of, Districts};
use crate::error::{ApiError, Problem};

/// Legal status codes (`LS`) the DfE guidance lists.
pub const LEGAL_STATUSES: [&str; 13] = [
    "C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4",
];
/// Placement type codes (`PLACE`) the DfE guidance lists.
pub const PLACES: [&str; 27] = [
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1", "T0",
    "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
];
/// Placement provider codes (`PLACE_PROVIDER`).
pub const PROVIDERS: [&str; 6] = ["PR0", "PR1", "PR2", "PR3", "PR4", "PR5"];

/// A loaded extract: histories on a timeline whose origin is `origin`.
#[derive(Debug, Clone)]
pub struct Extract {
    /// One history per child with episodes starting on or before `origin`.
    pub histories: Vec<CareHistory>,
    /// The timeline's origin (the reference date).
    pub origin: Date,
    /// Earliest `DECOM`.
    pub first_date: Date,
    /// Latest `DECOM` or `DEC`.
    pub last_date: Date,
    /// Header rows read.
    pub header_rows: usize,
    /// Episode rows read.
    pub episode_rows: usize,
}

/// A table of one file: its name, columns and records.
struct Table {
    file: String,
    columns: HashMap<String, usize>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    fn read(path: &Path, problems: &mut Vec<Problem>) -> Result<Table, ApiError> {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let io = |e: csv::Error| ApiError::io(path, std::io::Error::other(e.to_string()));
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .map_err(io)?;
        let columns = reader
            .headers()
            .map_err(io)?
            .iter()
            .enumerate()
            .map(|(i, h)| {
                (
                    h.trim_start_matches('\u{feff}').trim().to_ascii_uppercase(),
                    i,
                )
            })
            .collect();
        let mut rows = Vec::new();
        for (i, r) in reader.records().enumerate() {
            match r {
                Ok(r) => rows.push(r),
                Err(e) => {
                    let reason = match e.kind() {
                        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8".to_string(),
                        _ => format!("cannot be read as CSV ({e})"),
                    };
                    problems.push(Problem::new(
                        file.clone(),
                        format!("row {}", i + 2),
                        None,
                        None,
                        format!("the row {reason}"),
                    ));
                    rows.push(csv::StringRecord::new());
                }
            }
        }
        Ok(Table {
            file,
            columns,
            rows,
        })
    }

    /// Problems for required columns that are missing.
    fn require(&self, names: &[&str], problems: &mut Vec<Problem>) -> bool {
        let mut ok = true;
        for n in names {
            if !self.columns.contains_key(*n) {
                ok = false;
                problems.push(Problem::new(
                    self.file.clone(),
                    "row 1",
                    None,
                    Some((*n).into()),
                    "the column is missing",
                ));
            }
        }
        ok
    }

    fn cell<'a>(&self, row: &'a csv::StringRecord, column: &str) -> &'a str {
        self.columns
            .get(column)
            .and_then(|&c| row.get(c))
            .unwrap_or_default()
            .trim()
    }
}

struct Row<'a> {
    table: &'a Table,
    index: usize,
    record: &'a csv::StringRecord,
    child: String,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.table.cell(self.record, column)
    }

    fn number(&self) -> usize {
        self.index + 2
    }

    fn problem(&self, column: &str, message: impl Into<String>) -> Problem {
        let record = (!self.child.is_empty()).then(|| self.child.clone());
        Problem::new(
            self.table.file.clone(),
            format!("row {}", self.number()),
            record,
            Some(column.into()),
            message,
        )
    }

    /// A code from `allowed`, or a problem naming the column and the code.
    fn code(&self, column: &str, allowed: &[&str], problems: &mut Vec<Problem>) -> Option<String> {
        let v = self.get(column);
        if allowed.contains(&v) {
            Some(v.to_string())
        } else {
            let what = if v.is_empty() {
                "is missing".to_string()
            } else {
                format!("{v:?} is not a known code")
            };
            problems.push(self.problem(column, format!("{column} {what}")));
            None
        }
    }

    /// A date (never echoed), or a problem.
    fn date(&self, column: &str, required: bool, problems: &mut Vec<Problem>) -> Option<Date> {
        let v = self.get(column);
        if v.is_empty() {
            if required {
                problems.push(self.problem(column, format!("{column} is missing")));
            }
            return None;
        }
        let d = Date::parse(v);
        if d.is_none() {
            problems.push(self.problem(
                column,
                format!("{column} is not a date (dd/mm/yyyy or yyyy-mm-dd)"),
            ));
        }
        d
    }
}

struct HeaderRow {
    sex: Sex,
    dob: Date,
}

struct EpisodeRow {
    row: usize,
    decom: Date,
    dec: Option<Date>,
    episode: Episode,
}

/// The one `.csv` file in `dir` whose lower-case name contains `word`.
fn find(dir: &Path, word: &str) -> Result<PathBuf, ApiError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ApiError::io(dir, e))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            name.ends_with(".csv") && name.contains(word)
        })
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        n => Err(ApiError::InvalidArgument(format!(
            "{} must hold exactly one .csv file with {word:?} in its name (found {n})",
            dir.display()
        ))),
    }
}

/// Reads the extract in `dir` (one `.csv` file named like `*header*`, one
/// like `*episodes*`). The timeline's origin is `origin`, or the end of the
/// collection year (31 March) of the latest date in the Episodes table.
/// Episodes starting after the origin are left out.
pub fn load_extract(
    dir: &Path,
    districts: &Districts,
    origin: Option<Date>,
) -> Result<Extract, ApiError> {
    let header_path = find(dir, "header")?;
    let episodes_path = find(dir, "episode")?;
    let mut problems = Vec::new();
    let header = Table::read(&header_path, &mut problems)?;
    let episodes = Table::read(&episodes_path, &mut problems)?;
    let header_ok = header.require(&["CHILD", "SEX", "DOB"], &mut problems);
    let episodes_ok = episodes.require(&super::EPISODES_REQUIRED, &mut problems);
    if !header_ok || !episodes_ok {
        return Err(ApiError::InvalidDataset(problems));
    }

    // Header: one row per child.
    let mut children: HashMap<String, (usize, Option<HeaderRow>)> = HashMap::new();
    let mut order = Vec::new();
    for (index, record) in header.rows.iter().enumerate() {
        let child = header.cell(record, "CHILD").to_string();
        let row = Row {
            table: &header,
            index,
            record,
            child: child.clone(),
        };
        if child.is_empty() {
            problems.push(row.problem("CHILD", "CHILD is missing"));
            continue;
        }
        let sex = Sex::from_code(row.get("SEX"));
        if sex.is_none() {
            problems.push(row.problem(
                "SEX",
                format!(
                    "SEX must be 1 (male) or 2 (female), got {:?}",
                    row.get("SEX")
                ),
            ));
        }
        let dob = row.date("DOB", true, &mut problems);
        if let Some((first, _)) = children.get(&child) {
            problems.push(row.problem("CHILD", format!("the child is already on row {first}")));
            continue;
        }
        let parsed = sex.zip(dob).map(|(sex, dob)| HeaderRow { sex, dob });
        children.insert(child.clone(), (row.number(), parsed));
        order.push(child);
    }

    // Episodes.
    let mut by_child: HashMap<String, Vec<EpisodeRow>> = HashMap::new();
    for (index, record) in episodes.rows.iter().enumerate() {
        let child = episodes.cell(record, "CHILD").to_string();
        let row = Row {
            table: &episodes,
            index,
            record,
            child: child.clone(),
        };
        let before = problems.len();
        if child.is_empty() {
            problems.push(row.problem("CHILD", "CHILD is missing"));
        } else if !children.contains_key(&child) {
            problems.push(row.problem("CHILD", "the child is not in the Header table"));
        }
        let decom = row.date("DECOM", true, &mut problems);
        let dec = row.date("DEC", false, &mut problems);
        let rne = row.get("RNE");
        let reason_start = EpisodeStart::from_code(rne);
        if reason_start.is_none() {
            let what = if rne.is_empty() {
                "is missing".to_string()
            } else {
                format!("{rne:?} is not a known code")
            };
            problems.push(row.problem("RNE", format!("RNE {what}")));
        }
        let ls = row.code("LS", &LEGAL_STATUSES, &mut problems);
        let cin = row.get("CIN");
        let need = Need::from_code(cin);
        if need.is_none() {
            problems.push(row.problem("CIN", format!("CIN must be N1 to N8, got {cin:?}")));
        }
        let place = row.code("PLACE", &PLACES, &mut problems);
        let provider = match row.get("PLACE_PROVIDER") {
            "" => None,
            _ => row.code("PLACE_PROVIDER", &PROVIDERS, &mut problems),
        };
        let rec = row.get("REC");
        let reason_end = match (dec.is_some() || !row.get("DEC").is_empty(), rec) {
            (false, "") => Some(EpisodeEnd::Open),
            (false, _) => {
                problems.push(row.problem(
                    "REC",
                    "REC is given but DEC is empty (an open episode has no REC)",
                ));
                None
            }
            (true, "") => {
                problems.push(row.problem("REC", "REC is missing for an episode with a DEC"));
                None
            }
            (true, code) => {
                let e = EpisodeEnd::from_code(code);
                if e.is_none() {
                    problems.push(row.problem(
                        "REC",
                        format!("REC {code:?} is not a known code (X1 or E…)"),
                    ));
                }
                e
            }
        };
        if let (Some(s), Some(e)) = (decom, dec) {
            if e < s {
                problems.push(row.problem("DEC", "DEC is before DECOM"));
            }
        }
        if let (Some(s), Some((_, Some(h)))) = (decom, children.get(&child)) {
            if s < h.dob {
                problems.push(row.problem("DECOM", "DECOM is before the child's date of birth"));
            }
        }
        let mut location = |column: &str| {
            let v = row.get(column);
            if v.is_empty() {
                return None;
            }
            let d = district_of(v);
            let l = districts.centroid(&d);
            if l.is_none() {
                problems.push(row.problem(
                    column,
                    format!("{column} {d:?} is not a known postcode district"),
                ));
            }
            l
        };
        let home = location("HOME_POST");
        let placement_location = location("PL_POST");
        let urn =
            Some(row.get("URN")).filter(|u| !u.is_empty() && !u.eq_ignore_ascii_case("XXXXXXX"));
        if problems.len() > before {
            continue;
        }
        let (
            Some(decom),
            Some(reason_start),
            Some(legal_status),
            Some(need),
            Some(place),
            Some(reason_end),
        ) = (decom, reason_start, ls, need, place, reason_end)
        else {
            continue;
        };
        let kind = CareKind::from_ssda903(&place, provider.as_deref());
        by_child.entry(child).or_default().push(EpisodeRow {
            row: row.number(),
            decom,
            dec,
            episode: Episode {
                start: 0.0,
                end: None,
                reason_start,
                reason_end,
                legal_status,
                need,
                kind,
                place,
                provider,
                home,
                placement_location,
                urn: urn.map(str::to_string),
            },
        });
    }

    // Overlaps, child by child.
    for (child, rows) in by_child.iter_mut() {
        rows.sort_by_key(|r| (r.decom, r.row));
        for pair in rows.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let clash = match a.dec {
                None => Some(format!(
                    "starts while the episode on row {} is still open",
                    a.row
                )),
                Some(end) if b.decom < end => {
                    Some(format!("starts before the episode on row {} ends", a.row))
                }
                _ => None,
            };
            if let Some(m) = clash {
                problems.push(Problem::new(
                    episodes.file.clone(),
                    format!("row {}", b.row),
                    Some(child.clone()),
                    Some("DECOM".into()),
                    format!("the episode overlaps another of the same child: it {m}"),
                ));
            }
        }
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| {
            (&a.file, row_number(&a.location)).cmp(&(&b.file, row_number(&b.location)))
        });
        return Err(ApiError::InvalidDataset(problems));
    }
    build(
        order,
        children,
        by_child,
        origin,
        header.rows.len(),
        episodes.rows.len(),
        &episodes.file,
    )
}

fn row_number(location: &str) -> usize {
    location
        .strip_prefix("row ")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Puts every episode on the timeline and turns each date of birth into
/// whole months of age at the origin (the date itself is dropped here).
fn build(
    order: Vec<String>,
    mut children: HashMap<String, (usize, Option<HeaderRow>)>,
    mut by_child: HashMap<String, Vec<EpisodeRow>>,
    origin: Option<Date>,
    header_rows: usize,
    episode_rows: usize,
    file: &str,
) -> Result<Extract, ApiError> {
    let all = by_child.values().flatten();
    let first_date = all.clone().map(|r| r.decom).min();
    let last_date = all.flat_map(|r| [Some(r.decom), r.dec]).flatten().max();
    let (Some(first_date), Some(last_date)) = (first_date, last_date) else {
        return Err(ApiError::InvalidDataset(vec![Problem::new(
            file,
            "",
            None,
            None,
            "the Episodes table has no episodes",
        )]));
    };
    let origin = origin.unwrap_or_else(|| end_of_collection_year(last_date));
    let mut histories = Vec::new();
    for child in order {
        let Some((_, Some(h))) = children.remove(&child) else {
            continue;
        };
        let Some(rows) = by_child.remove(&child) else {
            continue;
        };
        let episodes: Vec<Episode> = rows
            .into_iter()
            .filter(|r| r.decom <= origin)
            .map(|r| Episode {
                start: r.decom.months_since(origin),
                end: r.dec.map(|d| d.months_since(origin)),
                ..r.episode
            })
            .collect();
        if episodes.is_empty() {
            continue;
        }
        histories.push(CareHistory {
            child,
            sex: h.sex,
            age_at_origin_months: h.dob.whole_months_to(origin) as f64,
            episodes,
        });
    }
    Ok(Extract {
        histories,
        origin,
        first_date,
        last_date,
        header_rows,
        episode_rows,
    })
}

/// The 31 March on or after `d`: the end of its SSDA903 collection year.
pub fn end_of_collection_year(d: Date) -> Date {
    let year = if (d.month, d.day) <= (3, 31) {
        d.year
    } else {
        d.year + 1
    };
    Date {
        year,
        month: 3,
        day: 31,
    }
}
