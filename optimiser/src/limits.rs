//! The documented bounds of every option a caller sets, and their one check.
//!
//! Every formulation (batch matching, ranking, constellations, joint
//! commissioning) and every front end (the command line now, HTTP next)
//! checks its options here, so the same value is accepted or refused the
//! same way everywhere, and the error names the option as the library spells
//! it (`time_limit`, `gap`, `distance_weight`, …; the command line prints it
//! as `--time-limit`, `--gap`, `--distance-weight`, …).
//!
//! | option | rule |
//! |---|---|
//! | `time_limit` | seconds, finite, `> 0` and `≤` [`MAX_TIME_LIMIT_SECONDS`] (7 days) |
//! | `gap` | relative MIP gap, finite, `0 ≤ gap ≤` [`MAX_GAP`] |
//! | `threads` | `1 ≤ threads ≤` [`MAX_THREADS`] |
//! | weights and costs in options (£ a week, £ per km a week) | finite, `0 ≤ w ≤` [`MAX_WEIGHT`] |
//! | distances in options (km) | finite, `0 ≤ km ≤` [`MAX_KM`] |
//! | `top` (ranked matches) | `1 ≤ top ≤` [`MAX_TOP`] |
//!
//! ```
//! use optimiser::limits::{check_time_limit, MAX_TIME_LIMIT_SECONDS};
//! assert!(check_time_limit(Some(30.0)).is_ok());
//! let e = check_time_limit(Some(1e20)).unwrap_err();
//! assert_eq!(e.option, "time_limit");
//! assert!(check_time_limit(Some(MAX_TIME_LIMIT_SECONDS)).is_ok());
//! assert!(check_time_limit(Some(0.0)).is_err());
//! ```

/// The longest time limit accepted: 7 days, in seconds. A solve that needs
/// longer is better split; the bound keeps every deadline computable.
pub const MAX_TIME_LIMIT_SECONDS: f64 = 7.0 * 24.0 * 3600.0;
/// The largest relative gap accepted (1 = 100 %: any feasible answer).
pub const MAX_GAP: f64 = 1.0;
/// The most solver threads accepted.
pub const MAX_THREADS: u32 = 1024;
/// The largest weight, penalty or cost accepted in options, in pounds
/// (a billion pounds a week: far above any placement, small enough that
/// sums over a national stock stay exact in HiGHS' doubles).
pub const MAX_WEIGHT: f64 = 1e9;
/// The largest distance accepted in options, in km (half the Earth's
/// circumference is about 20,000 km).
pub const MAX_KM: f64 = 20_000.0;
/// The most ranked matches one request may ask for.
pub const MAX_TOP: usize = 1_000;

/// An option outside its documented range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{option} {rule}, got {value}")]
pub struct InvalidOption {
    /// The option as the library names it (`time_limit`, `gap`, …).
    pub option: &'static str,
    /// The rule it breaks, e.g. `must be > 0 and ≤ 604800 seconds (7 days)`.
    pub rule: String,
    /// The value given, as text.
    pub value: String,
}

impl InvalidOption {
    fn new(option: &'static str, rule: impl Into<String>, value: impl Echo) -> Self {
        InvalidOption {
            option,
            rule: rule.into(),
            value: value.echo(),
        }
    }
}

/// A value as an error message shows it: large and tiny numbers in
/// scientific notation (`1e308`, not 309 digits).
trait Echo {
    fn echo(&self) -> String;
}

impl Echo for f64 {
    fn echo(&self) -> String {
        let a = self.abs();
        if a != 0.0 && a.is_finite() && !(1e-4..1e9).contains(&a) {
            format!("{self:e}")
        } else {
            self.to_string()
        }
    }
}

impl Echo for usize {
    fn echo(&self) -> String {
        self.to_string()
    }
}

impl Echo for u32 {
    fn echo(&self) -> String {
        self.to_string()
    }
}

/// A time limit in seconds: finite, `> 0` and at most 7 days.
pub fn check_time_limit(seconds: Option<f64>) -> Result<(), InvalidOption> {
    match seconds {
        Some(t) if !(t.is_finite() && t > 0.0 && t <= MAX_TIME_LIMIT_SECONDS) => {
            Err(InvalidOption::new(
                "time_limit",
                format!("must be > 0 and ≤ {MAX_TIME_LIMIT_SECONDS} seconds (7 days)"),
                t,
            ))
        }
        _ => Ok(()),
    }
}

/// A relative MIP gap: finite, between 0 and 1.
pub fn check_gap(gap: f64) -> Result<(), InvalidOption> {
    if gap.is_finite() && (0.0..=MAX_GAP).contains(&gap) {
        Ok(())
    } else {
        Err(InvalidOption::new(
            "gap",
            format!("must be ≥ 0 and ≤ {MAX_GAP}"),
            gap,
        ))
    }
}

/// A thread count: at least 1 and at most [`MAX_THREADS`].
pub fn check_threads(threads: Option<u32>) -> Result<(), InvalidOption> {
    match threads {
        Some(n) if !(1..=MAX_THREADS).contains(&n) => Err(InvalidOption::new(
            "threads",
            format!("must be ≥ 1 and ≤ {MAX_THREADS}"),
            n,
        )),
        _ => Ok(()),
    }
}

/// A weight, penalty or cost in pounds: finite, `0 ≤ w ≤` [`MAX_WEIGHT`].
pub fn check_weight(option: &'static str, value: f64) -> Result<(), InvalidOption> {
    check_range(
        option,
        value,
        MAX_WEIGHT,
        format!("must be a number ≥ 0 and ≤ {MAX_WEIGHT:e}"),
    )
}

/// A distance in km: finite, `0 ≤ km ≤` [`MAX_KM`].
pub fn check_km(option: &'static str, value: f64) -> Result<(), InvalidOption> {
    check_range(
        option,
        value,
        MAX_KM,
        format!("must be a number of km ≥ 0 and ≤ {MAX_KM}"),
    )
}

/// Finite and `0 ≤ value ≤ max`, else `rule` is broken.
fn check_range(
    option: &'static str,
    value: f64,
    max: f64,
    rule: String,
) -> Result<(), InvalidOption> {
    if value.is_finite() && (0.0..=max).contains(&value) {
        Ok(())
    } else {
        Err(InvalidOption::new(option, rule, value))
    }
}

/// A count: `min ≤ value ≤ max`.
pub fn check_count(
    option: &'static str,
    value: usize,
    min: usize,
    max: usize,
) -> Result<(), InvalidOption> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(InvalidOption::new(
            option,
            format!("must be ≥ {min} and ≤ {max}"),
            value,
        ))
    }
}

/// What kind of failure an error is: the one classification every front end
/// maps to its exit code or HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The caller's input or options are wrong; the same request will fail again.
    InvalidInput,
    /// A limit the caller set (or a documented size limit) stopped the work
    /// before any answer existed; more time or a smaller question may succeed.
    ResourceLimit,
    /// A failure inside the solver or a bug; not the caller's fault.
    Internal,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_limits_outside_the_range_name_the_option() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e19, 1e20, 604_800.5] {
            let e = check_time_limit(Some(bad)).unwrap_err();
            assert_eq!(e.option, "time_limit");
        }
        for good in [None, Some(1e-3), Some(1.0), Some(MAX_TIME_LIMIT_SECONDS)] {
            assert_eq!(check_time_limit(good), Ok(()));
        }
    }

    #[test]
    fn gaps_weights_threads_and_counts_have_bounds() {
        assert!(check_gap(0.0).is_ok() && check_gap(1.0).is_ok());
        for bad in [-1e-9, 1.0001, f64::NAN] {
            assert_eq!(check_gap(bad).unwrap_err().option, "gap");
        }
        assert!(check_weight("distance_weight", MAX_WEIGHT).is_ok());
        for bad in [-1.0, 1e308, f64::INFINITY, f64::NAN, MAX_WEIGHT * 1.01] {
            assert!(check_weight("distance_weight", bad).is_err());
        }
        assert_eq!(check_weight("w", 1e308).unwrap_err().value, "1e308");
        assert_eq!(check_gap(-1.0).unwrap_err().value, "-1");
        assert!(check_threads(Some(0)).is_err() && check_threads(Some(1)).is_ok());
        assert!(check_threads(Some(MAX_THREADS + 1)).is_err());
        assert!(check_km("max_km", MAX_KM).is_ok() && check_km("max_km", -0.1).is_err());
        assert!(check_count("top", 0, 1, MAX_TOP).is_err());
        assert!(check_count("top", MAX_TOP + 1, 1, MAX_TOP).is_err());
        assert!(check_count("top", MAX_TOP, 1, MAX_TOP).is_ok());
    }
}
