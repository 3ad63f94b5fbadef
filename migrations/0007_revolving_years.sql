-- The money revolves across years: closing a year carries over or returns
-- what is left; agreements with external payers are versioned with a share,
-- a yearly cap and a period; posted journals keep the accounting codes they
-- were posted with; payments can be reversed; and everyone who saved a
-- version of a canvas is one of its authors.

-- Yearly totals beside funded / recovered / held (see the core's FundPosition).
ALTER TABLE fund_years ADD COLUMN carried_in_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fund_years ADD COLUMN carried_out_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fund_years ADD COLUMN returned_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fund_years ADD COLUMN closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1));

-- The decision behind closing a year; the money moves in the ledger.
CREATE TABLE year_closings (
    year               INTEGER PRIMARY KEY REFERENCES budget_years (year),
    carried_over_cents INTEGER NOT NULL CHECK (carried_over_cents >= 0),
    returned_cents     INTEGER NOT NULL CHECK (returned_cents >= 0),
    decision           TEXT NOT NULL CHECK (length(trim(decision)) BETWEEN 1 AND 100),
    reason             TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 1000),
    closed_on          TEXT NOT NULL,
    tx_id              INTEGER REFERENCES ledger_transactions (id),
    created_at         TEXT NOT NULL,
    created_by         INTEGER NOT NULL REFERENCES users (id)
) STRICT;
CREATE TRIGGER year_closings_stay BEFORE UPDATE ON year_closings
BEGIN
    SELECT RAISE(ABORT, 'a closed year stays closed');
END;
CREATE TRIGGER year_closings_no_delete BEFORE DELETE ON year_closings
BEGIN
    SELECT RAISE(ABORT, 'a closed year stays closed');
END;

-- Fund reductions: the decision behind a ReduceFunding booking.
CREATE TABLE funding_reductions (
    tx_id      INTEGER PRIMARY KEY REFERENCES ledger_transactions (id),
    year       INTEGER NOT NULL REFERENCES budget_years (year),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    reason     TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 1000),
    created_at TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
) STRICT;

-- Agreements (convenanten) with external payers, versioned per stream. The
-- payer's share in basis points (10000 = 100 %); no cap is NULL. A version a
-- charge used only ever gets an end date (the core decides; see agreement.rs).
CREATE TABLE agreements (
    id              INTEGER PRIMARY KEY,
    stream_code     TEXT NOT NULL REFERENCES streams (code),
    version         INTEGER NOT NULL CHECK (version >= 1),
    valid_from      TEXT NOT NULL,
    valid_to        TEXT,
    share_bp        INTEGER NOT NULL CHECK (share_bp BETWEEN 1 AND 10000),
    yearly_cap_cents INTEGER CHECK (yearly_cap_cents IS NULL OR yearly_cap_cents >= 0),
    reference       TEXT NOT NULL CHECK (length(trim(reference)) BETWEEN 1 AND 100),
    created_at      TEXT NOT NULL,
    created_by      INTEGER REFERENCES users (id),
    row_version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (stream_code, version),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
) STRICT;
CREATE TRIGGER agreements_no_delete BEFORE DELETE ON agreements
BEGIN
    SELECT RAISE(ABORT, 'agreements are never deleted');
END;
-- An agreement flag set before versions existed becomes version 1: open-ended, 100 %, no cap.
INSERT INTO agreements (stream_code, version, valid_from, share_bp, reference, created_at)
    SELECT code, 1, '2000-01-01', 10000, 'Convenant (overgenomen)', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM streams WHERE has_agreement = 1 AND kind = 'external';

-- The agreement version a claim was made under and its agreement year (the
-- calendar year of the case's settlement date): what the yearly cap counts.
ALTER TABLE run_charges ADD COLUMN agreement_id INTEGER REFERENCES agreements (id);
ALTER TABLE run_charges ADD COLUMN agreement_year INTEGER;
CREATE INDEX run_charges_by_agreement ON run_charges (agreement_id, agreement_year);

-- The accounting codes a posted run was booked with, per stream it booked on
-- (the charged streams and the reservation stream): its journal never
-- changes when the administrator changes a stream's codes later.
CREATE TABLE run_accounting_codes (
    run_id         INTEGER NOT NULL REFERENCES chargeback_runs (id),
    stream_code    TEXT NOT NULL REFERENCES streams (code),
    taakveld       TEXT NOT NULL,
    cost_centre    TEXT NOT NULL,
    ledger_account TEXT NOT NULL,
    PRIMARY KEY (run_id, stream_code)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER run_accounting_codes_no_update BEFORE UPDATE ON run_accounting_codes
BEGIN
    SELECT RAISE(ABORT, 'a posted journal never changes');
END;
CREATE TRIGGER run_accounting_codes_no_delete BEFORE DELETE ON run_accounting_codes
BEGIN
    SELECT RAISE(ABORT, 'a posted journal never changes');
END;
-- Runs posted before codes were frozen keep the codes they have today.
INSERT INTO run_accounting_codes (run_id, stream_code, taakveld, cost_centre, ledger_account)
    SELECT r.id, s.code, coalesce(s.taakveld, ''), s.cost_centre, s.ledger_account
    FROM chargeback_runs r JOIN streams s
    WHERE r.status = 'posted'
      AND (s.holds_reservation = 1
           OR s.code IN (SELECT stream_code FROM run_charges WHERE run_id = r.id));

-- A payment corrected by reversal: the payment row stays, the ledger
-- reverses its booking and the hold is restored.
CREATE TABLE payment_reversals (
    payment_id  INTEGER PRIMARY KEY REFERENCES payments (id),
    tx_id       INTEGER NOT NULL UNIQUE REFERENCES ledger_transactions (id),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 1000),
    reversed_on TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id)
) STRICT;
CREATE TRIGGER payment_reversals_stay BEFORE UPDATE ON payment_reversals
BEGIN
    SELECT RAISE(ABORT, 'a reversal is never changed');
END;
CREATE TRIGGER payment_reversals_no_delete BEFORE DELETE ON payment_reversals
BEGIN
    SELECT RAISE(ABORT, 'a reversal is never deleted');
END;

-- Everyone who saved any version of a case's canvas (four eyes: none of
-- them may decide on it). Kept by the database itself on every save.
CREATE TABLE canvas_editors (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (case_id, user_id)
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO canvas_editors (case_id, user_id)
    SELECT case_id, saved_by FROM canvases;
INSERT OR IGNORE INTO canvas_editors (case_id, user_id)
    SELECT id, professional_id FROM cases;
CREATE TRIGGER canvas_editors_on_insert AFTER INSERT ON canvases
BEGIN
    INSERT OR IGNORE INTO canvas_editors (case_id, user_id) VALUES (NEW.case_id, NEW.saved_by);
END;
CREATE TRIGGER canvas_editors_on_update AFTER UPDATE OF saved_by ON canvases
BEGIN
    INSERT OR IGNORE INTO canvas_editors (case_id, user_id) VALUES (NEW.case_id, NEW.saved_by);
END;
