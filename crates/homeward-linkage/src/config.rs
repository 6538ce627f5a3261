//! The link configuration (`LINK.toml`): which column holds the record id, which fields are
//! compared and how, the blocking rules, the match threshold and the training settings. It also
//! owns the built-in profiles (`tracing`, `duplicates`), which are ordinary LINK.toml files
//! compiled into the binary so that they double as documented examples.
//!
//! ```toml
//! id_column = "id"
//! threshold = 0.5
//! max_block_size = 5000        # optional: skip blocking keys shared by more records
//! max_near_records = 2500      # optional: near(...) searches neighbours while blocks stay within
//! max_candidates = 64          # optional: per record, keep the candidates sharing most keys
//! tf_group = "district"        # optional: name frequencies per district as well as overall
//!
//! [[field]]
//! name = "name_first"          # also the CSV column unless `column` is given
//! comparator = "name"          # exact | name | text | phrase | edit | age | date | days | sex | district | village
//! tf = true                    # term-frequency adjustment of the exact level
//! swap_with = "name_last"      # name only: notice first/last name swapped
//! pet_name = "name_nickname"   # name only: the given name may be the other's pet name
//! relative = false             # name only: true for a parent's name (no hint of the person's sex)
//! jw = [0.92, 0.8]             # name/text: Jaro-Winkler thresholds
//!
//! [[field]]
//! name = "age"
//! column = "child_age"         # read from another CSV column
//! comparator = "age"
//! bands = [1, 3]               # age: ± years; days: ± days (edit fields take `distances = [1, 2]`)
//!
//! [[blocking]]
//! on = ["phonetic(name_first)", "year(date_of_birth)"]
//!
//! [[blocking]]                 # cross-field: one record's pet name, the other's given name
//! on = ["phonetic1(name_nickname)", "district"]
//! right_on = ["phonetic1(name_first)", "district"]   # (checked both ways)
//!
//! [training]                   # optional; these are the defaults
//! u_pairs = 200000             # random pairs compared to learn u
//! em_pairs = 4000000          # at most ~this many candidates train EM (a sample of requests)
//! seed = 42                    # same data + same seed = same model
//! em_iterations = 40
//! knowledge_per_match = 1.0    # [kin] models: weight of field knowledge beside the data in EM
//! knowledge_min_pairs = 500.0
//! # prior = 0.0002             # fix λ instead of estimating it
//! ```
//! Blocking key parts: `field` or `exact(field)`, `phonetic(field)`, `phonetic1(field)` and
//! `dm(field)` (the phonetic keys of all words / of the first word / Double Metaphone of the
//! first word, for `name` fields; other
//! fields use their exact value), `first3(field)` (any `firstN`), `year(field)`, and
//! `anyorder(field_a, field_b)` (the two values as a set, catching swapped names) and
//! `near(district)` (the district, and on the querying side its neighbours, parent and children).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::compare::Kind;
use crate::error::LinkError;

/// A whole link configuration.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkConfig {
    /// Column holding each record's unique id.
    pub id_column: String,
    /// Default match-probability threshold for output (the CLI `--threshold` overrides it).
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    /// Compared fields, in output/explanation order.
    #[serde(rename = "field")]
    pub fields: Vec<FieldConfig>,
    /// Blocking rules; a pair is a candidate when any rule's key agrees.
    #[serde(rename = "blocking", default)]
    pub blocking: Vec<BlockingRuleConfig>,
    /// Blocks (records sharing one key) larger than this are skipped: such a key says little
    /// and would make the candidate set explode. `None`: no limit (batch linking).
    #[serde(default)]
    pub max_block_size: Option<usize>,
    /// For rules with a `near(...)` part: after the record's own district's block, the
    /// neighbouring districts' blocks are searched only while all of them together hold at
    /// most this many records. `None`: `max_block_size`.
    #[serde(default)]
    pub max_near_records: Option<usize>,
    /// A field (a district) within whose records value frequencies are counted for the
    /// term-frequency adjustment, as well as over all records.
    #[serde(default)]
    pub tf_group: Option<String>,
    /// At most this many candidates per querying record, those that share the most (and the
    /// rarest) blocking keys with it. `None`: every candidate (FEBRL-size batches).
    #[serde(default)]
    pub max_candidates: Option<usize>,
    /// Training settings.
    #[serde(default)]
    pub training: TrainingConfig,
    /// The sibling-aware non-match model (see [`crate::kin`]); absent: two classes only.
    #[serde(default)]
    pub kin: Option<KinConfig>,
    /// Linking only: each LEFT record (a tracing request) seeks one child, so its candidates
    /// compete for it (see [`crate::compete`]), except candidates that are duplicates of one
    /// another.
    #[serde(default)]
    pub one_match_per_left: bool,
    /// Deduplication only: a child has one record or a few, so a pair competes with the
    /// other candidates of both its records (see [`crate::compete`]), except candidates that
    /// may be records of the same child themselves.
    #[serde(default)]
    pub one_child_per_record: bool,
}

/// `[kin]`: which fields describe the family rather than the child, so that a brother, sister,
/// twin or cousin (who agrees on all of them) is told apart from the child by the other fields.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KinConfig {
    /// Fields a relative shares with the child (family name, parents, village, district,
    /// separation event). Every other field is child-specific evidence.
    pub family: Vec<String>,
    /// Fields whose exact agreement on both marks two records of one list as one household;
    /// such pairs teach the model how relatives differ.
    pub household: Vec<String>,
    /// Expected relatives of a sought child among its candidates, per true match.
    #[serde(default = "default_relatives")]
    pub relatives: f64,
    /// Fields that unrelated children caught up in the same event share with the child
    /// (district, separation place and date, village, language): agreement there is weighed
    /// against the crowd of that event (see [`crate::neighbours`]). Empty: no such class.
    #[serde(default)]
    pub neighbours: Vec<String>,
}

fn default_relatives() -> f64 {
    2.0
}

fn default_threshold() -> f64 {
    0.5
}

/// How one field is compared.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldConfig {
    /// Field name (used in explanations and blocking rules).
    pub name: String,
    /// CSV column; defaults to `name`.
    #[serde(default)]
    pub column: Option<String>,
    /// Comparator kind.
    pub comparator: Kind,
    /// Term-frequency adjustment of the exact level.
    #[serde(default)]
    pub tf: bool,
    /// Name fields: the other name field to check for a swap (first/last name reversed).
    #[serde(default)]
    pub swap_with: Option<String>,
    /// Name fields: the pet-name field of the other record to compare this one with (a child's
    /// pet name written as its given name).
    #[serde(default)]
    pub pet_name: Option<String>,
    /// Name fields: the name of a relative (mother, father), not of the person, so its
    /// honorifics say nothing about the person's sex.
    #[serde(default)]
    pub relative: bool,
    /// Jaro–Winkler thresholds (name, text).
    #[serde(default)]
    pub jw: Option<Vec<f64>>,
    /// Edit-distance thresholds (edit).
    #[serde(default)]
    pub distances: Option<Vec<u32>>,
    /// Age bands in years (age).
    #[serde(default)]
    pub bands: Option<Vec<i32>>,
}

impl FieldConfig {
    /// The CSV column this field reads.
    pub fn column(&self) -> &str {
        self.column.as_deref().unwrap_or(&self.name)
    }
}

/// One blocking rule: the parts of its key.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockingRuleConfig {
    pub on: Vec<String>,
    /// Cross-field rule: the other record's key parts, compared with `on` both ways (a child's
    /// pet name on one form is its given name on the other).
    #[serde(default)]
    pub right_on: Option<Vec<String>>,
}

/// Training settings; the defaults suit files from a few hundred to a few million records.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingConfig {
    /// Random pairs sampled to learn u (how often non-matches agree by chance).
    #[serde(default = "default_u_pairs")]
    pub u_pairs: usize,
    /// Seed of the random sampler: the same data and seed give the same model.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Maximum EM iterations.
    #[serde(default = "default_em_iterations")]
    pub em_iterations: usize,
    /// Fixed prior probability that two random records match (skips its estimation).
    #[serde(default)]
    pub prior: Option<f64>,
    /// At most about this many candidate pairs train m and λ by EM; a larger run trains on the
    /// candidates of a seeded random sample of its querying records, which estimates the
    /// candidates' agreement patterns without bias at a fraction of the cost.
    #[serde(default = "default_em_pairs")]
    pub em_pairs: usize,
    /// Sibling-aware models: field knowledge weighs as this many pseudo-pairs per pair EM
    /// counts as a match, and at least `knowledge_min_pairs`. Lower lets the data refine
    /// more; a list with few true pairs (duplicates) needs more.
    #[serde(default = "default_knowledge_per_match")]
    pub knowledge_per_match: f64,
    #[serde(default = "default_knowledge_min_pairs")]
    pub knowledge_min_pairs: f64,
}

fn default_knowledge_per_match() -> f64 {
    1.0
}
fn default_knowledge_min_pairs() -> f64 {
    500.0
}

fn default_u_pairs() -> usize {
    200_000
}
fn default_seed() -> u64 {
    42
}
fn default_em_iterations() -> usize {
    40
}
fn default_em_pairs() -> usize {
    4_000_000
}

impl Default for TrainingConfig {
    fn default() -> Self {
        TrainingConfig {
            u_pairs: default_u_pairs(),
            seed: default_seed(),
            em_iterations: default_em_iterations(),
            em_pairs: default_em_pairs(),
            prior: None,
            knowledge_per_match: default_knowledge_per_match(),
            knowledge_min_pairs: default_knowledge_min_pairs(),
        }
    }
}

/// Names of the built-in profiles.
pub const PROFILES: &[&str] = &["tracing", "duplicates"];

const TRACING: &str = include_str!("profiles/tracing.toml");
const DUPLICATES: &str = include_str!("profiles/duplicates.toml");

impl LinkConfig {
    /// Parse a LINK.toml text; `origin` names it in error messages.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, LinkError> {
        let cfg: LinkConfig = toml::from_str(text).map_err(|e| LinkError::Config {
            origin: origin.to_owned(),
            message: e.to_string(),
        })?;
        cfg.validate(origin)?;
        Ok(cfg)
    }

    /// Read and parse a LINK.toml file.
    pub fn from_file(path: &Path) -> Result<Self, LinkError> {
        let text = std::fs::read_to_string(path).map_err(|source| LinkError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// A built-in profile by name (`tracing`, `duplicates`).
    pub fn profile(name: &str) -> Result<Self, LinkError> {
        let text = match name {
            "tracing" => TRACING,
            "duplicates" => DUPLICATES,
            _ => return Err(LinkError::UnknownProfile(name.to_owned())),
        };
        Self::from_toml(text, &format!("built-in profile `{name}`"))
    }

    /// Check names and limits so later stages can index without failing.
    pub fn validate(&self, origin: &str) -> Result<(), LinkError> {
        let err = |message: String| LinkError::Config {
            origin: origin.to_owned(),
            message,
        };
        if self.fields.is_empty() {
            return Err(err(
                "no [[field]] is defined; add at least one field to compare".into(),
            ));
        }
        if self.fields.len() > 16 {
            return Err(err(format!(
                "{} fields defined; at most 16 are supported",
                self.fields.len()
            )));
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(err(format!(
                "threshold {} is not a probability between 0 and 1",
                self.threshold
            )));
        }
        for (i, f) in self.fields.iter().enumerate() {
            if self.fields[..i].iter().any(|g| g.name == f.name) {
                return Err(err(format!("field `{}` is defined twice", f.name)));
            }
            if let Some(s) = &f.swap_with {
                if f.comparator != Kind::Name || !self.fields.iter().any(|g| &g.name == s) {
                    return Err(err(format!(
                        "field `{}`: swap_with = `{s}` needs a name comparator and an existing field",
                        f.name
                    )));
                }
            }
            if let Some(s) = &f.pet_name {
                if f.comparator != Kind::Name || !self.fields.iter().any(|g| &g.name == s) {
                    return Err(err(format!(
                        "field `{}`: pet_name = `{s}` needs a name comparator and an existing field",
                        f.name
                    )));
                }
            }
            if f.jw
                .as_ref()
                .is_some_and(|v| v.len() > 3 || v.iter().any(|t| !(0.0..=1.0).contains(t)))
            {
                return Err(err(format!(
                    "field `{}`: jw needs up to 3 thresholds between 0 and 1",
                    f.name
                )));
            }
            if f.distances.as_ref().is_some_and(|v| v.len() > 4)
                || f.bands.as_ref().is_some_and(|v| v.len() > 4)
            {
                return Err(err(format!(
                    "field `{}`: at most 4 distances/bands",
                    f.name
                )));
            }
        }
        for rule in &self.blocking {
            if rule.on.is_empty() {
                return Err(err("a [[blocking]] rule has an empty `on` list".into()));
            }
            for part in rule.on.iter().chain(rule.right_on.iter().flatten()) {
                crate::blocking::KeyPart::parse(part, self).map_err(err)?;
            }
            if rule
                .right_on
                .as_ref()
                .is_some_and(|r| r.len() != rule.on.len())
            {
                return Err(err(format!(
                    "a [[blocking]] rule's right_on has {} parts and on has {}; give both the same number",
                    rule.right_on.as_ref().map_or(0, Vec::len),
                    rule.on.len()
                )));
            }
        }
        if let Some(g) = &self.tf_group {
            if !self.fields.iter().any(|f| &f.name == g) {
                return Err(err(format!(
                    "tf_group names `{g}`, which is not a [[field]]; name a defined field (e.g. district)"
                )));
            }
        }
        if let Some(kin) = &self.kin {
            for name in kin
                .family
                .iter()
                .chain(&kin.household)
                .chain(&kin.neighbours)
            {
                if !self.fields.iter().any(|f| &f.name == name) {
                    return Err(err(format!(
                        "[kin] names `{name}`, which is not a [[field]]; list defined fields only"
                    )));
                }
            }
            if kin.household.is_empty() {
                return Err(err(
                    "[kin] household is empty; name the fields that mark one household (e.g. mother_name, father_name)".into(),
                ));
            }
            if !(kin.relatives > 0.0 && kin.relatives.is_finite()) {
                return Err(err(format!(
                    "[kin] relatives = {} must be a positive number",
                    kin.relatives
                )));
            }
        }
        if let Some(p) = self.training.prior {
            if !(p > 0.0 && p < 1.0) {
                return Err(err(format!(
                    "training.prior {p} must be strictly between 0 and 1"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_parse() {
        for p in PROFILES {
            let cfg = LinkConfig::profile(p);
            assert!(cfg.is_ok(), "{p}: {cfg:?}");
        }
        assert!(matches!(
            LinkConfig::profile("nope"),
            Err(LinkError::UnknownProfile(_))
        ));
    }

    #[test]
    fn config_errors_name_the_problem() {
        let bad = "id_column = \"id\"\n[[field]]\nname = \"a\"\ncomparator = \"fuzzy\"\n";
        let e = LinkConfig::from_toml(bad, "LINK.toml")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("LINK.toml") && e.contains("fuzzy"), "{e}");
        let bad = "id_column = \"id\"\n[[field]]\nname = \"a\"\ncomparator = \"exact\"\n[[blocking]]\non = [\"phonetic(b)\"]\n";
        let e = LinkConfig::from_toml(bad, "LINK.toml")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("`b`"), "{e}");
    }
}
