-- Homeward schema v1 (PostgreSQL). Never edit a released migration: add a new one.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE agencies (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (agency_id, name)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    scope         TEXT NOT NULL,
    agency_id     TEXT NOT NULL REFERENCES agencies(id),
    team_id       TEXT REFERENCES teams(id),
    language      TEXT NOT NULL DEFAULT 'en',
    disabled      BIGINT NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_digest TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE records (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    reference         TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL,
    agency_id         TEXT NOT NULL REFERENCES agencies(id),
    team_id           TEXT REFERENCES teams(id),
    owner_id          TEXT NOT NULL REFERENCES users(id),
    assigned_to       TEXT REFERENCES users(id),
    sex               TEXT,
    age               BIGINT,
    risk_level        TEXT,
    protection_status TEXT,
    district          TEXT,
    plain_doc         TEXT NOT NULL,
    sealed_doc        BYTEA NOT NULL,
    version           BIGINT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    updated_hlc       TEXT NOT NULL
);
CREATE INDEX records_kind_updated ON records(kind, updated_at);
CREATE INDEX records_agency ON records(agency_id, kind);
CREATE INDEX records_team ON records(team_id, kind);
CREATE INDEX records_owner ON records(owner_id);
CREATE INDEX records_assigned ON records(assigned_to);

CREATE TABLE changes (
    seq          BIGSERIAL PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    record_id    TEXT NOT NULL REFERENCES records(id),
    field        TEXT NOT NULL,
    value_plain  TEXT,
    value_sealed BYTEA,
    hlc          TEXT NOT NULL,
    actor        TEXT NOT NULL,
    device       TEXT NOT NULL
);
CREATE INDEX changes_record ON changes(record_id, seq);

CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
