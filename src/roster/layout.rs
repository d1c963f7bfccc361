//! 花名册列 (the column layout): the Chinese headers, in the order export
//! writes them (`docs/IMPORT.md` documents each).

use std::fmt;

/// 花名册列 (a roster column): one header of the layout in
/// `docs/IMPORT.md`. Import finds columns by header, in any order;
/// export writes them all, in the order of [`Column::ALL`].
///
/// ```
/// use dangjian::roster::Column;
/// assert_eq!(Column::IdNumber.header(), "公民身份号码");
/// assert_eq!(Column::from_header(" 姓名 "), Some(Column::Name));
/// assert!(Column::Name.is_required() && !Column::Mobile.is_required());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Column {
    /// 姓名 (required).
    Name,
    /// 公民身份号码 (required): 18 characters; 15 digits only when the
    /// import allows legacy numbers.
    IdNumber,
    /// 性别 (optional): 男 / 女, checked against the identity number.
    Sex,
    /// 出生日期 (optional): checked against the identity number.
    BirthDate,
    /// 所在支部 (required): the home branch, by organisation name.
    Branch,
    /// 组织关系转入日期 (required): since when the branch holds the
    /// relationship.
    BranchSince,
    /// 人员类别 (required): 入党申请人, 入党积极分子, 发展对象, 预备党员 or
    /// 正式党员.
    Stage,
    /// 申请入党日期.
    AppliedOn,
    /// 确定积极分子日期.
    ActivistSince,
    /// 确定发展对象日期.
    TargetSince,
    /// 入党日期 (the admission resolution, 接收预备党员).
    JoinedOn,
    /// 转正日期.
    FullSince,
    /// 预备期满日期 (a probationary member's end of probation).
    ProbationEnd,
    /// 延长预备期: 是 / 否 (blank is 否).
    Extended,
    /// 入党介绍人: two introducers, by identity number or name, separated
    /// by 、 , ， ; or ；.
    Introducers,
    /// 工号.
    EmployeeNo,
    /// 手机号码.
    Mobile,
    /// 电子邮箱.
    Email,
    /// 职业类别 (blank is 在职).
    Occupation,
    /// 破格理由: the recorded reason to import despite a rule figure.
    OverrideReason,
}

impl Column {
    /// Every column, in the order export writes them.
    pub const ALL: [Column; 20] = [
        Self::Name,
        Self::IdNumber,
        Self::Sex,
        Self::BirthDate,
        Self::Branch,
        Self::BranchSince,
        Self::Stage,
        Self::AppliedOn,
        Self::ActivistSince,
        Self::TargetSince,
        Self::JoinedOn,
        Self::FullSince,
        Self::ProbationEnd,
        Self::Extended,
        Self::Introducers,
        Self::EmployeeNo,
        Self::Mobile,
        Self::Email,
        Self::Occupation,
        Self::OverrideReason,
    ];

    /// The header as it stands in the file.
    pub fn header(self) -> &'static str {
        match self {
            Self::Name => "姓名",
            Self::IdNumber => "公民身份号码",
            Self::Sex => "性别",
            Self::BirthDate => "出生日期",
            Self::Branch => "所在支部",
            Self::BranchSince => "组织关系转入日期",
            Self::Stage => "人员类别",
            Self::AppliedOn => "申请入党日期",
            Self::ActivistSince => "确定积极分子日期",
            Self::TargetSince => "确定发展对象日期",
            Self::JoinedOn => "入党日期",
            Self::FullSince => "转正日期",
            Self::ProbationEnd => "预备期满日期",
            Self::Extended => "延长预备期",
            Self::Introducers => "入党介绍人",
            Self::EmployeeNo => "工号",
            Self::Mobile => "手机号码",
            Self::Email => "电子邮箱",
            Self::Occupation => "职业类别",
            Self::OverrideReason => "破格理由",
        }
    }

    /// The column a header names (surrounding spaces ignored).
    pub fn from_header(header: &str) -> Option<Column> {
        let header = header.trim();
        Self::ALL.into_iter().find(|c| c.header() == header)
    }

    /// Whether a file must have the column (and every row a value in it).
    pub fn is_required(self) -> bool {
        matches!(
            self,
            Self::Name | Self::IdNumber | Self::Branch | Self::BranchSince | Self::Stage
        )
    }

    /// Whether the column holds a date.
    pub fn is_date(self) -> bool {
        matches!(
            self,
            Self::BirthDate
                | Self::BranchSince
                | Self::AppliedOn
                | Self::ActivistSince
                | Self::TargetSince
                | Self::JoinedOn
                | Self::FullSince
                | Self::ProbationEnd
        )
    }

    pub(super) fn index(self) -> usize {
        Self::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.header())
    }
}
