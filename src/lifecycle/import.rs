//! 存量导入 (imports): what a paper record bears beyond the stage reached,
//! the recorded override of the rule figures, and the consistency checks
//! that need no rules (run again when a stored history is loaded).

use super::error::TransitionError;
use super::introducer::Introducer;
use super::request::{ImportedStage, LifecycleEvent};
use super::stage::Stage;
use super::{Lifecycle, TransitionContext, guards};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 破格导入 (guard override): the recorded reason for importing a paper
/// record that breaks a rule figure — an age under the minimum at
/// application, an activist period shorter than the minimum, a probation off
/// the standard length or an extension outside the allowed months. Facts
/// are never overridden: dates out of order, in the future or before birth,
/// and the introducer rules, are refused with or without it. The override is
/// kept in the import record (it serializes with the history).
/// [Charter Art. 1, 7; Development 2014 Art. 13, 32]
///
/// ```
/// use dangjian::lifecycle::{ImportOverride, TransitionError};
/// let o = ImportOverride::new(" 1984年档案，经县委组织部核准 ")?;
/// assert_eq!(o.reason(), "1984年档案，经县委组织部核准");
/// assert_eq!(ImportOverride::new("  "), Err(TransitionError::OverrideWithoutReason));
/// # Ok::<(), TransitionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "OverrideRepr", into = "OverrideRepr")]
pub struct ImportOverride {
    reason: String,
}

impl ImportOverride {
    /// An override for `reason`, trimmed.
    ///
    /// # Errors
    /// [`TransitionError::OverrideWithoutReason`] for an empty or blank
    /// reason.
    pub fn new(reason: impl Into<String>) -> Result<Self, TransitionError> {
        let reason = reason.into();
        let trimmed = reason.trim();
        if trimmed.is_empty() {
            return Err(TransitionError::OverrideWithoutReason);
        }
        Ok(Self {
            reason: trimmed.to_owned(),
        })
    }

    /// 理由: why the record is imported as it stands.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

#[derive(Serialize, Deserialize)]
struct OverrideRepr {
    reason: String,
}

impl TryFrom<OverrideRepr> for ImportOverride {
    type Error = TransitionError;
    fn try_from(repr: OverrideRepr) -> Result<Self, Self::Error> {
        Self::new(repr.reason)
    }
}

impl From<ImportOverride> for OverrideRepr {
    fn from(o: ImportOverride) -> Self {
        Self { reason: o.reason }
    }
}

/// 档案其他记载 (further details of a paper record): the earlier steps'
/// dates and, for a member, the introducers and whether the probation was
/// extended. All optional; each one given is checked — against the order of
/// the steps, and against the rule figures (the age at application, the
/// activist period before the listing, the probation length).
/// [Development 2014 Art. 13–14, 32; Charter Art. 1, 7]
///
/// Which fields a stage may carry: an activist the application date; a
/// development target also the activist date (its introducers are in
/// [`ImportedStage::DevelopmentTarget`]); a probationary member also the
/// listing date and the introducers (the extension is in
/// [`ImportedStage::Probationary`]); a full member everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportDetails {
    /// 申请日: the date of the written application.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_on: Option<NaiveDate>,
    /// 确定为积极分子日: the date of becoming an activist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activist_since: Option<NaiveDate>,
    /// 列为发展对象日: the date of the listing as a development target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_since: Option<NaiveDate>,
    /// 入党介绍人: a member's two introducers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introducers: Option<[Introducer; 2]>,
    /// 已延长预备期: a full member's probation was extended once.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub probation_extended: bool,
}

impl ImportDetails {
    /// Nothing given.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The fields given, by name, oldest step first.
    fn given(&self) -> [(&'static str, bool); 5] {
        [
            ("applied_on", self.applied_on.is_some()),
            ("activist_since", self.activist_since.is_some()),
            ("target_since", self.target_since.is_some()),
            ("introducers", self.introducers.is_some()),
            ("probation_extended", self.probation_extended),
        ]
    }

    /// Every dated step of the record, oldest first: these details, then
    /// the stage's own dates (a probation end is checked by
    /// [`ImportedStage::check_consistency`]).
    pub(super) fn dated_steps(&self, stage: &ImportedStage) -> Vec<(&'static str, NaiveDate)> {
        let mut steps: Vec<(&'static str, NaiveDate)> = [
            ("applied_on", self.applied_on),
            ("activist_since", self.activist_since),
            ("target_since", self.target_since),
        ]
        .into_iter()
        .filter_map(|(field, date)| date.map(|d| (field, d)))
        .collect();
        match stage {
            ImportedStage::Applicant { applied_on } => steps.push(("applied_on", *applied_on)),
            ImportedStage::Activist { since } | ImportedStage::DevelopmentTarget { since, .. } => {
                steps.push(("since", *since));
            }
            ImportedStage::Probationary { resolution_on, .. } => {
                steps.push(("resolution_on", *resolution_on));
            }
            ImportedStage::Full {
                joined_on,
                full_since,
            } => {
                steps.push(("joined_on", *joined_on));
                steps.push(("full_since", *full_since));
            }
        }
        steps
    }

    /// 入党介绍人: the record's introducers — a development target's (in
    /// its stage), or a member's when given here.
    pub fn introducers<'a>(&'a self, stage: &'a ImportedStage) -> Option<&'a [Introducer; 2]> {
        match stage {
            ImportedStage::DevelopmentTarget { introducers, .. } => Some(introducers),
            _ => self.introducers.as_ref(),
        }
    }

    /// 介绍日: the date the introducers must be full members on — the
    /// listing date, or for a member whose listing date is not recorded
    /// the earliest date of the stage (the admission resolution), which the
    /// listing preceded. [Development 2014 Art. 14]
    pub fn introduced_on(&self, stage: &ImportedStage) -> NaiveDate {
        match stage {
            ImportedStage::DevelopmentTarget { since, .. } => *since,
            _ => self.target_since.unwrap_or_else(|| stage.earliest()),
        }
    }
}

/// How many of [`ImportDetails`]' fields (in [`ImportDetails::given`]
/// order) a stage may carry.
fn allowed_fields(stage: Stage) -> usize {
    match stage {
        Stage::Applicant => 0,
        Stage::Activist => 1,
        Stage::DevelopmentTarget => 2,
        Stage::Probationary => 4,
        _ => 5,
    }
}

/// 内部一致性 (consistency) of a snapshot and its details: the stage's own
/// checks, only the fields the stage may carry, steps in date order, and
/// two distinct introducers. Needs no rules, clock or calendar.
///
/// # Errors
/// [`TransitionError::ImportDetailNotApplicable`],
/// [`TransitionError::ImportOutOfOrder`],
/// [`TransitionError::DuplicateIntroducer`],
/// [`TransitionError::DuplicateImportedIntroducer`], or the errors of
/// [`ImportedStage::check_consistency`].
pub(super) fn check_consistency(
    stage: &ImportedStage,
    details: &ImportDetails,
) -> Result<(), TransitionError> {
    stage.check_consistency()?;
    let allowed = allowed_fields(stage.stage());
    if let Some((field, _)) = details
        .given()
        .into_iter()
        .skip(allowed)
        .find(|(_, given)| *given)
    {
        return Err(TransitionError::ImportDetailNotApplicable {
            field,
            stage: stage.stage(),
        });
    }
    let steps = details.dated_steps(stage);
    for pair in steps.windows(2) {
        if let [(earlier_field, earlier), (later_field, later)] = pair {
            if later < earlier {
                return Err(TransitionError::ImportOutOfOrder {
                    earlier_field,
                    earlier: *earlier,
                    later_field,
                    later: *later,
                });
            }
        }
    }
    if let Some(introducers) = &details.introducers {
        distinct(introducers)?;
    }
    Ok(())
}

/// 两名介绍人: not the same person twice. [Development 2014 Art. 14]
pub(super) fn distinct([a, b]: &[Introducer; 2]) -> Result<(), TransitionError> {
    if a != b {
        return Ok(());
    }
    Err(match a.member() {
        Some(introducer) => TransitionError::DuplicateIntroducer { introducer },
        None => TransitionError::DuplicateImportedIntroducer {
            introducer: a.clone(),
        },
    })
}

impl Lifecycle {
    /// 存量导入: starts a lifecycle from paper records at the stage reached,
    /// with no further details and no override: `import_with(snapshot,
    /// ImportDetails::default(), None, ctx)`. [`docs/RULES.md` DEV-1]
    ///
    /// # Errors
    /// As [`Lifecycle::import_with`].
    pub fn import(
        snapshot: ImportedStage,
        ctx: &TransitionContext<'_>,
    ) -> Result<Self, TransitionError> {
        Self::import_with(snapshot, ImportDetails::default(), None, ctx)
    }

    /// 存量导入 (with details): starts a lifecycle from paper records at the
    /// stage reached, under the guards of the live path wherever the record
    /// carries the dates. The history then begins on the imported stage's
    /// start date, and the record keeps `details` and `guard_override`.
    ///
    /// Facts, never overridden: the steps in date order, none after today
    /// nor before birth, only the details the stage may carry
    /// ([`ImportDetails`]), two distinct introducers, and those on the
    /// platform ([`Introducer::Member`]) not the subject and full members
    /// on the listing date (for a member without one, on the admission
    /// resolution date).
    ///
    /// Rule figures, waived by `guard_override` (which records why):
    /// - 申请年龄: at least `min_application_age` full years on the
    ///   application date, or, when it is not recorded, on the record's
    ///   earliest date (the application preceded it). [Charter Art. 1]
    /// - 培养期: the listing at least `min_activist_months` after becoming an
    ///   activist, where both dates are recorded. [Development 2014 Art. 13]
    /// - 预备期: a given probation end (or a full member's `full_since`)
    ///   exactly `probation_months` after the resolution, or, marked
    ///   extended, that end plus one extension of `extension_min_months` to
    ///   `extension_max_months` whole months. [Charter Art. 7; Development
    ///   2014 Art. 32]
    ///
    /// Each figure comes from the rules in force on its date; a record older
    /// than every configured version is held to the earliest version. A
    /// probationary member without an end date gets the standard probation.
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
    /// // Extended by 6 months, but not marked so: refused …
    /// let full = ImportedStage::Full { joined_on: d(2015, 7, 1), full_since: d(2017, 1, 1) };
    /// let err = Lifecycle::import(full.clone(), &ctx).unwrap_err();
    /// assert!(matches!(err, TransitionError::ProbationNotStandard { months: 12, .. }));
    /// // … accepted when the record says it was extended.
    /// let details = ImportDetails { probation_extended: true, ..ImportDetails::default() };
    /// let lc = Lifecycle::import_with(full.clone(), details, None, &ctx)?;
    /// assert!(lc.extension_used());
    /// // An 8-month probation only with a recorded override.
    /// let short = ImportedStage::Full { joined_on: d(2015, 7, 1), full_since: d(2016, 3, 1) };
    /// let why = ImportOverride::new("县委组织部批复")?;
    /// let lc = Lifecycle::import_with(short, ImportDetails::default(), Some(why), &ctx)?;
    /// assert_eq!(lc.import_override().map(|o| o.reason()), Some("县委组织部批复"));
    /// # Ok::<(), TransitionError>(())
    /// ```
    ///
    /// # Errors
    /// Facts: [`TransitionError::InTheFuture`],
    /// [`TransitionError::BeforeBirth`], [`TransitionError::ImportOutOfOrder`],
    /// [`TransitionError::ImportDetailNotApplicable`],
    /// [`TransitionError::DuplicateIntroducer`],
    /// [`TransitionError::DuplicateImportedIntroducer`],
    /// [`TransitionError::IntroducerIsSubject`],
    /// [`TransitionError::UnknownIntroducer`],
    /// [`TransitionError::IntroducerNotFull`],
    /// [`TransitionError::ExtensionWithoutEnd`],
    /// [`TransitionError::DateOverflow`]. Figures:
    /// [`TransitionError::TooYoung`], [`TransitionError::TooYoungOnRecord`],
    /// [`TransitionError::ActivistPeriodNotMet`],
    /// [`TransitionError::ProbationNotStandard`],
    /// [`TransitionError::ImportedExtensionOutOfRange`].
    pub fn import_with(
        snapshot: ImportedStage,
        details: ImportDetails,
        guard_override: Option<ImportOverride>,
        ctx: &TransitionContext<'_>,
    ) -> Result<Self, TransitionError> {
        Self::begin(guards::import(snapshot, details, guard_override, ctx)?)
    }

    /// 破格导入: the override an imported record was accepted under, if any.
    pub fn import_override(&self) -> Option<&ImportOverride> {
        match self.history.first().map(|r| &r.event) {
            Some(LifecycleEvent::Imported { guard_override, .. }) => guard_override.as_ref(),
            _ => None,
        }
    }
}
