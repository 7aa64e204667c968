//! The backtest of the demand projection against what really happened
//! (issue 12): rates built from the DfE published statistics of the base
//! years only (by default the years ending 31 March 2021, 2022 and 2023),
//! each authority projected to later 31 Marches (2024, 2025), and the
//! projection compared with the published actuals, beside two naive
//! forecasts.
//!
//! # The model forecast: the expected value, demand side only
//!
//! The forecast is the **expected value** of the Markov/Poisson cohort
//! model that [`Rates::from_dfe`] defines, computed exactly by a
//! deterministic recurrence (no random draws, so the same data always give
//! the same figures), with **no matching**: the backtest asks whether the
//! demand model forecasts how many children will be looked after, and the
//! published actuals say nothing about the stock of places, so the supply
//! side could only add noise (and the sufficiency gap does not change the
//! number of children looked after). It is the model the projection of
//! `sufficiency::project` runs with `--dfe-statistics`, with its Monte Carlo
//! replaced by its expectation:
//!
//! - **Start**: the children looked after on 31 March of the last base
//!   year, by single month of age: each published age group's share of the
//!   published total, spread evenly over the ages [`synthesise_cohort`](super::synthesise_cohort)
//!   draws in that band (whole months, 16 and over to 214 months); a
//!   suppressed age group counts as none, as in [`synthesise_cohort`](super::synthesise_cohort).
//! - **Each month**: a child aged 215 months or more leaves (leaving at 18);
//!   every other child stays with probability `e^(−h)` (`h` the aggregate
//!   exit hazard) and is a month older; `λ` children enter (the aggregate
//!   entry rate), split over age bands like the synthetic cohort's expected
//!   recent entrants (under 6 months in care: the split
//!   `project::AuthorityModel` makes of an aggregate entry rate; a child
//!   under 6 months old is always recent, an older one with probability
//!   `1 − e^(−6h)`), uniformly over the band's entry ages.
//! - **Placement mix**: the aggregate model gives every kind the same exit
//!   hazard and keeps each child's kind on a move, and entrants need the
//!   cohort's kinds in its proportions, so in expectation the mix stays the
//!   last base year's. The model's count of a placement category is that
//!   year's share times the projected total: its *share* is exactly the
//!   carried-forward share, and any difference from the naive forecast of
//!   the category's count comes from the total alone.
//! - **Distance** (the share placed over 20 miles): not forecast. The
//!   published tables in `data/dfe/` give distance only nationally (and as
//!   inside or outside the council's boundary, not 20 miles), and a
//!   demand-only projection has no geography; the backtest compares only
//!   what the model can forecast.
//!
//! # The naive forecasts
//!
//! - **Carried forward**: the last base year's published value.
//! - **Linear trend**: the least-squares line through the base years'
//!   values, read at the target year, floored at 0 (a count).
//!
//! # Errors
//!
//! For each authority, target year, figure and forecast: the absolute
//! error `|forecast − actual|` (children) and the percentage error
//! `100 · |forecast − actual| / actual` (none when the actual is 0). Across
//! authorities: the median absolute error, the median percentage error and
//! the mean absolute percentage error (MAPE). A figure is compared for an
//! authority only when the actual and every base year's value are published
//! (suppressed cells are missing, not zero); an authority whose base years
//! lack the counts the rates need is left out, with the reason.

use serde::{Deserialize, Serialize};

use super::dfe::{DfeAuthority, DfeYear};
use super::kinds::AgeBand;
use super::rates::Rates;
use super::LEAVING_AGE_MONTHS;

/// Months of age a child can be looked after at in the projection
/// (0..=215): the length of a by-age state.
pub const AGES: usize = LEAVING_AGE_MONTHS as usize + 1;

/// The placement categories of the DfE's table of children looked after on
/// 31 March (the most detail it gives by authority).
pub const PLACEMENTS: [&str; 8] = [
    "Foster placements",
    "Secure homes and children's homes",
    "Independent and semi-independent living arrangements/supported accommodation",
    "Other residential settings",
    "Residential schools",
    "Placed with parents or other person with parental responsibility",
    "Placed for adoption",
    "Other placements",
];

/// One figure compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Children looked after on 31 March.
    LookedAfter,
    /// Aged under 1.
    AgeUnder1,
    /// Aged 1 to 4.
    Age1To4,
    /// Aged 5 to 9.
    Age5To9,
    /// Aged 10 to 15.
    Age10To15,
    /// Aged 16 and over.
    Age16Plus,
    /// Foster placements.
    Foster,
    /// Secure homes and children's homes.
    ChildrensHomes,
    /// Independent and semi-independent living, supported accommodation.
    Independent,
    /// Other residential settings.
    OtherResidential,
    /// Residential schools.
    ResidentialSchools,
    /// Placed with parents or another person with parental responsibility.
    WithParents,
    /// Placed for adoption.
    Adoption,
    /// Other placements.
    OtherPlacements,
}

impl Metric {
    /// Every figure, in report order.
    pub const ALL: [Metric; 14] = [
        Metric::LookedAfter,
        Metric::AgeUnder1,
        Metric::Age1To4,
        Metric::Age5To9,
        Metric::Age10To15,
        Metric::Age16Plus,
        Metric::Foster,
        Metric::ChildrensHomes,
        Metric::Independent,
        Metric::OtherResidential,
        Metric::ResidentialSchools,
        Metric::WithParents,
        Metric::Adoption,
        Metric::OtherPlacements,
    ];

    /// The name used in JSON, CSV and tables.
    pub fn name(self) -> &'static str {
        match self {
            Metric::LookedAfter => "looked_after",
            Metric::AgeUnder1 => "age_under_1",
            Metric::Age1To4 => "age_1_to_4",
            Metric::Age5To9 => "age_5_to_9",
            Metric::Age10To15 => "age_10_to_15",
            Metric::Age16Plus => "age_16_plus",
            Metric::Foster => "foster",
            Metric::ChildrensHomes => "childrens_homes",
            Metric::Independent => "independent",
            Metric::OtherResidential => "other_residential",
            Metric::ResidentialSchools => "residential_schools",
            Metric::WithParents => "with_parents",
            Metric::Adoption => "adoption",
            Metric::OtherPlacements => "other_placements",
        }
    }
}

/// One year's published figures of an authority, `None` where missing or
/// suppressed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct YearFigures {
    /// The year the 31 March falls in.
    pub year: i32,
    /// Children looked after on 31 March.
    pub looked_after: Option<f64>,
    /// Children starting to be looked after in the year.
    pub starts: Option<f64>,
    /// Children ceasing to be looked after in the year.
    pub ceases: Option<f64>,
    /// Placement changes in the year.
    pub placement_changes: Option<f64>,
    /// Children by age group on 31 March: under 1, 1–4, 5–9, 10–15, 16 and over.
    pub age_bands: [Option<f64>; 5],
    /// Children by placement on 31 March, in the order of [`PLACEMENTS`].
    pub placements: [Option<f64>; 8],
}

impl YearFigures {
    /// The published value of `m` this year.
    pub fn value(&self, m: Metric) -> Option<f64> {
        let i = Metric::ALL.iter().position(|x| *x == m).unwrap_or(0);
        match i {
            0 => self.looked_after,
            1..=5 => self.age_bands[i - 1],
            _ => self.placements[i - 6],
        }
    }
}

/// An authority's published figures over the years, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorityFigures {
    /// GSS code.
    pub gss: String,
    /// Name.
    pub name: String,
    /// Years, oldest first.
    pub years: Vec<YearFigures>,
}

impl AuthorityFigures {
    fn year(&self, y: i32) -> Option<&YearFigures> {
        self.years.iter().find(|f| f.year == y)
    }
}

/// Which years build the rates and which are forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BacktestConfig {
    /// First base year.
    pub base_first: i32,
    /// Last base year: the projection starts on its 31 March.
    pub base_last: i32,
    /// The years forecast (each after `base_last`).
    pub targets: Vec<i32>,
}

impl Default for BacktestConfig {
    /// Issue 12's backtest: rates from 2021–2023, forecasts of 2024 and 2025.
    fn default() -> Self {
        BacktestConfig {
            base_first: 2021,
            base_last: 2023,
            targets: vec![2024, 2025],
        }
    }
}

/// One forecast of one figure and its errors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// The forecast value.
    pub value: f64,
    /// `|value − actual|`.
    pub abs_error: f64,
    /// `100 · |value − actual| / actual`; `None` when the actual is 0.
    pub pct_error: Option<f64>,
}

impl Forecast {
    /// A forecast of `actual`.
    pub fn new(value: f64, actual: f64) -> Forecast {
        let abs_error = (value - actual).abs();
        Forecast {
            value,
            abs_error,
            pct_error: (actual > 0.0).then(|| 100.0 * abs_error / actual),
        }
    }
}

/// One figure of one authority in one target year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The target year.
    pub year: i32,
    /// The figure.
    pub metric: Metric,
    /// The published actual.
    pub actual: f64,
    /// The model's forecast.
    pub model: Forecast,
    /// The last base year's value.
    pub carried_forward: Forecast,
    /// The base years' least-squares line at the target year.
    pub linear_trend: Forecast,
}

/// An authority's comparisons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorityBacktest {
    /// GSS code.
    pub gss: String,
    /// Name.
    pub name: String,
    /// The rates of the base years: entries a month.
    pub entry_rate: f64,
    /// Exit hazard per child-month (other than at 18).
    pub exit_hazard: f64,
    /// Every figure compared, by target year then figure.
    pub comparisons: Vec<Comparison>,
}

/// An authority left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excluded {
    /// GSS code.
    pub gss: String,
    /// Name.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// One forecast's errors across authorities.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ErrorSummary {
    /// Median absolute error (children).
    pub median_abs_error: f64,
    /// Median percentage error.
    pub median_pct_error: f64,
    /// Mean absolute percentage error.
    pub mape: f64,
}

/// One figure in one target year across authorities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// The target year.
    pub year: i32,
    /// The figure.
    pub metric: Metric,
    /// Authorities compared (those with a percentage error: actual > 0).
    pub authorities: usize,
    /// The model.
    pub model: ErrorSummary,
    /// Carried forward.
    pub carried_forward: ErrorSummary,
    /// Linear trend.
    pub linear_trend: ErrorSummary,
    /// Whether the model's median percentage error is below both naive
    /// forecasts'.
    pub model_beats_naive: bool,
}

/// The whole backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// The years used.
    pub config: BacktestConfig,
    /// Every authority compared, in input order.
    pub authorities: Vec<AuthorityBacktest>,
    /// Authorities left out.
    pub excluded: Vec<Excluded>,
    /// Errors across authorities, by target year then figure.
    pub summary: Vec<SummaryRow>,
}

/// The least-squares line through `points` (year, value) read at `year`,
/// floored at 0; `None` without points. One point gives a flat line.
pub fn linear_trend(points: &[(i32, f64)], year: i32) -> Option<f64> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| f64::from(p.0)).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (f64::from(p.0) - mx).powi(2)).sum();
    let sxy: f64 = points
        .iter()
        .map(|p| (f64::from(p.0) - mx) * (p.1 - my))
        .sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    Some((my + slope * (f64::from(year) - mx)).max(0.0))
}

/// The median of `values` (mean of the middle two for an even count); 0
/// when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Ages (whole months) [`synthesise_cohort`](super::synthesise_cohort)
/// gives a child of `band`: 16 and over up to 214.
fn cohort_ages(band: AgeBand) -> std::ops::Range<usize> {
    let hi = if band == AgeBand::Age16To17 {
        LEAVING_AGE_MONTHS
    } else {
        band.upper_months()
    };
    band.lower_months() as usize..hi as usize
}

/// Ages an entrant of `band` may have (as `project::demand::entry_ages`).
fn entry_ages(band: AgeBand) -> std::ops::Range<usize> {
    band.lower_months() as usize..band.upper_months().min(LEAVING_AGE_MONTHS) as usize
}

/// The expected number of children looked after by month of age after each
/// of `months` months, from `start` (by month of age), entrants `entries`
/// a month by age of entry, exit hazard `h` a month (see the module's
/// documentation).
pub fn expected_by_age(
    start: &[f64; AGES],
    entries: &[f64; AGES],
    h: f64,
    months: u32,
) -> Vec<[f64; AGES]> {
    let stay = (-h).exp();
    let mut n = *start;
    let mut out = Vec::with_capacity(months as usize);
    for _ in 0..months {
        let mut next = [0.0; AGES];
        for a in 0..AGES - 1 {
            next[a + 1] += n[a] * stay;
        }
        for (x, e) in next.iter_mut().zip(entries) {
            *x += e;
        }
        n = next;
        out.push(n);
    }
    out
}

/// The model's start and entrants by month of age for an authority whose
/// last base year has `looked_after` children split by `bands`, with entry
/// rate `lambda` and exit hazard `h`.
fn start_and_entries(
    looked_after: f64,
    bands: &[f64; 5],
    lambda: f64,
    h: f64,
) -> ([f64; AGES], [f64; AGES]) {
    let total: f64 = bands.iter().sum();
    let mut start = [0.0; AGES];
    let mut recent = [0.0; 5];
    for (bi, band) in AgeBand::ALL.into_iter().enumerate() {
        let ages = cohort_ages(band);
        let count = if total > 0.0 {
            looked_after * bands[bi] / total
        } else {
            0.0
        };
        let per_age = count / ages.len() as f64;
        for a in ages {
            start[a] += per_age;
            let p_recent = if a < 6 { 1.0 } else { 1.0 - (-6.0 * h).exp() };
            recent[bi] += per_age * p_recent;
        }
    }
    let recent_total: f64 = recent.iter().sum();
    let mut entries = [0.0; AGES];
    for (bi, band) in AgeBand::ALL.into_iter().enumerate() {
        let share = if recent_total > 0.0 {
            recent[bi] / recent_total
        } else {
            0.2
        };
        let ages = entry_ages(band);
        let per_age = lambda * share / ages.len() as f64;
        for a in ages {
            entries[a] += per_age;
        }
    }
    (start, entries)
}

/// The model's forecast of every figure after `months` months (see the
/// module's documentation): total, the five age bands, the eight placement
/// categories. `None` for the placement categories when the last base year
/// publishes none.
fn model_forecasts(
    last: &YearFigures,
    looked_after: f64,
    rates: &Rates,
    months: u32,
) -> Vec<(Metric, Option<f64>)> {
    let lambda = rates.entries.iter().map(|e| e.estimate.rate).sum::<f64>();
    let h = rates.exits.first().map_or(0.0, |e| e.estimate.rate);
    let bands = last.age_bands.map(|b| b.unwrap_or(0.0));
    let (start, entries) = start_and_entries(looked_after, &bands, lambda, h);
    let path = expected_by_age(&start, &entries, h, months);
    let end = path.last().copied().unwrap_or(start);
    let mut by_band = [0.0; 5];
    for (a, n) in end.iter().enumerate() {
        let b = AgeBand::of_months(a as f64);
        let bi = AgeBand::ALL.iter().position(|x| *x == b).unwrap_or(0);
        by_band[bi] += n;
    }
    let total: f64 = by_band.iter().sum();
    let mut out = vec![(Metric::LookedAfter, Some(total))];
    for (bi, m) in Metric::ALL[1..6].iter().enumerate() {
        out.push((*m, Some(by_band[bi])));
    }
    for (pi, m) in Metric::ALL[6..].iter().enumerate() {
        let share = last.placements[pi].map(|p| p / looked_after);
        out.push((*m, share.map(|s| s * total)));
    }
    out
}

/// The figures of the base years as the rates need them, and nothing later
/// (the forecast cannot see the years it forecasts).
fn base_authority(a: &AuthorityFigures, config: &BacktestConfig) -> Result<DfeAuthority, String> {
    let mut years = Vec::new();
    for y in config.base_first..=config.base_last {
        let f = a
            .year(y)
            .ok_or_else(|| format!("no figures for the year ending 31 March {y}"))?;
        let need = |v: Option<f64>, what: &str| {
            v.ok_or_else(|| format!("{what} for the year ending 31 March {y} not published"))
        };
        years.push(DfeYear {
            year: y,
            looked_after: need(f.looked_after, "children looked after")?,
            starts: need(f.starts, "starts")?,
            ceases: need(f.ceases, "ceases")?,
            placement_changes: f.placement_changes,
            aged_16_plus: f.age_bands[4],
        });
    }
    Ok(DfeAuthority {
        gss: a.gss.clone(),
        name: a.name.clone(),
        years,
        age_bands: [0.0; 5],
        sex: [0.0; 2],
        needs: [0.0; 8],
        kinds: [0.0; 7],
        centroid: None,
    })
}

/// The backtest of every authority in `authorities` (see the module's
/// documentation).
pub fn backtest(authorities: &[AuthorityFigures], config: &BacktestConfig) -> Backtest {
    let mut done = Vec::new();
    let mut excluded = Vec::new();
    for a in authorities {
        let exclude = |reason: String| Excluded {
            gss: a.gss.clone(),
            name: a.name.clone(),
            reason,
        };
        let base = match base_authority(a, config) {
            Ok(b) => b,
            Err(reason) => {
                excluded.push(exclude(reason));
                continue;
            }
        };
        let Some(rates) = Rates::from_dfe(&base, config.base_first, config.base_last) else {
            excluded.push(exclude("no base year".into()));
            continue;
        };
        let Some(last) = a.year(config.base_last) else {
            excluded.push(exclude("no last base year".into()));
            continue;
        };
        let looked_after = last.looked_after.unwrap_or(0.0);
        if last.age_bands.iter().all(Option::is_none) {
            excluded.push(exclude(format!(
                "no age group on 31 March {} published",
                config.base_last
            )));
            continue;
        }
        let mut comparisons = Vec::new();
        for &target in &config.targets {
            let Some(actual_year) = a.year(target) else {
                continue;
            };
            let months = (12 * (target - config.base_last)).max(0) as u32;
            for (metric, model) in model_forecasts(last, looked_after, &rates, months) {
                let (Some(model), Some(actual)) = (model, actual_year.value(metric)) else {
                    continue;
                };
                let base: Option<Vec<(i32, f64)>> = (config.base_first..=config.base_last)
                    .map(|y| a.year(y).and_then(|f| f.value(metric)).map(|v| (y, v)))
                    .collect();
                let Some(base) = base else {
                    continue;
                };
                let Some(&(_, carried)) = base.last() else {
                    continue;
                };
                let trend = linear_trend(&base, target).unwrap_or(carried);
                comparisons.push(Comparison {
                    year: target,
                    metric,
                    actual,
                    model: Forecast::new(model, actual),
                    carried_forward: Forecast::new(carried, actual),
                    linear_trend: Forecast::new(trend, actual),
                });
            }
        }
        if comparisons.is_empty() {
            excluded.push(exclude(format!(
                "no actual published for {:?}",
                config.targets
            )));
            continue;
        }
        done.push(AuthorityBacktest {
            gss: a.gss.clone(),
            name: a.name.clone(),
            entry_rate: rates.entries.iter().map(|e| e.estimate.rate).sum(),
            exit_hazard: rates.exits.first().map_or(0.0, |e| e.estimate.rate),
            comparisons,
        });
    }
    let summary = summarise(&done, config);
    Backtest {
        config: config.clone(),
        authorities: done,
        excluded,
        summary,
    }
}

fn summarise(done: &[AuthorityBacktest], config: &BacktestConfig) -> Vec<SummaryRow> {
    let mut out = Vec::new();
    for &year in &config.targets {
        for metric in Metric::ALL {
            let rows: Vec<&Comparison> = done
                .iter()
                .flat_map(|a| &a.comparisons)
                .filter(|c| c.year == year && c.metric == metric && c.actual > 0.0)
                .collect();
            if rows.is_empty() {
                continue;
            }
            let of = |f: fn(&Comparison) -> &Forecast| {
                let abs: Vec<f64> = rows.iter().map(|c| f(c).abs_error).collect();
                let pct: Vec<f64> = rows.iter().filter_map(|c| f(c).pct_error).collect();
                ErrorSummary {
                    median_abs_error: median(&abs),
                    median_pct_error: median(&pct),
                    mape: pct.iter().sum::<f64>() / pct.len().max(1) as f64,
                }
            };
            let model = of(|c| &c.model);
            let carried_forward = of(|c| &c.carried_forward);
            let linear_trend = of(|c| &c.linear_trend);
            out.push(SummaryRow {
                year,
                metric,
                authorities: rows.len(),
                model_beats_naive: model.median_pct_error < carried_forward.median_pct_error
                    && model.median_pct_error < linear_trend.median_pct_error,
                model,
                carried_forward,
                linear_trend,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(y: i32, la: f64, starts: f64, ceases: f64) -> YearFigures {
        YearFigures {
            year: y,
            looked_after: Some(la),
            starts: Some(starts),
            ceases: Some(ceases),
            placement_changes: None,
            age_bands: [
                Some(la * 0.05),
                Some(la * 0.15),
                Some(la * 0.2),
                Some(la * 0.4),
                Some(la * 0.2),
            ],
            placements: [
                Some(la * 0.7),
                Some(la * 0.1),
                Some(la * 0.1),
                None,
                Some(0.0),
                Some(la * 0.1),
                None,
                None,
            ],
        }
    }

    fn authority(values: [f64; 5]) -> AuthorityFigures {
        AuthorityFigures {
            gss: "E00000001".into(),
            name: "Test".into(),
            years: (2021..=2025)
                .zip(values)
                .map(|(y, v)| year(y, v, 100.0, 100.0))
                .collect(),
        }
    }

    #[test]
    fn trend_of_a_linear_series_is_exact() {
        let pts = [(2021, 300.0), (2022, 310.0), (2023, 320.0)];
        assert_eq!(linear_trend(&pts, 2024), Some(330.0));
        assert_eq!(linear_trend(&pts, 2025), Some(340.0));
        // Not linear: the least-squares line, by hand (mean 310, slope 15).
        let pts = [(2021, 300.0), (2022, 300.0), (2023, 330.0)];
        assert_eq!(linear_trend(&pts, 2024), Some(340.0));
        // Floored at zero.
        assert_eq!(linear_trend(&[(2021, 20.0), (2023, 0.0)], 2025), Some(0.0));
        assert_eq!(linear_trend(&[], 2025), None);
    }

    #[test]
    fn median_odd_and_even() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn naive_forecasts_and_errors_by_hand() {
        // 2021–2023: 300, 310, 320; actuals 2024: 350, 2025: 300.
        let b = backtest(
            &[authority([300.0, 310.0, 320.0, 350.0, 300.0])],
            &BacktestConfig::default(),
        );
        assert!(b.excluded.is_empty(), "{:?}", b.excluded);
        let a = &b.authorities[0];
        let total = |y: i32| {
            a.comparisons
                .iter()
                .find(|c| c.year == y && c.metric == Metric::LookedAfter)
                .cloned()
                .expect("total compared")
        };
        let c24 = total(2024);
        assert_eq!(c24.actual, 350.0);
        assert_eq!(c24.carried_forward.value, 320.0);
        assert_eq!(c24.carried_forward.abs_error, 30.0);
        assert!(
            (c24.carried_forward.pct_error.unwrap_or(0.0) - 100.0 * 30.0 / 350.0).abs() < 1e-12
        );
        assert_eq!(c24.linear_trend.value, 330.0);
        assert_eq!(c24.linear_trend.abs_error, 20.0);
        let c25 = total(2025);
        assert_eq!(c25.actual, 300.0);
        assert_eq!(c25.carried_forward.abs_error, 20.0);
        assert_eq!(c25.linear_trend.value, 340.0);
        assert_eq!(c25.linear_trend.abs_error, 40.0);
        // A placement category missing in a base year is not compared; one
        // published as 0 with actual 0 is compared but has no percentage.
        assert!(!a
            .comparisons
            .iter()
            .any(|c| c.metric == Metric::OtherResidential));
        let schools = a
            .comparisons
            .iter()
            .find(|c| c.metric == Metric::ResidentialSchools && c.year == 2024)
            .expect("residential schools compared");
        assert_eq!(schools.model.pct_error, None);
        // One authority: the medians are its errors.
        let s = b
            .summary
            .iter()
            .find(|s| s.year == 2024 && s.metric == Metric::LookedAfter)
            .expect("summary row");
        assert_eq!(s.authorities, 1);
        assert_eq!(s.carried_forward.median_abs_error, 30.0);
        assert_eq!(s.linear_trend.median_abs_error, 20.0);
    }

    #[test]
    fn model_is_the_exact_expectation_of_the_aggregate_model() {
        // No entrants: the count decays by e^(−h) a month, less those who
        // reach 18; with everyone under 1 nobody reaches 18 within a year.
        let mut start = [0.0; AGES];
        start[0] = 1000.0;
        let path = expected_by_age(&start, &[0.0; AGES], 0.01, 12);
        let total: f64 = path[11].iter().sum();
        assert!((total - 1000.0 * (-0.12f64).exp()).abs() < 1e-9);
        assert!((path[11][12] - total).abs() < 1e-9, "aged a year");
        // Everyone at 214 months: leaves at 18 after one more month.
        let mut start = [0.0; AGES];
        start[214] = 10.0;
        let path = expected_by_age(&start, &[0.0; AGES], 0.0, 2);
        assert_eq!(path[0].iter().sum::<f64>(), 10.0);
        assert_eq!(path[1].iter().sum::<f64>(), 0.0);
    }

    #[test]
    fn the_mix_is_carried_and_the_bands_sum_to_the_total() {
        let b = backtest(
            &[authority([300.0, 300.0, 300.0, 300.0, 300.0])],
            &BacktestConfig::default(),
        );
        let a = &b.authorities[0];
        let get = |m: Metric| {
            a.comparisons
                .iter()
                .find(|c| c.year == 2025 && c.metric == m)
                .map(|c| c.model.value)
                .expect("compared")
        };
        let total = get(Metric::LookedAfter);
        assert!((get(Metric::Foster) / total - 0.7).abs() < 1e-12);
        let bands: f64 = Metric::ALL[1..6].iter().map(|m| get(*m)).sum();
        assert!((bands - total).abs() < 1e-9, "age bands sum to the total");
    }

    #[test]
    fn agrees_with_the_projection_s_plain_expectation() {
        // The projection's own capacity-free expectation, on a large seeded
        // synthetic cohort of the same published make-up: the same model up
        // to the cohort's sampling error (about 1 % at 20,000 children).
        use crate::sufficiency::project::{plain_projection, AuthorityModel, Scenario};
        use crate::sufficiency::synthesise_cohort;
        let a = AuthorityFigures {
            gss: "E00000001".into(),
            name: "Test".into(),
            years: (2021..=2025)
                .map(|y| year(y, 20_000.0, 6_000.0, 5_500.0))
                .collect(),
        };
        let config = BacktestConfig {
            targets: vec![2025],
            ..BacktestConfig::default()
        };
        let mut dfe = base_authority(&a, &config).expect("complete");
        dfe.age_bands = [1000.0, 3000.0, 4000.0, 8000.0, 4000.0];
        dfe.sex = [1.0, 1.0];
        dfe.needs = [1.0; 8];
        dfe.kinds = [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let rates = Rates::from_dfe(&dfe, 2021, 2023).expect("rates");
        let cohort = synthesise_cohort(&dfe, &rates, 7);
        let model = AuthorityModel::new(&rates, &cohort);
        let plain = plain_projection(
            &[model],
            &[&cohort],
            &["E00000001".to_string()],
            &Scenario::base(),
            24,
        );
        let b = backtest(&[a], &config);
        let ours = b.authorities[0]
            .comparisons
            .iter()
            .find(|c| c.metric == Metric::LookedAfter)
            .map(|c| c.model.value)
            .expect("compared");
        let theirs = plain[23];
        assert!(
            (ours - theirs).abs() / theirs < 0.02,
            "backtest {ours} vs plain projection {theirs}"
        );
    }

    #[test]
    fn forecast_does_not_see_the_target_years() {
        let a = authority([300.0, 310.0, 320.0, 350.0, 300.0]);
        let mut b = a.clone();
        for y in &mut b.years {
            if y.year >= 2024 {
                y.starts = Some(9999.0);
                y.ceases = Some(1.0);
                y.placement_changes = Some(5.0);
            }
        }
        let config = BacktestConfig::default();
        let (x, y) = (backtest(&[a], &config), backtest(&[b], &config));
        for (c, d) in x.authorities[0]
            .comparisons
            .iter()
            .zip(&y.authorities[0].comparisons)
        {
            assert_eq!(c.model.value, d.model.value);
        }
    }

    #[test]
    fn incomplete_base_years_are_excluded_with_the_reason() {
        let mut a = authority([300.0, 310.0, 320.0, 350.0, 300.0]);
        a.years[1].starts = None;
        let b = backtest(&[a], &BacktestConfig::default());
        assert!(b.authorities.is_empty());
        assert!(b.excluded[0].reason.contains("starts"), "{:?}", b.excluded);
        assert!(b.excluded[0].reason.contains("2022"));
    }
}
