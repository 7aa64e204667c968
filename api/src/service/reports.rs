//! What each solve returns to a caller, and how a report is cut down to the
//! children a caller may see.
//!
//! A report is the library's answer plus the settings that produced it. A
//! regional solve places every authority's children against the shared
//! stock, but a caller from one authority sees child-level records (ids,
//! ages, needs, assignments) only for the children of its own authorities
//! ([`Scope`]); the others remain in the totals and appear as counts in
//! `outside_scope`.

use std::collections::{BTreeSet, HashMap};

use optimiser::commission::{CommissionReport, Sharing};
use optimiser::constellations::{Formation, FormationConfig};
use optimiser::dataset::{Dataset, PracticeWeights};
use optimiser::matching::{MatchSolution, Weights};
use optimiser::ranking::Ranking;
use serde::Serialize;

/// Whose children a caller may see record by record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every authority (an administrator, or the command line).
    All,
    /// These authorities (GSS codes).
    Authorities(BTreeSet<String>),
}

impl Scope {
    /// Whether records of a child of `authority` may be shown.
    pub fn allows(&self, authority: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Authorities(set) => set.contains(authority),
        }
    }
}

/// Children left out of a report because they are outside the caller's
/// scope: counted, never listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OutsideScope {
    /// Children of other authorities placed in this solve.
    pub placed: usize,
    /// Children of other authorities left unplaced.
    pub unplaced: usize,
}

/// A batch placement: the solution and the settings used.
#[derive(Debug, Clone, Serialize)]
pub struct MatchReport {
    /// The solution (status, objective, bound, gap, timings, assignments,
    /// unplaced children with reasons, breakdown, model size).
    #[serde(flatten)]
    pub solution: MatchSolution,
    /// The objective weights used.
    pub weights: Weights,
    /// The weights of practice used: the dataset's, with the request's
    /// `split_weight`, `split_constellation_weight` and
    /// `outside_authority_weight` in their place where given.
    pub practice: PracticeWeights,
    /// The time limit used, seconds.
    pub time_limit: Option<f64>,
    /// The relative gap used.
    pub mip_rel_gap: f64,
    /// Children outside the caller's scope (absent when nothing was left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside_scope: Option<OutsideScope>,
}

impl MatchReport {
    /// Keeps only the child-level records `scope` allows, counting the rest.
    /// Totals (objective, breakdown) still cover every child: they share the
    /// places.
    pub fn restrict(&mut self, data: &Dataset, scope: &Scope) {
        if *scope == Scope::All {
            return;
        }
        let authority: HashMap<&str, &str> = data
            .children()
            .iter()
            .map(|c| (c.id.as_str(), data.authorities()[c.authority].id.as_str()))
            .collect();
        let visible = |child: &str| authority.get(child).is_some_and(|a| scope.allows(a));
        let mut outside = OutsideScope::default();
        let s = &mut self.solution;
        let before = s.assignments.len();
        s.assignments.retain(|a| visible(&a.child));
        outside.placed = before - s.assignments.len();
        let before = s.unplaced.len();
        s.unplaced.retain(|u| visible(&u.child));
        outside.unplaced = before - s.unplaced.len();
        // A split group is shown only when every member is in scope (its
        // members' places are in `assignments`, or counted outside).
        s.split_groups
            .retain(|g| g.members.iter().all(|m| visible(&m.child)));
        // Index-level placements are never serialised, but drop them too so
        // that nothing out of scope travels further inside the process.
        s.placement.clear();
        self.outside_scope = Some(outside);
    }
}

/// Ranked places for one child.
#[derive(Debug, Clone, Serialize)]
pub struct RankReport {
    /// The ranking.
    #[serde(flatten)]
    pub ranking: Ranking,
}

/// A constellation plan and the settings used.
#[derive(Debug, Clone, Serialize)]
pub struct ConstellationsReport {
    /// The plan (households only: no child records).
    #[serde(flatten)]
    pub formation: Formation,
    /// The settings used.
    pub settings: FormationConfig,
}

/// A joint commissioning answer and the settings used.
#[derive(Debug, Clone, Serialize)]
pub struct CommissionOutput {
    /// The report.
    #[serde(flatten)]
    pub report: CommissionReport,
    /// Which splits were computed.
    pub sharing: Sharing,
    /// The time limit used, seconds.
    pub time_limit: Option<f64>,
    /// The relative gap used.
    pub mip_rel_gap: f64,
    /// Children outside the caller's scope (absent when nothing was left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside_scope: Option<OutsideScope>,
}

impl CommissionOutput {
    /// Keeps only the assignments of children `scope` allows, counting the
    /// rest. Partners' shares are per authority, not per child, and stay.
    pub fn restrict(&mut self, scope: &Scope) {
        if *scope == Scope::All {
            return;
        }
        let mut outside = OutsideScope::default();
        self.report.assignments.retain(|a| {
            let keep = scope.allows(&a.authority);
            if !keep && a.option.is_some() {
                outside.placed += 1;
            } else if !keep {
                outside.unplaced += 1;
            }
            keep
        });
        self.outside_scope = Some(outside);
    }
}

/// A dataset's size, as `placement validate` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DatasetSummary {
    /// Children waiting.
    pub children: usize,
    /// Places (carers and homes).
    pub places: usize,
    /// Foster carers.
    pub carers: usize,
    /// Children's homes.
    pub homes: usize,
    /// Free places over all carers and homes.
    pub free_places: u64,
    /// Schools.
    pub schools: usize,
    /// Authorities (GSS codes), in dataset order.
    pub authorities: Vec<String>,
    /// Sibling groups of two or more children.
    pub sibling_groups: usize,
    /// Mockingbird constellations.
    pub constellations: usize,
}
