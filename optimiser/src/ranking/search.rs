//! Finding a ranking's options: the cheapest places for one child or for a
//! sibling group kept together, and each constellation's cheapest spread.
//!
//! Places with a free place are indexed in two *shards* — foster
//! households (kinship carers aside) and children's homes — each an R-tree
//! with the cheapest weekly cost in it. A full place is eligible for no one,
//! so it is in no shard; a kinship carer is eligible only for the children it
//! lists, so kinship carers are a short list checked one by one. A child's
//! `placement` decides which shards can hold its options.
//!
//! Each shard is searched nearest-first from an anchor. A place at distance
//! *d* from the child's anchor costs at least `min_weekly_cost(shard) + w·d`
//! (for a group of *n* from the first member's anchor `a₀`: at least
//! `n·min_weekly_cost + w·Σₘ max(0, d − dist(a₀, aₘ))`, by the triangle
//! inequality), and later places are no nearer, so the search of a shard
//! stops once that bound exceeds the k-th best cost found so far over all
//! shards, or *d* passes the (first) child's distance limit. The top *k* of
//! the union of the shards is then exact: every place not examined costs
//! more than *k* options already found. Ties are broken by id, as in the
//! answer's order.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::{cheapest_split, Candidate, ExcludedPlace, RankConfig, Ranker};
use crate::dataset::{
    Child, ChildIdx, Dataset, GroupIdx, KeepTogether, PlaceIdx, PlaceKind, PlacementKind, Provider,
};
use crate::eligibility;
use crate::geography::{Location, SpatialIndex};
use crate::matching::{self, child_pairs, placement_cost, Fixed, Pair, Weights};

/// Slack on the search's lower bounds, km: covers the rounding of the
/// haversine distance, so a bound never exceeds a true cost by rounding.
const BOUND_SLACK_KM: f64 = 1e-6;

/// The places of a dataset indexed for ranking (see the module doc), and —
/// filled on first use — each child's number of eligible places and each
/// sibling group's number of places that can take every member. Those counts
/// depend on the dataset alone (never on weights or options), so they are
/// computed at most once. Build it once per dataset and share it between
/// requests and threads ([`Ranker::with_places`]); it holds no reference to
/// the dataset.
pub struct PlaceIndex {
    all: SpatialIndex,
    carers: Shard,
    homes: Shard,
    kinship: Vec<PlaceIdx>,
    places: usize,
    eligible: Vec<OnceLock<usize>>,
    together: Vec<OnceLock<usize>>,
}

/// Some places with free places, indexed, and the cheapest of them.
struct Shard {
    index: SpatialIndex,
    ids: Vec<PlaceIdx>,
    min_weekly_cost: f64,
}

impl Shard {
    fn new(data: &Dataset, ids: Vec<PlaceIdx>) -> Shard {
        let places = data.places();
        Shard {
            index: SpatialIndex::new(ids.iter().map(|&j| &places[j].location)),
            min_weekly_cost: ids
                .iter()
                .map(|&j| places[j].weekly_cost)
                .fold(f64::INFINITY, f64::min),
            ids,
        }
    }
}

impl PlaceIndex {
    /// Indexes the places of `data`.
    pub fn new(data: &Dataset) -> Self {
        let places = data.places();
        let free = |j: &PlaceIdx| places[*j].free_places() > 0;
        let kinship = |j: &PlaceIdx| {
            matches!(
                places[*j].kind,
                PlaceKind::Carer {
                    provider: Provider::Kinship,
                    ..
                }
            )
        };
        let carers = (0..places.len())
            .filter(|j| free(j) && places[*j].is_carer() && !kinship(j))
            .collect();
        let homes = (0..places.len())
            .filter(|j| free(j) && !places[*j].is_carer())
            .collect();
        PlaceIndex {
            all: SpatialIndex::new(places.iter().map(|p| &p.location)),
            carers: Shard::new(data, carers),
            homes: Shard::new(data, homes),
            kinship: (0..places.len())
                .filter(|j| free(j) && kinship(j))
                .collect(),
            places: places.len(),
            eligible: (0..data.children().len())
                .map(|_| OnceLock::new())
                .collect(),
            together: (0..data.sibling_groups().len())
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    /// Whether this index was built from a dataset shaped like `data`.
    pub(super) fn fits(&self, data: &Dataset) -> bool {
        self.places == data.places().len()
            && self.eligible.len() == data.children().len()
            && self.together.len() == data.sibling_groups().len()
    }

    /// The shards that can hold a place for a child placed as `kind`.
    fn shards(&self, kind: PlacementKind) -> Vec<&Shard> {
        match kind {
            PlacementKind::Foster => vec![&self.carers],
            PlacementKind::Residential => vec![&self.homes],
            PlacementKind::Any => vec![&self.carers, &self.homes],
        }
    }

    /// How many places are eligible for child `i`.
    fn eligible_count(&self, data: &Dataset, i: ChildIdx) -> usize {
        *self.eligible[i].get_or_init(|| matching::count_eligible(data, &self.all, i))
    }

    /// How many places can take every member of group `g` at once.
    fn together_count(&self, data: &Dataset, g: GroupIdx) -> usize {
        *self.together[g].get_or_init(|| {
            let members = &data.sibling_groups()[g].members;
            let mut n = 0;
            matching::for_each_eligible(data, &self.all, members[0], |j, _| {
                if takes_all(data, members, j).is_some() {
                    n += 1;
                }
            });
            n
        })
    }
}

/// If place `j` has a free place for each member of `members` and is
/// eligible for every one of them, each member's distance to it.
fn takes_all(data: &Dataset, members: &[ChildIdx], j: PlaceIdx) -> Option<Vec<f64>> {
    let place = &data.places()[j];
    if (place.free_places() as usize) < members.len()
        || !members
            .iter()
            .all(|&i| eligible_at_some_distance(data, i, j))
        || !matching::group_fits_home(data, members, j)
    {
        return None;
    }
    members
        .iter()
        .map(|&i| {
            let child = &data.children()[i];
            let km = child.anchor.distance_km(&place.location);
            eligibility::within_limit(child, km).then_some(km)
        })
        .collect()
}

/// Whether child `i` passes every rule for place `j` but the distance limit:
/// the distance rule holds at 0 km, so `check(…, 0.0)` tests the others,
/// and a place passing it is eligible exactly when it is within the limit.
/// The haversine distance is then computed only for those places.
fn eligible_at_some_distance(data: &Dataset, i: ChildIdx, j: PlaceIdx) -> bool {
    eligibility::check(data, i, j, 0.0).is_ok()
}

/// The best `top` candidates so far, cheapest first (ties by id).
struct Best {
    top: usize,
    list: Vec<Candidate>,
}

impl Best {
    /// The k-th best cost, once there are `top` candidates.
    fn kth(&self) -> Option<f64> {
        (self.list.len() >= self.top).then(|| self.list[self.top - 1].cost)
    }

    fn offer(&mut self, c: Candidate) {
        let at = self
            .list
            .partition_point(|b| (b.cost, b.id.as_str()) < (c.cost, c.id.as_str()));
        if at < self.top {
            self.list.insert(at, c);
            self.list.truncate(self.top);
        }
    }
}

/// Searches `shard` nearest-first from `from` (see the module doc):
/// `bound(km)` is a lower bound on the cost of any option at distance `km`
/// or more, `limit` the distance past which nothing is eligible, and
/// `option(j)` the option at place `j`, if it is one. Distances for the
/// bound and limit come from the index (see
/// [`SpatialIndex::nearest_with_km`]); `option` computes the exact ones.
fn search(
    shard: &Shard,
    from: &Location,
    limit: Option<f64>,
    bound: impl Fn(f64) -> f64,
    mut option: impl FnMut(PlaceIdx) -> Option<Candidate>,
    best: &mut Best,
) {
    for (k, km) in shard.index.nearest_with_km(from) {
        if limit.is_some_and(|l| km - BOUND_SLACK_KM > l) {
            break;
        }
        if best
            .kth()
            .is_some_and(|kth| bound(km - BOUND_SLACK_KM) > kth)
        {
            break;
        }
        if let Some(c) = option(shard.ids[k]) {
            best.offer(c);
        }
    }
}

impl Ranker<'_> {
    /// The `top` cheapest places for child `i`, and how many are eligible;
    /// `excluded` gets the `top` cheapest places the search examined that
    /// only a v1.1 rule excludes.
    pub(super) fn single(
        &self,
        i: ChildIdx,
        config: &RankConfig,
        excluded: &mut Vec<ExcludedPlace>,
    ) -> (Vec<Candidate>, usize) {
        let data = self.data;
        let child = &data.children()[i];
        let w = config.weights;
        let option = |j: PlaceIdx| {
            let at_some_distance = eligibility::check(data, i, j, 0.0);
            if at_some_distance
                .as_ref()
                .is_err_and(|rule| !rule.is_practice_rule())
            {
                return None;
            }
            let km = child.anchor.distance_km(&data.places()[j].location);
            if !eligibility::within_limit(child, km) {
                return None;
            }
            let cost = placement_cost(data, &w, i, j, km);
            if let Err(rule) = at_some_distance {
                excluded.push(ExcludedPlace {
                    place: data.places()[j].id.clone(),
                    rule: rule.name(),
                    cost,
                });
                return None;
            }
            Some(Candidate {
                cost,
                id: data.places()[j].id.clone(),
                fixed: Some(Fixed::Place { child: i, place: j }),
                placements: vec![(i, j, km)],
                spread: None,
                split: None,
            })
        };
        let mut best = Best {
            top: config.top,
            list: Vec::new(),
        };
        let bound = |shard: &Shard, km: f64| shard.min_weekly_cost + w.distance * km;
        self.search_all(child, bound, option, &mut best);
        excluded.sort_by(|a, b| {
            a.cost
                .total_cmp(&b.cost)
                .then_with(|| a.place.cmp(&b.place))
        });
        excluded.truncate(config.top);
        (best.list, self.places.eligible_count(data, i))
    }

    /// Searches every shard that can hold a place for `child` (placed as
    /// its `placement`) from its anchor, up to its distance limit, then the
    /// kinship carers: `bound(shard, km)` bounds the cost of any option at
    /// `km` or more in `shard`, `option(j)` is the option at place `j`.
    fn search_all(
        &self,
        child: &Child,
        bound: impl Fn(&Shard, f64) -> f64,
        mut option: impl FnMut(PlaceIdx) -> Option<Candidate>,
        best: &mut Best,
    ) {
        for shard in self.places.shards(child.placement) {
            let anchor = &child.anchor;
            let limit = child.max_distance_km;
            search(
                shard,
                anchor,
                limit,
                |km| bound(shard, km),
                &mut option,
                best,
            );
        }
        for &j in &self.places.kinship {
            if let Some(c) = option(j) {
                best.offer(c);
            }
        }
    }

    /// A group's options: the places that take every member and, for
    /// `constellation` groups, each constellation's cheapest spread; and how
    /// many there are.
    pub(super) fn group(&self, g: GroupIdx, config: &RankConfig) -> (Vec<Candidate>, usize) {
        let data = self.data;
        let group = &data.sibling_groups()[g];
        let mut out = self.together(g, config);
        let mut others = 0;
        if group.strict && group.keep_together == KeepTogether::Constellation {
            for k in 0..data.constellations().len() {
                if let Some(c) = self.spread(g, k, &config.weights) {
                    others += 1;
                    out.push(c);
                }
            }
        }
        if !group.strict {
            let pairs: Vec<Vec<Pair>> = group
                .members
                .iter()
                .map(|&i| child_pairs(data, &self.places.all, &config.weights, i))
                .collect();
            if let Some(c) = cheapest_split(data, g, &pairs) {
                others += 1;
                out.push(c);
            }
        }
        out.sort_by(|a, b| a.cost.total_cmp(&b.cost).then_with(|| a.id.cmp(&b.id)));
        (out, self.places.together_count(data, g) + others)
    }

    /// The `top` cheapest places that take every member of group `g`,
    /// searched from the first member's anchor.
    fn together(&self, g: GroupIdx, config: &RankConfig) -> Vec<Candidate> {
        let data = self.data;
        let members = &data.sibling_groups()[g].members;
        let w = config.weights;
        let first = &data.children()[members[0]];
        let offsets: Vec<f64> = members
            .iter()
            .map(|&i| first.anchor.distance_km(&data.children()[i].anchor))
            .collect();
        let option = |j: PlaceIdx| {
            let kms = takes_all(data, members, j)?;
            Some(Candidate {
                cost: members
                    .iter()
                    .zip(&kms)
                    .map(|(&i, &km)| placement_cost(data, &w, i, j, km))
                    .sum(),
                id: data.places()[j].id.clone(),
                fixed: Some(Fixed::Place {
                    child: members[0],
                    place: j,
                }),
                placements: members.iter().zip(kms).map(|(&i, km)| (i, j, km)).collect(),
                spread: None,
                split: None,
            })
        };
        let mut best = Best {
            top: config.top,
            list: Vec::new(),
        };
        let n = members.len() as f64;
        let bound = |shard: &Shard, d: f64| {
            let reach: f64 = offsets.iter().map(|o| (d - o).max(0.0)).sum();
            n * shard.min_weekly_cost + w.distance * reach
        };
        self.search_all(first, bound, option, &mut best);
        best.list
    }

    /// Group `g` spread over constellation `k` at its cheapest, if it fits
    /// there and uses at least two households (one household is already
    /// listed as that place).
    fn spread(&self, g: GroupIdx, k: usize, w: &Weights) -> Option<Candidate> {
        let data = self.data;
        let members = &data.sibling_groups()[g].members;
        let households = &data.constellations()[k].households;
        let options: Vec<Vec<Pair>> = members
            .iter()
            .map(|&i| constellation_pairs(data, w, i, households))
            .collect();
        let (cost, chosen) = cheapest_spread(data, &options)?;
        let distinct: BTreeSet<PlaceIdx> = chosen.iter().map(|p| p.place).collect();
        if distinct.len() < 2 {
            return None;
        }
        Some(Candidate {
            cost,
            id: data.constellations()[k].id.clone(),
            fixed: Some(Fixed::Spread {
                group: g,
                constellation: k,
            }),
            placements: members
                .iter()
                .zip(&chosen)
                .map(|(&i, p)| (i, p.place, p.km))
                .collect(),
            spread: Some(k),
            split: None,
        })
    }
}

/// Child `i`'s eligible pairs among `households`, cheapest first (ties by
/// place index), as [`matching::child_pairs`] orders them.
fn constellation_pairs(
    data: &Dataset,
    w: &Weights,
    i: ChildIdx,
    households: &[PlaceIdx],
) -> Vec<Pair> {
    let anchor = &data.children()[i].anchor;
    let mut pairs: Vec<Pair> = households
        .iter()
        .filter_map(|&j| {
            let place = &data.places()[j];
            let km = anchor.distance_km(&place.location);
            eligibility::check(data, i, j, km).ok().map(|_| Pair {
                place: j,
                km,
                cost: placement_cost(data, w, i, j, km),
            })
        })
        .collect();
    pairs.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.place.cmp(&b.place)));
    pairs
}

/// The cheapest spread of the members over one constellation's households
/// (the assignment problem of [`matching::spread`], exact and polynomial).
fn cheapest_spread(data: &Dataset, options: &[Vec<Pair>]) -> Option<(f64, Vec<Pair>)> {
    let priced: Vec<Vec<(PlaceIdx, f64)>> = options
        .iter()
        .map(|o| o.iter().map(|p| (p.place, p.cost)).collect())
        .collect();
    let (cost, chosen) = matching::cheapest_spread(&priced, &|j| data.places()[j].free_places())?;
    let pairs = options.iter().zip(&chosen).map(|(o, &k)| o[k]).collect();
    Some((cost, pairs))
}
