-- The first schema of the placement service's store (docs/store.md).
-- Timestamps are integer unix seconds (UTC); JSON values are TEXT.
-- `seq` columns give a creation order that does not depend on the clock.

-- Bearer tokens. Only the SHA-256 (hex) of a secret is stored, never the
-- secret itself.
CREATE TABLE tokens (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL UNIQUE,
    secret_hash TEXT    NOT NULL UNIQUE,
    role        TEXT    NOT NULL
                CHECK (role IN ('placement', 'commissioner', 'planner', 'admin')),
    authorities TEXT    NOT NULL,            -- JSON array of GSS codes
    label       TEXT,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    revoked_at  INTEGER
);

-- One row a dataset: its identity and latest version. A deleted dataset
-- keeps this row (deleted_at set) and its versions' metadata, but no body.
CREATE TABLE datasets (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT    NOT NULL UNIQUE,
    latest_version INTEGER NOT NULL CHECK (latest_version >= 1),
    created_at     INTEGER NOT NULL,
    created_by     TEXT,
    deleted_at     INTEGER
);

-- Every version of a dataset; a replacement adds a row, none is changed
-- except that deletion empties `body`.
CREATE TABLE dataset_versions (
    dataset_id  TEXT    NOT NULL REFERENCES datasets (id),
    version     INTEGER NOT NULL CHECK (version >= 1),
    name        TEXT    NOT NULL,
    authorities TEXT    NOT NULL,            -- JSON array of GSS codes covered
    sha256      TEXT    NOT NULL,
    children    INTEGER NOT NULL CHECK (children >= 0),
    places      INTEGER NOT NULL CHECK (places >= 0),
    body        TEXT,                        -- NULL once the dataset is deleted
    created_at  INTEGER NOT NULL,
    created_by  TEXT,
    PRIMARY KEY (dataset_id, version)
);

-- Every solve, append-only (the triggers below refuse UPDATE and DELETE).
CREATE TABLE runs (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    at              INTEGER NOT NULL,
    token_id        TEXT,
    role            TEXT
                    CHECK (role IS NULL OR role IN ('placement', 'commissioner', 'planner', 'admin')),
    scope           TEXT    NOT NULL,        -- JSON array: the token's authorities
    kind            TEXT    NOT NULL,
    dataset_id      TEXT,
    dataset_version INTEGER,
    input_sha256    TEXT    NOT NULL,
    params          TEXT    NOT NULL,        -- JSON
    status          TEXT    NOT NULL,
    objective       REAL,
    gap             REAL,
    build_ms        REAL,
    solve_ms        REAL,
    total_ms        REAL    NOT NULL,
    result          TEXT    NOT NULL,        -- JSON
    job_id          TEXT
);
CREATE INDEX runs_by_token ON runs (token_id, seq);

-- A run's scope, one row an authority, so that "runs overlapping these
-- authorities" is an indexed query. Append-only like `runs`.
CREATE TABLE run_scope (
    run_id    TEXT NOT NULL REFERENCES runs (id),
    authority TEXT NOT NULL,
    PRIMARY KEY (run_id, authority)
);
CREATE INDEX run_scope_by_authority ON run_scope (authority, run_id);

CREATE TRIGGER runs_no_update BEFORE UPDATE ON runs
BEGIN
    SELECT RAISE(ABORT, 'runs are append-only');
END;
CREATE TRIGGER runs_no_delete BEFORE DELETE ON runs
BEGIN
    SELECT RAISE(ABORT, 'runs are append-only');
END;
CREATE TRIGGER run_scope_no_update BEFORE UPDATE ON run_scope
BEGIN
    SELECT RAISE(ABORT, 'runs are append-only');
END;
CREATE TRIGGER run_scope_no_delete BEFORE DELETE ON run_scope
BEGIN
    SELECT RAISE(ABORT, 'runs are append-only');
END;

-- Asynchronous solves. A job that was running when the process died is put
-- back in the queue at startup.
CREATE TABLE jobs (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    status          TEXT    NOT NULL
                    CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    progress        REAL    NOT NULL DEFAULT 0,
    message         TEXT    NOT NULL DEFAULT '',
    token_id        TEXT,
    role            TEXT
                    CHECK (role IS NULL OR role IN ('placement', 'commissioner', 'planner', 'admin')),
    scope           TEXT    NOT NULL,        -- JSON array
    dataset_id      TEXT,
    dataset_version INTEGER,
    inline_body     TEXT,                    -- emptied when the job ends
    params          TEXT    NOT NULL,        -- JSON
    result          TEXT,                    -- JSON
    error           TEXT,                    -- JSON
    run_id          TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    started_at      INTEGER,
    finished_at     INTEGER
);
CREATE INDEX jobs_by_status ON jobs (status, seq);
CREATE INDEX jobs_by_token ON jobs (token_id, seq);
