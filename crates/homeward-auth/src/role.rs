//! Roles and the actions each may take.
//!
//! A role is a named set of actions plus the widest record scope it gets by default. Handlers
//! name the action they need; nothing checks a role by name, so adding a role is one table row.

use homeward_domain::catalogue::KindFamily;
use homeward_domain::{RecordKind, Scope};
use serde::{Deserialize, Serialize};

/// Something a user can do. Each API route requires exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Register a child.
    CaseCreate,
    /// Open a child's case.
    CaseRead,
    /// Change a child's case.
    CaseUpdate,
    /// List and search cases.
    CaseList,
    /// Take a tracing request from a family.
    TracingCreate,
    /// Open a tracing request.
    TracingRead,
    /// Change a tracing request.
    TracingUpdate,
    /// List and search tracing requests.
    TracingList,
    /// See names, contacts, addresses, identity numbers and notes. Without it, a role sees
    /// only the plain fields of the records in its scope.
    PersonalDataView,
    /// Read the change history of a record.
    HistoryRead,
    /// Import records from files.
    DataImport,
    /// Export records to files.
    DataExport,
    /// Add, change and disable users.
    UserManage,
    /// Read and verify the audit trail.
    AuditRead,
    /// See potential matches of records in scope.
    MatchRead,
    /// Confirm or reject a potential match.
    MatchDecide,
    /// Let the family's side see a match without the child's recorded consent, with a reason.
    ConsentOverride,
    /// Workflow: register an identified child.
    WorkflowRegister,
    /// Workflow: place a child in interim care.
    WorkflowInterimCare,
    /// Workflow: start tracing and record tracing actions.
    WorkflowTracing,
    /// Workflow: start and record verification.
    WorkflowVerify,
    /// Approve a reunification (a supervisor's decision, R2).
    ReunificationApprove,
    /// Workflow: reunify a child with the verified family.
    WorkflowReunify,
    /// Workflow: follow-up stage and visits.
    WorkflowFollowUp,
    /// Workflow: close a case.
    WorkflowClose,
    /// Workflow: long-term alternative care.
    WorkflowLongTermCare,
    /// Override the permanent-care lock with a written reason (R3).
    PermanentCareOverride,
    /// Record a child's move out of the district or country (R4).
    MoveRecord,
    /// Merge two cases of the same child, and undo a merge.
    CaseMerge,
    /// Add committees, households, home visits, awareness activities and messages.
    CommunityCreate,
    /// Open a community record.
    CommunityRead,
    /// Change a community record.
    CommunityUpdate,
    /// List community records.
    CommunityList,
    /// See names and places in community records (a volunteer visiting a household needs
    /// them; it opens no child's case).
    CommunityPersonalView,
    /// Log a child in transit at a checkpoint.
    TransitCreate,
    /// Open a checkpoint log.
    TransitRead,
    /// Record the outcome of a checkpoint log.
    TransitUpdate,
    /// List checkpoint logs.
    TransitList,
    /// Record trafficking incidents and persons of concern.
    IncidentCreate,
    /// Open an incident or a person of concern.
    IncidentRead,
    /// Change an incident or a person of concern.
    IncidentUpdate,
    /// List incidents and persons of concern.
    IncidentList,
    /// Refer a child or household to a service; keep the service directory.
    ReferralCreate,
    /// Open a referral or service provider.
    ReferralRead,
    /// Change a referral's status or a provider.
    ReferralUpdate,
    /// List referrals and service providers.
    ReferralList,
    /// See the recruitment analysis (small counts withheld).
    AnalysisRead,
    /// See the analysis with small counts exact (supervisors).
    AnalysisExact,
}

impl Action {
    /// The name used in the API and the OpenAPI document.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CaseCreate => "case.create",
            Self::CaseRead => "case.read",
            Self::CaseUpdate => "case.update",
            Self::CaseList => "case.list",
            Self::TracingCreate => "tracing.create",
            Self::TracingRead => "tracing.read",
            Self::TracingUpdate => "tracing.update",
            Self::TracingList => "tracing.list",
            Self::PersonalDataView => "personal_data.view",
            Self::HistoryRead => "history.read",
            Self::DataImport => "data.import",
            Self::DataExport => "data.export",
            Self::UserManage => "user.manage",
            Self::AuditRead => "audit.read",
            Self::MatchRead => "match.read",
            Self::MatchDecide => "match.decide",
            Self::ConsentOverride => "consent.override",
            Self::WorkflowRegister => "workflow.register",
            Self::WorkflowInterimCare => "workflow.interim_care",
            Self::WorkflowTracing => "workflow.tracing",
            Self::WorkflowVerify => "workflow.verify",
            Self::ReunificationApprove => "reunification.approve",
            Self::WorkflowReunify => "workflow.reunify",
            Self::WorkflowFollowUp => "workflow.follow_up",
            Self::WorkflowClose => "workflow.close",
            Self::WorkflowLongTermCare => "workflow.long_term_care",
            Self::PermanentCareOverride => "permanent_care.override",
            Self::MoveRecord => "move.record",
            Self::CaseMerge => "case.merge",
            Self::CommunityCreate => "community.create",
            Self::CommunityRead => "community.read",
            Self::CommunityUpdate => "community.update",
            Self::CommunityList => "community.list",
            Self::CommunityPersonalView => "community.personal_view",
            Self::TransitCreate => "transit.create",
            Self::TransitRead => "transit.read",
            Self::TransitUpdate => "transit.update",
            Self::TransitList => "transit.list",
            Self::IncidentCreate => "incident.create",
            Self::IncidentRead => "incident.read",
            Self::IncidentUpdate => "incident.update",
            Self::IncidentList => "incident.list",
            Self::ReferralCreate => "referral.create",
            Self::ReferralRead => "referral.read",
            Self::ReferralUpdate => "referral.update",
            Self::ReferralList => "referral.list",
            Self::AnalysisRead => "analysis.read",
            Self::AnalysisExact => "analysis.exact",
        }
    }
}

/// What one does with records of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// Register one.
    Create,
    /// Open one.
    Read,
    /// Change one.
    Update,
    /// List them.
    List,
}

impl Action {
    /// The permission to do `verb` with records of `kind` (kinds of one family share them).
    pub fn for_records(kind: RecordKind, verb: Verb) -> Action {
        use Verb::*;
        match (kind.family(), verb) {
            (KindFamily::Case, Create) => CaseCreate,
            (KindFamily::Case, Read) => CaseRead,
            (KindFamily::Case, Update) => CaseUpdate,
            (KindFamily::Case, List) => CaseList,
            (KindFamily::Tracing, Create) => TracingCreate,
            (KindFamily::Tracing, Read) => TracingRead,
            (KindFamily::Tracing, Update) => TracingUpdate,
            (KindFamily::Tracing, List) => TracingList,
            (KindFamily::Community, Create) => CommunityCreate,
            (KindFamily::Community, Read) => CommunityRead,
            (KindFamily::Community, Update) => CommunityUpdate,
            (KindFamily::Community, List) => CommunityList,
            (KindFamily::Transit, Create) => TransitCreate,
            (KindFamily::Transit, Read) => TransitRead,
            (KindFamily::Transit, Update) => TransitUpdate,
            (KindFamily::Transit, List) => TransitList,
            (KindFamily::Incident, Create) => IncidentCreate,
            (KindFamily::Incident, Read) => IncidentRead,
            (KindFamily::Incident, Update) => IncidentUpdate,
            (KindFamily::Incident, List) => IncidentList,
            (KindFamily::Referral, Create) => ReferralCreate,
            (KindFamily::Referral, Read) => ReferralRead,
            (KindFamily::Referral, Update) => ReferralUpdate,
            (KindFamily::Referral, List) => ReferralList,
        }
    }

    /// The permission that opens the personal fields of records of `kind`.
    pub fn personal_view(kind: RecordKind) -> Action {
        match kind.family() {
            KindFamily::Community => CommunityPersonalView,
            _ => PersonalDataView,
        }
    }
}

/// The roles of a child-protection programme (architecture.md, security model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Registers and manages the children assigned to them.
    Caseworker,
    /// Oversees a team's cases, approves decisions.
    Supervisor,
    /// A community child-protection committee member: identifies children, sees no case files.
    CommunityVolunteer,
    /// Logs children in transit at a checkpoint.
    CheckpointOfficer,
    /// A government partner (Child Welfare Committee, district unit): reads cases, changes none.
    GovernmentOfficer,
    /// Works with figures only: reads the suppressed tables, never a record of a child.
    Analyst,
    /// Runs the system: users, imports, exports, the audit trail.
    Administrator,
}

use Action::*;

const CASEWORKER: &[Action] = &[
    CaseCreate,
    CaseRead,
    CaseUpdate,
    CaseList,
    TracingCreate,
    TracingRead,
    TracingUpdate,
    TracingList,
    PersonalDataView,
    HistoryRead,
    MatchRead,
    MatchDecide,
    WorkflowRegister,
    WorkflowInterimCare,
    WorkflowTracing,
    WorkflowVerify,
    WorkflowReunify,
    WorkflowFollowUp,
    WorkflowClose,
    WorkflowLongTermCare,
    MoveRecord,
    CommunityCreate,
    CommunityRead,
    CommunityUpdate,
    CommunityList,
    CommunityPersonalView,
    TransitRead,
    TransitUpdate,
    TransitList,
    IncidentCreate,
    IncidentRead,
    IncidentUpdate,
    IncidentList,
    ReferralCreate,
    ReferralRead,
    ReferralUpdate,
    ReferralList,
    AnalysisRead,
];
const SUPERVISOR: &[Action] = &[
    CaseCreate,
    CaseRead,
    CaseUpdate,
    CaseList,
    TracingCreate,
    TracingRead,
    TracingUpdate,
    TracingList,
    PersonalDataView,
    HistoryRead,
    DataExport,
    MatchRead,
    MatchDecide,
    ConsentOverride,
    WorkflowRegister,
    WorkflowInterimCare,
    WorkflowTracing,
    WorkflowVerify,
    ReunificationApprove,
    WorkflowReunify,
    WorkflowFollowUp,
    WorkflowClose,
    WorkflowLongTermCare,
    PermanentCareOverride,
    MoveRecord,
    CaseMerge,
    CommunityCreate,
    CommunityRead,
    CommunityUpdate,
    CommunityList,
    CommunityPersonalView,
    TransitRead,
    TransitUpdate,
    TransitList,
    IncidentCreate,
    IncidentRead,
    IncidentUpdate,
    IncidentList,
    ReferralCreate,
    ReferralRead,
    ReferralUpdate,
    ReferralList,
    AnalysisRead,
    AnalysisExact,
];
const VOLUNTEER: &[Action] = &[
    CaseCreate,
    TracingCreate,
    CommunityCreate,
    CommunityRead,
    CommunityUpdate,
    CommunityList,
    CommunityPersonalView,
];
const CHECKPOINT: &[Action] = &[
    CaseCreate,
    TracingCreate,
    TransitCreate,
    TransitRead,
    TransitUpdate,
    TransitList,
];
const GOVERNMENT: &[Action] = &[
    CaseRead,
    CaseList,
    TracingRead,
    TracingList,
    PersonalDataView,
    HistoryRead,
    MatchRead,
    CommunityRead,
    CommunityList,
    TransitRead,
    TransitList,
    IncidentRead,
    IncidentList,
    ReferralRead,
    ReferralList,
    AnalysisRead,
];
/// Figures only (issue 12 point 5): an analyst opens and lists no record of a child, not even
/// with names withheld (age, sex, district and dates single a child out in a small camp); the
/// indicators and analyses they read are the suppressed tables.
const ANALYST: &[Action] = &[AnalysisRead];
const ADMINISTRATOR: &[Action] = &[
    CaseRead,
    CaseList,
    TracingRead,
    TracingList,
    PersonalDataView,
    HistoryRead,
    DataImport,
    DataExport,
    UserManage,
    AuditRead,
    CommunityRead,
    CommunityList,
    CommunityPersonalView,
    TransitRead,
    TransitList,
    ReferralRead,
    ReferralList,
];

impl Role {
    /// Every role.
    pub const ALL: [Role; 7] = [
        Role::Caseworker,
        Role::Supervisor,
        Role::CommunityVolunteer,
        Role::CheckpointOfficer,
        Role::GovernmentOfficer,
        Role::Analyst,
        Role::Administrator,
    ];

    /// The actions of this role.
    pub fn actions(self) -> &'static [Action] {
        match self {
            Self::Caseworker => CASEWORKER,
            Self::Supervisor => SUPERVISOR,
            Self::CommunityVolunteer => VOLUNTEER,
            Self::CheckpointOfficer => CHECKPOINT,
            Self::GovernmentOfficer => GOVERNMENT,
            Self::Analyst => ANALYST,
            Self::Administrator => ADMINISTRATOR,
        }
    }

    /// Whether this role may take the action.
    pub fn allows(self, action: Action) -> bool {
        self.actions().contains(&action)
    }

    /// The scope a user of this role gets unless an administrator sets another.
    pub fn default_scope(self) -> Scope {
        match self {
            Self::Caseworker | Self::CommunityVolunteer | Self::CheckpointOfficer => Scope::Own,
            Self::Supervisor => Scope::Team,
            Self::GovernmentOfficer | Self::Analyst | Self::Administrator => Scope::All,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Caseworker => "caseworker",
            Self::Supervisor => "supervisor",
            Self::CommunityVolunteer => "community_volunteer",
            Self::CheckpointOfficer => "checkpoint_officer",
            Self::GovernmentOfficer => "government_officer",
            Self::Analyst => "analyst",
            Self::Administrator => "administrator",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// All role names, for error messages.
    pub fn names() -> String {
        Self::ALL.map(Role::as_str).join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysts_never_see_personal_data_and_volunteers_cannot_open_cases() {
        assert!(!Role::Analyst.allows(Action::PersonalDataView));
        assert!(!Role::CommunityVolunteer.allows(Action::CaseRead));
        assert!(!Role::CheckpointOfficer.allows(Action::CaseRead));
        assert!(!Role::CommunityVolunteer.allows(Action::IncidentRead));
        assert!(!Role::Analyst.allows(Action::AnalysisExact));
        assert!(!Role::GovernmentOfficer.allows(Action::CaseUpdate));
    }

    #[test]
    fn analysts_see_aggregates_only() {
        use homeward_domain::RecordKind;
        for kind in RecordKind::ALL {
            for verb in [Verb::Read, Verb::List, Verb::Create, Verb::Update] {
                assert!(
                    !Role::Analyst.allows(Action::for_records(kind, verb)),
                    "an analyst may {verb:?} {kind:?}"
                );
            }
        }
        for action in [HistoryRead, MatchRead, DataExport, PersonalDataView] {
            assert!(!Role::Analyst.allows(action), "{}", action.as_str());
        }
        assert!(Role::Analyst.allows(AnalysisRead));
    }

    #[test]
    fn only_administrators_manage_users_and_read_the_audit_trail() {
        for role in Role::ALL {
            assert_eq!(role.allows(Action::UserManage), role == Role::Administrator);
            assert_eq!(role.allows(Action::AuditRead), role == Role::Administrator);
        }
    }

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }
}
