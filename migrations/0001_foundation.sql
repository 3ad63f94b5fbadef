-- Foundation: the municipality, teams, users with roles, server-side sessions,
-- failed sign-ins (for throttling) and the append-only audit trail.
-- Timestamps are UTC in RFC 3339 with milliseconds ('2026-11-22T06:30:00.000Z'),
-- so text order is time order.

CREATE TABLE municipality (
    id   INTEGER PRIMARY KEY CHECK (id = 1),          -- one municipality per database
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100)
) STRICT;

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(name)) BETWEEN 1 AND 100),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(username) BETWEEN 3 AND 64),
    display_name  TEXT NOT NULL CHECK (length(trim(display_name)) BETWEEN 1 AND 100),
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- approver's mandate level code (configuration decides the limits)
    mandate_level TEXT,
    -- optimistic concurrency: every update bumps it; a stale form is refused
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id),
    role    TEXT NOT NULL CHECK (role IN ('professional', 'approver', 'backoffice',
                                          'stream_owner', 'alderman', 'administrator')),
    PRIMARY KEY (user_id, role)
) STRICT, WITHOUT ROWID;

CREATE TABLE user_teams (
    user_id INTEGER NOT NULL REFERENCES users (id),
    team_id INTEGER NOT NULL REFERENCES teams (id),
    PRIMARY KEY (user_id, team_id)
) STRICT, WITHOUT ROWID;

-- The cookie holds a random token; only a keyed SHA-256 of it is stored, so a
-- copy of the database does not let anyone sign in.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    address      TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL COLLATE NOCASE,
    address  TEXT NOT NULL,
    at       TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_by_username ON login_failures (username, at);
CREATE INDEX login_failures_by_address ON login_failures (address, at);

-- Who did what, when, to which object, with before/after. Append-only: the
-- triggers below refuse every UPDATE and DELETE.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    object_type TEXT NOT NULL,
    object_id   TEXT,
    before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
    after_json  TEXT CHECK (after_json IS NULL OR json_valid(after_json)),
    address     TEXT
) STRICT;
CREATE INDEX audit_events_by_time ON audit_events (at);
CREATE INDEX audit_events_by_action ON audit_events (action, at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
