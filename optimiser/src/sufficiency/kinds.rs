//! The bands and categories rates are estimated by.

use serde::{Deserialize, Serialize};

/// The demand model's age bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    /// Under 1 (0–11 months).
    #[serde(rename = "under_1")]
    Under1,
    /// 1 to 4 years (12–59 months).
    #[serde(rename = "1_to_4")]
    Age1To4,
    /// 5 to 9 years (60–119 months).
    #[serde(rename = "5_to_9")]
    Age5To9,
    /// 10 to 15 years (120–191 months).
    #[serde(rename = "10_to_15")]
    Age10To15,
    /// 16 and 17 years (192 months and over).
    #[serde(rename = "16_to_17")]
    Age16To17,
}

impl AgeBand {
    /// Every band, youngest first.
    pub const ALL: [AgeBand; 5] = [
        AgeBand::Under1,
        AgeBand::Age1To4,
        AgeBand::Age5To9,
        AgeBand::Age10To15,
        AgeBand::Age16To17,
    ];

    /// The band of an age in months (negative ages count as under 1).
    pub fn of_months(age_months: f64) -> AgeBand {
        if age_months < 12.0 {
            AgeBand::Under1
        } else if age_months < 60.0 {
            AgeBand::Age1To4
        } else if age_months < 120.0 {
            AgeBand::Age5To9
        } else if age_months < 192.0 {
            AgeBand::Age10To15
        } else {
            AgeBand::Age16To17
        }
    }

    /// First month of age in the band.
    pub fn lower_months(self) -> f64 {
        match self {
            AgeBand::Under1 => 0.0,
            AgeBand::Age1To4 => 12.0,
            AgeBand::Age5To9 => 60.0,
            AgeBand::Age10To15 => 120.0,
            AgeBand::Age16To17 => 192.0,
        }
    }

    /// First month of age past the band (216, the 18th birthday, for 16–17).
    pub fn upper_months(self) -> f64 {
        match self {
            AgeBand::Under1 => 12.0,
            AgeBand::Age1To4 => 60.0,
            AgeBand::Age5To9 => 120.0,
            AgeBand::Age10To15 => 192.0,
            AgeBand::Age16To17 => 216.0,
        }
    }

    /// Label as in the DfE tables: `under 1`, `1-4`, …
    pub fn label(self) -> &'static str {
        match self {
            AgeBand::Under1 => "under 1",
            AgeBand::Age1To4 => "1-4",
            AgeBand::Age5To9 => "5-9",
            AgeBand::Age10To15 => "10-15",
            AgeBand::Age16To17 => "16-17",
        }
    }
}

/// Months since the period of care began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeInCareBand {
    /// Under 6 months.
    #[serde(rename = "under_6_months")]
    Under6Months,
    /// 6 to 23 months.
    #[serde(rename = "6_to_23_months")]
    Months6To23,
    /// 24 months and over.
    #[serde(rename = "24_months_plus")]
    Months24Plus,
}

impl TimeInCareBand {
    /// Every band, shortest first.
    pub const ALL: [TimeInCareBand; 3] = [
        TimeInCareBand::Under6Months,
        TimeInCareBand::Months6To23,
        TimeInCareBand::Months24Plus,
    ];

    /// The band of a time in care in months.
    pub fn of_months(months: f64) -> TimeInCareBand {
        if months < 6.0 {
            TimeInCareBand::Under6Months
        } else if months < 24.0 {
            TimeInCareBand::Months6To23
        } else {
            TimeInCareBand::Months24Plus
        }
    }

    /// First month past the band (infinite for the last).
    pub fn upper_months(self) -> f64 {
        match self {
            TimeInCareBand::Under6Months => 6.0,
            TimeInCareBand::Months6To23 => 24.0,
            TimeInCareBand::Months24Plus => f64::INFINITY,
        }
    }

    /// Label: `<6m`, `6-23m`, `24m+`.
    pub fn label(self) -> &'static str {
        match self {
            TimeInCareBand::Under6Months => "<6m",
            TimeInCareBand::Months6To23 => "6-23m",
            TimeInCareBand::Months24Plus => "24m+",
        }
    }
}

/// The projection's placement kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CareKind {
    /// Foster care with family or friends (connected persons; `PLACE` U1–U3).
    KinshipFoster,
    /// Foster care with the authority's own (or another authority's) carers
    /// (`PLACE` U4–U6, `PLACE_PROVIDER` PR1–PR3).
    InHouseFoster,
    /// Foster care through an agency (`PLACE` U4–U6, `PLACE_PROVIDER` PR4 or PR5).
    AgencyFoster,
    /// Secure unit (`PLACE` K1).
    Secure,
    /// Children's home (`PLACE` K2 or R1).
    ChildrensHome,
    /// Supported or independent living (`PLACE` H5 or P2).
    SupportedIndependent,
    /// Everything else: with parents, placed for adoption, residential
    /// school, other.
    Other,
}

impl CareKind {
    /// Every kind.
    pub const ALL: [CareKind; 7] = [
        CareKind::KinshipFoster,
        CareKind::InHouseFoster,
        CareKind::AgencyFoster,
        CareKind::Secure,
        CareKind::ChildrensHome,
        CareKind::SupportedIndependent,
        CareKind::Other,
    ];

    /// The kind of an SSDA903 `PLACE` code with its `PLACE_PROVIDER` (both
    /// already known to be valid codes). Foster care with other carers
    /// (U4–U6) is in-house for PR1–PR3 (own authority, another authority,
    /// other public) and agency for PR4–PR5 (private, voluntary); with any
    /// other provider (PR0, or none given) it counts as in-house.
    pub fn from_ssda903(place: &str, provider: Option<&str>) -> CareKind {
        match place {
            "U1" | "U2" | "U3" => CareKind::KinshipFoster,
            "U4" | "U5" | "U6" => match provider {
                Some("PR4") | Some("PR5") => CareKind::AgencyFoster,
                _ => CareKind::InHouseFoster,
            },
            "K1" => CareKind::Secure,
            "K2" | "R1" => CareKind::ChildrensHome,
            "H5" | "P2" => CareKind::SupportedIndependent,
            _ => CareKind::Other,
        }
    }

    /// Whether it is foster care.
    pub fn is_foster(self) -> bool {
        matches!(
            self,
            CareKind::KinshipFoster | CareKind::InHouseFoster | CareKind::AgencyFoster
        )
    }

    /// Label: `kinship foster`, `in-house foster`, …
    pub fn label(self) -> &'static str {
        match self {
            CareKind::KinshipFoster => "kinship foster",
            CareKind::InHouseFoster => "in-house foster",
            CareKind::AgencyFoster => "agency foster",
            CareKind::Secure => "secure",
            CareKind::ChildrensHome => "children's home",
            CareKind::SupportedIndependent => "supported/independent",
            CareKind::Other => "other",
        }
    }
}

/// Category of need (`CIN`), N1–N8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Need {
    /// N1 abuse or neglect.
    N1,
    /// N2 child's disability.
    N2,
    /// N3 parental illness or disability.
    N3,
    /// N4 family in acute stress.
    N4,
    /// N5 family dysfunction.
    N5,
    /// N6 socially unacceptable behaviour.
    N6,
    /// N7 low income.
    N7,
    /// N8 absent parenting.
    N8,
}

impl Need {
    /// Every category, N1 first.
    pub const ALL: [Need; 8] = [
        Need::N1,
        Need::N2,
        Need::N3,
        Need::N4,
        Need::N5,
        Need::N6,
        Need::N7,
        Need::N8,
    ];

    /// The category of a `CIN` code (`N1`…`N8`), if it is one.
    pub fn from_code(code: &str) -> Option<Need> {
        Need::ALL.into_iter().find(|n| n.code() == code)
    }

    /// The code, `N1`…`N8`.
    pub fn code(self) -> &'static str {
        match self {
            Need::N1 => "N1",
            Need::N2 => "N2",
            Need::N3 => "N3",
            Need::N4 => "N4",
            Need::N5 => "N5",
            Need::N6 => "N6",
            Need::N7 => "N7",
            Need::N8 => "N8",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_band_boundaries() {
        assert_eq!(AgeBand::of_months(0.0), AgeBand::Under1);
        assert_eq!(AgeBand::of_months(11.99), AgeBand::Under1);
        assert_eq!(AgeBand::of_months(12.0), AgeBand::Age1To4);
        assert_eq!(AgeBand::of_months(59.9), AgeBand::Age1To4);
        assert_eq!(AgeBand::of_months(60.0), AgeBand::Age5To9);
        assert_eq!(AgeBand::of_months(119.0), AgeBand::Age5To9);
        assert_eq!(AgeBand::of_months(120.0), AgeBand::Age10To15);
        assert_eq!(AgeBand::of_months(191.9), AgeBand::Age10To15);
        assert_eq!(AgeBand::of_months(192.0), AgeBand::Age16To17);
        assert_eq!(AgeBand::of_months(215.0), AgeBand::Age16To17);
        for b in AgeBand::ALL {
            assert_eq!(AgeBand::of_months(b.lower_months()), b);
            assert_eq!(AgeBand::of_months(b.upper_months() - 0.001), b);
        }
    }

    #[test]
    fn time_in_care_boundaries() {
        assert_eq!(
            TimeInCareBand::of_months(5.99),
            TimeInCareBand::Under6Months
        );
        assert_eq!(TimeInCareBand::of_months(6.0), TimeInCareBand::Months6To23);
        assert_eq!(
            TimeInCareBand::of_months(24.0),
            TimeInCareBand::Months24Plus
        );
    }

    #[test]
    fn ssda903_place_codes_map_to_kinds() {
        use CareKind::*;
        let cases = [
            ("U1", None, KinshipFoster),
            ("U3", Some("PR4"), KinshipFoster),
            ("U4", Some("PR1"), InHouseFoster),
            ("U5", Some("PR2"), InHouseFoster),
            ("U6", Some("PR4"), AgencyFoster),
            ("U4", Some("PR5"), AgencyFoster),
            ("K1", Some("PR1"), Secure),
            ("K2", Some("PR4"), ChildrensHome),
            ("R1", Some("PR1"), ChildrensHome),
            ("H5", Some("PR4"), SupportedIndependent),
            ("P2", None, SupportedIndependent),
            ("P1", Some("PR0"), Other),
            ("A3", Some("PR1"), Other),
            ("S1", Some("PR5"), Other),
            ("Z1", None, Other),
        ];
        for (place, provider, kind) in cases {
            assert_eq!(
                CareKind::from_ssda903(place, provider),
                kind,
                "{place} {provider:?}"
            );
        }
    }

    #[test]
    fn need_codes_round_trip() {
        for n in Need::ALL {
            assert_eq!(Need::from_code(n.code()), Some(n));
        }
        assert_eq!(Need::from_code("N9"), None);
    }
}
