//! The compiled form of a `LinkConfig`: comparators with their field indices, blocking rules,
//! and the preparation of raw records into `PreparedRecord`s (normalised values, phonetic codes
//! and blocking keys computed once). It also turns a pair of prepared records into its
//! comparison vector (`Gamma`). It knows nothing of files: callers hand it values by column name.

use std::collections::HashMap;

use crate::blocking::{KeyPart, Rule};
use crate::compare::{Comparator, FieldValue, Kind};
use crate::config::LinkConfig;
use crate::name_compare::SWAPPED;
use crate::normalise::Sex;

/// A comparison vector: the level of each field, 4 bits per field (at most 16 fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Gamma(pub u64);

impl Gamma {
    /// Level of field `f`.
    #[inline]
    pub fn level(self, f: usize) -> usize {
        ((self.0 >> (4 * f)) & 0xF) as usize
    }
    /// Build from levels.
    pub fn from_levels(levels: &[u8]) -> Gamma {
        Gamma(
            levels
                .iter()
                .enumerate()
                .fold(0u64, |g, (f, &l)| g | (u64::from(l & 0xF) << (4 * f))),
        )
    }
}

/// One record ready for comparison.
#[derive(Clone, Debug)]
pub struct PreparedRecord {
    pub id: Box<str>,
    /// One value per configured field.
    pub fields: Box<[FieldValue]>,
    /// One key per blocking rule in the querying (LEFT) role (0 = no key).
    pub keys: Box<[u64]>,
    /// One key per blocking rule in the indexed (RIGHT) role; equal to `keys` except for
    /// cross-field rules.
    pub rkeys: Box<[u64]>,
    /// Further querying keys `(rule, key)`, ordered by rule: the neighbouring districts of
    /// `near(...)` rules.
    pub extra_keys: Box<[(u32, u64)]>,
}

impl PreparedRecord {
    /// Every querying key of rule `r` (none when the record has no key for it).
    pub fn query_keys(&self, r: usize) -> impl Iterator<Item = u64> + '_ {
        let first = self.keys[r];
        let extra = if first == 0 {
            &[][..]
        } else {
            let lo = self.extra_keys.partition_point(|e| (e.0 as usize) < r);
            let hi = self.extra_keys.partition_point(|e| (e.0 as usize) <= r);
            &self.extra_keys[lo..hi]
        };
        std::iter::once(first)
            .filter(|&k| k != 0)
            .chain(extra.iter().map(|e| e.1))
    }
}

/// A raw value could not be read as its field's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub column: String,
    pub value: String,
    pub expected: &'static str,
}

/// A simple owned record: an id and values by column name. Convenient for callers that do not
/// read CSV (the server, tests); columns not in the config are ignored, missing ones are blank.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub values: HashMap<String, String>,
}

impl Record {
    /// A record with no values yet.
    pub fn new(id: impl Into<String>) -> Self {
        Record {
            id: id.into(),
            values: HashMap::new(),
        }
    }
    /// Builder-style setter.
    pub fn with(mut self, column: impl Into<String>, value: impl Into<String>) -> Self {
        self.values.insert(column.into(), value.into());
        self
    }
}

/// A compiled link configuration.
#[derive(Clone, Debug)]
pub struct Linker {
    pub config: LinkConfig,
    pub comparators: Vec<Comparator>,
    pub rules: Vec<Rule>,
    /// Index of the sex field, filled from honorific hints when blank.
    sex_field: Option<usize>,
    /// Index of the field grouping term frequencies (`tf_group`).
    pub tf_group: Option<usize>,
}

impl Linker {
    /// Compile a (validated) configuration.
    pub fn new(config: LinkConfig) -> Result<Linker, crate::LinkError> {
        config.validate("link configuration")?;
        let comparators = config
            .fields
            .iter()
            .map(|f| {
                let swap = f
                    .swap_with
                    .as_ref()
                    .and_then(|s| config.fields.iter().position(|g| &g.name == s));
                let pet = f
                    .pet_name
                    .as_ref()
                    .and_then(|s| config.fields.iter().position(|g| &g.name == s));
                Comparator::new(
                    f.comparator,
                    f.jw.clone(),
                    f.distances.clone(),
                    f.bands.clone(),
                    swap,
                )
                .with_pet_name(pet)
            })
            .collect();
        let parse = |parts: &[String]| {
            parts
                .iter()
                .map(|p| KeyPart::parse(p, &config))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|message| crate::LinkError::Config {
                    origin: "link configuration".into(),
                    message,
                })
        };
        let mut rules = Vec::new();
        for r in &config.blocking {
            let parts = parse(&r.on)?;
            match &r.right_on {
                None => rules.push(Rule {
                    label: r.on.join(" & "),
                    right_parts: parts.clone(),
                    parts,
                }),
                Some(right_on) => {
                    // A cross-field rule runs both ways.
                    let right = parse(right_on)?;
                    let (a, b) = (r.on.join(" & "), right_on.join(" & "));
                    rules.push(Rule {
                        label: format!("{a} ~ {b}"),
                        parts: parts.clone(),
                        right_parts: right.clone(),
                    });
                    rules.push(Rule {
                        label: format!("{b} ~ {a}"),
                        parts: right,
                        right_parts: parts,
                    });
                }
            }
        }
        let sex_field = config.fields.iter().position(|f| f.comparator == Kind::Sex);
        let tf_group = config
            .tf_group
            .as_ref()
            .and_then(|g| config.fields.iter().position(|f| &f.name == g));
        Ok(Linker {
            config,
            comparators,
            rules,
            sex_field,
            tf_group,
        })
    }

    /// Field names in order.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.config.fields.iter().map(|f| f.name.as_str())
    }

    /// Columns the input must have (id first).
    pub fn required_columns(&self) -> Vec<&str> {
        let mut cols = vec![self.config.id_column.as_str()];
        for f in &self.config.fields {
            if !cols.contains(&f.column()) {
                cols.push(f.column());
            }
        }
        cols
    }

    /// Prepare a record whose values are looked up by column name (`None` = blank).
    pub fn prepare_with<'a>(
        &self,
        id: &str,
        value: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<PreparedRecord, FieldProblem> {
        let mut fields = Vec::with_capacity(self.config.fields.len());
        let mut hint: Option<Option<Sex>> = None;
        let mut only_titles = Vec::new();
        let mut leading_honorific = Vec::with_capacity(self.config.fields.len());
        for (i, f) in self.config.fields.iter().enumerate() {
            let raw = value(f.column()).unwrap_or("");
            let p = f.comparator.prepare(raw).map_err(|b| FieldProblem {
                column: f.column().to_owned(),
                value: raw.to_owned(),
                expected: b.expected,
            })?;
            if p.value.is_blank() && !raw.trim().is_empty() && f.comparator == Kind::Name {
                only_titles.push(i);
            }
            leading_honorific.push(p.leading_honorific);
            if f.relative {
                fields.push(p.value);
                continue;
            }
            if let Some(s) = p.sex_hint {
                hint = match hint {
                    None => Some(Some(s)),
                    Some(Some(h)) if h == s => Some(Some(h)),
                    _ => Some(None),
                };
            }
            fields.push(p.value);
        }
        // A given-name field that held only an honorific or a marker ("Md." | "Rafiqul Islam",
        // "Begum" | "Rehana"): the name was written in the other field, so it moves over.
        for i in only_titles {
            if let Some(o) = self.comparators[i].swap_with {
                if !fields[o].is_blank() {
                    fields[i] = std::mem::take(&mut fields[o]);
                }
            }
        }
        // The full name written in the given-name field, the family-name field blank
        // ("Kamal Kumar Poteer" | ""): its last word is the family name.
        for (i, c) in self.comparators.iter().enumerate() {
            let Some(o) = c.swap_with else { continue };
            if fields[o].is_blank() {
                if let Some((given, family)) = split_full_name(&fields[i]) {
                    fields[i] = given;
                    fields[o] = family;
                }
            }
        }
        // A family-name field that begins with an honorific ("Sheikh" | "Md. Faruk") holds the
        // given name: the two were written in each other's place.
        for (i, c) in self.comparators.iter().enumerate() {
            let Some(o) = c.swap_with else { continue };
            if !fields[i].is_blank() && !fields[o].is_blank() && leading_honorific[o] {
                fields.swap(i, o);
            }
        }
        if let (Some(sf), Some(Some(s))) = (self.sex_field, hint) {
            if fields[sf].is_blank() {
                if let Ok(p) = Kind::Sex.prepare(s.code()) {
                    fields[sf] = p.value;
                }
            }
        }
        let keys: Box<[u64]> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| r.key(i, &fields))
            .collect();
        let rkeys = self
            .rules
            .iter()
            .enumerate()
            .zip(keys.iter())
            .map(|((i, r), &k)| {
                if r.is_symmetric() {
                    k
                } else {
                    r.right_key(i, &fields)
                }
            })
            .collect();
        let extra_keys = self
            .rules
            .iter()
            .enumerate()
            .filter(|(i, _)| keys[*i] != 0)
            .flat_map(|(i, r)| {
                r.extra_keys(i, &fields)
                    .into_iter()
                    .map(move |k| (i as u32, k))
            })
            .collect();
        Ok(PreparedRecord {
            id: id.into(),
            fields: fields.into(),
            keys,
            rkeys,
            extra_keys,
        })
    }

    /// Prepare a [`Record`].
    pub fn prepare(&self, rec: &Record) -> Result<PreparedRecord, FieldProblem> {
        self.prepare_with(&rec.id, |c| rec.values.get(c).map(String::as_str))
    }

    /// The comparison vector of a pair.
    #[inline]
    pub fn gamma(&self, a: &PreparedRecord, b: &PreparedRecord) -> Gamma {
        let mut g = 0u64;
        for (f, c) in self.comparators.iter().enumerate() {
            g |= u64::from(c.compare(f, &a.fields, &b.fields)) << (4 * f);
        }
        for (f, c) in self.comparators.iter().enumerate() {
            // Given and family names swapped: the family-name field compared its straight
            // values as different, yet its value is written on both records: exactly when
            // the swap is clean, closely when one of the crossed names is misspelt (which
            // of the two is the family name, neither record says). A brother's and a
            // sister's given names can differ by a letter (Swmkhwr, Swmkhwri): where the
            // records disagree on sex, a near swap says nothing of the family name.
            let Some(o) = c.swap_with else { continue };
            let levels = Gamma(g);
            let (x, y) = (&a.fields, &b.fields);
            if levels.level(f) == usize::from(SWAPPED)
                && levels.level(o) + 1 == self.comparators[o].n_levels()
                && !x[o].is_blank()
                && !y[o].is_blank()
            {
                let clean = x[f].hash == y[o].hash && x[o].hash == y[f].hash;
                let sexes_differ = self
                    .sex_field
                    .is_some_and(|s| levels.level(s) + 1 == self.comparators[s].n_levels());
                if !clean && sexes_differ {
                    continue;
                }
                let level = if clean {
                    1
                } else {
                    self.comparators[o].sounds_alike_level()
                };
                g = (g & !(0xf << (4 * o))) | (u64::from(level) << (4 * o));
            }
        }
        Gamma(g)
    }
}

/// A prepared name of two or more words split into its given name (all but the last word)
/// and its family name (the last word), both prepared as names.
fn split_full_name(v: &crate::compare::FieldValue) -> Option<(FieldValue, FieldValue)> {
    let (given, family) = v.text.rsplit_once(' ')?;
    let prepare = |s: &str| Kind::Name.prepare(s).ok().map(|p| p.value);
    Some((prepare(given)?, prepare(family)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(first: (&str, &str, &str), other: (&str, &str, &str)) -> (String, String) {
        let cfg = LinkConfig::profile("tracing").unwrap_or_else(|e| panic!("{e}"));
        let linker = Linker::new(cfg).unwrap_or_else(|e| panic!("{e}"));
        let prepare = |id: &str, (given, family, sex): (&str, &str, &str)| {
            let rec = Record::new(id.to_owned())
                .with("name_first", given.to_owned())
                .with("name_last", family.to_owned())
                .with("sex", sex.to_owned());
            linker
                .prepare(&rec)
                .unwrap_or_else(|p| panic!("{}", p.expected))
        };
        let g = linker.gamma(&prepare("a", first), &prepare("b", other));
        let label = |f: usize| linker.comparators[f].labels()[g.level(f)].clone();
        (label(0), label(1))
    }

    #[test]
    fn a_swapped_family_name_agrees() {
        let (given, family) = levels(("Monuj", "Pegu", "m"), ("Pegu", "Monuj", ""));
        assert_eq!(given, "swapped with other name field");
        assert_eq!(family, "exact");
        // One crossed name misspelt: the family name is on both records, spelt alike.
        let (given, family) = levels(("Das", "Buli", "f"), ("Bulih", "Das", "f"));
        assert_eq!(given, "swapped with other name field");
        assert_eq!(family, "sounds alike or nickname");
    }

    #[test]
    fn a_brothers_name_beside_a_sisters_is_no_swap_of_the_family_name() {
        let (given, family) = levels(("Narzary", "Swmkhwr", "m"), ("Swmkhwri", "Narzary", "f"));
        assert_eq!(given, "swapped with other name field");
        assert_eq!(family, "different");
    }
}
