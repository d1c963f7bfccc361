//! Organisation services: create, move, rename, read, structure checks.

use super::Dangjian;
use crate::access::{self, Actor};
use crate::org::{Finding, Headcount, NewOrganisation, OrgName, Organisation};
use crate::{Error, OrgId};
use std::collections::BTreeMap;

impl Dangjian {
    /// 建立组织: creates an organisation under `new.parent` (or a root).
    ///
    /// # Errors
    /// `PermissionDenied` unless the actor may manage the parent (roots:
    /// the platform administrator; party groups: also the branch's
    /// officers); `Org` for a kind the parent cannot hold (a party group
    /// outside a branch) or an unknown parent.
    pub async fn create_org(
        &self,
        actor: &Actor,
        new: NewOrganisation,
    ) -> Result<Organisation, Error> {
        let tree = self.store.org_tree().await?;
        access::check_manage_org(actor, new.parent, &new.kind, &tree)?;
        tree.check_new(&new)?;
        Ok(self.store.insert_org(new).await?)
    }

    /// 调整隶属关系: moves `org` under `new_parent` (or makes it a root).
    ///
    /// # Errors
    /// `PermissionDenied` unless the actor may manage both the old and the
    /// new parent; `Org` for a move that would make a cycle or break the
    /// kind rules; `NotFound` for an unknown organisation.
    pub async fn move_org(
        &self,
        actor: &Actor,
        org: OrgId,
        new_parent: Option<OrgId>,
    ) -> Result<Organisation, Error> {
        let tree = self.store.org_tree().await?;
        let current = tree
            .get(org)
            .cloned()
            .ok_or_else(|| Error::NotFound(org.to_string()))?;
        access::check_manage_org(actor, current.parent, &current.kind, &tree)?;
        access::check_manage_org(actor, new_parent, &current.kind, &tree)?;
        tree.check_reparent(org, new_parent)?;
        Ok(self
            .store
            .update_org(Organisation {
                parent: new_parent,
                ..current
            })
            .await?)
    }

    /// 更名: renames `org`.
    ///
    /// # Errors
    /// `PermissionDenied` unless the actor may manage the parent;
    /// `NotFound` for an unknown organisation.
    pub async fn rename_org(
        &self,
        actor: &Actor,
        org: OrgId,
        name: OrgName,
    ) -> Result<Organisation, Error> {
        let tree = self.store.org_tree().await?;
        let current = tree
            .get(org)
            .cloned()
            .ok_or_else(|| Error::NotFound(org.to_string()))?;
        access::check_manage_org(actor, current.parent, &current.kind, &tree)?;
        Ok(self
            .store
            .update_org(Organisation { name, ..current })
            .await?)
    }

    /// One organisation.
    ///
    /// # Errors
    /// `PermissionDenied` outside the actor's scope; `NotFound`.
    pub async fn org(&self, actor: &Actor, org: OrgId) -> Result<Organisation, Error> {
        let tree = self.readable_tree(actor, org).await?;
        tree.get(org)
            .cloned()
            .ok_or_else(|| Error::NotFound(org.to_string()))
    }

    /// 下级组织: `root` and everything below it, in pre-order.
    ///
    /// # Errors
    /// `PermissionDenied` outside the actor's scope; `NotFound`.
    pub async fn subtree(&self, actor: &Actor, root: OrgId) -> Result<Vec<Organisation>, Error> {
        let tree = self.readable_tree(actor, root).await?;
        Ok(tree
            .subtree(root)
            .into_iter()
            .filter_map(|id| tree.get(id).cloned())
            .collect())
    }

    /// 上级组织: the organisations above `org`, nearest first.
    ///
    /// # Errors
    /// `PermissionDenied` outside the actor's scope; `NotFound`.
    pub async fn ancestors(&self, actor: &Actor, org: OrgId) -> Result<Vec<Organisation>, Error> {
        let tree = self.readable_tree(actor, org).await?;
        Ok(tree
            .ancestors(org)
            .into_iter()
            .filter_map(|id| tree.get(id).cloned())
            .collect())
    }

    /// 组织设置检查: structural findings for every branch under `root`,
    /// counted today with the structure rules in force today
    /// (Branch 2018 Art. 5 and 20): too few full members, too large for a
    /// branch, a committee to elect or a secretary alone.
    ///
    /// # Errors
    /// `PermissionDenied` outside the actor's scope; `NotFound`.
    pub async fn structure_report(
        &self,
        actor: &Actor,
        root: OrgId,
    ) -> Result<Vec<Finding>, Error> {
        let tree = self.readable_tree(actor, root).await?;
        let today = self.clock.today();
        let rules = self
            .rules
            .structure
            .at(today)
            .ok_or_else(|| Error::NotFound(format!("structure rules in force on {today}")))?;
        let mut counts: BTreeMap<OrgId, Headcount> = BTreeMap::new();
        for branch in tree.branches_in(root) {
            let online = tree.get(branch).is_some_and(|o| o.kind.is_online_branch());
            let members = if online {
                self.store.members_by_online(branch).await?
            } else {
                self.store.members_by_home(&[branch]).await?
            };
            let mut count = Headcount::default();
            for m in &members {
                match m.lifecycle.stage_on(today) {
                    Some(s) if s.is_full() => count.full += 1,
                    Some(crate::lifecycle::Stage::Probationary) => count.probationary += 1,
                    _ => {}
                }
            }
            counts.insert(branch, count);
        }
        Ok(crate::org::structure_findings(&tree, &counts, &rules.rules)
            .into_iter()
            .filter(|f| tree.is_within(f.org(), root))
            .collect())
    }

    /// The tree, once `actor` may read `org` and `org` exists.
    pub(super) async fn readable_tree(
        &self,
        actor: &Actor,
        org: OrgId,
    ) -> Result<std::sync::Arc<crate::org::OrgTree>, Error> {
        let tree = self.store.org_tree().await?;
        access::check_read_org(actor, org, &tree)?;
        if tree.get(org).is_none() {
            return Err(Error::NotFound(org.to_string()));
        }
        Ok(tree)
    }
}
