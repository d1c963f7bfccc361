-- The notification outbox (发件箱, docs/RULES.md NOTE-6 … NOTE-8): one row
-- per message (one recipient on one channel), unique by its idempotency
-- key; the budget spent per organisation and year; the cursors of the
-- event fan-out. What a claim, a settle and the budget check filter on is a
-- column; what the channel adapter is given is the storage document
-- `notify_messages.message` (format 1, docs/ADAPTERS.md), whose key and
-- channel must agree with the columns. Money is exact decimal text, yuan;
-- times RFC 3339 text in UTC.

CREATE TABLE notify_messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT    NOT NULL,
    org_id          INTEGER NOT NULL,
    member_id       INTEGER,
    channel         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'leased', 'sending', 'delivered', 'unknown', 'dead_letter')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_at         TEXT    NOT NULL,
    lease_owner     TEXT,
    lease_until     TEXT,
    -- Whether the last claim took it over from a holder that had started
    -- sending it (0 or 1).
    interrupted     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    channel_id      TEXT,
    cost            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    delivered_at    TEXT,
    read_at         TEXT,
    message         TEXT    NOT NULL,
    CONSTRAINT notify_messages_key UNIQUE (idempotency_key)
);
CREATE INDEX notify_messages_due ON notify_messages (status, next_at);
CREATE INDEX notify_messages_lease ON notify_messages (status, lease_until);
CREATE INDEX notify_messages_org ON notify_messages (org_id, id);

-- What each organisation has spent of its yearly budget.
CREATE TABLE notify_spending (
    org_id INTEGER NOT NULL,
    year   INTEGER NOT NULL,
    spent  TEXT    NOT NULL,
    PRIMARY KEY (org_id, year)
) WITHOUT ROWID;

-- Where each event fan-out has read the journal up to.
CREATE TABLE notify_cursors (
    name       TEXT    PRIMARY KEY,
    journal_id INTEGER NOT NULL
) WITHOUT ROWID;
