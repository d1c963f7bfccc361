//! 组织树 (organisation tree): an in-memory index over all organisations.
//!
//! The tree enforces the kind rules of [`OrgKind::check_parent_kind`]
//! (Charter Art. 30; Branch 2018; `docs/RULES.md` ORG-1) and refuses cycles. Each node
//! keeps its ancestor chain, so [`OrgTree::is_within`] — the hot path of
//! every permission check — is one hash lookup and a scan of a few ids.

use super::{NewOrganisation, OrgError, OrgKind, OrgName, Organisation};
use crate::ids::OrgId;
use std::collections::{BTreeMap, BTreeSet};

/// Org ids are assigned by the store, not chosen by users, so the fast
/// non-cryptographic Fx hash (rustc-hash) is safe here.
type IdMap<V> = rustc_hash::FxHashMap<OrgId, V>;

/// The derived links of one organisation.
#[derive(Debug, Clone, Default)]
struct Links {
    /// Direct children, sorted by id.
    children: Vec<OrgId>,
    /// Ancestors, nearest first.
    ancestors: Vec<OrgId>,
}

/// 组织树 (organisation tree): every organisation, indexed by id, parent and
/// children.
///
/// Invariants, kept by every method: each parent exists; each parent/child
/// pair follows the kind rules (Charter Art. 30; Branch 2018: a party group
/// sits inside a branch, nothing sits under a party group, …); there are no
/// cycles. A mutating method that returns an error leaves the tree as it
/// was. Two trees are equal when they hold equal organisations.
///
/// ```
/// use dangjian::OrgId;
/// use dangjian::org::{BranchForm, NewOrganisation, OrgError, OrgKind, OrgTree, Organisation};
///
/// let mut tree = OrgTree::new();
/// let new = NewOrganisation::new("机关党委".parse()?, OrgKind::GrassrootsCommittee);
/// tree.check_new(&new)?;
/// tree.insert(Organisation::from_new(OrgId::new(1), new))?;
/// let branch = NewOrganisation::new("第一党支部".parse()?, OrgKind::Branch(BranchForm::Physical))
///     .under(OrgId::new(1));
/// tree.insert(Organisation::from_new(OrgId::new(2), branch))?;
///
/// assert_eq!(tree.children(OrgId::new(1)), &[OrgId::new(2)]);
/// assert_eq!(tree.ancestors(OrgId::new(2)), vec![OrgId::new(1)]);
/// // A committee may not be moved under its own branch.
/// assert!(matches!(
///     tree.reparent(OrgId::new(1), Some(OrgId::new(2))),
///     Err(OrgError::WouldCreateCycle { .. })
/// ));
/// # Ok::<(), OrgError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    orgs: BTreeMap<OrgId, Organisation>,
    links: IdMap<Links>,
    roots: Vec<OrgId>,
}

impl PartialEq for OrgTree {
    fn eq(&self, other: &Self) -> bool {
        // The links and roots are derived from the organisations.
        self.orgs == other.orgs
    }
}

impl Eq for OrgTree {}

/// Inserts `id` into a sorted list, keeping it sorted.
fn insert_sorted(list: &mut Vec<OrgId>, id: OrgId) {
    if let Err(pos) = list.binary_search(&id) {
        list.insert(pos, id);
    }
}

/// Removes `id` from a sorted list.
fn remove_sorted(list: &mut Vec<OrgId>, id: OrgId) {
    if let Ok(pos) = list.binary_search(&id) {
        list.remove(pos);
    }
}

impl OrgTree {
    /// 空树: a tree with no organisations.
    pub fn new() -> Self {
        Self::default()
    }

    /// 由组织列表构建: builds the tree from organisations in any order, as
    /// read from a store.
    ///
    /// # Errors
    /// [`OrgError::DuplicateId`] for two organisations with one id,
    /// [`OrgError::UnknownParent`] for a parent that is not in the list,
    /// [`OrgError::ParentKindNotAllowed`] or
    /// [`OrgError::PartyGroupMustHaveBranchParent`] for a refused pair of
    /// kinds (Charter Art. 30; Branch 2018), and
    /// [`OrgError::WouldCreateCycle`] for organisations that form a cycle
    /// (naming the member of the cycle with the smallest id, and its parent).
    ///
    /// ```
    /// use dangjian::OrgId;
    /// use dangjian::org::{OrgError, OrgKind, OrgTree, Organisation};
    /// let committee = |id, parent: Option<u64>| Organisation {
    ///     id: OrgId::new(id),
    ///     name: format!("党委{id}").parse().unwrap(),
    ///     kind: OrgKind::GrassrootsCommittee,
    ///     parent: parent.map(OrgId::new),
    ///     version: 0,
    /// };
    /// let tree = OrgTree::from_orgs([committee(2, Some(1)), committee(1, None)])?;
    /// assert_eq!(tree.len(), 2);
    /// assert_eq!(
    ///     OrgTree::from_orgs([committee(1, Some(2)), committee(2, Some(1))]),
    ///     Err(OrgError::WouldCreateCycle { org: OrgId::new(1), new_parent: OrgId::new(2) })
    /// );
    /// # Ok::<(), OrgError>(())
    /// ```
    pub fn from_orgs(orgs: impl IntoIterator<Item = Organisation>) -> Result<Self, OrgError> {
        let mut map = BTreeMap::new();
        for org in orgs {
            let id = org.id;
            if map.insert(id, org).is_some() {
                return Err(OrgError::DuplicateId(id));
            }
        }
        for org in map.values() {
            let parent_kind = match org.parent {
                None => None,
                Some(p) => Some(&map.get(&p).ok_or(OrgError::UnknownParent(p))?.kind),
            };
            org.kind.check_parent_kind(parent_kind)?;
        }

        let mut links: IdMap<Links> = map.keys().map(|&id| (id, Links::default())).collect();
        let mut roots = Vec::new();
        // Ascending ids, so every children list comes out sorted.
        for org in map.values() {
            match org.parent {
                None => roots.push(org.id),
                Some(p) => {
                    if let Some(l) = links.get_mut(&p) {
                        l.children.push(org.id);
                    }
                }
            }
        }
        let mut tree = Self {
            orgs: map,
            links,
            roots,
        };
        let mut reached = 0;
        for root in tree.roots.clone() {
            reached += tree.refresh_ancestors(root);
        }
        if reached < tree.orgs.len() {
            return Err(tree.find_cycle());
        }
        Ok(tree)
    }

    /// Names a cycle in a tree whose roots do not reach every node: the
    /// cycle member with the smallest id, and its parent.
    fn find_cycle(&self) -> OrgError {
        let mut reachable = BTreeSet::new();
        for &root in &self.roots {
            reachable.extend(self.subtree(root));
        }
        // Walk up from the first unreached node until an id repeats: that
        // id lies on the cycle.
        let mut seen = BTreeSet::new();
        let mut at = self.orgs.keys().copied().find(|id| !reachable.contains(id));
        while let Some(id) = at {
            if !seen.insert(id) {
                break;
            }
            at = self.parent(id);
        }
        let mut cycle = BTreeSet::new();
        while let Some(id) = at {
            if !cycle.insert(id) {
                break;
            }
            at = self.parent(id);
        }
        match cycle
            .first()
            .and_then(|&id| self.parent(id).map(|p| (id, p)))
        {
            Some((org, new_parent)) => OrgError::WouldCreateCycle { org, new_parent },
            // Unreachable for a tree whose parents all exist.
            None => OrgError::UnknownOrg(OrgId::new(0)),
        }
    }

    /// Recomputes the ancestor chains in `root`'s subtree, assuming the
    /// chain of `root`'s parent is right. Returns the number of nodes
    /// visited.
    fn refresh_ancestors(&mut self, root: OrgId) -> usize {
        let mut stack = vec![root];
        let mut visited = 0;
        while let Some(id) = stack.pop() {
            let ancestors = match self.parent(id) {
                None => Vec::new(),
                Some(p) => {
                    let above = self.links.get(&p).map_or(&[][..], |l| &l.ancestors);
                    let mut chain = Vec::with_capacity(above.len() + 1);
                    chain.push(p);
                    chain.extend_from_slice(above);
                    chain
                }
            };
            if let Some(l) = self.links.get_mut(&id) {
                l.ancestors = ancestors;
                stack.extend(l.children.iter().rev());
                visited += 1;
            }
        }
        visited
    }

    /// 组织数: the number of organisations.
    pub fn len(&self) -> usize {
        self.orgs.len()
    }

    /// 是否为空: true when the tree holds no organisation.
    pub fn is_empty(&self) -> bool {
        self.orgs.is_empty()
    }

    /// 是否存在: true when an organisation has this id.
    pub fn contains(&self, id: OrgId) -> bool {
        self.orgs.contains_key(&id)
    }

    /// 查找组织: the organisation with this id.
    pub fn get(&self, id: OrgId) -> Option<&Organisation> {
        self.orgs.get(&id)
    }

    /// 遍历: every organisation, ordered by id.
    pub fn iter(&self) -> impl Iterator<Item = &Organisation> {
        self.orgs.values()
    }

    /// 顶层组织: the organisations without a parent, sorted by id.
    pub fn roots(&self) -> &[OrgId] {
        &self.roots
    }

    /// Checks that an organisation of `kind` may sit under `parent`.
    fn check_placement(&self, kind: &OrgKind, parent: Option<OrgId>) -> Result<(), OrgError> {
        let parent_kind = match parent {
            None => None,
            Some(p) => Some(&self.get(p).ok_or(OrgError::UnknownParent(p))?.kind),
        };
        kind.check_parent_kind(parent_kind)
    }

    /// 新建校验: checks that `new` may be created: its parent exists and its
    /// kind may sit there (Charter Art. 30; Branch 2018).
    ///
    /// # Errors
    /// [`OrgError::UnknownParent`], [`OrgError::ParentKindNotAllowed`] or
    /// [`OrgError::PartyGroupMustHaveBranchParent`].
    pub fn check_new(&self, new: &NewOrganisation) -> Result<(), OrgError> {
        self.check_placement(&new.kind, new.parent)
    }

    /// 加入组织: adds `org` after the checks of [`OrgTree::check_new`] and a
    /// check that its id is new. The tree is unchanged on error.
    ///
    /// # Errors
    /// [`OrgError::DuplicateId`], and the errors of [`OrgTree::check_new`].
    pub fn insert(&mut self, org: Organisation) -> Result<(), OrgError> {
        if self.contains(org.id) {
            return Err(OrgError::DuplicateId(org.id));
        }
        self.check_placement(&org.kind, org.parent)?;
        let ancestors = match org.parent {
            None => {
                insert_sorted(&mut self.roots, org.id);
                Vec::new()
            }
            Some(p) => {
                let mut chain = vec![p];
                if let Some(l) = self.links.get_mut(&p) {
                    insert_sorted(&mut l.children, org.id);
                    chain.extend_from_slice(&l.ancestors);
                }
                chain
            }
        };
        self.links.insert(
            org.id,
            Links {
                children: Vec::new(),
                ancestors,
            },
        );
        self.orgs.insert(org.id, org);
        Ok(())
    }

    /// 调整隶属关系校验: checks that `id` may move under `new_parent`
    /// (`None`: to the top): both exist, the move makes no cycle (under
    /// itself or a descendant), and the kinds allow it (Charter Art. 30;
    /// Branch 2018).
    ///
    /// # Errors
    /// [`OrgError::UnknownOrg`], [`OrgError::UnknownParent`],
    /// [`OrgError::WouldCreateCycle`], [`OrgError::ParentKindNotAllowed`] or
    /// [`OrgError::PartyGroupMustHaveBranchParent`].
    pub fn check_reparent(&self, id: OrgId, new_parent: Option<OrgId>) -> Result<(), OrgError> {
        let org = self.get(id).ok_or(OrgError::UnknownOrg(id))?;
        if let Some(p) = new_parent {
            if !self.contains(p) {
                return Err(OrgError::UnknownParent(p));
            }
            if self.is_within(p, id) {
                return Err(OrgError::WouldCreateCycle {
                    org: id,
                    new_parent: p,
                });
            }
        }
        self.check_placement(&org.kind, new_parent)
    }

    /// 调整隶属关系: moves `id` (with its subtree) under `new_parent`
    /// (`None`: to the top) after [`OrgTree::check_reparent`], and increases
    /// its version. Moving to the current parent changes nothing. The tree
    /// is unchanged on error.
    ///
    /// # Errors
    /// The errors of [`OrgTree::check_reparent`].
    pub fn reparent(&mut self, id: OrgId, new_parent: Option<OrgId>) -> Result<(), OrgError> {
        self.check_reparent(id, new_parent)?;
        let old_parent = self.parent(id);
        if old_parent == new_parent {
            return Ok(());
        }
        match old_parent {
            None => remove_sorted(&mut self.roots, id),
            Some(p) => {
                if let Some(l) = self.links.get_mut(&p) {
                    remove_sorted(&mut l.children, id);
                }
            }
        }
        match new_parent {
            None => insert_sorted(&mut self.roots, id),
            Some(p) => {
                if let Some(l) = self.links.get_mut(&p) {
                    insert_sorted(&mut l.children, id);
                }
            }
        }
        if let Some(org) = self.orgs.get_mut(&id) {
            org.parent = new_parent;
            org.version = org.version.saturating_add(1);
        }
        self.refresh_ancestors(id);
        Ok(())
    }

    /// 更名: renames `id` and increases its version (an unchanged name
    /// changes nothing).
    ///
    /// # Errors
    /// [`OrgError::UnknownOrg`].
    pub fn rename(&mut self, id: OrgId, name: OrgName) -> Result<(), OrgError> {
        let org = self.orgs.get_mut(&id).ok_or(OrgError::UnknownOrg(id))?;
        if org.name != name {
            org.name = name;
            org.version = org.version.saturating_add(1);
        }
        Ok(())
    }

    /// 变更组织类别校验: checks that `id` may become `kind`: the new kind may
    /// sit under its parent, and each child may sit under the new kind
    /// (Charter Art. 30; Branch 2018).
    ///
    /// # Errors
    /// [`OrgError::UnknownOrg`], [`OrgError::ParentKindNotAllowed`] or
    /// [`OrgError::PartyGroupMustHaveBranchParent`].
    pub fn check_change_kind(&self, id: OrgId, kind: &OrgKind) -> Result<(), OrgError> {
        let org = self.get(id).ok_or(OrgError::UnknownOrg(id))?;
        self.check_placement(kind, org.parent)?;
        for child in self.children(id) {
            if let Some(c) = self.get(*child) {
                c.kind.check_parent_kind(Some(kind))?;
            }
        }
        Ok(())
    }

    /// 变更组织类别: changes the kind of `id` (e.g. a branch grown past 50
    /// members becoming a general branch, `docs/RULES.md` ORG-5) after
    /// [`OrgTree::check_change_kind`], and increases its version (an
    /// unchanged kind changes nothing). The tree is unchanged on error.
    ///
    /// # Errors
    /// The errors of [`OrgTree::check_change_kind`].
    pub fn change_kind(&mut self, id: OrgId, kind: OrgKind) -> Result<(), OrgError> {
        self.check_change_kind(id, &kind)?;
        if let Some(org) = self.orgs.get_mut(&id) {
            if org.kind != kind {
                org.kind = kind;
                org.version = org.version.saturating_add(1);
            }
        }
        Ok(())
    }

    /// 撤销组织: removes `id`, which must have no children, and returns it.
    /// The tree is unchanged on error.
    ///
    /// # Errors
    /// [`OrgError::UnknownOrg`] or [`OrgError::HasChildren`].
    pub fn remove(&mut self, id: OrgId) -> Result<Organisation, OrgError> {
        if !self.children(id).is_empty() {
            return Err(OrgError::HasChildren(id));
        }
        let org = self.orgs.remove(&id).ok_or(OrgError::UnknownOrg(id))?;
        self.links.remove(&id);
        match org.parent {
            None => remove_sorted(&mut self.roots, id),
            Some(p) => {
                if let Some(l) = self.links.get_mut(&p) {
                    remove_sorted(&mut l.children, id);
                }
            }
        }
        Ok(org)
    }

    /// 上级组织: the parent of `id` (`None` at the top or when unknown).
    pub fn parent(&self, id: OrgId) -> Option<OrgId> {
        self.orgs.get(&id).and_then(|o| o.parent)
    }

    /// 下级组织: the direct children of `id`, sorted by id; empty when `id`
    /// is unknown.
    pub fn children(&self, id: OrgId) -> &[OrgId] {
        self.links.get(&id).map_or(&[][..], |l| &l.children)
    }

    /// 上级组织链: the ancestors of `id`, nearest first, without `id`
    /// itself; empty at the top or when unknown.
    pub fn ancestors(&self, id: OrgId) -> Vec<OrgId> {
        self.links
            .get(&id)
            .map(|l| l.ancestors.clone())
            .unwrap_or_default()
    }

    /// 层级深度: the number of ancestors of `id` (0 at the top); `None` when
    /// unknown.
    pub fn depth(&self, id: OrgId) -> Option<usize> {
        self.links.get(&id).map(|l| l.ancestors.len())
    }

    /// 是否属于: true when `org` is `root` or lies in `root`'s subtree
    /// (`root` is one of its ancestors); false when `org` is unknown.
    ///
    /// This is the hot path of every permission check: one hash lookup and a
    /// scan of the (short) ancestor chain.
    ///
    /// ```
    /// use dangjian::OrgId;
    /// use dangjian::org::{OrgKind, OrgTree, Organisation};
    /// let c = |id, parent: Option<u64>| Organisation {
    ///     id: OrgId::new(id),
    ///     name: "党委".parse().unwrap(),
    ///     kind: OrgKind::GrassrootsCommittee,
    ///     parent: parent.map(OrgId::new),
    ///     version: 0,
    /// };
    /// let tree = OrgTree::from_orgs([c(1, None), c(2, Some(1)), c(3, None)])?;
    /// assert!(tree.is_within(OrgId::new(2), OrgId::new(1)));
    /// assert!(tree.is_within(OrgId::new(1), OrgId::new(1)));
    /// assert!(!tree.is_within(OrgId::new(1), OrgId::new(2)));
    /// assert!(!tree.is_within(OrgId::new(2), OrgId::new(3)));
    /// # Ok::<(), dangjian::org::OrgError>(())
    /// ```
    pub fn is_within(&self, org: OrgId, root: OrgId) -> bool {
        match self.links.get(&org) {
            Some(l) => org == root || l.ancestors.contains(&root),
            None => false,
        }
    }

    /// 下辖组织: `root`'s subtree in pre-order, `root` first, children by
    /// id; empty when `root` is unknown.
    pub fn subtree(&self, root: OrgId) -> Vec<OrgId> {
        let mut out = Vec::new();
        if !self.contains(root) {
            return out;
        }
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            out.push(id);
            stack.extend(self.children(id).iter().rev());
        }
        out
    }

    /// 全部党支部: every branch (physical and online) of the tree, in the
    /// tree's order.
    pub fn branches(&self) -> Vec<OrgId> {
        self.iter()
            .filter(|o| o.kind.is_branch())
            .map(|o| o.id)
            .collect()
    }

    /// 下辖党支部: the branches (physical and online) in `root`'s subtree,
    /// in the order of [`OrgTree::subtree`].
    pub fn branches_in(&self, root: OrgId) -> Vec<OrgId> {
        self.subtree(root)
            .into_iter()
            .filter(|&id| self.get(id).is_some_and(|o| o.kind.is_branch()))
            .collect()
    }

    /// 所在党支部: `id` itself when it is a branch, the branch a party group
    /// sits in (Branch 2018), and `None` otherwise.
    pub fn nearest_branch(&self, id: OrgId) -> Option<OrgId> {
        let org = self.get(id)?;
        match org.kind {
            OrgKind::Branch(_) => Some(id),
            OrgKind::PartyGroup => org
                .parent
                .filter(|&p| self.get(p).is_some_and(|o| o.kind.is_branch())),
            OrgKind::GrassrootsCommittee | OrgKind::GeneralBranch => None,
        }
    }
}
