//! The dataset contract v1: wire types ([`raw`]), validated domain types
//! ([`Dataset`] and friends) and the validation between them.

pub mod limits;
mod model;
pub mod raw;
pub(crate) mod validate;

pub use limits::echo;
pub use model::*;
pub use raw::{KeepTogether, PlacementKind, Provider, RawDataset, Sex, SexGroup};
pub use validate::{ValidationError, MAX_AGE};
