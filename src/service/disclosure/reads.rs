//! What each reader sees: an officer's catalogue of their organisations
//! (placeholders for classified items included), and the published items
//! a reader's scope covers, as data and as an Atom feed.

use super::DisclosureHandle;
use crate::access::{self, Role, Scope as ActorScope};
use crate::disclosure::{Application, FeedInfo, Item, Reach, Reader, atom_feed, reaches};
use crate::error::Entity;
use crate::lifecycle::Stage;
use crate::org::OrgTree;
use crate::service::authorize::Target;
use crate::service::{Page, PageRequest};
use crate::store::PublishedRead;
use crate::{ApplicationId, Error, ItemId, OrgId};

/// How many published items one store read returns.
const BATCH: usize = 512;

impl DisclosureHandle<'_> {
    /// The reader the actor is, on `today`.
    pub(super) async fn reader(&self) -> Result<Reader, Error> {
        let actor = &self.s.actor;
        Ok(match (actor.role(), actor.scope()) {
            (Role::Public, _) => Reader::Public,
            (_, ActorScope::All) => Reader::All,
            (_, ActorScope::Subtree(root)) => Reader::Subtree(root),
            (_, ActorScope::Member(id)) => match self.s.store().get_member(id).await? {
                None => Reader::Public,
                Some(m) => {
                    let today = self.s.clock().today();
                    let party_member = matches!(
                        m.lifecycle.stage_on(today),
                        Some(Stage::Probationary | Stage::Full)
                    );
                    let p = m.memberships.placement();
                    let mut orgs = vec![p.home];
                    orgs.extend(p.mobile_location);
                    orgs.extend(p.dual);
                    orgs.extend(p.online);
                    Reader::Person {
                        id,
                        party_member,
                        orgs,
                    }
                }
            },
            (_, ActorScope::Public) => Reader::Public,
        })
    }

    fn manages(&self, org: OrgId, tree: &OrgTree) -> bool {
        access::check_read_org(&self.s.actor, org, tree).is_ok()
    }

    /// 查看事项: one item. An officer whose scope covers its organisation
    /// sees it at any stage (a classified item as its placeholder); any
    /// other reader sees it only while it is published to a scope that
    /// covers them.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::public());
    /// assert!(s.disclosure().get(ItemId::new(9)).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` for an item missing, or one the actor may not see.
    pub async fn get(&self, id: ItemId) -> Result<Item, Error> {
        let (item, tree) = self.fetch(id).await?;
        if self.manages(item.org(), &tree) {
            return Ok(item);
        }
        let reader = self.reader().await?;
        if reaches(&item, &reader, &tree, self.s.clock().today()) {
            return Ok(item);
        }
        Err(Error::not_found(Entity::Item, id))
    }

    /// 公开目录: every item of `org`'s subtree, at every stage and class,
    /// ordered by id.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    /// use dangjian::service::PageRequest;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(None, OrgId::new(2)));
    /// assert!(s.disclosure().list(OrgId::new(9), PageRequest::default()).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` for an organisation outside the scope;
    /// `PermissionDenied` for an actor who does not read organisations.
    pub async fn list(&self, org: OrgId, page: PageRequest) -> Result<Page<Item>, Error> {
        let l = self
            .s
            .authorize(Target::Org(org), |l| {
                access::check_read_org(&self.s.actor, org, &l.tree)
            })
            .await?;
        let orgs = l.tree.subtree(org);
        let items = self.s.store().items_of(&orgs).await?;
        Ok(page.keyset(items, |i| i.id().get()))
    }

    /// 已公开事项: the items published to a scope that covers the actor,
    /// up today, ordered by id. The public sees the society scope only;
    /// a member, the items of society, the whole party (if a party
    /// member), their own organisations and those naming them; an officer,
    /// what their subtree covers (see [`crate::disclosure::reaches`]).
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, service::PageRequest};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let page = dj.act_as(&Actor::public()).disclosure().published(PageRequest::default()).await?;
    /// assert!(page.items.is_empty() && page.is_last());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// Store failures only.
    pub async fn published(&self, page: PageRequest) -> Result<Page<Item>, Error> {
        let mut read = PublishedRead::oldest_first(BATCH);
        if let Some(after) = page.after_key() {
            read = read.after(ItemId::new(after));
        }
        let items = self
            .scan(read, page.limit().saturating_add(1), |_| true)
            .await?;
        Ok(page.keyset(items, |i| i.id().get()))
    }

    /// Up to `want` published items from `read` on that reach the actor
    /// and pass `keep`, reading the store a batch at a time.
    async fn scan(
        &self,
        mut read: PublishedRead,
        want: usize,
        keep: impl Fn(&Item) -> bool,
    ) -> Result<Vec<Item>, Error> {
        let reader = self.reader().await?;
        let tree = self.s.store().org_tree().await?;
        let today = self.s.clock().today();
        let mut out = Vec::new();
        loop {
            let batch = self.s.store().published_items(read).await?;
            let full = batch.len() >= read.limit;
            let last = batch.last().map(Item::id);
            for i in batch {
                if reaches(&i, &reader, &tree, today) && keep(&i) {
                    out.push(i);
                    if out.len() >= want {
                        return Ok(out);
                    }
                }
            }
            match last {
                Some(id) if full => {
                    read = if read.newest_first {
                        read.before(id)
                    } else {
                        read.after(id)
                    };
                }
                _ => return Ok(out),
            }
        }
    }

    /// 公开栏订阅: the Atom feed of the newest items (by id, at most
    /// [`FeedInfo::entries`]) that [`DisclosureHandle::published`] shows
    /// the actor, limited to items with an online channel (the party
    /// intranet or the internet; for the public, the internet only).
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor};
    /// use dangjian::disclosure::FeedInfo;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let info = FeedInfo::new("urn:dangjian:feed:public", "党务公开", "中共某县委");
    /// let xml = dj.act_as(&Actor::public()).disclosure().feed(&info).await?;
    /// assert!(xml.starts_with("<?xml"));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// Store failures only.
    pub async fn feed(&self, info: &FeedInfo) -> Result<String, Error> {
        let public = self.s.actor.role() == Role::Public;
        let online = |i: &Item| {
            i.publication().is_some_and(|(plan, _)| {
                plan.channels()
                    .iter()
                    .any(|c| c.is_online() && (!public || *c == Reach::PublicInternet))
            })
        };
        let items = self
            .scan(PublishedRead::newest_first(BATCH), info.entries, online)
            .await?;
        let refs: Vec<&Item> = items.iter().collect();
        Ok(atom_feed(info, &refs, self.s.clock().timestamp()))
    }

    /// 申请: one application: its applicant, or an officer whose scope
    /// covers the organisation asked.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(None, OrgId::new(2)));
    /// assert!(s.disclosure().application(ApplicationId::new(9)).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` otherwise.
    pub async fn application(&self, id: ApplicationId) -> Result<Application, Error> {
        let a = self
            .s
            .store()
            .application(id)
            .await?
            .ok_or_else(|| Error::not_found(Entity::Application, id))?;
        let tree = self.s.store().org_tree().await?;
        if self.s.actor.member_id() == Some(a.applicant()) || self.manages(a.org(), &tree) {
            return Ok(a);
        }
        Err(Error::not_found(Entity::Application, id))
    }

    /// 申请列表: the applications to `org`'s subtree, ordered by id.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    /// use dangjian::service::PageRequest;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(None, OrgId::new(2)));
    /// assert!(s.disclosure().applications(OrgId::new(9), PageRequest::default()).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` for an organisation outside the scope;
    /// `PermissionDenied` for an actor who does not read organisations.
    pub async fn applications(
        &self,
        org: OrgId,
        page: PageRequest,
    ) -> Result<Page<Application>, Error> {
        let l = self
            .s
            .authorize(Target::Org(org), |l| {
                access::check_read_org(&self.s.actor, org, &l.tree)
            })
            .await?;
        let orgs = l.tree.subtree(org);
        let apps = self.s.store().applications_of(&orgs).await?;
        Ok(page.keyset(apps, |a| a.id().get()))
    }
}
