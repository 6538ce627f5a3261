//! Quick pre-scoring of gathered candidates. On 200,000 records a common given name in a
//! district gathers hundreds of namesakes per tracing request; comparing each of them field by
//! field (Jaro–Winkler, phonetic sets, villages) would take minutes. Each record instead gets a
//! compact row of *quick keys* (one `u64` per field, in one contiguous table): a name's
//! phonetic key, a village's core name, the district, the age, the sex. A candidate's quick
//! score sums the model's weight of the level those keys imply (agreeing names score as
//! "sounds alike", differing ones as "different"); only the best few per request are then
//! compared in full.

use crate::compare::{FieldValue, Kind};
use crate::linker::{Linker, PreparedRecord};
use crate::model::Model;

/// How a field's quick key compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QuickKind {
    /// Equal keys agree (names: first word's phonetic key; village: core name; sex).
    Equal,
    /// Ages in years, compared by the comparator's bands.
    Age,
    /// District ids, compared by the place table.
    District,
    /// Not pre-scored (dates, free text): costs more than it tells at this stage.
    Skip,
}

/// The quick keys of a list of records and the weights of their levels.
#[derive(Clone, Debug, Default)]
pub struct QuickTable {
    /// The pre-scored fields (indices into the configuration's fields) and how they compare.
    fields: Vec<(usize, QuickKind)>,
    bands: Vec<Vec<i32>>,
    /// `rows[i * n + k]`: the `k`th pre-scored field's key of record `i` (0 = blank), 32
    /// bits: a row of ten fields is 40 bytes, and 200,000 rows stay in the processor's cache.
    rows: Vec<u32>,
    n: usize,
    /// Per pre-scored field: weight when the keys agree, when they differ; per level for
    /// ages and districts.
    weights: Vec<Vec<f32>>,
    /// District relation levels, `relation[a * districts + b]`.
    relation: Vec<u8>,
    districts: usize,
}

fn kind_of(kind: Kind) -> QuickKind {
    match kind {
        Kind::Name | Kind::Village | Kind::Sex | Kind::Exact => QuickKind::Equal,
        Kind::Age => QuickKind::Age,
        Kind::District => QuickKind::District,
        _ => QuickKind::Skip,
    }
}

/// The quick key of one prepared value (0: blank or unknown).
fn key(kind: Kind, v: &FieldValue) -> u32 {
    if v.is_blank() {
        return 0;
    }
    // A 64-bit hash folded to 32 bits, never 0 (two values rarely share one: a collision
    // only lifts one candidate's pre-score).
    let fold = |h: u64| ((h ^ (h >> 32)) as u32).max(1);
    match kind {
        Kind::Name => fold(
            v.keys
                .as_ref()
                .and_then(|k| k.phon().first().copied())
                .unwrap_or(v.hash),
        ),
        Kind::Village => v.num.map_or(fold(v.hash), |n| (n as u32).max(1)),
        Kind::Age => v.num.map_or(0, |n| (n.clamp(0, 1000) as u32) + 1),
        Kind::District => v.num.map_or(0, |n| (n.clamp(0, 60000) as u32) + 1),
        _ => fold(v.hash),
    }
}

impl QuickTable {
    /// The quick keys of `records` under `linker`'s fields (weights not yet set), one row per
    /// entry of `order` (record indices).
    pub fn new(linker: &Linker, records: &[PreparedRecord], order: &[u32]) -> QuickTable {
        let mut table = QuickTable::empty(linker);
        let mut rows = Vec::with_capacity(order.len() * table.n);
        for &i in order {
            rows.extend(table.row_of(linker, &records[i as usize]));
        }
        table.rows = rows;
        table
    }

    /// A table without rows (weights not yet set), to fill slot by slot (the live index).
    pub fn empty(linker: &Linker) -> QuickTable {
        let fields: Vec<(usize, QuickKind)> = linker
            .comparators
            .iter()
            .enumerate()
            .map(|(f, c)| (f, kind_of(c.kind)))
            .filter(|(_, k)| *k != QuickKind::Skip)
            .collect();
        let districts = crate::places::district_count();
        let mut relation = vec![4u8; districts * districts];
        for a in 0..districts {
            for b in 0..districts {
                use crate::places::{district_relation, DistrictRelation};
                relation[a * districts + b] = match district_relation(a as u16, b as u16) {
                    DistrictRelation::Same => 1,
                    DistrictRelation::Parent => 2,
                    DistrictRelation::Neighbour => 3,
                    DistrictRelation::Different => 4,
                };
            }
        }
        QuickTable {
            bands: fields
                .iter()
                .map(|&(f, _)| linker.comparators[f].bands.clone())
                .collect(),
            n: fields.len(),
            fields,
            rows: Vec::new(),
            weights: Vec::new(),
            relation,
            districts,
        }
    }

    /// Write record `r`'s keys as row `slot`, growing the table as needed.
    pub fn put_row(&mut self, slot: usize, linker: &Linker, r: &PreparedRecord) {
        let n = self.n;
        if self.rows.len() < (slot + 1) * n {
            self.rows.resize((slot + 1) * n, 0);
        }
        let row: Vec<u32> = self.row_of(linker, r).collect();
        self.rows[slot * n..(slot + 1) * n].copy_from_slice(&row);
    }

    /// The quick keys of `records`, row after row (for the querying side).
    pub fn rows_of(&self, linker: &Linker, records: &[PreparedRecord]) -> Vec<u32> {
        let mut rows = Vec::with_capacity(records.len() * self.n);
        for r in records {
            rows.extend(self.row_of(linker, r));
        }
        rows
    }

    fn row_of<'a>(
        &'a self,
        linker: &'a Linker,
        r: &'a PreparedRecord,
    ) -> impl Iterator<Item = u32> + 'a {
        self.fields
            .iter()
            .map(move |&(f, _)| key(linker.comparators[f].kind, &r.fields[f]))
    }

    /// Number of keys per row.
    pub fn width(&self) -> usize {
        self.n
    }

    /// Take the level weights of a trained (or starting) model.
    pub fn set_weights(&mut self, linker: &Linker, model: &Model) {
        let scorer = model.scorer();
        self.weights = self
            .fields
            .iter()
            .map(|&(f, _)| {
                let c = &linker.comparators[f];
                let w = &scorer.weights[f];
                let last = w.len() - 1;
                match kind_of(c.kind) {
                    QuickKind::Equal => {
                        // Agreeing first words: the level that says "the same name"
                        // (sounds alike for names, same core for villages), else exact.
                        let agree = c
                            .labels()
                            .iter()
                            .position(|l| {
                                l == "sounds alike or nickname"
                                    || l == "same name, other qualifiers"
                            })
                            .unwrap_or(1);
                        vec![w[agree] as f32, w[last] as f32]
                    }
                    QuickKind::Age | QuickKind::District => w.iter().map(|&x| x as f32).collect(),
                    QuickKind::Skip => vec![0.0, 0.0],
                }
            })
            .collect();
    }

    /// Whether weights have been set.
    pub fn is_ready(&self) -> bool {
        !self.weights.is_empty()
    }

    /// The quick score of querying keys `q` against indexed record `j`.
    #[inline]
    pub fn score(&self, q: &[u32], j: usize) -> f32 {
        let row = &self.rows[j * self.n..(j + 1) * self.n];
        let mut s = 0.0;
        for (k, (&a, &b)) in q.iter().zip(row).enumerate() {
            if a == 0 || b == 0 {
                continue;
            }
            let w = &self.weights[k];
            let level = match self.fields[k].1 {
                QuickKind::Equal => usize::from(a != b),
                QuickKind::Age => {
                    crate::compare::age_level(a as i32 - 1, b as i32 - 1, &self.bands[k])
                        .unwrap_or(w.len() - 1)
                }
                QuickKind::District => {
                    let (x, y) = ((a - 1) as usize, (b - 1) as usize);
                    if x < self.districts && y < self.districts {
                        usize::from(self.relation[x * self.districts + y])
                    } else if a == b {
                        1
                    } else {
                        w.len() - 1
                    }
                }
                QuickKind::Skip => continue,
            };
            s += w.get(level).copied().unwrap_or(0.0);
        }
        s
    }
}
