//! Quick pre-scoring of gathered candidates. On 200,000 records a common given name in a
//! district gathers hundreds of namesakes per tracing request; comparing each of them field by
//! field (Jaro–Winkler, phonetic sets, villages) would take minutes. Each record instead gets a
//! compact row of *quick keys* (one `u64` per field, in one contiguous table): a name's
//! consonant skeleton (vowels are where transliterations disagree), a village's core name,
//! the district, the age, the sex. A candidate's quick score sums the model's weight of the
//! level those keys imply (agreeing names score as "sounds alike", differing ones as
//! "different", unless one record's pet name is the other's given name or the two names are
//! swapped); only the best few per request are then compared in full.

use crate::compare::{FieldValue, Kind};
use crate::linker::{Linker, PreparedRecord};
use crate::model::Model;

/// How a field's quick key compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QuickKind {
    /// Equal keys agree (names: first word's consonant skeleton; village: core name; sex).
    Equal,
    /// Ages in years, compared by the comparator's bands.
    Age,
    /// District ids, compared by the place table.
    District,
    /// Not pre-scored (dates, free text): costs more than it tells at this stage. An event's
    /// date in particular is shared by the sought child's brothers, sisters and neighbours:
    /// ranking by it keeps them and loses duplicates registered with another date.
    Skip,
}

/// One field's quick key: 16 bits, so that a row of eleven fields is 22 bytes and the rows of
/// the few districts one request searches (a few thousand records each) stay in the
/// processor's second-level cache. Two different names rarely share a key; when they do, one
/// candidate's pre-score is lifted, nothing more.
pub type QuickKey = u16;

/// The quick keys of a list of records and the weights of their levels.
#[derive(Clone, Debug, Default)]
pub struct QuickTable {
    /// The pre-scored fields (indices into the configuration's fields) and how they compare.
    fields: Vec<(usize, QuickKind)>,
    bands: Vec<Vec<i32>>,
    /// `rows[i * n + k]`: the `k`th pre-scored field's key of record `i` (0 = blank).
    rows: Vec<QuickKey>,
    n: usize,
    /// Per pre-scored field: weight when the keys agree, when they differ; per level for
    /// ages and districts.
    weights: Vec<Vec<f32>>,
    /// District relation levels, `relation[a * districts + b]`.
    relation: Vec<u8>,
    districts: usize,
    /// Per pre-scored field: the columns of its pet-name field and of the name it may be
    /// swapped with, when it has them; their levels' weights follow "agree" and "differ"
    /// in `weights`.
    cross: Vec<Cross>,
}

/// A name column's links to other columns: a pet name written as the given name, given and
/// family names swapped.
#[derive(Clone, Copy, Debug, Default)]
struct Cross {
    pet: Option<usize>,
    swap: Option<usize>,
    /// The given-name column whose swap check points here (the family name agrees when the
    /// two are swapped, as in [`Linker::gamma`]).
    swapped_by: Option<usize>,
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
fn key(kind: Kind, v: &FieldValue) -> QuickKey {
    if v.is_blank() {
        return 0;
    }
    // A 64-bit hash folded to 16 bits, never 0.
    let fold = |h: u64| {
        let h = h ^ (h >> 32);
        ((h ^ (h >> 16)) as QuickKey).max(1)
    };
    match kind {
        Kind::Name => fold(
            v.keys
                .as_ref()
                .and_then(|k| k.skeleton().first().copied())
                .unwrap_or(v.hash),
        ),
        Kind::Village => v.num.map_or(fold(v.hash), |n| fold(n as u64)),
        Kind::Age => v.num.map_or(0, |n| (n.clamp(0, 1000) as QuickKey) + 1),
        Kind::District => v.num.map_or(0, |n| (n.clamp(0, 60000) as QuickKey) + 1),
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
        let column = |f: Option<usize>| f.and_then(|f| fields.iter().position(|&(g, _)| g == f));
        let cross = fields
            .iter()
            .map(|&(f, _)| {
                let c = &linker.comparators[f];
                Cross {
                    pet: column(c.pet_name),
                    swap: column(c.swap_with),
                    swapped_by: column(
                        linker
                            .comparators
                            .iter()
                            .position(|other| other.swap_with == Some(f)),
                    ),
                }
            })
            .collect();
        QuickTable {
            cross,
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
        let row: Vec<QuickKey> = self.row_of(linker, r).collect();
        self.rows[slot * n..(slot + 1) * n].copy_from_slice(&row);
    }

    /// The quick keys of `records`, row after row (for the querying side).
    pub fn rows_of(&self, linker: &Linker, records: &[PreparedRecord]) -> Vec<QuickKey> {
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
    ) -> impl Iterator<Item = QuickKey> + 'a {
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
        // Per column, the level weights in the order `score` indexes them.
        self.weights = self
            .fields
            .iter()
            .map(|&(f, kind)| {
                let c = &linker.comparators[f];
                let w = &scorer.weights[f];
                let last = w.len() - 1;
                let level = |label: &str| {
                    c.labels()
                        .iter()
                        .position(|l| l == label)
                        .map_or(w[last], |i| w[i])
                };
                match kind {
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
                        vec![
                            w[agree] as f32,
                            w[last] as f32,
                            level("pet name on one side") as f32,
                            level("swapped with other name field") as f32,
                        ]
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
    pub fn score(&self, q: &[QuickKey], j: usize) -> f32 {
        let row = &self.rows[j * self.n..(j + 1) * self.n];
        let mut s = 0.0;
        for (k, (&a, &b)) in q.iter().zip(row).enumerate() {
            if a == 0 || b == 0 {
                continue;
            }
            let w = &self.weights[k];
            let level = match self.fields[k].1 {
                QuickKind::Equal if a == b => 0,
                QuickKind::Equal => self.cross_level(k, q, row),
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

    /// The level of differing name keys in column `k`: one record's pet name as the other's
    /// given name (2), given and family names swapped (3 in the given name's column, agreeing
    /// (0) in the family name's), or different (1).
    #[inline]
    fn cross_level(&self, k: usize, q: &[QuickKey], row: &[QuickKey]) -> usize {
        let Cross {
            pet,
            swap,
            swapped_by,
        } = self.cross[k];
        let same = |x: QuickKey, y: QuickKey| x != 0 && x == y;
        if let Some(p) = pet {
            if same(q[p], row[k]) || same(q[k], row[p]) {
                return 2;
            }
        }
        if let Some(o) = swap {
            if same(q[k], row[o]) && same(q[o], row[k]) {
                return 3;
            }
        }
        if let Some(o) = swapped_by {
            if same(q[k], row[o]) && same(q[o], row[k]) {
                return 0;
            }
        }
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LinkConfig;
    use crate::linker::Record;

    fn record(linker: &Linker, id: &str, fields: &[(&str, &str)]) -> PreparedRecord {
        let mut rec = Record::new(id.to_owned());
        for (k, v) in fields {
            rec = rec.with(*k, (*v).to_owned());
        }
        linker
            .prepare(&rec)
            .unwrap_or_else(|p| panic!("{}", p.expected))
    }

    #[test]
    fn a_pet_name_as_given_name_and_swapped_names_rank_above_a_stranger() {
        let cfg = LinkConfig::profile("tracing").unwrap_or_else(|e| panic!("{e}"));
        let linker = Linker::new(cfg).unwrap_or_else(|e| panic!("{e}"));
        let model = Model::start(&linker);
        let query = record(
            &linker,
            "q",
            &[
                ("name_first", "Monuj"),
                ("name_last", "Pegu"),
                ("name_nickname", "Tutu"),
            ],
        );
        let candidates = [
            record(
                &linker,
                "pet",
                &[("name_first", "Tutu"), ("name_last", "Pegu")],
            ),
            record(
                &linker,
                "swapped",
                &[("name_first", "Pegu"), ("name_last", "Monuj")],
            ),
            record(
                &linker,
                "stranger",
                &[("name_first", "Ramen"), ("name_last", "Pegu")],
            ),
        ];
        let mut table = QuickTable::new(&linker, &candidates, &[0, 1, 2]);
        table.set_weights(&linker, &model);
        let q = table.rows_of(&linker, std::slice::from_ref(&query));
        let (pet, swapped, stranger) = (table.score(&q, 0), table.score(&q, 1), table.score(&q, 2));
        assert!(pet > stranger, "{pet} {stranger}");
        assert!(swapped > stranger, "{swapped} {stranger}");
    }
}
