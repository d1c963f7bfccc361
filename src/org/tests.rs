//! Unit tests of the organisation tree and the structural checks.

use super::*;
use std::collections::BTreeMap;

fn id(n: u64) -> OrgId {
    OrgId::new(n)
}

fn name(s: &str) -> OrgName {
    OrgName::new(s).unwrap()
}

fn org(n: u64, kind: OrgKind, parent: Option<u64>) -> Organisation {
    Organisation {
        id: id(n),
        name: name(&format!("组织{n}")),
        kind,
        parent: parent.map(id),
        version: 0,
    }
}

const C: OrgKind = OrgKind::GrassrootsCommittee;
const G: OrgKind = OrgKind::GeneralBranch;
const B: OrgKind = OrgKind::Branch(BranchForm::Physical);
const P: OrgKind = OrgKind::PartyGroup;

fn online() -> OrgKind {
    OrgKind::Branch(BranchForm::Online {
        theme: OnlineTheme::MobileMembers,
    })
}

/// ```text
/// 1 committee
/// ├── 2 committee
/// │   ├── 4 general branch
/// │   │   ├── 6 branch
/// │   │   │   ├── 8 party group
/// │   │   │   └── 9 party group
/// │   │   └── 7 online branch
/// │   ├── 5 branch
/// │   └── 12 committee
/// └── 3 online branch
///     └── 10 party group
/// 11 branch
/// ```
fn sample_orgs() -> Vec<Organisation> {
    vec![
        org(1, C, None),
        org(2, C, Some(1)),
        org(3, online(), Some(1)),
        org(4, G, Some(2)),
        org(5, B, Some(2)),
        org(6, B, Some(4)),
        org(7, online(), Some(4)),
        org(8, P, Some(6)),
        org(9, P, Some(6)),
        org(10, P, Some(3)),
        org(11, B, None),
        org(12, C, Some(2)),
    ]
}

fn sample() -> OrgTree {
    OrgTree::from_orgs(sample_orgs()).unwrap()
}

fn ids(v: &[u64]) -> Vec<OrgId> {
    v.iter().copied().map(id).collect()
}

// ---- kind rules ----------------------------------------------------------

#[test]
fn every_kind_pair_is_allowed_or_refused_as_the_rules_say() {
    let kinds = [C, G, B, online(), P];
    // allowed[child][parent], parents in the order of `kinds`.
    let allowed = [
        [true, false, false, false, false], // committee under …
        [true, false, false, false, false], // general branch under …
        [true, true, false, false, false],  // branch under …
        [true, true, false, false, false],  // online branch under …
        [false, false, true, true, false],  // party group under …
    ];
    let at_top = [true, true, true, true, false];
    for (ci, child) in kinds.iter().enumerate() {
        assert_eq!(
            child.check_parent_kind(None).is_ok(),
            at_top[ci],
            "{child:?} at the top"
        );
        for (pi, parent) in kinds.iter().enumerate() {
            let expected = allowed[ci][pi];
            let got = child.check_parent_kind(Some(parent));
            assert_eq!(got.is_ok(), expected, "{child:?} under {parent:?}");
            if !expected {
                assert_eq!(
                    got,
                    Err(OrgError::ParentKindNotAllowed {
                        kind: child.label_zh(),
                        parent_kind: parent.label_zh(),
                    })
                );
            }

            // The same through the tree: check_new and insert agree, and a
            // refused insert leaves the tree unchanged.
            let mut tree = OrgTree::new();
            let parent_org = org(1, parent.clone(), None);
            let parent_org = if parent.is_branch() || *parent == P {
                // A party group needs a branch above it to exist at all.
                tree.insert(org(100, B, None)).unwrap();
                Organisation {
                    parent: if *parent == P { Some(id(100)) } else { None },
                    ..parent_org
                }
            } else {
                parent_org
            };
            tree.insert(parent_org).unwrap();
            let new = NewOrganisation {
                name: name("新组织"),
                kind: child.clone(),
                parent: Some(id(1)),
            };
            assert_eq!(tree.check_new(&new).is_ok(), expected);
            let before = tree.clone();
            let res = tree.insert(Organisation::from_new(id(2), new));
            assert_eq!(res.is_ok(), expected);
            if !expected {
                assert_eq!(tree, before);
                assert_eq!(tree.len(), before.len());
            }
        }
    }
}

#[test]
fn party_group_outside_a_branch_is_refused() {
    let tree = sample();
    let at_top = NewOrganisation {
        name: name("党小组"),
        kind: P,
        parent: None,
    };
    assert_eq!(
        tree.check_new(&at_top),
        Err(OrgError::PartyGroupMustHaveBranchParent)
    );
    let under_committee = NewOrganisation {
        parent: Some(id(1)),
        ..at_top.clone()
    };
    assert!(matches!(
        tree.check_new(&under_committee),
        Err(OrgError::ParentKindNotAllowed {
            kind: "党小组",
            parent_kind: "基层党委"
        })
    ));
    let under_general = NewOrganisation {
        parent: Some(id(4)),
        ..at_top.clone()
    };
    assert!(tree.check_new(&under_general).is_err());
    let under_online = NewOrganisation {
        parent: Some(id(7)),
        ..at_top
    };
    assert_eq!(tree.check_new(&under_online), Ok(()));
}

#[test]
fn nothing_sits_under_a_party_group() {
    let tree = sample();
    for kind in [C, G, B, online(), P] {
        let new = NewOrganisation {
            name: name("x"),
            kind,
            parent: Some(id(8)),
        };
        assert!(matches!(
            tree.check_new(&new),
            Err(OrgError::ParentKindNotAllowed {
                parent_kind: "党小组",
                ..
            })
        ));
    }
}

#[test]
fn unknown_parent_and_duplicate_id_are_refused_on_insert() {
    let mut tree = sample();
    let before = tree.clone();
    assert_eq!(
        tree.insert(org(50, B, Some(99))),
        Err(OrgError::UnknownParent(id(99)))
    );
    assert_eq!(
        tree.insert(org(5, B, Some(1))),
        Err(OrgError::DuplicateId(id(5)))
    );
    // A new org naming itself as parent: its id is not in the tree yet.
    assert_eq!(
        tree.insert(org(50, C, Some(50))),
        Err(OrgError::UnknownParent(id(50)))
    );
    assert_eq!(tree, before);
    let new = NewOrganisation {
        name: name("x"),
        kind: B,
        parent: Some(id(99)),
    };
    assert_eq!(tree.check_new(&new), Err(OrgError::UnknownParent(id(99))));
}

#[test]
fn insert_keeps_children_sorted_and_ancestors() {
    let mut tree = sample();
    tree.insert(org(0, B, Some(2))).unwrap();
    tree.insert(org(100, P, Some(0))).unwrap();
    assert_eq!(tree.children(id(2)), ids(&[0, 4, 5, 12]).as_slice());
    assert_eq!(tree.ancestors(id(100)), ids(&[0, 2, 1]));
    assert!(tree.is_within(id(100), id(1)));
    assert_eq!(tree.nearest_branch(id(100)), Some(id(0)));
}

// ---- reparent ------------------------------------------------------------

#[test]
fn reparent_to_self_child_or_grandchild_is_a_cycle_and_changes_nothing() {
    let mut tree = sample();
    let before = tree.clone();
    for target in [1, 2, 12, 4] {
        let res = tree.reparent(id(1), Some(id(target)));
        assert_eq!(
            res,
            Err(OrgError::WouldCreateCycle {
                org: id(1),
                new_parent: id(target)
            }),
            "move under {target}"
        );
        assert_eq!(tree, before);
        assert_eq!(tree.ancestors(id(12)), ids(&[2, 1]));
        assert_eq!(tree.children(id(1)), ids(&[2, 3]).as_slice());
    }
    // A branch under its own party group: a cycle before a kind error.
    assert!(matches!(
        tree.reparent(id(6), Some(id(8))),
        Err(OrgError::WouldCreateCycle { .. })
    ));
    assert_eq!(tree, before);
}

#[test]
fn reparent_refuses_bad_kinds_and_unknown_ids() {
    let mut tree = sample();
    let before = tree.clone();
    // Branch under a party group.
    assert!(matches!(
        tree.reparent(id(5), Some(id(10))),
        Err(OrgError::ParentKindNotAllowed { .. })
    ));
    // Branch under a branch.
    assert!(tree.reparent(id(5), Some(id(11))).is_err());
    // General branch under a general branch.
    assert!(tree.reparent(id(4), Some(id(4))).is_err());
    // Party group to the top, or under a committee.
    assert_eq!(
        tree.reparent(id(8), None),
        Err(OrgError::PartyGroupMustHaveBranchParent)
    );
    assert!(tree.reparent(id(8), Some(id(1))).is_err());
    assert_eq!(
        tree.reparent(id(99), None),
        Err(OrgError::UnknownOrg(id(99)))
    );
    assert_eq!(
        tree.reparent(id(5), Some(id(99))),
        Err(OrgError::UnknownParent(id(99)))
    );
    assert_eq!(tree, before);
}

#[test]
fn reparent_moves_the_subtree_and_bumps_the_version() {
    let mut tree = sample();
    // Move general branch 4 (with 6, 7, 8, 9) from committee 2 to 12.
    tree.reparent(id(4), Some(id(12))).unwrap();
    assert_eq!(tree.parent(id(4)), Some(id(12)));
    assert_eq!(tree.children(id(2)), ids(&[5, 12]).as_slice());
    assert_eq!(tree.children(id(12)), ids(&[4]).as_slice());
    assert_eq!(tree.ancestors(id(8)), ids(&[6, 4, 12, 2, 1]));
    assert_eq!(tree.get(id(4)).map(|o| o.version), Some(1));
    assert_eq!(tree.get(id(6)).map(|o| o.version), Some(0));
    // Party group 8 to online branch 3.
    tree.reparent(id(8), Some(id(3))).unwrap();
    assert_eq!(tree.children(id(3)), ids(&[8, 10]).as_slice());
    assert_eq!(tree.nearest_branch(id(8)), Some(id(3)));
    // Committee 2 to the top.
    tree.reparent(id(2), None).unwrap();
    assert_eq!(tree.roots(), ids(&[1, 2, 11]).as_slice());
    assert!(!tree.is_within(id(9), id(1)));
    assert!(tree.is_within(id(9), id(2)));
    // The result equals a tree built from scratch.
    let rebuilt = OrgTree::from_orgs(tree.iter().cloned()).unwrap();
    assert_eq!(rebuilt, tree);
    assert_eq!(rebuilt.ancestors(id(9)), tree.ancestors(id(9)));
    // Moving to the same parent changes nothing.
    let before = tree.clone();
    tree.reparent(id(9), Some(id(6))).unwrap();
    assert_eq!(tree, before);
}

#[test]
fn rename_change_kind_and_remove() {
    let mut tree = sample();
    tree.rename(id(5), name("新名称")).unwrap();
    assert_eq!(tree.get(id(5)).map(|o| o.name.as_str()), Some("新名称"));
    assert_eq!(tree.get(id(5)).map(|o| o.version), Some(1));
    tree.rename(id(5), name("新名称")).unwrap();
    assert_eq!(tree.get(id(5)).map(|o| o.version), Some(1));
    assert_eq!(
        tree.rename(id(99), name("x")),
        Err(OrgError::UnknownOrg(id(99)))
    );

    let before = tree.clone();
    // Branch 6 has party groups: it cannot become a general branch.
    assert!(tree.change_kind(id(6), G).is_err());
    // A general branch under a general branch is refused too.
    assert!(tree.change_kind(id(7), G).is_err());
    assert_eq!(tree, before);
    // Branch 5 (no children, under a committee) may.
    tree.change_kind(id(5), G).unwrap();
    assert_eq!(tree.get(id(5)).map(|o| o.kind.clone()), Some(G));

    let before = tree.clone();
    assert_eq!(tree.remove(id(6)), Err(OrgError::HasChildren(id(6))));
    assert_eq!(tree.remove(id(99)), Err(OrgError::UnknownOrg(id(99))));
    assert_eq!(tree, before);
    let removed = tree.remove(id(9)).unwrap();
    assert_eq!(removed.id, id(9));
    assert_eq!(tree.children(id(6)), ids(&[8]).as_slice());
    assert!(tree.get(id(9)).is_none());
    assert!(!tree.is_within(id(9), id(1)));
    tree.remove(id(11)).unwrap();
    assert_eq!(tree.roots(), ids(&[1]).as_slice());
}

// ---- queries -------------------------------------------------------------

#[test]
fn queries_on_a_small_tree() {
    let tree = sample();
    assert_eq!(tree.len(), 12);
    assert!(!tree.is_empty());
    assert!(OrgTree::new().is_empty());
    assert_eq!(
        tree.iter().map(|o| o.id).collect::<Vec<_>>(),
        ids(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    );
    assert_eq!(tree.roots(), ids(&[1, 11]).as_slice());

    assert_eq!(tree.children(id(1)), ids(&[2, 3]).as_slice());
    assert_eq!(tree.children(id(2)), ids(&[4, 5, 12]).as_slice());
    assert!(tree.children(id(8)).is_empty());
    assert!(tree.children(id(99)).is_empty());

    assert_eq!(tree.parent(id(8)), Some(id(6)));
    assert_eq!(tree.parent(id(1)), None);
    assert_eq!(tree.parent(id(99)), None);

    assert_eq!(tree.ancestors(id(8)), ids(&[6, 4, 2, 1]));
    assert_eq!(tree.ancestors(id(1)), ids(&[]));
    assert_eq!(tree.ancestors(id(99)), ids(&[]));
    assert_eq!(tree.depth(id(8)), Some(4));
    assert_eq!(tree.depth(id(99)), None);

    assert!(tree.is_within(id(8), id(8)));
    assert!(tree.is_within(id(8), id(6)));
    assert!(tree.is_within(id(8), id(4)));
    assert!(tree.is_within(id(8), id(1)));
    assert!(!tree.is_within(id(8), id(3)));
    assert!(!tree.is_within(id(8), id(9)));
    assert!(!tree.is_within(id(1), id(8)));
    assert!(!tree.is_within(id(8), id(11)));
    assert!(!tree.is_within(id(99), id(99)));
    assert!(!tree.is_within(id(99), id(1)));

    assert_eq!(
        tree.subtree(id(1)),
        ids(&[1, 2, 4, 6, 8, 9, 7, 5, 12, 3, 10])
    );
    assert_eq!(tree.subtree(id(4)), ids(&[4, 6, 8, 9, 7]));
    assert_eq!(tree.subtree(id(11)), ids(&[11]));
    assert_eq!(tree.subtree(id(99)), ids(&[]));

    assert_eq!(tree.branches_in(id(1)), ids(&[6, 7, 5, 3]));
    assert_eq!(tree.branches_in(id(4)), ids(&[6, 7]));
    assert_eq!(tree.branches_in(id(8)), ids(&[]));

    assert_eq!(tree.nearest_branch(id(6)), Some(id(6)));
    assert_eq!(tree.nearest_branch(id(7)), Some(id(7)));
    assert_eq!(tree.nearest_branch(id(9)), Some(id(6)));
    assert_eq!(tree.nearest_branch(id(10)), Some(id(3)));
    assert_eq!(tree.nearest_branch(id(4)), None);
    assert_eq!(tree.nearest_branch(id(1)), None);
    assert_eq!(tree.nearest_branch(id(99)), None);
}

#[test]
fn kind_predicates_and_labels() {
    assert!(B.is_branch() && B.is_physical_branch() && !B.is_online_branch());
    assert!(online().is_branch() && online().is_online_branch() && !online().is_physical_branch());
    for k in [C, G, P] {
        assert!(!k.is_branch() && !k.is_physical_branch() && !k.is_online_branch());
    }
    assert_eq!(C.label_zh(), "基层党委");
    assert_eq!(G.label_zh(), "党总支");
    assert_eq!(B.label_zh(), "党支部");
    assert_eq!(online().label_zh(), "网上党支部");
    assert_eq!(P.label_zh(), "党小组");
}

// ---- from_orgs -----------------------------------------------------------

#[test]
fn from_orgs_accepts_any_order() {
    let mut reversed = sample_orgs();
    reversed.reverse();
    let tree = OrgTree::from_orgs(reversed).unwrap();
    assert_eq!(tree, sample());
    assert_eq!(tree.children(id(2)), ids(&[4, 5, 12]).as_slice());
    assert_eq!(tree.ancestors(id(8)), ids(&[6, 4, 2, 1]));
}

#[test]
fn from_orgs_rejects_unknown_parent_cycle_duplicate_and_bad_kind() {
    let mut orgs = sample_orgs();
    orgs.push(org(20, B, Some(99)));
    assert_eq!(
        OrgTree::from_orgs(orgs),
        Err(OrgError::UnknownParent(id(99)))
    );

    let mut orgs = sample_orgs();
    orgs.push(org(5, B, Some(1)));
    assert_eq!(OrgTree::from_orgs(orgs), Err(OrgError::DuplicateId(id(5))));

    // Self loop.
    assert_eq!(
        OrgTree::from_orgs([org(1, C, Some(1))]),
        Err(OrgError::WouldCreateCycle {
            org: id(1),
            new_parent: id(1)
        })
    );
    // A three-cycle of committees with a branch hanging under it and an
    // unrelated valid root.
    let res = OrgTree::from_orgs([
        org(1, B, Some(30)),
        org(10, C, None),
        org(30, C, Some(20)),
        org(20, C, Some(40)),
        org(40, C, Some(30)),
    ]);
    assert_eq!(
        res,
        Err(OrgError::WouldCreateCycle {
            org: id(20),
            new_parent: id(40)
        })
    );

    assert_eq!(
        OrgTree::from_orgs([org(1, P, None)]),
        Err(OrgError::PartyGroupMustHaveBranchParent)
    );
    assert!(matches!(
        OrgTree::from_orgs([org(1, C, None), org(2, P, Some(1))]),
        Err(OrgError::ParentKindNotAllowed { .. })
    ));
}

// ---- names ---------------------------------------------------------------

#[test]
fn org_name_validation() {
    assert_eq!(
        OrgName::new("  第一党支部\t").unwrap().as_str(),
        "第一党支部"
    );
    assert!(matches!(
        OrgName::new(""),
        Err(OrgError::InvalidName { .. })
    ));
    assert!(matches!(
        OrgName::new(" \n "),
        Err(OrgError::InvalidName { .. })
    ));
    assert!(OrgName::new("党\u{7}支部").is_err());
    assert!(OrgName::new("第一\n党支部").is_err());
    let hundred = "党".repeat(100);
    assert!(OrgName::new(&hundred).is_ok());
    assert!(OrgName::new(&format!(" {hundred} ")).is_ok());
    assert!(OrgName::new(&"党".repeat(101)).is_err());
    assert!("x".parse::<OrgName>().is_ok());
    assert!(OrgName::try_from(String::from("x")).is_ok());
    assert!(OrgName::try_from("").is_err());
    assert_eq!(name("机关党委").to_string(), "机关党委");
    assert_eq!(String::from(name("机关党委")), "机关党委");
    // Deserializing validates.
    assert!(serde_json::from_str::<OrgName>(r#""  ""#).is_err());
    assert_eq!(
        serde_json::from_str::<OrgName>(r#"" a ""#).unwrap(),
        name("a")
    );
}

// ---- serde ---------------------------------------------------------------

fn round_trip<T>(value: &T) -> T
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let json = serde_json::to_string(value).unwrap();
    serde_json::from_str(&json).unwrap()
}

#[test]
fn serde_round_trips() {
    let kinds = [
        C,
        G,
        B,
        P,
        online(),
        OrgKind::Branch(BranchForm::Online {
            theme: OnlineTheme::VillageOfficials,
        }),
        OrgKind::Branch(BranchForm::Online {
            theme: OnlineTheme::YoungMembers,
        }),
        OrgKind::Branch(BranchForm::Online {
            theme: OnlineTheme::Industry("物流".into()),
        }),
        OrgKind::Branch(BranchForm::Online {
            theme: OnlineTheme::Other("退役军人".into()),
        }),
    ];
    for k in &kinds {
        assert_eq!(&round_trip(k), k);
    }
    assert_eq!(
        serde_json::to_string(&B).unwrap(),
        r#"{"kind":"branch","form":"physical"}"#
    );
    assert_eq!(
        serde_json::to_string(&kinds[7]).unwrap(),
        r#"{"kind":"branch","form":"online","theme":{"industry":"物流"}}"#
    );
    assert_eq!(
        serde_json::to_string(&G).unwrap(),
        r#"{"kind":"general_branch"}"#
    );

    for o in sample_orgs() {
        assert_eq!(round_trip(&o), o);
    }
    let bad = r#"{"id":1,"name":"","kind":{"kind":"party_group"},"parent":null,"version":0}"#;
    assert!(serde_json::from_str::<Organisation>(bad).is_err());

    let new = NewOrganisation {
        name: name("x"),
        kind: P,
        parent: Some(id(3)),
    };
    assert_eq!(round_trip(&new), new);

    let findings = [
        Finding::BelowMinimumFullMembers {
            org: id(1),
            full: 2,
            minimum: 3,
        },
        Finding::TooLargeForBranch {
            org: id(1),
            members: 51,
            suggested: SuggestedKind::GeneralBranch,
        },
        Finding::CommitteeRequired {
            org: id(1),
            full: 7,
            seats_min: 3,
            seats_usual_max: 5,
            seats_max: 7,
        },
        Finding::SecretaryOnly {
            org: id(1),
            full: 6,
        },
    ];
    for f in &findings {
        assert_eq!(&round_trip(f), f);
    }
    assert_eq!(
        serde_json::to_string(&findings[1]).unwrap(),
        r#"{"type":"too_large_for_branch","org":1,"members":51,"suggested":"general_branch"}"#
    );

    let rules = StructureRules::national_2018();
    assert_eq!(round_trip(&rules), rules);
    let versioned = national_structure_rules();
    assert_eq!(round_trip(&versioned), versioned);
    assert_eq!(
        round_trip(&Headcount {
            full: 3,
            probationary: 1
        }),
        Headcount {
            full: 3,
            probationary: 1
        }
    );
}

// ---- structure findings -------------------------------------------------

fn findings_for(full: u32, probationary: u32) -> Vec<Finding> {
    branch_findings(
        id(1),
        Headcount { full, probationary },
        &StructureRules::national_2018(),
    )
}

fn has(findings: &[Finding], pred: impl Fn(&Finding) -> bool) -> bool {
    findings.iter().any(pred)
}

#[test]
fn minimum_full_members_boundary() {
    let two = findings_for(2, 5);
    assert!(two.contains(&Finding::BelowMinimumFullMembers {
        org: id(1),
        full: 2,
        minimum: 3
    }));
    let three = findings_for(3, 0);
    assert!(!has(&three, |f| matches!(
        f,
        Finding::BelowMinimumFullMembers { .. }
    )));
}

#[test]
fn committee_boundary() {
    assert_eq!(
        findings_for(6, 3),
        vec![Finding::SecretaryOnly {
            org: id(1),
            full: 6
        }]
    );
    assert_eq!(
        findings_for(7, 0),
        vec![Finding::CommitteeRequired {
            org: id(1),
            full: 7,
            seats_min: 3,
            seats_usual_max: 5,
            seats_max: 7
        }]
    );
}

#[test]
fn size_boundaries() {
    let too_large = |f: &[Finding]| {
        f.iter().find_map(|x| match x {
            Finding::TooLargeForBranch {
                members, suggested, ..
            } => Some((*members, *suggested)),
            _ => None,
        })
    };
    assert_eq!(too_large(&findings_for(50, 0)), None);
    assert_eq!(too_large(&findings_for(45, 5)), None);
    assert_eq!(
        too_large(&findings_for(50, 1)),
        Some((51, SuggestedKind::GeneralBranch))
    );
    assert_eq!(
        too_large(&findings_for(51, 0)),
        Some((51, SuggestedKind::GeneralBranch))
    );
    assert_eq!(
        too_large(&findings_for(99, 0)),
        Some((99, SuggestedKind::GeneralBranch))
    );
    assert_eq!(
        too_large(&findings_for(90, 10)),
        Some((100, SuggestedKind::GrassrootsCommittee))
    );
    // A local rule with a gap between the branch maximum and the general
    // branch threshold suggests splitting.
    let local = StructureRules {
        general_branch_min_members: 60,
        ..StructureRules::national_2018()
    };
    let f = branch_findings(
        id(1),
        Headcount {
            full: 55,
            probationary: 0,
        },
        &local,
    );
    assert_eq!(too_large(&f), Some((55, SuggestedKind::SplitBranch)));
}

#[test]
fn structure_findings_cover_every_branch_in_id_order() {
    let tree = sample();
    let counts = BTreeMap::from([
        (
            id(3),
            Headcount {
                full: 8,
                probationary: 0,
            },
        ),
        (
            id(6),
            Headcount {
                full: 60,
                probationary: 1,
            },
        ),
        // Not a branch: ignored.
        (
            id(1),
            Headcount {
                full: 1,
                probationary: 0,
            },
        ),
    ]);
    let findings = structure_findings(&tree, &counts, &StructureRules::national_2018());
    let orgs: Vec<OrgId> = findings.iter().map(Finding::org).collect();
    // Branches 3, 5, 6, 7, 11; 5, 7 and 11 have no count (= empty).
    assert_eq!(orgs, ids(&[3, 5, 5, 6, 6, 7, 7, 11, 11]));
    assert_eq!(
        findings.first(),
        Some(&Finding::CommitteeRequired {
            org: id(3),
            full: 8,
            seats_min: 3,
            seats_usual_max: 5,
            seats_max: 7
        })
    );
    assert!(findings.contains(&Finding::TooLargeForBranch {
        org: id(6),
        members: 61,
        suggested: SuggestedKind::GeneralBranch
    }));
    assert!(findings.contains(&Finding::BelowMinimumFullMembers {
        org: id(11),
        full: 0,
        minimum: 3
    }));
    assert_eq!(findings.iter().filter(|f| f.needs_action()).count(), 4);
}
