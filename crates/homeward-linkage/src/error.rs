//! The crate's error type. Messages are written for the data officer running a link: they name
//! the file, the line and the column, say what was found and what was expected.

use std::path::PathBuf;

/// Everything that can stop a link run.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// A file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The output could not be written.
    #[error("cannot write {}: {source}; check the folder exists and you may write to it", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A column the configuration needs is not in the header.
    #[error("{}: column `{column}` is missing; the header has: {found}. {hint}", file.display())]
    MissingColumn {
        file: PathBuf,
        column: String,
        found: String,
        hint: String,
    },
    /// The CSV itself is broken (uneven rows, bad quoting, not UTF-8).
    #[error("{} line {line}: {message}", file.display())]
    MalformedCsv {
        file: PathBuf,
        line: u64,
        message: String,
    },
    /// A value cannot be read as its field's kind.
    #[error("{} line {line}: column `{column}` holds `{value}`; expected {expected}", file.display())]
    BadValue {
        file: PathBuf,
        line: u64,
        column: String,
        value: String,
        expected: String,
    },
    /// A record handed to the index has a value its field cannot read.
    #[error("record `{id}`: `{column}` holds `{value}`; expected {expected}")]
    InvalidRecord {
        id: String,
        column: String,
        value: String,
        expected: String,
    },
    /// A record has no id.
    #[error("{} line {line}: the id column `{column}` is blank; every record needs an id", file.display())]
    BlankId {
        file: PathBuf,
        line: u64,
        column: String,
    },
    /// Two records share an id.
    #[error("{} line {line}: id `{id}` was already used on line {first}; ids must be unique", file.display())]
    DuplicateId {
        file: PathBuf,
        line: u64,
        first: u64,
        id: String,
    },
    /// The link configuration is invalid.
    #[error("{origin}: {message}")]
    Config { origin: String, message: String },
    /// No such built-in profile.
    #[error("unknown profile `{0}`; the built-in profiles are `tracing` and `duplicates`")]
    UnknownProfile(String),
    /// The command line does not describe a run.
    #[error("{0}")]
    Usage(String),
    /// Saved model parameters do not fit the configuration.
    #[error("model parameters: {0}")]
    Model(String),
}
