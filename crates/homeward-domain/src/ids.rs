//! Identifier newtypes, so a user id can never be passed where a record id is expected.
//!
//! Record ids are UUIDv7: time-ordered, so rows created together sit together in indexes,
//! and safe to mint offline on a field laptop without asking a server.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A child case or a tracing request.
    RecordId
);
id_type!(
    /// A person who logs in.
    UserId
);
id_type!(
    /// An organisation: an NGO, a government department, a UN agency.
    AgencyId
);
id_type!(
    /// A team inside an agency, usually one district office.
    TeamId
);
