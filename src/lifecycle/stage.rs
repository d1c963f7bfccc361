//! 发展阶段 (stages) and the moves between them (`docs/RULES.md` DEV-1).

use serde::{Deserialize, Serialize};
use std::fmt;

/// 发展阶段 (stage): where a person stands in the member lifecycle.
/// Applicant 入党申请人 → activist 入党积极分子 → development target 发展对象
/// → probationary member 预备党员 → full member 正式党员, or exited.
/// [Development 2014; `docs/RULES.md` DEV-1]
///
/// ```
/// use dangjian::lifecycle::{ExitReason, Stage};
/// assert!(Stage::Probationary.is_member());
/// assert!(!Stage::DevelopmentTarget.is_member());
/// assert_eq!(Stage::Full.label_zh(), "正式党员");
/// assert!(Stage::Exited(ExitReason::Deceased).is_exited());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 入党申请人: has applied in writing.
    Applicant,
    /// 入党积极分子: chosen for training and assessment.
    Activist,
    /// 发展对象: listed for development, with two introducers.
    DevelopmentTarget,
    /// 预备党员: admitted, on probation (no vote, may not stand).
    /// [Charter Art. 7]
    Probationary,
    /// 正式党员: a full member.
    Full,
    /// 已离开: no longer in this lifecycle, for the given reason.
    Exited(ExitReason),
}

impl Stage {
    /// 党员: a probationary or full member.
    pub fn is_member(self) -> bool {
        matches!(self, Self::Probationary | Self::Full)
    }

    /// 正式党员: a full member.
    pub fn is_full(self) -> bool {
        matches!(self, Self::Full)
    }

    /// 已离开: exited for any reason.
    pub fn is_exited(self) -> bool {
        matches!(self, Self::Exited(_))
    }

    /// 中文名称: the stage's Chinese name (入党申请人 …); an exit gives its
    /// reason's name.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Applicant => "入党申请人",
            Self::Activist => "入党积极分子",
            Self::DevelopmentTarget => "发展对象",
            Self::Probationary => "预备党员",
            Self::Full => "正式党员",
            Self::Exited(reason) => reason.label_zh(),
        }
    }

    /// 下一阶段: the stage a transition of `kind` leads to from `self`, or
    /// `None` when the move is not allowed (the order of `docs/RULES.md` DEV-1; no
    /// move out of an exit; exits only for the stages
    /// [`ExitReason::allowed_from`] names).
    ///
    /// ```
    /// use dangjian::lifecycle::{ExitReason, Stage, TransitionKind};
    /// assert_eq!(Stage::Applicant.next(TransitionKind::BecomeActivist), Some(Stage::Activist));
    /// assert_eq!(Stage::Applicant.next(TransitionKind::Admit), None);
    /// let withdraw = TransitionKind::Exit(ExitReason::Withdrawn);
    /// assert_eq!(Stage::Full.next(withdraw), None);
    /// ```
    pub fn next(self, kind: TransitionKind) -> Option<Stage> {
        match (self, kind) {
            (Self::Applicant, TransitionKind::BecomeActivist) => Some(Self::Activist),
            (Self::Activist, TransitionKind::BecomeDevelopmentTarget) => {
                Some(Self::DevelopmentTarget)
            }
            (Self::DevelopmentTarget, TransitionKind::Admit) => Some(Self::Probationary),
            (Self::Probationary, TransitionKind::ExtendProbation) => Some(Self::Probationary),
            (Self::Probationary, TransitionKind::Convert) => Some(Self::Full),
            (from, TransitionKind::Exit(reason)) if reason.allowed_from(from) => {
                Some(Self::Exited(reason))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// 离开原因 (exit reason): why a person left the lifecycle.
/// [Charter Art. 9; Development 2014; `docs/RULES.md` DEV-1]
///
/// ```
/// use dangjian::lifecycle::{ExitReason, Stage};
/// assert!(ExitReason::ProbationCancelled.allowed_from(Stage::Probationary));
/// assert!(!ExitReason::ProbationCancelled.allowed_from(Stage::Full));
/// assert!(ExitReason::Withdrawn.allowed_from(Stage::Activist));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExitReason {
    /// 组织关系转出: left this organisation, still a member elsewhere.
    TransferredOut,
    /// 自行脱党: left of the member's own accord. [Charter Art. 9]
    SelfDeparted,
    /// 开除党籍: expelled. [Charter ch. 7; `docs/RULES.md` MEM-9]
    Expelled,
    /// 除名: removed from the rolls. [Charter Art. 9]
    Removed,
    /// 去世: deceased.
    Deceased,
    /// 取消预备党员资格: probation cancelled. [Charter Art. 7]
    ProbationCancelled,
    /// 终止发展: a non-member withdrew or was no longer developed.
    Withdrawn,
}

impl ExitReason {
    /// 中文名称: the reason's Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::TransferredOut => "组织关系转出",
            Self::SelfDeparted => "自行脱党",
            Self::Expelled => "开除党籍",
            Self::Removed => "除名",
            Self::Deceased => "去世",
            Self::ProbationCancelled => "取消预备党员资格",
            Self::Withdrawn => "终止发展",
        }
    }

    /// 适用阶段: whether someone at `stage` may exit for this reason.
    /// Membership exits (transfer out, self-departure, expulsion, removal)
    /// need a probationary or full member; a cancelled probation needs a
    /// probationary member; withdrawal needs a non-member; death applies to
    /// anyone not yet exited. [Charter Art. 7, 9; `docs/RULES.md` DEV-1]
    pub fn allowed_from(self, stage: Stage) -> bool {
        match self {
            Self::TransferredOut | Self::SelfDeparted | Self::Expelled | Self::Removed => {
                stage.is_member()
            }
            Self::ProbationCancelled => stage == Stage::Probationary,
            Self::Withdrawn => matches!(
                stage,
                Stage::Applicant | Stage::Activist | Stage::DevelopmentTarget
            ),
            Self::Deceased => !stage.is_exited(),
        }
    }
}

impl fmt::Display for ExitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// 变动种类 (transition kind): what a request asks for, without its dates;
/// used in [`IllegalTransition`](super::TransitionError::IllegalTransition)
/// errors and by [`Stage::next`]. [Development 2014]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionKind {
    /// 确定为入党积极分子.
    BecomeActivist,
    /// 列为发展对象.
    BecomeDevelopmentTarget,
    /// 接收为预备党员.
    Admit,
    /// 延长预备期.
    ExtendProbation,
    /// 转为正式党员.
    Convert,
    /// 离开, for the reason given.
    Exit(ExitReason),
}

impl fmt::Display for TransitionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BecomeActivist => f.write_str("确定为入党积极分子"),
            Self::BecomeDevelopmentTarget => f.write_str("列为发展对象"),
            Self::Admit => f.write_str("接收为预备党员"),
            Self::ExtendProbation => f.write_str("延长预备期"),
            Self::Convert => f.write_str("转为正式党员"),
            Self::Exit(reason) => write!(f, "离开（{reason}）"),
        }
    }
}
