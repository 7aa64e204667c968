//! The readable summary of a joint commissioning answer.

use std::fmt::Write as _;

use optimiser::commission::CommissionReport;

use super::table::{money, name, Table};

fn or_dash(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), money)
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not checked",
    }
}

/// The readable summary: the offer, the partners' splits, the core check.
pub fn table(r: &CommissionReport) -> String {
    let names: std::collections::HashMap<&str, &str> = r
        .partners
        .iter()
        .map(|p| (p.authority.as_str(), p.name.as_str()))
        .collect();
    let coalition = |ids: &[String]| {
        ids.iter()
            .map(|id| names.get(id.as_str()).copied().unwrap_or(id))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Joint offer: {} a week ({}, gap {:.4} %, {} coalition solves in {:.0} ms)",
        money(r.joint_cost),
        name(&r.status),
        r.gap * 100.0,
        r.model.coalition_solves,
        r.coalitions_ms
    );
    let _ = writeln!(
        s,
        "Saving against every partner going alone: {} a week\n",
        money(r.joint_saving)
    );
    let mut blocks = Table::new(&[
        ("block commissioned", false),
        ("beds", true),
        ("used", true),
        ("fixed a week", true),
    ]);
    for b in &r.blocks {
        blocks.row(vec![
            b.option.clone(),
            b.beds.to_string(),
            b.used.to_string(),
            money(b.fixed_weekly_cost),
        ]);
    }
    if r.blocks.is_empty() {
        s.push_str("No block is worth commissioning.\n");
    } else {
        blocks.render(&mut s);
    }
    s.push('\n');
    let mut partners = Table::new(&[
        ("partner", false),
        ("children", true),
        ("alone", true),
        ("Shapley", true),
        ("proportional", true),
        ("core split", true),
        ("saving", true),
    ]);
    for p in &r.partners {
        let shapley = match (p.shapley, p.shapley_error) {
            (Some(v), Some(e)) if e > 0.0 => format!("{} ± {}", money(v), money(e)),
            (v, _) => or_dash(v),
        };
        partners.row(vec![
            p.name.clone(),
            p.children.to_string(),
            money(p.standalone_cost),
            shapley,
            or_dash(p.proportional),
            or_dash(p.core_split),
            money(p.saving),
        ]);
    }
    partners.render(&mut s);
    let _ = writeln!(
        s,
        "\nSubadditive (joining never costs more): {}",
        yes_no(r.subadditive)
    );
    for v in &r.subadditivity_violations {
        let _ = writeln!(
            s,
            "  {} with {}: {} together, {} apart",
            coalition(&v.coalitions[0]),
            coalition(&v.coalitions[1]),
            money(v.together),
            money(v.apart)
        );
    }
    let _ = writeln!(
        s,
        "Core: a split every coalition accepts {}; Shapley in the core: {}; proportional in the core: {}",
        match (r.core.nonempty, r.core.least_core_excess) {
            (Some(true), _) => "exists (the core split column)".to_string(),
            (Some(false), Some(e)) => format!(
                "does not exist: the best split (core split column) still charges some coalition {} more than alone",
                money(e)
            ),
            _ => "was not checked".to_string(),
        },
        yes_no(r.core.shapley),
        yes_no(r.core.proportional)
    );
    // The largest excesses first; the JSON lists them all.
    const SHOWN: usize = 10;
    let mut detail: Vec<_> = r.core.blocking_detail.iter().collect();
    detail.sort_by(|a, b| (b.allocated - b.standalone).total_cmp(&(a.allocated - a.standalone)));
    for b in detail.iter().take(SHOWN) {
        let _ = writeln!(
            s,
            "  {} pays {} under {} but {} alone",
            coalition(&b.coalition),
            money(b.allocated),
            b.allocation,
            money(b.standalone)
        );
    }
    if detail.len() > SHOWN {
        let _ = writeln!(
            s,
            "  … and {} more (see the JSON output)",
            detail.len() - SHOWN
        );
    }
    s.push('\n');
    let mut children = Table::new(&[
        ("child", false),
        ("authority", false),
        ("outcome", false),
        ("option", false),
        ("km", true),
        ("weekly cost", true),
    ]);
    for a in &r.assignments {
        children.row(vec![
            a.child.clone(),
            a.authority.clone(),
            name(&a.outcome),
            a.option.clone().unwrap_or_else(|| "-".into()),
            a.km.map_or_else(|| "-".into(), |k| format!("{k:.1}")),
            money(a.weekly_cost),
        ]);
    }
    children.render(&mut s);
    s
}
