//! 组织 (the organisations handle): create, move, rename, read, structure
//! checks.

use super::authorize::{Located, Target};
use super::{Page, PageRequest, Session};
use crate::access;
use crate::error::Entity;
use crate::org::{Finding, Headcount, MoveOrg, NewOrganisation, OrgTree, Organisation, RenameOrg};
use crate::store::Effects;
use crate::{Error, OrgId};
use std::collections::BTreeMap;

/// 组织: the organisations an actor may see and change
/// ([`Session::orgs`]).
#[derive(Debug, Clone, Copy)]
pub struct OrgsHandle<'s> {
    pub(super) s: &'s Session,
}

impl OrgsHandle<'_> {
    /// 建立组织: creates an organisation under `new.parent` (or a root).
    ///
    /// ```
    /// use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OrgKind}};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// let b = admin.orgs().create(
    ///     NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id),
    /// ).await?;
    /// assert_eq!(b.parent, Some(c.id));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` for a parent that does not exist or is outside the
    /// actor's scope; `PermissionDenied` unless the actor may manage the
    /// parent (roots: the platform administrator; party groups: also the
    /// branch's officers); `Org` for a kind the parent cannot hold.
    pub async fn create(&self, new: NewOrganisation) -> Result<Organisation, Error> {
        let tree = match new.parent {
            Some(parent) => {
                self.s
                    .authorize(Target::Org(parent), |l| {
                        access::check_manage_org(&self.s.actor, new.parent, &new.kind, &l.tree)
                    })
                    .await?
                    .tree
            }
            None => {
                let tree = self.s.store().org_tree().await?;
                access::check_manage_org(&self.s.actor, None, &new.kind, &tree)?;
                tree
            }
        };
        tree.check_new(&new)?;
        Ok(self.s.store().insert_org(new, Effects::none()).await?)
    }

    /// 调整隶属关系: moves an organisation under a new parent (or to the
    /// top).
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, MoveOrg, NewOrganisation, OrgKind}};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let new = |n: &str, k| NewOrganisation::new(n.parse().unwrap(), k);
    /// let a = admin.orgs().create(new("甲党委", OrgKind::GrassrootsCommittee)).await?;
    /// let b = admin.orgs().create(new("乙党委", OrgKind::GrassrootsCommittee)).await?;
    /// let x = admin.orgs().create(new("一支部", OrgKind::Branch(BranchForm::Physical)).under(a.id)).await?;
    /// let moved = admin.orgs().reparent(MoveOrg::new(x.id, b.id)).await?;
    /// assert_eq!(moved.parent, Some(b.id));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` for an organisation or parent missing or outside the
    /// scope; `PermissionDenied` unless the actor may manage both the old
    /// and the new parent; `Org` for a cycle or a broken kind rule.
    pub async fn reparent(&self, req: MoveOrg) -> Result<Organisation, Error> {
        let actor = &self.s.actor;
        let l = self.managed(req.org).await?;
        let current = org_in(&l.tree, req.org)?;
        if let Some(parent) = req.parent {
            self.s
                .authorize(Target::Org(parent), |l| {
                    access::check_manage_org(actor, req.parent, &current.kind, &l.tree)
                })
                .await?;
        } else {
            access::check_manage_org(actor, None, &current.kind, &l.tree)?;
        }
        l.tree.check_reparent(req.org, req.parent)?;
        Ok(self
            .s
            .store()
            .update_org(
                Organisation {
                    parent: req.parent,
                    ..current
                },
                Effects::none(),
            )
            .await?)
    }

    /// 更名: renames an organisation.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{NewOrganisation, OrgKind, RenameOrg}};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// let c = admin.orgs().rename(RenameOrg::new(c.id, "集团党委".parse()?)).await?;
    /// assert_eq!(c.name.as_str(), "集团党委");
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless the actor may manage the parent.
    pub async fn rename(&self, req: RenameOrg) -> Result<Organisation, Error> {
        let l = self.managed(req.org).await?;
        let current = org_in(&l.tree, req.org)?;
        Ok(self
            .s
            .store()
            .update_org(
                Organisation {
                    name: req.name,
                    ..current
                },
                Effects::none(),
            )
            .await?)
    }

    /// One organisation.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{NewOrganisation, OrgKind}};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// assert_eq!(admin.orgs().get(c.id).await?, c);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied` for a
    /// role that reads no organisation (a treasurer).
    pub async fn get(&self, org: OrgId) -> Result<Organisation, Error> {
        let l = self.readable(org).await?;
        org_in(&l.tree, org)
    }

    /// 下级组织: `root` and everything below it, in pre-order, a page at a
    /// time.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OrgKind}, service::PageRequest};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// for n in ["一支部", "二支部", "三支部"] {
    ///     admin.orgs().create(NewOrganisation::new(n.parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// }
    /// let first = admin.orgs().subtree(c.id, PageRequest::first(2)).await?;
    /// assert_eq!(first.items.len(), 2);
    /// let rest = admin.orgs().subtree(c.id, PageRequest::first(2).after(first.next.unwrap())).await?;
    /// assert_eq!(rest.items.len(), 2);
    /// assert!(rest.is_last());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`OrgsHandle::get`].
    pub async fn subtree(
        &self,
        root: OrgId,
        page: PageRequest,
    ) -> Result<Page<Organisation>, Error> {
        let l = self.readable(root).await?;
        let all = l
            .tree
            .subtree(root)
            .into_iter()
            .filter_map(|id| l.tree.get(id).cloned())
            .collect();
        Ok(page.cut_ordered(all))
    }

    /// 上级组织: the organisations above `org`, nearest first (as far up as
    /// the actor's scope reaches).
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OrgKind}};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// assert_eq!(admin.orgs().ancestors(b.id).await?, vec![c]);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`OrgsHandle::get`].
    pub async fn ancestors(&self, org: OrgId) -> Result<Vec<Organisation>, Error> {
        let l = self.readable(org).await?;
        Ok(l.tree
            .ancestors(org)
            .into_iter()
            .filter(|a| self.s.actor.covers_org(*a, &l.tree))
            .filter_map(|id| l.tree.get(id).cloned())
            .collect())
    }

    /// 组织设置检查: structural findings for every branch under `root`,
    /// counted today with the structure rules in force today
    /// (Branch 2018 Art. 5 and 20): too few full members, too large for a
    /// branch, a committee to elect or a secretary alone.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OrgKind}};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// // A branch with no full member is reported.
    /// assert!(!admin.orgs().structure_report(c.id).await?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`OrgsHandle::get`]; `NotFound` when no structure rules are in
    /// force today.
    pub async fn structure_report(&self, root: OrgId) -> Result<Vec<Finding>, Error> {
        let l = self.readable(root).await?;
        let tree = &l.tree;
        let today = self.s.clock().today();
        let rules = self
            .s
            .rules()
            .structure
            .at(today)
            .ok_or_else(|| Error::not_found(Entity::RuleVersion, today))?;
        let counts = self.headcounts(tree, root, today).await?;
        Ok(crate::org::structure_findings(tree, &counts, &rules.rules)
            .into_iter()
            .filter(|f| tree.is_within(f.org(), root))
            .collect())
    }

    /// 各支部人数: the full and probationary members of every branch in
    /// `root`'s subtree on `on` (home members of a physical branch, joined
    /// members of an online branch), in one read of the store.
    pub(super) async fn headcounts(
        &self,
        tree: &crate::org::OrgTree,
        root: OrgId,
        on: chrono::NaiveDate,
    ) -> Result<BTreeMap<OrgId, Headcount>, Error> {
        let branches = tree.branches_in(root);
        let mut counts: BTreeMap<OrgId, Headcount> = branches
            .iter()
            .map(|b| (*b, Headcount::default()))
            .collect();
        for (branch, m) in self.s.store().members_of_branches(&branches).await? {
            let online = tree.get(branch).is_some_and(|o| o.kind.is_online_branch());
            // A physical branch counts its home members, an online branch
            // those who joined it (ORG-7).
            if online == (m.home() == branch) {
                continue;
            }
            let Some(count) = counts.get_mut(&branch) else {
                continue;
            };
            match m.lifecycle.stage_on(on) {
                Some(s) if s.is_full() => count.full += 1,
                Some(crate::lifecycle::Stage::Probationary) => count.probationary += 1,
                _ => {}
            }
        }
        Ok(counts)
    }

    /// The tree, once the actor may read `org`.
    pub(super) async fn readable(&self, org: OrgId) -> Result<Located, Error> {
        self.s
            .authorize(Target::Org(org), |l| {
                access::check_read_org(&self.s.actor, org, &l.tree)
            })
            .await
    }

    /// The tree, once the actor may change `org` (manage its parent).
    async fn managed(&self, org: OrgId) -> Result<Located, Error> {
        self.s
            .authorize(Target::Org(org), |l| match l.tree.get(org) {
                Some(o) => access::check_manage_org(&self.s.actor, o.parent, &o.kind, &l.tree),
                None => Ok(()),
            })
            .await
    }
}

fn org_in(tree: &OrgTree, org: OrgId) -> Result<Organisation, Error> {
    tree.get(org)
        .cloned()
        .ok_or_else(|| Error::not_found(Entity::Org, org))
}
