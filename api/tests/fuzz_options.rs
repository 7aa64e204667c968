//! Fuzzing the solver-options contract: every command that solves (`match`,
//! `rank`, `constellations`, `commission`) gets random values for its
//! options — negative, zero, huge, tiny, `NaN`, `inf`, words, empty — through
//! the real argument parser and the real command. Each run must either be
//! refused by the parser (clap's own error), or be refused as invalid input
//! naming the option (`ApiError::InvalidOption`, exit 2), or solve; never
//! panic, never fail inside the solver. And the rules are the same
//! everywhere: a time limit or gap is refused by one command exactly when
//! the library's one check (`optimiser::limits`) refuses it.
//!
//! The suite runs `FUZZ_CASES` (default 256) seeded cases; `scripts/fuzz.sh`
//! runs 10,000.

mod fuzz;

use std::path::Path;

use api::cli::{run, Cli};
use api::error::{flag, Class};
use api::ApiError;
use clap::Parser;
use fuzz::{cases, runner};
use optimiser::limits;
use proptest::prelude::*;

/// Values a user might type for a number.
const VALUES: &[&str] = &[
    "-1",
    "-0",
    "0",
    "1e-300",
    "1e-9",
    "0.001",
    "0.5",
    "1",
    "2",
    "10",
    "1000",
    "604800",
    "604800.5",
    "1e9",
    "1e10",
    "1e19",
    "1e20",
    "1e308",
    "NaN",
    "inf",
    "-inf",
    "abc",
    "",
    "99999999999999999999",
    "-99999999999999999999",
    "0x10",
    "1,5",
    " 3",
];

/// (command, option, value index) triples: the options each command takes.
fn options_of(command: &str) -> &'static [&'static str] {
    match command {
        "match" => &[
            "--time-limit",
            "--gap",
            "--distance-weight",
            "--unplaced-penalty",
        ],
        "rank" => &[
            "--time-limit",
            "--gap",
            "--distance-weight",
            "--unplaced-penalty",
            "--top",
        ],
        "constellations" => &[
            "--time-limit",
            "--gap",
            "--max-km",
            "--hub-cost",
            "--distance-weight",
            "--reward",
            "--min",
            "--max",
        ],
        _ => &["--time-limit", "--gap", "--orders"],
    }
}

const COMMANDS: &[&str] = &["match", "rank", "constellations", "commission"];

struct Files {
    _dir: tempfile::TempDir,
    dataset: String,
    child: String,
    question: String,
}

fn files() -> Files {
    let dir = tempfile::tempdir().expect("tempdir");
    let raw =
        optimiser::generator::generate_raw(&optimiser::generator::GeneratorSpec::new(3, 6, 12, 2));
    let child = raw.children[0].id.clone();
    let write = |name: &str, text: String| -> String {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    let dataset = write("d.json", serde_json::to_string(&raw).expect("json"));
    let q = optimiser::commission::generator::generate_raw(
        &optimiser::commission::generator::CommissionSpec::new(3, 2, 3, 3, 1),
    );
    let question = write("q.json", serde_json::to_string(&q).expect("json"));
    Files {
        _dir: dir,
        dataset,
        child,
        question,
    }
}

fn args(files: &Files, command: &str, chosen: &[(&str, &str)]) -> Vec<String> {
    let mut a: Vec<String> = vec!["placement".into(), command.into()];
    match command {
        "commission" => a.extend(["--input".into(), files.question.clone()]),
        "rank" => a.extend([
            "--dataset".into(),
            files.dataset.clone(),
            "--child".into(),
            files.child.clone(),
            "--system".into(),
        ]),
        _ => a.extend(["--dataset".into(), files.dataset.clone()]),
    }
    for (option, value) in chosen {
        a.push((*option).into());
        a.push((*value).into());
    }
    a
}

/// What the library's one check says of a time limit or gap as typed.
fn library_accepts(option: &str, value: &str) -> Option<bool> {
    let v: f64 = value.parse().ok()?;
    Some(match option {
        "--time-limit" => limits::check_time_limit(Some(v)).is_ok(),
        "--gap" => limits::check_gap(v).is_ok(),
        _ => return None,
    })
}

/// How a case ended.
#[derive(Clone, Copy)]
enum Outcome {
    /// Refused by the argument parser (a value it cannot read).
    Unparsed,
    /// Refused as invalid input.
    Refused,
    /// Solved.
    Solved,
}

fn one_case(
    files: &Files,
    command: &str,
    chosen: &[(&str, &str)],
) -> Result<Outcome, TestCaseError> {
    let argv = args(files, command, chosen);
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        // A value the parser cannot read (`abc`, `1e20` for a count): clap's error.
        Err(_) => return Ok(Outcome::Unparsed),
    };
    let mut out = Vec::new();
    let result = run(cli, &mut out);
    match &result {
        Ok(()) => prop_assert!(!out.is_empty(), "{argv:?}: no output"),
        Err(ApiError::InvalidOption(e)) => {
            prop_assert!(
                chosen.iter().any(|(o, _)| *o == flag(e.option)),
                "{argv:?}: refused {} which was not given",
                flag(e.option)
            );
        }
        // Otherwise only invalid input (`--min` above `--max`), never a
        // solver or internal failure.
        Err(e) => prop_assert!(e.class() == Class::InvalidInput, "{argv:?}: {e}"),
    }
    // Same rules everywhere: time limits and gaps as the library judges them.
    for (option, value) in chosen {
        if let Some(ok) = library_accepts(option, value) {
            let refused =
                matches!(&result, Err(ApiError::InvalidOption(e)) if flag(e.option) == *option);
            if !ok {
                // Refused by the check, unless an earlier option was refused first.
                prop_assert!(
                    refused
                        || matches!(
                            &result,
                            Err(ApiError::InvalidOption(_)) | Err(ApiError::Formation(_))
                        ),
                    "{argv:?}: {option} {value} accepted"
                );
            } else {
                prop_assert!(!refused, "{argv:?}: {option} {value} refused");
            }
        }
    }
    Ok(if result.is_ok() {
        Outcome::Solved
    } else {
        Outcome::Refused
    })
}

fn case() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
    (
        0..COMMANDS.len(),
        prop::collection::vec((0..8usize, 0..VALUES.len()), 1..4),
    )
}

#[test]
fn solver_options_are_checked_the_same_way_by_every_command() {
    let files = files();
    let mut runner = runner();
    let tally = std::cell::Cell::new([0u32; 3]);
    runner
        .run(&case(), |(c, picks)| {
            let command = COMMANDS[c];
            let options = options_of(command);
            let mut chosen: Vec<(&str, &str)> = Vec::new();
            for (o, v) in picks {
                let option = options[o % options.len()];
                if chosen.iter().all(|(x, _)| *x != option) {
                    chosen.push((option, VALUES[v]));
                }
            }
            // Keep valid solves quick: a limit unless one is being fuzzed.
            if chosen.iter().all(|(o, _)| *o != "--time-limit") {
                chosen.push(("--time-limit", "5"));
            }
            let outcome = one_case(&files, command, &chosen)?;
            let mut t = tally.get();
            t[outcome as usize] += 1;
            tally.set(t);
            Ok(())
        })
        .expect("no panic, every bad option refused with its name");
    let [unparsed, refused, solved] = tally.get();
    assert_eq!(unparsed + refused + solved, cases());
    // Each outcome is exercised, so no branch passes vacuously.
    assert!(
        unparsed > 0 && refused > 0 && solved > 0,
        "{:?}",
        tally.get()
    );
    eprintln!(
        "fuzz solver options: {} cases: {unparsed} refused by the parser, {refused} refused naming the option, {solved} solved, 0 panics",
        cases()
    );
}

#[test]
fn every_bad_time_limit_and_gap_is_refused_by_every_command_naming_it() {
    let files = files();
    for command in COMMANDS {
        for (option, value) in [
            ("--time-limit", "-1"),
            ("--time-limit", "0"),
            ("--time-limit", "1e20"),
            ("--time-limit", "NaN"),
            ("--gap", "-1"),
            ("--gap", "2"),
            ("--gap", "inf"),
        ] {
            let argv = args(&files, command, &[(option, value)]);
            let cli = Cli::try_parse_from(&argv).expect("parses as a number");
            match run(cli, &mut Vec::new()) {
                Err(ApiError::InvalidOption(e)) => {
                    assert_eq!(flag(e.option), option, "{argv:?}");
                    assert_eq!(
                        ApiError::InvalidOption(e).exit_code(),
                        api::error::EXIT_INVALID_INPUT
                    );
                }
                other => panic!("{argv:?}: expected {option} refused, got {other:?}"),
            }
        }
    }
    assert!(Path::new(&files.dataset).is_file());
}
