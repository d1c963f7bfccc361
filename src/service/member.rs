//! Member services: registration, lifecycle transitions, memberships,
//! lookups.

use super::Dangjian;
use crate::access::{self, Actor, Placement, Role};
use crate::lifecycle::{Lifecycle, Stage, TransitionContext, TransitionRequest};
use crate::member::{
    EmployeeNo, Entry, Member, MemberCardId, MembershipRequest, Memberships, NewMember,
    OccupationCategory, RegistrationError, RegistrationStatus,
};
use crate::record::{Activity, NewRecordEntry};
use crate::{Error, MemberId, OrgId};
use chrono::NaiveDate;
use std::collections::BTreeMap;

impl Dangjian {
    /// 党员登记: creates a person's record (pending approval) in a home
    /// branch, either as a new applicant (the age guard applies) or as an
    /// existing member imported from paper records.
    ///
    /// # Errors
    /// `PermissionDenied` unless the actor is an officer covering the home
    /// branch; `Registration` for a missing field or a birth date after
    /// today; `Membership` for a home that is not a physical branch;
    /// `Transition` for an applicant under 18 or an import refused by the
    /// guards of [`Lifecycle::import`] (its introducers on the platform are
    /// looked up as in a live listing);
    /// `Duplicate` for a second record of the same person (一人一档) or
    /// employee number.
    pub async fn register(
        &self,
        actor: &Actor,
        reg: crate::member::Registration,
    ) -> Result<Member, Error> {
        let name = reg.name.ok_or(RegistrationError::Missing("name"))?;
        let id_number = reg
            .id_number
            .ok_or(RegistrationError::Missing("identity number"))?;
        let home = reg.home.ok_or(RegistrationError::Missing("home branch"))?;
        let entry = reg
            .entry
            .ok_or(RegistrationError::Missing("entry (application or import)"))?;
        let tree = self.store.org_tree().await?;
        let placement = Placement {
            home,
            mobile_location: None,
            dual: None,
            online: Vec::new(),
        };
        access::check_manage_member(actor, MemberId::new(0), &placement, &tree)?;
        let today = self.clock.today();
        let birth = id_number.birth_date();
        if birth > today {
            return Err(RegistrationError::BornInTheFuture { birth, today }.into());
        }
        // An imported development target's introducers on the platform are
        // checked as in a live listing.
        let mut introducers: BTreeMap<MemberId, Lifecycle> = BTreeMap::new();
        if let Entry::Import(snapshot) = &entry {
            for id in snapshot.introducers().into_iter().flatten() {
                if let Some(i) = id.member() {
                    if let Some(m) = self.store.get_member(i).await? {
                        introducers.insert(i, m.lifecycle);
                    }
                }
            }
        }
        let (lifecycle, since) = {
            let stage_of =
                |id: MemberId, on: NaiveDate| introducers.get(&id).and_then(|l| l.stage_on(on));
            let ctx = TransitionContext {
                birth_date: birth,
                subject: MemberId::new(0),
                today,
                rules: &self.rules.development,
                calendar: &self.rules.calendar,
                introducer_stage: &stage_of,
            };
            match entry {
                Entry::Application { on } => (Lifecycle::apply_for(on, &ctx)?, on),
                Entry::Import(snapshot) => (Lifecycle::import(snapshot, &ctx)?, today),
            }
        };
        let memberships = Memberships::new(home, since, &tree)?;
        if self.store.find_by_id_number(&id_number).await?.is_some() {
            return Err(Error::Duplicate(crate::store::UniqueField::IdNumber));
        }
        let new = NewMember {
            identity: crate::member::Identity { name, id_number },
            contact: reg.contact,
            occupation: reg.occupation.unwrap_or(OccupationCategory::InService),
            registration: RegistrationStatus::Pending {
                submitted_on: today,
            },
            lifecycle,
            memberships,
        };
        Ok(self.store.insert_member(new).await?)
    }

    /// 审核登记: approves a pending record and issues the electronic member
    /// card (党员电子身份证).
    ///
    /// # Errors
    /// `PermissionDenied` unless the actor is a committee officer (or the
    /// platform administrator) covering the home branch: a branch does not
    /// approve its own submissions; `Registration` if already approved.
    pub async fn approve_registration(
        &self,
        actor: &Actor,
        member: MemberId,
    ) -> Result<Member, Error> {
        let placement = self.placement_of(member).await?;
        let tree = self.store.org_tree().await?;
        access::check_manage_member(actor, member, &placement, &tree)?;
        if actor.role() == Role::BranchOfficer {
            return Err(access::Denied {
                role: actor.role(),
                scope: actor.scope(),
                action: access::Action::ManageMember,
                target: format!("approval of {member} (needs the committee above the branch)"),
            }
            .into());
        }
        let mut m = self.member_record(member).await?;
        if m.card().is_some() {
            return Err(RegistrationError::AlreadyApproved.into());
        }
        m.registration = RegistrationStatus::Approved {
            approved_on: self.clock.today(),
            card: MemberCardId::issue(member),
        };
        Ok(self.store.update_member(m, None).await?.0)
    }

    /// 发展阶段变更: applies a dated lifecycle transition (activist,
    /// development target, admission, extension, conversion, exit) and
    /// records it in the activity record, atomically.
    ///
    /// # Errors
    /// `PermissionDenied` unless the actor is an officer of the home line;
    /// `Registration` before the record is approved; `Transition` for any
    /// guard of [`crate::lifecycle`] (nothing changes).
    pub async fn transition(
        &self,
        actor: &Actor,
        member: MemberId,
        request: TransitionRequest,
    ) -> Result<Member, Error> {
        let placement = self.placement_of(member).await?;
        let tree = self.store.org_tree().await?;
        access::check_manage_member(actor, member, &placement, &tree)?;
        let m = self.member_record(member).await?;
        if m.card().is_none() {
            return Err(RegistrationError::NotApproved.into());
        }
        let mut introducers: BTreeMap<MemberId, Lifecycle> = BTreeMap::new();
        if let TransitionRequest::BecomeDevelopmentTarget {
            introducers: ids, ..
        } = &request
        {
            for id in ids {
                if let Some(i) = self.store.get_member(*id).await? {
                    introducers.insert(*id, i.lifecycle);
                }
            }
        }
        let from = m.lifecycle.stage();
        let lifecycle = {
            let stage_of =
                |id: MemberId, on: NaiveDate| introducers.get(&id).and_then(|l| l.stage_on(on));
            let ctx = TransitionContext {
                birth_date: m.identity.birth_date(),
                subject: member,
                today: self.clock.today(),
                rules: &self.rules.development,
                calendar: &self.rules.calendar,
                introducer_stage: &stage_of,
            };
            m.lifecycle.apply(&request, &ctx)?
        };
        let to = lifecycle.stage();
        let record = NewRecordEntry {
            member,
            occurred_on: request.date(),
            activity: Activity::StageChanged {
                from: Some(from),
                to,
            },
            recorded_by: Some(placement.home),
            recorded_at: self.clock.timestamp(),
        };
        let updated = Member { lifecycle, ..m };
        Ok(self.store.update_member(updated, Some(record)).await?.0)
    }

    /// 组织关系变动: joins or leaves an online branch, a party group, a
    /// mobile location or dual management, or transfers the home branch
    /// within the tree (recorded in the activity record, atomically).
    ///
    /// # Errors
    /// `PermissionDenied` unless the actor is an officer of the home line
    /// (for a transfer: covering the receiving branch as well); a current
    /// location organisation never changes the home membership.
    /// `Membership` for a second home branch, an online branch as home, a
    /// group outside the home branch, and the other rules of
    /// [`Memberships::apply`].
    pub async fn change_membership(
        &self,
        actor: &Actor,
        member: MemberId,
        request: MembershipRequest,
    ) -> Result<Member, Error> {
        let placement = self.placement_of(member).await?;
        let tree = self.store.org_tree().await?;
        access::check_manage_member(actor, member, &placement, &tree)?;
        if let MembershipRequest::TransferHome { to, .. } = request {
            let receiving = Placement {
                home: to,
                ..placement.clone()
            };
            access::check_manage_member(actor, member, &receiving, &tree)?;
        }
        let m = self.member_record(member).await?;
        let memberships = m.memberships.apply(&request, &tree, self.clock.today())?;
        let record = match request {
            MembershipRequest::TransferHome { to, on } => Some(NewRecordEntry {
                member,
                occurred_on: on,
                activity: Activity::RelationshipTransfer {
                    from: placement.home,
                    to,
                },
                recorded_by: Some(to),
                recorded_at: self.clock.timestamp(),
            }),
            _ => None,
        };
        Ok(self
            .store
            .update_member(Member { memberships, ..m }, record)
            .await?
            .0)
    }

    /// 查看党员: one member's record.
    ///
    /// # Errors
    /// `PermissionDenied` unless the actor is the member, an officer of the
    /// home line, of the current location, of a dual-managing organisation
    /// or of an online branch the member joined; `NotFound`.
    pub async fn member(&self, actor: &Actor, member: MemberId) -> Result<Member, Error> {
        let placement = self.placement_of(member).await?;
        let tree = self.store.org_tree().await?;
        access::check_read_member(actor, member, &placement, &tree)?;
        self.member_record(member).await
    }

    /// Whether `actor` may read `member` (the scope check alone).
    ///
    /// # Errors
    /// `PermissionDenied` or `NotFound`.
    pub async fn check_member_scope(&self, actor: &Actor, member: MemberId) -> Result<(), Error> {
        let placement = self.placement_of(member).await?;
        let tree = self.store.org_tree().await?;
        Ok(access::check_read_member(actor, member, &placement, &tree)?)
    }

    /// The member an OA login (employee number) belongs to, if the actor
    /// may read it.
    ///
    /// # Errors
    /// `PermissionDenied` when the record is outside the actor's scope.
    pub async fn member_by_employee_no(
        &self,
        actor: &Actor,
        no: &EmployeeNo,
    ) -> Result<Option<Member>, Error> {
        let Some(m) = self.store.find_by_employee_no(no).await? else {
            return Ok(None);
        };
        let tree = self.store.org_tree().await?;
        access::check_read_member(actor, m.id, &m.memberships.placement(), &tree)?;
        Ok(Some(m))
    }

    /// 下属党员: the members whose home branch is in `root`'s subtree,
    /// ordered by id.
    ///
    /// # Errors
    /// `PermissionDenied` outside the actor's scope; `NotFound`.
    pub async fn subtree_members(&self, actor: &Actor, root: OrgId) -> Result<Vec<Member>, Error> {
        let tree = self.readable_tree(actor, root).await?;
        Ok(self.store.members_by_home(&tree.subtree(root)).await?)
    }

    /// 网上党支部成员: the members of online branch `org`.
    ///
    /// # Errors
    /// `PermissionDenied` outside the actor's scope.
    pub async fn online_branch_members(
        &self,
        actor: &Actor,
        org: OrgId,
    ) -> Result<Vec<Member>, Error> {
        let tree = self.store.org_tree().await?;
        access::check_read_org(actor, org, &tree)?;
        Ok(self.store.members_by_online(org).await?)
    }

    /// The stage of `member` today, for callers that only need that.
    ///
    /// # Errors
    /// As [`Dangjian::member`].
    pub async fn stage(&self, actor: &Actor, member: MemberId) -> Result<Stage, Error> {
        Ok(self.member(actor, member).await?.lifecycle.stage())
    }

    async fn member_record(&self, member: MemberId) -> Result<Member, Error> {
        self.store
            .get_member(member)
            .await?
            .ok_or_else(|| Error::NotFound(member.to_string()))
    }
}
