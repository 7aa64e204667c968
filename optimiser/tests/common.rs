//! Small random datasets for cross-checks: tight capacity, every sibling
//! policy, constellations and kinship carers, all in a 20 km square.

#![allow(dead_code)]

use optimiser::dataset::raw::*;
use optimiser::dataset::Dataset;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub fn tiny(seed: u64, max_children: usize, max_places: usize) -> RawDataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let loc = |rng: &mut ChaCha8Rng| RawLocation {
        lat: 50.8 + rng.random_range(0.0..0.15),
        lon: -1.2 + rng.random_range(0.0..0.2),
    };
    let tags = ["a", "b", "c"];
    let pick = |rng: &mut ChaCha8Rng, p: f64| -> Vec<String> {
        tags.iter()
            .filter(|_| rng.random_bool(p))
            .map(|t| t.to_string())
            .collect()
    };
    let n_children = rng.random_range(1..=max_children);
    let n_places = rng.random_range(1..=max_places);
    let n_homes = rng.random_range(0..=n_places.min(2));
    let n_carers = n_places - n_homes;
    let mut carers: Vec<RawCarer> = (0..n_carers)
        .map(|k| {
            let places = rng.random_range(1..=3);
            RawCarer {
                id: format!("C{k}"),
                authority: "A".into(),
                provider: if rng.random_bool(0.5) {
                    Provider::InHouse
                } else {
                    Provider::Ifa
                },
                location: loc(&mut rng),
                places,
                occupied: rng.random_range(0..places),
                min_age: rng.random_range(0..=6),
                max_age: rng.random_range(11..=17),
                skills: pick(&mut rng, 0.85),
                weekly_cost: rng.random_range(300..1200) as f64,
                constellation: None,
                hub: false,
                connected_children: vec![],
            }
        })
        .collect();
    // Up to two constellations over the carers.
    for c in carers.iter_mut() {
        match rng.random_range(0..4) {
            0 => c.constellation = Some("K1".into()),
            1 => c.constellation = Some("K2".into()),
            _ => {}
        }
    }
    let homes: Vec<RawHome> = (0..n_homes)
        .map(|k| {
            let beds = rng.random_range(1..=3);
            RawHome {
                id: format!("H{k}"),
                authority: "A".into(),
                location: loc(&mut rng),
                beds,
                occupied: rng.random_range(0..=beds),
                min_age: rng.random_range(5..=11),
                max_age: 17,
                accepts: pick(&mut rng, 0.85),
                weekly_cost: rng.random_range(3000..6000) as f64,
            }
        })
        .collect();
    let mut children = Vec::new();
    let mut sibling_groups = Vec::new();
    let policies = [
        KeepTogether::Household,
        KeepTogether::Constellation,
        KeepTogether::None,
    ];
    while children.len() < n_children {
        let size = rng.random_range(1..=3).min(n_children - children.len());
        let group = (size > 1).then(|| {
            let id = format!("G{}", sibling_groups.len());
            let keep_together = policies[rng.random_range(0..3)];
            // Some groups are left unlisted (meaning household).
            if rng.random_bool(0.8) {
                sibling_groups.push(RawSiblingGroup {
                    id: id.clone(),
                    keep_together,
                });
            }
            id
        });
        for _ in 0..size {
            let placement = match rng.random_range(0..5) {
                0 => PlacementKind::Residential,
                1 if rng.random_bool(0.5) => PlacementKind::Residential,
                1 | 2 => PlacementKind::Foster,
                _ => PlacementKind::Any,
            };
            children.push(RawChild {
                id: format!("K{}", children.len()),
                authority: "A".into(),
                age: rng.random_range(2..=16),
                school: rng.random_bool(0.7).then(|| "S0".to_string()),
                needs: pick(&mut rng, 0.12),
                sibling_group: group.clone(),
                placement,
                max_distance_km: rng.random_bool(0.3).then(|| rng.random_range(6.0..20.0)),
            });
        }
    }
    // A kinship carer connected to one child, sometimes.
    if !carers.is_empty() && rng.random_bool(0.3) {
        let c = rng.random_range(0..carers.len());
        carers[c].provider = Provider::Kinship;
        carers[c].connected_children =
            vec![children[rng.random_range(0..children.len())].id.clone()];
    }
    RawDataset {
        version: 1,
        authorities: vec![RawAuthority {
            id: "A".into(),
            name: "Authority".into(),
            location: loc(&mut rng),
        }],
        schools: vec![RawSchool {
            id: "S0".into(),
            name: "School".into(),
            location: loc(&mut rng),
        }],
        carers,
        homes,
        children,
        sibling_groups,
    }
}

/// An in-house carer in authority `A` with `free` places, ages 0–17, no skills.
pub fn carer(id: &str, free: u32, cost: f64) -> RawCarer {
    RawCarer {
        id: id.into(),
        authority: "A".into(),
        provider: Provider::InHouse,
        location: RawLocation {
            lat: 50.80,
            lon: -1.10,
        },
        places: free,
        occupied: 0,
        min_age: 0,
        max_age: 17,
        skills: vec![],
        weekly_cost: cost,
        constellation: None,
        hub: false,
        connected_children: vec![],
    }
}

/// A foster child of 8 in authority `A`, anchored there, no needs.
pub fn child(id: &str, group: Option<&str>) -> RawChild {
    RawChild {
        id: id.into(),
        authority: "A".into(),
        age: 8,
        school: None,
        needs: vec![],
        sibling_group: group.map(String::from),
        placement: PlacementKind::Foster,
        max_distance_km: None,
    }
}

/// A one-authority raw dataset (`A`) of these carers and children, with no
/// sibling groups listed: push onto `sibling_groups` to give a group a
/// policy, then validate with `Dataset::try_from`.
pub fn raw_dataset(carers: Vec<RawCarer>, children: Vec<RawChild>) -> RawDataset {
    RawDataset {
        version: 1,
        authorities: vec![RawAuthority {
            id: "A".into(),
            name: "A".into(),
            location: RawLocation {
                lat: 50.8,
                lon: -1.1,
            },
        }],
        schools: vec![],
        carers,
        homes: vec![],
        children,
        sibling_groups: vec![],
    }
}

/// A one-authority dataset (`A`) of these carers and children; every
/// sibling group the children name gets the default policy (`household`).
pub fn dataset(carers: Vec<RawCarer>, children: Vec<RawChild>) -> Dataset {
    Dataset::try_from(raw_dataset(carers, children)).expect("valid")
}
