//! The api layer's one error type, and the input problems it reports.

use std::fmt;
use std::path::PathBuf;

use optimiser::commission::CommissionError;
use optimiser::constellations::FormationError;
use optimiser::limits::{ErrorClass, InvalidOption};
use optimiser::matching::MatchError;
use optimiser::ranking::RankError;
use serde::Serialize;

/// Exit code for invalid input (bad dataset, unknown child, bad option).
pub const EXIT_INVALID_INPUT: u8 = 2;
/// Exit code for any other failure (I/O, solver, internal).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code when a limit (the time limit, a size limit) stopped the work
/// before any answer existed.
pub const EXIT_RESOURCE_LIMIT: u8 = 3;

/// The command-line flag of a library option: `time_limit` → `--time-limit`,
/// and the constellation planner's `min_satellites`/`max_satellites` →
/// `--min`/`--max`.
pub fn flag(option: &str) -> String {
    match option {
        "min_satellites" => "--min".to_string(),
        "max_satellites" => "--max".to_string(),
        other => format!("--{}", other.replace('_', "-")),
    }
}

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
    /// A solver option is outside its documented range (named as a flag).
    #[error("invalid argument: {} {}, got {}", flag(.0.option), .0.rule, .0.value)]
    InvalidOption(InvalidOption),
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
    /// A sufficiency projection failed.
    #[error("sufficiency projection failed: {0}")]
    Projection(optimiser::sufficiency::project::ProjectionError),
    /// Output could not be serialised.
    #[error("could not write JSON: {0}")]
    Json(serde_json::Error),
    /// No such dataset, version, child, job or run (or not one the caller
    /// may know of: out-of-scope records answer the same way).
    #[error("not found: {0}")]
    NotFound(String),
    /// No credentials, or wrong, expired or revoked ones.
    #[error("unauthorised: {0}")]
    Unauthorized(String),
    /// The caller's role does not allow this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request conflicts with the stored state (a finished job cannot be
    /// cancelled, …).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Every worker is busy and the queue is full: try again later.
    #[error("overloaded: {what}; retry after {retry_after_seconds} s")]
    Overloaded {
        /// What is full.
        what: String,
        /// Seconds after which a retry may succeed.
        retry_after_seconds: u64,
    },
    /// The service's store failed.
    #[error("{0}")]
    Store(crate::store::StoreError),
    /// A failure inside the server (a worker that died, a metric that could
    /// not be registered): not the caller's fault.
    #[error("internal error: {0}")]
    Internal(String),
    /// A job was started this many times and the server stopped each time
    /// before it finished (a job that exhausts memory, say): it is not run
    /// again, so it cannot stop the server forever.
    #[error(
        "the server stopped {attempts} times while running this job; it is not run again \
         (try a smaller input or a shorter time limit)"
    )]
    Interrupted {
        /// How many times it was started.
        attempts: u32,
    },
    /// A request body is larger than the server accepts.
    #[error("the request body is larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit, bytes.
        limit: usize,
    },
}

// The inner errors are part of each message, so they are not also exposed as
// `source()` (that would print them twice in an error chain).
// An option error from any formulation is reported as the flag it came
// from, the same way whichever solve found it.
impl From<MatchError> for ApiError {
    fn from(e: MatchError) -> Self {
        match e {
            MatchError::InvalidOption(o) => ApiError::InvalidOption(o),
            e => ApiError::Match(e),
        }
    }
}

impl From<RankError> for ApiError {
    fn from(e: RankError) -> Self {
        match e {
            RankError::InvalidOption(o) | RankError::Solve(MatchError::InvalidOption(o)) => {
                ApiError::InvalidOption(o)
            }
            e => ApiError::Rank(e),
        }
    }
}

impl From<CommissionError> for ApiError {
    fn from(e: CommissionError) -> Self {
        match e {
            CommissionError::InvalidOption(o) => ApiError::InvalidOption(o),
            e => ApiError::Commission(e),
        }
    }
}

impl From<FormationError> for ApiError {
    fn from(e: FormationError) -> Self {
        match e {
            FormationError::InvalidOption(o) => ApiError::InvalidOption(o),
            e => ApiError::Formation(e),
        }
    }
}

impl From<InvalidOption> for ApiError {
    fn from(e: InvalidOption) -> Self {
        ApiError::InvalidOption(e)
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::Json(e)
    }
}

// A value the store refuses is an invalid argument, like any other.
impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Invalid(m) => ApiError::InvalidArgument(m),
            e => ApiError::Store(e),
        }
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

/// What kind of failure an [`ApiError`] is: the one classification from
/// which both the exit code and the HTTP status follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The caller's input or options are wrong; the same request fails again.
    InvalidInput,
    /// The dataset, child, job or run does not exist (or is out of scope).
    NotFound,
    /// No valid credentials.
    Unauthorized,
    /// The credentials do not allow this.
    Forbidden,
    /// The request conflicts with the stored state.
    Conflict,
    /// Busy: a retry later may succeed.
    Overloaded,
    /// A limit (time, size) stopped the work before any answer existed.
    ResourceLimit,
    /// A failure inside the solver, the store or a bug: not the caller's fault.
    Internal,
}

impl From<ErrorClass> for Class {
    fn from(c: ErrorClass) -> Self {
        match c {
            ErrorClass::InvalidInput => Class::InvalidInput,
            ErrorClass::ResourceLimit => Class::ResourceLimit,
            ErrorClass::Internal => Class::Internal,
        }
    }
}

impl ApiError {
    /// What kind of failure this is. Every variant and every library error
    /// is matched exhaustively, so a new variant cannot silently get the
    /// wrong exit code or HTTP status.
    pub fn class(&self) -> Class {
        match self {
            ApiError::InvalidDataset(_)
            | ApiError::InvalidArgument(_)
            | ApiError::InvalidOption(_) => Class::InvalidInput,
            ApiError::Rank(RankError::UnknownChild(_)) | ApiError::NotFound(_) => Class::NotFound,
            ApiError::Match(e) => e.class().into(),
            ApiError::Rank(e) => e.class().into(),
            ApiError::Commission(e) => e.class().into(),
            ApiError::Formation(e) => e.class().into(),
            ApiError::Projection(e) => e.class().into(),
            ApiError::Store(e) => e.class().into(),
            ApiError::Unauthorized(_) => Class::Unauthorized,
            ApiError::Forbidden(_) => Class::Forbidden,
            ApiError::Conflict(_) => Class::Conflict,
            ApiError::Overloaded { .. } => Class::Overloaded,
            ApiError::BodyTooLarge { .. } => Class::InvalidInput,
            ApiError::Interrupted { .. } => Class::ResourceLimit,
            ApiError::Io { .. } | ApiError::Json(_) | ApiError::Internal(_) => Class::Internal,
        }
    }

    /// The process exit code: 2 for invalid input (and an unknown id), 3
    /// when a limit stopped the work before any answer existed, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self.class() {
            Class::InvalidInput | Class::NotFound => EXIT_INVALID_INPUT,
            Class::ResourceLimit | Class::Overloaded => EXIT_RESOURCE_LIMIT,
            Class::Unauthorized | Class::Forbidden | Class::Conflict | Class::Internal => {
                EXIT_FAILURE
            }
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
