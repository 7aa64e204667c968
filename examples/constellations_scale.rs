//! One-off constellation-planning measurements for BENCHMARKS.md:
//! `cargo run --example constellations_scale -- [lagrangian|plain] HOUSEHOLDS CANDIDATES [SEED] [TIME_LIMIT] [count=P] [gap=G] [presolve]`.

use optimiser::constellations::{solve, FormationConfig, Goal, Strategy};
use optimiser::dataset::Dataset;
use optimiser::generator::carer_pool;
use optimiser::solver::SolveOptions;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let strategy = match args.get(1).map(String::as_str) {
        Some("plain") => Strategy::Plain,
        _ => Strategy::Lagrangian,
    };
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(500);
    let k: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(2026);
    let limit: Option<f64> = args.get(5).and_then(|s| s.parse().ok());
    let goal = args
        .iter()
        .find_map(|a| a.strip_prefix("count="))
        .and_then(|p| p.parse().ok())
        .map_or(FormationConfig::default().goal, Goal::Count);
    let data = Dataset::try_from(carer_pool(seed, n, k)).expect("the pool is valid");
    let config = FormationConfig {
        strategy,
        goal,
        solve: SolveOptions {
            time_limit: limit,
            verbose: std::env::var("VERBOSE").is_ok(),
            presolve: args.iter().any(|a| a == "presolve"),
            mip_rel_gap: args
                .iter()
                .find_map(|a| a.strip_prefix("gap="))
                .and_then(|g| g.parse().ok())
                .unwrap_or(1e-6),
            ..SolveOptions::default()
        },
        ..FormationConfig::default()
    };
    let f = solve(&data, &config).expect("solves");
    println!(
        "{strategy:?} n={n} k={k} seed={seed}: status {:?} objective {:.2} bound {:.2} gap {:.4}% constellations {} coverage {:.3} solve {:.0} ms total {:.0} ms",
        f.status,
        f.objective,
        f.bound,
        f.gap * 100.0,
        f.constellations.len(),
        f.coverage,
        f.solve_ms,
        f.total_ms
    );
    println!("{}", serde_json::to_string(&f.model).expect("serialises"));
}
