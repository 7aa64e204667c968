use optimiser::dataset::Dataset;
use optimiser::generator::{generate_raw, GeneratorSpec};
use optimiser::matching::{solve, MatchConfig};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seed: u64 = args[1].parse().unwrap();
    let n: usize = args[2].parse().unwrap();
    let carers: usize = args[3].parse().unwrap();
    let homes: usize = args[4].parse().unwrap();
    let practice = args[5] == "1";
    let strip = args.get(6).cloned().unwrap_or_default();
    let mut spec = GeneratorSpec::new(seed, n, carers, homes);
    spec.practice = practice;
    let mut raw = generate_raw(&spec);
    for s in strip.split(',') {
        match s {
            "strict" => raw.sibling_groups.iter_mut().for_each(|g| g.strict = true),
            "mix" => raw.homes.iter_mut().for_each(|h| { h.mix_limits.clear(); h.max_age_gap = None; }),
            "incompat" => raw.incompatible.clear(),
            _ => {}
        }
    }
    let data = Dataset::try_from(raw).unwrap();
    let t = std::time::Instant::now();
    let mut cfg = MatchConfig::default(); if let Ok(t) = std::env::var("TL") { cfg.solve.time_limit = Some(t.parse().unwrap()); } let s = solve(&data, &cfg).unwrap();
    println!("{:?} obj {:.2} gap {:.2e} {:.2}s placed {} split {} lp {} mip {} cols {}/{} rows {} lp_bound {:.1}",
        s.status, s.objective, s.gap, t.elapsed().as_secs_f64(), s.breakdown.children_placed, s.split_groups.len(),
        s.model.lp_rounds, s.model.mip_rounds, s.model.columns_in_model, s.model.columns_total, s.model.rows_in_model, s.model.lp_bound);
    for p in &s.model.progress { println!("  {:.0} ms obj {:.1} bound {:.1}", p.ms, p.objective, p.bound); }
}
