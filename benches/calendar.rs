//! Working-calendar benchmarks on the shipped tables (`WorkCalendar::china`).
//!
//! Target: `working_days_between(2026-01-01, 2026-12-31)` under 1 µs (two
//! lookups in the running counts). The same group measures a day-by-day
//! loop over `is_working_day` as the baseline; the ratio is printed.
//! Also measured: the last day of a 5-working-day notice across 春节 2026,
//! and building a calendar from the seven shipped tables
//! (`WorkCalendar::from_years`: the checks and the running counts).

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use dangjian::period::{CalendarError, CalendarYear, Counting, Length, WorkCalendar};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn day_by_day(cal: &WorkCalendar, from: NaiveDate, to: NaiveDate) -> Result<u32, CalendarError> {
    let mut n = 0;
    for day in from.iter_days().take_while(|d| *d <= to) {
        n += u32::from(cal.is_working_day(day)?);
    }
    Ok(n)
}

/// The median of `runs` timings of `iters` calls each, per call.
fn per_call(mut f: impl FnMut(), iters: u32, runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed() / iters
        })
        .collect();
    times.sort();
    times.get(runs / 2).copied().unwrap_or_default()
}

fn benches(c: &mut Criterion) {
    let cal = WorkCalendar::china();
    let (from, to) = (date(2026, 1, 1), date(2026, 12, 31));
    assert_eq!(cal.working_days_between(from, to), Ok(248));
    assert_eq!(day_by_day(&cal, from, to), Ok(248));

    let mut g = c.benchmark_group("working_days_between_2026");
    g.bench_function("prefix_counts", |b| {
        b.iter(|| cal.working_days_between(black_box(from), black_box(to)))
    });
    g.bench_function("day_by_day_baseline", |b| {
        b.iter(|| day_by_day(&cal, black_box(from), black_box(to)))
    });
    g.finish();
    let fast = per_call(
        || {
            drop(black_box(
                cal.working_days_between(black_box(from), black_box(to)),
            ))
        },
        100_000,
        11,
    );
    let slow = per_call(
        || drop(black_box(day_by_day(&cal, black_box(from), black_box(to)))),
        1_000,
        11,
    );
    println!(
        "working_days_between 2026: prefix counts {:.1} ns, day by day {:.1} ns, ratio {:.0}x",
        fast.as_secs_f64() * 1e9,
        slow.as_secs_f64() * 1e9,
        slow.as_secs_f64() / fast.as_secs_f64().max(1e-12),
    );

    let mut g = c.benchmark_group("calendar");
    g.bench_function("last_day/5_working_days_across_spring_festival_2026", |b| {
        b.iter(|| {
            cal.last_day(
                black_box(date(2026, 2, 12)),
                Length::WorkingDays(5),
                Counting::Inclusive,
            )
        })
    });
    g.bench_function("build/seven_shipped_tables", |b| {
        let tables: Vec<CalendarYear> = cal.years().cloned().collect();
        b.iter(|| WorkCalendar::from_years(black_box(tables.clone())))
    });
    g.finish();
}

criterion_group!(calendar, benches);
criterion_main!(calendar);
