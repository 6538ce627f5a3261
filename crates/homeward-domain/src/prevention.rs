//! The rules of prevention work: how a home visit or a checkpoint log is scored against its
//! checklist (domain.md §8), which answers are red flags, and how often a household is visited
//! for its risk. The small-count suppression every statistical output obeys (§3, §9) lives in
//! `homeward-reports`.
//!
//! Weights, thresholds and visit intervals are settings (the sources give the indicators but
//! no weights); the red flags are fixed because the programme's own rules name them.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalogue::prevention::{CHECKPOINT_ITEM_NAMES, HOME_VISIT_ITEM_NAMES};
use crate::validate::Document;

/// Home-visit answers that call for action whatever the score: someone offered to take the
/// child away, or the child is away and the family does not know where.
pub const HOME_VISIT_RED_FLAGS: &[&str] =
    &["hv_offer_to_take_child", "hv_child_whereabouts_unknown"];

/// Checkpoint answers that call for action whatever the score: an adult says they "found" the
/// child.
pub const CHECKPOINT_RED_FLAGS: &[&str] = &["cp_adult_found_child"];

/// Weights, thresholds and visit intervals (`[prevention]` in homeward.toml).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PreventionSettings {
    /// Weight of each home-visit checklist item answered `yes`.
    pub home_visit_weights: BTreeMap<String, u32>,
    /// A visit scoring at least this is high risk.
    pub home_visit_high: u32,
    /// A visit scoring at least this is medium risk.
    pub home_visit_medium: u32,
    /// Weight of each checkpoint checklist item answered `yes`.
    pub checkpoint_weights: BTreeMap<String, u32>,
    /// A checkpoint log scoring at least this alerts the officer.
    pub checkpoint_alert: u32,
    /// Match probability from which a child at a checkpoint is reported as possibly a child
    /// registered or sought: lower than for proposing a match, because missing a child being
    /// moved costs more than a phone call to check.
    pub screening_threshold: f64,
    /// Share of the children logged at checkpoints who are sought by a tracing request: the
    /// prior from which screening weighs a logged child against the children sought (the
    /// linking model's own prior is that of a request and a registered child, far lower).
    pub screening_sought_share: f64,
    /// Match probability from which an accompanying adult is reported as possibly a person on
    /// the watch list.
    pub watch_list_threshold: f64,
    /// Days between visits to a high-risk household.
    pub visit_days_high: i64,
    /// Days between visits to a medium-risk household.
    pub visit_days_medium: i64,
    /// Days between visits to a low-risk household.
    pub visit_days_low: i64,
}

impl Default for PreventionSettings {
    fn default() -> Self {
        let weights = |names: &[&str], heavy: &[(&str, u32)]| {
            names
                .iter()
                .map(|n| {
                    let w = heavy.iter().find(|(h, _)| h == n).map_or(2, |(_, w)| *w);
                    (n.to_string(), w)
                })
                .collect()
        };
        Self {
            home_visit_weights: weights(
                HOME_VISIT_ITEM_NAMES,
                &[
                    ("hv_offer_to_take_child", 5),
                    ("hv_payment_offered", 4),
                    ("hv_child_whereabouts_unknown", 5),
                    ("hv_child_entrusted_or_migrated", 4),
                    ("hv_online_recruiter_contact", 3),
                ],
            ),
            home_visit_high: 8,
            home_visit_medium: 4,
            checkpoint_weights: weights(
                CHECKPOINT_ITEM_NAMES,
                &[
                    ("cp_no_guardian_or_non_relative", 3),
                    ("cp_family_unaware_or_no_contact", 4),
                    ("cp_pay_or_debt_suspicious", 4),
                    ("cp_documents_missing_or_held", 3),
                    ("cp_adult_found_child", 5),
                ],
            ),
            checkpoint_alert: 6,
            screening_threshold: 0.2,
            screening_sought_share: 0.05,
            watch_list_threshold: 0.3,
            visit_days_high: 7,
            visit_days_medium: 30,
            visit_days_low: 90,
        }
    }
}

impl PreventionSettings {
    /// Refuses weights for items no checklist has (a typo would silently weigh nothing) and
    /// thresholds outside their range.
    pub fn check(&self) -> Result<(), String> {
        for (table, items, weights) in [
            (
                "home_visit_weights",
                HOME_VISIT_ITEM_NAMES,
                &self.home_visit_weights,
            ),
            (
                "checkpoint_weights",
                CHECKPOINT_ITEM_NAMES,
                &self.checkpoint_weights,
            ),
        ] {
            if let Some(unknown) = weights.keys().find(|k| !items.contains(&k.as_str())) {
                return Err(format!(
                    "[prevention] {table} names `{unknown}`, which is not a checklist item; the items are: {}",
                    items.join(", ")
                ));
            }
        }
        for (name, value) in [
            ("screening_threshold", self.screening_threshold),
            ("screening_sought_share", self.screening_sought_share),
            ("watch_list_threshold", self.watch_list_threshold),
        ] {
            if !(0.01..=1.0).contains(&value) {
                return Err(format!(
                    "[prevention] {name} must be between 0.01 and 1, not {value}"
                ));
            }
        }
        if self.home_visit_medium > self.home_visit_high {
            return Err("[prevention] home_visit_medium must not exceed home_visit_high".into());
        }
        Ok(())
    }
}

/// What a checklist added up to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskScore {
    /// Sum of the weights of the items answered `yes`.
    pub score: u32,
    /// The items answered `yes`, in checklist order.
    pub items: Vec<&'static str>,
    /// Red-flag items answered `yes`.
    pub red_flags: Vec<&'static str>,
}

impl RiskScore {
    /// The fields Homeward records on the scored record itself.
    pub fn as_fields(&self) -> Document {
        let mut d = Document::new();
        d.insert("risk_score".into(), Value::from(self.score));
        d.insert(
            "risk_items".into(),
            Value::Array(self.items.iter().map(|i| Value::from(*i)).collect()),
        );
        d
    }
}

fn score(
    doc: &Document,
    items: &[&'static str],
    weights: &BTreeMap<String, u32>,
    red: &[&str],
) -> RiskScore {
    let yes: Vec<&'static str> = items
        .iter()
        .copied()
        .filter(|i| doc.get(*i).and_then(Value::as_str) == Some("yes"))
        .collect();
    RiskScore {
        score: yes
            .iter()
            .map(|i| weights.get(*i).copied().unwrap_or(0))
            .sum(),
        red_flags: yes.iter().copied().filter(|i| red.contains(i)).collect(),
        items: yes,
    }
}

/// Scores a home visit against the §8(a) checklist.
pub fn score_home_visit(doc: &Document, s: &PreventionSettings) -> RiskScore {
    score(
        doc,
        HOME_VISIT_ITEM_NAMES,
        &s.home_visit_weights,
        HOME_VISIT_RED_FLAGS,
    )
}

/// Scores a checkpoint log against the §8(b) checklist.
pub fn score_checkpoint(doc: &Document, s: &PreventionSettings) -> RiskScore {
    score(
        doc,
        CHECKPOINT_ITEM_NAMES,
        &s.checkpoint_weights,
        CHECKPOINT_RED_FLAGS,
    )
}

/// The household's risk level after a visit: a red flag makes it high whatever the score.
pub fn household_risk(visit: &RiskScore, s: &PreventionSettings) -> &'static str {
    if !visit.red_flags.is_empty() || visit.score >= s.home_visit_high {
        "high"
    } else if visit.score >= s.home_visit_medium {
        "medium"
    } else {
        "low"
    }
}

/// When the household is next visited, for its risk level.
pub fn next_visit(risk_level: &str, visited: NaiveDate, s: &PreventionSettings) -> NaiveDate {
    let days = match risk_level {
        "low" => s.visit_days_low,
        "medium" => s.visit_days_medium,
        _ => s.visit_days_high,
    };
    visited + Duration::days(days)
}

/// Whether a checkpoint score calls for the officer's attention.
pub fn checkpoint_needs_attention(score: &RiskScore, s: &PreventionSettings) -> bool {
    !score.red_flags.is_empty() || score.score >= s.checkpoint_alert
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{FieldKind, RecordKind};
    use proptest::prelude::*;
    use serde_json::json;

    fn doc(v: Value) -> Document {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn every_checklist_item_is_a_yes_no_unknown_field_with_a_note_and_a_weight() {
        let s = PreventionSettings::default();
        for (kind, items, weights) in [
            (
                RecordKind::HomeVisit,
                HOME_VISIT_ITEM_NAMES,
                &s.home_visit_weights,
            ),
            (
                RecordKind::CheckpointLog,
                CHECKPOINT_ITEM_NAMES,
                &s.checkpoint_weights,
            ),
        ] {
            for item in items {
                let spec = kind.field(item).expect("checklist item in the catalogue");
                assert!(matches!(spec.kind, FieldKind::Choice(c) if c == ["yes", "no", "unknown"]));
                assert!(kind
                    .field(&format!("{item}_note"))
                    .is_some_and(|n| n.is_personal()));
                assert!(weights.contains_key(*item));
            }
        }
    }

    #[test]
    fn a_red_flag_makes_the_household_high_risk_whatever_the_score() {
        let s = PreventionSettings::default();
        let v = score_home_visit(&doc(json!({"hv_child_whereabouts_unknown": "yes"})), &s);
        assert_eq!(v.red_flags, vec!["hv_child_whereabouts_unknown"]);
        assert!(v.score < s.home_visit_high);
        assert_eq!(household_risk(&v, &s), "high");
        let calm = score_home_visit(
            &doc(json!({"hv_school_dropout": "no", "hv_no_documents": "unknown"})),
            &s,
        );
        assert_eq!(calm.score, 0);
        assert_eq!(household_risk(&calm, &s), "low");
    }

    #[test]
    fn the_score_names_the_items_that_made_it() {
        let s = PreventionSettings::default();
        let v = score_home_visit(
            &doc(
                json!({"hv_payment_offered": "yes", "hv_school_dropout": "yes", "hv_no_documents": "no"}),
            ),
            &s,
        );
        assert_eq!(v.items, vec!["hv_payment_offered", "hv_school_dropout"]);
        assert_eq!(v.score, 6);
        assert_eq!(household_risk(&v, &s), "medium");
        assert_eq!(
            next_visit("medium", NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), &s),
            NaiveDate::from_ymd_opt(2026, 1, 31).unwrap()
        );
    }

    proptest! {
        #[test]
        fn answering_yes_never_lowers_a_score(answers in proptest::collection::vec(prop::sample::select(vec!["yes", "no", "unknown"]), 9), flip in 0usize..9) {
            let s = PreventionSettings::default();
            let mut d = Document::new();
            for (item, a) in CHECKPOINT_ITEM_NAMES.iter().zip(&answers) {
                d.insert(item.to_string(), json!(a));
            }
            let before = score_checkpoint(&d, &s);
            d.insert(CHECKPOINT_ITEM_NAMES[flip].to_string(), json!("yes"));
            let after = score_checkpoint(&d, &s);
            prop_assert!(after.score >= before.score);
            prop_assert!(checkpoint_needs_attention(&after, &s) || !checkpoint_needs_attention(&before, &s));
        }
    }
}
