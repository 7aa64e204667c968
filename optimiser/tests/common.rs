//! Small random datasets for cross-checks: tight capacity, every sibling
//! policy, constellations and kinship carers, all in a 20 km square.

#![allow(dead_code)]

use optimiser::dataset::raw::*;
use optimiser::dataset::Dataset;
use optimiser::matching::{self, MatchConfig};
use optimiser::solver::SolveStatus;
use optimiser::{brute_force, checker};
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
                sex_preference: None,
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
                sex: Default::default(),
                residents: vec![],
                mix_limits: vec![],
                max_age_gap: None,
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
                    strict: Some(true),
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
                sex: None,
                risks: vec![],
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
        version: optimiser::dataset::raw::ContractVersion::V1_1,
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
        incompatible: vec![],
        practice_weights: None,
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
        sex_preference: None,
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
        sex: None,
        risks: vec![],
    }
}

/// A one-authority raw dataset (`A`) of these carers and children, with no
/// sibling groups listed: push onto `sibling_groups` to give a group a
/// policy, then validate with `Dataset::try_from`.
pub fn raw_dataset(carers: Vec<RawCarer>, children: Vec<RawChild>) -> RawDataset {
    RawDataset {
        version: optimiser::dataset::raw::ContractVersion::V1_1,
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
        incompatible: vec![],
        practice_weights: None,
    }
}

/// A one-authority dataset (`A`) of these carers and children; every
/// sibling group the children name gets the default policy (`household`).
pub fn dataset(carers: Vec<RawCarer>, children: Vec<RawChild>) -> Dataset {
    Dataset::try_from(raw_dataset(carers, children)).expect("valid")
}

/// A [`tiny`] dataset with every contract v1.1 rule drawn at high rates, so
/// that small instances exercise them: children's sexes and risks,
/// incompatible pairs, homes' sexes, residents, mix limits and age gaps,
/// carers' preferences, non-strict groups, a second authority, and random
/// weights of practice.
pub fn tiny_practice(seed: u64, max_children: usize, max_places: usize) -> RawDataset {
    let mut raw = tiny(seed, max_children, max_places);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xABCD);
    let risks = ["r1", "r2", "r3"];
    let some_risks = |rng: &mut ChaCha8Rng, p: f64| -> Vec<String> {
        risks
            .iter()
            .filter(|_| rng.random_bool(p))
            .map(|t| t.to_string())
            .collect()
    };
    let sexes = [Some(Sex::Male), Some(Sex::Female), None];
    let groups = [
        SexGroup::Boys,
        SexGroup::Girls,
        SexGroup::Mixed,
        SexGroup::Mixed,
    ];
    raw.authorities.push(RawAuthority {
        id: "B".into(),
        name: "Other".into(),
        location: raw.authorities[0].location,
    });
    raw.incompatible = vec![
        vec!["r1".into(), "r2".into()],
        vec!["r3".into(), "r3".into()],
    ];
    for c in &mut raw.children {
        c.sex = sexes[rng.random_range(0..3)];
        c.risks = some_risks(&mut rng, 0.3);
        if rng.random_bool(0.3) {
            c.authority = "B".into();
        }
    }
    for h in &mut raw.homes {
        h.sex = groups[rng.random_range(0..4)];
        let n = rng.random_range(0..=h.occupied);
        h.residents = (0..n)
            .map(|_| RawResident {
                age: rng.random_range(8..=17),
                risks: some_risks(&mut rng, 0.2),
            })
            .collect();
        for t in risks {
            if rng.random_bool(0.4) {
                h.mix_limits.push(RawMixLimit {
                    tag: t.into(),
                    max: rng.random_range(1..=2),
                });
            }
        }
        h.max_age_gap = rng.random_bool(0.4).then(|| rng.random_range(2..=6));
        if rng.random_bool(0.3) {
            h.authority = "B".into();
        }
        // Room for several arrivals, so that rules between them matter.
        if rng.random_bool(0.5) {
            h.beds += 2;
        }
    }
    for c in &mut raw.carers {
        c.sex_preference =
            [None, None, Some(SexGroup::Boys), Some(SexGroup::Girls)][rng.random_range(0..4)];
        if rng.random_bool(0.3) {
            c.authority = "B".into();
        }
    }
    for g in &mut raw.sibling_groups {
        g.strict = Some(rng.random_bool(0.3));
    }
    raw.practice_weights = Some(RawPracticeWeights {
        w_split: Some([300.0, 2000.0][rng.random_range(0..2)]),
        w_split_constellation: Some([0.0, 100.0][rng.random_range(0..2)]),
        w_outside_authority: Some([0.0, 250.0][rng.random_range(0..2)]),
    });
    raw
}

/// Solves `data` with `config` and checks it against exhaustive
/// enumeration: proven optimal, the objective recomputed by the checker,
/// equal to the brute force's, and every bound reported valid. `false` when
/// the dataset is too large to enumerate.
#[allow(dead_code)]
pub fn matches_brute_force(seed: u64, data: &Dataset, config: &MatchConfig) -> bool {
    let Some((best, _)) = brute_force::solve(data, &config.weights) else {
        return false;
    };
    let solution = matching::solve(data, config).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    assert_eq!(solution.status, SolveStatus::Optimal, "seed {seed}");
    let recomputed = checker::check(data, &config.weights, &solution.placement)
        .unwrap_or_else(|v| panic!("seed {seed}: {v:?}"));
    assert!(
        (recomputed - solution.objective).abs() < 1e-6,
        "seed {seed}: reported {} recomputed {recomputed}",
        solution.objective
    );
    assert!(
        (solution.objective - best).abs() <= 1e-6 * best.max(1.0),
        "seed {seed}: MIP {} brute force {best}\n{data:#?}",
        solution.objective
    );
    assert!(
        solution.bound <= solution.objective + 1e-6 && solution.bound >= best * (1.0 - 1e-6) - 1e-6,
        "seed {seed}: bound {}",
        solution.bound
    );
    // The bounds reported along the way are valid lower bounds too.
    let valid = |b: f64| b <= best + 1e-6 * best.max(1.0);
    assert!(
        valid(solution.model.counting_bound),
        "seed {seed}: counting bound {}",
        solution.model.counting_bound
    );
    assert!(
        valid(solution.model.lp_bound),
        "seed {seed}: LP bound {}",
        solution.model.lp_bound
    );
    assert!(
        solution
            .model
            .progress
            .iter()
            .all(|p| valid(p.bound) && p.objective >= best - 1e-6),
        "seed {seed}: {:?}",
        solution.model.progress
    );
    true
}
