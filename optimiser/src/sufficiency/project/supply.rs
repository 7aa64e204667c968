//! The scenario's changes to the stock in a month: homes closed and
//! opened, households recruited, places withdrawn, constellations formed,
//! households de-registered.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::scenario::{Area, Scenario};
use super::state::{point_in_disc, State, StockPlace};
use super::ProjectionInput;
use crate::dataset::raw::Provider;
use crate::sufficiency::kinds::CareKind;

/// The scenario's stock changes for `month`.
pub fn change_stock(
    input: &ProjectionInput,
    scenario: &Scenario,
    state: &mut State,
    rng: &mut ChaCha8Rng,
    month: u32,
) {
    for c in scenario.homes_closed.iter().filter(|c| c.month == month) {
        for p in state
            .stock
            .iter_mut()
            .filter(|p| p.provider.is_none() && p.id == c.id)
        {
            p.open = false;
        }
    }
    for h in scenario.homes_opened.iter().filter(|h| h.month == month) {
        state.stock.push(StockPlace {
            id: h.id.clone(),
            authority: h.authority.clone(),
            location: h.location,
            provider: None,
            capacity: h.beds,
            fixed: 0,
            seated: 0,
            min_age: h.min_age,
            max_age: h.max_age,
            tags: h.accepts.clone(),
            weekly_cost: h.weekly_cost,
            constellation: None,
            hub: false,
            open: true,
        });
    }
    for (ri, r) in scenario.recruit.iter().enumerate() {
        if r.month != month {
            continue;
        }
        let kind = match r.provider {
            Provider::Ifa => CareKind::AgencyFoster,
            _ => CareKind::InHouseFoster,
        };
        let existing: Vec<_> = state
            .stock
            .iter()
            .filter(|p| p.provider.is_some() && p.authority == r.authority)
            .map(|p| p.location)
            .collect();
        for k in 0..r.count {
            let location = match &r.area {
                Area::Circle { centre, radius_km } => point_in_disc(rng, centre, *radius_km),
                Area::Authority(gss) => {
                    let at = if existing.is_empty() {
                        input
                            .stock
                            .authorities
                            .iter()
                            .find(|a| &a.id == gss)
                            .map_or(input.authority_location(0), |a| a.location)
                    } else {
                        existing[rng.random_range(0..existing.len())]
                    };
                    point_in_disc(rng, &at, 2.0)
                }
            };
            state.stock.push(StockPlace {
                id: format!("R{ri}-{month:03}-{k:04}"),
                authority: r.authority.clone(),
                location,
                provider: Some(r.provider),
                capacity: r.places,
                fixed: 0,
                seated: 0,
                min_age: r.min_age,
                max_age: r.max_age,
                tags: r.skills.clone(),
                weekly_cost: r.weekly_cost.unwrap_or_else(|| input.external_cost(kind)),
                constellation: None,
                hub: false,
                open: true,
            });
        }
    }
    for w in scenario.withdraw.iter().filter(|w| w.month == month) {
        let mut candidates: Vec<usize> = (0..state.stock.len())
            .filter(|&j| {
                let p = &state.stock[j];
                p.provider == Some(w.provider)
                    && p.free() > 0
                    && w.authority.as_deref().is_none_or(|a| a == p.authority)
            })
            .collect();
        candidates.shuffle(rng);
        let mut left = w.places;
        for j in candidates {
            if left == 0 {
                break;
            }
            let p = &mut state.stock[j];
            let t = p.free().min(left);
            p.capacity -= t;
            left -= t;
        }
    }
    for c in scenario.constellations.iter().filter(|c| c.month == month) {
        for p in state.stock.iter_mut().filter(|p| p.provider.is_some()) {
            if p.id == c.hub || c.satellites.contains(&p.id) {
                p.constellation = Some(c.id.clone());
                p.hub = p.id == c.hub;
            }
        }
    }
    // One uniform per household every month, whatever the scenario.
    for p in state.stock.iter_mut() {
        let Some(provider) = p.provider else { continue };
        let u = rng.random::<f64>();
        if !p.open {
            continue;
        }
        for d in &scenario.deregister {
            if d.provider != provider || d.authority.as_deref().is_some_and(|a| a != p.authority) {
                continue;
            }
            let mut q = 1.0 - (1.0 - d.share_per_year).powf(1.0 / 12.0);
            if p.constellation.is_some() {
                q *= 0.18;
            }
            if u < q {
                p.open = false;
            }
        }
    }
}
