//! The documented limits of the input contracts (`docs/dataset.md`,
//! `docs/commissioning.md`) and the one helper that shortens user values
//! echoed in problems.
//!
//! Every numeric field is bounded where it is validated, so that no value
//! that passes validation can upset the solver (a weekly cost of `1e308`
//! passes "finite and ≥ 0" but leaves HiGHS with an unknown model status),
//! and every table has a most number of records, so that the loaders and the
//! generators refuse a size before taking the memory for it.

use std::fmt::Write as _;

/// Highest weekly cost (£ a week) accepted anywhere: a placement's or a
/// block's. The most expensive placements in England cost tens of thousands
/// of pounds a week; a million leaves room and keeps the objective well
/// scaled.
pub const MAX_WEEKLY_COST: f64 = 1_000_000.0;

/// Most places, beds, occupied places or vacancies of one household, home or
/// option (and most children under one mix limit).
pub const MAX_CAPACITY: u32 = 1_000;

/// Largest `max_distance_km` (km): half the Earth's circumference is about
/// 20,015 km, so any larger limit means "no limit" and must be left out.
pub const MAX_DISTANCE_KM: f64 = 20_000.0;

/// Most local authorities in one document.
pub const MAX_AUTHORITIES: usize = 1_000;
/// Most schools in one dataset (England has about 24,000).
pub const MAX_SCHOOLS: usize = 100_000;
/// Most foster households in one dataset.
pub const MAX_CARERS: usize = 200_000;
/// Most children's homes in one dataset.
pub const MAX_HOMES: usize = 20_000;
/// Most children in one dataset.
pub const MAX_CHILDREN: usize = 200_000;
/// Most listed sibling groups in one dataset.
pub const MAX_SIBLING_GROUPS: usize = 200_000;
/// Most incompatible risk pairs (contract v1.1).
pub const MAX_INCOMPATIBLE: usize = 1_000;

/// Most children in one commissioning question.
pub const MAX_COMMISSION_CHILDREN: usize = 10_000;
/// Most options (spot and block) in one commissioning question.
pub const MAX_OPTIONS: usize = 10_000;
/// Highest distance weight (£ per km per week) in a commissioning question.
pub const MAX_DISTANCE_WEIGHT: f64 = 10_000.0;
/// Highest unplaced penalty (£ per child) in a commissioning question.
pub const MAX_UNPLACED_PENALTY: f64 = 100_000_000.0;

/// Most characters of a user value (an id, a name, a cell) echoed in a
/// problem; longer values are cut there and end with `…`.
pub const MAX_ECHO_CHARS: usize = 64;

/// The most records a table of the dataset contract may hold, by table name
/// (`None` for a name that is not a table).
pub fn table_limit(table: &str) -> Option<usize> {
    match table {
        "authorities" => Some(MAX_AUTHORITIES),
        "schools" => Some(MAX_SCHOOLS),
        "carers" => Some(MAX_CARERS),
        "homes" => Some(MAX_HOMES),
        "children" => Some(MAX_CHILDREN),
        "sibling_groups" => Some(MAX_SIBLING_GROUPS),
        "incompatible" => Some(MAX_INCOMPATIBLE),
        _ => None,
    }
}

/// A user value as echoed in a problem: at most [`MAX_ECHO_CHARS`]
/// characters (cut on a character boundary, then `…`).
pub fn echo(value: &str) -> String {
    shorten(value, MAX_ECHO_CHARS)
}

/// `value` cut to at most `max_chars` characters (on a character boundary,
/// then `…`): [`echo`] with another length, for whole messages.
pub fn shorten(value: &str, max_chars: usize) -> String {
    match value.char_indices().nth(max_chars) {
        None => value.to_string(),
        Some((cut, _)) => format!("{}…", &value[..cut]),
    }
}

/// A number as echoed in a problem: plain when short, in exponent form when
/// huge or tiny (`1e308`, not 309 digits).
pub fn echo_number(value: f64) -> String {
    let mut s = String::new();
    let plain = value == 0.0 || (1e-6..1e15).contains(&value.abs()) || !value.is_finite();
    if plain {
        let _ = write!(s, "{value}");
    } else {
        let _ = write!(s, "{value:e}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_cuts_on_a_char_boundary() {
        assert_eq!(echo("FC001"), "FC001");
        let long = "é".repeat(1 << 20);
        let short = echo(&long);
        assert_eq!(short.chars().count(), MAX_ECHO_CHARS + 1);
        assert!(short.ends_with('…'));
        assert_eq!(
            echo(&"a".repeat(MAX_ECHO_CHARS)),
            "a".repeat(MAX_ECHO_CHARS)
        );
    }

    #[test]
    fn numbers_stay_short() {
        assert_eq!(echo_number(520.5), "520.5");
        assert_eq!(echo_number(1e308), "1e308");
        assert_eq!(echo_number(-3.0), "-3");
        assert_eq!(echo_number(f64::NAN), "NaN");
    }
}
