//! Storage errors, worded for the person who has to act on them.

use homeward_domain::ValidationErrors;

/// The result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such record, or not one the caller may see: the two are indistinguishable on purpose.
    #[error("not found")]
    NotFound,
    /// The submitted record breaks a rule of the catalogue.
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// One record of a batch (an import) breaks a rule; nothing of the batch was stored.
    #[error("record {} of the batch: {errors}", index + 1)]
    InvalidRow {
        /// Position of the record in the batch, from 0.
        index: usize,
        /// What is wrong with it.
        errors: ValidationErrors,
    },
    /// Someone else changed the record first, or a unique value is already taken.
    #[error("{0}")]
    Conflict(String),
    /// The database holds encrypted data but no key was given.
    #[error("no encryption key was given: set HOMEWARD_KEY or `key_file` in homeward.toml (an existing database needs the key it was created with)")]
    KeyMissing,
    /// The key given is not the one the database was created with.
    #[error("the encryption key does not match this database: it was created with another key; set HOMEWARD_KEY or `key_file` to the original key (nothing was read or changed)")]
    WrongKey,
    /// A sealed value failed to open although the key check passed: the data was altered.
    #[error("{0}")]
    Sealed(#[from] crate::crypto::SealError),
    /// The database could not be brought to the current schema.
    #[error("the database schema could not be updated: {0}")]
    Migration(String),
    /// The database URL or file is not usable.
    #[error("{0}")]
    Config(String),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored value could not be read back (a bug or a hand-edited row).
    #[error("a stored value is damaged: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Places a record's validation errors at its row of a batch.
    pub(crate) fn at_row(self, index: usize) -> Self {
        match self {
            StoreError::Invalid(errors) => StoreError::InvalidRow { index, errors },
            other => other,
        }
    }

    /// Maps unique-constraint violations to a conflict with a readable message.
    pub(crate) fn from_sqlx(e: sqlx::Error, what: &str) -> Self {
        if let sqlx::Error::Database(db) = &e {
            let msg = db.message().to_lowercase();
            if msg.contains("unique") || msg.contains("duplicate key") {
                return StoreError::Conflict(format!("{what} already exists"));
            }
        }
        StoreError::Database(e)
    }
}
