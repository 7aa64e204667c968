//! Calendar dates as SSDA903 exports write them (`dd/mm/yyyy`, or ISO
//! `yyyy-mm-dd`), without a date library: day numbers by the proleptic
//! Gregorian calendar.

use std::fmt;

use optimiser::sufficiency::DAYS_PER_MONTH;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// A date, if it exists (years 1900–2200).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1900..=2200).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }

    /// Parses `dd/mm/yyyy` (also `d/m/yyyy`) or `yyyy-mm-dd`.
    pub fn parse(text: &str) -> Option<Date> {
        let t = text.trim();
        let parts: Vec<&str> = if t.contains('/') {
            t.split('/').rev().collect()
        } else {
            t.split('-').collect()
        };
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Months on the timeline from `origin` to this date (days / 30.4375).
    pub fn months_since(self, origin: Date) -> f64 {
        (self.days() - origin.days()) as f64 / DAYS_PER_MONTH
    }

    /// The date `months` timeline months after this one, to the nearest day.
    pub fn plus_months(self, months: f64) -> Date {
        Date::from_days(self.days() + (months * DAYS_PER_MONTH).round() as i64)
    }

    /// Whole calendar months from `self` (a birth date) to `at`: the age in
    /// completed months (negative when `at` is earlier).
    pub fn whole_months_to(self, at: Date) -> i64 {
        let m = (i64::from(at.year) - i64::from(self.year)) * 12 + i64::from(at.month)
            - i64::from(self.month);
        if at.day < self.day {
            m - 1
        } else {
            m
        }
    }

    /// The date `n` calendar months earlier, with the day clamped to the month.
    pub fn minus_calendar_months(self, n: i64) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 - n;
        let year = total.div_euclid(12) as i32;
        let month = (total.rem_euclid(12) + 1) as u32;
        Date {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }

    /// ISO `yyyy-mm-dd`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// `dd/mm/yyyy`, as SSDA903 exports write it.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_formats_and_refuses_impossible_dates() {
        assert_eq!(Date::parse("31/03/2025"), Date::new(2025, 3, 31));
        assert_eq!(Date::parse("2025-03-31"), Date::new(2025, 3, 31));
        assert_eq!(Date::parse("1/4/2024"), Date::new(2024, 4, 1));
        assert_eq!(Date::parse("29/02/2024"), Date::new(2024, 2, 29));
        for bad in [
            "29/02/2023",
            "31/04/2024",
            "2024/03/01",
            "03/31/2024x",
            "",
            "31-03-2025",
            "00/01/2020",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(Date::new(1970, 1, 1).map(Date::days), Some(0));
        for d in [-800_000, -1, 0, 59, 18_000, 20_177, 80_000] {
            assert_eq!(Date::from_days(d).days(), d);
        }
    }

    #[test]
    fn ages_in_whole_months() {
        let (Some(dob), Some(at)) = (Date::new(2010, 5, 15), Date::new(2025, 3, 31)) else {
            panic!("dates")
        };
        assert_eq!(dob.whole_months_to(at), 178);
        let Some(day_before) = Date::new(2025, 5, 14) else {
            panic!()
        };
        assert_eq!(dob.whole_months_to(day_before), 179);
        assert_eq!(at.minus_calendar_months(178).whole_months_to(at), 178);
    }
}
