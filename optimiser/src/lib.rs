//! Placement matching for children's social care in England, as
//! mixed-integer programs solved to proven optimality with HiGHS.
//!
//! ```
//! use optimiser::dataset::Dataset;
//! use optimiser::generator::{generate_raw, GeneratorSpec};
//! use optimiser::matching::{self, MatchConfig};
//! use optimiser::solver::SolveStatus;
//!
//! // A seeded synthetic dataset (the CLI reads the same contract from JSON or CSV).
//! let raw = generate_raw(&GeneratorSpec::new(42, 30, 60, 6));
//! let data = Dataset::try_from(raw).expect("generated data is valid");
//!
//! let solution = matching::solve(&data, &MatchConfig::default()).expect("solves");
//! assert_eq!(solution.status, SolveStatus::Optimal);
//! assert!(solution.gap <= 1e-6);
//! // Every solution is checked independently of the solver:
//! let recomputed = optimiser::checker::check(&data, &Default::default(), &solution.placement).unwrap();
//! assert!((recomputed - solution.objective).abs() < 1e-6);
//! ```
//!
//! The crate does no I/O: callers (the `api` crate) read files and requests,
//! build a [`dataset::RawDataset`], and validate it into a [`dataset::Dataset`].
#![warn(missing_docs)]

pub mod brute_force;
pub mod checker;
pub mod commission;
pub mod constellations;
pub mod dataset;
pub mod eligibility;
pub mod generator;
pub mod geography;
pub mod limits;
pub mod matching;
pub mod ranking;
pub mod solver;
pub mod sufficiency;
