//! Property tests of the organisation tree, through the public API only:
//! random sequences of inserts, reparents, kind changes and removals never
//! produce a cycle, keep the kind rules, and leave the tree unchanged when
//! they fail.

use dangjian::OrgId;
use dangjian::org::{BranchForm, OnlineTheme, OrgKind, OrgName, OrgTree, Organisation};
use proptest::prelude::*;
use std::collections::BTreeSet;

const MAX_ID: u64 = 64;

/// An organisation named by an operation: mostly one already in the tree
/// (picked when the operation runs), sometimes any id, which may be unknown.
#[derive(Debug, Clone)]
enum Target {
    Existing(prop::sample::Index),
    Raw(u64),
}

impl Target {
    fn resolve(&self, tree: &OrgTree) -> OrgId {
        match self {
            Self::Raw(id) => OrgId::new(*id),
            Self::Existing(index) => {
                let ids: Vec<OrgId> = tree.iter().map(|o| o.id).collect();
                if ids.is_empty() {
                    OrgId::new(MAX_ID)
                } else {
                    *index.get(&ids)
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Insert {
        id: u64,
        kind: OrgKind,
        parent: Option<Target>,
    },
    Reparent {
        org: Target,
        parent: Option<Target>,
    },
    ChangeKind {
        org: Target,
        kind: OrgKind,
    },
    Remove {
        org: Target,
    },
}

fn kind() -> impl Strategy<Value = OrgKind> {
    prop_oneof![
        3 => Just(OrgKind::GrassrootsCommittee),
        2 => Just(OrgKind::GeneralBranch),
        3 => Just(OrgKind::Branch(BranchForm::Physical)),
        1 => Just(OrgKind::Branch(BranchForm::Online {
            theme: OnlineTheme::YoungMembers
        })),
        3 => Just(OrgKind::PartyGroup),
    ]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        9 => any::<prop::sample::Index>().prop_map(Target::Existing),
        1 => (0..=MAX_ID).prop_map(Target::Raw),
    ]
}

fn parent() -> impl Strategy<Value = Option<Target>> {
    prop_oneof![1 => Just(None), 5 => target().prop_map(Some)]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0..MAX_ID, kind(), parent())
            .prop_map(|(id, kind, parent)| Op::Insert { id, kind, parent }),
        4 => (target(), parent()).prop_map(|(org, parent)| Op::Reparent { org, parent }),
        1 => (target(), kind()).prop_map(|(org, kind)| Op::ChangeKind { org, kind }),
        1 => target().prop_map(|org| Op::Remove { org }),
    ]
}

fn apply(tree: &mut OrgTree, op: &Op) -> bool {
    let resolve = |t: &Option<Target>, tree: &OrgTree| t.as_ref().map(|t| t.resolve(tree));
    match op {
        Op::Insert { id, kind, parent } => {
            let Ok(name) = OrgName::new(&format!("组织{id}")) else {
                return false;
            };
            let parent = resolve(parent, tree);
            tree.insert(Organisation {
                id: OrgId::new(*id),
                name,
                kind: kind.clone(),
                parent,
                version: 0,
            })
            .is_ok()
        }
        Op::Reparent { org, parent } => {
            let org = org.resolve(tree);
            let parent = resolve(parent, tree);
            tree.reparent(org, parent).is_ok()
        }
        Op::ChangeKind { org, kind } => {
            let org = org.resolve(tree);
            tree.change_kind(org, kind.clone()).is_ok()
        }
        Op::Remove { org } => {
            let org = org.resolve(tree);
            tree.remove(org).is_ok()
        }
    }
}

/// Every invariant the tree promises, checked through the public API.
fn check_invariants(tree: &OrgTree) -> Result<(), TestCaseError> {
    let all: Vec<OrgId> = tree.iter().map(|o| o.id).collect();
    prop_assert_eq!(all.len(), tree.len());
    prop_assert!(
        all.windows(2).all(|w| w.first() < w.get(1)),
        "iter sorted by id"
    );

    for org in tree.iter() {
        let id = org.id;
        // Ancestors: finite, no repeats, never the org itself, a chain of
        // parents, each an enclosing organisation.
        let ancestors = tree.ancestors(id);
        prop_assert!(ancestors.len() <= tree.len());
        prop_assert!(!ancestors.contains(&id), "{} is its own ancestor", id);
        let unique: BTreeSet<_> = ancestors.iter().collect();
        prop_assert_eq!(unique.len(), ancestors.len());
        prop_assert_eq!(ancestors.first().copied(), org.parent);
        let mut at = id;
        for &a in &ancestors {
            prop_assert_eq!(tree.parent(at), Some(a));
            prop_assert!(tree.is_within(id, a));
            prop_assert!(!tree.is_within(a, id));
            at = a;
        }
        if let Some(&top) = ancestors.last() {
            prop_assert_eq!(tree.parent(top), None);
        }
        prop_assert!(tree.is_within(id, id));

        // Kind rules.
        let parent_kind = org.parent.and_then(|p| tree.get(p)).map(|p| &p.kind);
        prop_assert_eq!(org.parent.is_some(), parent_kind.is_some());
        prop_assert!(org.kind.check_parent_kind(parent_kind).is_ok());

        // Children: sorted, and each names this org as parent.
        let children = tree.children(id);
        prop_assert!(children.windows(2).all(|w| w.first() < w.get(1)));
        for &c in children {
            prop_assert_eq!(tree.parent(c), Some(id));
        }

        // nearest_branch.
        match &org.kind {
            OrgKind::Branch(_) => prop_assert_eq!(tree.nearest_branch(id), Some(id)),
            OrgKind::PartyGroup => prop_assert_eq!(tree.nearest_branch(id), org.parent),
            _ => prop_assert_eq!(tree.nearest_branch(id), None),
        }
    }

    // The subtrees of the roots partition the tree.
    let roots: Vec<OrgId> = tree
        .iter()
        .filter(|o| o.parent.is_none())
        .map(|o| o.id)
        .collect();
    prop_assert_eq!(tree.roots(), roots.as_slice());
    let mut seen = BTreeSet::new();
    for &root in &roots {
        let sub = tree.subtree(root);
        prop_assert_eq!(sub.first().copied(), Some(root));
        for id in sub {
            prop_assert!(seen.insert(id), "{} in two subtrees", id);
            prop_assert!(tree.is_within(id, root));
        }
    }
    prop_assert_eq!(seen.into_iter().collect::<Vec<_>>(), all);

    // The tree rebuilt from its organisations is the same tree.
    let rebuilt = OrgTree::from_orgs(tree.iter().cloned());
    prop_assert_eq!(rebuilt.as_ref().ok(), Some(tree));
    if let Ok(rebuilt) = rebuilt {
        for org in tree.iter() {
            prop_assert_eq!(rebuilt.ancestors(org.id), tree.ancestors(org.id));
            prop_assert_eq!(rebuilt.children(org.id), tree.children(org.id));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_operations_keep_the_tree_valid(ops in prop::collection::vec(op(), 1..200)) {
        let mut tree = OrgTree::new();
        for op in &ops {
            let before = tree.clone();
            let before_list: Vec<Organisation> = before.iter().cloned().collect();
            if !apply(&mut tree, op) {
                prop_assert_eq!(&tree, &before, "failed {:?} changed the tree", op);
                let after_list: Vec<Organisation> = tree.iter().cloned().collect();
                prop_assert_eq!(after_list, before_list);
                for org in before.iter() {
                    prop_assert_eq!(tree.children(org.id), before.children(org.id));
                    prop_assert_eq!(tree.ancestors(org.id), before.ancestors(org.id));
                }
            }
            check_invariants(&tree)?;
        }
    }

    #[test]
    fn reparent_under_own_subtree_is_always_refused(
        ops in prop::collection::vec(op(), 1..80),
        pick in any::<prop::sample::Index>(),
        pick_below in any::<prop::sample::Index>(),
    ) {
        let mut tree = OrgTree::new();
        for op in &ops {
            apply(&mut tree, op);
        }
        let all: Vec<OrgId> = tree.iter().map(|o| o.id).collect();
        if all.is_empty() {
            return Ok(());
        }
        let id = *pick.get(&all);
        let sub = tree.subtree(id);
        let target = *pick_below.get(&sub);
        let before = tree.clone();
        let res = tree.reparent(id, Some(target));
        prop_assert!(
            matches!(res, Err(dangjian::org::OrgError::WouldCreateCycle { .. })),
            "moving {} under {} gave {:?}", id, target, res
        );
        prop_assert_eq!(tree, before);
    }

    #[test]
    fn from_orgs_is_order_independent(
        ops in prop::collection::vec(op(), 1..80),
        seed in any::<u64>(),
    ) {
        let mut tree = OrgTree::new();
        for op in &ops {
            apply(&mut tree, op);
        }
        let mut orgs: Vec<Organisation> = tree.iter().cloned().collect();
        // A deterministic shuffle.
        let mut s = seed | 1;
        for i in (1..orgs.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let j = usize::try_from(s % (i as u64 + 1)).unwrap_or(0);
            orgs.swap(i, j);
        }
        let rebuilt = OrgTree::from_orgs(orgs);
        prop_assert_eq!(rebuilt.ok(), Some(tree));
    }
}
