#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing))]

pub mod clock;
pub mod ids;
pub mod lifecycle;
pub mod member;
pub mod org;
pub mod period;
pub mod rules;

pub use ids::{MemberId, OrgId, RecordId};
