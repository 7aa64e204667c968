//! The api layer's one error type, and the input problems it reports.

use std::fmt;
use std::path::PathBuf;

use optimiser::commission::CommissionError;
use optimiser::constellations::FormationError;
use optimiser::matching::MatchError;
use optimiser::ranking::RankError;
use serde::Serialize;

/// Exit code for invalid input (bad dataset, unknown child, bad option).
pub const EXIT_INVALID_INPUT: u8 = 2;
/// Exit code for any other failure (I/O, solver).
pub const EXIT_FAILURE: u8 = 1;

/// One problem in an input dataset, located in the file the user wrote.
///
/// `location` is `line N` for a CSV file (the line the record starts on) or a
/// JSON path such as `carers[3]` or `carers[3].places`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// File name (`carers.csv`, `dataset.json`, …).
    pub file: String,
    /// Where in the file: `line 5`, `carers[3]`, … (empty for the whole file).
    pub location: String,
    /// Record id, when known.
    pub record: Option<String>,
    /// Field (column) name, when known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// Most characters of a problem's message or location; longer ones are cut
/// (user values inside them are already cut to
/// [`optimiser::dataset::limits::MAX_ECHO_CHARS`]).
pub const MAX_MESSAGE_CHARS: usize = 512;

impl Problem {
    /// A problem, with every user value bounded: the record id and field are
    /// shortened with [`optimiser::dataset::echo`], the location and message
    /// to [`MAX_MESSAGE_CHARS`]. Every problem the api layer reports is built
    /// here.
    pub fn new(
        file: impl Into<String>,
        location: impl Into<String>,
        record: Option<String>,
        field: Option<String>,
        message: impl Into<String>,
    ) -> Problem {
        use optimiser::dataset::{echo, limits::shorten};
        Problem {
            file: shorten(&file.into(), MAX_MESSAGE_CHARS),
            location: shorten(&location.into(), MAX_MESSAGE_CHARS),
            record: record.map(|r| echo(&r)),
            field: field.map(|f| echo(&f)),
            message: shorten(&message.into(), MAX_MESSAGE_CHARS),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if !self.location.is_empty() {
            write!(f, " {}", self.location)?;
        }
        if let Some(id) = &self.record {
            write!(f, " (id {id:?})")?;
        }
        if let Some(field) = &self.field {
            write!(f, " field {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every error the api layer can return.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A file or folder could not be read or written.
    #[error("{}: {error}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error (in the message, so not also a `source`).
        error: std::io::Error,
    },
    /// The dataset has problems; all of them are listed.
    #[error("{}", list_problems(.0))]
    InvalidDataset(Vec<Problem>),
    /// A command-line value is out of range.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The batch solve failed.
    #[error("matching failed: {0}")]
    Match(MatchError),
    /// Ranking failed.
    #[error("ranking failed: {0}")]
    Rank(RankError),
    /// The commissioning solve failed.
    #[error("commissioning failed: {0}")]
    Commission(CommissionError),
    /// Constellation planning failed.
    #[error("constellation planning failed: {0}")]
    Formation(FormationError),
    /// Output could not be serialised.
    #[error("could not write JSON: {0}")]
    Json(serde_json::Error),
}

// The inner errors are part of each message, so they are not also exposed as
// `source()` (that would print them twice in an error chain).
impl From<MatchError> for ApiError {
    fn from(e: MatchError) -> Self {
        ApiError::Match(e)
    }
}

impl From<RankError> for ApiError {
    fn from(e: RankError) -> Self {
        ApiError::Rank(e)
    }
}

impl From<CommissionError> for ApiError {
    fn from(e: CommissionError) -> Self {
        ApiError::Commission(e)
    }
}

impl From<FormationError> for ApiError {
    fn from(e: FormationError) -> Self {
        ApiError::Formation(e)
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::Json(e)
    }
}

fn list_problems(problems: &[Problem]) -> String {
    let mut out = format!(
        "the input has {} problem{}:",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems {
        out.push_str("\n  - ");
        out.push_str(&p.to_string());
    }
    out
}

impl ApiError {
    /// The process exit code for this error: 2 for invalid input, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            ApiError::InvalidDataset(_) | ApiError::InvalidArgument(_) => EXIT_INVALID_INPUT,
            ApiError::Match(MatchError::InvalidConfig(_) | MatchError::NotAnOption(_)) => {
                EXIT_INVALID_INPUT
            }
            ApiError::Rank(RankError::UnknownChild(_) | RankError::ZeroTop) => EXIT_INVALID_INPUT,
            ApiError::Commission(
                CommissionError::TooManyPartners(_) | CommissionError::NoPartners,
            ) => EXIT_INVALID_INPUT,
            ApiError::Rank(RankError::Solve(
                MatchError::InvalidConfig(_) | MatchError::NotAnOption(_),
            )) => EXIT_INVALID_INPUT,
            ApiError::Formation(
                FormationError::InvalidConfig(_)
                | FormationError::UnknownCandidate(_)
                | FormationError::NotAHousehold(_)
                | FormationError::InKeptConstellation(..)
                | FormationError::CountInfeasible(..),
            ) => EXIT_INVALID_INPUT,
            _ => EXIT_FAILURE,
        }
    }

    /// Whether this is a write to a closed pipe (`placement … | head`), which
    /// the binary treats as a normal end.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            ApiError::Io { error, .. } => error.kind() == std::io::ErrorKind::BrokenPipe,
            ApiError::Json(e) => e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe),
            _ => false,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        ApiError::Io {
            path: path.into(),
            error,
        }
    }
}
