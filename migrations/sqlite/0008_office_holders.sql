-- Office holders (班子成员, issue 11 item 11): one row per holding of a
-- post. The organisation, the member, the election it came from and the
-- end date are columns (indexed or enforced); the rest is the storage
-- document `office_holders.record` (format 1, docs/ADAPTERS.md).
-- An election's result is confirmed once: one holding per vote and member.

CREATE TABLE office_holders (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id    INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    vote_id   INTEGER,
    ended_on  TEXT,
    record    TEXT    NOT NULL
);
CREATE INDEX office_holders_org ON office_holders (org_id, id);
CREATE UNIQUE INDEX office_holders_vote_member ON office_holders (vote_id, member_id)
    WHERE vote_id IS NOT NULL;
