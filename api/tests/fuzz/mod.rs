//! Shared pieces of the input fuzz tests: the mutations applied to valid
//! documents (JSON values, text bytes, CSV files), the case count, and the
//! one check every result must pass.
//!
//! A case is a base seed and a list of mutation steps, each `(kind, a, b)`:
//! `kind` picks the mutation and `a`, `b` pick where and what, so a failing
//! case shrinks to a short list of steps.

#![allow(dead_code)]

use api::{ApiError, Problem};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Map, Value};

/// Longest accepted report of one problem (bytes of its display).
pub const MAX_PROBLEM_BYTES: usize = 2_048;

/// Cases per contract: `FUZZ_CASES` (default 256).
pub fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// A runner with a fixed seed, so the suite runs the same sample each time.
pub fn runner() -> TestRunner {
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// One mutation step.
pub type Step = (u8, u32, u32);

/// A base seed and up to `max` steps.
pub fn case(max: usize) -> impl Strategy<Value = (u64, Vec<Step>)> {
    (0u64..1_000, prop::collection::vec(any::<Step>(), 0..=max))
}

/// What a load returned: `true` when it was accepted. Anything but `Ok` or
/// an [`ApiError::InvalidDataset`] of located, non-empty, bounded problems
/// fails the case.
pub fn check<T>(result: &Result<T, ApiError>) -> Result<bool, TestCaseError> {
    match result {
        Ok(_) => Ok(true),
        Err(ApiError::InvalidDataset(problems)) => {
            prop_assert!(!problems.is_empty(), "no problems listed");
            for p in problems {
                check_problem(p)?;
            }
            Ok(false)
        }
        Err(other) => Err(TestCaseError::fail(format!(
            "not an input problem: {other}"
        ))),
    }
}

fn check_problem(p: &Problem) -> Result<(), TestCaseError> {
    let shown = p.to_string();
    prop_assert!(!p.message.trim().is_empty(), "empty message: {shown}");
    prop_assert!(!p.file.is_empty(), "no file: {shown}");
    prop_assert!(
        shown.len() <= MAX_PROBLEM_BYTES,
        "{} bytes: {}…",
        shown.len(),
        &shown[..shown
            .char_indices()
            .nth(200)
            .map_or(shown.len(), |(k, _)| k)]
    );
    for rust in ["u32", "f64", "struct Raw", "usize"] {
        prop_assert!(!p.message.contains(rust), "Rust type name in {shown}");
    }
    Ok(())
}

/// Values that are wrong or borderline for some field.
fn odd_value(k: u32) -> Value {
    match k % 16 {
        0 => json!("2"),
        1 => json!(true),
        2 => Value::Null,
        3 => json!([]),
        4 => json!({}),
        5 => json!(-1),
        6 => json!(1e308),
        7 => json!(-1e308),
        8 => json!(4_294_967_296u64),
        9 => json!(1.5),
        10 => json!("NaN"),
        11 => json!("x".repeat(100_000)),
        12 => json!(0),
        13 => json!(1_001),
        14 => json!(20_001.0),
        _ => json!([1, "a", {"b": null}]),
    }
}

/// Every path to a value inside `v` (objects and arrays included), pre-order.
fn paths(v: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                here.push(json!(k));
                paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                here.push(json!(i));
                paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, step| match step {
        Value::String(k) => v.get_mut(k.as_str()),
        Value::Number(i) => v.get_mut(i.as_u64()? as usize),
        _ => None,
    })
}

/// The records (objects inside a top-level array) of a document, as paths.
fn records(doc: &Value) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    if let Some(m) = doc.as_object() {
        for (k, v) in m {
            if let Some(a) = v.as_array() {
                out.extend(
                    (0..a.len())
                        .filter(|&i| a[i].is_object())
                        .map(|i| (k.clone(), i)),
                );
            }
        }
    }
    out
}

/// Applies one structural mutation to a JSON document.
pub fn mutate_value(doc: &mut Value, (kind, a, b): Step) {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    let pick = &all[a as usize % all.len()];
    let recs = records(doc);
    let record = (!recs.is_empty()).then(|| recs[a as usize % recs.len()].clone());
    match kind % 10 {
        // A wrong or borderline value anywhere.
        0 | 1 => {
            if let Some(v) = at(doc, pick) {
                *v = odd_value(b);
            }
        }
        // A field taken out.
        2 => {
            if let Some((k, v)) = pick
                .split_last()
                .and_then(|(k, rest)| Some((k.as_str()?.to_string(), at(doc, rest)?)))
            {
                if let Some(m) = v.as_object_mut() {
                    m.remove(&k);
                }
            }
        }
        // An unknown field.
        3 => {
            if let Some(Value::Object(m)) = at(doc, pick) {
                m.insert(format!("extra{}", b % 3), odd_value(b / 3));
            }
        }
        // A record as an array of its values.
        4 => {
            if let Some((t, i)) = record {
                let r = &mut doc[&t][i];
                let values: Vec<Value> = r
                    .as_object()
                    .map(|m| m.values().cloned().collect())
                    .unwrap_or_default();
                *r = Value::Array(values);
            }
        }
        // A duplicated record (duplicate ids).
        5 => {
            if let Some((t, i)) = record {
                let copy = doc[&t][i].clone();
                if let Some(a) = doc[&t].as_array_mut() {
                    a.push(copy);
                }
            }
        }
        // A giant id or a dangling reference.
        6 => {
            if let Some((t, i)) = record {
                let field = [
                    "id",
                    "authority",
                    "school",
                    "sibling_group",
                    "constellation",
                ][b as usize % 5];
                let value = if b % 2 == 0 {
                    "Y".repeat(1 << 16)
                } else {
                    "NOPE".into()
                };
                if let Some(m) = doc[&t][i].as_object_mut() {
                    m.insert(field.into(), json!(value));
                }
            }
        }
        // A table that is not an array, or emptied.
        7 => {
            if let Some((t, _)) = record {
                doc[&t] = if b % 2 == 0 { json!({}) } else { json!([]) };
            }
        }
        // A nested object (a location, weights) as an array.
        8 => {
            if let Some(v) = at(doc, pick) {
                if let Some(m) = v.as_object() {
                    *v = Value::Array(m.values().cloned().collect());
                }
            }
        }
        // A whole record replaced by an odd value.
        _ => {
            if let Some((t, i)) = record {
                doc[&t][i] = odd_value(b);
            }
        }
    }
}

/// Applies one byte-level mutation to a text (JSON or CSV).
pub fn mutate_bytes(text: &mut Vec<u8>, (kind, a, b): Step) {
    let at = |n: usize| if n == 0 { 0 } else { a as usize % n };
    match kind % 8 {
        // Truncated.
        0 => text.truncate(at(text.len() + 1)),
        // An invalid UTF-8 byte (a lone continuation, an overlong lead, 0xff).
        1 => {
            let k = at(text.len() + 1);
            text.insert(k, [0x80, 0xc0, 0xff, 0xe2][b as usize % 4]);
        }
        // CRLF line endings.
        2 => {
            *text = String::from_utf8_lossy(text)
                .replace('\n', "\r\n")
                .into_bytes()
        }
        // A blank line.
        3 => {
            let lines: Vec<usize> = (0..text.len()).filter(|&k| text[k] == b'\n').collect();
            if !lines.is_empty() {
                let k = lines[at(lines.len())];
                text.insert(k, b'\n');
            }
        }
        // A byte deleted.
        4 => {
            if !text.is_empty() {
                let k = at(text.len());
                text.remove(k);
            }
        }
        // Punctuation inserted.
        5 => {
            let k = at(text.len() + 1);
            const PUNCTUATION: &[u8] = b",{}[]\":;\\\n\r 0-e.";
            text.insert(k, PUNCTUATION[b as usize % PUNCTUATION.len()]);
        }
        // A line duplicated (duplicate records) or deleted.
        6 => {
            let s = String::from_utf8_lossy(text).into_owned();
            let mut lines: Vec<&str> = s.split('\n').collect();
            let k = at(lines.len());
            if b % 2 == 0 {
                lines.insert(k, lines[k]);
            } else {
                lines.remove(k);
            }
            *text = lines.join("\n").into_bytes();
        }
        // A deep nesting.
        _ => {
            let k = at(text.len() + 1);
            let deep = "[".repeat(200 + b as usize % 300);
            text.splice(k..k, deep.into_bytes());
        }
    }
}

/// Whether a step is a byte-level one (applied after the structural ones).
pub fn is_byte_step(step: &Step) -> bool {
    step.0 >= 200
}

/// A small object, for documents built by hand.
pub fn object(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<Map<_, _>>(),
    )
}

/// Odd CSV cells.
fn odd_cell(k: u32) -> String {
    match k % 14 {
        0 => String::new(),
        1 => "two".into(),
        2 => "-3".into(),
        3 => "NaN".into(),
        4 => "inf".into(),
        5 => "1e308".into(),
        6 => "Z".repeat(100_000),
        7 => "5000".into(),
        8 => "\"a\nb\"".into(),
        9 => ";;".into(),
        10 => "4294967296".into(),
        11 => "\"unclosed".into(),
        12 => "20001".into(),
        _ => "NOPE".into(),
    }
}

/// Applies one mutation to a CSV folder (`(file name, bytes)` pairs): a cell,
/// a header, a whole file, or the bytes of one file.
pub fn mutate_csv(files: &mut Vec<(String, Vec<u8>)>, (kind, a, b): Step) {
    if files.is_empty() {
        return;
    }
    let f = a as usize % files.len();
    match kind % 6 {
        // A cell replaced.
        0 | 1 => {
            let s = String::from_utf8_lossy(&files[f].1).into_owned();
            let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
            let l = (b as usize) % lines.len();
            let mut cells: Vec<String> = lines[l].split(',').map(str::to_string).collect();
            let c = (a as usize / 7) % cells.len();
            cells[c] = odd_cell(b / 7);
            lines[l] = cells.join(",");
            files[f].1 = lines.join("\n").into_bytes();
        }
        // An extra or a missing cell on a line (a ragged row, an unknown or
        // missing column when it is the header).
        2 => {
            let s = String::from_utf8_lossy(&files[f].1).into_owned();
            let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
            let l = if b % 2 == 0 {
                0
            } else {
                (b as usize) % lines.len()
            };
            if b % 3 == 0 {
                lines[l].push_str(",extra");
            } else if let Some(k) = lines[l].rfind(',') {
                lines[l].truncate(k);
            }
            files[f].1 = lines.join("\n").into_bytes();
        }
        // A file left out.
        3 => {
            files.remove(f);
        }
        // The bytes of one file.
        _ => {
            let byte_step = (b as u8, a / 3, b / 5);
            mutate_bytes(&mut files[f].1, byte_step);
        }
    }
}
