//! `placement backtest`: the errors across authorities as a table, and every
//! authority's comparisons as CSV.

use std::fmt::Write;

use optimiser::sufficiency::backtest::{ErrorSummary, Forecast, SummaryRow};

use super::table::Table;
use crate::service::backtest::BacktestReport;

fn pct(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| format!("{v:.2}"))
}

fn summary_cells(e: &ErrorSummary) -> [String; 3] {
    [
        format!("{:.1}", e.median_abs_error),
        format!("{:.2}", e.median_pct_error),
        format!("{:.2}", e.mape),
    ]
}

/// Which naive forecasts the model loses to on the median percentage error.
fn verdict(s: &SummaryRow) -> String {
    let m = s.model.median_pct_error;
    let mut lost = Vec::new();
    if m >= s.carried_forward.median_pct_error {
        lost.push("carried forward");
    }
    if m >= s.linear_trend.median_pct_error {
        lost.push("linear trend");
    }
    if lost.is_empty() {
        "model beats both".into()
    } else {
        format!("model LOSES to {}", lost.join(" and "))
    }
}

/// The readable report: the years, who was left out and why, and the median
/// errors of the model and the naive forecasts by year and figure.
pub fn backtest_table(r: &BacktestReport) -> String {
    let b = &r.backtest;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Backtest of the demand projection (expected value of the DfE aggregate model, no matching)"
    );
    let _ = writeln!(
        o,
        "Rates from the years ending 31 March {}-{}; forecasts of 31 March {}",
        b.config.base_first,
        b.config.base_last,
        b.config
            .targets
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(" and ")
    );
    let _ = writeln!(o, "Inputs: {}", r.inputs.join(", "));
    let _ = writeln!(o, "Authorities compared: {}", b.authorities.len());
    for e in &b.excluded {
        let _ = writeln!(o, "  left out: {} {}: {}", e.gss, e.name, e.reason);
    }
    let _ = writeln!(o, "Share placed over 20 miles: {}", r.distance);
    let _ = writeln!(
        o,
        "\nErrors across authorities: median absolute error (children), median % error, MAPE %"
    );
    let mut t = Table::new(&[
        ("year", false),
        ("figure", false),
        ("n", true),
        ("model abs", true),
        ("model %", true),
        ("model MAPE", true),
        ("carried abs", true),
        ("carried %", true),
        ("carried MAPE", true),
        ("trend abs", true),
        ("trend %", true),
        ("trend MAPE", true),
        ("verdict (median %)", false),
    ]);
    for s in &b.summary {
        let mut cells = vec![
            s.year.to_string(),
            s.metric.name().to_string(),
            s.authorities.to_string(),
        ];
        for e in [&s.model, &s.carried_forward, &s.linear_trend] {
            cells.extend(summary_cells(e));
        }
        cells.push(verdict(s));
        t.row(cells);
    }
    t.render(&mut o);
    let wins = b.summary.iter().filter(|s| s.model_beats_naive).count();
    let _ = writeln!(
        o,
        "\nThe model beats both naive forecasts on the median % error in {wins} of {} rows.",
        b.summary.len()
    );
    for s in b
        .summary
        .iter()
        .filter(|s| s.metric.name() == "looked_after")
    {
        let _ = writeln!(
            o,
            "Children looked after, {}: model {:.2} %, carried forward {:.2} %, linear trend {:.2} % (median % error): {}.",
            s.year,
            s.model.median_pct_error,
            s.carried_forward.median_pct_error,
            s.linear_trend.median_pct_error,
            verdict(s)
        );
    }
    o
}

fn forecast_cells(f: &Forecast) -> [String; 3] {
    [
        format!("{:.2}", f.value),
        format!("{:.2}", f.abs_error),
        pct(f.pct_error),
    ]
}

/// Every comparison, one CSV row per authority × year × figure.
pub fn backtest_csv(r: &BacktestReport) -> String {
    let mut o = String::from(
        "gss,name,year,metric,actual,model,model_abs_error,model_pct_error,carried_forward,carried_forward_abs_error,carried_forward_pct_error,linear_trend,linear_trend_abs_error,linear_trend_pct_error\n",
    );
    for a in &r.backtest.authorities {
        let name = if a.name.contains([',', '"']) {
            format!("\"{}\"", a.name.replace('"', "\"\""))
        } else {
            a.name.clone()
        };
        for c in &a.comparisons {
            let mut cells = vec![
                a.gss.clone(),
                name.clone(),
                c.year.to_string(),
                c.metric.name().to_string(),
                format!("{}", c.actual),
            ];
            for f in [&c.model, &c.carried_forward, &c.linear_trend] {
                cells.extend(forecast_cells(f));
            }
            let _ = writeln!(o, "{}", cells.join(","));
        }
    }
    o
}
