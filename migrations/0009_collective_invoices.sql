-- Invoices on external payers. One invoice (a *verzamelfactuur*) bills many
-- open claims of one payer under one number and date; a single claim's
-- invoice is an invoice of one. The number is unique over all invoices, so
-- claims no longer carry it themselves: SQLite cannot drop a UNIQUE, so the
-- claims table is rebuilt with a reference to its invoice instead.

CREATE TABLE invoices (
    id           INTEGER PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE CHECK (length(trim(number)) BETWEEN 1 AND 50),
    stream_code  TEXT NOT NULL REFERENCES streams (code),
    invoice_date TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   INTEGER REFERENCES users (id)   -- none for invoices from before this table
) STRICT;
CREATE TRIGGER invoices_no_update BEFORE UPDATE ON invoices
BEGIN
    SELECT RAISE(ABORT, 'an invoice never changes');
END;
CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices
BEGIN
    SELECT RAISE(ABORT, 'invoices are never deleted');
END;

INSERT INTO invoices (number, stream_code, invoice_date, created_at)
    SELECT invoice_number, stream_code, invoice_date, invoice_date FROM claims
    WHERE invoice_number IS NOT NULL ORDER BY id;

CREATE TABLE claims_new (
    id           INTEGER PRIMARY KEY,
    run_id       INTEGER NOT NULL REFERENCES chargeback_runs (id),
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    stream_code  TEXT NOT NULL REFERENCES streams (code),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    status       TEXT NOT NULL CHECK (status IN ('open', 'invoiced', 'paid', 'refused', 'withdrawn')),
    invoice_id   INTEGER REFERENCES invoices (id),
    closed_on    TEXT,                          -- paid, refused or withdrawn
    reason       TEXT,                          -- why it was refused or withdrawn
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (run_id, case_id, stream_code),
    CHECK (status = 'open' OR status = 'withdrawn' OR invoice_id IS NOT NULL),
    CHECK (status NOT IN ('paid', 'refused', 'withdrawn') OR closed_on IS NOT NULL),
    CHECK (status <> 'refused' OR length(trim(coalesce(reason, ''))) > 0)
) STRICT;

INSERT INTO claims_new (id, run_id, case_id, stream_code, amount_cents, status, invoice_id, closed_on, reason, version)
    SELECT k.id, k.run_id, k.case_id, k.stream_code, k.amount_cents, k.status, i.id, k.closed_on, k.reason, k.version
    FROM claims k LEFT JOIN invoices i ON i.number = k.invoice_number;

DROP TABLE claims;
ALTER TABLE claims_new RENAME TO claims;

CREATE INDEX claims_by_status ON claims (status, stream_code);
CREATE INDEX claims_by_invoice ON claims (invoice_id);
CREATE TRIGGER claims_closed_stay BEFORE UPDATE ON claims
    WHEN OLD.status IN ('paid', 'refused', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'a closed claim never changes');
END;
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
BEGIN
    SELECT RAISE(ABORT, 'claims are never deleted');
END;
CREATE TRIGGER claims_invoice_stays BEFORE UPDATE OF invoice_id ON claims
    WHEN OLD.invoice_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'an invoiced claim keeps its invoice');
END;
