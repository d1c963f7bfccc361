//! 公示 (publicity periods): how long a notice must stay up, by what it
//! announces and the day it was posted, whether a posted range satisfies
//! the rule, and the objections that hold up the next step.
//! `docs/RULES.md` DISC-10 … DISC-13.

use super::DisclosureError;
use super::item::Content;
use crate::MemberId;
use crate::access::ActedBy;
use crate::period::{Counting, Length, WorkCalendar};
use crate::rules::{RuleVersion, Versioned};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// 公示事由: what a publicity notice announces, which decides its rule
/// and the step it holds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Purpose {
    /// 干部任前公示: before a cadre's appointment; holds up the
    /// appointment.
    PreAppointment,
    /// 发展党员公示: before a development target's admission; holds up
    /// the admission vote and the admission.
    PreAdmission,
    /// 表彰公示: before a commendation is conferred.
    Commendation,
}

impl Purpose {
    /// The item kind a notice of this purpose is filed under.
    pub fn kind(self) -> super::ItemKind {
        match self {
            Self::PreAppointment => super::ItemKind::PreAppointment,
            Self::PreAdmission => super::ItemKind::ElectionsAdmissionsAppraisal,
            Self::Commendation => super::ItemKind::Commendation,
        }
    }

    /// 中文名称.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::PreAppointment => "干部任前公示",
            Self::PreAdmission => "发展党员公示",
            Self::Commendation => "表彰公示",
        }
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PreAppointment => "pre-appointment notice",
            Self::PreAdmission => "pre-admission notice",
            Self::Commendation => "commendation notice",
        })
    }
}

/// 公示期规则: the shortest period (and, where a place sets one, the
/// longest), and how its start is read.
///
/// `counting` is the reading of the start ([`Counting::Inclusive`], the
/// default: the posting day is day 1, as notices are posted as ranges;
/// [`Counting::CivilCode`]: counted from the next day, a last day on a rest
/// day moving on). `docs/RULES.md` DISC-10, P-5.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::disclosure::PublicityRule;
/// use dangjian::period::{Length, WorkCalendar};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let cal = WorkCalendar::china();
/// let rule = PublicityRule::at_least(Length::WorkingDays(5));
/// // Posted Monday 9 March 2026: five working days end Friday 13 March.
/// assert_eq!(rule.earliest_end(d(2026, 3, 9), &cal)?, d(2026, 3, 13));
/// assert!(rule.check_range(d(2026, 3, 9), d(2026, 3, 13), &cal).is_ok());
/// assert!(rule.check_range(d(2026, 3, 9), d(2026, 3, 12), &cal).is_err());
/// # Ok::<(), dangjian::disclosure::DisclosureError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicityRule {
    /// The shortest period.
    pub min: Length,
    /// The longest period a place allows (7–15 days under the 2000 cadre
    /// rules; 5–7 days for admissions in some places).
    #[serde(default)]
    pub max: Option<Length>,
    /// The reading of the start (default [`Counting::PUBLICITY`]).
    #[serde(default = "publicity_counting")]
    pub counting: Counting,
}

fn publicity_counting() -> Counting {
    Counting::PUBLICITY
}

impl PublicityRule {
    /// At least `min`, read inclusively.
    pub fn at_least(min: Length) -> Self {
        Self {
            min,
            max: None,
            counting: Counting::Inclusive,
        }
    }

    /// From `min` to `max`, read inclusively.
    pub fn between(min: Length, max: Length) -> Self {
        Self {
            min,
            max: Some(max),
            counting: Counting::Inclusive,
        }
    }

    /// The same rule under another reading of the start.
    pub fn counted(mut self, counting: Counting) -> Self {
        self.counting = counting;
        self
    }

    /// 公示期满日: the earliest last day of a notice posted on `posted_on`.
    ///
    /// # Errors
    /// [`DisclosureError::Calendar`] when the calendar cannot count the
    /// dates (a year without a holiday table, a zero length).
    pub fn earliest_end(
        &self,
        posted_on: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<NaiveDate, DisclosureError> {
        Ok(cal.last_day(posted_on, self.min, self.counting)?)
    }

    /// The latest last day allowed, when the rule has a longest period.
    ///
    /// # Errors
    /// As [`PublicityRule::earliest_end`].
    pub fn latest_end(
        &self,
        posted_on: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<Option<NaiveDate>, DisclosureError> {
        self.max
            .map(|m| cal.last_day(posted_on, m, self.counting))
            .transpose()
            .map_err(Into::into)
    }

    /// Whether a notice posted from `from` to `to` (both days included, as
    /// posted) satisfies the rule.
    ///
    /// # Errors
    /// [`DisclosureError::EndsBeforeStart`]; [`DisclosureError::PeriodTooShort`]
    /// with the earliest last day the rule allows;
    /// [`DisclosureError::PeriodTooLong`]; [`DisclosureError::Calendar`].
    pub fn check_range(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<(), DisclosureError> {
        if to < from {
            return Err(DisclosureError::EndsBeforeStart { from, to });
        }
        let earliest = self.earliest_end(from, cal)?;
        if to < earliest {
            return Err(DisclosureError::PeriodTooShort {
                from,
                to,
                earliest_end: earliest,
                rule: self.min,
            });
        }
        if let Some(latest) = self.latest_end(from, cal)? {
            if to > latest {
                return Err(DisclosureError::PeriodTooLong {
                    from,
                    to,
                    latest_end: latest,
                });
            }
        }
        Ok(())
    }
}

/// 公示规则 (publicity rules by purpose), each versioned by posting date.
///
/// The national defaults ([`PublicityRules::national`]):
/// - pre-appointment: 7 to 15 days under the 2000 rules (中组发〔2000〕18号,
///   taken from 2000-01-01),
///   at least 5 working days from 2014-01-14 (the 2014 cadre regulation,
///   kept by Cadres 2019 Art. 42);
/// - pre-admission: at least 5 working days (a place rule; others use 7
///   days, or 5 to 7 days: [`PublicityRules::with_pre_admission`]);
/// - commendation: at least 5 working days (a place rule).
///
/// `docs/RULES.md` DISC-10 … DISC-12.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicityRules {
    /// 干部任前公示.
    pub pre_appointment: Versioned<PublicityRule>,
    /// 发展党员公示.
    pub pre_admission: Versioned<PublicityRule>,
    /// 表彰公示.
    pub commendation: Versioned<PublicityRule>,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The first day the pre-admission and commendation place defaults are
/// taken to apply: no dated source fixes one, so they apply to any notice.
const PLACE_DEFAULT_FROM: (i32, u32, u32) = (1949, 10, 1);

impl PublicityRules {
    /// The national defaults (see the type).
    pub fn national() -> Self {
        let (y, m, d) = PLACE_DEFAULT_FROM;
        let cadres = Versioned::new(vec![
            RuleVersion {
                name: "cadres-2000".into(),
                // The notice's own day is not recorded in our sources; the
                // version is taken from the start of 2000.
                effective_from: day(2000, 1, 1),
                rules: PublicityRule::between(Length::Days(7), Length::Days(15)),
            },
            RuleVersion {
                name: "cadres-2014".into(),
                effective_from: day(2014, 1, 14),
                rules: PublicityRule::at_least(Length::WorkingDays(5)),
            },
        ])
        .unwrap_or_else(|_| {
            Versioned::single(
                "cadres-2014",
                day(2014, 1, 14),
                PublicityRule::at_least(Length::WorkingDays(5)),
            )
        });
        Self {
            pre_appointment: cadres,
            pre_admission: Versioned::single(
                "admission-5-working-days",
                day(y, m, d),
                PublicityRule::at_least(Length::WorkingDays(5)),
            ),
            commendation: Versioned::single(
                "commendation-5-working-days",
                day(y, m, d),
                PublicityRule::at_least(Length::WorkingDays(5)),
            ),
        }
    }

    /// These rules with a place's pre-admission rule in force for every
    /// notice (7 days: `PublicityRule::at_least(Length::Days(7))`; 5 to 7
    /// days: `PublicityRule::between(Length::Days(5), Length::Days(7))`).
    pub fn with_pre_admission(mut self, name: &str, rule: PublicityRule) -> Self {
        let (y, m, d) = PLACE_DEFAULT_FROM;
        self.pre_admission = Versioned::single(name, day(y, m, d), rule);
        self
    }

    /// The rules of `purpose`.
    pub fn of(&self, purpose: Purpose) -> &Versioned<PublicityRule> {
        match purpose {
            Purpose::PreAppointment => &self.pre_appointment,
            Purpose::PreAdmission => &self.pre_admission,
            Purpose::Commendation => &self.commendation,
        }
    }

    /// The rule for a notice of `purpose` posted on `posted_on`.
    ///
    /// # Errors
    /// [`DisclosureError::NoRule`] before the first version.
    pub fn rule(
        &self,
        purpose: Purpose,
        posted_on: NaiveDate,
    ) -> Result<&RuleVersion<PublicityRule>, DisclosureError> {
        self.of(purpose)
            .at(posted_on)
            .ok_or(DisclosureError::NoRule { purpose, posted_on })
    }
}

impl Default for PublicityRules {
    fn default() -> Self {
        Self::national()
    }
}

/// 异议处理结论: what the organisation found on an objection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Finding {
    /// 经核查不属实: not borne out; the next step may go ahead.
    Dismissed,
    /// 反映问题属实: borne out; the next step may not go ahead on this
    /// notice.
    Upheld,
}

/// 异议 (an objection received during a publicity period). Only what it
/// says is kept, never who raised it: an objector who wants an answer
/// writes to the supervision mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objection {
    /// Its number on the notice, from 1.
    pub number: u32,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// What it says.
    pub summary: Content,
    /// Who recorded it and when.
    pub recorded_by: Option<ActedBy>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The resolution, once made.
    #[serde(default)]
    pub resolution: Option<Resolution>,
}

/// 异议处理: the finding on an objection, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    /// What was found.
    pub finding: Finding,
    /// The reasons (核查情况).
    pub note: Content,
    /// Who resolved it.
    pub by: Option<ActedBy>,
    /// When.
    pub at: DateTime<Utc>,
}

/// 公示 (the publicity part of a notice): what it announces, whom it is
/// about, and the objections received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publicity {
    purpose: Purpose,
    subjects: BTreeSet<MemberId>,
    #[serde(default)]
    objections: Vec<Objection>,
}

impl Publicity {
    /// A notice of `purpose` about `subjects` (a pre-admission or
    /// pre-appointment notice names at least one person).
    ///
    /// # Errors
    /// [`DisclosureError::NoSubject`]; [`DisclosureError::BadAudience`] for
    /// more than [`super::MAX_NAMED`] people.
    pub fn new(
        purpose: Purpose,
        subjects: impl IntoIterator<Item = MemberId>,
    ) -> Result<Self, DisclosureError> {
        let subjects: BTreeSet<_> = subjects.into_iter().collect();
        if subjects.is_empty() && purpose != Purpose::Commendation {
            return Err(DisclosureError::NoSubject { purpose });
        }
        if subjects.len() > super::MAX_NAMED {
            return Err(DisclosureError::BadAudience {
                count: subjects.len(),
            });
        }
        Ok(Self {
            purpose,
            subjects,
            objections: Vec::new(),
        })
    }

    /// What it announces.
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    /// Whom it is about.
    pub fn subjects(&self) -> &BTreeSet<MemberId> {
        &self.subjects
    }

    /// The objections, in the order received.
    pub fn objections(&self) -> &[Objection] {
        &self.objections
    }

    /// The objections not yet resolved.
    pub fn open_objections(&self) -> usize {
        self.objections
            .iter()
            .filter(|o| o.resolution.is_none())
            .count()
    }

    /// Whether an objection was upheld.
    pub fn upheld(&self) -> bool {
        self.objections
            .iter()
            .any(|o| o.resolution.as_ref().map(|r| r.finding) == Some(Finding::Upheld))
    }

    pub(super) fn push(&mut self, o: Objection) {
        self.objections.push(o);
    }

    pub(super) fn objection_mut(&mut self, number: u32) -> Option<&mut Objection> {
        self.objections.iter_mut().find(|o| o.number == number)
    }

    pub(super) fn next_number(&self) -> u32 {
        u32::try_from(self.objections.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1)
    }
}
