//! 花名册行 (roster rows): one person of an import batch, as a builder.

use crate::OrgId;
use crate::lifecycle::{ImportDetails, ImportOverride, ImportedStage, Introducer};
use crate::member::{
    Contact, EmailAddress, EmployeeNo, IdNumber, ImIds, Mobile, OccupationCategory,
    PastMemberships, PersonName,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 花名册行 (roster row): one person of an import batch — identity, home
/// branch since a date, the stage reached, and whatever else the paper
/// record or spreadsheet bears. Occupation is given once, here (it decides
/// dues; a later dues income declaration carries its own category for its
/// months).
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::lifecycle::{ImportedStage, Introducer};
/// use dangjian::member::{OccupationCategory, RosterRow};
/// use dangjian::OrgId;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let row = RosterRow::new(
///     "张三".parse()?,
///     "11010519491231002X".parse()?,
///     OrgId::new(2),
///     d(2001, 3, 1),
///     ImportedStage::Full { joined_on: d(1980, 1, 1), full_since: d(1981, 1, 1) },
/// )
/// .online(OrgId::new(3), d(2019, 5, 4))
/// .mobile("13800138000".parse()?)
/// .occupation(OccupationCategory::Retiree)
/// .introduced_by(Introducer::External("李四".parse()?), "110101199003074477".parse::<dangjian::member::IdNumber>()?);
/// assert_eq!(row.id_number().as_str(), "11010519491231002X");
/// assert!(!format!("{row:?}").contains("11010519491231002X"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    pub(super) name: PersonName,
    pub(super) id_number: IdNumber,
    pub(super) memberships: PastMemberships,
    pub(super) stage: ImportedStage,
    pub(super) details: ImportDetails,
    pub(super) contact: Contact,
    pub(super) occupation: OccupationCategory,
    pub(super) guard_override: Option<ImportOverride>,
}

impl RosterRow {
    /// A row: the person, the home branch holding the relationship since
    /// `home_since`, and the stage reached. Occupation defaults to in
    /// service, as in a registration.
    pub fn new(
        name: PersonName,
        id_number: IdNumber,
        home: OrgId,
        home_since: NaiveDate,
        stage: ImportedStage,
    ) -> Self {
        Self {
            name,
            id_number,
            memberships: PastMemberships::new(home, home_since),
            stage,
            details: ImportDetails::default(),
            contact: Contact::default(),
            occupation: OccupationCategory::InService,
            guard_override: None,
        }
    }

    /// 网上党支部: joined online branch `org` on `since` (any date, before
    /// the home branch too; not after today nor before birth).
    pub fn online(mut self, org: OrgId, since: NaiveDate) -> Self {
        self.memberships.online.push((org, since));
        self
    }

    /// 党小组: in party group `org` of the home branch since `since`.
    pub fn group(mut self, org: OrgId, since: NaiveDate) -> Self {
        self.memberships.group = Some((org, since));
        self
    }

    /// 手机号.
    pub fn mobile(mut self, mobile: Mobile) -> Self {
        self.contact.mobile = Some(mobile);
        self
    }

    /// 电子邮箱.
    pub fn email(mut self, email: EmailAddress) -> Self {
        self.contact.email = Some(email);
        self
    }

    /// 工号: the OA login key (unique in a store and in the batch).
    pub fn employee_no(mut self, no: EmployeeNo) -> Self {
        self.contact.employee_no = Some(no);
        self
    }

    /// The user ids in WeCom, DingTalk and Feishu.
    pub fn im(mut self, im: ImIds) -> Self {
        self.contact.im = im;
        self
    }

    /// 职业类别: decides dues (given once, here).
    pub fn occupation(mut self, occupation: OccupationCategory) -> Self {
        self.occupation = occupation;
        self
    }

    /// 档案其他记载: the earlier steps' dates, a member's introducers and
    /// extension, all at once (replacing what was set).
    pub fn details(mut self, details: ImportDetails) -> Self {
        self.details = details;
        self
    }

    /// 申请日: the application date of a later-stage record (the age guard
    /// then applies on it).
    pub fn applied_on(mut self, on: NaiveDate) -> Self {
        self.details.applied_on = Some(on);
        self
    }

    /// 确定为积极分子日: the activist date of a development target or
    /// member (the activist period is then checked against the listing).
    pub fn activist_since(mut self, on: NaiveDate) -> Self {
        self.details.activist_since = Some(on);
        self
    }

    /// 列为发展对象日: a member's listing date (the introducers must be
    /// full members on it).
    pub fn target_since(mut self, on: NaiveDate) -> Self {
        self.details.target_since = Some(on);
        self
    }

    /// 已延长预备期: a full member's probation was extended once.
    pub fn probation_extended(mut self) -> Self {
        self.details.probation_extended = true;
        self
    }

    /// 入党介绍人: the record's two introducers — a development target's
    /// (replacing those in its stage) or a probationary or full member's.
    /// An identity number ([`Introducer::ByIdNumber`], or an [`IdNumber`]
    /// directly) names a row of the same batch or a stored member; a
    /// [`PersonName`] ([`Introducer::External`]) names someone outside the
    /// platform. A bare member id ([`Introducer::Member`]) is unknown to
    /// the planner, which finds stored members by identity number only:
    /// it is refused as unknown. An applicant or activist has none: the
    /// planner refuses them
    /// ([`TransitionError::ImportDetailNotApplicable`](
    /// crate::lifecycle::TransitionError::ImportDetailNotApplicable)).
    pub fn introduced_by(mut self, a: impl Into<Introducer>, b: impl Into<Introducer>) -> Self {
        let pair = [a.into(), b.into()];
        match &mut self.stage {
            ImportedStage::DevelopmentTarget { introducers, .. } => *introducers = pair,
            _ => self.details.introducers = Some(pair),
        }
        self
    }

    /// 破格导入: import despite a broken rule figure (age, activist period,
    /// probation length or extension), for the recorded reason.
    pub fn override_guards(mut self, guard_override: ImportOverride) -> Self {
        self.guard_override = Some(guard_override);
        self
    }

    /// 身份证号: the row's key in the batch and the store (一人一档).
    pub fn id_number(&self) -> &IdNumber {
        &self.id_number
    }

    /// The home branch the row lands in.
    pub fn home(&self) -> crate::OrgId {
        self.memberships.home
    }

    /// 姓名.
    pub fn name(&self) -> &PersonName {
        &self.name
    }

    /// The stage reached.
    pub fn stage(&self) -> &ImportedStage {
        &self.stage
    }

    /// The details of the record.
    pub fn record_details(&self) -> &ImportDetails {
        &self.details
    }

    /// 工号, as text (the service checks it against stored records).
    #[cfg(feature = "roster")]
    pub(crate) fn contact_employee_no(&self) -> Option<&str> {
        self.contact.employee_no.as_ref().map(|n| n.as_str())
    }

    /// The memberships with their dates.
    pub fn memberships(&self) -> &PastMemberships {
        &self.memberships
    }
}
