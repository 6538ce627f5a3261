//! The web interface: server-rendered pages served beside the JSON API by the same process.
//!
//! Pages are askama templates compiled into the binary, in English, Assamese, Bengali and Hindi
//! (Fluent files, also compiled in). Every form works without JavaScript; the vendored htmx only
//! makes the case list update as one types. Each page checks the role's permissions itself, and
//! the store applies the record scope, so a page shows only what its viewer may see.
//!
//! Potential matches are reviewed at `/matches/{id}`, with the API's disclosure rules. The case
//! workflow is taken on the case's page through the same functions as the JSON API.
//!
//! The prevention kinds (households and home visits, committees, awareness, checkpoint logs,
//! incidents and persons of concern, referrals and the service directory) get the same generic
//! pages at the API's collection paths; `prevention` adds their assessment panels, the
//! checkpoint outcome and referral status forms, overdue visits and the recruitment analysis;
//! `reports` the indicators page, the figures an analyst works with.

pub mod admin;
pub mod assets;
pub mod chart;
pub mod dashboard;
pub mod duplicates;
pub mod form_view;
pub mod forms;
pub mod i18n;
pub mod kinds;
pub mod login;
pub mod matches;
pub mod page;
pub mod prevention;
pub mod record_form;
pub mod record_view;
pub mod records;
pub mod reports;
pub mod search;
pub mod sections;
pub mod session;
pub mod workflow;

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::Router;
use homeward_server::AppState;
use tower_http::compression::CompressionLayer;

use crate::kinds::KindPages;
use crate::session::{Posted, Viewer};
use crate::workflow::FormKind;

fn kind_routes(pages: KindPages) -> Router<AppState> {
    let base = pages.base;
    Router::new()
        .route(
            base,
            get(
                move |s: State<AppState>, v: Viewer, q: Query<records::ListQuery>| {
                    records::list(pages, s, v, q)
                },
            ),
        )
        .route(
            &format!("{base}/new"),
            get(move |v: Viewer| record_form::new(pages, v))
                .post(move |s: State<AppState>, p: Posted| record_form::create(pages, s, p)),
        )
        .route(
            &format!("{base}/registered"),
            get(move |v: Viewer, q: Query<records::RegisteredQuery>| {
                records::registered(pages, v, q)
            }),
        )
        .route(
            &format!("{base}/{{key}}"),
            get(
                move |s: State<AppState>,
                      v: Viewer,
                      k: Path<String>,
                      q: Query<records::SavedQuery>| {
                    records::show(pages, s, v, k, q)
                },
            ),
        )
        .route(
            &format!("{base}/{{key}}/edit"),
            get(move |s: State<AppState>, v: Viewer, k: Path<String>| {
                record_form::edit(pages, s, v, k)
            })
            .post(move |s: State<AppState>, k: Path<String>, p: Posted| {
                record_form::update(pages, s, k, p)
            }),
        )
        .route(
            &format!("{base}/{{key}}/history"),
            get(move |s: State<AppState>, v: Viewer, k: Path<String>| {
                records::history(pages, s, v, k)
            }),
        )
}

/// The routes of the web interface.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::dashboard))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/language", post(login::switch_language))
        // Before the kinds' `/{key}` routes only for reading's sake: a fixed segment always wins.
        .route(
            "/households/overdue-visits",
            get(prevention::overdue_visits),
        )
        .route("/analysis/recruitment", get(prevention::analysis))
        .route("/reports/indicators", get(reports::indicators))
        .route(
            "/checkpoint-logs/{key}/outcome",
            post(|s: State<AppState>, k: Path<String>, p: Posted| {
                prevention::post_status(prevention::StatusKind::CheckpointOutcome, s, k, p)
            }),
        )
        .route(
            "/referrals/{key}/status",
            post(|s: State<AppState>, k: Path<String>, p: Posted| {
                prevention::post_status(prevention::StatusKind::ReferralStatus, s, k, p)
            }),
        )
        .merge(
            kinds::ALL
                .into_iter()
                .fold(Router::new(), |r, pages| r.merge(kind_routes(pages))),
        )
        .route("/matches/{id}", get(matches::show).post(matches::decide))
        .route("/cases/{key}/merge", post(duplicates::merge))
        .route("/merges/{id}/undo", post(duplicates::undo))
        .route(
            "/matches/{id}/disclosure",
            post(matches::override_disclosure),
        )
        .route("/cases/{key}/workflow/{step}", post(workflow::post_step))
        .route(
            "/cases/{key}/verifications",
            post(|s: State<AppState>, k: Path<String>, p: Posted| {
                workflow::post(s.0, FormKind::Verification, k.0, p)
            }),
        )
        .route(
            "/cases/{key}/approval",
            post(|s: State<AppState>, k: Path<String>, p: Posted| {
                workflow::post(s.0, FormKind::Approval, k.0, p)
            }),
        )
        .route(
            "/cases/{key}/care-arrangements",
            post(|s: State<AppState>, k: Path<String>, p: Posted| {
                workflow::post(s.0, FormKind::Care, k.0, p)
            }),
        )
        .route(
            "/cases/{key}/moves",
            post(|s: State<AppState>, k: Path<String>, p: Posted| {
                workflow::post(s.0, FormKind::Move, k.0, p)
            }),
        )
        .route(
            "/cases/{key}/tracing-actions",
            post(|s: State<AppState>, k: Path<String>, p: Posted| {
                workflow::post(s.0, FormKind::TracingAction, k.0, p)
            }),
        )
        .route(
            "/cases/{key}/followups/{id}/done",
            post(workflow::post_followup),
        )
        .route("/admin/users", get(admin::users).post(admin::add))
        .route(
            "/admin/users/{id}/disable",
            post(|s: State<AppState>, id: Path<String>, p: Posted| {
                admin::set_disabled(true, s, id, p)
            }),
        )
        .route(
            "/admin/users/{id}/enable",
            post(|s: State<AppState>, id: Path<String>, p: Posted| {
                admin::set_disabled(false, s, id, p)
            }),
        )
        .route("/admin/users/{id}/password", post(admin::reset_password))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/audit/verify", post(admin::verify))
        .route("/static/app.css", get(assets::css))
        .route("/static/htmx.min.js", get(assets::htmx))
        .fallback(page::unknown_address)
        // Field laptops on slow links: every page and asset goes compressed when the browser
        // accepts it.
        .layer(CompressionLayer::new())
}
