//! The plain store's disclosure part, written from the contract of
//! `DisclosureStore` alone (its own checks, not the crate's
//! `check_item_update`): items and applications in `Vec`s by id, each
//! replaced whole under its version; what never changes is compared field
//! by field. Every method runs under the store's one lock.

use super::{PlainStore, conflict, next, not_found, rejected};
use async_trait::async_trait;
use dangjian::disclosure::{Application, Class, Item, NewApplication, NewItem, Stage};
use dangjian::store::{DisclosureStore, Effects, PublishedRead, StoreError};
use dangjian::{ApplicationId, ItemId, MemberId, OrgId};

/// The disclosure part of the plain store's state.
#[derive(Default)]
pub struct Disclosure {
    /// By id, ascending (ids only grow; nothing is removed).
    items: Vec<Item>,
    applications: Vec<Application>,
}

/// Refuses what the contract says never changes.
fn check_item(old: &Item, new: &Item) -> Result<(), StoreError> {
    if old.version() != new.version() {
        return Err(conflict(old.id()));
    }
    let fixed = old.org() == new.org()
        && old.kind() == new.kind()
        && old.title() == new.title()
        && old.proposed() == new.proposed()
        && new.history().get(..old.history().len()) == Some(old.history());
    if !fixed {
        return Err(rejected(
            "the organisation, kind, title, proposal or history changed",
        ));
    }
    if old.class() != Class::Disclosable && new.class() != old.class() {
        return Err(rejected(format!("a {} item keeps its class", old.class())));
    }
    Ok(())
}

fn check_application(old: &Application, new: &Application) -> Result<(), StoreError> {
    if old.version() != new.version() {
        return Err(conflict(old.id()));
    }
    let fixed = old.org() == new.org()
        && old.applicant() == new.applicant()
        && old.about() == new.about()
        && old.received_on() == new.received_on();
    if fixed {
        Ok(())
    } else {
        Err(rejected(
            "the organisation, applicant, content or day changed",
        ))
    }
}

#[async_trait]
impl DisclosureStore for PlainStore {
    async fn insert_item(&self, new: NewItem, effects: Effects) -> Result<Item, StoreError> {
        let mut s = self.state();
        s.check(&effects)?;
        let id = ItemId::new(next(s.disclosure.items.len()));
        let effects = effects.with_new_ids(&[id.get()])?;
        let item = new.into_item(id);
        s.disclosure.items.push(item.clone());
        s.apply(effects);
        Ok(item)
    }

    async fn update_item(&self, item: Item, effects: Effects) -> Result<Item, StoreError> {
        let mut s = self.state();
        let at = s
            .disclosure
            .items
            .iter()
            .position(|i| i.id() == item.id())
            .ok_or_else(|| not_found(item.id()))?;
        check_item(&s.disclosure.items[at], &item)?;
        s.check(&effects)?;
        let stored = item.bumped();
        s.disclosure.items[at] = stored.clone();
        s.apply(effects);
        Ok(stored)
    }

    async fn item(&self, id: ItemId) -> Result<Option<Item>, StoreError> {
        let s = self.state();
        Ok(s.disclosure.items.iter().find(|i| i.id() == id).cloned())
    }

    async fn items_of(&self, orgs: &[OrgId]) -> Result<Vec<Item>, StoreError> {
        let s = self.state();
        let of = |i: &&Item| orgs.contains(&i.org());
        Ok(s.disclosure.items.iter().filter(of).cloned().collect())
    }

    async fn published_items(&self, read: PublishedRead) -> Result<Vec<Item>, StoreError> {
        let s = self.state();
        let up =
            |i: &&Item| matches!(i.stage(), Some(Stage::Published { .. })) && read.admits(i.id());
        let mut items: Vec<Item> = s.disclosure.items.iter().filter(up).cloned().collect();
        items.sort_by_key(Item::id);
        if read.newest_first {
            items.reverse();
        }
        items.truncate(read.limit.max(1));
        Ok(items)
    }

    async fn notices_about(&self, member: MemberId) -> Result<Vec<Item>, StoreError> {
        let s = self.state();
        let names = |i: &&Item| {
            i.disclosable()
                .and_then(|d| d.publicity())
                .is_some_and(|p| p.subjects().contains(&member))
        };
        Ok(s.disclosure.items.iter().filter(names).cloned().collect())
    }

    async fn insert_application(
        &self,
        new: NewApplication,
        effects: Effects,
    ) -> Result<Application, StoreError> {
        let mut s = self.state();
        s.check(&effects)?;
        let id = ApplicationId::new(next(s.disclosure.applications.len()));
        let effects = effects.with_new_ids(&[id.get()])?;
        let a = Application::from_new(id, new);
        s.disclosure.applications.push(a.clone());
        s.apply(effects);
        Ok(a)
    }

    async fn update_application(
        &self,
        application: Application,
        effects: Effects,
    ) -> Result<Application, StoreError> {
        let mut s = self.state();
        let at = s
            .disclosure
            .applications
            .iter()
            .position(|a| a.id() == application.id())
            .ok_or_else(|| not_found(application.id()))?;
        check_application(&s.disclosure.applications[at], &application)?;
        s.check(&effects)?;
        let stored = application.bumped();
        s.disclosure.applications[at] = stored.clone();
        s.apply(effects);
        Ok(stored)
    }

    async fn application(&self, id: ApplicationId) -> Result<Option<Application>, StoreError> {
        let s = self.state();
        Ok(s.disclosure
            .applications
            .iter()
            .find(|a| a.id() == id)
            .cloned())
    }

    async fn applications_of(&self, orgs: &[OrgId]) -> Result<Vec<Application>, StoreError> {
        let s = self.state();
        let of = |a: &&Application| orgs.contains(&a.org());
        Ok(s.disclosure
            .applications
            .iter()
            .filter(of)
            .cloned()
            .collect())
    }
}
