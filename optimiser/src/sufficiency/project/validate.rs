//! Checking scenarios against the projection's input, every problem at once.

use std::collections::HashSet;
use std::fmt;

use serde::Serialize;

use super::scenario::{Area, Scenario};
use super::{ProjectionInput, MAX_MONTHS};
use crate::dataset::raw::{Provider, RawLocation};

/// One problem in a scenario (or in the input it is applied to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioProblem {
    /// Position of the scenario in the sweep.
    pub index: usize,
    /// Its name.
    pub scenario: String,
    /// The field, as a path (`recruit[0].authority`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "scenario {:?} field {}: {}",
            self.scenario, self.field, self.message
        )
    }
}

fn location_ok(l: &RawLocation) -> bool {
    l.lat.is_finite()
        && l.lon.is_finite()
        && (-90.0..=90.0).contains(&l.lat)
        && (-180.0..=180.0).contains(&l.lon)
}

/// Checks `scenarios` against `input`: every problem at once.
pub fn validate(
    input: &ProjectionInput,
    scenarios: &[Scenario],
) -> Result<(), Vec<ScenarioProblem>> {
    let mut problems = Vec::new();
    let authorities: HashSet<&str> = input
        .stock
        .authorities
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    let in_constellation: HashSet<&str> = input
        .stock
        .carers
        .iter()
        .filter(|c| c.constellation.is_some())
        .map(|c| c.id.as_str())
        .collect();
    let carers: HashSet<&str> = input
        .stock
        .carers
        .iter()
        .filter(|c| c.provider != Provider::Kinship)
        .map(|c| c.id.as_str())
        .collect();
    let homes: HashSet<&str> = input.stock.homes.iter().map(|h| h.id.as_str()).collect();
    let constellations: HashSet<&str> = input
        .stock
        .carers
        .iter()
        .filter_map(|c| c.constellation.as_deref())
        .collect();
    if input.months == 0 || input.months > MAX_MONTHS {
        problems.push(ScenarioProblem {
            index: 0,
            scenario: String::new(),
            field: "months".into(),
            message: format!(
                "the horizon must be 1 to {MAX_MONTHS} months, got {}",
                input.months
            ),
        });
    }
    for a in &input.authorities {
        if !authorities.contains(a.authority.as_str()) {
            problems.push(ScenarioProblem {
                index: 0,
                scenario: String::new(),
                field: "authorities".into(),
                message: format!(
                    "authority {:?} of the demand is not in the dataset",
                    a.authority
                ),
            });
        }
    }
    let mut names = HashSet::new();
    for (i, s) in scenarios.iter().enumerate() {
        let mut p = |field: String, message: String| {
            problems.push(ScenarioProblem {
                index: i,
                scenario: s.name.clone(),
                field,
                message,
            })
        };
        if s.name.trim().is_empty() {
            p("name".into(), "the name is empty".into());
        } else if !names.insert(s.name.as_str()) {
            p(
                "name".into(),
                format!("another scenario is also named {:?}", s.name),
            );
        }
        let horizon = s.months.unwrap_or(input.months);
        if s.months.is_some_and(|m| m == 0 || m > MAX_MONTHS) {
            p(
                "months".into(),
                format!("must be 1 to {MAX_MONTHS}, got {horizon}"),
            );
        }
        let month = |p: &mut dyn FnMut(String, String), field: String, m: u32| {
            if m == 0 || m > MAX_MONTHS {
                p(
                    field,
                    format!("month must be 1 to {MAX_MONTHS} (a change after the horizon never happens), got {m}"),
                );
            }
        };
        let known = |a: &str| authorities.contains(a);
        for (k, d) in s.demand.iter().enumerate() {
            if !(d.factor.is_finite() && (0.0..=100.0).contains(&d.factor)) {
                p(
                    format!("demand[{k}].factor"),
                    format!("must be 0 to 100, got {}", d.factor),
                );
            }
            if let Some(a) = d.authority.as_deref().filter(|a| !known(a)) {
                p(
                    format!("demand[{k}].authority"),
                    format!("{a:?} is not an authority of the dataset"),
                );
            }
        }
        for (k, r) in s.recruit.iter().enumerate() {
            let f = |x: &str| format!("recruit[{k}].{x}");
            if r.count == 0 || r.count > 10_000 {
                p(f("count"), format!("must be 1 to 10000, got {}", r.count));
            }
            if r.provider == Provider::Kinship {
                p(f("provider"), "kinship carers are approved for named children and cannot be recruited; use in_house or ifa".into());
            }
            if !known(&r.authority) {
                p(
                    f("authority"),
                    format!("{:?} is not an authority of the dataset", r.authority),
                );
            }
            match &r.area {
                Area::Authority(a) if !known(a) && *a != r.authority => p(
                    f("area.authority"),
                    format!("{a:?} is not an authority of the dataset"),
                ),
                Area::Circle { centre, radius_km } => {
                    if !location_ok(centre) {
                        p(
                            f("area.centre"),
                            "latitude must be -90 to 90 and longitude -180 to 180".into(),
                        );
                    }
                    if !(radius_km.is_finite() && *radius_km > 0.0 && *radius_km <= 200.0) {
                        p(
                            f("area.radius_km"),
                            format!("must be more than 0 and at most 200, got {radius_km}"),
                        );
                    }
                }
                Area::Authority(_) => {}
            }
            if r.places == 0 || r.places > 10 {
                p(f("places"), format!("must be 1 to 10, got {}", r.places));
            }
            if r.min_age > r.max_age || r.max_age > 25 {
                p(
                    f("max_age"),
                    format!(
                        "ages must satisfy min_age ≤ max_age ≤ 25, got {} and {}",
                        r.min_age, r.max_age
                    ),
                );
            }
            if let Some(c) = r
                .weekly_cost
                .filter(|c| !(c.is_finite() && (0.0..=1e6).contains(c)))
            {
                p(f("weekly_cost"), format!("must be 0 to 1000000, got {c}"));
            }
            month(&mut p, f("month"), r.month);
        }
        for (k, d) in s.deregister.iter().enumerate() {
            if !(d.share_per_year.is_finite() && (0.0..=1.0).contains(&d.share_per_year)) {
                p(
                    format!("deregister[{k}].share_per_year"),
                    format!("must be 0 to 1, got {}", d.share_per_year),
                );
            }
            if let Some(a) = d.authority.as_deref().filter(|a| !known(a)) {
                p(
                    format!("deregister[{k}].authority"),
                    format!("{a:?} is not an authority of the dataset"),
                );
            }
        }
        for (k, w) in s.withdraw.iter().enumerate() {
            if w.provider == Provider::Kinship {
                p(
                    format!("withdraw[{k}].provider"),
                    "kinship carers are not in the stock; use in_house or ifa".into(),
                );
            }
            if let Some(a) = w.authority.as_deref().filter(|a| !known(a)) {
                p(
                    format!("withdraw[{k}].authority"),
                    format!("{a:?} is not an authority of the dataset"),
                );
            }
            month(&mut p, format!("withdraw[{k}].month"), w.month);
        }
        let mut new_ids = HashSet::new();
        for (k, c) in s.constellations.iter().enumerate() {
            if constellations.contains(c.id.as_str()) || !new_ids.insert(c.id.as_str()) {
                p(
                    format!("constellations[{k}].id"),
                    format!("constellation {:?} already exists", c.id),
                );
            }
            if !carers.contains(c.hub.as_str()) {
                p(
                    format!("constellations[{k}].hub"),
                    format!(
                        "{:?} is not an in-house or agency foster household of the dataset",
                        c.hub
                    ),
                );
            }
            let members = std::iter::once((String::from("hub"), &c.hub)).chain(
                c.satellites
                    .iter()
                    .enumerate()
                    .map(|(l, h)| (format!("satellites[{l}]"), h)),
            );
            for (field, h) in members {
                if field != "hub" && !carers.contains(h.as_str()) {
                    p(
                        format!("constellations[{k}].{field}"),
                        format!(
                            "{h:?} is not an in-house or agency foster household of the dataset"
                        ),
                    );
                } else if in_constellation.contains(h.as_str()) {
                    p(
                        format!("constellations[{k}].{field}"),
                        format!("{h:?} is already in a constellation of the dataset"),
                    );
                }
            }
            month(&mut p, format!("constellations[{k}].month"), c.month);
        }
        let mut opened = HashSet::new();
        for (k, h) in s.homes_opened.iter().enumerate() {
            let f = |x: &str| format!("homes_opened[{k}].{x}");
            if homes.contains(h.id.as_str())
                || carers.contains(h.id.as_str())
                || !opened.insert(h.id.as_str())
            {
                p(f("id"), format!("{:?} is already the id of a place", h.id));
            }
            if !known(&h.authority) {
                p(
                    f("authority"),
                    format!("{:?} is not an authority of the dataset", h.authority),
                );
            }
            if !location_ok(&h.location) {
                p(
                    f("location"),
                    "latitude must be -90 to 90 and longitude -180 to 180".into(),
                );
            }
            if h.beds == 0 || h.beds > 100 {
                p(f("beds"), format!("must be 1 to 100, got {}", h.beds));
            }
            if h.min_age > h.max_age || h.max_age > 25 {
                p(
                    f("max_age"),
                    format!(
                        "ages must satisfy min_age ≤ max_age ≤ 25, got {} and {}",
                        h.min_age, h.max_age
                    ),
                );
            }
            if !(h.weekly_cost.is_finite() && (0.0..=1e6).contains(&h.weekly_cost)) {
                p(
                    f("weekly_cost"),
                    format!("must be 0 to 1000000, got {}", h.weekly_cost),
                );
            }
            month(&mut p, f("month"), h.month);
        }
        for (k, c) in s.homes_closed.iter().enumerate() {
            if !homes.contains(c.id.as_str()) && !opened.contains(c.id.as_str()) {
                p(
                    format!("homes_closed[{k}].id"),
                    format!(
                        "{:?} is not a children's home of the dataset or of this scenario",
                        c.id
                    ),
                );
            }
            month(&mut p, format!("homes_closed[{k}].month"), c.month);
        }
        for (kind, rate) in &s.inflation {
            if !(rate.is_finite() && (-0.5..=1.0).contains(rate)) {
                p(
                    format!("inflation.{}", super::kpi::kind_key(*kind)),
                    format!("must be -0.5 to 1 (a share a year), got {rate}"),
                );
            }
        }
        if let Some(w) = &s.weights {
            if let Err(e) = w.validate() {
                p("weights".into(), e.to_string());
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
