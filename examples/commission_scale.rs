//! One-off timing of a joint commissioning question of a given size:
//! `cargo run --example commission_scale -- PARTNERS CHILDREN OPTIONS BLOCKS [SEED]`
//! (for example `4 40 60 12`, or `8 100 100 20`); `PLACEMENT_PRESOLVE=on|off`
//! overrides the HiGHS presolve setting; `PLACEMENT_FRAMEWORKS=0.4` makes a
//! scarce market. Prints the status, the
//! joint cost, the number of coalition solves and the times.

use optimiser::commission::{self, generator::CommissionSpec, Commission, CommissionConfig};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap_or_else(|_| panic!("not a number: {a}")))
        .collect();
    let get = |k: usize, default: usize| args.get(k).copied().unwrap_or(default);
    let mut spec = CommissionSpec::new(
        get(4, 2026) as u64,
        get(0, 4),
        get(1, 40),
        get(2, 60),
        get(3, 12),
    );
    // PLACEMENT_FRAMEWORKS=0.4 makes a scarce market (fewer unlimited spot frameworks).
    if let Some(share) = std::env::var("PLACEMENT_FRAMEWORKS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        spec.framework_share = share;
    }
    let inst = Commission::try_from(commission::generator::generate_raw(&spec))
        .unwrap_or_else(|e| panic!("generated question is invalid: {e:?}"));
    let started = std::time::Instant::now();
    let mut config = CommissionConfig::default();
    // PLACEMENT_PRESOLVE=on|off overrides the presolve default, for comparisons.
    if let Ok(v) = std::env::var("PLACEMENT_PRESOLVE") {
        config.solve.presolve = v == "on";
    }
    let report = commission::solve(&inst, &config).unwrap_or_else(|e| panic!("solve failed: {e}"));
    println!(
        "{:?}: status {:?}, joint cost {:.2}, gap {:.2e}, {} coalition solves in {:.0} ms (joint {:.0} ms, pairs {}), total {:.0} ms, subadditive {:?}, core nonempty {:?}",
        spec,
        report.status,
        report.joint_cost,
        report.gap,
        report.model.coalition_solves,
        report.coalitions_ms,
        report.solve_ms,
        report.model.pairs,
        started.elapsed().as_secs_f64() * 1000.0,
        report.subadditive,
        report.core.nonempty,
    );
    // PLACEMENT_DETAIL=1: mean and max solve time by coalition size.
    if std::env::var("PLACEMENT_DETAIL").is_ok() {
        for size in 1..=report.partners.len() {
            let times: Vec<f64> = report
                .coalitions
                .iter()
                .filter(|c| c.partners.len() == size)
                .map(|c| c.solve_ms)
                .collect();
            let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
            let max = times.iter().copied().fold(0.0, f64::max);
            println!(
                "  size {size}: {} coalitions, mean {mean:.0} ms, max {max:.0} ms",
                times.len()
            );
        }
    }
}
