//! Authentication and authorisation: roles as named sets of actions, the record scope each
//! role gets, password hashing and session tokens.
//!
//! Pure apart from the CPU-heavy argon2 hash, which callers run off the async executor.

pub mod password;
pub mod role;
pub mod token;

pub use password::{hash_password, verify_password, PasswordError};
pub use role::{Action, Role, Verb};
pub use token::{constant_time_eq, new_token, token_digest};
