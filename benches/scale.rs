//! Scale benchmarks (feature `sqlite`): the paths that
//! grew with the member count, at 25,000 and 250,000 members in a SQLite
//! file (the county of `benches/common`: 700 branches, 240 online branches).
//!
//! - `structure_report`: the structural findings of the whole county
//!   (ORG-2 … ORG-5), one read of the branches' members rather than one
//!   query per branch.
//! - `placement`: 1,000 access-check placements (`MemberStore::placement`),
//!   read from the memberships alone rather than by decoding the record
//!   and replaying its lifecycle.
//!
//! Figures on the shared 2-core test machine (noisy: other builds ran),
//! median of 10 samples, before → after reading once:
//!
//! | members | structure_report | placement ×1000 |
//! |---|---|---|
//! | 25,000 | 1.24 s → 1.17 s | 284 ms → 169 ms |
//! | 250,000 | 18.6 s → 6.1 s | 300 ms → 99 ms |
//!
//! At 25,000 the report's time is the decoding of every member's record
//! (its lifecycle decides the stage); the 940 per-branch queries it no
//! longer runs cost little on a local SQLite file.

#[path = "common/mod.rs"]
mod common;

use common::{county_members, county_orgs};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dangjian::access::Actor;
use dangjian::clock::FixedClock;
use dangjian::store::{Effects, Store};
use dangjian::{Dangjian, MemberId, OrgId};
use std::sync::Arc;
use std::time::Duration;

fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn sqlite_path(n: u32) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("dangjian-scale-{}-{n}.db", std::process::id()))
}

fn remove(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// A SQLite store with the county and `n` members (every seventh mobile,
/// every fifth in an online branch), inserted in batches of 25,000.
async fn county(n: u32) -> (Arc<dyn Store>, OrgId, Vec<MemberId>) {
    let path = sqlite_path(n);
    remove(&path);
    let store = must(dangjian::adapters::connect(&format!("sqlite://{}", path.display())).await);
    let county = county_orgs(store.as_ref()).await;
    let tree = must(store.org_tree().await);
    let all = county_members(&tree, &county, n, true);
    let mut ids = Vec::with_capacity(all.len());
    let mut rest = all;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(25_000));
        let batch = std::mem::replace(&mut rest, tail);
        for m in must(store.insert_members(batch, Effects::none()).await) {
            ids.push(m.id());
        }
    }
    (store, county.committee, ids)
}

fn benches(c: &mut Criterion) {
    let rt = must(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build(),
    );
    let mut g = c.benchmark_group("scale");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    for n in [25_000_u32, 250_000] {
        let (store, committee, ids) = rt.block_on(county(n));
        let clock = Arc::new(FixedClock::on_date(common::date(2024, 6, 28)));
        let dj = Dangjian::builder()
            .store(Arc::clone(&store))
            .clock(clock)
            .build();
        let admin = dj.act_as(&Actor::platform_admin());
        g.bench_with_input(
            BenchmarkId::new("sqlite/structure_report", n),
            &n,
            |b, _| {
                b.iter(|| {
                    rt.block_on(async {
                        must(admin.orgs().structure_report(committee).await).len()
                    })
                });
            },
        );
        let step = ids.len() / 1_000;
        let sample: Vec<MemberId> = ids
            .iter()
            .step_by(step.max(1))
            .take(1_000)
            .copied()
            .collect();
        g.bench_with_input(BenchmarkId::new("sqlite/placement x1000", n), &n, |b, _| {
            b.iter(|| {
                rt.block_on(async {
                    let mut found = 0_usize;
                    for id in &sample {
                        found += usize::from(must(store.placement(*id).await).is_some());
                    }
                    found
                })
            });
        });
        rt.block_on(async { must(store.close().await) });
        remove(&sqlite_path(n));
    }
    g.finish();
}

criterion_group!(scale, benches);
criterion_main!(scale);
