//! Properties of the working calendar over the shipped tables (2020–2026):
//! the constant-time count agrees with a day-by-day count, the last day of
//! a period is consistent with the count under both readings, replacing a
//! year with itself changes nothing, and a table listing a date both ways
//! is refused without changing the calendar.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use dangjian::period::{CalendarError, CalendarYear, Counting, Holiday, Length, WorkCalendar};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Days from 2020-01-01 to 2026-12-31.
const SPAN: u64 = 2557;

fn first() -> NaiveDate {
    d(2020, 1, 1)
}

fn day(offset: u64) -> NaiveDate {
    first() + Days::new(offset)
}

fn by_day(cal: &WorkCalendar, from: NaiveDate, to: NaiveDate) -> u32 {
    let n = from
        .iter_days()
        .take_while(|x| *x <= to)
        .filter(|x| cal.is_working_day(*x).unwrap())
        .count();
    u32::try_from(n).unwrap()
}

proptest! {
    #[test]
    fn the_count_is_the_day_by_day_count(a in 0..SPAN, b in 0..SPAN) {
        let cal = WorkCalendar::china();
        let (from, to) = (day(a.min(b)), day(a.max(b)));
        prop_assert_eq!(cal.working_days_between(from, to).unwrap(), by_day(&cal, from, to));
    }

    #[test]
    fn inclusive_working_days_end_on_the_nth_working_day(start in 0..SPAN - 60, n in 1u32..=30) {
        let cal = WorkCalendar::china();
        let start = day(start);
        let end = cal.last_day(start, Length::WorkingDays(n), Counting::Inclusive).unwrap();
        prop_assert!(cal.is_working_day(end).unwrap());
        prop_assert_eq!(cal.working_days_between(start, end).unwrap(), n);
    }

    #[test]
    fn civil_code_working_days_start_the_day_after(start in 0..SPAN - 60, n in 1u32..=30) {
        let cal = WorkCalendar::china();
        let start = day(start);
        let end = cal.last_day(start, Length::WorkingDays(n), Counting::CivilCode).unwrap();
        prop_assert!(end > start);
        prop_assert!(cal.is_working_day(end).unwrap());
        prop_assert_eq!(cal.working_days_between(start.succ_opt().unwrap(), end).unwrap(), n);
    }

    #[test]
    fn civil_code_days_roll_over_rest_days_only(start in 0..SPAN - 60, n in 1u32..=30) {
        let cal = WorkCalendar::china();
        let start = day(start);
        let end = cal.last_day(start, Length::Days(n), Counting::CivilCode).unwrap();
        let plain = start + Days::new(u64::from(n));
        prop_assert!(end >= plain);
        prop_assert!(cal.is_working_day(end).unwrap());
        // Every day skipped is a rest day.
        for skipped in plain.iter_days().take_while(|x| *x < end) {
            prop_assert!(!cal.is_working_day(skipped).unwrap());
        }
        let incl = cal.last_day(start, Length::Days(n), Counting::Inclusive).unwrap();
        prop_assert_eq!(incl, start + Days::new(u64::from(n - 1)));
    }

    #[test]
    fn replacing_a_year_with_itself_changes_nothing(year in 2020i32..=2026) {
        let mut cal = WorkCalendar::china();
        let table = cal.years().find(|t| t.year == year).unwrap().clone();
        cal.add_year(table).unwrap();
        prop_assert_eq!(&cal, &WorkCalendar::china());
        let (from, to) = (d(year, 1, 1), d(year, 12, 31));
        prop_assert_eq!(
            cal.working_days_between(from, to).unwrap(),
            WorkCalendar::china().working_days_between(from, to).unwrap()
        );
    }

    #[test]
    fn a_date_listed_both_ways_is_refused(year in 2020i32..=2026, pick in 0usize..64) {
        let mut cal = WorkCalendar::china();
        let before = cal.clone();
        let mut table = cal.years().find(|t| t.year == year).unwrap().clone();
        // A weekend day off of the year, listed also as a working day.
        let weekend_off: Vec<NaiveDate> = table
            .days_off()
            .filter(|x| matches!(x.weekday(), Weekday::Sat | Weekday::Sun))
            .collect();
        prop_assume!(!weekend_off.is_empty());
        let date = weekend_off[pick % weekend_off.len()];
        table.holidays.push(Holiday {
            name: "冲突 (test)".into(),
            from: d(year, 12, 25),
            to: d(year, 12, 25),
            working_days: vec![date],
            note: None,
        });
        let err = CalendarError::HolidayAndWorkingDay { date };
        prop_assert_eq!(table.validate(), Err(err.clone()));
        prop_assert_eq!(cal.add_year(table), Err(err));
        prop_assert_eq!(&cal, &before);
    }

    #[test]
    fn weekdays_only_counts_by_arithmetic(a in -100_000i64..100_000, len in 0u64..5_000) {
        let cal = WorkCalendar::weekdays_only();
        let from = d(2000, 1, 1).checked_add_signed(chrono::TimeDelta::days(a)).unwrap();
        let to = from + Days::new(len);
        let expected = from
            .iter_days()
            .take_while(|x| *x <= to)
            .filter(|x| !matches!(x.weekday(), Weekday::Sat | Weekday::Sun))
            .count();
        prop_assert_eq!(cal.working_days_between(from, to).unwrap(), u32::try_from(expected).unwrap());
    }
}

#[test]
fn the_shipped_tables_read_back() {
    // Every shipped year, read through the public type.
    for table in WorkCalendar::china().years() {
        let json = serde_json::to_string(table).unwrap();
        let back: CalendarYear = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, table);
        assert!(back.validate().is_ok());
    }
}
