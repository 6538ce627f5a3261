//! The JSON API under `/api/v1`.
//!
//! Routes are registered through [`DocRouter`], which records each route's documentation as it
//! adds the handler, so the OpenAPI document is generated from the very list the server serves
//! and cannot drift from it.

pub mod audit;
pub mod extract;
pub mod health;
pub mod htcds;
pub mod incident_dataset;
pub mod list_export;
pub mod matches;
pub mod prevention;
pub mod record_body;
pub mod records;
pub mod reports;
pub mod sessions;
pub mod users;
pub mod workflow;

use axum::http::{Method, Uri};
use axum::routing::{get, MethodRouter};
use axum::Router;
use homeward_auth::Action;
use homeward_domain::RecordKind;

use crate::error::ApiError;
use crate::AppState;

/// A query parameter, for the OpenAPI document.
#[derive(Debug, Clone, Copy)]
pub struct QueryParam {
    /// Name.
    pub name: &'static str,
    /// The values the handler accepts: exactly those, so a client that keeps to the document
    /// is never refused for the form of a parameter.
    pub schema: ParamSchema,
    /// Whether the request is refused without it.
    pub required: bool,
    /// What it does.
    pub doc: &'static str,
}

/// What a query parameter accepts.
#[derive(Debug, Clone, Copy)]
pub enum ParamSchema {
    /// Any text.
    Text,
    /// Text of at most this many characters, none of them a control character.
    PlainText {
        /// The most characters.
        max_len: usize,
    },
    /// One of these values.
    OneOf(fn() -> Vec<&'static str>),
    /// Some of these values, comma-separated (none is the same as leaving it out).
    SomeOf(fn() -> Vec<&'static str>),
    /// A whole number in a range.
    Integer {
        /// Smallest.
        min: i64,
        /// Largest.
        max: i64,
    },
    /// `true` or `false`.
    Boolean,
    /// An RFC 3339 time.
    DateTime,
    /// A record's reference (with its check character).
    Reference,
    /// A status of this record kind.
    Status(RecordKind),
    /// Text matching this regular expression.
    Pattern(&'static str),
}

/// The documentation of one route.
#[derive(Debug, Clone)]
pub struct RouteDoc {
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path with `{param}` placeholders, as axum and OpenAPI both write them.
    pub path: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// Grouping tag.
    pub tag: &'static str,
    /// The permission required; `None` for public routes, `Some(None)`-like "any logged-in
    /// user" is written as `authenticated: true` with no action.
    pub action: Option<Action>,
    /// Whether a session is needed at all.
    pub authenticated: bool,
    /// Request body schema name, if any.
    pub request: Option<&'static str>,
    /// Success status and response schema name (`None` for no body).
    pub response: (u16, Option<&'static str>),
    /// Query parameters.
    pub query: Vec<QueryParam>,
}

/// A router that keeps the documentation of every route it serves.
pub struct DocRouter {
    router: Router<AppState>,
    docs: Vec<RouteDoc>,
}

impl DocRouter {
    fn new() -> Self {
        Self {
            router: Router::new(),
            docs: Vec::new(),
        }
    }

    fn route(mut self, doc: RouteDoc, handler: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(doc.path, handler);
        self.docs.push(doc);
        self
    }
}

struct D {
    doc: RouteDoc,
}

fn doc(method: &'static str, path: &'static str, tag: &'static str, summary: &'static str) -> D {
    D {
        doc: RouteDoc {
            method,
            path,
            summary,
            tag,
            action: None,
            authenticated: true,
            request: None,
            response: (200, None),
            query: Vec::new(),
        },
    }
}

impl D {
    fn action(mut self, a: Action) -> Self {
        self.doc.action = Some(a);
        self
    }
    fn public(mut self) -> Self {
        self.doc.authenticated = false;
        self
    }
    fn request(mut self, schema: &'static str) -> Self {
        self.doc.request = Some(schema);
        self
    }
    fn response(mut self, status: u16, schema: Option<&'static str>) -> Self {
        self.doc.response = (status, schema);
        self
    }
    fn query(mut self, q: &'static [QueryParam]) -> Self {
        self.doc.query.extend_from_slice(q);
        self
    }
    fn queries(mut self, qs: Vec<QueryParam>) -> Self {
        self.doc.query.extend(qs);
        self
    }
}

/// All API routes and their documentation.
pub fn routes() -> (Router<AppState>, Vec<RouteDoc>) {
    use axum::routing::{delete, patch, post, put};
    use records::{Cases, TracingRequests};
    let r = DocRouter::new()
        .route(
            doc(
                "GET",
                "/api/v1/openapi.json",
                "meta",
                "This OpenAPI document",
            )
            .public()
            .response(200, Some("OpenApi"))
            .doc,
            get(openapi_json),
        )
        .route(
            doc(
                "POST",
                "/api/v1/sessions",
                "sessions",
                "Log in: a browser session (cookie + CSRF token) or an API token",
            )
            .public()
            .request("LoginRequest")
            .response(201, Some("SessionInfo"))
            .doc,
            post(sessions::login),
        )
        .route(
            doc(
                "GET",
                "/api/v1/sessions/current",
                "sessions",
                "The logged-in user and their permissions",
            )
            .response(200, Some("SessionInfo"))
            .doc,
            get(sessions::current),
        )
        .route(
            doc("DELETE", "/api/v1/sessions/current", "sessions", "Log out")
                .response(204, None)
                .doc,
            delete(sessions::logout),
        )
        .route(
            doc("GET", "/api/v1/users", "users", "List users")
                .action(Action::UserManage)
                .response(200, Some("UserList"))
                .doc,
            get(users::list),
        )
        .route(
            doc("POST", "/api/v1/users", "users", "Add a user")
                .action(Action::UserManage)
                .request("NewUser")
                .response(201, Some("User"))
                .doc,
            post(users::create),
        )
        .route(
            doc("GET", "/api/v1/users/{id}", "users", "One user")
                .action(Action::UserManage)
                .response(200, Some("User"))
                .doc,
            get(users::get_one),
        )
        .route(
            doc(
                "PATCH",
                "/api/v1/users/{id}",
                "users",
                "Change a user: role, scope, name, language, disabled, password",
            )
            .action(Action::UserManage)
            .request("UserPatch")
            .response(200, Some("User"))
            .doc,
            patch(users::update),
        )
        .route(
            doc("GET", "/api/v1/agencies", "users", "List agencies")
                .action(Action::UserManage)
                .response(200, Some("AgencyList"))
                .doc,
            get(users::list_agencies),
        )
        .route(
            doc(
                "POST",
                "/api/v1/agencies",
                "users",
                "Add an agency and its teams",
            )
            .action(Action::UserManage)
            .request("NewAgency")
            .response(201, Some("Agency"))
            .doc,
            post(users::create_agency),
        )
        .route(
            doc(
                "GET",
                "/api/v1/cases",
                "cases",
                "List and filter child cases in your scope",
            )
            .action(Action::CaseList)
            .queries(records::list_params(RecordKind::Case))
            .response(200, Some("CasePage"))
            .doc,
            get(records::list::<Cases>),
        )
        .route(
            doc("GET", "/api/v1/cases/export.csv", "cases", "The child cases the list's filters select in your scope, every page, as CSV (UTF-8 with a byte-order mark): only the columns your role may see. Needs data.export and case.read; audited with why")
                .action(Action::DataExport)
                .queries(list_export::export_params(RecordKind::Case))
                .response(200, None)
                .doc,
            get(list_export::export_csv::<Cases>),
        )
        .route(
            doc("GET", "/api/v1/cases/export.xlsx", "cases", "The same as a spreadsheet of one sheet")
                .action(Action::DataExport)
                .queries(list_export::export_params(RecordKind::Case))
                .response(200, None)
                .doc,
            get(list_export::export_xlsx::<Cases>),
        )
        .route(
            doc("GET", "/api/v1/tracing-requests/export.csv", "tracing", "The tracing requests the list's filters select in your scope, every page, as CSV (UTF-8 with a byte-order mark): only the columns your role may see. Needs data.export and tracing.read; audited with why")
                .action(Action::DataExport)
                .queries(list_export::export_params(RecordKind::TracingRequest))
                .response(200, None)
                .doc,
            get(list_export::export_csv::<TracingRequests>),
        )
        .route(
            doc("GET", "/api/v1/tracing-requests/export.xlsx", "tracing", "The same as a spreadsheet of one sheet")
                .action(Action::DataExport)
                .queries(list_export::export_params(RecordKind::TracingRequest))
                .response(200, None)
                .doc,
            get(list_export::export_xlsx::<TracingRequests>),
        )
        .route(
            doc("POST", "/api/v1/cases", "cases", "Register a child")
                .action(Action::CaseCreate)
                .request("NewCase")
                .response(201, Some("Case"))
                .doc,
            post(records::create::<Cases>),
        )
        .route(
            doc(
                "GET",
                "/api/v1/cases/{key}",
                "cases",
                "One child case, by id or reference",
            )
            .action(Action::CaseRead)
            .response(200, Some("Case"))
            .doc,
            get(records::get_one::<Cases>),
        )
        .route(
            doc(
                "PATCH",
                "/api/v1/cases/{key}",
                "cases",
                "Change a child case (send If-Match with the version to refuse concurrent edits)",
            )
            .action(Action::CaseUpdate)
            .request("CaseFields")
            .response(200, Some("Case"))
            .doc,
            patch(records::update::<Cases>),
        )
        .route(
            doc(
                "PUT",
                "/api/v1/cases/{key}/assignment",
                "cases",
                "Assign the case to a caseworker",
            )
            .action(Action::CaseUpdate)
            .request("Assignment")
            .response(200, Some("Case"))
            .doc,
            put(records::assign::<Cases>),
        )
        .route(
            doc(
                "GET",
                "/api/v1/cases/{key}/history",
                "cases",
                "Change history of a child case",
            )
            .action(Action::HistoryRead)
            .response(200, Some("History"))
            .doc,
            get(records::history::<Cases>),
        )
        .route(
            doc(
                "GET",
                "/api/v1/tracing-requests",
                "tracing",
                "List and filter tracing requests in your scope",
            )
            .action(Action::TracingList)
            .queries(records::list_params(RecordKind::TracingRequest))
            .response(200, Some("TracingRequestPage"))
            .doc,
            get(records::list::<TracingRequests>),
        )
        .route(
            doc(
                "POST",
                "/api/v1/tracing-requests",
                "tracing",
                "Take a tracing request from a family",
            )
            .action(Action::TracingCreate)
            .request("NewTracingRequest")
            .response(201, Some("TracingRequest"))
            .doc,
            post(records::create::<TracingRequests>),
        )
        .route(
            doc(
                "GET",
                "/api/v1/tracing-requests/{key}",
                "tracing",
                "One tracing request, by id or reference",
            )
            .action(Action::TracingRead)
            .response(200, Some("TracingRequest"))
            .doc,
            get(records::get_one::<TracingRequests>),
        )
        .route(
            doc(
                "PATCH",
                "/api/v1/tracing-requests/{key}",
                "tracing",
                "Change a tracing request",
            )
            .action(Action::TracingUpdate)
            .request("TracingRequestFields")
            .response(200, Some("TracingRequest"))
            .doc,
            patch(records::update::<TracingRequests>),
        )
        .route(
            doc(
                "PUT",
                "/api/v1/tracing-requests/{key}/assignment",
                "tracing",
                "Assign the tracing request to a caseworker",
            )
            .action(Action::TracingUpdate)
            .request("Assignment")
            .response(200, Some("TracingRequest"))
            .doc,
            put(records::assign::<TracingRequests>),
        )
        .route(
            doc(
                "GET",
                "/api/v1/tracing-requests/{key}/history",
                "tracing",
                "Change history of a tracing request",
            )
            .action(Action::HistoryRead)
            .response(200, Some("History"))
            .doc,
            get(records::history::<TracingRequests>),
        )
        .route(doc("GET", "/api/v1/cases/{key}/matches", "matching", "Potential matches of a child case, best first").action(Action::MatchRead).response(200, Some("MatchList")).doc, get(matches::list::<Cases>))
        .route(doc("POST", "/api/v1/cases/{key}/matches/search", "matching", "Match the case again now, optionally with a lower threshold").action(Action::MatchRead).request("MatchSearch").response(200, Some("MatchList")).doc, post(matches::search::<Cases>))
        .route(doc("GET", "/api/v1/tracing-requests/{key}/matches", "matching", "Potential matches of a tracing request (only children whose consent allows it, or overridden)").action(Action::MatchRead).response(200, Some("MatchList")).doc, get(matches::list::<TracingRequests>))
        .route(doc("POST", "/api/v1/tracing-requests/{key}/matches/search", "matching", "Match the tracing request again now, optionally with a lower threshold").action(Action::MatchRead).request("MatchSearch").response(200, Some("MatchList")).doc, post(matches::search::<TracingRequests>))
        .route(doc("POST", "/api/v1/matches/{id}/decision", "matching", "Confirm or reject a potential match, with a reason").action(Action::MatchDecide).request("MatchDecision").response(200, Some("Match")).doc, post(matches::decide))
        .route(doc("POST", "/api/v1/matches/{id}/disclosure", "matching", "Supervisor: let the family's side see a match without the child's recorded consent (written reason, audited)").action(Action::ConsentOverride).request("DisclosureOverride").response(200, Some("Match")).doc, post(matches::override_disclosure))
        .route(doc("GET", "/api/v1/cases/{key}/duplicates", "matching", "Cases that may be the same child registered twice").action(Action::MatchRead).response(200, Some("DuplicateList")).doc, get(matches::duplicates))
        .route(doc("POST", "/api/v1/cases/{key}/merge", "matching", "Supervisor: merge a case registered twice into this one (both change logs are kept; the other reference still resolves here)").action(Action::CaseMerge).request("MergeRequest").response(200, Some("MergeResult")).doc, post(matches::merge))
        .route(doc("POST", "/api/v1/merges/{id}/undo", "matching", "Supervisor: undo a merge").action(Action::CaseMerge).response(200, Some("Unmerged")).doc, post(matches::undo_merge))
        .route(doc("GET", "/api/v1/alerts", "alerts", "Your alerts, newest first").query(matches::ALERT_PARAMS).response(200, Some("AlertList")).doc, get(matches::alerts))
        .route(doc("POST", "/api/v1/alerts/{id}/read", "alerts", "Mark an alert read").response(204, None).doc, post(matches::read_alert))
        .route(doc("GET", "/api/v1/matches/waiting", "matching", "The potential matches waiting for your decision: every pending match you were alerted to, read or not, newest first, until someone confirms or rejects it").action(Action::MatchRead).response(200, Some("AlertList")).doc, get(matches::waiting))
        .route(doc("POST", "/api/v1/cases/{key}/workflow/register", "workflow", "Register an identified child (R1: within 24 h of identification)").action(Action::WorkflowRegister).request("StepRequest").response(200, Some("Case")).doc, post(workflow::take_step::<workflow::RegisterStep>))
        .route(doc("POST", "/api/v1/cases/{key}/workflow/interim_care", "workflow", "Place the child in interim care; follow-ups are scheduled by risk level").action(Action::WorkflowInterimCare).request("InterimCareRequest").response(200, Some("Case")).doc, post(workflow::take_step::<workflow::InterimCareStep>))
        .route(doc("POST", "/api/v1/cases/{key}/workflow/start_tracing", "workflow", "Start tracing (R1: within 48 h of identification)").action(Action::WorkflowTracing).request("StepRequest").response(200, Some("Case")).doc, post(workflow::take_step::<workflow::StartTracingStep>))
        .route(doc("POST", "/api/v1/cases/{key}/workflow/start_verification", "workflow", "Start verifying a family that was found").action(Action::WorkflowVerify).request("StepRequest").response(200, Some("Case")).doc, post(workflow::take_step::<workflow::StartVerificationStep>))
        .route(doc("POST", "/api/v1/cases/{key}/workflow/reunify", "workflow", "Reunify: needs a positive verification and a supervisor's approval (R2); follow-ups are scheduled").action(Action::WorkflowReunify).request("ReunifyRequest").response(200, Some("Case")).doc, post(workflow::take_step::<workflow::ReunifyStep>))
        .route(doc("POST", "/api/v1/cases/{key}/workflow/start_follow_up", "workflow", "Move to follow-up").action(Action::WorkflowFollowUp).request("StepRequest").response(200, Some("Case")).doc, post(workflow::take_step::<workflow::StartFollowUpStep>))
        .route(doc("POST", "/api/v1/cases/{key}/workflow/close", "workflow", "Close the case with a closure reason").action(Action::WorkflowClose).request("CloseRequest").response(200, Some("Case")).doc, post(workflow::take_step::<workflow::CloseStep>))
        .route(doc("POST", "/api/v1/cases/{key}/workflow/long_term_care", "workflow", "Long-term alternative care; adoption and kafala are locked during an emergency and before the minimum tracing period (R3)").action(Action::WorkflowLongTermCare).request("LongTermCareRequest").response(200, Some("Case")).doc, post(workflow::take_step::<workflow::LongTermCareStep>))
        .route(doc("POST", "/api/v1/cases/{key}/verifications", "workflow", "Record a verification: the adult's willingness and ability, the child's wishes, whether accounts agree, a recommendation").action(Action::WorkflowVerify).request("VerificationRequest").response(200, Some("CaseEvents")).doc, post(workflow::verify))
        .route(doc("POST", "/api/v1/cases/{key}/reunification-approval", "workflow", "Supervisor: approve reunification after a positive verification").action(Action::ReunificationApprove).request("ApprovalRequest").response(200, Some("CaseEvents")).doc, post(workflow::approve))
        .route(doc("GET", "/api/v1/cases/{key}/events", "workflow", "Workflow events of a case: care arrangements, verifications, follow-ups, tracing actions, moves").action(Action::CaseRead).response(200, Some("CaseEvents")).doc, get(workflow::events))
        .route(doc("POST", "/api/v1/cases/{key}/care-arrangements", "workflow", "Change the child's care arrangement: the current one ends with a reason, follow-ups are scheduled for the new one").action(Action::WorkflowInterimCare).request("CareChange").response(200, Some("CaseEvents")).doc, post(workflow::change_care))
        .route(doc("POST", "/api/v1/tracing-requests/{key}/tracing-actions", "tracing", "Record a tracing action for a tracing request (the first puts it in progress)").action(Action::WorkflowTracing).request("TracingActionRequest").response(200, Some("CaseEvents")).doc, post(workflow::request_tracing_action))
        .route(doc("POST", "/api/v1/tracing-requests/{key}/status", "tracing", "Move the tracing status along open, tracing_in_progress, verified, reunified; or close it with a reason").action(Action::TracingUpdate).request("TracingStatusRequest").response(200, Some("TracingRequest")).doc, post(workflow::request_status))
        .route(doc("GET", "/api/v1/tracing-requests/{key}/events", "tracing", "Tracing actions and status changes of a tracing request").action(Action::TracingRead).response(200, Some("CaseEvents")).doc, get(workflow::request_events))
        .route(doc("POST", "/api/v1/cases/{key}/tracing-actions", "workflow", "Record a tracing action").action(Action::WorkflowTracing).request("TracingActionRequest").response(200, Some("CaseEvents")).doc, post(workflow::tracing_action))
        .route(doc("POST", "/api/v1/cases/{key}/moves", "workflow", "Record a move; out of district or country it needs purpose, accompanying adult and authoriser (R4)").action(Action::MoveRecord).request("MoveRequest").response(200, Some("CaseEvents")).doc, post(workflow::record_move))
        .route(doc("POST", "/api/v1/followups/{id}/done", "workflow", "Record a follow-up visit (flagged late after its due date)").action(Action::WorkflowFollowUp).request("FollowupDone").response(200, Some("CaseEvent")).doc, post(workflow::followup_done))
        .route(doc("GET", "/api/v1/cases/overdue", "workflow", "Open cases that missed the registration (24 h) or tracing-start (48 h) deadline after identification (R1)").action(Action::CaseList).response(200, Some("OverdueCases")).doc, get(workflow::overdue_deadlines))
        .route(doc("GET", "/api/v1/followups/overdue", "workflow", "Follow-up visits past their due date, in your scope").action(Action::WorkflowFollowUp).response(200, Some("OverdueFollowups")).doc, get(workflow::overdue_followups))
        .route(
            doc(
                "GET",
                "/api/v1/audit",
                "audit",
                "Audit trail entries, oldest first",
            )
            .action(Action::AuditRead)
            .query(audit::PARAMS)
            .response(200, Some("AuditEntries"))
            .doc,
            get(audit::list),
        )
        .route(
            doc(
                "GET",
                "/api/v1/audit/verify",
                "audit",
                "Verify the audit hash chain",
            )
            .action(Action::AuditRead)
            .response(200, Some("AuditVerdict"))
            .doc,
            get(audit::verify),
        );
    let r = prevention::routes(r);
    let r = reports::routes(r);
    let r = incident_dataset::routes(r);
    let r = htcds::routes(r);
    (r.router, r.docs)
}

/// The documentation of every route, for the OpenAPI document and the permission tests.
pub fn route_docs() -> Vec<RouteDoc> {
    routes().1
}

async fn openapi_json() -> axum::Json<serde_json::Value> {
    axum::Json(crate::openapi::document())
}

/// The JSON 404 for unknown paths.
pub async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found_route(&method, uri.path())
}

/// The JSON 405 for a known path with the wrong method.
pub async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::method_not_allowed(&method, uri.path())
}
