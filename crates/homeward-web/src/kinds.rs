//! The two kinds of record as the web interface serves them: their addresses and the actions
//! each page needs.

use homeward_auth::Action;
use homeward_domain::RecordKind;

/// Addresses and permissions of one kind.
#[derive(Debug, Clone, Copy)]
pub struct KindPages {
    /// The kind.
    pub kind: RecordKind,
    /// Base path: `/cases` or `/tracing-requests`.
    pub base: &'static str,
    /// Message key prefix: `case` or `tracing`.
    pub key: &'static str,
    /// To register one.
    pub create: Action,
    /// To open one.
    pub read: Action,
    /// To change one.
    pub update: Action,
    /// To list them.
    pub list: Action,
}

/// Child cases.
pub const CASES: KindPages = KindPages {
    kind: RecordKind::Case,
    base: "/cases",
    key: "case",
    create: Action::CaseCreate,
    read: Action::CaseRead,
    update: Action::CaseUpdate,
    list: Action::CaseList,
};

/// Tracing requests.
pub const TRACING: KindPages = KindPages {
    kind: RecordKind::TracingRequest,
    base: "/tracing-requests",
    key: "tracing",
    create: Action::TracingCreate,
    read: Action::TracingRead,
    update: Action::TracingUpdate,
    list: Action::TracingList,
};
