-- Retroactive chargeback: runs over settled cases, the charges they posted,
-- claims on external payers, and API tokens for the financial system.

-- A run: a draft holds the chosen cases and keys; posting books it once
-- (in one transaction) and freezes it. A reversal run undoes a posted run,
-- whole or for one case; it is posted when created.
CREATE TABLE chargeback_runs (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('chargeback', 'reversal')),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'posted', 'discarded')),
    period_from    TEXT NOT NULL,               -- settlement dates, inclusive
    period_to      TEXT NOT NULL,
    reverses       INTEGER REFERENCES chargeback_runs (id),
    reversed_case  INTEGER REFERENCES cases (id), -- a reversal of one case only
    reason         TEXT,                          -- why a reversal was made
    booking_date   TEXT,                          -- the ledger date, set at posting
    version        INTEGER NOT NULL DEFAULT 1,    -- bumped by every change to the draft
    created_at     TEXT NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES users (id),
    posted_at      TEXT,
    posted_by      INTEGER REFERENCES users (id),
    CHECK (period_from <= period_to),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (reversed_case IS NULL OR kind = 'reversal'),
    CHECK (status <> 'posted' OR (booking_date IS NOT NULL AND posted_at IS NOT NULL))
) STRICT;
CREATE INDEX chargeback_runs_by_status ON chargeback_runs (status, id);
CREATE TRIGGER chargeback_runs_posted_stay BEFORE UPDATE ON chargeback_runs
    WHEN OLD.status IN ('posted', 'discarded')
BEGIN
    SELECT RAISE(ABORT, 'a posted or discarded run never changes');
END;
CREATE TRIGGER chargeback_runs_no_delete BEFORE DELETE ON chargeback_runs
BEGIN
    SELECT RAISE(ABORT, 'runs are never deleted');
END;

-- The cases of a run with the key the backoffice chose. `responsibility` is
-- the responsibility key as JSON ([{"stream": "JW", "percentage": "60"}, ...]).
CREATE TABLE run_cases (
    run_id         INTEGER NOT NULL REFERENCES chargeback_runs (id),
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    key            TEXT NOT NULL DEFAULT 'beneficiary' CHECK (key IN ('beneficiary', 'responsibility')),
    responsibility TEXT CHECK (responsibility IS NULL OR json_valid(responsibility)),
    excluded       INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0, 1)),
    reason         TEXT,                          -- why the key was switched or the case excluded
    PRIMARY KEY (run_id, case_id),
    CHECK ((key = 'responsibility') = (responsibility IS NOT NULL)),
    CHECK ((key = 'beneficiary' AND excluded = 0) OR length(trim(coalesce(reason, ''))) > 0)
) STRICT, WITHOUT ROWID;
CREATE INDEX run_cases_by_case ON run_cases (case_id);

-- What a posted run charged, per case and stream: the realised chargebacks.
-- Negative in a reversal run. `tx_id` is the ledger transaction; it is NULL
-- for an internal charge in an accrual year (recorded, trued up at year end).
CREATE TABLE run_charges (
    run_id       INTEGER NOT NULL REFERENCES chargeback_runs (id),
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    stream_code  TEXT NOT NULL REFERENCES streams (code),
    kind         TEXT NOT NULL CHECK (kind IN ('internal', 'claim')),
    year         INTEGER NOT NULL,               -- the fund year of the case
    amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0),
    tx_id        INTEGER UNIQUE REFERENCES ledger_transactions (id),
    PRIMARY KEY (run_id, case_id, stream_code)
) STRICT, WITHOUT ROWID;
CREATE INDEX run_charges_by_stream ON run_charges (stream_code, year);
CREATE INDEX run_charges_by_case ON run_charges (case_id);
CREATE TRIGGER run_charges_no_update BEFORE UPDATE ON run_charges
BEGIN
    SELECT RAISE(ABORT, 'posted charges never change');
END;
CREATE TRIGGER run_charges_no_delete BEFORE DELETE ON run_charges
BEGIN
    SELECT RAISE(ABORT, 'posted charges never change');
END;

-- Claims on external payers: open → invoiced → paid | refused. A reversed
-- claim is 'withdrawn'. The money moves in the ledger; this is the paperwork.
CREATE TABLE claims (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES chargeback_runs (id),
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    stream_code    TEXT NOT NULL REFERENCES streams (code),
    amount_cents   INTEGER NOT NULL CHECK (amount_cents > 0),
    status         TEXT NOT NULL CHECK (status IN ('open', 'invoiced', 'paid', 'refused', 'withdrawn')),
    invoice_number TEXT UNIQUE CHECK (invoice_number IS NULL OR length(trim(invoice_number)) BETWEEN 1 AND 50),
    invoice_date   TEXT,
    closed_on      TEXT,                          -- paid, refused or withdrawn
    reason         TEXT,                          -- why it was refused or withdrawn
    version        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (run_id, case_id, stream_code),
    CHECK (status = 'open' OR status = 'withdrawn' OR invoice_number IS NOT NULL),
    CHECK (status NOT IN ('paid', 'refused', 'withdrawn') OR closed_on IS NOT NULL),
    CHECK (status <> 'refused' OR length(trim(coalesce(reason, ''))) > 0)
) STRICT;
CREATE INDEX claims_by_status ON claims (status, stream_code);
CREATE TRIGGER claims_closed_stay BEFORE UPDATE ON claims
    WHEN OLD.status IN ('paid', 'refused', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'a closed claim never changes');
END;
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
BEGIN
    SELECT RAISE(ABORT, 'claims are never deleted');
END;

-- Tokens for the financial system's journal endpoint. Only a SHA-256 hash of
-- the secret is stored; the prefix identifies a token in lists.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    expires_on   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
) STRICT;
