-- Rate limits shared by every dispatcher (限流, docs/RULES.md NOTE-10): one
-- row per key a send counted against (a robot by a hash of its webhook key,
-- never the key; a recipient on an app; a number at an SMS provider), and
-- one row per send under it. A take reads a key's sends inside its longest
-- window, decides, records the send and forgets those older than the
-- window, in one write transaction (BEGIN IMMEDIATE serialises writers).
-- Times RFC 3339 text in UTC.

CREATE TABLE notify_rate_keys (
    name TEXT PRIMARY KEY
);

CREATE TABLE notify_rate_sends (
    name TEXT NOT NULL REFERENCES notify_rate_keys (name),
    at   TEXT NOT NULL
);
CREATE INDEX notify_rate_sends_by_key ON notify_rate_sends (name, at);
