-- Foundation: organisations, members, memberships, the activity record.
-- Rules that must hold under concurrency live here, not only in Rust.

CREATE TABLE orgs (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    name      TEXT    NOT NULL CHECK (length(name) > 0),
    kind      TEXT    NOT NULL,              -- serde JSON of OrgKind
    parent_id INTEGER REFERENCES orgs (id),
    version   INTEGER NOT NULL CHECK (version >= 1)
);

-- One row; bumped by every organisation write so that writers serialise
-- and readers know when their cached tree is stale.
CREATE TABLE tree_meta (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO tree_meta (id, version) VALUES (1, 0);

-- One person, one record: the identity number is unique. The home branch is
-- a single NOT NULL column, so a member has exactly one.
CREATE TABLE members (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL CHECK (version >= 1),
    id_number   TEXT    NOT NULL,
    employee_no TEXT,
    home_org_id INTEGER NOT NULL REFERENCES orgs (id),
    record      TEXT    NOT NULL,            -- serde JSON of the member
    CONSTRAINT members_id_number_key UNIQUE (id_number),
    CONSTRAINT members_employee_no_key UNIQUE (employee_no)
);
CREATE INDEX members_home ON members (home_org_id, id);

CREATE TABLE member_online (
    org_id    INTEGER NOT NULL REFERENCES orgs (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    PRIMARY KEY (org_id, member_id)
);

-- The electronic activity record: append-only.
CREATE TABLE activity_records (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id   INTEGER NOT NULL REFERENCES members (id),
    occurred_on TEXT    NOT NULL,
    activity    TEXT    NOT NULL,            -- serde JSON of Activity
    recorded_by INTEGER REFERENCES orgs (id),
    recorded_at TEXT    NOT NULL             -- UTC
);
CREATE INDEX activity_records_member ON activity_records (member_id, id);

CREATE TRIGGER activity_records_no_update BEFORE UPDATE ON activity_records
BEGIN
    SELECT RAISE(ABORT, 'activity_records is append-only');
END;
CREATE TRIGGER activity_records_no_delete BEFORE DELETE ON activity_records
BEGIN
    SELECT RAISE(ABORT, 'activity_records is append-only');
END;
