//! A posted record form (`application/x-www-form-urlencoded`), decoded by the web extractor and
//! turned into the document the store validates, as the record pages do.
//!
//! Properties: a created document holds no blank value, a change names every field the form
//! shows; a record that validates, shown in its form and submitted unchanged (the values the
//! page puts in each input, as the browser sends them), validates to the same record, and as a
//! change it changes nothing.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::extract::FromRequest;
use axum::http::{header, Request};
use homeward_domain::{
    validate_create, validate_update, Document, FieldKind, FieldSpec, RecordKind,
};
use homeward_fuzz::today;
use homeward_web::forms::{self, FormData, Mode};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
    })
}

fn decode(body: &[u8]) -> Option<FormData> {
    let req = Request::post("/cases/new")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_vec()))
        .expect("a request");
    runtime().block_on(FormData::from_request(req, &())).ok()
}

/// What the browser sends for one input showing `value`.
fn inputs(spec: &FieldSpec, name: &str, value: Option<&Value>, out: &mut Vec<(String, String)>) {
    match spec.kind {
        FieldKind::Bool => match forms::yes_no(value) {
            "" => {}
            v => out.push((name.to_string(), v.to_string())),
        },
        FieldKind::Choices(_) => {
            for v in forms::list_values(value) {
                out.push((name.to_string(), v));
            }
        }
        FieldKind::Group(sub) => {
            let rows = value
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            for (i, row) in rows.iter().enumerate() {
                for s in sub {
                    inputs(s, &forms::row_name(name, i, s.name), row.get(s.name), out);
                }
            }
        }
        _ => out.push((name.to_string(), forms::input_text(value))),
    }
}

/// The form a record is shown in, submitted unchanged.
fn shown(kind: RecordKind, doc: &Document) -> FormData {
    let mut out = Vec::new();
    for spec in kind.fields().iter().filter(|s| !s.system) {
        inputs(spec, spec.name, doc.get(spec.name), &mut out);
    }
    FormData(out)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let kind = RecordKind::ALL[usize::from(first) % RecordKind::ALL.len()];
    let Some(form) = decode(body) else {
        return;
    };
    let created = forms::document(kind.fields(), &form, Mode::Create);
    for (name, v) in &created {
        let blank = match v {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty(),
            Value::Array(items) => items.is_empty(),
            _ => false,
        };
        assert!(!blank, "a blank `{name}` in a new record's document");
    }
    let changed = forms::document(kind.fields(), &form, Mode::Update);
    for spec in kind.fields().iter().filter(|s| !s.system) {
        assert!(
            changed.contains_key(spec.name),
            "a change leaves out `{}`",
            spec.name
        );
    }
    let Ok(canonical) = validate_create(kind, &created, today()) else {
        return;
    };
    let again = shown(kind, &canonical);
    let resubmitted = forms::document(kind.fields(), &again, Mode::Create);
    let canonical2 = validate_create(kind, &resubmitted, today())
        .unwrap_or_else(|e| panic!("the form of a valid record is refused: {e:?}\n{again:?}"));
    assert_eq!(
        canonical2, canonical,
        "showing and submitting the form changed the record"
    );
    let mut existing = canonical.clone();
    existing.remove("status");
    let patch = forms::document(kind.fields(), &again, Mode::Update);
    let updated = validate_update(kind, &existing, &patch, today())
        .unwrap_or_else(|e| panic!("the unchanged form refused as a change: {e:?}"));
    assert_eq!(
        updated, existing,
        "saving the unchanged form altered the record"
    );
});
