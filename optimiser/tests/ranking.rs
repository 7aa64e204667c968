//! Ranked matches against exhaustive sorting, and system impact against brute force.

mod common;

use optimiser::dataset::Dataset;
use optimiser::generator::{generate, GeneratorSpec};
use optimiser::matching::{child_pairs, Weights};
use optimiser::ranking::{rank, RankConfig, RankError, Ranker};
use optimiser::{brute_force, geography::SpatialIndex};

#[test]
fn single_child_ranking_is_the_cheapest_eligible_places_in_order() {
    for seed in 0..6 {
        let data = generate(&GeneratorSpec::new(seed, 60, 300, 30)).expect("valid");
        let ranker = Ranker::new(&data);
        let index = SpatialIndex::new(data.places().iter().map(|p| &p.location));
        let config = RankConfig {
            top: 7,
            ..RankConfig::default()
        };
        for (i, child) in data.children().iter().enumerate() {
            if child.sibling_group.is_some() {
                continue;
            }
            let ranking = ranker.rank(&child.id, &config).expect("ranks");
            // Exhaustive: every eligible place sorted by (cost, id).
            let mut all: Vec<(f64, String)> = child_pairs(&data, &index, &Weights::default(), i)
                .into_iter()
                .map(|p| (p.cost, data.places()[p.place].id.clone()))
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            let expected: Vec<&str> = all.iter().take(7).map(|(_, id)| id.as_str()).collect();
            let got: Vec<&str> = ranking.matches.iter().map(|m| m.option.as_str()).collect();
            assert_eq!(got, expected, "seed {seed} child {}", child.id);
            assert_eq!(ranking.options_total, all.len());
            for m in &ranking.matches {
                let km = m.placements[0].distance_km;
                assert!((m.cost - (m.weekly_cost + 10.0 * km)).abs() < 1e-9);
            }
        }
    }
}

#[test]
fn unknown_child_and_out_of_range_options_are_errors_naming_them() {
    let data = generate(&GeneratorSpec::small(1)).expect("valid");
    assert!(matches!(
        rank(&data, "nobody", &RankConfig::default()),
        Err(RankError::UnknownChild(id)) if id == "nobody"
    ));
    let first = data.children()[0].id.clone();
    let option = |config: RankConfig| match rank(&data, &first, &config) {
        Err(RankError::InvalidOption(e)) => e.option,
        other => panic!("expected an invalid option, got {other:?}"),
    };
    assert_eq!(
        option(RankConfig {
            top: 0,
            ..RankConfig::default()
        }),
        "top"
    );
    assert_eq!(
        option(RankConfig {
            top: optimiser::limits::MAX_TOP + 1,
            ..RankConfig::default()
        }),
        "top"
    );
    assert_eq!(
        option(RankConfig {
            weights: Weights {
                distance: f64::NAN,
                ..Weights::default()
            },
            ..RankConfig::default()
        }),
        "distance_weight"
    );
    let mut config = RankConfig::default();
    config.solve.time_limit = Some(1e20);
    assert_eq!(option(config), "time_limit");
}

#[test]
fn system_impact_equals_brute_force_with_the_option_fixed() {
    let mut compared = 0;
    for seed in 0..120 {
        let data = Dataset::try_from(common::tiny(seed, 6, 5)).expect("valid");
        let weights = Weights::default();
        let Some((best, _)) = brute_force::solve(&data, &weights) else {
            continue;
        };
        for child in data.children() {
            let ranking = rank(
                &data,
                &child.id,
                &RankConfig {
                    top: 3,
                    system: true,
                    ..RankConfig::default()
                },
            )
            .expect("ranks");
            let baseline = ranking.baseline.as_ref().expect("baseline");
            assert!(
                (baseline.objective - best).abs() < 1e-6 * best,
                "seed {seed}"
            );
            for m in &ranking.matches {
                if m.kind == "split" {
                    // A split option is an explanation: no system impact.
                    assert!(m.system_impact.is_none() && m.split_cost.is_some());
                    continue;
                }
                let fixed: Vec<(usize, usize)> = m
                    .placements
                    .iter()
                    .map(|p| {
                        (
                            data.child_index(&p.child).unwrap(),
                            data.place_index(&p.place).unwrap(),
                        )
                    })
                    .collect();
                let spread = m.kind == "constellation";
                let constellation = m.constellation.clone();
                let keep = |a: &[Option<usize>]| {
                    if spread {
                        // The group spread over that constellation, households free.
                        fixed.iter().all(|&(i, _)| {
                            a[i].and_then(|j| data.places()[j].constellation())
                                .map(|k| &data.constellations()[k].id)
                                == constellation.as_ref()
                        })
                    } else {
                        fixed.iter().all(|&(i, j)| a[i] == Some(j))
                    }
                };
                let (expected, _) =
                    brute_force::solve_where(&data, &weights, keep).expect("an option is feasible");
                let impact = m.system_impact.as_ref().expect("impact");
                assert!(
                    (impact.objective - expected).abs() < 1e-6 * expected,
                    "seed {seed} child {} option {}: {} vs {expected}",
                    child.id,
                    m.option,
                    impact.objective
                );
                // Fixing an option only restricts the optimum.
                assert!(impact.rise >= 0.0, "rise {}", impact.rise);
                assert!(
                    (impact.own_cost_change + impact.others_rise - impact.rise).abs() < 1e-6 * best,
                    "{impact:?}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 100, "only {compared} options compared");
}
