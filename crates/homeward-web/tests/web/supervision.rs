//! The supervisor's actions of the tracing workflow in the web interface: overriding the
//! child's consent so the family's side sees a match, and merging two registrations of one
//! child (and undoing it), each refused to roles without the permission.

use homeward_domain::RecordKind;
use reqwest::StatusCode;

use crate::helpers::{TestServer, CHILD};
use crate::matches::{newest, propose, request_for_rahim, server};

/// The child of `CHILD`, registered without consent for tracing.
fn child_without_consent() -> Vec<(&'static str, &'static str)> {
    let mut child: Vec<(&str, &str)> = CHILD
        .iter()
        .copied()
        .filter(|(k, _)| *k != "consent_for_tracing")
        .collect();
    child.push(("consent_for_tracing", "no"));
    child
}

/// A match between agency A's child without consent and agency B's request; its id.
async fn match_without_consent(server: &TestServer) -> String {
    let cw_a = server.login("cw_a").await;
    let cw_b = server.login("cw_b").await;
    cw_a.register_child(&child_without_consent()).await;
    let case_id = newest(&server.store, RecordKind::Case).await;
    request_for_rahim(&cw_b).await;
    let request_id = newest(&server.store, RecordKind::TracingRequest).await;
    propose(&server.store, case_id, request_id).await
}

/// Each page reads in every language with no message id left raw and no inline style; the
/// browser is back in English afterwards.
async fn in_every_language(b: &crate::helpers::Browser, paths: &[String]) {
    use homeward_web::i18n::{message_ids, Lang};
    let ids = message_ids(Lang::En);
    for lang in Lang::ALL {
        let (status, _, _) = b
            .submit("/", "/language", &[("lang", lang.code()), ("next", "/")])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        for path in paths {
            let (status, html) = b.get(path).await;
            assert_eq!(status, StatusCode::OK, "{} {path}", lang.code());
            assert!(!html.contains("style="), "{path}");
            for m in &ids {
                assert!(
                    !html.contains(&format!(">{m}<")) && !html.contains(&format!("> {m}<")),
                    "{} {path} shows {m}",
                    lang.code()
                );
            }
        }
    }
    let (status, _, _) = b
        .submit("/", "/language", &[("lang", "en"), ("next", "/")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_supervisor_lets_the_familys_caseworker_see_a_match_and_they_are_alerted() {
    let server = server().await;
    let store = &server.store;
    let id = match_without_consent(&server).await;
    let path = format!("/matches/{id}");
    let action = format!("/matches/{id}/disclosure");
    let cw_b = server.login("cw_b").await;
    assert_eq!(cw_b.get(&path).await.0, StatusCode::NOT_FOUND);

    let sup = server.login("sup_a").await;
    let (status, html) = sup.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&format!("action=\"{action}\"")), "{html}");
    assert!(html.contains("<label for=\"f-override-reason\">"));
    in_every_language(&sup, std::slice::from_ref(&path)).await;

    // Too short a reason: said beside the field, nothing recorded.
    let (status, _, html) = sup
        .submit(&path, &action, &[("override_reason", "urgent")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("id=\"f-override-reason-error\""), "{html}");
    assert!(html.contains("at least 20 characters"));
    assert!(html.contains(">urgent</textarea>"));
    assert!(
        !store
            .match_by_id(&id, false)
            .await
            .unwrap()
            .disclosure_overridden
    );
    assert_eq!(cw_b.get(&path).await.0, StatusCode::NOT_FOUND);

    let reason = "The mother is at the camp gate today; the child cannot be asked yet";
    let (status, location, body) = sup
        .submit(&path, &action, &[("override_reason", reason)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location, format!("/matches/{id}?overridden=1"));
    let (_, html) = sup.get(&location).await;
    assert!(html.contains("The override is recorded"), "{html}");
    assert!(html.contains(reason));
    assert!(
        !html.contains(&format!("action=\"{action}\"")),
        "the form goes once recorded"
    );
    assert!(
        store
            .match_by_id(&id, false)
            .await
            .unwrap()
            .disclosure_overridden
    );
    let audit = store.audit_entries(0, 10_000).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "match.disclosure_override"));

    // The family's caseworker is alerted, and now sees the match.
    let (_, dash) = cw_b.get("/").await;
    assert!(dash.contains(&format!("href=\"{path}\"")), "{dash}");
    let (status, review) = cw_b.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert!(review.contains("Rahim"));
    assert!(!review.contains(&format!("action=\"{action}\"")));
}

#[tokio::test]
async fn a_caseworker_sees_no_override_form_and_is_refused_when_posting() {
    let server = server().await;
    let id = match_without_consent(&server).await;
    let path = format!("/matches/{id}");
    let action = format!("/matches/{id}/disclosure");
    let cw_a = server.login("cw_a").await;
    let (status, html) = cw_a.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(!html.contains("f-override-reason"), "{html}");
    let (status, _, _) = cw_a
        .submit(
            &path,
            &action,
            &[("override_reason", "I would like the family to see this now")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        !server
            .store
            .match_by_id(&id, false)
            .await
            .unwrap()
            .disclosure_overridden
    );
    // The refused post changed nothing: the family's side still does not see the match.
    let cw_b = server.login("cw_b").await;
    assert_eq!(cw_b.get(&path).await.0, StatusCode::NOT_FOUND);
}

/// The page of a case once the matcher has found its duplicate (it runs in the background).
async fn page_with_duplicate(b: &crate::helpers::Browser, case: &str, other: &str) -> String {
    for _ in 0..100 {
        let (status, html) = b.get(&format!("/cases/{case}")).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        if html.contains(&format!(">{other}</a>")) {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    panic!("no duplicate of {case} was found");
}

/// The value of the first hidden `duplicate` field of a page.
fn duplicate_field(html: &str) -> String {
    let marker = "name=\"duplicate\" value=\"";
    let start = html.find(marker).expect("a merge form") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_string()
}

#[tokio::test]
async fn a_supervisor_merges_two_registrations_of_one_child_and_undoes_it() {
    let server = TestServer::start().await;
    let store = &server.store;
    let cw = server.login("cw_a").await;
    let first = cw.register_child(CHILD).await;
    let mut again = CHILD.to_vec();
    again.push(("national_id_no", "ID-778812"));
    let second = cw.register_child(&again).await;

    // The caseworker sees the suspicion, but no merge form.
    let html = page_with_duplicate(&cw, &first, &second).await;
    assert!(html.contains("Possibly registered twice"), "{html}");
    assert!(!html.contains("name=\"duplicate\""), "{html}");
    let (status, _, _) = cw
        .submit(
            &format!("/cases/{first}"),
            &format!("/cases/{first}/merge"),
            &[("duplicate", &second), ("reason", "same mother, same camp")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let sup = server.login("sup_a").await;
    let page = format!("/cases/{first}");
    let action = format!("/cases/{first}/merge");
    let html = page_with_duplicate(&sup, &first, &second).await;
    let duplicate = duplicate_field(&html);
    in_every_language(&sup, std::slice::from_ref(&page)).await;
    assert!(html.contains("<label for=\"f-merge-1-reason\">"), "{html}");

    // Without a reason: the message beside the field, and nothing merged.
    let (status, _, html) = sup
        .submit(
            &page,
            &action,
            &[("duplicate", &duplicate), ("reason", " ")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("id=\"f-merge-1-reason-error\""), "{html}");
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("<details open>"));
    let second_case = store
        .record_for_matching(&duplicate.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second_case.status, "open");

    let reason = "Same mother, same camp, registered by two teams";
    let (status, location, body) = sup
        .submit(
            &page,
            &action,
            &[("duplicate", &duplicate), ("reason", reason)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location, format!("/cases/{first}?saved=1#duplicates"));
    let (_, html) = sup.get(&location).await;
    assert!(html.contains("Merged into this case"), "{html}");
    assert!(html.contains(&second) && html.contains(reason));
    assert!(
        html.contains("ID-778812"),
        "the survivor took the value it lacked"
    );
    assert!(html.contains("Undo the merge"));
    in_every_language(&sup, std::slice::from_ref(&page)).await;
    let merged = store
        .record_for_matching(&duplicate.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(merged.status, "duplicate");

    // Undo, from the survivor's page.
    let marker = "action=\"/merges/";
    let start = html.find(marker).unwrap() + "action=\"".len();
    let undo = html[start..start + html[start..].find('"').unwrap()].to_string();
    let (status, location, body) = sup.submit(&page, &undo, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, html) = sup.get(&location).await;
    assert!(!html.contains("Undo the merge"), "{html}");
    assert!(!html.contains("ID-778812"));
    let restored = store
        .record_for_matching(&duplicate.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(restored.status, "open");
    // The pair is a pending suspicion again, with its form.
    assert!(html.contains("name=\"duplicate\""));
    let (_, second_page) = sup.get(&format!("/cases/{second}")).await;
    assert!(
        second_page.contains("ID-778812"),
        "the restored case keeps its own values"
    );
    // Undoing twice finds nothing left to undo.
    let (status, _, _) = sup.submit(&page, &undo, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
