//! 变动申请与记录 (requests and records): what a caller asks for, what an
//! imported paper record says, and what the history keeps.

use super::error::TransitionError;
use super::import::{ImportDetails, ImportOverride, distinct};
use super::introducer::Introducer;
use super::stage::{ExitReason, Stage, TransitionKind};
use crate::MemberId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 集中培训 (concentrated training) a development target received before
/// admission: enough when either the days or the class hours reach the
/// minimum. [Development 2014 Art. 17]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Training {
    /// 培训天数: days of training.
    pub days: u32,
    /// 培训学时: class hours of training.
    pub class_hours: u32,
}

/// 发展程序中的一步 (a transition request), with the dates the paper record
/// bears. Checked by [`Lifecycle::apply`](super::Lifecycle::apply) against
/// the rules in force on [`TransitionRequest::date`]. [Development 2014]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::lifecycle::{TransitionKind, TransitionRequest};
/// let on = NaiveDate::from_ymd_opt(2017, 8, 9).unwrap();
/// let req = TransitionRequest::BecomeActivist { on };
/// assert_eq!(req.date(), on);
/// assert_eq!(req.kind(), TransitionKind::BecomeActivist);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransitionRequest {
    /// 确定为入党积极分子: an applicant becomes an activist on `on`.
    /// [Development 2014 Art. 13; `docs/RULES.md` DEV-4]
    BecomeActivist {
        /// The date of the decision.
        on: NaiveDate,
    },
    /// 列为发展对象: an activist of at least a year is listed, with two
    /// full members as introducers. [Development 2014 Art. 13–14]
    BecomeDevelopmentTarget {
        /// The date of the listing.
        on: NaiveDate,
        /// 入党介绍人: two distinct full members, neither the subject.
        introducers: [MemberId; 2],
    },
    /// 接收为预备党员: the branch assembly's admission resolution and the
    /// higher committee's approval. Dated `approved_on`.
    /// [Development 2014 Art. 17, 20–21; `docs/RULES.md` DEV-6 …
    /// DEV-10]
    Admit {
        /// 支部大会决议日: the branch assembly resolution; probation runs
        /// from this day. [Charter Art. 7]
        resolution_on: NaiveDate,
        /// 上级党委审批日: the higher committee's approval.
        approved_on: NaiveDate,
        /// 特殊情况: the approval may take the longer, special-case limit.
        special_case: bool,
        /// 政治审查: the date the political review concluded.
        political_review_on: NaiveDate,
        /// 集中培训: the training received.
        training: Training,
        /// 公示: the day the public notice was posted.
        notice_posted_on: NaiveDate,
    },
    /// 延长预备期: the probation is extended once by `months`.
    /// [Development 2014 Art. 32]
    ExtendProbation {
        /// The date of the decision.
        on: NaiveDate,
        /// The extension in months.
        months: u32,
    },
    /// 转为正式党员: the branch assembly converts a probationary member.
    /// [Charter Art. 7; Development 2014 Art. 32]
    Convert {
        /// The date of the branch assembly.
        on: NaiveDate,
    },
    /// 离开: the person leaves, for `reason`.
    Exit {
        /// The date of leaving.
        on: NaiveDate,
        /// Why.
        reason: ExitReason,
    },
}

impl TransitionRequest {
    /// 变动日期: the date the transition takes effect (for an admission,
    /// the approval date).
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::BecomeActivist { on }
            | Self::BecomeDevelopmentTarget { on, .. }
            | Self::ExtendProbation { on, .. }
            | Self::Convert { on }
            | Self::Exit { on, .. } => *on,
            Self::Admit { approved_on, .. } => *approved_on,
        }
    }

    /// 变动种类: what the request asks for.
    pub fn kind(&self) -> TransitionKind {
        match self {
            Self::BecomeActivist { .. } => TransitionKind::BecomeActivist,
            Self::BecomeDevelopmentTarget { .. } => TransitionKind::BecomeDevelopmentTarget,
            Self::Admit { .. } => TransitionKind::Admit,
            Self::ExtendProbation { .. } => TransitionKind::ExtendProbation,
            Self::Convert { .. } => TransitionKind::Convert,
            Self::Exit { reason, .. } => TransitionKind::Exit(*reason),
        }
    }
}

/// 存量档案 (imported stage): a person brought in from paper records at the
/// stage they have reached. On import the dates must be in order, not after
/// today and not before birth, and the rule figures the record shows are
/// checked as the live path checks them: the age at application, the
/// probation length and its one extension, the activist period and the
/// introducers (see [`Lifecycle::import_with`](super::Lifecycle::import_with),
/// and [`ImportDetails`] for the earlier steps' dates). [Development 2014;
/// Charter Art. 1, 7; `docs/RULES.md` DEV-1, DEV-2, DEV-10]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum ImportedStage {
    /// 入党申请人 since `applied_on`.
    Applicant {
        /// The application date.
        applied_on: NaiveDate,
    },
    /// 入党积极分子 since `since`.
    Activist {
        /// The date of becoming an activist.
        since: NaiveDate,
    },
    /// 发展对象 since `since`, with its introducers.
    DevelopmentTarget {
        /// The date of the listing.
        since: NaiveDate,
        /// 入党介绍人: two distinct people, neither the subject; those on
        /// the platform full members on `since`.
        introducers: [Introducer; 2],
    },
    /// 预备党员 from the admission resolution on `resolution_on`.
    Probationary {
        /// 支部大会决议日: the probation start (入党时间).
        resolution_on: NaiveDate,
        /// 预备期满日: `None` for the standard probation under the rules in
        /// force on `resolution_on`; when given, it must be that standard
        /// end, or with `extended` the standard end plus one extension of
        /// the allowed months.
        probation_end: Option<NaiveDate>,
        /// 已延长: whether the one extension has been used.
        extended: bool,
    },
    /// 正式党员 since `full_since`.
    Full {
        /// 入党时间: the admission resolution date.
        joined_on: NaiveDate,
        /// 转正时间: the end of the probation (党龄 counts from here): the
        /// standard probation after `joined_on`, or one extension more when
        /// [`ImportDetails::probation_extended`] says so.
        full_since: NaiveDate,
    },
}

impl ImportedStage {
    /// 正式党员: admitted on `joined_on`, full member since `full_since`.
    pub fn full(joined_on: NaiveDate, full_since: NaiveDate) -> Self {
        Self::Full {
            joined_on,
            full_since,
        }
    }

    /// 预备党员 since the admission resolution of `resolution_on`, on the
    /// standard probation, not extended.
    pub fn probationary(resolution_on: NaiveDate) -> Self {
        Self::Probationary {
            resolution_on,
            probation_end: None,
            extended: false,
        }
    }

    /// 阶段: the stage the import lands in.
    pub fn stage(&self) -> Stage {
        match self {
            Self::Applicant { .. } => Stage::Applicant,
            Self::Activist { .. } => Stage::Activist,
            Self::DevelopmentTarget { .. } => Stage::DevelopmentTarget,
            Self::Probationary { .. } => Stage::Probationary,
            Self::Full { .. } => Stage::Full,
        }
    }

    /// 起始日: the date the imported stage began (the record's date).
    pub fn entered_on(&self) -> NaiveDate {
        match self {
            Self::Applicant { applied_on } => *applied_on,
            Self::Activist { since } | Self::DevelopmentTarget { since, .. } => *since,
            Self::Probationary { resolution_on, .. } => *resolution_on,
            Self::Full { full_since, .. } => *full_since,
        }
    }

    /// 入党介绍人: a development target's introducers.
    pub fn introducers(&self) -> Option<&[Introducer; 2]> {
        match self {
            Self::DevelopmentTarget { introducers, .. } => Some(introducers),
            _ => None,
        }
    }

    /// 最早日期: the earliest date the record bears.
    pub fn earliest(&self) -> NaiveDate {
        match self {
            Self::Full { joined_on, .. } => *joined_on,
            other => other.entered_on(),
        }
    }

    /// 内部一致性: the dates are in order and the introducers distinct.
    ///
    /// # Errors
    /// [`TransitionError::ImportOutOfOrder`],
    /// [`TransitionError::DuplicateIntroducer`],
    /// [`TransitionError::DuplicateImportedIntroducer`], or
    /// [`TransitionError::ExtensionWithoutEnd`].
    pub fn check_consistency(&self) -> Result<(), TransitionError> {
        match self {
            Self::Applicant { .. } | Self::Activist { .. } => Ok(()),
            Self::DevelopmentTarget { introducers, .. } => distinct(introducers),
            Self::Probationary {
                resolution_on,
                probation_end,
                extended,
            } => match probation_end {
                Some(end) if end < resolution_on => Err(TransitionError::ImportOutOfOrder {
                    earlier_field: "resolution_on",
                    earlier: *resolution_on,
                    later_field: "probation_end",
                    later: *end,
                }),
                None if *extended => Err(TransitionError::ExtensionWithoutEnd {
                    resolution_on: *resolution_on,
                }),
                _ => Ok(()),
            },
            Self::Full {
                joined_on,
                full_since,
            } => {
                if full_since < joined_on {
                    Err(TransitionError::ImportOutOfOrder {
                        earlier_field: "joined_on",
                        earlier: *joined_on,
                        later_field: "full_since",
                        later: *full_since,
                    })
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// 事由 (event): what made a record — an application, an import, or an
/// applied [`TransitionRequest`]. [Development 2014]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum LifecycleEvent {
    /// 提交入党申请: the written application (dated by the record).
    /// [Charter Art. 1; Development 2014 Art. 7]
    Applied,
    /// 存量导入: brought in from paper records.
    Imported {
        /// What the paper records say.
        snapshot: ImportedStage,
        /// The earlier steps the records bear (absent in histories stored
        /// before details were kept).
        #[serde(default, skip_serializing_if = "ImportDetails::is_empty")]
        details: ImportDetails,
        /// 破格导入: the recorded reason a rule figure was waived.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        guard_override: Option<ImportOverride>,
    },
    /// 发展程序: a checked transition request.
    Requested {
        /// The request as applied.
        request: TransitionRequest,
    },
}

/// 发展记录 (transition record): one step of the history, with the dates it
/// fixed under the rules then in force, so that the history replays without
/// them. [Development 2014]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TransitionRecord {
    /// 日期: when the step took effect.
    pub on: NaiveDate,
    /// 原阶段: the stage before (`None` for the first record).
    pub from: Option<Stage>,
    /// 新阶段: the stage after.
    pub to: Stage,
    /// 事由: what made the record.
    pub event: LifecycleEvent,
    /// 规则版本: the name of the [`DevelopmentRules`](super::DevelopmentRules)
    /// version applied, when one was consulted.
    pub rules_version: Option<String>,
    /// 预备期满日: the probation end this step fixed (admission, extension,
    /// import of a member); `None` for other steps. [Charter Art. 7;
    /// Development 2014 Art. 32]
    pub probation_end: Option<NaiveDate>,
    /// 可列为发展对象日: the date an activist's training year is met, fixed
    /// when the person became an activist; `None` for other steps.
    /// [Development 2014 Art. 13]
    pub activist_qualifies_on: Option<NaiveDate>,
}

/// 发展阶段变更请求 (one member's next step): the member and the dated
/// step, for [`crate::service::LifecycleHandle::transition`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Transition {
    /// The member.
    pub member: MemberId,
    /// The step.
    pub request: TransitionRequest,
}

impl Transition {
    /// `member` takes the step `request`.
    pub fn new(member: MemberId, request: TransitionRequest) -> Self {
        Self { member, request }
    }
}
