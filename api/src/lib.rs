//! The application layer over the `optimiser` crate: loading datasets (JSON
//! or a folder of CSV files) with every problem reported at once, the
//! `placement` command line, and readable output.
//!
//! The optimiser does no I/O; this crate reads files, turns them into an
//! [`optimiser::dataset::RawDataset`], validates it, and reports problems
//! against the user's own files (`carers.csv line 4 field occupied`, or
//! `dataset.json carers[3] field occupied`). Logs (via `tracing`) carry
//! counts and timings only, never child or carer records.
#![warn(missing_docs)]

pub mod cli;
pub mod csv_tables;
pub mod error;
pub mod http;
mod json_doc;
mod json_messages;
pub mod load;
pub mod region;
pub mod render;
pub mod scenario_file;
pub mod service;
pub mod ssda903;
pub mod store;
pub mod token_cmd;

pub use error::{ApiError, Problem};
pub use load::load_dataset;
