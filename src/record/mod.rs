//! 党员电子活动证 (electronic activity record): an append-only, per-member
//! event log.
//!
//! A district's platform (重庆市大渡口区) describes it:
//! "为每名党员在七一网上建立了党员电子活动证.客观准确地记录了党员党费缴纳.
//! 义工活动.组织生活.帮扶慰问.组织关系.网上报到等信息内容.
//! 无论党员流动到何地.流动地党组织和党员党籍所在党组织均可通过党员电子活动证
//! 了解党员最新情况". Entries are never edited or deleted; a correction is a
//! new entry. Who may read and write is decided in [`crate::access`]: the
//! member, the home branch and its ancestors, and a mobile member's
//! current-location organisation (`docs/RULES.md` MEM-5, MEM-6).

use crate::lifecycle::Stage;
use crate::{MemberId, OrgId, RecordId};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The longest free text an entry takes (characters).
pub const MAX_TEXT_CHARS: usize = 500;

/// 奖惩 (reward or sanction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RewardOrSanction {
    /// 奖励 / 表彰.
    Reward,
    /// 处分.
    Sanction,
}

/// 活动类别: what an entry records.
///
/// Deserializing checks the entry ([`Activity::validate`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Activity {
    /// 党费缴纳: a dues payment (yuan, at most two decimals).
    DuesPaid {
        /// The amount, in yuan.
        amount: Decimal,
        /// The first month covered (any day of it).
        month: NaiveDate,
    },
    /// 组织生活: attendance at organisation life (三会一课).
    OrganisationLife {
        /// The meeting, e.g. 支部党员大会 2024-Q2.
        meeting: String,
        /// Whether the member attended (false: absent, with leave or not).
        attended: bool,
    },
    /// 义工活动 / 志愿服务: volunteer service, in hours (at most 24 a day).
    VolunteerService {
        /// Hours served, greater than zero, at most two decimals.
        hours: Decimal,
        /// What was done.
        description: String,
    },
    /// 帮扶慰问: an assistance visit.
    AssistanceVisit {
        /// Who was visited and why.
        description: String,
    },
    /// 组织关系转接: the relationship moved between branches.
    RelationshipTransfer {
        /// The sending branch.
        from: OrgId,
        /// The receiving branch.
        to: OrgId,
    },
    /// 网上报到: an online check-in, e.g. a mobile member reporting to the
    /// current-location organisation.
    OnlineCheckIn {
        /// Where the member checked in.
        place: String,
    },
    /// 奖惩: a reward or a sanction.
    RewardOrSanction {
        /// Which.
        kind: RewardOrSanction,
        /// The title of the decision.
        title: String,
    },
    /// 发展阶段变更: a lifecycle transition, written with it.
    StageChanged {
        /// The stage before (none for the first).
        from: Option<Stage>,
        /// The stage after.
        to: Stage,
    },
}

impl Activity {
    /// 中文名称: the category's Chinese label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::DuesPaid { .. } => "党费缴纳",
            Self::OrganisationLife { .. } => "组织生活",
            Self::VolunteerService { .. } => "义工活动",
            Self::AssistanceVisit { .. } => "帮扶慰问",
            Self::RelationshipTransfer { .. } => "组织关系转接",
            Self::OnlineCheckIn { .. } => "网上报到",
            Self::RewardOrSanction { .. } => "奖惩",
            Self::StageChanged { .. } => "发展阶段变更",
        }
    }

    /// Checks the entry's own content.
    ///
    /// # Errors
    /// [`RecordError`] for an amount or hours that is not positive or has
    /// more than two decimals, more than 24 hours, or empty or overlong text.
    pub fn validate(&self) -> Result<(), RecordError> {
        match self {
            Self::DuesPaid { amount, .. } => check_positive_cents("amount", *amount, None),
            Self::VolunteerService { hours, description } => {
                check_positive_cents("hours", *hours, Some(Decimal::from(24)))?;
                check_text("description", description)
            }
            Self::OrganisationLife { meeting: t, .. }
            | Self::AssistanceVisit { description: t }
            | Self::OnlineCheckIn { place: t }
            | Self::RewardOrSanction { title: t, .. } => check_text("text", t),
            Self::RelationshipTransfer { from, to } if from == to => {
                Err(RecordError::SameOrganisation(*from))
            }
            Self::RelationshipTransfer { .. } | Self::StageChanged { .. } => Ok(()),
        }
    }
}

fn check_positive_cents(
    field: &'static str,
    value: Decimal,
    max: Option<Decimal>,
) -> Result<(), RecordError> {
    if value <= Decimal::ZERO {
        return Err(RecordError::NotPositive { field });
    }
    if value.normalize().scale() > 2 {
        return Err(RecordError::TooManyDecimals { field });
    }
    if let Some(max) = max.filter(|m| value > *m) {
        return Err(RecordError::TooLarge { field, max });
    }
    Ok(())
}

fn check_text(field: &'static str, text: &str) -> Result<(), RecordError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(RecordError::EmptyText { field });
    }
    if trimmed.chars().count() > MAX_TEXT_CHARS || trimmed.chars().any(char::is_control) {
        return Err(RecordError::BadText {
            field,
            max: MAX_TEXT_CHARS,
        });
    }
    Ok(())
}

/// Why an entry was refused. Nothing is recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// An amount or a number of hours must be greater than zero.
    #[error("{field} must be greater than zero")]
    NotPositive {
        /// The field.
        field: &'static str,
    },
    /// At most two decimals (fen, or hundredths of an hour).
    #[error("{field} has more than two decimals")]
    TooManyDecimals {
        /// The field.
        field: &'static str,
    },
    /// Above the maximum.
    #[error("{field} is more than {max}")]
    TooLarge {
        /// The field.
        field: &'static str,
        /// The maximum.
        max: Decimal,
    },
    /// Empty text.
    #[error("{field} is empty")]
    EmptyText {
        /// The field.
        field: &'static str,
    },
    /// Text too long or with control characters.
    #[error("{field} is longer than {max} characters or has control characters")]
    BadText {
        /// The field.
        field: &'static str,
        /// The maximum length.
        max: usize,
    },
    /// A transfer from a branch to itself.
    #[error("a transfer from {0} to itself")]
    SameOrganisation(OrgId),
    /// 不可记录: a kind the library writes itself, with the change it
    /// records (a stage change, a transfer, a payment, a sanction).
    #[error("{kind} entries are written by the operation that makes the change, not appended")]
    NotAppendable {
        /// The kind's Chinese label.
        kind: &'static str,
    },
    /// An activity dated after today.
    #[error("an activity on {date} is after today ({today})")]
    InTheFuture {
        /// The activity's date.
        date: NaiveDate,
        /// Today, by the injected clock.
        today: NaiveDate,
    },
}

/// 可记录的活动 (what an officer may append): volunteer service, visits,
/// check-ins and attendance. The other kinds of [`Activity`] (stage
/// changes, transfers, dues paid, rewards and sanctions) are written only
/// by the operation that makes the change, in the same write
/// (`docs/RULES.md` MEM-5a), so nobody can forge them.
///
/// ```
/// use dangjian::record::{Activity, Appendable, RecordError};
/// use dangjian::lifecycle::{ExitReason, Stage};
/// let visit = Appendable::AssistanceVisit { description: "走访慰问".into() };
/// assert_eq!(Activity::from(visit.clone()).label_zh(), "帮扶慰问");
/// let forged = Activity::StageChanged { from: Some(Stage::Full), to: Stage::Exited(ExitReason::Deceased) };
/// assert!(matches!(Appendable::try_from(forged), Err(RecordError::NotAppendable { .. })));
/// // Nor can a request carry one.
/// assert!(serde_json::from_str::<Appendable>(r#"{"type":"dues_paid","amount":"1","month":"2024-05-01"}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Appendable {
    /// 组织生活: attendance at organisation life (三会一课).
    OrganisationLife {
        /// The meeting, e.g. 支部党员大会 2024-Q2.
        meeting: String,
        /// Whether the member attended.
        attended: bool,
    },
    /// 义工活动 / 志愿服务: volunteer service, in hours (at most 24 a day).
    VolunteerService {
        /// Hours served, greater than zero, at most two decimals.
        hours: Decimal,
        /// What was done.
        description: String,
    },
    /// 帮扶慰问: an assistance visit.
    AssistanceVisit {
        /// Who was visited and why.
        description: String,
    },
    /// 网上报到: an online check-in (a member may record their own).
    OnlineCheckIn {
        /// Where the member checked in.
        place: String,
    },
}

impl From<Appendable> for Activity {
    fn from(a: Appendable) -> Self {
        match a {
            Appendable::OrganisationLife { meeting, attended } => {
                Self::OrganisationLife { meeting, attended }
            }
            Appendable::VolunteerService { hours, description } => {
                Self::VolunteerService { hours, description }
            }
            Appendable::AssistanceVisit { description } => Self::AssistanceVisit { description },
            Appendable::OnlineCheckIn { place } => Self::OnlineCheckIn { place },
        }
    }
}

impl TryFrom<Activity> for Appendable {
    type Error = RecordError;

    /// The appendable kinds; the library's own entries are refused.
    fn try_from(a: Activity) -> Result<Self, RecordError> {
        Ok(match a {
            Activity::OrganisationLife { meeting, attended } => {
                Self::OrganisationLife { meeting, attended }
            }
            Activity::VolunteerService { hours, description } => {
                Self::VolunteerService { hours, description }
            }
            Activity::AssistanceVisit { description } => Self::AssistanceVisit { description },
            Activity::OnlineCheckIn { place } => Self::OnlineCheckIn { place },
            other => {
                return Err(RecordError::NotAppendable {
                    kind: other.label_zh(),
                });
            }
        })
    }
}

checked_serde!(Activity, |activity| activity.validate());
checked_serde!(Appendable, |appendable| Activity::from(appendable.clone())
    .validate());

/// 记录活动请求 (an entry to append), for
/// [`crate::service::RecordsHandle::append`]. Only the [`Appendable`]
/// kinds; the entry records who appended it (`recorded_by`, `acted_by`).
///
/// Deserializing checks the activity ([`Activity::validate`]); the date
/// is checked against today when the entry is appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawAppend")]
#[non_exhaustive]
pub struct AppendActivity {
    /// Whose record.
    pub member: MemberId,
    /// The day the activity happened (not after today).
    pub occurred_on: NaiveDate,
    /// What happened.
    pub activity: Appendable,
}

impl AppendActivity {
    /// `activity` of `member` on `occurred_on`.
    pub fn new(member: MemberId, occurred_on: NaiveDate, activity: Appendable) -> Self {
        Self {
            member,
            occurred_on,
            activity,
        }
    }
}

/// The serde form of [`AppendActivity`], before its checks.
#[derive(Deserialize)]
struct RawAppend {
    member: MemberId,
    occurred_on: NaiveDate,
    activity: Appendable,
}

impl TryFrom<RawAppend> for AppendActivity {
    type Error = RecordError;
    fn try_from(r: RawAppend) -> Result<Self, RecordError> {
        // `Appendable`'s serde form has checked the activity already.
        Ok(Self::new(r.member, r.occurred_on, r.activity))
    }
}

/// An entry as the caller submits it.
///
/// Deserializing checks the activity ([`Activity::validate`]): negative
/// hours, say, do not deserialize. The date is checked against today by
/// [`NewRecordEntry::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawNewEntry")]
pub struct NewRecordEntry {
    /// Whose record.
    pub member: MemberId,
    /// The day the activity happened.
    pub occurred_on: NaiveDate,
    /// What happened.
    pub activity: Activity,
    /// The organisation that recorded it (none: the member themselves).
    pub recorded_by: Option<OrgId>,
    /// The person (or scheduled job) who acted, when the actor names one.
    pub acted_by: Option<crate::access::ActedBy>,
    /// When it was recorded, by the injected clock.
    pub recorded_at: DateTime<Utc>,
}

/// The serde form of [`NewRecordEntry`], before its checks.
#[derive(Deserialize)]
struct RawNewEntry {
    member: MemberId,
    occurred_on: NaiveDate,
    activity: Activity,
    recorded_by: Option<OrgId>,
    acted_by: Option<crate::access::ActedBy>,
    recorded_at: DateTime<Utc>,
}

impl TryFrom<RawNewEntry> for NewRecordEntry {
    type Error = RecordError;
    fn try_from(r: RawNewEntry) -> Result<Self, RecordError> {
        r.activity.validate()?;
        Ok(Self {
            member: r.member,
            occurred_on: r.occurred_on,
            activity: r.activity,
            recorded_by: r.recorded_by,
            acted_by: r.acted_by,
            recorded_at: r.recorded_at,
        })
    }
}

impl NewRecordEntry {
    /// Checks the entry against `today`.
    ///
    /// # Errors
    /// [`RecordError`] from [`Activity::validate`], or an activity after
    /// `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<(), RecordError> {
        if self.occurred_on > today {
            return Err(RecordError::InTheFuture {
                date: self.occurred_on,
                today,
            });
        }
        self.activity.validate()
    }

    /// The stored entry, with the id the store assigned.
    pub fn into_entry(self, id: RecordId) -> RecordEntry {
        RecordEntry {
            id,
            member: self.member,
            occurred_on: self.occurred_on,
            activity: self.activity,
            recorded_by: self.recorded_by,
            acted_by: self.acted_by,
            recorded_at: self.recorded_at,
        }
    }
}

/// 活动证记录: one stored entry. Entries are never changed.
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use dangjian::record::{Activity, NewRecordEntry};
/// use dangjian::{MemberId, OrgId, RecordId};
/// let entry = NewRecordEntry {
///     member: MemberId::new(1),
///     occurred_on: NaiveDate::from_ymd_opt(2024, 5, 4).unwrap(),
///     activity: Activity::VolunteerService { hours: "2.5".parse()?, description: "社区义诊".into() },
///     recorded_by: Some(OrgId::new(2)),
///     acted_by: None,
///     recorded_at: Utc.with_ymd_and_hms(2024, 5, 4, 10, 0, 0).unwrap(),
/// };
/// entry.validate(NaiveDate::from_ymd_opt(2024, 5, 4).unwrap())?;
/// let stored = entry.into_entry(RecordId::new(9));
/// assert_eq!(stored.activity.label_zh(), "义工活动");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordEntry {
    /// Assigned by the store, increasing per store.
    pub id: RecordId,
    /// Whose record.
    pub member: MemberId,
    /// The day the activity happened.
    pub occurred_on: NaiveDate,
    /// What happened.
    pub activity: Activity,
    /// The organisation that recorded it (none: the member themselves).
    pub recorded_by: Option<OrgId>,
    /// The person (or scheduled job) who acted, when the actor named one.
    pub acted_by: Option<crate::access::ActedBy>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn hours_boundaries() {
        let v = |h: &str| {
            Activity::VolunteerService {
                hours: dec(h),
                description: "x".into(),
            }
            .validate()
        };
        assert!(v("24").is_ok());
        assert!(matches!(v("24.01"), Err(RecordError::TooLarge { .. })));
        assert!(matches!(v("0"), Err(RecordError::NotPositive { .. })));
        assert!(matches!(
            v("1.005"),
            Err(RecordError::TooManyDecimals { .. })
        ));
        assert!(v("1.50").is_ok());
    }

    #[test]
    fn text_is_checked() {
        let long = "字".repeat(MAX_TEXT_CHARS + 1);
        assert!(Activity::OnlineCheckIn { place: long }.validate().is_err());
        assert!(
            Activity::OnlineCheckIn { place: "  ".into() }
                .validate()
                .is_err()
        );
        assert!(
            Activity::OnlineCheckIn {
                place: "字".repeat(MAX_TEXT_CHARS)
            }
            .validate()
            .is_ok()
        );
    }

    #[test]
    fn negative_hours_do_not_deserialize() {
        let json = |hours: &str| {
            format!(
                r#"{{"member":1,"occurred_on":"2024-05-04","activity":{{"type":"volunteer_service","hours":"{hours}","description":"x"}},"recorded_by":2,"acted_by":null,"recorded_at":"2024-05-04T10:00:00Z"}}"#
            )
        };
        assert!(serde_json::from_str::<NewRecordEntry>(&json("-3")).is_err());
        assert!(serde_json::from_str::<NewRecordEntry>(&json("2.5")).is_ok());
        let append = r#"{"member":1,"occurred_on":"2024-05-04","activity":{"type":"volunteer_service","hours":"-3","description":"x"}}"#;
        assert!(serde_json::from_str::<AppendActivity>(append).is_err());
    }

    #[test]
    fn serde_round_trip() {
        let a = Activity::RewardOrSanction {
            kind: RewardOrSanction::Reward,
            title: "优秀共产党员".into(),
        };
        let json = serde_json::to_string(&a).unwrap_or_default();
        assert!(json.contains("\"type\":\"reward_or_sanction\""));
        let back: Option<Activity> = serde_json::from_str(&json).ok();
        assert_eq!(back, Some(a));
    }
}
