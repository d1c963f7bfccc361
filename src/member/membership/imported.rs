//! 组织关系存量导入 (imported memberships): an imported record's memberships
//! with their real dates, checked against the tree by the same
//! [`Memberships::apply`] as a live change.

use super::{MembershipKind, MembershipRequest, Memberships, MembershipError};
use crate::OrgId;
use crate::org::OrgTree;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 组织关系现状 (past memberships): what a paper record or roster says about
/// where a member belongs, with the dates. [DOMAIN.md §1 (online branches),
/// §2]
///
/// - The home branch holds the relationship since `home_since`: not after
///   today and not before birth. It may precede the lifecycle's first date
///   (an import's history begins when the imported stage began, while the
///   branch may have kept the file for years).
/// - Online branches may have been joined at any date, before `home_since`
///   too (they do not hold the relationship): not after today and not
///   before birth.
/// - A party group is one of the home branch's own, joined on or after
///   `home_since`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastMemberships {
    /// 组织关系所在支部: the physical branch holding the relationship.
    pub home: OrgId,
    /// Since when it holds it.
    pub home_since: NaiveDate,
    /// 网上党支部: the online branches joined, each with its date.
    pub online: Vec<(OrgId, NaiveDate)>,
    /// 党小组: the party group of the home branch, with its date.
    pub group: Option<(OrgId, NaiveDate)>,
}

impl PastMemberships {
    /// The home branch since `home_since`, nothing else.
    pub fn new(home: OrgId, home_since: NaiveDate) -> Self {
        Self {
            home,
            home_since,
            online: Vec::new(),
            group: None,
        }
    }
}

impl Memberships {
    /// 导入组织关系: memberships with their real history. Each online branch
    /// and the party group is joined through [`Memberships::apply`] on its
    /// own date (oldest first), so the tree rules are those of a live
    /// change: the home a physical branch, an online branch an online
    /// branch, the group one of the home branch's, no branch twice. The
    /// history keeps the joins; later changes may not precede the latest
    /// of them nor `home_since`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::member::{MembershipError, Memberships, PastMemberships};
    /// use dangjian::org::{BranchForm, OrgKind, OrgTree, Organisation, OnlineTheme};
    /// use dangjian::OrgId;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let org = |id, kind, parent| Organisation {
    ///     id: OrgId::new(id), name: format!("org {id}").parse().unwrap(), kind, parent, version: 0,
    /// };
    /// let tree = OrgTree::from_orgs([
    ///     org(1, OrgKind::GrassrootsCommittee, None),
    ///     org(2, OrgKind::Branch(BranchForm::Physical), Some(OrgId::new(1))),
    ///     org(3, OrgKind::Branch(BranchForm::Online { theme: OnlineTheme::MobileMembers }), Some(OrgId::new(1))),
    /// ])?;
    /// let mut past = PastMemberships::new(OrgId::new(2), d(2020, 1, 1));
    /// past.online.push((OrgId::new(3), d(2018, 5, 4))); // before the home branch
    /// let m = Memberships::with_history(&past, d(1990, 1, 1), &tree, d(2024, 1, 1))?;
    /// assert_eq!(m.home_since(), d(2020, 1, 1));
    /// assert_eq!(m.online().get(&OrgId::new(3)), Some(&d(2018, 5, 4)));
    /// past.online.push((OrgId::new(2), d(2021, 1, 1))); // not an online branch
    /// let err = Memberships::with_history(&past, d(1990, 1, 1), &tree, d(2024, 1, 1));
    /// assert_eq!(err, Err(MembershipError::NotAnOnlineBranch(OrgId::new(2))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`MembershipError::InTheFuture`], [`MembershipError::BeforeBirth`],
    /// [`MembershipError::BeforeHomeSince`] for a group, and the tree errors
    /// of [`Memberships::new`] and [`Memberships::apply`].
    pub fn with_history(
        past: &PastMemberships,
        birth_date: NaiveDate,
        tree: &OrgTree,
        today: NaiveDate,
    ) -> Result<Self, MembershipError> {
        let dated = |date: NaiveDate| {
            if date > today {
                Err(MembershipError::InTheFuture { date, today })
            } else if date < birth_date {
                Err(MembershipError::BeforeBirth { date, birth_date })
            } else {
                Ok(())
            }
        };
        dated(past.home_since)?;
        let mut joins = Vec::with_capacity(past.online.len().saturating_add(1));
        for &(org, on) in &past.online {
            dated(on)?;
            joins.push(MembershipRequest::Join {
                org,
                kind: MembershipKind::Online,
                on,
            });
        }
        if let Some((org, on)) = past.group {
            dated(on)?;
            if on < past.home_since {
                return Err(MembershipError::BeforeHomeSince {
                    org,
                    date: on,
                    home_since: past.home_since,
                });
            }
            joins.push(MembershipRequest::Join {
                org,
                kind: MembershipKind::Group,
                on,
            });
        }
        // Start at the oldest date so that every join is in order, then set
        // the real start of the home branch.
        joins.sort_by_key(MembershipRequest::date);
        let start = joins
            .first()
            .map_or(past.home_since, |j| j.date().min(past.home_since));
        let mut memberships = Self::new(past.home, start, tree)?;
        for join in &joins {
            memberships = memberships.apply(join, tree, today)?;
        }
        memberships.home_since = past.home_since;
        Ok(memberships)
    }
}
