//! 常用 (the prelude): the names an integration uses every day, from one
//! path. `use dangjian::prelude::*;` brings the services, actors, ids and
//! the request types of every area.
//!
//! ```
//! use dangjian::prelude::*;
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let dj = Dangjian::builder().build();
//! let admin = dj.act_as(&Actor::platform_admin());
//! let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
//! assert_eq!(admin.orgs().subtree(c.id, PageRequest::default()).await?.items.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```

pub use crate::access::{ActedBy, Actor, Role, Scope};
pub use crate::adapters::connect;
pub use crate::clock::{Clock, FixedClock, SystemClock};
pub use crate::dues::{
    AssessMonth, DeclareIncome, Income, Money, Month, PayAhead, PaymentOutcome, PaymentRequest,
};
pub use crate::election::{
    AttendanceMode, BallotPaper, Body, Cast, CheckIn, ElectionBuilder, Mark, OpenElection,
    OpenMotion, VoteId,
};
pub use crate::lifecycle::{ImportedStage, Stage, Transition, TransitionRequest};
pub use crate::member::{
    ChangeMembership, Entry, IdNumber, ImportRoster, MembershipKind, MembershipRequest,
    OccupationCategory, Registration, RosterRow,
};
pub use crate::org::{BranchForm, NewOrganisation, OnlineTheme, OrgKind};
pub use crate::record::{Activity, AppendActivity, Appendable};
pub use crate::service::{Page, PageRequest};
pub use crate::{CaseId, Dangjian, Error, ErrorKind, MemberId, OrgId, RuleBook, Session};
