-- Catalogue items that fall on several streams, and benchmarks; and the
-- record of an accrual year's true-up.
--
-- Catalogue items that fall on several streams, and benchmarks. A
-- multi-stream item (a multi-problem family across Wmo, Jeugdwet,
-- Participatiewet, Zvw and Wlz) has no stream of its own: the professional
-- chooses the stream of each line among `streams`, so it is never booked on
-- the Wmo by default. A benchmark (a saving or a yield figure, not a unit
-- cost) is kept for reference and never offered as a scenario line.
-- SQLite cannot drop a NOT NULL, so both catalogue tables are rebuilt.

CREATE TABLE catalogue_items_new (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 20),
    name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 300),
    unit        TEXT NOT NULL CHECK (unit IN ('one_off', 'day', 'week', 'month', 'year', 'hour', 'session')),
    unit_label  TEXT NOT NULL,
    stream_code TEXT REFERENCES streams (code),
    streams     TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL DEFAULT 'unit_cost' CHECK (kind IN ('unit_cost', 'benchmark')),
    source      TEXT NOT NULL DEFAULT '',
    confidence  TEXT,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version     INTEGER NOT NULL DEFAULT 1,
    CHECK (stream_code IS NOT NULL OR streams <> '')
) STRICT;

CREATE TABLE catalogue_prices_new (
    item_id     INTEGER NOT NULL REFERENCES catalogue_items_new (id),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    PRIMARY KEY (item_id, valid_from),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
) STRICT, WITHOUT ROWID;

INSERT INTO catalogue_items_new (id, code, name, unit, unit_label, stream_code, source, confidence, active, version)
    SELECT id, code, name, unit, unit_label, stream_code, source, confidence, active, version FROM catalogue_items;
INSERT INTO catalogue_prices_new (item_id, valid_from, valid_to, price_cents)
    SELECT item_id, valid_from, valid_to, price_cents FROM catalogue_prices;
DROP TABLE catalogue_prices;
DROP TABLE catalogue_items;
ALTER TABLE catalogue_items_new RENAME TO catalogue_items;
ALTER TABLE catalogue_prices_new RENAME TO catalogue_prices;

-- The seeded rows of shared/cost-catalogue.csv that are multi-stream costs
-- or benchmarks (a database seeded before this migration).
UPDATE catalogue_items SET stream_code = NULL, streams = 'WMO,PW,ZVW,CORP' WHERE code = 'WON-02'
    AND EXISTS (SELECT 1 FROM streams WHERE code = 'CORP');
UPDATE catalogue_items SET stream_code = NULL, streams = 'WMO,ZVW,JUS,PW' WHERE code = 'WMO-03'
    AND EXISTS (SELECT 1 FROM streams WHERE code = 'JUS');
UPDATE catalogue_items SET stream_code = NULL, streams = 'WMO,JW,PW,ZVW,WLZ' WHERE code = 'MUL-01'
    AND EXISTS (SELECT 1 FROM streams WHERE code = 'WLZ');
UPDATE catalogue_items SET kind = 'benchmark', active = 0 WHERE code IN ('MUL-02', 'MUL-03', 'MUL-04', 'MUL-05');

-- The year-end true-up of an accrual year, once, also when every stream came
-- out even (no booking): from then on a chargeback for the year books its
-- own additional true-up. Years trued up before this table existed follow.
CREATE TABLE accrual_true_ups (
    year        INTEGER PRIMARY KEY REFERENCES budget_years (year),
    trued_up_on TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES users (id)
) STRICT;
CREATE TRIGGER accrual_true_ups_stay BEFORE UPDATE ON accrual_true_ups
BEGIN
    SELECT RAISE(ABORT, 'a true-up is never changed');
END;
INSERT INTO accrual_true_ups (year, trued_up_on, created_at)
    SELECT year, min(tx_date), min(created_at) FROM ledger_transactions
    WHERE kind = 'true_up' AND year IN (SELECT year FROM budget_years) GROUP BY year;
