-- The other half of the method: what was realised, what the household
-- received, and what the knelpunten teach.
-- Amounts are integer cents (*_cents); dates 'YYYY-MM-DD'; times as in 0001.

-- Laws and schemes a knelpunt can sit in besides the financing streams
-- (every stream is a law too). The administrator keeps the list; a law a
-- canvas names is deactivated, never deleted.
CREATE TABLE laws (
    code    TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 15 AND code NOT GLOB '*[^A-Z0-9_]*'),
    name    TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version INTEGER NOT NULL DEFAULT 1
) STRICT, WITHOUT ROWID;
INSERT INTO laws (code, name) VALUES
    ('TOESLAGEN', 'Toeslagen (Belastingdienst)'),
    ('DUO', 'Studiefinanciering (DUO)'),
    ('WONINGWET', 'Woningwet'),
    ('WSNP', 'Wet schuldsanering natuurlijke personen'),
    ('ZVW', 'Zorgverzekeringswet'),
    ('WLZ', 'Wet langdurige zorg'),
    ('UWV', 'Werknemersverzekeringen (UWV: WW, WIA, Wajong)'),
    ('SVB', 'Volksverzekeringen (SVB: AOW, kinderbijslag)'),
    ('BELASTINGEN', 'Gemeentelijke belastingen'),
    ('CJIB', 'Boetes en inning (CJIB)');

-- Who may see and keep the learning agenda: role codes, comma separated.
INSERT OR IGNORE INTO settings (key, value) VALUES ('agenda_roles', 'approver,alderman');

-- Evaluations of realised savings: interim follow-ups after 3 and 6 months
-- and the final evaluation after the horizon. A recorded evaluation is
-- frozen; a correction is the next version, with its reason.
CREATE TABLE evaluations (
    id                    INTEGER PRIMARY KEY,
    case_id               INTEGER NOT NULL REFERENCES cases (id),
    canvas_version        INTEGER NOT NULL,
    moment                TEXT NOT NULL CHECK (moment IN ('3', '6', 'final')),
    version               INTEGER NOT NULL CHECK (version >= 1),
    goal                  TEXT NOT NULL CHECK (goal IN ('reached', 'partly', 'not_reached')),
    goal_note             TEXT NOT NULL CHECK (length(goal_note) <= 4000),
    reason                TEXT CHECK (version = 1 OR coalesce(length(trim(reason)), 0) >= 1),
    evaluated_on          TEXT NOT NULL,
    total_projected_cents INTEGER NOT NULL,
    total_realised_cents  INTEGER NOT NULL CHECK (total_realised_cents <= total_projected_cents),
    created_at            TEXT NOT NULL,
    created_by            INTEGER NOT NULL REFERENCES users (id),
    UNIQUE (case_id, moment, version),
    FOREIGN KEY (case_id, canvas_version) REFERENCES canvases (case_id, version)
) STRICT;

-- What happened to each line of the frozen threatening scenario.
CREATE TABLE evaluation_lines (
    evaluation_id   INTEGER NOT NULL REFERENCES evaluations (id),
    line_no         INTEGER NOT NULL CHECK (line_no >= 1),
    outcome         TEXT NOT NULL CHECK (outcome IN ('avoided', 'partly', 'not_avoided')),
    occurred_cents  INTEGER CHECK (occurred_cents IS NULL OR occurred_cents >= 0),
    occurred_share  TEXT,
    justification   TEXT NOT NULL CHECK (length(justification) <= 1000),
    projected_cents INTEGER NOT NULL,
    realised_cents  INTEGER NOT NULL CHECK (realised_cents <= projected_cents),
    CHECK ((outcome = 'partly') = (occurred_cents IS NOT NULL OR occurred_share IS NOT NULL)),
    CHECK (occurred_cents IS NULL OR occurred_share IS NULL),
    PRIMARY KEY (evaluation_id, line_no)
) STRICT, WITHOUT ROWID;

-- Projected and realised avoided cost per stream: the figures every
-- aggregate of realised savings sums.
CREATE TABLE evaluation_streams (
    evaluation_id   INTEGER NOT NULL REFERENCES evaluations (id),
    stream_code     TEXT NOT NULL,
    projected_cents INTEGER NOT NULL,
    realised_cents  INTEGER NOT NULL CHECK (realised_cents <= projected_cents),
    PRIMARY KEY (evaluation_id, stream_code)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER evaluations_stay BEFORE UPDATE ON evaluations
BEGIN
    SELECT RAISE(ABORT, 'an evaluation is corrected by a new version, not changed');
END;
CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations
BEGIN
    SELECT RAISE(ABORT, 'evaluations are never deleted');
END;
CREATE TRIGGER evaluation_lines_stay BEFORE UPDATE ON evaluation_lines
BEGIN
    SELECT RAISE(ABORT, 'an evaluation is corrected by a new version, not changed');
END;
CREATE TRIGGER evaluation_lines_no_delete BEFORE DELETE ON evaluation_lines
BEGIN
    SELECT RAISE(ABORT, 'evaluations are never deleted');
END;
CREATE TRIGGER evaluation_streams_stay BEFORE UPDATE ON evaluation_streams
BEGIN
    SELECT RAISE(ABORT, 'an evaluation is corrected by a new version, not changed');
END;
CREATE TRIGGER evaluation_streams_no_delete BEFORE DELETE ON evaluation_streams
BEGIN
    SELECT RAISE(ABORT, 'evaluations are never deleted');
END;

-- The household received what a payment paid for (ontvangst bevestigd).
CREATE TABLE receipts (
    payment_id  INTEGER PRIMARY KEY REFERENCES payments (id),
    received_on TEXT NOT NULL,
    note        TEXT NOT NULL CHECK (length(note) <= 1000),
    created_at  TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id)
) STRICT;
CREATE TRIGGER receipts_stay BEFORE UPDATE ON receipts
BEGIN
    SELECT RAISE(ABORT, 'a receipt is never changed');
END;
CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts
BEGIN
    SELECT RAISE(ABORT, 'a receipt is never deleted');
END;

-- The learning agenda: a recurring knelpunt (law, rule, organisation as
-- grouped by the core) with an owner, on a rung of the escalation ladder.
CREATE TABLE agenda_items (
    id               INTEGER PRIMARY KEY,
    law              TEXT NOT NULL,
    rule_key         TEXT NOT NULL,
    organisation_key TEXT NOT NULL,
    title            TEXT NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 300),
    owner            TEXT NOT NULL CHECK (length(trim(owner)) BETWEEN 1 AND 200),
    rung             TEXT NOT NULL CHECK (rung IN ('signalled', 'on_agenda', 'escalated', 'solved', 'not_solvable')),
    forum            TEXT CHECK (forum IN ('team', 'management')),
    escalated_to     TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    created_by       INTEGER NOT NULL REFERENCES users (id),
    updated_at       TEXT NOT NULL,
    CHECK ((rung = 'on_agenda') = (forum IS NOT NULL)),
    CHECK ((rung = 'escalated') = (escalated_to IS NOT NULL)),
    UNIQUE (law, rule_key, organisation_key)
) STRICT;

-- Every step on the ladder, with its dated note. Append-only.
CREATE TABLE agenda_steps (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES agenda_items (id),
    on_date      TEXT NOT NULL,
    rung         TEXT NOT NULL CHECK (rung IN ('signalled', 'on_agenda', 'escalated', 'solved', 'not_solvable')),
    forum        TEXT CHECK (forum IN ('team', 'management')),
    escalated_to TEXT,
    note         TEXT NOT NULL CHECK (length(trim(note)) BETWEEN 1 AND 4000),
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id)
) STRICT;
CREATE INDEX agenda_steps_by_item ON agenda_steps (item_id, id);
CREATE TRIGGER agenda_steps_stay BEFORE UPDATE ON agenda_steps
BEGIN
    SELECT RAISE(ABORT, 'an agenda step is never changed');
END;
CREATE TRIGGER agenda_steps_no_delete BEFORE DELETE ON agenda_steps
BEGIN
    SELECT RAISE(ABORT, 'an agenda step is never deleted');
END;
