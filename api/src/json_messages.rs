//! serde's messages in the user's terms: `expected a whole number ≥ 0, got
//! the string "2"` rather than `invalid type: string "2", expected u32`.
//! Every user value echoed is shortened with [`optimiser::dataset::echo`].

use optimiser::dataset::echo;
use serde_json::Value;

/// What a JSON value is, for messages (`an array […]`, `the string "2"`).
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {}", echo(&n.to_string())),
        Value::String(s) => format!("the string {:?}", echo(s)),
        Value::Array(_) => "an array […]".into(),
        Value::Object(_) => "an object {…}".into(),
    }
}

/// The first `` `name` `` in a serde message.
fn backticked(message: &str) -> Option<String> {
    let (_, rest) = message.split_once('`')?;
    let (name, _) = rest.split_once('`')?;
    Some(name.to_string())
}

/// The `` `a`, `b` `` list after "expected one of" as `a, b`.
fn choices(message: &str) -> String {
    let list = message
        .split_once("expected one of ")
        .or_else(|| message.split_once("expected "))
        .map_or("", |(_, l)| l);
    list.replace('`', "")
}

/// What serde expected, in the user's terms.
fn expected(what: &str) -> String {
    match what {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number ≥ 0".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a boolean" => "true or false".into(),
        "a string" | "a borrowed string" => "a string".into(),
        "a sequence" => "a list […]".into(),
        "a map" => "an object {…}".into(),
        "variant identifier" | "unit variant" => "one of the allowed words (a string)".into(),
        w if w.starts_with("struct ") => "an object {…}".into(),
        w if w.starts_with("enum ") => "one of the allowed words (a string)".into(),
        w => echo(w),
    }
}

/// What serde found instead, in the user's terms.
fn unexpected(what: &str) -> String {
    let quoted = |w: &str| w.split('`').nth(1).map(echo).unwrap_or_default();
    if let Some(s) = what.strip_prefix("string ") {
        let inner = s.strip_prefix('"').unwrap_or(s);
        let inner = inner.strip_suffix('"').unwrap_or(inner);
        return format!("the string \"{}\"", echo(inner));
    }
    match what {
        "unit value" | "null" => "null".into(),
        "sequence" => "an array […]".into(),
        "map" => "an object {…}".into(),
        w if w.starts_with("integer") || w.starts_with("floating point") => {
            format!("the number {}", quoted(w))
        }
        w if w.starts_with("boolean") => quoted(w),
        w => echo(w),
    }
}

/// serde's (or serde_json's) message as `(field named by the message, text)`.
/// The field is named for a missing or unknown field, whose path stops at
/// the object it belongs to.
pub(crate) fn friendly(message: &str) -> (Option<String>, String) {
    // serde_json appends " at line L column C": the location says it already.
    let message = match message.rsplit_once(" at line ") {
        Some((m, _)) => m,
        None => message,
    };
    if message.starts_with("missing field") {
        return (backticked(message), "this field is required".into());
    }
    if message.starts_with("unknown field") {
        let text = if message.contains("there are no fields") {
            "unknown field: this object has no fields".to_string()
        } else {
            format!("unknown field (the fields are: {})", choices(message))
        };
        return (backticked(message).map(|f| echo(&f)), text);
    }
    if message.starts_with("unknown variant") {
        let given = backticked(message).unwrap_or_default();
        let text = format!("{:?} is not one of {}", echo(&given), choices(message));
        return (None, text);
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((got, want)) = rest.rsplit_once(", expected ") {
                let mut want = expected(want);
                if prefix == "invalid value: " && want == "a whole number ≥ 0" {
                    want = format!("a whole number from 0 to {}", u32::MAX);
                }
                return (None, format!("expected {want}, got {}", unexpected(got)));
            }
        }
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        if let Some((n, want)) = rest.split_once(", expected ") {
            return (None, format!("expected {}, got {n} items", echo(want)));
        }
    }
    let text = if message.starts_with("EOF while parsing") {
        "the document ends too early (is the file cut short?)".into()
    } else if message == "trailing characters" {
        "unexpected text after the end of the document".into()
    } else if message == "number out of range" {
        "a number too large to represent".into()
    } else if message == "recursion limit exceeded" {
        "nested too deeply".into()
    } else {
        message.to_string()
    };
    (None, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_errors_read_in_the_users_terms() {
        let f = |m: &str| friendly(m).1;
        assert_eq!(
            f(r#"invalid type: string "2", expected u32"#),
            r#"expected a whole number ≥ 0, got the string "2""#
        );
        assert_eq!(
            f("invalid value: integer `-3`, expected u32"),
            "expected a whole number from 0 to 4294967295, got the number -3"
        );
        assert_eq!(
            f("invalid type: sequence, expected struct RawLocation at line 1 column 5"),
            "expected an object {…}, got an array […]"
        );
        assert_eq!(
            f("invalid type: null, expected f64"),
            "expected a number, got null"
        );
        assert_eq!(
            f("unknown variant `council`, expected one of `in_house`, `ifa`, `kinship`"),
            r#""council" is not one of in_house, ifa, kinship"#
        );
        assert_eq!(
            friendly("unknown field `colour`, expected one of `id`, `name`"),
            (
                Some("colour".to_string()),
                "unknown field (the fields are: id, name)".to_string()
            )
        );
        assert_eq!(
            friendly("missing field `id`"),
            (Some("id".to_string()), "this field is required".to_string())
        );
        let giant = format!(
            "invalid type: string \"{}\", expected u32",
            "x".repeat(1 << 20)
        );
        assert!(f(&giant).len() < 200);
        for m in [
            &giant[..],
            "unexpected",
            "invalid type: floating point `1.5`, expected u32",
        ] {
            assert!(!f(m).contains("u32"), "{}", f(m));
        }
    }
}
