//! 记录奖惩请求: the one write of [`crate::service::DisciplineHandle`].

use super::Measure;
use crate::{MemberId, OrgId};
use chrono::NaiveDate;

/// 记录奖惩 (record a decision about `member`), for
/// [`crate::service::DisciplineHandle::record`].
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::discipline::{Measure, ProbationTerm, RecordDecision};
/// use dangjian::{MemberId, OrgId};
/// let on = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
/// let req = RecordDecision::new(MemberId::new(5), Measure::Warning, on, OrgId::new(3), OrgId::new(1))
///     .title("党内警告处分决定");
/// assert_eq!(req.title, "党内警告处分决定");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordDecision {
    /// Whom it concerns.
    pub member: MemberId,
    /// What was decided.
    pub measure: Measure,
    /// The day it was decided.
    pub decided_on: NaiveDate,
    /// The deciding organisation (the branch, or a higher committee).
    pub decided_by: OrgId,
    /// The approving grassroots committee (MEM-11).
    pub approved_by: OrgId,
    /// The title (default: the measure's Chinese name).
    pub title: String,
}

impl RecordDecision {
    /// `measure` about `member`, decided on `decided_on` by `decided_by`
    /// and approved by `approved_by`.
    pub fn new(
        member: MemberId,
        measure: Measure,
        decided_on: NaiveDate,
        decided_by: OrgId,
        approved_by: OrgId,
    ) -> Self {
        Self {
            member,
            measure,
            decided_on,
            decided_by,
            approved_by,
            title: measure.label_zh().to_owned(),
        }
    }

    /// The decision's title or reference (文号).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }
}
