//! Short human-readable references such as `HW-7K3Q-M9X`, read out over the phone and printed
//! on a child's ID card beside the UUID.
//!
//! Six symbols of Crockford's base32 (no I, L, O or U, so nothing is misread) give about a
//! billion references; the last symbol is a Luhn mod 32 check character, which catches every
//! single mistyped symbol and every swap of two neighbours (but `0`↔`Z`, the one blind spot of
//! Luhn mod N), the two mistakes people make most when copying a code by hand or hearing it on
//! a bad line.

use std::fmt;
use std::str::FromStr;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::catalogue::RecordKind;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PAYLOAD: usize = 6;

/// A validated reference, always stored in its canonical form `HW-XXXX-XXC`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference(String);

/// Why a typed reference was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Wrong prefix or length.
    #[error("`{0}` is not a Homeward reference: it should look like HW-7K3Q-M9X (two letters for the kind of record, then six symbols and a check symbol)")]
    Malformed(String),
    /// The check character does not match: a symbol was mistyped or misheard.
    #[error("`{0}` has a wrong check character: a symbol was probably mistyped; read it again from the card")]
    BadCheck(String),
}

fn symbol_value(c: char) -> Option<u32> {
    // Crockford decoding: accept the letters people write for the digits they resemble.
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|p| p as u32)
}

fn luhn_check(values: &[u32]) -> u32 {
    let n = ALPHABET.len() as u32;
    let mut factor = 2;
    let mut sum = 0;
    for &v in values.iter().rev() {
        let addend = factor * v;
        sum += addend / n + addend % n;
        factor = if factor == 2 { 1 } else { 2 };
    }
    (n - (sum % n)) % n
}

impl Reference {
    /// A fresh random reference for a record of this kind. Uniqueness is enforced by the store,
    /// which draws again on the (rare) collision.
    pub fn generate(kind: RecordKind) -> Self {
        let mut rng = rand::thread_rng();
        let values: Vec<u32> = (0..PAYLOAD).map(|_| rng.gen_range(0..32)).collect();
        Self::from_values(kind, &values)
    }

    fn from_values(kind: RecordKind, values: &[u32]) -> Self {
        let check = luhn_check(values);
        let sym = |v: u32| ALPHABET[v as usize] as char;
        let s: String = values.iter().map(|&v| sym(v)).collect();
        Self(format!(
            "{}-{}-{}{}",
            kind.reference_code(),
            &s[..4],
            &s[4..],
            sym(check)
        ))
    }

    /// Parses a reference as a person may type it: any case, with or without hyphens or spaces.
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let cleaned: String = input
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .collect::<String>()
            .to_ascii_uppercase();
        let malformed = || ReferenceError::Malformed(input.to_string());
        let kind = cleaned
            .get(..2)
            .and_then(RecordKind::from_reference_code)
            .ok_or_else(malformed)?;
        let body: Vec<u32> = cleaned[2..]
            .chars()
            .map(symbol_value)
            .collect::<Option<_>>()
            .ok_or_else(malformed)?;
        if body.len() != PAYLOAD + 1 {
            return Err(malformed());
        }
        let (values, check) = body.split_at(PAYLOAD);
        if luhn_check(values) != check[0] {
            return Err(ReferenceError::BadCheck(input.to_string()));
        }
        Ok(Self::from_values(kind, values))
    }

    /// Which kind of record this reference names.
    pub fn kind(&self) -> RecordKind {
        RecordKind::from_reference_code(&self.0[..2]).unwrap_or(RecordKind::Case)
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Reference {
    type Err = ReferenceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Reference {
    type Error = ReferenceError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Reference> for String {
    fn from(r: Reference) -> Self {
        r.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn generated_references_parse_back_and_have_the_card_shape() {
        for _ in 0..200 {
            let r = Reference::generate(RecordKind::Case);
            assert_eq!(r.as_str().len(), "HW-7K3Q-M9X".len());
            assert_eq!(Reference::parse(r.as_str()).unwrap(), r);
        }
    }

    #[test]
    fn typing_is_forgiving_about_case_hyphens_and_lookalikes() {
        let r = Reference::from_values(RecordKind::TracingRequest, &[0, 1, 2, 3, 4, 5]);
        let typed = r
            .as_str()
            .to_lowercase()
            .replace('-', " ")
            .replace('0', "o");
        assert_eq!(Reference::parse(&typed).unwrap(), r);
        assert_eq!(r.kind(), RecordKind::TracingRequest);
    }

    #[test]
    fn every_kind_has_its_own_code_and_parses_back() {
        let mut codes: Vec<_> = RecordKind::ALL.iter().map(|k| k.reference_code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RecordKind::ALL.len());
        for kind in RecordKind::ALL {
            let r = Reference::generate(kind);
            assert_eq!(Reference::parse(r.as_str()).unwrap().kind(), kind);
        }
    }

    #[test]
    fn wrong_prefix_is_malformed() {
        assert!(matches!(
            Reference::parse("XX-1234-567"),
            Err(ReferenceError::Malformed(_))
        ));
        assert!(matches!(
            Reference::parse("HW-12"),
            Err(ReferenceError::Malformed(_))
        ));
    }

    proptest! {
        #[test]
        fn any_single_symbol_error_is_caught(values in proptest::collection::vec(0u32..32, 6), pos in 0usize..7, delta in 1u32..32) {
            let r = Reference::from_values(RecordKind::Case, &values);
            let mut syms: Vec<u32> = r.as_str().chars().filter(|c| *c != '-').skip(2).map(|c| symbol_value(c).unwrap()).collect();
            syms[pos] = (syms[pos] + delta) % 32;
            let typed: String = std::iter::once("HW".to_string()).chain(syms.iter().map(|&v| (ALPHABET[v as usize] as char).to_string())).collect();
            prop_assert!(Reference::parse(&typed).is_err());
        }

        #[test]
        fn any_adjacent_swap_of_different_symbols_is_caught(values in proptest::collection::vec(0u32..32, 6), pos in 0usize..6) {
            let r = Reference::from_values(RecordKind::Case, &values);
            let mut syms: Vec<u32> = r.as_str().chars().filter(|c| *c != '-').skip(2).map(|c| symbol_value(c).unwrap()).collect();
            prop_assume!(syms[pos] != syms[pos + 1]);
            // Luhn mod N cannot see the swap of the first and last symbols of its alphabet.
            prop_assume!(!matches!((syms[pos], syms[pos + 1]), (0, 31) | (31, 0)));
            syms.swap(pos, pos + 1);
            let typed: String = std::iter::once("HW".to_string()).chain(syms.iter().map(|&v| (ALPHABET[v as usize] as char).to_string())).collect();
            prop_assert!(Reference::parse(&typed).is_err());
        }
    }
}
