//! Exhaustive search for the optimal placement of a *small* dataset: every
//! child is tried unplaced and at every eligible place, every complete
//! assignment is checked by [`crate::checker`], and the cheapest is returned.
//! It shares no code with the MIP beyond eligibility and the checker, so it is
//! the reference the MIP is cross-checked against — for the contract v1.1
//! rules too: every child may be tried at any eligible place, so non-strict
//! groups may be split (their split cost, the outside-authority weight, and
//! the rules between children arriving at one home are the checker's).

use crate::checker;
use crate::dataset::{Dataset, PlaceIdx};
use crate::eligibility;
use crate::matching::Weights;

/// Most assignments the search will visit before giving up.
pub const LIMIT: u64 = 20_000_000;

/// The optimal objective and one optimal placement, or `None` if the search
/// would exceed [`LIMIT`] leaves.
pub fn solve(data: &Dataset, weights: &Weights) -> Option<(f64, Vec<Option<PlaceIdx>>)> {
    solve_where(data, weights, |_| true)
}

/// Like [`solve`], over the assignments that also satisfy `keep` (used to fix
/// a child's placement when checking system impact).
pub fn solve_where(
    data: &Dataset,
    weights: &Weights,
    keep: impl Fn(&[Option<PlaceIdx>]) -> bool,
) -> Option<(f64, Vec<Option<PlaceIdx>>)> {
    let options: Vec<Vec<Option<PlaceIdx>>> = (0..data.children().len())
        .map(|i| {
            std::iter::once(None)
                .chain(
                    (0..data.places().len())
                        .filter(|&j| eligibility::is_eligible(data, i, j))
                        .map(Some),
                )
                .collect()
        })
        .collect();
    let leaves = options
        .iter()
        .try_fold(1u64, |acc, o| acc.checked_mul(o.len() as u64))?;
    if leaves > LIMIT {
        return None;
    }
    let mut best: Option<(f64, Vec<Option<PlaceIdx>>)> = None;
    let mut current = vec![None; data.children().len()];
    let mut room: Vec<u32> = data.places().iter().map(|p| p.free_places()).collect();
    search(
        data,
        weights,
        &keep,
        &options,
        0,
        &mut current,
        &mut room,
        &mut best,
    );
    best
}

#[allow(clippy::too_many_arguments)]
fn search(
    data: &Dataset,
    weights: &Weights,
    keep: &dyn Fn(&[Option<PlaceIdx>]) -> bool,
    options: &[Vec<Option<PlaceIdx>>],
    i: usize,
    current: &mut Vec<Option<PlaceIdx>>,
    room: &mut [u32],
    best: &mut Option<(f64, Vec<Option<PlaceIdx>>)>,
) {
    if i == options.len() {
        if !keep(current) {
            return;
        }
        if let Ok(objective) = checker::check(data, weights, current) {
            if best.as_ref().is_none_or(|(b, _)| objective < *b) {
                *best = Some((objective, current.clone()));
            }
        }
        return;
    }
    for &o in &options[i] {
        if let Some(j) = o {
            if room[j] == 0 {
                continue;
            }
            room[j] -= 1;
        }
        current[i] = o;
        search(data, weights, keep, options, i + 1, current, room, best);
        if let Some(j) = o {
            room[j] += 1;
        }
    }
    current[i] = None;
}
