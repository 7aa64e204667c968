//! Criterion benchmarks for constellation planning (figures in BENCHMARKS.md).
//!
//! Run: `cargo bench --profile dev --bench constellations`. Each benchmark
//! solves a seeded pool from `generator::carer_pool` with the default
//! settings (6–10 satellites, 15 km, reward £250, hub £810) and a requested
//! gap: the time measured is the time until the answer is *proven* within
//! that gap of the bound (the solve stops there).

use criterion::{criterion_group, criterion_main, Criterion};
use optimiser::constellations::{solve, FormationConfig};
use optimiser::dataset::Dataset;
use optimiser::generator::carer_pool;
use optimiser::solver::SolveOptions;
use std::hint::black_box;

fn within(data: &Dataset, gap: f64) -> f64 {
    let config = FormationConfig {
        solve: SolveOptions {
            mip_rel_gap: gap,
            ..SolveOptions::default()
        },
        ..FormationConfig::default()
    };
    let f = solve(data, &config).expect("solves");
    assert!(f.gap <= gap + 1e-9, "gap {} > {gap}", f.gap);
    f.objective
}

fn households_500(c: &mut Criterion) {
    let data = Dataset::try_from(carer_pool(2026, 500, 60)).expect("valid");
    let mut group = c.benchmark_group("constellations_500_households_60_candidates");
    group.sample_size(10);
    group.bench_function("within_0.5_percent", |b| {
        b.iter(|| black_box(within(&data, 0.005)))
    });
    group.bench_function("proven_optimal", |b| {
        b.iter(|| black_box(within(&data, 1e-6)))
    });
    group.finish();
}

/// Seed 7: a pool whose LP bound is weaker (0.55 % below the best plan
/// known without the capacity cut).
fn households_500_seed_7(c: &mut Criterion) {
    let data = Dataset::try_from(carer_pool(7, 500, 60)).expect("valid");
    let mut group = c.benchmark_group("constellations_500_households_60_candidates_seed_7");
    group.sample_size(10);
    group.bench_function("within_0.5_percent", |b| {
        b.iter(|| black_box(within(&data, 0.005)))
    });
    group.finish();
}

fn households_2000(c: &mut Criterion) {
    let data = Dataset::try_from(carer_pool(2026, 2000, 200)).expect("valid");
    let mut group = c.benchmark_group("constellations_2000_households_200_candidates");
    group.sample_size(10);
    group.bench_function("within_2_percent", |b| {
        b.iter(|| black_box(within(&data, 0.02)))
    });
    group.finish();
}

criterion_group!(
    benches,
    households_500,
    households_500_seed_7,
    households_2000
);
criterion_main!(benches);
