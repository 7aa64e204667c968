//! One-off scale measurements for BENCHMARKS.md (too slow for criterion):
//! `cargo run --example scale -- [batch|naive|stock] [seed]`, or
//! `cargo run --example scale -- size SEED CHILDREN CARERS HOMES [TIME_LIMIT]`
//! for any size (the growth table); each incumbent is printed with its time
//! and gap. Peak memory: run the built binary under `/usr/bin/time -v`.
//! `VERBOSE=1` prints HiGHS' log. `PLACEMENT_INIT=N` sets both the initial and the per-round number of
//! options per owner for the pricing strategy (the sweep in BENCHMARKS.md).
//! `PLACEMENT_V1=1` generates contract v1 datasets (`GeneratorSpec::practice`
//! off: every group strict, none of the v1.1 rules).

use optimiser::generator::{generate, GeneratorSpec};
use optimiser::matching::{solve, MatchConfig, Strategy};
use optimiser::solver::SolveOptions;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("batch");
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2026);
    let (spec, config) = match what {
        "naive" => (
            GeneratorSpec::new(seed, 500, 2000, 150),
            MatchConfig {
                strategy: Strategy::Full,
                ..MatchConfig::default()
            },
        ),
        "stock" => (
            GeneratorSpec::new(seed, 5000, 3000, 300),
            MatchConfig {
                solve: SolveOptions {
                    time_limit: Some(60.0),
                    ..SolveOptions::default()
                },
                ..MatchConfig::default()
            },
        ),
        "size" => {
            let n = |k: usize| -> usize {
                args.get(k)
                    .and_then(|s| s.parse().ok())
                    .expect("size SEED CHILDREN CARERS HOMES [TIME_LIMIT]")
            };
            let limit: Option<f64> = args.get(6).and_then(|s| s.parse().ok());
            (
                GeneratorSpec::new(seed, n(3), n(4), n(5)),
                MatchConfig {
                    solve: SolveOptions {
                        time_limit: limit,
                        ..SolveOptions::default()
                    },
                    ..MatchConfig::default()
                },
            )
        }
        _ => (
            GeneratorSpec::new(seed, 500, 2000, 150),
            MatchConfig::default(),
        ),
    };
    let mut spec = spec;
    spec.practice = std::env::var("PLACEMENT_V1").is_err();
    let mut config = config;
    config.solve.verbose = std::env::var("VERBOSE").is_ok();
    if let (Ok(init), Strategy::Pricing { .. }) = (std::env::var("PLACEMENT_INIT"), config.strategy)
    {
        let n: usize = init.parse().expect("PLACEMENT_INIT is a number");
        config.strategy = Strategy::Pricing {
            initial_per_owner: n,
            add_per_owner: n,
        };
    }
    let data = generate(&spec).expect("generated data is valid");
    let s = solve(&data, &config).expect("solves");
    for p in &s.model.progress {
        println!(
            "  incumbent at {:.1} s: objective {:.2}, bound {:.2}, gap {:.3} %",
            p.ms / 1000.0,
            p.objective,
            p.bound,
            100.0 * optimiser::solver::relative_gap(p.objective, p.bound)
        );
    }
    let grouped = data
        .children()
        .iter()
        .filter(|c| c.sibling_group.is_some())
        .count();
    println!(
        "{what} seed {seed}: {} children ({grouped} in sibling groups), {} places; status {:?}, objective {:.2}, bound {:.2}, gap {:.2e}, LP bound {:.2}, counting bound {:.2}; enumerated {} children (complete: {}); total {:.0} ms (build {:.0} ms, HiGHS {:.0} ms); pairs {}, columns {} -> {} in model, {} rows, {} LP rounds, {} MIP rounds; placed {}, unplaced {}",
        data.children().len(), data.places().len(), s.status, s.objective, s.bound, s.gap, s.model.lp_bound, s.model.counting_bound, s.model.children_enumerated, s.model.enumeration_complete, s.total_ms, s.model.build_ms, s.solve_ms,
        s.model.eligible_pairs, s.model.columns_total, s.model.columns_in_model, s.model.rows_in_model, s.model.lp_rounds, s.model.mip_rounds,
        s.breakdown.children_placed, s.breakdown.children_unplaced
    );
}
