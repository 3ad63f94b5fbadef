-- Stream owners review the charges to their streams; accrual years are
-- pre-booked and trued up.

-- The streams a stream owner (budgethouder) is responsible for.
CREATE TABLE user_streams (
    user_id     INTEGER NOT NULL REFERENCES users (id),
    stream_code TEXT NOT NULL REFERENCES streams (code),
    PRIMARY KEY (user_id, stream_code)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_streams_by_stream ON user_streams (stream_code);

-- A stream owner's verdict on a posted charge. A dispute holds the case out
-- of new runs until the backoffice resolves it: the charge stands
-- (override), or the case is reversed and charged again with another key,
-- or excluded from chargeback.
CREATE TABLE charge_reviews (
    id                INTEGER PRIMARY KEY,
    run_id            INTEGER NOT NULL,
    case_id           INTEGER NOT NULL,
    stream_code       TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('accepted', 'disputed', 'resolved')),
    reason            TEXT,
    reviewed_by       INTEGER NOT NULL REFERENCES users (id),
    reviewed_at       TEXT NOT NULL,
    resolution        TEXT CHECK (resolution IN ('override', 'key', 'exclude')),
    resolution_reason TEXT,
    resolved_by       INTEGER REFERENCES users (id),
    resolved_at       TEXT,
    version           INTEGER NOT NULL DEFAULT 1,
    UNIQUE (run_id, case_id, stream_code),
    FOREIGN KEY (run_id, case_id, stream_code) REFERENCES run_charges (run_id, case_id, stream_code),
    CHECK (status <> 'disputed' OR length(trim(coalesce(reason, ''))) > 0),
    CHECK ((status = 'resolved') = (resolution IS NOT NULL)),
    CHECK (resolution IS NULL OR length(trim(coalesce(resolution_reason, ''))) > 0)
) STRICT;
CREATE INDEX charge_reviews_open ON charge_reviews (status, case_id);
CREATE TRIGGER charge_reviews_no_delete BEFORE DELETE ON charge_reviews
BEGIN
    SELECT RAISE(ABORT, 'reviews are never deleted');
END;

-- The key a case gets in the next run it joins, set when a dispute was
-- resolved by another key or by exclusion.
CREATE TABLE case_keys (
    case_id        INTEGER PRIMARY KEY REFERENCES cases (id),
    responsibility TEXT CHECK (responsibility IS NULL OR json_valid(responsibility)),
    excluded       INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0, 1)),
    reason         TEXT NOT NULL,
    set_at         TEXT NOT NULL,
    set_by         INTEGER NOT NULL REFERENCES users (id),
    CHECK (excluded = 1 OR responsibility IS NOT NULL)
) STRICT;

-- Ledger lookups by kind and year (pre-bookings and true-ups per year).
CREATE INDEX ledger_transactions_by_kind ON ledger_transactions (kind, year);
