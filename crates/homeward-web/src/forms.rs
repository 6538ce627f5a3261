//! Posted forms: reading `application/x-www-form-urlencoded` bodies, and turning a record form
//! into the JSON document the store validates.
//!
//! Names follow the validator's paths, `family_details[1].relation_age`, so an error the store
//! reports for a path lands beside the input of the same name. Values are passed on as the text
//! typed: the domain's validator owns every rule and its wording, and the page only places its
//! messages.

use axum::extract::{FromRequest, Request};
use homeward_domain::{Document, FieldKind, FieldSpec};
use serde_json::{Map, Value};

/// The fields of a posted form, in the order sent (a field may repeat: checkboxes).
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value, trimmed, or `""`.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").trim().to_string()
    }

    /// Every value of a field.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = axum::extract::rejection::FormRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Form(pairs) =
            axum::Form::<Vec<(String, String)>>::from_request(req, state).await?;
        Ok(FormData(pairs))
    }
}

/// Whether the form is being submitted to create or to change a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A new record: blank fields are left out.
    Create,
    /// A change: blank fields are sent as `null`, which clears them.
    Update,
}

fn blank(v: &str) -> bool {
    v.trim().is_empty()
}

fn single(spec: &FieldSpec, form: &FormData, name: &str) -> Value {
    match spec.kind {
        FieldKind::Choices(_) => {
            let items: Vec<Value> = form
                .all(name)
                .into_iter()
                .filter(|v| !blank(v))
                .map(|v| Value::String(v.to_string()))
                .collect();
            if items.is_empty() {
                Value::Null
            } else {
                Value::Array(items)
            }
        }
        _ => match form.get(name) {
            Some(v) if !blank(v) => Value::String(v.to_string()),
            _ => Value::Null,
        },
    }
}

/// Row numbers sent for a repeatable group, in order.
pub fn group_rows(form: &FormData, group: &str) -> Vec<usize> {
    let prefix = format!("{group}[");
    let mut rows: Vec<usize> = form
        .0
        .iter()
        .filter_map(|(k, _)| {
            let rest = k.strip_prefix(&prefix)?;
            let (index, _) = rest.split_once(']')?;
            index.parse().ok()
        })
        .collect();
    rows.sort_unstable();
    rows.dedup();
    rows
}

/// The name of a sub-field's input.
pub fn row_name(group: &str, index: usize, sub: &str) -> String {
    format!("{group}[{index}].{sub}")
}

/// The name of the "remove this row" checkbox.
pub fn remove_name(group: &str, index: usize) -> String {
    format!("{group}[{index}]._remove")
}

fn group_value(sub: &'static [FieldSpec], form: &FormData, group: &str) -> Value {
    let mut out = Vec::new();
    for index in group_rows(form, group) {
        if form.get(&remove_name(group, index)).is_some() {
            continue;
        }
        let mut entry = Map::new();
        for spec in sub {
            let v = single(spec, form, &row_name(group, index, spec.name));
            if !v.is_null() {
                entry.insert(spec.name.to_string(), v);
            }
        }
        // The blank row offered for a new entry is not an entry.
        if !entry.is_empty() {
            out.push(Value::Object(entry));
        }
    }
    if out.is_empty() {
        Value::Null
    } else {
        Value::Array(out)
    }
}

/// The document a record form describes. Rows are renumbered from 0 in the order shown, so the
/// validator's `family_details[1]` is the second row on the page re-rendered from this document.
pub fn document(specs: &'static [FieldSpec], form: &FormData, mode: Mode) -> Document {
    let mut doc = Document::new();
    for spec in specs.iter().filter(|s| !s.system) {
        let v = match spec.kind {
            FieldKind::Group(sub) => group_value(sub, form, spec.name),
            _ => single(spec, form, spec.name),
        };
        if !v.is_null() || mode == Mode::Update {
            doc.insert(spec.name.to_string(), v);
        }
    }
    doc
}

/// A value as the text an input shows.
pub fn input_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(true)) => "yes".into(),
        Some(Value::Bool(false)) => "no".into(),
        Some(other) => other.to_string(),
    }
}

/// A yes/no value as `yes`, `no` or `""`, whether stored as a boolean or typed as text.
pub fn yes_no(v: Option<&Value>) -> &'static str {
    match v {
        Some(Value::Bool(true)) => "yes",
        Some(Value::Bool(false)) => "no",
        Some(Value::String(s)) => match s.trim().to_lowercase().as_str() {
            "yes" | "true" | "y" | "1" => "yes",
            "no" | "false" | "n" | "0" => "no",
            _ => "",
        },
        _ => "",
    }
}

/// The values of a multiple-choice field.
pub fn list_values(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => s.split([';', ',']).map(|p| p.trim().to_string()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeward_domain::RecordKind;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn rows_are_renumbered_and_blank_or_removed_rows_dropped() {
        let f = form(&[
            ("sex", "male"),
            ("age", " 9 "),
            ("languages", "as"),
            ("languages", "bn"),
            ("family_details[0].relation", "mother"),
            ("family_details[0].relation_name", "আমিনা"),
            ("family_details[3].relation", ""),
            ("family_details[2].relation", "father"),
            ("family_details[2]._remove", "on"),
            ("family_details[5].relation_age", "40"),
        ]);
        let doc = document(RecordKind::Case.fields(), &f, Mode::Create);
        assert_eq!(doc["age"], " 9 ");
        assert_eq!(doc["languages"], serde_json::json!(["as", "bn"]));
        let rows = doc["family_details"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1]["relation_age"], "40");
        assert!(!doc.contains_key("name_first"));
        let update = document(RecordKind::Case.fields(), &f, Mode::Update);
        assert!(update["name_first"].is_null());
        assert!(!update.contains_key("status"));
    }
}
