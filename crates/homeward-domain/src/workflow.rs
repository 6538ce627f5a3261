//! The rules of a child's case as it moves from identification to closure (domain.md §4, §6):
//! the stages and which step leads where, what a positive verification is (R2), the lock on
//! adoption and other permanent care (R3), the deadline clocks (R1), follow-up scheduling by
//! risk (R5) and the conditions on moving a child (R4).
//!
//! The figures the standards do not fix (the minimum tracing period, follow-up intervals,
//! deadline hours) are [`WorkflowSettings`] with the documented defaults, never constants.
//! Because the rules live here, no API call, import or sync can get round them.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Seen and reported, not yet registered.
    Identified,
    /// Registered with the full form.
    Registered,
    /// In a temporary care arrangement.
    InterimCare,
    /// The family is being looked for.
    Tracing,
    /// A family has been found and the relationship and wishes are being checked.
    Verification,
    /// The child has been returned to the family.
    Reunification,
    /// Visits after reunification or placement.
    FollowUp,
    /// Closed (with a closure reason).
    Closed,
    /// Tracing failed: long-term alternative care.
    LongTermCare,
}

/// A step from one stage to another; each is its own action with its own permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Identified → registered.
    Register,
    /// → interim care.
    PlaceInInterimCare,
    /// → tracing.
    StartTracing,
    /// Tracing → verification (a possible family was found).
    StartVerification,
    /// Verification → reunification; needs a positive verification and a supervisor's approval.
    Reunify,
    /// Reunification → follow-up.
    StartFollowUp,
    /// → closed.
    Close,
    /// → long-term alternative care.
    MoveToLongTermCare,
}

impl Stage {
    /// The stored name (as in the catalogue's `stage` choices).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identified => "identified",
            Self::Registered => "registered",
            Self::InterimCare => "interim_care",
            Self::Tracing => "tracing",
            Self::Verification => "verification",
            Self::Reunification => "reunification",
            Self::FollowUp => "follow_up",
            Self::Closed => "closed",
            Self::LongTermCare => "long_term_care",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        use Stage::*;
        [
            Identified,
            Registered,
            InterimCare,
            Tracing,
            Verification,
            Reunification,
            FollowUp,
            Closed,
            LongTermCare,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

impl Step {
    /// Every step.
    pub const ALL: [Step; 8] = [
        Step::Register,
        Step::PlaceInInterimCare,
        Step::StartTracing,
        Step::StartVerification,
        Step::Reunify,
        Step::StartFollowUp,
        Step::Close,
        Step::MoveToLongTermCare,
    ];

    /// The name used in URLs: `/cases/{key}/workflow/{step}`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::PlaceInInterimCare => "interim_care",
            Self::StartTracing => "start_tracing",
            Self::StartVerification => "start_verification",
            Self::Reunify => "reunify",
            Self::StartFollowUp => "start_follow_up",
            Self::Close => "close",
            Self::MoveToLongTermCare => "long_term_care",
        }
    }

    /// Parses the URL name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The stage the step leads to.
    pub fn target(self) -> Stage {
        match self {
            Self::Register => Stage::Registered,
            Self::PlaceInInterimCare => Stage::InterimCare,
            Self::StartTracing => Stage::Tracing,
            Self::StartVerification => Stage::Verification,
            Self::Reunify => Stage::Reunification,
            Self::StartFollowUp => Stage::FollowUp,
            Self::Close => Stage::Closed,
            Self::MoveToLongTermCare => Stage::LongTermCare,
        }
    }

    /// The stages the step may start from.
    pub fn sources(self) -> &'static [Stage] {
        use Stage::*;
        match self {
            Self::Register => &[Identified],
            Self::PlaceInInterimCare => &[Registered, Tracing, Verification],
            Self::StartTracing => &[Registered, InterimCare, Verification],
            Self::StartVerification => &[Tracing, InterimCare],
            Self::Reunify => &[Verification],
            Self::StartFollowUp => &[Reunification, LongTermCare],
            Self::Close => &[
                Identified,
                Registered,
                InterimCare,
                Tracing,
                Verification,
                Reunification,
                FollowUp,
                LongTermCare,
            ],
            Self::MoveToLongTermCare => &[Tracing, InterimCare, Verification],
        }
    }
}

/// Why a case was closed (Primero's closure reasons).
pub const CLOSURE_REASONS: &[&str] = &[
    "death_of_child",
    "formal_closing",
    "not_seen_during_verification",
    "repatriated",
    "transferred",
    "reunified_and_settled",
    "other",
];

/// What the verifying caseworker recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// Return the child to the adult.
    Reunification,
    /// Return with enhanced support.
    ReunificationWithSupport,
    /// Keep tracing.
    FurtherTracing,
    /// Long-term alternative care.
    LongTermAlternativeCare,
}

/// The child's own wish, recorded in their words where possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildWish {
    /// Wants to go.
    Yes,
    /// Refuses: respected and recorded.
    No,
    /// Unsure or too young to say.
    Unsure,
}

/// A verification record (domain.md §5.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The adult is willing to care for the child.
    pub adult_willing: bool,
    /// The adult is able to care for the child.
    pub adult_able: bool,
    /// The child knows the adult.
    pub child_knows_adult: bool,
    /// The child's wish.
    pub child_wishes: ChildWish,
    /// The adult's and the child's accounts agree.
    pub accounts_agree: bool,
    /// The recommendation.
    pub recommendation: Recommendation,
}

impl Verification {
    /// R2: reunification may follow only a verification that recommends it, where the adult is
    /// willing and able, the child knows the adult, the accounts agree, and the child has not
    /// refused.
    pub fn permits_reunification(&self) -> Result<(), WorkflowError> {
        let mut missing = Vec::new();
        if !matches!(
            self.recommendation,
            Recommendation::Reunification | Recommendation::ReunificationWithSupport
        ) {
            missing.push("the verification does not recommend reunification");
        }
        if self.child_wishes == ChildWish::No {
            missing.push("the child does not wish to go, and that wish is respected");
        }
        if !self.adult_willing || !self.adult_able {
            missing.push("the adult is not recorded as willing and able to care for the child");
        }
        if !self.child_knows_adult {
            missing.push("the child is not recorded as knowing the adult");
        }
        if !self.accounts_agree {
            missing.push("the adult's and the child's accounts do not agree");
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(WorkflowError::VerificationNotPositive(missing.join("; ")))
        }
    }
}

/// A rule that refused a step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The step cannot start from the current stage.
    #[error("a case at stage `{from:?}` cannot take the step `{step:?}`; it can be taken from: {allowed}")]
    WrongStage {
        /// Current stage.
        from: Stage,
        /// Requested step.
        step: Step,
        /// Stages it can start from.
        allowed: String,
    },
    /// R2.
    #[error("reunification needs a positive verification: {0}")]
    VerificationNotPositive(String),
    /// R2: a supervisor must approve.
    #[error("reunification needs a supervisor's approval recorded first")]
    ApprovalMissing,
    /// R3.
    #[error("{0}")]
    PermanentCareLocked(String),
    /// R4.
    #[error("moving a child out of the district or the country needs {0}")]
    MoveIncomplete(String),
    /// A written reason is required (overrides, closures).
    #[error("a written reason is required: {0}")]
    ReasonRequired(&'static str),
}

/// Checks that a step may start from a stage.
pub fn check_step(from: Stage, step: Step) -> Result<Stage, WorkflowError> {
    if step.sources().contains(&from) {
        Ok(step.target())
    } else {
        let allowed = step
            .sources()
            .iter()
            .map(|s| format!("{s:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(", ");
        Err(WorkflowError::WrongStage {
            from,
            step,
            allowed,
        })
    }
}

/// Figures the standards leave open ([U] in domain.md): settings with these defaults.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkflowSettings {
    /// R1: hours from identification to registration.
    pub registration_deadline_hours: i64,
    /// R1: hours from identification to the start of tracing.
    pub tracing_start_deadline_hours: i64,
    /// R3: minimum tracing period before permanent care, in days (default two years, unverified).
    pub minimum_tracing_days: i64,
    /// R5: follow-up intervals in days after reunification or placement, by risk level.
    pub followup_days_high: Vec<i64>,
    /// R5: medium risk.
    pub followup_days_medium: Vec<i64>,
    /// R5: low risk.
    pub followup_days_low: Vec<i64>,
}

impl Default for WorkflowSettings {
    fn default() -> Self {
        Self {
            registration_deadline_hours: 24,
            tracing_start_deadline_hours: 48,
            minimum_tracing_days: 730,
            followup_days_high: vec![7, 30, 90, 180],
            followup_days_medium: vec![14, 60, 180],
            followup_days_low: vec![30, 90],
        }
    }
}

/// R5: the follow-up dates owed after `from` for a risk level (unknown risk counts as high).
pub fn followup_schedule(
    settings: &WorkflowSettings,
    risk_level: Option<&str>,
    from: NaiveDate,
) -> Vec<NaiveDate> {
    let days = match risk_level {
        Some("low") => &settings.followup_days_low,
        Some("medium") => &settings.followup_days_medium,
        _ => &settings.followup_days_high,
    };
    days.iter().map(|d| from + Duration::days(*d)).collect()
}

/// R1: a deadline clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// `registration` or `tracing_start`.
    pub kind: &'static str,
    /// When it falls due.
    pub due: DateTime<Utc>,
    /// When it was met, if it was.
    pub met: Option<DateTime<Utc>>,
}

impl Deadline {
    /// Missed: not met by the due time, or met late.
    pub fn missed(&self, now: DateTime<Utc>) -> bool {
        match self.met {
            Some(m) => m > self.due,
            None => now > self.due,
        }
    }
}

/// R1: the registration and tracing-start clocks of a case identified at `identified`.
pub fn deadlines(
    settings: &WorkflowSettings,
    identified: DateTime<Utc>,
    registered: Option<DateTime<Utc>>,
    tracing_started: Option<DateTime<Utc>>,
) -> Vec<Deadline> {
    vec![
        Deadline {
            kind: "registration",
            due: identified + Duration::hours(settings.registration_deadline_hours),
            met: registered,
        },
        Deadline {
            kind: "tracing_start",
            due: identified + Duration::hours(settings.tracing_start_deadline_hours),
            met: tracing_started,
        },
    ]
}

/// What is known about a case when permanent care (adoption, kafala as permanent, long-term
/// placement) is requested.
#[derive(Debug, Clone)]
pub struct PermanentCareRequest<'a> {
    /// The emergency flag of the deployment or area.
    pub emergency_active: bool,
    /// When tracing started, if it did.
    pub tracing_started: Option<NaiveDate>,
    /// Whether tracing has closed as unsuccessful.
    pub tracing_unsuccessful: bool,
    /// Today.
    pub today: NaiveDate,
    /// A supervisor's written override, if any.
    pub override_reason: Option<&'a str>,
}

/// R3: refuses permanent care during an emergency or before the minimum tracing period has run
/// without success, unless a supervisor overrides with a written reason (which the caller must
/// audit). Returns whether an override was used.
pub fn check_permanent_care(
    settings: &WorkflowSettings,
    r: &PermanentCareRequest<'_>,
) -> Result<bool, WorkflowError> {
    let mut blocks = Vec::new();
    if r.emergency_active {
        blocks.push("the emergency flag is on: adoption and other permanent care are not arranged during an emergency".to_string());
    }
    match r.tracing_started {
        None => blocks.push("tracing has not started".to_string()),
        Some(start) => {
            let ran = (r.today - start).num_days();
            if ran < settings.minimum_tracing_days {
                blocks.push(format!(
                    "tracing has run {ran} days of the minimum {}",
                    settings.minimum_tracing_days
                ));
            }
        }
    }
    if !r.tracing_unsuccessful {
        blocks.push("tracing has not closed as unsuccessful".to_string());
    }
    if blocks.is_empty() {
        return Ok(false);
    }
    match r.override_reason.map(str::trim) {
        Some(reason) if reason.len() >= 20 => Ok(true),
        Some(_) => Err(WorkflowError::ReasonRequired("an override of the permanent-care lock needs a reason of at least 20 characters")),
        None => Err(WorkflowError::PermanentCareLocked(format!("permanent care cannot be recorded: {}; a supervisor may override with a written reason", blocks.join("; ")))),
    }
}

/// R4: a move of a child.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Move {
    /// `within_district`, `out_of_district` or `out_of_country`.
    pub scope: String,
    /// Why.
    pub purpose: Option<String>,
    /// The adult travelling with the child.
    pub accompanying_adult: Option<String>,
    /// Who authorised it.
    pub authorised_by: Option<String>,
}

/// R4: a move out of the district or country needs a purpose, an accompanying adult and an
/// authoriser.
pub fn check_move(m: &Move) -> Result<(), WorkflowError> {
    if m.scope == "within_district" {
        return Ok(());
    }
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    let mut missing = Vec::new();
    if blank(&m.purpose) {
        missing.push("a purpose");
    }
    if blank(&m.accompanying_adult) {
        missing.push("the accompanying adult");
    }
    if blank(&m.authorised_by) {
        missing.push("the person who authorised it");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(WorkflowError::MoveIncomplete(missing.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positive() -> Verification {
        Verification {
            adult_willing: true,
            adult_able: true,
            child_knows_adult: true,
            child_wishes: ChildWish::Yes,
            accounts_agree: true,
            recommendation: Recommendation::Reunification,
        }
    }

    #[test]
    fn the_case_path_runs_in_order_and_refuses_shortcuts() {
        let mut stage = Stage::Identified;
        for step in [
            Step::Register,
            Step::PlaceInInterimCare,
            Step::StartTracing,
            Step::StartVerification,
            Step::Reunify,
            Step::StartFollowUp,
            Step::Close,
        ] {
            stage = check_step(stage, step).unwrap();
        }
        assert_eq!(stage, Stage::Closed);
        let err = check_step(Stage::Registered, Step::Reunify).unwrap_err();
        assert!(err.to_string().contains("verification"));
    }

    #[test]
    fn a_childs_refusal_blocks_reunification() {
        assert!(positive().permits_reunification().is_ok());
        let refused = Verification {
            child_wishes: ChildWish::No,
            ..positive()
        };
        assert!(refused
            .permits_reunification()
            .unwrap_err()
            .to_string()
            .contains("does not wish"));
        let further = Verification {
            recommendation: Recommendation::FurtherTracing,
            ..positive()
        };
        assert!(further.permits_reunification().is_err());
    }

    #[test]
    fn permanent_care_is_locked_until_tracing_has_run_its_course() {
        let s = WorkflowSettings::default();
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let mut r = PermanentCareRequest {
            emergency_active: true,
            tracing_started: Some(today - Duration::days(100)),
            tracing_unsuccessful: false,
            today,
            override_reason: None,
        };
        let e = check_permanent_care(&s, &r).unwrap_err().to_string();
        assert!(e.contains("emergency") && e.contains("100 days of the minimum 730"));
        r.override_reason = Some("short");
        assert!(matches!(
            check_permanent_care(&s, &r),
            Err(WorkflowError::ReasonRequired(_))
        ));
        r.override_reason =
            Some("CWC order 12/2026: the child's safety requires a permanent placement now");
        assert_eq!(check_permanent_care(&s, &r), Ok(true));
        let done = PermanentCareRequest {
            emergency_active: false,
            tracing_started: Some(today - Duration::days(800)),
            tracing_unsuccessful: true,
            today,
            override_reason: None,
        };
        assert_eq!(check_permanent_care(&s, &done), Ok(false));
    }

    #[test]
    fn followups_follow_risk_and_deadlines_flag_lateness() {
        let s = WorkflowSettings::default();
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(
            followup_schedule(&s, Some("high"), d)[0],
            NaiveDate::from_ymd_opt(2026, 1, 8).unwrap()
        );
        assert_eq!(followup_schedule(&s, Some("low"), d).len(), 2);
        let t0 = DateTime::parse_from_rfc3339("2026-11-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let dl = deadlines(&s, t0, Some(t0 + Duration::hours(30)), None);
        assert!(dl[0].missed(t0 + Duration::hours(31)));
        assert!(!dl[1].missed(t0 + Duration::hours(47)));
        assert!(dl[1].missed(t0 + Duration::hours(49)));
    }

    #[test]
    fn moves_out_of_district_need_purpose_adult_and_authoriser() {
        let m = Move {
            scope: "out_of_district".into(),
            purpose: Some("medical care in Guwahati".into()),
            accompanying_adult: None,
            authorised_by: Some(" ".into()),
        };
        let e = check_move(&m).unwrap_err().to_string();
        assert!(e.contains("accompanying adult") && e.contains("authorised"));
        assert!(check_move(&Move {
            scope: "within_district".into(),
            purpose: None,
            accompanying_adult: None,
            authorised_by: None
        })
        .is_ok());
    }
}
