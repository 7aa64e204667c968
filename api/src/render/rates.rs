//! `placement rates --format table`: the estimated rates with their events
//! and exposure.

use std::fmt::Write;

use optimiser::sufficiency::{Entry, RatesSource};

use super::table::Table;
use crate::ssda903::RatesReport;

fn all<T: Copy>(v: Option<T>, label: fn(T) -> String) -> String {
    v.map_or_else(|| "all".to_string(), label)
}

fn figures(e: &Entry) -> [String; 3] {
    [
        format!("{:.1}", e.events)
            .trim_end_matches(".0")
            .to_string(),
        format!("{:.1}", e.exposure),
        format!("{:.5}", e.rate),
    ]
}

/// The readable report.
pub fn rates_table(r: &RatesReport) -> String {
    let rates = &r.rates;
    let mut o = String::new();
    let source = match rates.source {
        RatesSource::Ssda903 => "SSDA903 extract",
        RatesSource::DfeAggregate => "DfE published statistics (aggregate)",
    };
    let _ = writeln!(o, "Rates from the {source}: {}", r.input);
    if let Some(a) = &r.authority {
        let _ = writeln!(
            o,
            "Authority: {a}{}",
            r.authority_name
                .as_ref()
                .map_or(String::new(), |n| format!(" {n}"))
        );
    }
    let _ = writeln!(
        o,
        "Window: {} to {} ({:.1} months)",
        r.window_start,
        r.window_end,
        rates.window.months()
    );
    if let Some(x) = &r.extract {
        let _ = writeln!(
            o,
            "Extract: {} children in Header, {} episodes, dates {} to {}",
            x.header_rows, x.episode_rows, x.first_date, x.last_date
        );
    }
    match rates.source {
        RatesSource::Ssda903 => {
            let _ = writeln!(
                o,
                "Children looked after in the window: {} (periods seen from their middle: {})",
                rates.children, rates.left_truncated_periods
            );
        }
        RatesSource::DfeAggregate => {
            let _ = writeln!(
                o,
                "Children looked after on 31 March {}: {}",
                &r.window_end[..4],
                rates.children
            );
        }
    }

    let _ = writeln!(o, "\nEntries per month (events / months of window)");
    let mut t = Table::new(&[
        ("age band", false),
        ("need", false),
        ("entries", true),
        ("months", true),
        ("per month", true),
    ]);
    for e in rates
        .entries
        .iter()
        .filter(|e| e.estimate.events > 0.0 || e.age_band.is_none())
    {
        let [a, b, c] = figures(&e.estimate);
        t.row(vec![
            all(e.age_band, |b| b.label().to_string()),
            all(e.need, |n| n.code().to_string()),
            a,
            b,
            c,
        ]);
    }
    t.render(&mut o);
    let zero = rates
        .entries
        .iter()
        .filter(|e| e.estimate.events == 0.0 && e.age_band.is_some())
        .count();
    if zero > 0 {
        let _ = writeln!(
            o,
            "({zero} age band × need cells with no entries are in the JSON)"
        );
    }

    let _ = writeln!(o, "\nLeaving care per child-month (exit hazard)");
    let mut t = Table::new(&[
        ("age band", false),
        ("kind", false),
        ("time in care", false),
        ("exits", true),
        ("child-months", true),
        ("hazard", true),
    ]);
    for e in &rates.exits {
        let [a, b, c] = figures(&e.estimate);
        t.row(vec![
            all(e.age_band, |b| b.label().to_string()),
            all(e.kind, |k| k.label().to_string()),
            all(e.time_in_care, |t| t.label().to_string()),
            a,
            b,
            c,
        ]);
    }
    t.render(&mut o);

    let _ = writeln!(o, "\nPlacement moves per child-month (move hazard)");
    let mut t = Table::new(&[
        ("kind", false),
        ("moves", true),
        ("child-months", true),
        ("hazard", true),
    ]);
    for m in &rates.moves {
        let [a, b, c] = figures(&m.estimate);
        t.row(vec![all(m.kind, |k| k.label().to_string()), a, b, c]);
    }
    t.render(&mut o);

    let l = &rates.leaving_at_18;
    let _ = writeln!(
        o,
        "\nLeaving at 18: {:.0} reached 17 years 11 months in care, {:.0} left at 18, {}",
        l.reached,
        l.left,
        l.staying_put
            .map_or("staying put not published".to_string(), |s| format!(
                "{s:.0} stayed put (E17)"
            ))
    );
    o
}
