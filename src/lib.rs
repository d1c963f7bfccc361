#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

#[macro_use]
mod checked_serde;

pub mod access;
pub mod adapters;
pub mod clock;
pub mod discipline;
pub mod disclosure;
pub mod dues;
pub mod election;
mod error;
pub mod ids;
pub mod lifecycle;
pub mod mailbox;
pub mod member;
pub mod notify;
pub mod office;
pub mod org;
pub mod period;
pub mod prelude;
pub mod record;
#[cfg(feature = "roster")]
#[cfg_attr(docsrs, doc(cfg(feature = "roster")))]
pub mod roster;
pub mod rules;
pub mod service;
pub mod store;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod text;

pub use error::{Entity, Error, ErrorKind, Result};
pub use ids::{ApplicationId, DecisionId, ItemId, MessageId};
pub use ids::{CaseId, JournalId, MemberId, OrgId, RecordId};
pub use service::{Dangjian, RuleBook, Session};
