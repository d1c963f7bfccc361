//! 公开事项 (the parts of an item): its kind, title and content, the
//! scope it is approved for, and the channels that carry it.

use super::DisclosureError;
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// 公开内容类别 (what an item is about): the grassroots catalogue of
/// Disclosure 2017 Art. 10 and the items the county practice publishes
/// (pre-appointment notices, commendations, performance summaries).
/// `docs/RULES.md` DISC-4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ItemKind {
    /// 贯彻落实上级决策部署: carrying out higher decisions.
    HigherDecisions,
    /// 任期目标和工作计划: term goals and plans.
    TermGoals,
    /// 学习教育、三会一课: study, training and 三会一课.
    StudyAndMeetings,
    /// 选举、发展党员、民主评议: elections, admissions and appraisal.
    ElectionsAdmissionsAppraisal,
    /// 党员权利保障: members' rights.
    MembersRights,
    /// 党费收缴使用管理: dues collection and use.
    Dues,
    /// 作风建设、联系服务群众: conduct (the "four winds") and contact with
    /// the public.
    ConductAndPublicContact,
    /// 党纪处分、组织处置: discipline and sanctions.
    Discipline,
    /// 干部任前公示: a pre-appointment notice.
    PreAppointment,
    /// 表彰: a commendation.
    Commendation,
    /// 政绩概要: a performance summary.
    PerformanceSummary,
    /// 其他: anything else.
    Other,
}

impl ItemKind {
    /// Every kind, in catalogue order.
    pub const ALL: [Self; 12] = [
        Self::HigherDecisions,
        Self::TermGoals,
        Self::StudyAndMeetings,
        Self::ElectionsAdmissionsAppraisal,
        Self::MembersRights,
        Self::Dues,
        Self::ConductAndPublicContact,
        Self::Discipline,
        Self::PreAppointment,
        Self::Commendation,
        Self::PerformanceSummary,
        Self::Other,
    ];

    /// 中文名称.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::HigherDecisions => "贯彻落实上级决策部署",
            Self::TermGoals => "任期目标和工作计划",
            Self::StudyAndMeetings => "学习教育和三会一课",
            Self::ElectionsAdmissionsAppraisal => "选举、发展党员和民主评议",
            Self::MembersRights => "党员权利保障",
            Self::Dues => "党费收缴使用管理",
            Self::ConductAndPublicContact => "作风建设和联系服务群众",
            Self::Discipline => "党纪处分和组织处置",
            Self::PreAppointment => "干部任前公示",
            Self::Commendation => "表彰",
            Self::PerformanceSummary => "政绩概要",
            Self::Other => "其他",
        }
    }
}

/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest content, in characters.
pub const MAX_CONTENT_CHARS: usize = 20_000;
/// The most organisations and people a named scope may list.
pub const MAX_NAMED: usize = 1_000;

fn check_text(
    s: &str,
    field: &'static str,
    max: usize,
    lines: bool,
) -> Result<String, DisclosureError> {
    let t = s.trim();
    let n = t.chars().count();
    if n == 0 || n > max {
        return Err(DisclosureError::BadText {
            field,
            reason: if n == 0 { "empty" } else { "too long" },
            max,
        });
    }
    let bad = t
        .chars()
        .any(|c| crate::text::is_hidden(c) && !(lines && (c == '\n' || c == '\t')));
    if bad {
        return Err(DisclosureError::BadText {
            field,
            reason: "holds a control or invisible character",
            max,
        });
    }
    Ok(t.to_owned())
}

/// 标题: an item's title, 1 to [`MAX_TITLE_CHARS`] characters, no control
/// or invisible characters. A classified item keeps only its title, so a
/// title must never carry the secret itself: the reviewer checks it.
///
/// ```
/// use dangjian::disclosure::Title;
/// assert_eq!(Title::new(" 2026年第一季度党费收缴情况 ")?.as_str(), "2026年第一季度党费收缴情况");
/// assert!(Title::new("").is_err());
/// assert!(Title::new("党费\u{202E}").is_err());
/// # Ok::<(), dangjian::disclosure::DisclosureError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

impl Title {
    /// Checks and trims a title.
    ///
    /// # Errors
    /// [`DisclosureError::BadText`] for an empty or too long title, or one
    /// holding a control or invisible character.
    pub fn new(s: &str) -> Result<Self, DisclosureError> {
        check_text(s, "title", MAX_TITLE_CHARS, false).map(Self)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Title {
    type Error = DisclosureError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<Title> for String {
    fn from(t: Title) -> Self {
        t.0
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// 内容: an item's text, 1 to [`MAX_CONTENT_CHARS`] characters; line
/// breaks and tabs are kept, other control and invisible characters are
/// refused.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Content(String);

impl Content {
    /// Checks and trims the text.
    ///
    /// # Errors
    /// [`DisclosureError::BadText`].
    pub fn new(s: &str) -> Result<Self, DisclosureError> {
        check_text(s, "content", MAX_CONTENT_CHARS, true).map(Self)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Content {
    // Content may be 不宜公开: a debug print (a log line) shows its size only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Content({} chars)", self.0.chars().count())
    }
}

impl TryFrom<String> for Content {
    type Error = DisclosureError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<Content> for String {
    fn from(c: Content) -> Self {
        c.0
    }
}

/// 公开范围 (the scope an item is approved for), by relevance: society,
/// the whole party, the organisation's own region, department or unit, or
/// named organisations and people. [Disclosure 2017 Art. 13, inferred;
/// `docs/RULES.md` DISC-5]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scope {
    /// 向社会公开: everyone, the public included.
    Society,
    /// 在全党公开: every party member.
    WholeParty,
    /// 在本地区本部门本单位公开: the members of the item's organisation
    /// and of everything below it.
    OwnOrganisation,
    /// 对特定党组织、党员公开: the named organisations (and everything
    /// below them) and people.
    Named(Audience),
}

impl Scope {
    /// The widest channel reach this scope allows (see [`Reach::fits`]).
    pub fn widest_reach(&self) -> Reach {
        match self {
            Self::Society => Reach::PublicInternet,
            Self::WholeParty => Reach::PartyIntranet,
            Self::OwnOrganisation => Reach::BranchMeeting,
            Self::Named(_) => Reach::IndividualNotice,
        }
    }

    /// 中文名称.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::Society => "向社会公开",
            Self::WholeParty => "在党内公开",
            Self::OwnOrganisation => "在本单位公开",
            Self::Named(_) => "对特定对象公开",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Society => "society",
            Self::WholeParty => "the whole party",
            Self::OwnOrganisation => "the own organisation",
            Self::Named(_) => "named organisations and people",
        })
    }
}

/// 特定对象: the organisations and people a named scope lists; at least
/// one, at most [`MAX_NAMED`] together.
///
/// ```
/// use dangjian::disclosure::Audience;
/// use dangjian::{MemberId, OrgId};
/// let a = Audience::new([OrgId::new(3)], [MemberId::new(9)])?;
/// assert!(a.orgs().contains(&OrgId::new(3)));
/// assert!(Audience::new([], []).is_err());
/// # Ok::<(), dangjian::disclosure::DisclosureError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "AudienceParts", into = "AudienceParts")]
pub struct Audience {
    orgs: BTreeSet<OrgId>,
    members: BTreeSet<MemberId>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AudienceParts {
    #[serde(default)]
    orgs: Vec<OrgId>,
    #[serde(default)]
    members: Vec<MemberId>,
}

impl Audience {
    /// The named organisations and people.
    ///
    /// # Errors
    /// [`DisclosureError::BadAudience`] for none, or more than
    /// [`MAX_NAMED`].
    pub fn new(
        orgs: impl IntoIterator<Item = OrgId>,
        members: impl IntoIterator<Item = MemberId>,
    ) -> Result<Self, DisclosureError> {
        let orgs: BTreeSet<_> = orgs.into_iter().collect();
        let members: BTreeSet<_> = members.into_iter().collect();
        let n = orgs.len() + members.len();
        if n == 0 || n > MAX_NAMED {
            return Err(DisclosureError::BadAudience { count: n });
        }
        Ok(Self { orgs, members })
    }

    /// The named organisations.
    pub fn orgs(&self) -> &BTreeSet<OrgId> {
        &self.orgs
    }

    /// The named people.
    pub fn members(&self) -> &BTreeSet<MemberId> {
        &self.members
    }
}

impl TryFrom<AudienceParts> for Audience {
    type Error = DisclosureError;
    fn try_from(p: AudienceParts) -> Result<Self, Self::Error> {
        Self::new(p.orgs, p.members)
    }
}

impl From<Audience> for AudienceParts {
    fn from(a: Audience) -> Self {
        Self {
            orgs: a.orgs.into_iter().collect(),
            members: a.members.into_iter().collect(),
        }
    }
}

/// 公开形式 (a channel, by how far it reaches): an individual notice, a
/// branch meeting, the party intranet, a public board (党务公开栏), the
/// public internet (website, new media). A channel may reach less than the
/// approved scope, never more. `docs/RULES.md` DISC-5, DISC-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reach {
    /// 个别告知: a notice to each person concerned.
    IndividualNotice,
    /// 会议: a branch meeting or briefing.
    BranchMeeting,
    /// 党内网络: the party intranet (members only).
    PartyIntranet,
    /// 公开栏: a public board.
    PublicBoard,
    /// 互联网: a website, new media, the press.
    PublicInternet,
}

impl Reach {
    /// Every channel, narrowest first.
    pub const ALL: [Self; 5] = [
        Self::IndividualNotice,
        Self::BranchMeeting,
        Self::PartyIntranet,
        Self::PublicBoard,
        Self::PublicInternet,
    ];

    fn level(self) -> u8 {
        match self {
            Self::IndividualNotice => 0,
            Self::BranchMeeting => 1,
            Self::PartyIntranet => 2,
            Self::PublicBoard | Self::PublicInternet => 3,
        }
    }

    /// Whether this channel stays within `scope`: a public board or the
    /// internet only for society; the intranet up to the whole party; a
    /// meeting up to the own organisation; an individual notice for any
    /// scope.
    ///
    /// ```
    /// use dangjian::disclosure::{Reach, Scope};
    /// assert!(Reach::PublicInternet.fits(&Scope::Society));
    /// assert!(!Reach::PartyIntranet.fits(&Scope::OwnOrganisation));
    /// assert!(Reach::BranchMeeting.fits(&Scope::WholeParty));
    /// ```
    pub fn fits(self, scope: &Scope) -> bool {
        self.level() <= scope.widest_reach().level()
    }

    /// Whether the channel is online (the intranet or the internet); a
    /// classified item never goes online, and the feed carries only items
    /// with an online channel.
    pub fn is_online(self) -> bool {
        matches!(self, Self::PartyIntranet | Self::PublicInternet)
    }
}

impl fmt::Display for Reach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::IndividualNotice => "an individual notice",
            Self::BranchMeeting => "a branch meeting",
            Self::PartyIntranet => "the party intranet",
            Self::PublicBoard => "a public board",
            Self::PublicInternet => "the public internet",
        })
    }
}

/// 公开方案 (the plan of a disclosable item, Disclosure 2017 Art. 15):
/// scope, channels (the form) and time: the day it is to go out and,
/// optionally, the last day it stays up (for a publicity notice, the last
/// day of the period as posted).
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::disclosure::{Plan, Reach, Scope};
/// let on = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
/// let plan = Plan::new(Scope::Society, [Reach::PublicBoard, Reach::PublicInternet], on)?;
/// assert_eq!(plan.scope(), &Scope::Society);
/// // A channel reaching further than the scope is refused.
/// assert!(Plan::new(Scope::OwnOrganisation, [Reach::PublicInternet], on).is_err());
/// # Ok::<(), dangjian::disclosure::DisclosureError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PlanParts", into = "PlanParts")]
pub struct Plan {
    scope: Scope,
    channels: BTreeSet<Reach>,
    publish_on: NaiveDate,
    until: Option<NaiveDate>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanParts {
    scope: Scope,
    channels: Vec<Reach>,
    publish_on: NaiveDate,
    #[serde(default)]
    until: Option<NaiveDate>,
}

impl Plan {
    /// A plan for `scope` over `channels`, to go out on `publish_on`.
    ///
    /// # Errors
    /// [`DisclosureError::NoChannel`] for no channel;
    /// [`DisclosureError::ChannelBeyondScope`] for a channel that reaches
    /// further than `scope`.
    pub fn new(
        scope: Scope,
        channels: impl IntoIterator<Item = Reach>,
        publish_on: NaiveDate,
    ) -> Result<Self, DisclosureError> {
        let channels: BTreeSet<Reach> = channels.into_iter().collect();
        if channels.is_empty() {
            return Err(DisclosureError::NoChannel);
        }
        if let Some(c) = channels.iter().find(|c| !c.fits(&scope)) {
            return Err(DisclosureError::ChannelBeyondScope {
                channel: *c,
                scope: scope.to_string(),
            });
        }
        Ok(Self {
            scope,
            channels,
            publish_on,
            until: None,
        })
    }

    /// The last day the item stays up (a publicity notice: the last day of
    /// the period as posted).
    ///
    /// # Errors
    /// [`DisclosureError::EndsBeforeStart`] for a day before `publish_on`.
    pub fn until(mut self, last_day: NaiveDate) -> Result<Self, DisclosureError> {
        if last_day < self.publish_on {
            return Err(DisclosureError::EndsBeforeStart {
                from: self.publish_on,
                to: last_day,
            });
        }
        self.until = Some(last_day);
        Ok(self)
    }

    /// The approved scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The channels, narrowest first.
    pub fn channels(&self) -> &BTreeSet<Reach> {
        &self.channels
    }

    /// The day it is to go out.
    pub fn publish_on(&self) -> NaiveDate {
        self.publish_on
    }

    /// The last day it stays up, if set.
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.until
    }

    /// Whether any channel is online.
    pub fn is_online(&self) -> bool {
        self.channels.iter().any(|c| c.is_online())
    }

    pub(super) fn extended_to(mut self, last_day: NaiveDate) -> Self {
        if self.until.is_none_or(|u| u < last_day) {
            self.until = Some(last_day);
        }
        self
    }
}

impl TryFrom<PlanParts> for Plan {
    type Error = DisclosureError;
    fn try_from(p: PlanParts) -> Result<Self, Self::Error> {
        let plan = Self::new(p.scope, p.channels, p.publish_on)?;
        match p.until {
            Some(u) => plan.until(u),
            None => Ok(plan),
        }
    }
}

impl From<Plan> for PlanParts {
    fn from(p: Plan) -> Self {
        Self {
            scope: p.scope,
            channels: p.channels.into_iter().collect(),
            publish_on: p.publish_on,
            until: p.until,
        }
    }
}
