//! `placement sufficiency --chart`: an SVG of the main figures over time,
//! one panel each, a line (median) and a P10–P90 band per scenario
//! (plotters' SVG backend; text is laid out by the browser, so no font
//! library is needed).

use plotters::prelude::*;

use crate::error::ApiError;
use crate::service::sufficiency::SufficiencyReport;

/// The panels: figure key, title, scale applied to values.
const PANELS: [(&str, &str, f64); 4] = [
    ("looked_after", "Children looked after", 1.0),
    (
        "gap_total",
        "Children the stock could not take (cumulative)",
        1.0,
    ),
    (
        "share_within_20_miles",
        "Placed within 20 miles of home (%)",
        100.0,
    ),
    ("weekly_cost", "Weekly cost (£ thousands)", 0.001),
];

/// Width of the chart, pixels.
const WIDTH: u32 = 1200;

/// Scenario colours (repeating after eight).
const COLOURS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

fn draw_err<E: std::fmt::Debug>(e: E) -> ApiError {
    ApiError::Internal(format!("chart: {e:?}"))
}

/// The chart as SVG text.
pub fn svg(r: &SufficiencyReport) -> Result<String, ApiError> {
    let mut text = String::new();
    {
        let legend: Vec<String> = r
            .result
            .scenarios
            .iter()
            .map(|s| format!("■ {}", s.name))
            .collect();
        // Legend entries left to right, wrapping at the chart's width.
        let mut at = Vec::with_capacity(legend.len());
        let (mut x, mut row) = (10, 0);
        for l in &legend {
            let w = 12 + 8 * l.chars().count() as i32;
            if x > 10 && x + w > WIDTH as i32 - 10 {
                x = 10;
                row += 1;
            }
            at.push((x, 36 + 18 * row));
            x += w;
        }
        let top_height = 60 + 18 * row as u32;
        let root =
            SVGBackend::with_string(&mut text, (WIDTH, 840 + top_height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (top, body) = root.split_vertically(top_height);
        top.draw(&Text::new(
            format!(
                "Sufficiency projection: median and P10–P90 over {} draws",
                r.result.draws
            ),
            (10, 8),
            ("sans-serif", 20).into_font(),
        ))
        .map_err(draw_err)?;
        for (i, (l, pos)) in legend.iter().zip(at).enumerate() {
            top.draw(&Text::new(
                l.clone(),
                pos,
                ("sans-serif", 14)
                    .into_font()
                    .color(&COLOURS[i % COLOURS.len()]),
            ))
            .map_err(draw_err)?;
        }
        let panels = body.split_evenly((2, 2));
        for ((key, title, scale), area) in PANELS.iter().zip(panels.iter()) {
            let series: Vec<Vec<(f64, f64, f64, f64)>> = r
                .result
                .scenarios
                .iter()
                .map(|s| {
                    s.by_month
                        .iter()
                        .filter_map(|m| {
                            m.kpis.get(*key).map(|q| {
                                (
                                    f64::from(m.month),
                                    q.p10 * scale,
                                    q.p50 * scale,
                                    q.p90 * scale,
                                )
                            })
                        })
                        .collect()
                })
                .collect();
            let months = series
                .iter()
                .flat_map(|s| s.iter().map(|p| p.0))
                .fold(1.0, f64::max);
            let (lo, hi) = series
                .iter()
                .flatten()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                    (lo.min(p.1), hi.max(p.3))
                });
            let (lo, hi) = if lo.is_finite() && hi.is_finite() {
                let pad = ((hi - lo) * 0.05).max(1e-9);
                ((lo - pad).max(0.0), hi + pad)
            } else {
                (0.0, 1.0)
            };
            let mut chart = ChartBuilder::on(area)
                .caption(*title, ("sans-serif", 16))
                .margin(10)
                .x_label_area_size(30)
                .y_label_area_size(50)
                .build_cartesian_2d(1.0..months.max(2.0), lo..hi)
                .map_err(draw_err)?;
            chart
                .configure_mesh()
                .x_desc("month")
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(draw_err)?;
            for (i, s) in series.iter().enumerate() {
                let colour = COLOURS[i % COLOURS.len()];
                let mut band: Vec<(f64, f64)> = s.iter().map(|p| (p.0, p.3)).collect();
                band.extend(s.iter().rev().map(|p| (p.0, p.1)));
                chart
                    .draw_series(std::iter::once(Polygon::new(band, colour.mix(0.15))))
                    .map_err(draw_err)?;
                chart
                    .draw_series(LineSeries::new(
                        s.iter().map(|p| (p.0, p.2)),
                        colour.stroke_width(2),
                    ))
                    .map_err(draw_err)?;
            }
        }
        root.present().map_err(draw_err)?;
    }
    Ok(text)
}
