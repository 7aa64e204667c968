//! Writes the dataset of the "many close households" report to stdout:
//! `cargo run --example close_households -- HOUSEHOLDS [RADIUS_KM] > pool.json`.
//!
//! `HOUSEHOLDS` in-house foster households with two or three places, spread
//! evenly (a sunflower spiral, no randomness) over a disc of `RADIUS_KM`
//! (default 3 km) around central Portsmouth; one authority, one child. Under
//! the default hub rule every household is a hub candidate, and with the
//! default 15 km every household is within reach of every candidate: about
//! `HOUSEHOLDS²` household–hub pairs. For BENCHMARKS.md:
//! `placement constellations --dataset pool.json --time-limit 5`.

use optimiser::dataset::raw::{RawAuthority, RawCarer, RawChild, RawLocation};
use optimiser::dataset::{Provider, RawDataset};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let radius_km: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3.0);
    let (lat0, lon0) = (50.8198_f64, -1.0880_f64);
    let golden = std::f64::consts::PI * (3.0 - 5.0_f64.sqrt());
    let carers: Vec<RawCarer> = (0..n)
        .map(|i| {
            let r = radius_km * ((i as f64 + 0.5) / n as f64).sqrt();
            let a = golden * i as f64;
            let (east, north) = (r * a.cos(), r * a.sin());
            RawCarer {
                id: format!("FC{:05}", i + 1),
                authority: "E06000044".into(),
                provider: Provider::InHouse,
                location: RawLocation {
                    lat: lat0 + north / 111.195,
                    lon: lon0 + east / (111.195 * lat0.to_radians().cos()),
                },
                places: 2 + (i % 2) as u32,
                occupied: 0,
                min_age: 0,
                max_age: 17,
                skills: vec![],
                weekly_cost: 500.0,
                constellation: None,
                hub: false,
                connected_children: vec![],
                sex_preference: None,
            }
        })
        .collect();
    let data = RawDataset {
        version: optimiser::dataset::raw::ContractVersion::V1_1,
        authorities: vec![RawAuthority {
            id: "E06000044".into(),
            name: "Portsmouth".into(),
            location: RawLocation {
                lat: lat0,
                lon: lon0,
            },
        }],
        schools: vec![],
        carers,
        homes: vec![],
        children: vec![RawChild {
            id: "CH0001".into(),
            authority: "E06000044".into(),
            age: 9,
            school: None,
            needs: vec![],
            sibling_group: None,
            placement: Default::default(),
            max_distance_km: None,
            sex: None,
            risks: vec![],
        }],
        sibling_groups: vec![],
        incompatible: vec![],
        practice_weights: None,
    };
    println!(
        "{}",
        serde_json::to_string(&data).expect("a dataset serialises")
    );
}
