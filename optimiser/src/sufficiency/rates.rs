//! Estimated rates, each with the counts it came from.

use serde::{Deserialize, Serialize};

use super::kinds::{AgeBand, CareKind, Need, TimeInCareBand};

/// The estimation window, months on the timeline (`start < end`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// First month, inclusive.
    pub start: f64,
    /// Last month, inclusive.
    pub end: f64,
}

impl Window {
    /// Length in months.
    pub fn months(&self) -> f64 {
        self.end - self.start
    }
}

/// Where the rates come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatesSource {
    /// Estimated child by child from an SSDA903 extract.
    Ssda903,
    /// Derived from the DfE published statistics at the aggregate level.
    DfeAggregate,
}

/// One rate: `rate = events / exposure` (0 when there is no exposure).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Entry {
    /// Events counted (whole numbers from an extract; from the DfE tables
    /// they may be apportioned, so fractional).
    pub events: f64,
    /// Exposure: child-months for hazards, months for entry rates.
    pub exposure: f64,
    /// `events / exposure`.
    pub rate: f64,
}

impl Entry {
    /// A rate from its counts.
    pub fn new(events: f64, exposure: f64) -> Entry {
        let rate = if exposure > 0.0 {
            events / exposure
        } else {
            0.0
        };
        Entry {
            events,
            exposure,
            rate,
        }
    }

    /// Approximate (Poisson) standard error of the rate, `sqrt(events) / exposure`.
    pub fn standard_error(&self) -> f64 {
        if self.exposure > 0.0 {
            self.events.sqrt() / self.exposure
        } else {
            0.0
        }
    }
}

/// Children starting to be looked after per month, by age band at entry and
/// category of need (`None`: all, when the source has no finer split).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryRate {
    /// Age band at entry.
    pub age_band: Option<AgeBand>,
    /// Category of need at entry.
    pub need: Option<Need>,
    /// Entries (events) over months of window (exposure).
    #[serde(flatten)]
    pub estimate: Entry,
}

/// Leaving care per child-month (`None` in a key: all values pooled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExitHazard {
    /// Age band.
    pub age_band: Option<AgeBand>,
    /// Placement kind.
    pub kind: Option<CareKind>,
    /// Time-in-care band.
    pub time_in_care: Option<TimeInCareBand>,
    /// Periods of care ended over child-months.
    #[serde(flatten)]
    pub estimate: Entry,
}

/// Placement endings with a move (per child-month), by kind (`None`: all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveHazard {
    /// Placement kind.
    pub kind: Option<CareKind>,
    /// Moves over child-months.
    #[serde(flatten)]
    pub estimate: Entry,
}

/// Leaving at 18.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LeavingAt18 {
    /// Children in care reaching 215 months of age inside the window.
    pub reached: f64,
    /// Of them, children who left care at 215 months of age or later inside
    /// the window.
    pub left: f64,
    /// Of those, how many stayed put with their foster carers (`REC` `E17`);
    /// `None` when the source does not say.
    pub staying_put: Option<f64>,
}

/// Every rate the projection needs, with its counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// Where they come from.
    pub source: RatesSource,
    /// The window (months on the timeline).
    pub window: Window,
    /// Children with at least one episode overlapping the window.
    pub children: usize,
    /// Periods of care overlapping the window whose start was not seen
    /// (their first episode is not `RNE` `S`): time in care is counted from
    /// their first episode, so it is a lower bound.
    pub left_truncated_periods: usize,
    /// Entry rates per month (cells with no entries are listed with 0).
    pub entries: Vec<EntryRate>,
    /// Exit hazards per child-month (cells with exposure only).
    pub exits: Vec<ExitHazard>,
    /// Move hazards per child-month (kinds with exposure only).
    pub moves: Vec<MoveHazard>,
    /// Leaving at 18.
    pub leaving_at_18: LeavingAt18,
}

impl Rates {
    /// The exit hazard of a cell, if it had exposure.
    pub fn exit(&self, band: AgeBand, kind: CareKind, tic: TimeInCareBand) -> Option<&Entry> {
        self.exits
            .iter()
            .find(|e| {
                e.age_band == Some(band) && e.kind == Some(kind) && e.time_in_care == Some(tic)
            })
            .map(|e| &e.estimate)
    }

    /// The move hazard of a kind, if it had exposure.
    pub fn move_hazard(&self, kind: CareKind) -> Option<&Entry> {
        self.moves
            .iter()
            .find(|m| m.kind == Some(kind))
            .map(|m| &m.estimate)
    }

    /// The entry rate of an age band and need.
    pub fn entry(&self, band: AgeBand, need: Need) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.age_band == Some(band) && e.need == Some(need))
            .map(|e| &e.estimate)
    }
}
