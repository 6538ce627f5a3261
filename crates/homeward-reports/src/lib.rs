//! Homeward's statistics: the indicators of a child-protection programme, each defined once
//! (`indicators`), the count tables they fill (`table`), the disclosure control every figure
//! obeys before a role below supervisor or anything leaving the system sees it (`protect`), and
//! the k-anonymous record-level dataset for researchers and the national trafficking database
//! (`kanon`, filled with trafficking incidents by `dataset`).
//!
//! Nothing here touches a database or the network: the server reads the plain (never
//! personal) fields of the records in the caller's scope and hands them in.

#![forbid(unsafe_code)]

#[cfg(any(test, feature = "attacker"))]
pub mod attacker;
pub mod csv_text;
pub mod dataset;
mod facts;
pub mod indicators;
pub mod kanon;
pub mod listing;
pub mod population;
pub mod protect;
pub mod record_rows;
pub mod report;
mod request;
pub mod table;
pub mod xlsx;

pub use indicators::{FactEvent, Facts, Indicator, INDICATORS};
pub use protect::{Suppressed, THRESHOLD};
pub use report::{Period, Report, Request};
pub use table::{Dim, Table};

/// What can go wrong building a report.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    /// A request field is malformed: the field's name and how to fix it.
    #[error("{field}: {message}")]
    BadField {
        /// The request field (`period`, `area`, `by`).
        field: &'static str,
        /// What is wrong and what to send instead.
        message: String,
    },
    /// A table was addressed with the wrong number or kind of coordinates (a bug).
    #[error("table shape: {0}")]
    Shape(String),
}
