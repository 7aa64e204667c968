//! The spread-room rows make the LP bound of a constellation spread exact
//! where the plain linking rows let the LP cheat.

use optimiser::dataset::raw::*;
use optimiser::dataset::Dataset;
use optimiser::matching::{solve, MatchConfig};
use optimiser::solver::SolveStatus;

fn carer(id: &str, constellation: &str, hub: bool, cost: f64) -> RawCarer {
    RawCarer {
        id: id.into(),
        authority: "A".into(),
        provider: Provider::InHouse,
        location: RawLocation {
            lat: 50.80,
            lon: -1.10,
        },
        places: 1,
        occupied: 0,
        min_age: 0,
        max_age: 17,
        skills: vec![],
        weekly_cost: cost,
        constellation: Some(constellation.into()),
        hub,
        connected_children: vec![],
    }
}

fn sibling(id: &str) -> RawChild {
    RawChild {
        id: id.into(),
        authority: "A".into(),
        age: 8,
        school: None,
        needs: vec![],
        sibling_group: Some("G".into()),
        placement: PlacementKind::Foster,
        max_distance_km: None,
    }
}

/// Two constellations, each with a £500 household and a £900 household of
/// one free place; two siblings who must stay within one constellation.
/// The plan is £500 + £900 = £1,400. Without the rows
/// `Σ_i m_iKj ≤ min(free_j, |g|)·u_gK`, the LP takes half of each spread
/// and puts both halves of both children in the two £500 households
/// (each holds ½ + ½ = 1), for £1,000.
#[test]
fn spread_lp_bound_is_exact_when_only_one_member_fits_each_household() {
    let data = Dataset::try_from(RawDataset {
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
        carers: vec![
            carer("K1-hub", "K1", true, 500.0),
            carer("K1-sat", "K1", false, 900.0),
            carer("K2-hub", "K2", true, 500.0),
            carer("K2-sat", "K2", false, 900.0),
        ],
        homes: vec![],
        children: vec![sibling("c1"), sibling("c2")],
        sibling_groups: vec![RawSiblingGroup {
            id: "G".into(),
            keep_together: KeepTogether::Constellation,
        }],
    })
    .expect("valid");
    let s = solve(&data, &MatchConfig::default()).expect("solves");
    assert_eq!(s.status, SolveStatus::Optimal);
    assert!(
        (s.objective - 1400.0).abs() < 1e-6,
        "objective {}",
        s.objective
    );
    assert!(
        (s.model.lp_bound - 1400.0).abs() < 1e-6,
        "LP bound {} should equal the optimum",
        s.model.lp_bound
    );
}
