//! 组织关系存量导入 (imported memberships): an imported record's memberships
//! with their real dates, checked against the tree by the same
//! [`Memberships::apply`] as a live change.

use super::{MembershipError, MembershipKind, MembershipRequest, Memberships};
use crate::OrgId;
use crate::org::OrgTree;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 组织关系现状 (past memberships): what a paper record or roster says about
/// where a member belongs, with the dates. [`docs/RULES.md` ORG-7, MEM-1]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{BranchForm, OnlineTheme, OrgKind, Organisation};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const HOME: OrgId = OrgId::new(2);
    const ONLINE: OrgId = OrgId::new(3);
    const GROUP: OrgId = OrgId::new(4);
    const OTHER_GROUP: OrgId = OrgId::new(6);
    const ONLINE_2: OrgId = OrgId::new(7);
    const BIRTH: NaiveDate = match NaiveDate::from_ymd_opt(1990, 5, 20) {
        Some(date) => date,
        None => NaiveDate::MIN,
    };
    const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 1) {
        Some(date) => date,
        None => NaiveDate::MIN,
    };

    fn tree() -> OrgTree {
        let org = |id, kind, parent: Option<u64>| Organisation {
            id: OrgId::new(id),
            name: format!("org {id}").parse().unwrap(),
            kind,
            parent: parent.map(OrgId::new),
            version: 0,
        };
        let online = OrgKind::Branch(BranchForm::Online {
            theme: OnlineTheme::MobileMembers,
        });
        OrgTree::from_orgs([
            org(1, OrgKind::GrassrootsCommittee, None),
            org(2, OrgKind::Branch(BranchForm::Physical), Some(1)),
            org(3, online.clone(), Some(1)),
            org(4, OrgKind::PartyGroup, Some(2)),
            org(5, OrgKind::Branch(BranchForm::Physical), Some(1)),
            org(6, OrgKind::PartyGroup, Some(5)),
            org(7, online, Some(1)),
        ])
        .unwrap()
    }

    fn build(past: &PastMemberships) -> Result<Memberships, MembershipError> {
        Memberships::with_history(past, BIRTH, &tree(), TODAY)
    }

    #[test]
    fn online_branch_before_the_home_branch_keeps_its_real_date() {
        let mut past = PastMemberships::new(HOME, d(2020, 1, 1));
        past.online = vec![(ONLINE_2, d(2021, 3, 1)), (ONLINE, d(2015, 3, 1))];
        past.group = Some((GROUP, d(2020, 2, 1)));
        let m = build(&past).unwrap();
        assert_eq!(m.home(), HOME);
        assert_eq!(m.home_since(), d(2020, 1, 1));
        assert_eq!(m.group(), Some(GROUP));
        assert_eq!(m.online().get(&ONLINE), Some(&d(2015, 3, 1)));
        let dates: Vec<_> = m.history().iter().map(|c| c.on).collect();
        assert_eq!(dates, [d(2015, 3, 1), d(2020, 2, 1), d(2021, 3, 1)]);
        // The live path (`new`, then `apply`) refuses the same history.
        let live = Memberships::new(HOME, d(2020, 1, 1), &tree()).unwrap();
        let join = MembershipRequest::Join {
            org: ONLINE,
            kind: MembershipKind::Online,
            on: d(2015, 3, 1),
        };
        assert!(matches!(
            live.apply(&join, &tree(), TODAY),
            Err(MembershipError::DatedBeforePrevious { .. })
        ));
    }

    #[test]
    fn later_changes_may_not_precede_the_home_branch() {
        let mut past = PastMemberships::new(HOME, d(2020, 1, 1));
        past.online.push((ONLINE, d(2015, 3, 1)));
        let m = build(&past).unwrap();
        let leave = |on| MembershipRequest::Leave {
            org: ONLINE,
            kind: MembershipKind::Online,
            on,
        };
        assert_eq!(
            m.apply(&leave(d(2019, 12, 31)), &tree(), TODAY),
            Err(MembershipError::DatedBeforePrevious {
                date: d(2019, 12, 31),
                previous: d(2020, 1, 1)
            })
        );
        assert!(m.apply(&leave(d(2020, 1, 1)), &tree(), TODAY).is_ok());
    }

    #[test]
    fn dates_not_in_the_future_nor_before_birth() {
        let future = PastMemberships::new(HOME, d(2024, 6, 2));
        assert_eq!(
            build(&future),
            Err(MembershipError::InTheFuture {
                date: d(2024, 6, 2),
                today: TODAY
            })
        );
        let mut online = PastMemberships::new(HOME, d(2020, 1, 1));
        online.online.push((ONLINE, d(2024, 6, 2)));
        assert!(matches!(
            build(&online),
            Err(MembershipError::InTheFuture { .. })
        ));
        online.online = vec![(ONLINE, d(1990, 5, 19))];
        assert_eq!(
            build(&online),
            Err(MembershipError::BeforeBirth {
                date: d(1990, 5, 19),
                birth_date: BIRTH
            })
        );
        online.online = vec![(ONLINE, BIRTH)];
        assert!(build(&online).is_ok());
        assert!(matches!(
            build(&PastMemberships::new(HOME, d(1980, 1, 1))),
            Err(MembershipError::BeforeBirth { .. })
        ));
    }

    #[test]
    fn the_tree_rules_are_those_of_a_live_change() {
        let base = || PastMemberships::new(HOME, d(2020, 1, 1));
        let mut p = base();
        p.online.push((HOME, d(2021, 1, 1)));
        assert_eq!(build(&p), Err(MembershipError::NotAnOnlineBranch(HOME)));
        let mut p = base();
        p.online = vec![(ONLINE, d(2021, 1, 1)), (ONLINE, d(2022, 1, 1))];
        assert!(matches!(
            build(&p),
            Err(MembershipError::AlreadyMember { org: ONLINE, .. })
        ));
        let mut p = base();
        p.group = Some((OTHER_GROUP, d(2021, 1, 1)));
        assert!(matches!(
            build(&p),
            Err(MembershipError::GroupOutsideHomeBranch { .. })
        ));
        let mut p = base();
        p.group = Some((GROUP, d(2019, 12, 31)));
        assert_eq!(
            build(&p),
            Err(MembershipError::BeforeHomeSince {
                org: GROUP,
                date: d(2019, 12, 31),
                home_since: d(2020, 1, 1)
            })
        );
        let p = PastMemberships::new(ONLINE, d(2020, 1, 1));
        assert_eq!(build(&p), Err(MembershipError::OnlineBranchAsHome(ONLINE)));
    }
}
