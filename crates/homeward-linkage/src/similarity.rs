//! String similarity for names and short texts: Jaro–Winkler, optimal-string-alignment
//! Damerau–Levenshtein (with a bound for early exit), the South-Asian phonetic key (the
//! spellings one name takes across Bengali–Assamese, Hindi and English habits) and Double
//! Metaphone. Pure functions on strings; `compare` applies them to prepared values.

use rphonetic::DoubleMetaphone;

use crate::compare::hash_str;

/// Jaro–Winkler similarity (prefix scale 0.1, up to 4 characters), on bytes for ASCII text and
/// on characters otherwise.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a.is_ascii() && b.is_ascii() {
        jaro_winkler_slice(a.as_bytes(), b.as_bytes())
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        jaro_winkler_slice(&a, &b)
    }
}

fn jaro_winkler_slice<T: PartialEq + Copy>(a: &[T], b: &[T]) -> f64 {
    let j = jaro_slice(a, b);
    let prefix = a
        .iter()
        .zip(b.iter())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count();
    j + prefix as f64 * 0.1 * (1.0 - j)
}

fn jaro_slice<T: PartialEq + Copy>(a: &[T], b: &[T]) -> f64 {
    let (la, lb) = (a.len(), b.len());
    if la == 0 && lb == 0 {
        return 1.0;
    }
    if la == 0 || lb == 0 {
        return 0.0;
    }
    let window = (la.max(lb) / 2).saturating_sub(1);
    // Stack flags for the usual short names; heap only for long text.
    let mut a_stack = [false; 64];
    let mut b_stack = [false; 64];
    let mut a_heap = Vec::new();
    let mut b_heap = Vec::new();
    let a_flags: &mut [bool] = if la <= 64 {
        &mut a_stack[..la]
    } else {
        a_heap.resize(la, false);
        &mut a_heap
    };
    let b_flags: &mut [bool] = if lb <= 64 {
        &mut b_stack[..lb]
    } else {
        b_heap.resize(lb, false);
        &mut b_heap
    };
    let mut matches = 0usize;
    for i in 0..la {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(lb);
        for j in lo..hi {
            if !b_flags[j] && a[i] == b[j] {
                a_flags[i] = true;
                b_flags[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for i in 0..la {
        if a_flags[i] {
            while !b_flags[k] {
                k += 1;
            }
            if a[i] != b[k] {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    (m / la as f64 + m / lb as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// Damerau–Levenshtein distance in its optimal-string-alignment form (adjacent transpositions
/// count one edit; a substring is not edited twice). Returns `max + 1` as soon as the distance
/// is known to exceed `max`, which keeps typo levels cheap.
pub fn osa_distance_bounded(a: &str, b: &str, max: usize) -> usize {
    if a.is_ascii() && b.is_ascii() {
        osa_slice(a.as_bytes(), b.as_bytes(), max)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        osa_slice(&a, &b, max)
    }
}

/// Unbounded optimal-string-alignment distance.
pub fn osa_distance(a: &str, b: &str) -> usize {
    osa_distance_bounded(a, b, usize::MAX - 1)
}

fn osa_slice<T: PartialEq + Copy>(a: &[T], b: &[T], max: usize) -> usize {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > max {
        return max + 1;
    }
    if la == 0 || lb == 0 {
        return la.max(lb);
    }
    let w = lb + 1;
    // Three rolling rows; on the stack for the usual short values.
    let mut stack = [0u32; 3 * 48];
    let mut heap = Vec::new();
    let buf: &mut [u32] = if w <= 48 {
        &mut stack[..3 * w]
    } else {
        heap.resize(3 * w, 0);
        &mut heap
    };
    let (prev2, rest) = buf.split_at_mut(w);
    let (prev, cur) = rest.split_at_mut(w);
    let (mut prev2, mut prev, mut cur) = (prev2, prev, cur);
    for (j, x) in prev.iter_mut().enumerate() {
        *x = j as u32;
    }
    let max32 = max.min(u32::MAX as usize - 1) as u32;
    for i in 1..=la {
        cur[0] = i as u32;
        let mut row_min = cur[0];
        for j in 1..=lb {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max32 {
            return max + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[lb] as usize).min(max + 1)
}

/// A phonetic key for South-Asian names written in Latin letters (after romanisation).
///
/// Folds, in order: the digraphs chh/ch→c, sh→s, ph→f, bh→b, kh→k, gh→g, th→t, dh→d, jh→j,
/// rh→r, ck→k; v and w→b (Bengali/Assamese ব is written b or v, ৱ w); z→j (Zakir/Jakir: Bengali
/// has no z); q→k; a lone c→k; x→s at the start (Assamese Xaikia = Saikia) and ks elsewhere
/// (Laxmi = Lakshmi); y→j at the start (Yadav/Jadav) and i elsewhere (Joy/Jay → jai);
/// ee→i, oo→u; **o→a** (the Bengali/Assamese inherent vowel is spoken o but romanised a or o:
/// Borua/Barua, Rohim/Rahim; the cost is that names differing only in a/o, e.g. Mona/Mana, share
/// a key, which the Jaro–Winkler and exact levels still separate); doubled letters collapse; a
/// final h after a vowel is dropped (Baruah = Barua, Shah = Sha); a final schwa a is dropped in
/// keys longer than three letters (Rahima → rahim: the sex field separates Rahim and Rahima).
/// Tokens that are not ASCII (scripts we do not romanise) are returned unchanged.
pub fn phonetic_key(token: &str) -> String {
    if !token.is_ascii() {
        return token.to_owned();
    }
    let mut out = Vec::with_capacity(token.len());
    phonetic_into(token.as_bytes(), &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// `hash_str(&phonetic_key(token))`, reusing `buf` instead of allocating.
pub(crate) fn phonetic_hash(token: &str, buf: &mut Vec<u8>) -> u64 {
    if !token.is_ascii() {
        return hash_str(token);
    }
    buf.clear();
    phonetic_into(token.as_bytes(), buf);
    std::str::from_utf8(buf).map_or(0, hash_str)
}

fn phonetic_into(b: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < b.len() {
        let c = b[i].to_ascii_lowercase();
        // A doubled consonant is one sound ("Prakashh", "Mohammad"); doubled e and o are
        // vowels of their own (ee = i, oo = u).
        if i > 0 && b[i - 1].eq_ignore_ascii_case(&c) && !matches!(c, b'e' | b'o') {
            i += 1;
            continue;
        }
        let n1 = b.get(i + 1).map(u8::to_ascii_lowercase);
        let n2 = b.get(i + 2).map(u8::to_ascii_lowercase);
        let (emit, adv): (&[u8], usize) = match (c, n1, n2) {
            // ksh, ks and x are one sound in Indic names (Lakshmi, Laksmi, Laxmi).
            (b'k', Some(b's'), Some(b'h')) => (b"s", 3),
            (b'k', Some(b's'), _) => (b"s", 2),
            (b'c', Some(b'h'), Some(b'h')) => (b"c", 3),
            (b'c', Some(b'h'), _) => (b"c", 2),
            (b's', Some(b'h'), _) => (b"s", 2),
            (b'p', Some(b'h'), _) => (b"f", 2),
            (b'b', Some(b'h'), _) => (b"b", 2),
            (b'k', Some(b'h'), _) => (b"k", 2),
            (b'g', Some(b'h'), _) => (b"g", 2),
            (b't', Some(b'h'), _) => (b"t", 2),
            (b'd', Some(b'h'), _) => (b"d", 2),
            (b'j', Some(b'h'), _) => (b"j", 2),
            (b'r', Some(b'h'), _) => (b"r", 2),
            (b'c', Some(b'k'), _) => (b"k", 2),
            (b'e', Some(b'e'), _) => (b"i", 2),
            (b'o', Some(b'o'), _) => (b"u", 2),
            (b'v' | b'w', _, _) => (b"b", 1),
            (b'z', _, _) => (b"j", 1),
            (b'q', _, _) => (b"k", 1),
            (b'c', _, _) => (b"k", 1),
            // Assamese writes its s/sh sound x (Xaikia, Prianxu); Laxmi's ks stays close.
            (b'x', _, _) => (b"s", 1),
            (b'y', _, _) if i == 0 => (b"j", 1),
            (b'y', _, _) => (b"i", 1),
            (b'o', _, _) => (b"a", 1),
            _ => (std::slice::from_ref(&b[i]), 1),
        };
        for &e in emit {
            let e = e.to_ascii_lowercase();
            if out.last() != Some(&e) {
                out.push(e);
            }
        }
        i += adv;
    }
    if out.len() > 1 && out.last() == Some(&b'h') && is_vowel(out[out.len() - 2]) {
        out.pop();
    }
    if out.len() > 3 && out.last() == Some(&b'a') {
        out.pop();
    }
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Double Metaphone primary and alternate codes of a (romanised) token.
pub fn double_metaphone(token: &str) -> (String, String) {
    let r = DoubleMetaphone::default().double_metaphone(token);
    (r.primary(), r.alternate())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_winkler_known_values() {
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 1e-2);
        assert_eq!(jaro_winkler("", ""), 1.0);
        assert_eq!(jaro_winkler("abc", ""), 0.0);
        assert!((jaro_winkler("রহিম", "রহিম") - 1.0).abs() < 1e-12);
    }

    #[test]
    fn osa_known_values() {
        assert_eq!(osa_distance("ca", "ac"), 1);
        assert_eq!(osa_distance("kitten", "sitting"), 3);
        assert_eq!(osa_distance_bounded("kitten", "sitting", 1), 2);
        assert_eq!(osa_distance("", "abc"), 3);
    }

    #[test]
    fn phonetic_key_folds_south_asian_spellings() {
        let same = [
            ("bikash", "vikas"),
            ("barua", "baruah"),
            ("borua", "barua"),
            ("rahim", "rohim"),
            ("lakshmi", "laxmi"),
            ("saikia", "xaikia"),
            ("jadav", "yadav"),
            ("phukan", "fukan"),
            ("chhetri", "chetri"),
            ("zakir", "jakir"),
            ("joy", "jay"),
            ("deepak", "dipak"),
            ("bishwas", "biswas"),
        ];
        for (a, b) in same {
            assert_eq!(phonetic_key(a), phonetic_key(b), "{a} vs {b}");
        }
        assert_ne!(phonetic_key("rahim"), phonetic_key("rahul"));
    }
}
