//! Who may see which records: the scope of a user, as the store applies it inside each query.
//!
//! It lives in the domain because both the store (which turns it into a `WHERE` clause) and
//! auth (which derives it from a user's role) must agree on it, and neither may depend on the
//! other.

use serde::{Deserialize, Serialize};

use crate::ids::{AgencyId, TeamId, UserId};

/// How far a user's view of records reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Records the user created or is assigned to.
    Own,
    /// Records of the user's team.
    Team,
    /// Records of the user's agency.
    Agency,
    /// Every record.
    All,
}

impl Scope {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Own => "own",
            Self::Team => "team",
            Self::Agency => "agency",
            Self::All => "all",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "own" => Some(Self::Own),
            "team" => Some(Self::Team),
            "agency" => Some(Self::Agency),
            "all" => Some(Self::All),
            _ => None,
        }
    }
}

/// The records one actor may see: a scope and the ids it is measured from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordScope {
    /// How far the view reaches.
    pub scope: Scope,
    /// The user (for `Own`).
    pub user: UserId,
    /// The user's team (for `Team`); a user without a team sees only their own records there.
    pub team: Option<TeamId>,
    /// The user's agency (for `Agency`).
    pub agency: AgencyId,
    /// The committee a community volunteer belongs to (its reference): its households, visits
    /// and activities are within reach whatever the scope.
    pub committee: Option<String>,
}
