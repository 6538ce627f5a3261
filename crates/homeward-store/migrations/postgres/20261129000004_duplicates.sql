-- Cases that may be the same child registered twice, and merges of such cases (undoable).
CREATE TABLE duplicate_candidates (
    id          TEXT PRIMARY KEY,
    case_a      TEXT NOT NULL REFERENCES records(id),
    case_b      TEXT NOT NULL REFERENCES records(id),
    probability DOUBLE PRECISION NOT NULL,
    weight      DOUBLE PRECISION NOT NULL,
    explanation TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (case_a, case_b)
);
CREATE INDEX duplicate_candidates_b ON duplicate_candidates(case_b);

CREATE TABLE merges (
    id          TEXT PRIMARY KEY,
    survivor_id TEXT NOT NULL REFERENCES records(id),
    merged_id   TEXT NOT NULL REFERENCES records(id),
    filled      TEXT NOT NULL,
    reason      BYTEA NOT NULL,
    merged_by   TEXT NOT NULL,
    merged_at   TEXT NOT NULL,
    undone_by   TEXT,
    undone_at   TEXT
);
CREATE INDEX merges_merged ON merges(merged_id);
