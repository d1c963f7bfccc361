//! 组织体系 (organisation tree): grassroots committees, general branches,
//! branches (physical and online) and party groups.
//!
//! The kinds and how they nest follow the Party Constitution (Charter
//! Art. 30–32) and the Branch Work Regulations (中国共产党支部工作条例（试行）,
//! Branch 2018); online branches follow a county's practice (`docs/RULES.md`
//! ORG-1, ORG-7):
//!
//! | kind | may sit under |
//! |---|---|
//! | 基层党委 grassroots committee | nothing, or a grassroots committee |
//! | 党总支 general branch | nothing, or a grassroots committee |
//! | 党支部 branch (实体 or 网上) | nothing, a grassroots committee or a general branch |
//! | 党小组 party group | a branch (physical or online) only |
//!
//! Nothing may sit under a party group.
//!
//! Everything here is pure: [`OrgTree`] is an in-memory index that a store
//! fills and keeps; [`structure_findings`] reports the structural checks of
//! Branch 2018 Art. 5 and 20 as findings.
//!
//! ```
//! use dangjian::OrgId;
//! use dangjian::org::{BranchForm, OrgKind, OrgTree, Organisation};
//!
//! let org = |id, name: &str, kind, parent: Option<u64>| Organisation {
//!     id: OrgId::new(id),
//!     name: name.parse().unwrap(),
//!     kind,
//!     parent: parent.map(OrgId::new),
//!     version: 0,
//! };
//! let tree = OrgTree::from_orgs([
//!     org(1, "机关党委", OrgKind::GrassrootsCommittee, None),
//!     org(2, "第一党支部", OrgKind::Branch(BranchForm::Physical), Some(1)),
//!     org(3, "第一党小组", OrgKind::PartyGroup, Some(2)),
//! ])?;
//! assert!(tree.is_within(OrgId::new(3), OrgId::new(1)));
//! assert_eq!(tree.nearest_branch(OrgId::new(3)), Some(OrgId::new(2)));
//! # Ok::<(), dangjian::org::OrgError>(())
//! ```

use crate::ids::OrgId;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub(crate) mod structure;
pub(crate) mod tree;

#[cfg(test)]
mod tests;

pub use structure::{
    Finding, Headcount, StructureRules, SuggestedKind, branch_findings, national_structure_rules,
    structure_findings,
};
pub use tree::OrgTree;

/// 组织类别 (kind of organisation): 基层党委, 党总支, 党支部 or 党小组.
///
/// [Charter Art. 30; Branch 2018.] Serialized with a `kind` tag in
/// snake_case; a branch adds its `form` (and an online branch its `theme`):
///
/// ```
/// use dangjian::org::{BranchForm, OnlineTheme, OrgKind};
/// let online = OrgKind::Branch(BranchForm::Online { theme: OnlineTheme::YoungMembers });
/// let json = serde_json::to_string(&online).unwrap();
/// assert_eq!(json, r#"{"kind":"branch","form":"online","theme":"young_members"}"#);
/// assert_eq!(serde_json::from_str::<OrgKind>(&json).unwrap(), online);
/// assert_eq!(
///     serde_json::to_string(&OrgKind::PartyGroup).unwrap(),
///     r#"{"kind":"party_group"}"#
/// );
/// assert!(online.is_online_branch());
/// assert_eq!(online.label_zh(), "网上党支部");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OrgKind {
    /// 基层党委 (grassroots committee): set up where a unit has 100 or more
    /// members (configurable; Charter Art. 30, `docs/RULES.md` ORG-5). Sits at the
    /// top or under another grassroots committee.
    GrassrootsCommittee,
    /// 党总支 (general branch): set up where a unit has 50–100 members
    /// (configurable; `docs/RULES.md` ORG-5). Sits at the top or under a
    /// grassroots committee.
    GeneralBranch,
    /// 党支部 (branch), physical or online: set up where there are at least 3
    /// full members (Branch 2018 Art. 5). Sits at the top, under a grassroots
    /// committee or under a general branch.
    Branch(BranchForm),
    /// 党小组 (party group): a subdivision inside a branch (Branch 2018,
    /// 组织设置); its parent must be a branch.
    PartyGroup,
}

impl OrgKind {
    /// 是否党支部: true for a branch of either form.
    pub fn is_branch(&self) -> bool {
        matches!(self, Self::Branch(_))
    }

    /// 是否实体党支部: true for a physical branch, which holds its members'
    /// organisational relationships (`docs/RULES.md` ORG-7).
    pub fn is_physical_branch(&self) -> bool {
        matches!(self, Self::Branch(BranchForm::Physical))
    }

    /// 是否网上党支部: true for an online branch (`docs/RULES.md` ORG-7), which holds
    /// activities and votes but not organisational relationships.
    pub fn is_online_branch(&self) -> bool {
        matches!(self, Self::Branch(BranchForm::Online { .. }))
    }

    /// 中文名称: the Chinese name of the kind (基层党委, 党总支, 党支部,
    /// 网上党支部, 党小组).
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::GrassrootsCommittee => "基层党委",
            Self::GeneralBranch => "党总支",
            Self::Branch(BranchForm::Physical) => "党支部",
            Self::Branch(BranchForm::Online { .. }) => "网上党支部",
            Self::PartyGroup => "党小组",
        }
    }

    /// 上级组织规则: whether an organisation of this kind may sit under a
    /// parent of `parent` kind (`None`: at the top of the tree).
    ///
    /// [Charter Art. 30; Branch 2018; `docs/RULES.md` ORG-1, and ORG-7 for online
    /// branches.]
    ///
    /// # Errors
    /// [`OrgError::PartyGroupMustHaveBranchParent`] for a party group at the
    /// top, and [`OrgError::ParentKindNotAllowed`] for any other refused pair.
    ///
    /// ```
    /// use dangjian::org::{BranchForm, OrgKind};
    /// let branch = OrgKind::Branch(BranchForm::Physical);
    /// assert!(OrgKind::PartyGroup.check_parent_kind(Some(&branch)).is_ok());
    /// assert!(OrgKind::PartyGroup.check_parent_kind(None).is_err());
    /// assert!(branch.check_parent_kind(Some(&OrgKind::PartyGroup)).is_err());
    /// ```
    pub fn check_parent_kind(&self, parent: Option<&OrgKind>) -> Result<(), OrgError> {
        let allowed = match (self, parent) {
            (Self::PartyGroup, None) => return Err(OrgError::PartyGroupMustHaveBranchParent),
            (Self::PartyGroup, Some(p)) => p.is_branch(),
            (_, None) => true,
            (Self::GrassrootsCommittee | Self::GeneralBranch, Some(p)) => {
                matches!(p, Self::GrassrootsCommittee)
            }
            (Self::Branch(_), Some(p)) => {
                matches!(p, Self::GrassrootsCommittee | Self::GeneralBranch)
            }
        };
        match parent {
            Some(p) if !allowed => Err(OrgError::ParentKindNotAllowed {
                kind: self.label_zh(),
                parent_kind: p.label_zh(),
            }),
            _ => Ok(()),
        }
    }
}

/// 支部形式 (form of a branch): 实体支部 (physical) or 网上党支部 (online).
///
/// Online branches are organised by theme (`docs/RULES.md` ORG-7): a
/// member keeps one home (physical) branch and may join any number of online
/// branches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum BranchForm {
    /// 实体支部 (physical branch): holds its members' organisational
    /// relationships (组织关系).
    Physical,
    /// 网上党支部 (online branch): holds activities and votes of the members
    /// who joined it, not their relationships (`docs/RULES.md` ORG-7).
    Online {
        /// 主题: what the online branch gathers members around.
        theme: OnlineTheme,
    },
}

/// 网上党支部主题 (theme of an online branch), as a county's online
/// branches use them (`docs/RULES.md` ORG-7).
///
/// Serialized in snake_case: `"mobile_members"`, or `{"industry": "物流"}`
/// for the variants with a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OnlineTheme {
    /// 流动党员: mobile members away from their home organisation.
    MobileMembers,
    /// 村官 (大学生村官): village officials.
    VillageOfficials,
    /// 青年党员: young members.
    YoungMembers,
    /// 行业: the members of one industry, named.
    Industry(String),
    /// 其他: any other theme, named.
    Other(String),
}

/// 组织名称 (organisation name): trimmed, 1–100 characters, no control
/// characters.
///
/// ```
/// use dangjian::org::OrgName;
/// let name: OrgName = "  第一党支部 ".parse()?;
/// assert_eq!(name.as_str(), "第一党支部");
/// assert!(OrgName::try_from("   ").is_err());
/// assert!(OrgName::try_from("a\nb").is_err());
/// assert_eq!(serde_json::to_string(&name).unwrap(), r#""第一党支部""#);
/// # Ok::<(), dangjian::org::OrgError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgName(String);

impl OrgName {
    /// 最大长度: the longest name accepted, in characters.
    pub const MAX_CHARS: usize = 100;

    /// 校验名称: trims `raw` and validates it.
    ///
    /// # Errors
    /// [`OrgError::InvalidName`] when the trimmed name is empty, longer than
    /// [`OrgName::MAX_CHARS`] characters, or contains a control character
    /// or an invisible one (zero-width, bidi, byte-order mark: refused, not
    /// stripped, so two names that print alike are never two names;
    /// `docs/RULES.md` DUES-24).
    pub fn new(raw: &str) -> Result<Self, OrgError> {
        let trimmed = raw.trim();
        let invalid = |reason: &str| OrgError::InvalidName {
            reason: reason.to_owned(),
        };
        if trimmed.is_empty() {
            return Err(invalid("the name is empty"));
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(invalid("the name is longer than 100 characters"));
        }
        if crate::text::has_hidden(trimmed) {
            return Err(invalid(
                "the name contains a control or invisible character (zero-width, bidi)",
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// 名称文本: the name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for OrgName {
    type Err = OrgError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for OrgName {
    type Error = OrgError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl TryFrom<&str> for OrgName {
    type Error = OrgError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<OrgName> for String {
    fn from(name: OrgName) -> Self {
        name.0
    }
}

impl AsRef<str> for OrgName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// 党组织 (organisation): one node of the organisation tree.
///
/// The `id` is assigned by the store; `version` counts changes, for
/// optimistic concurrency: [`OrgTree::rename`], [`OrgTree::reparent`] and
/// [`OrgTree::change_kind`] increase it by one. Kind rules: see
/// [`OrgKind::check_parent_kind`] (Charter Art. 30; Branch 2018).
///
/// ```
/// use dangjian::OrgId;
/// use dangjian::org::{OrgKind, Organisation};
/// let org = Organisation {
///     id: OrgId::new(1),
///     name: "机关党委".parse()?,
///     kind: OrgKind::GrassrootsCommittee,
///     parent: None,
///     version: 0,
/// };
/// let json = serde_json::to_string(&org).unwrap();
/// assert_eq!(
///     json,
///     r#"{"id":1,"name":"机关党委","kind":{"kind":"grassroots_committee"},"parent":null,"version":0}"#
/// );
/// # Ok::<(), dangjian::org::OrgError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// 组织标识: assigned by the store.
    pub id: OrgId,
    /// 组织名称.
    pub name: OrgName,
    /// 组织类别.
    pub kind: OrgKind,
    /// 上级组织: `None` at the top of the tree.
    pub parent: Option<OrgId>,
    /// 版本号: the number of changes made to the record.
    pub version: u64,
}

impl Organisation {
    /// 由申请创建: the organisation `new` describes, with the id the store
    /// assigned and version 0.
    pub fn from_new(id: OrgId, new: NewOrganisation) -> Self {
        Self {
            id,
            name: new.name,
            kind: new.kind,
            parent: new.parent,
            version: 0,
        }
    }
}

/// 新建组织 (new organisation): what a caller asks to create; the store
/// assigns the id. Check it with [`OrgTree::check_new`].
///
/// ```
/// use dangjian::{OrgId, org::{BranchForm, NewOrganisation, OrgKind}};
/// let branch = NewOrganisation::new("第一党支部".parse()?, OrgKind::Branch(BranchForm::Physical))
///     .under(OrgId::new(1));
/// assert_eq!(branch.parent, Some(OrgId::new(1)));
/// # Ok::<(), dangjian::org::OrgError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewOrganisation {
    /// 组织名称.
    pub name: OrgName,
    /// 组织类别.
    pub kind: OrgKind,
    /// 上级组织: `None` at the top of the tree.
    pub parent: Option<OrgId>,
}

impl NewOrganisation {
    /// A new organisation at the top of the tree; see
    /// [`NewOrganisation::under`].
    pub fn new(name: OrgName, kind: OrgKind) -> Self {
        Self {
            name,
            kind,
            parent: None,
        }
    }

    /// Under `parent`.
    pub fn under(mut self, parent: OrgId) -> Self {
        self.parent = Some(parent);
        self
    }
}

/// 调整隶属关系 (a move): `org` under a new parent, or to the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MoveOrg {
    /// The organisation moved.
    pub org: OrgId,
    /// Its new parent (`None`: the top of the tree).
    pub parent: Option<OrgId>,
}

impl MoveOrg {
    /// Moves `org` to the top of the tree; see [`MoveOrg::new`].
    pub fn to_top(org: OrgId) -> Self {
        Self { org, parent: None }
    }

    /// Moves `org` under `parent`.
    pub fn new(org: OrgId, parent: OrgId) -> Self {
        Self {
            org,
            parent: Some(parent),
        }
    }
}

/// 更名 (a new name for an organisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RenameOrg {
    /// The organisation.
    pub org: OrgId,
    /// Its new name.
    pub name: OrgName,
}

impl RenameOrg {
    /// Renames `org` to `name`.
    pub fn new(org: OrgId, name: OrgName) -> Self {
        Self { org, name }
    }
}

/// 组织错误 (organisation error): why a name or a change to the tree was
/// refused. A refused change leaves the tree as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrgError {
    /// 名称无效: the name is empty, too long or contains control characters.
    #[error("invalid organisation name: {reason}")]
    InvalidName {
        /// 原因: what is wrong with it.
        reason: String,
    },
    /// 组织不存在: no organisation has this id.
    #[error("unknown organisation {0}")]
    UnknownOrg(OrgId),
    /// 上级组织不存在: the named parent does not exist.
    #[error("unknown parent organisation {0}")]
    UnknownParent(OrgId),
    /// 形成循环: the change would put an organisation under itself or one of
    /// its descendants.
    #[error("moving {org} under {new_parent} would create a cycle")]
    WouldCreateCycle {
        /// 组织: the organisation being moved (or found in a cycle).
        org: OrgId,
        /// 新上级: the parent that would close the cycle.
        new_parent: OrgId,
    },
    /// 上级组织类别不符: this kind may not sit under that kind (Charter
    /// Art. 30; Branch 2018), e.g. a party group must sit inside a branch,
    /// and nothing may sit under a party group.
    #[error("a {kind} may not sit under a {parent_kind}")]
    ParentKindNotAllowed {
        /// 本组织类别: the child's kind, in Chinese ([`OrgKind::label_zh`]).
        kind: &'static str,
        /// 上级组织类别: the parent's kind, in Chinese.
        parent_kind: &'static str,
    },
    /// 党小组须设在党支部内: a party group without a parent (Branch 2018,
    /// 组织设置).
    #[error("a party group must sit inside a branch")]
    PartyGroupMustHaveBranchParent,
    /// 标识重复: an organisation with this id already exists.
    #[error("duplicate organisation id {0}")]
    DuplicateId(OrgId),
    /// 仍有下级组织: the organisation still has children, so it cannot be
    /// removed.
    #[error("organisation {0} still has child organisations")]
    HasChildren(OrgId),
}
