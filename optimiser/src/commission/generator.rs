//! A seeded generator of joint commissioning questions over real south-east
//! authorities, realistic in its prices (sources in `data/SOURCES.md` and
//! `shared/DOMAIN.md`):
//!
//! * children: ages 11–17, one or two needs, ten or so per partner; 85 % in
//!   a current placement costing £6,000–£15,000 a week (the high-cost
//!   placements joint offers target; Portsmouth's cabinet report, July 2021),
//!   the rest waiting;
//! * spot options: £5,000–£8,000 a week per child (around the £6,100 county
//!   council average for 2024, above the CMA's £3,830 for the largest
//!   providers in 2019–21), solo specialist placements £10,000–£14,000;
//!   85 % of the others frameworks with no bed limit (adjustable), the rest
//!   one to three vacancies;
//! * block options: three to five beds (homes average about four), a fixed
//!   weekly cost of £4,500–£5,500 per bed whether filled or not, plus
//!   £250–£500 a week per child placed; most cap children at risk of
//!   exploitation at one.
//!
//! Authority centroids are ONS 2023 upper-tier centroids. The same spec
//! always yields the same question.

use std::collections::BTreeMap;

use rand::seq::{IndexedRandom, SliceRandom};
use rand::Rng;

use super::input::*;
use crate::dataset::limits::{MAX_AUTHORITIES, MAX_COMMISSION_CHILDREN, MAX_OPTIONS};
use crate::dataset::raw::{RawAuthority, RawLocation, RawSchool};
use crate::generator::{check_share, check_size, Draw, Region, RegionAuthority, SpecError};

/// Need tags used in commissioning questions.
pub const NEEDS: [&str; 6] = [
    "exploitation_risk",
    "self_harm",
    "autism",
    "learning_disability",
    "violence_aggression",
    "substance_misuse",
];

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct CommissionSpec {
    /// RNG seed.
    pub seed: u64,
    /// Partners, taken in order from [`south_east`] (synthetic ones beyond ten).
    pub partners: usize,
    /// Children, spread evenly over the partners.
    pub children: usize,
    /// Options in all, spot and block.
    pub options: usize,
    /// How many of the options are blocks.
    pub blocks: usize,
    /// Share of non-solo spot options that are frameworks with no bed limit
    /// (default 0.85); the rest have one to three vacancies that partners
    /// compete for. Lower it for a scarce market.
    pub framework_share: f64,
}

impl CommissionSpec {
    /// A spec with the given sizes.
    pub fn new(seed: u64, partners: usize, children: usize, options: usize, blocks: usize) -> Self {
        CommissionSpec {
            seed,
            partners,
            children,
            options,
            blocks: blocks.min(options),
            framework_share: 0.85,
        }
    }

    /// The committed example: Portsmouth, Southampton, West Sussex and Kent,
    /// ten children each, twelve spot options and five block options.
    pub fn south_coast() -> Self {
        CommissionSpec::new(2026, 4, 40, 17, 5)
    }

    /// Checks the sizes against the commissioning contract's limits
    /// ([`MAX_AUTHORITIES`] partners, [`MAX_COMMISSION_CHILDREN`],
    /// [`MAX_OPTIONS`]), `blocks ≤ options` and the framework share is
    /// between 0 and 1, before any memory is taken.
    pub fn validate(&self) -> Result<(), SpecError> {
        check_size("partners", self.partners, MAX_AUTHORITIES)?;
        check_size("children", self.children, MAX_COMMISSION_CHILDREN)?;
        check_size("options", self.options, MAX_OPTIONS)?;
        check_size("blocks", self.blocks, self.options)?;
        check_share("framework_share", self.framework_share)
    }
}

/// Portsmouth, Southampton, West Sussex, Kent, then Hampshire, Isle of
/// Wight, Brighton and Hove, East Sussex, Surrey and Medway: ONS 2023
/// upper-tier centroids, with how far (km, one standard deviation) places
/// spread around them.
pub fn south_east() -> Vec<RegionAuthority> {
    let a = |id: &str, name: &str, lat: f64, lon: f64, spread_km: f64| RegionAuthority {
        authority: RawAuthority {
            id: id.into(),
            name: name.into(),
            location: RawLocation { lat, lon },
        },
        spread_km,
        weight: 1.0,
    };
    vec![
        a("E06000044", "Portsmouth", 50.821346, -1.0714, 3.0),
        a("E06000045", "Southampton", 50.920057, -1.397705, 3.5),
        a("E10000032", "West Sussex", 50.958392, -0.489508, 18.0),
        a("E10000016", "Kent", 51.219411, 0.732503, 25.0),
        a("E10000014", "Hampshire", 51.067852, -1.288142, 22.0),
        a("E06000046", "Isle of Wight", 50.674583, -1.297729, 7.0),
        a("E06000043", "Brighton and Hove", 50.844084, -0.135217, 4.0),
        a("E10000011", "East Sussex", 50.942004, 0.27522, 18.0),
        a("E10000030", "Surrey", 51.248134, -0.421148, 15.0),
        a("E06000035", "Medway", 51.414072, 0.551479, 5.0),
    ]
}

/// Generates a question (not validated; [`super::Commission::try_from`] does that).
pub fn generate_raw(spec: &CommissionSpec) -> RawCommission {
    let mut authorities = south_east();
    for k in authorities.len()..spec.partners {
        // Beyond the ten real ones: synthetic partners spread over the region.
        let lat = 50.8 + 0.05 * (k % 10) as f64;
        let lon = -1.4 + 0.2 * (k / 10) as f64 + 0.02 * k as f64;
        authorities.push(RegionAuthority {
            authority: RawAuthority {
                id: format!("SYN{k:03}"),
                name: format!("Synthetic authority {k}"),
                location: RawLocation { lat, lon },
            },
            spread_km: 10.0,
            weight: 1.0,
        });
    }
    authorities.truncate(spec.partners.max(1));
    let region = Region {
        authorities,
        schools: vec![],
        homes: vec![],
    };
    let mut draw = Draw::new(spec.seed, &region);
    let n = region.authorities.len();

    let mut schools = Vec::new();
    for (k, a) in region.authorities.iter().enumerate() {
        for s in 0..4 {
            schools.push(RawSchool {
                id: format!("SYN-{}-{s}", a.authority.id),
                name: format!("Synthetic school {s} ({})", a.authority.name),
                location: draw.near(k, 0.8),
            });
        }
    }

    let children = (0..spec.children)
        .map(|c| {
            let k = c % n;
            let mut needs = vec![pick_need(&mut draw)];
            if draw.chance(0.35) {
                needs.push(pick_need(&mut draw));
            }
            needs.sort();
            needs.dedup();
            RawResidentialChild {
                id: format!("RC{:04}", c + 1),
                authority: region.authorities[k].authority.id.clone(),
                age: draw.rng.random_range(11..=17),
                needs,
                school: draw.chance(0.6).then(|| {
                    format!(
                        "SYN-{}-{}",
                        region.authorities[k].authority.id,
                        draw.rng.random_range(0..4)
                    )
                }),
                max_distance_km: draw.chance(0.1).then_some(60.0),
                current_weekly_cost: draw.chance(0.85).then(|| draw.cost(6000.0, 15000.0)),
            }
        })
        .collect();

    let mut options = Vec::with_capacity(spec.options);
    for b in 0..spec.blocks {
        options.push(block(&mut draw, n, b));
    }
    for s in 0..spec.options.saturating_sub(spec.blocks) {
        options.push(spot(&mut draw, n, s, spec.framework_share));
    }

    RawCommission {
        version: 1,
        authorities: region
            .authorities
            .iter()
            .map(|a| a.authority.clone())
            .collect(),
        schools,
        partners: region
            .authorities
            .iter()
            .map(|a| a.authority.id.clone())
            .collect(),
        children,
        options,
        weights: None,
    }
}

fn pick_need(draw: &mut Draw) -> String {
    let weights = [0.35, 0.3, 0.25, 0.15, 0.3, 0.15];
    let total: f64 = weights.iter().sum();
    let mut x = draw.rng.random::<f64>() * total;
    for (tag, w) in NEEDS.iter().zip(weights) {
        x -= w;
        if x < 0.0 {
            return tag.to_string();
        }
    }
    NEEDS[0].to_string()
}

fn accepts(draw: &mut Draw, chance: f64) -> Vec<String> {
    NEEDS
        .iter()
        .filter(|_| draw.chance(chance))
        .map(|t| t.to_string())
        .collect()
}

fn ages(draw: &mut Draw) -> (u32, u32) {
    *[(8, 17), (11, 17), (12, 17), (10, 16)]
        .choose(&mut draw.rng)
        .unwrap_or(&(11, 17))
}

fn block(draw: &mut Draw, n: usize, b: usize) -> RawOption {
    let k = draw.rng.random_range(0..n);
    let beds = draw.rng.random_range(4..=6);
    let (min_age, max_age) = ages(draw);
    // A specialist home: two or three needs.
    let mut accepts: Vec<String> = NEEDS.iter().map(|t| t.to_string()).collect();
    accepts.shuffle(&mut draw.rng);
    accepts.truncate(draw.rng.random_range(2..=3));
    accepts.sort();
    let mut mix_limits = BTreeMap::new();
    if accepts.iter().any(|t| t == "exploitation_risk") && draw.chance(0.8) {
        mix_limits.insert("exploitation_risk".to_string(), 1);
    }
    if accepts.iter().any(|t| t == "violence_aggression") && draw.chance(0.5) {
        mix_limits.insert("violence_aggression".to_string(), 2);
    }
    RawOption {
        id: format!("BLOCK-{:02}", b + 1),
        kind: OptionKind::Block,
        authority: draw.region_id(k),
        location: draw.near(k, 1.0),
        beds: Some(beds),
        min_age,
        max_age,
        accepts,
        fixed_weekly_cost: f64::from(beds) * draw.cost(4500.0, 5500.0),
        weekly_cost_per_child: draw.cost(250.0, 500.0),
        mix_limits,
    }
}

fn spot(draw: &mut Draw, n: usize, s: usize, framework_share: f64) -> RawOption {
    let k = draw.rng.random_range(0..n);
    let solo = draw.chance(0.2);
    let (min_age, max_age) = ages(draw);
    let (beds, accepts, price) = if solo {
        (
            Some(1),
            NEEDS.iter().map(|t| t.to_string()).collect(),
            draw.cost(10000.0, 14000.0),
        )
    } else {
        let beds = (!draw.chance(framework_share)).then(|| draw.rng.random_range(1..=3));
        (beds, accepts(draw, 0.6), draw.cost(5000.0, 8000.0))
    };
    RawOption {
        id: format!("SPOT-{:02}", s + 1),
        kind: OptionKind::Spot,
        authority: draw.region_id(k),
        location: draw.near(k, 1.0),
        beds,
        min_age,
        max_age,
        accepts,
        fixed_weekly_cost: 0.0,
        weekly_cost_per_child: price,
        mix_limits: BTreeMap::new(),
    }
}
