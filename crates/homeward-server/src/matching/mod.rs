//! Matches proposed as records arrive: after a case or tracing request is committed, the
//! matcher scores it against the other side and the proposals above the threshold are stored,
//! with an alert to the caseworkers in charge.
//!
//! The index is built once from the database (in the background at start-up) and kept current
//! from the change log ([`follow`]): the writes of this process, of other server processes on
//! the same database and of the command line alike. Work runs off the request path, so
//! registering a child never waits for matching; proposals are stored well within a second.

use std::sync::Arc;

use homeward_domain::{RecordId, RecordKind};
use homeward_matching::{Decision, Matcher, Proposal, TransitScreening};
use homeward_store::{
    DuplicateRow, MatchRow, NewDuplicate, NewProposal, Store, StoreError, StoredRecord,
};
use serde_json::{json, Value};
use tokio::sync::OnceCell;

mod follow;

/// Why matching failed (logged; never shown with personal data).
#[derive(Debug, thiserror::Error)]
pub enum MatchingError {
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The linkage engine.
    #[error("linkage: {0}")]
    Linkage(#[from] homeward_matching::LinkError),
    /// A background task died.
    #[error("matching task failed: {0}")]
    Task(String),
}

/// The matcher of this process and what it needs.
pub struct MatchService {
    store: Store,
    matcher: OnceCell<Arc<Matcher>>,
    threshold: f64,
    /// Records committed and waiting to be matched, oldest first. One worker drains it, so
    /// matching never races itself for the write lock or floods the pool under a burst of
    /// registrations, and a record changed twice while waiting is matched once.
    queue: std::sync::Mutex<Queue>,
    /// The change-log follower, once started: local writes then wake it instead of queueing
    /// their record themselves, so every change takes one path and is matched once.
    follower: OnceCell<Arc<follow::Follower>>,
}

#[derive(Default)]
struct Queue {
    pending: std::collections::VecDeque<(RecordKind, RecordId)>,
    worker_running: bool,
}

impl MatchService {
    /// A service whose index is built on first use.
    pub fn new(store: Store, threshold: f64) -> Arc<Self> {
        Arc::new(Self {
            store,
            matcher: OnceCell::new(),
            threshold,
            queue: std::sync::Mutex::new(Queue::default()),
            follower: OnceCell::new(),
        })
    }

    /// The default proposal threshold.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// The matcher, building the index from the database the first time.
    pub async fn matcher(&self) -> Result<Arc<Matcher>, MatchingError> {
        let m = self
            .matcher
            .get_or_try_init(|| async {
                let (cases, requests) = self.store.matching_snapshot().await?;
                let threshold = self.threshold;
                let built = tokio::task::spawn_blocking(move || {
                    Matcher::build(&cases, &requests, threshold)
                })
                .await
                .map_err(|e| MatchingError::Task(e.to_string()))??;
                let persons = self.store.persons_snapshot().await?;
                let built = tokio::task::spawn_blocking(move || {
                    for (id, doc) in &persons {
                        built.upsert_person(id, doc, 1.0)?;
                    }
                    Ok::<_, homeward_matching::LinkError>(built)
                })
                .await
                .map_err(|e| MatchingError::Task(e.to_string()))??;
                let (c, r) = built.sizes();
                tracing::info!(cases = c, children_sought = r, "matching index built");
                let built = Arc::new(built);
                self.learn(&built).await?;
                Ok::<_, MatchingError>(built)
            })
            .await?;
        Ok(m.clone())
    }

    /// Starts building the index in the background.
    pub fn warm_up(self: &Arc<Self>) {
        let me = self.clone();
        tokio::spawn(async move {
            if let Err(e) = me.matcher().await {
                tracing::error!(error = %e, "matching index could not be built");
            }
        });
    }

    /// Refines the model from every decision recorded so far.
    async fn learn(&self, matcher: &Arc<Matcher>) -> Result<usize, MatchingError> {
        let mut decisions = Vec::new();
        for (request, index, case, confirmed) in self.store.decided_matches().await? {
            let (Some(r), Some(c)) = (
                self.store.record_for_matching(&request).await?,
                self.store.record_for_matching(&case).await?,
            ) else {
                continue;
            };
            decisions.push(Decision {
                tracing_request: request,
                request: r.fields,
                sought_index: index as usize,
                case,
                case_fields: c.fields,
                confirmed,
            });
        }
        if decisions.is_empty() {
            return Ok(0);
        }
        let matcher = matcher.clone();
        let used = tokio::task::spawn_blocking(move || matcher.learn(&decisions))
            .await
            .map_err(|e| MatchingError::Task(e.to_string()))??;
        tracing::info!(decisions = used, "matching model refined from decisions");
        Ok(used)
    }

    /// Schedules learning from a decision just recorded.
    pub fn decision_recorded(self: &Arc<Self>) {
        let me = self.clone();
        tokio::spawn(async move {
            let result = match me.matcher().await {
                Ok(m) => me.learn(&m).await.map(|_| ()),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                tracing::error!(error = %e, "learning from a decision failed");
            }
        });
    }

    /// Schedules matching (and, for a case, the duplicate check) for a record just committed.
    /// With the change-log follower running, the follower picks the record up from the log.
    pub fn record_changed(self: &Arc<Self>, kind: RecordKind, id: RecordId) {
        if let Some(follower) = self.follower.get() {
            follower.wake();
            return;
        }
        self.enqueue(kind, id);
    }

    /// Queues a record for matching.
    fn enqueue(self: &Arc<Self>, kind: RecordKind, id: RecordId) {
        let start_worker = {
            let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            if !q.pending.contains(&(kind, id)) {
                q.pending.push_back((kind, id));
            }
            !std::mem::replace(&mut q.worker_running, true)
        };
        if start_worker {
            let me = self.clone();
            tokio::spawn(async move { me.drain().await });
        }
    }

    /// Waits (at most two seconds) until the records committed so far are indexed, so a
    /// screening sees a tracing request taken a moment ago.
    pub async fn settled(&self) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(2);
        if let Some(follower) = self.follower.get() {
            follower.caught_up(&self.store, deadline).await;
        }
        loop {
            let busy = {
                let q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                q.worker_running || !q.pending.is_empty()
            };
            if !busy || tokio::time::Instant::now() > deadline {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    /// Matches queued records one after another until the queue is empty.
    async fn drain(&self) {
        loop {
            let next = {
                let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                let next = q.pending.pop_front();
                if next.is_none() {
                    q.worker_running = false;
                }
                next
            };
            let Some((kind, id)) = next else { return };
            if let Err(e) = self.propose(kind, id, self.threshold).await {
                tracing::error!(error = %e, "matching a changed record failed");
            }
            if kind == RecordKind::Case {
                if let Err(e) = self.check_duplicates(id).await {
                    tracing::error!(error = %e, "the duplicate check failed");
                }
            }
        }
    }

    /// Indexes a person of concern and tells whoever recorded it of the profiles that may be
    /// the same person, so aliases are merged by hand rather than tracked twice.
    async fn check_person(
        &self,
        matcher: Arc<Matcher>,
        record: StoredRecord,
    ) -> Result<(), MatchingError> {
        let (id, doc, threshold) = (record.id, record.fields.clone(), self.threshold);
        let found =
            tokio::task::spawn_blocking(move || matcher.upsert_person(&id, &doc, threshold))
                .await
                .map_err(|e| MatchingError::Task(e.to_string()))??;
        for other in found {
            let Ok(other_id) = other.id.parse::<RecordId>() else {
                continue;
            };
            let Some(other_rec) = self.store.record_for_matching(&other_id).await? else {
                continue;
            };
            let (a, b) = (
                record.reference.to_string(),
                other_rec.reference.to_string(),
            );
            let key = if a < b {
                format!("person:{a}:{b}")
            } else {
                format!("person:{b}:{a}")
            };
            self.store
                .alert_once(
                    record.assigned_to.unwrap_or(record.owner_id),
                    "possible_duplicate_person",
                    Some(&record.id),
                    &key,
                    json!({"reference": a, "other_reference": b, "probability": other.probability}),
                )
                .await?;
        }
        Ok(())
    }

    /// Screens a checkpoint log against the registered children, the children sought and the
    /// watch list (read only: the log is not indexed).
    pub async fn screen_transit(
        &self,
        doc: &homeward_domain::Document,
        screening: homeward_matching::Screening,
    ) -> Result<TransitScreening, MatchingError> {
        let matcher = self.matcher().await?;
        self.settled().await;
        let doc = doc.clone();
        Ok(
            tokio::task::spawn_blocking(move || matcher.screen_transit(&doc, screening))
                .await
                .map_err(|e| MatchingError::Task(e.to_string()))??,
        )
    }

    /// Looks for other cases of the same child; stores and alerts new possible duplicates.
    pub async fn check_duplicates(&self, id: RecordId) -> Result<Vec<DuplicateRow>, MatchingError> {
        let matcher = self.matcher().await?;
        let Some(record) = self.store.record_for_matching(&id).await? else {
            return Ok(Vec::new());
        };
        if record.status == "duplicate" {
            return Ok(Vec::new());
        }
        let doc = record.fields.clone();
        let threshold = self.threshold;
        let found = tokio::task::spawn_blocking(move || {
            matcher.upsert_case_duplicates(&id, &doc, threshold)
        })
        .await
        .map_err(|e| MatchingError::Task(e.to_string()))??;
        let rows: Vec<NewDuplicate> = found
            .iter()
            .map(|d| NewDuplicate {
                case: d.case,
                other: d.other,
                probability: d.probability,
                weight: d.weight,
                explanation: serde_json::to_value(&d.explanation).unwrap_or(Value::Null),
            })
            .collect();
        let new = self.store.save_duplicates(&rows).await?;
        for d in &new {
            let detail = json!({"duplicate": d.id, "case_reference": record.reference.to_string(), "probability": d.probability});
            self.store
                .create_alert(
                    record.assigned_to.unwrap_or(record.owner_id),
                    "possible_duplicate",
                    Some(&record.id),
                    detail,
                )
                .await?;
        }
        Ok(new)
    }

    /// Keeps the indexes right after a merge or its undoing.
    pub async fn cases_merged(
        &self,
        survivor: RecordId,
        merged: RecordId,
        undone: bool,
    ) -> Result<(), MatchingError> {
        let matcher = self.matcher().await?;
        if undone {
            self.propose(RecordKind::Case, merged, self.threshold)
                .await?;
        } else {
            matcher.remove_case(&merged);
        }
        self.propose(RecordKind::Case, survivor, self.threshold)
            .await?;
        Ok(())
    }

    /// Scores one record against the other side, stores proposals at or above `threshold`
    /// and alerts the caseworkers of new ones. Returns every proposal found.
    pub async fn propose(
        &self,
        kind: RecordKind,
        id: RecordId,
        threshold: f64,
    ) -> Result<Vec<MatchRow>, MatchingError> {
        let matcher = self.matcher().await?;
        let Some(record) = self.store.record_for_matching(&id).await? else {
            return Ok(Vec::new());
        };
        if kind == RecordKind::PersonOfConcern {
            self.check_person(matcher, record).await?;
            return Ok(Vec::new());
        }
        let doc = record.fields.clone();
        let proposals: Vec<Proposal> = tokio::task::spawn_blocking(move || match kind {
            RecordKind::Case => matcher.upsert_case(&id, &doc, threshold),
            RecordKind::TracingRequest => matcher.upsert_request(&id, &doc, threshold),
            _ => Ok(Vec::new()),
        })
        .await
        .map_err(|e| MatchingError::Task(e.to_string()))??;
        let rows: Vec<NewProposal> = proposals
            .iter()
            .map(|p| NewProposal {
                tracing_request: p.tracing_request,
                sought_index: p.sought_index as i64,
                case: p.case,
                probability: p.probability,
                weight: p.weight,
                explanation: serde_json::to_value(&p.explanation).unwrap_or(Value::Null),
            })
            .collect();
        let new = self.store.save_proposals(&rows).await?;
        let mut records = RecordCache::default();
        records.put(record);
        for m in &new {
            self.alert(m, &mut records).await?;
        }
        let stored = self.store.matches_for_record(kind, &id).await?;
        Ok(stored
            .into_iter()
            .filter(|m| {
                proposals.iter().any(|p| {
                    p.case == m.case_id
                        && p.tracing_request == m.tracing_request_id
                        && p.sought_index as i64 == m.sought_index
                })
            })
            .collect())
    }

    async fn alert(&self, m: &MatchRow, records: &mut RecordCache) -> Result<(), MatchingError> {
        let case = records.get(&self.store, &m.case_id).await?;
        let request = records.get(&self.store, &m.tracing_request_id).await?;
        let (Some(case), Some(request)) = (case, request) else {
            return Ok(());
        };
        let detail = json!({"match": m.id, "case_reference": case.reference.to_string(), "tracing_request_reference": request.reference.to_string(), "probability": m.probability});
        let in_charge = |r: &StoredRecord| r.assigned_to.unwrap_or(r.owner_id);
        self.store
            .create_alert(
                in_charge(&case),
                "potential_match",
                Some(&case.id),
                detail.clone(),
            )
            .await?;
        // The family's side hears of the match only once the child's consent allows it.
        if consent_for_tracing(&case) || m.disclosure_overridden {
            self.store
                .create_alert(
                    in_charge(&request),
                    "potential_match",
                    Some(&request.id),
                    detail,
                )
                .await?;
        }
        Ok(())
    }

    /// Tells the family's side of a match that a supervisor's override now lets them see it:
    /// the alert `alert` held back when the match was proposed without the child's consent.
    /// Raised once per match, however often the override is recorded again.
    pub async fn disclosure_overridden(&self, m: &MatchRow) -> Result<(), MatchingError> {
        let mut records = RecordCache::default();
        let case = records.get(&self.store, &m.case_id).await?;
        let request = records.get(&self.store, &m.tracing_request_id).await?;
        let (Some(case), Some(request)) = (case, request) else {
            return Ok(());
        };
        if consent_for_tracing(&case) {
            // With consent the family's side was told when the match was proposed.
            return Ok(());
        }
        let detail = json!({"match": m.id, "case_reference": case.reference.to_string(), "tracing_request_reference": request.reference.to_string(), "probability": m.probability});
        self.store
            .alert_once(
                request.assigned_to.unwrap_or(request.owner_id),
                "potential_match",
                Some(&request.id),
                &format!("disclosure-override:{}", m.id),
                detail,
            )
            .await?;
        Ok(())
    }
}

/// Records read once per matching run (the changed record and the other sides of its matches).
#[derive(Default)]
struct RecordCache(std::collections::HashMap<RecordId, Option<StoredRecord>>);

impl RecordCache {
    fn put(&mut self, r: StoredRecord) {
        self.0.insert(r.id, Some(r));
    }

    async fn get(
        &mut self,
        store: &Store,
        id: &RecordId,
    ) -> Result<Option<StoredRecord>, StoreError> {
        if let Some(r) = self.0.get(id) {
            return Ok(r.clone());
        }
        let r = store.record_for_matching(id).await?;
        self.0.insert(*id, r.clone());
        Ok(r)
    }
}

/// Whether the child's case records consent for tracing.
pub fn consent_for_tracing(case: &StoredRecord) -> bool {
    case.consents_to_tracing()
}
