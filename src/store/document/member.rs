//! The member record (`members.record`).

use super::{Document, DocumentError, FORMAT, required};
use crate::lifecycle::Lifecycle;
use crate::member::{
    Contact, EmailAddress, EmployeeNo, IdNumber, Identity, ImIds, Member, MemberCardId,
    Memberships, Mobile, NewMember, OccupationCategory, PersonName, RegistrationStatus,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// 党员档案 (a member record), stored in `members.record`. The id and
/// version are columns of the row, not part of the document. Borrows the
/// record it is written from ([`MemberDocument::from_new`],
/// [`MemberDocument::from_member`]); a decoded document owns its parts.
///
/// ```
/// use dangjian::store::document::{self, MemberDocument};
/// # let json = include_str!("../../../tests/golden/member.json");
/// let doc: MemberDocument = document::decode(json, "members", 9)?;
/// assert_eq!(doc.identity.name.as_str(), "王磊");
/// # Ok::<(), dangjian::store::StoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDocument<'a> {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// Name and identity number.
    #[serde(rename = "identity")]
    pub identity: IdentityDocument<'a>,
    /// Contact details.
    #[serde(rename = "contact")]
    pub contact: ContactDocument<'a>,
    /// 职业类别 (occupation category), a tag such as `"in_service"`.
    #[serde(rename = "occupation")]
    pub occupation: OccupationDocument,
    /// Registration status (pending or approved with the card).
    #[serde(rename = "registration")]
    pub registration: RegistrationDocument<'a>,
    /// The lifecycle: `{"history": [..]}`, the dated transitions in order,
    /// in the serde form of [`Lifecycle`] (replayed and checked on read).
    #[serde(rename = "lifecycle")]
    pub lifecycle: Cow<'a, Lifecycle>,
    /// The memberships (home branch and since when, party group, online
    /// branches, mobile location, dual management, history), in the serde
    /// form of [`Memberships`].
    #[serde(rename = "memberships")]
    pub memberships: Cow<'a, Memberships>,
}

/// 姓名与身份证号 (name and identity number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityDocument<'a> {
    /// The name, as text.
    #[serde(rename = "name")]
    pub name: Cow<'a, PersonName>,
    /// The 18-character identity number (full, unmasked).
    #[serde(rename = "id_number")]
    pub id_number: Cow<'a, IdNumber>,
}

/// 联系方式 (contact details); every field is present, `null` when empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDocument<'a> {
    /// The mobile number (full, unmasked), or `null`.
    #[serde(rename = "mobile", deserialize_with = "required")]
    pub mobile: Option<Cow<'a, Mobile>>,
    /// The e-mail address, or `null`.
    #[serde(rename = "email", deserialize_with = "required")]
    pub email: Option<Cow<'a, EmailAddress>>,
    /// The employee number, or `null`.
    #[serde(rename = "employee_no", deserialize_with = "required")]
    pub employee_no: Option<Cow<'a, EmployeeNo>>,
    /// Messaging ids; `{}` when there are none.
    #[serde(rename = "im")]
    pub im: ImIdsDocument<'a>,
    /// Preferred channels in order (`"email"`, `"wecom"`, `"dingtalk"`,
    /// `"feishu"`, `"sms"`, `"oa"`); absent when none.
    #[serde(rename = "channels", default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<super::ChannelDocument>,
    /// Tags, each `{"org": <id>, "name": "…"}`; absent when none.
    #[serde(rename = "tags", default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagDocument<'a>>,
}

/// A tag: the defining organisation and the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagDocument<'a> {
    /// The organisation's id.
    #[serde(rename = "org")]
    pub org: u64,
    /// The name.
    #[serde(rename = "name")]
    pub name: Cow<'a, str>,
}

/// Messaging ids: each key only when set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImIdsDocument<'a> {
    /// 企业微信 user id.
    #[serde(rename = "wecom", default, skip_serializing_if = "Option::is_none")]
    pub wecom: Option<Cow<'a, str>>,
    /// 钉钉 user id.
    #[serde(rename = "dingtalk", default, skip_serializing_if = "Option::is_none")]
    pub dingtalk: Option<Cow<'a, str>>,
    /// 飞书 user id.
    #[serde(rename = "feishu", default, skip_serializing_if = "Option::is_none")]
    pub feishu: Option<Cow<'a, str>>,
}

/// 职业类别 (occupation category), stored as its tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OccupationDocument {
    /// `"in_service"`: 在职.
    #[serde(rename = "in_service")]
    InService,
    /// `"retiree"`: 离退休.
    #[serde(rename = "retiree")]
    Retiree,
    /// `"farmer"`: 农民.
    #[serde(rename = "farmer")]
    Farmer,
    /// `"student"`: 学生.
    #[serde(rename = "student")]
    Student,
    /// `"unemployed"`: 下岗失业.
    #[serde(rename = "unemployed")]
    Unemployed,
    /// `"minimum_allowance"`: 领取最低生活保障.
    #[serde(rename = "minimum_allowance")]
    MinimumAllowance,
    /// `"other_income"`: 其他收入.
    #[serde(rename = "other_income")]
    OtherIncome,
    /// `"annual_salary"`: 实行年薪制.
    #[serde(rename = "annual_salary")]
    AnnualSalary,
    /// `"self_employed"`: 无固定月收入.
    #[serde(rename = "self_employed")]
    SelfEmployed,
    /// `"survivor_relief"`: 依靠抚恤或救济生活.
    #[serde(rename = "survivor_relief")]
    SurvivorRelief,
}

impl From<OccupationCategory> for OccupationDocument {
    fn from(o: OccupationCategory) -> Self {
        match o {
            OccupationCategory::InService => Self::InService,
            OccupationCategory::Retiree => Self::Retiree,
            OccupationCategory::Farmer => Self::Farmer,
            OccupationCategory::Student => Self::Student,
            OccupationCategory::Unemployed => Self::Unemployed,
            OccupationCategory::MinimumAllowance => Self::MinimumAllowance,
            OccupationCategory::OtherIncome => Self::OtherIncome,
            OccupationCategory::AnnualSalary => Self::AnnualSalary,
            OccupationCategory::SelfEmployed => Self::SelfEmployed,
            OccupationCategory::SurvivorRelief => Self::SurvivorRelief,
        }
    }
}

impl From<OccupationDocument> for OccupationCategory {
    fn from(o: OccupationDocument) -> Self {
        match o {
            OccupationDocument::InService => Self::InService,
            OccupationDocument::Retiree => Self::Retiree,
            OccupationDocument::Farmer => Self::Farmer,
            OccupationDocument::Student => Self::Student,
            OccupationDocument::Unemployed => Self::Unemployed,
            OccupationDocument::MinimumAllowance => Self::MinimumAllowance,
            OccupationDocument::OtherIncome => Self::OtherIncome,
            OccupationDocument::AnnualSalary => Self::AnnualSalary,
            OccupationDocument::SelfEmployed => Self::SelfEmployed,
            OccupationDocument::SurvivorRelief => Self::SurvivorRelief,
        }
    }
}

/// 登记状态 (registration status), tagged by `"status"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status")]
pub enum RegistrationDocument<'a> {
    /// `"pending"`: submitted, awaiting approval.
    #[serde(rename = "pending")]
    Pending {
        /// The day it was submitted.
        #[serde(rename = "submitted_on")]
        submitted_on: NaiveDate,
    },
    /// `"approved"`: approved, with the member card issued.
    #[serde(rename = "approved")]
    Approved {
        /// The day of approval.
        #[serde(rename = "approved_on")]
        approved_on: NaiveDate,
        /// The member card id (20 characters).
        #[serde(rename = "card")]
        card: Cow<'a, MemberCardId>,
    },
}

impl<'a> From<&'a RegistrationStatus> for RegistrationDocument<'a> {
    fn from(r: &'a RegistrationStatus) -> Self {
        match r {
            RegistrationStatus::Pending { submitted_on } => Self::Pending {
                submitted_on: *submitted_on,
            },
            RegistrationStatus::Approved { approved_on, card } => Self::Approved {
                approved_on: *approved_on,
                card: Cow::Borrowed(card),
            },
        }
    }
}

impl From<RegistrationDocument<'_>> for RegistrationStatus {
    fn from(r: RegistrationDocument<'_>) -> Self {
        match r {
            RegistrationDocument::Pending { submitted_on } => Self::Pending { submitted_on },
            RegistrationDocument::Approved { approved_on, card } => Self::Approved {
                approved_on,
                card: card.into_owned(),
            },
        }
    }
}

impl<'a> MemberDocument<'a> {
    #[allow(clippy::too_many_arguments)]
    fn from_parts(
        identity: &'a Identity,
        contact: &'a Contact,
        occupation: OccupationCategory,
        registration: &'a RegistrationStatus,
        lifecycle: &'a Lifecycle,
        memberships: &'a Memberships,
    ) -> Self {
        Self {
            format: FORMAT,
            identity: IdentityDocument {
                name: Cow::Borrowed(&identity.name),
                id_number: Cow::Borrowed(&identity.id_number),
            },
            contact: ContactDocument {
                mobile: contact.mobile.as_ref().map(Cow::Borrowed),
                email: contact.email.as_ref().map(Cow::Borrowed),
                employee_no: contact.employee_no.as_ref().map(Cow::Borrowed),
                im: ImIdsDocument {
                    wecom: contact.im.wecom.as_deref().map(Cow::Borrowed),
                    dingtalk: contact.im.dingtalk.as_deref().map(Cow::Borrowed),
                    feishu: contact.im.feishu.as_deref().map(Cow::Borrowed),
                },
                channels: contact
                    .channels
                    .iter()
                    .map(|c| super::ChannelDocument::from_domain(*c))
                    .collect(),
                tags: contact
                    .tags
                    .iter()
                    .map(|t| TagDocument {
                        org: t.org().get(),
                        name: Cow::Borrowed(t.name()),
                    })
                    .collect(),
            },
            occupation: occupation.into(),
            registration: registration.into(),
            lifecycle: Cow::Borrowed(lifecycle),
            memberships: Cow::Borrowed(memberships),
        }
    }

    /// The document of a record about to be inserted (borrowed, no copy).
    pub fn from_new(m: &'a NewMember) -> Self {
        Self::from_parts(
            &m.identity,
            &m.contact,
            m.occupation,
            &m.registration,
            &m.lifecycle,
            &m.memberships,
        )
    }

    /// The document of a stored record (borrowed; its id and version are
    /// the row's columns).
    pub fn from_member(m: &'a Member) -> Self {
        Self::from_parts(
            &m.identity,
            &m.contact,
            m.occupation,
            &m.registration,
            &m.lifecycle,
            &m.memberships,
        )
    }
}

impl Document for MemberDocument<'static> {
    type Domain = NewMember;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<NewMember, DocumentError> {
        let c = self.contact;
        Ok(NewMember {
            identity: Identity {
                name: self.identity.name.into_owned(),
                id_number: self.identity.id_number.into_owned(),
            },
            contact: Contact {
                mobile: c.mobile.map(Cow::into_owned),
                email: c.email.map(Cow::into_owned),
                employee_no: c.employee_no.map(Cow::into_owned),
                im: ImIds {
                    wecom: c.im.wecom.map(Cow::into_owned),
                    dingtalk: c.im.dingtalk.map(Cow::into_owned),
                    feishu: c.im.feishu.map(Cow::into_owned),
                },
                channels: c
                    .channels
                    .into_iter()
                    .map(super::ChannelDocument::into_domain)
                    .collect(),
                tags: c
                    .tags
                    .into_iter()
                    .map(|t| {
                        crate::member::Tag::new(crate::OrgId::new(t.org), &t.name)
                            .map_err(|e| DocumentError::new(format!("contact.tags: {e}")))
                    })
                    .collect::<Result<_, _>>()?,
            },
            occupation: self.occupation.into(),
            registration: self.registration.into(),
            lifecycle: self.lifecycle.into_owned(),
            memberships: self.memberships.into_owned(),
        })
    }
}
