//! The working calendar at each boundary: the shipped tables year by year,
//! the checks on a table, coverage, the two readings and the per-subtree
//! calendars.

use super::year::SHIPPED;
use super::*;
use crate::OrgId;
use crate::org::{BranchForm, OrgKind, OrgTree, Organisation};
use chrono::{Datelike, NaiveDate, Weekday};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn table(text: &str) -> CalendarYear {
    CalendarYear::from_toml(text).unwrap()
}

fn shipped(year: i32) -> CalendarYear {
    let (_, text) = SHIPPED.iter().find(|(y, _)| *y == year).unwrap();
    table(text)
}

/// One shipped year against its notice: the holidays (first and last day)
/// and every adjusted working day, as the notice lists them.
fn check_year(year: i32, holidays: &[(NaiveDate, NaiveDate)], working: &[NaiveDate]) {
    let cal = WorkCalendar::china();
    let t = shipped(year);
    assert_eq!(t.year, year);
    let ranges: Vec<_> = t.holidays.iter().map(|h| (h.from, h.to)).collect();
    assert_eq!(ranges, holidays, "{year} holidays");
    let listed: Vec<_> = t.working_days().collect();
    assert_eq!(listed, working, "{year} adjusted working days");
    for day in t.days_off() {
        assert!(!cal.is_working_day(day).unwrap(), "{day} is a holiday");
    }
    for &day in working {
        assert!(
            matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
            "{day}"
        );
        assert!(cal.is_working_day(day).unwrap(), "{day} is worked");
    }
    // Each year cites its notice: a title naming the year, the date of
    // issue in the autumn before (or, for a later notice, in the year),
    // and the gov.cn page first.
    assert!(!t.notices.is_empty());
    for n in &t.notices {
        assert!(n.title.contains(&format!("{year}年")), "{}", n.title);
        assert!(n.issued.year() == year - 1 || n.issued.year() == year);
        assert!(
            n.urls.len() >= 2,
            "{}: the official page and a copy",
            n.title
        );
        assert!(
            n.urls
                .first()
                .unwrap()
                .contains("www.gov.cn/zhengce/content/")
        );
    }
}

#[test]
fn shipped_2020_with_the_spring_festival_extension() {
    check_year(
        2020,
        &[
            (d(2020, 1, 1), d(2020, 1, 1)),
            (d(2020, 1, 24), d(2020, 2, 2)),
            (d(2020, 4, 4), d(2020, 4, 6)),
            (d(2020, 5, 1), d(2020, 5, 5)),
            (d(2020, 6, 25), d(2020, 6, 27)),
            (d(2020, 10, 1), d(2020, 10, 8)),
        ],
        &[
            d(2020, 1, 19),
            d(2020, 4, 26),
            d(2020, 5, 9),
            d(2020, 6, 28),
            d(2020, 9, 27),
            d(2020, 10, 10),
        ],
    );
    let cal = WorkCalendar::china();
    let t = shipped(2020);
    let numbers: Vec<_> = t.notices.iter().map(|n| n.number.as_deref()).collect();
    assert_eq!(
        numbers,
        [
            Some("国办发明电〔2019〕16号"),
            Some("国办发明电〔2020〕1号")
        ]
    );
    // The extension swallowed Saturday 1 February; 19 January stays.
    assert!(!cal.is_working_day(d(2020, 2, 1)).unwrap());
    assert!(!cal.is_working_day(d(2020, 1, 31)).unwrap());
    assert!(cal.is_working_day(d(2020, 1, 19)).unwrap());
    assert!(cal.is_working_day(d(2020, 2, 3)).unwrap());
    assert_eq!(t.working_days().count(), 6);
}

#[test]
fn shipped_2021() {
    check_year(
        2021,
        &[
            (d(2021, 1, 1), d(2021, 1, 3)),
            (d(2021, 2, 11), d(2021, 2, 17)),
            (d(2021, 4, 3), d(2021, 4, 5)),
            (d(2021, 5, 1), d(2021, 5, 5)),
            (d(2021, 6, 12), d(2021, 6, 14)),
            (d(2021, 9, 19), d(2021, 9, 21)),
            (d(2021, 10, 1), d(2021, 10, 7)),
        ],
        &[
            d(2021, 2, 7),
            d(2021, 2, 20),
            d(2021, 4, 25),
            d(2021, 5, 8),
            d(2021, 9, 18),
            d(2021, 9, 26),
            d(2021, 10, 9),
        ],
    );
}

#[test]
fn shipped_2022() {
    check_year(
        2022,
        &[
            (d(2022, 1, 1), d(2022, 1, 3)),
            (d(2022, 1, 31), d(2022, 2, 6)),
            (d(2022, 4, 3), d(2022, 4, 5)),
            (d(2022, 4, 30), d(2022, 5, 4)),
            (d(2022, 6, 3), d(2022, 6, 5)),
            (d(2022, 9, 10), d(2022, 9, 12)),
            (d(2022, 10, 1), d(2022, 10, 7)),
        ],
        &[
            d(2022, 1, 29),
            d(2022, 1, 30),
            d(2022, 4, 2),
            d(2022, 4, 24),
            d(2022, 5, 7),
            d(2022, 10, 8),
            d(2022, 10, 9),
        ],
    );
}

#[test]
fn shipped_2023_starts_in_2022() {
    check_year(
        2023,
        &[
            (d(2022, 12, 31), d(2023, 1, 2)),
            (d(2023, 1, 21), d(2023, 1, 27)),
            (d(2023, 4, 5), d(2023, 4, 5)),
            (d(2023, 4, 29), d(2023, 5, 3)),
            (d(2023, 6, 22), d(2023, 6, 24)),
            (d(2023, 9, 29), d(2023, 10, 6)),
        ],
        &[
            d(2023, 1, 28),
            d(2023, 1, 29),
            d(2023, 4, 23),
            d(2023, 5, 6),
            d(2023, 6, 25),
            d(2023, 10, 7),
            d(2023, 10, 8),
        ],
    );
    // 31 December 2022 is covered by the 2022 table, not by 2023's.
    let only_2023 = WorkCalendar::from_years([shipped(2023)]).unwrap();
    assert!(!only_2023.covers(d(2022, 12, 31)));
    assert!(matches!(
        only_2023.is_working_day(d(2022, 12, 31)),
        Err(CalendarError::NotCovered { year: 2022, .. })
    ));
}

#[test]
fn shipped_2024_new_years_eve_is_worked() {
    check_year(
        2024,
        &[
            (d(2024, 1, 1), d(2024, 1, 1)),
            (d(2024, 2, 10), d(2024, 2, 17)),
            (d(2024, 4, 4), d(2024, 4, 6)),
            (d(2024, 5, 1), d(2024, 5, 5)),
            (d(2024, 6, 10), d(2024, 6, 10)),
            (d(2024, 9, 15), d(2024, 9, 17)),
            (d(2024, 10, 1), d(2024, 10, 7)),
        ],
        &[
            d(2024, 2, 4),
            d(2024, 2, 18),
            d(2024, 4, 7),
            d(2024, 4, 28),
            d(2024, 5, 11),
            d(2024, 9, 14),
            d(2024, 9, 29),
            d(2024, 10, 12),
        ],
    );
    // 除夕 Friday 9 February is a working day.
    assert!(WorkCalendar::china().is_working_day(d(2024, 2, 9)).unwrap());
}

#[test]
fn shipped_2025_one_labour_day_working_day() {
    check_year(
        2025,
        &[
            (d(2025, 1, 1), d(2025, 1, 1)),
            (d(2025, 1, 28), d(2025, 2, 4)),
            (d(2025, 4, 4), d(2025, 4, 6)),
            (d(2025, 5, 1), d(2025, 5, 5)),
            (d(2025, 5, 31), d(2025, 6, 2)),
            (d(2025, 10, 1), d(2025, 10, 8)),
        ],
        &[
            d(2025, 1, 26),
            d(2025, 2, 8),
            d(2025, 4, 27),
            d(2025, 9, 28),
            d(2025, 10, 11),
        ],
    );
    let cal = WorkCalendar::china();
    // Not 28 April and 9 May (a wrong copy): those are ordinary weekdays,
    // and Saturday 10 May is an ordinary Saturday.
    assert!(!cal.is_working_day(d(2025, 5, 10)).unwrap());
    assert!(!cal.is_working_day(d(2025, 5, 3)).unwrap());
}

#[test]
fn shipped_2026() {
    check_year(
        2026,
        &[
            (d(2026, 1, 1), d(2026, 1, 3)),
            (d(2026, 2, 15), d(2026, 2, 23)),
            (d(2026, 4, 4), d(2026, 4, 6)),
            (d(2026, 5, 1), d(2026, 5, 5)),
            (d(2026, 6, 19), d(2026, 6, 21)),
            (d(2026, 9, 25), d(2026, 9, 27)),
            (d(2026, 10, 1), d(2026, 10, 7)),
        ],
        &[
            d(2026, 1, 4),
            d(2026, 2, 14),
            d(2026, 2, 28),
            d(2026, 5, 9),
            d(2026, 9, 20),
            d(2026, 10, 10),
        ],
    );
}

#[test]
fn adjusted_working_days_per_year() {
    let counts: Vec<(i32, usize)> = SHIPPED
        .iter()
        .map(|(y, text)| (*y, table(text).working_days().count()))
        .collect();
    assert_eq!(
        counts,
        [
            (2020, 6),
            (2021, 7),
            (2022, 7),
            (2023, 7),
            (2024, 8),
            (2025, 5),
            (2026, 6)
        ]
    );
    assert_eq!(WorkCalendar::shipped().unwrap(), WorkCalendar::china());
}

#[test]
fn china_is_strict_outside_2020_2026() {
    let cal = WorkCalendar::china();
    assert_eq!(
        cal.is_working_day(d(2019, 12, 31)),
        Err(CalendarError::NotCovered {
            date: d(2019, 12, 31),
            year: 2019
        })
    );
    assert_eq!(
        cal.is_working_day(d(2027, 1, 1)),
        Err(CalendarError::NotCovered {
            date: d(2027, 1, 1),
            year: 2027
        })
    );
    assert!(cal.is_working_day(d(2020, 1, 2)).unwrap());
    assert!(cal.is_working_day(d(2026, 12, 31)).unwrap());
    assert!(cal.covers(d(2020, 1, 1)) && cal.covers(d(2026, 12, 31)));
    assert!(!cal.covers(d(2019, 12, 31)) && !cal.covers(d(2027, 1, 1)));
    // A range or a count running out of the tables names its first
    // uncovered day.
    assert_eq!(
        cal.working_days_between(d(2026, 12, 1), d(2027, 1, 10)),
        Err(CalendarError::NotCovered {
            date: d(2027, 1, 1),
            year: 2027
        })
    );
    assert_eq!(
        cal.working_days_between(d(2019, 12, 1), d(2020, 1, 10)),
        Err(CalendarError::NotCovered {
            date: d(2019, 12, 1),
            year: 2019
        })
    );
    assert_eq!(
        cal.last_day(d(2026, 12, 30), Length::WorkingDays(3), Counting::Inclusive),
        Err(CalendarError::NotCovered {
            date: d(2027, 1, 1),
            year: 2027
        })
    );
    assert_eq!(
        cal.last_day(d(2026, 12, 30), Length::WorkingDays(2), Counting::Inclusive),
        Ok(d(2026, 12, 31))
    );
    // Saturday 26 December 2026 rolls to Monday 28 December; 2 January
    // 2027 is not covered.
    assert_eq!(cal.next_working_day(d(2026, 12, 26)), Ok(d(2026, 12, 28)));
    assert!(cal.next_working_day(d(2027, 1, 2)).is_err());
    assert!(!cal.weekdays_beyond_tables());
}

#[test]
fn the_fallback_is_asked_for() {
    let lenient = WorkCalendar::china().with_weekdays_beyond_tables();
    assert!(lenient.weekdays_beyond_tables());
    // Friday 1 January 2027 is a guess: a working day, not covered.
    assert_eq!(lenient.is_working_day(d(2027, 1, 1)), Ok(true));
    assert!(!lenient.covers(d(2027, 1, 1)));
    // The tables still decide inside their years.
    assert_eq!(lenient.is_working_day(d(2026, 10, 1)), Ok(false));
    // A count across the edge: 28–31 December 2026 (4) and 1, 4, 5 January
    // 2027 (3).
    assert_eq!(
        lenient.working_days_between(d(2026, 12, 28), d(2027, 1, 5)),
        Ok(7)
    );
    let plain = WorkCalendar::weekdays_only();
    assert_eq!(plain.years().count(), 0);
    assert_eq!(plain.is_working_day(d(2026, 10, 1)), Ok(true));
    assert_eq!(plain.is_working_day(d(2026, 10, 3)), Ok(false));
    // By arithmetic over any span: 1000 weeks hold 5000 weekdays.
    let from = d(1900, 1, 1);
    let to = from + chrono::Days::new(7000 - 1);
    assert_eq!(plain.working_days_between(from, to), Ok(5000));
    assert_ne!(plain, WorkCalendar::china());
}

#[test]
fn working_days_between_is_inclusive() {
    let cal = WorkCalendar::china();
    assert_eq!(
        cal.working_days_between(d(2026, 1, 1), d(2026, 12, 31)),
        Ok(248)
    );
    assert_eq!(
        cal.working_days_between(d(2026, 3, 9), d(2026, 3, 9)),
        Ok(1)
    );
    assert_eq!(
        cal.working_days_between(d(2026, 3, 7), d(2026, 3, 8)),
        Ok(0)
    );
    assert_eq!(
        cal.working_days_between(d(2026, 3, 9), d(2026, 3, 13)),
        Ok(5)
    );
    assert_eq!(
        cal.working_days_between(d(2026, 3, 10), d(2026, 3, 9)),
        Err(CalendarError::RangeReversed {
            from: d(2026, 3, 10),
            to: d(2026, 3, 9)
        })
    );
    // The whole shipped span, day by day.
    let (from, to) = (d(2020, 1, 1), d(2026, 12, 31));
    let by_day = from
        .iter_days()
        .take_while(|x| *x <= to)
        .filter(|x| cal.is_working_day(*x).unwrap())
        .count();
    assert_eq!(
        cal.working_days_between(from, to),
        Ok(u32::try_from(by_day).unwrap())
    );
}

// ---- the two readings ----------------------------------------------------

#[test]
fn inclusive_working_days() {
    let cal = WorkCalendar::china();
    let five = Length::WorkingDays(5);
    let incl = |start| cal.last_day(start, five, Counting::Inclusive).unwrap();
    // Posted Monday 2026-03-09: 9–13 March.
    assert_eq!(incl(d(2026, 3, 9)), d(2026, 3, 13));
    // Posted Thursday 03-12: 12, 13, 16, 17, 18 → Wednesday.
    assert_eq!(incl(d(2026, 3, 12)), d(2026, 3, 18));
    // Posted Saturday 03-07: counting starts Monday 03-09.
    assert_eq!(incl(d(2026, 3, 7)), d(2026, 3, 13));
    // 春节 2026: 12, 13, 14 (Saturday, worked), then 24, 25.
    assert_eq!(incl(d(2026, 2, 12)), d(2026, 2, 25));
    // Posted Monday 02-16, inside the holiday: 24, 25, 26, 27, 28 (Saturday, worked).
    assert_eq!(incl(d(2026, 2, 16)), d(2026, 2, 28));
    assert_eq!(
        cal.last_day(d(2026, 3, 9), Length::WorkingDays(1), Counting::Inclusive),
        Ok(d(2026, 3, 9))
    );
}

#[test]
fn civil_code_working_days() {
    let cal = WorkCalendar::china();
    let civil = |start, n| {
        cal.last_day(start, Length::WorkingDays(n), Counting::CivilCode)
            .unwrap()
    };
    // 春节 2026 from Thursday 02-12: 13, 14, 24, 25, 26.
    assert_eq!(civil(d(2026, 2, 12), 5), d(2026, 2, 26));
    // 国庆 2025 from Friday 09-26: 28 (Sunday, worked), 29, 30.
    assert_eq!(civil(d(2025, 9, 26), 3), d(2025, 9, 30));
    // From Tuesday 09-30: 1–8 October off; 9, 10, 11 (Saturday, worked).
    assert_eq!(civil(d(2025, 9, 30), 3), d(2025, 10, 11));
    // The start day is not counted, even when it is a working day.
    assert_eq!(civil(d(2026, 3, 9), 1), d(2026, 3, 10));
}

#[test]
fn days_under_both_readings() {
    let cal = WorkCalendar::china();
    let days = |start, n, c| cal.last_day(start, Length::Days(n), c);
    // Inclusive: start + n − 1, even on a rest day, and for any year.
    assert_eq!(
        days(d(2025, 9, 29), 7, Counting::Inclusive),
        Ok(d(2025, 10, 5))
    );
    assert_eq!(
        days(d(2019, 3, 1), 7, Counting::Inclusive),
        Ok(d(2019, 3, 7))
    );
    // Civil Code: start + n, rolled past 国庆 2025 to Thursday 10-09.
    assert_eq!(
        days(d(2025, 9, 29), 7, Counting::CivilCode),
        Ok(d(2025, 10, 9))
    );
    // Ending on a working day: unmoved.
    assert_eq!(
        days(d(2026, 3, 2), 7, Counting::CivilCode),
        Ok(d(2026, 3, 9))
    );
    // Ending on Saturday 2026-02-14, an adjusted working day: unmoved.
    assert_eq!(
        days(d(2026, 2, 7), 7, Counting::CivilCode),
        Ok(d(2026, 2, 14))
    );
    // Ending on an ordinary Sunday: Monday.
    assert_eq!(
        days(d(2026, 3, 1), 7, Counting::CivilCode),
        Ok(d(2026, 3, 9))
    );
    assert_eq!(
        days(d(2019, 3, 1), 7, Counting::CivilCode),
        Err(CalendarError::NotCovered {
            date: d(2019, 3, 8),
            year: 2019
        })
    );
}

#[test]
fn zero_and_overflow_are_errors() {
    let cal = WorkCalendar::weekdays_only();
    for length in [Length::Days(0), Length::WorkingDays(0)] {
        for counting in [Counting::Inclusive, Counting::CivilCode] {
            assert_eq!(
                cal.last_day(d(2026, 3, 9), length, counting),
                Err(CalendarError::ZeroLength { length })
            );
        }
    }
    let end = NaiveDate::MAX;
    for length in [Length::Days(u32::MAX), Length::WorkingDays(u32::MAX)] {
        for counting in [Counting::Inclusive, Counting::CivilCode] {
            assert_eq!(
                cal.last_day(end, length, counting),
                Err(CalendarError::DateOverflow { start: end, length })
            );
        }
    }
    assert!(matches!(
        cal.next_working_day(end),
        Ok(_) | Err(CalendarError::DateOverflow { .. })
    ));
    // Far but representable: by arithmetic, at once.
    let far = cal
        .last_day(
            d(2000, 1, 3),
            Length::WorkingDays(5_000_000),
            Counting::Inclusive,
        )
        .unwrap();
    assert_eq!(cal.working_days_between(d(2000, 1, 3), far), Ok(5_000_000));
    assert_eq!(Counting::PUBLICITY, Counting::Inclusive);
    assert_eq!(Counting::DEADLINE, Counting::CivilCode);
}

// ---- checks on a table ---------------------------------------------------

const HEAD: &str = "year = 2027\n";

fn holiday(from: &str, to: &str, working: &str) -> String {
    format!("[[holiday]]\nname = \"示例\"\nfrom = {from}\nto = {to}\nworking_days = [{working}]\n")
}

fn refused(text: &str) -> CalendarError {
    CalendarYear::from_toml(text).unwrap_err()
}

#[test]
fn a_table_is_checked() {
    // A working day inside its own holiday.
    assert_eq!(
        refused(&format!(
            "{HEAD}{}",
            holiday("2027-01-01", "2027-01-03", "2027-01-02")
        )),
        CalendarError::HolidayAndWorkingDay {
            date: d(2027, 1, 2)
        }
    );
    // … or inside another holiday of the table.
    assert_eq!(
        refused(&format!(
            "{HEAD}{}{}",
            holiday("2027-01-01", "2027-01-01", "2027-05-01"),
            holiday("2027-05-01", "2027-05-05", "")
        )),
        CalendarError::HolidayAndWorkingDay {
            date: d(2027, 5, 1)
        }
    );
    // An adjusted working day on a weekday (Friday 2027-01-08).
    assert_eq!(
        refused(&format!(
            "{HEAD}{}",
            holiday("2027-01-01", "2027-01-01", "2027-01-08")
        )),
        CalendarError::WorkingDayNotWeekend {
            date: d(2027, 1, 8),
            weekday: Weekday::Fri
        }
    );
    assert_eq!(
        refused(&format!(
            "{HEAD}{}",
            holiday("2027-01-03", "2027-01-01", "")
        )),
        CalendarError::RangeReversed {
            from: d(2027, 1, 3),
            to: d(2027, 1, 1)
        }
    );
    // A month into the neighbouring years is allowed, not more.
    assert!(
        CalendarYear::from_toml(&format!(
            "{HEAD}{}",
            holiday("2026-12-01", "2028-01-31", "")
        ))
        .is_ok()
    );
    assert_eq!(
        refused(&format!(
            "{HEAD}{}",
            holiday("2026-11-30", "2027-01-01", "")
        )),
        CalendarError::DateOutsideYear {
            year: 2027,
            date: d(2026, 11, 30)
        }
    );
    assert_eq!(
        refused(&format!(
            "{HEAD}{}",
            holiday("2027-12-31", "2028-02-01", "")
        )),
        CalendarError::DateOutsideYear {
            year: 2027,
            date: d(2028, 2, 1)
        }
    );
    assert_eq!(
        refused(&format!(
            "{HEAD}{}",
            holiday("2027-01-01", "2027-01-01", "2028-02-05")
        )),
        CalendarError::DateOutsideYear {
            year: 2027,
            date: d(2028, 2, 5)
        }
    );
    for year in [1948, 2200, i32::MIN, i32::MAX] {
        assert_eq!(
            refused(&format!("year = {year}\n")),
            CalendarError::YearOutOfRange { year }
        );
    }
    assert!(CalendarYear::from_toml("year = 1949\n").is_ok());
    assert!(CalendarYear::from_toml("year = 2199\n").is_ok());
}

#[test]
fn bad_toml_is_refused() {
    for text in [
        "year = ",
        "",
        "year = \"2027\"",
        "year = 2027\nyaer = 2028\n",
        "year = 2027\n[[holiday]]\nname = \"x\"\nfrom = 2027-01-01\n",
        "year = 2027\n[[holiday]]\nname = \"x\"\nfrom = 2027-02-30\nto = 2027-03-01\n",
        "year = 2027\n[[holiday]]\nname = \"x\"\nfrom = 2027-01-01\nto = 2027-01-01\nworkingdays = [2027-01-02]\n",
        "year = 2027\n[[notice]]\ntitle = \"x\"\n",
    ] {
        assert!(
            matches!(refused(text), CalendarError::Toml { .. }),
            "{text:?}"
        );
    }
    // Dates may also be written as strings.
    let t =
        table("year = 2027\n[[holiday]]\nname = \"x\"\nfrom = \"2027-01-01\"\nto = 2027-01-01\n");
    assert_eq!(t.holidays.first().map(|h| h.from), Some(d(2027, 1, 1)));
}

// ---- adding and replacing years --------------------------------------------

#[test]
fn a_clash_between_tables_is_refused_and_changes_nothing() {
    // 2027 ends with a holiday to Saturday 1 January 2028; a 2028 table
    // making that day a working day is refused.
    let mut cal = WorkCalendar::china();
    cal.add_year(table(&format!(
        "{HEAD}{}",
        holiday("2027-12-30", "2028-01-01", "")
    )))
    .unwrap();
    let before = cal.clone();
    let clash = table(&format!(
        "year = 2028\n{}",
        holiday("2028-01-03", "2028-01-03", "2028-01-01")
    ));
    assert_eq!(
        cal.add_year(clash),
        Err(CalendarError::HolidayAndWorkingDay {
            date: d(2028, 1, 1)
        })
    );
    assert_eq!(cal, before);
    assert!(!cal.covers(d(2028, 1, 3)));
    assert_eq!(
        cal.working_days_between(d(2027, 12, 27), d(2027, 12, 31)),
        Ok(3)
    );
    // A table with a region goes through with_regional.
    let regional = table("year = 2027\nregion = \"示例区\"\n");
    assert_eq!(
        cal.add_year(regional),
        Err(CalendarError::RegionalTable {
            year: 2027,
            region: "示例区".into()
        })
    );
    assert_eq!(cal, before);
}

#[test]
fn a_year_is_added_or_replaced() {
    let mut cal = WorkCalendar::china();
    // Replacing 2026 with itself changes nothing …
    cal.add_year(shipped(2026)).unwrap();
    assert_eq!(cal, WorkCalendar::china());
    assert_eq!(cal.years().count(), 7);
    // … a correction replaces it (here: 国庆 without its working days).
    let mut corrected = shipped(2026);
    for h in &mut corrected.holidays {
        if h.name == "国庆节" {
            h.working_days.clear();
        }
    }
    cal.add_year(corrected.clone()).unwrap();
    assert_eq!(cal.years().count(), 7);
    assert_eq!(cal.is_working_day(d(2026, 10, 10)), Ok(false));
    assert_eq!(cal.is_working_day(d(2026, 9, 20)), Ok(false));
    assert_eq!(cal.years().last(), Some(&corrected));
    assert_eq!(
        WorkCalendar::china().working_days_between(d(2026, 1, 1), d(2026, 12, 31)),
        Ok(248)
    );
    assert_eq!(
        cal.working_days_between(d(2026, 1, 1), d(2026, 12, 31)),
        Ok(246)
    );
    // A new year: 2027 is covered from now on.
    cal.add_year(table(&format!(
        "{HEAD}{}",
        holiday("2027-01-01", "2027-01-01", "")
    )))
    .unwrap();
    assert!(cal.covers(d(2027, 6, 1)));
    assert_eq!(cal.is_working_day(d(2027, 1, 1)), Ok(false));
    assert_eq!(cal.is_working_day(d(2027, 1, 4)), Ok(true));
}

#[test]
fn serde_rebuilds_and_rechecks() {
    let cal = WorkCalendar::china().with_weekdays_beyond_tables();
    let json = serde_json::to_string(&cal).unwrap();
    let back: WorkCalendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cal);
    assert_eq!(
        back.working_days_between(d(2026, 1, 1), d(2026, 12, 31)),
        Ok(248)
    );
    // A stored table that breaks a check (a Tuesday as an adjusted
    // working day) is refused on load.
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["years"][0]["holiday"][0]["working_days"] = serde_json::json!(["2019-12-31"]);
    assert!(serde_json::from_value::<WorkCalendar>(value).is_err());
    let table = shipped(2025);
    let json = serde_json::to_string(&table).unwrap();
    assert_eq!(serde_json::from_str::<CalendarYear>(&json).unwrap(), table);
}

// ---- regional layers -----------------------------------------------------

/// ILLUSTRATIVE ONLY: invented dates for an invented region, to test the
/// layering. The crate ships no regional table.
const ILLUSTRATIVE_REGION: &str = r#"
year = 2026
region = "示例自治区"

[[holiday]]
name = "示例节 (illustrative)"
from = 2026-04-20
to = 2026-04-22
working_days = [2026-04-26]
"#;

#[test]
fn a_regional_layer_adds_holidays_and_working_days() {
    let national = WorkCalendar::china();
    let regional = national.with_regional(table(ILLUSTRATIVE_REGION)).unwrap();
    assert_eq!(regional.region(), Some("示例自治区"));
    assert_eq!(regional.regional_years().count(), 1);
    assert_eq!(regional.is_working_day(d(2026, 4, 20)), Ok(false));
    assert_eq!(regional.is_working_day(d(2026, 4, 26)), Ok(true)); // a Sunday, worked
    assert_eq!(national.is_working_day(d(2026, 4, 20)), Ok(true));
    assert_eq!(national.is_working_day(d(2026, 4, 26)), Ok(false));
    // National holidays still hold.
    assert_eq!(regional.is_working_day(d(2026, 10, 1)), Ok(false));
    // Week of 20 April: Monday–Wednesday off, Thursday, Friday and Sunday worked.
    assert_eq!(
        regional.working_days_between(d(2026, 4, 20), d(2026, 4, 26)),
        Ok(3)
    );
    // Layering the same table again changes nothing.
    let again = regional.with_regional(table(ILLUSTRATIVE_REGION)).unwrap();
    assert_eq!(again, regional);
}

#[test]
fn a_regional_layer_is_checked() {
    let national = WorkCalendar::china();
    assert_eq!(
        national.with_regional(shipped(2026)),
        Err(CalendarError::NotRegional { year: 2026 })
    );
    assert_eq!(
        national.with_regional(table("year = 2026\nregion = \"  \"\n")),
        Err(CalendarError::NotRegional { year: 2026 })
    );
    let regional = national.with_regional(table(ILLUSTRATIVE_REGION)).unwrap();
    assert_eq!(
        regional.with_regional(table("year = 2025\nregion = \"另一区\"\n")),
        Err(CalendarError::RegionMismatch {
            layered: "示例自治区".into(),
            given: "另一区".into()
        })
    );
    assert_eq!(
        national.with_regional(table("year = 2027\nregion = \"示例自治区\"\n")),
        Err(CalendarError::NoNationalTable {
            year: 2027,
            region: "示例自治区".into()
        })
    );
    // A regional holiday on a national working Saturday (2026-02-28) …
    let clash = format!(
        "year = 2026\nregion = \"示例自治区\"\n{}",
        holiday("2026-02-28", "2026-03-01", "")
    );
    assert_eq!(
        national.with_regional(table(&clash)),
        Err(CalendarError::HolidayAndWorkingDay {
            date: d(2026, 2, 28)
        })
    );
    // … or a regional working day inside a national holiday.
    let clash = format!(
        "year = 2026\nregion = \"示例自治区\"\n{}",
        holiday("2026-03-02", "2026-03-02", "2026-02-15")
    );
    assert_eq!(
        national.with_regional(table(&clash)),
        Err(CalendarError::HolidayAndWorkingDay {
            date: d(2026, 2, 15)
        })
    );
    // Replacing a national year that clashes with the layer is refused.
    let mut layered = regional.clone();
    let mut national_2026 = shipped(2026);
    national_2026.holidays.push(Holiday {
        name: "x".into(),
        from: d(2026, 4, 25),
        to: d(2026, 4, 26),
        working_days: Vec::new(),
        note: None,
    });
    assert_eq!(
        layered.add_year(national_2026),
        Err(CalendarError::HolidayAndWorkingDay {
            date: d(2026, 4, 26)
        })
    );
    assert_eq!(layered, regional);
}

// ---- calendars per subtree -----------------------------------------------

#[test]
fn the_nearest_override_wins() {
    let org = |id, kind, parent: Option<u64>| Organisation {
        id: OrgId::new(id),
        name: format!("org {id}").parse().unwrap(),
        kind,
        parent: parent.map(OrgId::new),
        version: 0,
    };
    let branch = OrgKind::Branch(BranchForm::Physical);
    let tree = OrgTree::from_orgs([
        org(1, OrgKind::GrassrootsCommittee, None),
        org(2, OrgKind::GrassrootsCommittee, Some(1)),
        org(3, OrgKind::GrassrootsCommittee, Some(2)),
        org(4, branch.clone(), Some(3)),
        org(5, branch, Some(1)),
    ])
    .unwrap();
    let national = WorkCalendar::china();
    let regional = national.with_regional(table(ILLUSTRATIVE_REGION)).unwrap();
    let plain = WorkCalendar::weekdays_only();
    let cals = Calendars::new(national.clone())
        .with_subtree(OrgId::new(2), regional.clone())
        .with_subtree(OrgId::new(3), plain.clone());
    assert_eq!(cals.for_org(OrgId::new(1), &tree), &national);
    assert_eq!(cals.for_org(OrgId::new(2), &tree), &regional);
    assert_eq!(cals.for_org(OrgId::new(3), &tree), &plain);
    assert_eq!(cals.for_org(OrgId::new(4), &tree), &plain);
    assert_eq!(cals.for_org(OrgId::new(5), &tree), &national);
    assert_eq!(cals.for_org(OrgId::new(99), &tree), &national);
    assert_eq!(cals.default_calendar(), &national);
    assert_eq!(cals.subtrees().count(), 2);
    // A second override for the same organisation replaces the first.
    let cals = cals.with_subtree(OrgId::new(3), national.clone());
    assert_eq!(cals.for_org(OrgId::new(4), &tree), &national);
}
