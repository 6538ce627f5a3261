//! The OpenAPI 3.1 document, generated from the routes the server actually registers and from
//! the field catalogue, so it describes exactly what the server does.

use chrono::{NaiveDate, Utc};
use homeward_domain::{FieldKind, FieldSpec, RecordKind};
use serde_json::{json, Map, Value};

use crate::api::{route_docs, ParamSchema, QueryParam};
use crate::schema_rules::{date_up_to, trimmed_at_least};

fn field_schema(spec: &FieldSpec, today: NaiveDate) -> Value {
    let mut s = match spec.kind {
        // Over JSON a blank string is refused (leave the field out instead), and a required
        // text must keep a character once control characters are dropped and it is trimmed.
        FieldKind::Text { max_len } => {
            let something = if spec.required {
                "[^\\s\\u0000-\\u001f\\u007f-\\u009f]"
            } else {
                "\\S"
            };
            json!({"type": "string", "maxLength": max_len, "pattern": something})
        }
        FieldKind::Integer { min, max } => {
            json!({"type": "integer", "minimum": min, "maximum": max})
        }
        FieldKind::Date => date_up_to(today),
        FieldKind::Bool => json!({"type": "boolean"}),
        FieldKind::Choice(c) => json!({"type": "string", "enum": c}),
        FieldKind::Choices(c) => json!({"type": "array", "items": {"type": "string", "enum": c}}),
        FieldKind::Group(sub) => {
            json!({"type": "array", "items": fields_schema(sub, false, today)})
        }
        FieldKind::Link(kinds) => {
            let codes: Vec<&str> = kinds.iter().map(|k| k.reference_code()).collect();
            json!({"type": "string", "format": REFERENCE_FORMAT, "pattern": format!("^({})-{CROCKFORD}{{4}}-{CROCKFORD}{{3}}$", codes.join("|")),
                   "description": format!("reference of a {}", kinds.iter().map(|k| k.human()).collect::<Vec<_>>().join(" or "))})
        }
    };
    if let Some(obj) = s.as_object_mut() {
        let personal = if spec.is_personal() {
            " Personal: encrypted at rest, withheld from roles without personal_data.view."
        } else {
            ""
        };
        let existing = obj
            .get("description")
            .and_then(Value::as_str)
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        obj.insert(
            "description".into(),
            json!(format!("{}{existing}.{personal}", spec.label)),
        );
        if spec.system {
            obj.insert("readOnly".into(), json!(true));
        }
    }
    s
}

fn fields_schema(specs: &[FieldSpec], for_top_level_input: bool, today: NaiveDate) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in specs {
        let mut schema = field_schema(f, today);
        if !f.required && !f.system {
            // Null clears a field on update.
            schema = json!({"anyOf": [schema, {"type": "null"}]});
        }
        if f.required && matches!(f.kind, FieldKind::Choices(_) | FieldKind::Group(_)) {
            // An empty list is no answer: a required list needs an entry, here or in a change.
            schema["minItems"] = json!(1);
        }
        props.insert(f.name.to_string(), schema);
        if f.required && !for_top_level_input {
            required.push(f.name);
        }
    }
    json!({"type": "object", "additionalProperties": false, "properties": props, "required": required})
}

fn record_schema(fields_ref: &str) -> Value {
    json!({
        "type": "object",
        "required": ["id", "kind", "reference", "status", "version", "fields", "redacted"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "kind": {"type": "string", "enum": RecordKind::ALL.map(RecordKind::as_str)},
            "reference": {"type": "string", "pattern": reference_pattern()},
            "status": {"type": "string"},
            "agency_id": {"type": "string", "format": "uuid"},
            "team_id": {"type": ["string", "null"], "format": "uuid"},
            "owner_id": {"type": "string", "format": "uuid"},
            "assigned_to": {"type": ["string", "null"], "format": "uuid"},
            "version": {"type": "integer", "description": "Send back in If-Match to refuse concurrent edits"},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "fields": {"$ref": fields_ref},
            "redacted": {"type": "boolean", "description": "True when personal fields were withheld from you"}
        }
    })
}

fn reference_pattern() -> String {
    let codes: Vec<&str> = RecordKind::ALL.iter().map(|k| k.reference_code()).collect();
    format!("^({})-{CROCKFORD}{{4}}-{CROCKFORD}{{3}}$", codes.join("|"))
}

/// Crockford's base32, the symbols of a reference in its canonical form (no I, L, O or U).
const CROCKFORD: &str = "[0-9A-HJKMNP-TV-Z]";

/// A reference typed by a client: the pattern gives its shape, the format its check character,
/// which a pattern cannot express (see `homeward_domain::Reference`).
fn reference_input() -> Value {
    json!({"type": "string", "format": REFERENCE_FORMAT, "pattern": reference_pattern(),
           "description": "A record's reference: two letters for the kind, six symbols of Crockford's base32, and a Luhn mod 32 check symbol"})
}

/// The format of a reference whose last symbol is its Luhn mod 32 check symbol.
pub const REFERENCE_FORMAT: &str = "homeward-reference";

/// Characters Rust's `char::is_control` finds: no plain-text parameter may hold one.
const NO_CONTROL: &str = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$";

fn query_param(q: &QueryParam) -> Value {
    let schema = match q.schema {
        ParamSchema::Text => json!({"type": "string"}),
        ParamSchema::PlainText { max_len } => {
            json!({"type": "string", "maxLength": max_len, "pattern": NO_CONTROL})
        }
        ParamSchema::OneOf(values) => json!({"type": "string", "enum": values()}),
        ParamSchema::SomeOf(values) => {
            json!({"type": "array", "items": {"type": "string", "enum": values()}})
        }
        ParamSchema::Integer { min, max } => {
            json!({"type": "integer", "format": "int64", "minimum": min, "maximum": max})
        }
        ParamSchema::Boolean => json!({"type": "boolean"}),
        ParamSchema::DateTime => json!({"type": "string", "format": "date-time"}),
        ParamSchema::Reference => reference_input(),
        ParamSchema::Status(kind) => json!({"type": "string", "enum": kind.statuses()}),
        ParamSchema::Pattern(p) => json!({"type": "string", "pattern": p}),
    };
    let mut param = json!({"name": q.name, "in": "query", "required": q.required, "schema": schema, "description": q.doc});
    if matches!(q.schema, ParamSchema::SomeOf(_)) {
        // `indicator=a,b`: one parameter, the values comma-separated.
        param["style"] = json!("form");
        param["explode"] = json!(false);
    }
    param
}

/// The schema names of a kind: its fields, one record, one page.
pub fn kind_schema_names(kind: RecordKind) -> (String, String, String) {
    let pascal: String = kind
        .as_str()
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    (
        format!("{pascal}Fields"),
        pascal.clone(),
        format!("{pascal}Page"),
    )
}

fn page_schema(item: &str) -> Value {
    json!({"type": "object", "required": ["items", "total", "limit", "offset"], "properties": {
        "items": {"type": "array", "items": {"$ref": item}},
        "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"}}})
}

fn schemas(today: NaiveDate) -> Value {
    let user = json!({"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "username": {"type": "string"}, "display_name": {"type": "string"},
        "role": {"type": "string", "enum": homeward_auth::Role::ALL.map(|r| r.as_str())},
        "scope": {"type": "string", "enum": ["own", "team", "agency", "all"]},
        "agency_id": {"type": "string", "format": "uuid"}, "team_id": {"type": ["string", "null"], "format": "uuid"},
        "language": {"type": "string"}, "committee": {"type": ["string", "null"]}, "disabled": {"type": "boolean"}, "created_at": {"type": "string", "format": "date-time"}}});
    let mut kinds = Map::new();
    for kind in RecordKind::ALL {
        let (fields, record, page) = kind_schema_names(kind);
        kinds.insert(
            record.clone(),
            record_schema(&format!("#/components/schemas/{fields}")),
        );
        kinds.insert(fields, fields_schema(kind.fields(), true, today));
        kinds.insert(
            format!("New{record}"),
            fields_schema(kind.fields(), false, today),
        );
        kinds.insert(page, page_schema(&format!("#/components/schemas/{record}")));
    }
    let mut all = json!({
        "Case": record_schema("#/components/schemas/CaseFields"),
        "TracingRequest": record_schema("#/components/schemas/TracingRequestFields"),
        "CasePage": page_schema("#/components/schemas/Case"),
        "TracingRequestPage": page_schema("#/components/schemas/TracingRequest"),
        "History": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "field": {"type": "string"}, "value": {},
            "redacted": {"type": "boolean"}, "hlc": {"type": "string"}, "actor": {"type": "string"}, "device": {"type": "string"}}}},
        "Assignment": {"type": "object", "additionalProperties": false, "properties": {"user_id": {"type": ["string", "null"], "format": "uuid"}}},
        "LoginRequest": {"type": "object", "additionalProperties": false, "required": ["username", "password"], "properties": {
            "username": trimmed_at_least(1), "password": {"type": "string", "format": "password"},
            "kind": {"type": "string", "enum": ["web", "api"], "default": "web"}}},
        "SessionInfo": {"type": "object", "properties": {
            "user": {"$ref": "#/components/schemas/User"},
            "permissions": {"type": "array", "items": {"type": "string"}},
            "csrf_token": {"type": "string", "description": "Browser sessions: send as X-CSRF-Token on every write"},
            "token": {"type": "string", "description": "API sessions: send as Authorization: Bearer"}}},
        "User": user,
        "UserList": {"type": "array", "items": {"$ref": "#/components/schemas/User"}},
        "NewUser": {"type": "object", "additionalProperties": false, "required": ["username", "display_name", "password", "role", "agency"], "properties": {
            "username": {"type": "string", "pattern": "^[a-z0-9._-]{3,64}$"}, "display_name": trimmed_at_least(1),
            "password": {"type": "string", "minLength": 10, "format": "password"},
            "role": {"type": "string", "enum": homeward_auth::Role::ALL.map(|r| r.as_str())},
            "scope": {"type": "string", "enum": ["own", "team", "agency", "all"]},
            "agency": {"type": "string", "description": "The name of an agency that exists (GET /api/v1/agencies)"}, "team": {"type": "string"},
            "language": {"type": "string", "enum": crate::api::users::LANGUAGES}}},
        "UserPatch": {"type": "object", "additionalProperties": false, "properties": {
            "display_name": trimmed_at_least(1), "role": {"type": "string", "enum": homeward_auth::Role::ALL.map(|r| r.as_str())},
            "scope": {"type": "string", "enum": ["own", "team", "agency", "all"]},
            "language": {"type": "string", "enum": crate::api::users::LANGUAGES}, "disabled": {"type": "boolean"}, "password": {"type": "string", "minLength": 10, "format": "password"},
            "committee": {"type": "string", "description": "A committee's reference (CM-…): a community volunteer then sees its households, visits and activities; empty to remove"}}},
        "Agency": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}}},
        "AgencyList": {"type": "array", "items": {"$ref": "#/components/schemas/Agency"}},
        "NewAgency": {"type": "object", "additionalProperties": false, "required": ["name"], "properties": {"name": trimmed_at_least(1), "teams": {"type": "array", "items": {"type": "string"}}}},
        "AuditEntries": {"type": "array", "items": {"type": "object", "properties": {
            "seq": {"type": "integer"}, "at": {"type": "string"}, "actor": {"type": "string"}, "action": {"type": "string"},
            "target": {"type": ["string", "null"]}, "detail": {"type": "string"}, "prev_hash": {"type": "string"}, "hash": {"type": "string"}}}},
        "AuditVerdict": {"oneOf": [
            {"type": "object", "additionalProperties": false, "required": ["Intact"], "properties": {"Intact": {"type": "object", "required": ["entries"], "properties": {"entries": {"type": "integer"}}}}},
            {"type": "object", "additionalProperties": false, "required": ["Broken"], "properties": {"Broken": {"type": "object", "required": ["seq", "reason"], "properties": {"seq": {"type": "integer"}, "reason": {"type": "string"}}}}}]},
        "MatchSearch": {"type": "object", "additionalProperties": false, "properties": {"threshold": {"type": "number", "minimum": 0.05, "maximum": 1}}},
        "MatchDecision": {"type": "object", "additionalProperties": false, "required": ["decision", "reason"], "properties": {
            "decision": {"type": "string", "enum": ["confirmed", "rejected"]}, "reason": trimmed_at_least(5)}},
        "DisclosureOverride": {"type": "object", "additionalProperties": false, "required": ["reason"], "properties": {"reason": trimmed_at_least(20)}},
        "MatchSide": {"type": "object", "properties": {"id": {"type": "string"}, "reference": {"type": ["string", "null"]}, "in_your_scope": {"type": "boolean"},
            "fields": {"type": ["object", "null"], "description": "What may be disclosed to you of this side"}}},
        "Match": {"type": "object", "properties": {
            "id": {"type": "string"}, "tracing_request_id": {"type": "string"}, "sought_index": {"type": "integer"}, "case_id": {"type": "string"},
            "probability": {"type": "number"}, "weight": {"type": "number"},
            "explanation": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "level": {"type": "string"}, "weight": {"type": "number"}}}},
            "status": {"type": "string", "enum": ["pending", "confirmed", "rejected"]}, "decided_by": {"type": ["string", "null"]}, "decided_at": {"type": ["string", "null"]},
            "decision_reason": {"type": ["string", "null"]}, "disclosure_overridden": {"type": "boolean"}, "created_at": {"type": "string"},
            "case": {"$ref": "#/components/schemas/MatchSide"}, "tracing_request": {"$ref": "#/components/schemas/MatchSide"}}},
        "MatchList": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}},
        "AlertList": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "kind": {"type": "string"}, "record_id": {"type": ["string", "null"]}, "detail": {"type": "object"},
            "created_at": {"type": "string"}, "read_at": {"type": ["string", "null"]}}}},
        "VerificationRequest": {"type": "object", "additionalProperties": false, "required": ["adult_willing", "adult_able", "child_knows_adult", "child_wishes", "accounts_agree", "recommendation"], "properties": {
            "adult_willing": {"type": "boolean"}, "adult_able": {"type": "boolean"}, "child_knows_adult": {"type": "boolean"},
            "child_wishes": {"type": "string", "enum": ["yes", "no", "unsure"]}, "accounts_agree": {"type": "boolean"},
            "recommendation": {"type": "string", "enum": ["reunification", "reunification_with_support", "further_tracing", "long_term_alternative_care"]},
            "notes": {"type": "string"}}},
        "ApprovalRequest": {"type": "object", "additionalProperties": false, "required": ["reason"], "properties": {"reason": trimmed_at_least(5)}},
        "FollowupDone": {"type": "object", "additionalProperties": false, "properties": {"followup_date": date_up_to(today), "child_with_family": {"type": "boolean"}, "notes": {"type": "string"}}},
        "TracingActionRequest": {"type": "object", "additionalProperties": false, "required": ["action_type", "date", "outcome"], "properties": {
            "action_type": {"type": "string", "enum": ["case_by_case", "individual", "mass", "photo", "referral_ngo", "referral_icrc"]},
            "date": date_up_to(today), "place": {"type": "string"}, "outcome": {"type": "string", "enum": ["pending", "successful", "unsuccessful"]}, "notes": {"type": "string"}}},
        "MoveRequest": {"type": "object", "additionalProperties": false, "required": ["scope", "destination"], "properties": {
            "scope": {"type": "string", "enum": ["within_district", "out_of_district", "out_of_country"]}, "destination": {"type": "string"},
            "purpose": {"type": "string"}, "accompanying_adult": {"type": "string"}, "authorised_by": {"type": "string"}}},
        "CaseEvent": {"type": "object", "properties": {"id": {"type": "string"}, "case_id": {"type": "string"}, "kind": {"type": "string"},
            "plain": {"type": "object"}, "personal": {"type": ["object", "null"]}, "due_date": {"type": ["string", "null"]}, "done_at": {"type": ["string", "null"]},
            "created_by": {"type": "string"}, "created_at": {"type": "string"}}},
        "CaseEvents": {"type": "array", "items": {"$ref": "#/components/schemas/CaseEvent"}},
        "OverdueFollowups": {"type": "array", "items": {"type": "object", "properties": {"event": {"$ref": "#/components/schemas/CaseEvent"}, "reference": {"type": "string"}, "in_charge": {"type": "string"}}}},
        "OverdueCases": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "reference": {"type": "string"}, "stage": {"type": ["string", "null"]},
            "deadlines": {"type": "array", "items": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["registration", "tracing_start"]}, "due": {"type": "string", "format": "date-time"}, "met": {"type": ["string", "null"], "format": "date-time"}}}}}}},
        "DuplicateList": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "case_a": {"type": "string"}, "case_b": {"type": "string"},
            "probability": {"type": "number"}, "weight": {"type": "number"}, "explanation": {"type": "array"}, "status": {"type": "string", "enum": ["pending", "merged", "dismissed"]}, "created_at": {"type": "string"}}}},
        "MergeRequest": {"type": "object", "additionalProperties": false, "required": ["duplicate", "reason"], "properties": {"duplicate": {"type": "string", "description": "The id or reference of the case registered twice"}, "reason": trimmed_at_least(5)}},
        "MergeResult": {"type": "object", "properties": {"merge_id": {"type": "string"}, "survivor": {"$ref": "#/components/schemas/Case"}, "filled": {"type": "array", "items": {"type": "string"}}}},
        "Unmerged": {"type": "object", "properties": {"survivor": {"$ref": "#/components/schemas/Case"}, "restored": {"$ref": "#/components/schemas/Case"}}},
        "CareChange": {"type": "object", "additionalProperties": false, "required": ["care_arrangements_type", "reason_for_change"], "properties": {
            "care_arrangements_type": {"type": "string", "enum": homeward_domain::catalogue::CARE_ARRANGEMENT}, "caregiver_name": {"type": "string"},
            "start_date": date_up_to(today), "reason_for_change": trimmed_at_least(5), "notes": {"type": "string"}}},
        "TracingStatusRequest": {"type": "object", "additionalProperties": false, "required": ["status"], "properties": {
            "status": {"type": "string", "enum": ["open", "tracing_in_progress", "verified", "reunified", "closed"]}, "reason": {"type": "string"}},
            "description": "Closing needs a reason of at least 5 characters",
            "anyOf": [
                {"properties": {"status": {"enum": ["open", "tracing_in_progress", "verified", "reunified"]}}},
                {"required": ["reason"], "properties": {"status": {"const": "closed"}, "reason": trimmed_at_least(5)}}]},
        "OpenApi": {"type": "object"},
        "Error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string", "description": "What is wrong and how to fix it"},
            "field": {"type": ["string", "null"]},
            "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message", "code", "args"], "properties": {"field": {"type": "string"}, "message": {"type": "string", "description": "What is wrong with the field and how to fix it, in English"}, "code": {"type": "string", "description": "Which problem this is (such as required, too_long, out_of_range), for clients that word it in their own language"}, "args": {"type": "object", "additionalProperties": {"type": "string"}, "description": "The values the message mentions, by name (such as max, value, choices)"}}}}}}
    });
    if let Some(obj) = all.as_object_mut() {
        obj.extend(kinds);
        obj.extend(prevention_schemas());
        obj.extend(step_schemas(today));
    }
    all
}

/// The bodies of the workflow steps: every step accepts every part (the handler reads one
/// structure), and each requires the parts it reads.
fn step_schemas(today: NaiveDate) -> Map<String, Value> {
    let step = |description: &str, required: &[&str], overrides: Value| {
        let mut props = json!({
            "care_arrangements_type": {"type": "string", "enum": homeward_domain::catalogue::CARE_ARRANGEMENT}, "caregiver_name": {"type": "string"},
            "start_date": {"type": "string", "format": "date"}, "adult_name": {"type": "string"}, "relation": {"type": "string"},
            "reunification_date": {"type": "string", "format": "date"}, "with_verified_adult": {"type": "boolean"},
            "closure_reason": {"type": "string", "enum": homeward_domain::workflow::CLOSURE_REASONS},
            "permanent_care_type": {"type": "string", "enum": crate::api::workflow::LONG_TERM_TYPES},
            "override_reason": {"type": "string"}, "notes": {"type": "string"}});
        if let (Some(p), Value::Object(o)) = (props.as_object_mut(), overrides) {
            p.extend(o);
        }
        json!({"type": "object", "additionalProperties": false, "description": description, "required": required, "properties": props})
    };
    let schemas = json!({
        "StepRequest": step("This step reads nothing but the notes; the other parts are accepted and left unused", &[], json!({})),
        "InterimCareRequest": step("The placement: its kind, and its start (today when absent, never in the future)", &["care_arrangements_type"],
            json!({"start_date": date_up_to(today)})),
        "ReunifyRequest": step("The adult the child goes to, and the date (today when absent)", &["adult_name"],
            json!({"adult_name": trimmed_at_least(1)})),
        "CloseRequest": step("Why the case closes", &["closure_reason"], json!({})),
        "LongTermCareRequest": step("The kind of long-term care; adoption and kafala may need a supervisor's override reason (R3)", &["permanent_care_type"],
            json!({"override_reason": trimmed_at_least(20)})),
    });
    match schemas {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Request and response bodies of the prevention routes.
fn prevention_schemas() -> Map<String, Value> {
    use homeward_domain::catalogue::prevention::{CHECKPOINT_STATUS, REFERRAL_STATUS};
    let reference = json!({"type": "string", "pattern": reference_pattern()});
    let schemas = json!({
        "CheckpointOutcome": {"type": "object", "additionalProperties": false, "required": ["outcome"], "properties": {
            "outcome": {"type": "string", "enum": &CHECKPOINT_STATUS[1..]}, "note": {"type": "string"}}},
        "ReferralStatusRequest": {"type": "object", "additionalProperties": false, "required": ["status"], "properties": {
            "status": {"type": "string", "enum": &REFERRAL_STATUS[1..]}, "note": {"type": "string"}}},
        "CheckpointScreening": {"type": "object", "required": ["record", "screening"], "properties": {
            "record": {"$ref": "#/components/schemas/CheckpointLog"},
            "screening": {"type": "object", "properties": {
                "risk_score": {"type": "integer"}, "risk_items": {"type": "array", "items": {"type": "string"}},
                "red_flags": {"type": "array", "items": {"type": "string"}}, "needs_attention": {"type": "boolean"},
                "concerns": {"type": "array", "items": {"type": "object", "properties": {
                    "reference": reference, "kind": {"type": "string"}, "next_step": {"type": "string"}}}}}}}},
        "OverdueVisits": {"type": "array", "items": {"type": "object", "properties": {
            "reference": {"type": "string"}, "district": {"type": ["string", "null"]}, "committee": {"type": ["string", "null"]},
            "risk_level": {"type": ["string", "null"]}, "last_visit_date": {"type": ["string", "null"]}, "next_visit_due": {"type": "string"}}}},
        "IndicatorReport": {"type": "object", "required": ["period", "exact", "suppress_below", "indicators"], "properties": {
            "period": {"type": "string"}, "area": {"type": ["string", "null"]},
            "exact": {"type": "boolean", "description": "False when counts under suppress_below are withheld (null), with complementary cells withheld so no withheld count can be worked out from totals, other periods or other areas"},
            "suppress_below": {"type": "integer"},
            "indicators": {"type": "array", "items": {"type": "object", "required": ["id", "title", "population", "rule", "columns", "rows", "withheld_cells"], "properties": {
                "id": {"type": "string"}, "title": {"type": "string"}, "population": {"type": "string", "description": "Who is counted: a share's denominator"},
                "numerator": {"type": ["string", "null"]}, "rule": {"type": "string"}, "by": {"type": ["string", "null"]},
                "columns": {"type": "array", "items": {"type": "string"}, "description": "The breakdown's values, then total"},
                "withheld_cells": {"type": "integer"},
                "rows": {"type": "array", "items": {"type": "object", "required": ["place", "count"], "properties": {
                    "place": {"type": "string", "description": "A district, or all"},
                    "count": {"type": "array", "items": {"type": ["integer", "null"]}, "description": "Per column: the count, or a share's numerator; null when withheld"},
                    "of": {"type": "array", "items": {"type": ["integer", "null"]}, "description": "A share's denominator per column"},
                    "percent": {"type": "array", "items": {"type": ["number", "null"]}},
                    "median_days": {"type": "array", "items": {"type": ["number", "null"]}}}}}}}}}},
        "IncidentDataset": {"type": "object", "required": ["records", "k", "generalised", "suppressed"], "properties": {
            "k": {"type": "integer", "description": "Every combination of sex, age_band, place, period and nationality appears at least k times"},
            "generalised": {"type": "array", "items": {"type": "string"}, "description": "How the quasi-identifiers were widened, in order"},
            "suppressed": {"type": "integer", "description": "Rows dropped because their combination stayed under k"},
            "records": {"type": "array", "items": {"type": "object", "required": ["sex", "age_band", "place", "period", "nationality", "attributes"], "properties": {
                "sex": {"type": "string"}, "age_band": {"type": "string"}, "place": {"type": "string"},
                "period": {"type": "string"}, "nationality": {"type": "string"},
                "attributes": {"type": "object", "additionalProperties": {"type": "string"}}}}}}},
        "RecruitmentAnalysis": {"type": "object", "properties": {
            "exact": {"type": "boolean", "description": "False when counts under 11 are withheld (null)"},
            "suppress_below": {"type": "integer"},
            "tables": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "object", "properties": {
                "month": {"type": "string"}, "value": {"type": "string"}, "count": {"type": ["integer", "null"]}}}}}}}
    });
    match schemas {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// The whole document.
pub fn document() -> Value {
    let today = Utc::now().date_naive();
    let mut paths: Map<String, Value> = Map::new();
    for d in route_docs() {
        let mut op = Map::new();
        op.insert("summary".into(), json!(d.summary));
        op.insert("tags".into(), json!([d.tag]));
        op.insert(
            "operationId".into(),
            json!(format!("{} {}", d.method.to_lowercase(), d.path)),
        );
        let mut params: Vec<Value> = Vec::new();
        for seg in d.path.split('/').filter(|s| s.starts_with('{')) {
            let name = seg.trim_matches(|c| c == '{' || c == '}');
            params.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"},
                "description": if name == "key" { "Record id (UUID) or reference (HW-…/TR-…)" } else { "Id" }}));
        }
        for q in &d.query {
            params.push(query_param(q));
        }
        if d.method == "PATCH" && d.path.contains("{key}") {
            params.push(json!({"name": "If-Match", "in": "header", "required": false, "schema": {"type": "string", "pattern": "^(W/)?\"?[0-9]{1,18}\"?$"}, "description": "The version from the ETag; the change is refused with 409 if the record changed since"}));
        }
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        if let Some(req) = d.request {
            op.insert("requestBody".into(), json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{req}")}}}}));
        }
        let mut responses = Map::new();
        let (status, schema) = d.response;
        let ok = match schema {
            Some(s) => {
                json!({"description": "Success", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{s}")}}}})
            }
            None => json!({"description": "Success"}),
        };
        responses.insert(status.to_string(), ok);
        responses.insert("400".into(), error_response("The request is malformed"));
        if d.authenticated {
            responses.insert("401".into(), error_response("Not logged in"));
        }
        if d.action.is_some() || d.method != "GET" {
            responses.insert(
                "403".into(),
                error_response("Your role lacks the permission, or the CSRF token is missing"),
            );
        }
        if d.path.contains('{') {
            responses.insert(
                "404".into(),
                error_response("No such record visible to you"),
            );
        }
        if d.request.is_some() {
            responses.insert(
                "409".into(),
                error_response("Conflicts with a concurrent change or an existing value"),
            );
            responses.insert("413".into(), error_response("The body is too large"));
            responses.insert("415".into(), error_response("The body is not JSON"));
            responses.insert(
                "422".into(),
                error_response("A field breaks a rule: `field` names it"),
            );
        }
        if d.path == "/api/v1/sessions" {
            responses.insert(
                "401".into(),
                error_response("The username or password is wrong, or the account is disabled"),
            );
            responses.insert("429".into(), error_response("Too many login attempts"));
        }
        responses.insert(
            "500".into(),
            error_response("Server fault; nothing was changed"),
        );
        op.insert("responses".into(), Value::Object(responses));
        if d.authenticated {
            op.insert("security".into(), json!([{"session": []}, {"bearer": []}]));
        }
        if let Some(a) = d.action {
            op.insert("x-required-permission".into(), json!(a.as_str()));
        }
        let entry = paths.entry(d.path.to_string()).or_insert_with(|| json!({}));
        if let Some(obj) = entry.as_object_mut() {
            obj.insert(d.method.to_lowercase(), Value::Object(op));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Homeward API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Case management for family tracing and anti-trafficking work with separated children. Personal fields are withheld from roles without personal_data.view; every read is audited. No text anywhere may hold a NUL character (\\u0000): a request holding one is refused."},
        "paths": paths,
        "components": {
            "schemas": schemas(today),
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE},
                "bearer": {"type": "http", "scheme": "bearer"}
            }
        }
    })
}
