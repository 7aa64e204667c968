//! The DfE published statistics ("Children looked after in England
//! including adoptions", Explore Education Statistics, OGL v3) copied into
//! `data/dfe/`, read into an [`optimiser::sufficiency::DfeAuthority`].

use std::collections::BTreeMap;
use std::path::Path;

use optimiser::dataset::raw::RawLocation;
use optimiser::sufficiency::backtest::{AuthorityFigures, YearFigures, PLACEMENTS};
use optimiser::sufficiency::{DfeAuthority, DfeYear};

use crate::error::{ApiError, Problem};

/// Numbers looked after on 31 March, starting and ceasing, by authority and year.
pub const NUMBERS_FILE: &str = "dfe/dfe_cla_number_and_rate_per_10k_children_2021_2025.csv";
/// Age group, sex, category of need and placement on 31 March (the rows of
/// those groups only).
pub const CHARACTERISTICS_FILE: &str =
    "dfe/dfe_la_cla_on_31_march_by_characteristics_2021_2025_subset.csv";
/// Placement changes in the year (the `Total placements changing` rows only).
pub const MOVES_FILE: &str = "dfe/dfe_la_cla_during_year_new_placements_2021_2025_subset.csv";
/// National split of each placement type by provider.
pub const PROVIDERS_FILE: &str =
    "dfe/dfe_national_cla_on_31_march_by_placement_provider_type_and_locality_2020_2024.csv";

/// Share of foster children placed with family or friends: **our
/// assumption** (the tables here do not split foster care by carer type), the
/// middle of the 18–21 % of fostering households that are family and friends
/// (`../shared/DOMAIN.md`).
pub const KINSHIP_SHARE_OF_FOSTER: f64 = 0.19;

/// Rows of a CSV file as maps from column name to value.
fn rows(path: &Path) -> Result<Vec<BTreeMap<String, String>>, ApiError> {
    let io = |e: csv::Error| ApiError::io(path, std::io::Error::other(e.to_string()));
    let mut reader = csv::Reader::from_path(path).map_err(io)?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(io)?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut out = Vec::new();
    for r in reader.records() {
        let r = r.map_err(io)?;
        out.push(
            headers
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect(),
        );
    }
    Ok(out)
}

fn get<'a>(row: &'a BTreeMap<String, String>, column: &str) -> &'a str {
    row.get(column).map_or("", String::as_str)
}

/// A published number; the DfE's suppression marks (`c`, `z`, `x`, `k`,
/// `low`) read as `None`.
fn number(text: &str) -> Option<f64> {
    text.trim().replace(',', "").parse().ok()
}

/// Reads authority `gss`'s published figures from the data folder `data`.
pub fn load_dfe(
    data: &Path,
    gss: &str,
    centroid: Option<RawLocation>,
) -> Result<DfeAuthority, ApiError> {
    let numbers = rows(&data.join(NUMBERS_FILE))?;
    let mut years: BTreeMap<i32, DfeYear> = BTreeMap::new();
    let mut name = String::new();
    for r in numbers
        .iter()
        .filter(|r| get(r, "new_la_code") == gss && get(r, "geographic_level") == "Local authority")
    {
        let Ok(year) = get(r, "time_period").parse::<i32>() else {
            continue;
        };
        name = get(r, "la_name").to_string();
        let y = years.entry(year).or_insert(DfeYear {
            year,
            looked_after: 0.0,
            starts: 0.0,
            ceases: 0.0,
            placement_changes: None,
            aged_16_plus: None,
        });
        let n = number(get(r, "children_count")).unwrap_or(0.0);
        match get(r, "population_type") {
            "Children looked after on 31 March each year" => y.looked_after = n,
            "Children starting to be looked after each year" => y.starts = n,
            "Children ceasing to be looked after each year" => y.ceases = n,
            _ => {}
        }
    }
    if years.is_empty() {
        return Err(ApiError::InvalidDataset(vec![Problem::new(
            NUMBERS_FILE,
            "",
            Some(gss.to_string()),
            Some("new_la_code".into()),
            "no local authority with this GSS code (for example E06000044 Portsmouth)",
        )]));
    }
    let latest = years.keys().next_back().copied().unwrap_or_default();

    let mut age_bands = [0.0; 5];
    let mut sex = [0.0; 2];
    let mut needs = [0.0; 8];
    let (mut foster, mut homes, mut independent, mut other) = (0.0, 0.0, 0.0, 0.0);
    for r in rows(&data.join(CHARACTERISTICS_FILE))?
        .iter()
        .filter(|r| get(r, "new_la_code") == gss)
    {
        let Ok(year) = get(r, "time_period").parse::<i32>() else {
            continue;
        };
        let n = number(get(r, "number"));
        let (group, what) = (get(r, "cla_group"), get(r, "characteristic"));
        if group == "Age group" && what == "16 years and over" {
            if let Some(y) = years.get_mut(&year) {
                y.aged_16_plus = n;
            }
        }
        if year != latest {
            continue;
        }
        let n = n.unwrap_or(0.0);
        match (group, what) {
            ("Age group", "Under 1 year") => age_bands[0] = n,
            ("Age group", "1 to 4 years") => age_bands[1] = n,
            ("Age group", "5 to 9 years") => age_bands[2] = n,
            ("Age group", "10 to 15 years") => age_bands[3] = n,
            ("Age group", "16 years and over") => age_bands[4] = n,
            ("Sex", "Male") => sex[0] = n,
            ("Sex", "Female") => sex[1] = n,
            ("Category of need", c) => {
                if let Some(i) = (1..=8).find(|i| c.starts_with(&format!("N{i}."))) {
                    needs[i - 1] = n;
                }
            }
            ("Placement", "Total") => {}
            ("Placement", "Foster placements") => foster = n,
            ("Placement", "Secure homes and children's homes") => homes = n,
            ("Placement", p) if p.starts_with("Independent and semi-independent") => {
                independent = n
            }
            ("Placement", _) => other += n,
            _ => {}
        }
    }
    for r in rows(&data.join(MOVES_FILE))?
        .iter()
        .filter(|r| get(r, "new_la_code") == gss)
    {
        if let (Ok(year), "Total placements changing") =
            (get(r, "time_period").parse::<i32>(), get(r, "breakdown"))
        {
            if let Some(y) = years.get_mut(&year) {
                y.placement_changes = number(get(r, "children_count"));
            }
        }
    }
    let own = own_provision_share_of_foster(data)?;
    let kinship = foster * KINSHIP_SHARE_OF_FOSTER;
    let in_house = foster * (own - KINSHIP_SHARE_OF_FOSTER).max(0.0);
    let agency = (foster - kinship - in_house).max(0.0);
    Ok(DfeAuthority {
        gss: gss.to_string(),
        name,
        years: years.into_values().collect(),
        age_bands,
        sex,
        needs,
        // Secure units are not split from children's homes in these tables.
        kinds: [kinship, in_house, agency, 0.0, homes, independent, other],
        centroid,
    })
}

/// England's share of foster children placed by a local authority or other
/// public provider (own, other LA, other public) on the latest 31 March of
/// the national provider table, inside and outside authorities' boundaries.
pub fn own_provision_share_of_foster(data: &Path) -> Result<f64, ApiError> {
    let rows = rows(&data.join(PROVIDERS_FILE))?;
    let latest = rows
        .iter()
        .filter_map(|r| get(r, "time_period").parse::<i32>().ok())
        .max()
        .unwrap_or_default();
    let (mut own, mut all) = (0.0, 0.0);
    for r in &rows {
        let t = get(r, "placement_type");
        if get(r, "time_period").parse::<i32>().ok() != Some(latest)
            || !(t.ends_with("a. Foster placements"))
        {
            continue;
        }
        let n = number(get(r, "number")).unwrap_or(0.0);
        match get(r, "placement_provider") {
            "Own provision (by the LA)" | "Other LA provision" => own += n,
            p if p.starts_with("Other public provision") => own += n,
            "Private provision" | "Voluntary/third sector provision" => {}
            _ => continue,
        }
        all += n;
    }
    Ok(if all > 0.0 { own / all } else { 0.5 })
}

/// The DfE's suppression marks, read as missing.
const SUPPRESSED: [&str; 6] = ["c", "z", "x", "k", "low", ""];

/// A CSV table read whole: its file name (as given in problems), column
/// names, and rows (row 2 is the first under the header, as a spreadsheet
/// numbers it).
struct Table {
    file: &'static str,
    columns: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    fn read(data: &Path, file: &'static str, required: &[&str]) -> Result<Table, ApiError> {
        let path = data.join(file);
        let io = |e: csv::Error| ApiError::io(&path, std::io::Error::other(e.to_string()));
        let mut reader = csv::Reader::from_path(&path).map_err(io)?;
        let columns: Vec<String> = reader
            .headers()
            .map_err(io)?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_string())
            .collect();
        let missing: Vec<Problem> = required
            .iter()
            .filter(|c| !columns.iter().any(|h| h == *c))
            .map(|c| {
                Problem::new(
                    file,
                    "row 1",
                    None,
                    Some(c.to_string()),
                    "required column missing",
                )
            })
            .collect();
        if !missing.is_empty() {
            return Err(ApiError::InvalidDataset(missing));
        }
        let rows = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(io)?;
        Ok(Table {
            file,
            columns,
            rows,
        })
    }

    fn column(&self, name: &str) -> usize {
        self.columns.iter().position(|h| h == name).unwrap_or(0)
    }
}

/// Every local authority's published figures by year, from the three
/// authority-level tables of `data/dfe/` (each read once): children looked
/// after, starts and ceases; age groups and placements on 31 March;
/// placement changes. Suppressed cells are `None`. Every cell that is
/// neither a number nor a suppression mark, and every `time_period` that is
/// not a year, is reported with file, row and column; authorities in GSS
/// order.
pub fn load_figures(data: &Path) -> Result<Vec<AuthorityFigures>, ApiError> {
    let mut problems = Vec::new();
    let mut by_gss: BTreeMap<String, (String, BTreeMap<i32, YearFigures>)> = BTreeMap::new();
    let numbers = Table::read(
        data,
        NUMBERS_FILE,
        &[
            "time_period",
            "geographic_level",
            "new_la_code",
            "la_name",
            "population_type",
            "children_count",
        ],
    )?;
    let characteristics = Table::read(
        data,
        CHARACTERISTICS_FILE,
        &[
            "time_period",
            "geographic_level",
            "new_la_code",
            "la_name",
            "cla_group",
            "characteristic",
            "number",
        ],
    )?;
    let moves = Table::read(
        data,
        MOVES_FILE,
        &[
            "time_period",
            "geographic_level",
            "new_la_code",
            "la_name",
            "breakdown",
            "children_count",
        ],
    )?;
    for (table, value_column) in [
        (&numbers, "children_count"),
        (&characteristics, "number"),
        (&moves, "children_count"),
    ] {
        let col = |n: &str| table.column(n);
        let (c_time, c_level, c_gss, c_name, c_value) = (
            col("time_period"),
            col("geographic_level"),
            col("new_la_code"),
            col("la_name"),
            col(value_column),
        );
        for (i, r) in table.rows.iter().enumerate() {
            let cell = |c: usize| r.get(c).unwrap_or("").trim();
            if cell(c_level) != "Local authority" {
                continue;
            }
            let row = format!("row {}", i + 2);
            let gss = cell(c_gss).to_string();
            let problem = |field: &str, message: String| {
                Problem::new(
                    table.file,
                    row.clone(),
                    Some(gss.clone()),
                    Some(field.to_string()),
                    message,
                )
            };
            if gss.is_empty() {
                problems.push(problem("new_la_code", "GSS code missing".into()));
                continue;
            }
            let Ok(year) = cell(c_time).parse::<i32>() else {
                problems.push(problem(
                    "time_period",
                    format!("{:?} is not a year", optimiser::dataset::echo(cell(c_time))),
                ));
                continue;
            };
            let text = cell(c_value);
            let value = if SUPPRESSED.contains(&text) {
                None
            } else if let Some(v) = number(text).filter(|v| v.is_finite() && *v >= 0.0) {
                Some(v)
            } else {
                problems.push(problem(
                    value_column,
                    format!(
                        "{:?} is neither a count nor a suppression mark (c, z, x, k, low)",
                        optimiser::dataset::echo(text)
                    ),
                ));
                continue;
            };
            let entry = by_gss
                .entry(gss.clone())
                .or_insert_with(|| (cell(c_name).to_string(), BTreeMap::new()));
            let y = entry.1.entry(year).or_insert_with(|| YearFigures {
                year,
                ..YearFigures::default()
            });
            if std::ptr::eq(table, &numbers) {
                match cell(col("population_type")) {
                    "Children looked after on 31 March each year" => y.looked_after = value,
                    "Children starting to be looked after each year" => y.starts = value,
                    "Children ceasing to be looked after each year" => y.ceases = value,
                    _ => {}
                }
            } else if std::ptr::eq(table, &moves) {
                if cell(col("breakdown")) == "Total placements changing" {
                    y.placement_changes = value;
                }
            } else {
                let what = cell(col("characteristic"));
                match cell(col("cla_group")) {
                    "Age group" => {
                        let band = match what {
                            "Under 1 year" => Some(0),
                            "1 to 4 years" => Some(1),
                            "5 to 9 years" => Some(2),
                            "10 to 15 years" => Some(3),
                            "16 years and over" => Some(4),
                            _ => None,
                        };
                        if let Some(b) = band {
                            y.age_bands[b] = value;
                        }
                    }
                    "Placement" => {
                        if let Some(p) = PLACEMENTS.iter().position(|p| *p == what) {
                            y.placements[p] = value;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::InvalidDataset(problems));
    }
    Ok(by_gss
        .into_iter()
        .map(|(gss, (name, years))| AuthorityFigures {
            gss,
            name,
            years: years.into_values().collect(),
        })
        .collect())
}
