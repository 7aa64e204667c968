//! Criterion benchmarks for joint commissioning (figures in BENCHMARKS.md).
//!
//! Run: `cargo bench --profile dev --bench commission`.

use criterion::{criterion_group, criterion_main, Criterion};
use optimiser::commission::generator::{generate_raw, CommissionSpec};
use optimiser::commission::{self, Commission, CommissionConfig};
use optimiser::solver::SolveStatus;
use std::hint::black_box;

fn question(spec: &CommissionSpec) -> Commission {
    Commission::try_from(generate_raw(spec)).expect("generated question is valid")
}

/// Joint optimum, every coalition (2ⁿ − 1 solves) and both splits, proven optimal.
fn solve_all(inst: &Commission) -> f64 {
    let report = commission::solve(inst, &CommissionConfig::default()).expect("solves");
    assert_eq!(report.status, SolveStatus::Optimal);
    report.joint_cost
}

/// Issue target: 4 partners, 40 children, 60 options (12 blocks): ≤ 2 s.
fn four_partners(c: &mut Criterion) {
    let mut group = c.benchmark_group("commission");
    group.sample_size(10);
    let inst = question(&CommissionSpec::new(2026, 4, 40, 60, 12));
    group.bench_function("4_partners_40_children_60_options_12_blocks", |b| {
        b.iter(|| black_box(solve_all(&inst)))
    });
    let mut scarce = CommissionSpec::new(2026, 4, 40, 60, 12);
    scarce.framework_share = 0.4;
    let inst = question(&scarce);
    group.bench_function("4_partners_scarce_market", |b| {
        b.iter(|| black_box(solve_all(&inst)))
    });
    group.finish();
}

/// Issue target: 8 partners, 100 children, 100 options (20 blocks), 255 coalition solves: ≤ 30 s.
fn eight_partners(c: &mut Criterion) {
    let mut group = c.benchmark_group("commission");
    group.sample_size(10);
    let inst = question(&CommissionSpec::new(2026, 8, 100, 100, 20));
    group.bench_function("8_partners_100_children_100_options_20_blocks", |b| {
        b.iter(|| black_box(solve_all(&inst)))
    });
    group.finish();
}

criterion_group!(benches, four_partners, eight_partners);
criterion_main!(benches);
