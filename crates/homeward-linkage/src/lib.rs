//! Homeward's record-linkage engine: finds the records of the same child across tracing
//! requests and child registrations (and duplicates within one list), across scripts
//! (Bengali–Assamese, Devanagari, Latin) and spellings.
//!
//! Pipeline: [`normalise`] and [`translit`] turn raw values into comparable text;
//! [`compare`] turns a pair of values into an agreement level; [`model`] weighs the levels
//! (Fellegi–Sunter, trained without labels); [`blocking`] chooses which pairs to compare;
//! [`link`] runs a whole batch; [`index`] answers one-record queries against a live index;
//! [`config`] reads LINK.toml and the built-in profiles; [`cli`] is `homeward link`.
//! The crate knows nothing of databases or HTTP.

pub mod blocking;
pub mod candidates;
pub mod cli;
pub mod compare;
pub mod compete;
pub mod config;
pub mod decisions;
pub mod em;
pub mod error;
pub mod index;
pub mod kin;
pub mod link;
pub mod linker;
pub mod model;
pub mod name_compare;
pub mod names;
pub mod neighbours;
pub mod normalise;
pub mod places;
mod prepare_cache;
pub mod quick;
pub mod scorer;
pub mod similarity;
pub mod translit;

pub use config::{LinkConfig, PROFILES};
pub use error::LinkError;
pub use index::{LinkIndex, Match};
pub use linker::{Gamma, Linker, PreparedRecord, Record};
pub use model::{Contribution, Model, PairScore, TfTable};
