//! Rendering reports for people and programs: JSON, readable tables, and
//! GeoJSON for maps. The one place that turns a service report into text;
//! the command line and the HTTP API both render through here.

pub mod backtest;
pub mod commission;
pub mod constellations;
pub mod rates;
pub mod sufficiency;
pub mod sufficiency_chart;
pub mod table;

use std::io::Write;

use serde::Serialize;

use crate::error::ApiError;

fn stdout_error(e: std::io::Error) -> ApiError {
    ApiError::io("<stdout>", e)
}

/// Writes `value` as pretty JSON and a newline.
pub fn write_json<T: Serialize>(value: &T, out: &mut dyn Write) -> Result<(), ApiError> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out).map_err(stdout_error)
}

/// Writes rendered text as it is.
pub fn write_text(text: &str, out: &mut dyn Write) -> Result<(), ApiError> {
    out.write_all(text.as_bytes()).map_err(stdout_error)
}
