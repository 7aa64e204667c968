//! The occurrence/exposure estimator over care histories (see the module
//! documentation of [`super`] for the exact definitions).

use std::collections::BTreeMap;

use super::history::{CareHistory, EpisodeEnd, EpisodeStart};
use super::kinds::{AgeBand, CareKind, Need, TimeInCareBand};
use super::rates::{
    Entry, EntryRate, ExitHazard, LeavingAt18, MoveHazard, Rates, RatesSource, Window,
};
use super::LEAVING_AGE_MONTHS;

/// A step past a boundary, so that a band is read on the right side of it.
const EPS: f64 = 1e-7;

type ExitKey = (AgeBand, CareKind, TimeInCareBand);

#[derive(Default)]
struct Tally {
    exit_exposure: BTreeMap<ExitKey, f64>,
    exit_events: BTreeMap<ExitKey, f64>,
    move_exposure: BTreeMap<CareKind, f64>,
    move_events: BTreeMap<CareKind, f64>,
    entries: BTreeMap<(AgeBand, Need), f64>,
    leaving: LeavingAt18,
    children: usize,
    left_truncated: usize,
}

/// Estimates every rate over `window` from the children's histories.
/// Histories are expected sorted and non-overlapping (the loader checks);
/// open episodes count as open to the window's end.
pub fn estimate(histories: &[CareHistory], window: Window) -> Rates {
    let mut tally = Tally::default();
    for h in histories {
        tally_child(h, window, &mut tally);
    }
    finish(tally, window)
}

fn tally_child(h: &CareHistory, w: Window, t: &mut Tally) {
    let cap = LEAVING_AGE_MONTHS - h.age_at_origin_months; // time of the leaving-at-18 month
    let mut period_start = f64::NEG_INFINITY;
    let mut overlaps = false;
    let mut reached_18_in_care = false;
    for (i, ep) in h.episodes.iter().enumerate() {
        let new_period = i == 0
            || ep.reason_start == EpisodeStart::Started
            || matches!(h.episodes[i - 1].reason_end, EpisodeEnd::LeftCare(_));
        let end = ep.end.unwrap_or(f64::INFINITY);
        let in_window = ep.start <= w.end && end >= w.start;
        if new_period {
            period_start = ep.start;
            if in_window && ep.reason_start != EpisodeStart::Started {
                t.left_truncated += 1;
            }
        }
        overlaps |= in_window;

        // Entries.
        if ep.reason_start == EpisodeStart::Started && ep.start >= w.start && ep.start < w.end {
            let band = AgeBand::of_months(h.age_at(ep.start));
            *t.entries.entry((band, ep.need)).or_default() += 1.0;
        }

        // Exposure, split at band boundaries.
        let lo = ep.start.max(w.start);
        let hi = end.min(w.end).min(cap);
        let mut cur = lo;
        while cur < hi {
            let probe = cur + EPS;
            let band = AgeBand::of_months(h.age_at(probe));
            let tic = TimeInCareBand::of_months(probe - period_start);
            let band_end = band.upper_months() - h.age_at_origin_months;
            let tic_end = period_start + tic.upper_months();
            let mut next = hi.min(band_end).min(tic_end);
            if next <= cur {
                next = (cur + EPS).min(hi);
            }
            let len = next - cur;
            *t.exit_exposure.entry((band, ep.kind, tic)).or_default() += len;
            *t.move_exposure.entry(ep.kind).or_default() += len;
            cur = next;
        }

        // Reaching 215 months in care inside the window.
        if cap >= w.start && cap < w.end && ep.start <= cap && end > cap {
            reached_18_in_care = true;
            t.leaving.reached += 1.0;
        }

        // Events at the episode's end.
        let Some(e) = ep.end else { continue };
        if e <= w.start || e > w.end {
            continue;
        }
        let before = e - EPS;
        let age = h.age_at(e);
        match &ep.reason_end {
            EpisodeEnd::LeftCare(code) => {
                if age >= LEAVING_AGE_MONTHS {
                    if reached_18_in_care {
                        t.leaving.left += 1.0;
                        if code == "E17" {
                            *t.leaving.staying_put.get_or_insert(0.0) += 1.0;
                        }
                    }
                } else {
                    let key = (
                        AgeBand::of_months(h.age_at(before)),
                        ep.kind,
                        TimeInCareBand::of_months(before - period_start),
                    );
                    *t.exit_events.entry(key).or_default() += 1.0;
                }
            }
            EpisodeEnd::Continues => {
                let moved = h
                    .episodes
                    .get(i + 1)
                    .is_some_and(|n| n.reason_start.is_move());
                if moved && age < LEAVING_AGE_MONTHS {
                    *t.move_events.entry(ep.kind).or_default() += 1.0;
                }
            }
            EpisodeEnd::Open => {}
        }
    }
    if overlaps {
        t.children += 1;
    }
}

fn finish(mut t: Tally, window: Window) -> Rates {
    t.leaving.staying_put.get_or_insert(0.0);
    let months = window.months();
    let mut entries = Vec::new();
    for band in AgeBand::ALL {
        for need in Need::ALL {
            let events = t.entries.get(&(band, need)).copied().unwrap_or(0.0);
            entries.push(EntryRate {
                age_band: Some(band),
                need: Some(need),
                estimate: Entry::new(events, months),
            });
        }
    }
    let mut keys: Vec<ExitKey> = t.exit_exposure.keys().copied().collect();
    keys.extend(t.exit_events.keys().copied());
    keys.sort();
    keys.dedup();
    let exits = keys
        .into_iter()
        .map(|k| ExitHazard {
            age_band: Some(k.0),
            kind: Some(k.1),
            time_in_care: Some(k.2),
            estimate: Entry::new(
                t.exit_events.get(&k).copied().unwrap_or(0.0),
                t.exit_exposure.get(&k).copied().unwrap_or(0.0),
            ),
        })
        .collect();
    let moves = CareKind::ALL
        .into_iter()
        .filter(|k| t.move_exposure.contains_key(k) || t.move_events.contains_key(k))
        .map(|k| MoveHazard {
            kind: Some(k),
            estimate: Entry::new(
                t.move_events.get(&k).copied().unwrap_or(0.0),
                t.move_exposure.get(&k).copied().unwrap_or(0.0),
            ),
        })
        .collect();
    Rates {
        source: RatesSource::Ssda903,
        window,
        children: t.children,
        left_truncated_periods: t.left_truncated,
        entries,
        exits,
        moves,
        leaving_at_18: t.leaving,
    }
}
