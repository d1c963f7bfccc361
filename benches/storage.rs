//! Storage benchmarks (feature `sqlite`; PostgreSQL too when DATABASE_URL is
//! set, e.g. under `scripts/test.sh`-style setups).
//!
//! - Bulk-import 100,000 members with memberships into a fresh SQLite file
//!   through the adapter, and, in the same bench, a raw sqlx insert loop of
//!   the same rows (already serialised) as the baseline. The ratio
//!   (adapter ÷ raw throughput) is printed; the aim is at least 0.5.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use dangjian::adapters::SqliteStore;
use dangjian::lifecycle::{self, ImportedStage, Lifecycle, TransitionContext};
use dangjian::member::{
    Contact, Identity, MembershipKind, MembershipRequest, Memberships, NewMember,
    OccupationCategory, RegistrationStatus,
};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::period::WorkCalendar;
use dangjian::store::{MemberStore, OrgStore};
use dangjian::{MemberId, OrgId};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const MEMBERS: u32 = 100_000;
const BRANCHES: usize = 700;

static FILE: AtomicUsize = AtomicUsize::new(0);

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn fresh_url() -> String {
    let dir = std::env::temp_dir().join(format!("dangjian-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("b{}.db", FILE.fetch_add(1, Ordering::SeqCst)));
    format!("sqlite://{}", path.display())
}

/// A fresh store with a committee, 700 branches and 240 online branches.
async fn fresh_store() -> (SqliteStore, Vec<OrgId>, Vec<OrgId>) {
    let store = SqliteStore::connect(&fresh_url())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let new = |name: String, kind, parent| NewOrganisation {
        name: name.parse().unwrap_or_else(|e| panic!("{e}")),
        kind,
        parent,
    };
    let root = store
        .insert_org(new("党委".into(), OrgKind::GrassrootsCommittee, None))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .id;
    let mut branches = Vec::new();
    for b in 0..BRANCHES {
        let o = store
            .insert_org(new(
                format!("支部{b}"),
                OrgKind::Branch(BranchForm::Physical),
                Some(root),
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        branches.push(o.id);
    }
    let mut online = Vec::new();
    for b in 0..240 {
        let kind = OrgKind::Branch(BranchForm::Online {
            theme: dangjian::org::OnlineTheme::YoungMembers,
        });
        online.push(
            store
                .insert_org(new(format!("网上支部{b}"), kind, Some(root)))
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .id,
        );
    }
    (store, branches, online)
}

async fn members(store: &SqliteStore, branches: &[OrgId], online: &[OrgId]) -> Vec<NewMember> {
    let tree = store.org_tree().await.unwrap_or_else(|e| panic!("{e}"));
    let rules = lifecycle::national_rules();
    let calendar = WorkCalendar::default();
    let none = |_: MemberId, _: NaiveDate| None;
    let today = date(2024, 6, 1);
    (0..MEMBERS)
        .map(|n| {
            let birth = date(1950, 1, 1) + chrono::Duration::days(i64::from(n / 1000));
            let first17 = format!("330102{}{:03}", birth.format("%Y%m%d"), n % 1000);
            let check = dangjian::member::identity::check_character(&first17).unwrap_or('0');
            let id_number: dangjian::member::IdNumber = format!("{first17}{check}")
                .parse()
                .unwrap_or_else(|e| panic!("{e}"));
            let ctx = TransitionContext {
                birth_date: birth,
                subject: MemberId::new(0),
                today,
                rules: &rules,
                calendar: &calendar,
                introducer_stage: &none,
            };
            let lifecycle = Lifecycle::import(
                ImportedStage::Full {
                    joined_on: date(2000, 7, 1),
                    full_since: date(2001, 7, 1),
                },
                &ctx,
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let home = branches[n as usize % branches.len()];
            let mut memberships =
                Memberships::new(home, today, &tree).unwrap_or_else(|e| panic!("{e}"));
            if n % 5 == 0 {
                let join = MembershipRequest::Join {
                    org: online[n as usize % online.len()],
                    kind: MembershipKind::Online,
                    on: today,
                };
                memberships = memberships
                    .apply(&join, &tree, today)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            NewMember {
                identity: Identity {
                    name: "党员".parse().unwrap_or_else(|e| panic!("{e}")),
                    id_number,
                },
                contact: Contact {
                    employee_no: Some(format!("E{n:06}").parse().unwrap_or_else(|e| panic!("{e}"))),
                    ..Contact::default()
                },
                occupation: OccupationCategory::InService,
                registration: RegistrationStatus::Pending {
                    submitted_on: today,
                },
                lifecycle,
                memberships,
            }
        })
        .collect()
}

/// The baseline: the same rows, already serialised, inserted by a bare
/// sqlx loop in one transaction.
async fn raw_insert(store: &SqliteStore, rows: &[(String, String, i64, String, Vec<i64>)]) {
    let mut tx = store.pool().begin().await.unwrap_or_else(|e| panic!("{e}"));
    for (id_number, employee_no, home, record, online) in rows {
        let id: i64 = sqlx::query_scalar("INSERT INTO members (version, id_number, employee_no, home_org_id, record) VALUES (1, $1, $2, $3, $4) RETURNING id")
            .bind(id_number).bind(employee_no).bind(home).bind(record)
            .fetch_one(&mut *tx).await.unwrap_or_else(|e| panic!("{e}"));
        for org in online {
            sqlx::query("INSERT INTO member_online (org_id, member_id) VALUES ($1, $2)")
                .bind(org)
                .bind(id)
                .execute(&mut *tx)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
}

fn bench_import(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let (store0, branches, online) = rt.block_on(fresh_store());
    let batch = rt.block_on(members(&store0, &branches, &online));
    let rows: Vec<(String, String, i64, String, Vec<i64>)> = batch
        .iter()
        .map(|m| {
            (
                m.identity.id_number.as_str().to_owned(),
                m.contact
                    .employee_no
                    .as_ref()
                    .map(|e| e.as_str().to_owned())
                    .unwrap_or_default(),
                m.memberships.home().get() as i64,
                serde_json::to_string(m).unwrap_or_default(),
                m.memberships
                    .online()
                    .keys()
                    .map(|o| o.get() as i64)
                    .collect(),
            )
        })
        .collect();
    let mut g = c.benchmark_group("sqlite_bulk_import_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    let mut adapter = Duration::ZERO;
    let mut adapter_n = 0u32;
    g.bench_function("adapter/insert_members", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (store, _, _) = rt.block_on(fresh_store());
                let input = batch.clone();
                let t = Instant::now();
                let stored = rt
                    .block_on(store.insert_members(input))
                    .unwrap_or_else(|e| panic!("{e}"));
                total += t.elapsed();
                assert_eq!(stored.len(), MEMBERS as usize);
                rt.block_on(store.close());
            }
            adapter += total;
            adapter_n += iters as u32;
            total
        })
    });
    let mut raw = Duration::ZERO;
    let mut raw_n = 0u32;
    g.bench_function("baseline/raw_sqlx_loop", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (store, _, _) = rt.block_on(fresh_store());
                let t = Instant::now();
                rt.block_on(raw_insert(&store, &rows));
                total += t.elapsed();
                rt.block_on(store.close());
            }
            raw += total;
            raw_n += iters as u32;
            total
        })
    });
    g.finish();
    // The ratio, measured on interleaved pairs so that both sides see the
    // same machine noise.
    let (mut a, mut r) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..3 {
        let (store, _, _) = rt.block_on(fresh_store());
        let input = batch.clone();
        let t = Instant::now();
        rt.block_on(store.insert_members(input))
            .unwrap_or_else(|e| panic!("{e}"));
        a += t.elapsed();
        rt.block_on(store.close());
        let (store, _, _) = rt.block_on(fresh_store());
        let t = Instant::now();
        rt.block_on(raw_insert(&store, &rows));
        r += t.elapsed();
        rt.block_on(store.close());
    }
    let _ = (adapter, adapter_n, raw, raw_n);
    println!(
        "bulk import of {MEMBERS} members into SQLite (3 interleaved pairs): adapter {:.3} s, raw sqlx loop {:.3} s; adapter reaches {:.2} of raw speed (aim >= 0.5)",
        a.as_secs_f64() / 3.0,
        r.as_secs_f64() / 3.0,
        r.as_secs_f64() / a.as_secs_f64()
    );
}

criterion_group!(storage, bench_import);
criterion_main!(storage);
