-- Rewards, sanctions and detentions (奖惩, docs/RULES.md MEM-7 … MEM-13):
-- one append-only row per decision. The decision's body is the storage
-- document `store::document::DecisionDocument` (format 1); the member,
-- the date and the two organisations are columns, for the roll's reads.
CREATE TABLE discipline (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id   INTEGER NOT NULL REFERENCES members (id),
    decided_on  TEXT    NOT NULL,
    decided_by  INTEGER NOT NULL REFERENCES orgs (id),
    approved_by INTEGER NOT NULL REFERENCES orgs (id),
    decision    TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL             -- UTC
);
CREATE INDEX discipline_member ON discipline (member_id, id);

CREATE TRIGGER discipline_no_update BEFORE UPDATE ON discipline
BEGIN
    SELECT RAISE(ABORT, 'discipline is append-only');
END;
CREATE TRIGGER discipline_no_delete BEFORE DELETE ON discipline
BEGIN
    SELECT RAISE(ABORT, 'discipline is append-only');
END;
