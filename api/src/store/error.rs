//! The store's one error type.

use optimiser::limits::ErrorClass;

/// Every error the store can return. Stored values that cannot be read back
/// are reported as [`StoreError::Corrupt`], never a panic.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement (or could not be opened).
    #[error("store: {0}")]
    Database(#[from] sqlx::Error),
    /// The versioned migrations could not be applied.
    #[error("store migrations: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The store is reachable but not usable yet (a migration is missing or
    /// differs from the one this build embeds).
    #[error("store not ready: {0}")]
    NotReady(String),
    /// A stored value could not be read back (bad JSON, unknown role, a
    /// number out of range, …).
    #[error("store holds an unreadable value: {0}")]
    Corrupt(String),
    /// A value given to the store breaks one of its rules (a token's scope,
    /// a non-finite time, …).
    #[error("invalid: {0}")]
    Invalid(String),
    /// The operating system's random number generator failed.
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

impl StoreError {
    /// What kind of failure this is (exhaustive, like every error's `class`).
    pub fn class(&self) -> ErrorClass {
        match self {
            StoreError::Invalid(_) => ErrorClass::InvalidInput,
            StoreError::Database(_)
            | StoreError::Migration(_)
            | StoreError::NotReady(_)
            | StoreError::Corrupt(_)
            | StoreError::Random(_) => ErrorClass::Internal,
        }
    }
}
