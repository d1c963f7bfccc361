//! 电子活动证 (the records handle): append to and read members' activity
//! records.

use super::authorize::Target;
use super::{Page, PageRequest, Session};
use crate::access::{self, Scope};
use crate::record::{AppendActivity, NewRecordEntry, RecordEntry};
use crate::store::Effects;
use crate::{Error, MemberId};

/// 电子活动证: activity records ([`Session::records`]).
#[derive(Debug, Clone, Copy)]
pub struct RecordsHandle<'s> {
    pub(super) s: &'s Session,
}

impl RecordsHandle<'_> {
    /// 记录活动: appends an entry to a member's activity record; the
    /// actor's member id (or job name) and the organisation of the actor's
    /// scope are recorded as who appended it. Only the
    /// [`Appendable`](crate::record::Appendable) kinds: stage changes,
    /// transfers, payments and sanctions are written by the operation that
    /// makes the change (`docs/RULES.md` MEM-5a).
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, member::{Entry, Registration}, org::{BranchForm, NewOrganisation, OrgKind}, service::PageRequest};
    /// use dangjian::record::{AppendActivity, Appendable};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let dj = Dangjian::in_memory();
    /// # let admin = dj.act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// # let today = chrono::Utc::now().date_naive();
    /// # let m = admin.members().register(Registration::new("张三".parse()?, "11010519491231002X".parse()?, b.id, Entry::Application { on: today })).await?;
    /// let visit = Appendable::AssistanceVisit { description: "走访慰问".into() };
    /// let secretary = dj.act_as(&Actor::branch_officer(dangjian::MemberId::new(7), b.id));
    /// let entry = secretary.records().append(AppendActivity::new(m.id(), today, visit)).await?;
    /// assert_eq!((entry.recorded_by, entry.acted_by.map(|a| a.to_string())), (Some(b.id), Some("member#7".into())));
    /// // The bare administrator names no one, so appends nothing.
    /// let visit = Appendable::AssistanceVisit { description: "走访慰问".into() };
    /// assert!(admin.records().append(AppendActivity::new(m.id(), today, visit)).await.is_err());
    /// assert_eq!(admin.records().list(m.id(), PageRequest::default()).await?.items.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless the actor is an officer of the home line or of a mobile
    /// member's current location (a member may record their own online
    /// check-in), or when the actor names no one (the bare platform
    /// administrator); `Record` for bad content or a future date.
    pub async fn append(&self, req: AppendActivity) -> Result<RecordEntry, Error> {
        let AppendActivity {
            member,
            occurred_on,
            activity,
        } = req;
        self.s
            .authorize(Target::Member(member), |l| {
                access::check_append_record(
                    &self.s.actor,
                    member,
                    l.placement_ok(),
                    &activity,
                    &l.tree,
                )
            })
            .await?;
        let entry = NewRecordEntry {
            member,
            occurred_on,
            activity: activity.into(),
            recorded_by: match self.s.actor.scope() {
                Scope::Subtree(org) => Some(org),
                _ => None,
            },
            acted_by: self.s.actor.acted_by(),
            recorded_at: self.s.clock().timestamp(),
        };
        entry.validate(self.s.clock().today())?;
        Ok(self.s.store().append_record(entry, Effects::none()).await?)
    }

    /// 查看电子活动证: a member's activity record, oldest first, a page at a
    /// time.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor, service::PageRequest};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let me = dj.act_as(&Actor::member(MemberId::new(3)));
    /// assert!(me.records().list(MemberId::new(3), PageRequest::default()).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` unless the actor is the member, an officer (or job) of
    /// the home line, or of a mobile member's current location;
    /// `PermissionDenied` for roles in scope that read no record.
    pub async fn list(
        &self,
        member: MemberId,
        page: PageRequest,
    ) -> Result<Page<RecordEntry>, Error> {
        self.s
            .authorize(Target::Member(member), |l| {
                access::check_read_record(&self.s.actor, member, l.placement_ok(), &l.tree)
            })
            .await?;
        let all = self.s.store().records_of(member).await?;
        Ok(page.cut(all, |e| e.id.get()))
    }
}
