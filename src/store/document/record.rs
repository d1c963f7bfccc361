//! An activity-record entry's activity (`activity_records.activity`) and
//! who acted (`activity_records.acted_by`).

use super::{Document, DocumentError, FORMAT};
use crate::access::ActedBy;
use crate::lifecycle::Stage;
use crate::record::{Activity, RewardOrSanction};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// 活动内容 (what an activity-record entry records), stored in
/// `activity_records.activity`: `"format"` first, then the body tagged by
/// `"type"`. The member, the day, the recording organisation and the time
/// of recording are columns of the row.
///
/// ```
/// use dangjian::record::Activity;
/// use dangjian::store::document::ActivityDocument;
/// let visit = Activity::AssistanceVisit { description: "走访慰问".into() };
/// let json = serde_json::to_string(&ActivityDocument::from_domain(&visit))?;
/// assert_eq!(json, r#"{"format":1,"type":"assistance_visit","description":"走访慰问"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityDocument<'a> {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// The activity, its fields beside `"format"`.
    #[serde(flatten)]
    pub activity: ActivityBody<'a>,
}

/// The kinds of activity, tagged by `"type"` (see `docs/RULES.md` MEM-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ActivityBody<'a> {
    /// `"dues_paid"`: 党费缴纳.
    #[serde(rename = "dues_paid")]
    DuesPaid {
        /// The amount (decimal string, yuan).
        #[serde(rename = "amount")]
        amount: Decimal,
        /// The first day of the month paid.
        #[serde(rename = "month")]
        month: NaiveDate,
    },
    /// `"organisation_life"`: 组织生活.
    #[serde(rename = "organisation_life")]
    OrganisationLife {
        /// The meeting.
        #[serde(rename = "meeting")]
        meeting: Cow<'a, str>,
        /// Whether the member attended.
        #[serde(rename = "attended")]
        attended: bool,
    },
    /// `"volunteer_service"`: 义工活动.
    #[serde(rename = "volunteer_service")]
    VolunteerService {
        /// Hours (decimal string).
        #[serde(rename = "hours")]
        hours: Decimal,
        /// What was done.
        #[serde(rename = "description")]
        description: Cow<'a, str>,
    },
    /// `"assistance_visit"`: 帮扶慰问.
    #[serde(rename = "assistance_visit")]
    AssistanceVisit {
        /// What was done.
        #[serde(rename = "description")]
        description: Cow<'a, str>,
    },
    /// `"relationship_transfer"`: 组织关系转接.
    #[serde(rename = "relationship_transfer")]
    RelationshipTransfer {
        /// The branch left.
        #[serde(rename = "from")]
        from: OrgId,
        /// The branch joined.
        #[serde(rename = "to")]
        to: OrgId,
    },
    /// `"online_check_in"`: 网上报到.
    #[serde(rename = "online_check_in")]
    OnlineCheckIn {
        /// Where.
        #[serde(rename = "place")]
        place: Cow<'a, str>,
    },
    /// `"reward_or_sanction"`: 奖惩.
    #[serde(rename = "reward_or_sanction")]
    RewardOrSanction {
        /// Reward or sanction.
        #[serde(rename = "kind")]
        kind: RewardOrSanctionDocument,
        /// Its title.
        #[serde(rename = "title")]
        title: Cow<'a, str>,
    },
    /// `"stage_changed"`: 发展阶段变更, with the stages as tags
    /// (`"applicant"`, `"activist"`, `"development_target"`,
    /// `"probationary"`, `"full"`, `{"exited": reason}`), in the serde form
    /// of [`Stage`].
    #[serde(rename = "stage_changed")]
    StageChanged {
        /// The stage before, `null` for the first.
        #[serde(rename = "from", deserialize_with = "super::required")]
        from: Option<Stage>,
        /// The stage after.
        #[serde(rename = "to")]
        to: Stage,
    },
}

/// 奖励 or 处分, stored as its tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RewardOrSanctionDocument {
    /// `"reward"`.
    #[serde(rename = "reward")]
    Reward,
    /// `"sanction"`.
    #[serde(rename = "sanction")]
    Sanction,
}

impl<'a> ActivityDocument<'a> {
    /// The document of an activity (borrowed, no copy).
    pub fn from_domain(a: &'a Activity) -> Self {
        let activity = match a {
            Activity::DuesPaid { amount, month } => ActivityBody::DuesPaid {
                amount: *amount,
                month: *month,
            },
            Activity::OrganisationLife { meeting, attended } => ActivityBody::OrganisationLife {
                meeting: Cow::Borrowed(meeting),
                attended: *attended,
            },
            Activity::VolunteerService { hours, description } => ActivityBody::VolunteerService {
                hours: *hours,
                description: Cow::Borrowed(description),
            },
            Activity::AssistanceVisit { description } => ActivityBody::AssistanceVisit {
                description: Cow::Borrowed(description),
            },
            Activity::RelationshipTransfer { from, to } => ActivityBody::RelationshipTransfer {
                from: *from,
                to: *to,
            },
            Activity::OnlineCheckIn { place } => ActivityBody::OnlineCheckIn {
                place: Cow::Borrowed(place),
            },
            Activity::RewardOrSanction { kind, title } => ActivityBody::RewardOrSanction {
                kind: match kind {
                    RewardOrSanction::Reward => RewardOrSanctionDocument::Reward,
                    RewardOrSanction::Sanction => RewardOrSanctionDocument::Sanction,
                },
                title: Cow::Borrowed(title),
            },
            Activity::StageChanged { from, to } => ActivityBody::StageChanged {
                from: *from,
                to: *to,
            },
        };
        Self {
            format: FORMAT,
            activity,
        }
    }
}

impl Document for ActivityDocument<'static> {
    type Domain = Activity;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<Activity, DocumentError> {
        Ok(match self.activity {
            ActivityBody::DuesPaid { amount, month } => Activity::DuesPaid { amount, month },
            ActivityBody::OrganisationLife { meeting, attended } => Activity::OrganisationLife {
                meeting: meeting.into_owned(),
                attended,
            },
            ActivityBody::VolunteerService { hours, description } => Activity::VolunteerService {
                hours,
                description: description.into_owned(),
            },
            ActivityBody::AssistanceVisit { description } => Activity::AssistanceVisit {
                description: description.into_owned(),
            },
            ActivityBody::RelationshipTransfer { from, to } => {
                Activity::RelationshipTransfer { from, to }
            }
            ActivityBody::OnlineCheckIn { place } => Activity::OnlineCheckIn {
                place: place.into_owned(),
            },
            ActivityBody::RewardOrSanction { kind, title } => Activity::RewardOrSanction {
                kind: match kind {
                    RewardOrSanctionDocument::Reward => RewardOrSanction::Reward,
                    RewardOrSanctionDocument::Sanction => RewardOrSanction::Sanction,
                },
                title: title.into_owned(),
            },
            ActivityBody::StageChanged { from, to } => Activity::StageChanged { from, to },
        })
    }
}

/// 经办人 (who acted), stored in `activity_records.acted_by` (`NULL` for
/// entries written before it was recorded): `"format"` first, then
/// `"type"` and `"id"`.
///
/// ```
/// use dangjian::access::ActedBy;
/// use dangjian::store::document::ActedByDocument;
/// let job = ActedBy::System("nightly arrears scan".into());
/// let json = serde_json::to_string(&ActedByDocument::from_domain(&job))?;
/// assert_eq!(json, r#"{"format":1,"type":"system","id":"nightly arrears scan"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActedByDocument<'a> {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// Who, its fields beside `"format"`.
    #[serde(flatten)]
    pub who: ActedByBody<'a>,
}

/// A person or a scheduled job, tagged by `"type"` with the value in `"id"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id")]
pub enum ActedByBody<'a> {
    /// `"member"`: a person, by member id.
    #[serde(rename = "member")]
    Member(MemberId),
    /// `"system"`: a scheduled job, by name.
    #[serde(rename = "system")]
    System(Cow<'a, str>),
}

impl<'a> ActedByDocument<'a> {
    /// The document of who acted (borrowed, no copy).
    pub fn from_domain(a: &'a ActedBy) -> Self {
        Self {
            format: FORMAT,
            who: match a {
                ActedBy::Member(m) => ActedByBody::Member(*m),
                ActedBy::System(name) => ActedByBody::System(Cow::Borrowed(name)),
            },
        }
    }
}

impl Document for ActedByDocument<'static> {
    type Domain = ActedBy;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<ActedBy, DocumentError> {
        Ok(match self.who {
            ActedByBody::Member(m) => ActedBy::Member(m),
            ActedByBody::System(name) => ActedBy::System(name.into_owned()),
        })
    }
}
