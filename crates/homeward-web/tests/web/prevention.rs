//! Prevention pages against the real server: a volunteer's household and home visit reach the
//! caseworker as an alert, a checkpoint officer is told which tracing request a child may be
//! and records the outcome, incident pages stay closed to volunteers, and the analysis withholds
//! small counts.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestServer};

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// Submits a registration form and returns the new record's reference and its page.
async fn register(b: &Browser, base: &str, fields: &[(&str, &str)]) -> (String, String) {
    let new = format!("{base}/new");
    let (status, location, body) = b.submit(&new, &new, fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{base}: {body}");
    let reference = location
        .trim_start_matches(&format!("{base}/"))
        .split('?')
        .next()
        .unwrap()
        .to_string();
    (reference, location)
}

fn nav(html: &str) -> &str {
    let start = html.find("<nav").unwrap();
    &html[start..start + html[start..].find("</nav>").unwrap()]
}

#[tokio::test]
async fn a_volunteers_red_flag_home_visit_reaches_a_dashboard_that_can_open_it() {
    let server = TestServer::start().await;
    let volunteer = server.login("volunteer").await;
    let (_, html) = volunteer.get("/").await;
    let menu = nav(&html);
    for entry in ["Households", "Home visits", "Committees", "Awareness"] {
        assert!(
            menu.contains(entry),
            "volunteer's menu lacks {entry}: {menu}"
        );
    }
    for entry in ["Incidents", "Checkpoint logs", "Referrals", "Cases<"] {
        assert!(!menu.contains(entry), "volunteer's menu shows {entry}");
    }
    assert!(html.contains("href=\"/households/overdue-visits\""));

    let (status, form) = volunteer.get("/home-visits/new").await;
    assert_eq!(status, StatusCode::OK);
    // The household is typed as a reference, with its format beside the input.
    assert!(form.contains("<label for=\"f-household\">"), "{form}");
    assert!(form.contains("aria-describedby=\"f-household-hint\""));
    assert!(form.contains("HH-7K3Q-M9X"));
    assert!(form.contains("id=\"section-checklist\""));

    let (household, location) = register(
        &volunteer,
        "/households",
        &[
            ("head_name", "Sahida Begum"),
            ("district", "Barpeta"),
            ("village", "Char Bhangura"),
            ("livelihood", "daily_wage_labour"),
            ("debts", "yes"),
            ("members[0].member_relation", "mother"),
            ("members[0].member_name", "Sahida Begum"),
            ("members[1].member_relation", "other_family"),
            ("members[1].member_name", "Rupa"),
            ("members[1].member_age", "13"),
        ],
    )
    .await;
    assert!(household.starts_with("HH-"), "{location}");
    let (status, page) = volunteer.get(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Sahida Begum") && page.contains("Rupa"));
    assert!(page.contains("Next visit due"));

    let (visit, location) = register(
        &volunteer,
        "/home-visits",
        &[
            ("household", household.as_str()),
            ("visit_date", today().as_str()),
            ("child_name", "Rupa"),
            ("child_age", "13"),
            ("hv_offer_to_take_child", "yes"),
            (
                "hv_offer_to_take_child_note",
                "a cousin offered work in a Delhi hotel",
            ),
            ("hv_livelihood_lost_or_debt", "yes"),
        ],
    )
    .await;
    assert!(visit.starts_with("HV-"), "{location}");
    let (_, page) = volunteer.get(&location).await;
    assert!(page.contains("class=\"card alert\""), "{page}");
    assert!(page.contains("A red-flag item was found"));
    assert!(page.contains("Red flag"));
    assert!(page.contains("A relative or acquaintance offers to take the child"));
    // The household is a link to its page, which the volunteer may open.
    assert!(page.contains(&format!(
        "<a href=\"/households/{household}\">{household}</a>"
    )));
    let (_, page) = volunteer.get(&format!("/households/{household}")).await;
    assert!(
        page.contains("Risk level") && page.contains("High"),
        "{page}"
    );

    // The team's supervisor is told, and the alert's link opens the visit; a caseworker who
    // sees only their own cases is not sent a link that would answer "Not found" (issue 15).
    let sup = server.login("sup_a").await;
    let (_, dashboard) = sup.get("/").await;
    assert!(
        dashboard.contains("Home visit at risk"),
        "the supervisor is not told: {dashboard}"
    );
    let link = format!("/home-visits/{visit}");
    assert!(dashboard.contains(&format!("href=\"{link}\"")));
    let (status, _) = sup.get(&link).await;
    assert_eq!(status, StatusCode::OK);
    let cw = server.login("cw_a").await;
    let (_, dashboard) = cw.get("/").await;
    assert!(!dashboard.contains(&link), "{dashboard}");
}

#[tokio::test]
async fn a_checkpoint_officer_is_told_which_tracing_request_a_child_may_be_and_records_the_outcome()
{
    let server = TestServer::start().await;
    let cw = server.login("cw_a").await;
    let (request, _) = register(
        &cw,
        "/tracing-requests",
        &[
            ("inquiry_date", "2026-01-05"),
            ("relation_name", "Amina Khatun"),
            ("relation", "mother"),
            ("district", "Barpeta"),
            ("children_sought[0].name_first", "Rahim"),
            ("children_sought[0].name_last", "Ali"),
            ("children_sought[0].sex", "male"),
            ("children_sought[0].age", "10"),
        ],
    )
    .await;
    assert!(request.starts_with("TR-"), "{request}");

    let officer = server.login("checkpoint").await;
    let (_, html) = officer.get("/").await;
    let menu = nav(&html);
    assert!(menu.contains("Checkpoint logs"));
    assert!(!menu.contains("Households") && !menu.contains("Incidents"));
    let (log, location) = register(
        &officer,
        "/checkpoint-logs",
        &[
            ("log_date", today().as_str()),
            ("checkpoint", "Srirampur border gate"),
            ("district", "Kokrajhar"),
            ("name_first", "Rahim"),
            ("name_last", "Ali"),
            ("sex", "male"),
            ("age", "10"),
            ("origin_district", "Barpeta"),
            ("destination_district", "Delhi"),
            ("purpose", "work"),
            ("adult_relationship", "other_nonfamily"),
            ("cp_no_guardian_or_non_relative", "yes"),
            ("cp_destination_or_job_unknown", "yes"),
        ],
    )
    .await;
    assert!(log.starts_with("CP-"), "{location}");
    let (status, page) = officer.get(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Screening of this child"), "{page}");
    assert!(page.contains(&request), "the request is not named: {page}");
    assert!(page.contains("call the tracing team quoting this reference"));
    assert!(page.contains("class=\"card alert\""));
    // The officer may not open tracing requests: the reference is text, not a link.
    assert!(!page.contains(&format!("href=\"/tracing-requests/{request}\"")));
    assert!(page.contains("<label for=\"status-outcome\">"));

    let action = format!("/checkpoint-logs/{log}/outcome");
    let (status, _, html) = officer
        .submit(&location, &action, &[("outcome", "escaped")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Choose one of the options."));
    let (status, location, _) = officer
        .submit(
            &format!("/checkpoint-logs/{log}"),
            &action,
            &[("outcome", "handed_to_family"), ("note", "mother came")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = officer.get(&location).await;
    assert!(page.contains("Handed to the family"), "{page}");
    assert!(!page.contains("status-outcome"), "the outcome form stays");

    // The caseworker following the request hears of the sighting, and may open the log.
    let (_, dashboard) = cw.get("/").await;
    assert!(dashboard.contains("may have been seen at a checkpoint"));
    assert!(dashboard.contains(&format!("href=\"/checkpoint-logs/{log}\"")));
}

#[tokio::test]
async fn a_volunteer_is_refused_incident_pages_without_learning_whether_one_exists() {
    let server = TestServer::start().await;
    let cw = server.login("cw_a").await;
    let (incident, _) = register(
        &cw,
        "/incidents",
        &[
            ("incident_date", "2026-01-10"),
            ("trafficking_status", "possible_victim"),
            ("method_of_recruitment", "job_offer"),
            ("origin_district", "Barpeta"),
            ("destination_district", "Delhi"),
        ],
    )
    .await;
    assert!(incident.starts_with("IN-"));
    assert_eq!(
        cw.get(&format!("/incidents/{incident}")).await.0,
        StatusCode::OK
    );

    let volunteer = server.login("volunteer").await;
    for path in ["/incidents", "/incidents/new", "/persons-of-concern"] {
        assert_eq!(volunteer.get(path).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    let existing = format!("/incidents/{incident}");
    let missing = "/incidents/IN-2222-222";
    let (status, seen) = volunteer.get(&existing).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, unseen) = volunteer.get(missing).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The same page but for the address it was asked at (kept to come back after switching
    // language), so the answer tells nothing of the record.
    assert_eq!(seen.replace(&existing, "X"), unseen.replace(missing, "X"));
    assert!(seen.contains("Not allowed for your role"));
}

#[tokio::test]
async fn the_analysis_page_withholds_small_counts_from_an_analyst() {
    let server = TestServer::start().await;
    let cw = server.login("cw_a").await;
    register(
        &cw,
        "/incidents",
        &[
            ("incident_date", "2026-01-10"),
            ("trafficking_status", "possible_victim"),
            ("method_of_recruitment", "job_offer"),
            ("origin_district", "Barpeta"),
            ("destination_district", "Delhi"),
        ],
    )
    .await;
    let analyst = server.login("analyst").await;
    let (_, html) = analyst.get("/").await;
    assert!(nav(&html).contains("href=\"/analysis/recruitment\""));
    let (status, page) = analyst.get("/analysis/recruitment").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Method of recruitment"), "{page}");
    assert!(page.contains("Job offer"));
    assert!(page.contains("fewer than 11"), "{page}");
    // One incident on a route: the analyst is not told the route was taken.
    assert!(!page.contains("Barpeta → Delhi"), "{page}");
    let sup = server.login("sup_a").await;
    let (_, page) = sup.get("/analysis/recruitment").await;
    assert!(page.contains("Barpeta → Delhi"), "{page}");
    assert!(
        !page.contains("fewer than 11"),
        "a supervisor sees exact counts"
    );
    let volunteer = server.login("volunteer").await;
    assert_eq!(
        volunteer.get("/analysis/recruitment").await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn prevention_pages_render_in_every_language_without_inline_code_and_stay_small() {
    use homeward_web::i18n::{message_ids, Lang};
    let server = TestServer::start().await;
    let b = server.login("sup_a").await;
    let (household, _) = register(
        &b,
        "/households",
        &[("head_name", "Sahida Begum"), ("district", "Barpeta")],
    )
    .await;
    let mut pages = vec![
        "/".to_string(),
        "/households/overdue-visits".to_string(),
        "/analysis/recruitment".to_string(),
        format!("/households/{household}"),
        format!("/households/{household}/edit"),
        format!("/households/{household}/history"),
    ];
    for p in homeward_web::kinds::ALL.iter().skip(2) {
        pages.push(p.base.to_string());
        if p.kind != homeward_domain::RecordKind::CheckpointLog {
            pages.push(format!("{}/new", p.base));
        }
    }
    let ids = message_ids(Lang::En);
    for lang in Lang::ALL {
        let (status, _, _) = b
            .submit("/", "/language", &[("lang", lang.code()), ("next", "/")])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        for path in &pages {
            let (status, html) = b.get(path).await;
            assert_eq!(status, StatusCode::OK, "{} {path}", lang.code());
            for id in &ids {
                assert!(
                    !html.contains(&format!(">{id}<")),
                    "{} {path} shows the message id {id}",
                    lang.code()
                );
            }
            assert!(
                !html.contains("style=") && !html.contains("<style"),
                "{path}"
            );
            for (i, _) in html.match_indices("<script") {
                let tag = &html[i..i + html[i..].find('>').unwrap()];
                assert!(tag.contains("src=\"/static/"), "{path}: inline script");
            }
            // Every input of the forms has its label.
            for (i, _) in html.match_indices("<input id=\"") {
                let id = &html[i + 11..i + 11 + html[i + 11..].find('"').unwrap()];
                assert!(
                    html.contains(&format!("for=\"{id}\"")),
                    "{path}: input {id} has no label"
                );
            }
        }
    }
    for path in &pages {
        let res = b
            .client
            .get(format!("{}{path}", b.base))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-encoding"], "gzip", "{path}");
        let size = res.bytes().await.unwrap().len();
        assert!(size < 30_000, "{path}: {size} bytes compressed");
    }
}

#[tokio::test]
async fn a_referral_is_moved_along_from_its_page_and_links_to_its_provider() {
    let server = TestServer::start().await;
    let cw = server.login("cw_a").await;
    let (provider, _) = register(
        &cw,
        "/service-providers",
        &[
            ("provider_name", "Barpeta legal aid cell"),
            ("service_types", "legal_aid"),
            ("is_external", "no"),
        ],
    )
    .await;
    let (household, _) = register(
        &cw,
        "/households",
        &[("head_name", "Sahida Begum"), ("district", "Barpeta")],
    )
    .await;
    let (_, list) = cw.get("/referrals").await;
    assert!(
        list.contains("href=\"/service-providers\""),
        "the directory is linked"
    );
    let (referral, location) = register(
        &cw,
        "/referrals",
        &[
            ("household", household.as_str()),
            ("service_provider", provider.as_str()),
            ("service_type", "legal_aid"),
            ("referral_date", today().as_str()),
        ],
    )
    .await;
    assert!(referral.starts_with("RF-"), "{location}");
    let (_, page) = cw.get(&location).await;
    assert!(page.contains(&format!(
        "<a href=\"/service-providers/{provider}\">{provider}</a>"
    )));
    assert!(page.contains("<label for=\"status-status\">"));
    let (status, location, _) = cw
        .submit(
            &format!("/referrals/{referral}"),
            &format!("/referrals/{referral}/status"),
            &[("status", "accepted")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = cw.get(&location).await;
    assert!(page.contains("Accepted"), "{page}");
}
