//! How two written names compare: their token, phonetic, Double Metaphone and nickname keys
//! (computed once per value), and the name comparator's ladder — exact, the same words in
//! another order, swapped with the other name field, sounding alike (or a short form), one
//! record's pet name as the other's given name, close spelling (Jaro–Winkler), different.

use rphonetic::DoubleMetaphone;

use crate::compare::{hash_str, jw_from, Comparator, FieldValue};
use crate::names;
use crate::similarity::{jaro_winkler, phonetic_hash};

/// Phonetic and token keys of a name or text value, in one allocation (one pointer to follow
/// per comparison): token hashes, phonetic-key hashes, Double Metaphone hashes (two per
/// token, names only) and nickname groups (names only).
#[derive(Clone, Debug, Default)]
pub struct NameKeys {
    data: Box<[u64]>,
    n_tokens: u16,
    /// Names carry phonetic keys, metaphones and nicknames; text only its token hashes.
    is_name: bool,
}

impl NameKeys {
    /// Keys holding only word hashes (compared like text).
    pub fn from_words(words: &[u64]) -> NameKeys {
        NameKeys {
            data: words.into(),
            n_tokens: words.len().min(u16::MAX as usize) as u16,
            is_name: false,
        }
    }

    /// Hash of each token, in written order.
    #[inline]
    pub fn tokens(&self) -> &[u64] {
        &self.data[..self.n_tokens as usize]
    }
    /// Hash of each token's South-Asian phonetic key, in written order (empty for text).
    #[inline]
    pub fn phon(&self) -> &[u64] {
        let n = self.n_tokens as usize;
        if self.is_name {
            &self.data[n..2 * n]
        } else {
            &[]
        }
    }
    /// Double Metaphone primary and alternate hashes, two per token (empty for text).
    #[inline]
    pub fn dm(&self) -> &[u64] {
        let n = self.n_tokens as usize;
        if self.is_name {
            &self.data[2 * n..4 * n]
        } else {
            &[]
        }
    }
    /// Hash of each token's consonant skeleton (empty for text): see [`skeleton_hash`].
    #[inline]
    pub fn skeleton(&self) -> &[u64] {
        let n = self.n_tokens as usize;
        if self.is_name {
            &self.data[4 * n..5 * n]
        } else {
            &[]
        }
    }
    /// Nickname groups as `token index << 32 | group` (empty for text).
    #[inline]
    pub fn nick(&self) -> &[u64] {
        let n = self.n_tokens as usize;
        if self.is_name {
            &self.data[5 * n..]
        } else {
            &[]
        }
    }
}

/// Keys of a name or text value; phonetic keys, Double Metaphone codes and nickname groups only
/// for names (text is compared by its words, and those codes are the costly part of
/// preparation).
pub(crate) fn name_keys(tokens: &[&str], is_name: bool) -> NameKeys {
    let n = tokens.len().min(u16::MAX as usize);
    let tokens = &tokens[..n];
    let mut data: Vec<u64> = Vec::with_capacity(if is_name { 5 * n + 2 } else { n });
    data.extend(tokens.iter().map(|t| hash_str(t)));
    if is_name {
        let mut buf = Vec::with_capacity(32);
        let mut skeletons = Vec::with_capacity(n);
        for t in tokens {
            data.push(phonetic_hash(t, &mut buf));
            skeletons.push(skeleton_hash(t, &buf));
        }
        let dmeta = DoubleMetaphone::default();
        for t in tokens {
            if t.is_ascii() {
                // A one-letter code ("M" for Maa, Maya and Mia) says nothing: the token
                // itself stands in for it.
                let r = dmeta.double_metaphone(t);
                let code = |c: String| {
                    if c.len() < 2 {
                        hash_str(t)
                    } else {
                        hash_str(&c)
                    }
                };
                let primary = r.primary();
                // Double Metaphone's alternate for an initial J is a vowel (German "Jankel"
                // as "Yankel"), which makes Jamuna sound like Amina and Joni like Anu; in a
                // romanised Indic or Arabic name an initial J is always J.
                let alternate = if t.starts_with('j') {
                    primary.clone()
                } else {
                    r.alternate()
                };
                data.push(code(primary));
                data.push(code(alternate));
            } else {
                data.push(hash_str(t));
                data.push(hash_str(t));
            }
        }
        data.extend(skeletons);
        for (i, t) in tokens.iter().enumerate() {
            for g in names::groups(t) {
                data.push(((i as u64) << 32) | u64::from(*g));
            }
        }
    }
    NameKeys {
        data: data.into_boxed_slice(),
        n_tokens: n as u16,
        is_name,
    }
}

/// The hash of a token's consonant skeleton: its phonetic key's first letter and its
/// consonants (Rejaul, Rezaul, Razaul → rjl), when they are at least three; otherwise of its
/// whole phonetic key. Transliterators disagree on the vowels of Bengali and Assamese names
/// (e/a, i/e, u/o) more than on their consonants; two or fewer consonants say too little.
/// `phonetic` holds the token's phonetic key, as [`phonetic_hash`] left it.
fn skeleton_hash(token: &str, phonetic: &[u8]) -> u64 {
    if !token.is_ascii() {
        return hash_str(token);
    }
    let buf = phonetic;
    let phon = std::str::from_utf8(buf).map_or(0, hash_str);
    let mut skeleton: Vec<u8> = Vec::with_capacity(buf.len());
    for (i, &c) in buf.iter().enumerate() {
        if (i == 0 || !matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')) && skeleton.last() != Some(&c)
        {
            skeleton.push(c);
        }
    }
    if skeleton.len() < 3 {
        return phon;
    }
    std::str::from_utf8(&skeleton).map_or(phon, hash_str)
}

/// Jaro–Winkler two names beginning with different letters must reach to count as a
/// misspelling at all (and then only at the lowest similarity level).
const DIFFERENT_FIRST_LETTER_JW: f64 = 0.85;

/// The level of a name swapped with the other name field (after blank, exact and reordered),
/// for comparators that check a swap.
pub(crate) const SWAPPED: u8 = 3;

impl Comparator {
    pub(crate) fn compare_names(
        &self,
        f: usize,
        a: &[FieldValue],
        b: &[FieldValue],
        last: u8,
    ) -> u8 {
        let (x, y) = (&a[f], &b[f]);
        let (kx, ky) = match exact_or_reordered(x, y, last) {
            Ok(keys) => keys,
            Err(level) => return level,
        };
        let mut next = SWAPPED;
        if let Some(o) = self.swap_with {
            let (xo, yo) = (&a[o], &b[o]);
            // Swapped: one cross pair equal and the other equal or close.
            if !xo.is_blank() && !yo.is_blank() && (x.hash == yo.hash || xo.hash == y.hash) {
                let cross1 = x.hash == yo.hash || jw_from(x, yo, 0.92) >= 0.92;
                if cross1 && (xo.hash == y.hash || jw_from(xo, y, 0.92) >= 0.92) {
                    return next;
                }
            }
            // Swapped on a record whose other side has no family name: the given name stands
            // in the other record's family-name field.
            if (xo.is_blank() && !yo.is_blank() && x.hash == yo.hash)
                || (yo.is_blank() && !xo.is_blank() && y.hash == xo.hash)
            {
                return next;
            }
            next += 1;
        }
        if sounds_alike(kx, ky) {
            return next;
        }
        next += 1;
        if let Some(p) = self.pet_name {
            if is_pet_name(x, &b[p]) || is_pet_name(y, &a[p]) {
                return next;
            }
            next += 1;
        }
        let floor = self.jw.last().copied().unwrap_or(0.0);
        let sim = match jw_of_given_names(x, kx, y, ky) {
            Some(sim) => sim,
            None => jw_from(x, y, floor).max(given_name_jw(x, kx, y, ky, floor)),
        };
        // A slip of the pen on the first letter (Eamesh for Ramesh) leaves the rest of the
        // name intact; two names that only share an ending (Hasina, Amina) are two people.
        if x.text.chars().next() != y.text.chars().next() {
            return if sim >= DIFFERENT_FIRST_LETTER_JW {
                next + (self.jw.len() - 1) as u8
            } else {
                last
            };
        }
        for (i, t) in self.jw.iter().enumerate() {
            if sim >= *t {
                return next + i as u8;
            }
        }
        last
    }
}

/// The first levels every word comparator shares: exact (1), the same words in another order
/// (2), or different when either value has no words; otherwise the two values' keys, for the
/// comparator's own further levels.
pub(crate) fn exact_or_reordered<'v>(
    x: &'v FieldValue,
    y: &'v FieldValue,
    last: u8,
) -> Result<(&'v NameKeys, &'v NameKeys), u8> {
    if x.hash == y.hash {
        return Err(1);
    }
    let (kx, ky) = match (&x.keys, &y.keys) {
        (Some(p), Some(q)) => (p, q),
        _ => return Err(last),
    };
    if same_token_set(kx.tokens(), ky.tokens()) {
        return Err(2);
    }
    Ok((kx, ky))
}

/// Jaro–Winkler of the first words when one name is a single word and the other has more:
/// a child knows its father as "Raesh", the family writes "Ramesh Baruah", and the whole
/// strings are too far apart to show the misspelt given name they share.
fn given_name_jw(x: &FieldValue, kx: &NameKeys, y: &FieldValue, ky: &NameKeys, floor: f64) -> f64 {
    let (short, long) = match (kx.n_tokens, ky.n_tokens) {
        (1, n) if n > 1 => (x, y),
        (n, 1) if n > 1 => (y, x),
        _ => return 0.0,
    };
    let first = long.text.split(' ').next().unwrap_or_default();
    // A misspelt given name keeps its first letter; other pairs are not worth the comparison.
    if short.text.chars().next() != first.chars().next() {
        return 0.0;
    }
    let sim = jaro_winkler(&short.text, first);
    if sim >= floor {
        sim
    } else {
        0.0
    }
}

/// Jaro–Winkler of the given names alone, when two names of several words end in the same
/// family name and their first words begin differently: "Anjali Dey" and "Kalpana Dey" are
/// two cousins' mothers, and the family name they share would otherwise lift the whole
/// strings' similarity to that of a misspelling. Names whose first words begin alike keep the
/// whole-string comparison: "Kumar Bordoloi" and "Kr Bordoloi" are one name abbreviated.
fn jw_of_given_names(x: &FieldValue, kx: &NameKeys, y: &FieldValue, ky: &NameKeys) -> Option<f64> {
    if kx.n_tokens < 2 || ky.n_tokens < 2 {
        return None;
    }
    let (gx, lx) = x.text.rsplit_once(' ')?;
    let (gy, ly) = y.text.rsplit_once(' ')?;
    if lx != ly || gx.chars().next() == gy.chars().next() {
        return None;
    }
    Some(jaro_winkler(gx, gy))
}

/// Same multiset-free set of tokens, in any order, and more than one token (one token equal
/// would already be exact).
pub(crate) fn same_token_set(a: &[u64], b: &[u64]) -> bool {
    if a.len() < 2 && b.len() < 2 {
        return false;
    }
    a.iter().all(|t| b.contains(t)) && b.iter().all(|t| a.contains(t))
}

pub(crate) fn shared_token_share(a: &[u64], b: &[u64]) -> f64 {
    let shared = a.iter().filter(|t| b.contains(t)).count();
    let n = a.len().max(b.len());
    if n == 0 {
        0.0
    } else {
        shared as f64 / n as f64
    }
}

/// Every token of the shorter name sounds like (phonetic key or Double Metaphone) or is a
/// nickname of some token of the longer one.
/// Whether a name is (or sounds like) a pet name written on the other record.
fn is_pet_name(name: &FieldValue, pet: &FieldValue) -> bool {
    if pet.is_blank() {
        return false;
    }
    if name.hash == pet.hash {
        return true;
    }
    match (&name.keys, &pet.keys) {
        (Some(n), Some(p)) => sounds_alike(n, p),
        _ => false,
    }
}

fn sounds_alike(a: &NameKeys, b: &NameKeys) -> bool {
    let (s, l) = if a.n_tokens <= b.n_tokens {
        (a, b)
    } else {
        (b, a)
    };
    if s.n_tokens == 0 {
        return false;
    }
    let (s_phon, l_phon, s_dm, l_dm) = (s.phon(), l.phon(), s.dm(), l.dm());
    let (s_nick, l_nick) = (s.nick(), l.nick());
    let (s_skel, l_skel) = (s.skeleton(), l.skeleton());
    (0..s.n_tokens as usize).all(|i| {
        l_phon.contains(&s_phon[i])
            || l_skel.contains(&s_skel[i])
            || s_dm.get(2 * i).is_some_and(|d| l_dm.contains(d))
            || s_dm.get(2 * i + 1).is_some_and(|d| l_dm.contains(d))
            || s_nick.iter().any(|&x| {
                (x >> 32) as usize == i
                    && l_nick
                        .iter()
                        .any(|&y| (y & 0xffff_ffff) == (x & 0xffff_ffff))
            })
    })
}

#[cfg(test)]
mod tests {
    use crate::compare::tests::{level, name};
    use crate::compare::{Comparator, Kind};

    #[test]
    fn vowels_written_differently_sound_alike_when_three_consonants_agree() {
        let c = Comparator::new(Kind::Name, None, None, None, None);
        for (a, b) in [
            ("Rejaul", "Razaul"),
            ("Jesmina", "Jasmina"),
            ("Mofidul", "Mafidal"),
        ] {
            assert_eq!(
                level(&c, name(a), name(b)),
                "sounds alike or nickname",
                "{a} {b}"
            );
        }
        // Consonants that differ are other names.
        for (a, b) in [("Rajib", "Rakib"), ("Rahim", "Rahul"), ("Jamal", "Kamal")] {
            assert_ne!(
                level(&c, name(a), name(b)),
                "sounds alike or nickname",
                "{a} {b}"
            );
        }
    }

    #[test]
    fn cross_script_names_are_exact_or_sound_alike() {
        let c = Comparator::new(Kind::Name, None, None, None, None);
        assert_eq!(level(&c, name("রহিম"), name("Rahim")), "exact");
        assert_eq!(level(&c, name("राहुल"), name("Rahul")), "exact");
        assert_eq!(level(&c, name("বৰুৱা"), name("Barua")), "exact");
        assert_eq!(
            level(&c, name("বৰুৱা"), name("Baruah")),
            "sounds alike or nickname"
        );
        assert_eq!(level(&c, name("Md. Rahim"), name("Rahim")), "exact");
    }

    #[test]
    fn nicknames_and_word_order() {
        let c = Comparator::new(Kind::Name, None, None, None, None);
        assert_eq!(
            level(&c, name("Raju"), name("Rajesh")),
            "sounds alike or nickname"
        );
        assert_eq!(
            level(&c, name("Rahim Uddin"), name("Uddin Rahim")),
            "same words, any order"
        );
        assert_eq!(
            level(&c, name("Rahim"), name("Rahman")),
            "jaro-winkler >= 0.8"
        );
        assert_eq!(level(&c, name("Rahim"), name("Pranjal")), "different");
        assert_eq!(level(&c, name(""), name("Rahim")), "blank");
    }

    #[test]
    fn swapped_names_are_seen() {
        let c = Comparator::new(Kind::Name, None, None, None, Some(1));
        let a = [name("Rahim"), name("Uddin")];
        let b = [name("Uddin"), name("Rahim")];
        assert_eq!(
            c.labels()[c.compare(0, &a, &b) as usize],
            "swapped with other name field"
        );
        // The other record has no family name: its given name stands in this one's family field.
        let a = [name("Rajesh"), name("")];
        let b = [name("Munda"), name("Rajesh")];
        let swapped = "swapped with other name field";
        assert_eq!(c.labels()[c.compare(0, &a, &b) as usize], swapped);
        assert_eq!(c.labels()[c.compare(0, &b, &a) as usize], swapped);
        let other = [name("Munda"), name("Ramesh")];
        assert_ne!(c.labels()[c.compare(0, &a, &other) as usize], swapped);
    }

    #[test]
    fn a_misspelt_given_name_is_seen_beside_a_family_name() {
        let c = Comparator::new(Kind::Name, None, None, None, None);
        // The whole strings are far apart; the given names are one letter off.
        assert_eq!(
            level(&c, name("Raesh"), name("Ramesh Baruah")),
            "jaro-winkler >= 0.92"
        );
        assert_eq!(level(&c, name("Kamal"), name("Ramesh Baruah")), "different");
    }

    #[test]
    fn a_shared_family_name_does_not_make_two_given_names_alike() {
        let c = Comparator::new(Kind::Name, None, None, None, None);
        // Two cousins' mothers: only the family name is shared.
        assert_eq!(
            level(&c, name("Anjali Dey"), name("Kalpana Dey")),
            "different"
        );
        // One mother, her given name misspelt.
        assert_eq!(
            level(&c, name("Tileswar Pegu"), name("Tileswa Pegu")),
            "jaro-winkler >= 0.92"
        );
        // One name, a middle word abbreviated: still compared whole.
        assert_ne!(
            level(&c, name("Kumar Bordoloi"), name("Kr Bordoloi")),
            "different"
        );
    }

    #[test]
    fn an_initial_j_is_never_silent() {
        let c = Comparator::new(Kind::Name, None, None, None, None);
        // Double Metaphone's alternate code for an initial J is a vowel.
        for (a, b) in [("Joni", "Anu"), ("Jamuna", "Amina"), ("Jamal", "Amal")] {
            assert_ne!(
                level(&c, name(a), name(b)),
                "sounds alike or nickname",
                "{a} {b}"
            );
        }
        assert_eq!(
            level(&c, name("Jyotish"), name("Jyaotish")),
            "sounds alike or nickname"
        );
    }

    #[test]
    fn names_beginning_differently_need_more_than_a_shared_ending() {
        let c = Comparator::new(Kind::Name, None, None, None, None);
        assert_eq!(level(&c, name("Hasina"), name("Amina")), "different");
        // A slip on the first letter of an otherwise intact name is still a misspelling,
        // at the lowest similarity level.
        assert_eq!(
            level(&c, name("Eamesh"), name("Ramesh")),
            "jaro-winkler >= 0.8"
        );
        assert_eq!(
            level(&c, name("Snjali"), name("Anjali")),
            "jaro-winkler >= 0.8"
        );
    }
}
