//! Homeward's domain: the kinds of record it keeps, the catalogue of their fields, how a
//! submitted record is validated, the short references printed on ID cards, and the
//! hybrid logical clock that orders changes made on different devices.
//!
//! Nothing here touches a database, a file or the network, so every rule can be tested
//! alone and reused by the server, the importer and (later) sync without drift.

pub mod access;
pub mod catalogue;
pub mod change;
pub mod hlc;
pub mod htcds;
pub mod ids;
pub mod json_input;
pub mod prevention;
pub mod reference;
pub mod validate;
pub mod workflow;

pub use access::{RecordScope, Scope};
pub use catalogue::{FieldKind, FieldSpec, RecordKind, Sensitivity};
pub use change::{Change, FieldChanges};
pub use hlc::{Hlc, HlcClock};
pub use ids::{AgencyId, RecordId, TeamId, UserId};
pub use json_input::check_json_input;
pub use reference::{Reference, ReferenceError};
pub use validate::{
    describe_unknown_field, linked_references, validate_create, validate_update, Document,
    FieldError, ValidationErrors, CODES as VALIDATION_CODES, MAX_REPORTED_ERRORS,
};
