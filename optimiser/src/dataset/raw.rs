//! The dataset contract v1.1 (a backward-compatible extension of v1: every
//! new field is optional) exactly as it appears on the wire (JSON, or the
//! same tables as CSV files). Nothing here is validated: see
//! [`Dataset::try_from`](super::Dataset) for the checks that turn a
//! [`RawDataset`] into a [`Dataset`](super::Dataset).
//!
//! Every struct rejects unknown fields, so a misspelt field is an error rather
//! than a silently ignored value.

use serde::{Deserialize, Serialize};

/// A WGS84 position in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawLocation {
    /// Latitude, −90 to 90.
    #[cfg_attr(feature = "openapi", schema(minimum = -90.0, maximum = 90.0))]
    pub lat: f64,
    /// Longitude, −180 to 180.
    #[cfg_attr(feature = "openapi", schema(minimum = -180.0, maximum = 180.0))]
    pub lon: f64,
}

/// A dataset's contract version, `1` or `1.1` (any other number is read,
/// then rejected by validation with the other problems).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct ContractVersion(pub f64);

impl ContractVersion {
    /// Contract v1.
    pub const V1: ContractVersion = ContractVersion(1.0);
    /// Contract v1.1 (issue 10: the rules of practice).
    pub const V1_1: ContractVersion = ContractVersion(1.1);

    /// Whether this is contract v1 (sibling groups strict unless they say).
    pub fn is_v1(self) -> bool {
        self == Self::V1
    }

    /// Whether this version is one the optimiser reads.
    pub fn is_supported(self) -> bool {
        self == Self::V1 || self == Self::V1_1
    }
}

impl RawDataset {
    /// Whether any field new in contract v1.1 has a value other than its
    /// absence: a group's `strict`, a child's `sex` or `risks`, a home's
    /// `sex` (other than mixed), `residents`, `mix_limits` or `max_age_gap`,
    /// a carer's `sex_preference`, `incompatible` or `practice_weights`. A
    /// CSV folder (which has no version) is v1.1 exactly when this holds.
    pub fn uses_v1_1_fields(&self) -> bool {
        self.sibling_groups.iter().any(|g| g.strict.is_some())
            || self
                .children
                .iter()
                .any(|c| c.sex.is_some() || !c.risks.is_empty())
            || self.homes.iter().any(|h| {
                h.sex != SexGroup::Mixed
                    || !h.residents.is_empty()
                    || !h.mix_limits.is_empty()
                    || h.max_age_gap.is_some()
            })
            || self.carers.iter().any(|c| c.sex_preference.is_some())
            || !self.incompatible.is_empty()
            || self.practice_weights.is_some()
    }
}

impl Default for ContractVersion {
    /// The latest, v1.1.
    fn default() -> Self {
        Self::V1_1
    }
}

impl std::fmt::Display for ContractVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for ContractVersion {
    /// `1` (an integer, as v1 files have it) or `1.1`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_v1() {
            s.serialize_u32(1)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

/// A whole dataset: the places available and the children waiting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawDataset {
    /// Contract version: `1` or `1.1`. It decides only the default of a
    /// sibling group's `strict` (v1: `true`, all or none; v1.1: `false`).
    #[cfg_attr(feature = "openapi", schema(value_type = f64, minimum = 1, maximum = 1.1))]
    pub version: ContractVersion,
    /// Local authorities, by ONS GSS code.
    #[cfg_attr(feature = "openapi", schema(max_items = 1000))]
    pub authorities: Vec<RawAuthority>,
    /// Schools, by DfE URN where known.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100000))]
    pub schools: Vec<RawSchool>,
    /// Foster households.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200000))]
    pub carers: Vec<RawCarer>,
    /// Residential children's homes.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20000))]
    pub homes: Vec<RawHome>,
    /// Children waiting for a placement.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200000))]
    pub children: Vec<RawChild>,
    /// Sibling groups and how they must be kept together.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200000))]
    pub sibling_groups: Vec<RawSiblingGroup>,
    /// v1.1: pairs of risk tags that may not live in the same children's
    /// home (for example `["cse_risk", "exploiter"]`); each pair has exactly
    /// two tags, which may be equal.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 1000))]
    pub incompatible: Vec<Vec<String>>,
    /// v1.1: the weights of practice (sibling splits, placements outside the
    /// authority); every one optional.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub practice_weights: Option<RawPracticeWeights>,
}

/// The weights of practice (contract v1.1), pounds per week; defaults in
/// [`crate::dataset::PracticeWeights`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawPracticeWeights {
    /// Each extra place a non-strict sibling group is split over (default 5,000).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1e9))]
    pub w_split: Option<f64>,
    /// Each extra place inside a constellation the group already uses
    /// (default 1,000; at most `w_split`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1e9))]
    pub w_split_constellation: Option<f64>,
    /// A placement outside the child's own authority (default 0).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1e9))]
    pub w_outside_authority: Option<f64>,
}

/// A child's sex (contract v1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Male.
    Male,
    /// Female.
    Female,
}

/// Which children a home is registered for, or a foster carer prefers
/// (contract v1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SexGroup {
    /// Boys only.
    Boys,
    /// Girls only.
    Girls,
    /// Boys and girls.
    #[default]
    Mixed,
}

/// A child already living in a children's home (anonymous; contract v1.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawResident {
    /// Age in whole years.
    #[cfg_attr(feature = "openapi", schema(maximum = 25))]
    pub age: u32,
    /// Risk tags (as a child's `risks`).
    #[serde(default)]
    pub risks: Vec<String>,
}

/// At most `max` children with `tag` among a home's residents and new
/// arrivals (contract v1.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawMixLimit {
    /// A risk tag.
    pub tag: String,
    /// Most children with it.
    #[cfg_attr(feature = "openapi", schema(maximum = 1000))]
    pub max: u32,
}

/// A local authority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawAuthority {
    /// ONS GSS code, for example `E06000044` (Portsmouth).
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S"))]
    pub id: String,
    /// Name, for display.
    pub name: String,
    /// A representative point (used as the child's anchor when no school is known).
    pub location: RawLocation,
}

/// A school.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawSchool {
    /// DfE URN where known.
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S"))]
    pub id: String,
    /// Name, for display.
    pub name: String,
    /// Where the school is.
    pub location: RawLocation,
}

/// Who provides a foster placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// The authority's own foster carers.
    InHouse,
    /// An independent fostering agency.
    Ifa,
    /// Family and friends approved as connected persons for named children.
    Kinship,
}

/// A foster household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawCarer {
    /// Household id (unique across carers and homes).
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S"))]
    pub id: String,
    /// Authority (GSS code) the household belongs to.
    pub authority: String,
    /// Provider type.
    pub provider: Provider,
    /// Household location (personal data: may be rounded by the caller).
    pub location: RawLocation,
    /// Approved number of children.
    #[cfg_attr(feature = "openapi", schema(maximum = 1000))]
    pub places: u32,
    /// Children already living there.
    #[cfg_attr(feature = "openapi", schema(maximum = 1000))]
    pub occupied: u32,
    /// Youngest age approved for.
    #[cfg_attr(feature = "openapi", schema(maximum = 25))]
    pub min_age: u32,
    /// Oldest age approved for.
    #[cfg_attr(feature = "openapi", schema(maximum = 25))]
    pub max_age: u32,
    /// Skills and approvals, as tags matched against children's needs.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Weekly cost in pounds of one placement with this household.
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1000000.0))]
    pub weekly_cost: f64,
    /// Mockingbird constellation the household belongs to, if any.
    #[serde(default)]
    pub constellation: Option<String>,
    /// Whether this is the constellation's hub home.
    #[serde(default)]
    pub hub: bool,
    /// For kinship carers: the children they are approved for.
    #[serde(default)]
    pub connected_children: Vec<String>,
    /// v1.1: `boys` or `girls` when the household takes only one sex
    /// (`mixed` or absent: either).
    #[serde(default)]
    pub sex_preference: Option<SexGroup>,
}

/// A residential children's home.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawHome {
    /// Ofsted URN where known (unique across carers and homes).
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S"))]
    pub id: String,
    /// Authority (GSS code) the home is in.
    pub authority: String,
    /// Where the home is.
    pub location: RawLocation,
    /// Registered beds.
    #[cfg_attr(feature = "openapi", schema(maximum = 1000))]
    pub beds: u32,
    /// Beds already occupied.
    #[cfg_attr(feature = "openapi", schema(maximum = 1000))]
    pub occupied: u32,
    /// Youngest age in the statement of purpose.
    #[cfg_attr(feature = "openapi", schema(maximum = 25))]
    pub min_age: u32,
    /// Oldest age in the statement of purpose.
    #[cfg_attr(feature = "openapi", schema(maximum = 25))]
    pub max_age: u32,
    /// Needs the home cares for, as tags.
    #[serde(default)]
    pub accepts: Vec<String>,
    /// Weekly cost in pounds of one bed.
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1000000.0))]
    pub weekly_cost: f64,
    /// v1.1: the sex of children the home is registered for (default `mixed`).
    #[serde(default)]
    pub sex: SexGroup,
    /// v1.1: the children already living there (anonymous); at most `occupied`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub residents: Vec<RawResident>,
    /// v1.1: at most `max` children with `tag` among residents and arrivals.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub mix_limits: Vec<RawMixLimit>,
    /// v1.1: the largest age difference between two children living there.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 25))]
    pub max_age_gap: Option<u32>,
}

/// Which kinds of place a child may go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlacementKind {
    /// Foster households only.
    Foster,
    /// Children's homes only.
    Residential,
    /// Either.
    #[default]
    Any,
}

/// A child waiting for a placement. Pseudonymous: no names, addresses or dates of birth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawChild {
    /// Pseudonymous id.
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S"))]
    pub id: String,
    /// Responsible authority (GSS code).
    pub authority: String,
    /// Age in whole years.
    #[cfg_attr(feature = "openapi", schema(maximum = 25))]
    pub age: u32,
    /// School attended, if any (the anchor for distances).
    #[serde(default)]
    pub school: Option<String>,
    /// Needs, as tags that a place must meet.
    #[serde(default)]
    pub needs: Vec<String>,
    /// Sibling group, if any.
    #[serde(default)]
    pub sibling_group: Option<String>,
    /// Which kinds of place are allowed.
    #[serde(default)]
    pub placement: PlacementKind,
    /// Furthest a placement may be from the anchor, in km.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(exclusive_minimum = 0.0, maximum = 20000.0)
    )]
    pub max_distance_km: Option<f64>,
    /// v1.1: the child's sex; unknown fits only mixed homes and carers
    /// without a preference.
    #[serde(default)]
    pub sex: Option<Sex>,
    /// v1.1: risk tags (`cse_risk`, `cce_risk`, `exploiter`, `self_harm`, …)
    /// for homes' mix limits and incompatible pairs.
    #[serde(default)]
    pub risks: Vec<String>,
}

/// How a sibling group must be kept together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeepTogether {
    /// All in one place, or none placed.
    #[default]
    Household,
    /// All placed within one Mockingbird constellation (or together in one
    /// place outside any constellation), or none placed.
    Constellation,
    /// Each child on their own.
    None,
}

/// A sibling group's policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RawSiblingGroup {
    /// Group id, as named by the children's `sibling_group`.
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S"))]
    pub id: String,
    /// How the group must be kept together.
    pub keep_together: KeepTogether,
    /// v1.1: `true` keeps the group all-or-none (a court order or care plan);
    /// `false` places it together if possible and otherwise splits it over
    /// as few places as possible, at a cost (`w_split`). Absent: `true` in a
    /// `version` 1 dataset (v1's rule), `false` in a `version` 1.1 one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}
