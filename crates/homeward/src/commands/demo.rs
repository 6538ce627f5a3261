//! `homeward demo`: demo agencies, users and about 500 children and 300 tracing requests, then
//! the server. Seeding happens once; running it again just serves the same data.

use anyhow::{Context, Result};
use homeward_auth::Role;
use homeward_domain::{RecordKind, RecordScope};
use homeward_server::api::users::{add_user, NewUserRequest};
use homeward_store::{ActorContext, Store, User};

use super::{open_demo_store, serve::serve_store, Outcome};
use crate::demo_data;
use crate::settings::Settings;

/// The password of every demo user. Demo data only: never use it for real accounts.
pub const DEMO_PASSWORD: &str = "homeward-demo";

const SYSTEM: &str = "system:demo";

struct DemoUser {
    username: &'static str,
    display_name: &'static str,
    role: Role,
    agency: &'static str,
    team: Option<&'static str>,
}

const AGENCY_A: &str = "Brahmaputra Child Rights Forum";
const AGENCY_B: &str = "Lower Assam Relief Network";
const GOVERNMENT: &str = "District Child Protection Unit";

const USERS: &[DemoUser] = &[
    DemoUser {
        username: "admin",
        display_name: "Anil Kalita (administrator)",
        role: Role::Administrator,
        agency: GOVERNMENT,
        team: None,
    },
    DemoUser {
        username: "supervisor",
        display_name: "Mitali Saikia",
        role: Role::Supervisor,
        agency: AGENCY_A,
        team: Some("Barpeta"),
    },
    DemoUser {
        username: "caseworker",
        display_name: "Rupa Deka",
        role: Role::Caseworker,
        agency: AGENCY_A,
        team: Some("Barpeta"),
    },
    DemoUser {
        username: "caseworker2",
        display_name: "Farid Ahmed",
        role: Role::Caseworker,
        agency: AGENCY_B,
        team: Some("Dhubri"),
    },
    DemoUser {
        username: "volunteer",
        display_name: "Jonali Pegu",
        role: Role::CommunityVolunteer,
        agency: AGENCY_A,
        team: Some("Barpeta"),
    },
    DemoUser {
        username: "checkpoint",
        display_name: "Ratul Bora",
        role: Role::CheckpointOfficer,
        agency: GOVERNMENT,
        team: None,
    },
    DemoUser {
        username: "cwc",
        display_name: "Dr. Nirmali Das (CWC member)",
        role: Role::GovernmentOfficer,
        agency: GOVERNMENT,
        team: None,
    },
    DemoUser {
        username: "analyst",
        display_name: "Sanjib Nath",
        role: Role::Analyst,
        agency: GOVERNMENT,
        team: None,
    },
];

async fn ensure_users(store: &Store) -> Result<Vec<User>> {
    let mut out = Vec::new();
    for u in USERS {
        if let Some(existing) = store.user_by_username(u.username).await? {
            out.push(existing);
            continue;
        }
        store.ensure_agency(SYSTEM, u.agency).await?;
        let req = NewUserRequest {
            username: u.username.into(),
            display_name: u.display_name.into(),
            password: DEMO_PASSWORD.into(),
            role: u.role.as_str().into(),
            scope: None,
            agency: u.agency.into(),
            team: u.team.map(Into::into),
            language: None,
        };
        out.push(
            add_user(store, SYSTEM, req)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        );
    }
    Ok(out)
}

fn context(u: &User) -> ActorContext {
    ActorContext {
        scope: RecordScope {
            scope: u.scope,
            user: u.id,
            team: u.team_id,
            agency: u.agency_id,
            committee: None,
        },
        reveal_personal: true,
    }
}

/// Seeds the demo data into an open store if it has no cases yet.
pub async fn seed(store: &Store, children: usize, requests: usize) -> Result<()> {
    let users = ensure_users(store).await?;
    if store.count_records(RecordKind::Case).await? > 0 {
        return Ok(());
    }
    let by_name = |n: &str| {
        users
            .iter()
            .find(|u| u.username == n)
            .context("demo user missing")
    };
    let cw_a = context(by_name("caseworker")?);
    let cw_b = context(by_name("caseworker2")?);
    let today = chrono::Utc::now().date_naive();
    let set = demo_data::generate(children, requests, today);
    // The two agencies split the children by district, as district offices do.
    let (a, b): (Vec<_>, Vec<_>) = set.children.into_iter().map(|c| c.fields).partition(|f| {
        f.get("district").and_then(|d| d.as_str()) != Some("Dhubri")
            && f.get("district").and_then(|d| d.as_str()) != Some("Goalpara")
    });
    let rows = |v: Vec<serde_json::Map<String, serde_json::Value>>| {
        v.into_iter().map(|f| (None, f)).collect::<Vec<_>>()
    };
    store
        .import_records(&cw_a, RecordKind::Case, &rows(a))
        .await
        .context("seeding children (agency A)")?;
    store
        .import_records(&cw_b, RecordKind::Case, &rows(b))
        .await
        .context("seeding children (agency B)")?;
    let (ra, rb): (Vec<_>, Vec<_>) = set
        .requests
        .into_iter()
        .enumerate()
        .partition(|(i, _)| i % 2 == 0);
    store
        .import_records(
            &cw_b,
            RecordKind::TracingRequest,
            &rows(ra.into_iter().map(|(_, r)| r).collect()),
        )
        .await
        .context("seeding tracing requests")?;
    store
        .import_records(
            &cw_a,
            RecordKind::TracingRequest,
            &rows(rb.into_iter().map(|(_, r)| r).collect()),
        )
        .await
        .context("seeding tracing requests")?;
    super::matching::recompute_all(store, 0.5).await?;
    crate::demo_prevention::seed(store, &users).await?;
    Ok(())
}

/// `homeward demo`.
pub async fn run(
    settings: &Settings,
    children: usize,
    requests: usize,
    serve: bool,
) -> Result<Outcome> {
    let store = open_demo_store(settings).await?;
    eprintln!(
        "homeward: preparing demo data in {} ...",
        settings.data_dir.display()
    );
    seed(&store, children, requests).await?;
    let cases = store.count_records(RecordKind::Case).await?;
    let reqs = store.count_records(RecordKind::TracingRequest).await?;
    let logins = USERS
        .iter()
        .map(|u| {
            format!(
                "  {:<12} {:<20} {}",
                u.username,
                u.role.as_str(),
                u.display_name
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let households = store.count_records(RecordKind::Household).await?;
    let logs = store.count_records(RecordKind::CheckpointLog).await?;
    let incidents = store.count_records(RecordKind::Incident).await?;
    let summary = format!("Demo data: {cases} child cases and {reqs} tracing requests; {households} at-risk households, {logs} checkpoint logs, {incidents} trafficking incidents.\nDemo logins (password for all: {DEMO_PASSWORD}):\n{logins}");
    if !serve {
        println!("{summary}");
        store.close().await;
        return Ok(Outcome::Ok);
    }
    serve_store(settings, store, |url| {
        println!("Homeward demo is running at {url}\n  API: {url}/api/v1/openapi.json\n{summary}\n(Ctrl-C to stop)");
    })
    .await
}
