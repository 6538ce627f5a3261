//! The tracing matcher: turns child cases and the children sought by tracing requests into
//! linkage records (the `tracing` profile), keeps one live index of each side, and proposes
//! potential matches when a record is added or changed.
//!
//! It holds no database and no HTTP: the server feeds it records after each commit and stores
//! what it proposes, so the same matcher runs on a field laptop and on a central server.

mod records;

use std::collections::HashSet;
use std::sync::RwLock;

use homeward_domain::{Document, RecordId};
use homeward_linkage::link::{self, Task};
use homeward_linkage::{Contribution, LinkConfig, LinkIndex, Linker, Model, Record};
use serde::Serialize;

pub use homeward_linkage::LinkError;
pub use records::{case_record, person_record, sought_id, sought_records, transit_records};

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

/// A record found by screening, with its index id (a record id, or `request#child` for a
/// child sought).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Screened {
    /// The index id.
    pub id: String,
    /// Match probability.
    pub probability: f64,
}

/// How a checkpoint log is screened (the `[prevention]` settings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screening {
    /// Probability from which a registered or sought child is reported.
    pub threshold: f64,
    /// Share of logged children who are sought by a tracing request (the prior).
    pub sought_share: f64,
    /// Probability from which a watch-listed adult is reported.
    pub watch_threshold: f64,
}

/// What a checkpoint log may concern.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransitScreening {
    /// Registered children the child may be.
    pub cases: Vec<Screened>,
    /// Children sought by tracing requests the child may be (`request#child`).
    pub sought: Vec<Screened>,
    /// Watch-listed persons the accompanying adult may be.
    pub watch: Vec<Screened>,
}

fn screened(found: Vec<homeward_linkage::Match>, threshold: f64) -> Vec<Screened> {
    found
        .into_iter()
        .filter(|m| m.probability >= threshold)
        .map(|m| Screened {
            id: m.id,
            probability: m.probability,
        })
        .collect()
}

/// A case that may be the same child as another case (registered twice).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DuplicateProposal {
    /// The case that was added or changed.
    pub case: RecordId,
    /// The case it may duplicate.
    pub other: RecordId,
    /// Match probability.
    pub probability: f64,
    /// Match weight.
    pub weight: f64,
    /// Each field's contribution.
    pub explanation: Vec<Contribution>,
}

/// The live indexes (cases and children sought for tracing, cases for duplicates) and models.
pub struct Matcher {
    cases: LinkIndex,
    sought: LinkIndex,
    /// Cases again, under the `duplicates` profile and its own model.
    duplicates: LinkIndex,
    /// Persons of concern, to find the same person recorded twice and to screen the adults
    /// seen at checkpoints against the watch list.
    persons: LinkIndex,
    /// The persons of concern on the watch list.
    watch_list: RwLock<HashSet<String>>,
    /// The model trained without labels; decisions refine a copy of it, so learning again from
    /// the same decisions never compounds.
    base: Model,
    /// The model in use.
    model: RwLock<Model>,
    threshold: f64,
}

const CANDIDATES: usize = 20;

/// Prior probability that an adult screened at a checkpoint is one given person of concern.
const PERSON_PRIOR: f64 = 0.01;

fn duplicates_index(
    cases: &[(RecordId, Document)],
    threshold: f64,
) -> Result<LinkIndex, LinkError> {
    let linker = Linker::new(LinkConfig::profile("duplicates")?)?;
    let prepared: Vec<_> = cases
        .iter()
        .filter_map(|(id, d)| linker.prepare(&case_record(id, d)).ok())
        .collect();
    let model = if prepared.len() < 2 {
        Model::start(&linker)
    } else {
        link::run(&linker, Task::Dedupe(&prepared), threshold, &|_| {}).0
    };
    let index = LinkIndex::new(linker, model)?;
    index.insert_many(prepared)?;
    Ok(index)
}

/// How many labelled pairs the unsupervised estimate counts as when decisions refine it.
pub const PRIOR_STRENGTH: f64 = 20.0;

/// A caseworker's decision on a proposed match, with both records as they are now.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The tracing request.
    pub tracing_request: RecordId,
    /// Its fields.
    pub request: Document,
    /// Which child it seeks.
    pub sought_index: usize,
    /// The case.
    pub case: RecordId,
    /// Its fields.
    pub case_fields: Document,
    /// Confirmed (true) or rejected (false).
    pub confirmed: bool,
}

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
        let duplicates = duplicates_index(cases, threshold)?;
        // Persons of concern are adults with their own names: the children's trained name
        // frequencies would say nothing true about them. They are a few hundred at most, so
        // an adult seen at a checkpoint is a given listed person about one time in a hundred.
        let mut person_model = Model::start(&linker);
        person_model.lambda = PERSON_PRIOR;
        let persons = LinkIndex::new(linker.clone(), person_model)?;
        let cases_index = LinkIndex::new(linker.clone(), model.clone())?;
        let sought_index = LinkIndex::new(linker, model.clone())?;
        cases_index.insert_many(right)?;
        sought_index.insert_many(left)?;
        Ok(Self {
            cases: cases_index,
            sought: sought_index,
            duplicates,
            persons,
            watch_list: RwLock::new(HashSet::new()),
            base: model.clone(),
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

    /// Indexes a new or changed case for duplicate detection and proposes the other cases it
    /// may duplicate.
    pub fn upsert_case_duplicates(
        &self,
        id: &RecordId,
        doc: &Document,
        threshold: f64,
    ) -> Result<Vec<DuplicateProposal>, LinkError> {
        let rec = case_record(id, doc);
        self.duplicates.remove(&rec.id);
        let found = self.duplicates.query(&rec, CANDIDATES)?;
        self.duplicates.update(&rec)?;
        Ok(found
            .into_iter()
            .filter(|m| m.probability >= threshold && m.id != rec.id)
            .filter_map(|m| {
                Some(DuplicateProposal {
                    case: *id,
                    other: m.id.parse().ok()?,
                    probability: m.probability,
                    weight: m.weight,
                    explanation: m.explanation,
                })
            })
            .collect())
    }

    /// Drops a case from the indexes (merged away, deleted).
    pub fn remove_case(&self, id: &RecordId) {
        self.cases.remove(&id.to_string());
        self.duplicates.remove(&id.to_string());
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

    /// Indexes a new or changed person of concern and returns the other persons it may be
    /// (aliases, misspellings, other scripts).
    pub fn upsert_person(
        &self,
        id: &RecordId,
        doc: &Document,
        threshold: f64,
    ) -> Result<Vec<Screened>, LinkError> {
        let rec = person_record(id, doc);
        self.persons.remove(&rec.id);
        let found = screened(self.persons.query(&rec, CANDIDATES)?, threshold);
        self.persons.update(&rec)?;
        let mut watch = self.watch_list.write().unwrap_or_else(|e| e.into_inner());
        if doc.get("on_watch_list") == Some(&serde_json::Value::Bool(true)) {
            watch.insert(rec.id);
        } else {
            watch.remove(&rec.id);
        }
        Ok(found
            .into_iter()
            .filter(|m| m.id != id.to_string())
            .collect())
    }

    /// Screens a child logged at a checkpoint: the registered children and the children sought
    /// by tracing requests it may be, and the watch-listed persons the accompanying adult may
    /// be. Nothing is indexed: a checkpoint log is not a case. The watch list has its own,
    /// usually lower, threshold: a possible match there is worth the officer's check.
    pub fn screen_transit(
        &self,
        doc: &Document,
        screening: Screening,
    ) -> Result<TransitScreening, LinkError> {
        let (child, adult) = transit_records(doc);
        let cases = screened(self.cases.query(&child, CANDIDATES)?, screening.threshold);
        // The linking model's prior is that of a request and a registered child; a child
        // stopped at a checkpoint is one of the children sought with the configured share,
        // spread over the children sought. The same shift for every candidate keeps their
        // order (and, to a close approximation, what their competition gave each).
        let lambda = self
            .model
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .lambda
            .clamp(1e-15, 0.5);
        let per_child = screening.sought_share.clamp(1e-9, 1.0) / self.sought.len().max(1) as f64;
        let shift = (per_child / lambda).log2();
        let sought = self
            .sought
            .query(&child, CANDIDATES)?
            .into_iter()
            .map(|mut m| {
                m.weight += shift;
                m.probability = homeward_linkage::model::probability(m.weight);
                m
            })
            .collect();
        let sought = screened(sought, screening.threshold);
        let watch = match adult {
            Some(adult) => {
                let listed = self.watch_list.read().unwrap_or_else(|e| e.into_inner());
                screened(
                    self.persons.query(&adult, CANDIDATES)?,
                    screening.watch_threshold,
                )
                .into_iter()
                .filter(|m| listed.contains(&m.id))
                .collect()
            }
            None => Vec::new(),
        };
        Ok(TransitScreening {
            cases,
            sought,
            watch,
        })
    }

    /// How many cases and sought children are indexed.
    pub fn sizes(&self) -> (usize, usize) {
        (self.cases.len(), self.sought.len())
    }

    /// Refines the model from caseworkers' decisions and puts it in use; returns how many
    /// decisions could be used. Each decision weighs like one labelled pair against the
    /// unsupervised estimate, which counts as [`PRIOR_STRENGTH`] pairs.
    pub fn learn(&self, decisions: &[Decision]) -> Result<usize, LinkError> {
        let mut pairs = Vec::with_capacity(decisions.len());
        for d in decisions {
            let sought = sought_records(&d.tracing_request, &d.request);
            let Some(child) = sought.get(d.sought_index) else {
                continue;
            };
            let a = self.cases.prepare(child)?;
            let b = self.cases.prepare(&case_record(&d.case, &d.case_fields))?;
            pairs.push((a, b, d.confirmed));
        }
        let labelled: Vec<_> = pairs.iter().map(|(a, b, m)| (a, b, *m)).collect();
        let mut model = self.base.clone();
        self.cases.fit_labels(&mut model, &labelled, PRIOR_STRENGTH);
        self.cases.set_model(model.clone())?;
        self.sought.set_model(model.clone())?;
        *self.model.write().unwrap_or_else(|e| e.into_inner()) = model;
        Ok(pairs.len())
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
        // The same child registered again, in Latin script, is proposed as a duplicate.
        let again = RecordId::new();
        let dups = m.upsert_case_duplicates(&again, &doc(json!({"name_first": "Rahim", "name_last": "Ali", "sex": "male", "age": 10, "district": "Barpeta",
            "family_details": [{"relation": "mother", "relation_name": "Amina Khatun"}]})), 0.5).unwrap();
        assert_eq!(
            dups.iter()
                .max_by(|a, b| a.weight.total_cmp(&b.weight))
                .map(|d| d.other),
            Some(rahim),
            "{dups:?}"
        );
        // A rejection of this very pair lowers its weight once the model learns from it.
        let request_doc = doc(
            json!({"relation_name": "আমিনা খাতুন", "relation": "mother", "district": "Barpeta",
            "children_sought": [{"name_first": "রহিম", "name_last": "আলী", "sex": "male", "age": 10}]}),
        );
        let case_doc = cases
            .iter()
            .find(|(id, _)| *id == rahim)
            .map(|(_, d)| d.clone())
            .unwrap();
        let rejected: Vec<Decision> = (0..30)
            .map(|_| Decision {
                tracing_request: request,
                request: request_doc.clone(),
                sought_index: 0,
                case: rahim,
                case_fields: case_doc.clone(),
                confirmed: false,
            })
            .collect();
        assert_eq!(m.learn(&rejected).unwrap(), 30);
        let after = m.upsert_request(&request, &request_doc, 0.0).unwrap();
        let again = after
            .iter()
            .find(|p| p.case == rahim)
            .expect("still scored");
        assert!(
            again.weight < best.weight,
            "{} !< {}",
            again.weight,
            best.weight
        );
        m.remove_request(&request);
        assert_eq!(m.sizes().1, 0);
    }
}

#[cfg(test)]
mod screening_tests {
    use super::*;
    use serde_json::json;

    const SCREENING: Screening = Screening {
        threshold: 0.5,
        sought_share: 0.05,
        watch_threshold: 0.3,
    };

    fn doc(v: serde_json::Value) -> Document {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn an_adult_named_like_a_watch_listed_person_is_found_with_or_without_sex() {
        let m = Matcher::build(&[], &[], 0.5).unwrap();
        let listed = RecordId::new();
        m.upsert_person(
            &listed,
            &doc(json!({"name_first": "Mofizul", "name_last": "Haque", "sex": "male", "on_watch_list": true})),
            0.5,
        )
        .unwrap();
        let other = RecordId::new();
        m.upsert_person(
            &other,
            &doc(json!({"name_first": "Ranjit", "name_last": "Basumatary", "sex": "male", "on_watch_list": false})),
            0.5,
        )
        .unwrap();
        for adult in [
            json!({"sex": "female", "adult_name": "Mofizul Haque", "adult_sex": "male"}),
            json!({"sex": "female", "adult_name": "Mofizul Haque"}),
            json!({"sex": "female", "adult_name": "Mofizul Hoque", "adult_sex": "male"}),
        ] {
            let s = m.screen_transit(&doc(adult.clone()), SCREENING).unwrap();
            assert_eq!(s.watch.len(), 1, "{adult}: {s:?}");
            assert_eq!(s.watch[0].id, listed.to_string());
        }
        // A person not on the watch list is never reported, however alike.
        let s = m
            .screen_transit(
                &doc(json!({"sex": "male", "adult_name": "Ranjit Basumatary"})),
                SCREENING,
            )
            .unwrap();
        assert!(s.watch.is_empty(), "{s:?}");
    }
}
