-- Potential matches between children sought by tracing requests and registered children, and
-- alerts to users. Never edit a released migration: add a new one.
CREATE TABLE potential_matches (
    id                  TEXT PRIMARY KEY,
    tracing_request_id  TEXT NOT NULL REFERENCES records(id),
    sought_index        INTEGER NOT NULL,
    case_id             TEXT NOT NULL REFERENCES records(id),
    probability         REAL NOT NULL,
    weight              REAL NOT NULL,
    explanation         TEXT NOT NULL,
    status              TEXT NOT NULL,
    decided_by          TEXT REFERENCES users(id),
    decided_at          TEXT,
    decision_reason     BLOB,
    disclosure_override BLOB,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (tracing_request_id, sought_index, case_id)
);
CREATE INDEX potential_matches_case ON potential_matches(case_id);

CREATE TABLE alerts (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL,
    record_id  TEXT,
    detail     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX alerts_user ON alerts(user_id, read_at);
