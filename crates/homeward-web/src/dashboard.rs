//! The first page after login, shaped by the role: what the user can start, the key figures of
//! the records in their scope with a bar chart, their most recently changed cases, the
//! follow-up visits overdue in their scope and their unread alerts.
//!
//! Figures are counts of records in the viewer's scope only, so a caseworker's dashboard never
//! tells them how many children another agency holds.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use homeward_auth::Action;
use homeward_domain::RecordKind;
use homeward_server::AppState;
use homeward_store::{ActorContext, RecordFilter, Scope, Store, StoreResult};

use crate::chart::{self, Bar};
use crate::kinds::CASES;
use crate::page::{ok, Chrome};
use crate::records::{row, store_error, Row};
use crate::session::Viewer;

/// A key figure.
pub struct Figure {
    /// What is counted.
    pub label: String,
    /// The count.
    pub value: i64,
    /// Where the counted records are listed.
    pub href: String,
}

/// A thing the user can start.
pub struct Start {
    /// Target.
    pub href: &'static str,
    /// Label.
    pub label: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    heading: String,
    starts: Vec<Start>,
    figures: Vec<Figure>,
    bars: Vec<Bar>,
    chart_height: u32,
    chart_title: String,
    chart_width: u32,
    bar_x: u32,
    my_title: String,
    my_cases: Vec<Row>,
    show_names: bool,
    role_note: String,
    show_waiting: bool,
    waiting_title: String,
    waiting_more: String,
    waiting: Vec<crate::matches::Waiting>,
    show_overdue: bool,
    overdue_more: String,
    alerts_more: String,
    overdue: Vec<crate::workflow::OverdueItem>,
    alerts: Vec<AlertItem>,
}

/// How many overdue visits and alerts the dashboard lists.
const LIST_SHOWN: usize = 10;

/// An unread alert other than a potential match (those are listed as matches waiting).
pub struct AlertItem {
    /// What it is about, translated.
    pub label: String,
    /// The case it concerns, or empty.
    pub reference: String,
    /// Where to look.
    pub href: String,
}

/// The viewer's unread alerts other than potential matches, newest first, each linked to the
/// case it concerns.
async fn other_alerts(store: &Store, viewer: &Viewer) -> StoreResult<Vec<AlertItem>> {
    let tr = viewer.tr();
    let alerts = store.alerts_for(viewer.caller.user.id, true).await?;
    Ok(alerts
        .iter()
        .filter(|a| a.kind != "potential_match")
        .map(|a| {
            // The record the alert is about: a case, or the home visit or checkpoint log that
            // raised it (prevention alerts name theirs).
            let reference = [
                "case_reference",
                "home_visit_reference",
                "checkpoint_log_reference",
                "reference",
                "username",
            ]
            .iter()
            .find_map(|k| a.detail.get(*k).and_then(serde_json::Value::as_str))
            .unwrap_or("")
            .to_string();
            let target = homeward_domain::Reference::parse(&reference)
                .ok()
                .map(|r| crate::kinds::of(r.kind()))
                .filter(|p| viewer.can(p.read()));
            let href = match (a.kind.as_str(), target) {
                // An account under guard: the administrator's users page.
                ("account_guarded", _) => "/admin/users".to_string(),
                (_, None) => String::new(),
                ("overdue_followup", Some(_)) => format!("/cases/{reference}#followups"),
                (_, Some(p)) => format!("{}/{reference}", p.base),
            };
            AlertItem {
                label: tr.t_or(
                    &format!("alert-{}", a.kind),
                    &crate::i18n::readable(&a.kind),
                ),
                reference,
                href,
            }
        })
        .collect())
}

async fn count(
    store: &Store,
    ctx: &ActorContext,
    kind: RecordKind,
    f: RecordFilter,
) -> StoreResult<i64> {
    // A count lists nothing, so it leaves no audit entry per figure on each dashboard view.
    store.count_matching(ctx, kind, &f).await
}

fn open() -> RecordFilter {
    RecordFilter {
        status: Some("open".into()),
        ..RecordFilter::default()
    }
}

/// The dashboard.
pub async fn dashboard(State(state): State<AppState>, viewer: Viewer) -> Response {
    let tr = viewer.tr();
    let ctx = viewer.ctx();
    let mut starts = Vec::new();
    let mut add = |ok: bool, href, key: &str| {
        if ok {
            starts.push(Start {
                href,
                label: tr.t(key),
            });
        }
    };
    add(viewer.can(Action::CaseCreate), "/cases/new", "nav-case-new");
    add(
        viewer.can(Action::TracingCreate),
        "/tracing-requests/new",
        "nav-tracing-new",
    );
    add(viewer.can(Action::CaseList), "/cases", "nav-cases");
    add(
        viewer.can(Action::TracingList),
        "/tracing-requests",
        "nav-tracing",
    );
    add(
        viewer.can(Action::CommunityCreate),
        "/households/new",
        "nav-household-new",
    );
    add(
        viewer.can(Action::CommunityCreate),
        "/home-visits/new",
        "nav-home_visit-new",
    );
    add(
        viewer.can(Action::TransitCreate),
        "/checkpoint-logs/new",
        "nav-checkpoint_log-new",
    );
    // Volunteers and caseworkers plan their week from the households due a visit.
    add(
        viewer.can(Action::CommunityList),
        "/households/overdue-visits",
        "overdue-title",
    );
    add(
        viewer.can(Action::AnalysisRead),
        "/reports/indicators",
        "nav-indicators",
    );
    add(
        viewer.can(Action::AnalysisRead),
        "/analysis/recruitment",
        "nav-analysis",
    );
    add(viewer.can(Action::UserManage), "/admin/users", "nav-users");
    add(viewer.can(Action::AuditRead), "/admin/audit", "nav-audit");

    let mut figures = Vec::new();
    let mut bars = Vec::new();
    let mut chart_height = 0;
    let mut my_cases = Vec::new();
    let store = &state.store;
    if viewer.can(Action::CaseList) {
        let risk = |r: &str| RecordFilter {
            risk_level: Some(r.into()),
            ..open()
        };
        let figures_result: StoreResult<()> = async {
            let open_cases = count(store, &ctx, RecordKind::Case, open()).await?;
            let high = count(store, &ctx, RecordKind::Case, risk("high")).await?;
            let medium = count(store, &ctx, RecordKind::Case, risk("medium")).await?;
            let low = count(store, &ctx, RecordKind::Case, risk("low")).await?;
            let unaccompanied = count(
                store,
                &ctx,
                RecordKind::Case,
                RecordFilter {
                    protection_status: Some("unaccompanied".into()),
                    ..open()
                },
            )
            .await?;
            figures.push(Figure {
                label: tr.t("figure-open-cases"),
                value: open_cases,
                href: "/cases?status=open".into(),
            });
            figures.push(Figure {
                label: tr.t("figure-high-risk"),
                value: high,
                href: "/cases?status=open&risk_level=high".into(),
            });
            figures.push(Figure {
                label: tr.t("figure-unaccompanied"),
                value: unaccompanied,
                href: "/cases?status=open&protection_status=unaccompanied".into(),
            });
            if viewer.can(Action::TracingList) {
                let open_tr = count(store, &ctx, RecordKind::TracingRequest, open()).await?;
                figures.push(Figure {
                    label: tr.t("figure-open-tracing"),
                    value: open_tr,
                    href: "/tracing-requests?status=open".into(),
                });
            }
            let unassessed = (open_cases - high - medium - low).max(0);
            let (b, h) = chart::bars(vec![
                (tr.choice("high"), high, "bar-high"),
                (tr.choice("medium"), medium, "bar-medium"),
                (tr.choice("low"), low, "bar-low"),
                (tr.t("risk-not-assessed"), unassessed, "bar-none"),
            ]);
            bars = b;
            chart_height = h;
            let recent = store
                .list_records(&ctx, RecordKind::Case, &RecordFilter { limit: 8, ..open() })
                .await?;
            my_cases = recent.items.iter().map(|r| row(&tr, &CASES, r)).collect();
            Ok(())
        }
        .await;
        if let Err(e) = figures_result {
            return store_error(&viewer, e);
        }
    }
    let my_title = if viewer.caller.user.scope == Scope::Own {
        tr.t("dashboard-my-cases")
    } else {
        tr.t("dashboard-recent-cases")
    };
    let role_note = if viewer.can(Action::CaseList) {
        String::new()
    } else if viewer.can(Action::AnalysisRead) {
        tr.t("dashboard-figures-only")
    } else {
        tr.t("dashboard-create-only")
    };
    let heading = tr.t_args(
        "dashboard-title",
        &[("name", viewer.caller.user.display_name.clone())],
    );
    let mut waiting = match crate::matches::waiting(store, &viewer).await {
        Ok(w) => w,
        Err(e) => return store_error(&viewer, e),
    };
    let waiting_total = waiting.len();
    waiting.truncate(crate::matches::WAITING_SHOWN);
    let waiting_more = if waiting_total > waiting.len() {
        tr.t_n(
            "dashboard-matches-more",
            (waiting_total - waiting.len()) as i64,
        )
    } else {
        String::new()
    };
    let mut overdue = match crate::workflow::overdue(&state, &viewer).await {
        Ok(o) => o,
        Err(e) => return crate::page::internal_error(&tr, &e),
    };
    let mut alerts = match other_alerts(store, &viewer).await {
        Ok(a) => a,
        Err(e) => return store_error(&viewer, e),
    };
    // The most overdue visits and the newest alerts; the rest are counted, so the dashboard
    // stays light on a slow link however much is pending.
    let more = |total: usize| {
        if total > LIST_SHOWN {
            tr.t_n("dashboard-list-more", (total - LIST_SHOWN) as i64)
        } else {
            String::new()
        }
    };
    let overdue_more = more(overdue.len());
    let alerts_more = more(alerts.len());
    overdue.truncate(LIST_SHOWN);
    alerts.truncate(LIST_SHOWN);
    let page = DashboardPage {
        show_overdue: viewer.can(Action::WorkflowFollowUp),
        overdue_more,
        alerts_more,
        overdue,
        alerts,
        show_waiting: viewer.can(Action::MatchRead),
        waiting_title: tr.t_n("dashboard-matches-waiting", waiting_total as i64),
        waiting_more,
        waiting,
        c: Chrome::new(&viewer, tr.t("nav-dashboard")),
        heading,
        starts,
        figures,
        bars,
        chart_height,
        chart_title: tr.t("chart-risk-title"),
        chart_width: chart::WIDTH,
        bar_x: chart::BAR_X,
        my_title,
        my_cases,
        show_names: ctx.reveal_personal,
        role_note,
    };
    ok(&page, &tr)
}
