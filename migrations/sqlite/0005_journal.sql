-- The journal: append-only streams of documents (the outbox of
-- notifications, the audit trail, points events), written only as the side
-- effects of another write, in that write's transaction. The store keeps
-- each body as given; the area that writes a stream defines its document.
--
-- Ids come from journal_head, whose one row every journal writer updates
-- (and so locks) in its transaction: ids are gapless and increase in commit
-- order, so a reader paging by "after id" never misses a late commit.
CREATE TABLE journal_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER  NOT NULL CHECK (last >= 0)
);
INSERT INTO journal_head (id, last) VALUES (1, 0);

CREATE TABLE journal (
    id        INTEGER PRIMARY KEY,
    stream    TEXT   NOT NULL CHECK (length(stream) BETWEEN 1 AND 40),
    org_id    INTEGER,
    member_id INTEGER,
    at        TEXT   NOT NULL,            -- UTC
    body      TEXT   NOT NULL
);
CREATE INDEX journal_stream ON journal (stream, id);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'journal is append-only');
END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'journal is append-only');
END;
