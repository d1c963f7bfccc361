//! 任职记录 (a holding): the member, the post, the organisation, the first
//! day, the term end and how the holder came to office.

use super::OfficeError;
use crate::election::VoteId;
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// 任职标识 (office id): one holding of a post, assigned by the store.
///
/// ```
/// use dangjian::office::OfficeId;
/// assert_eq!(OfficeId::new(3).to_string(), "office#3");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OfficeId(u64);

impl OfficeId {
    /// Wraps a raw id, as read from storage.
    pub const fn new(raw: u64) -> Self {
        Self(raw)
    }
    /// The raw number, as written to storage.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Debug for OfficeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "office#{}", self.0)
    }
}

impl fmt::Display for OfficeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "office#{}", self.0)
    }
}

/// 职务 (post): 书记, 副书记 or 委员. All three are members of the
/// committee (委员会成员). [Branch 2018 Art. 20]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Post {
    /// 书记.
    Secretary,
    /// 副书记.
    DeputySecretary,
    /// 委员.
    Member,
}

impl Post {
    /// 中文名称.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Secretary => "书记",
            Self::DeputySecretary => "副书记",
            Self::Member => "委员",
        }
    }
}

/// 分工 (portfolio): what a committee member is responsible for. Open
/// ended: 组织, 宣传, 纪检 are the usual ones, any other short name is
/// accepted (1 to 20 characters, no control or invisible characters).
///
/// ```
/// use dangjian::office::Portfolio;
/// assert_eq!(Portfolio::discipline().as_str(), "纪检");
/// assert_eq!(Portfolio::new("青年")?.as_str(), "青年");
/// assert!(Portfolio::new("").is_err());
/// assert!(Portfolio::new("宣\u{200B}传").is_err());
/// # Ok::<(), dangjian::office::OfficeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Portfolio(String);

impl Portfolio {
    /// A portfolio named `name` (trimmed).
    ///
    /// # Errors
    /// [`OfficeError::BadPortfolio`] for an empty name, one longer than 20
    /// characters, or one with a control, zero-width or bidi character.
    pub fn new(name: &str) -> Result<Self, OfficeError> {
        let t = name.trim();
        if t.is_empty() || t.chars().count() > 20 || crate::text::has_hidden(t) {
            return Err(OfficeError::BadPortfolio(name.to_owned()));
        }
        Ok(Self(t.to_owned()))
    }
    /// 组织委员.
    pub fn organisation() -> Self {
        Self("组织".into())
    }
    /// 宣传委员.
    pub fn propaganda() -> Self {
        Self("宣传".into())
    }
    /// 纪检委员.
    pub fn discipline() -> Self {
        Self("纪检".into())
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Portfolio {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

/// 产生方式 (how the holder came to office).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Source {
    /// 选举产生: confirmed from this closed election.
    Elected {
        /// The election round.
        vote: VoteId,
    },
    /// 上级任命 (指派): appointed by the higher committee.
    Appointed {
        /// The appointing organisation (the parent).
        by: OrgId,
    },
}

/// 班子成员 (an office holder): one holding of one post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeHolder {
    pub(crate) id: OfficeId,
    pub(crate) holding: NewOfficeHolder,
    pub(crate) ended_on: Option<NaiveDate>,
}

impl OfficeHolder {
    /// The id.
    pub fn id(&self) -> OfficeId {
        self.id
    }
    /// The organisation.
    pub fn org(&self) -> OrgId {
        self.holding.org
    }
    /// The holder.
    pub fn member(&self) -> MemberId {
        self.holding.member
    }
    /// The post.
    pub fn post(&self) -> Post {
        self.holding.post
    }
    /// The portfolio (分工), if any.
    pub fn portfolio(&self) -> Option<&Portfolio> {
        self.holding.portfolio.as_ref()
    }
    /// How the holder came to office.
    pub fn source(&self) -> Source {
        self.holding.source
    }
    /// 任职日期: the first day.
    pub fn from(&self) -> NaiveDate {
        self.holding.from
    }
    /// 任期届满: the last day of the term.
    pub fn term_ends(&self) -> NaiveDate {
        self.holding.term_ends
    }
    /// 离任日期: the day the holding ended (the next body took office, a
    /// successor was appointed), or `None` while held.
    pub fn ended_on(&self) -> Option<NaiveDate> {
        self.ended_on
    }
    /// Whether the post is held on `date`: from the first day, until the
    /// day before it ended. A term that ran out without a new election is
    /// still held (the committee serves until the next one takes office)
    /// and reported as overdue ([`super::review`]).
    pub fn holds_on(&self, date: NaiveDate) -> bool {
        self.holding.from <= date && self.ended_on.is_none_or(|e| date < e)
    }
    /// The parts, for a store ([`OfficeHolder::from_parts`]).
    pub fn holding(&self) -> &NewOfficeHolder {
        &self.holding
    }
    /// A stored holding (for store implementations).
    pub fn from_parts(id: OfficeId, holding: NewOfficeHolder, ended_on: Option<NaiveDate>) -> Self {
        Self {
            id,
            holding,
            ended_on,
        }
    }
}

/// A holding to store ([`InstallOffices`]): everything but the id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewOfficeHolder {
    /// The organisation.
    pub org: OrgId,
    /// The holder.
    pub member: MemberId,
    /// The post.
    pub post: Post,
    /// 分工.
    pub portfolio: Option<Portfolio>,
    /// How the holder came to office.
    pub source: Source,
    /// 任职日期.
    pub from: NaiveDate,
    /// 任期届满.
    pub term_ends: NaiveDate,
}

impl NewOfficeHolder {
    /// A holding (for stores and tests; the service computes the term).
    pub fn new(
        org: OrgId,
        member: MemberId,
        post: Post,
        source: Source,
        from: NaiveDate,
        term_ends: NaiveDate,
    ) -> Self {
        Self {
            org,
            member,
            post,
            portfolio: None,
            source,
            from,
            term_ends,
        }
    }
    /// With a portfolio.
    pub fn portfolio(mut self, p: Portfolio) -> Self {
        self.portfolio = Some(p);
        self
    }
}

/// 换届或任命 (the one office-holder write): new holdings of one
/// organisation, and the current holdings they end on the new holders'
/// first day, in one atomic step. The store refuses it
/// ([`crate::store::StoreErrorKind::Conflict`]) when a holding to end has
/// ended already or is not of `org`, and
/// ([`crate::store::StoreErrorKind::Rejected`]) when an election's result
/// is confirmed a second time (one holding per vote and member).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InstallOffices {
    /// The organisation.
    pub org: OrgId,
    /// The holdings to add (all of `org`).
    pub holders: Vec<NewOfficeHolder>,
    /// The holdings that end, on `on`.
    pub ending: Vec<OfficeId>,
    /// The day the new holders take office and the ended ones leave.
    pub on: NaiveDate,
}

impl InstallOffices {
    /// Installs `holders` in `org` on `on`, ending `ending`.
    pub fn new(
        org: OrgId,
        on: NaiveDate,
        holders: Vec<NewOfficeHolder>,
        ending: Vec<OfficeId>,
    ) -> Self {
        Self {
            org,
            holders,
            ending,
            on,
        }
    }
}
