//! 党员 (the members handle): registration, approval, memberships,
//! lookups and roster imports.

use super::authorize::{Located, Target};
use super::{Page, PageRequest, Session};
use crate::access::{self, Placement, Role};
use crate::error::Entity;
use crate::lifecycle::{Lifecycle, TransitionContext};
use crate::member::{
    ChangeMembership, EmployeeNo, Entry, Member, MemberCardId, MembershipRequest, Memberships,
    NewMember, Registration, RegistrationError, RegistrationStatus,
};
use crate::record::{Activity, NewRecordEntry};
use crate::store::Effects;
use crate::{Error, MemberId, OrgId};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// 党员: members' records an actor may see and change
/// ([`Session::members`]).
#[derive(Debug, Clone, Copy)]
pub struct MembersHandle<'s> {
    pub(super) s: &'s Session,
}

impl MembersHandle<'_> {
    /// 党员登记: creates a person's record (pending approval) in a home
    /// branch, either as a new applicant (the age guard applies) or as an
    /// existing member brought in from paper records.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, member::{Entry, Registration}, org::{BranchForm, NewOrganisation, OrgKind}};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// let on = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    /// let m = admin.members().register(Registration::new(
    ///     "张三".parse()?, "11010519491231002X".parse()?, b.id, Entry::Application { on },
    /// )).await?;
    /// assert!(m.card().is_none()); // pending until the committee approves
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` for a home branch missing or outside the scope;
    /// `PermissionDenied` unless the actor is an officer covering the home
    /// branch; `Registration` for a birth date after today; `Membership`
    /// for a home that is not a physical branch; `Transition` for an
    /// applicant under 18 or an inconsistent import; `Duplicate` for a
    /// second record of the same person (一人一档) or employee number.
    pub async fn register(&self, reg: Registration) -> Result<Member, Error> {
        let l = self.for_home(reg.home).await?;
        let introducers = self.introducers_of(&reg.entry, reg.home, &l).await?;
        let new = self.plan_registration(reg, &l, &introducers)?;
        self.ensure_new_person(&new).await?;
        let fx = applications(std::slice::from_ref(&new), self.s.clock().now());
        Ok(self.s.store().insert_member(new, fx).await?)
    }

    /// 登记并审核: registers a person already vetted and approves the
    /// record at once, issuing the member card, in one write. Only an
    /// actor who may approve (a committee officer above the branch, or
    /// the platform administrator).
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, member::{Entry, Registration}, lifecycle::ImportedStage, org::{BranchForm, NewOrganisation, OrgKind}};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let full = ImportedStage::Full { joined_on: d(2001, 7, 1), full_since: d(2002, 7, 1) };
    /// let m = admin.members().register_approved(Registration::new(
    ///     "张三".parse()?, "11010519491231002X".parse()?, b.id, Entry::Import(full),
    /// )).await?;
    /// assert!(m.card().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`MembersHandle::register`]; `PermissionDenied` for a branch
    /// officer (a branch does not approve its own submissions).
    pub async fn register_approved(&self, reg: Registration) -> Result<Member, Error> {
        let l = self.for_home(reg.home).await?;
        self.may_approve(&l, Target::Org(reg.home), "a new record")?;
        let introducers = self.introducers_of(&reg.entry, reg.home, &l).await?;
        let mut new = self.plan_registration(reg, &l, &introducers)?;
        self.ensure_new_person(&new).await?;
        // Inserted approved in one write; the store's `into_member`
        // issues the card from the id it assigns.
        new.registration = RegistrationStatus::Approved {
            approved_on: self.s.clock().today(),
            card: MemberCardId::issue(MemberId::new(0)),
        };
        let fx = applications(std::slice::from_ref(&new), self.s.clock().now());
        Ok(self.s.store().insert_member(new, fx).await?)
    }

    /// 存量导入: imports a roster with each person's real history (when
    /// they joined, their stage, their home branch since a date, their
    /// online branches), atomically: every new record is stored, or none.
    /// Each row passes the guards of the live path (an override with a
    /// reason lets a row's figures stand, and keeps the reason); a row
    /// already stored as given changes nothing, so importing the same rows
    /// again is a no-op; a stored record that differs is refused.
    /// Introducers may be rows of the same batch (by identity number) or
    /// people outside the platform (named). See [`crate::member::plan_import`].
    ///
    /// Identity numbers are parsed by the caller: the strict
    /// [`IdNumber`](crate::member::IdNumber) parse is the default; a legacy
    /// roster with 15-digit numbers uses
    /// [`IdNumber::parse_lenient`](crate::member::IdNumber::parse_lenient)
    /// explicitly, which converts them to the 18-character form.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OrgKind}};
    /// use dangjian::lifecycle::ImportedStage;
    /// use dangjian::member::{IdNumber, ImportRoster, RosterRow};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// // A first-generation number from a paper roster, converted explicitly.
    /// let id = IdNumber::parse_lenient("110105491231002")?;
    /// let full = ImportedStage::Full { joined_on: d(1975, 7, 1), full_since: d(1976, 7, 1) };
    /// let rows = vec![RosterRow::new("王五".parse()?, id, b.id, d(1990, 3, 1), full)];
    /// let first = admin.members().import(ImportRoster::new(rows.clone()).approved()).await?;
    /// assert_eq!(first.created.len(), 1);
    /// let again = admin.members().import(ImportRoster::new(rows).approved()).await?;
    /// assert!(again.created.is_empty() && again.unchanged.len() == 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` for a home branch missing or outside the scope;
    /// `PermissionDenied` unless the actor is an officer covering every
    /// home branch (and, to approve, may approve); `Import` naming the
    /// first row refused and why; `Duplicate` when a concurrent write took
    /// an identity or employee number.
    pub async fn import(
        &self,
        req: crate::member::ImportRoster,
    ) -> Result<crate::member::ImportReport, Error> {
        let homes: std::collections::BTreeSet<OrgId> = req.rows.iter().map(|r| r.home()).collect();
        let mut tree = None;
        for home in homes {
            let l = self.for_home(home).await?;
            if req.approve {
                self.may_approve(&l, Target::Org(home), "an imported record")?;
            }
            tree = Some(l.tree);
        }
        let Some(tree) = tree else {
            return Ok(crate::member::ImportReport {
                created: Vec::new(),
                unchanged: Vec::new(),
            });
        };
        let mut existing = std::collections::HashMap::new();
        for row in &req.rows {
            if let Some(m) = self.s.store().find_by_id_number(row.id_number()).await? {
                existing.insert(row.id_number().clone(), m);
            }
        }
        let today = self.s.clock().today();
        let rules = self.s.rules();
        let plan = crate::member::plan_import(
            &req.rows,
            &tree,
            &rules.development,
            &rules.calendar,
            today,
            &|id| existing.get(id).cloned(),
        )?;
        let unchanged = plan
            .rows()
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r {
                crate::member::PlannedRow::Unchanged(id) => Some((i, *id)),
                crate::member::PlannedRow::New(_) => None,
            })
            .collect();
        let mut new = plan.into_new_members();
        if req.approve {
            for m in &mut new {
                m.registration = RegistrationStatus::Approved {
                    approved_on: today,
                    card: MemberCardId::issue(MemberId::new(0)),
                };
            }
        }
        let created = if new.is_empty() {
            Vec::new()
        } else {
            let fx = applications(&new, self.s.clock().now());
            self.s.store().insert_members(new, fx).await?
        };
        Ok(crate::member::ImportReport { created, unchanged })
    }

    /// 审核登记: approves a pending record and issues the electronic member
    /// card (党员电子身份证).
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor, member::{Entry, Registration}, org::{BranchForm, NewOrganisation, OrgKind}};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// # let on = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    /// let m = admin.members().register(Registration::new(
    ///     "张三".parse()?, "11010519491231002X".parse()?, b.id, Entry::Application { on },
    /// )).await?;
    /// let approved = admin.members().approve(m.id()).await?;
    /// assert!(approved.card().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless the actor is a committee officer (or the platform
    /// administrator) covering the home branch; `Registration` if already
    /// approved.
    pub async fn approve(&self, member: MemberId) -> Result<Member, Error> {
        let l = self.managed(member).await?;
        self.may_approve(&l, Target::Member(member), &format!("approval of {member}"))?;
        let mut m = self.record(member).await?;
        if m.card().is_some() {
            return Err(RegistrationError::AlreadyApproved.into());
        }
        m.registration = RegistrationStatus::Approved {
            approved_on: self.s.clock().today(),
            card: MemberCardId::issue(member),
        };
        Ok(self.s.store().update_member(m, Effects::none()).await?.0)
    }

    /// 组织关系变动: joins or leaves an online branch, a party group, a
    /// mobile location or dual management, or transfers the home branch
    /// within the tree (recorded in the activity record, atomically).
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, member::{ChangeMembership, Entry, MembershipKind, MembershipRequest, Registration}, org::{BranchForm, NewOrganisation, OnlineTheme, OrgKind}};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// # let online = admin.orgs().create(NewOrganisation::new("网上党支部".parse()?, OrgKind::Branch(BranchForm::Online { theme: OnlineTheme::MobileMembers })).under(c.id)).await?;
    /// # let on = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    /// # let m = admin.members().register(Registration::new("张三".parse()?, "11010519491231002X".parse()?, b.id, Entry::Application { on })).await?;
    /// let today = chrono::Utc::now().date_naive();
    /// let m = admin.members().change_membership(ChangeMembership::new(
    ///     m.id(),
    ///     MembershipRequest::Join { org: online.id, kind: MembershipKind::Online, on: today },
    /// )).await?;
    /// assert!(m.memberships().online().contains_key(&online.id));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless the actor is an officer of the home line (for a transfer:
    /// covering the receiving branch as well); a current-location
    /// organisation never changes the home membership. `Membership` for a
    /// second home branch, an online branch as home, a group outside the
    /// home branch, and the other rules of [`Memberships::apply`].
    pub async fn change_membership(&self, req: ChangeMembership) -> Result<Member, Error> {
        let member = req.member;
        let l = self.managed(member).await?;
        let placement = l.placement()?.clone();
        if let MembershipRequest::TransferHome { to, .. } = req.change {
            let receiving = Placement {
                home: to,
                ..placement.clone()
            };
            access::check_manage_member(&self.s.actor, member, &receiving, &l.tree).map_err(
                |d| match l.tree.get(to) {
                    Some(_) if self.s.actor.covers_org(to, &l.tree) => Error::PermissionDenied(d),
                    _ => Error::not_found(Entity::Org, to),
                },
            )?;
        }
        let m = self.record(member).await?;
        let today = self.s.clock().today();
        let memberships = m.memberships.apply(&req.change, &l.tree, today)?;
        let record = match req.change {
            MembershipRequest::TransferHome { to, on } => Some(NewRecordEntry {
                member,
                occurred_on: on,
                activity: Activity::RelationshipTransfer {
                    from: placement.home,
                    to,
                },
                recorded_by: Some(to),
                acted_by: self.s.actor.acted_by(),
                recorded_at: self.s.clock().timestamp(),
            }),
            _ => None,
        };
        Ok(self
            .s
            .store()
            .update_member(Member { memberships, ..m }, Effects::from(record))
            .await?
            .0)
    }

    /// 查看党员: one member's record.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let err = dj.act_as(&Actor::platform_admin()).members().get(MemberId::new(42)).await.unwrap_err();
    /// assert!(err.is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` unless the actor is the member, an officer (or a
    /// scheduled job) of the home line, of the current location, of a
    /// dual-managing organisation or of an online branch the member
    /// joined; `PermissionDenied` for a treasurer of the home branch.
    pub async fn get(&self, member: MemberId) -> Result<Member, Error> {
        self.s
            .authorize(Target::Member(member), |l| {
                access::check_read_member(&self.s.actor, member, l.placement_ok(), &l.tree)
            })
            .await?;
        self.record(member).await
    }

    /// The member an OA login (employee number) belongs to, if there is
    /// one the actor may read.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let found = dj.act_as(&Actor::platform_admin()).members().by_employee_no(&"E0001".parse()?).await?;
    /// assert!(found.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `PermissionDenied` for a record in scope the role may not read; a
    /// record outside the scope is `Ok(None)`, as if there were none.
    pub async fn by_employee_no(&self, no: &EmployeeNo) -> Result<Option<Member>, Error> {
        let Some(id) = self.s.store().find_by_employee_no(no).await?.map(|m| m.id) else {
            return Ok(None);
        };
        match self.get(id).await {
            Ok(m) => Ok(Some(m)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// 下属党员: the members whose home branch is in `root`'s subtree,
    /// ordered by id, a page at a time.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{NewOrganisation, OrgKind}, service::PageRequest};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// let page = admin.members().list_in(c.id, PageRequest::first(100)).await?;
    /// assert!(page.items.is_empty() && page.is_last());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied` for a
    /// role that reads no organisation.
    pub async fn list_in(&self, root: OrgId, page: PageRequest) -> Result<Page<Member>, Error> {
        let l = self.s.orgs().readable(root).await?;
        let all = self
            .s
            .store()
            .members_by_home(&l.tree.subtree(root))
            .await?;
        Ok(page.cut(all, |m| m.id.get()))
    }

    /// 网上党支部成员: the members of online branch `org`, ordered by id,
    /// a page at a time.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OnlineTheme, OrgKind}, service::PageRequest};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// let theme = OnlineTheme::MobileMembers;
    /// let online = admin.orgs().create(
    ///     NewOrganisation::new("流动党员网上党支部".parse()?, OrgKind::Branch(BranchForm::Online { theme })).under(c.id),
    /// ).await?;
    /// let page = admin.members().list_online(online.id, PageRequest::first(50)).await?;
    /// assert!(page.items.is_empty() && page.is_last());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`MembersHandle::list_in`].
    pub async fn list_online(&self, org: OrgId, page: PageRequest) -> Result<Page<Member>, Error> {
        self.s.orgs().readable(org).await?;
        let all = self.s.store().members_by_online(org).await?;
        Ok(page.cut(all, |m| m.id.get()))
    }

    /// The home branch, located, once the actor may register there.
    pub(super) async fn for_home(&self, home: OrgId) -> Result<Located, Error> {
        let placement = Placement {
            home,
            mobile_location: None,
            dual: None,
            online: Vec::new(),
        };
        self.s
            .authorize(Target::Org(home), |l| {
                access::check_manage_member(&self.s.actor, MemberId::new(0), &placement, &l.tree)
            })
            .await
    }

    /// The member, located, once the actor may change the record.
    pub(super) async fn managed(&self, member: MemberId) -> Result<Located, Error> {
        self.s
            .authorize(Target::Member(member), |l| {
                access::check_manage_member(&self.s.actor, member, l.placement_ok(), &l.tree)
            })
            .await
    }

    pub(super) fn may_approve(&self, l: &Located, target: Target, what: &str) -> Result<(), Error> {
        if matches!(self.s.actor.role(), Role::BranchOfficer) {
            let denied = access::Denied {
                role: self.s.actor.role(),
                scope: self.s.actor.scope(),
                action: access::Action::ManageMember,
                target: format!("{what} (approval needs the committee above the branch)"),
            };
            return Err(self.s.refusal(l, target, denied));
        }
        Ok(())
    }

    /// 一人一档: refuses a second record of a person already stored (the
    /// store enforces it again under concurrency).
    async fn ensure_new_person(&self, new: &NewMember) -> Result<(), Error> {
        match self
            .s
            .store()
            .find_by_id_number(&new.identity.id_number)
            .await?
        {
            Some(_) => Err(Error::Duplicate(crate::store::UniqueField::IdNumber)),
            None => Ok(()),
        }
    }

    /// An imported development target's introducers on the platform, to
    /// be checked as in a live listing.
    async fn introducers_of(
        &self,
        entry: &Entry,
        home: OrgId,
        l: &Located,
    ) -> Result<BTreeMap<MemberId, Lifecycle>, Error> {
        let introducers = BTreeMap::new();
        if let Entry::Import(snapshot) = entry {
            let ids: Vec<MemberId> = snapshot
                .introducers()
                .into_iter()
                .flatten()
                .filter_map(|i| i.member())
                .collect();
            if ids.is_empty() {
                return Ok(introducers);
            }
            // A listing imported as a development target is checked on its
            // date, as a live one (MEM-13).
            let listed_on = match snapshot {
                crate::lifecycle::ImportedStage::DevelopmentTarget { since, .. } => Some(*since),
                _ => None,
            };
            return self
                .s
                .eligible_introducers(&ids, home, &l.tree, listed_on)
                .await;
        }
        Ok(introducers)
    }

    fn plan_registration(
        &self,
        reg: Registration,
        l: &Located,
        introducers: &BTreeMap<MemberId, Lifecycle>,
    ) -> Result<NewMember, Error> {
        let today = self.s.clock().today();
        let birth = reg.id_number.birth_date();
        if birth > today {
            return Err(RegistrationError::BornInTheFuture { birth, today }.into());
        }
        let rules = self.s.rules();
        let stage_of =
            |id: MemberId, on: NaiveDate| introducers.get(&id).and_then(|l| l.stage_on(on));
        let ctx = TransitionContext {
            birth_date: birth,
            subject: MemberId::new(0),
            today,
            rules: &rules.development,
            calendar: rules.calendar.for_org(reg.home, &l.tree),
            introducer_stage: &stage_of,
        };
        let (lifecycle, since) = match reg.entry {
            Entry::Application { on } => (Lifecycle::apply_for(on, &ctx)?, on),
            Entry::Import(snapshot) => (
                Lifecycle::import(snapshot, &ctx)
                    .map_err(|e| super::introducers::refine(e, introducers))?,
                today,
            ),
        };
        let memberships = Memberships::new(reg.home, since, &l.tree)?;
        Ok(NewMember {
            identity: crate::member::Identity {
                name: reg.name,
                id_number: reg.id_number,
            },
            contact: reg.contact,
            occupation: reg.occupation,
            registration: RegistrationStatus::Pending {
                submitted_on: today,
            },
            lifecycle,
            memberships,
        })
    }

    pub(super) async fn record(&self, member: MemberId) -> Result<Member, Error> {
        self.s
            .store()
            .get_member(member)
            .await?
            .ok_or_else(|| Error::not_found(Entity::Member, member))
    }
}

impl Located {
    /// The placement of a member target (an empty one never matches).
    pub(super) fn placement_ok(&self) -> &Placement {
        static NOWHERE: std::sync::OnceLock<Placement> = std::sync::OnceLock::new();
        self.placement.as_ref().unwrap_or_else(|| {
            NOWHERE.get_or_init(|| Placement {
                home: OrgId::new(0),
                mobile_location: None,
                dual: None,
                online: Vec::new(),
            })
        })
    }
}

/// 收到入党申请 for each applicant among `new` (NOTE-7): one event per
/// applicant, its member id filled in by the store from the record it
/// creates, in the same unit as the records.
fn applications(new: &[NewMember], now: chrono::DateTime<chrono::Utc>) -> Effects {
    new.iter()
        .enumerate()
        .filter(|(_, m)| m.lifecycle.stage() == crate::lifecycle::Stage::Applicant)
        .filter_map(|(i, m)| {
            let on = m.lifecycle.applied_on()?;
            let event = crate::notify::Event::ApplicationReceived {
                member: MemberId::new(0),
                branch: m.memberships.home(),
                on,
            };
            Some(event.to_journal_new(now, i))
        })
        .fold(Effects::none(), Effects::with_journal)
}
