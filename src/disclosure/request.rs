//! 党务公开请求: one request type per write of
//! [`crate::service::DisclosureHandle`].

use super::item::{Content, Plan, Reach, Scope, Title};
use super::publicity::{Finding, Publicity, PublicityRule};
use super::workflow::{Body, Checks, Class, Disclosable, Stage, Stamp};
use super::{ApplicationId, Decision, DisclosureError, ItemId, ItemKind};
use crate::OrgId;
use crate::period::WorkCalendar;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a proposal holds, by class.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Proposal {
    Disclosable {
        content: Content,
        plan: Plan,
        publicity: Option<Publicity>,
        beyond_authority: bool,
    },
    NotSuitable {
        content: Content,
    },
    Classified,
}

/// 提出公开 (a proposal: content, scope, time and form, Disclosure 2017
/// Art. 15), for [`crate::service::DisclosureHandle::propose`].
///
/// A classified item is proposed with [`Propose::classified`], which takes
/// no content, scope or channel: there is nowhere to put them.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::disclosure::{Content, ItemKind, Plan, Propose, Reach, Scope, Title};
/// use dangjian::OrgId;
/// let on = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
/// let plan = Plan::new(Scope::OwnOrganisation, [Reach::BranchMeeting], on)?;
/// let req = Propose::disclosable(OrgId::new(2), ItemKind::Dues, Title::new("一季度党费收缴")?,
///     Content::new("应收 12 人，实收 12 人。")?, plan);
/// let secret = Propose::classified(OrgId::new(2), ItemKind::Other, Title::new("某事项")?);
/// # let _ = (req, secret);
/// # Ok::<(), dangjian::disclosure::DisclosureError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Propose {
    /// The organisation disclosing it.
    pub org: OrgId,
    /// The kind.
    pub kind: ItemKind,
    /// The title.
    pub title: Title,
    proposal: Proposal,
}

impl Propose {
    /// A disclosable item with its plan.
    pub fn disclosable(
        org: OrgId,
        kind: ItemKind,
        title: Title,
        content: Content,
        plan: Plan,
    ) -> Self {
        Self {
            org,
            kind,
            title,
            proposal: Proposal::Disclosable {
                content,
                plan,
                publicity: None,
                beyond_authority: false,
            },
        }
    }

    /// A 不宜公开 item, stored for the organisation's own use.
    pub fn not_suitable(org: OrgId, kind: ItemKind, title: Title, content: Content) -> Self {
        Self {
            org,
            kind,
            title,
            proposal: Proposal::NotSuitable { content },
        }
    }

    /// A classified item: a placeholder of title, class and organisation.
    pub fn classified(org: OrgId, kind: ItemKind, title: Title) -> Self {
        Self {
            org,
            kind,
            title,
            proposal: Proposal::Classified,
        }
    }

    /// Makes a disclosable item a publicity notice (公示). The plan's last
    /// day is the last day of the period as posted. No effect on another
    /// class (which [`ProposalForm`] refuses).
    pub fn notice(mut self, publicity: Publicity) -> Self {
        if let Proposal::Disclosable { publicity: p, .. } = &mut self.proposal {
            *p = Some(publicity);
        }
        self
    }

    /// 超出权限: the approval must come from a higher organisation.
    pub fn beyond_authority(mut self) -> Self {
        if let Proposal::Disclosable {
            beyond_authority, ..
        } = &mut self.proposal
        {
            *beyond_authority = true;
        }
        self
    }

    /// The class proposed.
    pub fn class(&self) -> Class {
        match self.proposal {
            Proposal::Disclosable { .. } => Class::Disclosable,
            Proposal::NotSuitable { .. } => Class::NotSuitable,
            Proposal::Classified => Class::Classified,
        }
    }

    /// The publicity part, when the proposal is a notice.
    pub fn publicity(&self) -> Option<&Publicity> {
        match &self.proposal {
            Proposal::Disclosable { publicity, .. } => publicity.as_ref(),
            _ => None,
        }
    }

    /// The plan, for a disclosable item.
    pub fn plan(&self) -> Option<&Plan> {
        match &self.proposal {
            Proposal::Disclosable { plan, .. } => Some(plan),
            _ => None,
        }
    }
}

/// 公开事项表单 (a proposal as an integrator's form sends it): every field
/// optional, checked by class when turned into a [`Propose`]. A classified
/// item with content, a scope or a channel, and a 不宜公开 item with a
/// scope or a channel, are refused here with a typed error.
///
/// ```
/// use dangjian::disclosure::{DisclosureError, Propose, ProposalForm};
/// let form: ProposalForm = serde_json::from_str(r#"{
///     "org": 2, "kind": "other", "title": "某事项", "class": "classified",
///     "content": "具体内容", "scope": {"type": "society"}
/// }"#).unwrap();
/// assert_eq!(Propose::try_from(form).unwrap_err(), DisclosureError::ClassifiedWithContent);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalForm {
    /// The organisation.
    pub org: OrgId,
    /// The kind.
    pub kind: ItemKind,
    /// The title.
    pub title: String,
    /// The class.
    pub class: Class,
    /// The content.
    #[serde(default)]
    pub content: Option<String>,
    /// The scope.
    #[serde(default)]
    pub scope: Option<Scope>,
    /// The channels.
    #[serde(default)]
    pub channels: Vec<Reach>,
    /// The day to go out.
    #[serde(default)]
    pub publish_on: Option<NaiveDate>,
    /// The last day it stays up.
    #[serde(default)]
    pub until: Option<NaiveDate>,
    /// Beyond the organisation's authority.
    #[serde(default)]
    pub beyond_authority: bool,
    /// The publicity part.
    #[serde(default)]
    pub notice: Option<Publicity>,
}

impl TryFrom<ProposalForm> for Propose {
    type Error = DisclosureError;
    fn try_from(f: ProposalForm) -> Result<Self, Self::Error> {
        let title = Title::new(&f.title)?;
        let non_disclosable = |class| {
            if f.scope.is_some() {
                return Err(DisclosureError::ScopeForNonDisclosable { class });
            }
            if !f.channels.is_empty() || f.publish_on.is_some() || f.until.is_some() {
                return Err(DisclosureError::ChannelForNonDisclosable { class });
            }
            if f.notice.is_some() || f.beyond_authority {
                return Err(DisclosureError::ScopeForNonDisclosable { class });
            }
            Ok(())
        };
        match f.class {
            Class::Classified => {
                if f.content.is_some() {
                    return Err(DisclosureError::ClassifiedWithContent);
                }
                non_disclosable(Class::Classified)?;
                Ok(Self::classified(f.org, f.kind, title))
            }
            Class::NotSuitable => {
                non_disclosable(Class::NotSuitable)?;
                let content = f
                    .content
                    .as_deref()
                    .ok_or(DisclosureError::Incomplete("content"))?;
                Ok(Self::not_suitable(
                    f.org,
                    f.kind,
                    title,
                    Content::new(content)?,
                ))
            }
            Class::Disclosable => {
                let content = f
                    .content
                    .as_deref()
                    .ok_or(DisclosureError::Incomplete("content"))?;
                let scope = f.scope.ok_or(DisclosureError::Incomplete("a scope"))?;
                let on = f
                    .publish_on
                    .ok_or(DisclosureError::Incomplete("the day to publish"))?;
                let mut plan = Plan::new(scope, f.channels, on)?;
                if let Some(u) = f.until {
                    plan = plan.until(u)?;
                }
                let mut req = Self::disclosable(f.org, f.kind, title, Content::new(content)?, plan);
                if let Some(n) = f.notice {
                    req = req.notice(n);
                }
                if f.beyond_authority {
                    req = req.beyond_authority();
                }
                Ok(req)
            }
        }
    }
}

/// An item before the store gives it an id: a checked proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    pub(super) org: OrgId,
    pub(super) kind: ItemKind,
    pub(super) title: Title,
    pub(super) body: Body,
    pub(super) proposed: Stamp,
}

impl NewItem {
    /// Checks a proposal: a notice is filed under its purpose's kind and
    /// has a last day; its range as planned satisfies `rule` on
    /// `calendar`, when given.
    ///
    /// # Errors
    /// [`DisclosureError::NoticeOfWrongKind`], [`DisclosureError::NoLastDay`],
    /// the range errors of [`PublicityRule::check_range`].
    pub fn propose(
        req: Propose,
        stamp: Stamp,
        rule: Option<(&PublicityRule, &WorkCalendar)>,
    ) -> Result<Self, DisclosureError> {
        let body = match req.proposal {
            Proposal::Classified => Body::Classified { review: None },
            Proposal::NotSuitable { content } => Body::NotSuitable {
                content,
                review: None,
            },
            Proposal::Disclosable {
                content,
                plan,
                publicity,
                beyond_authority,
            } => {
                if let Some(p) = &publicity {
                    let purpose = p.purpose();
                    if purpose.kind() != req.kind {
                        return Err(DisclosureError::NoticeOfWrongKind {
                            purpose,
                            kind: purpose.kind().label_zh(),
                        });
                    }
                    let last = plan
                        .last_day()
                        .ok_or(DisclosureError::NoLastDay { purpose })?;
                    if let Some((rule, cal)) = rule {
                        rule.check_range(plan.publish_on(), last, cal)?;
                    }
                }
                Body::Disclosable(Box::new(Disclosable {
                    content,
                    plan,
                    publicity,
                    beyond_authority,
                    stage: Stage::Proposed,
                }))
            }
        };
        Ok(Self {
            org: req.org,
            kind: req.kind,
            title: req.title,
            body,
            proposed: stamp,
        })
    }

    /// The organisation.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// The body.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// The stored item with `id` (store use).
    pub fn into_item(self, id: ItemId) -> super::Item {
        super::Item::from_new(id, self)
    }
}

/// 审查 (the review of an item), for
/// [`crate::service::DisclosureHandle::review`]. The reviewer is the
/// actor, who must hold a reviewer's post in the item's organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReviewItem {
    /// The item.
    pub item: ItemId,
    /// What the review found.
    pub checks: Checks,
    /// The reviewer's note.
    pub note: Option<Content>,
}

impl ReviewItem {
    /// The review of `item` with its findings.
    pub fn new(item: ItemId, checks: Checks) -> Self {
        Self {
            item,
            checks,
            note: None,
        }
    }

    /// A note (for a refusal, its reason).
    pub fn note(mut self, note: Content) -> Self {
        self.note = Some(note);
        self
    }
}

/// 审批 (the approval, or a refusal with its reason), for
/// [`crate::service::DisclosureHandle::approve`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Approve {
    /// The item.
    pub item: ItemId,
    /// A refusal's reason; `None` approves.
    pub refusal: Option<Content>,
}

impl Approve {
    /// Approves `item`.
    pub fn new(item: ItemId) -> Self {
        Self {
            item,
            refusal: None,
        }
    }

    /// Refuses it instead, for `reason`.
    pub fn refuse(mut self, reason: Content) -> Self {
        self.refusal = Some(reason);
        self
    }
}

/// 公开 (publish an approved item), for
/// [`crate::service::DisclosureHandle::publish`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Publish {
    /// The item.
    pub item: ItemId,
    /// A later last day (a notice published later than planned may
    /// lengthen its period; never shorten it).
    pub until: Option<NaiveDate>,
}

impl Publish {
    /// Publishes `item` today.
    pub fn new(item: ItemId) -> Self {
        Self { item, until: None }
    }

    /// Keeps it up to `last_day`.
    pub fn until(mut self, last_day: NaiveDate) -> Self {
        self.until = Some(last_day);
        self
    }
}

/// 撤回, for [`crate::service::DisclosureHandle::withdraw`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Withdraw {
    /// The item.
    pub item: ItemId,
    /// Why.
    pub reason: Content,
}

impl Withdraw {
    /// Withdraws `item` for `reason`.
    pub fn new(item: ItemId, reason: Content) -> Self {
        Self { item, reason }
    }
}

/// 收到异议, for [`crate::service::DisclosureHandle::object`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordObjection {
    /// The notice.
    pub item: ItemId,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// What it says.
    pub summary: Content,
}

impl RecordObjection {
    /// An objection to `item` received on `received_on`.
    pub fn new(item: ItemId, received_on: NaiveDate, summary: Content) -> Self {
        Self {
            item,
            received_on,
            summary,
        }
    }
}

/// 异议处理, for [`crate::service::DisclosureHandle::resolve_objection`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResolveObjection {
    /// The notice.
    pub item: ItemId,
    /// The objection's number.
    pub number: u32,
    /// What was found.
    pub finding: Finding,
    /// The reasons.
    pub note: Content,
}

impl ResolveObjection {
    /// Resolves objection `number` of `item`.
    pub fn new(item: ItemId, number: u32, finding: Finding, note: Content) -> Self {
        Self {
            item,
            number,
            finding,
            note,
        }
    }
}

/// 依申请公开 (a member asks `org` to disclose something), for
/// [`crate::service::DisclosureHandle::apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Apply {
    /// The organisation asked: the applicant's own or one above it.
    pub org: OrgId,
    /// What is asked for.
    pub about: Content,
}

impl Apply {
    /// An application to `org` about `about`.
    pub fn new(org: OrgId, about: Content) -> Self {
        Self { org, about }
    }
}

/// 延期答复, for [`crate::service::DisclosureHandle::extend`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExtendApplication {
    /// The application.
    pub application: ApplicationId,
    /// Why.
    pub reason: Content,
}

impl ExtendApplication {
    /// Extends `application` for `reason`.
    pub fn new(application: ApplicationId, reason: Content) -> Self {
        Self {
            application,
            reason,
        }
    }
}

/// 答复, for [`crate::service::DisclosureHandle::decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecideApplication {
    /// The application.
    pub application: ApplicationId,
    /// The decision.
    pub decision: Decision,
}

impl DecideApplication {
    /// Decides `application`.
    pub fn new(application: ApplicationId, decision: Decision) -> Self {
        Self {
            application,
            decision,
        }
    }
}
