-- 党务公开 (disclosure, docs/RULES.md DISC-1 … DISC-12): the catalogue of
-- items, the subjects of publicity notices, and members' applications.
-- The organisation, the class, the stage and the version are columns (the
-- reads filter on them, the writes check the version in their WHERE); the
-- rest is the storage document `disclosure_items.record` /
-- `disclosure_applications.record` (format 1, docs/ADAPTERS.md), whose
-- id, organisation, class, stage and version must agree with the columns.
--
-- What must hold whatever the code above does: an item never moves to
-- another organisation, and a 不宜公开 or classified item never changes
-- its class (公开信息不涉密，涉密信息不公开); only a disclosable item has a
-- stage. A classified item's document holds no content at all.

CREATE TABLE disclosure_items (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id  INTEGER NOT NULL,
    class   TEXT    NOT NULL CHECK (class IN ('disclosable', 'not_suitable', 'classified')),
    stage   TEXT,
    version INTEGER NOT NULL CHECK (version >= 1),
    record  TEXT    NOT NULL,
    CHECK ((class = 'disclosable') = (stage IS NOT NULL))
);
CREATE INDEX disclosure_items_org ON disclosure_items (org_id, id);
-- `published_items` reads one stage.
CREATE INDEX disclosure_items_stage ON disclosure_items (stage, id);

CREATE TRIGGER disclosure_items_fixed BEFORE UPDATE ON disclosure_items
WHEN NEW.org_id IS NOT OLD.org_id
  OR NEW.id IS NOT OLD.id
  OR (OLD.class <> 'disclosable' AND NEW.class IS NOT OLD.class)
BEGIN
    SELECT RAISE(ABORT, 'a disclosure item never changes its organisation, nor its class once it is not disclosable');
END;

-- The members a publicity notice (公示) names, for `notices_about`:
-- replaced with the item by every write.
CREATE TABLE disclosure_subjects (
    item_id   INTEGER NOT NULL REFERENCES disclosure_items (id),
    member_id INTEGER NOT NULL,
    PRIMARY KEY (item_id, member_id)
) WITHOUT ROWID;
CREATE INDEX disclosure_subjects_member ON disclosure_subjects (member_id, item_id);

-- 依申请公开: one row per application.
CREATE TABLE disclosure_applications (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id  INTEGER NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    record  TEXT    NOT NULL
);
CREATE INDEX disclosure_applications_org ON disclosure_applications (org_id, id);

CREATE TRIGGER disclosure_applications_fixed BEFORE UPDATE ON disclosure_applications
WHEN NEW.org_id IS NOT OLD.org_id OR NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'an application never changes its organisation');
END;
