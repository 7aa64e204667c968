//! Per-request weights of practice (`split_weight`,
//! `split_constellation_weight`, `outside_authority_weight`) through the
//! service layer and the `placement` binary, on the demo dataset.

use std::path::PathBuf;

use api::service::{self, requests::RankRequest, requests::SolveParams};
use api::ApiError;
use optimiser::checker;
use optimiser::dataset::{Dataset, PlaceIdx, DEFAULT_SPLIT_WEIGHT};
use optimiser::solver::SolveStatus;
use serde_json::Value;

mod support;

use support::{run, stderr, stdout};

fn demo_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/demo/south_coast.json")
}

fn demo() -> Dataset {
    api::load_dataset(&demo_path()).expect("the demo dataset is valid")
}

/// Children placed outside their own authority.
fn outside(data: &Dataset, placement: &[Option<PlaceIdx>]) -> usize {
    placement
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            p.is_some_and(|j| data.places()[j].authority != data.children()[*i].authority)
        })
        .count()
}

/// Extra places non-strict groups are split over (Σ places − 1).
fn extra_places(r: &service::reports::MatchReport) -> usize {
    r.solution
        .split_groups
        .iter()
        .map(|g| g.places.saturating_sub(1))
        .sum()
}

fn solve(data: &Dataset, params: &SolveParams) -> service::reports::MatchReport {
    let r = service::match_(data, params).expect("solves");
    assert_eq!(r.solution.status, SolveStatus::Optimal, "{params:?}");
    r
}

/// The objective of `r`'s placement recomputed from scratch (the checker)
/// on `data` with `params`' weights of practice.
fn recomputed(data: &Dataset, params: &SolveParams, r: &service::reports::MatchReport) -> f64 {
    let at = data
        .with_practice_weights(&params.practice_overrides())
        .expect("valid overrides");
    checker::check(&at, &r.weights, &r.solution.placement).expect("a feasible placement")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn a_split_weight_above_the_unplaced_penalty_changes_the_demo_answer() {
    let data = demo();
    let stored = *data.practice();
    let base_params = SolveParams::default();
    let high_params = SolveParams {
        split_weight: Some(200_000.0),
        ..SolveParams::default()
    };
    let base = solve(&data, &base_params);
    let high = solve(&data, &high_params);
    // The override is used and reported; the dataset is not changed.
    assert_eq!(base.practice, stored);
    assert_eq!(base.practice.split, DEFAULT_SPLIT_WEIGHT);
    assert_eq!(high.practice.split, 200_000.0);
    assert_eq!(
        high.practice.split_constellation,
        stored.split_constellation
    );
    assert_eq!(*data.practice(), stored);
    // The solver's objective is the one recomputed at the weights it was given.
    for (p, r) in [(&base_params, &base), (&high_params, &high)] {
        let again = recomputed(&data, p, r);
        assert!(
            close(again, r.solution.objective),
            "{again} vs {}",
            r.solution.objective
        );
    }
    // The demo splits groups at the default weight; at £200,000 a place
    // (twice the unplaced penalty) it splits fewer or leaves more children out.
    assert!(
        extra_places(&base) > 0,
        "the demo splits at the default weight"
    );
    let b = &base.solution.breakdown;
    let h = &high.solution.breakdown;
    assert!(
        extra_places(&high) < extra_places(&base) || h.children_unplaced > b.children_unplaced,
        "split over {} extra places, {} unplaced (default: {}, {})",
        extra_places(&high),
        h.children_unplaced,
        extra_places(&base),
        b.children_unplaced
    );
    // Each answer is optimal at its own weights: the other placement, priced
    // at these weights, is no cheaper than the proven bound.
    let base_at_high = recomputed(&data, &high_params, &base);
    let high_at_base = recomputed(&data, &base_params, &high);
    assert!(base_at_high >= high.solution.bound - 1e-6 * base_at_high.abs());
    assert!(high_at_base >= base.solution.bound - 1e-6 * high_at_base.abs());
}

/// For optimal answers `x_lo` at weight `w_lo` and `x_hi` at `w_hi > w_lo`
/// (everything else equal), adding the two optimality conditions gives
/// `(w_hi − w_lo)(g(x_hi) − g(x_lo)) ≤ slack_lo + slack_hi`, where `g` counts
/// children placed outside their authority and each slack is the solve's
/// `objective − bound`. With a step of £500 or more and slacks of pounds,
/// `g` cannot rise.
#[test]
fn a_larger_outside_authority_weight_never_places_more_children_outside() {
    let data = demo();
    assert_eq!(data.practice().outside_authority, 0.0);
    let weights = [0.0, 500.0, 5_000.0];
    let mut runs = Vec::new();
    for w in weights {
        let params = SolveParams {
            outside_authority_weight: Some(w),
            ..SolveParams::default()
        };
        let r = solve(&data, &params);
        assert_eq!(r.practice.outside_authority, w);
        let again = recomputed(&data, &params, &r);
        assert!(
            close(again, r.solution.objective),
            "w {w}: {again} vs {}",
            r.solution.objective
        );
        let slack = r.solution.objective - r.solution.bound;
        runs.push((w, outside(&data, &r.solution.placement), slack, r));
    }
    for pair in runs.windows(2) {
        let (w_lo, g_lo, s_lo, _) = &pair[0];
        let (w_hi, g_hi, s_hi, _) = &pair[1];
        assert!(
            s_lo + s_hi < w_hi - w_lo,
            "slacks {s_lo} and {s_hi} too large for the proof"
        );
        assert!(g_hi <= g_lo, "{g_hi} outside at £{w_hi}, {g_lo} at £{w_lo}");
    }
    // On the demo the weight matters: fewer children leave their authority.
    let (first, last) = (&runs[0], &runs[runs.len() - 1]);
    assert!(
        last.1 < first.1,
        "{} outside at £5,000, {} at £0",
        last.1,
        first.1
    );
    let share = |r: &service::reports::MatchReport| r.solution.breakdown.share_inside_authority;
    assert!(share(&last.3) > share(&first.3));
    assert_eq!(
        last.3.solution.breakdown.outside_authority_cost,
        5_000.0 * last.1 as f64
    );
}

fn invalid_option(e: ApiError) -> &'static str {
    match e {
        ApiError::InvalidOption(o) => o.option,
        other => panic!("expected an invalid option, got {other:?}"),
    }
}

#[test]
fn invalid_practice_weights_are_refused_by_match_and_rank_naming_the_field() {
    let data = demo();
    let child = data.children()[0].id.clone();
    let cases = [
        (
            SolveParams {
                split_weight: Some(-1.0),
                ..SolveParams::default()
            },
            "split_weight",
        ),
        (
            SolveParams {
                outside_authority_weight: Some(f64::NAN),
                ..SolveParams::default()
            },
            "outside_authority_weight",
        ),
        (
            SolveParams {
                split_constellation_weight: Some(1e10),
                ..SolveParams::default()
            },
            "split_constellation_weight",
        ),
        // Above the demo's w_split (5,000): the documented rule.
        (
            SolveParams {
                split_constellation_weight: Some(6_000.0),
                ..SolveParams::default()
            },
            "split_constellation_weight",
        ),
        // Below the demo's w_split_constellation (1,000).
        (
            SolveParams {
                split_weight: Some(500.0),
                ..SolveParams::default()
            },
            "split_weight",
        ),
    ];
    for (params, option) in cases {
        let e = service::match_(&data, &params).unwrap_err();
        assert_eq!(invalid_option(e), option, "match {params:?}");
        let request = RankRequest {
            child: child.clone(),
            top: 5,
            system: false,
            solve: params.clone(),
        };
        let e = service::rank(&data, &request).unwrap_err();
        assert_eq!(invalid_option(e), option, "rank {params:?}");
    }
}

#[test]
fn ranking_prices_options_outside_the_authority_at_the_override() {
    let data = demo();
    // A child placed alone, with options inside and outside their authority.
    let request = |child: &str, w: Option<f64>| RankRequest {
        child: child.to_string(),
        top: 50,
        system: false,
        solve: SolveParams {
            outside_authority_weight: w,
            ..SolveParams::default()
        },
    };
    let home_of = |i: usize| data.authorities()[data.children()[i].authority].id.clone();
    let (i, base) = (0..data.children().len())
        .filter(|&i| data.children()[i].sibling_group.is_none())
        .find_map(|i| {
            let r = service::rank(&data, &request(&data.children()[i].id, None)).ok()?;
            let home = home_of(i);
            let mixed = r
                .ranking
                .matches
                .iter()
                .any(|m| m.authority.as_ref() == Some(&home))
                && r.ranking
                    .matches
                    .iter()
                    .any(|m| m.authority.as_ref() != Some(&home));
            mixed.then_some((i, r))
        })
        .expect("a demo child with options inside and outside their authority");
    let home = home_of(i);
    let high = service::rank(&data, &request(&data.children()[i].id, Some(1e6))).expect("ranks");
    let base_cost: std::collections::HashMap<&str, f64> = base
        .ranking
        .matches
        .iter()
        .map(|m| (m.option.as_str(), m.cost))
        .collect();
    let mut seen_outside = false;
    for m in &high.ranking.matches {
        let inside = m.authority.as_ref() == Some(&home);
        assert!(
            !(inside && seen_outside),
            "options inside the authority come first"
        );
        seen_outside |= !inside;
        if let Some(c) = base_cost.get(m.option.as_str()) {
            let extra = if inside { 0.0 } else { 1e6 };
            assert!(
                close(m.cost, c + extra),
                "{}: {} vs {c} + {extra}",
                m.option,
                m.cost
            );
        }
    }
}

#[test]
fn the_command_line_takes_the_practice_weight_flags() {
    let path = demo_path().display().to_string();
    let o = run(&[
        "match",
        "--dataset",
        &path,
        "--split-weight",
        "8000",
        "--split-constellation-weight",
        "2000",
        "--outside-authority-weight",
        "750",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["practice"]["split"], 8000.0, "{}", v["practice"]);
    assert_eq!(v["practice"]["split_constellation"], 2000.0);
    assert_eq!(v["practice"]["outside_authority"], 750.0);
    let o = run(&[
        "match",
        "--dataset",
        &path,
        "--format",
        "table",
        "--outside-authority-weight",
        "750",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("practice weights  £5,000 per extra place a sibling group is split over (£1,000 inside a constellation), £750 per child outside their authority"),
        "{out}"
    );
    assert!(
        out.contains("    not kept together by policy (none): "),
        "{out}"
    );
    assert!(
        out.contains("    split or partly placed (not strict): "),
        "{out}"
    );
    assert!(!out.contains("policy none, or not strict"), "{out}");
    for (flag, value) in [
        ("--split-weight", "-1"),
        ("--outside-authority-weight", "NaN"),
        ("--split-constellation-weight", "6000"),
    ] {
        let o = run(&["match", "--dataset", &path, flag, value]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        assert!(stderr(&o).contains(flag), "{flag} {value}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
        let child = "CH00001";
        let o = run(&["rank", "--dataset", &path, "--child", child, flag, value]);
        assert_eq!(o.status.code(), Some(2), "rank {flag} {value}");
        assert!(
            stderr(&o).contains(flag),
            "rank {flag} {value}: {}",
            stderr(&o)
        );
    }
}
