//! 监督信箱 (the supervision mailbox) and 检举控告 (formal reports): work in
//! progress for issue 17. So far the pure deadlines: when a unit must
//! reply and report its result, a post's status on a day, and the units
//! criticised for a period (通报批评), on the working calendar.
//! `docs/RULES.md` MAIL-1.

mod deadline;

pub use deadline::{
    CriticismList, Deadline, MailboxRules, PostDates, PostStatus, Status, Step, criticism_list,
    status,
};
