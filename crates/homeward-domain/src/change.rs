//! A change: one field of one record set to a new value, at a clock time, by an actor on a
//! device. The change log is a list of these; the current state of a record is what its
//! changes add up to.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::hlc::Hlc;
use crate::ids::{RecordId, UserId};

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Unique id of the change: applying it twice (for example through sync) is a no-op.
    pub id: uuid::Uuid,
    /// The record changed.
    pub record_id: RecordId,
    /// The top-level field changed, as named in the catalogue.
    pub field: String,
    /// The new value; `null` when the field was cleared.
    pub value: Value,
    /// When, on the hybrid logical clock.
    pub hlc: Hlc,
    /// Who made it.
    pub actor: UserId,
    /// On which device or server node.
    pub device: String,
}

/// The fields whose value differs between two versions of a document, with their new values.
/// Fields present before and absent after are cleared (`null`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldChanges(pub Vec<(String, Value)>);

impl FieldChanges {
    /// What changed from `before` to `after`.
    pub fn between(before: &Map<String, Value>, after: &Map<String, Value>) -> Self {
        let mut out = Vec::new();
        for (k, v) in after {
            if before.get(k) != Some(v) {
                out.push((k.clone(), v.clone()));
            }
        }
        for k in before.keys() {
            if !after.contains_key(k) {
                out.push((k.clone(), Value::Null));
            }
        }
        Self(out)
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names of the changed fields.
    pub fn field_names(&self) -> Vec<&str> {
        self.0.iter().map(|(k, _)| k.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_set_changed_and_cleared_fields_only() {
        let before = json!({"sex": "female", "age": 7, "risk_level": "low"});
        let after = json!({"sex": "female", "age": 8, "name_first": "Rupa"});
        let d = FieldChanges::between(before.as_object().unwrap(), after.as_object().unwrap());
        assert_eq!(
            d.0,
            vec![
                ("age".to_string(), json!(8)),
                ("name_first".to_string(), json!("Rupa")),
                ("risk_level".to_string(), Value::Null)
            ]
        );
    }
}
