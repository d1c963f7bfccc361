//! 班子成员存储 (office-holder storage): holdings of posts, by
//! organisation. [`docs/RULES.md` OFF-1 … OFF-6]

use super::{Effects, StoreError};
use crate::OrgId;
use crate::office::{InstallOffices, OfficeHolder, OfficeId};
use async_trait::async_trait;

/// 班子成员存储: holdings of posts.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::office::{InstallOffices, NewOfficeHolder, Post, Source};
/// use dangjian::store::{Effects, MemoryStore, OfficeStore};
/// use dangjian::{MemberId, OrgId};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let ends = NaiveDate::from_ymd_opt(2027, 6, 1).unwrap();
/// let store = MemoryStore::new();
/// let h = NewOfficeHolder::new(OrgId::new(2), MemberId::new(5), Post::Secretary,
///     Source::Appointed { by: OrgId::new(1) }, on, ends);
/// let stored = store.install_offices(InstallOffices::new(OrgId::new(2), on, vec![h], vec![]), Effects::none()).await?;
/// assert_eq!(store.offices_of(&[OrgId::new(2)]).await?, stored);
/// // Ending it twice is a conflict.
/// let next = InstallOffices::new(OrgId::new(2), on, vec![], vec![stored[0].id()]);
/// store.install_offices(next.clone(), Effects::none()).await?;
/// assert!(store.install_offices(next, Effects::none()).await.is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
#[async_trait]
pub trait OfficeStore: Send + Sync {
    /// 换届或任命: in one atomic step, ends the holdings of
    /// `install.ending` on `install.on` and stores `install.holders` (the
    /// store assigns increasing ids), with `effects`. Refused, storing
    /// nothing: [`super::StoreErrorKind::Conflict`] when a holding to end
    /// has ended already, does not exist or is not of `install.org`;
    /// [`super::StoreErrorKind::Rejected`] when a holder is not of
    /// `install.org`, or a holding from the same election and member is
    /// stored already (an election's result is confirmed once).
    async fn install_offices(
        &self,
        install: InstallOffices,
        effects: Effects,
    ) -> Result<Vec<OfficeHolder>, StoreError>;

    /// One holding.
    async fn office(&self, id: OfficeId) -> Result<Option<OfficeHolder>, StoreError>;

    /// Every holding (current and ended) of the organisations `orgs`,
    /// ordered by id.
    async fn offices_of(&self, orgs: &[OrgId]) -> Result<Vec<OfficeHolder>, StoreError>;
}
