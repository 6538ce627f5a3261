//! The case workflow on the case page: steps, verification, approval, reunification and
//! follow-up visits through the forms; refusals beside their fields; the forms kept from roles
//! without the permission.

use reqwest::StatusCode;

use crate::helpers::{csrf, Browser, TestServer, CHILD};

/// The stage label shown on the case page.
fn stage(html: &str) -> String {
    let marker = "<strong class=\"stage\">";
    let start = html.find(marker).expect("the workflow section") + marker.len();
    let end = html[start..].find('<').unwrap() + start;
    html[start..end].to_string()
}

/// Posts one of the case page's workflow forms with the page's CSRF token.
async fn act(
    b: &Browser,
    reference: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let page = format!("/cases/{reference}");
    b.submit(&page, &format!("/cases/{reference}/{path}"), fields)
        .await
}

async fn done(b: &Browser, reference: &str, path: &str, fields: &[(&str, &str)]) {
    let (status, location, body) = act(b, reference, path, fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{path}: {body}");
    assert_eq!(location, format!("/cases/{reference}?saved=1#workflow"));
}

const POSITIVE: &[(&str, &str)] = &[
    ("adult_willing", "yes"),
    ("adult_able", "yes"),
    ("child_knows_adult", "yes"),
    ("child_wishes", "yes"),
    ("accounts_agree", "yes"),
    ("recommendation", "reunification"),
    ("notes", "Mother identified the child from the photo."),
];

#[tokio::test]
async fn a_case_goes_from_registration_through_verification_and_approval_to_reunification() {
    let server = TestServer::start().await;
    let cw = server.login("cw_a").await;
    let reference = cw.register_child(CHILD).await;
    let page = format!("/cases/{reference}");

    // A caseworker's registration through the form registers the child at once (R1's clock is
    // met), as through the API; the steps of other stages are not offered.
    let (_, html) = cw.get(&page).await;
    assert_eq!(stage(&html), "Registered");
    assert!(!html.contains("/workflow/register\""));
    assert!(html.contains(&format!(
        "action=\"/cases/{reference}/workflow/start_tracing\""
    )));
    assert!(!html.contains("/workflow/reunify\""));
    assert!(!html.contains("/verifications\""));

    done(&cw, &reference, "workflow/start_tracing", &[]).await;
    done(
        &cw,
        &reference,
        "tracing-actions",
        &[
            ("action_type", "photo"),
            ("date", "2026-01-15"),
            ("place", "Barpeta relief camp"),
            ("outcome", "successful"),
        ],
    )
    .await;
    done(&cw, &reference, "workflow/start_verification", &[]).await;
    let (_, html) = cw.get(&page).await;
    assert_eq!(stage(&html), "Verification");
    assert!(html.contains("Photo tracing") && html.contains("Barpeta relief camp"));
    assert!(html.contains(&format!("action=\"/cases/{reference}/verifications\"")));

    done(&cw, &reference, "verifications", POSITIVE).await;
    let (_, html) = cw.get(&page).await;
    assert!(html.contains("Recommendation: Reunification"), "{html}");
    // A caseworker may not approve: the form is not there, and reunifying is refused with the
    // rule's message until a supervisor has approved.
    assert!(!html.contains("/approval\""));
    let (status, _, html) = act(
        &cw,
        &reference,
        "workflow/reunify",
        &[("adult_name", "আমিনা খাতুন"), ("relation", "mother")],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        html.contains("A supervisor must approve reunification"),
        "{html}"
    );
    assert!(html.contains("id=\"wf-reunify\" open"));
    assert!(
        html.contains("value=\"আমিনা খাতুন\""),
        "the typed value is kept"
    );
    let (status, _, _) = act(&cw, &reference, "approval", &[("reason", "Checked it all")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The supervisor sees the approval form and approves.
    let sup = server.login("sup_a").await;
    let (_, html) = sup.get(&page).await;
    assert!(html.contains(&format!("action=\"/cases/{reference}/approval\"")));
    done(
        &sup,
        &reference,
        "approval",
        &[("reason", "Verification is complete and positive.")],
    )
    .await;

    done(
        &cw,
        &reference,
        "workflow/reunify",
        &[
            ("adult_name", "আমিনা খাতুন"),
            ("relation", "mother"),
            ("with_verified_adult", "yes"),
        ],
    )
    .await;
    let (_, html) = cw.get(&page).await;
    assert_eq!(stage(&html), "Reunification");
    // R5: follow-up visits were scheduled, high risk: four of them.
    assert_eq!(
        html.matches("Visit after reunification").count(),
        4,
        "{html}"
    );
    assert!(html.contains("Reunification approved"));
    assert!(html.contains(&format!(
        "action=\"/cases/{reference}/workflow/start_follow_up\""
    )));
}

#[tokio::test]
async fn a_follow_up_visit_is_recorded_done_from_the_page_and_flagged_late() {
    let server = TestServer::start().await;
    let cw = server.login("cw_a").await;
    let reference = cw.register_child(CHILD).await;
    // A placement that started long ago: its follow-up visits are already due.
    done(
        &cw,
        &reference,
        "workflow/interim_care",
        &[
            ("care_arrangements_type", "foster_care"),
            ("caregiver_name", "Rupa Das"),
            ("start_date", "2026-01-01"),
        ],
    )
    .await;
    let page = format!("/cases/{reference}");
    let (_, html) = cw.get(&page).await;
    assert_eq!(stage(&html), "Interim care");
    assert!(html.contains("Care arrangement: Foster care"), "{html}");
    assert!(html.contains("<strong>2026-01-08</strong> · Visit in care"));
    assert!(html.contains("Overdue"));

    // The dashboard lists the overdue visits with a link to the case's follow-ups, and the
    // reminder sweep's alerts about them, unread, with the same link.
    homeward_server::reminders::sweep(&server.store)
        .await
        .unwrap();
    let (_, dash) = cw.get("/").await;
    assert!(dash.contains("Overdue follow-up visits"));
    assert!(dash.contains(&format!("href=\"/cases/{reference}#followups\"")));
    assert!(dash.contains("Unread alerts"), "{dash}");
    assert!(dash.contains(&format!(
        "<a href=\"/cases/{reference}#followups\">Follow-up visit overdue · <strong>{reference}</strong></a>"
    )));

    // Opening the case page answers those alerts; the overdue list stays until the visits
    // are recorded.
    let (_, html) = cw.get(&page).await;
    let (_, dash) = cw.get("/").await;
    assert!(!dash.contains("Unread alerts"), "{dash}");
    assert!(dash.contains("Overdue follow-up visits"));

    // The first visit's form.
    let marker = format!("action=\"/cases/{reference}/followups/");
    let start = html.find(&marker).expect("a follow-up form") + marker.len();
    let id = html[start..start + html[start..].find('/').unwrap()].to_string();
    let path = format!("followups/{id}/done");
    // A date in the future is refused beside the date, and nothing is recorded.
    let (status, _, body) = act(&cw, &reference, &path, &[("followup_date", "2999-01-01")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(&format!(
        "<p class=\"error\" id=\"wf-followup-{id}-followup_date-error\">The visit date cannot be in the future.</p>"
    )), "{body}");
    done(
        &cw,
        &reference,
        &path,
        &[("followup_date", "2026-02-01"), ("child_with_family", "no")],
    )
    .await;
    let (_, html) = cw.get(&page).await;
    assert!(
        html.contains("done on 2026-02-01 <span class=\"flag\">Late</span>"),
        "{html}"
    );
    assert!(!html.contains(&format!("/followups/{id}/done\"")));
    // Recording it twice is refused.
    let (status, _, _) = act(&cw, &reference, &path, &[("followup_date", "2026-02-02")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn roles_without_the_permission_see_no_workflow_form_and_are_refused_when_posting() {
    let server = TestServer::start().await;
    let cw = server.login("cw_a").await;
    let reference = cw.register_child(CHILD).await;

    // An administrator reads the case but takes no step.
    let admin = server.login("admin").await;
    let (status, html) = admin.get(&format!("/cases/{reference}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains(&format!("action=\"/cases/{reference}/")),
        "{html}"
    );

    // A volunteer cannot open the case, and a forged post with their own token is refused.
    let volunteer = server.login("volunteer").await;
    let (_, home) = volunteer.get("/").await;
    let token = csrf(&home);
    for (path, fields) in [
        ("workflow/start_tracing", vec![]),
        ("workflow/close", vec![("closure_reason", "other")]),
        ("verifications", POSITIVE.to_vec()),
        (
            "moves",
            vec![("scope", "within_district"), ("destination", "Dhubri")],
        ),
    ] {
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend(fields);
        let (status, _, body) = volunteer
            .post(&format!("/cases/{reference}/{path}"), &all)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(body.contains("Not allowed for your role"));
    }
    let (_, html) = cw.get(&format!("/cases/{reference}")).await;
    assert_eq!(stage(&html), "Registered");
    assert!(html.contains("No workflow event is recorded yet."));
}

#[tokio::test]
async fn an_invalid_form_shows_its_error_beside_the_field_and_changes_nothing() {
    let server = TestServer::start().await;
    let cw = server.login("cw_a").await;
    let reference = cw.register_child(CHILD).await;

    // Closing without a reason: the message sits beside the closure reason.
    let (status, _, html) = act(&cw, &reference, "workflow/close", &[("notes", "x")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"wf-close\" open"));
    assert!(html.contains(
        "<p class=\"error\" id=\"wf-close-closure_reason-error\">Choose why the case is closed.</p>"
    ), "{html}");
    assert!(html.contains(
        "id=\"wf-close-closure_reason\" name=\"closure_reason\" required aria-invalid=\"true\""
    ));
    assert_eq!(stage(&html), "Registered");
    let (_, html) = cw.get(&format!("/cases/{reference}")).await;
    assert!(html.contains("No workflow event is recorded yet."));

    // A move out of the district without what R4 asks: each missing entry is marked.
    let (status, _, html) = act(
        &cw,
        &reference,
        "moves",
        &[("scope", "out_of_district"), ("destination", "Guwahati")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("A move out of the district or the country needs its purpose"));
    for f in ["purpose", "accompanying_adult", "authorised_by"] {
        assert!(
            html.contains(&format!(
                "id=\"wf-move-{f}-error\">Required for a move out of the district"
            )),
            "{f}"
        );
    }
    assert!(html.contains("value=\"Guwahati\""));

    // In Bengali the same refusal is worded in Bengali.
    cw.submit("/", "/language", &[("lang", "bn"), ("next", "/")])
        .await;
    let (_, _, html) = act(&cw, &reference, "workflow/close", &[]).await;
    assert!(html.contains("কেস কেন বন্ধ করা হচ্ছে বেছে নিন।"), "{html}");

    let (_, html) = cw.get(&format!("/cases/{reference}")).await;
    assert!(!html.contains("wf-history-none") && html.contains("এখনও কোনো ঘটনা নথিভুক্ত হয়নি।"));
}
