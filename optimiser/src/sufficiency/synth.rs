//! A seeded generator of synthetic SSDA903 care histories with known rates:
//! the tests' ground truth and the demo's extract. No real child data exists
//! in this project; every record here is drawn from [`TrueRates`].
//!
//! The model is the estimator's: entries are Poisson processes (one per age
//! band, at [`TrueRates::entry_per_month`]), and in care a child faces
//! constant hazards within each age band × kind × time-in-care cell — leaving
//! care ([`TrueRates::exit`]), moving ([`TrueRates::move_hazard`]) and a change
//! of legal status only. Hazards stop a month before the 18th birthday; the
//! child leaves care on it (`E17`, staying put, with
//! [`TrueRates::staying_put_share`], else `E5`).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::history::{CareHistory, Episode, EpisodeEnd, EpisodeStart, Sex};
use super::kinds::{AgeBand, CareKind, Need, TimeInCareBand};
use super::{EIGHTEEN_MONTHS, LEAVING_AGE_MONTHS};

/// The true rates a synthetic extract is drawn from. Arrays are indexed like
/// [`AgeBand::ALL`], [`CareKind::ALL`], [`TimeInCareBand::ALL`] and [`Need::ALL`].
#[derive(Debug, Clone, PartialEq)]
pub struct TrueRates {
    /// Entries per month by age band at entry.
    pub entry_per_month: [f64; 5],
    /// Share of entries in each category of need (sums to 1).
    pub need_shares: [f64; 8],
    /// Exit hazard per child-month by age band, before the factors.
    pub exit_base: [f64; 5],
    /// Exit hazard factor by kind.
    pub exit_kind_factor: [f64; 7],
    /// Exit hazard factor by time-in-care band.
    pub exit_tic_factor: [f64; 3],
    /// Move hazard per child-month by kind.
    pub moves: [f64; 7],
    /// Kind of the first placement, shares by age band at entry.
    pub first_kind: [[f64; 7]; 5],
    /// Kind after a move, shares by age band at the move.
    pub next_kind: [[f64; 7]; 5],
    /// Hazard of a change of legal status only, per child-month.
    pub legal_status_change: f64,
    /// Share of those leaving at 18 who stay put (`E17`).
    pub staying_put_share: f64,
    /// Share of boys.
    pub male_share: f64,
}

impl TrueRates {
    /// Our own plausible rates (assumptions, not data) for an authority with
    /// `starts_per_year` children starting to be looked after each year.
    /// Starts by age: under 1 18 %, 1–4 14 %, 5–9 15 %, 10–15 37 %, 16–17 16 %;
    /// mean stays of two to three years; foster care for most young children.
    pub fn typical(starts_per_year: f64) -> TrueRates {
        let per_month = starts_per_year / 12.0;
        let age = [0.18, 0.14, 0.15, 0.37, 0.16];
        TrueRates {
            entry_per_month: age.map(|s| s * per_month),
            need_shares: [0.595, 0.03, 0.03, 0.08, 0.13, 0.01, 0.005, 0.12],
            exit_base: [0.040, 0.045, 0.030, 0.019, 0.027],
            exit_kind_factor: [1.3, 0.8, 0.7, 2.0, 0.8, 1.2, 2.5],
            exit_tic_factor: [1.6, 1.0, 0.6],
            moves: [0.015, 0.025, 0.025, 0.15, 0.04, 0.035, 0.03],
            first_kind: [
                [0.25, 0.45, 0.20, 0.0, 0.0, 0.0, 0.10],
                [0.25, 0.40, 0.25, 0.0, 0.0, 0.0, 0.10],
                [0.20, 0.40, 0.30, 0.0, 0.03, 0.0, 0.07],
                [0.12, 0.30, 0.33, 0.01, 0.14, 0.0, 0.10],
                [0.05, 0.15, 0.20, 0.01, 0.19, 0.35, 0.05],
            ],
            next_kind: [
                [0.20, 0.45, 0.25, 0.0, 0.0, 0.0, 0.10],
                [0.20, 0.40, 0.30, 0.0, 0.0, 0.0, 0.10],
                [0.15, 0.40, 0.35, 0.0, 0.04, 0.0, 0.06],
                [0.08, 0.27, 0.35, 0.02, 0.22, 0.0, 0.06],
                [0.03, 0.12, 0.20, 0.02, 0.23, 0.36, 0.04],
            ],
            legal_status_change: 0.03,
            staying_put_share: 0.25,
            male_share: 0.56,
        }
    }

    /// True exit hazard of a cell.
    pub fn exit(&self, band: AgeBand, kind: CareKind, tic: TimeInCareBand) -> f64 {
        self.exit_base[band as usize]
            * self.exit_kind_factor[kind as usize]
            * self.exit_tic_factor[tic as usize]
    }

    /// True move hazard of a kind.
    pub fn move_hazard(&self, kind: CareKind) -> f64 {
        self.moves[kind as usize]
    }

    /// True entries per month of an age band and need.
    pub fn entry(&self, band: AgeBand, need: Need) -> f64 {
        self.entry_per_month[band as usize] * self.need_shares[need as usize]
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthParams {
    /// Prefix of the children's pseudonymous ids.
    pub id_prefix: String,
    /// Months simulated before the extract's end (the timeline's origin);
    /// children enter from `-months` on. 252 (18 years and a 3-year window)
    /// gives a stock in steady state over the last three years.
    pub months: f64,
    /// Only children in care at some time in the last `extract_months`
    /// before the origin are kept (with all their episodes), as in an
    /// authority's multi-year extract.
    pub extract_months: f64,
    /// The rates.
    pub truth: TrueRates,
    /// Postcode districts of the children's homes (`HOME_POST`); at least one.
    pub home_districts: Vec<String>,
    /// Postcode districts placements may be in (`PL_POST`); at least one.
    pub placement_districts: Vec<String>,
    /// Ofsted URNs of children's homes (given as `URN` of children's home
    /// episodes); may be empty.
    pub home_urns: Vec<String>,
}

/// A synthetic child: the history and the postcode districts to write.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthChild {
    /// The history (locations left empty; districts below).
    pub history: CareHistory,
    /// `HOME_POST` of every episode.
    pub home_post: String,
    /// `PL_POST` of each episode, in order.
    pub placement_posts: Vec<String>,
}

/// A synthetic extract: children in order of entry.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticExtract {
    /// The children.
    pub children: Vec<SynthChild>,
}

fn pick<R: Rng>(rng: &mut R, shares: &[f64]) -> usize {
    let total: f64 = shares.iter().sum();
    let mut u = rng.random::<f64>() * total;
    for (i, s) in shares.iter().enumerate() {
        if u < *s {
            return i;
        }
        u -= s;
    }
    shares.iter().rposition(|s| *s > 0.0).unwrap_or(0)
}

fn pick_str<'a, R: Rng>(rng: &mut R, items: &'a [String]) -> &'a str {
    if items.is_empty() {
        ""
    } else {
        &items[rng.random_range(0..items.len())]
    }
}

fn exp<R: Rng>(rng: &mut R, rate: f64) -> f64 {
    if rate <= 0.0 {
        f64::INFINITY
    } else {
        -(1.0 - rng.random::<f64>()).ln() / rate
    }
}

/// Generates an extract ending at the timeline's origin. The same
/// parameters and seed always give the same extract.
pub fn generate_extract(params: &SynthParams, seed: u64) -> SyntheticExtract {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let truth = &params.truth;
    let mut arrivals: Vec<(f64, AgeBand)> = Vec::new();
    for band in AgeBand::ALL {
        let mut t = -params.months;
        loop {
            t += exp(&mut rng, truth.entry_per_month[band as usize]);
            if t >= 0.0 {
                break;
            }
            arrivals.push((t, band));
        }
    }
    arrivals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut children: Vec<SynthChild> = arrivals
        .into_iter()
        .map(|(t, band)| child(params, &mut rng, String::new(), t, band))
        .filter(|c| {
            c.history
                .episodes
                .last()
                .is_some_and(|e| e.end.is_none_or(|end| end >= -params.extract_months))
        })
        .collect();
    for (i, c) in children.iter_mut().enumerate() {
        c.history.child = format!("{}{:05}", params.id_prefix, i + 1);
    }
    SyntheticExtract { children }
}

fn child<R: Rng>(
    p: &SynthParams,
    rng: &mut R,
    id: String,
    start: f64,
    band: AgeBand,
) -> SynthChild {
    let truth = &p.truth;
    let hi = if band == AgeBand::Age16To17 {
        LEAVING_AGE_MONTHS
    } else {
        band.upper_months()
    };
    let age_entry: f64 = rng.random_range(band.lower_months()..hi);
    // Whole months of age at the origin, kept inside the entry band.
    let mut age0 = (age_entry - start).round();
    if age0 + start < band.lower_months() {
        age0 += 1.0;
    } else if age0 + start >= hi {
        age0 -= 1.0;
    }
    let sex = if rng.random::<f64>() < truth.male_share {
        Sex::Male
    } else {
        Sex::Female
    };
    let need = Need::ALL[pick(rng, &truth.need_shares)];
    let home_post = pick_str(rng, &p.home_districts).to_string();
    let mut kind = CareKind::ALL[pick(rng, &truth.first_kind[band as usize])];
    let (mut place, mut provider) = codes(rng, kind);
    let mut urn = urn_for(rng, p, kind);
    let mut pl_post = pick_str(rng, &p.placement_districts).to_string();
    let mut ls = if rng.random::<f64>() < 0.3 {
        "V2"
    } else {
        "C1"
    }
    .to_string();
    let mut this_start = EpisodeStart::Started;
    let mut episodes = Vec::new();
    let mut posts = Vec::new();
    let mut ep_start = start;
    let mut cur = start;
    let cap = LEAVING_AGE_MONTHS - age0;
    loop {
        let b = AgeBand::of_months(age0 + cur + 1e-9);
        let tic = TimeInCareBand::of_months(cur - start + 1e-9);
        let seg_end = (b.upper_months() - age0)
            .min(start + tic.upper_months())
            .min(cap)
            .min(0.0);
        let h_exit = truth.exit(b, kind, tic);
        let h_move = truth.move_hazard(kind);
        let total = h_exit + h_move + truth.legal_status_change;
        let wait = exp(rng, total);
        let (reason_end, next_start) = if cur + wait < seg_end {
            cur += wait;
            let u = rng.random::<f64>() * total;
            if u < h_exit {
                (
                    EpisodeEnd::LeftCare(exit_code(rng, b, kind).to_string()),
                    None,
                )
            } else if u < h_exit + h_move {
                (EpisodeEnd::Continues, Some(EpisodeStart::Placement))
            } else {
                (EpisodeEnd::Continues, Some(EpisodeStart::LegalStatus))
            }
        } else {
            cur = seg_end;
            if cur >= cap {
                let leave = EIGHTEEN_MONTHS - age0;
                if leave >= 0.0 {
                    cur = 0.0;
                    (EpisodeEnd::Open, None)
                } else {
                    cur = leave;
                    let code = if rng.random::<f64>() < truth.staying_put_share {
                        "E17"
                    } else {
                        "E5"
                    };
                    (EpisodeEnd::LeftCare(code.to_string()), None)
                }
            } else if cur >= 0.0 {
                (EpisodeEnd::Open, None)
            } else {
                continue;
            }
        };
        episodes.push(Episode {
            start: ep_start,
            end: if reason_end == EpisodeEnd::Open {
                None
            } else {
                Some(cur)
            },
            reason_start: this_start,
            reason_end,
            legal_status: ls.clone(),
            need,
            kind,
            place: place.to_string(),
            provider: provider.map(str::to_string),
            home: None,
            placement_location: None,
            urn: urn.clone(),
        });
        posts.push(pl_post.clone());
        let Some(next) = next_start else { break };
        ep_start = cur;
        this_start = next;
        if next == EpisodeStart::Placement {
            kind = CareKind::ALL[pick(
                rng,
                &truth.next_kind[AgeBand::of_months(age0 + cur) as usize],
            )];
            (place, provider) = codes(rng, kind);
            urn = urn_for(rng, p, kind);
            pl_post = pick_str(rng, &p.placement_districts).to_string();
        } else {
            ls = if ls == "C1" || ls == "V2" { "C2" } else { "E1" }.to_string();
        }
    }
    SynthChild {
        history: CareHistory {
            child: id,
            sex,
            age_at_origin_months: age0,
            episodes,
        },
        home_post,
        placement_posts: posts,
    }
}

/// `PLACE` and `PLACE_PROVIDER` codes for a kind.
fn codes<R: Rng>(rng: &mut R, kind: CareKind) -> (&'static str, Option<&'static str>) {
    let u = rng.random::<f64>();
    match kind {
        CareKind::KinshipFoster => (["U1", "U2", "U3"][rng.random_range(0..3)], Some("PR1")),
        CareKind::InHouseFoster => (
            ["U4", "U5", "U6"][rng.random_range(0..3)],
            Some(if u < 0.9 { "PR1" } else { "PR2" }),
        ),
        CareKind::AgencyFoster => (
            ["U4", "U5", "U6"][rng.random_range(0..3)],
            Some(if u < 0.8 { "PR4" } else { "PR5" }),
        ),
        CareKind::Secure => ("K1", Some("PR1")),
        CareKind::ChildrensHome => (
            if u < 0.9 { "K2" } else { "R1" },
            Some(if u < 0.75 { "PR4" } else { "PR1" }),
        ),
        CareKind::SupportedIndependent => (if u < 0.8 { "H5" } else { "P2" }, Some("PR4")),
        CareKind::Other => {
            if u < 0.5 {
                ("P1", Some("PR0"))
            } else if u < 0.8 {
                (
                    ["A3", "A4", "A5", "A6"][rng.random_range(0..4)],
                    Some("PR1"),
                )
            } else if u < 0.9 {
                ("S1", Some("PR5"))
            } else {
                ("Z1", Some("PR1"))
            }
        }
    }
}

fn urn_for<R: Rng>(rng: &mut R, p: &SynthParams, kind: CareKind) -> Option<String> {
    if kind == CareKind::ChildrensHome && !p.home_urns.is_empty() {
        Some(pick_str(rng, &p.home_urns).to_string())
    } else {
        None
    }
}

/// A `REC` code for leaving care before 18, plausible for the age and kind.
fn exit_code<R: Rng>(rng: &mut R, band: AgeBand, kind: CareKind) -> &'static str {
    let u = rng.random::<f64>();
    match (band, kind) {
        (AgeBand::Under1 | AgeBand::Age1To4, _) => {
            if u < 0.45 {
                "E11"
            } else if u < 0.6 {
                "E12"
            } else if u < 0.8 {
                "E45"
            } else {
                "E4A"
            }
        }
        (_, CareKind::KinshipFoster) => {
            if u < 0.6 {
                "E46"
            } else {
                "E41"
            }
        }
        (AgeBand::Age16To17, _) => {
            if u < 0.5 {
                "E4A"
            } else if u < 0.8 {
                "E5"
            } else {
                "E8"
            }
        }
        _ => {
            if u < 0.6 {
                "E4A"
            } else if u < 0.8 {
                "E13"
            } else {
                "E4B"
            }
        }
    }
}
