//! 党务公开存储 (disclosure storage): catalogue items and members'
//! applications. `docs/RULES.md` DISC-1 … DISC-14.

use super::{Effects, StoreError};
use crate::disclosure::{Application, Item, NewApplication, NewItem};
use crate::{ApplicationId, ItemId, MemberId, OrgId};
use async_trait::async_trait;

/// 党务公开存储: items and applications, each replaced whole under its
/// version.
///
/// Beyond the version check a store refuses, as
/// [`super::StoreErrorKind::Rejected`], an update that changes what never
/// changes: an item's organisation, kind, title or proposal, the steps of
/// its history (which only grows), and an item's class once it is not
/// disclosable (a 不宜公开 or classified item never becomes disclosable
/// again). The SQL stores hold the organisation and the class in the
/// schema as well.
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use dangjian::disclosure::{ItemKind, NewItem, Propose, Stamp, Title};
/// use dangjian::store::{DisclosureStore, Effects, MemoryStore};
/// use dangjian::OrgId;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::new();
/// let stamp = Stamp::new(None, Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap());
/// let req = Propose::classified(OrgId::new(2), ItemKind::Other, Title::new("某事项")?);
/// let item = store.insert_item(NewItem::propose(req, stamp, None)?, Effects::none()).await?;
/// assert_eq!(store.item(item.id()).await?, Some(item.clone()));
/// assert!(item.content().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
#[async_trait]
pub trait DisclosureStore: Send + Sync {
    /// Stores a proposed item; the store assigns increasing ids and
    /// version 1.
    async fn insert_item(&self, new: NewItem, effects: Effects) -> Result<Item, StoreError>;

    /// Replaces `item` if the stored version is `item.version()`, bumping
    /// it, with `effects`. [`super::StoreErrorKind::Conflict`] for a stale
    /// version, [`super::StoreErrorKind::NotFound`] for an unknown id,
    /// [`super::StoreErrorKind::Rejected`] for a change of what never
    /// changes (see the trait).
    async fn update_item(&self, item: Item, effects: Effects) -> Result<Item, StoreError>;

    /// One item.
    async fn item(&self, id: ItemId) -> Result<Option<Item>, StoreError>;

    /// Every item of `orgs`, ordered by id.
    async fn items_of(&self, orgs: &[OrgId]) -> Result<Vec<Item>, StoreError>;

    /// The items now at the published stage (not withdrawn) with ids
    /// strictly between `read.after` and `read.before`, at most
    /// `read.limit` of them, from the lowest id up, or from the highest
    /// down when `read.newest_first`.
    async fn published_items(&self, read: PublishedRead) -> Result<Vec<Item>, StoreError>;

    /// The publicity notices naming `member` as a subject, ordered by id.
    async fn notices_about(&self, member: MemberId) -> Result<Vec<Item>, StoreError>;

    /// Stores an application; increasing ids, version 1.
    async fn insert_application(
        &self,
        new: NewApplication,
        effects: Effects,
    ) -> Result<Application, StoreError>;

    /// Replaces an application under its version, bumping it; refuses a
    /// change of organisation, applicant, content or day received
    /// ([`super::StoreErrorKind::Rejected`]).
    async fn update_application(
        &self,
        application: Application,
        effects: Effects,
    ) -> Result<Application, StoreError>;

    /// One application.
    async fn application(&self, id: ApplicationId) -> Result<Option<Application>, StoreError>;

    /// Every application to `orgs`, ordered by id.
    async fn applications_of(&self, orgs: &[OrgId]) -> Result<Vec<Application>, StoreError>;
}

/// Which published items to read ([`DisclosureStore::published_items`]).
///
/// ```
/// use dangjian::store::PublishedRead;
/// use dangjian::ItemId;
/// let first = PublishedRead::oldest_first(100);
/// let next = PublishedRead::oldest_first(100).after(ItemId::new(100));
/// let latest = PublishedRead::newest_first(50);
/// assert!(latest.newest_first && !first.newest_first);
/// assert_eq!(next.after, Some(ItemId::new(100)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublishedRead {
    /// Only ids above this one.
    pub after: Option<ItemId>,
    /// Only ids below this one.
    pub before: Option<ItemId>,
    /// From the highest id down.
    pub newest_first: bool,
    /// At most this many (at least 1).
    pub limit: usize,
}

impl PublishedRead {
    /// Up to `limit` items from the lowest id up.
    pub fn oldest_first(limit: usize) -> Self {
        Self {
            after: None,
            before: None,
            newest_first: false,
            limit: limit.max(1),
        }
    }

    /// Up to `limit` items from the highest id down.
    pub fn newest_first(limit: usize) -> Self {
        Self {
            newest_first: true,
            ..Self::oldest_first(limit)
        }
    }

    /// Only ids above `id`.
    pub fn after(mut self, id: ItemId) -> Self {
        self.after = Some(id);
        self
    }

    /// Only ids below `id`.
    pub fn before(mut self, id: ItemId) -> Self {
        self.before = Some(id);
        self
    }

    /// Whether `id` lies in the range.
    pub fn admits(&self, id: ItemId) -> bool {
        self.after.is_none_or(|a| id > a) && self.before.is_none_or(|b| id < b)
    }
}

/// What a store checks before replacing `old` with `new` (the rules of
/// [`DisclosureStore`]); the stores of this crate call it, and a third
/// party's store may.
///
/// # Errors
/// [`super::StoreErrorKind::Conflict`] for a stale version;
/// [`super::StoreErrorKind::Rejected`] for a change of what never changes.
pub fn check_item_update(old: &Item, new: &Item) -> Result<(), StoreError> {
    use super::StoreErrorKind as K;
    use crate::disclosure::Class;
    if old.version() != new.version() {
        return Err(StoreError::new(
            K::Conflict,
            format!("{} changed since it was read", old.id()),
        ));
    }
    if old.org() != new.org()
        || old.kind() != new.kind()
        || old.title() != new.title()
        || old.proposed() != new.proposed()
        || !new.history().starts_with(old.history())
    {
        return Err(StoreError::new(
            K::Rejected,
            "an item's organisation, kind, title, proposal and history never change",
        ));
    }
    if old.class() != Class::Disclosable && new.class() != old.class() {
        return Err(StoreError::new(
            K::Rejected,
            format!("a {} item never changes its class", old.class()),
        ));
    }
    Ok(())
}

/// [`check_item_update`] for applications.
///
/// # Errors
/// As [`check_item_update`].
pub fn check_application_update(old: &Application, new: &Application) -> Result<(), StoreError> {
    use super::StoreErrorKind as K;
    if old.version() != new.version() {
        return Err(StoreError::new(
            K::Conflict,
            format!("{} changed since it was read", old.id()),
        ));
    }
    if old.org() != new.org()
        || old.applicant() != new.applicant()
        || old.about() != new.about()
        || old.received_on() != new.received_on()
    {
        return Err(StoreError::new(
            K::Rejected,
            "an application's organisation, applicant, content and day never change",
        ));
    }
    Ok(())
}
