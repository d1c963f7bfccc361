//! 班子成员 (office holders): who holds which post (书记, 副书记, 委员 and
//! their portfolio) in which organisation, from which date, for which term.
//! [Branch 2018 Art. 20; Election 2020 Art. 4; `docs/RULES.md` OFF-1 …
//! OFF-6]
//!
//! Office holders come from a closed election's result
//! ([`ConfirmElection`]) or from an appointment by the higher committee
//! ([`Appoint`]). The term end is computed from the rule version in force
//! on the first day ([`term_end`]), and [`review`] reports what a
//! higher committee checks: an overdue election (换届), a committee of the
//! wrong size, a committee where a secretary alone is the rule, an
//! organisation with no secretary. Everything here is pure.
//!
//! ```
//! use chrono::NaiveDate;
//! use dangjian::election::rules_2020;
//! use dangjian::office::term_end;
//! use dangjian::org::{BranchForm, OrgKind};
//! let from = NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
//! let branch = OrgKind::Branch(BranchForm::Physical);
//! assert_eq!(term_end(&branch, from, &rules_2020())?, NaiveDate::from_ymd_opt(2024, 6, 30).unwrap());
//! assert_eq!(term_end(&OrgKind::GrassrootsCommittee, from, &rules_2020())?, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
//! # Ok::<(), dangjian::office::OfficeError>(())
//! ```

mod error;
mod holder;
mod request;
mod review;

#[cfg(test)]
mod tests;

pub use error::OfficeError;
pub use holder::{
    InstallOffices, NewOfficeHolder, OfficeHolder, OfficeId, Portfolio, Post, Source,
};
pub use request::{Appoint, ConfirmElection};
pub use review::{OfficeFinding, OfficeReport, check_committee_size, review, term_end};
