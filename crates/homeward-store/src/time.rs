//! Timestamps as fixed-width UTC text, which sorts correctly as text on both backends.

use chrono::{DateTime, SecondsFormat, Utc};

/// Now, as stored.
pub fn now_text() -> String {
    format(Utc::now())
}

/// A time, as stored.
pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses a stored time.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
