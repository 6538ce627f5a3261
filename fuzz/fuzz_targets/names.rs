//! Names and values in any script, as the linkage engine prepares them: romanisation,
//! normalisation, name splitting, sex, age and date parsing.
//!
//! Properties: normalising is idempotent; the result is lower-case, single-spaced, trimmed and
//! holds no Bengali–Assamese or Devanagari letter (romanisation left none behind); a name's
//! tokens are themselves normalised words; an age is within 0..=150.
#![no_main]

use homeward_linkage::normalise::{
    normalise_name, normalise_sex, normalise_text, parse_age, parse_date,
};
use homeward_linkage::translit::{has_indic, romanise};
use libfuzzer_sys::fuzz_target;

fn assert_normal(input: &str, out: &str) {
    assert_eq!(
        normalise_text(out),
        out,
        "normalising twice differs from once for {input:?}"
    );
    assert!(
        !out.starts_with(' ') && !out.ends_with(' ') && !out.contains("  "),
        "spaces not collapsed in {out:?} (from {input:?})"
    );
    assert!(
        !has_indic(out),
        "Indic letters left after normalising {input:?}: {out:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let r = romanise(s);
    assert!(
        !has_indic(&r),
        "romanise left Indic text in {r:?} (from {s:?})"
    );
    let t = normalise_text(s);
    assert_normal(s, &t);
    let name = normalise_name(s);
    for token in name.tokens.iter().chain(&name.titles) {
        assert!(
            !token.is_empty() && !token.contains(' '),
            "bad token {token:?} from {s:?}"
        );
        assert_eq!(
            &normalise_text(token),
            token,
            "token not normalised, from {s:?}"
        );
    }
    let sex = normalise_sex(s);
    assert_normal(s, &sex);
    if let Ok(Some(age)) = parse_age(s) {
        assert!((0..=150).contains(&age), "age {age} from {s:?}");
    }
    let (digits, date) = parse_date(s);
    if let Some(d) = date {
        assert!(
            digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{digits:?}"
        );
        let _ = d.ordinal();
    }
});
