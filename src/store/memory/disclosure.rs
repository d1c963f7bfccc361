//! 党务公开存储 in memory: items and applications by id.

use super::MemoryStore;
use crate::disclosure::{Application, Item, NewApplication, NewItem, Stage};
use crate::store::{
    DisclosureStore, Effects, PublishedRead, StoreError, StoreErrorKind, check_application_update,
    check_item_update,
};
use crate::{ApplicationId, ItemId, MemberId, OrgId};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::ops::Bound;

/// Items and applications in memory.
#[derive(Default)]
pub(super) struct DisclosureState {
    last_item: u64,
    items: BTreeMap<ItemId, Item>,
    last_application: u64,
    applications: BTreeMap<ApplicationId, Application>,
}

fn not_found(what: impl std::fmt::Display) -> StoreError {
    StoreError::new(StoreErrorKind::NotFound, format!("{what} not found"))
}

#[async_trait]
impl DisclosureStore for MemoryStore {
    async fn insert_item(&self, new: NewItem, effects: Effects) -> Result<Item, StoreError> {
        let mut inner = self.write()?;
        inner.check_effects(&effects)?;
        let id = ItemId::new(inner.disclosure.last_item + 1);
        let effects = effects.with_new_ids(&[id.get()])?;
        inner.disclosure.last_item += 1;
        let item = new.into_item(id);
        inner.disclosure.items.insert(id, item.clone());
        inner.apply(effects);
        Ok(item)
    }

    async fn update_item(&self, item: Item, effects: Effects) -> Result<Item, StoreError> {
        let mut inner = self.write()?;
        let old = inner
            .disclosure
            .items
            .get(&item.id())
            .ok_or_else(|| not_found(item.id()))?;
        check_item_update(old, &item)?;
        inner.check_effects(&effects)?;
        let item = item.bumped();
        inner.disclosure.items.insert(item.id(), item.clone());
        inner.apply(effects);
        Ok(item)
    }

    async fn item(&self, id: ItemId) -> Result<Option<Item>, StoreError> {
        Ok(self.read()?.disclosure.items.get(&id).cloned())
    }

    async fn items_of(&self, orgs: &[OrgId]) -> Result<Vec<Item>, StoreError> {
        let inner = self.read()?;
        Ok(inner
            .disclosure
            .items
            .values()
            .filter(|i| orgs.contains(&i.org()))
            .cloned()
            .collect())
    }

    async fn published_items(&self, read: PublishedRead) -> Result<Vec<Item>, StoreError> {
        let inner = self.read()?;
        let published = |i: &&Item| matches!(i.stage(), Some(Stage::Published { .. }));
        let state = &inner.disclosure;
        let lo = read.after.map_or(Bound::Unbounded, Bound::Excluded);
        let hi = read.before.map_or(Bound::Unbounded, Bound::Excluded);
        if read.after.zip(read.before).is_some_and(|(a, b)| a >= b) {
            return Ok(Vec::new());
        }
        let range = state.items.range((lo, hi)).map(|(_, i)| i);
        Ok(if read.newest_first {
            range
                .rev()
                .filter(published)
                .take(read.limit)
                .cloned()
                .collect()
        } else {
            range.filter(published).take(read.limit).cloned().collect()
        })
    }

    async fn notices_about(&self, member: MemberId) -> Result<Vec<Item>, StoreError> {
        let inner = self.read()?;
        Ok(inner
            .disclosure
            .items
            .values()
            .filter(|i| {
                i.disclosable()
                    .and_then(|d| d.publicity())
                    .is_some_and(|p| p.subjects().contains(&member))
            })
            .cloned()
            .collect())
    }

    async fn insert_application(
        &self,
        new: NewApplication,
        effects: Effects,
    ) -> Result<Application, StoreError> {
        let mut inner = self.write()?;
        inner.check_effects(&effects)?;
        let id = ApplicationId::new(inner.disclosure.last_application + 1);
        let effects = effects.with_new_ids(&[id.get()])?;
        inner.disclosure.last_application += 1;
        let a = Application::from_new(id, new);
        inner.disclosure.applications.insert(id, a.clone());
        inner.apply(effects);
        Ok(a)
    }

    async fn update_application(
        &self,
        application: Application,
        effects: Effects,
    ) -> Result<Application, StoreError> {
        let mut inner = self.write()?;
        let old = inner
            .disclosure
            .applications
            .get(&application.id())
            .ok_or_else(|| not_found(application.id()))?;
        check_application_update(old, &application)?;
        inner.check_effects(&effects)?;
        let a = application.bumped();
        inner.disclosure.applications.insert(a.id(), a.clone());
        inner.apply(effects);
        Ok(a)
    }

    async fn application(&self, id: ApplicationId) -> Result<Option<Application>, StoreError> {
        Ok(self.read()?.disclosure.applications.get(&id).cloned())
    }

    async fn applications_of(&self, orgs: &[OrgId]) -> Result<Vec<Application>, StoreError> {
        let inner = self.read()?;
        Ok(inner
            .disclosure
            .applications
            .values()
            .filter(|a| orgs.contains(&a.org()))
            .cloned()
            .collect())
    }
}
