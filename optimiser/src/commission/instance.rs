//! The validated commissioning instance. A [`Commission`] is valid by
//! construction (every reference resolves, costs are finite and
//! non-negative, every child belongs to a partner, every block has beds), so
//! the formulation never re-checks.

use std::collections::HashMap;

use super::input::*;
use crate::dataset::limits::*;
use crate::dataset::validate::{index_of, Errors, Tags};
use crate::dataset::{Authority, School, Tag, TagSet, ValidationError};
use crate::geography::Location;
use crate::matching::Weights;

/// A partner's child in, or needing, residential care.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidentialChild {
    /// Pseudonymous id.
    pub id: String,
    /// Index into [`Commission::partners`].
    pub partner: usize,
    /// Age in whole years.
    pub age: u32,
    /// Needs.
    pub needs: TagSet,
    /// Index into [`Commission::schools`], if any.
    pub school: Option<usize>,
    /// The school's location, or the authority's when no school is known.
    pub anchor: Location,
    /// Furthest a placement may be from the anchor, in km.
    pub max_distance_km: Option<f64>,
    /// Weekly cost of the present placement, kept if the offer does not place the child.
    pub current_weekly_cost: Option<f64>,
}

impl ResidentialChild {
    /// What the child costs when the offer does not place them: the present
    /// placement's weekly cost, or the unplaced penalty.
    pub fn fallback_cost(&self, weights: &Weights) -> f64 {
        self.current_weekly_cost.unwrap_or(weights.unplaced)
    }
}

/// A place that can be bought.
#[derive(Debug, Clone, PartialEq)]
pub struct BuyOption {
    /// Option id.
    pub id: String,
    /// Spot or block.
    pub kind: OptionKind,
    /// Index into [`Commission::authorities`] of where it is.
    pub authority: usize,
    /// Where the home is.
    pub location: Location,
    /// Beds (`None`: a spot framework with no practical limit; always `Some` for a block).
    pub beds: Option<u32>,
    /// Youngest age accepted.
    pub min_age: u32,
    /// Oldest age accepted.
    pub max_age: u32,
    /// Needs the home cares for.
    pub accepts: TagSet,
    /// Weekly cost paid if commissioned (0 for spot).
    pub fixed_weekly_cost: f64,
    /// Weekly cost per child placed.
    pub weekly_cost_per_child: f64,
    /// `(need, most children with it)`, by tag.
    pub mix_limits: Vec<(Tag, u32)>,
}

impl BuyOption {
    /// Whether the option is a block contract (commissioned as a whole).
    pub fn is_block(&self) -> bool {
        self.kind == OptionKind::Block
    }
}

/// A validated commissioning instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Commission {
    /// Authorities.
    pub authorities: Vec<Authority>,
    /// Schools.
    pub schools: Vec<School>,
    /// The partners, as indices into `authorities`, in input order.
    pub partners: Vec<usize>,
    /// The partners' children.
    pub children: Vec<ResidentialChild>,
    /// Options that can be bought.
    pub options: Vec<BuyOption>,
    /// Objective weights.
    pub weights: Weights,
    /// Tag names, by [`Tag`].
    pub tags: Vec<String>,
}

impl Commission {
    /// The partner's authority id.
    pub fn partner_id(&self, p: usize) -> &str {
        &self.authorities[self.partners[p]].id
    }

    /// Distance in km from child `i`'s anchor to option `o` when the child is
    /// eligible for it (age in range, every need accepted, within the
    /// child's distance limit), `None` otherwise.
    pub fn eligible_km(&self, i: usize, o: usize) -> Option<f64> {
        let (c, opt) = (&self.children[i], &self.options[o]);
        if c.age < opt.min_age || c.age > opt.max_age || !c.needs.is_subset_of(&opt.accepts) {
            return None;
        }
        let km = c.anchor.distance_km(&opt.location);
        match c.max_distance_km {
            Some(limit) if km > limit => None,
            _ => Some(km),
        }
    }

    /// Weekly cost of placing child `i` in option `o` at `km`:
    /// `weekly_cost_per_child + w_distance · km`.
    pub fn pair_cost(&self, o: usize, km: f64) -> f64 {
        self.weights
            .pair_cost(self.options[o].weekly_cost_per_child, km)
    }
}

impl TryFrom<RawCommission> for Commission {
    type Error = Vec<ValidationError>;

    fn try_from(raw: RawCommission) -> Result<Self, Self::Error> {
        validate(&raw)
    }
}

impl TryFrom<&RawCommission> for Commission {
    type Error = Vec<ValidationError>;

    fn try_from(raw: &RawCommission) -> Result<Self, Self::Error> {
        validate(raw)
    }
}

fn document_error(field: &str, message: String) -> ValidationError {
    ValidationError {
        table: "commission",
        index: None,
        record: None,
        field: field.into(),
        message,
    }
}

fn validate(raw: &RawCommission) -> Result<Commission, Vec<ValidationError>> {
    let mut e = Errors(Vec::new());
    if raw.version != 1 {
        e.0.push(document_error(
            "version",
            format!("version {} is not supported (expected 1)", raw.version),
        ));
    }
    for (table, len, max) in [
        ("authorities", raw.authorities.len(), MAX_AUTHORITIES),
        ("schools", raw.schools.len(), MAX_SCHOOLS),
        ("partners", raw.partners.len(), MAX_AUTHORITIES),
        ("children", raw.children.len(), MAX_COMMISSION_CHILDREN),
        ("options", raw.options.len(), MAX_OPTIONS),
    ] {
        e.table_size("commission", table, len, max);
    }
    let mut tags = Tags::default();

    let (authorities, schools) = e.places_of_reference(&raw.authorities, &raw.schools);
    let authority_ix = index_of(raw.authorities.iter().map(|a| a.id.as_str()));
    let school_ix = index_of(raw.schools.iter().map(|s| s.id.as_str()));

    // Partners.
    if raw.partners.is_empty() {
        e.0.push(document_error(
            "partners",
            "at least one partner is needed".into(),
        ));
    }
    let mut partners = Vec::with_capacity(raw.partners.len());
    let mut partner_ix: HashMap<&str, usize> = HashMap::new();
    for (i, p) in raw.partners.iter().enumerate() {
        match authority_ix.get(p.as_str()) {
            None => e.push(
                "partners",
                i,
                p,
                "partners",
                format!("unknown authority {:?}", echo(p)),
            ),
            Some(&a) => {
                if partner_ix.insert(p.as_str(), partners.len()).is_some() {
                    e.push(
                        "partners",
                        i,
                        p,
                        "partners",
                        format!("partner {:?} is listed twice", echo(p)),
                    );
                } else {
                    partners.push(a);
                }
            }
        }
    }

    // Children.
    let mut seen = HashMap::new();
    let mut children = Vec::with_capacity(raw.children.len());
    for (i, c) in raw.children.iter().enumerate() {
        let t = "children";
        e.id(t, i, &c.id, &mut seen);
        let partner = match partner_ix.get(c.authority.as_str()) {
            Some(&p) => p,
            None => {
                let why = if authority_ix.contains_key(c.authority.as_str()) {
                    format!(
                        "authority {:?} is not one of the partners",
                        echo(&c.authority)
                    )
                } else {
                    format!("unknown authority {:?}", echo(&c.authority))
                };
                e.push(t, i, &c.id, "authority", why);
                0
            }
        };
        let school = e.child_basics(
            t,
            i,
            &c.id,
            (c.age, c.school.as_deref(), c.max_distance_km),
            &school_ix,
        );
        if let Some(cost) = c.current_weekly_cost {
            e.cost(t, i, &c.id, "current_weekly_cost", cost);
        }
        let anchor = match school {
            Some(s) => schools[s].location,
            None => partners
                .get(partner)
                .and_then(|&a| authorities.get(a))
                .map_or(Location::new_unchecked(0.0, 0.0), |a| a.location),
        };
        children.push(ResidentialChild {
            id: c.id.clone(),
            partner,
            age: c.age,
            needs: tags.set(&c.needs),
            school,
            anchor,
            max_distance_km: c.max_distance_km,
            current_weekly_cost: c.current_weekly_cost,
        });
    }

    // Options.
    let mut seen = HashMap::new();
    let mut options = Vec::with_capacity(raw.options.len());
    for (i, o) in raw.options.iter().enumerate() {
        let t = "options";
        e.id(t, i, &o.id, &mut seen);
        let authority = match authority_ix.get(o.authority.as_str()) {
            Some(&a) => a,
            None => {
                e.push(
                    t,
                    i,
                    &o.id,
                    "authority",
                    format!("unknown authority {:?}", echo(&o.authority)),
                );
                0
            }
        };
        let location = e.location(t, i, &o.id, &o.location);
        e.ages(t, i, &o.id, o.min_age, o.max_age);
        e.cost(t, i, &o.id, "fixed_weekly_cost", o.fixed_weekly_cost);
        e.cost(
            t,
            i,
            &o.id,
            "weekly_cost_per_child",
            o.weekly_cost_per_child,
        );
        match (o.kind, o.beds) {
            (OptionKind::Block, None) => e.push(
                t,
                i,
                &o.id,
                "beds",
                "a block option needs a number of beds".into(),
            ),
            (_, Some(0)) => e.push(t, i, &o.id, "beds", "beds must be at least 1".into()),
            (_, Some(beds)) => e.count(t, i, &o.id, "beds", beds),
            _ => {}
        }
        if o.kind == OptionKind::Spot && o.fixed_weekly_cost != 0.0 {
            e.push(
                t,
                i,
                &o.id,
                "fixed_weekly_cost",
                format!(
                    "a spot option has no fixed cost (got {}): make it a block",
                    echo_number(o.fixed_weekly_cost)
                ),
            );
        }
        let mut mix_limits = Vec::with_capacity(o.mix_limits.len());
        for (need, &limit) in &o.mix_limits {
            if need.trim().is_empty() {
                e.push(
                    t,
                    i,
                    &o.id,
                    "mix_limits",
                    "a mix limit names an empty need".into(),
                );
                continue;
            }
            e.count(t, i, &o.id, "mix_limits", limit);
            let tag = tags.set(std::slice::from_ref(need));
            mix_limits.extend(tag.iter().map(|k| (k, limit)));
        }
        options.push(BuyOption {
            id: o.id.clone(),
            kind: o.kind,
            authority,
            location,
            beds: o.beds,
            min_age: o.min_age,
            max_age: o.max_age,
            accepts: tags.set(&o.accepts),
            fixed_weekly_cost: o.fixed_weekly_cost,
            weekly_cost_per_child: o.weekly_cost_per_child,
            mix_limits,
        });
    }

    // Weights.
    let weights = raw.weights.map_or_else(Weights::default, |w| Weights {
        distance: w.distance,
        unplaced: w.unplaced,
    });
    for (field, value, max) in [
        ("weights.distance", weights.distance, MAX_DISTANCE_WEIGHT),
        ("weights.unplaced", weights.unplaced, MAX_UNPLACED_PENALTY),
    ] {
        let shown = echo_number(value);
        if !(value.is_finite() && value >= 0.0) {
            e.0.push(document_error(
                field,
                format!("{shown} is not a finite non-negative number"),
            ));
        } else if value > max {
            e.0.push(document_error(
                field,
                format!("{shown} is more than the limit of {max}"),
            ));
        }
    }

    if e.0.is_empty() {
        Ok(Commission {
            authorities,
            schools,
            partners,
            children,
            options,
            weights,
            tags: tags.names,
        })
    } else {
        Err(e.0)
    }
}
