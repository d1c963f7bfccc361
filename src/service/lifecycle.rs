//! 党员发展 (the lifecycle handle): dated transitions, applicant to full
//! member and the exits, under the guards of Development 2014.

use super::Session;
use crate::access;
use crate::lifecycle::{Lifecycle, Stage, Transition, TransitionContext, TransitionRequest};
use crate::member::{Member, RegistrationError};
use crate::record::{Activity, NewRecordEntry};
use crate::store::Effects;
use crate::{Error, MemberId};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// 党员发展: members' lifecycles ([`Session::lifecycle`]).
#[derive(Debug, Clone, Copy)]
pub struct LifecycleHandle<'s> {
    pub(super) s: &'s Session,
}

impl LifecycleHandle<'_> {
    /// 发展阶段变更: applies a dated transition (activist, development
    /// target, admission, extension, conversion, exit) and records it in
    /// the activity record, atomically.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, member::{Entry, Registration}, org::{BranchForm, NewOrganisation, OrgKind}};
    /// use dangjian::lifecycle::{Stage, Transition, TransitionRequest};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// let today = chrono::Utc::now().date_naive();
    /// let m = admin.members().register(Registration::new(
    ///     "张三".parse()?, "11010519491231002X".parse()?, b.id, Entry::Application { on: today },
    /// )).await?;
    /// admin.members().approve(m.id()).await?;
    /// let m = admin.lifecycle().transition(Transition::new(
    ///     m.id(), TransitionRequest::BecomeActivist { on: today },
    /// )).await?;
    /// assert_eq!(m.stage(), Stage::Activist);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless the actor is an officer of the home line; `Registration`
    /// before the record is approved; `Transition` for any guard of
    /// [`crate::lifecycle`] (nothing changes).
    pub async fn transition(&self, req: Transition) -> Result<Member, Error> {
        let Transition { member, request } = req;
        let l = self.s.members().managed(member).await?;
        let home = l.placement()?.home;
        let m = self.s.members().record(member).await?;
        if m.card().is_none() {
            return Err(RegistrationError::NotApproved.into());
        }
        let introducers: BTreeMap<MemberId, Lifecycle> = match &request {
            TransitionRequest::BecomeDevelopmentTarget {
                introducers: ids,
                on,
            } => {
                self.s
                    .eligible_introducers(ids, home, &l.tree, Some(*on))
                    .await?
            }
            _ => BTreeMap::new(),
        };
        let from = m.lifecycle.stage();
        let rules = self.s.rules();
        let lifecycle = {
            let stage_of =
                |id: MemberId, on: NaiveDate| introducers.get(&id).and_then(|l| l.stage_on(on));
            let ctx = TransitionContext {
                birth_date: m.identity.birth_date(),
                subject: member,
                today: self.s.clock().today(),
                rules: &rules.development,
                calendar: rules.calendar.for_org(home, &l.tree),
                introducer_stage: &stage_of,
            };
            m.lifecycle
                .apply(&request, &ctx)
                .map_err(|e| super::introducers::refine(e, &introducers))?
        };
        // 公示: a stored pre-admission notice must have ended, with no
        // objection open or upheld, before the resolution (DISC-13).
        if let TransitionRequest::Admit { resolution_on, .. } = &request {
            self.s
                .notice_allows(
                    member,
                    home,
                    crate::disclosure::Purpose::PreAdmission,
                    *resolution_on,
                    &l.tree,
                    super::disclosure::IfNone::Allow,
                )
                .await?;
        }
        let to = lifecycle.stage();
        let record = NewRecordEntry {
            member,
            occurred_on: request.date(),
            activity: Activity::StageChanged {
                from: Some(from),
                to,
            },
            recorded_by: Some(home),
            acted_by: self.s.actor.acted_by(),
            recorded_at: self.s.clock().timestamp(),
        };
        let updated = Member { lifecycle, ..m };
        Ok(self
            .s
            .store()
            .update_member(updated, Effects::record(record))
            .await?
            .0)
    }

    /// The stage of `member` today.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let me = dj.act_as(&Actor::member(MemberId::new(3)));
    /// assert!(me.lifecycle().stage(MemberId::new(3)).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// As [`crate::service::MembersHandle::get`].
    pub async fn stage(&self, member: MemberId) -> Result<Stage, Error> {
        self.s
            .authorize(super::authorize::Target::Member(member), |l| {
                access::check_read_member(&self.s.actor, member, l.placement_ok(), &l.tree)
            })
            .await?;
        Ok(self.s.members().record(member).await?.lifecycle.stage())
    }
}
