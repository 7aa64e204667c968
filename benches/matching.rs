//! Criterion benchmarks for placement matching (figures in BENCHMARKS.md).
//!
//! Run: `cargo bench --profile dev --bench matching` (the workspace's dev
//! profile is optimised; see BENCHMARKS.md).

use criterion::{criterion_group, criterion_main, Criterion};
use optimiser::dataset::Dataset;
use optimiser::generator::{generate, GeneratorSpec};
use optimiser::matching::{solve, MatchConfig};
use optimiser::ranking::{RankConfig, Ranker};
use std::hint::black_box;

/// 5,000 places (4,500 households, 500 homes) and one child without a distance limit.
fn rank_one_child(c: &mut Criterion) {
    let data = generate(&GeneratorSpec::new(1, 200, 4500, 500)).expect("valid");
    let ranker = Ranker::new(&data);
    let child = data
        .children()
        .iter()
        .find(|k| k.sibling_group.is_none() && k.max_distance_km.is_none())
        .expect("a single child")
        .id
        .clone();
    let config = RankConfig::default();
    c.bench_function("rank_top10_of_5000_places", |b| {
        b.iter(|| black_box(ranker.rank(&child, &config).expect("ranks")))
    });
    c.bench_function("rank_top10_of_5000_places_with_index_build", |b| {
        b.iter(|| black_box(Ranker::new(&data).rank(&child, &config).expect("ranks")))
    });
}

fn batch(data: &Dataset) -> f64 {
    let s = solve(data, &MatchConfig::default()).expect("solves");
    assert_eq!(s.status, optimiser::solver::SolveStatus::Optimal);
    s.objective
}

/// 500 waiting children (30 % in sibling groups), 2,000 carers, 150 homes,
/// proven optimal: a contract v1 dataset (every group strict, none of the
/// v1.1 rules), and the same with the v1.1 rules at the generator's rates
/// (90 % of groups non-strict).
fn batch_500(c: &mut Criterion) {
    let v1 = generate(&GeneratorSpec {
        practice: false,
        ..GeneratorSpec::new(2026, 500, 2000, 150)
    })
    .expect("valid");
    let v1_1 = generate(&GeneratorSpec::new(2026, 500, 2000, 150)).expect("valid");
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("500_children_2000_carers_150_homes", |b| {
        b.iter(|| black_box(batch(&v1)))
    });
    group.bench_function("500_children_2000_carers_150_homes_v1_1_rules", |b| {
        b.iter(|| black_box(batch(&v1_1)))
    });
    group.finish();
}

criterion_group!(benches, rank_one_child, batch_500);
criterion_main!(benches);
