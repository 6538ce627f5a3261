//! Homeward's storage: the change log and the current-state projections, on a SQLite file
//! (the default, for field laptops) or a PostgreSQL server (a `postgres://` URL).
//!
//! Every write appends its field changes to the change log, updates the projection and appends
//! to the audit chain in one transaction, so the three can never disagree. Personal fields are
//! sealed before they reach SQL. Queries take the caller's [`RecordScope`] and apply it in the
//! `WHERE` clause, so a record outside it is never even loaded.
//!
//! Both backends run through sqlx's `Any` driver with portable SQL (text, 64-bit integers and
//! bytes only), and each has its own migrations; the few statements that differ are chosen by
//! [`Backend`].

pub mod audit;
mod change_feed;
pub mod crypto;
mod db;
mod duplicates;
mod error;
mod exports;
mod leases;
mod match_queue;
mod matches;
mod prevention;
mod records;
mod reports;
mod sessions;
mod settings;
mod time;
mod users;
mod workflow;
pub mod wrapped_key;

#[doc(hidden)]
pub mod testing;

pub use audit::{AuditAnchor, AuditEntry, AuditVerdict};
pub use change_feed::{ChangeListener, ChangedRecord};
pub use crypto::{EncryptionKey, FieldCipher};
pub use db::{Backend, Store};
pub use duplicates::{DuplicateRow, Merge, MergeRecord, NewDuplicate};
pub use error::{StoreError, StoreResult};
pub use leases::Lease;
pub use matches::{
    Alert, MatchRow, MatchSide, MatchView, NewProposal, CASE_DISCLOSED, REQUEST_DISCLOSED,
};
pub use prevention::{NewAlert, OverdueVisit, PlainRecord};
pub use records::{ActorContext, ChangeView, Page, RecordFilter, StoredRecord, IMPORT_BATCH_LIMIT};
pub use reports::PlainEvent;
pub use sessions::{Session, SessionKind};
pub use settings::StoreSettings;
pub use users::{Agency, NewUser, Team, User};
pub use workflow::{CaseEvent, NewEvent, OverdueFollowup};
pub use wrapped_key::{WrapError, WrappedKey};

pub use homeward_domain::{RecordScope, Scope};
