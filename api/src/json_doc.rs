//! Reading one JSON document of an input contract (a dataset, a
//! commissioning question) from text, reporting **every** problem at once.
//!
//! The text is parsed into a [`serde_json::Value`] first, so a syntax error
//! (a truncated file, a stray comma) is located by line and column. The top
//! level must be an object. Then every record of every table is
//! deserialised on its own — inside a minimal document of its layout, so the
//! wire types (with `deny_unknown_fields`) stay the one definition of the
//! contract — and each bad record gives its own problem, with its path
//! (`carers[0].places`), its `id` when it has a readable one, the field, and
//! a message in the user's terms ([`crate::json_messages`]). Records must be
//! JSON objects: serde would otherwise bind an array of values by position.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use serde_path_to_error::Segment;

use crate::error::{ApiError, Problem};
use crate::json_messages::{describe, friendly};

/// One table of a document: an array under `key`.
pub(crate) struct Table {
    /// The key in the top-level object.
    pub key: &'static str,
    /// Whether its items are records (JSON objects) rather than plain values.
    pub records: bool,
    /// Fields of a record that are themselves objects (such as `location`).
    pub object_fields: &'static [&'static str],
    /// The most items the table may hold.
    pub max: usize,
}

/// How a document of one contract is laid out.
pub(crate) struct Layout {
    /// Its tables.
    pub tables: &'static [Table],
    /// Top-level fields that are objects (such as `weights`).
    pub object_fields: &'static [&'static str],
    /// A minimal valid document with empty tables, into which records are
    /// put one at a time to check them.
    pub base: fn() -> Map<String, Value>,
}

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// `carers[3].location.lat`.
fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&optimiser::dataset::echo(k));
            }
        }
    }
    out
}

/// Deserialises `document` as `T`; on failure, the path and serde's message.
fn check_as<T: DeserializeOwned>(document: &Value) -> Result<T, (Vec<Step>, String)> {
    serde_path_to_error::deserialize(document).map_err(|e| {
        let path = e
            .path()
            .iter()
            .map(|s| match s {
                Segment::Seq { index } => Step::Index(*index),
                Segment::Map { key } | Segment::Enum { variant: key } => Step::Key(key.clone()),
                Segment::Unknown => Step::Key("?".into()),
            })
            .collect();
        (path, e.into_inner().to_string())
    })
}

/// Parses `text` (named `file` in problems) as a document of `layout` into
/// `T`, reporting every syntax, shape and type problem at once.
pub(crate) fn parse<T: DeserializeOwned>(
    text: &str,
    file: &str,
    layout: &Layout,
) -> Result<T, ApiError> {
    let invalid = |problems| ApiError::InvalidDataset(problems);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let location = format!("line {} column {}", e.line(), e.column());
        let message = friendly(&e.to_string()).1;
        invalid(vec![Problem::new(file, location, None, None, message)])
    })?;
    let Value::Object(document) = value else {
        let message = format!(
            "the document must be a JSON object {{…}}, got {}",
            describe(&value)
        );
        return Err(invalid(vec![Problem::new(
            file,
            String::new(),
            None,
            None,
            message,
        )]));
    };
    let mut problems = Vec::new();
    check_top_level::<T>(&document, file, layout, &mut problems);
    for table in layout.tables {
        if let Some(Value::Array(items)) = document.get(table.key) {
            check_table::<T>(items, table, file, layout, &mut problems);
        }
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    // Every part has been checked, so this should not fail; if it does, it
    // is still a located problem rather than a panic.
    check_as::<T>(&Value::Object(document))
        .map_err(|(path, message)| invalid(vec![problem(file, &path, None, None, &message)]))
}

/// The document without its tables' items: missing, unknown and mistyped
/// top-level fields, each reported (serde stops at the first, so each one
/// found is taken out, or filled in from the layout's base, and the rest
/// checked again).
fn check_top_level<T: DeserializeOwned>(
    document: &Map<String, Value>,
    file: &str,
    layout: &Layout,
    problems: &mut Vec<Problem>,
) {
    let mut skeleton = document.clone();
    for table in layout.tables {
        if let Some(items @ Value::Array(_)) = skeleton.get_mut(table.key) {
            *items = Value::Array(Vec::new());
        }
    }
    for field in layout.object_fields {
        if let Some(v) = skeleton
            .get(*field)
            .filter(|v| !v.is_object() && !v.is_null())
        {
            problems.push(Problem::new(
                file,
                field.to_string(),
                None,
                Some(field.to_string()),
                format!("expected an object {{…}}, got {}", describe(v)),
            ));
            skeleton.remove(*field);
        }
    }
    let base = (layout.base)();
    // Each round removes or fills in one field, so this ends.
    for _ in 0..=skeleton.len() + base.len() {
        let doc = Value::Object(skeleton.clone());
        let Err((path, message)) = check_as::<T>(&doc) else {
            return;
        };
        problems.push(problem(file, &path, None, None, &message));
        let key = match path.first() {
            Some(Step::Key(k)) => Some(k.clone()),
            _ => friendly(&message).0,
        };
        // A bad or missing field takes the base's value; an unknown one goes.
        let Some(k) = key else { return };
        match base.get(&k) {
            Some(v) if skeleton.get(&k) == Some(v) => return,
            Some(v) => {
                skeleton.insert(k, v.clone());
            }
            None if skeleton.remove(&k).is_some() => {}
            None => return,
        }
    }
}

/// Every item of one table, each on its own.
fn check_table<T: DeserializeOwned>(
    items: &[Value],
    table: &Table,
    file: &str,
    layout: &Layout,
    problems: &mut Vec<Problem>,
) {
    if items.len() > table.max {
        problems.push(Problem::new(
            file,
            table.key.to_string(),
            None,
            None,
            format!(
                "{} records, more than the limit of {}",
                items.len(),
                table.max
            ),
        ));
        return;
    }
    let mut document = (layout.base)();
    for (i, item) in items.iter().enumerate() {
        let at = |field: Option<&str>| {
            let mut path = vec![Step::Key(table.key.into()), Step::Index(i)];
            path.extend(field.map(|f| Step::Key(f.into())));
            path_text(&path)
        };
        let id = item.get("id").and_then(Value::as_str);
        if table.records {
            if !item.is_object() {
                problems.push(Problem::new(
                    file,
                    at(None),
                    None,
                    None,
                    format!(
                        "a record must be a JSON object {{…}}, got {}",
                        describe(item)
                    ),
                ));
                continue;
            }
            let mut shape_ok = true;
            for field in table.object_fields {
                if let Some(v) = item.get(*field).filter(|v| v.is_array()) {
                    problems.push(Problem::new(
                        file,
                        at(Some(field)),
                        id.map(str::to_string),
                        Some(field.to_string()),
                        format!("expected an object {{…}}, got {}", describe(v)),
                    ));
                    shape_ok = false;
                }
            }
            if !shape_ok {
                continue;
            }
        }
        check_record::<T>(&mut document, table.key, item, &mut |path, message| {
            problems.push(problem(file, path, Some(i), id, message));
        });
    }
}

/// One record inside `document`: every bad field is reported (serde stops
/// at the first, so each one found is taken out and the record checked
/// again, until only the fields taken out are missing).
fn check_record<T: DeserializeOwned>(
    document: &mut Map<String, Value>,
    key: &str,
    item: &Value,
    report: &mut dyn FnMut(&[Step], &str),
) {
    let mut item = item.clone();
    let mut removed: Vec<String> = Vec::new();
    let rounds = item.as_object().map_or(0, Map::len) + 1;
    for _ in 0..rounds {
        document.insert(key.into(), Value::Array(vec![item]));
        let doc = Value::Object(std::mem::take(document));
        let result = check_as::<T>(&doc);
        let Value::Object(mut map) = doc else { return };
        item = match map.get_mut(key).map(Value::take) {
            Some(Value::Array(mut a)) if a.len() == 1 => a.swap_remove(0),
            _ => return,
        };
        *document = map;
        let Err((path, message)) = result else { return };
        let (named, _) = friendly(&message);
        let field = match path.get(2) {
            Some(Step::Key(k)) => Some(k.clone()),
            _ => named.clone(),
        };
        let only_removed_missing = message.starts_with("missing field")
            && named.as_ref().is_some_and(|n| removed.contains(n));
        if only_removed_missing {
            return;
        }
        report(&path, &message);
        let Some(f) = field else { return };
        match item.as_object_mut().and_then(|fields| fields.remove(&f)) {
            Some(_) => removed.push(f),
            None => return,
        }
    }
}

/// A serde error at `path` (whose first index, if any, becomes the record's
/// `index` when given) as a problem: location is the full path, field is the part after
/// the record.
fn problem(
    file: &str,
    path: &[Step],
    index: Option<usize>,
    id: Option<&str>,
    message: &str,
) -> Problem {
    let (named, text) = friendly(message);
    let mut path = path.to_vec();
    let record_end = match path.get(1) {
        Some(Step::Index(_)) => {
            if let Some(i) = index {
                path[1] = Step::Index(i);
            }
            2
        }
        _ => 0,
    };
    // A missing or unknown field is named by the message; the path stops at
    // the object it belongs to.
    if let Some(f) = &named {
        if path.last() != Some(&Step::Key(f.clone())) {
            path.push(Step::Key(f.clone()));
        }
    }
    let field = match path.get(record_end..) {
        Some(rest) if !rest.is_empty() => Some(path_text(rest)),
        _ => named,
    };
    Problem::new(file, path_text(&path), id.map(str::to_string), field, text)
}

#[cfg(test)]
mod tests {
    use crate::error::{ApiError, Problem};
    use crate::load::{parse_commission, parse_dataset};

    fn problems(text: &str) -> Vec<Problem> {
        match parse_dataset(text, "d.json") {
            Err(ApiError::InvalidDataset(p)) => p,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    const AUTH: &str = r#"{"id":"A1","name":"Alpha","location":{"lat":50.8,"lon":-1.1}}"#;

    fn carer(places: &str, id: &str) -> String {
        format!(
            r#"{{"id":{id},"authority":"A1","provider":"ifa","location":{{"lat":50.8,"lon":-1.1}},
            "places":{places},"occupied":0,"min_age":0,"max_age":17,"weekly_cost":500}}"#
        )
    }

    #[test]
    fn every_type_problem_is_reported_with_path_record_and_field() {
        let text = format!(
            r#"{{"version":1,"authorities":[{AUTH}],"carers":[{},{},{}]}}"#,
            carer(r#""2""#, r#""C1""#),
            carer("1", r#""C2""#),
            carer("-1", "7")
        );
        let p = problems(&text);
        assert_eq!(p.len(), 3, "{p:#?}");
        assert_eq!(p[0].location, "carers[0].places");
        assert_eq!(p[0].record.as_deref(), Some("C1"));
        assert_eq!(p[0].field.as_deref(), Some("places"));
        assert_eq!(
            p[0].message,
            r#"expected a whole number ≥ 0, got the string "2""#
        );
        // The third record's id is a number: no readable id, both problems found.
        assert!(p[1..].iter().all(|q| q.location.starts_with("carers[2]")));
        assert!(p[1..].iter().all(|q| q.record.is_none()));
    }

    #[test]
    fn records_written_as_arrays_are_rejected() {
        let p = problems(r#"{"version":1,"authorities":[["A1","Alpha",[50.8,-1.1]]]}"#);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert_eq!(p[0].location, "authorities[0]");
        assert!(
            p[0].message.contains("must be a JSON object"),
            "{}",
            p[0].message
        );
        let p = problems(
            r#"{"version":1,"authorities":[{"id":"A","name":"B","location":[50.8,-1.1]}]}"#,
        );
        assert_eq!(p[0].location, "authorities[0].location");
        assert_eq!(p[0].record.as_deref(), Some("A"));
        let p = problems("[1,2]");
        assert!(p[0].message.contains("must be a JSON object"));
    }

    #[test]
    fn unknown_missing_and_top_level_problems_are_all_reported() {
        let text = r#"{"version":"1","colour":"red","carers":{},"children":[{"id":"K","authority":"A1","age":3,"name":"Al"}]}"#.to_string();
        let p = problems(&text);
        let got: Vec<(&str, Option<&str>)> = p
            .iter()
            .map(|q| (q.location.as_str(), q.field.as_deref()))
            .collect();
        for want in [
            ("version", Some("version")),
            ("colour", Some("colour")),
            ("carers", Some("carers")),
            ("authorities", Some("authorities")),
            ("children[0].name", Some("name")),
        ] {
            assert!(got.contains(&want), "missing {want:?} in {p:#?}");
        }
        assert_eq!(p.len(), 5, "{p:#?}");
    }

    #[test]
    fn syntax_errors_are_located_by_line_and_column() {
        let p = problems("{\"version\": 1,\n  \"authorities\": [");
        assert_eq!(p[0].location, "line 2 column 18");
        assert!(p[0].message.contains("ends too early"));
    }

    #[test]
    fn commission_documents_get_the_same_treatment() {
        let text = r#"{"version":1,"authorities":[],"partners":[1,"A"],"weights":[1,2],
            "options":[["S1","spot"]],"children":[{"id":"c","authority":"A","age":"9"}]}"#;
        let Err(ApiError::InvalidDataset(p)) = parse_commission(text, "q.json") else {
            panic!("invalid")
        };
        let locations: Vec<&str> = p.iter().map(|q| q.location.as_str()).collect();
        assert_eq!(
            locations,
            ["weights", "partners[0]", "children[0].age", "options[0]"],
            "{p:#?}"
        );
    }
}
