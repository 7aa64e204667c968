//! The spread-room rows make the LP bound of a constellation spread exact
//! where the plain linking rows let the LP cheat.

mod common;

use common::{carer, child, raw_dataset};
use optimiser::dataset::raw::{KeepTogether, RawSiblingGroup};
use optimiser::dataset::Dataset;
use optimiser::matching::{solve, MatchConfig};
use optimiser::solver::SolveStatus;

/// Two constellations, each with a £500 household and a £900 household of
/// one free place; two siblings who must stay within one constellation.
/// The plan is £500 + £900 = £1,400. Without the rows
/// `Σ_i m_iKj ≤ min(free_j, |g|)·u_gK`, the LP takes half of each spread
/// and puts both halves of both children in the two £500 households
/// (each holds ½ + ½ = 1), for £1,000.
#[test]
fn spread_lp_bound_is_exact_when_only_one_member_fits_each_household() {
    let household = |id: &str, constellation: &str, hub: bool, cost: f64| {
        let mut c = carer(id, 1, cost);
        c.constellation = Some(constellation.into());
        c.hub = hub;
        c
    };
    let mut raw = raw_dataset(
        vec![
            household("K1-hub", "K1", true, 500.0),
            household("K1-sat", "K1", false, 900.0),
            household("K2-hub", "K2", true, 500.0),
            household("K2-sat", "K2", false, 900.0),
        ],
        vec![child("c1", Some("G")), child("c2", Some("G"))],
    );
    raw.sibling_groups.push(RawSiblingGroup {
        id: "G".into(),
        keep_together: KeepTogether::Constellation,
        strict: Some(true),
    });
    let data = Dataset::try_from(raw).expect("valid");
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
