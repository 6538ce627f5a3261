//! What a record's page shows: its sections as label and value pairs, values in the script
//! they were written in, choices translated, personal fields left out for roles that may not
//! see them. A reference to another record links to that record's page when the viewer may
//! open its kind, and stays plain text otherwise (a volunteer sees a referral's case reference
//! without a link to a case they may not open).

use homeward_domain::{Document, FieldKind, FieldSpec, RecordKind, Reference};
use homeward_store::StoredRecord;
use serde_json::Value;

use crate::forms::{list_values, yes_no};
use crate::i18n::Tr;
use crate::sections::{label_scope, sections};

/// One label and value.
pub struct Pair {
    /// Label.
    pub label: String,
    /// Value as shown.
    pub value: String,
    /// `lang` of the value's script (`bn`, `hi`, or empty): picks the right font.
    pub script: &'static str,
    /// The value in Latin letters when written in another script, shown beside it.
    pub romanised: String,
    /// The linked record's page, for a reference the viewer may open; empty otherwise.
    pub href: String,
}

/// Which kinds of record the viewer may open, to decide which references become links.
pub type MayRead<'a> = &'a dyn Fn(RecordKind) -> bool;

/// The page of a linked record, when `value` is a reference of one of `kinds` and the viewer
/// may open that kind.
pub fn link_href(kinds: &[RecordKind], value: &Value, may_read: MayRead<'_>) -> String {
    let Some(reference) = value.as_str().and_then(|s| Reference::parse(s).ok()) else {
        return String::new();
    };
    let kind = reference.kind();
    if kinds.contains(&kind) && may_read(kind) {
        format!("{}/{reference}", crate::kinds::of(kind).base)
    } else {
        String::new()
    }
}

/// One row of a repeatable group.
pub struct RowPairs {
    /// "Family member 2".
    pub title: String,
    /// Its values.
    pub pairs: Vec<Pair>,
}

/// A section of the page.
pub struct SectionPairs {
    /// Anchor id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Values.
    pub pairs: Vec<Pair>,
    /// Groups: (legend, rows).
    pub groups: Vec<(String, Vec<RowPairs>)>,
}

/// The `lang` attribute for a text's script, so Bengali–Assamese and Devanagari names get a
/// font that has their letters; Latin text needs none.
pub fn script_lang(text: &str) -> &'static str {
    for c in text.chars() {
        match c as u32 {
            0x0980..=0x09FF => return "bn",
            0x0900..=0x097F => return "hi",
            _ => {}
        }
    }
    ""
}

/// A name written in Bengali–Assamese or Devanagari script in Latin letters, for colleagues
/// who do not read that script (empty for Latin text): `রহিম আলী` → `Rahim Ali`.
pub fn romanised(text: &str) -> String {
    if script_lang(text).is_empty() {
        return String::new();
    }
    homeward_linkage::translit::romanise(text)
        .split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn shown(tr: &Tr, spec: &FieldSpec, v: &Value) -> String {
    match spec.kind {
        FieldKind::Bool => match yes_no(Some(v)) {
            "" => String::new(),
            answer => tr.t(&format!("answer-{answer}")),
        },
        FieldKind::Choice(_) => v.as_str().map(|c| tr.choice(c)).unwrap_or_default(),
        FieldKind::Choices(_) => list_values(Some(v))
            .iter()
            .map(|c| tr.choice(c))
            .collect::<Vec<_>>()
            .join(", "),
        _ => match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        },
    }
}

/// One field as a label and value, or `None` when it shows as nothing.
pub fn pair(
    tr: &Tr,
    scope: &str,
    spec: &FieldSpec,
    v: &Value,
    may_read: MayRead<'_>,
) -> Option<Pair> {
    let value = shown(tr, spec, v);
    if value.is_empty() {
        return None;
    }
    let href = match spec.kind {
        FieldKind::Link(kinds) => link_href(kinds, v, may_read),
        _ => String::new(),
    };
    Some(Pair {
        label: tr.field(scope, spec.name, spec.label),
        script: script_lang(&value),
        romanised: romanised(&value),
        value,
        href,
    })
}

/// The sections of a record's page; empty sections are left out.
pub fn build(
    tr: &Tr,
    kind: RecordKind,
    fields: &Document,
    may_read: MayRead<'_>,
) -> Vec<SectionPairs> {
    let scope = label_scope(kind);
    sections(kind)
        .into_iter()
        .filter_map(|s| {
            let mut pairs = Vec::new();
            let mut groups = Vec::new();
            for spec in s.fields {
                let Some(v) = fields.get(spec.name) else {
                    continue;
                };
                if let FieldKind::Group(sub) = spec.kind {
                    let rows: Vec<RowPairs> = v
                        .as_array()
                        .map(|a| a.as_slice())
                        .unwrap_or_default()
                        .iter()
                        .enumerate()
                        .map(|(i, entry)| RowPairs {
                            title: tr.t_n(&format!("row-{}", spec.name), (i + 1) as i64),
                            pairs: sub
                                .iter()
                                .filter_map(|s| {
                                    entry
                                        .get(s.name)
                                        .and_then(|v| pair(tr, spec.name, s, v, may_read))
                                })
                                .collect(),
                        })
                        .collect();
                    if !rows.is_empty() {
                        groups.push((tr.field(scope, spec.name, spec.label), rows));
                    }
                } else if let Some(p) = pair(tr, scope, spec, v, may_read) {
                    pairs.push(p);
                }
            }
            (!pairs.is_empty() || !groups.is_empty()).then(|| SectionPairs {
                id: format!("section-{}", s.id),
                title: tr.t(&format!("section-{}", s.id)),
                pairs,
                groups,
            })
        })
        .collect()
}

/// The name to show for a record in lists and titles: the child's (or inquirer's) name as
/// written, or `None` when withheld or not recorded.
pub fn display_name(record: &StoredRecord) -> Option<String> {
    let f = &record.fields;
    let get = |k: &str| {
        f.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let parts: Vec<&str> = match record.kind {
        RecordKind::Case => ["name_first", "name_middle", "name_last"]
            .iter()
            .filter_map(|k| get(k))
            .collect(),
        RecordKind::TracingRequest => get("relation_name").into_iter().collect(),
        _ => [
            "committee_name",
            "head_name",
            "provider_name",
            "title",
            "name_first",
            "name_last",
        ]
        .iter()
        .filter_map(|k| get(k))
        .collect(),
    };
    if parts.is_empty() {
        get("name_nickname").map(str::to_string)
    } else {
        Some(parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_recognised() {
        assert_eq!(script_lang("রহিম Ali"), "bn");
        assert_eq!(script_lang("राहुल"), "hi");
        assert_eq!(script_lang("Rahim"), "");
        assert_eq!(romanised("Rahim"), "");
        assert!(
            romanised("রহিম").starts_with("Rah"),
            "{}",
            romanised("রহিম")
        );
    }
}
