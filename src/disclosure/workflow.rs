//! 公开程序 (the workflow, Disclosure 2017 Art. 15): proposal, review
//! (保密审查 plus necessity and accuracy), approval (reported upward when
//! beyond the organisation's authority), publication, withdrawal.
//!
//! The classes are kept apart by the types: only a [`Disclosable`] item
//! has a [`Plan`] (scope and channels) and a [`Stage`]; a 不宜公开 item
//! holds its content and nothing to publish it with; a classified item
//! holds no content at all. The stage that publishes carries the review and
//! the approval it came through, so "published without a review" cannot be
//! built. `docs/RULES.md` DISC-2, DISC-3, DISC-7.

use super::item::{Content, Plan, Title};
use super::publicity::Publicity;
use super::{DisclosureError, ItemKind};
use crate::access::ActedBy;
use crate::office::Post;
use crate::{MemberId, OrgId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// 密级 (the class of an item): disclosable, not suitable for disclosure,
/// or classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Class {
    /// 可公开: may be published within an approved scope.
    Disclosable,
    /// 不宜公开: kept for the organisation's own use; never given a scope.
    NotSuitable,
    /// 涉密: the library keeps a placeholder only (title, class,
    /// organisation), never the content.
    Classified,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Disclosable => "disclosable",
            Self::NotSuitable => "not suitable for disclosure",
            Self::Classified => "classified",
        })
    }
}

/// 经办 (who acted and when), written with every step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stamp {
    /// Who acted (an officer's member id, or a job's name).
    pub by: Option<ActedBy>,
    /// When.
    pub at: DateTime<Utc>,
}

impl Stamp {
    /// `by` acting at `at`.
    pub fn new(by: Option<ActedBy>, at: DateTime<Utc>) -> Self {
        Self { by, at }
    }

    /// The day in China Standard Time.
    pub fn on(&self) -> NaiveDate {
        crate::clock::china_date(self.at)
    }
}

/// 保密审查结论: what the confidentiality review found about the secrecy
/// of the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Secrecy {
    /// 不涉密: nothing secret; the item may go on.
    Clear,
    /// 不宜公开: the item is kept for internal use and loses its plan.
    NotSuitable,
    /// 涉密: the content is dropped; a placeholder stays.
    Classified,
}

/// 审查意见: the three questions of the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    /// 保密审查.
    pub secrecy: Secrecy,
    /// 必要性: whether disclosure is needed.
    pub necessary: bool,
    /// 准确性: whether the content is accurate.
    pub accurate: bool,
}

impl Checks {
    /// Every check passed: clear, necessary and accurate.
    pub fn passed() -> Self {
        Self {
            secrecy: Secrecy::Clear,
            necessary: true,
            accurate: true,
        }
    }
}

/// 审查人: an office holder with a reviewer's post in the item's
/// organisation on the day. Built only by [`Official::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Official {
    /// The member.
    pub member: MemberId,
    /// The post held.
    pub post: Post,
    /// The organisation whose post it is.
    pub org: OrgId,
}

impl Official {
    /// The holding of `member` among `holdings` (the holdings of `org`)
    /// with one of `posts` on `on`.
    ///
    /// # Errors
    /// [`DisclosureError::NotAnOfficial`] when `member` holds none of
    /// `posts` in `org` on `on`.
    pub fn check(
        member: MemberId,
        org: OrgId,
        posts: &[Post],
        holdings: &[crate::office::OfficeHolder],
        on: NaiveDate,
    ) -> Result<Self, DisclosureError> {
        holdings
            .iter()
            .filter(|h| h.org() == org && h.member() == member && h.holds_on(on))
            .filter(|h| posts.contains(&h.post()))
            .map(|h| h.post())
            .min()
            .map(|post| Self { member, post, org })
            .ok_or(DisclosureError::NotAnOfficial {
                member,
                org,
                posts: posts.to_vec(),
            })
    }
}

/// 审查记录: who reviewed, what was found, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The reviewer.
    pub reviewer: Official,
    /// What was found.
    pub checks: Checks,
    /// The reviewer's note.
    #[serde(default)]
    pub note: Option<Content>,
    /// When.
    pub stamp: Stamp,
}

/// 审批记录: who approved, for which organisation, whether reported
/// upward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The approver.
    pub approver: Official,
    /// 报上级审批: approved by a higher organisation.
    pub upward: bool,
    /// When.
    pub stamp: Stamp,
}

/// 公开状态 (where a disclosable item stands). Each stage after the
/// proposal carries the records of the steps it came through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Stage {
    /// 提出: proposed, awaiting review.
    Proposed,
    /// 审查通过: reviewed, awaiting approval.
    Reviewed {
        /// The review.
        review: Review,
    },
    /// 审批通过: approved, awaiting publication.
    Approved {
        /// The review.
        review: Review,
        /// The approval.
        approval: Approval,
    },
    /// 已公开.
    Published {
        /// The review.
        review: Review,
        /// The approval.
        approval: Approval,
        /// Publication.
        published: Stamp,
    },
    /// 撤回: withdrawn (from any stage before or after publication).
    Withdrawn {
        /// The review, if it came that far.
        review: Option<Review>,
        /// The approval, if it came that far.
        approval: Option<Approval>,
        /// Publication, if it was published.
        published: Option<Stamp>,
        /// The withdrawal.
        withdrawn: Stamp,
        /// Why.
        reason: Content,
    },
    /// 不予公开: the review or the approval refused it.
    Refused {
        /// The review.
        review: Review,
        /// The approval refused, when the approver refused.
        #[serde(default)]
        refused_by: Option<Official>,
        /// When.
        stamp: Stamp,
        /// Why.
        reason: Content,
    },
}

impl Stage {
    /// The stage's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Reviewed { .. } => "reviewed",
            Self::Approved { .. } => "approved",
            Self::Published { .. } => "published",
            Self::Withdrawn { .. } => "withdrawn",
            Self::Refused { .. } => "refused",
        }
    }

    /// The review, once made.
    pub fn review(&self) -> Option<&Review> {
        match self {
            Self::Proposed => None,
            Self::Reviewed { review }
            | Self::Approved { review, .. }
            | Self::Published { review, .. }
            | Self::Refused { review, .. } => Some(review),
            Self::Withdrawn { review, .. } => review.as_ref(),
        }
    }

    /// The approval, once given.
    pub fn approval(&self) -> Option<&Approval> {
        match self {
            Self::Approved { approval, .. } | Self::Published { approval, .. } => Some(approval),
            Self::Withdrawn { approval, .. } => approval.as_ref(),
            _ => None,
        }
    }

    /// Publication, if published (and when withdrawn, if it had been).
    pub fn published(&self) -> Option<&Stamp> {
        match self {
            Self::Published { published, .. } => Some(published),
            Self::Withdrawn { published, .. } => published.as_ref(),
            _ => None,
        }
    }
}

/// 可公开事项: the content, the plan, the publicity part of a notice,
/// and the stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disclosable {
    pub(super) content: Content,
    pub(super) plan: Plan,
    #[serde(default)]
    pub(super) publicity: Option<Publicity>,
    /// 超出权限: approved by a higher organisation.
    #[serde(default)]
    pub(super) beyond_authority: bool,
    pub(super) stage: Stage,
}

impl Disclosable {
    /// The content.
    pub fn content(&self) -> &Content {
        &self.content
    }

    /// The plan: scope, channels and time.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The publicity part of a notice.
    pub fn publicity(&self) -> Option<&Publicity> {
        self.publicity.as_ref()
    }

    /// Whether the approval must come from a higher organisation.
    pub fn beyond_authority(&self) -> bool {
        self.beyond_authority
    }

    /// The stage.
    pub fn stage(&self) -> &Stage {
        &self.stage
    }
}

/// An item's body by class: only a disclosable item can ever be
/// published; a 不宜公开 item has content and no plan; a classified item
/// has neither.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "class", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Body {
    /// 可公开.
    Disclosable(Box<Disclosable>),
    /// 不宜公开: stored for the organisation's own use.
    NotSuitable {
        /// The content.
        content: Content,
        /// The review that found it so, when a review did.
        #[serde(default)]
        review: Option<Box<Review>>,
    },
    /// 涉密: a placeholder.
    Classified {
        /// The review that found it so, when a review did.
        #[serde(default)]
        review: Option<Box<Review>>,
    },
}

impl Body {
    /// The class.
    pub fn class(&self) -> Class {
        match self {
            Self::Disclosable(_) => Class::Disclosable,
            Self::NotSuitable { .. } => Class::NotSuitable,
            Self::Classified { .. } => Class::Classified,
        }
    }
}

/// 公开事项 (an item of the disclosure catalogue), as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    id: super::ItemId,
    org: OrgId,
    kind: ItemKind,
    title: Title,
    body: Body,
    proposed: Stamp,
    #[serde(default)]
    history: Vec<Step>,
    version: u64,
}

/// 经办记录: one step of an item's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What was done.
    pub action: Action,
    /// Who and when.
    pub stamp: Stamp,
}

/// What a [`Step`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Action {
    /// 提出.
    Proposed,
    /// 审查: with its findings.
    Reviewed {
        /// What was found.
        checks: Checks,
    },
    /// 审批通过.
    Approved {
        /// Reported upward.
        upward: bool,
    },
    /// 审批不同意.
    ApprovalRefused,
    /// 公开.
    Published,
    /// 延长公示期.
    Extended {
        /// The new last day.
        until: NaiveDate,
    },
    /// 撤回.
    Withdrawn,
    /// 收到异议.
    ObjectionRecorded {
        /// The objection's number.
        number: u32,
    },
    /// 异议处理.
    ObjectionResolved {
        /// The objection's number.
        number: u32,
        /// What was found.
        finding: super::Finding,
    },
}

impl Action {
    /// 中文名称 (提出, 审查, 审批 …), for a history shown to officers.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::Proposed => "提出",
            Self::Reviewed { .. } => "审查",
            Self::Approved { upward: false } => "审批",
            Self::Approved { upward: true } => "报上级审批",
            Self::ApprovalRefused => "审批不同意",
            Self::Published => "公开",
            Self::Extended { .. } => "延长公示期",
            Self::Withdrawn => "撤回",
            Self::ObjectionRecorded { .. } => "收到异议",
            Self::ObjectionResolved { .. } => "异议处理",
        }
    }
}

impl Item {
    pub(super) fn from_new(id: super::ItemId, new: super::NewItem) -> Self {
        let step = Step {
            action: Action::Proposed,
            stamp: new.proposed.clone(),
        };
        Self {
            id,
            org: new.org,
            kind: new.kind,
            title: new.title,
            body: new.body,
            proposed: new.proposed,
            history: vec![step],
            version: 1,
        }
    }

    /// The id.
    pub fn id(&self) -> super::ItemId {
        self.id
    }

    /// The organisation that discloses it.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// The kind.
    pub fn kind(&self) -> ItemKind {
        self.kind
    }

    /// The title.
    pub fn title(&self) -> &Title {
        &self.title
    }

    /// The class.
    pub fn class(&self) -> Class {
        self.body.class()
    }

    /// The body by class.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// The disclosable part; `None` for a 不宜公开 or classified item.
    pub fn disclosable(&self) -> Option<&Disclosable> {
        match &self.body {
            Body::Disclosable(d) => Some(d),
            _ => None,
        }
    }

    /// The content: `None` for a classified item, which has none.
    pub fn content(&self) -> Option<&Content> {
        match &self.body {
            Body::Disclosable(d) => Some(&d.content),
            Body::NotSuitable { content, .. } => Some(content),
            Body::Classified { .. } => None,
        }
    }

    /// The stage: `None` for a 不宜公开 or classified item.
    pub fn stage(&self) -> Option<&Stage> {
        self.disclosable().map(|d| &d.stage)
    }

    /// The proposal's stamp.
    pub fn proposed(&self) -> &Stamp {
        &self.proposed
    }

    /// Every step, oldest first (the proposal first).
    pub fn history(&self) -> &[Step] {
        &self.history
    }

    /// The stored version (bumped by every write).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The publication, when the item is published and not withdrawn.
    pub fn publication(&self) -> Option<(&Plan, &Stamp)> {
        match self.disclosable() {
            Some(Disclosable {
                plan,
                stage: Stage::Published { published, .. },
                ..
            }) => Some((plan, published)),
            _ => None,
        }
    }

    /// Whether the item is up on `on`: published, not withdrawn, and not
    /// past its last day.
    pub fn is_up_on(&self, on: NaiveDate) -> bool {
        self.publication().is_some_and(|(plan, published)| {
            published.on() <= on && plan.last_day().is_none_or(|l| on <= l)
        })
    }

    /// The version a store writes next (store use).
    pub fn bumped(mut self) -> Self {
        self.version = self.version.saturating_add(1);
        self
    }

    /// Rebuilds a stored item and checks it hangs together (a store
    /// reading its own document back): a published stage with a review
    /// that passed, a plan whose channels fit its scope (checked by
    /// [`Plan`]'s own form), a publicity notice of the right kind.
    ///
    /// # Errors
    /// [`DisclosureError::Inconsistent`] naming what does not hold.
    pub fn check_stored(self) -> Result<Self, DisclosureError> {
        let bad = |what: &'static str| Err(DisclosureError::Inconsistent(what));
        if self.history.first().map(|s| s.action) != Some(Action::Proposed) {
            return bad("the history does not start with the proposal");
        }
        if let Body::Disclosable(d) = &self.body {
            if let Some(r) = d.stage.review() {
                if r.checks != Checks::passed() && !matches!(d.stage, Stage::Refused { .. }) {
                    return bad("an item that failed its review went on");
                }
                if r.reviewer.org != self.org {
                    return bad("the reviewer is not of the item's organisation");
                }
            }
            if matches!(d.stage, Stage::Published { .. } | Stage::Approved { .. })
                && d.stage.review().is_none()
            {
                return bad("an approved item without a review");
            }
            if let Some(p) = &d.publicity {
                if p.purpose().kind() != self.kind {
                    return bad("a publicity notice filed under another kind");
                }
            }
        }
        Ok(self)
    }

    fn stamped(mut self, action: Action, stamp: Stamp) -> Self {
        self.history.push(Step { action, stamp });
        self
    }

    fn into_disclosable(self) -> Result<(Self, Box<Disclosable>), DisclosureError> {
        let class = self.class();
        let mut me = self;
        let placeholder = Body::Classified { review: None };
        match std::mem::replace(&mut me.body, placeholder) {
            Body::Disclosable(d) => Ok((me, d)),
            _ => Err(DisclosureError::NotDisclosable { class }),
        }
    }

    fn with(mut self, d: Box<Disclosable>) -> Self {
        self.body = Body::Disclosable(d);
        self
    }

    /// 审查: the review. A review that passes moves the item to
    /// [`Stage::Reviewed`]; one that finds it 不宜公开 keeps the content
    /// and drops the plan; one that finds it classified drops the content
    /// (a placeholder stays); one that finds it unnecessary or inaccurate
    /// refuses it.
    ///
    /// # Errors
    /// [`DisclosureError::WrongStage`] unless proposed;
    /// [`DisclosureError::NotDisclosable`] for a 不宜公开 or classified
    /// item; [`DisclosureError::NotAnOfficial`] for a reviewer of another
    /// organisation.
    pub fn review(
        self,
        reviewer: Official,
        checks: Checks,
        note: Option<Content>,
        stamp: Stamp,
    ) -> Result<Self, DisclosureError> {
        if reviewer.org != self.org {
            return Err(DisclosureError::NotAnOfficial {
                member: reviewer.member,
                org: self.org,
                posts: vec![reviewer.post],
            });
        }
        let (me, d) = self.into_disclosable()?;
        if d.stage != Stage::Proposed {
            return Err(DisclosureError::WrongStage {
                stage: d.stage.name(),
                wanted: "proposed",
            });
        }
        let review = Review {
            reviewer,
            checks,
            note,
            stamp: stamp.clone(),
        };
        let me = me.stamped(Action::Reviewed { checks }, stamp.clone());
        Ok(match checks.secrecy {
            Secrecy::Classified => Self {
                body: Body::Classified {
                    review: Some(Box::new(review)),
                },
                ..me
            },
            Secrecy::NotSuitable => Self {
                body: Body::NotSuitable {
                    content: d.content,
                    review: Some(Box::new(review)),
                },
                ..me
            },
            Secrecy::Clear if checks.necessary && checks.accurate => {
                me.with(Box::new(Disclosable {
                    stage: Stage::Reviewed { review },
                    ..*d
                }))
            }
            Secrecy::Clear => {
                let reason = if checks.necessary {
                    "审查认为内容不准确"
                } else {
                    "审查认为没有公开的必要"
                };
                let reason = review
                    .note
                    .clone()
                    .map_or_else(|| Content::new(reason), Ok)?;
                me.with(Box::new(Disclosable {
                    stage: Stage::Refused {
                        review,
                        refused_by: None,
                        stamp,
                        reason,
                    },
                    ..*d
                }))
            }
        })
    }

    /// A reviewed item, with its review, that `approver` may decide on at
    /// this level: from above (`upward`) exactly when the item is beyond
    /// the organisation's authority, and then by another organisation.
    fn for_approval(
        self,
        approver: &Official,
        upward: bool,
    ) -> Result<(Self, Box<Disclosable>, Review), DisclosureError> {
        let (me, d) = self.into_disclosable()?;
        let Stage::Reviewed { review } = d.stage.clone() else {
            return Err(DisclosureError::WrongStage {
                stage: d.stage.name(),
                wanted: "reviewed",
            });
        };
        let own = approver.org == me.org;
        if d.beyond_authority != upward || own == upward {
            return Err(DisclosureError::ApprovalFromWrongLevel {
                beyond_authority: d.beyond_authority,
            });
        }
        Ok((me, d, review))
    }

    /// 审批: the approval by `approver`, an official of the item's
    /// organisation, or of a higher one when the item is beyond the
    /// organisation's authority (`upward`, checked by the caller against
    /// the tree).
    ///
    /// # Errors
    /// [`DisclosureError::WrongStage`] unless reviewed;
    /// [`DisclosureError::NotDisclosable`];
    /// [`DisclosureError::ApprovalFromWrongLevel`] when an item beyond the
    /// organisation's authority is approved by its own organisation, or
    /// one within it by another.
    pub fn approve(
        self,
        approver: Official,
        upward: bool,
        stamp: Stamp,
    ) -> Result<Self, DisclosureError> {
        let (me, d, review) = self.for_approval(&approver, upward)?;
        let approval = Approval {
            approver,
            upward,
            stamp: stamp.clone(),
        };
        let me = me.stamped(Action::Approved { upward }, stamp);
        Ok(me.with(Box::new(Disclosable {
            stage: Stage::Approved { review, approval },
            ..*d
        })))
    }

    /// 审批不同意: the approver refuses, with the reason.
    ///
    /// # Errors
    /// As [`Item::approve`].
    pub fn refuse(
        self,
        approver: Official,
        upward: bool,
        reason: Content,
        stamp: Stamp,
    ) -> Result<Self, DisclosureError> {
        let (me, d, review) = self.for_approval(&approver, upward)?;
        let me = me.stamped(Action::ApprovalRefused, stamp.clone());
        Ok(me.with(Box::new(Disclosable {
            stage: Stage::Refused {
                review,
                refused_by: Some(approver),
                stamp,
                reason,
            },
            ..*d
        })))
    }

    /// 公开: publishes an approved item. A publicity notice is posted from
    /// the day of publication to its plan's last day (or `until`, which
    /// may only lengthen it); the range must satisfy `rule`.
    ///
    /// # Errors
    /// [`DisclosureError::WrongStage`] unless approved (so never without a
    /// review and an approval); [`DisclosureError::NotDisclosable`];
    /// [`DisclosureError::PublishedBeforeApproval`];
    /// [`DisclosureError::PeriodTooShort`] and the other range errors of
    /// [`super::PublicityRule::check_range`]; [`DisclosureError::NoRule`]
    /// when a notice is published without its rule.
    pub fn publish(
        self,
        until: Option<NaiveDate>,
        rule: Option<(&super::PublicityRule, &crate::period::WorkCalendar)>,
        stamp: Stamp,
    ) -> Result<Self, DisclosureError> {
        let (me, d) = self.into_disclosable()?;
        let Stage::Approved { review, approval } = d.stage else {
            return Err(DisclosureError::WrongStage {
                stage: d.stage.name(),
                wanted: "approved",
            });
        };
        let on = stamp.on();
        if on < approval.stamp.on() {
            return Err(DisclosureError::PublishedBeforeApproval {
                approved_on: approval.stamp.on(),
                on,
            });
        }
        let mut plan = d.plan.clone();
        if let Some(u) = until {
            plan = plan.extended_to(u);
        }
        let lengthened = plan.last_day() != d.plan.last_day();
        if let Some(p) = &d.publicity {
            let last = plan.last_day().ok_or(DisclosureError::NoLastDay {
                purpose: p.purpose(),
            })?;
            let (rule, cal) = rule.ok_or(DisclosureError::NoRule {
                purpose: p.purpose(),
                posted_on: on,
            })?;
            rule.check_range(on, last, cal)?;
        }
        let me = match plan.last_day() {
            Some(until) if lengthened => me.stamped(Action::Extended { until }, stamp.clone()),
            _ => me,
        };
        let me = me.stamped(Action::Published, stamp.clone());
        Ok(me.with(Box::new(Disclosable {
            plan,
            stage: Stage::Published {
                review,
                approval,
                published: stamp,
            },
            ..*d
        })))
    }

    /// 撤回: withdraws the item at any stage before it is refused or
    /// withdrawn, with the reason.
    ///
    /// # Errors
    /// [`DisclosureError::WrongStage`] for a refused or withdrawn item;
    /// [`DisclosureError::NotDisclosable`].
    pub fn withdraw(self, reason: Content, stamp: Stamp) -> Result<Self, DisclosureError> {
        let (me, d) = self.into_disclosable()?;
        let (review, approval, published) = match d.stage {
            Stage::Proposed => (None, None, None),
            Stage::Reviewed { review } => (Some(review), None, None),
            Stage::Approved { review, approval } => (Some(review), Some(approval), None),
            Stage::Published {
                review,
                approval,
                published,
            } => (Some(review), Some(approval), Some(published)),
            other => {
                return Err(DisclosureError::WrongStage {
                    stage: other.name(),
                    wanted: "proposed, reviewed, approved or published",
                });
            }
        };
        let me = me.stamped(Action::Withdrawn, stamp.clone());
        Ok(me.with(Box::new(Disclosable {
            stage: Stage::Withdrawn {
                review,
                approval,
                published,
                withdrawn: stamp,
                reason,
            },
            ..*d
        })))
    }

    /// 收到异议: records an objection received on `received_on`, which must
    /// fall within the notice's period as posted.
    ///
    /// # Errors
    /// [`DisclosureError::NotANotice`] for an item without a publicity
    /// part; [`DisclosureError::WrongStage`] unless published;
    /// [`DisclosureError::ObjectionOutsidePeriod`].
    pub fn record_objection(
        self,
        received_on: NaiveDate,
        summary: Content,
        stamp: Stamp,
    ) -> Result<Self, DisclosureError> {
        let (me, mut d) = self.into_disclosable()?;
        let Stage::Published { published, .. } = &d.stage else {
            return Err(DisclosureError::WrongStage {
                stage: d.stage.name(),
                wanted: "published",
            });
        };
        let from = published.on();
        let to = d.plan.last_day().unwrap_or(from);
        if received_on < from || received_on > to {
            return Err(DisclosureError::ObjectionOutsidePeriod {
                received_on,
                from,
                to,
            });
        }
        let p = d.publicity.as_mut().ok_or(DisclosureError::NotANotice)?;
        let number = p.next_number();
        p.push(super::Objection {
            number,
            received_on,
            summary,
            recorded_by: stamp.by.clone(),
            recorded_at: stamp.at,
            resolution: None,
        });
        Ok(me
            .stamped(Action::ObjectionRecorded { number }, stamp)
            .with(d))
    }

    /// 异议处理: resolves objection `number`.
    ///
    /// # Errors
    /// [`DisclosureError::NotANotice`]; [`DisclosureError::UnknownObjection`];
    /// [`DisclosureError::ObjectionResolved`] for one resolved already.
    pub fn resolve_objection(
        self,
        number: u32,
        finding: super::Finding,
        note: Content,
        stamp: Stamp,
    ) -> Result<Self, DisclosureError> {
        let (me, mut d) = self.into_disclosable()?;
        let p = d.publicity.as_mut().ok_or(DisclosureError::NotANotice)?;
        let o = p
            .objection_mut(number)
            .ok_or(DisclosureError::UnknownObjection { number })?;
        if o.resolution.is_some() {
            return Err(DisclosureError::ObjectionResolved { number });
        }
        o.resolution = Some(super::Resolution {
            finding,
            note,
            by: stamp.by.clone(),
            at: stamp.at,
        });
        Ok(me
            .stamped(Action::ObjectionResolved { number, finding }, stamp)
            .with(d))
    }

    /// 下一步: whether the step a notice holds up (the admission vote,
    /// the admission, the appointment) may be taken on `on`: the notice is
    /// published, its period as posted has ended (the step comes the day
    /// after the last day at the earliest), no objection is open and none
    /// was upheld.
    ///
    /// # Errors
    /// [`DisclosureError::NotANotice`]; [`DisclosureError::NoticeNotUp`]
    /// for a notice not published or withdrawn;
    /// [`DisclosureError::PeriodRunning`]; [`DisclosureError::ObjectionsOpen`];
    /// [`DisclosureError::ObjectionUpheld`].
    pub fn check_next_step(&self, on: NaiveDate) -> Result<(), DisclosureError> {
        let d = self.disclosable().ok_or(DisclosureError::NotANotice)?;
        let p = d.publicity.as_ref().ok_or(DisclosureError::NotANotice)?;
        let (plan, published) = self.publication().ok_or(DisclosureError::NoticeNotUp {
            item: self.id,
            stage: d.stage.name(),
        })?;
        let last = plan.last_day().unwrap_or(published.on());
        if on <= last {
            return Err(DisclosureError::PeriodRunning {
                item: self.id,
                last_day: last,
                next_step_from: last.succ_opt().unwrap_or(last),
            });
        }
        if p.upheld() {
            return Err(DisclosureError::ObjectionUpheld { item: self.id });
        }
        let open = p.open_objections();
        if open > 0 {
            return Err(DisclosureError::ObjectionsOpen {
                item: self.id,
                open,
            });
        }
        Ok(())
    }
}
