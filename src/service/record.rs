//! Activity-record services (党员电子活动证).

use super::Dangjian;
use crate::access::{self, Actor, Scope};
use crate::record::{Activity, NewRecordEntry, RecordEntry};
use crate::{Error, MemberId};
use chrono::NaiveDate;

impl Dangjian {
    /// 记录活动: appends an entry to `member`'s activity record.
    ///
    /// # Errors
    /// `PermissionDenied` unless the actor is an officer of the home line or
    /// of a mobile member's current location (a member may record their own
    /// online check-in); `Record` for bad content or a future date.
    pub async fn record_activity(
        &self,
        actor: &Actor,
        member: MemberId,
        occurred_on: NaiveDate,
        activity: Activity,
    ) -> Result<RecordEntry, Error> {
        let placement = self.placement_of(member).await?;
        let tree = self.store.org_tree().await?;
        access::check_append_record(actor, member, &placement, &activity, &tree)?;
        let entry = NewRecordEntry {
            member,
            occurred_on,
            activity,
            recorded_by: match actor.scope() {
                Scope::Subtree(org) => Some(org),
                Scope::All | Scope::Member(_) => None,
            },
            recorded_at: self.clock.timestamp(),
        };
        entry.validate(self.clock.today())?;
        Ok(self.store.append_record(entry).await?)
    }

    /// 查看电子活动证: `member`'s activity record, oldest first.
    ///
    /// # Errors
    /// `PermissionDenied` unless the actor is the member, an officer of the
    /// home line, or of a mobile member's current location.
    pub async fn activity_record(
        &self,
        actor: &Actor,
        member: MemberId,
    ) -> Result<Vec<RecordEntry>, Error> {
        let placement = self.placement_of(member).await?;
        let tree = self.store.org_tree().await?;
        access::check_read_record(actor, member, &placement, &tree)?;
        Ok(self.store.records_of(member).await?)
    }
}
