//! The service's arrears scan (`DuesHandle::scan_arrears`, 欠缴扫描) over a
//! county's whole subtree in the memory store, at 25,000 and 250,000
//! members, every tenth of them owing three months (fewer than the six
//! that open a case, so every run does the same work).
//!
//! The scan used to look up each owing member's home
//! with a linear search over all members (O(N·L)); it now indexes the
//! members once. Run with
//! `cargo bench --bench arrears_scan -- --warm-up-time 1 --measurement-time 3`.

mod common;

use common::{county_members, county_orgs, date};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dangjian::Dangjian;
use dangjian::access::Actor;
use dangjian::clock::FixedClock;
use dangjian::dues::{LedgerEntryKind, Money, Month, NewLedgerEntry};
use dangjian::store::{DuesStore, Effects, MemberStore, MemoryStore, OrgStore};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

async fn setup(n: u32) -> (Dangjian, dangjian::OrgId) {
    let store = Arc::new(MemoryStore::new());
    let county = county_orgs(store.as_ref()).await;
    let tree = must(store.org_tree().await);
    let members = must(
        store
            .insert_members(county_members(&tree, &county, n, false), Effects::none())
            .await,
    );
    let mut entries = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if i % 10 != 0 {
            continue;
        }
        for mo in 1..=3 {
            entries.push(NewLedgerEntry {
                branch: m.home(),
                recorded_on: date(2024, mo, 1),
                kind: LedgerEntryKind::Assessment {
                    member: m.id(),
                    month: must(Month::new(2024, mo).ok_or("month")),
                    amount: Money::from_fen(3000),
                    rule_version: "dues-2017".into(),
                },
            });
        }
    }
    must(store.append_assessments(entries, Effects::none()).await);
    let clock = Arc::new(FixedClock::on_date(date(2024, 6, 28)));
    let dj = Dangjian::builder().store(store).clock(clock).build();
    (dj, county.committee)
}

async fn scan(dj: &Dangjian, org: dangjian::OrgId) -> usize {
    let job = dj.act_as(&Actor::system("arrears bench"));
    let month = Month::new(2024, 6).unwrap_or_else(|| panic!("month"));
    must(job.dues().scan_arrears(org, month).await).lines.len()
}

fn bench_scan(c: &mut Criterion) {
    let rt = must(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
    );
    println!("\n== service arrears scan, 10% of members owing (min of 3 runs)");
    for n in [25_000u32, 250_000] {
        let (dj, org) = rt.block_on(setup(n));
        let mut best = Duration::MAX;
        let mut lines = 0;
        for _ in 0..3 {
            let t = Instant::now();
            lines = rt.block_on(scan(&dj, org));
            best = best.min(t.elapsed());
        }
        println!(
            "  {n:>7} members, {lines:>6} owing: {:10.1} ms",
            best.as_secs_f64() * 1e3
        );
        let mut g = c.benchmark_group("service_scan_arrears");
        g.sample_size(10);
        g.bench_with_input(BenchmarkId::from_parameter(n), &(), |b, ()| {
            b.iter(|| black_box(rt.block_on(scan(&dj, org))))
        });
        g.finish();
    }
}

criterion_group!(benches, bench_scan);
criterion_main!(benches);
