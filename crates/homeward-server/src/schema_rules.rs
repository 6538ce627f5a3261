//! JSON Schema for the rules handlers apply to text and dates beyond a plain type, so the
//! OpenAPI document allows exactly what the server accepts: text that must hold something
//! once trimmed, and dates that may not lie in the future.
//!
//! Both are written as regular expressions, the one tool JSON Schema has for them. The
//! whitespace of `\s` in a pattern (ECMAScript's, Python's) includes every character Rust's
//! `str::trim` removes, so a value a pattern accepts is never blank to the server.

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};

/// Text with at least `min` characters once leading and trailing whitespace is trimmed, as
/// handlers check with `s.trim().chars().count() >= min`.
pub fn trimmed_at_least(min: usize) -> Value {
    // Unanchored, a pattern matches anywhere: a stretch that starts and ends with a
    // non-space and is `min` long exists exactly when the trimmed text is that long.
    let pattern = match min {
        0 => return json!({"type": "string"}),
        1 => "\\S".to_string(),
        n => format!("\\S[\\s\\S]{{{},}}\\S", n - 2),
    };
    json!({"type": "string", "minLength": min, "pattern": pattern})
}

/// A date `YYYY-MM-DD` from 1900-01-01 up to `today`. The pattern changes each day; the
/// document is built on every request, so it always holds the server's today (UTC).
pub fn date_up_to(today: NaiveDate) -> Value {
    json!({"type": "string", "format": "date", "pattern": date_up_to_pattern(today),
           "description": format!("YYYY-MM-DD, from 1900-01-01 to today ({today}), never in the future")})
}

fn date_up_to_pattern(today: NaiveDate) -> String {
    const MONTH: &str = "(?:0[1-9]|1[0-2])";
    const DAY: &str = "(?:0[1-9]|[12][0-9]|3[01])";
    let (y, m, d) = (today.year(), today.month(), today.day());
    let mut alts = Vec::new();
    if y > 1900 {
        alts.push(format!(
            "{}-{MONTH}-{DAY}",
            between(&format!("{:04}", 1900), &format!("{:04}", y - 1))
        ));
    }
    if m > 1 {
        alts.push(format!(
            "{y:04}-{}-{DAY}",
            between("01", &format!("{:02}", m - 1))
        ));
    }
    alts.push(format!(
        "{y:04}-{m:02}-{}",
        between("01", &format!("{d:02}"))
    ));
    format!("^(?:{})$", alts.join("|"))
}

/// A regular expression for the digit strings of one width from `lo` to `hi`, both included.
fn between(lo: &str, hi: &str) -> String {
    let (lo, hi) = (lo.as_bytes(), hi.as_bytes());
    if lo.is_empty() {
        return String::new();
    }
    let (a, b, rest) = (lo[0], hi[0], lo.len() - 1);
    if a == b {
        return format!(
            "{}{}",
            a as char,
            between(
                std::str::from_utf8(&lo[1..]).unwrap_or(""),
                std::str::from_utf8(&hi[1..]).unwrap_or("")
            )
        );
    }
    let mut alts = vec![format!(
        "{}{}",
        a as char,
        at_least(std::str::from_utf8(&lo[1..]).unwrap_or(""))
    )];
    if b > a + 1 {
        alts.push(format!(
            "[{}-{}]{}",
            (a + 1) as char,
            (b - 1) as char,
            any(rest)
        ));
    }
    alts.push(format!(
        "{}{}",
        b as char,
        up_to(std::str::from_utf8(&hi[1..]).unwrap_or(""))
    ));
    format!("(?:{})", alts.join("|"))
}

fn any(width: usize) -> String {
    match width {
        0 => String::new(),
        n => format!("[0-9]{{{n}}}"),
    }
}

/// Digit strings of the width of `lo` that are at least `lo`.
fn at_least(lo: &str) -> String {
    between(lo, &"9".repeat(lo.len()))
}

/// Digit strings of the width of `hi` that are at most `hi`.
fn up_to(hi: &str) -> String {
    between(&"0".repeat(hi.len()), hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regex_of(schema: &Value) -> regex::Regex {
        regex::Regex::new(schema["pattern"].as_str().unwrap_or_default()).unwrap()
    }

    #[test]
    fn the_date_pattern_takes_every_day_up_to_today_and_none_after() {
        for today in [
            "2026-12-08",
            "2026-01-01",
            "2030-10-31",
            "2099-12-31",
            "1900-01-01",
        ] {
            let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
            let re = regex_of(&date_up_to(today));
            let mut day = NaiveDate::from_ymd_opt(1899, 12, 1).unwrap();
            let last = today + chrono::Duration::days(800);
            while day <= last {
                let text = day.format("%Y-%m-%d").to_string();
                let expected = day.year() >= 1900 && day <= today;
                assert_eq!(re.is_match(&text), expected, "{text} with today {today}");
                day += chrono::Duration::days(1);
            }
        }
    }

    #[test]
    fn between_covers_exactly_its_range() {
        for (lo, hi) in [
            (0, 999),
            (1900, 2025),
            (7, 7),
            (1, 12),
            (10, 31),
            (199, 801),
        ] {
            let width = hi.to_string().len().max(2);
            let re = regex::Regex::new(&format!(
                "^(?:{})$",
                between(&format!("{lo:0width$}"), &format!("{hi:0width$}"))
            ))
            .unwrap();
            for n in 0..10_i32.pow(width as u32) {
                let text = format!("{n:0width$}");
                assert_eq!(
                    re.is_match(&text),
                    (lo..=hi).contains(&n),
                    "{text} in {lo}..={hi}"
                );
            }
        }
    }

    #[test]
    fn trimmed_text_patterns_agree_with_trim() {
        for min in 1..=6 {
            let re = regex_of(&trimmed_at_least(min));
            for text in [
                "",
                " ",
                "a",
                " ab ",
                "abc",
                "a   b",
                "  abcd ",
                "abcde",
                "\u{a0}abcd\u{a0}",
                "a\nb\nc",
                "     x     ",
            ] {
                let server_accepts = text.trim().chars().count() >= min;
                assert_eq!(re.is_match(text), server_accepts, "{text:?} against {min}");
            }
        }
    }
}
