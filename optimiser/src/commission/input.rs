//! The commissioning input contract v1 exactly as it appears on the wire
//! (one JSON document). Nothing here is validated: see
//! [`Commission::try_from`](super::Commission) for the checks.
//!
//! `authorities` and `schools` are the dataset contract's own types; every
//! struct rejects unknown fields.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dataset::raw::{RawAuthority, RawLocation, RawSchool};

/// A joint commissioning question: the partners, their children and the
/// places that can be bought.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawCommission {
    /// Contract version; must be 1.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub version: u32,
    /// Local authorities (partners and the authorities options are in).
    #[cfg_attr(feature = "openapi", schema(max_items = 1000))]
    pub authorities: Vec<RawAuthority>,
    /// Schools (children's anchors for distances).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100000))]
    pub schools: Vec<RawSchool>,
    /// The authorities in the joint offer (ids of `authorities`).
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 63))]
    pub partners: Vec<String>,
    /// The partners' children in, or needing, residential care.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10000))]
    pub children: Vec<RawResidentialChild>,
    /// Places that can be bought: spot purchases and block contracts.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10000))]
    pub options: Vec<RawOption>,
    /// Objective weights (defaults: 10 per km per week, 100,000 per unplaced child).
    #[serde(default)]
    pub weights: Option<RawWeights>,
}

/// A child in (or needing) residential care. Pseudonymous: no names,
/// addresses or dates of birth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawResidentialChild {
    /// Pseudonymous id.
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S"))]
    pub id: String,
    /// Responsible authority: one of the partners.
    pub authority: String,
    /// Age in whole years.
    #[cfg_attr(feature = "openapi", schema(maximum = 25))]
    pub age: u32,
    /// Needs, as tags an option must accept.
    #[serde(default)]
    pub needs: Vec<String>,
    /// School attended, if any (the anchor for distances).
    #[serde(default)]
    pub school: Option<String>,
    /// Furthest a placement may be from the anchor, in km.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(exclusive_minimum = 0.0, maximum = 20000.0)
    )]
    pub max_distance_km: Option<f64>,
    /// Weekly cost of the child's present placement, kept if the offer does
    /// not place them; `null` for a child with no placement.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1000000.0))]
    pub current_weekly_cost: Option<f64>,
}

/// How an option is bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    /// Bought per child placed, always available (no fixed cost).
    Spot,
    /// Commissioned as a whole: its fixed weekly cost is paid if it is opened.
    Block,
}

/// A place that can be bought.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    /// Option id.
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S"))]
    pub id: String,
    /// Spot purchase or block contract.
    pub kind: OptionKind,
    /// Authority the home is in (an id of `authorities`).
    pub authority: String,
    /// Where the home is.
    pub location: RawLocation,
    /// Beds; `null` (spot only) for a framework with no practical limit.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub beds: Option<u32>,
    /// Youngest age in the statement of purpose.
    #[cfg_attr(feature = "openapi", schema(maximum = 25))]
    pub min_age: u32,
    /// Oldest age in the statement of purpose.
    #[cfg_attr(feature = "openapi", schema(maximum = 25))]
    pub max_age: u32,
    /// Needs the home cares for, as tags.
    #[serde(default)]
    pub accepts: Vec<String>,
    /// Weekly cost paid if a block is commissioned, filled or not (0 for spot).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1000000.0))]
    pub fixed_weekly_cost: f64,
    /// Weekly cost per child placed.
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1000000.0))]
    pub weekly_cost_per_child: f64,
    /// At most this many children with the given need may live there together.
    #[serde(default)]
    pub mix_limits: BTreeMap<String, u32>,
}

/// Objective weights on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawWeights {
    /// Pounds per km per week from the child's anchor (default 10).
    #[serde(default = "default_distance")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 10000.0))]
    pub distance: f64,
    /// Pounds per unplaced child (default 100,000).
    #[serde(default = "default_unplaced")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 100000000.0))]
    pub unplaced: f64,
}

fn default_distance() -> f64 {
    crate::matching::DEFAULT_DISTANCE_WEIGHT
}

fn default_unplaced() -> f64 {
    crate::matching::DEFAULT_UNPLACED_PENALTY
}
