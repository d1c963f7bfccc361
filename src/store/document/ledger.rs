//! Ledger entries (`dues_ledger.entry`).

use super::dues::MonthRangeDocument;
use super::{Document, DocumentError, FORMAT};
use crate::dues::{EntryId, ExternalPaymentId, LedgerEntryKind, Money, Month, Relief, ReliefKind};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// 党费台账条目 (a dues ledger entry), stored in `dues_ledger.entry`:
/// `"format"` first, then the body tagged by `"type"`. The entry's id,
/// branch and recording day are columns of the row; the amount column
/// repeats the entry's amount and must agree with it.
///
/// ```
/// use dangjian::store::document::{self, LedgerEntryBody, LedgerEntryDocument};
/// let json = r#"{"format":1,"type":"allocation","member":1,"payment":9,"month":"2024-01","amount":"12.50"}"#;
/// let doc: LedgerEntryDocument = document::decode(json, "dues_ledger", 10)?;
/// assert!(matches!(doc.entry, LedgerEntryBody::Allocation { .. }));
/// # Ok::<(), dangjian::store::StoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntryDocument<'a> {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// The entry, its fields beside `"format"`.
    #[serde(flatten)]
    pub entry: LedgerEntryBody<'a>,
}

/// The kinds of ledger entry, tagged by `"type"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum LedgerEntryBody<'a> {
    /// `"assessment"`: 应交 (the amount due for a month).
    #[serde(rename = "assessment")]
    Assessment {
        /// The member.
        #[serde(rename = "member")]
        member: MemberId,
        /// The month (`YYYY-MM`).
        #[serde(rename = "month")]
        month: Month,
        /// The amount due (decimal string, yuan).
        #[serde(rename = "amount")]
        amount: Money,
        /// The rule version that computed it (such as `"dues-2017"`).
        #[serde(rename = "rule_version")]
        rule_version: Cow<'a, str>,
    },
    /// `"payment"`: 实交 (money received).
    #[serde(rename = "payment")]
    Payment {
        /// The member.
        #[serde(rename = "member")]
        member: MemberId,
        /// The external payment id (unique across the ledger).
        #[serde(rename = "payment_id")]
        payment_id: Cow<'a, ExternalPaymentId>,
        /// The amount received (decimal string, yuan).
        #[serde(rename = "amount")]
        amount: Money,
        /// Of it, voluntary extra dues (decimal string).
        #[serde(rename = "voluntary")]
        voluntary: Money,
        /// Whether the voluntary part (≥ 1000 yuan) goes to the centre.
        #[serde(rename = "forward_to_central")]
        forward_to_central: bool,
        /// The day the money was received.
        #[serde(rename = "received_on")]
        received_on: NaiveDate,
    },
    /// `"allocation"`: part of a payment set against a month.
    #[serde(rename = "allocation")]
    Allocation {
        /// The member.
        #[serde(rename = "member")]
        member: MemberId,
        /// The payment entry's id.
        #[serde(rename = "payment")]
        payment: EntryId,
        /// The month paid (`YYYY-MM`).
        #[serde(rename = "month")]
        month: Month,
        /// The amount set against it (decimal string).
        #[serde(rename = "amount")]
        amount: Money,
    },
    /// `"reversal"`: 冲正 (cancels an entry).
    #[serde(rename = "reversal")]
    Reversal {
        /// The member.
        #[serde(rename = "member")]
        member: MemberId,
        /// The id of the entry cancelled.
        #[serde(rename = "reverses")]
        reverses: EntryId,
        /// Why.
        #[serde(rename = "reason")]
        reason: Cow<'a, str>,
    },
    /// `"exemption"`: 减免 (a reduction or exemption).
    #[serde(rename = "exemption")]
    Exemption {
        /// The relief granted.
        #[serde(rename = "relief")]
        relief: ReliefDocument<'a>,
    },
}

/// A reduction or exemption as granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReliefDocument<'a> {
    /// The member.
    #[serde(rename = "member")]
    pub member: MemberId,
    /// Exemption or reduction.
    #[serde(rename = "kind")]
    pub kind: ReliefKindDocument,
    /// The months covered, `{"first": "YYYY-MM", "last": "YYYY-MM"}`.
    #[serde(rename = "months")]
    pub months: MonthRangeDocument,
    /// The reason.
    #[serde(rename = "reason")]
    pub reason: Cow<'a, str>,
    /// The day requested.
    #[serde(rename = "requested_on")]
    pub requested_on: NaiveDate,
    /// The day the branch approved it.
    #[serde(rename = "approved_on")]
    pub approved_on: NaiveDate,
    /// The approving branch.
    #[serde(rename = "approved_by")]
    pub approved_by: OrgId,
    /// The higher committee it was reported to.
    #[serde(rename = "reported_to")]
    pub reported_to: OrgId,
    /// The day it was reported.
    #[serde(rename = "reported_on")]
    pub reported_on: NaiveDate,
}

/// 免交 or 减交, tagged by `"type"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ReliefKindDocument {
    /// `"exemption"`: nothing is due.
    #[serde(rename = "exemption")]
    Exemption,
    /// `"reduction"`: the member pays `pays` a month instead.
    #[serde(rename = "reduction")]
    Reduction {
        /// The reduced monthly amount (decimal string).
        #[serde(rename = "pays")]
        pays: Money,
    },
}

impl<'a> LedgerEntryDocument<'a> {
    /// The document of an entry's kind (borrowed, no copy).
    pub fn from_domain(kind: &'a LedgerEntryKind) -> Self {
        let entry = match kind {
            LedgerEntryKind::Assessment {
                member,
                month,
                amount,
                rule_version,
            } => LedgerEntryBody::Assessment {
                member: *member,
                month: *month,
                amount: *amount,
                rule_version: Cow::Borrowed(rule_version),
            },
            LedgerEntryKind::Payment {
                member,
                payment_id,
                amount,
                voluntary,
                forward_to_central,
                received_on,
            } => LedgerEntryBody::Payment {
                member: *member,
                payment_id: Cow::Borrowed(payment_id),
                amount: *amount,
                voluntary: *voluntary,
                forward_to_central: *forward_to_central,
                received_on: *received_on,
            },
            LedgerEntryKind::Allocation {
                member,
                payment,
                month,
                amount,
            } => LedgerEntryBody::Allocation {
                member: *member,
                payment: *payment,
                month: *month,
                amount: *amount,
            },
            LedgerEntryKind::Reversal {
                member,
                reverses,
                reason,
            } => LedgerEntryBody::Reversal {
                member: *member,
                reverses: *reverses,
                reason: Cow::Borrowed(reason),
            },
            LedgerEntryKind::Exemption { relief } => LedgerEntryBody::Exemption {
                relief: ReliefDocument {
                    member: relief.member,
                    kind: match relief.kind {
                        ReliefKind::Exemption => ReliefKindDocument::Exemption,
                        ReliefKind::Reduction { pays } => ReliefKindDocument::Reduction { pays },
                    },
                    months: relief.months.into(),
                    reason: Cow::Borrowed(&relief.reason),
                    requested_on: relief.requested_on,
                    approved_on: relief.approved_on,
                    approved_by: relief.approved_by,
                    reported_to: relief.reported_to,
                    reported_on: relief.reported_on,
                },
            },
        };
        Self {
            format: FORMAT,
            entry,
        }
    }
}

impl Document for LedgerEntryDocument<'static> {
    type Domain = LedgerEntryKind;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<LedgerEntryKind, DocumentError> {
        Ok(match self.entry {
            LedgerEntryBody::Assessment {
                member,
                month,
                amount,
                rule_version,
            } => LedgerEntryKind::Assessment {
                member,
                month,
                amount,
                rule_version: rule_version.into_owned(),
            },
            LedgerEntryBody::Payment {
                member,
                payment_id,
                amount,
                voluntary,
                forward_to_central,
                received_on,
            } => LedgerEntryKind::Payment {
                member,
                payment_id: payment_id.into_owned(),
                amount,
                voluntary,
                forward_to_central,
                received_on,
            },
            LedgerEntryBody::Allocation {
                member,
                payment,
                month,
                amount,
            } => LedgerEntryKind::Allocation {
                member,
                payment,
                month,
                amount,
            },
            LedgerEntryBody::Reversal {
                member,
                reverses,
                reason,
            } => LedgerEntryKind::Reversal {
                member,
                reverses,
                reason: reason.into_owned(),
            },
            LedgerEntryBody::Exemption { relief: r } => LedgerEntryKind::Exemption {
                relief: Relief {
                    member: r.member,
                    kind: match r.kind {
                        ReliefKindDocument::Exemption => ReliefKind::Exemption,
                        ReliefKindDocument::Reduction { pays } => ReliefKind::Reduction { pays },
                    },
                    months: r.months.into_domain()?,
                    reason: r.reason.into_owned(),
                    requested_on: r.requested_on,
                    approved_on: r.approved_on,
                    approved_by: r.approved_by,
                    reported_to: r.reported_to,
                    reported_on: r.reported_on,
                },
            },
        })
    }
}
