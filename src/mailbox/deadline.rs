//! 办理时限 (the mailbox's deadlines): when a unit must reply to a post and
//! report its result, what a post's status is on a day, and which units
//! are criticised (通报批评) for a period. `docs/RULES.md` MAIL-1.
//!
//! The defaults are the county mailbox's: a reply within 3 days of
//! receipt, the result within 15 days. Places differ (3 working days, 10
//! for complex cases; 7 days, at most 15), and so does the reading of the
//! start: the Civil Code's (the day of receipt not counted; a last day on a
//! rest day moves to the next working day) by default, or from the day of
//! receipt.

use crate::period::{CalendarError, Counting, Length, WorkCalendar};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 时限: a length and the reading of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// How long.
    pub length: Length,
    /// From which day.
    pub counting: Counting,
}

impl Deadline {
    /// `length` under the Civil Code's reading (the default for deadlines).
    pub fn civil_code(length: Length) -> Self {
        Self {
            length,
            counting: Counting::DEADLINE,
        }
    }

    /// The last day for something received on `received_on`.
    ///
    /// # Errors
    /// [`CalendarError`] when the calendar cannot count the dates.
    pub fn last_day(
        &self,
        received_on: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<NaiveDate, CalendarError> {
        cal.last_day(received_on, self.length, self.counting)
    }
}

/// 信箱时限规则: the reply and result deadlines, the longer ones for a
/// complex case, and how near a deadline a post is "due soon".
/// **Configurable** per place.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::mailbox::MailboxRules;
/// use dangjian::period::WorkCalendar;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let rules = MailboxRules::county();
/// let cal = WorkCalendar::china();
/// // Received Friday 2026-03-06: 3 days → Monday 9 March.
/// assert_eq!(rules.reply_due(d(2026, 3, 6), false, &cal)?, d(2026, 3, 9));
/// # Ok::<(), dangjian::period::CalendarError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailboxRules {
    /// 答复时限.
    pub reply: Deadline,
    /// 办结时限 (the result reported).
    pub result: Deadline,
    /// The reply deadline of a complex case, where the place allows one.
    #[serde(default)]
    pub complex_reply: Option<Deadline>,
    /// The result deadline of a complex case.
    #[serde(default)]
    pub complex_result: Option<Deadline>,
    /// 临期: a post is due soon within this many working days of a
    /// deadline (the deadline day counts as the last of them).
    pub due_soon_working_days: u32,
}

impl MailboxRules {
    /// The county mailbox: a reply within 3 days, the result within 15.
    pub fn county() -> Self {
        Self {
            reply: Deadline::civil_code(Length::Days(3)),
            result: Deadline::civil_code(Length::Days(15)),
            complex_reply: None,
            complex_result: None,
            due_soon_working_days: 1,
        }
    }

    /// A place answering in 3 working days, 10 for a complex case (the
    /// result within 15 days as in the county).
    pub fn three_working_days() -> Self {
        Self {
            reply: Deadline::civil_code(Length::WorkingDays(3)),
            complex_reply: Some(Deadline::civil_code(Length::WorkingDays(10))),
            ..Self::county()
        }
    }

    /// A place answering in 7 days, 15 at most for a complex case.
    pub fn seven_days() -> Self {
        Self {
            reply: Deadline::civil_code(Length::Days(7)),
            complex_reply: Some(Deadline::civil_code(Length::Days(15))),
            ..Self::county()
        }
    }

    /// The same rules counted from the day of receipt.
    pub fn counted_from_receipt(mut self) -> Self {
        for d in [
            Some(&mut self.reply),
            Some(&mut self.result),
            self.complex_reply.as_mut(),
            self.complex_result.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            d.counting = Counting::Inclusive;
        }
        self
    }

    /// The last day to reply.
    ///
    /// # Errors
    /// [`CalendarError`].
    pub fn reply_due(
        &self,
        received_on: NaiveDate,
        complex: bool,
        cal: &WorkCalendar,
    ) -> Result<NaiveDate, CalendarError> {
        Self::pick(self.reply, self.complex_reply, complex).last_day(received_on, cal)
    }

    /// The last day to report the result.
    ///
    /// # Errors
    /// [`CalendarError`].
    pub fn result_due(
        &self,
        received_on: NaiveDate,
        complex: bool,
        cal: &WorkCalendar,
    ) -> Result<NaiveDate, CalendarError> {
        Self::pick(self.result, self.complex_result, complex).last_day(received_on, cal)
    }

    /// The deadline for a case: the complex one where the place has one.
    fn pick(plain: Deadline, for_complex: Option<Deadline>, complex: bool) -> Deadline {
        for_complex.filter(|_| complex).unwrap_or(plain)
    }
}

/// 办理状态 of one deadline on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 按时: done by the deadline, or not yet due and not near it.
    OnTime,
    /// 临期: not done, within the due-soon window of the deadline.
    DueSoon,
    /// 逾期办结: done after the deadline.
    Late,
    /// 超期未办: not done, and the deadline has passed.
    Overdue,
}

/// The status on `on` of a step due on `due`, done on `done` (if done by
/// `on`).
///
/// # Errors
/// [`CalendarError`] when the due-soon window cannot be counted.
pub fn status(
    due: NaiveDate,
    done: Option<NaiveDate>,
    on: NaiveDate,
    due_soon_working_days: u32,
    cal: &WorkCalendar,
) -> Result<Status, CalendarError> {
    match done.filter(|d| *d <= on) {
        Some(d) if d <= due => Ok(Status::OnTime),
        Some(_) => Ok(Status::Late),
        None if on > due => Ok(Status::Overdue),
        None => {
            let left = cal.working_days_between(on, due)?;
            Ok(if left <= due_soon_working_days {
                Status::DueSoon
            } else {
                Status::OnTime
            })
        }
    }
}

/// 时限事实: the dates of a post that its deadlines depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostDates {
    /// 受理日: the day received.
    pub received_on: NaiveDate,
    /// 复杂件: a complex case (the longer deadlines, where the place has
    /// them).
    #[serde(default)]
    pub complex: bool,
    /// The day of the reply.
    #[serde(default)]
    pub replied_on: Option<NaiveDate>,
    /// The day the result was reported.
    #[serde(default)]
    pub resulted_on: Option<NaiveDate>,
}

/// A post's two deadlines and their statuses on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostStatus {
    /// The last day to reply.
    pub reply_due: NaiveDate,
    /// The reply's status.
    pub reply: Status,
    /// The last day for the result.
    pub result_due: NaiveDate,
    /// The result's status.
    pub result: Status,
}

impl PostStatus {
    /// The worse of the two.
    pub fn worst(&self) -> Status {
        self.reply.max(self.result)
    }
}

impl PostDates {
    /// The status on `on` under `rules`.
    ///
    /// # Errors
    /// [`CalendarError`].
    pub fn status(
        &self,
        on: NaiveDate,
        rules: &MailboxRules,
        cal: &WorkCalendar,
    ) -> Result<PostStatus, CalendarError> {
        let reply_due = rules.reply_due(self.received_on, self.complex, cal)?;
        let result_due = rules.result_due(self.received_on, self.complex, cal)?;
        let soon = rules.due_soon_working_days;
        Ok(PostStatus {
            reply_due,
            reply: status(reply_due, self.replied_on, on, soon, cal)?,
            result_due,
            result: status(result_due, self.resulted_on, on, soon, cal)?,
        })
    }
}

/// 通报批评名单: each unit criticised, with its posts (the caller's key
/// for a post), the step and its status at the period's end.
pub type CriticismList<U, P> = BTreeMap<U, Vec<(P, Step, Status)>>;

/// 通报批评名单: for each unit late or overdue in the period, the posts
/// that made it so, with the step and its status at the period's end.
///
/// A step counts in the period from `first` to `last` (both included)
/// when, at `last`, it is overdue (its deadline at or before `last`: a
/// post left undone is listed in every period until it is done), or it
/// was done late with its deadline or its late completion in the period.
///
/// # Errors
/// [`CalendarError`].
pub fn criticism_list<U: Ord + Clone, P: Clone>(
    posts: impl IntoIterator<Item = (U, P, PostDates)>,
    first: NaiveDate,
    last: NaiveDate,
    rules: &MailboxRules,
    cal: &WorkCalendar,
) -> Result<CriticismList<U, P>, CalendarError> {
    let mut out: CriticismList<U, P> = BTreeMap::new();
    let within = |d: NaiveDate| first <= d && d <= last;
    for (unit, post, dates) in posts {
        let s = dates.status(last, rules, cal)?;
        for (step, due, st, done) in [
            (Step::Reply, s.reply_due, s.reply, dates.replied_on),
            (Step::Result, s.result_due, s.result, dates.resulted_on),
        ] {
            let counted = match st {
                Status::Overdue => due <= last,
                Status::Late => within(due) || done.is_some_and(within),
                _ => false,
            };
            if counted {
                out.entry(unit.clone())
                    .or_default()
                    .push((post.clone(), step, st));
            }
        }
    }
    Ok(out)
}

/// Which deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 答复.
    Reply,
    /// 办结反馈.
    Result,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn post(received_on: NaiveDate) -> PostDates {
        PostDates {
            received_on,
            complex: false,
            replied_on: None,
            resulted_on: None,
        }
    }

    /// Acceptance: received on a Friday, 3 working days: overdue on the
    /// fourth working day, not a day early.
    #[test]
    fn a_friday_post_becomes_overdue_on_the_right_day() {
        let cal = WorkCalendar::china();
        let rules = MailboxRules::three_working_days();
        let p = post(d(2026, 3, 6));
        let st = |on| p.status(on, &rules, &cal).unwrap();
        // Mon 9, Tue 10, Wed 11: the last day is Wednesday.
        assert_eq!(st(d(2026, 3, 6)).reply_due, d(2026, 3, 11));
        assert_eq!(st(d(2026, 3, 9)).reply, Status::OnTime);
        assert_eq!(st(d(2026, 3, 11)).reply, Status::DueSoon);
        assert_eq!(st(d(2026, 3, 11)).reply, Status::DueSoon);
        assert_eq!(st(d(2026, 3, 12)).reply, Status::Overdue);
        // Counted from the day of receipt: Friday is day 1.
        let from_receipt = rules.counted_from_receipt();
        assert_eq!(
            p.status(d(2026, 3, 6), &from_receipt, &cal)
                .unwrap()
                .reply_due,
            d(2026, 3, 10)
        );
    }

    /// The same post received just before 国庆 2025 (1–8 October off;
    /// Sunday 28 September and Saturday 11 October worked).
    #[test]
    fn a_post_before_national_day_2025_runs_over_the_holiday() {
        let cal = WorkCalendar::china();
        let rules = MailboxRules::three_working_days();
        // Friday 26 September: Sun 28, Mon 29, Tue 30.
        let p = post(d(2025, 9, 26));
        assert_eq!(
            p.status(d(2025, 9, 26), &rules, &cal).unwrap().reply_due,
            d(2025, 9, 30)
        );
        // Tuesday 30 September: Thu 9, Fri 10, Sat 11 October.
        let p = post(d(2025, 9, 30));
        let s = |on| p.status(on, &rules, &cal).unwrap().reply;
        assert_eq!(
            p.status(d(2025, 9, 30), &rules, &cal).unwrap().reply_due,
            d(2025, 10, 11)
        );
        assert_eq!(s(d(2025, 10, 8)), Status::OnTime);
        assert_eq!(s(d(2025, 10, 11)), Status::DueSoon);
        assert_eq!(s(d(2025, 10, 12)), Status::Overdue);
        // The county's 3 calendar days: 3 October, a holiday, moves to the
        // first working day, Thursday 9 October.
        let county = MailboxRules::county();
        assert_eq!(
            p.status(d(2025, 9, 30), &county, &cal).unwrap().reply_due,
            d(2025, 10, 9)
        );
    }

    #[test]
    fn a_step_done_after_its_deadline_is_late_and_lists_its_unit() {
        let cal = WorkCalendar::china();
        let rules = MailboxRules::county();
        let late = PostDates {
            replied_on: Some(d(2026, 3, 12)),
            ..post(d(2026, 3, 6))
        };
        let on_time = PostDates {
            replied_on: Some(d(2026, 3, 9)),
            resulted_on: Some(d(2026, 3, 20)),
            ..post(d(2026, 3, 6))
        };
        let overdue = post(d(2026, 3, 2));
        let s = late.status(d(2026, 3, 31), &rules, &cal).unwrap();
        assert_eq!((s.reply, s.result), (Status::Late, Status::Overdue));
        let list = criticism_list(
            [
                ("甲局", 1, late),
                ("乙局", 2, on_time),
                ("丙镇", 3, overdue),
            ],
            d(2026, 3, 1),
            d(2026, 3, 31),
            &rules,
            &cal,
        )
        .unwrap();
        assert_eq!(
            list.keys().copied().collect::<Vec<_>>(),
            vec!["丙镇", "甲局"]
        );
        assert_eq!(
            list["甲局"],
            vec![
                (1, Step::Reply, Status::Late),
                (1, Step::Result, Status::Overdue)
            ]
        );
        // In April: what is still undone is listed again; the late reply
        // done in March is not.
        let april = criticism_list(
            [("甲局", 1, late), ("丙镇", 3, overdue)],
            d(2026, 4, 1),
            d(2026, 4, 30),
            &rules,
            &cal,
        )
        .unwrap();
        assert_eq!(april["甲局"], vec![(1, Step::Result, Status::Overdue)]);
        assert_eq!(april["丙镇"].len(), 2);
        let done = PostDates {
            resulted_on: Some(d(2026, 4, 2)),
            ..late
        };
        let april = criticism_list(
            [("甲局", 1, done)],
            d(2026, 4, 1),
            d(2026, 4, 30),
            &rules,
            &cal,
        )
        .unwrap();
        assert_eq!(april["甲局"], vec![(1, Step::Result, Status::Late)]);
    }
}
