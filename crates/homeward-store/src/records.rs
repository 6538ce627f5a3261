//! Child cases and tracing requests: create, read, update, list, history, export and import.
//!
//! A record's plain fields are stored as JSON text (and a few are copied into columns for
//! filtering); its personal fields are one sealed JSON object. Every write appends one change
//! per changed field to the change log, in the same transaction as the projection and the audit
//! entry.

use chrono::Utc;
use homeward_domain::{
    linked_references, validate_create, validate_update, Document, FieldChanges, FieldError,
    RecordId, RecordKind, RecordScope, Reference, Scope, UserId, ValidationErrors,
};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use crate::db::{Store, WriteTx};
use crate::error::{StoreError, StoreResult};
use crate::time;

/// Largest number of records one import may hold (one transaction).
pub const IMPORT_BATCH_LIMIT: usize = 100_000;

pub(crate) const RECORD_COLUMNS: &str = "id, kind, reference, status, agency_id, team_id, owner_id, assigned_to, plain_doc, sealed_doc, version, created_at, updated_at";

/// Who is asking, and what they may see.
#[derive(Debug, Clone)]
pub struct ActorContext {
    /// The records within reach, applied inside every query.
    pub scope: RecordScope,
    /// Whether personal fields are opened for this caller.
    pub reveal_personal: bool,
}

impl ActorContext {
    pub(crate) fn user(&self) -> UserId {
        self.scope.user
    }
}

/// A record as the caller may see it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredRecord {
    /// Stable id.
    pub id: RecordId,
    /// Case or tracing request.
    pub kind: RecordKind,
    /// Short reference for cards and phone calls.
    pub reference: Reference,
    /// Workflow status.
    pub status: String,
    /// Owning agency.
    pub agency_id: homeward_domain::AgencyId,
    /// Owning team, if any.
    pub team_id: Option<homeward_domain::TeamId>,
    /// Who registered it.
    pub owner_id: UserId,
    /// The caseworker in charge, if assigned.
    pub assigned_to: Option<UserId>,
    /// Increases by one with every change; send it back to detect concurrent edits.
    pub version: i64,
    /// When registered.
    pub created_at: String,
    /// When last changed.
    pub updated_at: String,
    /// The fields the caller may see.
    pub fields: Document,
    /// True when personal fields were withheld from this caller.
    pub redacted: bool,
}

/// One entry of a record's change history.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// The change id.
    pub id: String,
    /// The field changed.
    pub field: String,
    /// The new value, or `null` when cleared or withheld.
    pub value: Value,
    /// True when the value is personal and withheld from this caller.
    pub redacted: bool,
    /// Hybrid logical clock time.
    pub hlc: String,
    /// User id of the author.
    pub actor: String,
    /// Node where the change was made.
    pub device: String,
}

/// Filters for listing records; all optional and combined with AND.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// Workflow status.
    pub status: Option<String>,
    /// Sex.
    pub sex: Option<String>,
    /// Youngest age, inclusive.
    pub age_min: Option<i64>,
    /// Oldest age, inclusive.
    pub age_max: Option<i64>,
    /// Risk level.
    pub risk_level: Option<String>,
    /// Unaccompanied or separated.
    pub protection_status: Option<String>,
    /// District.
    pub district: Option<String>,
    /// Exact reference.
    pub reference: Option<Reference>,
    /// Changed at or after this time (RFC 3339).
    pub updated_since: Option<String>,
    /// Page size.
    pub limit: i64,
    /// Records to skip.
    pub offset: i64,
}

/// One page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Matching items in all pages.
    pub total: i64,
    /// Page size used.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

/// Positional arguments for dynamically built SQL (`$1`, `$2`… on both backends).
#[derive(Default)]
pub(crate) struct Args(Vec<Arg>);

enum Arg {
    Text(String),
    Int(i64),
    OptText(Option<String>),
    OptBytes(Option<Vec<u8>>),
}

impl Args {
    pub(crate) fn text(&mut self, v: impl Into<String>) -> String {
        self.0.push(Arg::Text(v.into()));
        format!("${}", self.0.len())
    }
    fn int(&mut self, v: i64) -> String {
        self.0.push(Arg::Int(v));
        format!("${}", self.0.len())
    }
    fn opt_text(&mut self, v: Option<String>) -> String {
        self.0.push(Arg::OptText(v));
        format!("${}", self.0.len())
    }
    fn opt_bytes(&mut self, v: Option<Vec<u8>>) -> String {
        self.0.push(Arg::OptBytes(v));
        format!("${}", self.0.len())
    }
    pub(crate) fn bind<'q>(
        self,
        mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
        for a in self.0 {
            q = match a {
                Arg::Text(s) => q.bind(s),
                Arg::Int(i) => q.bind(i),
                Arg::OptText(s) => q.bind(s),
                Arg::OptBytes(b) => q.bind(b),
            };
        }
        q
    }
    fn bind_scalar<'q, O>(
        self,
        mut q: sqlx::query::QueryScalar<'q, Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryScalar<'q, Any, O, sqlx::any::AnyArguments<'q>> {
        for a in self.0 {
            q = match a {
                Arg::Text(s) => q.bind(s),
                Arg::Int(i) => q.bind(i),
                Arg::OptText(s) => q.bind(s),
                Arg::OptBytes(b) => q.bind(b),
            };
        }
        q
    }
}

/// The scope condition on records aliased `r`, with positional parameters from `$first`;
/// returns the SQL and the values to bind in order.
pub(crate) fn scope_sql(scope: &RecordScope, first: usize) -> (String, Vec<String>) {
    let p = |n: usize| format!("${n}");
    let (sql, values) = match (scope.scope, scope.team) {
        (Scope::All, _) => ("1 = 1".to_string(), vec![]),
        (Scope::Agency, _) => (
            format!("r.agency_id = {}", p(first)),
            vec![scope.agency.to_string()],
        ),
        (Scope::Team, Some(team)) => (format!("r.team_id = {}", p(first)), vec![team.to_string()]),
        (Scope::Team, None) | (Scope::Own, _) => (
            format!("(r.owner_id = {0} OR r.assigned_to = {0})", p(first)),
            vec![scope.user.to_string()],
        ),
    };
    match (&scope.committee, scope.scope) {
        (Some(c), Scope::Own | Scope::Team) => {
            let n = first + values.len();
            let mut values = values;
            values.push(c.clone());
            (format!("({sql} OR r.committee = {})", p(n)), values)
        }
        _ => (sql, values),
    }
}

/// The SQL condition that keeps only records within the scope.
pub(crate) fn scope_condition(scope: &RecordScope, args: &mut Args) -> String {
    let own = |args: &mut Args| {
        let u = args.text(scope.user.to_string());
        format!("(owner_id = {u} OR assigned_to = {u})")
    };
    let cond = match (scope.scope, scope.team) {
        (Scope::All, _) => "1 = 1".to_string(),
        (Scope::Agency, _) => format!("agency_id = {}", args.text(scope.agency.to_string())),
        (Scope::Team, Some(team)) => format!("team_id = {}", args.text(team.to_string())),
        (Scope::Team, None) | (Scope::Own, _) => own(args),
    };
    match (&scope.committee, scope.scope) {
        (Some(c), Scope::Own | Scope::Team) => {
            format!("({cond} OR committee = {})", args.text(c.clone()))
        }
        _ => cond,
    }
}

fn key_condition(key: &str, args: &mut Args) -> String {
    if let Ok(id) = key.parse::<RecordId>() {
        format!("id = {}", args.text(id.to_string()))
    } else {
        // An unparseable reference matches nothing rather than erroring: the caller gets 404.
        let r = Reference::parse(key)
            .map(|r| r.to_string())
            .unwrap_or_default();
        format!("reference = {}", args.text(r))
    }
}

fn split_fields(kind: RecordKind, doc: &Document) -> (Document, Document) {
    let mut plain = Document::new();
    let mut personal = Document::new();
    for (k, v) in doc {
        let is_personal = kind.field(k).is_none_or(|f| f.is_personal());
        if is_personal {
            personal.insert(k.clone(), v.clone());
        } else {
            plain.insert(k.clone(), v.clone());
        }
    }
    (plain, personal)
}

fn record_context(id: &RecordId) -> String {
    format!("record:{id}")
}

fn change_context(change_id: &str, record: &RecordId, field: &str) -> String {
    format!("change:{record}:{field}:{change_id}")
}

fn text_field(doc: &Document, name: &str) -> Option<String> {
    doc.get(name).and_then(Value::as_str).map(str::to_string)
}

impl Store {
    pub(crate) fn row_to_record(&self, row: &AnyRow, reveal: bool) -> StoreResult<StoredRecord> {
        let corrupt = |what: &str| StoreError::Corrupt(what.to_string());
        let id: String = row.try_get("id")?;
        let id: RecordId = id.parse().map_err(|_| corrupt("record id"))?;
        let kind: String = row.try_get("kind")?;
        let kind = RecordKind::parse(&kind).ok_or_else(|| corrupt("record kind"))?;
        let reference: String = row.try_get("reference")?;
        let plain: String = row.try_get("plain_doc")?;
        let mut fields: Document =
            serde_json::from_str(&plain).map_err(|_| corrupt("plain fields"))?;
        if reveal {
            let sealed: Vec<u8> = row.try_get("sealed_doc")?;
            let opened = self.inner.cipher.open(&sealed, &record_context(&id))?;
            let personal: Document =
                serde_json::from_slice(&opened).map_err(|_| corrupt("personal fields"))?;
            fields.extend(personal);
            // Keep catalogue order so forms and exports read naturally.
            let mut ordered = Document::new();
            for spec in kind.fields() {
                if let Some(v) = fields.remove(spec.name) {
                    ordered.insert(spec.name.to_string(), v);
                }
            }
            ordered.extend(fields);
            fields = ordered;
        }
        Ok(StoredRecord {
            id,
            kind,
            reference: Reference::parse(&reference).map_err(|_| corrupt("reference"))?,
            status: row.try_get("status")?,
            agency_id: row
                .try_get::<String, _>("agency_id")?
                .parse()
                .map_err(|_| corrupt("agency"))?,
            team_id: parse_opt(row.try_get("team_id")?),
            owner_id: row
                .try_get::<String, _>("owner_id")?
                .parse()
                .map_err(|_| corrupt("owner"))?,
            assigned_to: parse_opt(row.try_get("assigned_to")?),
            version: row.try_get("version")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            fields,
            redacted: !reveal,
        })
    }

    /// Registers a new record for the caller's agency and team, owned by the caller.
    pub async fn create_record(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        input: &Document,
    ) -> StoreResult<StoredRecord> {
        self.create_record_with(ctx, kind, input, &Document::new())
            .await
    }

    /// Registers a new record with workflow fields set by Homeward itself (such as the stage
    /// of a case registered by a caseworker), in the same transaction.
    pub async fn create_record_with(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        input: &Document,
        system: &Document,
    ) -> StoreResult<StoredRecord> {
        self.create_record_affecting(ctx, kind, input, system, &[])
            .await
    }

    /// Registers a new record and, in the same transaction, sets fields that Homeward derives
    /// on records it links to (a home visit sets its household's risk level and next visit).
    /// The linked records are changed whatever the caller's scope: the caller named them by
    /// reference, and only derived fields change.
    pub async fn create_record_affecting(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        input: &Document,
        system: &Document,
        linked: &[(Reference, Document)],
    ) -> StoreResult<StoredRecord> {
        let today = Utc::now().date_naive();
        let mut doc = validate_create(kind, input, today).map_err(StoreError::Invalid)?;
        doc.extend(system.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut w = self.begin_write().await?;
        let record = self.insert_record(&mut w, ctx, kind, &doc, None).await?;
        let reach_all = ActorContext {
            scope: RecordScope {
                scope: Scope::All,
                ..ctx.scope.clone()
            },
            reveal_personal: true,
        };
        for (reference, fields) in linked {
            let (current, ()) = self
                .load_for_update(&mut w, &reach_all, reference.kind(), reference.as_str())
                .await?;
            let mut merged = current.fields.clone();
            merged.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
            self.write_update(&mut w, ctx, current, &merged).await?;
        }
        w.commit().await?;
        Ok(for_caller(record, ctx))
    }

    /// Stores a batch (an import) in one transaction: either every record is stored or none.
    /// Records carrying an `id` that already exists in the caller's scope are updated instead.
    pub async fn import_records(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        inputs: &[(Option<RecordId>, Document)],
    ) -> StoreResult<Vec<Reference>> {
        self.import_records_deriving(ctx, kind, inputs, &|_| Document::new())
            .await
    }

    /// An import whose records get the fields Homeward derives from them (scores), as records
    /// entered one by one do.
    pub async fn import_records_deriving(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        inputs: &[(Option<RecordId>, Document)],
        derive: &(dyn Fn(&Document) -> Document + Sync),
    ) -> StoreResult<Vec<Reference>> {
        if inputs.len() > IMPORT_BATCH_LIMIT {
            return Err(StoreError::Config(format!("{} records is more than one import can hold ({IMPORT_BATCH_LIMIT}); split the file", inputs.len())));
        }
        let today = Utc::now().date_naive();
        let mut w = self.begin_write().await?;
        let mut refs = Vec::with_capacity(inputs.len());
        for (index, (id, input)) in inputs.iter().enumerate() {
            let existing = match id {
                Some(id) => match self
                    .load_for_update(&mut w, ctx, kind, &id.to_string())
                    .await
                {
                    Ok(found) => Some(found),
                    Err(StoreError::NotFound) if self.record_exists(&mut w, id).await? => {
                        return Err(StoreError::InvalidRow {
                            index,
                            errors: ValidationErrors(vec![FieldError::new(
                                "id",
                                "record_out_of_scope",
                                "names a record that exists but is outside your scope; import it as a user who can see it, or leave `id` blank to register a new record",
                            )]),
                        });
                    }
                    Err(StoreError::NotFound) => None,
                    Err(e) => return Err(e),
                },
                None => None,
            };
            let reference = match existing {
                Some((current, _)) => {
                    let doc = validate_update(kind, &without_status(&current.fields), input, today)
                        .map_err(|errors| StoreError::InvalidRow { index, errors })?;
                    let mut doc = with_status(doc, &current.status);
                    doc.extend(derive(&doc));
                    self.write_update(&mut w, ctx, current, &doc)
                        .await
                        .map_err(|e| e.at_row(index))?
                        .reference
                }
                None => {
                    let mut doc = validate_create(kind, input, today)
                        .map_err(|errors| StoreError::InvalidRow { index, errors })?;
                    doc.extend(derive(&doc));
                    self.insert_record(&mut w, ctx, kind, &doc, *id)
                        .await
                        .map_err(|e| e.at_row(index))?
                        .reference
                }
            };
            refs.push(reference);
        }
        w.audit(
            &ctx.user().to_string(),
            "records.import",
            None,
            &json!({"kind": kind.as_str(), "count": refs.len()}),
        )
        .await?;
        w.commit().await?;
        Ok(refs)
    }

    /// Refuses a document whose `Link` fields name records that do not exist, naming the field.
    async fn check_links(
        &self,
        w: &mut WriteTx<'_>,
        kind: RecordKind,
        doc: &Document,
    ) -> StoreResult<()> {
        let mut errors = Vec::new();
        for (field, reference) in linked_references(kind.fields(), doc) {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM records WHERE reference = $1 AND kind = $2")
                    .bind(reference.to_string())
                    .bind(reference.kind().as_str())
                    .fetch_optional(&mut *w.tx)
                    .await?;
            if found.is_none() {
                let message = format!(
                    "no {} has the reference {reference}; check it against the card or register the {} first",
                    reference.kind().human(),
                    reference.kind().human()
                );
                errors.push(
                    FieldError::new(field, "unknown_reference", message)
                        .arg("reference", &reference)
                        .arg("kind", reference.kind().human()),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(ValidationErrors(errors)))
        }
    }

    async fn record_exists(&self, w: &mut WriteTx<'_>, id: &RecordId) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM records WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *w.tx)
            .await?;
        Ok(found.is_some())
    }

    async fn insert_record(
        &self,
        w: &mut WriteTx<'_>,
        ctx: &ActorContext,
        kind: RecordKind,
        doc: &Document,
        id: Option<RecordId>,
    ) -> StoreResult<StoredRecord> {
        self.check_links(w, kind, doc).await?;
        let id = id.unwrap_or_default();
        let reference = loop {
            let candidate = Reference::generate(kind);
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM records WHERE reference = $1")
                    .bind(candidate.to_string())
                    .fetch_optional(&mut *w.tx)
                    .await?;
            if taken.is_none() {
                break candidate;
            }
        };
        let (plain, personal) = split_fields(kind, doc);
        let sealed = self.inner.cipher.seal(
            &serde_json::to_vec(&personal).unwrap_or_default(),
            &record_context(&id),
        );
        let now = time::now_text();
        let hlc = self.now_hlc();
        sqlx::query(
            "INSERT INTO records (id, kind, reference, status, agency_id, team_id, owner_id, assigned_to, sex, age, risk_level, protection_status, district, plain_doc, sealed_doc, version, created_at, updated_at, updated_hlc, committee) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16, $17, $18)",
        )
        .bind(id.to_string())
        .bind(kind.as_str())
        .bind(reference.to_string())
        .bind(text_field(doc, "status").unwrap_or_else(|| kind.initial_status().to_string()))
        .bind(ctx.scope.agency.to_string())
        .bind(ctx.scope.team.map(|t| t.to_string()))
        .bind(ctx.user().to_string())
        .bind(Option::<String>::None)
        .bind(text_field(doc, "sex"))
        .bind(doc.get("age").and_then(Value::as_i64))
        .bind(text_field(doc, "risk_level"))
        .bind(text_field(doc, "protection_status"))
        .bind(text_field(doc, "district"))
        .bind(Value::Object(plain).to_string())
        .bind(sealed)
        .bind(&now)
        .bind(hlc.to_string())
        .bind(text_field(doc, "committee"))
        .execute(&mut *w.tx)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "a record with this id"))?;
        let changes = FieldChanges::between(&Document::new(), doc);
        self.append_changes(w, ctx, kind, &id, &changes).await?;
        w.audit(&ctx.user().to_string(), "record.create", Some(&id.to_string()), &json!({"kind": kind.as_str(), "reference": reference.to_string(), "fields": changes.field_names()})).await?;
        Ok(StoredRecord {
            id,
            kind,
            reference,
            status: text_field(doc, "status").unwrap_or_else(|| kind.initial_status().to_string()),
            agency_id: ctx.scope.agency,
            team_id: ctx.scope.team,
            owner_id: ctx.user(),
            assigned_to: None,
            version: 1,
            created_at: now.clone(),
            updated_at: now,
            fields: doc.clone(),
            redacted: false,
        })
    }

    async fn append_changes(
        &self,
        w: &mut WriteTx<'_>,
        ctx: &ActorContext,
        kind: RecordKind,
        id: &RecordId,
        changes: &FieldChanges,
    ) -> StoreResult<()> {
        if changes.is_empty() {
            return Ok(());
        }
        // One statement for all fields: a round trip per field would dominate a registration.
        let mut args = Args::default();
        let mut rows = Vec::with_capacity(changes.0.len());
        let (record, actor) = (id.to_string(), ctx.user().to_string());
        for (field, value) in &changes.0 {
            let change_id = uuid::Uuid::now_v7().to_string();
            let personal = kind.field(field).is_none_or(|f| f.is_personal());
            let (plain, sealed) = if personal {
                let context = change_context(&change_id, id, field);
                (
                    None,
                    Some(
                        self.inner
                            .cipher
                            .seal(value.to_string().as_bytes(), &context),
                    ),
                )
            } else {
                (Some(value.to_string()), None)
            };
            let placeholders = [
                args.text(change_id),
                args.text(record.clone()),
                args.text(field.clone()),
                args.opt_text(plain),
                args.opt_bytes(sealed),
                args.text(self.now_hlc().to_string()),
                args.text(actor.clone()),
                args.text(self.inner.device.clone()),
            ];
            rows.push(format!("({})", placeholders.join(", ")));
        }
        let sql = format!(
            "INSERT INTO changes (id, record_id, field, value_plain, value_sealed, hlc, actor, device) VALUES {}",
            rows.join(", ")
        );
        args.bind(sqlx::query(&sql)).execute(&mut *w.tx).await?;
        self.announce_changes(w).await
    }

    pub(crate) async fn fetch_unaudited(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        key: &str,
    ) -> StoreResult<StoredRecord> {
        let mut args = Args::default();
        let kind_p = args.text(kind.as_str());
        let key_c = key_condition(key, &mut args);
        let scope_c = scope_condition(&ctx.scope, &mut args);
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE kind = {kind_p} AND {key_c} AND {scope_c}"
        );
        let row = args
            .bind(sqlx::query(&sql))
            .fetch_optional(&self.inner.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.row_to_record(&row, ctx.reveal_personal)
    }

    pub(crate) async fn load_for_update(
        &self,
        w: &mut WriteTx<'_>,
        ctx: &ActorContext,
        kind: RecordKind,
        key: &str,
    ) -> StoreResult<(StoredRecord, ())> {
        let mut args = Args::default();
        let kind_p = args.text(kind.as_str());
        let key_c = key_condition(key, &mut args);
        let scope_c = scope_condition(&ctx.scope, &mut args);
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE kind = {kind_p} AND {key_c} AND {scope_c}"
        );
        let row = args
            .bind(sqlx::query(&sql))
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        // Updates always work on the whole record: merging needs the personal fields too.
        Ok((self.row_to_record(&row, true)?, ()))
    }

    /// Whether a record is within the caller's scope (not audited: nothing is disclosed).
    pub async fn record_in_scope(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        id: &RecordId,
    ) -> StoreResult<bool> {
        let mut args = Args::default();
        let kind_p = args.text(kind.as_str());
        let id_p = args.text(id.to_string());
        let scope_c = scope_condition(&ctx.scope, &mut args);
        let sql =
            format!("SELECT 1 FROM records WHERE kind = {kind_p} AND id = {id_p} AND {scope_c}");
        Ok(args
            .bind_scalar::<i64>(sqlx::query_scalar(&sql))
            .fetch_optional(&self.inner.pool)
            .await?
            .is_some())
    }

    /// Reads one record by id or reference; the read is audited.
    pub async fn get_record(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        key: &str,
    ) -> StoreResult<StoredRecord> {
        let mut w = self.begin_write().await?;
        let mut args = Args::default();
        let kind_p = args.text(kind.as_str());
        let key_c = key_condition(key, &mut args);
        let scope_c = scope_condition(&ctx.scope, &mut args);
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE kind = {kind_p} AND {key_c} AND {scope_c}"
        );
        let row = args
            .bind(sqlx::query(&sql))
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut record = self.row_to_record(&row, ctx.reveal_personal)?;
        // A case merged into another is found through its old reference: follow it once.
        let merged_into = record
            .fields
            .get("merged_into")
            .and_then(Value::as_str)
            .map(str::to_string);
        let resolved_from = match (record.status.as_str(), merged_into) {
            ("duplicate", Some(target)) => {
                let mut args = Args::default();
                let kind_p = args.text(kind.as_str());
                let id_p = args.text(target);
                let scope_c = scope_condition(&ctx.scope, &mut args);
                let sql = format!("SELECT {RECORD_COLUMNS} FROM records WHERE kind = {kind_p} AND id = {id_p} AND {scope_c}");
                match args
                    .bind(sqlx::query(&sql))
                    .fetch_optional(&mut *w.tx)
                    .await?
                {
                    Some(survivor) => {
                        let from = record.reference.to_string();
                        record = self.row_to_record(&survivor, ctx.reveal_personal)?;
                        Some(from)
                    }
                    None => None,
                }
            }
            _ => None,
        };
        w.audit(&ctx.user().to_string(), "record.read", Some(&record.id.to_string()), &json!({"kind": kind.as_str(), "reference": record.reference.to_string(), "personal": ctx.reveal_personal, "resolved_from": resolved_from})).await?;
        w.commit().await?;
        Ok(record)
    }

    /// Applies a partial update. With `expected_version`, refuses if someone else changed the
    /// record since the caller read it.
    pub async fn update_record(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        key: &str,
        patch: &Document,
        expected_version: Option<i64>,
    ) -> StoreResult<StoredRecord> {
        self.update_record_deriving(ctx, kind, key, patch, expected_version, &|_| {
            Document::new()
        })
        .await
    }

    /// Changes a record, then sets the fields Homeward derives from the changed record (a home
    /// visit's risk score from its checklist), in the same transaction.
    pub async fn update_record_deriving(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        key: &str,
        patch: &Document,
        expected_version: Option<i64>,
        derive: &(dyn Fn(&Document) -> Document + Sync),
    ) -> StoreResult<StoredRecord> {
        let today = Utc::now().date_naive();
        let mut w = self.begin_write().await?;
        let (current, ()) = self.load_for_update(&mut w, ctx, kind, key).await?;
        if let Some(v) = expected_version {
            if v != current.version {
                return Err(StoreError::Conflict(format!(
                    "this {} was changed by someone else since you opened it (it is now at version {}, you sent {v}); reload it and make your change again",
                    kind.human(),
                    current.version
                )));
            }
        }
        let doc = validate_update(kind, &without_status(&current.fields), patch, today)
            .map_err(StoreError::Invalid)?;
        let mut doc = with_status(doc, &current.status);
        doc.extend(derive(&doc));
        let updated = self.write_update(&mut w, ctx, current, &doc).await?;
        w.commit().await?;
        Ok(for_caller(updated, ctx))
    }

    pub(crate) async fn write_update(
        &self,
        w: &mut WriteTx<'_>,
        ctx: &ActorContext,
        current: StoredRecord,
        doc: &Document,
    ) -> StoreResult<StoredRecord> {
        let changes = FieldChanges::between(&current.fields, doc);
        if changes.is_empty() {
            return Ok(current);
        }
        let kind = current.kind;
        self.check_links(w, kind, doc).await?;
        let now = time::now_text();
        let (plain, personal) = split_fields(kind, doc);
        let sealed = self.inner.cipher.seal(
            &serde_json::to_vec(&personal).unwrap_or_default(),
            &record_context(&current.id),
        );
        sqlx::query("UPDATE records SET status = $1, sex = $2, age = $3, risk_level = $4, protection_status = $5, district = $6, plain_doc = $7, sealed_doc = $8, version = version + 1, updated_at = $9, updated_hlc = $10, committee = $12 WHERE id = $11")
            .bind(text_field(doc, "status").unwrap_or_else(|| current.status.clone()))
            .bind(text_field(doc, "sex"))
            .bind(doc.get("age").and_then(Value::as_i64))
            .bind(text_field(doc, "risk_level"))
            .bind(text_field(doc, "protection_status"))
            .bind(text_field(doc, "district"))
            .bind(Value::Object(plain).to_string())
            .bind(sealed)
            .bind(&now)
            .bind(self.now_hlc().to_string())
            .bind(current.id.to_string())
            .bind(text_field(doc, "committee"))
            .execute(&mut *w.tx)
            .await?;
        self.append_changes(w, ctx, kind, &current.id, &changes)
            .await?;
        w.audit(&ctx.user().to_string(), "record.update", Some(&current.id.to_string()), &json!({"kind": kind.as_str(), "reference": current.reference.to_string(), "fields": changes.field_names()})).await?;
        Ok(StoredRecord {
            status: text_field(doc, "status").unwrap_or_else(|| current.status.clone()),
            version: current.version + 1,
            updated_at: now,
            fields: doc.clone(),
            ..current
        })
    }

    /// Assigns a record to a caseworker (or clears the assignment).
    pub async fn assign_record(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        key: &str,
        to: Option<UserId>,
    ) -> StoreResult<StoredRecord> {
        let mut w = self.begin_write().await?;
        let (current, ()) = self.load_for_update(&mut w, ctx, kind, key).await?;
        sqlx::query("UPDATE records SET assigned_to = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(to.map(|u| u.to_string()))
            .bind(time::now_text())
            .bind(current.id.to_string())
            .execute(&mut *w.tx)
            .await?;
        w.audit(
            &ctx.user().to_string(),
            "record.assign",
            Some(&current.id.to_string()),
            &json!({"assigned_to": to.map(|u| u.to_string())}),
        )
        .await?;
        w.commit().await?;
        self.fetch_unaudited(ctx, kind, &current.id.to_string())
            .await
    }

    pub(crate) fn filter_conditions(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        f: &RecordFilter,
        args: &mut Args,
    ) -> String {
        let mut conds = vec![
            format!("kind = {}", args.text(kind.as_str())),
            scope_condition(&ctx.scope, args),
        ];
        let mut eq = |col: &str, v: &Option<String>, args: &mut Args| {
            if let Some(v) = v {
                conds.push(format!("{col} = {}", args.text(v.clone())));
            }
        };
        eq("status", &f.status, args);
        eq("sex", &f.sex, args);
        eq("risk_level", &f.risk_level, args);
        eq("protection_status", &f.protection_status, args);
        eq("district", &f.district, args);
        eq(
            "reference",
            &f.reference.as_ref().map(|r| r.to_string()),
            args,
        );
        if let Some(since) = &f.updated_since {
            conds.push(format!("updated_at >= {}", args.text(since.clone())));
        }
        if let Some(min) = f.age_min {
            conds.push(format!("age >= {}", args.int(min)));
        }
        if let Some(max) = f.age_max {
            conds.push(format!("age <= {}", args.int(max)));
        }
        conds.join(" AND ")
    }

    /// How many records in the caller's scope pass the filter, for a dashboard's figures. Not
    /// audited: a count in one's own scope discloses no record.
    pub async fn count_matching(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        filter: &RecordFilter,
    ) -> StoreResult<i64> {
        let mut args = Args::default();
        let conds = self.filter_conditions(ctx, kind, filter, &mut args);
        Ok(args
            .bind_scalar(sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM records WHERE {conds}"
            )))
            .fetch_one(&self.inner.pool)
            .await?)
    }

    /// Lists records in the caller's scope, newest change first; the listing is audited.
    pub async fn list_records(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        filter: &RecordFilter,
    ) -> StoreResult<Page<StoredRecord>> {
        let limit = filter.limit.clamp(1, 500);
        let offset = filter.offset.max(0);
        let mut args = Args::default();
        let conds = self.filter_conditions(ctx, kind, filter, &mut args);
        let total: i64 = args
            .bind_scalar(sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM records WHERE {conds}"
            )))
            .fetch_one(&self.inner.pool)
            .await?;
        let mut args = Args::default();
        let conds = self.filter_conditions(ctx, kind, filter, &mut args);
        let lim = args.int(limit);
        let off = args.int(offset);
        let sql = format!("SELECT {RECORD_COLUMNS} FROM records WHERE {conds} ORDER BY updated_at DESC, id LIMIT {lim} OFFSET {off}");
        let rows = args
            .bind(sqlx::query(&sql))
            .fetch_all(&self.inner.pool)
            .await?;
        let items = rows
            .iter()
            .map(|r| self.row_to_record(r, ctx.reveal_personal))
            .collect::<StoreResult<Vec<_>>>()?;
        let refs: Vec<String> = items.iter().map(|r| r.reference.to_string()).collect();
        self.audit(
            &ctx.user().to_string(),
            "records.list",
            None,
            json!({"kind": kind.as_str(), "references": refs, "personal": ctx.reveal_personal}),
        )
        .await?;
        Ok(Page {
            items,
            total,
            limit,
            offset,
        })
    }

    /// The change history of one record, oldest first; reading it is audited.
    pub async fn record_history(
        &self,
        ctx: &ActorContext,
        kind: RecordKind,
        key: &str,
    ) -> StoreResult<Vec<ChangeView>> {
        let record = self.fetch_unaudited(ctx, kind, key).await?;
        let rows = sqlx::query("SELECT id, field, value_plain, value_sealed, hlc, actor, device FROM changes WHERE record_id = $1 ORDER BY seq")
            .bind(record.id.to_string())
            .fetch_all(&self.inner.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let change_id: String = r.try_get("id")?;
            let field: String = r.try_get("field")?;
            let plain: Option<String> = r.try_get("value_plain")?;
            let sealed: Option<Vec<u8>> = r.try_get("value_sealed")?;
            let (value, redacted) = match (plain, sealed) {
                (Some(p), _) => (
                    serde_json::from_str(&p)
                        .map_err(|_| StoreError::Corrupt("change value".into()))?,
                    false,
                ),
                (None, Some(s)) if ctx.reveal_personal => {
                    let opened = self
                        .inner
                        .cipher
                        .open(&s, &change_context(&change_id, &record.id, &field))?;
                    (
                        serde_json::from_slice(&opened)
                            .map_err(|_| StoreError::Corrupt("change value".into()))?,
                        false,
                    )
                }
                _ => (Value::Null, true),
            };
            out.push(ChangeView {
                id: change_id,
                field,
                value,
                redacted,
                hlc: r.try_get("hlc")?,
                actor: r.try_get("actor")?,
                device: r.try_get("device")?,
            });
        }
        self.audit(
            &ctx.user().to_string(),
            "record.history",
            Some(&record.id.to_string()),
            json!({"kind": kind.as_str(), "reference": record.reference.to_string()}),
        )
        .await?;
        Ok(out)
    }

    /// How many records of a kind exist in total (for health checks and demos).
    pub async fn count_records(&self, kind: RecordKind) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM records WHERE kind = $1")
                .bind(kind.as_str())
                .fetch_one(&self.inner.pool)
                .await?,
        )
    }
}

/// Withholds personal fields from a caller without the right to see them.
pub(crate) fn for_caller(mut record: StoredRecord, ctx: &ActorContext) -> StoredRecord {
    if !ctx.reveal_personal {
        let kind = record.kind;
        record
            .fields
            .retain(|name, _| kind.field(name).is_some_and(|f| !f.is_personal()));
        record.redacted = true;
    }
    record
}

fn parse_opt<T: std::str::FromStr>(s: Option<String>) -> Option<T> {
    s.and_then(|s| s.parse().ok())
}

fn without_status(doc: &Document) -> Document {
    let mut d = doc.clone();
    d.remove("status");
    d
}

fn with_status(mut doc: Document, status: &str) -> Document {
    doc.insert("status".into(), Value::String(status.to_string()));
    doc
}
