//! `placement sufficiency`: CSV (one row per scenario × month × KPI ×
//! quantile) and the terminal table at the horizon, every scenario beside
//! the first (the base).

use std::fmt::Write;

use optimiser::sufficiency::project::{PlaceClass, Quantiles, ScenarioResult};
use optimiser::sufficiency::CareKind;

use super::table::money;
use crate::error::ApiError;
use crate::service::sufficiency::SufficiencyReport;

/// The CSV: `scenario,month,kpi,quantile,value`, quantiles `p10`, `p50`,
/// `p90` and `mean`. The value of one more place follows each scenario's
/// months with `month` = `horizon` and `kpi` =
/// `value_of_place.<GSS>.<kind>.<min>-<max>` (the dual estimate, £ over the
/// horizon) and, for the classes checked, `value_of_place_resolved.…` (the
/// months' matchings re-solved with one more place; the month counts are in
/// the JSON and the table).
pub fn csv(r: &SufficiencyReport) -> Result<String, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| ApiError::Internal(format!("CSV: {e}"));
    w.write_record(["scenario", "month", "kpi", "quantile", "value"])
        .map_err(err)?;
    for s in &r.result.scenarios {
        for m in &s.by_month {
            let month = m.month.to_string();
            for (key, q) in &m.kpis {
                for (name, v) in [
                    ("p10", q.p10),
                    ("p50", q.p50),
                    ("p90", q.p90),
                    ("mean", q.mean),
                ] {
                    w.write_record([s.name.as_str(), &month, key, name, &v.to_string()])
                        .map_err(err)?;
                }
            }
        }
        for v in &s.value_of_place {
            let class = class_key(&v.class);
            let mut rows = vec![(format!("value_of_place.{class}"), v.value)];
            if let Some(c) = &v.check {
                rows.push((format!("value_of_place_resolved.{class}"), c.resolved));
            }
            for (key, q) in rows {
                for (name, x) in [
                    ("p10", q.p10),
                    ("p50", q.p50),
                    ("p90", q.p90),
                    ("mean", q.mean),
                ] {
                    w.write_record([s.name.as_str(), "horizon", &key, name, &x.to_string()])
                        .map_err(err)?;
                }
            }
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::Internal(format!("CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| ApiError::Internal(format!("CSV: {e}")))
}

fn kind_key(k: CareKind) -> &'static str {
    match k {
        CareKind::InHouseFoster => "in_house_foster",
        CareKind::AgencyFoster => "agency_foster",
        CareKind::ChildrensHome => "childrens_home",
        CareKind::KinshipFoster => "kinship_foster",
        CareKind::Secure => "secure",
        CareKind::SupportedIndependent => "supported_independent",
        CareKind::Other => "other",
    }
}

fn kind_label(k: CareKind) -> &'static str {
    match k {
        CareKind::InHouseFoster => "in-house foster",
        CareKind::AgencyFoster => "agency foster",
        CareKind::ChildrensHome => "children's home",
        CareKind::KinshipFoster => "kinship foster",
        CareKind::Secure => "secure",
        CareKind::SupportedIndependent => "supported/independent",
        CareKind::Other => "other",
    }
}

fn class_key(c: &PlaceClass) -> String {
    format!(
        "{}.{}.{}-{}",
        c.authority,
        kind_key(c.kind),
        c.min_age,
        c.max_age
    )
}

/// Rows of the value-of-one-more-place section shown per scenario.
const VALUE_ROWS: usize = 10;

/// The value of one more place: each scenario's first classes.
fn value_section(r: &SufficiencyReport, o: &mut String) {
    let mut grid: Vec<Vec<String>> = vec![vec![
        "scenario".into(),
        "authority".into(),
        "kind".into(),
        "ages".into(),
        "value (dual estimate)".into(),
        "re-solved (same months)".into(),
        "months differing".into(),
    ]];
    for s in &r.result.scenarios {
        for v in s.value_of_place.iter().take(VALUE_ROWS) {
            grid.push(vec![
                s.name.clone(),
                v.class.authority.clone(),
                kind_label(v.class.kind).into(),
                format!("{}–{}", v.class.min_age, v.class.max_age),
                cell(&v.value, Unit::Money),
                v.check
                    .as_ref()
                    .map_or("-".into(), |c| cell(&c.resolved, Unit::Money)),
                v.check.as_ref().map_or("-".into(), |c| {
                    format!("{} of {}", c.months_differing, c.months)
                }),
            ]);
        }
    }
    let months = r.result.scenarios.first().map_or(0, |s| s.months);
    let _ = writeln!(
        o,
        "\nValue of one more place over {months} months, by authority, provider kind and approval range (£, median (P10–P90) across draws; first {VALUE_ROWS} a scenario)"
    );
    let checked = r
        .result
        .scenarios
        .iter()
        .any(|s| s.value_of_place.iter().any(|v| v.check.is_some()));
    let _ = writeln!(
        o,
        "{}",
        if checked {
            "re-solved: each month's matching solved again with one more place at the class's best place; months differing: more than £1 a week from the dual"
        } else {
            "re-solved: with --check-value-of-place N"
        }
    );
    write_grid(&grid, o);
}

fn write_grid(grid: &[Vec<String>], o: &mut String) {
    let cols = grid.iter().map(|r| r.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            grid.iter()
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (n, line) in grid.iter().enumerate() {
        let mut s = String::new();
        for (c, x) in line.iter().enumerate() {
            if c > 0 {
                s.push_str("  ");
            }
            let pad = widths[c].saturating_sub(x.chars().count());
            if c == 0 {
                s.push_str(x);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(x);
            }
        }
        let _ = writeln!(o, "{}", s.trim_end());
        if n == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            let _ = writeln!(o, "{}", rule.join("  "));
        }
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Count,
    Share,
    Money,
}

fn fmt(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Count => format!("{v:.0}"),
        Unit::Share => format!("{:.0}%", v * 100.0),
        Unit::Money => money(v),
    }
}

fn cell(q: &Quantiles, unit: Unit) -> String {
    format!(
        "{} ({}–{})",
        fmt(q.p50, unit),
        fmt(q.p10, unit),
        fmt(q.p90, unit)
    )
}

fn horizon(s: &ScenarioResult, key: &str) -> Option<Quantiles> {
    s.by_month.last().and_then(|m| m.kpis.get(key)).copied()
}

/// The table at the horizon: median (P10–P90) of each main figure, each
/// scenario side by side with the first, and the change of the median
/// against it.
pub fn table(r: &SufficiencyReport) -> String {
    let res = &r.result;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Sufficiency projection: {} children looked after at the start in {}; stock {} free foster places, {} free children's home beds",
        res.cohort_children,
        r.authorities.join(", "),
        res.free_places_at_start[0],
        res.free_places_at_start[1]
    );
    let _ = writeln!(
        o,
        "{} draws a scenario, seed {}; figures at the horizon as median (P10–P90) across draws; Δ: change of the median against {}",
        res.draws,
        res.seed,
        res.scenarios.first().map_or("-", |s| s.name.as_str())
    );
    let Some(base) = res.scenarios.first() else {
        return o;
    };
    let mut rows: Vec<(String, String, Unit)> = vec![(
        "looked_after".into(),
        "children looked after".into(),
        Unit::Count,
    )];
    for b in ["under_1", "1_to_4", "5_to_9", "10_to_15", "16_to_17"] {
        rows.push((
            format!("looked_after.age.{b}"),
            format!("  aged {}", b.replace('_', " ")),
            Unit::Count,
        ));
    }
    for (k, label) in [
        ("kinship", "kinship foster"),
        ("in_house", "in-house foster"),
        ("agency", "agency foster"),
        ("constellation", "constellation household"),
        ("residential", "children's home"),
        ("out_of_area", "out of area (the gap)"),
        ("other", "secure, supported, other"),
    ] {
        rows.push((format!("mix.{k}"), format!("  {label}"), Unit::Count));
    }
    rows.push((
        "gap_total".into(),
        "could not be placed, whole horizon".into(),
        Unit::Count,
    ));
    for a in &r.authorities {
        rows.push((
            format!("gap_total.authority.{a}"),
            format!("  of {a}"),
            Unit::Count,
        ));
    }
    for b in ["under_1", "1_to_4", "5_to_9", "10_to_15", "16_to_17"] {
        rows.push((
            format!("gap_total.age.{b}"),
            format!("  aged {}", b.replace('_', " ")),
            Unit::Count,
        ));
    }
    for reason in [
        "no_eligible_place",
        "eligible_places_taken",
        "siblings_cannot_be_kept_together",
    ] {
        rows.push((
            format!("gap_total.reason.{reason}"),
            format!("  {}", reason.replace('_', " ")),
            Unit::Count,
        ));
    }
    rows.extend([
        (
            "gap".to_string(),
            "could not be placed, last month".to_string(),
            Unit::Count,
        ),
        (
            "share_within_20_miles".into(),
            "placed within 20 miles".into(),
            Unit::Share,
        ),
        (
            "share_in_own_authority".into(),
            "placed in own authority".into(),
            Unit::Share,
        ),
        (
            "free.foster".into(),
            "free foster places".into(),
            Unit::Count,
        ),
        (
            "free.residential".into(),
            "free children's home beds".into(),
            Unit::Count,
        ),
        ("weekly_cost".into(), "weekly cost".into(), Unit::Money),
        ("annual_cost".into(), "annual cost".into(), Unit::Money),
    ]);
    let mut header = vec![format!("at month {}", base.months)];
    for (i, s) in res.scenarios.iter().enumerate() {
        header.push(s.name.clone());
        if i > 0 {
            header.push("Δ".into());
        }
    }
    let mut grid = vec![header];
    let mut plain = vec!["expected, no capacity limit".to_string()];
    for (i, s) in res.scenarios.iter().enumerate() {
        plain.push(
            s.plain_looked_after
                .last()
                .map_or("-".into(), |v| format!("{v:.0}")),
        );
        if i > 0 {
            let d = s.plain_looked_after.last().copied().unwrap_or(0.0)
                - base.plain_looked_after.last().copied().unwrap_or(0.0);
            plain.push(format!("{d:+.0}"));
        }
    }
    for (key, label, unit) in rows {
        let Some(bq) = horizon(base, &key) else {
            continue;
        };
        let mut line = vec![label];
        for (i, s) in res.scenarios.iter().enumerate() {
            let q = horizon(s, &key).unwrap_or(bq);
            line.push(cell(&q, unit));
            if i > 0 {
                let d = q.p50 - bq.p50;
                line.push(match unit {
                    Unit::Count => format!("{d:+.0}"),
                    Unit::Share => format!("{:+.0} pt", d * 100.0),
                    Unit::Money => format!("{}{}", if d >= 0.0 { "+" } else { "" }, money(d)),
                });
            }
        }
        grid.push(line);
        if key == "looked_after" {
            grid.push(plain.clone());
        }
    }
    write_grid(&grid, &mut o);
    value_section(r, &mut o);
    o
}
