//! 变动错误 (transition errors): why a transition, import or history was
//! refused, with the dates and numbers involved.

use super::introducer::Introducer;
use super::rules::NoticePeriod;
use super::stage::{Stage, TransitionKind};
use crate::MemberId;
use chrono::NaiveDate;

/// 不予办理 (refused): why the lifecycle refused a step. Each variant carries
/// the dates and numbers that broke the rule cited on it.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::lifecycle::TransitionError;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let err = TransitionError::BeforeProbationEnd { on: d(2019, 10, 15), probation_end: d(2019, 10, 16) };
/// assert_eq!(err.to_string(), "dated 2019-10-15, before the probation ends on 2019-10-16");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransitionError {
    /// 程序不符: the move is not allowed from the current stage (order
    /// applicant → activist → target → probationary → full; exits as
    /// [`ExitReason::allowed_from`](super::ExitReason::allowed_from) says;
    /// nothing after an exit). [Development 2014; `docs/RULES.md` DEV-1]
    #[error("cannot {requested} from stage {from}")]
    IllegalTransition {
        /// The current stage.
        from: Stage,
        /// What was asked.
        requested: TransitionKind,
    },
    /// 日期倒置: dated before the previous step.
    #[error("dated {date}, before the previous step on {previous}")]
    DatedBeforePrevious {
        /// The requested date.
        date: NaiveDate,
        /// The previous step's date.
        previous: NaiveDate,
    },
    /// 未来日期: dated after today.
    #[error("dated {date}, after today {today}")]
    InTheFuture {
        /// The offending date.
        date: NaiveDate,
        /// Today, from the injected clock.
        today: NaiveDate,
    },
    /// 无适用规则: no rule version was in force on the date.
    #[error("no development rules in force on {date}")]
    NoRulesInForce {
        /// The date of the step.
        date: NaiveDate,
    },
    /// 日期越界: a period ran past the end of the calendar.
    #[error("{months} months after {date} is past the end of the calendar")]
    DateOverflow {
        /// The start of the period.
        date: NaiveDate,
        /// Its length in months.
        months: u32,
    },
    /// 出生前: a date before the subject's birth.
    #[error("dated {date}, before the birth date {birth_date}")]
    BeforeBirth {
        /// The offending date.
        date: NaiveDate,
        /// The subject's birth date.
        birth_date: NaiveDate,
    },
    /// 年龄不足: under the minimum age on the application date.
    /// [Charter Art. 1]
    #[error(
        "aged {age} full years on {applied_on} (born {birth_date}); at least {min_age} required"
    )]
    TooYoung {
        /// The subject's birth date.
        birth_date: NaiveDate,
        /// The application date.
        applied_on: NaiveDate,
        /// Full years (周岁) on that date.
        age: u32,
        /// The minimum.
        min_age: u32,
    },
    /// 培养期不足: an activist for less than the required months.
    /// [Development 2014 Art. 13]
    #[error(
        "activist since {activist_since}: {months} months are met on {qualifies_on}, not by {on}"
    )]
    ActivistPeriodNotMet {
        /// When the person became an activist.
        activist_since: NaiveDate,
        /// The requested listing date.
        on: NaiveDate,
        /// The first date the period is met.
        qualifies_on: NaiveDate,
        /// The required months.
        months: u32,
    },
    /// 介绍人重复: the same person named twice. [Development 2014 Art. 14]
    #[error("introducer {introducer} named twice; two distinct introducers are required")]
    DuplicateIntroducer {
        /// The repeated introducer.
        introducer: MemberId,
    },
    /// 介绍人为本人: the subject named as their own introducer.
    /// [Development 2014 Art. 14]
    #[error("introducer {introducer} is the subject")]
    IntroducerIsSubject {
        /// The subject's id.
        introducer: MemberId,
    },
    /// 介绍人不明: the introducer is not known on the date.
    /// [Development 2014 Art. 14]
    #[error("introducer {introducer} is unknown on {on}")]
    UnknownIntroducer {
        /// The introducer.
        introducer: MemberId,
        /// The listing date.
        on: NaiveDate,
    },
    /// 不是合格的介绍人: the introducer is outside the reach of the officer
    /// listing the target and of the subject's home committee, or does not
    /// exist; nothing more is said about them (`docs/RULES.md` DEV-5a).
    #[error("{introducer} is not an eligible introducer")]
    IneligibleIntroducer {
        /// The id given.
        introducer: MemberId,
    },
    /// 介绍人受留党察看处分: an introducer under 留党察看 whose rights are
    /// not restored (`docs/RULES.md` MEM-13). [Development 2014 Art. 14]
    #[error("introducer {introducer} is under 留党察看 on {on} and cannot introduce")]
    IntroducerUnderProbation {
        /// The introducer.
        introducer: MemberId,
        /// The listing date.
        on: NaiveDate,
    },
    /// 介绍人非正式党员: the introducer is not a full member on the date.
    /// [Development 2014 Art. 14]
    #[error("introducer {introducer} is {stage} on {on}, not a full member")]
    IntroducerNotFull {
        /// The introducer.
        introducer: MemberId,
        /// Their stage on the date.
        stage: Stage,
        /// The listing date.
        on: NaiveDate,
    },
    /// 政审时间不符: the political review must fall between the listing as a
    /// development target and the admission resolution (both inclusive).
    /// [Development 2014 Art. 17; `docs/RULES.md` DEV-6]
    #[error(
        "political review on {review_on} must fall between the listing on {target_since} and the resolution on {resolution_on}"
    )]
    PoliticalReviewOutOfOrder {
        /// The review date.
        review_on: NaiveDate,
        /// The listing as development target.
        target_since: NaiveDate,
        /// The resolution date.
        resolution_on: NaiveDate,
    },
    /// 培训不足: neither the days nor the class hours reach the minimum.
    /// [Development 2014 Art. 17]
    #[error(
        "training of {days} days / {class_hours} class hours; at least {min_days} days or {min_hours} class hours required"
    )]
    TrainingInsufficient {
        /// Days received.
        days: u32,
        /// Class hours received.
        class_hours: u32,
        /// The minimum days.
        min_days: u32,
        /// The minimum class hours.
        min_hours: u32,
    },
    /// 公示过早: posted before the listing as a development target.
    /// [`docs/RULES.md` DEV-8]
    #[error("notice posted on {posted_on}, before the listing on {target_since}")]
    NoticeBeforeTarget {
        /// The posting date.
        posted_on: NaiveDate,
        /// The listing date.
        target_since: NaiveDate,
    },
    /// 公示期未满: the notice's last day is not before the resolution.
    /// [`docs/RULES.md` P-5, DEV-8]
    #[error(
        "notice posted on {posted_on} runs until {last_day}; the resolution on {resolution_on} must come after it"
    )]
    NoticeNotEnded {
        /// The posting date.
        posted_on: NaiveDate,
        /// The notice's last day.
        last_day: NaiveDate,
        /// The resolution date.
        resolution_on: NaiveDate,
    },
    /// 公示期无法计算: a zero-length period, one past the calendar's end,
    /// or one in working days in a year the work calendar has no holiday
    /// table for (`docs/RULES.md` P-7); `cause` says which.
    #[error("a notice of {period:?} posted on {posted_on} has no last day: {cause}")]
    NoticeUncountable {
        /// The posting date.
        posted_on: NaiveDate,
        /// The configured period.
        period: NoticePeriod,
        /// Why the calendar gave no last day.
        #[source]
        cause: crate::period::CalendarError,
    },
    /// 审批早于决议: approved before the branch resolution.
    /// [Development 2014 Art. 20–21]
    #[error("approved on {approved_on}, before the resolution on {resolution_on}")]
    ApprovalBeforeResolution {
        /// The approval date.
        approved_on: NaiveDate,
        /// The resolution date.
        resolution_on: NaiveDate,
    },
    /// 审批超期: approved after the limit of `months` months.
    /// [Development 2014 Art. 20–21]
    #[error(
        "approved on {approved_on}, after the {months}-month limit from the resolution on {resolution_on} (last day {deadline})"
    )]
    ApprovalTooLate {
        /// The approval date.
        approved_on: NaiveDate,
        /// The resolution date.
        resolution_on: NaiveDate,
        /// The last allowed day.
        deadline: NaiveDate,
        /// The limit applied.
        months: u32,
    },
    /// 已延长过: the probation may be extended only once.
    /// [Development 2014 Art. 32]
    #[error("the probation was already extended (now ending {probation_end})")]
    ExtensionAlreadyUsed {
        /// The extended probation end.
        probation_end: NaiveDate,
    },
    /// 延长期限不符: the extension is outside the allowed months.
    /// [Development 2014 Art. 32]
    #[error("an extension of {months} months; {min}–{max} months allowed")]
    ExtensionOutOfRange {
        /// The requested months.
        months: u32,
        /// The minimum.
        min: u32,
        /// The maximum.
        max: u32,
    },
    /// 预备期未满: an extension or conversion before the probation ends.
    /// [Charter Art. 7; Development 2014 Art. 32]
    #[error("dated {on}, before the probation ends on {probation_end}")]
    BeforeProbationEnd {
        /// The requested date.
        on: NaiveDate,
        /// The probation end.
        probation_end: NaiveDate,
    },
    /// 导入日期倒置: an imported record's dates are out of order.
    #[error("imported {later_field} {later} is before {earlier_field} {earlier}")]
    ImportOutOfOrder {
        /// The field that should come first.
        earlier_field: &'static str,
        /// Its date.
        earlier: NaiveDate,
        /// The field that should come later.
        later_field: &'static str,
        /// Its date.
        later: NaiveDate,
    },
    /// 延长无期满日: an imported extended probation needs its end date.
    #[error("an imported probation from {resolution_on} marked extended needs its end date")]
    ExtensionWithoutEnd {
        /// The resolution date.
        resolution_on: NaiveDate,
    },
    /// 导入年龄不足: the record's earliest date (on or after the
    /// application) finds the subject under the minimum age, so the
    /// application was too. [Charter Art. 1]
    #[error(
        "aged {age} full years on the imported {field} {on} (born {birth_date}); the application, on or before it, needs at least {min_age}"
    )]
    TooYoungOnRecord {
        /// The record's field holding the date.
        field: &'static str,
        /// Its date.
        on: NaiveDate,
        /// The subject's birth date.
        birth_date: NaiveDate,
        /// Full years (周岁) on that date.
        age: u32,
        /// The minimum.
        min_age: u32,
    },
    /// 预备期不符: an imported probation that is not the standard length and
    /// is not marked extended. [Charter Art. 7]
    #[error(
        "an imported probation from {resolution_on} ending {probation_end}: the standard {months} months end on {standard_end}, and it is not marked extended"
    )]
    ProbationNotStandard {
        /// The probation start (the admission resolution).
        resolution_on: NaiveDate,
        /// The imported end.
        probation_end: NaiveDate,
        /// The standard end.
        standard_end: NaiveDate,
        /// The standard months.
        months: u32,
    },
    /// 延长期限不符 (imported): an extended probation must end the allowed
    /// whole months after the standard end. [Development 2014 Art. 32]
    #[error(
        "an imported extended probation ending {probation_end}: one extension of {min}–{max} whole months after the standard end {standard_end} is allowed"
    )]
    ImportedExtensionOutOfRange {
        /// The standard end.
        standard_end: NaiveDate,
        /// The imported end.
        probation_end: NaiveDate,
        /// The minimum months.
        min: u32,
        /// The maximum months.
        max: u32,
    },
    /// 导入项不适用: the imported stage cannot carry this detail (a later
    /// step's date, or one the stage itself holds).
    #[error("an imported {stage} cannot carry {field}")]
    ImportDetailNotApplicable {
        /// The detail given.
        field: &'static str,
        /// The imported stage.
        stage: Stage,
    },
    /// 介绍人重复 (imported): the same person named twice.
    /// [Development 2014 Art. 14]
    #[error("introducer {introducer} named twice; two distinct introducers are required")]
    DuplicateImportedIntroducer {
        /// The repeated introducer (an identity number is masked).
        introducer: Introducer,
    },
    /// 破格导入无理由: an override needs its reason.
    #[error("an import override needs a non-empty reason")]
    OverrideWithoutReason,
    /// 记录不一致: a history record contradicts itself or its predecessor.
    #[error("inconsistent record: {what}")]
    InconsistentRecord {
        /// What is wrong.
        what: &'static str,
    },
    /// 空历史: a history needs at least one record.
    #[error("a lifecycle history needs at least one record")]
    EmptyHistory,
    /// 历史无效: record `index` of a stored history was refused.
    #[error("history record {index} refused: {source}")]
    InvalidHistory {
        /// The record's position (from 0).
        index: usize,
        /// Why.
        source: Box<TransitionError>,
    },
}
