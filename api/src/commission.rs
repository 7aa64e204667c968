//! `placement commission`: joint residential commissioning across partner
//! authorities, with the cost split and the core check.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use optimiser::commission::{self, CommissionConfig, CommissionReport, Sharing};
use optimiser::solver::SolveOptions;
use serde::Serialize;

use crate::error::ApiError;
use crate::table::{money, name, Table};

/// Which cost splits to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SharingArg {
    /// The Shapley value of the cost game.
    Shapley,
    /// Each child's own cost plus block fixed costs split by beds used.
    Proportional,
    /// Both.
    #[default]
    Both,
}

/// Output format of `commission`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CommissionFormat {
    /// JSON (machine-readable).
    #[default]
    Json,
    /// A readable summary and tables.
    Table,
}

/// `placement commission`.
#[derive(Debug, Clone, Args)]
pub struct CommissionArgs {
    /// The commissioning question (JSON; see docs/commissioning.md).
    #[arg(long, value_name = "PATH")]
    pub input: PathBuf,
    /// Which splits of the joint cost to compute.
    #[arg(long, value_enum, default_value_t = SharingArg::Both)]
    pub sharing: SharingArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CommissionFormat::Json)]
    pub format: CommissionFormat,
    /// Time limit in seconds for all solves together (the best plans found
    /// are returned, marked `time_limit`).
    #[arg(long, value_name = "S")]
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which each solve counts as optimal.
    #[arg(long, value_name = "G", default_value_t = 1e-6)]
    pub gap: f64,
    /// Random partner orders for the sampled Shapley value (more than 10 partners).
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub orders: usize,
    /// Seed of the sampled orders.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
}

/// JSON output: the report plus the settings used.
#[derive(Serialize)]
struct CommissionOutput<'a> {
    #[serde(flatten)]
    report: &'a CommissionReport,
    sharing: Sharing,
    time_limit: Option<f64>,
    mip_rel_gap: f64,
}

/// Runs `placement commission`.
pub fn run(a: &CommissionArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let config = CommissionConfig {
        sharing: match a.sharing {
            SharingArg::Shapley => Sharing::Shapley,
            SharingArg::Proportional => Sharing::Proportional,
            SharingArg::Both => Sharing::Both,
        },
        solve: SolveOptions {
            time_limit: a.time_limit,
            mip_rel_gap: a.gap,
            ..SolveOptions::default()
        },
        sampled_orders: a.orders,
        seed: a.seed,
        ..CommissionConfig::default()
    };
    config.validate()?;
    let inst = crate::load::load_commission(&a.input)?;
    let report = commission::solve(&inst, &config)?;
    tracing::info!(
        status = ?report.status,
        partners = report.partners.len(),
        coalitions = report.model.coalition_solves,
        total_ms = report.total_ms,
        "commission solved"
    );
    match a.format {
        CommissionFormat::Json => {
            serde_json::to_writer_pretty(
                &mut *out,
                &CommissionOutput {
                    report: &report,
                    sharing: config.sharing,
                    time_limit: a.time_limit,
                    mip_rel_gap: a.gap,
                },
            )?;
            writeln!(out).map_err(|e| ApiError::io("<stdout>", e))
        }
        CommissionFormat::Table => out
            .write_all(table(&report).as_bytes())
            .map_err(|e| ApiError::io("<stdout>", e)),
    }
}

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

/// `placement generate-commission`.
#[derive(Debug, Clone, Args)]
pub struct GenerateCommissionArgs {
    /// RNG seed: the same arguments always give the same bytes.
    #[arg(long, value_name = "N", default_value_t = 2026)]
    pub seed: u64,
    /// Partner authorities (Portsmouth, Southampton, West Sussex, Kent, then
    /// six more south-east authorities; synthetic ones beyond ten).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=63))]
    pub partners: u32,
    /// Children, spread evenly over the partners.
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub children: usize,
    /// Options in all (spot and block).
    #[arg(long, value_name = "N", default_value_t = 17)]
    pub options: usize,
    /// How many of the options are blocks.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub blocks: usize,
    /// Write the JSON here instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// Runs `placement generate-commission`: a seeded synthetic question.
pub fn run_generate(a: &GenerateCommissionArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let spec = commission::generator::CommissionSpec::new(
        a.seed,
        a.partners as usize,
        a.children,
        a.options,
        a.blocks,
    );
    spec.validate()
        .map_err(|e| ApiError::InvalidArgument(e.to_string()))?;
    let raw = commission::generator::generate_raw(&spec);
    let mut text = serde_json::to_string_pretty(&raw)?;
    text.push('\n');
    match &a.out {
        Some(path) => std::fs::write(path, text).map_err(|e| ApiError::io(path, e)),
        None => out
            .write_all(text.as_bytes())
            .map_err(|e| ApiError::io("<stdout>", e)),
    }
}
