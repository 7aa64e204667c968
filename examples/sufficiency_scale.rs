//! How one sufficiency draw grows with the cohort, with a stock that grows
//! with it (figures in BENCHMARKS.md, "Scaling with the cohort, and a
//! national run").
//!
//! ```sh
//! # One region of about COHORT children looked after: the authorities of
//! # data/dfe/ nearest Portsmouth, added until their children reach COHORT.
//! cargo run --example sufficiency_scale -- COHORT [DRAWS]
//! # A national sample: N authorities spread over the GSS order of data/dfe/
//! # (every authority when N is at least their number), each projected alone
//! # with its own stock, and the extrapolation to England.
//! cargo run --example sufficiency_scale -- --sample N [DRAWS]
//! ```
//!
//! Demand is the `--dfe-statistics` path of `placement sufficiency`
//! ([`demand_from_dfe`]: each authority's aggregate DfE rates over its latest
//! three published years and a cohort synthesised from its published
//! make-up, seed 2026). The stock is synthetic
//! ([`GeneratorSpec::stock_for`]): the demo region's households and homes
//! per child looked after (500 and 50 per 3,426), spread over the
//! authorities in proportion to their children, around each authority's
//! centroid (the mean of its postcode districts' centroids) with the
//! spread of its districts. Each draw is the base scenario over 24 months,
//! on this thread, HiGHS on one thread ([`time_draw`]); loading and
//! generating are outside the draw's time. `MONTHS=1` prints each
//! month's matching (children, free places, seconds).

use std::path::Path;

use api::ssda903::demand::demand_from_dfe;
use api::ssda903::dfe::load_figures;
use api::ssda903::{centroid_of, Districts, DISTRICTS_FILE};
use optimiser::dataset::raw::{RawAuthority, RawLocation};
use optimiser::generator::{generate_raw, GeneratorSpec, Region, RegionAuthority};
use optimiser::sufficiency::project::state::distance_km;
use optimiser::sufficiency::project::sweep::{draw_seed, models};
use optimiser::sufficiency::project::{time_draw, validate, DrawTiming, ProjectionInput, Scenario};

const SEED: u64 = 2026;
/// Portsmouth: the centre the region grows from.
const CENTRE: &str = "E06000044";
/// Children looked after in a national run (issue 12: about 82,000 in
/// England's 151 authorities).
const NATIONAL_CHILDREN: f64 = 82_000.0;

/// An authority of the DfE tables with a centroid and a latest count.
struct Candidate {
    gss: String,
    name: String,
    looked_after: f64,
    centroid: RawLocation,
    spread_km: f64,
}

fn candidates(data: &Path) -> Vec<Candidate> {
    let districts = Districts::load(&data.join(DISTRICTS_FILE)).expect("districts");
    load_figures(data)
        .expect("DfE tables")
        .into_iter()
        .filter_map(|a| {
            let looked_after = a.years.iter().rev().find_map(|y| y.looked_after)?;
            let centroid = centroid_of(&districts, &a.gss)?;
            let points: Vec<RawLocation> = districts
                .of_authority(&a.gss)
                .iter()
                .filter_map(|d| districts.centroid(d))
                .collect();
            let rms = (points
                .iter()
                .map(|p| distance_km(p, &centroid).powi(2))
                .sum::<f64>()
                / points.len() as f64)
                .sqrt();
            Some(Candidate {
                gss: a.gss,
                name: a.name,
                looked_after,
                centroid,
                spread_km: rms.max(3.0),
            })
        })
        .collect()
}

/// The projection input of `chosen`: DfE demand and a proportional stock.
fn input(data: &Path, chosen: &[&Candidate]) -> ProjectionInput {
    let gss: Vec<String> = chosen.iter().map(|c| c.gss.clone()).collect();
    let demand = demand_from_dfe(data, &gss, SEED).expect("DfE demand");
    let children: usize = demand.iter().map(|d| d.cohort.children.len()).sum();
    let region = Region {
        authorities: chosen
            .iter()
            .map(|c| RegionAuthority {
                authority: RawAuthority {
                    id: c.gss.clone(),
                    name: c.name.clone(),
                    location: c.centroid,
                },
                spread_km: c.spread_km,
                weight: c.looked_after,
            })
            .collect(),
        schools: Vec::new(),
        homes: Vec::new(),
    };
    let input = ProjectionInput {
        stock: generate_raw(&GeneratorSpec::stock_for(SEED, children, region)),
        authorities: demand,
        months: 24,
        solve_time_limit: None,
    };
    validate(&input, &[Scenario::base()]).expect("a valid projection");
    input
}

fn draws(input: &ProjectionInput, n: u32) -> Vec<DrawTiming> {
    let models = models(input);
    let base = Scenario::base();
    (0..n)
        .map(|d| time_draw(input, &models, &base, draw_seed(SEED, d)).expect("the draw runs"))
        .collect()
}

fn print_draw(label: &str, input: &ProjectionInput, t: &DrawTiming) {
    println!(
        "{label}: {} children, {} households, {} homes, free {}+{} | draw {:.2} s, solve {:.2} s ({:.0} %) | {} to place, {} placed, {} gap | largest month {}x{}",
        t.children_at_start,
        input.stock.carers.len(),
        input.stock.homes.len(),
        t.free_places_at_start[0],
        t.free_places_at_start[1],
        t.seconds,
        t.solve_seconds,
        100.0 * t.solve_seconds / t.seconds,
        t.matched_children,
        t.placed_in_stock,
        t.gaps,
        t.largest_solve.0,
        t.largest_solve.1,
    );
    if std::env::var("MONTHS").is_ok() {
        for (m, (c, p, s)) in t.solves.iter().enumerate() {
            println!(
                "  month {}: {c} children x {p} free places, {s:.3} s",
                m + 1
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let all = candidates(&data);
    if args.first().map(String::as_str) == Some("--sample") {
        let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(8);
        let d: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
        sample(&data, &all, n, d);
        return;
    }
    let cohort: f64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(1000.0);
    let d: u32 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let centre = all.iter().find(|c| c.gss == CENTRE).map_or(
        RawLocation {
            lat: 50.82,
            lon: -1.07,
        },
        |c| c.centroid,
    );
    let mut by_distance: Vec<&Candidate> = all.iter().collect();
    by_distance.sort_by(|a, b| {
        distance_km(&a.centroid, &centre).total_cmp(&distance_km(&b.centroid, &centre))
    });
    let mut chosen = Vec::new();
    let mut sum = 0.0;
    for c in by_distance {
        if sum >= cohort {
            break;
        }
        sum += c.looked_after;
        chosen.push(c);
    }
    let input = input(&data, &chosen);
    println!(
        "region of {} authorities nearest {CENTRE}: {}",
        chosen.len(),
        chosen
            .iter()
            .map(|c| c.gss.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    for (k, t) in draws(&input, d).iter().enumerate() {
        print_draw(&format!("draw {k}"), &input, t);
    }
}

/// `n` authorities spread over the GSS order (every authority when `n` is
/// at least their number), each alone; then England: time a child of the
/// sample × 82,000, one draw and 20 scenarios × 10 draws on 2 and 16 cores
/// (perfect parallelism over draws assumed).
fn sample(data: &Path, all: &[Candidate], n: usize, d: u32) {
    let step = (all.len() / n.max(1)).max(1);
    let chosen: Vec<&Candidate> = all.iter().step_by(step).take(n).collect();
    let (mut authorities, mut children, mut seconds, mut solve) = (0, 0.0, 0.0, 0.0);
    for c in &chosen {
        // An authority without a published year is left out, and said so.
        if demand_from_dfe(data, std::slice::from_ref(&c.gss), SEED).is_err() {
            println!("{} {}: no DfE demand, left out", c.gss, c.name);
            continue;
        }
        let input = input(data, &[c]);
        let runs = draws(&input, d);
        for t in &runs {
            print_draw(&format!("{} {}", c.gss, c.name), &input, t);
        }
        let k = runs.len() as f64;
        authorities += 1;
        children += runs[0].children_at_start as f64;
        seconds += runs.iter().map(|t| t.seconds).sum::<f64>() / k;
        solve += runs.iter().map(|t| t.solve_seconds).sum::<f64>() / k;
    }
    println!(
        "sample: {authorities} authorities, {children} children, {seconds:.2} s a draw (sum of the authorities' mean draws, {:.0} % in solve), {:.3} ms a child",
        100.0 * solve / seconds,
        1000.0 * seconds / children
    );
    let national = seconds / children * NATIONAL_CHILDREN;
    println!("one national draw, each authority alone: {national:.1} s (time a child x {NATIONAL_CHILDREN})");
    for cores in [2.0, 16.0] {
        println!(
            "20 scenarios x 10 draws on {cores} cores: {:.0} s",
            national * 200.0 / cores
        );
    }
}
