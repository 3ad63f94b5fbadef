-- From canvas to payment: configuration (streams, catalogue, mandates, budget
-- years, settings), cases with versioned canvases and their history, and the
-- revolving fund as an append-only double-entry ledger with payments.
-- Amounts are integer cents (*_cents); dates 'YYYY-MM-DD'; times as in 0001.

-- Key/value settings of the municipality (e.g. default_horizon_months).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Iv3 taakvelden, the municipal accounting codes a stream is booked on.
CREATE TABLE iv3_taakvelden (
    code       TEXT PRIMARY KEY,
    label      TEXT NOT NULL,
    deprecated INTEGER NOT NULL DEFAULT 0 CHECK (deprecated IN (0, 1))
) STRICT, WITHOUT ROWID;

-- Financing streams. Exactly one internal stream holds the reservation (Wmo);
-- only external streams can have an agreement (convenant).
CREATE TABLE streams (
    code              TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 15 AND code NOT GLOB '*[^A-Z0-9_]*'),
    name              TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    kind              TEXT NOT NULL CHECK (kind IN ('internal', 'external')),
    taakveld          TEXT REFERENCES iv3_taakvelden (code),
    cost_centre       TEXT NOT NULL DEFAULT '',
    ledger_account    TEXT NOT NULL DEFAULT '',
    holds_reservation INTEGER NOT NULL DEFAULT 0 CHECK (holds_reservation IN (0, 1)),
    has_agreement     INTEGER NOT NULL DEFAULT 0 CHECK (has_agreement IN (0, 1)),
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version           INTEGER NOT NULL DEFAULT 1,
    CHECK (holds_reservation = 0 OR kind = 'internal'),
    CHECK (has_agreement = 0 OR kind = 'external')
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX streams_one_reservation ON streams (holds_reservation) WHERE holds_reservation = 1;

-- The cost catalogue: standard unit costs; prices per validity period.
CREATE TABLE catalogue_items (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 20),
    name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 300),
    unit        TEXT NOT NULL CHECK (unit IN ('one_off', 'day', 'week', 'month', 'year', 'hour', 'session')),
    unit_label  TEXT NOT NULL,               -- the source's own wording, e.g. 'per etmaal'
    stream_code TEXT NOT NULL REFERENCES streams (code),
    source      TEXT NOT NULL DEFAULT '',
    confidence  TEXT,
    -- an item without a price stays inactive until one is entered
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version     INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE catalogue_prices (
    item_id     INTEGER NOT NULL REFERENCES catalogue_items (id),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    PRIMARY KEY (item_id, valid_from),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
) STRICT, WITHOUT ROWID;

-- Approver levels by amount; NULL limit is unlimited (the top level).
CREATE TABLE mandate_levels (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    limit_cents INTEGER CHECK (limit_cents IS NULL OR limit_cents > 0),
    rank        INTEGER NOT NULL UNIQUE
) STRICT, WITHOUT ROWID;

-- Budget years: the reservation on the Wmo for the doorbraakbudget, and
-- whether the year runs in cash or accrual mode.
CREATE TABLE budget_years (
    year              INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 2200),
    reservation_cents INTEGER NOT NULL CHECK (reservation_cents >= 0),
    mode              TEXT NOT NULL DEFAULT 'cash' CHECK (mode IN ('cash', 'accrual')),
    created_at        TEXT NOT NULL
) STRICT;

-- A case: a household under a pseudonymous reference (no name, no BSN).
CREATE TABLE cases (
    id                   INTEGER PRIMARY KEY,
    reference            TEXT NOT NULL UNIQUE,
    team_id              INTEGER NOT NULL REFERENCES teams (id),
    professional_id      INTEGER NOT NULL REFERENCES users (id),
    status               TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'returned',
                             'in_progress', 'settled', 'charged_back', 'evaluated', 'closed')),
    current_version      INTEGER NOT NULL DEFAULT 1,   -- the canvas version being worked on or decided
    waiting_for_external INTEGER NOT NULL DEFAULT 0 CHECK (waiting_for_external IN (0, 1)),
    waiting_note         TEXT,
    budget_year          INTEGER REFERENCES budget_years (year),  -- the fund year of the hold
    -- bumped by every change: a form loaded before someone else's change is stale
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    submitted_at         TEXT,
    decided_at           TEXT,
    first_paid_at        TEXT,
    settled_at           TEXT
) STRICT;
CREATE INDEX cases_by_status ON cases (status, team_id);
CREATE INDEX cases_by_team ON cases (team_id, updated_at);

-- Canvas versions. The body is the core's Canvas as JSON; the figures next
-- to it are the return calculated when it was saved. An approved version is
-- frozen: the database refuses to change it, and nothing is ever deleted.
CREATE TABLE canvases (
    case_id             INTEGER NOT NULL REFERENCES cases (id),
    version             INTEGER NOT NULL CHECK (version >= 1),
    body                TEXT NOT NULL CHECK (json_valid(body)),
    investment_cents    INTEGER NOT NULL CHECK (investment_cents >= 0),
    total_avoided_cents INTEGER NOT NULL,
    frozen              INTEGER NOT NULL DEFAULT 0 CHECK (frozen IN (0, 1)),
    saved_at            TEXT NOT NULL,
    saved_by            INTEGER NOT NULL REFERENCES users (id),
    edits               INTEGER NOT NULL DEFAULT 1,     -- bumped per save; autosave's stale check
    PRIMARY KEY (case_id, version)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER canvases_frozen_stay BEFORE UPDATE ON canvases WHEN OLD.frozen = 1
BEGIN
    SELECT RAISE(ABORT, 'a frozen canvas cannot be changed');
END;
CREATE TRIGGER canvases_no_delete BEFORE DELETE ON canvases
BEGIN
    SELECT RAISE(ABORT, 'canvas versions are never deleted');
END;

-- The return per stream of each canvas version (evidence for chargebacks,
-- input for dashboards). Written with the canvas, frozen with it.
CREATE TABLE canvas_returns (
    case_id           INTEGER NOT NULL,
    version           INTEGER NOT NULL,
    stream_code       TEXT NOT NULL REFERENCES streams (code),
    threatening_cents INTEGER NOT NULL,
    realistic_cents   INTEGER NOT NULL,
    avoided_cents     INTEGER NOT NULL,
    PRIMARY KEY (case_id, version, stream_code),
    FOREIGN KEY (case_id, version) REFERENCES canvases (case_id, version)
) STRICT, WITHOUT ROWID;

-- Status history: who moved a case, when, and why. Append-only.
CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    at          TEXT NOT NULL,
    actor_id    INTEGER NOT NULL REFERENCES users (id),
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    reason      TEXT
) STRICT;
CREATE INDEX case_events_by_case ON case_events (case_id, id);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;

-- The ledger. A transaction's postings sum to zero (the core cannot build it
-- otherwise, and reconciliation checks it); both tables are append-only.
-- `operation` is the core's Operation as JSON: a retry with the same
-- idempotency key is compared with it and books nothing.
CREATE TABLE ledger_transactions (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    operation       TEXT NOT NULL CHECK (json_valid(operation)),
    tx_date         TEXT NOT NULL,
    year            INTEGER,
    case_id         INTEGER REFERENCES cases (id),
    reverses        INTEGER UNIQUE REFERENCES ledger_transactions (id),
    created_at      TEXT NOT NULL,
    created_by      INTEGER REFERENCES users (id)
) STRICT;
CREATE INDEX ledger_transactions_by_case ON ledger_transactions (case_id);

CREATE TABLE ledger_postings (
    id           INTEGER PRIMARY KEY,
    tx_id        INTEGER NOT NULL REFERENCES ledger_transactions (id),
    account      TEXT NOT NULL,     -- canonical key: 'fund:2026', 'hold:17', 'budget:JW:2026', …
    kind         TEXT NOT NULL CHECK (kind IN ('budget', 'fund', 'hold', 'paid', 'receivable', 'payer')),
    stream_code  TEXT,
    year         INTEGER,
    case_id      INTEGER,
    amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0)
) STRICT;
CREATE INDEX ledger_postings_by_tx ON ledger_postings (tx_id);
CREATE INDEX ledger_postings_by_account ON ledger_postings (account);

CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

-- Derived state, written in the same transaction as the postings, so reading
-- a balance never scans the ledger. Accounts that hold money can never go
-- below zero: the database refuses it even if the application did not.
CREATE TABLE account_balances (
    account       TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    balance_cents INTEGER NOT NULL,
    CHECK (kind IN ('budget', 'payer') OR balance_cents >= 0)
) STRICT, WITHOUT ROWID;

-- What the ledger knows of each case's hold.
CREATE TABLE holds (
    case_id         INTEGER PRIMARY KEY REFERENCES cases (id),
    year            INTEGER NOT NULL,
    hold_date       TEXT NOT NULL,
    open            INTEGER NOT NULL CHECK (open IN (0, 1)),
    paid_cents      INTEGER NOT NULL CHECK (paid_cents >= 0),
    recovered_cents INTEGER NOT NULL CHECK (recovered_cents >= 0)
) STRICT;

-- Yearly totals of the fund.
CREATE TABLE fund_years (
    year            INTEGER PRIMARY KEY,
    funded_cents    INTEGER NOT NULL DEFAULT 0,
    recovered_cents INTEGER NOT NULL DEFAULT 0,
    held_cents      INTEGER NOT NULL DEFAULT 0 CHECK (held_cents >= 0)
) STRICT;

-- Payments for approved cases: to a supplier or the household.
CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    tx_id        INTEGER NOT NULL UNIQUE REFERENCES ledger_transactions (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    paid_on      TEXT NOT NULL,
    supplier     TEXT NOT NULL CHECK (length(trim(supplier)) BETWEEN 1 AND 200),
    reference    TEXT NOT NULL CHECK (length(trim(reference)) BETWEEN 1 AND 100),
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id)
) STRICT;
CREATE INDEX payments_by_case ON payments (case_id);
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
BEGIN
    SELECT RAISE(ABORT, 'payments are corrected by reversal, not changed');
END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'payments are corrected by reversal, not deleted');
END;
