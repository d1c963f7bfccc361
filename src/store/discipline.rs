//! 奖惩存储: rewards, sanctions and detentions (`docs/RULES.md` MEM-7 …
//! MEM-13).

use super::{Effects, StoreError};
use crate::MemberId;
use crate::discipline::{Decision, NewDecision};
use crate::member::Member;
use crate::record::RecordEntry;
use async_trait::async_trait;

/// 奖惩存储: dated decisions about members, append-only (a later decision
/// is a new record; nothing is changed or deleted).
#[async_trait]
pub trait DisciplineStore: Send + Sync {
    /// Stores `decision` and its `effects` in one atomic step, and with
    /// them, for 开除党籍, `exit`: the member's record with the exit applied
    /// (written as [`super::MemberStore::update_member`] writes it: its
    /// version checked, then bumped). A decision about an unknown member is
    /// [`super::StoreErrorKind::NotFound`]; an `exit` or an activity-record
    /// entry about another member is [`super::StoreErrorKind::Rejected`].
    /// Returns the stored decision, the member as stored (when `exit` was
    /// given) and the activity-record entries appended.
    async fn record_decision(
        &self,
        decision: NewDecision,
        exit: Option<Member>,
        effects: Effects,
    ) -> Result<(Decision, Option<Member>, Vec<RecordEntry>), StoreError>;

    /// The decisions about `members` that exist, ordered by member, then
    /// by id (oldest first).
    async fn decisions_of(&self, members: &[MemberId]) -> Result<Vec<Decision>, StoreError>;
}
