//! 组织设置检查 (structural checks): how many members a branch has against
//! the thresholds of the Branch Work Regulations (Branch 2018 Art. 5 and 20;
//! `docs/RULES.md` ORG-2 … ORG-5), reported as findings, not errors: a branch with
//! two full members is a fact to act on, not a record to refuse.

use super::OrgKind;
use super::tree::OrgTree;
use crate::ids::OrgId;
use crate::rules::Versioned;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 组织设置标准 (structural thresholds) of Branch 2018 Art. 5 and 20
/// (`docs/RULES.md` ORG-2 … ORG-5). **Configurable**: the general-branch and
/// grassroots committee thresholds vary by place;
/// [`StructureRules::national_2018`] is the national default.
///
/// ```
/// use dangjian::org::StructureRules;
/// let rules = StructureRules::national_2018();
/// assert_eq!(rules.branch_min_full_members, 3);
/// assert_eq!(rules.branch_max_members, 50);
/// let json = serde_json::to_string(&rules).unwrap();
/// assert_eq!(serde_json::from_str::<StructureRules>(&json).unwrap(), rules);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureRules {
    /// 成立党支部的最少正式党员数: a branch is set up where there are at
    /// least this many full members (3; Branch 2018 Art. 5).
    pub branch_min_full_members: u32,
    /// 党支部党员人数上限: a branch generally has at most this many members
    /// (50; Branch 2018 Art. 5).
    pub branch_max_members: u32,
    /// 设立支部委员会的最少正式党员数: a branch with at least this many full
    /// members elects a branch committee (7; Branch 2018 Art. 20).
    pub committee_min_full_members: u32,
    /// 支委会最少委员数 (3; Branch 2018 Art. 20).
    pub committee_seats_min: u32,
    /// 支委会通常最多委员数 (5; Branch 2018 Art. 20).
    pub committee_seats_usual_max: u32,
    /// 支委会最多委员数 (7; Branch 2018 Art. 20).
    pub committee_seats_max: u32,
    /// 设立党总支的党员数: a unit with at least this many members may set up
    /// a general branch (50; configurable, `docs/RULES.md` ORG-5).
    pub general_branch_min_members: u32,
    /// 设立基层党委的党员数: a unit with at least this many members may set
    /// up a grassroots committee (100; configurable, `docs/RULES.md` ORG-5).
    pub grassroots_committee_min_members: u32,
}

impl StructureRules {
    /// 全国标准 (2018): the national thresholds of Branch 2018 Art. 5 and
    /// 20 — 3 full members for a branch, at most 50 members, a committee of
    /// 3–5 (at most 7) from 7 full members, a general branch from 50 and a
    /// grassroots committee from 100 members.
    pub const fn national_2018() -> Self {
        Self {
            branch_min_full_members: 3,
            branch_max_members: 50,
            committee_min_full_members: 7,
            committee_seats_min: 3,
            committee_seats_usual_max: 5,
            committee_seats_max: 7,
            general_branch_min_members: 50,
            grassroots_committee_min_members: 100,
        }
    }
}

impl Default for StructureRules {
    fn default() -> Self {
        Self::national_2018()
    }
}

/// The day Branch 2018 took effect (2018-10-28).
const BRANCH_2018_EFFECTIVE: NaiveDate = match NaiveDate::from_ymd_opt(2018, 10, 28) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// 组织设置标准版本 (versions of the structural thresholds): the national
/// rules of Branch 2018, version `"branch-2018"`, effective 2018-10-28.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::org::{StructureRules, national_structure_rules};
/// let rules = national_structure_rules();
/// let v = rules.at(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()).unwrap();
/// assert_eq!(v.name, "branch-2018");
/// assert_eq!(v.rules, StructureRules::national_2018());
/// assert!(rules.at(NaiveDate::from_ymd_opt(2018, 10, 27).unwrap()).is_none());
/// ```
pub fn national_structure_rules() -> Versioned<StructureRules> {
    Versioned::single(
        "branch-2018",
        BRANCH_2018_EFFECTIVE,
        StructureRules::national_2018(),
    )
}

/// 党员人数 (headcount) of one branch, supplied by the caller: the home
/// members of a physical branch, or the joined members of an online branch
/// (`docs/RULES.md` ORG-7).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headcount {
    /// 正式党员.
    pub full: u32,
    /// 预备党员.
    pub probationary: u32,
}

impl Headcount {
    /// 党员总数: full and probationary members together.
    pub fn total(&self) -> u32 {
        self.full.saturating_add(self.probationary)
    }
}

/// 建议组织形式 (suggested kind) for a branch with too many members
/// (`docs/RULES.md` ORG-5; configurable thresholds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestedKind {
    /// 党总支: from [`StructureRules::general_branch_min_members`] up to
    /// below [`StructureRules::grassroots_committee_min_members`].
    GeneralBranch,
    /// 基层党委: from [`StructureRules::grassroots_committee_min_members`].
    GrassrootsCommittee,
    /// 拆分党支部: above the branch maximum but below the general-branch
    /// threshold (only under local rules where that gap exists): split into
    /// more branches.
    SplitBranch,
}

/// 组织设置检查结果 (structural finding) about one branch. Serialized with a
/// `type` tag in snake_case.
///
/// ```
/// use dangjian::OrgId;
/// use dangjian::org::Finding;
/// let f = Finding::SecretaryOnly { org: OrgId::new(4), full: 6 };
/// assert_eq!(
///     serde_json::to_string(&f).unwrap(),
///     r#"{"type":"secretary_only","org":4,"full":6}"#
/// );
/// assert_eq!(f.org(), OrgId::new(4));
/// assert!(!f.needs_action());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Finding {
    /// 正式党员不足: fewer full members than a branch needs (3; Branch 2018
    /// Art. 5).
    BelowMinimumFullMembers {
        /// 党支部: the branch.
        org: OrgId,
        /// 正式党员数: its full members.
        full: u32,
        /// 最少正式党员数: the minimum.
        minimum: u32,
    },
    /// 党员人数过多: more members than a branch should have (50; Branch 2018
    /// Art. 5); a general branch (50–100) or a grassroots committee (≥ 100)
    /// is suggested (`docs/RULES.md` ORG-5, configurable).
    TooLargeForBranch {
        /// 党支部: the branch.
        org: OrgId,
        /// 党员数: its members, full and probationary.
        members: u32,
        /// 建议形式: the kind suggested instead.
        suggested: SuggestedKind,
    },
    /// 应设支部委员会: at least 7 full members, so the branch elects a
    /// branch committee of 3–5 members, at most 7 (Branch 2018 Art. 20).
    CommitteeRequired {
        /// 党支部: the branch.
        org: OrgId,
        /// 正式党员数: its full members.
        full: u32,
        /// 委员最少名额: fewest committee seats.
        seats_min: u32,
        /// 委员通常最多名额: usual most seats.
        seats_usual_max: u32,
        /// 委员最多名额: most seats.
        seats_max: u32,
    },
    /// 只设书记: fewer than 7 full members, so the branch elects a secretary
    /// alone (and a deputy if needed) (Branch 2018 Art. 20).
    SecretaryOnly {
        /// 党支部: the branch.
        org: OrgId,
        /// 正式党员数: its full members.
        full: u32,
    },
}

impl Finding {
    /// 所涉组织: the branch the finding is about.
    pub fn org(&self) -> OrgId {
        match self {
            Self::BelowMinimumFullMembers { org, .. }
            | Self::TooLargeForBranch { org, .. }
            | Self::CommitteeRequired { org, .. }
            | Self::SecretaryOnly { org, .. } => *org,
        }
    }

    /// 需整改: true for a finding that asks for a change of structure (too
    /// few full members, too many members); false for the findings that
    /// only state the branch's leadership form.
    pub fn needs_action(&self) -> bool {
        matches!(
            self,
            Self::BelowMinimumFullMembers { .. } | Self::TooLargeForBranch { .. }
        )
    }
}

/// 组织设置检查 (structural check) of one branch with `count` members.
///
/// In order: [`Finding::BelowMinimumFullMembers`] if it applies,
/// [`Finding::TooLargeForBranch`] if it applies, then exactly one of
/// [`Finding::CommitteeRequired`] or [`Finding::SecretaryOnly`]
/// (Branch 2018 Art. 5 and 20).
pub fn branch_findings(org: OrgId, count: Headcount, rules: &StructureRules) -> Vec<Finding> {
    let mut out = Vec::new();
    if count.full < rules.branch_min_full_members {
        out.push(Finding::BelowMinimumFullMembers {
            org,
            full: count.full,
            minimum: rules.branch_min_full_members,
        });
    }
    let members = count.total();
    if members > rules.branch_max_members {
        let suggested = if members >= rules.grassroots_committee_min_members {
            SuggestedKind::GrassrootsCommittee
        } else if members >= rules.general_branch_min_members {
            SuggestedKind::GeneralBranch
        } else {
            SuggestedKind::SplitBranch
        };
        out.push(Finding::TooLargeForBranch {
            org,
            members,
            suggested,
        });
    }
    if count.full >= rules.committee_min_full_members {
        out.push(Finding::CommitteeRequired {
            org,
            full: count.full,
            seats_min: rules.committee_seats_min,
            seats_usual_max: rules.committee_seats_usual_max,
            seats_max: rules.committee_seats_max,
        });
    } else {
        out.push(Finding::SecretaryOnly {
            org,
            full: count.full,
        });
    }
    out
}

/// 组织设置检查 (structural checks) of every branch in the tree, physical
/// and online, by [`branch_findings`] (Branch 2018 Art. 5 and 20). A branch
/// missing from `counts` counts as empty; counts for other organisations are
/// ignored. Branches come in id order.
///
/// ```
/// use std::collections::BTreeMap;
/// use dangjian::OrgId;
/// use dangjian::org::{
///     BranchForm, Finding, Headcount, OrgKind, OrgTree, Organisation, StructureRules,
///     structure_findings,
/// };
/// let tree = OrgTree::from_orgs([Organisation {
///     id: OrgId::new(1),
///     name: "第一党支部".parse()?,
///     kind: OrgKind::Branch(BranchForm::Physical),
///     parent: None,
///     version: 0,
/// }])?;
/// let counts = BTreeMap::from([(OrgId::new(1), Headcount { full: 2, probationary: 1 })]);
/// let findings = structure_findings(&tree, &counts, &StructureRules::national_2018());
/// assert_eq!(
///     findings,
///     vec![
///         Finding::BelowMinimumFullMembers { org: OrgId::new(1), full: 2, minimum: 3 },
///         Finding::SecretaryOnly { org: OrgId::new(1), full: 2 },
///     ]
/// );
/// # Ok::<(), dangjian::org::OrgError>(())
/// ```
pub fn structure_findings(
    tree: &OrgTree,
    counts: &BTreeMap<OrgId, Headcount>,
    rules: &StructureRules,
) -> Vec<Finding> {
    tree.iter()
        .filter(|o| matches!(o.kind, OrgKind::Branch(_)))
        .flat_map(|o| {
            let count = counts.get(&o.id).copied().unwrap_or_default();
            branch_findings(o.id, count, rules)
        })
        .collect()
}
