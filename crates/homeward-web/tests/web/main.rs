//! The web interface against the real server: login, CSRF, permissions and scope, validation
//! messages beside their fields, languages, and the page rules (no inline script or style,
//! compressed weight).

mod helpers;
mod matches;
mod prevention;
mod supervision;
mod workflow;

use helpers::{csrf, TestServer, CHILD, PASSWORD};
use homeward_domain::RecordKind;
use reqwest::StatusCode;

#[tokio::test]
async fn the_login_form_is_labelled_refuses_a_wrong_password_and_logs_in() {
    let server = TestServer::start().await;
    let b = server.browser();
    let (status, html) = b.get("/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<label for=\"username\">") && html.contains("id=\"username\""));
    assert!(html.contains("<label for=\"password\">") && html.contains("type=\"password\""));
    assert!(html.contains("name=\"csrf_token\""));

    let (status, body) = b.login("cw_a", "not the password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("username or password is wrong"), "{body}");

    let (status, location) = b.login("cw_a", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/");
    let (status, html) = b.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("cw_a display"));
    assert!(html.contains("Register a child"));

    // Logging out ends the session on the server: the old cookie no longer opens pages.
    let token = csrf(&html);
    let (status, location, _) = b.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/login")
    );
    let (status, _) = b.get("/cases").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_idle_session_ends_and_the_next_page_asks_for_the_login_again() {
    let server = TestServer::start_with(homeward_server::ServerConfig {
        session_idle: std::time::Duration::from_secs(1),
        ..helpers::config()
    })
    .await;
    let b = server.login("cw_a").await;
    assert_eq!(b.get("/cases").await.0, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let (status, _) = b.get("/cases").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn pages_without_a_session_send_the_browser_to_the_login_form() {
    let server = TestServer::start().await;
    let res = server
        .browser()
        .client
        .get(format!("{}/cases?status=open", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/login?next=/cases%3Fstatus%3Dopen"
    );
}

#[tokio::test]
async fn a_login_form_posted_without_its_token_is_refused() {
    let server = TestServer::start().await;
    let b = server.browser();
    let (status, _, body) = b
        .post(
            "/login",
            &[
                ("username", "cw_a"),
                ("password", PASSWORD),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("expired"));
}

#[tokio::test]
async fn a_form_without_the_sessions_csrf_token_is_refused_and_nothing_is_saved() {
    let server = TestServer::start().await;
    let b = server.login("cw_a").await;
    let mut fields: Vec<(&str, &str)> = CHILD.to_vec();
    let (status, _, body) = b.post("/cases/new", &fields).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("The form has expired"), "{body}");
    fields.push(("csrf_token", "a-token-from-another-session"));
    let (status, _, _) = b.post("/cases/new", &fields).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        server.store.count_records(RecordKind::Case).await.unwrap(),
        0
    );

    // The same form with the right token is saved.
    let reference = b.register_child(CHILD).await;
    assert_eq!(
        server.store.count_records(RecordKind::Case).await.unwrap(),
        1
    );
    assert!(reference.starts_with("HW-"));
}

#[tokio::test]
async fn a_registered_child_is_shown_in_their_script_found_by_name_edited_and_has_a_history() {
    let server = TestServer::start().await;
    let b = server.login("cw_a").await;
    let reference = b.register_child(CHILD).await;
    let (status, html) = b.get(&format!("/cases/{reference}?saved=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<bdi lang=\"bn\">রহিম আলী</bdi>"), "{html}");
    // The romanisation stands beside the name for colleagues who do not read the script.
    assert!(
        html.contains("<span class=\"roman\">(Rahim Ali)</span>"),
        "{html}"
    );
    assert!(html.contains("আমিনা খাতুন"));
    assert!(html.contains("Family member 1"));

    // Name search in the script it was written in, and in another width/case form.
    let (_, list) = b.get("/cases?q=%E0%A6%B0%E0%A6%B9%E0%A6%BF%E0%A6%AE").await;
    assert!(list.contains(&reference), "{list}");
    assert!(list.contains("(Rahim Ali)"), "{list}");
    // ...and in Latin letters, as the family would spell it (issue 15 point 4).
    let (_, list) = b.get("/cases?q=Rahim+Ali").await;
    assert!(list.contains(&reference), "{list}");
    let (_, list) = b.get("/cases?q=rohim").await;
    assert!(list.contains(&reference), "{list}");
    let (_, list) = b.get(&format!("/cases?q={reference}")).await;
    assert!(list.contains("1 record"), "{list}");
    let (_, list) = b.get("/cases?q=nobody").await;
    assert!(list.contains("No records match"));
    let (_, list) = b.get("/cases?risk_level=low").await;
    assert!(!list.contains(&reference));

    // Edit: change the age, add a second family member.
    let edit = format!("/cases/{reference}/edit");
    let (status, form) = b.get(&edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"আমিনা খাতুন\""));
    let mut fields: Vec<(&str, &str)> =
        CHILD.iter().filter(|(k, _)| *k != "age").copied().collect();
    fields.extend([
        ("age", "10"),
        ("version", "1"),
        ("family_details[1].relation", "father"),
        ("family_details[1].relation_age", "41"),
    ]);
    let (status, location, body) = b.submit(&edit, &edit, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert!(location.ends_with("?saved=1"));
    let (_, html) = b.get(&format!("/cases/{reference}")).await;
    assert!(html.contains("Family member 2"));

    let (status, history) = b.get(&format!("/cases/{reference}/history")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        history.contains("Age in years") && history.contains(">10<"),
        "{history}"
    );
}

#[tokio::test]
async fn a_supervisor_downloads_the_filtered_list_and_a_caseworker_is_offered_no_download() {
    let server = TestServer::start().await;
    let cw = server.login("cw_a").await;
    let reference = cw.register_child(CHILD).await;
    let (_, list) = cw.get("/cases").await;
    assert!(
        !list.contains("/export."),
        "a caseworker may not export: {list}"
    );

    let sup = server.login("sup_a").await;
    let (status, list) = sup.get("/cases?risk_level=high&q=rahim").await;
    assert_eq!(status, StatusCode::OK);
    // The filters travel with the download; the name search does not, and the page says so.
    let csv = "/api/v1/cases/export.csv?risk_level=high";
    assert!(list.contains(&format!("href=\"{csv}\"")), "{list}");
    assert!(list.contains("/api/v1/cases/export.xlsx?risk_level=high"));
    assert!(
        list.contains("not only those the name search found"),
        "{list}"
    );
    let (status, body) = sup.get(csv).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the link works with the page's session"
    );
    assert!(body.contains(&reference) && body.contains("রহিম"), "{body}");
    let (_, body) = sup.get("/api/v1/cases/export.csv?risk_level=low").await;
    assert!(!body.contains(&reference));
}

#[tokio::test]
async fn a_mistyped_address_gets_a_page_in_a_browser_and_json_from_the_api() {
    let server = TestServer::start().await;
    let b = server.login("cw_a").await;
    let get = |path: &str, accept: &str| {
        b.client
            .get(format!("{}{path}", b.base))
            .header("accept", accept)
            .send()
    };
    let res = get("/casez", "text/html,application/xhtml+xml")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Not found") && page.contains("<nav"),
        "{page}"
    );
    for (path, accept) in [
        ("/api/v1/casez", "text/html"),
        ("/casez", "application/json"),
    ] {
        let res = get(path, accept).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["code"], "no_route", "{body}");
    }
    // Nobody logged in: the login form, as for every other page.
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/casez", b.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
}

#[tokio::test]
async fn validation_messages_are_shown_beside_their_fields_and_the_values_are_kept() {
    let server = TestServer::start().await;
    let b = server.login("cw_a").await;
    let (status, _, html) = b
        .submit(
            "/cases/new",
            "/cases/new",
            &[
                ("name_first", "রহিম"),
                ("age", "25"),
                ("protection_status", "separated"),
                ("family_details[0].relation", "mother"),
                ("family_details[0].relation_age", "200"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Missing sex: required, beside the select.
    assert!(
        html.contains("<p class=\"error\" id=\"f-sex-error\">This is required.</p>"),
        "{html}"
    );
    assert!(html.contains(
        "id=\"f-sex\" name=\"sex\" required aria-invalid=\"true\" aria-describedby=\"f-sex-error\""
    ));
    // Out of range, beside the age, with the typed value kept.
    assert!(html.contains("id=\"f-age-error\">25 is outside 0–17"));
    assert!(html.contains(
        "name=\"age\" type=\"number\" inputmode=\"numeric\" min=\"0\" max=\"17\" value=\"25\""
    ));
    // In a family member row.
    assert!(html.contains("id=\"f-family_details-0-relation_age-error\">200 is outside 0–120"));
    // The summary links to each input.
    assert!(html.contains("href=\"#f-family_details-0-relation_age\">Family member 1: Age"));
    assert!(html.contains("value=\"রহিম\""));
    assert_eq!(
        server.store.count_records(RecordKind::Case).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn adding_a_family_member_row_works_without_javascript() {
    let server = TestServer::start().await;
    let b = server.login("cw_a").await;
    let (status, _, html) = b
        .submit(
            "/cases/new",
            "/cases/new",
            &[
                ("sex", "female"),
                ("family_details[0].relation", "mother"),
                ("action", "add:family_details"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Family member 2") && !html.contains("Family member 3"));
    assert!(html.contains("name=\"family_details[1].relation\""));
    assert_eq!(
        server.store.count_records(RecordKind::Case).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn a_volunteer_registers_a_child_but_gets_403_on_the_case_page() {
    let server = TestServer::start().await;
    let cw = server.login("cw_a").await;
    let reference = cw.register_child(CHILD).await;

    let v = server.login("volunteer").await;
    let (status, html) = v.get(&format!("/cases/{reference}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Not allowed for your role"));
    assert!(html.contains("Community volunteer"));
    let (status, _) = v.get("/cases").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A made-up reference gets the same answer: the 403 reveals nothing about the record.
    let (status, _) = v.get("/cases/HW-0000-000").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, location, body) = v
        .submit(
            "/cases/new",
            "/cases/new",
            &[("sex", "female"), ("protection_status", "separated")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert!(
        location.starts_with("/cases/registered?ref=HW-"),
        "{location}"
    );
    let (status, html) = v.get(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Child registered"));
}

#[tokio::test]
async fn another_agency_gets_404_not_found_or_not_visible() {
    let server = TestServer::start().await;
    let a = server.login("cw_a").await;
    let reference = a.register_child(CHILD).await;
    let b = server.login("cw_b").await;
    for path in [
        format!("/cases/{reference}"),
        format!("/cases/{reference}/edit"),
        format!("/cases/{reference}/history"),
        "/cases/HW-0000-000".to_string(),
    ] {
        let (status, html) = b.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            html.contains("not found or is not visible to you"),
            "{path}"
        );
        assert!(!html.contains("রহিম"));
    }
    let (_, list) = b.get("/cases").await;
    assert!(!list.contains(&reference));
}

#[tokio::test]
async fn an_analyst_opens_no_childs_record_and_is_offered_no_link_to_one() {
    let server = TestServer::start().await;
    let a = server.login("cw_a").await;
    let reference = a.register_child(CHILD).await;
    let an = server.login("analyst").await;
    let (_, home) = an.get("/").await;
    assert!(!home.contains("href=\"/cases"), "{home}");
    assert!(!home.contains("href=\"/tracing-requests"), "{home}");
    assert!(home.contains("figures only"), "{home}");
    assert!(home.contains("href=\"/analysis/recruitment\""), "{home}");
    assert!(home.contains("href=\"/reports/indicators\""), "{home}");
    // Their view of the programme: the indicators, this month's child withheld as one of
    // fewer than 11; a supervisor sees the exact count.
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let (status, page) = an
        .get(&format!("/reports/indicators?period={month}&by=sex"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("Unaccompanied and separated children registered"),
        "{page}"
    );
    assert!(page.contains("<em>fewer than 11</em>"), "{page}");
    assert!(!page.contains("রহিম") && !page.contains(&reference));
    let xlsx = format!("/api/v1/reports/indicators.xlsx?period={month}&#38;by=sex");
    assert!(page.contains(&xlsx), "{page}");
    let (status, _) = an
        .get(&format!("/api/v1/reports/indicators.xlsx?period={month}"))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the link works with the page's session"
    );
    let (status, page) = an.get("/reports/indicators?period=2026-13").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("role=\"alert\"") && page.contains("not a month"),
        "{page}"
    );
    let (_, page) = server
        .login("sup_a")
        .await
        .get(&format!(
            "/reports/indicators?period={month}&indicator=uasc_registered"
        ))
        .await;
    assert!(!page.contains("<em>fewer than 11</em>"), "{page}");
    assert!(
        page.contains("<svg") && page.contains("class=\"bars\""),
        "{page}"
    );
    for path in [
        format!("/cases/{reference}"),
        "/cases".to_string(),
        "/cases?q=rahim".to_string(),
        "/tracing-requests".to_string(),
        format!("/cases/{reference}/edit"),
    ] {
        let (status, html) = an.get(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        // Refused before any record is looked up: nothing of the child is on the page.
        assert!(
            !html.contains("রহিম") && !html.contains("আলী") && !html.contains("unaccompanied"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_tracing_request_with_two_children_sought_is_registered() {
    let server = TestServer::start().await;
    let b = server.login("cw_a").await;
    let (status, location, body) = b
        .submit(
            "/tracing-requests/new",
            "/tracing-requests/new",
            &[
                ("inquiry_date", "2026-11-01"),
                ("relation_name", "আমিনা খাতুন"),
                ("relation", "mother"),
                ("children_sought[0].name_first", "রহিম"),
                ("children_sought[0].sex", "male"),
                ("children_sought[0].age", "9"),
                ("children_sought[1].name_first", "करीम"),
                ("children_sought[1].sex", "male"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert!(location.starts_with("/tracing-requests/TR-"));
    let (_, html) = b.get(&location).await;
    assert!(html.contains("Child sought 2"));
    assert!(
        html.contains("<dd lang=\"hi\">करीम <span class=\"roman\" lang=\"en\">(Karim)</span></dd>"),
        "{html}"
    );

    // A request with no child sought says so at the group.
    let (status, _, html) = b
        .submit(
            "/tracing-requests/new",
            "/tracing-requests/new",
            &[("inquiry_date", "2026-11-01"), ("relation_name", "X")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"f-children_sought-error\""), "{html}");
}

#[tokio::test]
async fn validation_messages_are_shown_in_the_users_language() {
    let server = TestServer::start().await;
    let b = server.login("cw_a").await;
    b.submit("/", "/language", &[("lang", "bn"), ("next", "/cases/new")])
        .await;
    let long_name = "ক".repeat(130);
    let (status, _, html) = b
        .submit(
            "/cases/new",
            "/cases/new",
            &[
                ("name_first", long_name.as_str()),
                ("sex", "male"),
                ("age", "25"),
                ("protection_status", "separated"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"f-age-error\">25 সংখ্যাটি 0–17-এর বাইরে: Homeward ১৮ বছরের কম"),
        "{html}"
    );
    assert!(
        html.contains("id=\"f-name_first-error\">এটি 130 অক্ষরের; সর্বোচ্চ 120 অক্ষরে ছোট করুন"),
        "{html}"
    );
    assert!(!html.contains("is outside"), "{html}");
}

#[tokio::test]
async fn the_language_is_switched_kept_on_the_user_and_used_on_every_page() {
    let server = TestServer::start().await;
    let b = server.login("cw_a").await;
    let (status, location, _) = b
        .submit("/", "/language", &[("lang", "as"), ("next", "/cases")])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/cases")
    );
    let (_, html) = b.get("/").await;
    assert!(html.starts_with("<!doctype html>\n<html lang=\"as\">"));
    assert!(html.contains("শিশুৰ পঞ্জীয়ন"), "{html}");
    let user = server
        .store
        .user_by_username("cw_a")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.language, "as");
    // Field labels are translated too.
    let (_, form) = b.get("/cases/new").await;
    assert!(form.contains("প্ৰথম নাম"));

    // Kept across sessions: log in again from another browser.
    let again = server.login("cw_a").await;
    let (_, html) = again.get("/").await;
    assert!(html.contains("lang=\"as\""));

    // Hindi and back to English.
    again
        .submit("/", "/language", &[("lang", "hi"), ("next", "/")])
        .await;
    let (_, html) = again.get("/").await;
    assert!(html.contains("बच्चे का पंजीकरण"));
    again
        .submit("/", "/language", &[("lang", "en"), ("next", "/")])
        .await;
    let (_, html) = again.get("/").await;
    assert!(html.contains("Register a child"));

    // An open redirect is not possible through `next`.
    let (_, location, _) = again
        .submit(
            "/",
            "/language",
            &[("lang", "en"), ("next", "//evil.example")],
        )
        .await;
    assert_eq!(location, "/");

    // Before login, the choice is kept in a cookie.
    let anon = server.browser();
    let (_, login) = anon.get("/login").await;
    let token = csrf(&login);
    let (status, _, _) = anon
        .post(
            "/language",
            &[("csrf_token", &token), ("lang", "bn"), ("next", "/login")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, login) = anon.get("/login").await;
    assert!(login.contains("lang=\"bn\"") && login.contains("পাসওয়ার্ড"));
}

#[tokio::test]
async fn administrators_manage_users_and_verify_the_audit_trail() {
    let server = TestServer::start().await;
    let admin = server.login("admin").await;
    let (status, html) = admin.get("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("cw_a display"));
    let (status, location, body) = admin
        .submit(
            "/admin/users",
            "/admin/users",
            &[
                ("username", "new_cw"),
                ("display_name", "New Caseworker"),
                ("password", "another long password"),
                ("role", "caseworker"),
                ("scope", ""),
                ("agency", "Agency A"),
                ("team", "Barpeta"),
                ("language", "bn"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location, "/admin/users?done=added");
    let user = server
        .store
        .user_by_username("new_cw")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.language, "bn");

    // A short password is refused beside the field.
    let (status, _, body) = admin
        .submit(
            "/admin/users",
            "/admin/users",
            &[
                ("username", "short_pw"),
                ("display_name", "S"),
                ("password", "short"),
                ("role", "caseworker"),
                ("agency", "Agency A"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("id=\"nu-password-error\""), "{body}");

    let id = user.id.to_string();
    let (status, _, _) = admin
        .submit("/admin/users", &format!("/admin/users/{id}/disable"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        server
            .store
            .user_by_username("new_cw")
            .await
            .unwrap()
            .unwrap()
            .disabled
    );
    let (status, _, _) = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{id}/password"),
            &[("password", "a brand new password")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (status, html) = admin.get("/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("user.disable"));
    let (status, _, html) = admin
        .submit("/admin/audit", "/admin/audit/verify", &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("The audit trail is intact"), "{html}");

    // A caseworker may not open either page.
    let cw = server.login("cw_a").await;
    assert_eq!(cw.get("/admin/users").await.0, StatusCode::FORBIDDEN);
    assert_eq!(cw.get("/admin/audit").await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_carry_no_inline_script_or_style_and_stay_small_compressed() {
    let server = TestServer::start().await;
    let b = server.login("cw_a").await;
    let reference = b.register_child(CHILD).await;
    let pages = [
        "/".to_string(),
        "/cases".to_string(),
        "/cases/new".to_string(),
        format!("/cases/{reference}"),
        "/tracing-requests/new".to_string(),
    ];
    for path in &pages {
        let res = b
            .client
            .get(format!("{}{path}", b.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.contains("script-src 'self'") && csp.contains("style-src 'self'"));
        assert_eq!(
            res.headers()["cache-control"],
            "no-store",
            "{path}: personal data is never cached"
        );
        let html = res.text().await.unwrap();
        assert!(!html.contains("style="), "{path} has a style attribute");
        assert!(!html.contains("<style"), "{path} has a style element");
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            assert!(
                tag.contains("src=\"/static/"),
                "{path}: inline script {tag}"
            );
        }
        assert!(
            !html.contains(" onclick=") && !html.contains(" onchange="),
            "{path}"
        );
        // Nothing is fetched from another host (the SVG namespace is a name, not a fetch).
        let own = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(
            !own.contains("http://") && !own.contains("https://"),
            "{path} names another host"
        );
        // Every page is compressed and, with its stylesheet and script, well under 60 KB.
        let res = b
            .client
            .get(format!("{}{path}", b.base))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-encoding"], "gzip", "{path}");
        let page = res.bytes().await.unwrap().len();
        assert!(page < 20_000, "{path}: {page} bytes");
    }
    let mut assets = 0;
    for asset in ["/static/app.css", "/static/htmx.min.js"] {
        let res = b
            .client
            .get(format!("{}{asset}", b.base))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert!(res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000"));
        assets += res.bytes().await.unwrap().len();
    }
    assert!(assets < 30_000, "assets: {assets} bytes");
}

#[tokio::test]
async fn every_main_page_renders_in_every_language_without_a_raw_message_id() {
    use homeward_web::i18n::{message_ids, Lang};
    let server = TestServer::start().await;
    let b = server.login("cw_a").await;
    let reference = b.register_child(CHILD).await;
    let ids = message_ids(Lang::En);
    for lang in Lang::ALL {
        let (status, _, _) = b
            .submit("/", "/language", &[("lang", lang.code()), ("next", "/")])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        for path in [
            "/".to_string(),
            "/cases".to_string(),
            "/cases?risk_level=high&q=x".to_string(),
            "/cases/new".to_string(),
            format!("/cases/{reference}"),
            format!("/cases/{reference}/edit"),
            format!("/cases/{reference}/history"),
            "/tracing-requests".to_string(),
            "/tracing-requests/new".to_string(),
        ] {
            let (status, html) = b.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{} {path}", lang.code());
            assert!(html.contains(&format!("<html lang=\"{}\">", lang.code())));
            for id in &ids {
                assert!(
                    !html.contains(&format!(">{id}<")),
                    "{} {path} shows the message id {id}",
                    lang.code()
                );
            }
        }
    }
}

#[tokio::test]
async fn a_change_made_meanwhile_by_someone_else_is_not_overwritten() {
    let server = TestServer::start().await;
    let b = server.login("cw_a").await;
    let reference = b.register_child(CHILD).await;
    let edit = format!("/cases/{reference}/edit");
    let mut first: Vec<(&str, &str)> = CHILD
        .iter()
        .filter(|(k, _)| *k != "district")
        .copied()
        .collect();
    first.push(("version", "1"));
    first.push(("district", "Dhubri"));
    let (status, _, _) = b.submit(&edit, &edit, &first).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // A second tab still holding version 1.
    let mut stale: Vec<(&str, &str)> = CHILD.to_vec();
    stale.push(("version", "1"));
    let (status, _, html) = b.submit(&edit, &edit, &stale).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Someone else changed this record"));
    let (_, page) = b.get(&format!("/cases/{reference}")).await;
    assert!(page.contains("Dhubri"));
}

#[tokio::test]
async fn an_administrator_is_shown_which_account_is_under_guard_and_where_to_act() {
    let server = TestServer::start().await;
    let users = server.store.list_users().await.unwrap();
    let admin_id = users.iter().find(|u| u.username == "admin").unwrap().id;
    server
        .store
        .create_alert(
            admin_id,
            "account_guarded",
            None,
            serde_json::json!({"username": "cw_b", "minutes": 15, "message": "Many wrong passwords were tried for the account `cw_b`"}),
        )
        .await
        .unwrap();
    let admin = server.login("admin").await;
    let (status, dash) = admin.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        dash.contains("An account was put under guard"),
        "the alert is not named: {dash}"
    );
    assert!(dash.contains("cw_b"), "the account is not named: {dash}");
    assert!(dash.contains("href=\"/admin/users\""), "{dash}");
}

#[tokio::test]
async fn dashboard_figures_are_counted_without_listing_records_in_the_audit_trail() {
    let server = TestServer::start().await;
    let cw = server.login("cw_a").await;
    cw.register_child(&[
        ("name_first", "Rahim"),
        ("sex", "male"),
        ("protection_status", "unaccompanied"),
        ("risk_level", "high"),
    ])
    .await;
    let listings = || async {
        server
            .store
            .audit_entries(0, 10_000)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.action == "records.list")
            .count()
    };
    let before = listings().await;
    let (status, html) = cw.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("figures"), "{html}");
    // The "my open cases" list is a listing (audited once); the figures are counts.
    assert!(listings().await - before <= 1);
}
