-- Throttled sign-in attempts, counted per account and address instead of one
-- audit event each: an unauthenticated client could otherwise write hundreds
-- of undeletable audit rows a second. The first throttled attempt of a burst
-- is audited at once ('login_throttled'); when the burst has been quiet for a
-- whole throttling window, housekeeping audits its total
-- ('login_throttled_burst', with the count) and forgets the row.
CREATE TABLE login_bursts (
    id        INTEGER PRIMARY KEY,
    -- The existing account the attempts named; '' for an unknown username
    -- (typed text that is no account is never stored).
    username  TEXT NOT NULL COLLATE NOCASE,
    address   TEXT NOT NULL,
    first_at  TEXT NOT NULL,
    last_at   TEXT NOT NULL,
    attempts  INTEGER NOT NULL CHECK (attempts >= 1),
    UNIQUE (username, address)
) STRICT;
