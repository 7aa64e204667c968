//! A child's care history as the SSDA903 Episodes table records it, with
//! dates turned into months on the extract's timeline and no date of birth.

use serde::{Deserialize, Serialize};

use super::kinds::{CareKind, Need};
use crate::dataset::raw::RawLocation;

/// Sex as the SSDA903 Header records it (`1` male, `2` female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// `1`.
    Male,
    /// `2`.
    Female,
}

impl Sex {
    /// From the SSDA903 code `1` or `2`.
    pub fn from_code(code: &str) -> Option<Sex> {
        match code {
            "1" => Some(Sex::Male),
            "2" => Some(Sex::Female),
            _ => None,
        }
    }

    /// The SSDA903 code.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "1",
            Sex::Female => "2",
        }
    }
}

/// Why an episode began (`RNE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EpisodeStart {
    /// `S`: started to be looked after (a new period of care).
    Started,
    /// `L`: change of legal status only.
    LegalStatus,
    /// `P`: change of placement and carer(s) only.
    Placement,
    /// `T` (or the older `B`): change of legal status and placement at once.
    LegalStatusAndPlacement,
    /// `U`: change of placement type with the same carer(s).
    SameCarers,
}

impl EpisodeStart {
    /// From an `RNE` code: `S`, `L`, `P`, `T`, `B` (read as `T`) or `U`.
    pub fn from_code(code: &str) -> Option<EpisodeStart> {
        match code {
            "S" => Some(EpisodeStart::Started),
            "L" => Some(EpisodeStart::LegalStatus),
            "P" => Some(EpisodeStart::Placement),
            "T" | "B" => Some(EpisodeStart::LegalStatusAndPlacement),
            "U" => Some(EpisodeStart::SameCarers),
            _ => None,
        }
    }

    /// The code written for it.
    pub fn code(self) -> &'static str {
        match self {
            EpisodeStart::Started => "S",
            EpisodeStart::LegalStatus => "L",
            EpisodeStart::Placement => "P",
            EpisodeStart::LegalStatusAndPlacement => "T",
            EpisodeStart::SameCarers => "U",
        }
    }

    /// Whether an episode starting this way follows a move to another placement.
    pub fn is_move(self) -> bool {
        matches!(
            self,
            EpisodeStart::Placement | EpisodeStart::LegalStatusAndPlacement
        )
    }
}

/// The `REC` codes that end a period of care (`E…`), as the DfE guidance
/// lists them; `X1` (the episode ends and a new one starts) is the only other.
pub const LEAVING_CARE_CODES: [&str; 21] = [
    "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45", "E46", "E47", "E48",
    "E4A", "E4B", "E5", "E6", "E7", "E8", "E9",
];

/// How an episode ended (`REC` and `DEC`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EpisodeEnd {
    /// Open at the extract's end (no `DEC`).
    Open,
    /// `X1`: a new episode follows at once.
    Continues,
    /// An `E…` code: the period of care ends (the code is kept).
    LeftCare(String),
}

impl EpisodeEnd {
    /// From a `REC` code (`X1` or one of [`LEAVING_CARE_CODES`]).
    pub fn from_code(code: &str) -> Option<EpisodeEnd> {
        if code == "X1" {
            Some(EpisodeEnd::Continues)
        } else if LEAVING_CARE_CODES.contains(&code) {
            Some(EpisodeEnd::LeftCare(code.to_string()))
        } else {
            None
        }
    }
}

/// One episode: a spell with one placement and legal status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// Start (`DECOM`), months on the timeline.
    pub start: f64,
    /// End (`DEC`), months on the timeline; `None` when open.
    pub end: Option<f64>,
    /// Why it began (`RNE`).
    pub reason_start: EpisodeStart,
    /// How it ended (`REC`); [`EpisodeEnd::Open`] when `end` is `None`.
    pub reason_end: EpisodeEnd,
    /// Legal status code (`LS`, e.g. `C2`).
    pub legal_status: String,
    /// Category of need (`CIN`).
    pub need: Need,
    /// Placement kind (from `PLACE` and `PLACE_PROVIDER`).
    pub kind: CareKind,
    /// The raw `PLACE` code.
    pub place: String,
    /// The raw `PLACE_PROVIDER` code, when given.
    pub provider: Option<String>,
    /// Centroid of the home postcode district (`HOME_POST`), when given.
    pub home: Option<RawLocation>,
    /// Centroid of the placement's postcode district (`PL_POST`), when given.
    pub placement_location: Option<RawLocation>,
    /// Ofsted URN of the placement provider (`URN`), when given.
    pub urn: Option<String>,
}

/// One child's episodes, in order, with their age at the timeline's origin.
/// No date of birth is kept: the loader turns it into whole months of age.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareHistory {
    /// The authority's pseudonymous id (`CHILD`).
    pub child: String,
    /// Sex.
    pub sex: Sex,
    /// Age at the timeline's origin, months (may exceed 216 for a child who
    /// has since left care; negative for one born after it).
    pub age_at_origin_months: f64,
    /// Episodes, sorted by start, not overlapping (the loader checks).
    pub episodes: Vec<Episode>,
}

impl CareHistory {
    /// Age in months at time `t`.
    pub fn age_at(&self, t: f64) -> f64 {
        self.age_at_origin_months + t
    }
}
