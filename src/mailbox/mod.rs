//! 监督信箱 (the supervision mailbox) and 检举控告 (formal reports). Built
//! so far: the pure deadlines: when a unit must
//! reply and report its result, a post's status on a day, and the units
//! criticised for a period (通报批评), on the working calendar; the
//! formal reports' deadlines and the real-name order; the anonymous
//! follow-up token. `docs/RULES.md` MAIL-1 … MAIL-5.

mod complaint;
mod deadline;

pub use complaint::{ComplaintRules, FollowToken, TokenError, TokenHash, handling_order};
pub use deadline::{
    CriticismList, Deadline, MailboxRules, PostDates, PostStatus, Status, Step, criticism_list,
    status,
};
