//! The dues profile (`dues_profiles.record`) and the self-departure case
//! (`dues_cases.record`).

use super::{Document, DocumentError, FORMAT};
use crate::dues::{
    CaseStatus, DuesProfile, IncomeDeclaration, Money, Month, MonthRange, SelfDepartureCase,
};
use crate::{CaseId, MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A range of months, both ends included; `first` is not after `last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthRangeDocument {
    /// The first month (`YYYY-MM`).
    #[serde(rename = "first")]
    pub first: Month,
    /// The last month (`YYYY-MM`).
    #[serde(rename = "last")]
    pub last: Month,
}

impl From<MonthRange> for MonthRangeDocument {
    fn from(r: MonthRange) -> Self {
        Self {
            first: r.first,
            last: r.last,
        }
    }
}

impl MonthRangeDocument {
    /// The range, checked.
    ///
    /// # Errors
    /// [`DocumentError`] when `last` is before `first`.
    pub fn into_domain(self) -> Result<MonthRange, DocumentError> {
        MonthRange::new(self.first, self.last).map_err(DocumentError::new)
    }
}

/// 党费档案 (a member's dues profile), stored in `dues_profiles.record`
/// (keyed by `member_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuesProfileDocument<'a> {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// The member.
    #[serde(rename = "member")]
    pub member: MemberId,
    /// The first month dues are owed (`YYYY-MM`).
    #[serde(rename = "pays_from")]
    pub pays_from: Month,
    /// The income declarations, oldest first, in the serde form of
    /// [`IncomeDeclaration`] (`from`, `category`, `income` tagged by
    /// `"type"` with decimal strings); validated on read.
    #[serde(rename = "declarations")]
    pub declarations: Cow<'a, [IncomeDeclaration]>,
}

impl<'a> DuesProfileDocument<'a> {
    /// The document of a profile (borrowed, no copy).
    pub fn from_domain(p: &'a DuesProfile) -> Self {
        Self {
            format: FORMAT,
            member: p.member,
            pays_from: p.pays_from,
            declarations: Cow::Borrowed(p.declarations()),
        }
    }
}

impl Document for DuesProfileDocument<'static> {
    type Domain = DuesProfile;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<DuesProfile, DocumentError> {
        let mut p = DuesProfile::new(self.member, self.pays_from);
        for d in self.declarations.into_owned() {
            p.declare(d).map_err(DocumentError::new)?;
        }
        Ok(p)
    }
}

/// 自行脱党案件 (a self-departure case after six unpaid months), stored in
/// `dues_cases.record`; the row's `id` and `status` columns must agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartureCaseDocument<'a> {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// The id as written (0); the row's `id` column replaces it on read.
    #[serde(rename = "id")]
    pub id: CaseId,
    /// The member.
    #[serde(rename = "member")]
    pub member: MemberId,
    /// The branch that handles the case.
    #[serde(rename = "branch")]
    pub branch: OrgId,
    /// The day it was opened.
    #[serde(rename = "opened_on")]
    pub opened_on: NaiveDate,
    /// The unpaid months.
    #[serde(rename = "months")]
    pub months: MonthRangeDocument,
    /// The amount owed (decimal string).
    #[serde(rename = "owed")]
    pub owed: Money,
    /// Open or how it was closed.
    #[serde(rename = "status")]
    pub status: CaseStatusDocument<'a>,
}

/// A case's status, tagged by `"type"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum CaseStatusDocument<'a> {
    /// `"open"`.
    #[serde(rename = "open")]
    Open,
    /// `"justified"`: closed, with a proper reason.
    #[serde(rename = "justified")]
    Justified {
        /// The reason.
        #[serde(rename = "reason")]
        reason: Cow<'a, str>,
        /// The day of the decision.
        #[serde(rename = "on")]
        on: NaiveDate,
    },
    /// `"passed_to_decision"`: passed to the branch assembly.
    #[serde(rename = "passed_to_decision")]
    PassedToDecision {
        /// The day of the decision.
        #[serde(rename = "on")]
        on: NaiveDate,
    },
}

impl<'a> DepartureCaseDocument<'a> {
    /// The document of a case (borrowed, no copy).
    pub fn from_domain(c: &'a SelfDepartureCase) -> Self {
        Self {
            format: FORMAT,
            id: c.id,
            member: c.member,
            branch: c.branch,
            opened_on: c.opened_on,
            months: c.months.into(),
            owed: c.owed,
            status: match &c.status {
                CaseStatus::Open => CaseStatusDocument::Open,
                CaseStatus::Justified { reason, on } => CaseStatusDocument::Justified {
                    reason: Cow::Borrowed(reason),
                    on: *on,
                },
                CaseStatus::PassedToDecision { on } => {
                    CaseStatusDocument::PassedToDecision { on: *on }
                }
            },
        }
    }
}

impl Document for DepartureCaseDocument<'static> {
    type Domain = SelfDepartureCase;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<SelfDepartureCase, DocumentError> {
        Ok(SelfDepartureCase {
            id: self.id,
            member: self.member,
            branch: self.branch,
            opened_on: self.opened_on,
            months: self.months.into_domain()?,
            owed: self.owed,
            status: match self.status {
                CaseStatusDocument::Open => CaseStatus::Open,
                CaseStatusDocument::Justified { reason, on } => CaseStatus::Justified {
                    reason: reason.into_owned(),
                    on,
                },
                CaseStatusDocument::PassedToDecision { on } => CaseStatus::PassedToDecision { on },
            },
        })
    }
}
