//! The restricted LP of column generation, kept in HiGHS from one pricing
//! round to the next.
//!
//! Each round only adds columns (and the rows they are the first to touch)
//! to the previous round's LP. Rebuilding the LP and solving it from scratch
//! every round cost about 2 s a round on the 500-child benchmark with the
//! v1.1 rules (60,000 columns); kept in HiGHS, the model keeps its optimal
//! basis, the new columns enter it non-basic at 0 and the new rows with
//! their slacks basic, and HiGHS re-solves from that basis.
//!
//! `good_lp` (which writes every other model, [`super::model`]) cannot add
//! a column to a model it has handed to the solver, so this one model is
//! written with the `highs` crate directly. It is the same LP as
//! `model::build(pool, active, false, forced)`: one variable `0 ≤ x_c ≤ 1`
//! per active column (`1 ≤ x_c` when forced), objective `pool.coef(c)`, and
//! every pool row some active column touches, `≤ rhs` or `= rhs`. Only the
//! order of rows differs (first touched, first added), which changes no
//! optimum; [`RestrictedLp::rows`] maps them back to pool rows.

use highs::{ColProblem, Row, Sense};

use super::columns::Pool;
use crate::solver::{self, Call, Run, SolverError};

/// The restricted LP over the columns added so far.
pub struct RestrictedLp {
    /// `None` only after a failed solve (HiGHS kept nothing to re-solve).
    model: Option<highs::Model>,
    /// The model row of each pool row, once a column touches it.
    row_of: Vec<Option<Row>>,
    /// The pool row of each model row, in model order.
    rows: Vec<usize>,
}

impl RestrictedLp {
    /// The LP over `active` (forced columns get a lower bound of 1).
    pub fn new(pool: &Pool, active: &[usize], forced: &[usize]) -> Self {
        let mut used = vec![false; pool.rows.len()];
        for &c in active {
            pool.for_each_row(c, |r, _| used[r] = true);
        }
        let mut problem = ColProblem::default();
        let mut row_of = vec![None; pool.rows.len()];
        let mut rows = Vec::new();
        for (r, row) in pool.rows.iter().enumerate().filter(|(r, _)| used[*r]) {
            row_of[r] = Some(if row.equality {
                problem.add_row(row.rhs..=row.rhs)
            } else {
                problem.add_row(..=row.rhs)
            });
            rows.push(r);
        }
        let mut factors = Vec::new();
        for &c in active {
            factors.clear();
            pool.for_each_row(c, |r, a| factors.extend(row_of[r].map(|row| (row, a))));
            problem.add_column(pool.coef(c), lower(forced, c)..=1.0, &factors);
        }
        RestrictedLp {
            model: Some(problem.optimise(Sense::Minimise)),
            row_of,
            rows,
        }
    }

    /// Adds `columns` (not yet in the LP) and the rows they are the first
    /// to touch.
    pub fn add(
        &mut self,
        pool: &Pool,
        columns: &[usize],
        forced: &[usize],
    ) -> Result<(), SolverError> {
        let model = self.model.as_mut().ok_or_else(lost)?;
        let refused = |e| SolverError::Highs(format!("adding to the restricted LP: {e:?}"));
        let mut factors: Vec<(Row, f64)> = Vec::new();
        let mut touched: Vec<(usize, f64)> = Vec::new();
        for &c in columns {
            touched.clear();
            pool.for_each_row(c, |r, a| touched.push((r, a)));
            factors.clear();
            for &(r, a) in &touched {
                let row = match self.row_of[r] {
                    Some(row) => row,
                    None => {
                        let spec = &pool.rows[r];
                        let row = if spec.equality {
                            model.try_add_row(spec.rhs..=spec.rhs, [])
                        } else {
                            model.try_add_row(..=spec.rhs, [])
                        }
                        .map_err(refused)?;
                        self.row_of[r] = Some(row);
                        self.rows.push(r);
                        row
                    }
                };
                factors.push((row, a));
            }
            model
                .try_add_column(
                    pool.coef(c),
                    lower(forced, c)..=1.0,
                    factors.iter().copied(),
                )
                .map_err(refused)?;
        }
        Ok(())
    }

    /// Solves the LP (from the last basis, after the first round).
    pub fn solve(&mut self, call: Call<'_>) -> Result<Run, SolverError> {
        let model = self.model.take().ok_or_else(lost)?;
        let (run, model) = solver::run_model(model, call)?;
        self.model = Some(model);
        Ok(run)
    }

    /// The pool row of each model row, in the order of [`Run::row_duals`].
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }
}

fn lower(forced: &[usize], c: usize) -> f64 {
    if forced.contains(&c) {
        1.0
    } else {
        0.0
    }
}

fn lost() -> SolverError {
    SolverError::Highs("the restricted LP was lost after a failed solve".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Dataset;
    use crate::generator::{generate, GeneratorSpec};
    use crate::geography::SpatialIndex;
    use crate::matching::{build_pool, units, MatchConfig, PairTable};
    use crate::solver::{Deadline, SolveOptions, Tuning};

    fn call(options: &SolveOptions) -> Call<'_> {
        Call {
            options,
            seconds_left: None,
            mip_abs_gap: None,
            start: None,
            tuning: Tuning::default(),
        }
    }

    /// The optimum of `model::build`'s LP (written with `good_lp`) over `active`.
    fn good_lp_optimum(pool: &Pool, active: &[usize], options: &SolveOptions) -> f64 {
        let built = super::super::model::build(pool, active, false, &[]);
        solver::run(built.problem, call(options))
            .expect("the LP solves")
            .objective
    }

    /// Same LP optimum as the `good_lp` model, built at once and built in
    /// two steps (the second re-solved from the first's basis), on datasets
    /// with split groups, home rules and constellations.
    #[test]
    fn the_kept_lp_has_the_optimum_of_the_rebuilt_one() {
        let options = SolveOptions::default();
        let mut compared = 0;
        for seed in 0..6 {
            let data: Dataset = generate(&GeneratorSpec::new(seed, 60, 120, 15)).expect("valid");
            let index = SpatialIndex::new(data.places().iter().map(|p| &p.location));
            let config = MatchConfig::default();
            let pairs = PairTable::enumerate(&data, &index, &config.weights, &Deadline::never())
                .expect("enumerates");
            let units = units(&data);
            let pool = build_pool(&data, pairs, &units, &config.weights, &Deadline::never());
            let all: Vec<usize> = (0..units.len())
                .flat_map(|u| pool.unit_columns(u))
                .collect();
            // Every other column first (with companions, so that the
            // restricted LP is a sub-model), then the rest.
            let mut in_first = vec![false; pool.id_space()];
            for &c in all.iter().step_by(2) {
                in_first[c] = true;
                pool.companions(c).for_each(|d| in_first[d] = true);
            }
            let first: Vec<usize> = all.iter().copied().filter(|&c| in_first[c]).collect();
            let rest: Vec<usize> = all.iter().copied().filter(|&c| !in_first[c]).collect();
            assert!(!rest.is_empty());

            let mut kept = RestrictedLp::new(&pool, &first, &[]);
            let z_first = kept.solve(call(&options)).expect("solves").objective;
            let want_first = good_lp_optimum(&pool, &first, &options);
            assert!(
                (z_first - want_first).abs() <= 1e-6 * (1.0 + want_first.abs()),
                "seed {seed}: {z_first} vs {want_first}"
            );

            kept.add(&pool, &rest, &[]).expect("adds");
            let run = kept.solve(call(&options)).expect("solves");
            let want = good_lp_optimum(&pool, &all, &options);
            assert!(
                (run.objective - want).abs() <= 1e-6 * (1.0 + want.abs()),
                "seed {seed}: {} vs {want}",
                run.objective
            );
            assert!(
                run.objective <= z_first + 1e-6 * (1.0 + z_first.abs()),
                "more columns never raise the LP"
            );
            // One dual per row of the kept model, each row a distinct pool row.
            assert_eq!(run.row_duals.len(), kept.rows().len());
            let mut rows = kept.rows().to_vec();
            rows.sort_unstable();
            rows.dedup();
            assert_eq!(rows.len(), kept.rows().len());
            compared += usize::from(z_first > run.objective + 1e-6);
        }
        assert!(
            compared > 0,
            "some second step improved the LP, so the added columns were used"
        );
    }
}
