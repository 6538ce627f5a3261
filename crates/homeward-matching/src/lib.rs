//! The tracing matcher: turns child cases and the children sought by tracing requests into
//! linkage records (the `tracing` profile), keeps one live index of each side, and proposes
//! potential matches when a record is added or changed.
//!
//! It holds no database and no HTTP: the server feeds it records after each commit and stores
//! what it proposes, so the same matcher runs on a field laptop and on a central server.

mod records;

use std::sync::RwLock;

use homeward_domain::{Document, RecordId};
use homeward_linkage::link::{self, Task};
use homeward_linkage::{Contribution, LinkConfig, LinkIndex, Linker, Model, Record};
use serde::Serialize;

pub use homeward_linkage::LinkError;
pub use records::{case_record, sought_id, sought_records};

/// A proposed pairing of a child sought by a tracing request with a registered child.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Proposal {
    /// The tracing request.
    pub tracing_request: RecordId,
    /// Which child of the request (from 0).
    pub sought_index: usize,
    /// The registered child.
    pub case: RecordId,
    /// Match probability.
    pub probability: f64,
    /// Match weight (log2 Bayes factor).
    pub weight: f64,
    /// Each field's contribution.
    pub explanation: Vec<Contribution>,
}

/// The two live indexes and the shared model.
pub struct Matcher {
    cases: LinkIndex,
    sought: LinkIndex,
    /// The trained model, kept to refine it from caseworkers' decisions.
    model: RwLock<Model>,
    threshold: f64,
}

const CANDIDATES: usize = 20;

fn linker() -> Result<Linker, LinkError> {
    Linker::new(LinkConfig::profile("tracing")?)
}

impl Matcher {
    /// Trains the model on the records as they are (u from random pairs, m by EM, no labels
    /// needed) and indexes them. `threshold` is the probability at which a match is proposed.
    pub fn build(
        cases: &[(RecordId, Document)],
        requests: &[(RecordId, Document)],
        threshold: f64,
    ) -> Result<Self, LinkError> {
        let linker = linker()?;
        let case_recs: Vec<Record> = cases.iter().map(|(id, d)| case_record(id, d)).collect();
        let sought_recs: Vec<Record> = requests
            .iter()
            .flat_map(|(id, d)| sought_records(id, d))
            .collect();
        let prepare = |recs: &[Record]| {
            recs.iter()
                .filter_map(|r| linker.prepare(r).ok())
                .collect::<Vec<_>>()
        };
        let (left, right) = (prepare(&sought_recs), prepare(&case_recs));
        let model = if left.is_empty() || right.is_empty() {
            Model::start(&linker)
        } else {
            let (model, _pairs, _report) = link::run(
                &linker,
                Task::Link {
                    left: &left,
                    right: &right,
                },
                threshold,
                &|_| {},
            );
            model
        };
        let cases_index = LinkIndex::new(linker.clone(), model.clone())?;
        let sought_index = LinkIndex::new(linker, model.clone())?;
        cases_index.insert_many(right)?;
        sought_index.insert_many(left)?;
        Ok(Self {
            cases: cases_index,
            sought: sought_index,
            model: RwLock::new(model),
            threshold,
        })
    }

    /// The proposal threshold.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Indexes a new or changed case and proposes the sought children it may be.
    pub fn upsert_case(
        &self,
        id: &RecordId,
        doc: &Document,
        threshold: f64,
    ) -> Result<Vec<Proposal>, LinkError> {
        let rec = case_record(id, doc);
        self.cases.update(&rec)?;
        let mut out = Vec::new();
        for m in self.sought.query(&rec, CANDIDATES)? {
            if m.probability < threshold {
                continue;
            }
            if let Some((request, index)) = sought_id(&m.id) {
                out.push(Proposal {
                    tracing_request: request,
                    sought_index: index,
                    case: *id,
                    probability: m.probability,
                    weight: m.weight,
                    explanation: m.explanation,
                });
            }
        }
        Ok(out)
    }

    /// Indexes a new or changed tracing request and proposes the registered children each
    /// sought child may be.
    pub fn upsert_request(
        &self,
        id: &RecordId,
        doc: &Document,
        threshold: f64,
    ) -> Result<Vec<Proposal>, LinkError> {
        self.remove_request(id);
        let mut out = Vec::new();
        for (index, rec) in sought_records(id, doc).into_iter().enumerate() {
            self.sought.update(&rec)?;
            for m in self.cases.query(&rec, CANDIDATES)? {
                if m.probability < threshold {
                    continue;
                }
                if let Ok(case) = m.id.parse::<RecordId>() {
                    out.push(Proposal {
                        tracing_request: *id,
                        sought_index: index,
                        case,
                        probability: m.probability,
                        weight: m.weight,
                        explanation: m.explanation,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Drops a case from the index (merged away, deleted).
    pub fn remove_case(&self, id: &RecordId) {
        self.cases.remove(&id.to_string());
    }

    /// Drops every sought child of a request from the index.
    pub fn remove_request(&self, id: &RecordId) {
        let prefix = format!("{id}#");
        for i in 0..64 {
            if !self.sought.remove(&format!("{prefix}{i}")) && i > 0 {
                break;
            }
        }
    }

    /// How many cases and sought children are indexed.
    pub fn sizes(&self) -> (usize, usize) {
        (self.cases.len(), self.sought.len())
    }

    /// The current model parameters.
    pub fn model(&self) -> Model {
        self.model.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: serde_json::Value) -> Document {
        v.as_object().cloned().unwrap_or_default()
    }

    fn registered_children() -> Vec<(RecordId, Document)> {
        let names = [
            ("Bikash", "Barua"),
            ("Rupali", "Gogoi"),
            ("Jahirul", "Islam"),
            ("Fatema", "Khatun"),
            ("Raju", "Basumatary"),
            ("Sunita", "Munda"),
            ("Pooja", "Yadav"),
            ("Tabu", "Pegu"),
        ];
        let mut cases = Vec::new();
        for i in 0..200 {
            let (f, l) = names[i % names.len()];
            cases.push((RecordId::new(), doc(json!({"name_first": format!("{f}{}", i / 8), "name_last": l, "sex": if i % 2 == 0 { "male" } else { "female" }, "age": (i % 17) as i64, "district": "Barpeta"}))));
        }
        cases
    }

    #[test]
    fn a_request_in_bengali_script_finds_the_child_registered_in_latin() {
        let mut cases = registered_children();
        let requests = Vec::new();
        let rahim = RecordId::new();
        cases.push((rahim, doc(json!({"name_first": "Rahim", "name_last": "Ali", "sex": "male", "age": 9, "district": "Barpeta",
            "family_details": [{"relation": "mother", "relation_name": "Amina Khatun"}]}))));
        let m = Matcher::build(&cases, &requests, 0.5).unwrap();
        let request = RecordId::new();
        let proposals = m
            .upsert_request(&request, &doc(json!({"relation_name": "আমিনা খাতুন", "relation": "mother", "district": "Barpeta",
                "children_sought": [{"name_first": "রহিম", "name_last": "আলী", "sex": "male", "age": 10}]})), 0.5)
            .unwrap();
        let best = proposals
            .iter()
            .max_by(|a, b| a.weight.total_cmp(&b.weight))
            .expect("a proposal");
        assert_eq!(best.case, rahim);
        assert_eq!(best.sought_index, 0);
        assert!(!best.explanation.is_empty());
        assert_eq!(m.sizes().1, 1);
        m.remove_request(&request);
        assert_eq!(m.sizes().1, 0);
    }
}
