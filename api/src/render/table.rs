//! Readable (`--format table`) output.

use std::fmt::Write;

use optimiser::dataset::PracticeWeights;
use optimiser::matching::{MatchSolution, SplitReason, Weights};
use optimiser::ranking::Ranking;

/// The snake_case name serde gives a unit enum variant.
pub(crate) fn name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// A plain text table with right-aligned numbers.
pub(crate) struct Table {
    header: Vec<&'static str>,
    numeric: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(columns: &[(&'static str, bool)]) -> Self {
        Table {
            header: columns.iter().map(|c| c.0).collect(),
            numeric: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn render(&self, out: &mut String) {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (k, c) in r.iter().enumerate() {
                widths[k] = widths[k].max(c.chars().count());
            }
        }
        let line = |out: &mut String, cells: &[String]| {
            let mut s = String::new();
            for (k, c) in cells.iter().enumerate() {
                if k > 0 {
                    s.push_str("  ");
                }
                if self.numeric[k] {
                    let _ = write!(s, "{c:>w$}", w = widths[k]);
                } else {
                    let _ = write!(s, "{c:<w$}", w = widths[k]);
                }
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        let header: Vec<String> = self.header.iter().map(|h| h.to_string()).collect();
        line(out, &header);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(out, &rule);
        for r in &self.rows {
            line(out, r);
        }
    }
}

pub(crate) fn money(x: f64) -> String {
    let whole = x.round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut out = String::new();
    for (k, ch) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{}£{out}", if whole < 0 { "-" } else { "" })
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".into())
}

/// The `match --format table` report, with the objective weights and the
/// weights of practice the solve used.
pub fn match_table(s: &MatchSolution, w: &Weights, p: &PracticeWeights) -> String {
    let b = &s.breakdown;
    let mut o = String::new();
    let _ = writeln!(o, "Batch placement");
    let _ = writeln!(o, "  status            {}", name(&s.status));
    let _ = writeln!(o, "  objective         {:.2}", s.objective);
    let _ = writeln!(o, "  bound             {:.2}", s.bound);
    let _ = writeln!(o, "  gap               {:.2e}", s.gap);
    let _ = writeln!(
        o,
        "  solve time        {:.0} ms (total {:.0} ms)",
        s.solve_ms, s.total_ms
    );
    let _ = writeln!(
        o,
        "  weights           {} per km per week, {} per unplaced child",
        money(w.distance),
        money(w.unplaced)
    );
    let _ = writeln!(
        o,
        "  practice weights  {} per extra place a sibling group is split over ({} inside a constellation), {} per child outside their authority",
        money(p.split),
        money(p.split_constellation),
        money(p.outside_authority)
    );
    let _ = writeln!(o);
    let _ = writeln!(o, "Breakdown");
    let _ = writeln!(
        o,
        "  children placed   {} of {}",
        b.children_placed,
        b.children_placed + b.children_unplaced
    );
    let _ = writeln!(o, "  weekly cost       {} a week", money(b.weekly_cost));
    let _ = writeln!(
        o,
        "  distance          {:.1} km in all, {:.1} km per placed child (cost {})",
        b.total_km,
        if b.children_placed > 0 {
            b.total_km / b.children_placed as f64
        } else {
            0.0
        },
        money(b.distance_cost)
    );
    let _ = writeln!(
        o,
        "  unplaced penalty  {} ({} children)",
        money(b.unplaced_penalty),
        b.children_unplaced
    );
    let sib = &b.siblings;
    let _ = writeln!(
        o,
        "  sibling groups    {} groups: {} in one household, {} in one constellation, {} not placed",
        sib.groups, sib.same_household, sib.same_constellation, sib.not_placed
    );
    let _ = writeln!(
        o,
        "    not kept together by policy (none): {}",
        sib.apart_by_policy
    );
    let _ = writeln!(
        o,
        "    split or partly placed (not strict): {}, placed members in {} places",
        s.split_groups.len(),
        s.split_groups.iter().map(|g| g.places).sum::<usize>()
    );
    if b.split_cost > 0.0 || b.outside_authority_cost > 0.0 {
        let _ = writeln!(
            o,
            "  practice costs    {} for splitting sibling groups, {} outside the authority",
            money(b.split_cost),
            money(b.outside_authority_cost)
        );
    }
    let _ = writeln!(
        o,
        "  national figures  {:.1} % placed inside their authority, {:.1} % within 20 miles",
        100.0 * b.share_inside_authority,
        100.0 * b.share_within_20_miles
    );
    let _ = writeln!(
        o,
        "  model             {} eligible pairs, {} of {} columns in the final model, {} rows",
        s.model.eligible_pairs,
        s.model.columns_in_model,
        s.model.columns_total,
        s.model.rows_in_model
    );
    let _ = writeln!(o);
    let _ = writeln!(o, "Assignments ({})", s.assignments.len());
    let mut t = Table::new(&[
        ("child", false),
        ("place", false),
        ("kind", false),
        ("sibling group", false),
        ("constellation", false),
        ("km", true),
        ("weekly cost", true),
        ("cost", true),
    ]);
    for a in &s.assignments {
        t.row(vec![
            a.child.clone(),
            a.place.clone(),
            a.kind.to_string(),
            or_dash(&a.sibling_group),
            or_dash(&a.constellation),
            format!("{:.1}", a.distance_km),
            money(a.weekly_cost),
            money(a.cost),
        ]);
    }
    t.render(&mut o);
    split_groups_table(s, &mut o);
    let _ = writeln!(o);
    let _ = writeln!(o, "Unplaced ({})", s.unplaced.len());
    if !s.unplaced.is_empty() {
        let mut t = Table::new(&[("child", false), ("reason", false)]);
        for u in &s.unplaced {
            t.row(vec![u.child.clone(), name(&u.reason).replace('_', " ")]);
        }
        t.render(&mut o);
    }
    o
}

/// Where each member of a split sibling group went, and why it was split.
fn split_groups_table(s: &MatchSolution, o: &mut String) {
    if s.split_groups.is_empty() {
        return;
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Sibling groups split ({})", s.split_groups.len());
    let mut t = Table::new(&[
        ("group", false),
        ("members and places", false),
        ("split cost", true),
        ("why", false),
    ]);
    for g in &s.split_groups {
        let members: Vec<String> = g
            .members
            .iter()
            .map(|m| format!("{}→{}", m.child, m.place.as_deref().unwrap_or("unplaced")))
            .collect();
        let why = match &g.reason {
            SplitReason::NoPlaceForAll => "no eligible place has room for all of them".to_string(),
            SplitReason::PlacesForAllTaken => {
                "the places with room for all are taken by other children".to_string()
            }
            SplitReason::TogetherCostsMore {
                place,
                extra_cost,
                extra_km,
            } => format!(
                "together at {place} would cost {} a week more ({extra_km:.1} km further in all)",
                money(*extra_cost)
            ),
        };
        t.row(vec![
            g.group.clone(),
            members.join(", "),
            money(g.split_cost),
            why,
        ]);
    }
    t.render(o);
}

/// The `rank --format table` report.
pub fn rank_table(r: &Ranking) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Ranked places for child {}", r.child);
    if let Some(g) = &r.sibling_group {
        let policy = r.keep_together.as_ref().map(name).unwrap_or_default();
        let _ = writeln!(
            o,
            "  placed with sibling group {g} (keep together: {policy}): {}",
            r.members.join(", ")
        );
    }
    let _ = writeln!(
        o,
        "  {} options in all, showing {}",
        r.options_total,
        r.matches.len()
    );
    if let Some(b) = &r.baseline {
        let _ = writeln!(
            o,
            "  optimum for all waiting children with nothing fixed: {:.2} ({}, gap {:.1e})",
            b.objective,
            name(&b.status),
            b.gap
        );
    }
    let _ = writeln!(o);
    let system = r.matches.iter().any(|m| m.system_impact.is_some());
    let mut columns = vec![
        ("#", true),
        ("option", false),
        ("kind", false),
        ("provider", false),
        ("constellation", false),
        ("km", true),
        ("weekly cost", true),
        ("cost", true),
        ("needs met", false),
    ];
    if system {
        columns.push(("system rise", true));
        columns.push(("own change", true));
        columns.push(("others' rise", true));
        columns.push(("unplaced", true));
    }
    let mut t = Table::new(&columns);
    for m in &r.matches {
        let mut row = vec![
            m.rank.to_string(),
            m.option.clone(),
            match m.split_cost {
                Some(c) => format!("split (+{})", money(c)),
                None => format!("{}{}", m.kind, if m.hub { " (hub)" } else { "" }),
            },
            m.provider.as_ref().map(name).unwrap_or_else(|| "-".into()),
            or_dash(&m.constellation),
            format!("{:.1}", m.distance_km),
            money(m.weekly_cost),
            money(m.cost),
            if m.needs_met.is_empty() {
                "-".into()
            } else {
                m.needs_met.join(", ")
            },
        ];
        if system {
            match &m.system_impact {
                Some(i) => {
                    row.push(money(i.rise));
                    row.push(money(i.own_cost_change));
                    row.push(money(i.others_rise));
                    row.push(i.children_unplaced.to_string());
                }
                None => row.extend(["-", "-", "-", "-"].map(String::from)),
            }
        }
        t.row(row);
    }
    t.render(&mut o);
    if r.matches.iter().any(|m| m.placements.len() > 1) {
        let _ = writeln!(o);
        let _ = writeln!(o, "Where each child goes");
        let mut t = Table::new(&[
            ("#", true),
            ("child", false),
            ("place", false),
            ("km", true),
            ("weekly cost", true),
        ]);
        for m in &r.matches {
            for p in &m.placements {
                t.row(vec![
                    m.rank.to_string(),
                    p.child.clone(),
                    p.place.clone(),
                    format!("{:.1}", p.distance_km),
                    money(p.weekly_cost),
                ]);
            }
        }
        t.render(&mut o);
    }
    if !r.excluded.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Places only the home and carer rules exclude");
        let mut t = Table::new(&[("place", false), ("rule", false), ("cost", true)]);
        for e in &r.excluded {
            t.row(vec![
                e.place.clone(),
                e.rule.replace('_', " "),
                money(e.cost),
            ]);
        }
        t.render(&mut o);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(0.0), "£0");
        assert_eq!(money(999.4), "£999");
        assert_eq!(money(1234.5), "£1,235");
        assert_eq!(money(100000.0), "£100,000");
        assert_eq!(money(-2500.0), "-£2,500");
    }
}
