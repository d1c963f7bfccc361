//! 党务公开错误: why a disclosure step was refused. Nothing was stored.

use super::{ApplicationId, ItemId, Purpose, Reach};
use crate::office::Post;
use crate::period::{CalendarError, Length};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;

/// Why a disclosure step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DisclosureError {
    /// A title, content, reason or note that is empty, too long or holds
    /// a hidden character.
    #[error("the {field} is {reason} (at most {max} characters)")]
    BadText {
        /// Which text.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
        /// The longest allowed.
        max: usize,
    },
    /// A named scope listing nobody, or too many.
    #[error("a named scope lists {count} organisations and people; it takes 1 to 1000")]
    BadAudience {
        /// How many were named.
        count: usize,
    },
    /// A plan with no channel.
    #[error("a disclosure needs at least one channel")]
    NoChannel,
    /// 公开形式超出范围: a channel reaching further than the scope.
    #[error("{channel} reaches further than {scope}, the approved scope")]
    ChannelBeyondScope {
        /// The channel.
        channel: Reach,
        /// The scope.
        scope: String,
    },
    /// 涉密事项: a classified item given content. The library keeps a
    /// placeholder only.
    #[error("a classified item is kept as a placeholder: it takes no content")]
    ClassifiedWithContent,
    /// A classified or 不宜公开 item given a scope.
    #[error("a {class} item can never be given a scope")]
    ScopeForNonDisclosable {
        /// Its class.
        class: super::Class,
    },
    /// A classified or 不宜公开 item given a channel.
    #[error("a {class} item can never be given a channel")]
    ChannelForNonDisclosable {
        /// Its class.
        class: super::Class,
    },
    /// A disclosable item without content or without a plan.
    #[error("a disclosable item needs {0}")]
    Incomplete(&'static str),
    /// A publicity notice on a 不宜公开 or classified item, or filed under
    /// another kind.
    #[error("a {purpose} is a disclosable item of kind `{kind}`")]
    NoticeOfWrongKind {
        /// The notice's purpose.
        purpose: Purpose,
        /// The kind it should be filed under.
        kind: &'static str,
    },
    /// A step that only a disclosable item takes.
    #[error("a {class} item is never reviewed for publication, approved or published")]
    NotDisclosable {
        /// Its class.
        class: super::Class,
    },
    /// A step out of order: published without approval, approved without
    /// review.
    #[error("the item is {stage}; this step needs it {wanted}")]
    WrongStage {
        /// Where the item stands.
        stage: &'static str,
        /// Where it must stand.
        wanted: &'static str,
    },
    /// 审查人或审批人不符: the member holds none of the posts in the
    /// organisation on the day.
    #[error("{member} holds none of the posts {posts:?} in {org} today")]
    NotAnOfficial {
        /// The member.
        member: MemberId,
        /// The organisation.
        org: OrgId,
        /// The posts wanted.
        posts: Vec<Post>,
    },
    /// The actor is not linked to a member, so no office can be checked.
    #[error("only an office holder acting under their own member id may do this")]
    NoMemberBehindActor,
    /// 超出权限须报上级审批, or an item within the organisation's
    /// authority approved from above.
    #[error("{}", if *beyond_authority { "the item is beyond the organisation's authority: a higher organisation approves it" } else { "the item is within the organisation's authority: the organisation itself approves it" })]
    ApprovalFromWrongLevel {
        /// Whether the item is beyond the organisation's authority.
        beyond_authority: bool,
    },
    /// Published on a day before its approval.
    #[error("published on {on}, before its approval on {approved_on}")]
    PublishedBeforeApproval {
        /// The approval day.
        approved_on: NaiveDate,
        /// The publication day.
        on: NaiveDate,
    },
    /// A notice without a last day.
    #[error("a {purpose} needs the last day of its period")]
    NoLastDay {
        /// The purpose.
        purpose: Purpose,
    },
    /// A notice whose subject is missing.
    #[error("a {purpose} names the person it is about")]
    NoSubject {
        /// The purpose.
        purpose: Purpose,
    },
    /// No publicity rule in force on the posting day.
    #[error("no {purpose} rule is in force on {posted_on}")]
    NoRule {
        /// The purpose.
        purpose: Purpose,
        /// The posting day.
        posted_on: NaiveDate,
    },
    /// A range whose last day is before its first.
    #[error("the period from {from} ends before it starts ({to})")]
    EndsBeforeStart {
        /// The first day.
        from: NaiveDate,
        /// The last day.
        to: NaiveDate,
    },
    /// 公示期不足: the posted range is shorter than the rule.
    #[error(
        "a notice posted {from} to {to} is shorter than {rule:?}: it must run to {earliest_end} at least"
    )]
    PeriodTooShort {
        /// The first day as posted.
        from: NaiveDate,
        /// The last day as posted.
        to: NaiveDate,
        /// The earliest last day the rule allows.
        earliest_end: NaiveDate,
        /// The rule's shortest period.
        rule: Length,
    },
    /// The posted range is longer than the place allows.
    #[error("a notice posted {from} to {to} runs past {latest_end}, the longest the rule allows")]
    PeriodTooLong {
        /// The first day as posted.
        from: NaiveDate,
        /// The last day as posted.
        to: NaiveDate,
        /// The latest last day.
        latest_end: NaiveDate,
    },
    /// 公示期未满: the step waits for the day after the last day.
    #[error(
        "the notice {item} runs to {last_day}: the next step can come on {next_step_from} at the earliest"
    )]
    PeriodRunning {
        /// The notice.
        item: ItemId,
        /// Its last day.
        last_day: NaiveDate,
        /// The first day the step may come.
        next_step_from: NaiveDate,
    },
    /// Objections to the notice are not yet resolved.
    #[error("{open} objection(s) to the notice {item} are not yet resolved")]
    ObjectionsOpen {
        /// The notice.
        item: ItemId,
        /// How many are open.
        open: usize,
    },
    /// An objection to the notice was upheld.
    #[error("an objection to the notice {item} was upheld: the step cannot go ahead on it")]
    ObjectionUpheld {
        /// The notice.
        item: ItemId,
    },
    /// No notice for the step, or none up.
    #[error("the notice {item} is {stage}, not published")]
    NoticeNotUp {
        /// The notice.
        item: ItemId,
        /// Its stage.
        stage: &'static str,
    },
    /// The step needs a published notice of this purpose about the person.
    #[error("{subject} has no {purpose}: post one and wait for its period to end")]
    NoNotice {
        /// The person.
        subject: MemberId,
        /// The purpose.
        purpose: Purpose,
    },
    /// An item without a publicity part.
    #[error("the item is not a publicity notice")]
    NotANotice,
    /// An objection received outside the period.
    #[error("an objection received on {received_on} falls outside the period {from} to {to}")]
    ObjectionOutsidePeriod {
        /// The day received.
        received_on: NaiveDate,
        /// The first day.
        from: NaiveDate,
        /// The last day.
        to: NaiveDate,
    },
    /// No objection with this number.
    #[error("the notice has no objection number {number}")]
    UnknownObjection {
        /// The number asked for.
        number: u32,
    },
    /// The objection was resolved already.
    #[error("objection number {number} is resolved already")]
    ObjectionResolved {
        /// The number.
        number: u32,
    },
    /// 依申请公开: a decision or extension on an application decided
    /// already, or extended twice.
    #[error("the application {id} is {state}; this step needs it {wanted}")]
    ApplicationState {
        /// The application.
        id: ApplicationId,
        /// Where it stands.
        state: &'static str,
        /// Where it must stand.
        wanted: &'static str,
    },
    /// The extension came after the first deadline.
    #[error("the deadline {due} has passed: an extension must be decided before it")]
    ExtensionTooLate {
        /// The first deadline.
        due: NaiveDate,
    },
    /// A step dated before the application was received.
    #[error("{on} is before the application was received on {received_on}")]
    BeforeReceipt {
        /// The step's day.
        on: NaiveDate,
        /// The day received.
        received_on: NaiveDate,
    },
    /// An application to an organisation that is not the applicant's own
    /// or above it.
    #[error("a member applies to their own organisation or one above it")]
    NotOwnOrganisation,
    /// The working calendar cannot count the dates.
    #[error("{0}")]
    Calendar(#[from] CalendarError),
    /// A date past the end of the calendar.
    #[error("a date is out of range")]
    DateOutOfRange,
    /// A stored item that does not hang together.
    #[error("a stored item is inconsistent: {0}")]
    Inconsistent(&'static str),
}

impl DisclosureError {
    /// Whether the input itself was malformed (rather than a rule
    /// refusing well-formed input).
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Self::BadText { .. }
                | Self::BadAudience { .. }
                | Self::NoChannel
                | Self::ClassifiedWithContent
                | Self::ScopeForNonDisclosable { .. }
                | Self::ChannelForNonDisclosable { .. }
                | Self::Incomplete(_)
                | Self::EndsBeforeStart { .. }
                | Self::NoLastDay { .. }
                | Self::NoSubject { .. }
                | Self::UnknownObjection { .. }
                | Self::BeforeReceipt { .. }
                | Self::DateOutOfRange
        )
    }
}
