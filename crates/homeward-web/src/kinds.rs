//! The kinds of record as the web interface serves them: their addresses, message keys and the
//! actions each page needs.
//!
//! Every kind gets the same generic pages (list, new, record, edit, history). The permissions
//! come from the kind's family (`Action::for_records`), so a committee and a household ask for
//! the same community permissions, and personal fields open with the family's personal-view
//! action (`Action::personal_view`): a volunteer visiting households sees their names without
//! ever opening a child's case.

use homeward_auth::{Action, Verb};
use homeward_domain::RecordKind;

/// Addresses and permissions of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindPages {
    /// The kind.
    pub kind: RecordKind,
    /// Base path: `/cases`, `/tracing-requests`, `/home-visits`.
    pub base: &'static str,
    /// Message key prefix: `case`, `tracing`, `home_visit`.
    pub key: &'static str,
}

impl KindPages {
    /// To register one.
    pub fn create(&self) -> Action {
        Action::for_records(self.kind, Verb::Create)
    }

    /// To open one.
    pub fn read(&self) -> Action {
        Action::for_records(self.kind, Verb::Read)
    }

    /// To change one.
    pub fn update(&self) -> Action {
        Action::for_records(self.kind, Verb::Update)
    }

    /// To list them.
    pub fn list(&self) -> Action {
        Action::for_records(self.kind, Verb::List)
    }

    /// To see the personal fields of one (names, contacts, places, notes).
    pub fn personal(&self) -> Action {
        Action::personal_view(self.kind)
    }
}

const fn pages(kind: RecordKind, base: &'static str, key: &'static str) -> KindPages {
    KindPages { kind, base, key }
}

/// Child cases.
pub const CASES: KindPages = pages(RecordKind::Case, "/cases", "case");
/// Tracing requests.
pub const TRACING: KindPages = pages(RecordKind::TracingRequest, "/tracing-requests", "tracing");

/// Every kind the web interface serves, in the order of the navigation. The base path is the
/// API's collection segment, so a reference's kind alone gives its page.
pub const ALL: [KindPages; 12] = [
    CASES,
    TRACING,
    pages(RecordKind::Household, "/households", "household"),
    pages(RecordKind::HomeVisit, "/home-visits", "home_visit"),
    pages(RecordKind::Committee, "/committees", "committee"),
    pages(
        RecordKind::AwarenessActivity,
        "/awareness-activities",
        "awareness_activity",
    ),
    pages(
        RecordKind::AwarenessMessage,
        "/awareness-messages",
        "awareness_message",
    ),
    pages(
        RecordKind::CheckpointLog,
        "/checkpoint-logs",
        "checkpoint_log",
    ),
    pages(RecordKind::Incident, "/incidents", "incident"),
    pages(
        RecordKind::PersonOfConcern,
        "/persons-of-concern",
        "person_of_concern",
    ),
    pages(RecordKind::Referral, "/referrals", "referral"),
    pages(
        RecordKind::ServiceProvider,
        "/service-providers",
        "service_provider",
    ),
];

/// The pages of a kind.
pub fn of(kind: RecordKind) -> KindPages {
    ALL.into_iter().find(|p| p.kind == kind).unwrap_or(CASES)
}

/// The prevention kinds that get their own navigation entry; the others of their family are
/// linked from these lists (persons of concern from incidents, the service directory from
/// referrals, messages from awareness activities).
pub const NAV_KINDS: [RecordKind; 7] = [
    RecordKind::Household,
    RecordKind::HomeVisit,
    RecordKind::Committee,
    RecordKind::AwarenessActivity,
    RecordKind::CheckpointLog,
    RecordKind::Incident,
    RecordKind::Referral,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_pages_at_its_api_collection_path() {
        for kind in RecordKind::ALL {
            let p = of(kind);
            assert_eq!(p.kind, kind);
            assert_eq!(p.base, format!("/{}", kind.plural_path()));
        }
    }
}
