-- Workflow events of a child's case: verifications, approvals, reunifications, care
-- arrangements (a history), follow-ups (with due and done dates), tracing actions, moves,
-- closures and permanent-care decisions. Personal parts (names, places, notes) are sealed.
CREATE TABLE case_events (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES records(id),
    kind       TEXT NOT NULL,
    plain      TEXT NOT NULL,
    sealed     BLOB NOT NULL,
    due_date   TEXT,
    done_at    TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, kind);
CREATE INDEX case_events_due ON case_events(kind, done_at, due_date);
