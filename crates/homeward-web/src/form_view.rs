//! What a record form shows: one entry per input, built from the catalogue, filled from a
//! document (the stored record, or what was just submitted) and carrying the validator's
//! message for that input.

use std::collections::HashMap;

use homeward_domain::{Document, FieldError, FieldKind, FieldSpec, RecordKind};
use serde_json::Value;

use crate::forms::{input_text, list_values, remove_name, row_name, yes_no};
use crate::i18n::Tr;
use crate::sections::{label_scope, sections};

/// One choice of a select or checkbox list.
pub struct OptionView {
    /// Submitted value.
    pub value: String,
    /// Shown label.
    pub label: String,
    /// Currently chosen.
    pub selected: bool,
    /// Input id (checkboxes).
    pub id: String,
}

/// One input.
pub struct FieldView {
    /// Element id.
    pub id: String,
    /// Form name (the validator's path).
    pub name: String,
    /// Label.
    pub label: String,
    /// Must be filled in.
    pub required: bool,
    /// `text`, `textarea`, `number`, `date`, `yesno`, `select` or `checks`.
    pub widget: &'static str,
    /// Current value (single-valued widgets).
    pub value: String,
    /// Choices (select, yes/no, checks).
    pub options: Vec<OptionView>,
    /// Longest text, for `maxlength`.
    pub max_len: usize,
    /// Number bounds.
    pub min: i64,
    /// Number bounds.
    pub max: i64,
    /// The validator's message, translated where the page knows it.
    pub error: Option<String>,
    /// What to type, shown under the label (a reference's format); empty for none.
    pub hint: String,
}

/// One row of a repeatable group.
pub struct RowView {
    /// Heading: "Family member 2".
    pub title: String,
    /// Inputs.
    pub fields: Vec<FieldView>,
    /// The remove checkbox's name and id.
    pub remove_name: String,
    /// Id of the remove checkbox.
    pub remove_id: String,
    /// Message about the row as a whole.
    pub error: Option<String>,
}

/// A repeatable group (family members, children sought).
pub struct GroupView {
    /// Field name.
    pub name: String,
    /// Element id.
    pub id: String,
    /// Legend.
    pub legend: String,
    /// Rows, ending with a blank one to fill in.
    pub rows: Vec<RowView>,
    /// Message about the group as a whole ("add at least one").
    pub error: Option<String>,
    /// Label of the add button.
    pub add_label: String,
}

/// A section of the form.
pub struct SectionView {
    /// Anchor id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Inputs.
    pub fields: Vec<FieldView>,
    /// Repeatable groups.
    pub groups: Vec<GroupView>,
}

/// An error shown in the summary at the top, linking to its input.
pub struct SummaryError {
    /// Where the input is.
    pub href: String,
    /// "Label: message".
    pub text: String,
}

/// The id of an input for a validator path: `family_details[1].relation_age` →
/// `f-family_details-1-relation_age`.
pub fn input_id(path: &str) -> String {
    let mut id = String::from("f-");
    for c in path.chars() {
        match c {
            '[' | '.' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

/// Translates the validator's message where the page knows its meaning; other messages are
/// shown as the domain wrote them (in English) so nothing a caseworker needs is lost.
pub fn message(tr: &Tr, error: &FieldError) -> String {
    tr.t_own(&format!("validation-{}", error.code), &error.args)
        .unwrap_or_else(|| error.message.clone())
}

struct Ctx<'a> {
    tr: &'a Tr,
    errors: HashMap<String, &'a FieldError>,
}

impl Ctx<'_> {
    fn take(&mut self, path: &str) -> Option<String> {
        self.errors.remove(path).map(|e| message(self.tr, e))
    }
}

fn field_view(
    ctx: &mut Ctx<'_>,
    scope: &str,
    spec: &FieldSpec,
    path: &str,
    value: Option<&Value>,
) -> FieldView {
    let tr = ctx.tr;
    let id = input_id(path);
    let mut view = FieldView {
        label: tr.field(scope, spec.name, spec.label),
        name: path.to_string(),
        required: spec.required,
        widget: "text",
        value: input_text(value),
        options: Vec::new(),
        max_len: 0,
        min: 0,
        max: 0,
        error: ctx.take(path),
        hint: String::new(),
        id,
    };
    match spec.kind {
        FieldKind::Text { max_len } => {
            view.max_len = max_len;
            view.widget = if max_len > 200 { "textarea" } else { "text" };
        }
        FieldKind::Integer { min, max } => {
            view.widget = "number";
            view.min = min;
            view.max = max;
        }
        FieldKind::Date => view.widget = "date",
        FieldKind::Link(kinds) => {
            // A reference typed from a card: HW-7K3Q-M9X, forgiving about case and hyphens.
            view.widget = "text";
            view.max_len = 16;
            let code = kinds.first().map_or("HW", |k| k.reference_code());
            view.hint = tr.t_args("hint-reference", &[("example", format!("{code}-7K3Q-M9X"))]);
        }
        FieldKind::Bool => {
            view.widget = "yesno";
            let current = yes_no(value);
            view.options = ["yes", "no"]
                .into_iter()
                .map(|v| OptionView {
                    value: v.into(),
                    label: tr.t(&format!("answer-{v}")),
                    selected: current == v,
                    id: String::new(),
                })
                .collect();
        }
        FieldKind::Choice(choices) => {
            view.widget = "select";
            let current = input_text(value);
            view.options = choices
                .iter()
                .map(|c| OptionView {
                    value: (*c).into(),
                    label: tr.choice(c),
                    selected: current == *c,
                    id: String::new(),
                })
                .collect();
        }
        FieldKind::Choices(choices) => {
            view.widget = "checks";
            let current = list_values(value);
            view.options = choices
                .iter()
                .map(|c| OptionView {
                    value: (*c).into(),
                    label: tr.choice(c),
                    selected: current.iter().any(|v| v == c),
                    id: format!("{}-{c}", view.id),
                })
                .collect();
        }
        FieldKind::Group(_) => {}
    }
    view
}

fn group_view(
    ctx: &mut Ctx<'_>,
    kind: RecordKind,
    spec: &FieldSpec,
    sub: &'static [FieldSpec],
    value: Option<&Value>,
    extra_rows: usize,
) -> GroupView {
    let tr = ctx.tr;
    let entries: Vec<Value> = value.and_then(Value::as_array).cloned().unwrap_or_default();
    let row_key = format!("row-{}", spec.name);
    let total = entries.len() + extra_rows.max(usize::from(entries.is_empty()));
    let rows = (0..total)
        .map(|i| {
            let entry = entries.get(i).and_then(Value::as_object);
            let fields = sub
                .iter()
                .map(|s| {
                    let path = row_name(spec.name, i, s.name);
                    field_view(ctx, spec.name, s, &path, entry.and_then(|e| e.get(s.name)))
                })
                .collect();
            let row_path = format!("{}[{i}]", spec.name);
            RowView {
                title: tr.t_n(&row_key, (i + 1) as i64),
                fields,
                remove_name: remove_name(spec.name, i),
                remove_id: input_id(&format!("{row_path}._remove")),
                error: ctx.take(&row_path),
            }
        })
        .collect();
    GroupView {
        name: spec.name.to_string(),
        id: input_id(spec.name),
        legend: tr.field(label_scope(kind), spec.name, spec.label),
        rows,
        error: ctx.take(spec.name),
        add_label: tr.t(&format!("add-{}", spec.name)),
    }
}

/// The whole form: its sections, and the summary of every error (including any the page
/// could not place beside an input).
pub fn build(
    tr: &Tr,
    kind: RecordKind,
    doc: &Document,
    errors: &[FieldError],
    add_row: Option<&str>,
) -> (Vec<SectionView>, Vec<SummaryError>) {
    // The summary follows the form's order, so reading it top to bottom matches the page.
    let order: Vec<&str> = sections(kind)
        .iter()
        .flat_map(|s| s.fields.iter().map(|f| f.name))
        .collect();
    let rank = |path: &str| {
        let head = path.split('[').next().unwrap_or(path);
        let row = path
            .split_once('[')
            .and_then(|(_, r)| r.split(']').next())
            .and_then(|i| i.parse::<usize>().ok())
            .unwrap_or(0);
        (
            order.iter().position(|n| *n == head).unwrap_or(usize::MAX),
            row,
        )
    };
    let mut sorted: Vec<&FieldError> = errors.iter().collect();
    sorted.sort_by_key(|e| rank(&e.field));
    let summary: Vec<SummaryError> = sorted
        .into_iter()
        .map(|e| SummaryError {
            href: format!("#{}", input_id(&e.field)),
            text: format!("{}: {}", label_for_path(tr, kind, &e.field), message(tr, e)),
        })
        .collect();
    let mut ctx = Ctx {
        tr,
        errors: errors.iter().map(|e| (e.field.clone(), e)).collect(),
    };
    let scope = label_scope(kind);
    let sections = sections(kind)
        .into_iter()
        .map(|s| {
            let mut fields = Vec::new();
            let mut groups = Vec::new();
            for spec in s.fields {
                match spec.kind {
                    FieldKind::Group(sub) => {
                        let extra = usize::from(add_row == Some(spec.name));
                        groups.push(group_view(
                            &mut ctx,
                            kind,
                            spec,
                            sub,
                            doc.get(spec.name),
                            extra,
                        ));
                    }
                    _ => fields.push(field_view(
                        &mut ctx,
                        scope,
                        spec,
                        spec.name,
                        doc.get(spec.name),
                    )),
                }
            }
            SectionView {
                id: format!("section-{}", s.id),
                title: tr.t(&format!("section-{}", s.id)),
                fields,
                groups,
            }
        })
        .collect();
    (sections, summary)
}

/// "Family member 2: Age" for `family_details[1].relation_age`.
pub fn label_for_path(tr: &Tr, kind: RecordKind, path: &str) -> String {
    let scope = label_scope(kind);
    let (head, rest) = match path.split_once('[') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let Some(spec) = kind.field(head) else {
        return path.to_string();
    };
    let top = tr.field(scope, spec.name, spec.label);
    let Some(rest) = rest else {
        return top;
    };
    let (index, sub) = match rest.split_once(']') {
        Some((i, s)) => (i.parse::<i64>().unwrap_or(0), s.trim_start_matches('.')),
        None => (0, ""),
    };
    let row = tr.t_n(&format!("row-{}", spec.name), index + 1);
    let sub_label = match spec.kind {
        FieldKind::Group(subs) => subs
            .iter()
            .find(|s| s.name == sub)
            .map(|s| tr.field(spec.name, s.name, s.label)),
        _ => None,
    };
    match sub_label {
        Some(l) => format!("{row}: {l}"),
        None => format!("{top} – {row}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use serde_json::json;

    #[test]
    fn an_error_lands_beside_its_input_in_a_row() {
        let tr = Tr::new(Lang::En);
        let doc: Document = json!({"sex": "male", "family_details": [{"relation": "mother"}, {"relation": "father", "relation_age": "200"}]})
            .as_object()
            .cloned()
            .unwrap();
        let errors = vec![FieldError::new(
            "family_details[1].relation_age",
            "out_of_range",
            "200 is outside 0–120; enter the age in years",
        )
        .arg("value", 200)
        .arg("min", 0)
        .arg("max", 120)];
        let (sections, summary) = build(&tr, RecordKind::Case, &doc, &errors, None);
        let family = sections.iter().find(|s| s.id == "section-family").unwrap();
        let rows = &family.groups[0].rows;
        assert_eq!(rows.len(), 2);
        let age = rows[1]
            .fields
            .iter()
            .find(|f| f.name == "family_details[1].relation_age")
            .unwrap();
        assert!(age.error.as_deref().unwrap().contains("outside"));
        assert_eq!(age.value, "200");
        assert_eq!(summary[0].href, "#f-family_details-1-relation_age");
        assert!(
            summary[0].text.starts_with("Family member 2: Age"),
            "{}",
            summary[0].text
        );
    }
}
