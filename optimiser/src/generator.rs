//! A seeded generator of synthetic datasets, realistic in its proportions.
//!
//! Proportions follow `shared/DOMAIN.md` (DfE children looked after 2024,
//! Ofsted fostering and children's homes, CMA 2021 and PSSRU unit costs):
//! ages 0–4 17 %, 5–9 18 %, 10–15 39 %, 16–17 26 %; foster households about
//! 45 % in-house, 40 % IFA, 15 % kinship; children's homes of about four beds;
//! weekly costs in-house £450–650, IFA £820–1,000, kinship £250–400, homes
//! £3,800–6,500 with solo placements at £10,000+. Geography comes from the
//! [`Region`] passed in (real authority centroids and, where given, real
//! schools). The same spec always yields the same dataset.
//!
//! With [`GeneratorSpec::practice`] (the default) the contract v1.1 fields are
//! added from a second seeded stream, so every v1 field is the same as
//! without them (see [`add_practice`] for the rates and their sources).

use rand::{seq::IndexedRandom, seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::dataset::limits::{MAX_CARERS, MAX_CHILDREN, MAX_HOMES};
use crate::dataset::raw::*;
use crate::dataset::{Dataset, ValidationError};

/// One authority of a region, with how far its households spread and its share of demand.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionAuthority {
    /// The authority (real GSS code and centroid).
    pub authority: RawAuthority,
    /// Standard deviation, in km, of household locations around the centroid.
    pub spread_km: f64,
    /// Relative share of children, carers and homes (e.g. children looked after).
    pub weight: f64,
}

/// The geography a dataset is drawn in.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// Authorities.
    pub authorities: Vec<RegionAuthority>,
    /// Real schools with the authority (GSS code) they are in; where an
    /// authority has none, synthetic schools are drawn around its centroid.
    pub schools: Vec<(RawSchool, String)>,
    /// Real children's homes (Ofsted URN, authority, registered beds). The
    /// generator takes its homes from these first, in a seeded order, drawing
    /// each one's location within its authority (Ofsted redacts addresses)
    /// and the rest of its details; further homes get synthetic ids.
    pub homes: Vec<RegionHome>,
}

/// A real children's home known by its Ofsted URN.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionHome {
    /// Ofsted URN.
    pub id: String,
    /// Authority it is in (GSS code).
    pub authority: String,
    /// Registered places.
    pub beds: u32,
}

impl Region {
    /// Portsmouth, Southampton, Hampshire, Isle of Wight and West Sussex:
    /// ONS 2023 upper-tier centroids, weighted by children looked after at
    /// 31 March 2025 (DfE), with no real schools (synthetic ones are drawn).
    pub fn south_coast() -> Region {
        let a = |id: &str, name: &str, lat: f64, lon: f64, spread_km: f64, weight: f64| {
            RegionAuthority {
                authority: RawAuthority {
                    id: id.into(),
                    name: name.into(),
                    location: RawLocation { lat, lon },
                },
                spread_km,
                weight,
            }
        };
        Region {
            authorities: vec![
                a("E06000044", "Portsmouth", 50.821346, -1.0714, 3.0, 402.0),
                a("E06000045", "Southampton", 50.920057, -1.397705, 3.5, 460.0),
                a("E10000014", "Hampshire", 51.067852, -1.288142, 22.0, 1738.0),
                a(
                    "E06000046",
                    "Isle of Wight",
                    50.674583,
                    -1.297729,
                    7.0,
                    258.0,
                ),
                a(
                    "E10000032",
                    "West Sussex",
                    50.958392,
                    -0.489508,
                    18.0,
                    975.0,
                ),
            ],
            schools: vec![],
            homes: vec![],
        }
    }
}

/// Children looked after at the start in the demo region (the five demo
/// SSDA903 extracts of `data/ssda903/demo/`), whose stock is
/// `data/demo/south_coast.json`: [`DEMO_REGION_HOUSEHOLDS`] households and
/// [`DEMO_REGION_HOMES`] homes (`scripts/regenerate_demo.sh`).
pub const DEMO_REGION_CHILDREN: usize = 3_426;
/// Foster households of the demo region's stock.
pub const DEMO_REGION_HOUSEHOLDS: usize = 500;
/// Children's homes of the demo region's stock.
pub const DEMO_REGION_HOMES: usize = 50;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratorSpec {
    /// RNG seed: the same spec gives the same dataset.
    pub seed: u64,
    /// Children waiting.
    pub children: usize,
    /// Foster households.
    pub carers: usize,
    /// Children's homes.
    pub homes: usize,
    /// Share of children in sibling groups (0–1).
    pub sibling_share: f64,
    /// Households per Mockingbird constellation (0: none), drawn from in-house carers.
    pub constellation_size: usize,
    /// Share of in-house households in constellations (0–1).
    pub constellation_share: f64,
    /// Share of households with at least one free place (0–1).
    pub vacancy_share: f64,
    /// The geography.
    pub region: Region,
    /// Add the contract v1.1 fields (sexes, risks, homes' residents and mix,
    /// carers' preferences, strict groups, incompatible risks) at the rates
    /// of [`add_practice`]; `false` gives a v1 dataset (every group strict).
    pub practice: bool,
}

impl GeneratorSpec {
    /// A spec with the demo proportions for the given sizes.
    pub fn new(seed: u64, children: usize, carers: usize, homes: usize) -> Self {
        GeneratorSpec {
            seed,
            children,
            carers,
            homes,
            sibling_share: 0.3,
            constellation_size: 8,
            constellation_share: 0.3,
            vacancy_share: 0.45,
            region: Region::south_coast(),
            practice: true,
        }
    }

    /// A stock for a region of `looked_after` children looked after, at the
    /// demo region's ratio: [`DEMO_REGION_HOUSEHOLDS`] foster households and
    /// [`DEMO_REGION_HOMES`] children's homes per [`DEMO_REGION_CHILDREN`]
    /// children looked after (rounded, at least one of each), the demo's
    /// other proportions ([`GeneratorSpec::new`]) and no waiting children
    /// (a sufficiency projection brings its own demand). For measuring how
    /// a projection grows with the cohort while the stock grows with it.
    pub fn stock_for(seed: u64, looked_after: usize, region: Region) -> Self {
        let scaled = |per_demo: usize| {
            ((looked_after as f64 * per_demo as f64 / DEMO_REGION_CHILDREN as f64).round() as usize)
                .max(1)
        };
        GeneratorSpec {
            region,
            ..GeneratorSpec::new(
                seed,
                0,
                scaled(DEMO_REGION_HOUSEHOLDS),
                scaled(DEMO_REGION_HOMES),
            )
        }
    }

    /// A small dataset for examples and tests: 12 children, 20 carers, 4 homes.
    pub fn small(seed: u64) -> Self {
        GeneratorSpec::new(seed, 12, 20, 4)
    }

    /// Checks the sizes against the dataset contract's limits
    /// ([`MAX_CHILDREN`], [`MAX_CARERS`], [`MAX_HOMES`]) and the shares are
    /// between 0 and 1, before any memory is taken: call it before
    /// [`generate_raw`] with sizes a user chose.
    pub fn validate(&self) -> Result<(), SpecError> {
        check_size("children", self.children, MAX_CHILDREN)?;
        check_size("carers", self.carers, MAX_CARERS)?;
        check_size("homes", self.homes, MAX_HOMES)?;
        check_size("constellation_size", self.constellation_size, MAX_CARERS)?;
        check_share("sibling_share", self.sibling_share)?;
        check_share("constellation_share", self.constellation_share)?;
        check_share("vacancy_share", self.vacancy_share)
    }
}

/// A generator spec that cannot be generated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    /// A size over the input contract's limit.
    #[error("{what} = {value} is more than the limit of {max}")]
    TooLarge {
        /// Which size.
        what: &'static str,
        /// The size asked for.
        value: usize,
        /// The documented limit.
        max: usize,
    },
    /// A share outside 0–1.
    #[error("{what} = {value} is not a share between 0 and 1")]
    NotAShare {
        /// Which share.
        what: &'static str,
        /// The value given.
        value: f64,
    },
}

impl SpecError {
    /// What kind of failure this is: always the caller's input.
    pub fn class(&self) -> crate::limits::ErrorClass {
        match self {
            SpecError::TooLarge { .. } | SpecError::NotAShare { .. } => {
                crate::limits::ErrorClass::InvalidInput
            }
        }
    }
}

/// `value ≤ max`, or [`SpecError::TooLarge`].
pub(crate) fn check_size(what: &'static str, value: usize, max: usize) -> Result<(), SpecError> {
    if value > max {
        return Err(SpecError::TooLarge { what, value, max });
    }
    Ok(())
}

/// `0 ≤ value ≤ 1`, or [`SpecError::NotAShare`].
pub(crate) fn check_share(what: &'static str, value: f64) -> Result<(), SpecError> {
    if !(0.0..=1.0).contains(&value) {
        return Err(SpecError::NotAShare { what, value });
    }
    Ok(())
}

/// Need tags used by the generator.
pub const NEEDS: [&str; 5] = [
    "disability",
    "autism",
    "emotional_behavioural",
    "exploitation_risk",
    "unaccompanied_asylum",
];

/// Generates a dataset and validates it.
pub fn generate(spec: &GeneratorSpec) -> Result<Dataset, Vec<ValidationError>> {
    Dataset::try_from(generate_raw(spec))
}

/// Seeded draws over a region (shared with the commissioning generator).
pub(crate) struct Draw<'a> {
    pub(crate) rng: ChaCha8Rng,
    region: &'a Region,
    total_weight: f64,
}

impl<'a> Draw<'a> {
    /// Draws over `region` from `seed`.
    pub(crate) fn new(seed: u64, region: &'a Region) -> Self {
        let total_weight = region
            .authorities
            .iter()
            .map(|a| a.weight)
            .sum::<f64>()
            .max(f64::MIN_POSITIVE);
        Draw {
            rng: ChaCha8Rng::seed_from_u64(seed),
            region,
            total_weight,
        }
    }

    /// Id of authority `k` of the region.
    pub(crate) fn region_id(&self, k: usize) -> String {
        self.region.authorities[k].authority.id.clone()
    }

    pub(crate) fn authority(&mut self) -> usize {
        let mut x = self.rng.random::<f64>() * self.total_weight;
        for (k, a) in self.region.authorities.iter().enumerate() {
            x -= a.weight;
            if x < 0.0 {
                return k;
            }
        }
        self.region.authorities.len() - 1
    }

    /// A point around authority `k`'s centroid (normal, `spread_km` per axis), rounded to 3 decimals (~100 m).
    pub(crate) fn near(&mut self, k: usize, scale: f64) -> RawLocation {
        let a = &self.region.authorities[k];
        let (dy, dx) = (
            self.normal() * a.spread_km * scale,
            self.normal() * a.spread_km * scale,
        );
        let lat = a.authority.location.lat + dy / 111.2;
        let lon =
            a.authority.location.lon + dx / (111.2 * a.authority.location.lat.to_radians().cos());
        RawLocation {
            lat: (lat * 1000.0).round() / 1000.0,
            lon: (lon * 1000.0).round() / 1000.0,
        }
    }

    fn normal(&mut self) -> f64 {
        // Box–Muller.
        let u1: f64 = self.rng.random::<f64>().max(1e-12);
        let u2: f64 = self.rng.random();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.rng.random::<f64>() < p
    }

    pub(crate) fn cost(&mut self, lo: f64, hi: f64) -> f64 {
        (self.rng.random_range(lo..hi) / 5.0).round() * 5.0
    }
}

fn age(draw: &mut Draw) -> u32 {
    let x: f64 = draw.rng.random();
    if x < 0.17 {
        draw.rng.random_range(0..=4)
    } else if x < 0.35 {
        draw.rng.random_range(5..=9)
    } else if x < 0.74 {
        draw.rng.random_range(10..=15)
    } else {
        draw.rng.random_range(16..=17)
    }
}

fn needs(draw: &mut Draw, age: u32) -> Vec<String> {
    let mut out = Vec::new();
    let chances = [
        (0, 0.07),
        (1, if age >= 3 { 0.10 } else { 0.0 }),
        (2, if age >= 8 { 0.25 } else { 0.05 }),
        (3, if age >= 12 { 0.12 } else { 0.0 }),
        (4, if age >= 14 { 0.08 } else { 0.0 }),
    ];
    for (k, p) in chances {
        if draw.chance(p) {
            out.push(NEEDS[k].to_string());
        }
    }
    out
}

/// Generates the raw (unvalidated) dataset; `generate` validates it.
pub fn generate_raw(spec: &GeneratorSpec) -> RawDataset {
    let region = &spec.region;
    let mut draw = Draw::new(spec.seed, region);
    let authorities: Vec<RawAuthority> = region
        .authorities
        .iter()
        .map(|a| a.authority.clone())
        .collect();

    // Schools: real ones where given, else six synthetic per authority.
    let mut schools: Vec<(RawSchool, usize)> = region
        .schools
        .iter()
        .filter_map(|(s, a)| {
            authorities
                .iter()
                .position(|x| &x.id == a)
                .map(|k| (s.clone(), k))
        })
        .collect();
    for (k, authority) in authorities.iter().enumerate() {
        if !schools.iter().any(|(_, a)| *a == k) {
            for n in 0..6 {
                let location = draw.near(k, 0.8);
                let id = format!("SYN-{}-{n}", authority.id);
                schools.push((
                    RawSchool {
                        id,
                        name: format!("Synthetic school {n} ({})", authority.name),
                        location,
                    },
                    k,
                ));
            }
        }
    }

    // Carers.
    let mut carers = Vec::with_capacity(spec.carers);
    for n in 0..spec.carers {
        let k = draw.authority();
        let x: f64 = draw.rng.random();
        let provider = if x < 0.45 {
            Provider::InHouse
        } else if x < 0.85 {
            Provider::Ifa
        } else {
            Provider::Kinship
        };
        let places = match draw.rng.random::<f64>() {
            p if p < 0.35 => 1,
            p if p < 0.75 => 2,
            _ => 3,
        };
        let free = if draw.chance(spec.vacancy_share) {
            draw.rng.random_range(1..=places)
        } else {
            0
        };
        let min_age = *[0, 0, 0, 5, 8, 11].choose(&mut draw.rng).unwrap_or(&0);
        let max_age = *[17, 17, 12, 17, 15].choose(&mut draw.rng).unwrap_or(&17);
        let mut skills = Vec::new();
        for (tag, p) in NEEDS.iter().zip([0.25, 0.3, 0.45, 0.12, 0.12]) {
            if draw.chance(p) {
                skills.push(tag.to_string());
            }
        }
        let weekly_cost = match provider {
            Provider::InHouse => draw.cost(450.0, 650.0),
            Provider::Ifa => draw.cost(820.0, 1000.0),
            Provider::Kinship => draw.cost(250.0, 400.0),
        };
        carers.push(RawCarer {
            id: format!("FC{:05}", n + 1),
            authority: authorities[k].id.clone(),
            provider,
            location: draw.near(k, 1.0),
            places,
            occupied: places - free,
            min_age,
            max_age: max_age.max(min_age),
            skills,
            weekly_cost,
            constellation: None,
            hub: false,
            connected_children: vec![],
            sex_preference: None,
        });
    }
    form_constellations(spec, &mut carers);

    // Homes: real ones first (in a seeded order), then synthetic.
    let mut real: Vec<(&RegionHome, usize)> = region
        .homes
        .iter()
        .filter_map(|h| {
            authorities
                .iter()
                .position(|a| a.id == h.authority)
                .map(|k| (h, k))
        })
        .collect();
    real.shuffle(&mut draw.rng);
    let mut homes = Vec::with_capacity(spec.homes);
    for n in 0..spec.homes {
        let (id, k, registered) = match real.get(n) {
            Some(&(h, k)) => (h.id.clone(), k, Some(h.beds)),
            None => (format!("SC{:06}", 100_000 + n), draw.authority(), None),
        };
        let solo = registered.map_or_else(|| draw.chance(0.12), |b| b == 1);
        let beds = registered.unwrap_or_else(|| {
            if solo {
                1
            } else {
                draw.rng.random_range(2..=6)
            }
        });
        let occupied = if draw.chance(0.5) {
            draw.rng.random_range(0..beds)
        } else {
            beds
        };
        let mut accepts = Vec::new();
        for (tag, p) in NEEDS.iter().zip([0.2, 0.4, 0.85, 0.5, 0.2]) {
            if draw.chance(p) {
                accepts.push(tag.to_string());
            }
        }
        let min_age = *[8, 10, 11, 11, 12].choose(&mut draw.rng).unwrap_or(&11);
        let weekly_cost = if solo {
            draw.cost(9500.0, 15000.0)
        } else {
            draw.cost(3800.0, 6500.0)
        };
        homes.push(RawHome {
            id,
            authority: authorities[k].id.clone(),
            location: draw.near(k, 1.0),
            beds,
            occupied,
            min_age,
            max_age: 17,
            accepts,
            weekly_cost,
            sex: Default::default(),
            residents: vec![],
            mix_limits: vec![],
            max_age_gap: None,
        });
    }

    // Children, some in sibling groups.
    let mut children = Vec::with_capacity(spec.children);
    let mut sibling_groups = Vec::new();
    while children.len() < spec.children {
        let left = spec.children - children.len();
        let size = if left >= 2 && draw.chance(spec.sibling_share / 2.3) {
            (*[2, 2, 2, 3, 3, 4].choose(&mut draw.rng).unwrap_or(&2)).min(left)
        } else {
            1
        };
        let k = draw.authority();
        let home = draw.near(k, 1.0);
        let group = (size > 1).then(|| {
            let id = format!("SG{:04}", sibling_groups.len() + 1);
            let keep_together = match draw.rng.random::<f64>() {
                p if p < 0.6 => KeepTogether::Household,
                p if p < 0.85 => KeepTogether::Constellation,
                _ => KeepTogether::None,
            };
            sibling_groups.push(RawSiblingGroup {
                id: id.clone(),
                keep_together,
                // v1: all or none (`add_practice` draws the v1.1 value).
                strict: Some(true),
            });
            id
        });
        let eldest = age(&mut draw);
        for m in 0..size {
            let age = eldest.saturating_sub(2 * m as u32 + draw.rng.random_range(0..2));
            let needs = needs(&mut draw, age);
            let complex =
                needs.iter().any(|t| t == "exploitation_risk") || (age >= 13 && draw.chance(0.12));
            let placement = if size == 1 && complex && age >= 11 {
                if draw.chance(0.6) {
                    PlacementKind::Residential
                } else {
                    PlacementKind::Any
                }
            } else if age < 11 || draw.chance(0.7) {
                PlacementKind::Foster
            } else {
                PlacementKind::Any
            };
            let school = if (5..=16).contains(&age) {
                nearest_school(&schools, k, &home).map(|s| schools[s].0.id.clone())
            } else {
                None
            };
            let max_distance_km = draw
                .chance(0.25)
                .then(|| *[20.0, 32.0, 40.0].choose(&mut draw.rng).unwrap_or(&32.0));
            children.push(RawChild {
                id: format!("CH{:05}", children.len() + 1),
                authority: authorities[k].id.clone(),
                age,
                school,
                needs,
                sibling_group: group.clone(),
                placement,
                max_distance_km,
                sex: None,
                risks: vec![],
            });
        }
    }
    // Kinship carers are connected to one child (or sibling group) each.
    for c in carers
        .iter_mut()
        .filter(|c| c.provider == Provider::Kinship)
    {
        if children.is_empty() {
            break;
        }
        let i = draw.rng.random_range(0..children.len());
        let group = children[i].sibling_group.clone();
        c.connected_children = children
            .iter()
            .filter(|x| x.id == children[i].id || (group.is_some() && x.sibling_group == group))
            .map(|x| x.id.clone())
            .collect();
        c.authority = children[i].authority.clone();
    }
    let mut raw = RawDataset {
        version: crate::dataset::raw::ContractVersion::V1,
        authorities,
        schools: schools.into_iter().map(|(s, _)| s).collect(),
        carers,
        homes,
        children,
        sibling_groups,
        incompatible: vec![],
        practice_weights: None,
    };
    if spec.practice {
        raw.version = crate::dataset::raw::ContractVersion::V1_1;
        add_practice(spec.seed, &mut raw);
    }
    raw
}

/// Risk tags drawn by [`add_practice`].
pub const RISKS: [&str; 4] = ["cse_risk", "cce_risk", "exploiter", "self_harm"];

/// Adds the contract v1.1 fields to a generated v1 dataset, from their own
/// seeded stream (the v1 fields are left as they are). Rates (synthetic,
/// guided by public figures where there are any):
/// - children's sex: 56 % male, 42 % female, 2 % not recorded (DfE 2024:
///   57 % of children looked after are male);
/// - children's risks, aged 11 and over (the DfE children-in-need census
///   records child sexual and criminal exploitation as factors at
///   assessment in a few per cent of cases, more among looked-after
///   teenagers): `cse_risk` 10 % of girls and 3 % of boys, `cce_risk` 10 % of
///   boys and 3 % of girls, `self_harm` 10 %; `exploiter` 2 % of those aged 13
///   and over; a child whose needs include `exploitation_risk` has
///   `cse_risk` (girls) or `cce_risk` (boys, and sex not recorded);
/// - incompatible pairs: `[cse_risk, exploiter]`, `[cce_risk, exploiter]`
///   (a child who may draw others into exploitation with a child at risk of
///   it, the example of the Children's Homes Regulations 2015 guide);
/// - children's homes: registered for boys 15 %, girls 10 %, mixed 75 %; one
///   anonymous resident per occupied bed (age 11–17 at the home's range,
///   risks at the children's rates, sex ignored); a mix limit of one child
///   with `cse_risk` at 40 % of homes and of two with `self_harm` at 30 %; a
///   `max_age_gap` of 4 or 5 years at 35 %;
/// - foster carers: a preference for boys 8 %, for girls 8 %;
/// - sibling groups: strict (a court order or care plan) 10 %.
pub fn add_practice(seed: u64, raw: &mut RawDataset) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5052_4143_5449_4345);
    for c in &mut raw.children {
        let x: f64 = rng.random();
        c.sex = match x {
            x if x < 0.56 => Some(Sex::Male),
            x if x < 0.98 => Some(Sex::Female),
            _ => None,
        };
        let exploited = c.needs.iter().any(|n| n == "exploitation_risk");
        c.risks = child_risks(&mut rng, c.age, c.sex, exploited);
    }
    raw.incompatible = vec![
        vec!["cse_risk".into(), "exploiter".into()],
        vec!["cce_risk".into(), "exploiter".into()],
    ];
    for h in &mut raw.homes {
        h.sex = match rng.random::<f64>() {
            x if x < 0.15 => SexGroup::Boys,
            x if x < 0.25 => SexGroup::Girls,
            _ => SexGroup::Mixed,
        };
        let lo = h.min_age.max(11).min(h.max_age);
        h.residents = (0..h.occupied)
            .map(|_| {
                let age = rng.random_range(lo..=h.max_age);
                let sex = if rng.random_bool(0.55) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                RawResident {
                    age,
                    risks: child_risks(&mut rng, age, Some(sex), false),
                }
            })
            .collect();
        if rng.random_bool(0.4) {
            h.mix_limits.push(RawMixLimit {
                tag: "cse_risk".into(),
                max: 1,
            });
        }
        if rng.random_bool(0.3) {
            h.mix_limits.push(RawMixLimit {
                tag: "self_harm".into(),
                max: 2,
            });
        }
        h.max_age_gap = rng.random_bool(0.35).then(|| rng.random_range(4..=5));
    }
    for c in &mut raw.carers {
        c.sex_preference = match rng.random::<f64>() {
            x if x < 0.08 => Some(SexGroup::Boys),
            x if x < 0.16 => Some(SexGroup::Girls),
            _ => None,
        };
    }
    for g in &mut raw.sibling_groups {
        g.strict = Some(rng.random_bool(0.1));
    }
}

/// A child's (or resident's) risks at the rates of [`add_practice`].
fn child_risks(rng: &mut ChaCha8Rng, age: u32, sex: Option<Sex>, exploited: bool) -> Vec<String> {
    let mut out = Vec::new();
    if age < 11 {
        return out;
    }
    let girl = sex == Some(Sex::Female);
    let (cse, cce) = if girl { (0.10, 0.03) } else { (0.03, 0.10) };
    if rng.random_bool(cse) || (exploited && girl) {
        out.push(RISKS[0].to_string());
    }
    if rng.random_bool(cce) || (exploited && !girl) {
        out.push(RISKS[1].to_string());
    }
    if age >= 13 && rng.random_bool(0.02) {
        out.push(RISKS[2].to_string());
    }
    if rng.random_bool(0.10) {
        out.push(RISKS[3].to_string());
    }
    out
}

fn nearest_school(schools: &[(RawSchool, usize)], k: usize, at: &RawLocation) -> Option<usize> {
    let d = |s: &RawSchool| {
        (s.location.lat - at.lat).powi(2)
            + ((s.location.lon - at.lon) * at.lat.to_radians().cos()).powi(2)
    };
    schools
        .iter()
        .enumerate()
        .filter(|(_, (_, a))| *a == k)
        .min_by(|a, b| d(&a.1 .0).total_cmp(&d(&b.1 .0)))
        .map(|(n, _)| n)
}

/// Groups in-house households into constellations: a hub (in-house, two or
/// more places) and its nearest in-house neighbours in the same authority.
fn form_constellations(spec: &GeneratorSpec, carers: &mut [RawCarer]) {
    if spec.constellation_size < 2 {
        return;
    }
    let mut count = 0;
    for k in 0..spec.region.authorities.len() {
        let authority = &spec.region.authorities[k].authority.id;
        let mut pool: Vec<usize> = (0..carers.len())
            .filter(|&c| {
                carers[c].provider == Provider::InHouse && &carers[c].authority == authority
            })
            .collect();
        let wanted = ((pool.len() as f64 * spec.constellation_share)
            / spec.constellation_size as f64)
            .round() as usize;
        for _ in 0..wanted {
            let Some(h) = pool.iter().position(|&c| carers[c].places >= 2) else {
                break;
            };
            let hub = pool.swap_remove(h);
            let at = carers[hub].location;
            pool.sort_by(|&a, &b| {
                let d = |c: usize| {
                    (carers[c].location.lat - at.lat).powi(2)
                        + (carers[c].location.lon - at.lon).powi(2)
                };
                d(a).total_cmp(&d(b))
            });
            let satellites: Vec<usize> = pool
                .drain(..(spec.constellation_size - 1).min(pool.len()))
                .collect();
            count += 1;
            let id = format!("MB-{authority}-{count}");
            carers[hub].constellation = Some(id.clone());
            carers[hub].hub = true;
            // A hub keeps beds for sleepovers: its free places are not offered for placements here.
            carers[hub].occupied = carers[hub].places;
            for s in satellites {
                carers[s].constellation = Some(id.clone());
            }
        }
    }
}

/// A seeded pool of foster households for constellation planning, in the
/// dense part of the south coast: around Portsmouth, Fareham, Southampton,
/// Chichester and Worthing (town centres, households drawn with a 5–6 km
/// spread), no children, no homes, no existing constellations.
///
/// Exactly `candidates` households meet the default hub rule (in-house with
/// two or three places); the others are in-house with one place (55 %) or IFA
/// households with one to three places. The same arguments give the same pool.
pub fn carer_pool(seed: u64, households: usize, candidates: usize) -> RawDataset {
    let south = Region::south_coast();
    let authority = |gss: &str| {
        south
            .authorities
            .iter()
            .find(|a| a.authority.id == gss)
            .map(|a| a.authority.clone())
    };
    let authorities: Vec<RawAuthority> = ["E06000044", "E06000045", "E10000014", "E10000032"]
        .iter()
        .filter_map(|g| authority(g))
        .collect();
    // (authority, town centre, spread km, weight)
    let towns: [(&str, f64, f64, f64, f64); 5] = [
        ("E06000044", 50.8198, -1.0880, 5.0, 25.0), // Portsmouth
        ("E10000014", 50.8520, -1.1780, 5.0, 15.0), // Fareham
        ("E06000045", 50.9097, -1.4044, 5.0, 25.0), // Southampton
        ("E10000032", 50.8360, -0.7800, 6.0, 15.0), // Chichester
        ("E10000032", 50.8170, -0.3720, 6.0, 20.0), // Worthing
    ];
    let total: f64 = towns.iter().map(|t| t.4).sum();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut hubs: Vec<usize> = (0..households).collect();
    hubs.shuffle(&mut rng);
    hubs.truncate(candidates.min(households));
    hubs.sort_unstable();
    let mut carers = Vec::with_capacity(households);
    for n in 0..households {
        let mut x = rng.random::<f64>() * total;
        let town = towns
            .iter()
            .find(|t| {
                x -= t.4;
                x < 0.0
            })
            .unwrap_or(&towns[0]);
        let normal = |rng: &mut ChaCha8Rng| {
            let u1: f64 = rng.random::<f64>().max(1e-12);
            let u2: f64 = rng.random();
            (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
        };
        let lat = town.1 + normal(&mut rng) * town.3 / 111.2;
        let lon = town.2 + normal(&mut rng) * town.3 / (111.2 * town.1.to_radians().cos());
        let hub = hubs.binary_search(&n).is_ok();
        let (provider, places) = if hub {
            (Provider::InHouse, rng.random_range(2..=3))
        } else if rng.random::<f64>() < 0.55 {
            (Provider::InHouse, 1)
        } else {
            (Provider::Ifa, rng.random_range(1..=3))
        };
        let occupied = rng.random_range(0..=places);
        let min_age = *[0, 0, 0, 5, 8, 11].choose(&mut rng).unwrap_or(&0);
        let max_age = *[17, 17, 12, 17, 15].choose(&mut rng).unwrap_or(&17);
        let weekly_cost = match provider {
            Provider::InHouse => (rng.random_range(450.0..650.0_f64) / 5.0).round() * 5.0,
            _ => (rng.random_range(820.0..1000.0_f64) / 5.0).round() * 5.0,
        };
        carers.push(RawCarer {
            id: format!("FC{:05}", n + 1),
            authority: town.0.to_string(),
            provider,
            location: RawLocation {
                lat: (lat * 1000.0).round() / 1000.0,
                lon: (lon * 1000.0).round() / 1000.0,
            },
            places,
            occupied,
            min_age,
            max_age: max_age.max(min_age),
            skills: Vec::new(),
            weekly_cost,
            constellation: None,
            hub: false,
            connected_children: vec![],
            sex_preference: None,
        });
    }
    RawDataset {
        version: crate::dataset::raw::ContractVersion::V1,
        authorities,
        schools: vec![],
        carers,
        homes: vec![],
        children: vec![],
        sibling_groups: vec![],
        incompatible: vec![],
        practice_weights: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stock_for_k_times_the_demo_cohort_has_k_times_its_households_and_homes() {
        for (children, households, homes) in
            [(3_426, 500, 50), (1_000, 146, 15), (16_000, 2_335, 234)]
        {
            let spec = GeneratorSpec::stock_for(7, children, Region::south_coast());
            assert_eq!(
                (spec.carers, spec.homes, spec.children),
                (households, homes, 0)
            );
            assert!(spec.validate().is_ok());
        }
        // Never an empty stock.
        let tiny = GeneratorSpec::stock_for(7, 1, Region::south_coast());
        assert_eq!((tiny.carers, tiny.homes), (1, 1));
        // It generates a valid dataset of that size, in the region's authorities.
        let data = generate(&GeneratorSpec::stock_for(7, 1_000, Region::south_coast()))
            .expect("a valid stock");
        assert_eq!(data.children().len(), 0);
        let raw = generate_raw(&GeneratorSpec::stock_for(7, 1_000, Region::south_coast()));
        assert_eq!((raw.carers.len(), raw.homes.len()), (146, 15));
        let gss: Vec<_> = Region::south_coast()
            .authorities
            .iter()
            .map(|a| a.authority.id.clone())
            .collect();
        assert!(raw.carers.iter().all(|c| gss.contains(&c.authority)));
    }
}
