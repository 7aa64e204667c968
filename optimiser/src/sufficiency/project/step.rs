//! One month of a draw (the order is documented in [`super`]).

use std::collections::{BTreeMap, HashMap};

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::demand::{entry_ages, leaves_at_18, AuthorityModel};
use super::scenario::Scenario;
use super::state::{distance_km, raw_carer, raw_child, raw_home, Placement, ProjChild, State};
use super::value::{best_places, money_value, with_one_more_place, PlaceClass};
use super::{ProjectionError, ProjectionInput};
use crate::dataset::raw::{KeepTogether, PlacementKind, RawDataset, RawSchool, RawSiblingGroup};
use crate::dataset::Dataset;
use crate::matching::{self, MatchConfig, MatchError, Strategy, UnplacedReason};
use crate::solver::SolveOptions;
use crate::sufficiency::dfe::pick;
use crate::sufficiency::kinds::{AgeBand, CareKind, Need};

/// Largest children × free places of a month solved with every column
/// ([`Strategy::Full`]).
pub const SMALL_MONTH: usize = 200_000;

/// The three random streams of a draw.
pub struct Streams {
    /// Leaving care and placements ending.
    pub care: ChaCha8Rng,
    /// Entrants.
    pub entry: ChaCha8Rng,
    /// Stock changes.
    pub stock: ChaCha8Rng,
}

/// A child the stock could not take.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// Age band.
    pub band: AgeBand,
    /// Category of need.
    pub need: Need,
    /// Authority index.
    pub authority: usize,
    /// The matching's reason.
    pub reason: UnplacedReason,
}

/// What happened in a month (the flows; the stock is read from the state).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonthFlows {
    /// Children who left care.
    pub leavers: usize,
    /// Placements that ended with a move.
    pub moves: usize,
    /// Children who started to be looked after.
    pub entrants: usize,
    /// Children placed in the stock.
    pub placed_in_stock: usize,
    /// Children the stock could not take.
    pub gaps: Vec<Gap>,
    /// Matching solves retried with every column after a solver failure.
    pub solver_retries: usize,
    /// The value a week of one more free place at each stock place that
    /// was in this month's matching (stock index, £ a week; see
    /// [`super::value`]).
    pub place_values: Vec<(usize, f64)>,
    /// The re-solves of this month's matching with one more free place,
    /// one per class checked that had a place in the matching (see
    /// [`super::value`], "The check"); they leave the draw unchanged.
    pub value_checks: Vec<MonthValueCheck>,
    /// Wall time of this month's [`matching::solve`] calls (a retry
    /// included), seconds: what [`super::sweep::time_draw`] reports as the
    /// matching's share of a draw.
    pub solve_seconds: f64,
    /// Children and free places of this month's matching ((0, 0) when no
    /// child needed a place in the stock).
    pub solve_size: (usize, usize),
}

/// One month's matching re-solved with one more free place at a class's
/// best place (the place whose dual gave the class its value that month).
#[derive(Debug, Clone, PartialEq)]
pub struct MonthValueCheck {
    /// Index of the class in the list checked.
    pub class: usize,
    /// The place given one more free place (stock index).
    pub place: usize,
    /// Its dual, re-valued ([`super::value::money_value`]), £ a week.
    pub dual: f64,
    /// The change of the matching objective, objective without − objective
    /// with, £ a week of the objective (≥ −`tolerance`: capacity only grew).
    pub change: f64,
    /// How far the re-solve's objective may lie above its optimum
    /// (objective − proven bound, ≥ 0), £ a week of the objective.
    pub tolerance: f64,
    /// `change` re-valued like the dual, £ a week.
    pub resolved: f64,
}

/// Where a child needing a place goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Route {
    Foster,
    Residential,
    Outside(CareKind),
}

fn route(kind: CareKind) -> Route {
    match kind {
        CareKind::InHouseFoster | CareKind::AgencyFoster => Route::Foster,
        CareKind::ChildrensHome => Route::Residential,
        other => Route::Outside(other),
    }
}

fn free_seat(state: &mut State, c: &ProjChild) {
    if let Placement::Stock(j) = c.placement {
        let p = &mut state.stock[j];
        p.seated = p.seated.saturating_sub(1);
    }
}

/// Draws a Poisson count with mean `lambda` (Knuth's product of uniforms,
/// in pieces of mean ≤ 30 so `e^(−λ)` never underflows).
pub fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u32 {
    if lambda.is_nan() || lambda <= 0.0 {
        return 0;
    }
    let pieces = (lambda / 30.0).ceil();
    let l = (-(lambda / pieces)).exp();
    let mut n = 0;
    for _ in 0..pieces as u32 {
        let mut p = 1.0;
        loop {
            p *= rng.random::<f64>();
            if p <= l {
                break;
            }
            n += 1;
        }
    }
    n
}

/// Runs month `month` on `state`; the month's matching is also re-solved
/// with one more free place at the best place of each class of `check`
/// (without changing the month: see [`MonthFlows::value_checks`]).
pub fn step(
    input: &ProjectionInput,
    models: &[AuthorityModel],
    scenario: &Scenario,
    state: &mut State,
    rng: &mut Streams,
    month: u32,
    check: &[PlaceClass],
) -> Result<MonthFlows, ProjectionError> {
    let mut flows = MonthFlows::default();
    let mut needing: Vec<(ProjChild, CareKind)> = Vec::new();
    // 1–3: leaving, ageing, placements ending.
    let children = std::mem::take(&mut state.children);
    for mut c in children {
        let kind = c.kind(&state.stock);
        let m = &models[c.authority];
        let (u_exit, u_move) = (rng.care.random::<f64>(), rng.care.random::<f64>());
        if leaves_at_18(c.age_months)
            || u_exit < m.exit_probability(c.age_months, kind, c.months_in_care)
        {
            free_seat(state, &c);
            flows.leavers += 1;
            continue;
        }
        c.age_months += 1;
        c.months_in_care += 1;
        c.months_in_placement += 1;
        if u_move < m.move_probability(kind) {
            free_seat(state, &c);
            flows.moves += 1;
            needing.push((c, kind));
        } else {
            state.children.push(c);
        }
    }
    // 4: entrants.
    for (a, m) in models.iter().enumerate() {
        let gss = &input.authorities[a].authority;
        let mut seq = 0;
        for (bi, band) in AgeBand::ALL.into_iter().enumerate() {
            for (ni, need) in Need::ALL.into_iter().enumerate() {
                let lambda = m.entries[bi][ni] * scenario.demand_factor(band, need, gss);
                for _ in 0..poisson(&mut rng.entry, lambda) {
                    seq += 1;
                    let age = rng.entry.random_range(entry_ages(band));
                    let kind = CareKind::ALL[pick(&mut rng.entry, &m.kind_mix[bi])];
                    let anchor = if m.anchors.is_empty() {
                        input.authority_location(a)
                    } else {
                        m.anchors[rng.entry.random_range(0..m.anchors.len())]
                    };
                    needing.push((
                        ProjChild {
                            id: format!("{gss}-M{month:03}-{seq:05}"),
                            age_months: age,
                            need,
                            authority: a,
                            anchor,
                            sibling_group: None,
                            placement: Placement::External(kind),
                            weekly_cost: 0.0,
                            km: None,
                            in_own_authority: None,
                            months_in_care: 0,
                            months_in_placement: 0,
                        },
                        kind,
                    ));
                    flows.entrants += 1;
                }
            }
        }
    }
    // 5: stock changes.
    super::supply::change_stock(input, scenario, state, &mut rng.stock, month);
    // 6: placement.
    let mut batch: Vec<(ProjChild, PlacementKind, CareKind)> = Vec::new();
    for (mut c, kind) in needing {
        c.months_in_placement = 0;
        match route(kind) {
            Route::Outside(k) => {
                c.placement = Placement::External(k);
                c.weekly_cost = input.external_cost(k);
                c.km = None;
                c.in_own_authority = None;
                state.children.push(c);
            }
            Route::Foster => batch.push((c, PlacementKind::Foster, CareKind::AgencyFoster)),
            Route::Residential => {
                batch.push((c, PlacementKind::Residential, CareKind::ChildrensHome))
            }
        }
    }
    if !batch.is_empty() {
        place_batch(input, scenario, state, batch, check, &mut flows)?;
    }
    Ok(flows)
}

/// One month's matching solve; HiGHS occasionally answers "model status
/// Unknown" on a restricted model of the column-generation strategy, and
/// the same month is then solved again with every column (`true`: retried).
fn solve_month(
    data: &Dataset,
    config: &MatchConfig,
) -> Result<(matching::MatchSolution, bool), ProjectionError> {
    match matching::solve(data, config) {
        Ok(s) => Ok((s, false)),
        Err(MatchError::Solver(_)) if config.strategy != Strategy::Full => {
            let full = MatchConfig {
                strategy: Strategy::Full,
                ..config.clone()
            };
            Ok((matching::solve(data, &full)?, true))
        }
        Err(e) => Err(e.into()),
    }
}

/// Places `batch` by one matching solve; the children the stock cannot take
/// go out of area.
fn place_batch(
    input: &ProjectionInput,
    scenario: &Scenario,
    state: &mut State,
    batch: Vec<(ProjChild, PlacementKind, CareKind)>,
    check: &[PlaceClass],
    flows: &mut MonthFlows,
) -> Result<(), ProjectionError> {
    let mut group_size: BTreeMap<&str, usize> = BTreeMap::new();
    for (c, _, _) in &batch {
        if let Some(g) = &c.sibling_group {
            *group_size.entry(g.as_str()).or_default() += 1;
        }
    }
    let mut raw = RawDataset {
        // v1.1: siblings together if possible, else split (not unplaced).
        version: crate::dataset::raw::ContractVersion::V1_1,
        authorities: input.stock.authorities.clone(),
        ..RawDataset::default()
    };
    let mut stock_of: HashMap<String, usize> = HashMap::new();
    for (j, p) in state.stock.iter().enumerate() {
        if p.free() == 0 {
            continue;
        }
        stock_of.insert(p.id.clone(), j);
        match p.provider {
            Some(provider) => raw.carers.push(raw_carer(p, provider)),
            None => raw.homes.push(raw_home(p)),
        }
    }
    for (i, (c, kind, _)) in batch.iter().enumerate() {
        let school = format!("anchor-{i}");
        raw.schools.push(RawSchool {
            id: school.clone(),
            name: school.clone(),
            location: c.anchor,
        });
        let mut child = raw_child(c, &input.authorities[c.authority].authority, school, *kind);
        if child
            .sibling_group
            .as_deref()
            .is_some_and(|g| group_size.get(g).copied().unwrap_or(0) < 2)
        {
            child.sibling_group = None;
        }
        raw.children.push(child);
    }
    raw.sibling_groups = group_size
        .iter()
        .filter(|(_, n)| **n >= 2)
        .map(|(g, _)| RawSiblingGroup {
            id: g.to_string(),
            keep_together: KeepTogether::Household,
            strict: None,
        })
        .collect();
    // The check re-solves this very dataset with one place more.
    let raw_for_check = (!check.is_empty()).then(|| raw.clone());
    let data = Dataset::try_from(raw).map_err(ProjectionError::Dataset)?;
    let config = MatchConfig {
        weights: scenario.weights(),
        solve: SolveOptions {
            time_limit: input.solve_time_limit,
            threads: Some(1),
            ..SolveOptions::default()
        },
        // A month's model is small (children needing a place × free
        // places): every column straight to HiGHS is faster there than
        // column generation (0.73 s instead of 0.85 s of CPU a draw of the
        // demo region, BENCHMARKS.md) and avoids its rare "status Unknown";
        // larger months use column generation.
        strategy: if data.children().len() * data.places().len() <= SMALL_MONTH {
            Strategy::Full
        } else {
            Strategy::default()
        },
        // The value of one more place (one LP relaxation more a month).
        capacity_duals: true,
        ..MatchConfig::default()
    };
    // Retried with every column on a solver failure, and counted.
    flows.solve_size = (data.children().len(), data.places().len());
    let started = std::time::Instant::now();
    let solved = solve_month(&data, &config);
    flows.solve_seconds = started.elapsed().as_secs_f64();
    let (solution, retried) = solved?;
    flows.solver_retries += usize::from(retried);
    let w_unplaced = config.weights.unplaced;
    let external_at = |j: usize| {
        input.external_cost(if state.stock[j].provider.is_some() {
            CareKind::AgencyFoster
        } else {
            CareKind::ChildrensHome
        })
    };
    if let Some(duals) = &solution.capacity_duals {
        for (pi, place) in data.places().iter().enumerate() {
            let (Some(&j), Some(&d)) = (stock_of.get(&place.id), duals.get(pi)) else {
                continue;
            };
            flows
                .place_values
                .push((j, money_value(d, w_unplaced, external_at(j))));
        }
    }
    if let Some(raw) = raw_for_check {
        // Each class's best place this month, the one its value came from.
        let resolve = MatchConfig {
            capacity_duals: false,
            ..config.clone()
        };
        let best = best_places(state, &flows.place_values);
        for (k, class) in check.iter().enumerate() {
            let Some(&(j, dual)) = best.get(class) else {
                continue;
            };
            let Some(plus) = with_one_more_place(&raw, &state.stock[j].id) else {
                continue;
            };
            let data_plus = Dataset::try_from(plus).map_err(ProjectionError::Dataset)?;
            let (with, _) = solve_month(&data_plus, &resolve)?;
            let change = solution.objective - with.objective;
            flows.value_checks.push(MonthValueCheck {
                class: k,
                place: j,
                dual,
                change,
                tolerance: (with.objective - with.bound).max(0.0),
                resolved: money_value(change, w_unplaced, external_at(j)),
            });
        }
    }
    let reasons: HashMap<&str, UnplacedReason> = solution
        .unplaced
        .iter()
        .map(|u| (u.child.as_str(), u.reason))
        .collect();
    for (i, (mut c, _, out_kind)) in batch.into_iter().enumerate() {
        let gss = &input.authorities[c.authority].authority;
        let seat = solution
            .placement
            .get(i)
            .copied()
            .flatten()
            .and_then(|pi| stock_of.get(&data.places()[pi].id).copied());
        match seat {
            Some(j) => {
                let p = &mut state.stock[j];
                p.seated += 1;
                c.placement = Placement::Stock(j);
                c.weekly_cost = p.weekly_cost;
                c.km = Some(distance_km(&c.anchor, &p.location));
                c.in_own_authority = Some(&p.authority == gss);
                flows.placed_in_stock += 1;
            }
            None => {
                flows.gaps.push(super::step::Gap {
                    band: c.band(),
                    need: c.need,
                    authority: c.authority,
                    reason: reasons
                        .get(c.id.as_str())
                        .copied()
                        .unwrap_or(UnplacedReason::NoEligiblePlace),
                });
                c.placement = Placement::OutOfArea(out_kind);
                c.weekly_cost = input.external_cost(out_kind);
                c.km = None;
                c.in_own_authority = Some(false);
            }
        }
        state.children.push(c);
    }
    Ok(())
}
