-- Dues (issue 4): profiles, the append-only ledger, self-departure cases.
-- Money is exact: decimal text (SQLite has no exact decimal type).

CREATE TABLE dues_profiles (
    member_id INTEGER PRIMARY KEY,
    record    TEXT    NOT NULL               -- serde JSON of DuesProfile
);

-- The ledger: append-only. `entry` is the whole entry (serde JSON); the
-- columns beside it are what the database must index or constrain.
CREATE TABLE dues_ledger (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id     INTEGER NOT NULL,
    recorded_on   TEXT    NOT NULL,
    member_id     INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('assessment', 'payment', 'allocation', 'reversal', 'exemption')),
    amount        TEXT,                      -- exact decimal, yuan
    payment_id    TEXT,                      -- external payment id
    payment_entry INTEGER REFERENCES dues_ledger (id),
    entry         TEXT    NOT NULL,
    CONSTRAINT dues_ledger_payment_id_key UNIQUE (payment_id)
);
CREATE INDEX dues_ledger_member ON dues_ledger (member_id, id);
CREATE INDEX dues_ledger_branch ON dues_ledger (branch_id, id);
CREATE TRIGGER dues_ledger_no_update BEFORE UPDATE ON dues_ledger
BEGIN
    SELECT RAISE(ABORT, 'dues_ledger is append-only');
END;
CREATE TRIGGER dues_ledger_no_delete BEFORE DELETE ON dues_ledger
BEGIN
    SELECT RAISE(ABORT, 'dues_ledger is append-only');
END;

-- The months assessed and not reversed: one assessment per member and month.
CREATE TABLE dues_assessed (
    member_id INTEGER NOT NULL,
    month     INTEGER NOT NULL,              -- year * 12 + month - 1
    entry_id  INTEGER NOT NULL REFERENCES dues_ledger (id),
    PRIMARY KEY (member_id, month)
) WITHOUT ROWID;

-- Each member's ledger version (the number of entries about the member):
-- writes that depend on what was read compare and bump it.
CREATE TABLE dues_heads (
    member_id INTEGER PRIMARY KEY,
    version   INTEGER NOT NULL CHECK (version >= 0)
);

CREATE TABLE dues_cases (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL,
    branch_id INTEGER NOT NULL,
    status    TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    record    TEXT    NOT NULL               -- serde JSON of SelfDepartureCase
);
-- At most one open case per member.
CREATE UNIQUE INDEX dues_cases_one_open ON dues_cases (member_id) WHERE status = 'open';
CREATE INDEX dues_cases_branch ON dues_cases (branch_id, id);
