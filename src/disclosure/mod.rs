//! 党务公开 (disclosure of party affairs): the catalogue of items, the
//! classes that keep secrets out, the scopes and channels, the workflow of
//! Disclosure 2017 Art. 15, members' applications (依申请公开), publicity
//! notices (公示) with their periods and objections, and the published
//! feed.
//!
//! The one hard rule is 公开信息不涉密，涉密信息不公开: public information
//! is never classified, classified information is never public, and
//! classified items never go online. It holds by construction:
//!
//! - an item's [`Body`] is one of three classes. Only [`Body::Disclosable`]
//!   has a [`Plan`] (a scope and channels) and a [`Stage`]; a 不宜公开
//!   item holds its content and nothing to publish it with; a classified
//!   item holds no content at all, only its title, class and organisation;
//! - [`Stage::Published`] carries the [`Review`] and [`Approval`] it came
//!   through, and only [`Item::publish`] builds it, from
//!   [`Stage::Approved`], which only [`Item::approve`] builds from
//!   [`Stage::Reviewed`];
//! - a review that finds the content classified drops it;
//! - a [`Plan`] cannot hold a channel that reaches further than its scope,
//!   and what a reader sees ([`reaches`]) is decided by the scope alone.
//!
//! The pure parts live here; the service is
//! [`crate::service::DisclosureHandle`] (`session.disclosure()`), and the
//! storage [`crate::store::DisclosureStore`]. `docs/RULES.md` DISC-1 …
//! DISC-14.

mod application;
mod error;
mod feed;
mod item;
mod publicity;
mod reader;
mod request;
mod workflow;

#[cfg(test)]
mod tests;

pub use crate::ids::{ApplicationId, ItemId};
pub use application::{
    Application, ApplicationRules, ApplicationState, ApplicationStatus, Decision, NewApplication,
};
pub use error::DisclosureError;
pub use feed::{FeedInfo, atom_feed};
pub use item::{
    Audience, Content, ItemKind, MAX_CONTENT_CHARS, MAX_NAMED, MAX_TITLE_CHARS, Plan, Reach, Scope,
    Title,
};
pub use publicity::{
    Finding, Objection, Publicity, PublicityRule, PublicityRules, Purpose, Resolution,
};
pub use reader::{Reader, reaches};
pub use request::{
    Apply, Approve, DecideApplication, ExtendApplication, NewItem, ProposalForm, Propose, Publish,
    RecordObjection, ResolveObjection, ReviewItem, Withdraw,
};
pub use workflow::{
    Action, Approval, Body, Checks, Class, Disclosable, Item, Official, Review, Secrecy, Stage,
    Stamp, Step,
};

use crate::office::Post;
use crate::rules::Versioned;
use serde::{Deserialize, Serialize};

/// 党务公开规则 (the disclosure part of the rule book).
///
/// The defaults: the secretary or deputy secretary of the item's
/// organisation reviews (保密审查) and the secretary approves; the
/// publicity rules of [`PublicityRules::national`]; applications decided
/// within 3 working days, 10 when extended ([`ApplicationRules`]).
/// `docs/RULES.md` DISC-7, DISC-9 … DISC-12.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DisclosureRules {
    /// The posts that may review an item of their organisation.
    pub reviewer_posts: Vec<Post>,
    /// The posts that may approve (for their organisation, or from above).
    pub approver_posts: Vec<Post>,
    /// The publicity periods.
    pub publicity: PublicityRules,
    /// The deadlines for applications, by the day received.
    pub applications: Versioned<ApplicationRules>,
}

impl DisclosureRules {
    /// The defaults (see the type).
    pub fn national() -> Self {
        Self {
            reviewer_posts: vec![Post::Secretary, Post::DeputySecretary],
            approver_posts: vec![Post::Secretary],
            publicity: PublicityRules::national(),
            applications: Versioned::single(
                "applications-3-10-working-days",
                chrono::NaiveDate::from_ymd_opt(2017, 12, 25).unwrap_or(chrono::NaiveDate::MIN),
                ApplicationRules::default(),
            ),
        }
    }
}

impl Default for DisclosureRules {
    fn default() -> Self {
        Self::national()
    }
}
