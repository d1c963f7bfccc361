//! 附带记录 (side effects): what a write commits together with its change.
//!
//! Every write method of the store traits takes an [`Effects`] as its last
//! argument, and the store commits them in the same transaction as the
//! change, after the change's own checks (versions, uniqueness, the rules
//! the store enforces): the change and its effects are stored together or
//! not at all. A refused write stores none of its effects.
//!
//! Two kinds of effect exist, and a later area adds none:
//! - activity-record entries (电子活动证, [`NewRecordEntry`]), the typed
//!   record of a member's party life;
//! - journal entries ([`NewJournalEntry`]): an append-only stream of
//!   documents named by a [`Stream`] (the outbox of notifications, the
//!   audit trail, points events). The store keeps the body as an opaque
//!   document, so a new stream needs no new store method and no new column.
//!
//! See `docs/DESIGN.md` ("Writes as units") and `docs/ADAPTERS.md`.

use crate::record::NewRecordEntry;
use crate::{JournalId, MemberId, OrgId};
use chrono::{DateTime, Utc};
use std::fmt;

/// The side effects of one write: activity-record entries and journal
/// entries, committed with the change.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use dangjian::store::{Effects, NewJournalEntry, Stream};
/// let at = Utc.with_ymd_and_hms(2024, 3, 1, 8, 0, 0).unwrap();
/// let audit = Stream::new("audit")?;
/// let fx = Effects::none().with_journal(NewJournalEntry::new(audit, at, r#"{"format":1}"#));
/// assert_eq!(fx.journal().len(), 1);
/// assert!(fx.records().is_empty());
/// assert!(Effects::none().is_empty());
/// # Ok::<(), dangjian::store::BadStream>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    records: Vec<NewRecordEntry>,
    journal: Vec<NewJournalEntry>,
}

impl Effects {
    /// No side effects.
    pub fn none() -> Self {
        Self::default()
    }

    /// One activity-record entry.
    pub fn record(entry: NewRecordEntry) -> Self {
        Self::none().with_record(entry)
    }

    /// Adds an activity-record entry.
    #[must_use]
    pub fn with_record(mut self, entry: NewRecordEntry) -> Self {
        self.records.push(entry);
        self
    }

    /// Adds a journal entry.
    #[must_use]
    pub fn with_journal(mut self, entry: NewJournalEntry) -> Self {
        self.journal.push(entry);
        self
    }

    /// The activity-record entries, in the order they are appended.
    pub fn records(&self) -> &[NewRecordEntry] {
        &self.records
    }

    /// The journal entries, in the order they are appended.
    pub fn journal(&self) -> &[NewJournalEntry] {
        &self.journal
    }

    /// Whether there is nothing to commit besides the change.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.journal.is_empty()
    }

    /// 新记录编号: fills the id the store assigned to the records this
    /// write creates into the journal entries that ask for one
    /// ([`NewJournalEntry::of_new_record`]): the placeholder [`NEW_ID`] in
    /// such an entry's body becomes the id of the record at that index of
    /// the write (`ids` in the order the write creates them). Every store
    /// calls it in its create writes (`insert_members`, `create_vote`,
    /// `open_departure_cases`, each case with its own ids) after assigning
    /// the ids and before storing the effects.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use dangjian::store::{Effects, NEW_ID, NewJournalEntry, Stream};
    /// let body = format!(r#"{{"member":{NEW_ID}}}"#);
    /// let e = NewJournalEntry::new(Stream::new("notify.events")?, DateTime::default(), body).of_new_record(1);
    /// let fx = Effects::none().with_journal(e).with_new_ids(&[7, 8])?;
    /// assert_eq!(fx.journal()[0].body, r#"{"member":8}"#);
    /// assert!(Effects::none().with_journal(NewJournalEntry::new(Stream::new("a")?, DateTime::default(), "{}").of_new_record(2)).with_new_ids(&[7]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`super::StoreErrorKind::Rejected`] when an entry asks for a record
    /// the write does not create.
    pub fn with_new_ids(mut self, ids: &[u64]) -> Result<Self, super::StoreError> {
        for j in &mut self.journal {
            if let Some(i) = j.new_record.take() {
                let id = ids.get(i).ok_or_else(|| {
                    super::StoreError::new(
                        super::StoreErrorKind::Rejected,
                        format!("a journal entry names created record {i}, which this write does not create"),
                    )
                })?;
                j.body = j.body.replace(NEW_ID, &id.to_string());
            }
        }
        Ok(self)
    }

    /// Whether every journal entry asking for a created record's id names
    /// one of the `created` records the write makes (checked with a
    /// write's other checks, before its first change).
    ///
    /// # Errors
    /// As [`Effects::with_new_ids`].
    pub fn check_new_ids(&self, created: usize) -> Result<(), super::StoreError> {
        match self
            .journal
            .iter()
            .filter_map(|j| j.new_record)
            .find(|i| *i >= created)
        {
            Some(i) => Err(super::StoreError::new(
                super::StoreErrorKind::Rejected,
                format!(
                    "a journal entry names created record {i}, which this write does not create"
                ),
            )),
            None => Ok(()),
        }
    }

    /// Whether every activity-record entry is about `member` (the writes of
    /// one member's record refuse entries about anyone else).
    pub fn records_only_about(&self, member: MemberId) -> bool {
        self.records.iter().all(|r| r.member == member)
    }

    /// The parts, for a store to apply.
    pub fn into_parts(self) -> (Vec<NewRecordEntry>, Vec<NewJournalEntry>) {
        (self.records, self.journal)
    }
}

impl From<Option<NewRecordEntry>> for Effects {
    fn from(entry: Option<NewRecordEntry>) -> Self {
        Self {
            records: entry.into_iter().collect(),
            journal: Vec::new(),
        }
    }
}

/// The longest stream name.
pub const MAX_STREAM_LEN: usize = 40;

/// 流水名称: the name of a journal stream, e.g. `outbox`, `audit`,
/// `points`: 1 to 40 characters of lowercase ASCII letters, digits, `_`,
/// `-` and `.`, starting with a letter.
///
/// ```
/// use dangjian::store::Stream;
/// assert_eq!(Stream::new("outbox.email")?.as_str(), "outbox.email");
/// assert!(Stream::new("").is_err());
/// assert!(Stream::new("Audit").is_err());
/// assert!(Stream::new("审计").is_err());
/// # Ok::<(), dangjian::store::BadStream>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stream(String);

/// A stream name that [`Stream::new`] refused: it says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad journal stream name {name:?}: {why}")]
pub struct BadStream {
    name: String,
    why: &'static str,
}

impl Stream {
    /// A stream name, checked.
    ///
    /// # Errors
    /// [`BadStream`] for an empty or too long name, or one with characters
    /// other than lowercase ASCII letters, digits, `_`, `-` and `.`, or not
    /// starting with a letter.
    pub fn new(name: impl Into<String>) -> Result<Self, BadStream> {
        let name = name.into();
        let bad = |why| {
            Err(BadStream {
                name: name.chars().take(MAX_STREAM_LEN + 1).collect(),
                why,
            })
        };
        if name.is_empty() {
            return bad("it is empty");
        }
        if name.len() > MAX_STREAM_LEN {
            return bad("it is longer than 40 characters");
        }
        if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            return bad("it must start with a lowercase letter");
        }
        let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c);
        if !name.chars().all(ok) {
            return bad("only lowercase ASCII letters, digits, '_', '-' and '.' are allowed");
        }
        Ok(Self(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A name of the library's own, valid by construction (each one is
    /// checked by [`Stream::new`] in a test).
    pub(crate) fn trusted(name: &'static str) -> Self {
        Self(name.to_owned())
    }
}

impl fmt::Display for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The placeholder a journal body holds where the id of a record the
/// same write creates belongs (a JSON string, replaced by the number):
/// see [`Effects::with_new_ids`].
pub const NEW_ID: &str = "\"@new_id@\"";

/// A journal entry as the writer submits it. The body is a document the
/// area that writes the stream defines (JSON with its own `format`
/// version, by convention); the store keeps it as given.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewJournalEntry {
    /// The stream it belongs to.
    pub stream: Stream,
    /// The organisation it is about, if any (for scoped reads).
    pub org: Option<OrgId>,
    /// The member it is about, if any.
    pub member: Option<MemberId>,
    /// When it was written, by the injected clock.
    pub at: DateTime<Utc>,
    /// The document.
    pub body: String,
    /// The index of the created record whose id fills [`NEW_ID`] in the
    /// body (see [`Effects::with_new_ids`]).
    pub new_record: Option<usize>,
}

impl NewJournalEntry {
    /// An entry about no one in particular; see [`NewJournalEntry::about_org`]
    /// and [`NewJournalEntry::about_member`].
    pub fn new(stream: Stream, at: DateTime<Utc>, body: impl Into<String>) -> Self {
        Self {
            stream,
            org: None,
            member: None,
            at,
            body: body.into(),
            new_record: None,
        }
    }

    /// Its body holds [`NEW_ID`] for the id of the `index`-th record the
    /// write creates.
    #[must_use]
    pub fn of_new_record(mut self, index: usize) -> Self {
        self.new_record = Some(index);
        self
    }

    /// The organisation the entry is about.
    #[must_use]
    pub fn about_org(mut self, org: OrgId) -> Self {
        self.org = Some(org);
        self
    }

    /// The member the entry is about.
    #[must_use]
    pub fn about_member(mut self, member: MemberId) -> Self {
        self.member = Some(member);
        self
    }

    /// The stored entry, with the id the store assigned.
    pub fn into_entry(self, id: JournalId) -> JournalEntry {
        JournalEntry {
            id,
            stream: self.stream,
            org: self.org,
            member: self.member,
            at: self.at,
            body: self.body,
        }
    }
}

/// A stored journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalEntry {
    /// Assigned by the store, increasing in commit order across streams.
    pub id: JournalId,
    /// The stream it belongs to.
    pub stream: Stream,
    /// The organisation it is about, if any.
    pub org: Option<OrgId>,
    /// The member it is about, if any.
    pub member: Option<MemberId>,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// The document, as written.
    pub body: String,
}

impl JournalEntry {
    /// A stored entry (for store implementations reading their rows back).
    pub fn from_parts(
        id: JournalId,
        stream: Stream,
        org: Option<OrgId>,
        member: Option<MemberId>,
        at: DateTime<Utc>,
        body: String,
    ) -> Self {
        Self {
            id,
            stream,
            org,
            member,
            at,
            body,
        }
    }
}

/// The most entries one [`JournalStore::journal`] call returns.
pub const MAX_JOURNAL_PAGE: usize = 10_000;

/// 流水存储: reading the journal streams. Writing happens only as the
/// [`Effects`] of a write, never on its own.
#[async_trait::async_trait]
pub trait JournalStore: Send + Sync {
    /// The entries of `stream` with an id above `after` (all when `None`),
    /// oldest first, at most `limit` of them (capped at
    /// [`MAX_JOURNAL_PAGE`]).
    async fn journal(
        &self,
        stream: &Stream,
        after: Option<JournalId>,
        limit: usize,
    ) -> Result<Vec<JournalEntry>, super::StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names_at_their_boundaries() {
        let longest = format!("a{}", "b".repeat(MAX_STREAM_LEN - 1));
        assert!(Stream::new(longest.clone()).is_ok());
        let err = Stream::new(format!("{longest}c")).unwrap_err();
        assert!(err.to_string().contains("longer than 40"), "{err}");
        assert!(Stream::new("a").is_ok());
        assert_eq!(
            Stream::new(crate::notify::EVENT_STREAM),
            Ok(Stream::trusted(crate::notify::EVENT_STREAM))
        );
        assert!(Stream::new("outbox.email-2_b").is_ok());
        for bad in [
            "",
            "1audit",
            "_audit",
            ".x",
            "audit log",
            "Audit",
            "审计",
            "a/b",
        ] {
            assert!(Stream::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn effects_know_whom_their_records_are_about() {
        let at = DateTime::<Utc>::default();
        let entry = |m| NewRecordEntry {
            member: MemberId::new(m),
            occurred_on: at.date_naive(),
            activity: crate::record::Activity::AssistanceVisit {
                description: "x".into(),
            },
            recorded_by: None,
            acted_by: None,
            recorded_at: at,
        };
        let fx = Effects::record(entry(1)).with_record(entry(1));
        assert!(fx.records_only_about(MemberId::new(1)));
        assert!(
            !fx.clone()
                .with_record(entry(2))
                .records_only_about(MemberId::new(1))
        );
        assert!(Effects::none().records_only_about(MemberId::new(7)));
        assert_eq!(Effects::from(Some(entry(3))).records().len(), 1);
        assert!(Effects::from(None).is_empty());
        let (records, journal) = fx.into_parts();
        assert_eq!((records.len(), journal.len()), (2, 0));
    }
}
