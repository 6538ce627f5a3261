//! What the JSON API refuses before validation proper.
//!
//! The validator is lenient on purpose: a blank CSV cell or an empty form input means "absent",
//! and `7` is as good as `"7"`. A JSON client has no such excuse, and the leniency hides its
//! mistakes: `""` for a date, a name of only spaces, or a telephone number sent as a number
//! (which loses its leading zero) would be stored as something else than was meant. This module
//! names each such field so the client can say what it means: leave the field out, send `null`
//! to clear it, or send text in quotes.

use serde_json::Value;

use crate::catalogue::{FieldKind, FieldSpec, RecordKind};
use crate::validate::{Document, FieldError, ValidationErrors, MAX_REPORTED_ERRORS};

/// Refuses blank strings anywhere and numbers or booleans in text fields, naming each field
/// (with its position inside lists, `family_details[0].relation_name`). Unknown and system
/// fields are left to the validator, which reports them in its own words.
pub fn check_json_input(kind: RecordKind, input: &Document) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    check_fields(kind.fields(), input, "", &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(errors))
    }
}

fn check_fields(specs: &[FieldSpec], input: &Document, prefix: &str, errors: &mut Vec<FieldError>) {
    for (name, value) in input {
        if errors.len() >= MAX_REPORTED_ERRORS {
            return;
        }
        let Some(spec) = specs.iter().find(|s| s.name == name && !s.system) else {
            continue;
        };
        let path = format!("{prefix}{name}");
        match (spec.kind, value) {
            (_, Value::String(s)) if s.trim().is_empty() => errors.push(FieldError::new(
                path,
                "blank",
                "is empty or only spaces; write the value, or leave the field out (send null \
                 to clear it)",
            )),
            (FieldKind::Text { .. }, Value::Number(_) | Value::Bool(_)) => errors.push(
                FieldError::new(
                    path,
                    "not_text",
                    format!(
                        "must be text: send it in quotes, such as \"{value}\", so nothing (a \
                         leading zero, a plus sign) is lost"
                    ),
                )
                .arg("value", value),
            ),
            (FieldKind::Group(sub), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if let Value::Object(entry) = item {
                        check_fields(sub, entry, &format!("{path}[{i}]."), errors);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Vec<(String, &'static str)> {
        let doc = v.as_object().unwrap().clone();
        match check_json_input(RecordKind::Case, &doc) {
            Ok(()) => Vec::new(),
            Err(e) => e.0.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    #[test]
    fn blank_strings_and_numbers_for_text_are_named() {
        assert_eq!(
            fields(json!({
                "name_first": "   ", "date_of_birth": "", "name_last": 42,
                "family_details": [{"relation_name": true, "relation": "mother"}]
            })),
            vec![
                ("name_first".to_string(), "blank"),
                ("date_of_birth".to_string(), "blank"),
                ("name_last".to_string(), "not_text"),
                ("family_details[0].relation_name".to_string(), "not_text"),
            ]
        );
    }

    #[test]
    fn ordinary_json_passes() {
        assert!(fields(json!({
            "name_first": "Rahim", "age": 9, "estimated": true, "date_of_birth": null,
            "family_details": [{"relation": "mother", "relation_age": 34}], "bogus": ""
        }))
        .is_empty());
    }
}
