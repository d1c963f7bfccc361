//! 任期与班子审查 (terms and the committee review): term ends, committee
//! sizes and the overdue-election (换届) report. [Branch 2018 Art. 20;
//! Election 2020 Art. 4; `docs/RULES.md` OFF-3 … OFF-6]

use super::{OfficeError, OfficeHolder, Post};
use crate::OrgId;
use crate::election::ElectionRules;
use crate::org::{OrgKind, OrgTree, StructureRules};
use crate::period::{add_months, add_years};
use crate::rules::Versioned;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 任期届满日 (term end): a term from `from` ends `years` later, by the
/// Civil Code's month-end rule: 3 years for a branch or general branch, 5
/// for a grassroots committee, as the election rule version passed says
/// (pass the one in force on `from`). [Election 2020 Art. 4; OFF-3]
///
/// # Errors
/// [`OfficeError::NoCommittee`] for a party group;
/// [`OfficeError::DateOutOfRange`] beyond the calendar.
pub fn term_end(
    kind: &OrgKind,
    from: NaiveDate,
    rules: &ElectionRules,
) -> Result<NaiveDate, OfficeError> {
    let years = match kind {
        OrgKind::Branch(_) | OrgKind::GeneralBranch => rules.branch_term_years,
        OrgKind::GrassrootsCommittee => rules.committee_term_years,
        OrgKind::PartyGroup => return Err(OfficeError::NoCommittee),
    };
    add_years(from, years).ok_or(OfficeError::DateOutOfRange(from))
}

/// 委员会人数 (committee size) of a branch: with `full` full members a
/// branch below the threshold (7) has a secretary alone, and a committee
/// has at most 7 members (3–5 usually). `size` is the number of office
/// holders the branch would have. Other kinds are not limited here.
/// [Branch 2018 Art. 20; OFF-4]
///
/// ```
/// use dangjian::office::{check_committee_size, OfficeError};
/// use dangjian::org::{BranchForm, OrgKind, StructureRules};
/// let branch = OrgKind::Branch(BranchForm::Physical);
/// let rules = StructureRules::national_2018();
/// assert!(check_committee_size(&branch, 1, 6, &rules).is_ok()); // a secretary alone
/// assert!(matches!(check_committee_size(&branch, 2, 6, &rules), Err(OfficeError::SecretaryAlone { .. })));
/// assert!(check_committee_size(&branch, 7, 30, &rules).is_ok());
/// assert!(matches!(check_committee_size(&branch, 8, 30, &rules), Err(OfficeError::CommitteeTooLarge { max: 7, size: 8 })));
/// ```
///
/// # Errors
/// [`OfficeError::SecretaryAlone`], [`OfficeError::CommitteeTooLarge`].
pub fn check_committee_size(
    kind: &OrgKind,
    size: u32,
    full: u32,
    rules: &StructureRules,
) -> Result<(), OfficeError> {
    if !kind.is_branch() {
        return Ok(());
    }
    if full < rules.committee_min_full_members && size > 1 {
        return Err(OfficeError::SecretaryAlone {
            full,
            threshold: rules.committee_min_full_members,
            post: "committee of more than one",
        });
    }
    if size > rules.committee_seats_max {
        return Err(OfficeError::CommitteeTooLarge {
            max: rules.committee_seats_max,
            size,
        });
    }
    Ok(())
}

/// 审查发现 (a finding of the office-holder review).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OfficeFinding {
    /// 未配备班子: nobody holds a post.
    NoOfficeHolders {
        /// The organisation.
        org: OrgId,
    },
    /// 缺书记: office holders but no secretary.
    NoSecretary {
        /// The organisation.
        org: OrgId,
    },
    /// 换届逾期: the term ended and no new body took office. Past
    /// `late_limit` (the term end plus the most a late election may be
    /// put off, 1 year) even the higher committee's approval cannot cover
    /// it. [Election 2020 Art. 4]
    ElectionOverdue {
        /// The organisation.
        org: OrgId,
        /// The term end.
        term_ended: NaiveDate,
        /// The latest day an approved late election may be held.
        late_limit: NaiveDate,
        /// Whether the review date is past `late_limit`.
        beyond_limit: bool,
    },
    /// 委员会人数不符: a branch committee outside 3 to 7 members.
    CommitteeSize {
        /// The organisation.
        org: OrgId,
        /// Office holders.
        size: u32,
        /// The fewest (3).
        min: u32,
        /// The most (7).
        max: u32,
    },
    /// 只设书记: a branch of fewer than 7 full members with a committee.
    SecretaryAlone {
        /// The organisation.
        org: OrgId,
        /// Its full members.
        full: u32,
        /// Office holders.
        size: u32,
    },
}

/// 班子审查报告 (the office-holder review of a subtree on a date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OfficeReport {
    /// The review date.
    pub on: NaiveDate,
    /// The findings, organisation by organisation in the subtree's order.
    pub findings: Vec<OfficeFinding>,
}

/// 班子审查 (review): for every organisation of `root`'s subtree but party
/// groups, on `on`: no office holders, no secretary, an overdue election
/// (换届), a branch committee outside 3–7, a committee where a secretary
/// alone is the rule. `holders` are the holdings of the subtree (any that
/// are not held on `on` are skipped); `full` the full members of each
/// branch on `on`. [Branch 2018 Art. 20; Election 2020 Art. 4; OFF-5]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::office::{review, OfficeFinding};
/// use dangjian::org::{OrgTree, Organisation, OrgKind, BranchForm, StructureRules};
/// use dangjian::election::national_election_rules;
/// use dangjian::OrgId;
/// use std::collections::BTreeMap;
/// let branch = Organisation { id: OrgId::new(1), name: "一支部".parse()?,
///     kind: OrgKind::Branch(BranchForm::Physical), parent: None, version: 1 };
/// let tree = OrgTree::from_orgs([branch])?;
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let r = review(&tree, OrgId::new(1), &[], &BTreeMap::new(), on, &national_election_rules(), &StructureRules::national_2018());
/// assert_eq!(r.findings, vec![OfficeFinding::NoOfficeHolders { org: OrgId::new(1) }]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn review(
    tree: &OrgTree,
    root: OrgId,
    holders: &[OfficeHolder],
    full: &BTreeMap<OrgId, u32>,
    on: NaiveDate,
    election: &Versioned<ElectionRules>,
    structure: &StructureRules,
) -> OfficeReport {
    let mut by_org: BTreeMap<OrgId, Vec<&OfficeHolder>> = BTreeMap::new();
    for h in holders.iter().filter(|h| h.holds_on(on)) {
        by_org.entry(h.org()).or_default().push(h);
    }
    let mut findings = Vec::new();
    for org in tree.subtree(root) {
        let Some(o) = tree.get(org) else { continue };
        if o.kind == OrgKind::PartyGroup {
            continue;
        }
        let current = by_org.get(&org).map(Vec::as_slice).unwrap_or_default();
        if current.is_empty() {
            findings.push(OfficeFinding::NoOfficeHolders { org });
            continue;
        }
        if !current.iter().any(|h| h.post() == Post::Secretary) {
            findings.push(OfficeFinding::NoSecretary { org });
        }
        if let Some(term_ended) = current.iter().map(|h| h.term_ends()).max() {
            if on > term_ended {
                let months = election
                    .at(term_ended)
                    .map_or(12, |v| v.rules.max_deviation_months);
                let late_limit = add_months(term_ended, months).unwrap_or(NaiveDate::MAX);
                findings.push(OfficeFinding::ElectionOverdue {
                    org,
                    term_ended,
                    late_limit,
                    beyond_limit: on > late_limit,
                });
            }
        }
        if o.kind.is_branch() {
            let size = u32::try_from(current.len()).unwrap_or(u32::MAX);
            let full = full.get(&org).copied().unwrap_or(0);
            if full < structure.committee_min_full_members {
                if size > 1 {
                    findings.push(OfficeFinding::SecretaryAlone { org, full, size });
                }
            } else if !(structure.committee_seats_min..=structure.committee_seats_max)
                .contains(&size)
            {
                findings.push(OfficeFinding::CommitteeSize {
                    org,
                    size,
                    min: structure.committee_seats_min,
                    max: structure.committee_seats_max,
                });
            }
        }
    }
    OfficeReport { on, findings }
}
