//! From Homeward records to linkage records over the `tracing` profile's columns: a case is one
//! record; a tracing request is one record per child sought, with the family's details (the
//! inquirer is the mother or father) copied onto each.

use homeward_domain::{Document, RecordId};
use homeward_linkage::Record;
use serde_json::Value;

fn text(doc: &Document, name: &str) -> Option<String> {
    match doc.get(name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => items.first().and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

fn put(rec: &mut Record, column: &str, value: Option<String>) {
    if let Some(v) = value {
        rec.values.insert(column.to_string(), v);
    }
}

const CHILD_COLUMNS: &[&str] = &[
    "name_first",
    "name_last",
    "name_nickname",
    "sex",
    "age",
    "date_of_birth",
    "location_separation",
    "date_of_separation",
];

fn relative(doc: &Document, relation: &str) -> Option<String> {
    doc.get("family_details")?.as_array()?.iter().find_map(|m| {
        let m = m.as_object()?;
        (m.get("relation")?.as_str()? == relation)
            .then(|| m.get("relation_name")?.as_str().map(str::to_string))?
    })
}

/// The linkage record of a child case.
pub fn case_record(id: &RecordId, doc: &Document) -> Record {
    let mut rec = Record::new(id.to_string());
    for c in CHILD_COLUMNS {
        put(&mut rec, c, text(doc, c));
    }
    put(&mut rec, "mother_name", relative(doc, "mother"));
    put(&mut rec, "father_name", relative(doc, "father"));
    put(&mut rec, "district", text(doc, "district"));
    put(&mut rec, "language", text(doc, "languages"));
    rec
}

/// The linkage record of a person of concern, over the same name columns (aliases go to the
/// nickname column, so a known alias matches as a nickname would).
pub fn person_record(id: &RecordId, doc: &Document) -> Record {
    let mut rec = Record::new(id.to_string());
    put(&mut rec, "name_first", text(doc, "name_first"));
    put(&mut rec, "name_last", text(doc, "name_last"));
    put(
        &mut rec,
        "name_nickname",
        text(doc, "name_nickname").or_else(|| text(doc, "name_other")),
    );
    put(&mut rec, "sex", text(doc, "sex"));
    put(&mut rec, "district", text(doc, "district"));
    rec
}

/// The linkage records of a checkpoint log: the child (as a case would be) and, when named,
/// the accompanying adult (as a person of concern would be). The child's home district is the
/// log's origin, not the checkpoint's.
pub fn transit_records(doc: &Document) -> (Record, Option<Record>) {
    let mut child = Record::new("transit");
    for c in CHILD_COLUMNS {
        put(&mut child, c, text(doc, c));
    }
    put(&mut child, "district", text(doc, "origin_district"));
    put(&mut child, "language", text(doc, "languages"));
    let adult_name = text(doc, "adult_name");
    match text(doc, "adult_relationship").as_deref() {
        Some("mother" | "step_mother") => put(&mut child, "mother_name", adult_name.clone()),
        Some("father" | "step_father") => put(&mut child, "father_name", adult_name.clone()),
        _ => {}
    }
    let adult = adult_name.map(|name| {
        let mut rec = Record::new("transit-adult");
        let mut parts = name.split_whitespace();
        put(&mut rec, "name_first", parts.next().map(str::to_string));
        let rest: Vec<&str> = parts.collect();
        put(
            &mut rec,
            "name_last",
            (!rest.is_empty()).then(|| rest.join(" ")),
        );
        put(&mut rec, "sex", text(doc, "adult_sex"));
        rec
    });
    (child, adult)
}

/// The id of the `index`-th child sought by a request, as kept in the index.
fn sought_key(id: &RecordId, index: usize) -> String {
    format!("{id}#{index}")
}

/// Splits an index id back into the request and the child's position.
pub fn sought_id(key: &str) -> Option<(RecordId, usize)> {
    let (id, index) = key.split_once('#')?;
    Some((id.parse().ok()?, index.parse().ok()?))
}

/// The linkage records of the children a tracing request seeks.
pub fn sought_records(id: &RecordId, doc: &Document) -> Vec<Record> {
    let inquirer = text(doc, "relation_name");
    let relation = text(doc, "relation");
    let Some(children) = doc.get("children_sought").and_then(Value::as_array) else {
        return Vec::new();
    };
    children
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.as_object().map(|c| (i, c)))
        .map(|(i, child)| {
            let mut rec = Record::new(sought_key(id, i));
            for c in CHILD_COLUMNS {
                put(&mut rec, c, text(child, c));
            }
            match relation.as_deref() {
                Some("mother" | "step_mother") => put(&mut rec, "mother_name", inquirer.clone()),
                Some("father" | "step_father") => put(&mut rec, "father_name", inquirer.clone()),
                _ => {}
            }
            put(&mut rec, "village", text(doc, "village"));
            put(&mut rec, "district", text(doc, "district"));
            put(
                &mut rec,
                "language",
                text(child, "languages").or_else(|| text(doc, "languages")),
            );
            rec
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_request_gives_one_record_per_child_with_the_inquirer_as_parent() {
        let id = RecordId::new();
        let doc = json!({"relation_name": "Amina Khatun", "relation": "mother", "district": "Barpeta", "languages": ["bn"],
            "children_sought": [{"name_first": "Rahim", "sex": "male", "age": 9}, {"name_first": "Rahima", "sex": "female"}]});
        let recs = sought_records(&id, doc.as_object().unwrap());
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].values["mother_name"], "Amina Khatun");
        assert_eq!(recs[0].values["age"], "9");
        assert_eq!(recs[0].values["language"], "bn");
        assert_eq!(sought_id(&recs[1].id), Some((id, 1)));
    }

    #[test]
    fn a_case_takes_its_parents_from_the_family_list() {
        let id = RecordId::new();
        let doc = json!({"name_first": "রহিম", "sex": "male", "family_details": [{"relation": "father", "relation_name": "Nurul Islam"}]});
        let rec = case_record(&id, doc.as_object().unwrap());
        assert_eq!(rec.values["father_name"], "Nurul Islam");
        assert!(!rec.values.contains_key("mother_name"));
    }
}
