//! 班子成员请求 (office-holder requests): one request type per write of
//! [`crate::service::OfficesHandle`].

use super::{Portfolio, Post};
use crate::election::VoteId;
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// 确认选举结果 (confirm a closed election's result into office holders).
/// Every elected candidate takes office; the ones not named with
/// [`ConfirmElection::post`] as 委员 (a secretary election: as 书记). The
/// first day is the election day unless [`ConfirmElection::from`] says
/// otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfirmElection {
    /// The closed election round.
    pub vote: VoteId,
    /// 分工: the post (and portfolio) of named elected members.
    pub posts: BTreeMap<MemberId, (Post, Option<Portfolio>)>,
    /// 任职日期, if not the election day.
    pub from: Option<NaiveDate>,
}

impl ConfirmElection {
    /// Confirms the result of `vote`.
    pub fn new(vote: VoteId) -> Self {
        Self {
            vote,
            posts: BTreeMap::new(),
            from: None,
        }
    }
    /// Gives elected `member` the post `post` (书记, 副书记 as chosen by
    /// the committee's first meeting, or 委员 with a portfolio).
    pub fn post(mut self, member: MemberId, post: Post, portfolio: Option<Portfolio>) -> Self {
        self.posts.insert(member, (post, portfolio));
        self
    }
    /// The first day in office (default: the election day).
    pub fn from(mut self, date: NaiveDate) -> Self {
        self.from = Some(date);
        self
    }
}

/// 任命 (an appointment by the higher committee): `member` holds `post`
/// in `org` from today (or [`Appoint::from`]), ending the current holding
/// of a secretary when `post` is 书记.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Appoint {
    /// The organisation.
    pub org: OrgId,
    /// The appointee.
    pub member: MemberId,
    /// The post.
    pub post: Post,
    /// 分工.
    pub portfolio: Option<Portfolio>,
    /// 任职日期, if not today.
    pub from: Option<NaiveDate>,
}

impl Appoint {
    /// Appoints `member` to `post` in `org`.
    pub fn new(org: OrgId, member: MemberId, post: Post) -> Self {
        Self {
            org,
            member,
            post,
            portfolio: None,
            from: None,
        }
    }
    /// With a portfolio.
    pub fn portfolio(mut self, p: Portfolio) -> Self {
        self.portfolio = Some(p);
        self
    }
    /// The first day in office (default: today).
    pub fn from(mut self, date: NaiveDate) -> Self {
        self.from = Some(date);
        self
    }
}
