//! Writing a synthetic extract as SSDA903 CSV files (`header.csv`,
//! `episodes.csv`), the layout councils export and [`super::load_extract`]
//! reads. Every child in it is synthetic.

use std::path::Path;

use optimiser::sufficiency::{EpisodeEnd, EpisodeStart, SyntheticExtract};

use super::date::Date;
use crate::error::ApiError;

const ETHNIC: [&str; 10] = [
    "WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "MWBC", "BAFR", "AOTH", "WOTH",
];
const REASONS: [&str; 6] = ["CARPL", "CARPL", "CREQB", "CREQO", "CHILD", "OTHER"];

fn csv_error(path: &Path, e: csv::Error) -> ApiError {
    ApiError::io(path, std::io::Error::other(e.to_string()))
}

/// Writes `x` into `dir` (created if needed), with the timeline's origin on
/// `end`. A child's date of birth is `end` minus their whole months of age,
/// on a day of the month spread by the child's position (never after their
/// first episode).
pub fn write_extract(x: &SyntheticExtract, end: Date, dir: &Path) -> Result<(), ApiError> {
    std::fs::create_dir_all(dir).map_err(|e| ApiError::io(dir, e))?;
    let header_path = dir.join("header.csv");
    let episodes_path = dir.join("episodes.csv");
    let mut header =
        csv::Writer::from_path(&header_path).map_err(|e| csv_error(&header_path, e))?;
    let mut episodes =
        csv::Writer::from_path(&episodes_path).map_err(|e| csv_error(&episodes_path, e))?;
    header
        .write_record(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
        .map_err(|e| csv_error(&header_path, e))?;
    episodes
        .write_record(
            super::EPISODES_REQUIRED
                .iter()
                .chain(&super::EPISODES_OPTIONAL),
        )
        .map_err(|e| csv_error(&episodes_path, e))?;
    for (i, c) in x.children.iter().enumerate() {
        let h = &c.history;
        let months = h.age_at_origin_months as i64;
        let born = end.minus_calendar_months(months);
        let day = 1 + (i as u32 % end.day.min(28));
        let mut dob = Date {
            day: day.min(born.day),
            ..born
        };
        if let Some(first) = h.episodes.first() {
            dob = dob.min(end.plus_months(first.start));
        }
        let sex = h.sex.code();
        let dob_text = dob.to_string();
        header
            .write_record([
                h.child.as_str(),
                sex,
                &dob_text,
                ETHNIC[i % ETHNIC.len()],
                "",
                "",
                "",
            ])
            .map_err(|e| csv_error(&header_path, e))?;
        for (k, e) in h.episodes.iter().enumerate() {
            let decom = end.plus_months(e.start).to_string();
            let dec = e
                .end
                .map(|t| end.plus_months(t).to_string())
                .unwrap_or_default();
            let rec = match &e.reason_end {
                EpisodeEnd::Open => "",
                EpisodeEnd::Continues => "X1",
                EpisodeEnd::LeftCare(code) => code.as_str(),
            };
            let reason = if e.reason_start == EpisodeStart::Placement {
                REASONS[(i + k) % REASONS.len()]
            } else {
                ""
            };
            let pl_post = c
                .placement_posts
                .get(k)
                .map(String::as_str)
                .unwrap_or_default();
            episodes
                .write_record([
                    h.child.as_str(),
                    &decom,
                    e.reason_start.code(),
                    &e.legal_status,
                    e.need.code(),
                    &e.place,
                    e.provider.as_deref().unwrap_or_default(),
                    &dec,
                    rec,
                    reason,
                    &c.home_post,
                    pl_post,
                    e.urn.as_deref().unwrap_or_default(),
                ])
                .map_err(|e| csv_error(&episodes_path, e))?;
        }
    }
    header.flush().map_err(|e| ApiError::io(&header_path, e))?;
    episodes
        .flush()
        .map_err(|e| ApiError::io(&episodes_path, e))
}
