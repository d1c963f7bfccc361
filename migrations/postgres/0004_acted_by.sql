-- Who acted (a member, or a scheduled job by name), as serde JSON of
-- access::ActedBy; NULL when the actor named no one.
ALTER TABLE activity_records ADD COLUMN acted_by TEXT;
