//! Dues benchmarks, core only, at real sizes:
//!
//! - assess one month for 1,000,000 members of mixed categories (target
//!   < 150 ms, and within 1.5× of a bare loop doing only the Decimal
//!   arithmetic — rate lookup, multiply, round, cap — over the same bases;
//!   both run here and the ratio is printed);
//! - rebuild balances from a 10,000,000-entry ledger (target < 2 s);
//! - the arrears scan over 100,000 members and 24 months (target < 200 ms).
//!
//! Each runs at three sizes to show how time grows. Besides criterion's
//! figures, each prints a min-of-N wall-clock figure so the ratio can be
//! read directly. Run with
//! `cargo bench --bench dues -- --warm-up-time 1 --measurement-time 3`.

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dangjian::dues::{
    Assessor, Balances, CategoryCode, CompactMember, DuesRules, EntryId, LedgerEntry,
    LedgerEntryKind, Money, Month, Rounding, scan_arrears,
};
use dangjian::{MemberId, OrgId};
use rust_decimal::{Decimal, RoundingStrategy};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// A deterministic pseudo-random sequence (no RNG dependency).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn members(n: usize) -> Vec<CompactMember> {
    let mut r = Lcg(42);
    (0..n)
        .map(|_| {
            let pick = r.next() % 100;
            let category = match pick {
                0..70 => CategoryCode::WageRate,
                70..90 => CategoryCode::PensionRate,
                90..95 => CategoryCode::FarmerFlat,
                _ => CategoryCode::LowIncomeFlat,
            };
            // Bases 0–20,000.00 yuan in fen, with every band represented.
            let fen = i64::try_from(r.next() % 2_000_000).unwrap_or(0);
            CompactMember {
                base: Decimal::new(fen, 2),
                rules: u16::from(r.next() % 4 == 0),
                category,
            }
        })
        .collect()
}

fn rule_versions() -> Vec<DuesRules> {
    let mut local = DuesRules::dues_2017();
    local.rounding = Rounding::JIAO_HALF_UP;
    local.farmer_flat = Money::from_fen(50);
    vec![DuesRules::dues_2017(), local]
}

/// The baseline: only the Decimal arithmetic (rate lookup, multiply,
/// round, cap) over the same bases.
fn baseline(bases: &[Decimal], out: &mut Vec<Decimal>) {
    let (e1, e2, e3) = (
        Decimal::new(300_000, 2),
        Decimal::new(500_000, 2),
        Decimal::new(1_000_000, 2),
    );
    let (r1, r2, r3, r4) = (
        Decimal::new(5, 3),
        Decimal::new(10, 3),
        Decimal::new(15, 3),
        Decimal::new(20, 3),
    );
    let cap = Decimal::new(100_000, 2);
    out.clear();
    out.extend(bases.iter().map(|b| {
        let rate = if *b <= e1 {
            r1
        } else if *b <= e2 {
            r2
        } else if *b <= e3 {
            r3
        } else {
            r4
        };
        (b * rate)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .min(cap)
    }));
}

/// `DUES_BENCH=assess|rebuild|arrears` runs one area only.
fn wanted(area: &str) -> bool {
    std::env::var("DUES_BENCH").map_or(true, |v| v == area)
}

fn min_time(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn bench_assess(c: &mut Criterion) {
    if !wanted("assess") {
        return;
    }
    let assessor = Assessor::new(&rule_versions()).expect("the rule versions are valid");
    println!("\n== assess one month (mixed categories; min of 5 runs)");
    for n in [100_000usize, 300_000, 1_000_000] {
        let ms_ = members(n);
        let bases: Vec<Decimal> = ms_.iter().map(|m| m.base).collect();
        let mut out = Vec::with_capacity(n);
        let mut out_b = Vec::with_capacity(n);
        let t_assess = min_time(5, || assessor.assess_all(black_box(&ms_), &mut out));
        let t_base = min_time(5, || baseline(black_box(&bases), &mut out_b));
        println!(
            "  {n:>9} members: assessor {:8.2} ms, bare Decimal loop {:8.2} ms, ratio {:.2}× ({:.1} ns/member)",
            ms(t_assess),
            ms(t_base),
            t_assess.as_secs_f64() / t_base.as_secs_f64(),
            t_assess.as_secs_f64() * 1e9 / n as f64
        );
        let mut g = c.benchmark_group("dues_assess");
        g.sample_size(10);
        g.bench_with_input(BenchmarkId::new("assessor", n), &ms_, |b, ms_| {
            b.iter(|| assessor.assess_all(black_box(ms_), &mut out))
        });
        g.bench_with_input(
            BenchmarkId::new("bare_decimal_baseline", n),
            &bases,
            |b, bases| b.iter(|| baseline(black_box(bases), &mut out_b)),
        );
        g.finish();
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 31).unwrap_or_default()
}

fn month(i: usize) -> Month {
    let i = u32::try_from(i).unwrap_or(0);
    Month::new(2023 + i32::try_from(i / 12).unwrap_or(0), i % 12 + 1).unwrap_or(Month::of(day()))
}

/// A ledger of `members` × `months`: an assessment, a payment and an
/// allocation per month (every 7th month left unpaid, every 1000th payment
/// reversed).
fn ledger(members: usize, months: usize) -> Vec<LedgerEntry> {
    let mut out = Vec::with_capacity(members * months * 3);
    let mut id = 0u64;
    let mut push = |out: &mut Vec<LedgerEntry>, kind| {
        id += 1;
        out.push(LedgerEntry {
            id: EntryId::new(id),
            branch: OrgId::new(1 + id % 50),
            recorded_on: day(),
            kind,
        });
        EntryId::new(id)
    };
    for mo in 0..months {
        for m in 0..members {
            let member = MemberId::new(m as u64 + 1);
            let amount = Money::from_fen(1500 + (m as i32 % 50) * 100);
            push(
                &mut out,
                LedgerEntryKind::Assessment {
                    member,
                    month: month(mo),
                    amount,
                    rule_version: "dues-2017".into(),
                },
            );
            if (m + mo) % 7 == 0 {
                continue;
            }
            let p = push(
                &mut out,
                LedgerEntryKind::Payment {
                    member,
                    payment_id: format!("P{m}-{mo}")
                        .parse()
                        .unwrap_or_else(|_| unreachable!()),
                    amount,
                    voluntary: Money::ZERO,
                    forward_to_central: false,
                    received_on: day(),
                },
            );
            push(
                &mut out,
                LedgerEntryKind::Allocation {
                    member,
                    payment: p,
                    month: month(mo),
                    amount,
                },
            );
            if p.get() % 1000 == 0 {
                push(
                    &mut out,
                    LedgerEntryKind::Reversal {
                        member,
                        reverses: p,
                        reason: "冲正".into(),
                    },
                );
            }
        }
    }
    out
}

fn bench_rebuild(c: &mut Criterion) {
    if !wanted("rebuild") {
        return;
    }
    println!("\n== rebuild balances (24 months; min of 3 runs)");
    for members in [15_400usize, 46_000, 154_000] {
        let entries = ledger(members, 24);
        let n = entries.len();
        let t = min_time(3, || {
            let _ = black_box(Balances::rebuild(black_box(&entries)));
        });
        println!(
            "  {n:>10} entries ({members} members): {:8.1} ms ({:.1} ns/entry)",
            ms(t),
            t.as_secs_f64() * 1e9 / n as f64
        );
        let mut g = c.benchmark_group("dues_rebuild");
        g.sample_size(10);
        g.bench_with_input(BenchmarkId::from_parameter(n), &entries, |b, e| {
            b.iter(|| black_box(Balances::rebuild(black_box(e))))
        });
        g.finish();
    }
}

fn bench_arrears(c: &mut Criterion) {
    if !wanted("arrears") {
        return;
    }
    println!("\n== arrears scan (min of 5 runs)");
    let as_of = month(40);
    for (members, months) in [
        (10_000usize, 24usize),
        (30_000, 24),
        (100_000, 24),
        (100_000, 6),
        (100_000, 12),
    ] {
        let entries = ledger(members, months);
        let balances = Balances::rebuild(&entries).unwrap_or_default();
        let ids: Vec<MemberId> = (1..=members as u64).map(MemberId::new).collect();
        let t = min_time(5, || {
            let _ = black_box(scan_arrears(black_box(&balances), &ids, as_of));
        });
        println!(
            "  {members:>7} members × {months:>2} months: {:8.2} ms",
            ms(t)
        );
        let mut g = c.benchmark_group("dues_arrears");
        g.sample_size(10);
        g.bench_with_input(
            BenchmarkId::new(format!("{months}_months"), members),
            &(),
            |b, ()| b.iter(|| black_box(scan_arrears(black_box(&balances), &ids, as_of))),
        );
        g.finish();
    }
}

criterion_group!(benches, bench_assess, bench_rebuild, bench_arrears);
criterion_main!(benches);
