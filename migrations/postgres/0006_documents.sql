-- Storage documents, format 1 (issue 10, item 3): every JSON column now
-- holds a versioned public document (`store::document`, `docs/ADAPTERS.md`
-- "Storage documents"). Format 1's layout is the serde form the library
-- wrote before (format 0) with `"format": 1` first, so each row written in
-- format 0 is rewritten by prefixing that field. Rows already in a format
-- (or not a JSON object) are left alone; the library refuses anything but
-- format 1 as Corrupt, naming the table and row.

UPDATE orgs SET kind = '{"format":1,' || substr(kind, 2)
WHERE substr(kind, 1, 1) = '{' AND kind <> '{}' AND kind NOT LIKE '{"format":%';
UPDATE members SET record = '{"format":1,' || substr(record, 2)
WHERE substr(record, 1, 1) = '{' AND record <> '{}' AND record NOT LIKE '{"format":%';
-- The append-only triggers are lifted for the rewrite only, inside this
-- migration's transaction.
ALTER TABLE activity_records DISABLE TRIGGER activity_records_append_only;
UPDATE activity_records SET activity = '{"format":1,' || substr(activity, 2)
WHERE substr(activity, 1, 1) = '{' AND activity <> '{}' AND activity NOT LIKE '{"format":%';
UPDATE activity_records SET acted_by = '{"format":1,' || substr(acted_by, 2)
WHERE substr(acted_by, 1, 1) = '{' AND acted_by <> '{}' AND acted_by NOT LIKE '{"format":%';
ALTER TABLE activity_records ENABLE TRIGGER activity_records_append_only;
UPDATE votes SET record = '{"format":1,' || substr(record, 2)
WHERE substr(record, 1, 1) = '{' AND record <> '{}' AND record NOT LIKE '{"format":%';
UPDATE vote_ballots SET ballot = '{"format":1,' || substr(ballot, 2)
WHERE substr(ballot, 1, 1) = '{' AND ballot <> '{}' AND ballot NOT LIKE '{"format":%';
UPDATE dues_profiles SET record = '{"format":1,' || substr(record, 2)
WHERE substr(record, 1, 1) = '{' AND record <> '{}' AND record NOT LIKE '{"format":%';
ALTER TABLE dues_ledger DISABLE TRIGGER dues_ledger_append_only;
UPDATE dues_ledger SET entry = '{"format":1,' || substr(entry, 2)
WHERE substr(entry, 1, 1) = '{' AND entry <> '{}' AND entry NOT LIKE '{"format":%';
ALTER TABLE dues_ledger ENABLE TRIGGER dues_ledger_append_only;
UPDATE dues_cases SET record = '{"format":1,' || substr(record, 2)
WHERE substr(record, 1, 1) = '{' AND record <> '{}' AND record NOT LIKE '{"format":%';
