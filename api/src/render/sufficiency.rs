//! `placement sufficiency`: CSV (one row per scenario × month × KPI ×
//! quantile) and the terminal table at the horizon, every scenario beside
//! the first (the base).

use std::fmt::Write;

use optimiser::sufficiency::project::{Quantiles, ScenarioResult};

use super::table::money;
use crate::error::ApiError;
use crate::service::sufficiency::SufficiencyReport;

/// The CSV: `scenario,month,kpi,quantile,value`, quantiles `p10`, `p50`,
/// `p90` and `mean`.
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
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::Internal(format!("CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| ApiError::Internal(format!("CSV: {e}")))
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
    o
}
