//! Pretty JSON for files a person may open (profile export, backups, a set-aside value).
//!
//! `serde_json::to_string_pretty` would compile a second serializer for every type it writes;
//! instead the compact text `serde_json::to_string` gives is re-indented here, byte for byte
//! as serde_json's pretty printer writes it (two spaces, `": "`, `[]` and `{}` when empty).

use serde::Serialize;

/// `value` as pretty JSON: the same text as `serde_json::to_string_pretty`.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string(value).map(|compact| indent(&compact))
}

/// Re-indents compact JSON (no whitespace outside strings, as `serde_json::to_string` writes).
pub fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 3 / 2);
    let mut depth = 0usize;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                let mut escaped = false;
                for s in chars.by_ref() {
                    out.push(s);
                    match s {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    #[test]
    fn the_same_text_as_serde_json_pretty() {
        let cases = [
            json!(null),
            json!([]),
            json!({}),
            json!({"a": [], "b": {}, "c": [{}], "d": [[], [1, 2]]}),
            json!({"text": "a \"quoted\" {brace}, [bracket]: colon \\ back\\\\slash\n"}),
            json!([1, -2.5, true, false, null, "æøå ✓"]),
        ];
        for v in cases {
            assert_eq!(
                to_string(&v).unwrap(),
                serde_json::to_string_pretty(&v).unwrap()
            );
        }
        for b in crate::domain::profile::builtin() {
            let p = b.profile;
            assert_eq!(
                to_string(p).unwrap(),
                serde_json::to_string_pretty(p).unwrap()
            );
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            ".*".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(".*", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_value_is_indented_as_serde_json_does(v in any_json()) {
            prop_assert_eq!(to_string(&v).unwrap(), serde_json::to_string_pretty(&v).unwrap());
        }
    }
}
