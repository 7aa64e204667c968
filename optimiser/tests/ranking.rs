//! Ranked matches against exhaustive sorting, and system impact against brute force.

mod common;

use optimiser::dataset::Dataset;
use optimiser::generator::{generate, GeneratorSpec};
use optimiser::matching::{child_pairs, Weights};
use optimiser::ranking::{rank, RankConfig, RankError, Ranker};
use optimiser::{brute_force, geography::SpatialIndex};

#[test]
fn single_child_ranking_is_the_cheapest_eligible_places_in_order() {
    let mut cut_short = 0;
    for seed in 0..6 {
        let data = generate(&GeneratorSpec::new(seed, 60, 300, 30)).expect("valid");
        // One shared index, as the HTTP service keeps it: its cached counts
        // must not depend on the weights or `top` of earlier requests.
        let places = optimiser::ranking::PlaceIndex::new(&data);
        let ranker = Ranker::with_places(&data, &places);
        let index = SpatialIndex::new(data.places().iter().map(|p| &p.location));
        for (top, distance) in [(7, 10.0), (1, 0.0), (20, 250.0)] {
            let weights = Weights {
                distance,
                ..Weights::default()
            };
            let config = RankConfig {
                top,
                weights,
                ..RankConfig::default()
            };
            for (i, child) in data.children().iter().enumerate() {
                if child.sibling_group.is_some() {
                    continue;
                }
                let ranking = ranker.rank(&child.id, &config).expect("ranks");
                // Exhaustive: every eligible place sorted by (cost, id).
                let mut all: Vec<(f64, String)> = child_pairs(&data, &index, &weights, i)
                    .into_iter()
                    .map(|p| (p.cost, data.places()[p.place].id.clone()))
                    .collect();
                all.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
                let expected: Vec<&str> = all.iter().take(top).map(|(_, id)| id.as_str()).collect();
                let got: Vec<&str> = ranking.matches.iter().map(|m| m.option.as_str()).collect();
                assert_eq!(got, expected, "seed {seed} child {} top {top}", child.id);
                assert_eq!(ranking.options_total, all.len());
                for m in &ranking.matches {
                    let km = m.placements[0].distance_km;
                    assert!((m.cost - (m.weekly_cost + distance * km)).abs() < 1e-9);
                }
                cut_short += usize::from(all.len() > top);
            }
        }
    }
    assert!(
        cut_short >= 100,
        "the search was cut short only {cut_short} times"
    );
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

/// Every option of group `g` by exhaustive enumeration: each place eligible
/// for every member with a free place for each where the members may arrive
/// together (`group_fits_home`); for a strict `constellation` group, each
/// constellation's cheapest assignment of the members to its households
/// (every combination tried, free places respected) when it uses at least
/// two households; for a non-strict group, the cheapest split over each
/// member's `SPLIT_CHOICES` cheapest eligible places (every combination with
/// two places or more, free places and the homes' rules between arrivals
/// respected), at its cost plus the split cost. Sorted by (cost, id).
fn group_options_exhaustive(data: &Dataset, g: usize, w: &Weights) -> Vec<(f64, String)> {
    use optimiser::dataset::KeepTogether;
    use optimiser::eligibility::is_eligible;
    use optimiser::matching::{group_fits_home, placement_cost};
    let group = &data.sibling_groups()[g];
    let members = &group.members;
    let cost = |i: usize, j: usize| {
        let place = &data.places()[j];
        let km = data.children()[i].anchor.distance_km(&place.location);
        placement_cost(data, w, i, j, km)
    };
    let mut all: Vec<(f64, String)> = (0..data.places().len())
        .filter(|&j| data.places()[j].free_places() as usize >= members.len())
        .filter(|&j| members.iter().all(|&i| is_eligible(data, i, j)))
        .filter(|&j| group_fits_home(data, members, j))
        .map(|j| {
            let c = members.iter().map(|&i| cost(i, j)).sum();
            (c, data.places()[j].id.clone())
        })
        .collect();
    // Depth-first over every member's candidate places: the cheapest
    // assignment `price` allows (its cost and the places it uses), ties by
    // the option's id (the places' ids joined by `+`).
    type Best = Option<(f64, String, Vec<usize>)>;
    fn walk(
        candidates: &[Vec<usize>],
        price: &dyn Fn(&[usize]) -> Option<f64>,
        name: &dyn Fn(&[usize]) -> String,
        chosen: &mut Vec<usize>,
        best: &mut Best,
    ) {
        let k = chosen.len();
        if k == candidates.len() {
            let Some(total) = price(chosen) else { return };
            let mut distinct = chosen.clone();
            distinct.sort_unstable();
            distinct.dedup();
            let id = name(&distinct);
            if best
                .as_ref()
                .is_none_or(|(b, b_id, _)| (total, &id) < (*b, b_id))
            {
                *best = Some((total, id, distinct));
            }
            return;
        }
        for &j in &candidates[k] {
            chosen.push(j);
            walk(candidates, price, name, chosen, best);
            chosen.pop();
        }
    }
    let name = |places: &[usize]| {
        places
            .iter()
            .map(|&j| data.places()[j].id.as_str())
            .collect::<Vec<_>>()
            .join("+")
    };
    let members_cost =
        |chosen: &[usize]| -> f64 { members.iter().zip(chosen).map(|(&i, &j)| cost(i, j)).sum() };
    let fits = |chosen: &[usize]| {
        chosen.iter().all(|&j| {
            let here: Vec<usize> = members
                .iter()
                .zip(chosen)
                .filter(|&(_, &p)| p == j)
                .map(|(&i, _)| i)
                .collect();
            here.len() <= data.places()[j].free_places() as usize && group_fits_home(data, &here, j)
        })
    };
    if group.strict && group.keep_together == KeepTogether::Constellation {
        for c in data.constellations() {
            let candidates: Vec<Vec<usize>> = members
                .iter()
                .map(|&i| {
                    c.households
                        .iter()
                        .copied()
                        .filter(|&j| is_eligible(data, i, j))
                        .collect()
                })
                .collect();
            let price = |chosen: &[usize]| fits(chosen).then(|| members_cost(chosen));
            let mut best = None;
            walk(&candidates, &price, &name, &mut Vec::new(), &mut best);
            if let Some((total, _, distinct)) = best {
                if distinct.len() >= 2 {
                    all.push((total, c.id.clone()));
                }
            }
        }
    }
    if !group.strict {
        let candidates: Vec<Vec<usize>> = members
            .iter()
            .map(|&i| {
                let mut eligible: Vec<usize> = (0..data.places().len())
                    .filter(|&j| is_eligible(data, i, j))
                    .collect();
                eligible.sort_by(|&a, &b| cost(i, a).total_cmp(&cost(i, b)).then(a.cmp(&b)));
                eligible.truncate(optimiser::ranking::SPLIT_CHOICES);
                eligible
            })
            .collect();
        let price = |chosen: &[usize]| {
            let places: std::collections::BTreeSet<usize> = chosen.iter().copied().collect();
            (places.len() >= 2 && fits(chosen))
                .then(|| members_cost(chosen) + optimiser::checker::split_cost(data, g, &places))
        };
        let mut best = None;
        walk(&candidates, &price, &name, &mut Vec::new(), &mut best);
        if let Some((total, id, _)) = best {
            all.push((total, id));
        }
    }
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    all
}

#[test]
fn group_ranking_is_the_cheapest_options_of_exhaustive_search() {
    let mut groups_compared = 0;
    let mut bound_stopped = 0;
    let mut splits_compared = 0;
    for seed in 0..8 {
        let data = generate(&GeneratorSpec::new(seed, 80, 300, 30)).expect("valid");
        // One shared index, as the HTTP service keeps it: its cached counts
        // must not depend on the weights or `top` of earlier requests.
        let places = optimiser::ranking::PlaceIndex::new(&data);
        let ranker = Ranker::with_places(&data, &places);
        for (g, group) in data.sibling_groups().iter().enumerate() {
            if group.members.len() < 2
                || group.keep_together == optimiser::dataset::KeepTogether::None
            {
                continue;
            }
            for (top, distance) in [(3, 10.0), (1, 0.0), (25, 250.0), (5, 10.0)] {
                let weights = Weights {
                    distance,
                    ..Weights::default()
                };
                let config = RankConfig {
                    top,
                    weights,
                    ..RankConfig::default()
                };
                let child = &data.children()[group.members[0]].id;
                let ranking = ranker.rank(child, &config).expect("ranks");
                let all = group_options_exhaustive(&data, g, &weights);
                assert_eq!(
                    ranking.options_total,
                    all.len(),
                    "seed {seed} group {}",
                    group.id
                );
                assert_eq!(ranking.matches.len(), all.len().min(top));
                for (m, (cost, id)) in ranking.matches.iter().zip(&all) {
                    assert_eq!(&m.option, id, "seed {seed} group {} top {top}", group.id);
                    assert!((m.cost - cost).abs() < 1e-6 * cost.max(1.0));
                    splits_compared += usize::from(m.kind == "split");
                }
                if all.len() > top {
                    bound_stopped += 1;
                }
            }
            groups_compared += 1;
        }
    }
    assert!(
        groups_compared >= 20,
        "only {groups_compared} groups compared"
    );
    assert!(
        splits_compared >= 20,
        "only {splits_compared} split options compared"
    );
    assert!(
        bound_stopped >= 20,
        "the bounded search was cut short only {bound_stopped} times"
    );
}
