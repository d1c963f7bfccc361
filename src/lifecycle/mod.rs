//! 党员发展 (member lifecycle): a pure, dated state machine from the
//! application to full membership and exit. [Development 2014; Charter
//! Art. 1, 7; `docs/RULES.md` DEV-1 … DEV-13]
//!
//! A [`Lifecycle`] is a value: [`Lifecycle::apply`] checks a
//! [`TransitionRequest`] against the [`DevelopmentRules`] version in force on
//! its date and returns a new value, leaving the old one as it was. Nothing
//! here reads a clock or stores anything: today, the subject's birth date, the
//! rules, the work calendar and the introducers' stages come in through a
//! [`TransitionContext`].
//!
//! ```
//! use chrono::NaiveDate;
//! use dangjian::MemberId;
//! use dangjian::lifecycle::*;
//! use dangjian::period::WorkCalendar;
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let rules = national_rules();
//! // The dates are of 2018, before the shipped holiday tables (2020–2026):
//! // this example asks for plain Monday–Friday.
//! let calendar = WorkCalendar::weekdays_only();
//! // Members 1 and 2 are full members; nobody else is known.
//! let stages = |id: MemberId, _on: NaiveDate| (id.get() <= 2).then_some(Stage::Full);
//! let ctx = TransitionContext {
//!     birth_date: d(1995, 3, 1),
//!     subject: MemberId::new(9),
//!     today: d(2024, 6, 1),
//!     rules: &rules,
//!     calendar: &calendar,
//!     introducer_stage: &stages,
//! };
//! let lc = Lifecycle::apply_for(d(2017, 1, 10), &ctx)?
//!     .apply(&TransitionRequest::BecomeActivist { on: d(2017, 8, 9) }, &ctx)?
//!     .apply(&TransitionRequest::BecomeDevelopmentTarget {
//!         on: d(2018, 8, 9),
//!         introducers: [MemberId::new(1), MemberId::new(2)],
//!     }, &ctx)?
//!     .apply(&TransitionRequest::Admit {
//!         resolution_on: d(2018, 10, 16),
//!         approved_on: d(2018, 11, 20),
//!         special_case: false,
//!         political_review_on: d(2018, 9, 1),
//!         training: Training { days: 3, class_hours: 0 },
//!         notice_posted_on: d(2018, 10, 9), // 5 working days end Monday 10-15
//!     }, &ctx)?;
//! assert_eq!(lc.stage(), Stage::Probationary);
//! assert_eq!(lc.probation_end(), Some(d(2019, 10, 16)));
//! // Converted late: 党龄 still counts from the end of the probation.
//! let lc = lc.apply(&TransitionRequest::Convert { on: d(2019, 11, 5) }, &ctx)?;
//! assert_eq!(lc.full_since(), Some(d(2019, 10, 16)));
//! assert_eq!(lc.stage_on(d(2018, 1, 1)), Some(Stage::Activist));
//! # Ok::<(), TransitionError>(())
//! ```

mod deadlines;
mod error;
mod facts;
mod guards;
mod import;
mod introducer;
mod request;
mod rules;
mod stage;

#[cfg(test)]
mod tests;

pub use deadlines::{
    approval_deadline, approval_on_time, conversion_on_time, probation_end, talk_deadline,
    talk_on_time,
};
pub use error::TransitionError;
pub use import::{ImportDetails, ImportOverride};
pub use introducer::Introducer;
pub use request::{
    ImportedStage, LifecycleEvent, Training, Transition, TransitionRecord, TransitionRequest,
};
pub use rules::{DevelopmentRules, FullYear, NoticePeriod, national_rules};
pub use stage::{ExitReason, Stage, TransitionKind};

use crate::MemberId;
use crate::period::{WorkCalendar, add_months};
use crate::rules::Versioned;
use chrono::NaiveDate;
use facts::Facts;
use serde::{Deserialize, Serialize};

/// 办理环境 (transition context): everything a guard needs from outside —
/// the subject, today from the injected clock, the rule versions, the work
/// calendar, and a way to look up another member's stage on a date (for
/// introducers). [`docs/RULES.md` P-1 … P-7, DEV-1 … DEV-13]
pub struct TransitionContext<'a> {
    /// 出生日期: the subject's birth date (from the identity number).
    pub birth_date: NaiveDate,
    /// 本人: the subject's id (an introducer may not be the subject).
    pub subject: MemberId,
    /// 今天: from the injected clock; no step may be dated after it.
    pub today: NaiveDate,
    /// 规则版本: chosen by each step's date.
    pub rules: &'a Versioned<DevelopmentRules>,
    /// 工作日历: for notice periods in working days. The services pass the
    /// calendar of the member's home organisation
    /// ([`crate::period::Calendars::for_org`]); a notice in working days on
    /// dates it does not cover is refused
    /// ([`TransitionError::NoticeUncountable`], `docs/RULES.md` P-7).
    pub calendar: &'a WorkCalendar,
    /// 他人阶段: another member's stage on a date; `None` for an unknown
    /// member.
    pub introducer_stage: &'a dyn Fn(MemberId, NaiveDate) -> Option<Stage>,
}

/// 发展档案 (a person's lifecycle): the history of checked steps and the
/// facts it establishes. Serialized as its history; deserializing replays
/// the history and refuses one that is out of order, skips a stage, or
/// contradicts the dates it fixed (see [`Lifecycle::from_history`]).
/// [Development 2014; `docs/RULES.md` DEV-1]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::MemberId;
/// use dangjian::lifecycle::*;
/// use dangjian::period::WorkCalendar;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let (rules, calendar) = (national_rules(), WorkCalendar::china());
/// let nobody = |_: MemberId, _: NaiveDate| None;
/// let ctx = TransitionContext {
///     birth_date: d(1980, 1, 1), subject: MemberId::new(5), today: d(2024, 6, 1),
///     rules: &rules, calendar: &calendar, introducer_stage: &nobody,
/// };
/// let lc = Lifecycle::import(
///     ImportedStage::Full { joined_on: d(2001, 7, 1), full_since: d(2002, 7, 1) }, &ctx)?;
/// assert_eq!(lc.full_since(), Some(d(2002, 7, 1)));
/// // Withdrawal is for non-members: refused, and `lc` is unchanged.
/// let err = lc.apply(&TransitionRequest::Exit { on: d(2024, 1, 1), reason: ExitReason::Withdrawn }, &ctx);
/// assert!(matches!(err, Err(TransitionError::IllegalTransition { .. })));
/// let moved = lc.apply(&TransitionRequest::Exit {
///     on: d(2024, 1, 1), reason: ExitReason::TransferredOut }, &ctx)?;
/// assert_eq!(moved.stage(), Stage::Exited(ExitReason::TransferredOut));
/// assert_eq!(lc.stage(), Stage::Full);
/// let json = serde_json::to_string(&moved).unwrap();
/// assert_eq!(serde_json::from_str::<Lifecycle>(&json).unwrap(), moved);
/// # Ok::<(), TransitionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LifecycleHistory", into = "LifecycleHistory")]
pub struct Lifecycle {
    history: Vec<TransitionRecord>,
    facts: Facts,
}

/// The serialized form of a [`Lifecycle`]: its history only.
#[derive(Serialize, Deserialize)]
struct LifecycleHistory {
    history: Vec<TransitionRecord>,
}

impl TryFrom<LifecycleHistory> for Lifecycle {
    type Error = TransitionError;
    fn try_from(dto: LifecycleHistory) -> Result<Self, Self::Error> {
        Self::from_history(dto.history)
    }
}

impl From<Lifecycle> for LifecycleHistory {
    fn from(lc: Lifecycle) -> Self {
        Self {
            history: lc.history,
        }
    }
}

fn at_index(index: usize) -> impl Fn(TransitionError) -> TransitionError {
    move |e| TransitionError::InvalidHistory {
        index,
        source: Box::new(e),
    }
}

impl Lifecycle {
    /// 提交入党申请: starts a lifecycle with an application on
    /// `application_on`, not after today, by someone at least
    /// `min_application_age` full years old that day. [Charter Art. 1;
    /// Development 2014 Art. 7]
    ///
    /// # Errors
    /// [`TransitionError::InTheFuture`], [`TransitionError::NoRulesInForce`],
    /// [`TransitionError::BeforeBirth`] or [`TransitionError::TooYoung`].
    pub fn apply_for(
        application_on: NaiveDate,
        ctx: &TransitionContext<'_>,
    ) -> Result<Self, TransitionError> {
        Self::begin(guards::application(application_on, ctx)?)
    }

    fn begin(record: TransitionRecord) -> Result<Self, TransitionError> {
        let facts = Facts::start(&record)?;
        Ok(Self {
            history: vec![record],
            facts,
        })
    }

    /// 办理: checks `req` and returns the lifecycle after it; `self` is
    /// unchanged either way. The rules are those in force on
    /// [`TransitionRequest::date`] (the conversion and exits consult none).
    /// [Development 2014; Charter Art. 7; `docs/RULES.md` DEV-1 …
    /// DEV-12]
    ///
    /// # Errors
    /// [`TransitionError::IllegalTransition`] for a move the stage does not
    /// allow, [`TransitionError::InTheFuture`] and
    /// [`TransitionError::DatedBeforePrevious`] for dates, and the error of
    /// the particular rule broken.
    pub fn apply(
        &self,
        req: &TransitionRequest,
        ctx: &TransitionContext<'_>,
    ) -> Result<Self, TransitionError> {
        let record = guards::transition(&self.facts, req, ctx)?;
        let facts = self.facts.absorb(&record)?;
        let mut history = Vec::with_capacity(self.history.len().saturating_add(1));
        history.extend_from_slice(&self.history);
        history.push(record);
        Ok(Self { history, facts })
    }

    /// 档案复核 (structural replay): rebuilds a lifecycle from a stored
    /// history, checking what needs no context — an application or import
    /// first, each step allowed from the previous stage, dates in order, and
    /// the probation and qualifying dates consistent with the steps. This is
    /// what deserialization runs. Use [`Lifecycle::replay`] to re-check the
    /// rules as well.
    ///
    /// # Errors
    /// [`TransitionError::EmptyHistory`], or
    /// [`TransitionError::InvalidHistory`] naming the first refused record.
    pub fn from_history(history: Vec<TransitionRecord>) -> Result<Self, TransitionError> {
        let mut records = history.iter().enumerate();
        let (_, first) = records.next().ok_or(TransitionError::EmptyHistory)?;
        let mut facts = Facts::start(first).map_err(at_index(0))?;
        for (index, record) in records {
            facts = facts.absorb(record).map_err(at_index(index))?;
        }
        Ok(Self { history, facts })
    }

    /// 全面复核 (full replay): re-applies every record of `history` with all
    /// the guards of `ctx`, and checks that each gives the same record.
    ///
    /// # Errors
    /// [`TransitionError::EmptyHistory`], or
    /// [`TransitionError::InvalidHistory`] naming the first refused record
    /// (with [`TransitionError::InconsistentRecord`] when it re-applies
    /// differently, e.g. under changed rules).
    pub fn replay(
        history: &[TransitionRecord],
        ctx: &TransitionContext<'_>,
    ) -> Result<Self, TransitionError> {
        let mut lifecycle: Option<Self> = None;
        for (index, record) in history.iter().enumerate() {
            let next = match (&lifecycle, &record.event) {
                (None, LifecycleEvent::Applied) => Self::apply_for(record.on, ctx),
                (
                    None,
                    LifecycleEvent::Imported {
                        snapshot,
                        details,
                        guard_override,
                    },
                ) => Self::import_with(
                    snapshot.clone(),
                    details.clone(),
                    guard_override.clone(),
                    ctx,
                ),
                (Some(lc), LifecycleEvent::Requested { request }) => lc.apply(request, ctx),
                _ => Err(TransitionError::InconsistentRecord {
                    what: "an application or import must come first, and only first",
                }),
            }
            .map_err(at_index(index))?;
            if next.history.last() != Some(record) {
                return Err(at_index(index)(TransitionError::InconsistentRecord {
                    what: "the record re-applies differently",
                }));
            }
            lifecycle = Some(next);
        }
        lifecycle.ok_or(TransitionError::EmptyHistory)
    }

    /// 当前阶段: the stage after the last step.
    pub fn stage(&self) -> Stage {
        self.facts.stage
    }

    /// 某日阶段: the stage at the end of `date` per the history; `None`
    /// before the first record (for an import, before the imported stage
    /// began). An admission counts from its approval date.
    pub fn stage_on(&self, date: NaiveDate) -> Option<Stage> {
        self.history
            .iter()
            .take_while(|r| r.on <= date)
            .last()
            .map(|r| r.to)
    }

    /// 发展记录: every step, oldest first.
    pub fn history(&self) -> &[TransitionRecord] {
        &self.history
    }

    /// 最近办理日: the date of the last step; a new step may not precede it.
    pub fn last_date(&self) -> NaiveDate {
        self.facts.last_date
    }

    /// 申请日: the application date, when known.
    pub fn applied_on(&self) -> Option<NaiveDate> {
        self.facts.applied_on
    }

    /// 确定为积极分子日: when the person became an activist, when known.
    pub fn activist_since(&self) -> Option<NaiveDate> {
        self.facts.activist_since
    }

    /// 列为发展对象日: when the person was listed, when known.
    pub fn development_target_since(&self) -> Option<NaiveDate> {
        self.facts.target_since
    }

    /// 入党时间 (probation start): the date of the admission resolution.
    /// [Charter Art. 7]
    pub fn probation_start(&self) -> Option<NaiveDate> {
        self.facts.probation_start
    }

    /// 预备期满日: the end of the probation, including an extension.
    /// [Charter Art. 7; Development 2014 Art. 32]
    pub fn probation_end(&self) -> Option<NaiveDate> {
        self.facts.probation_end
    }

    /// 已延长预备期: whether the one extension has been used.
    /// [Development 2014 Art. 32]
    pub fn extension_used(&self) -> bool {
        self.facts.extended
    }

    /// 转正时间 (党龄起算): the day the probation ended, not the date of the
    /// conversion meeting. [Charter Art. 7]
    pub fn full_since(&self) -> Option<NaiveDate> {
        self.facts.full_since
    }

    /// 入党介绍人: the two introducers, once listed as a development target
    /// (or as an imported record names them). [Development 2014 Art. 14]
    pub fn introducers(&self) -> Option<&[Introducer; 2]> {
        self.facts.introducers.as_ref()
    }

    /// 谈话期限: the organisation talks with an applicant within 1 month of
    /// the application; `None` once no longer an applicant. The date is the
    /// same-numbered day (民法典 Art. 201–203; move it past rest days with
    /// [`WorkCalendar::next_working_day`]). [Development 2014 Art. 7]
    pub fn talk_due(&self) -> Option<NaiveDate> {
        match self.facts.stage {
            Stage::Applicant => self.facts.applied_on.and_then(|d| add_months(d, 1)),
            _ => None,
        }
    }

    /// 可列为发展对象日: while an activist, the first day the training year
    /// is met under the rules in force when the person became an activist.
    /// [Development 2014 Art. 13]
    pub fn activist_qualifies_on(&self) -> Option<NaiveDate> {
        match self.facts.stage {
            Stage::Activist => self.facts.activist_qualifies_on,
            _ => None,
        }
    }
}
