//! Draws and sweeps: many scenarios, many seeded draws each, in parallel,
//! with the same numbers whatever the thread count.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::demand::{plain_projection, AuthorityModel};
use super::kpi::{KpiKeys, Quantiles};
use super::scenario::Scenario;
use super::state::State;
use super::step::{step, Streams};
use super::validate::validate;
use super::value::{
    summarise, CheckTotals, ClassCheck, PlaceClass, PlaceValue, ValueCheck, ValueTotals,
};
use super::{ProjectionError, ProjectionInput};

/// The figures of one month of a scenario: each key's quantiles across draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthResult {
    /// Month, 1-based.
    pub month: u32,
    /// Quantiles by key (see [`super::kpi`]).
    pub kpis: BTreeMap<String, Quantiles>,
}

/// One scenario's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioResult {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Horizon, months.
    pub months: u32,
    /// The plain projection: expected children looked after at the end of
    /// each month, without capacity (see [`plain_projection`]).
    pub plain_looked_after: Vec<f64>,
    /// Month by month.
    pub by_month: Vec<MonthResult>,
    /// The value of one more place by authority, provider kind and approval
    /// range, largest median first (see [`super::value`]).
    pub value_of_place: Vec<PlaceValue>,
}

/// Options of a sweep beyond its scenarios, draws and seed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepOptions {
    /// Check the value of one more place of each scenario's first
    /// `check_value_of_place` classes by value: every month's matching
    /// re-solved with one more free place at the class's best place
    /// ([`super::value`], "The check"; 0: no check). Each scenario checked
    /// runs its draws again, plus one matching solve a month per class.
    pub check_value_of_place: usize,
}

/// The result of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepResult {
    /// Run seed.
    pub seed: u64,
    /// Draws per scenario.
    pub draws: u32,
    /// Children looked after at the start, every authority.
    pub cohort_children: usize,
    /// The stock at the start: free foster places and free children's home beds.
    pub free_places_at_start: [u32; 2],
    /// Every scenario, in the order given.
    pub scenarios: Vec<ScenarioResult>,
}

/// The seed of draw `draw` (the same for every scenario: common random numbers).
pub fn draw_seed(seed: u64, draw: u32) -> u64 {
    // SplitMix64 of the pair: well-mixed, and distinct draws differ.
    let mut z = seed ^ (u64::from(draw).wrapping_add(1)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The three streams of a draw seeded `seed`.
pub(super) fn streams(seed: u64) -> Streams {
    let stream = |n: u64| {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        r.set_stream(n);
        r
    };
    Streams {
        care: stream(1),
        entry: stream(2),
        stock: stream(3),
    }
}

/// The models of every authority of `input`.
pub fn models(input: &ProjectionInput) -> Vec<AuthorityModel> {
    input
        .authorities
        .iter()
        .map(|a| AuthorityModel::new(&a.rates, &a.cohort))
        .collect()
}

/// One draw of one scenario: the figures of each month (in `keys` order).
pub fn run_draw(
    input: &ProjectionInput,
    models: &[AuthorityModel],
    keys: &KpiKeys,
    scenario: &Scenario,
    seed: u64,
) -> Result<Vec<Vec<f64>>, ProjectionError> {
    Ok(run_draw_valued(input, models, keys, scenario, seed, &[])?.0)
}

/// One draw of one scenario: the figures of each month (in `keys` order),
/// the draw's estimate of the value of one more place ([`super::value`])
/// and the check of each class of `check` (each month's matching re-solved
/// with one more place of the class; the draw itself is unchanged).
pub fn run_draw_valued(
    input: &ProjectionInput,
    models: &[AuthorityModel],
    keys: &KpiKeys,
    scenario: &Scenario,
    seed: u64,
    check: &[PlaceClass],
) -> Result<(Vec<Vec<f64>>, ValueTotals, CheckTotals), ProjectionError> {
    let months = scenario.months.unwrap_or(input.months);
    let mut state = State::start(input);
    let mut rng = streams(seed);
    let mut out: Vec<Vec<f64>> = Vec::with_capacity(months as usize);
    let mut values = ValueTotals::default();
    let mut checks = CheckTotals::new(check.len());
    for m in 1..=months {
        let flows = step(input, models, scenario, &mut state, &mut rng, m, check)?;
        values.add_month(&state, &flows.place_values);
        checks.add_month(&flows.value_checks);
        let v = keys.measure(
            &state,
            &flows,
            out.last().map(|p| p.as_slice()),
            scenario,
            m,
        );
        out.push(v);
    }
    Ok((out, values, checks))
}

/// Where one draw's time went ([`time_draw`]): wall time, measured on the
/// calling thread, so run it alone to read it as a draw's cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DrawTiming {
    /// Months run.
    pub months: u32,
    /// Wall time of the whole draw (starting state included), seconds.
    pub seconds: f64,
    /// Wall time inside [`crate::matching::solve`], seconds (at most
    /// `seconds`).
    pub solve_seconds: f64,
    /// Children looked after at the start.
    pub children_at_start: usize,
    /// Free foster places and free children's home beds at the start.
    pub free_places_at_start: [u32; 2],
    /// Children who needed a place in the stock, summed over the months
    /// (each month's matching's children).
    pub matched_children: usize,
    /// Of those, children placed in the stock.
    pub placed_in_stock: usize,
    /// Of those, children the stock could not take (the gap).
    pub gaps: usize,
    /// The largest month's matching: children × free places.
    pub largest_solve: (usize, usize),
    /// Each month's matching: children, free places, seconds in
    /// [`crate::matching::solve`].
    pub solves: Vec<(usize, usize, f64)>,
}

/// One draw of `scenario` (seed `seed`, as draw `d` of a sweep uses
/// [`draw_seed`]`(run seed, d)`), timed: the same months and random
/// numbers as [`run_draw`] (without the KPIs), with the time inside the
/// matching and the sizes of its monthly solves. For benchmarks
/// (`examples/sufficiency_scale.rs`).
pub fn time_draw(
    input: &ProjectionInput,
    models: &[AuthorityModel],
    scenario: &Scenario,
    seed: u64,
) -> Result<DrawTiming, ProjectionError> {
    let started = std::time::Instant::now();
    let months = scenario.months.unwrap_or(input.months);
    let mut state = State::start(input);
    let mut out = DrawTiming {
        months,
        children_at_start: state.children.len(),
        free_places_at_start: [state.free_places(true), state.free_places(false)],
        ..DrawTiming::default()
    };
    let mut rng = streams(seed);
    for m in 1..=months {
        let flows = step(input, models, scenario, &mut state, &mut rng, m, &[])?;
        out.solve_seconds += flows.solve_seconds;
        out.matched_children += flows.solve_size.0;
        out.placed_in_stock += flows.placed_in_stock;
        out.gaps += flows.gaps.len();
        out.solves
            .push((flows.solve_size.0, flows.solve_size.1, flows.solve_seconds));
        let size = |s: (usize, usize)| s.0 * s.1;
        if size(flows.solve_size) > size(out.largest_solve) {
            out.largest_solve = flows.solve_size;
        }
    }
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

/// Runs every scenario `draws` times in parallel on rayon's current pool
/// (install a pool to choose the threads) and summarises each month's
/// figures as quantiles across draws. `progress(done, total)` is called
/// after each draw, from whichever thread ran it. Every scenario is checked
/// first ([`validate`]): every problem is reported at once.
pub fn run_sweep(
    input: &ProjectionInput,
    scenarios: &[Scenario],
    draws: u32,
    seed: u64,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SweepResult, ProjectionError> {
    run_sweep_with(
        input,
        scenarios,
        draws,
        seed,
        SweepOptions::default(),
        progress,
    )
}

/// [`run_sweep`] with [`SweepOptions`]; `progress` counts the check's
/// re-runs too (each draw of a scenario checked once more).
pub fn run_sweep_with(
    input: &ProjectionInput,
    scenarios: &[Scenario],
    draws: u32,
    seed: u64,
    options: SweepOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SweepResult, ProjectionError> {
    validate(input, scenarios).map_err(ProjectionError::Invalid)?;
    let models = models(input);
    let gss: Vec<String> = input
        .authorities
        .iter()
        .map(|a| a.authority.clone())
        .collect();
    let keys = KpiKeys::new(&gss);
    let checking = options.check_value_of_place > 0;
    let mut total = scenarios.len() * draws as usize * (1 + usize::from(checking));
    let done = AtomicUsize::new(0);
    let jobs: Vec<(usize, u32)> = (0..scenarios.len())
        .flat_map(|s| (0..draws).map(move |d| (s, d)))
        .collect();
    let results: Vec<(Vec<Vec<f64>>, ValueTotals, CheckTotals)> = jobs
        .par_iter()
        .map(|&(s, d)| {
            let r = run_draw_valued(
                input,
                &models,
                &keys,
                &scenarios[s],
                draw_seed(seed, d),
                &[],
            );
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            r
        })
        .collect::<Result<_, _>>()?;
    let mut values: Vec<Vec<PlaceValue>> = (0..scenarios.len())
        .map(|s| {
            let runs = &results[s * draws as usize..(s + 1) * draws as usize];
            summarise(&runs.iter().map(|r| r.1.clone()).collect::<Vec<_>>())
        })
        .collect();
    // The check: every draw of a scenario with classes to check runs again
    // (the same months), each month's matching re-solved with one more
    // place of each of its first classes beside it.
    let classes: Vec<Vec<PlaceClass>> = values
        .iter()
        .map(|v| {
            v.iter()
                .take(options.check_value_of_place)
                .map(|pv| pv.class.clone())
                .collect()
        })
        .collect();
    let check_jobs: Vec<(usize, u32)> = (0..scenarios.len())
        .filter(|&s| !classes[s].is_empty())
        .flat_map(|s| (0..draws).map(move |d| (s, d)))
        .collect();
    if checking {
        total = jobs.len() + check_jobs.len();
    }
    let checked: Vec<CheckTotals> = check_jobs
        .par_iter()
        .map(|&(s, d)| {
            let r = run_draw_valued(
                input,
                &models,
                &keys,
                &scenarios[s],
                draw_seed(seed, d),
                &classes[s],
            );
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            Ok(r?.2)
        })
        .collect::<Result<_, ProjectionError>>()?;
    for (n, (s, v)) in values
        .iter_mut()
        .enumerate()
        .filter(|(s, _)| !classes[*s].is_empty())
        .enumerate()
    {
        let runs = &checked[n * draws as usize..(n + 1) * draws as usize];
        for (k, pv) in v.iter_mut().take(classes[s].len()).enumerate() {
            let per_draw: Vec<ClassCheck> = runs.iter().map(|r| r.0[k]).collect();
            pv.check = Some(ValueCheck::of(&per_draw));
        }
    }
    let start = State::start(input);
    let cohorts: Vec<_> = input.authorities.iter().map(|a| &a.cohort).collect();
    let mut out = Vec::with_capacity(scenarios.len());
    for (s, scenario) in scenarios.iter().enumerate() {
        let months = scenario.months.unwrap_or(input.months);
        let runs = &results[s * draws as usize..(s + 1) * draws as usize];
        let by_month = (0..months as usize)
            .map(|m| MonthResult {
                month: m as u32 + 1,
                kpis: keys
                    .names
                    .iter()
                    .enumerate()
                    .map(|(k, name)| {
                        let mut v: Vec<f64> = runs.iter().map(|r| r.0[m][k]).collect();
                        (name.clone(), Quantiles::of(&mut v))
                    })
                    .collect(),
            })
            .collect();
        out.push(ScenarioResult {
            name: scenario.name.clone(),
            description: scenario.description.clone(),
            months,
            plain_looked_after: plain_projection(&models, &cohorts, &gss, scenario, months),
            by_month,
            value_of_place: std::mem::take(&mut values[s]),
        });
    }
    Ok(SweepResult {
        seed,
        draws,
        cohort_children: input
            .authorities
            .iter()
            .map(|a| a.cohort.children.len())
            .sum(),
        free_places_at_start: [start.free_places(true), start.free_places(false)],
        scenarios: out,
    })
}
