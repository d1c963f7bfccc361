//! 组织关系 (memberships): where a member belongs.
//!
//! Every member has exactly one home branch (组织关系所在支部), a physical
//! branch that holds the organisational relationship; may join any number of
//! online branches (网上党支部) at once; may sit in a party group (党小组) of
//! the home branch; may be a mobile member (流动党员) reporting to a
//! current-location organisation; and may be dual-managed (双重管理). Every
//! change is dated and kept. Source: `docs/RULES.md` MEM-1 and ORG-7 (online
//! branches, after a county's practice) and MEM-2 (mobile members,
//! Education 2019 Art. 25).

use crate::OrgId;
use crate::org::OrgTree;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod error;
mod imported;

pub use error::MembershipError;
pub use imported::PastMemberships;

/// 组织关系的种类: the ways a member can belong to an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipKind {
    /// 组织关系所在支部: the physical branch holding the relationship.
    Home,
    /// 网上党支部: an online branch the member takes part in.
    Online,
    /// 党小组: a party group inside the home branch.
    Group,
    /// 流入地党组织: the organisation a mobile member reports to.
    MobileLocation,
    /// 双重管理: a second organisation that co-manages the member.
    DualManagement,
}

/// 组织关系变动请求: a dated change to a member's memberships.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MembershipRequest {
    /// Join `org` as `kind`. Joining as [`MembershipKind::Home`] is refused
    /// while a home branch exists: use [`MembershipRequest::TransferHome`].
    Join {
        /// The organisation joined.
        org: OrgId,
        /// How the member belongs to it.
        kind: MembershipKind,
        /// The date of the change.
        on: NaiveDate,
    },
    /// Leave `org` as `kind` (not the home branch, which is only
    /// transferred).
    Leave {
        /// The organisation left.
        org: OrgId,
        /// How the member belonged to it.
        kind: MembershipKind,
        /// The date of the change.
        on: NaiveDate,
    },
    /// 组织关系转接: move the relationship to another physical branch in the
    /// tree. The party group of the old branch is left.
    TransferHome {
        /// The receiving branch.
        to: OrgId,
        /// The date the receiving branch confirmed.
        on: NaiveDate,
    },
}

impl MembershipRequest {
    /// The date of the change.
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::Join { on, .. } | Self::Leave { on, .. } | Self::TransferHome { on, .. } => *on,
        }
    }
}

/// 组织关系变动记录: one applied change, as kept in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipChange {
    /// The date of the change.
    pub on: NaiveDate,
    /// What changed.
    pub request: MembershipRequest,
}

/// 流动党员状态: a mobile member's current-location organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MobileStatus {
    /// The organisation the member reports to (流入地党组织).
    pub location: OrgId,
    /// Since when.
    pub since: NaiveDate,
}

/// 组织关系: all of one member's memberships, with their dated history.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::member::{MembershipKind, MembershipRequest, Memberships};
/// use dangjian::org::{BranchForm, NewOrganisation, OrgKind, OrgTree, Organisation, OnlineTheme};
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
/// let m = Memberships::new(OrgId::new(2), d(2020, 1, 1), &tree)?;
/// let m = m.apply(&MembershipRequest::Join { org: OrgId::new(3), kind: MembershipKind::Online, on: d(2021, 1, 1) }, &tree, d(2024, 1, 1))?;
/// assert!(m.online().contains_key(&OrgId::new(3)));
/// // An online branch can never hold the relationship.
/// assert!(Memberships::new(OrgId::new(3), d(2020, 1, 1), &tree).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memberships {
    home: OrgId,
    home_since: NaiveDate,
    group: Option<OrgId>,
    online: BTreeMap<OrgId, NaiveDate>,
    mobile: Option<MobileStatus>,
    dual: Option<(OrgId, NaiveDate)>,
    history: Vec<MembershipChange>,
}

fn check_home(org: OrgId, tree: &OrgTree) -> Result<(), MembershipError> {
    let o = tree.get(org).ok_or(MembershipError::UnknownOrg(org))?;
    if o.kind.is_online_branch() {
        Err(MembershipError::OnlineBranchAsHome(org))
    } else if !o.kind.is_physical_branch() {
        Err(MembershipError::HomeNotABranch(org))
    } else {
        Ok(())
    }
}

impl Memberships {
    /// A member's first memberships: the home branch from `since`.
    ///
    /// # Errors
    /// The branch must exist and be a physical branch.
    pub fn new(home: OrgId, since: NaiveDate, tree: &OrgTree) -> Result<Self, MembershipError> {
        check_home(home, tree)?;
        Ok(Self {
            home,
            home_since: since,
            group: None,
            online: BTreeMap::new(),
            mobile: None,
            dual: None,
            history: Vec::new(),
        })
    }

    /// The branch holding the organisational relationship.
    pub fn home(&self) -> OrgId {
        self.home
    }

    /// Since when the home branch holds the relationship.
    pub fn home_since(&self) -> NaiveDate {
        self.home_since
    }

    /// The party group within the home branch, if any.
    pub fn group(&self) -> Option<OrgId> {
        self.group
    }

    /// The online branches joined, with the date each was joined.
    pub fn online(&self) -> &BTreeMap<OrgId, NaiveDate> {
        &self.online
    }

    /// The current location of a mobile member.
    pub fn mobile(&self) -> Option<MobileStatus> {
        self.mobile
    }

    /// The co-managing organisation of a dual-managed member.
    pub fn dual(&self) -> Option<OrgId> {
        self.dual.map(|(o, _)| o)
    }

    /// Every change applied, oldest first.
    pub fn history(&self) -> &[MembershipChange] {
        &self.history
    }

    /// The date a new change may not precede: the latest change, or the
    /// home branch's start when later (an imported history may hold online
    /// branches joined before it, see [`Memberships::with_history`]).
    fn last_date(&self) -> NaiveDate {
        self.history
            .last()
            .map_or(self.home_since, |c| c.on.max(self.home_since))
    }

    /// Applies a dated change and returns the new memberships; `self` is
    /// unchanged.
    ///
    /// # Errors
    /// A [`MembershipError`] naming what was wrong: an unknown organisation,
    /// a second home branch, an online branch as home, a group outside the
    /// home branch, a date before the previous change or after `today`.
    pub fn apply(
        &self,
        request: &MembershipRequest,
        tree: &OrgTree,
        today: NaiveDate,
    ) -> Result<Self, MembershipError> {
        let on = request.date();
        if on > today {
            return Err(MembershipError::InTheFuture { date: on, today });
        }
        let previous = self.last_date();
        if on < previous {
            return Err(MembershipError::DatedBeforePrevious { date: on, previous });
        }
        let mut next = self.clone();
        match *request {
            MembershipRequest::Join { org, kind, on } => next.join(org, kind, on, tree)?,
            MembershipRequest::Leave { org, kind, .. } => next.leave(org, kind)?,
            MembershipRequest::TransferHome { to, on } => {
                check_home(to, tree)?;
                if to == self.home {
                    return Err(MembershipError::AlreadyMember {
                        org: to,
                        kind: MembershipKind::Home,
                    });
                }
                next.home = to;
                next.home_since = on;
                next.group = None;
                if next.dual() == Some(to) {
                    next.dual = None;
                }
                if next.mobile.map(|m| m.location) == Some(to) {
                    next.mobile = None;
                }
            }
        }
        next.history.push(MembershipChange {
            on,
            request: request.clone(),
        });
        Ok(next)
    }

    fn join(
        &mut self,
        org: OrgId,
        kind: MembershipKind,
        on: NaiveDate,
        tree: &OrgTree,
    ) -> Result<(), MembershipError> {
        let o = tree.get(org).ok_or(MembershipError::UnknownOrg(org))?;
        let already = MembershipError::AlreadyMember { org, kind };
        match kind {
            MembershipKind::Home => {
                return Err(MembershipError::SecondHomeBranch { current: self.home });
            }
            MembershipKind::Online => {
                if !o.kind.is_online_branch() {
                    return Err(MembershipError::NotAnOnlineBranch(org));
                }
                if self.online.insert(org, on).is_some() {
                    return Err(already);
                }
            }
            MembershipKind::Group => {
                let in_home = matches!(o.kind, crate::org::OrgKind::PartyGroup)
                    && tree.parent(org) == Some(self.home);
                if !in_home {
                    return Err(MembershipError::GroupOutsideHomeBranch {
                        group: org,
                        home: self.home,
                    });
                }
                if self.group == Some(org) {
                    return Err(already);
                }
                self.group = Some(org);
            }
            MembershipKind::MobileLocation => {
                if org == self.home {
                    return Err(MembershipError::IsHomeBranch(org));
                }
                if self.mobile.map(|m| m.location) == Some(org) {
                    return Err(already);
                }
                self.mobile = Some(MobileStatus {
                    location: org,
                    since: on,
                });
            }
            MembershipKind::DualManagement => {
                if org == self.home {
                    return Err(MembershipError::IsHomeBranch(org));
                }
                if self.dual() == Some(org) {
                    return Err(already);
                }
                self.dual = Some((org, on));
            }
        }
        Ok(())
    }

    fn leave(&mut self, org: OrgId, kind: MembershipKind) -> Result<(), MembershipError> {
        let missing = MembershipError::NotMember { org, kind };
        match kind {
            MembershipKind::Home => return Err(MembershipError::CannotLeaveHome),
            MembershipKind::Online => {
                self.online.remove(&org).ok_or(missing)?;
            }
            MembershipKind::Group => {
                if self.group != Some(org) {
                    return Err(missing);
                }
                self.group = None;
            }
            MembershipKind::MobileLocation => {
                if self.mobile.map(|m| m.location) != Some(org) {
                    return Err(missing);
                }
                self.mobile = None;
            }
            MembershipKind::DualManagement => {
                if self.dual() != Some(org) {
                    return Err(missing);
                }
                self.dual = None;
            }
        }
        Ok(())
    }

    /// Where the member sits, for access checks ([`crate::access`]).
    pub fn placement(&self) -> crate::access::Placement {
        crate::access::Placement {
            home: self.home,
            mobile_location: self.mobile.map(|m| m.location),
            dual: self.dual(),
            online: self.online.keys().copied().collect(),
        }
    }
}
