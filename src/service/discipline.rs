//! 奖惩 (the discipline handle): rewards, sanctions and detentions of a
//! member, as dated records that the roll and the introducer check read
//! (`docs/RULES.md` MEM-7 … MEM-13).
//!
//! A handle of its own, not a method of `members()`: the decisions are
//! records of their own (their own store trait, table and document), read
//! by other areas (votes, lifecycle), as the ledger is for dues.

use super::authorize::Target;
use super::{Page, PageRequest, Session};
use crate::access;
use crate::discipline::{Decision, DisciplineError, Measure, NewDecision, RecordDecision};
use crate::lifecycle::{ExitReason, Stage, TransitionContext, TransitionRequest};
use crate::member::Member;
use crate::record::{Activity, NewRecordEntry, RewardOrSanction};
use crate::store::Effects;
use crate::{Error, MemberId};

/// 奖惩: rewards, sanctions and detentions ([`Session::discipline`]).
#[derive(Debug, Clone, Copy)]
pub struct DisciplineHandle<'s> {
    pub(super) s: &'s Session,
}

impl DisciplineHandle<'_> {
    /// 记录奖惩决定: records a decision about a member, with its
    /// `RewardOrSanction` entry in the activity record, in one write. A
    /// 开除党籍 also applies the exit (`ExitReason::Expelled`) to the
    /// lifecycle in the same write (MEM-9).
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, member::{Entry, Registration}, org::{BranchForm, NewOrganisation, OrgKind}, service::PageRequest};
    /// # use dangjian::lifecycle::ImportedStage;
    /// use dangjian::discipline::{Measure, ProbationTerm, RecordDecision};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// # let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// # let today = chrono::Utc::now().date_naive();
    /// # let m = admin.members().register(Registration::new("张三".parse()?, "11010519491231002X".parse()?, b.id,
    /// #     Entry::Import(ImportedStage::Full { joined_on: d(2000, 7, 1), full_since: d(2001, 7, 1) }))).await?;
    /// # admin.members().approve(m.id()).await?;
    /// let probation = Measure::Probation { term: ProbationTerm::OneYear, rights_restored: false };
    /// let decided = admin.discipline().record(RecordDecision::new(m.id(), probation, today, b.id, c.id)).await?;
    /// assert_eq!(decided.ends(), dangjian::period::add_months(today, 12));
    /// assert_eq!(admin.discipline().list(m.id(), PageRequest::default()).await?.items, vec![decided]);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless the actor is a committee officer (or the administrator) of
    /// the home line (MEM-11: the grassroots committee approves);
    /// `Registration` before the record is approved; `Discipline` for a
    /// bad decision (a future date, a term other than 1 or 2 years, a
    /// deciding or approving organisation not on the member's home line,
    /// someone not a member on the date); `Transition` when an expulsion
    /// cannot be applied to the lifecycle.
    pub async fn record(&self, req: RecordDecision) -> Result<Decision, Error> {
        let RecordDecision {
            member,
            measure,
            decided_on,
            decided_by,
            approved_by,
            title,
        } = req;
        let l = self.s.members().managed(member).await?;
        self.s
            .members()
            .may_approve(&l, Target::Member(member), "a disciplinary decision")?;
        let home = l.placement()?.home;
        let m = self.s.members().record(member).await?;
        if m.card().is_none() {
            return Err(crate::member::RegistrationError::NotApproved.into());
        }
        let today = self.s.clock().today();
        let new = NewDecision {
            member,
            measure,
            decided_on,
            decided_by,
            approved_by,
            title: title.trim().to_owned(),
            acted_by: self.s.actor.acted_by(),
            recorded_at: self.s.clock().timestamp(),
        };
        new.validate(&l.tree, today)?;
        if !l.tree.is_within(home, decided_by) {
            return Err(DisciplineError::Approver {
                decided_by,
                approved_by,
            }
            .into());
        }
        let stage = m.lifecycle.stage_on(decided_on);
        if !matches!(stage, Some(Stage::Full | Stage::Probationary)) {
            return Err(DisciplineError::NotAMember {
                member,
                on: decided_on,
            }
            .into());
        }
        let entry = |activity| NewRecordEntry {
            member,
            occurred_on: decided_on,
            activity,
            recorded_by: Some(decided_by),
            acted_by: self.s.actor.acted_by(),
            recorded_at: self.s.clock().timestamp(),
        };
        let mut effects = match measure {
            Measure::Reward => Effects::record(entry(Activity::RewardOrSanction {
                kind: RewardOrSanction::Reward,
                title: new.title.clone(),
            })),
            Measure::Detention { .. } => Effects::none(),
            _ => Effects::record(entry(Activity::RewardOrSanction {
                kind: RewardOrSanction::Sanction,
                title: new.title.clone(),
            })),
        };
        let exit = if measure == Measure::Expulsion {
            let rules = self.s.rules();
            let calendar = rules.calendar.for_org(home, &l.tree);
            let (exited, stage_entry) = self.expel(&m, decided_on, calendar)?;
            effects = effects.with_record(entry(stage_entry));
            Some(exited)
        } else {
            None
        };
        let (stored, _, _) = self.s.store().record_decision(new, exit, effects).await?;
        Ok(stored)
    }

    /// The member with the exit applied, and its stage-change entry;
    /// `calendar` is the one of the member's home organisation.
    fn expel(
        &self,
        m: &Member,
        on: chrono::NaiveDate,
        calendar: &crate::period::WorkCalendar,
    ) -> Result<(Member, Activity), Error> {
        let rules = self.s.rules();
        let none = |_: MemberId, _: chrono::NaiveDate| None;
        let ctx = TransitionContext {
            birth_date: m.identity.birth_date(),
            subject: m.id,
            today: self.s.clock().today(),
            rules: &rules.development,
            calendar,
            introducer_stage: &none,
        };
        let request = TransitionRequest::Exit {
            on,
            reason: ExitReason::Expelled,
        };
        let from = m.lifecycle.stage();
        let lifecycle = m.lifecycle.apply(&request, &ctx)?;
        let to = lifecycle.stage();
        let exited = Member {
            lifecycle,
            ..m.clone()
        };
        Ok((
            exited,
            Activity::StageChanged {
                from: Some(from),
                to,
            },
        ))
    }

    /// 奖惩记录: a member's decisions, oldest first, a page at a time.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor, service::PageRequest};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let me = dj.act_as(&Actor::member(MemberId::new(3)));
    /// assert!(me.discipline().list(MemberId::new(3), PageRequest::default()).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` unless the actor may read the member's activity record
    /// (the member, the home line, a mobile member's current location).
    pub async fn list(&self, member: MemberId, page: PageRequest) -> Result<Page<Decision>, Error> {
        self.s
            .authorize(Target::Member(member), |l| {
                access::check_read_record(&self.s.actor, member, l.placement_ok(), &l.tree)
            })
            .await?;
        let all = self.s.store().decisions_of(&[member]).await?;
        Ok(page.cut(all, |d| d.id.get()))
    }
}
