//! Criterion benchmark of the sufficiency projection (figures in BENCHMARKS.md).
//!
//! Run: `cargo bench --profile dev --bench sufficiency`. One draw of the
//! base scenario over 24 months on the demo region: the stock of
//! `data/demo/south_coast.json` and the demand (rates and cohort) of the
//! five demo SSDA903 extracts, 3,426 children looked after at the start;
//! one batch matching solve a month. Loading is outside the measurement.

use std::path::Path;

use api::load::read_raw;
use api::ssda903::demand::demand_from_ssda903;
use criterion::{criterion_group, criterion_main, Criterion};
use optimiser::sufficiency::project::{
    run_draw, sweep::models, KpiKeys, ProjectionInput, Scenario,
};
use std::hint::black_box;

fn demo_region(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (stock, _, _) = read_raw(&root.join("data/demo/south_coast.json")).expect("dataset");
    let demand = demand_from_ssda903(&root.join("data/ssda903/demo"), &root.join("data"), &stock)
        .expect("extracts");
    let gss: Vec<String> = demand.iter().map(|d| d.authority.clone()).collect();
    let input = ProjectionInput {
        stock,
        authorities: demand,
        months: 24,
        solve_time_limit: None,
    };
    let models = models(&input);
    let keys = KpiKeys::new(&gss);
    let base = Scenario::base();
    let mut group = c.benchmark_group("sufficiency_demo_region");
    group.sample_size(10);
    group.bench_function("one_draw_24_months", |b| {
        b.iter(|| black_box(run_draw(&input, &models, &keys, &base, 2026).expect("runs")))
    });
    group.finish();
}

criterion_group!(benches, demo_region);
criterion_main!(benches);
