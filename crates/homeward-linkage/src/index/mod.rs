//! An incremental index of prepared records for one-record queries: insert, update and remove
//! single records and ask for the best candidates for a new record without rebuilding anything.
//!
//! It owns the blocking postings (key → record slots per rule) and the term-frequency tables,
//! both kept current on every change. Readers share a `RwLock`: many queries run at once, a
//! write waits for them. The model is fixed per index (train it with `link` on a batch, or load
//! saved parameters) and can be replaced with `set_model`.

use std::sync::{Arc, PoisonError, RwLock};

use rustc_hash::FxHashMap;

use crate::error::LinkError;
use crate::linker::{FieldProblem, Linker, PreparedRecord, Record};
use crate::model::{Contribution, Model, Scorer, TfTable};
use crate::quick::QuickTable;

mod query;

/// A candidate returned by a query.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Match {
    pub id: String,
    /// Match weight (log2 Bayes factor sum including the prior).
    pub weight: f64,
    pub probability: f64,
    /// Per-field contributions.
    pub explanation: Vec<Contribution>,
}

struct Inner {
    model: Model,
    scorer: Scorer,
    slots: Vec<Option<PreparedRecord>>,
    free: Vec<u32>,
    by_id: FxHashMap<Box<str>, u32>,
    blocks: Vec<FxHashMap<u64, Vec<u32>>>,
    tf: Vec<TfTable>,
    /// Quick keys per slot, to keep the `max_candidates` best as batch linking does.
    quick: QuickTable,
}

/// A live index; `Send + Sync`, share it behind an `Arc`.
pub struct LinkIndex {
    linker: Arc<Linker>,
    inner: RwLock<Inner>,
}

fn problem(id: &str, p: FieldProblem) -> LinkError {
    LinkError::InvalidRecord {
        id: id.to_owned(),
        column: p.column,
        value: p.value,
        expected: p.expected.to_owned(),
    }
}

impl LinkIndex {
    /// An empty index for a configuration and trained parameters.
    pub fn new(linker: Linker, model: Model) -> Result<LinkIndex, LinkError> {
        if !model.fits(&linker) {
            return Err(LinkError::Model(
                "the parameters were trained for a different configuration".into(),
            ));
        }
        let tf = model
            .fields
            .iter()
            .map(|_| TfTable::new(linker.tf_group))
            .collect();
        let blocks = linker.rules.iter().map(|_| FxHashMap::default()).collect();
        let mut quick = QuickTable::empty(&linker);
        quick.set_weights(&linker, &model);
        Ok(LinkIndex {
            linker: Arc::new(linker),
            inner: RwLock::new(Inner {
                scorer: model.scorer(),
                model,
                slots: Vec::new(),
                free: Vec::new(),
                by_id: FxHashMap::default(),
                blocks,
                tf,
                quick,
            }),
        })
    }

    /// The compiled configuration.
    pub fn linker(&self) -> &Linker {
        &self.linker
    }

    /// Prepare a record with this index's configuration.
    pub fn prepare(&self, rec: &Record) -> Result<PreparedRecord, LinkError> {
        self.linker.prepare(rec).map_err(|p| problem(&rec.id, p))
    }

    /// Insert a record, replacing any record with the same id (so this is also `update`).
    pub fn insert(&self, rec: &Record) -> Result<(), LinkError> {
        let p = self.prepare(rec)?;
        self.insert_prepared(p)
    }

    /// Replace the record with the same id (inserting it when absent).
    pub fn update(&self, rec: &Record) -> Result<(), LinkError> {
        self.insert(rec)
    }

    fn check_shape(&self, rec: &PreparedRecord) -> Result<(), LinkError> {
        if rec.fields.len() == self.linker.comparators.len()
            && rec.keys.len() == self.linker.rules.len()
            && rec.rkeys.len() == self.linker.rules.len()
        {
            Ok(())
        } else {
            Err(LinkError::Model(format!(
                "record `{}` was prepared with a different link configuration than this index's",
                rec.id
            )))
        }
    }

    /// Insert an already prepared record (replacing one with the same id). It must have been
    /// prepared with this index's configuration (`LinkIndex::prepare`).
    pub fn insert_prepared(&self, rec: PreparedRecord) -> Result<(), LinkError> {
        self.check_shape(&rec)?;
        let mut g = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        Self::insert_locked(&self.linker, &mut g, rec);
        Ok(())
    }

    /// Insert many prepared records under one write lock (initial load).
    pub fn insert_many(
        &self,
        recs: impl IntoIterator<Item = PreparedRecord>,
    ) -> Result<(), LinkError> {
        let mut g = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        for rec in recs {
            self.check_shape(&rec)?;
            Self::insert_locked(&self.linker, &mut g, rec);
        }
        Ok(())
    }

    fn insert_locked(linker: &Linker, inner: &mut Inner, rec: PreparedRecord) {
        if let Some(&slot) = inner.by_id.get(&rec.id) {
            Self::detach(inner, slot);
        }
        let slot = match inner.free.pop() {
            Some(s) => s,
            None => {
                inner.slots.push(None);
                (inner.slots.len() - 1) as u32
            }
        };
        for (r, &k) in rec.rkeys.iter().enumerate() {
            if k != 0 {
                inner.blocks[r].entry(k).or_default().push(slot);
            }
        }
        for (f, t) in inner.tf.iter_mut().enumerate() {
            if inner.model.fields[f].tf {
                t.add_record(f, &rec);
            }
        }
        inner.quick.put_row(slot as usize, linker, &rec);
        inner.by_id.insert(rec.id.clone(), slot);
        inner.slots[slot as usize] = Some(rec);
    }

    fn detach(inner: &mut Inner, slot: u32) {
        if let Some(old) = inner.slots.get_mut(slot as usize).and_then(Option::take) {
            for (r, &k) in old.rkeys.iter().enumerate() {
                if let Some(list) = inner.blocks[r].get_mut(&k) {
                    if let Some(pos) = list.iter().position(|&s| s == slot) {
                        list.swap_remove(pos);
                    }
                    if list.is_empty() {
                        inner.blocks[r].remove(&k);
                    }
                }
            }
            for (f, t) in inner.tf.iter_mut().enumerate() {
                if inner.model.fields[f].tf {
                    t.remove_record(f, &old);
                }
            }
            inner.by_id.remove(&old.id);
            inner.free.push(slot);
        }
    }

    /// Remove a record by id; false when it was not there.
    pub fn remove(&self, id: &str) -> bool {
        let mut g = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        match g.by_id.get(id).copied() {
            Some(slot) => {
                Self::detach(&mut g, slot);
                true
            }
            None => false,
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .by_id
            .len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replace the model parameters (e.g. after `Model::fit_labels`).
    pub fn set_model(&self, model: Model) -> Result<(), LinkError> {
        if !model.fits(&self.linker) {
            return Err(LinkError::Model(
                "the parameters were trained for a different configuration".into(),
            ));
        }
        let mut g = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        g.scorer = model.scorer();
        g.quick.set_weights(&self.linker, &model);
        g.model = model;
        Ok(())
    }

    /// Refine `model` from caseworkers' decisions on pairs prepared with this index's
    /// configuration (see [`Model::fit_labels`]), weighing them with the value frequencies of
    /// the records indexed here, as queries do.
    pub fn fit_labels(
        &self,
        model: &mut Model,
        labelled: &[(&PreparedRecord, &PreparedRecord, bool)],
        strength: f64,
    ) {
        let g = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        model.fit_labels(&self.linker, labelled, strength, &g.tf);
    }

    /// The current model parameters.
    pub fn model(&self) -> Model {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .model
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LinkConfig;
    use proptest::prelude::*;

    /// The `duplicates` profile without competition: queries give each candidate's weight
    /// alone, which brute force can recompute.
    fn index() -> LinkIndex {
        let mut cfg = LinkConfig::profile("duplicates").unwrap_or_else(|e| panic!("{e}"));
        cfg.one_child_per_record = false;
        let linker = Linker::new(cfg).unwrap_or_else(|e| panic!("{e}"));
        let model = Model::start(&linker);
        LinkIndex::new(linker, model).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_records_namesakes_compete_and_its_childs_records_do_not() {
        let cfg = LinkConfig::profile("duplicates").unwrap_or_else(|e| panic!("{e}"));
        let linker = Linker::new(cfg).unwrap_or_else(|e| panic!("{e}"));
        let idx =
            LinkIndex::new(linker.clone(), Model::start(&linker)).unwrap_or_else(|e| panic!("{e}"));
        let alone = index();
        let child = |id: &str, first: &str, age: &str, mother: &str| {
            Record::new(id)
                .with("name_first", first)
                .with("name_last", "Ali")
                .with("sex", "m")
                .with("age", age)
                .with("mother_name", mother)
                .with("father_name", mother.replace("a", "u"))
                .with("district", "Barpeta")
        };
        // Two namesakes of the queried child (other parents), and two records of one child.
        for r in [
            child("a", "Rahim", "3", "Amina"),
            child("b", "Rahim", "14", "Rokeya"),
            child("c", "Jamal", "8", "Sufia"),
            child("d", "Jamal", "8", "Sufia"),
        ] {
            assert!(idx.insert(&r).is_ok() && alone.insert(&r).is_ok());
        }
        let p = |index: &LinkIndex, q: &Record, id: &str| {
            let hits = index.query(q, 5).unwrap_or_default();
            hits.iter()
                .find(|m| m.id == id)
                .map_or(0.0, |m| m.probability)
        };
        let q = child("q", "Rahim", "8", "");
        let (a, b) = (p(&idx, &q, "a"), p(&idx, &q, "b"));
        assert!(a + b <= 1.0 + 1e-9, "namesakes share the child: {a} {b}");
        assert!(
            p(&alone, &q, "a") + p(&alone, &q, "b") > 1.2,
            "each looks like the child alone"
        );
        let q = child("q", "Jamal", "8", "Sufia");
        let (c, d) = (p(&idx, &q, "c"), p(&idx, &q, "d"));
        assert!(
            c > 0.5 && d > 0.5,
            "records of one child do not compete: {c} {d}"
        );
    }

    const FIRST: &[&str] = &[
        "Rahim",
        "রহিম",
        "Rahul",
        "राहुल",
        "Bikash",
        "Fatema",
        "Raju",
        "Rajesh",
    ];
    const LAST: &[&str] = &["Das", "Barua", "বৰুৱা", "Khatun", "Uddin", "Gogoi"];

    fn rec(id: usize, f: usize, l: usize, age: usize, sex: bool) -> Record {
        Record::new(format!("r{id}"))
            .with("name_first", FIRST[f % FIRST.len()])
            .with("name_last", LAST[l % LAST.len()])
            .with("age", (age % 18).to_string())
            .with("sex", if sex { "m" } else { "f" })
            .with("district", "Barpeta")
    }

    /// Brute force over the live records, with the same candidate rule as the index: a record
    /// is a candidate when any blocking key agrees.
    fn brute(idx: &LinkIndex, live: &[Record], q: &Record, k: usize) -> Vec<(String, f64)> {
        let g = idx.inner.read().unwrap_or_else(PoisonError::into_inner);
        let qp = idx.prepare(q).unwrap_or_else(|e| panic!("{e}"));
        let mut all: Vec<(String, f64)> = live
            .iter()
            .filter(|r| r.id != q.id)
            .filter_map(|r| {
                let p = idx.prepare(r).ok()?;
                let shares = (0..qp.keys.len())
                    .any(|r| p.rkeys[r] != 0 && qp.query_keys(r).any(|k| k == p.rkeys[r]));
                shares.then(|| {
                    (
                        r.id.clone(),
                        g.scorer.weight(idx.linker.gamma(&qp, &p), &qp, &g.tf),
                    )
                })
            })
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1));
        all.truncate(k);
        all
    }

    #[test]
    fn cross_script_duplicate_is_found() {
        let idx = index();
        let a = Record::new("a")
            .with("name_first", "Rahim")
            .with("name_last", "Uddin")
            .with("age", "9");
        let b = Record::new("b")
            .with("name_first", "রহিম")
            .with("name_last", "উদ্দিন")
            .with("age", "10");
        let c = Record::new("c")
            .with("name_first", "Bikash")
            .with("name_last", "Barua")
            .with("age", "4");
        for r in [&a, &b, &c] {
            idx.insert(r).unwrap_or_else(|e| panic!("{e}"));
        }
        let hits = idx.query(&a, 3).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(hits.first().map(|m| m.id.as_str()), Some("b"), "{hits:?}");
        assert!(idx.remove("b"));
        assert!(!idx.remove("b"));
        let hits = idx.query(&a, 3).unwrap_or_else(|e| panic!("{e}"));
        assert!(hits.iter().all(|m| m.id != "b"));
        assert_eq!(idx.len(), 2);
    }

    #[test]
    fn index_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<LinkIndex>();
    }

    #[test]
    fn readers_and_a_writer_share_the_index() {
        let idx = index();
        std::thread::scope(|s| {
            s.spawn(|| {
                for i in 0..200 {
                    idx.insert(&rec(i, i, i / 3, i, i % 2 == 0))
                        .unwrap_or_else(|e| panic!("{e}"));
                    if i % 5 == 0 {
                        idx.remove(&format!("r{}", i / 2));
                    }
                }
            });
            for t in 0..3 {
                let idx = &idx;
                s.spawn(move || {
                    for q in 0..200 {
                        let hits = idx
                            .query(&rec(10_000 + q, q + t, q, q, true), 5)
                            .unwrap_or_default();
                        assert!(hits.len() <= 5);
                        assert!(hits.windows(2).all(|w| w[0].weight >= w[1].weight));
                    }
                });
            }
        });
        // The writer's operations replayed alone give the final contents.
        let mut live = std::collections::HashSet::new();
        for i in 0..200 {
            live.insert(i);
            if i % 5 == 0 {
                live.remove(&(i / 2));
            }
        }
        assert_eq!(idx.len(), live.len());
    }

    #[test]
    fn bad_age_is_reported_with_the_record() {
        let idx = index();
        let e = idx
            .insert(&Record::new("x").with("age", "abc"))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("record `x`: `age` holds `abc`; expected a whole number of years or blank")
        );
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(usize, usize, usize, usize, bool),
        Remove(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0..30usize, 0..8usize, 0..6usize, 0..18usize, any::<bool>())
                .prop_map(|(i, f, l, a, s)| Op::Insert(i, f, l, a, s)),
            1 => (0..30usize).prop_map(Op::Remove),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]
        #[test]
        fn index_matches_brute_force(ops in proptest::collection::vec(op(), 1..60),
                                     q in (0..8usize, 0..6usize, 0..18usize, any::<bool>())) {
            let idx = index();
            let mut live: Vec<Record> = Vec::new();
            for o in ops {
                match o {
                    Op::Insert(i, f, l, a, s) => {
                        let r = rec(i, f, l, a, s);
                        live.retain(|x| x.id != r.id);
                        live.push(r.clone());
                        prop_assert!(idx.insert(&r).is_ok());
                    }
                    Op::Remove(i) => {
                        let id = format!("r{i}");
                        let was = live.iter().any(|x| x.id == id);
                        live.retain(|x| x.id != id);
                        prop_assert_eq!(idx.remove(&id), was);
                    }
                }
            }
            prop_assert_eq!(idx.len(), live.len());
            let query = rec(1000, q.0, q.1, q.2, q.3);
            let got = idx.query(&query, 5).unwrap_or_default();
            let want = brute(&idx, &live, &query, 5);
            prop_assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                prop_assert!((g.weight - w.1).abs() < 1e-9, "{:?} vs {:?}", got, want);
            }
        }
    }
}
