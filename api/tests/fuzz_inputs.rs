//! Fuzzing every input contract with proptest: valid documents mutated into
//! bad and borderline ones (wrong types, missing and extra fields, huge,
//! negative and non-numbers, arrays for objects, truncation, invalid UTF-8,
//! CRLF, blank lines, giant and duplicate ids, dangling references). Every
//! load must return `Ok` or an `InvalidDataset` of located, non-empty,
//! bounded problems — never panic. Inputs that load are solved quickly.
//!
//! The suite runs a seeded sample of `FUZZ_CASES` (default 256) cases per
//! contract; `scripts/fuzz.sh` runs 10,000.

mod fuzz;

use std::time::Instant;

use api::load::{load_commission, load_dataset, parse_commission, parse_dataset};
use fuzz::*;
use optimiser::commission::{self, generator::CommissionSpec, CommissionConfig};
use optimiser::generator::{generate_raw, GeneratorSpec};
use optimiser::limits::ErrorClass;
use optimiser::matching::{self, MatchConfig};
use optimiser::solver::SolveOptions;
use proptest::prelude::*;
use serde_json::Value;

fn quick() -> SolveOptions {
    SolveOptions {
        time_limit: Some(2.0),
        threads: Some(1),
        ..SolveOptions::default()
    }
}

/// Counts of a run, printed at the end (`cargo test -- --nocapture`).
#[derive(Default)]
struct Tally {
    cases: u32,
    accepted: u32,
    solved: u32,
}

impl Tally {
    /// Counts one case: whether it loaded, and how the solve of a loaded
    /// input went. A solve may stop at the quick time limit before any
    /// answer (a resource limit); failing inside the solver, or calling valid
    /// input invalid, fails the case.
    fn record(
        &mut self,
        accepted: bool,
        solved: Option<Result<(), (ErrorClass, String)>>,
    ) -> Result<(), TestCaseError> {
        self.cases += 1;
        if let Some(result) = solved {
            self.accepted += u32::from(accepted);
            match result {
                Ok(()) => self.solved += 1,
                Err((class, message)) => prop_assert!(
                    class == ErrorClass::ResourceLimit,
                    "a loaded input failed to solve: {message}"
                ),
            }
        }
        Ok(())
    }

    fn report(&self, contract: &str, started: Instant) {
        eprintln!(
            "fuzz {contract}: {} cases, {} accepted, {} rejected with located problems, {} solved, 0 panics, {:.1} s",
            self.cases,
            self.accepted,
            self.cases - self.accepted,
            self.solved,
            started.elapsed().as_secs_f64()
        );
    }
}

/// Structural steps then byte steps on a document's text.
fn mutated_text(mut doc: Value, steps: &[Step]) -> Vec<u8> {
    for s in steps.iter().filter(|s| !is_byte_step(s)) {
        mutate_value(&mut doc, *s);
    }
    let mut text = serde_json::to_vec_pretty(&doc).expect("serialises");
    for s in steps.iter().filter(|s| is_byte_step(s)) {
        mutate_bytes(&mut text, *s);
    }
    text
}

#[test]
fn fuzz_dataset_json() {
    let started = Instant::now();
    let tally = std::cell::RefCell::new(Tally::default());
    let dir = tempfile::tempdir().expect("temp dir");
    runner()
        .run(&case(4), |(seed, steps)| {
            let raw = generate_raw(&GeneratorSpec::new(seed, 3, 4, 1));
            let doc = serde_json::to_value(&raw).expect("serialises");
            let text = mutated_text(doc, &steps);
            // Through the file loader (size, UTF-8, JSON, validation) …
            let path = dir.path().join("d.json");
            std::fs::write(&path, &text).expect("writes");
            let loaded = load_dataset(&path);
            let accepted = check(&loaded)?;
            // … and the text entry point agrees on whether it parses.
            if let Ok(s) = std::str::from_utf8(&text) {
                check(&parse_dataset(s, "d.json"))?;
            }
            tally.borrow_mut().record(
                accepted,
                loaded.ok().map(|data| {
                    let config = MatchConfig {
                        solve: quick(),
                        ..MatchConfig::default()
                    };
                    matching::solve(&data, &config)
                        .map(|_| ())
                        .map_err(|e| (e.class(), e.to_string()))
                }),
            )
        })
        .expect("no panic and only located problems");
    tally.borrow().report("dataset JSON", started);
}

#[test]
fn fuzz_dataset_csv_folder() {
    let started = Instant::now();
    let tally = std::cell::RefCell::new(Tally::default());
    runner()
        .run(&case(4), |(seed, steps)| {
            let raw = generate_raw(&GeneratorSpec::new(seed, 3, 4, 1));
            let dir = tempfile::tempdir().expect("temp dir");
            api::csv_tables::write_folder(&raw, dir.path()).expect("writes");
            let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path())
                .expect("lists")
                .map(|e| {
                    let e = e.expect("entry");
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read(e.path()).expect("reads"))
                })
                .collect();
            files.sort();
            for s in &steps {
                mutate_csv(&mut files, *s);
            }
            let out = tempfile::tempdir().expect("temp dir");
            for (name, bytes) in &files {
                std::fs::write(out.path().join(name), bytes).expect("writes");
            }
            let loaded = load_dataset(out.path());
            let accepted = check(&loaded)?;
            tally.borrow_mut().record(
                accepted,
                loaded.ok().map(|data| {
                    let config = MatchConfig {
                        solve: quick(),
                        ..MatchConfig::default()
                    };
                    matching::solve(&data, &config)
                        .map(|_| ())
                        .map_err(|e| (e.class(), e.to_string()))
                }),
            )
        })
        .expect("no panic and only located problems");
    tally.borrow().report("dataset CSV folder", started);
}

#[test]
fn fuzz_commission_json() {
    let started = Instant::now();
    let tally = std::cell::RefCell::new(Tally::default());
    let dir = tempfile::tempdir().expect("temp dir");
    runner()
        .run(&case(4), |(seed, steps)| {
            let raw = commission::generator::generate_raw(&CommissionSpec::new(seed, 2, 3, 3, 1));
            let doc = serde_json::to_value(&raw).expect("serialises");
            let text = mutated_text(doc, &steps);
            let path = dir.path().join("q.json");
            std::fs::write(&path, &text).expect("writes");
            let loaded = load_commission(&path);
            let accepted = check(&loaded)?;
            if let Ok(s) = std::str::from_utf8(&text) {
                check(&parse_commission(s, "q.json"))?;
            }
            tally.borrow_mut().record(
                accepted,
                loaded.ok().map(|inst| {
                    let config = CommissionConfig {
                        solve: quick(),
                        workers: Some(1),
                        ..CommissionConfig::default()
                    };
                    commission::solve(&inst, &config)
                        .map(|_| ())
                        .map_err(|e| (e.class(), e.to_string()))
                }),
            )
        })
        .expect("no panic and only located problems");
    tally.borrow().report("commissioning JSON", started);
}
