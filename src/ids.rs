//! 标识 (identifiers): typed ids for the records the library keeps.
//!
//! Every id is a `Copy` newtype over `u64`, serialized as a bare number
//! (`#[serde(transparent)]`), so an organisation id can never be passed where
//! a member id is expected. Ids are assigned by the store when a record is
//! first written; they carry no meaning beyond identity.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $prefix:literal) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(u64);

        impl $name {
            /// Wraps a raw id, as read from storage.
            pub const fn new(raw: u64) -> Self {
                Self(raw)
            }

            /// The raw number, as written to storage.
            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}#{}", $prefix, self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}#{}", $prefix, self.0)
            }
        }

        impl From<u64> for $name {
            fn from(raw: u64) -> Self {
                Self(raw)
            }
        }
    };
}

id_type!(
    /// 组织标识: the id of an organisation (committee, general branch, branch
    /// or party group).
    ///
    /// ```
    /// use dangjian::OrgId;
    /// let id = OrgId::new(7);
    /// assert_eq!(id.get(), 7);
    /// assert_eq!(id.to_string(), "org#7");
    /// ```
    OrgId,
    "org"
);

id_type!(
    /// 党员标识: the id of a person's record (一人一档), from applicant to
    /// full member and beyond.
    ///
    /// ```
    /// use dangjian::MemberId;
    /// assert_eq!(MemberId::new(3).to_string(), "member#3");
    /// ```
    MemberId,
    "member"
);

id_type!(
    /// 活动证记录标识: the id of one entry in a member's electronic
    /// activity record.
    ///
    /// ```
    /// use dangjian::RecordId;
    /// assert_eq!(RecordId::new(1).get(), 1);
    /// ```
    RecordId,
    "record"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_bare_numbers() {
        let json = serde_json::to_string(&MemberId::new(42)).unwrap_or_default();
        assert_eq!(json, "42");
        let back: MemberId = serde_json::from_str(&json).unwrap_or(MemberId::new(0));
        assert_eq!(back, MemberId::new(42));
    }

    #[test]
    fn debug_names_the_kind() {
        assert_eq!(format!("{:?}", OrgId::new(5)), "org#5");
    }
}

id_type!(
    /// 自行脱党案件标识: the id of a self-departure case opened by the
    /// arrears scan.
    ///
    /// ```
    /// use dangjian::CaseId;
    /// assert_eq!(CaseId::new(4).to_string(), "case#4");
    /// ```
    CaseId,
    "case"
);

id_type!(
    /// 流水标识: the id of a journal entry (outbox, audit, points streams),
    /// increasing in the order the store committed them.
    ///
    /// ```
    /// use dangjian::JournalId;
    /// assert_eq!(JournalId::new(9).to_string(), "journal#9");
    /// ```
    JournalId,
    "journal"
);

id_type!(
    /// 奖惩决定标识: the id of a reward, sanction or detention record
    /// ([`crate::discipline::Decision`]).
    ///
    /// ```
    /// use dangjian::DecisionId;
    /// assert_eq!(DecisionId::new(2).to_string(), "decision#2");
    /// ```
    DecisionId,
    "decision"
);

id_type!(
    /// 消息标识: the id of a message in the notification outbox
    /// ([`crate::notify::StoredMessage`]), increasing in the order the
    /// store enqueued them.
    ///
    /// ```
    /// use dangjian::MessageId;
    /// assert_eq!(MessageId::new(3).to_string(), "message#3");
    /// ```
    MessageId,
    "message"
);

id_type!(
    /// 公开事项标识: the id of an item of the disclosure catalogue
    /// ([`crate::disclosure::Item`]).
    ///
    /// ```
    /// use dangjian::ItemId;
    /// assert_eq!(ItemId::new(4).to_string(), "item#4");
    /// ```
    ItemId,
    "item"
);

id_type!(
    /// 依申请公开申请标识: the id of a member's application for disclosure
    /// ([`crate::disclosure::Application`]).
    ///
    /// ```
    /// use dangjian::ApplicationId;
    /// assert_eq!(ApplicationId::new(2).to_string(), "application#2");
    /// ```
    ApplicationId,
    "application"
);
