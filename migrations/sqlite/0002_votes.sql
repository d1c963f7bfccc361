-- Votes and secret ballots (issue 5). The vote (roll, attendance, status) is
-- one JSON document. Who voted and the ballots are two tables with nothing
-- in common but the vote: a ballot row has no voter, no time finer than the
-- session day and no sequential id, and is keyed by its random tracking
-- code (WITHOUT ROWID: no hidden rowid in casting order).

CREATE TABLE votes (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL,
    record TEXT    NOT NULL                   -- serde JSON of VoteRecord
);

CREATE TABLE vote_voters (
    vote_id   INTEGER NOT NULL REFERENCES votes (id),
    member_id INTEGER NOT NULL,
    PRIMARY KEY (vote_id, member_id)
) WITHOUT ROWID;

CREATE TABLE vote_ballots (
    vote_id INTEGER NOT NULL REFERENCES votes (id),
    code    TEXT    NOT NULL,                 -- 64 hex digits
    session TEXT    NOT NULL,                 -- the session day
    ballot  TEXT    NOT NULL,                 -- serde JSON of Ballot
    PRIMARY KEY (vote_id, code)
) WITHOUT ROWID;
