//! Validation of a submitted record against the field catalogue.
//!
//! Input comes from JSON forms, CSV cells and (later) ODK submissions, so values are accepted
//! in the forms people and tools actually send (`"7"` for 7, `"yes"` for true, `"as; bn"` for a
//! list) and normalised to one canonical JSON shape. Every problem names the field, says what is
//! wrong and how to put it right, and all problems are reported at once so a caseworker fixes a
//! form in one pass.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::{Map, Number, Value};

use crate::catalogue::{FieldKind, FieldSpec, RecordKind};
use crate::reference::{Reference, ReferenceError};

/// A record's fields as a JSON object, keyed by catalogue field names.
pub type Document = Map<String, Value>;

/// Every [`FieldError::code`] Homeward produces, in the domain, the store and the server, so
/// an interface can check it has a wording for each one (the web's Fluent files are tested
/// against this list).
pub const CODES: &[&str] = &[
    "system_field",
    "unknown_field",
    "unknown_field_did_you_mean",
    "not_text",
    "too_long",
    "not_a_number",
    "out_of_range",
    "child_age_out_of_range",
    "not_a_date",
    "bad_date",
    "future_date",
    "date_before_1900",
    "not_yes_no",
    "not_a_choice",
    "unknown_choice",
    "not_a_list",
    "unknown_choice_in_list",
    "not_a_list_of_entries",
    "not_an_object",
    "not_a_reference",
    "wrong_kind_of_reference",
    "bad_reference",
    "bad_reference_check",
    "required",
    "child_over_18",
    "age_dob_mismatch",
    "separation_before_birth",
    "registered_before_identified",
    "child_view_without_assent",
    "decision_org_required",
    "referral_needs_subject",
    "child_member_telephone",
    "child_member_age",
    "unknown_reference",
    "record_out_of_scope",
    "no_consent_to_share",
    "more_problems",
    "control_character",
    "blank",
];

/// At most this many problems are listed for one submission; the rest are counted in one
/// closing `more_problems` entry. A caseworker fixes a form a screen at a time, and a hostile
/// body with thousands of bad keys must cost the server no more than a form with a few.
pub const MAX_REPORTED_ERRORS: usize = 50;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field, with its position inside lists: `family_details[1].relation_age`.
    pub field: String,
    /// What is wrong and how to fix it, in words a caseworker can act on (English).
    pub message: String,
    /// Which problem this is, one of [`CODES`], so an interface can word it in its user's
    /// language instead of showing the English `message`.
    pub code: &'static str,
    /// The values `message` mentions (a maximum, the bad value, the choices…), by name, for
    /// the translated wording of `code`.
    pub args: BTreeMap<String, String>,
}

impl FieldError {
    /// A problem with no values to interpolate; add them with [`FieldError::arg`].
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        // A code missing from CODES would go untranslated without any test noticing.
        debug_assert!(
            CODES.contains(&code),
            "validation code `{code}` is not in CODES"
        );
        Self {
            field: field.into(),
            message: message.into(),
            code,
            args: BTreeMap::new(),
        }
    }

    /// Adds a value the message interpolates.
    #[must_use]
    pub fn arg(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.args.insert(name.to_string(), value.to_string());
        self
    }
}

/// All the problems found in one submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// The problems found so far: the first [`MAX_REPORTED_ERRORS`], and a count of the rest.
struct Errors {
    list: Vec<FieldError>,
    omitted: usize,
}

impl Errors {
    fn new() -> Self {
        Self {
            list: Vec::new(),
            omitted: 0,
        }
    }

    /// Whether the list is full, so a caller can skip building an error only to count it.
    fn full(&self) -> bool {
        self.list.len() >= MAX_REPORTED_ERRORS
    }

    fn push(&mut self, error: FieldError) {
        if self.full() {
            self.omitted += 1;
        } else {
            self.list.push(error);
        }
    }

    /// Counts a problem without describing it (the list is full).
    fn skip(&mut self) {
        self.omitted += 1;
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn finish(mut self) -> ValidationErrors {
        if self.omitted > 0 {
            let n = self.omitted;
            self.list.push(
                FieldError::new(
                    "",
                    "more_problems",
                    format!(
                        "{n} more problems were found and not listed; correct the ones above \
                         and send it again"
                    ),
                )
                .arg("count", n),
            );
        }
        ValidationErrors(self.list)
    }
}

/// Validates a new record and returns its canonical document, with the initial status set.
pub fn validate_create(
    kind: RecordKind,
    input: &Document,
    today: NaiveDate,
) -> Result<Document, ValidationErrors> {
    let mut errors = Errors::new();
    reject_system_fields(kind, input, &mut errors);
    let mut doc = normalise_fields(kind.fields(), input, "", today, &mut errors);
    check_required(kind.fields(), &doc, "", &mut errors);
    check_rules(kind, &doc, today, &mut errors);
    if !errors.is_empty() {
        return Err(errors.finish());
    }
    doc.insert("status".into(), Value::String(kind.initial_status().into()));
    if kind == RecordKind::Case {
        doc.insert("stage".into(), Value::String("identified".into()));
    }
    Ok(doc)
}

/// Applies a partial update (`null` clears a field) to an existing record and validates the
/// result as a whole, so a change can never leave a record that would be refused if new.
pub fn validate_update(
    kind: RecordKind,
    existing: &Document,
    patch: &Document,
    today: NaiveDate,
) -> Result<Document, ValidationErrors> {
    let mut errors = Errors::new();
    reject_system_fields(kind, patch, &mut errors);
    let changed = normalise_fields(kind.fields(), patch, "", today, &mut errors);
    let mut doc = existing.clone();
    for (name, value) in patch {
        if value.is_null() || !changed.contains_key(name) {
            doc.remove(name);
        }
    }
    for (name, value) in changed {
        doc.insert(name, value);
    }
    check_required(kind.fields(), &doc, "", &mut errors);
    check_rules(kind, &doc, today, &mut errors);
    if errors.is_empty() {
        Ok(doc)
    } else {
        Err(errors.finish())
    }
}

fn reject_system_fields(kind: RecordKind, input: &Document, errors: &mut Errors) {
    for spec in kind.fields().iter().filter(|f| f.system) {
        if input.contains_key(spec.name) {
            errors.push(
                FieldError::new(
                    spec.name,
                    "system_field",
                    format!(
                        "is set by Homeward through the {} workflow actions, not by a form or \
                         an import; remove `{}` from the submission",
                        kind.human(),
                        spec.name
                    ),
                )
                .arg("kind", kind.human())
                .arg("field", spec.name),
            );
        }
    }
}

fn normalise_fields(
    specs: &'static [FieldSpec],
    input: &Document,
    prefix: &str,
    today: NaiveDate,
    errors: &mut Errors,
) -> Document {
    let mut out = Document::new();
    for (name, raw) in input {
        let Some(spec) = specs.iter().find(|s| s.name == name) else {
            // The suggestion costs an edit distance per catalogue field: only for listed ones.
            if errors.full() {
                errors.skip();
            } else {
                errors.push(unknown_field_error(specs, &format!("{prefix}{name}"), name));
            }
            continue;
        };
        let path = format!("{prefix}{name}");
        if spec.system {
            continue;
        }
        match normalise_value(spec, raw, &path, today, errors) {
            Some(v) => {
                out.insert(name.clone(), v);
            }
            None => continue,
        }
    }
    out
}

/// What to tell someone who used a field name the kind does not have (with the closest name).
pub fn describe_unknown_field(kind: RecordKind, name: &str) -> String {
    unknown_field_message(kind.fields(), name)
}

fn unknown_field_message(specs: &[FieldSpec], name: &str) -> String {
    unknown_field_error(specs, "", name).message
}

fn unknown_field_error(specs: &[FieldSpec], path: &str, name: &str) -> FieldError {
    let closest = specs
        .iter()
        .filter(|s| !s.system)
        .map(|s| (edit_distance(s.name, name), s.name))
        .min();
    match closest {
        Some((d, suggestion)) if d <= 3 => FieldError::new(
            path,
            "unknown_field_did_you_mean",
            format!("is not a field of this record; did you mean `{suggestion}`?"),
        )
        .arg("name", name)
        .arg("suggestion", suggestion),
        _ => FieldError::new(
            path,
            "unknown_field",
            "is not a field of this record; see /api/v1/openapi.json for the field names",
        )
        .arg("name", name),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Normalises one value; `None` means "absent" (blank input) or an error was recorded.
fn normalise_value(
    spec: &FieldSpec,
    raw: &Value,
    path: &str,
    today: NaiveDate,
    errors: &mut Errors,
) -> Option<Value> {
    if is_blank(raw) {
        return None;
    }
    match spec.kind {
        FieldKind::Text { max_len } => {
            let text = match raw {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => {
                    errors.push(FieldError::new(path, "not_text", "must be text"));
                    return None;
                }
            };
            if text.contains('\0') {
                errors.push(FieldError::new(
                    path,
                    "control_character",
                    "contains a NUL character, which cannot be stored; type the value again",
                ));
                return None;
            }
            let text: String = text
                .chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .collect();
            let text = text.trim().to_string();
            let len = text.chars().count();
            if len > max_len {
                errors.push(
                    FieldError::new(
                        path,
                        "too_long",
                        format!("is {len} characters long; shorten it to at most {max_len}"),
                    )
                    .arg("len", len)
                    .arg("max", max_len),
                );
                return None;
            }
            (!text.is_empty()).then_some(Value::String(text))
        }
        FieldKind::Integer { min, max } => {
            let n = match raw {
                Value::Number(n) => n.as_i64().or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                        .map(|f| f as i64)
                }),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            let Some(n) = n else {
                errors.push(
                    FieldError::new(path, "not_a_number", format!("`{}` is not a whole number; enter a number such as {min} or leave it blank", display(raw)))
                        .arg("value", display(raw))
                        .arg("min", min),
                );
                return None;
            };
            if n < min || n > max {
                let (code, what) = if max == 17 {
                    ("child_age_out_of_range", format!("{n} is outside {min}–{max}: Homeward registers children under 18; enter the age in years (estimate it if unknown and tick `estimated`)"))
                } else {
                    (
                        "out_of_range",
                        format!("{n} is outside {min}–{max}; enter the age in years"),
                    )
                };
                errors.push(
                    FieldError::new(path, code, what)
                        .arg("value", n)
                        .arg("min", min)
                        .arg("max", max),
                );
                return None;
            }
            Some(Value::Number(Number::from(n)))
        }
        FieldKind::Date => {
            let Some(s) = raw.as_str() else {
                errors.push(FieldError::new(
                    path,
                    "not_a_date",
                    "must be a date written YYYY-MM-DD, such as 2024-06-30",
                ));
                return None;
            };
            let Ok(date) = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") else {
                errors.push(
                    FieldError::new(
                        path,
                        "bad_date",
                        format!("`{s}` is not a date written YYYY-MM-DD, such as 2024-06-30"),
                    )
                    .arg("value", s),
                );
                return None;
            };
            if date > today {
                errors.push(
                    FieldError::new(
                        path,
                        "future_date",
                        format!(
                            "{date} is in the future; enter the date it happened (today is {today})"
                        ),
                    )
                    .arg("date", date)
                    .arg("today", today),
                );
                return None;
            }
            if date.year() < 1900 {
                errors.push(
                    FieldError::new(
                        path,
                        "date_before_1900",
                        format!("{date} is before 1900; check the year"),
                    )
                    .arg("date", date),
                );
                return None;
            }
            Some(Value::String(date.format("%Y-%m-%d").to_string()))
        }
        FieldKind::Bool => {
            let b = match raw {
                Value::Bool(b) => Some(*b),
                Value::String(s) => match s.trim().to_lowercase().as_str() {
                    "true" | "yes" | "y" | "1" => Some(true),
                    "false" | "no" | "n" | "0" => Some(false),
                    _ => None,
                },
                Value::Number(n) => match n.as_i64() {
                    Some(1) => Some(true),
                    Some(0) => Some(false),
                    _ => None,
                },
                _ => None,
            };
            if b.is_none() {
                errors.push(
                    FieldError::new(
                        path,
                        "not_yes_no",
                        format!("`{}` is not yes or no; use true or false", display(raw)),
                    )
                    .arg("value", display(raw)),
                );
            }
            b.map(Value::Bool)
        }
        FieldKind::Choice(choices) => {
            let Some(s) = raw.as_str() else {
                errors.push(
                    FieldError::new(
                        path,
                        "not_a_choice",
                        format!("must be one of: {}", choices.join(", ")),
                    )
                    .arg("choices", choices.join(", ")),
                );
                return None;
            };
            let c = canonical_choice(s);
            if choices.contains(&c.as_str()) {
                Some(Value::String(c))
            } else {
                errors.push(
                    FieldError::new(
                        path,
                        "unknown_choice",
                        format!(
                            "`{s}` is not a known choice; use one of: {}",
                            choices.join(", ")
                        ),
                    )
                    .arg("value", s)
                    .arg("choices", choices.join(", ")),
                );
                None
            }
        }
        FieldKind::Choices(choices) => {
            let items: Vec<String> = match raw {
                Value::Array(a) => a
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .collect(),
                Value::String(s) => s.split([';', ',']).map(str::to_string).collect(),
                _ => {
                    errors.push(
                        FieldError::new(
                            path,
                            "not_a_list",
                            format!("must be a list of: {}", choices.join(", ")),
                        )
                        .arg("choices", choices.join(", ")),
                    );
                    return None;
                }
            };
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                if item.trim().is_empty() {
                    continue;
                }
                let c = canonical_choice(&item);
                if !choices.contains(&c.as_str()) && errors.full() {
                    errors.skip();
                    continue;
                }
                if !choices.contains(&c.as_str()) {
                    errors.push(
                        FieldError::new(
                            path,
                            "unknown_choice_in_list",
                            format!(
                                "`{}` is not a known choice; use any of: {}",
                                item.trim(),
                                choices.join(", ")
                            ),
                        )
                        .arg("value", item.trim())
                        .arg("choices", choices.join(", ")),
                    );
                    continue;
                }
                if !out.iter().any(|v| v.as_str() == Some(c.as_str())) {
                    out.push(Value::String(c));
                }
            }
            (!out.is_empty()).then_some(Value::Array(out))
        }
        FieldKind::Group(sub) => {
            let Some(items) = raw.as_array() else {
                errors.push(FieldError::new(
                    path,
                    "not_a_list_of_entries",
                    "must be a list of entries",
                ));
                return None;
            };
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                let Some(obj) = item.as_object() else {
                    errors.push(FieldError::new(
                        &item_path,
                        "not_an_object",
                        "must be an object with named fields",
                    ));
                    continue;
                };
                let entry = normalise_fields(sub, obj, &format!("{item_path}."), today, errors);
                check_required(sub, &entry, &format!("{item_path}."), errors);
                if !entry.is_empty() {
                    out.push(Value::Object(entry));
                }
            }
            (!out.is_empty()).then_some(Value::Array(out))
        }
        FieldKind::Link(kinds) => {
            let wanted = || {
                kinds
                    .iter()
                    .map(|k| format!("{} ({}-…)", k.human(), k.reference_code()))
                    .collect::<Vec<_>>()
                    .join(" or ")
            };
            let Some(text) = raw.as_str() else {
                errors.push(
                    FieldError::new(
                        path,
                        "not_a_reference",
                        format!("must be the reference of a {}", wanted()),
                    )
                    .arg("wanted", wanted()),
                );
                return None;
            };
            match Reference::parse(text) {
                Ok(r) if kinds.contains(&r.kind()) => Some(Value::String(r.to_string())),
                Ok(r) => {
                    errors.push(
                        FieldError::new(
                            path,
                            "wrong_kind_of_reference",
                            format!(
                                "`{r}` is a {}; give the reference of a {}",
                                r.kind().human(),
                                wanted()
                            ),
                        )
                        .arg("value", &r)
                        .arg("kind", r.kind().human())
                        .arg("wanted", wanted()),
                    );
                    None
                }
                Err(e) => {
                    let code = match e {
                        ReferenceError::Malformed(_) => "bad_reference",
                        ReferenceError::BadCheck(_) => "bad_reference_check",
                    };
                    errors.push(FieldError::new(path, code, e.to_string()).arg("value", text));
                    None
                }
            }
        }
    }
}

/// Every record reference a document points to (its `Link` fields, in groups too), with the
/// field's path, so the store can check they exist and name the field when one does not.
pub fn linked_references(specs: &[FieldSpec], doc: &Document) -> Vec<(String, Reference)> {
    let mut out = Vec::new();
    collect_links(specs, doc, "", &mut out);
    out
}

fn collect_links(
    specs: &[FieldSpec],
    doc: &Document,
    prefix: &str,
    out: &mut Vec<(String, Reference)>,
) {
    for spec in specs {
        match (spec.kind, doc.get(spec.name)) {
            (FieldKind::Link(_), Some(Value::String(s))) => {
                if let Ok(r) = Reference::parse(s) {
                    out.push((format!("{prefix}{}", spec.name), r));
                }
            }
            (FieldKind::Group(sub), Some(Value::Array(items))) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(obj) = item.as_object() {
                        collect_links(sub, obj, &format!("{prefix}{}[{i}].", spec.name), out);
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn canonical_choice(s: &str) -> String {
    s.trim().to_lowercase().replace([' ', '-'], "_")
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn check_required(specs: &[FieldSpec], doc: &Document, prefix: &str, errors: &mut Errors) {
    for spec in specs.iter().filter(|s| s.required) {
        if !doc.contains_key(spec.name) {
            let hint = match spec.kind {
                FieldKind::Choice(c) => format!("; choose one of: {}", c.join(", ")),
                FieldKind::Group(_) => "; add at least one entry".to_string(),
                _ => String::new(),
            };
            let already_invalid = errors
                .list
                .iter()
                .any(|e| e.field == format!("{prefix}{}", spec.name));
            if !already_invalid {
                let mut e = FieldError::new(
                    format!("{prefix}{}", spec.name),
                    "required",
                    format!("is required ({}){hint}", spec.label),
                )
                .arg("label", spec.label);
                if let FieldKind::Choice(c) = spec.kind {
                    e = e.arg("choices", c.join(", "));
                }
                errors.push(e);
            }
        }
    }
}

fn date(doc: &Document, name: &str) -> Option<NaiveDate> {
    doc.get(name)
        .and_then(Value::as_str)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

fn age_on(dob: NaiveDate, day: NaiveDate) -> i64 {
    let mut years = i64::from(day.year() - dob.year());
    if (day.month(), day.day()) < (dob.month(), dob.day()) {
        years -= 1;
    }
    years
}

/// Rules across fields of a child: age against date of birth, separation after birth.
fn check_child_rules(doc: &Document, prefix: &str, today: NaiveDate, errors: &mut Errors) {
    let dob = date(doc, "date_of_birth");
    if let Some(dob) = dob {
        let computed = age_on(dob, today);
        if computed > 17 {
            errors.push(
                FieldError::new(format!("{prefix}date_of_birth"), "child_over_18", format!("{dob} makes the child {computed} today; Homeward registers children under 18, so check the year"))
                    .arg("dob", dob)
                    .arg("computed", computed),
            );
        } else if let Some(age) = doc.get("age").and_then(Value::as_i64) {
            if (age - computed).abs() > 1 {
                errors.push(
                    FieldError::new(format!("{prefix}age"), "age_dob_mismatch", format!("{age} does not agree with date_of_birth {dob}, which makes the child {computed}; correct one of them or leave age blank"))
                        .arg("age", age)
                        .arg("dob", dob)
                        .arg("computed", computed),
                );
            }
        }
    }
    if let (Some(dob), Some(sep)) = (dob, date(doc, "date_of_separation")) {
        if sep < dob {
            errors.push(
                FieldError::new(
                    format!("{prefix}date_of_separation"),
                    "separation_before_birth",
                    format!("{sep} is before the date of birth {dob}; check both dates"),
                )
                .arg("separation", sep)
                .arg("dob", dob),
            );
        }
    }
}

fn check_rules(kind: RecordKind, doc: &Document, today: NaiveDate, errors: &mut Errors) {
    match kind {
        RecordKind::Case => {
            check_child_rules(doc, "", today, errors);
            if let (Some(ident), Some(reg)) = (
                date(doc, "date_of_identification"),
                date(doc, "registration_date"),
            ) {
                if reg < ident {
                    errors.push(
                        FieldError::new("registration_date", "registered_before_identified", format!("{reg} is before the child was identified ({ident}); a child is registered on or after identification"))
                            .arg("registration", reg)
                            .arg("identification", ident),
                    );
                }
            }
        }
        RecordKind::TracingRequest => {
            if let Some(Value::Array(children)) = doc.get("children_sought") {
                for (i, child) in children.iter().enumerate() {
                    if let Some(obj) = child.as_object() {
                        check_child_rules(obj, &format!("children_sought[{i}]."), today, errors);
                    }
                }
            }
        }
        RecordKind::Committee => check_committee_members(doc, errors),
        RecordKind::HomeVisit => {
            // The child's view is theirs to give: without their assent it is not written down.
            let assent = doc.get("child_assent").and_then(Value::as_str);
            if doc.contains_key("child_view") && assent != Some("given") {
                errors.push(FieldError::new(
                    "child_view",
                    "child_view_without_assent",
                    "can only be recorded when the child gave their assent; set child_assent to `given` or leave the view empty",
                ));
            }
        }
        RecordKind::Incident => {
            // R6: a status other than "possible" needs the organisation that decided it.
            let status = doc.get("trafficking_status").and_then(Value::as_str);
            if matches!(status, Some("actual_victim" | "not_a_victim"))
                && !doc.contains_key("decision_org")
            {
                errors.push(FieldError::new(
                    "decision_org",
                    "decision_org_required",
                    "is required once the trafficking status is decided; record which organisation decided it, or keep the status `possible_victim`",
                ));
            }
        }
        RecordKind::Referral => {
            if !doc.contains_key("case") && !doc.contains_key("household") {
                errors.push(FieldError::new(
                    "case",
                    "referral_needs_subject",
                    "a referral is for a child or a household: give the case reference (HW-…) or the household reference (HH-…)",
                ));
            }
        }
        RecordKind::CheckpointLog
        | RecordKind::Household
        | RecordKind::PersonOfConcern
        | RecordKind::ServiceProvider
        | RecordKind::AwarenessActivity
        | RecordKind::AwarenessMessage => {}
    }
}

/// Child members of a committee carry only what their role needs: no telephone, and an age
/// under 18.
fn check_committee_members(doc: &Document, errors: &mut Errors) {
    let Some(Value::Array(members)) = doc.get("members") else {
        return;
    };
    for (i, member) in members.iter().enumerate() {
        let Some(m) = member.as_object() else {
            continue;
        };
        if m.get("member_is_child") != Some(&Value::Bool(true)) {
            continue;
        }
        if m.contains_key("member_telephone") {
            errors.push(FieldError::new(
                format!("members[{i}].member_telephone"),
                "child_member_telephone",
                "is not recorded for a child member; reach children through the group's facilitator and leave it empty",
            ));
        }
        if m.get("member_age")
            .and_then(Value::as_i64)
            .is_some_and(|a| a >= 18)
        {
            errors.push(FieldError::new(
                format!("members[{i}].member_age"),
                "child_member_age",
                "is 18 or more, so this member is not a child; correct the age or untick `Is a child`",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    fn obj(v: Value) -> Document {
        v.as_object().unwrap().clone()
    }

    fn fields_of(e: &ValidationErrors) -> Vec<&str> {
        e.0.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_complete_case_is_normalised_and_opened() {
        let doc = validate_create(
            RecordKind::Case,
            &obj(json!({
                "name_first": "  রহিম ", "sex": "Male", "age": "9", "estimated": "yes",
                "protection_status": "unaccompanied", "languages": "bn; as",
                "family_details": [{"relation": "mother", "relation_name": "Amina Khatun", "relation_age": 34}]
            })),
            today(),
        )
        .unwrap();
        assert_eq!(doc["name_first"], "রহিম");
        assert_eq!(doc["sex"], "male");
        assert_eq!(doc["age"], 9);
        assert_eq!(doc["estimated"], true);
        assert_eq!(doc["languages"], json!(["bn", "as"]));
        assert_eq!(doc["status"], "open");
    }

    #[test]
    fn errors_name_the_field_and_say_how_to_fix_it() {
        let err = validate_create(
            RecordKind::Case,
            &obj(json!({
                "sex": "boy", "age": 19, "protection_status": "separated",
                "date_of_separation": "2027-01-01", "nmae_first": "x"
            })),
            today(),
        )
        .unwrap_err();
        let fields = fields_of(&err);
        assert!(
            fields.contains(&"sex")
                && fields.contains(&"age")
                && fields.contains(&"date_of_separation")
        );
        let msg = |f: &str| err.0.iter().find(|e| e.field == f).unwrap().message.clone();
        assert!(msg("sex").contains("female, male"));
        assert!(msg("age").contains("outside 0–17"));
        assert!(msg("date_of_separation").contains("in the future"));
        assert!(msg("nmae_first").contains("did you mean `name_first`"));
    }

    #[test]
    fn every_error_carries_a_known_code() {
        let submissions = [
            (
                RecordKind::Case,
                json!({
                    "sex": "boy", "age": "x", "protection_status": "separated",
                    "date_of_separation": "2027-01-01", "nmae_first": "x", "status": "open",
                    "name_first": "a".repeat(200), "date_of_birth": "30/06/2024",
                    "family_details": [7, {"relation_age": 300}]
                }),
            ),
            (
                RecordKind::Case,
                json!({"sex": "male", "age": 3, "date_of_birth": "2010-01-01"}),
            ),
            (
                RecordKind::Committee,
                json!({"members": [{"member_is_child": true, "member_telephone": "1", "member_age": 30}]}),
            ),
            (RecordKind::Referral, json!({})),
        ];
        for (kind, input) in submissions {
            let err = validate_create(kind, &obj(input), today()).unwrap_err();
            assert!(err.0.len() > 1, "{err}");
            for e in &err.0 {
                assert!(!e.code.is_empty() && CODES.contains(&e.code), "{e:?}");
                assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn errors_carry_the_values_their_message_mentions() {
        let err = validate_create(
            RecordKind::Case,
            &obj(
                json!({"sex": "male", "age": 25, "name_first": "a".repeat(130),
                        "protection_status": "separated"}),
            ),
            today(),
        )
        .unwrap_err();
        let get = |f: &str| err.0.iter().find(|e| e.field == f).unwrap();
        assert_eq!(get("age").code, "child_age_out_of_range");
        assert_eq!(get("age").args["value"], "25");
        assert_eq!(get("age").args["max"], "17");
        assert_eq!(get("name_first").code, "too_long");
        assert_eq!(get("name_first").args["len"], "130");
        assert_eq!(get("name_first").args["max"], "120");
    }

    #[test]
    fn codes_are_listed_once() {
        let mut sorted = CODES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), CODES.len());
    }

    #[test]
    fn required_fields_and_system_fields_are_enforced() {
        let err = validate_create(RecordKind::Case, &obj(json!({"status": "closed"})), today())
            .unwrap_err();
        let fields = fields_of(&err);
        assert!(
            fields.contains(&"sex")
                && fields.contains(&"protection_status")
                && fields.contains(&"status")
        );
    }

    #[test]
    fn age_must_agree_with_date_of_birth() {
        let err = validate_create(
            RecordKind::Case,
            &obj(json!({"sex": "female", "protection_status": "separated", "age": 12, "date_of_birth": "2020-01-01"})),
            today(),
        )
        .unwrap_err();
        assert_eq!(fields_of(&err), vec!["age"]);
    }

    #[test]
    fn group_errors_carry_their_position() {
        let err = validate_create(
            RecordKind::TracingRequest,
            &obj(
                json!({"inquiry_date": "2026-11-01", "relation_name": "Amina",
                        "children_sought": [{"sex": "female"}, {"age": 3}]}),
            ),
            today(),
        )
        .unwrap_err();
        assert_eq!(fields_of(&err), vec!["children_sought[1].sex"]);
    }

    #[test]
    fn update_merges_clears_and_revalidates() {
        let existing = validate_create(
            RecordKind::Case,
            &obj(json!({"sex": "female", "protection_status": "separated", "age": 7, "risk_level": "low"})),
            today(),
        )
        .unwrap();
        let updated = validate_update(
            RecordKind::Case,
            &existing,
            &obj(json!({"age": 8, "risk_level": null})),
            today(),
        )
        .unwrap();
        assert_eq!(updated["age"], 8);
        assert!(!updated.contains_key("risk_level"));
        assert_eq!(updated["status"], "open");
        let err = validate_update(
            RecordKind::Case,
            &existing,
            &obj(json!({"sex": null})),
            today(),
        )
        .unwrap_err();
        assert_eq!(fields_of(&err), vec!["sex"]);
    }

    proptest! {
        #[test]
        fn validation_never_panics_on_arbitrary_values(key in "[a-z_]{1,20}", s in ".{0,40}", n in any::<i64>(), b in any::<bool>()) {
            for v in [json!(s.clone()), json!(n), json!(b), json!([s.clone()]), json!({"x": s.clone()}), Value::Null] {
                let mut d = Document::new();
                d.insert(key.clone(), v.clone());
                d.insert("age".into(), v.clone());
                d.insert("date_of_birth".into(), v.clone());
                d.insert("family_details".into(), v);
                let _ = validate_create(RecordKind::Case, &d, today());
                let _ = validate_create(RecordKind::TracingRequest, &d, today());
            }
        }

        #[test]
        fn valid_output_validates_again_unchanged(age in 0i64..18, sex in prop::sample::select(crate::catalogue::SEX)) {
            let doc = validate_create(RecordKind::Case, &obj(json!({"sex": sex, "age": age, "protection_status": "separated"})), today()).unwrap();
            let again = validate_update(RecordKind::Case, &doc, &Document::new(), today()).unwrap();
            prop_assert_eq!(doc, again);
        }
    }
}
