//! 奖惩 (rewards and sanctions): dated decisions about a member, and the
//! rights they take away on a date.
//!
//! The five sanctions (党纪处分) are 警告, 严重警告, 撤销党内职务, 留党察看
//! and 开除党籍 (`docs/RULES.md` MEM-7). 留党察看 lasts one year or two,
//! never more, and while it runs the member has no vote, no candidacy and
//! cannot introduce (MEM-8, MEM-13); 开除党籍 is an exit (MEM-9); detention
//! suspends the rights (MEM-12). A decision is taken by an organisation
//! and approved by a grassroots committee (MEM-11). The roll
//! ([`crate::election::Roll`]) reads these records; nobody passes the
//! restrictions by hand.
//!
//! ```
//! use chrono::NaiveDate;
//! use dangjian::discipline::{Decision, Measure, ProbationTerm};
//! use dangjian::election::NotEntitledReason;
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let probation = Measure::Probation { term: ProbationTerm::OneYear, rights_restored: true };
//! assert_eq!(probation.ends(d(2024, 3, 1)), Some(d(2025, 3, 1)));
//! assert_eq!(probation.restriction_on(d(2024, 3, 1), d(2025, 2, 28)), Some(NotEntitledReason::SanctionRemovesRights));
//! assert_eq!(probation.restriction_on(d(2024, 3, 1), d(2025, 3, 1)), None);
//! assert_eq!(Measure::Warning.restriction_on(d(2024, 3, 1), d(2024, 3, 2)), None);
//! # let _ = std::marker::PhantomData::<Decision>;
//! ```

mod request;
#[cfg(test)]
mod tests;

pub use request::RecordDecision;

use crate::access::ActedBy;
use crate::election::NotEntitledReason;
use crate::org::{OrgKind, OrgTree};
use crate::{MemberId, OrgId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The longest decision title (characters).
pub const MAX_TITLE_CHARS: usize = 200;

/// 留党察看期限: one year or two, never more (`docs/RULES.md` MEM-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum ProbationTerm {
    /// 一年.
    OneYear,
    /// 二年.
    TwoYears,
}

impl ProbationTerm {
    /// The term in years (1 or 2).
    pub fn years(self) -> u8 {
        match self {
            Self::OneYear => 1,
            Self::TwoYears => 2,
        }
    }
}

impl From<ProbationTerm> for u8 {
    fn from(t: ProbationTerm) -> u8 {
        t.years()
    }
}

impl TryFrom<u8> for ProbationTerm {
    type Error = DisciplineError;

    fn try_from(years: u8) -> Result<Self, DisciplineError> {
        match years {
            1 => Ok(Self::OneYear),
            2 => Ok(Self::TwoYears),
            _ => Err(DisciplineError::ProbationTerm { years }),
        }
    }
}

/// 奖惩种类: what was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Measure {
    /// 表彰奖励: a reward (the title names it, e.g. 优秀共产党员).
    Reward,
    /// 警告: the member keeps the rights (MEM-10).
    Warning,
    /// 严重警告: the member keeps the rights (MEM-10).
    SeriousWarning,
    /// 撤销党内职务: removal from party posts (MEM-10).
    RemovalFromPost,
    /// 留党察看: no vote, no candidacy, no introducing while it runs, and
    /// after its end unless the rights were restored (MEM-8, MEM-13).
    Probation {
        /// One year or two.
        term: ProbationTerm,
        /// 恢复党员权利: whether the rights were restored at its end.
        rights_restored: bool,
    },
    /// 开除党籍: an exit, applied to the lifecycle in the same write (MEM-9).
    Expulsion,
    /// 被羁押: detention or arrest, suspending the rights until release
    /// (MEM-12).
    Detention {
        /// The day of release (the rights return that day); none while held.
        released_on: Option<NaiveDate>,
    },
}

impl Measure {
    /// 中文名称.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Reward => "表彰奖励",
            Self::Warning => "警告",
            Self::SeriousWarning => "严重警告",
            Self::RemovalFromPost => "撤销党内职务",
            Self::Probation { .. } => "留党察看",
            Self::Expulsion => "开除党籍",
            Self::Detention { .. } => "被羁押",
        }
    }

    /// Whether this is one of the five sanctions (党纪处分).
    pub fn is_sanction(self) -> bool {
        !matches!(self, Self::Reward | Self::Detention { .. })
    }

    /// The end of a 留党察看 decided on `decided_on` (the same day one or
    /// two years later, `docs/RULES.md` P-1); `None` for other measures.
    pub fn ends(self, decided_on: NaiveDate) -> Option<NaiveDate> {
        match self {
            Self::Probation { term, .. } => {
                crate::period::add_months(decided_on, 12 * u32::from(term.years()))
            }
            _ => None,
        }
    }

    /// 权利限制: the reason the measure, decided on `decided_on`, keeps the
    /// member from voting and standing on `on`. 留党察看 from its decision
    /// to its end, and after it unless the rights were restored; detention
    /// until release; 开除党籍 from its decision (not a member).
    pub fn restriction_on(self, decided_on: NaiveDate, on: NaiveDate) -> Option<NotEntitledReason> {
        if on < decided_on {
            return None;
        }
        match self {
            Self::Probation {
                rights_restored, ..
            } => {
                let running = self.ends(decided_on).is_none_or(|end| on < end);
                (running || !rights_restored).then_some(NotEntitledReason::SanctionRemovesRights)
            }
            Self::Detention { released_on } => released_on
                .is_none_or(|r| on < r)
                .then_some(NotEntitledReason::Detained),
            Self::Expulsion => Some(NotEntitledReason::NotAMember),
            _ => None,
        }
    }
}

/// The restriction on `on` from `decisions` (one member's), the most
/// severe first: expulsion, then a sanction, then detention.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::discipline::{Measure, restriction_on};
/// use dangjian::election::NotEntitledReason;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let held = [(Measure::Detention { released_on: Some(d(2024, 5, 1)) }, d(2024, 1, 2))];
/// assert_eq!(restriction_on(held, d(2024, 4, 30)), Some(NotEntitledReason::Detained));
/// assert_eq!(restriction_on(held, d(2024, 5, 1)), None);
/// ```
pub fn restriction_on(
    decisions: impl IntoIterator<Item = (Measure, NaiveDate)>,
    on: NaiveDate,
) -> Option<NotEntitledReason> {
    let rank = |r: &NotEntitledReason| match r {
        NotEntitledReason::NotAMember => 0,
        NotEntitledReason::SanctionRemovesRights => 1,
        _ => 2,
    };
    decisions
        .into_iter()
        .filter_map(|(m, decided_on)| m.restriction_on(decided_on, on))
        .min_by_key(rank)
}

/// 可作入党介绍人: `false` while a 留党察看 runs, or after it when the
/// rights were not restored (`docs/RULES.md` MEM-13); also under an
/// expulsion.
pub fn may_introduce(
    decisions: impl IntoIterator<Item = (Measure, NaiveDate)>,
    on: NaiveDate,
) -> bool {
    !decisions.into_iter().any(|(m, decided_on)| {
        matches!(m, Measure::Probation { .. } | Measure::Expulsion)
            && m.restriction_on(decided_on, on).is_some()
    })
}

/// 奖惩决定 as stored: one dated decision about a member.
///
/// Deserializing checks the title and the release date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct Decision {
    /// Assigned by the store, increasing.
    pub id: crate::DecisionId,
    /// Whom it concerns.
    pub member: MemberId,
    /// What was decided.
    pub measure: Measure,
    /// The day it was decided (a 留党察看 runs from it).
    pub decided_on: NaiveDate,
    /// 作出决定的组织: the organisation that decided (the branch assembly,
    /// or a higher committee).
    pub decided_by: OrgId,
    /// 批准组织: the grassroots committee that approved it (MEM-11).
    pub approved_by: OrgId,
    /// 决定名称: the decision's title or reference.
    pub title: String,
    /// Who recorded it, when the actor names one.
    pub acted_by: Option<ActedBy>,
    /// When it was recorded, by the injected clock.
    pub recorded_at: DateTime<Utc>,
}

impl Decision {
    /// The restriction this decision puts on `on`.
    pub fn restriction_on(&self, on: NaiveDate) -> Option<NotEntitledReason> {
        self.measure.restriction_on(self.decided_on, on)
    }

    /// The end of a 留党察看; `None` for other measures.
    pub fn ends(&self) -> Option<NaiveDate> {
        self.measure.ends(self.decided_on)
    }
}

/// A decision as the service hands it to the store (no id yet).
///
/// Deserializing checks the title and the release date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct NewDecision {
    /// Whom it concerns.
    pub member: MemberId,
    /// What was decided.
    pub measure: Measure,
    /// The day it was decided.
    pub decided_on: NaiveDate,
    /// The deciding organisation.
    pub decided_by: OrgId,
    /// The approving grassroots committee.
    pub approved_by: OrgId,
    /// The decision's title.
    pub title: String,
    /// Who recorded it.
    pub acted_by: Option<ActedBy>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl NewDecision {
    /// The stored decision, with the id the store assigned.
    pub fn into_decision(self, id: crate::DecisionId) -> Decision {
        Decision {
            id,
            member: self.member,
            measure: self.measure,
            decided_on: self.decided_on,
            decided_by: self.decided_by,
            approved_by: self.approved_by,
            title: self.title,
            acted_by: self.acted_by,
            recorded_at: self.recorded_at,
        }
    }

    /// Checks the decision's own content against the tree and `today`.
    ///
    /// # Errors
    /// [`DisciplineError`] for a future date, a bad title, a release
    /// before the detention, an approver that is not a grassroots
    /// committee above (or equal to) the deciding organisation.
    pub fn validate(&self, tree: &OrgTree, today: NaiveDate) -> Result<(), DisciplineError> {
        if self.decided_on > today {
            return Err(DisciplineError::InTheFuture {
                date: self.decided_on,
                today,
            });
        }
        check_content(&self.title, self.measure, self.decided_on)?;
        if let Measure::Detention {
            released_on: Some(r),
        } = self.measure
        {
            if r > today {
                return Err(DisciplineError::InTheFuture { date: r, today });
            }
        }
        let committee = tree
            .get(self.approved_by)
            .is_some_and(|o| o.kind == OrgKind::GrassrootsCommittee);
        if !committee || !tree.is_within(self.decided_by, self.approved_by) {
            return Err(DisciplineError::Approver {
                decided_by: self.decided_by,
                approved_by: self.approved_by,
            });
        }
        Ok(())
    }
}

/// The checks a decision's own fields must pass, whatever the tree and the
/// date: a title of 1 to [`MAX_TITLE_CHARS`] characters without control or
/// invisible characters, and no release before the detention. Deserializing
/// a [`Decision`] or a [`NewDecision`] runs them too.
fn check_content(
    title: &str,
    measure: Measure,
    decided_on: NaiveDate,
) -> Result<(), DisciplineError> {
    let title = title.trim();
    if title.is_empty()
        || title.chars().count() > MAX_TITLE_CHARS
        || title.chars().any(|c| c.is_control())
        || crate::text::has_hidden(title)
    {
        return Err(DisciplineError::BadTitle {
            max: MAX_TITLE_CHARS,
        });
    }
    if let Measure::Detention {
        released_on: Some(r),
    } = measure
    {
        if r < decided_on {
            return Err(DisciplineError::ReleasedBeforeDetention {
                detained_on: decided_on,
                released_on: r,
            });
        }
    }
    Ok(())
}

checked_serde!(Decision, |d| check_content(
    &d.title,
    d.measure,
    d.decided_on
));
checked_serde!(NewDecision, |d| check_content(
    &d.title,
    d.measure,
    d.decided_on
));

/// Why a decision was refused. Nothing is recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DisciplineError {
    /// 留党察看 is one year or two, never more (MEM-8).
    #[error("留党察看 lasts 1 or 2 years, not {years}")]
    ProbationTerm {
        /// The years asked for.
        years: u8,
    },
    /// A decision or release dated after today.
    #[error("{date} is after today ({today})")]
    InTheFuture {
        /// The date given.
        date: NaiveDate,
        /// Today, by the injected clock.
        today: NaiveDate,
    },
    /// An empty or overlong title, or one with control or invisible
    /// characters.
    #[error("the title is empty, longer than {max} characters, or has control characters")]
    BadTitle {
        /// The maximum length.
        max: usize,
    },
    /// A release before the detention.
    #[error("released on {released_on}, before the detention on {detained_on}")]
    ReleasedBeforeDetention {
        /// The detention's date.
        detained_on: NaiveDate,
        /// The release's date.
        released_on: NaiveDate,
    },
    /// The approver must be a grassroots committee at or above the
    /// deciding organisation (MEM-11).
    #[error("{approved_by} is not a grassroots committee over {decided_by}")]
    Approver {
        /// The deciding organisation.
        decided_by: OrgId,
        /// The approver given.
        approved_by: OrgId,
    },
    /// A sanction concerns a member (probationary or full) on its date.
    #[error("{member} is not a party member on {on}")]
    NotAMember {
        /// The person.
        member: MemberId,
        /// The decision's date.
        on: NaiveDate,
    },
}
