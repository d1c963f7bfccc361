//! 党员 (members): real-name identity, contact details, memberships and the
//! lifecycle of one person's record (一人一档).
//!
//! A [`Member`] is the whole record of one person, from the day they apply
//! (入党申请人) to full membership and beyond. It is built with a
//! [`Registration`] (checked in `build()`), approved by the home branch, and
//! then changes only through dated lifecycle transitions
//! ([`crate::lifecycle`]) and membership changes ([`MembershipRequest`]).

pub(crate) mod contact;
pub(crate) mod identity;
pub(crate) mod import;
mod membership;
mod tags;

pub use contact::{ContactError, EmailAddress, EmployeeNo, ImIds, Mobile, PersonName};
pub use identity::{IdNumber, IdNumberError, Sex, check_character};
pub use import::{
    ImportError, ImportErrorKind, ImportPlan, PlannedRow, RosterRow, plan_import, plan_import_each,
};
pub use membership::{
    MembershipChange, MembershipError, MembershipKind, MembershipRequest, Memberships,
    MobileStatus, PastMemberships,
};
pub use tags::{BadTag, MAX_TAG_CHARS, Tag};

use crate::lifecycle::Lifecycle;
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// 职业类别 (occupation category): decides how dues are computed
/// (Dues 2008; `docs/RULES.md` DUES-1 … DUES-9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OccupationCategory {
    /// 在职 (in service): pays a rate on the monthly wage base.
    InService,
    /// 离退休 (retired): pays a rate on the basic pension.
    Retiree,
    /// 农民 (farmer): a flat amount set by place.
    Farmer,
    /// 学生 (student): a flat 0.2 yuan a month.
    Student,
    /// 下岗失业 (unemployed): a flat 0.2 yuan a month.
    Unemployed,
    /// 享受最低生活保障 (minimum living allowance): a flat 0.2 yuan a month.
    MinimumAllowance,
    /// 其他有收入 (other income): the rate table on their income.
    OtherIncome,
    /// 实行年薪制 (annual salary): the rate table on the pay actually
    /// received that month [Dues 2008 Art. 3; `docs/RULES.md` DUES-10].
    AnnualSalary,
    /// 个体经营等无固定月收入 (self-employed, no monthly income): the rate
    /// table on the previous quarter's monthly average net income
    /// [Dues 2008 Art. 4; `docs/RULES.md` DUES-11].
    SelfEmployed,
    /// 依靠抚恤或救济生活 (living on a survivor pension or relief): a flat
    /// 0.2 yuan a month [Dues 2008 Art. 6; `docs/RULES.md` DUES-8].
    SurvivorRelief,
}

/// 党员电子身份证号 (electronic member card id): issued when the home branch
/// approves the registration. `DJ`, the member id in 17 digits and a
/// GB 11643 MOD 11-2 check character, so a mistyped card id is caught.
///
/// ```
/// use dangjian::member::MemberCardId;
/// use dangjian::MemberId;
/// let card = MemberCardId::issue(MemberId::new(42));
/// assert!(card.as_str().starts_with("DJ00000000000000042"));
/// assert_eq!(card.as_str().len(), 20);
/// assert_eq!(card.as_str().parse::<MemberCardId>(), Ok(card));
/// assert!("DJ00000000000000042Z".parse::<MemberCardId>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MemberCardId(String);

/// A card id that is not one this library issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a member card id: {reason}")]
pub struct CardIdError {
    reason: &'static str,
}

impl MemberCardId {
    /// The card id for `member`.
    pub fn issue(member: MemberId) -> Self {
        let digits = format!("{:017}", member.get());
        let check = identity::check_character(&digits).unwrap_or('0');
        Self(format!("DJ{digits}{check}"))
    }

    /// The card id as printed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MemberCardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for MemberCardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for MemberCardId {
    type Err = CardIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix("DJ").ok_or(CardIdError {
            reason: "must start with DJ",
        })?;
        let mut chars = digits.chars();
        let check = chars.next_back().ok_or(CardIdError {
            reason: "too short",
        })?;
        let body = chars.as_str();
        if body.len() != 17 || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CardIdError {
                reason: "must have 17 digits after DJ",
            });
        }
        if identity::check_character(body) != Some(check) {
            return Err(CardIdError {
                reason: "wrong check character",
            });
        }
        Ok(Self(s.to_owned()))
    }
}

impl TryFrom<String> for MemberCardId {
    type Error = CardIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<MemberCardId> for String {
    fn from(c: MemberCardId) -> Self {
        c.0
    }
}

/// 登记状态: whether the home branch has approved the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// Submitted, awaiting the home branch.
    Pending {
        /// The day it was submitted.
        submitted_on: NaiveDate,
    },
    /// Approved; the electronic member card is issued.
    Approved {
        /// The day it was approved.
        approved_on: NaiveDate,
        /// The card issued.
        card: MemberCardId,
    },
}

/// 实名身份 (real-name identity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// 姓名: the real name.
    pub name: PersonName,
    /// 公民身份号码: the resident identity number (masked in `Debug`).
    pub id_number: IdNumber,
}

impl Identity {
    /// The birth date, from the identity number.
    pub fn birth_date(&self) -> NaiveDate {
        self.id_number.birth_date()
    }

    /// The sex, from the identity number.
    pub fn sex(&self) -> Sex {
        self.id_number.sex()
    }
}

/// 联系方式 (contact details and OA accounts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// 手机号 (masked in `Debug`).
    pub mobile: Option<Mobile>,
    /// 电子邮箱.
    pub email: Option<EmailAddress>,
    /// 工号: the key an OA system logs in with; unique in a store.
    pub employee_no: Option<EmployeeNo>,
    /// User ids in WeCom, DingTalk and Feishu.
    pub im: ImIds,
    /// 接收偏好: the channels the member prefers, in order (empty: the
    /// organisation's order). [`docs/RULES.md` NOTE-7]
    pub channels: Vec<crate::notify::Channel>,
    /// 标签: the tags organisations gave the member. [NOTE-1]
    pub tags: Vec<Tag>,
}

/// 党员档案 (a member's record): one person, one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Assigned by the store.
    pub(crate) id: MemberId,
    /// Bumped by the store on every write (optimistic concurrency).
    pub(crate) version: u64,
    /// Name and identity number.
    pub(crate) identity: Identity,
    /// Mobile, e-mail, employee number, IM ids.
    pub(crate) contact: Contact,
    /// Drives dues.
    pub(crate) occupation: OccupationCategory,
    /// Pending or approved, with the member card.
    pub(crate) registration: RegistrationStatus,
    /// 发展阶段: where the person stands, with dated history.
    pub(crate) lifecycle: Lifecycle,
    /// Home branch, online branches, mobile location, dual management.
    pub(crate) memberships: Memberships,
}

impl Member {
    /// Assigned by the store.
    pub fn id(&self) -> MemberId {
        self.id
    }

    /// Bumped by the store on every write (optimistic concurrency).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Name and identity number.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Mobile, e-mail, employee number, IM ids.
    pub fn contact(&self) -> &Contact {
        &self.contact
    }

    /// The contact details, to change (the store keeps the change only
    /// through a write of the record).
    pub(crate) fn contact_mut(&mut self) -> &mut Contact {
        &mut self.contact
    }

    /// The occupation category (drives dues).
    pub fn occupation(&self) -> OccupationCategory {
        self.occupation
    }

    /// Pending or approved, with the member card.
    pub fn registration(&self) -> &RegistrationStatus {
        &self.registration
    }

    /// 发展阶段: where the person stands, with dated history.
    pub fn lifecycle(&self) -> &Lifecycle {
        &self.lifecycle
    }

    /// Home branch, online branches, mobile location, dual management.
    pub fn memberships(&self) -> &Memberships {
        &self.memberships
    }

    /// The stage today (by the lifecycle's last record).
    pub fn stage(&self) -> crate::lifecycle::Stage {
        self.lifecycle.stage()
    }

    /// The record with a new version number (for store implementations,
    /// which bump it on every write).
    pub fn with_version(mut self, version: u64) -> Self {
        self.version = version;
        self
    }

    /// The home branch holding the organisational relationship.
    pub fn home(&self) -> OrgId {
        self.memberships.home()
    }

    /// The electronic member card, once registration is approved.
    pub fn card(&self) -> Option<&MemberCardId> {
        match &self.registration {
            RegistrationStatus::Approved { card, .. } => Some(card),
            RegistrationStatus::Pending { .. } => None,
        }
    }
}

/// What a new record needs before the store assigns an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMember {
    /// Name and identity number.
    pub identity: Identity,
    /// Contact details.
    pub contact: Contact,
    /// Occupation category.
    pub occupation: OccupationCategory,
    /// Pending, as submitted.
    pub registration: RegistrationStatus,
    /// The validated lifecycle.
    pub lifecycle: Lifecycle,
    /// The validated memberships.
    pub memberships: Memberships,
}

impl NewMember {
    /// The stored record, with the id and version the store assigned.
    ///
    /// A record inserted approved gets its member card issued from the
    /// assigned id here (the card is a function of the id).
    pub fn into_member(self, id: MemberId) -> Member {
        let registration = match self.registration {
            RegistrationStatus::Approved { approved_on, .. } => RegistrationStatus::Approved {
                approved_on,
                card: MemberCardId::issue(id),
            },
            pending => pending,
        };
        Member {
            id,
            version: 1,
            identity: self.identity,
            contact: self.contact,
            occupation: self.occupation,
            registration,
            lifecycle: self.lifecycle,
            memberships: self.memberships,
        }
    }
}

/// How a person enters the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Entry {
    /// 递交入党申请书: a new applicant, on the date of the application.
    Application {
        /// The date the application was received.
        on: NaiveDate,
    },
    /// An existing member or candidate brought in from paper records.
    Import(crate::lifecycle::ImportedStage),
}

/// Why a registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistrationError {
    /// A required field was not given.
    #[error("registration is missing the {0}")]
    Missing(&'static str),
    /// The identity number gives a birth date after today.
    #[error("the identity number gives a birth date ({birth}) after today ({today})")]
    BornInTheFuture {
        /// From the identity number.
        birth: NaiveDate,
        /// Today, by the injected clock.
        today: NaiveDate,
    },
    /// The registration is already approved.
    #[error("registration is already approved")]
    AlreadyApproved,
    /// The record must be approved before this step.
    #[error("registration is not yet approved by the home branch")]
    NotApproved,
}

/// 党员登记 (registration): the builder for a new record, checked in the
/// service's `register` against the tree, the clock and the rules.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::member::{Entry, OccupationCategory, Registration};
/// use dangjian::OrgId;
/// let reg = Registration::new(
///     "张三".parse()?,
///     "11010519491231002X".parse()?,
///     OrgId::new(2),
///     Entry::Application { on: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap() },
/// )
/// .mobile("13800138000".parse()?)
/// .occupation(OccupationCategory::InService);
/// assert!(format!("{reg:?}").contains("138****8000"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Registration {
    /// 姓名.
    pub name: PersonName,
    /// 身份证号.
    pub id_number: IdNumber,
    /// Contact details.
    pub contact: Contact,
    /// Occupation category (defaults to in service); given once here, and
    /// the dues declaration takes it from the record.
    pub occupation: OccupationCategory,
    /// The physical branch that will hold the relationship.
    pub home: OrgId,
    /// How the person enters the record.
    pub entry: Entry,
}

impl Registration {
    /// A registration with its required fields: the real name, the
    /// identity number, the home branch and how the person enters.
    pub fn new(name: PersonName, id_number: IdNumber, home: OrgId, entry: Entry) -> Self {
        Self {
            name,
            id_number,
            contact: Contact::default(),
            occupation: OccupationCategory::InService,
            home,
            entry,
        }
    }
    /// Sets the mobile number.
    pub fn mobile(mut self, mobile: Mobile) -> Self {
        self.contact.mobile = Some(mobile);
        self
    }
    /// Sets the e-mail address.
    pub fn email(mut self, email: EmailAddress) -> Self {
        self.contact.email = Some(email);
        self
    }
    /// Sets the employee number (the OA login key).
    pub fn employee_no(mut self, no: EmployeeNo) -> Self {
        self.contact.employee_no = Some(no);
        self
    }
    /// Sets the IM ids.
    pub fn im(mut self, im: ImIds) -> Self {
        self.contact.im = im;
        self
    }
    /// Sets the occupation category.
    pub fn occupation(mut self, occupation: OccupationCategory) -> Self {
        self.occupation = occupation;
        self
    }
}

/// 存量导入 (a roster to import), for
/// [`crate::service::MembersHandle::import`]: many people at once, each
/// with their real history.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportRoster {
    /// The rows, in the roster's order.
    pub rows: Vec<RosterRow>,
    /// Approve every new record at once (a roster already vetted).
    pub approve: bool,
}

impl ImportRoster {
    /// Imports `rows`; the new records wait for approval (see
    /// [`ImportRoster::approved`]).
    pub fn new(rows: Vec<RosterRow>) -> Self {
        Self {
            rows,
            approve: false,
        }
    }

    /// Approves every new record at once, issuing member cards (only an
    /// actor who may approve: a committee officer or the platform
    /// administrator).
    pub fn approved(mut self) -> Self {
        self.approve = true;
        self
    }
}

/// 导入结果: what an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportReport {
    /// The records created, in the roster's order.
    pub created: Vec<Member>,
    /// The rows already stored as given (nothing written for them): each
    /// row's index and the stored record's id.
    pub unchanged: Vec<(usize, MemberId)>,
}

/// 组织关系变动 (a change to one member's memberships).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChangeMembership {
    /// The member.
    pub member: MemberId,
    /// The dated change.
    pub change: MembershipRequest,
}

impl ChangeMembership {
    /// Applies `change` to `member`'s memberships.
    pub fn new(member: MemberId, change: MembershipRequest) -> Self {
        Self { member, change }
    }
}
