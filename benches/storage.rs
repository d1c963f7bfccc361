//! Storage benchmarks (feature `sqlite`; PostgreSQL as well when
//! DATABASE_URL points at a server, e.g. the one `scripts/test.sh` starts).
//!
//! - Bulk import of 100,000 members with memberships into a fresh SQLite
//!   file through the adapter, against a raw sqlx insert loop of the same
//!   rows (already serialised) in the same bench; the ratio is printed from
//!   interleaved pairs so that both sides see the same machine noise (aim:
//!   the adapter reaches at least half the raw speed).
//! - A county month through the services: 25,000 members, assess dues in
//!   every branch, record 20,000 payments, produce the branch reports
//!   (target on SQLite: under 3 s; PostgreSQL: reported).

#[path = "common/mod.rs"]
mod common;

use common::{County, county_members, county_orgs, dues_profile};
use criterion::{Criterion, criterion_group, criterion_main};
use dangjian::access::Actor;
use dangjian::adapters::SqliteStore;
use dangjian::clock::FixedClock;
use dangjian::dues::{AssessMonth, LedgerEntryKind, Month, PaymentRequest};
use dangjian::member::NewMember;
use dangjian::store::Effects;
use dangjian::store::{MemberStore, Store};
use dangjian::{Dangjian, MemberId};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static FILE: AtomicUsize = AtomicUsize::new(0);

fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn fresh_sqlite_url() -> String {
    let dir = std::env::temp_dir().join(format!("dangjian-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("b{}.db", FILE.fetch_add(1, Ordering::SeqCst)));
    format!("sqlite://{}", path.display())
}

/// Deletes a bench SQLite file with its `-wal` and `-shm` companions (and
/// the bench folder once it is empty).
fn remove_sqlite(url: &str) {
    let Some(path) = url.strip_prefix("sqlite://") else {
        return;
    };
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    if let Some(dir) = std::path::Path::new(path).parent() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Drops a bench database made by [`fresh_pg_url`] (closing whatever
/// connection is left).
async fn drop_pg(url: &str) {
    use sqlx::Connection;
    let (Ok(admin), Some((_, name))) = (std::env::var("DATABASE_URL"), url.rsplit_once('/')) else {
        return;
    };
    if !name.starts_with("djbench_") {
        return;
    }
    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
        let _ = conn.close().await;
    }
}

/// A fresh PostgreSQL database on the DATABASE_URL server, if any.
async fn fresh_pg_url() -> Option<String> {
    use sqlx::Connection;
    let url = std::env::var("DATABASE_URL").ok()?;
    let name = format!(
        "djbench_{}_{}",
        std::process::id(),
        FILE.fetch_add(1, Ordering::SeqCst)
    );
    let mut conn = sqlx::PgConnection::connect(&url).await.ok()?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .ok()?;
    let (base, _) = url.rsplit_once('/')?;
    Some(format!("{base}/{name}"))
}

async fn fresh_county(url: &str) -> (Arc<dyn Store>, County) {
    let store = must(dangjian::adapters::connect(url).await);
    let county = county_orgs(store.as_ref()).await;
    (store, county)
}

/// The baseline: the same rows, already serialised, by a bare sqlx loop in
/// one transaction.
async fn raw_insert(store: &SqliteStore, rows: &[(String, String, i64, String, Vec<i64>)]) {
    let mut tx = must(store.pool().begin().await);
    for (id_number, employee_no, home, record, online) in rows {
        let id: i64 = must(
            sqlx::query_scalar("INSERT INTO members (version, id_number, employee_no, home_org_id, record) VALUES (1, $1, $2, $3, $4) RETURNING id")
                .bind(id_number).bind(employee_no).bind(home).bind(record)
                .fetch_one(&mut *tx).await,
        );
        for org in online {
            must(
                sqlx::query("INSERT INTO member_online (org_id, member_id) VALUES ($1, $2)")
                    .bind(org)
                    .bind(id)
                    .execute(&mut *tx)
                    .await,
            );
        }
    }
    must(tx.commit().await);
}

fn bench_import(c: &mut Criterion) {
    const MEMBERS: u32 = 100_000;
    let rt = must(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build(),
    );
    let fresh = || {
        rt.block_on(async {
            let url = fresh_sqlite_url();
            let store = must(SqliteStore::connect(&url).await);
            county_orgs(&store).await;
            (store, url)
        })
    };
    let done = |store: SqliteStore, url: String| {
        rt.block_on(store.close());
        drop(store);
        remove_sqlite(&url);
    };
    let batch: Vec<NewMember> = rt.block_on(async {
        let url = fresh_sqlite_url();
        let (s, county) = fresh_county(&url).await;
        let tree = must(s.org_tree().await);
        let batch = county_members(&tree, &county, MEMBERS, false);
        drop(s);
        remove_sqlite(&url);
        batch
    });
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
                i64::try_from(m.memberships.home().get()).unwrap_or_default(),
                serde_json::to_string(m).unwrap_or_default(),
                m.memberships
                    .online()
                    .keys()
                    .map(|o| i64::try_from(o.get()).unwrap_or_default())
                    .collect(),
            )
        })
        .collect();
    let mut g = c.benchmark_group("sqlite_bulk_import_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("adapter/insert_members", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (store, url) = fresh();
                let input = batch.clone();
                let t = Instant::now();
                assert_eq!(
                    must(rt.block_on(store.insert_members(input, Effects::none()))).len(),
                    MEMBERS as usize
                );
                total += t.elapsed();
                done(store, url);
            }
            total
        })
    });
    g.bench_function("baseline/raw_sqlx_loop", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (store, url) = fresh();
                let t = Instant::now();
                rt.block_on(raw_insert(&store, &rows));
                total += t.elapsed();
                done(store, url);
            }
            total
        })
    });
    g.finish();
    let (mut a, mut r) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..3 {
        let (store, url) = fresh();
        let input = batch.clone();
        let t = Instant::now();
        must(rt.block_on(store.insert_members(input, Effects::none())));
        a += t.elapsed();
        done(store, url);
        let (store, url) = fresh();
        let t = Instant::now();
        rt.block_on(raw_insert(&store, &rows));
        r += t.elapsed();
        done(store, url);
    }
    println!(
        "bulk import of {MEMBERS} members into SQLite (3 interleaved pairs): adapter {:.3} s, raw sqlx loop {:.3} s; adapter reaches {:.2} of raw speed (aim >= 0.5)",
        a.as_secs_f64() / 3.0,
        r.as_secs_f64() / 3.0,
        r.as_secs_f64() / a.as_secs_f64()
    );
}

/// A store with the county, 25,000 members and their dues profiles.
async fn county_month_setup(url: &str) -> (Dangjian, County, Vec<MemberId>) {
    let (store, county) = fresh_county(url).await;
    let tree = must(store.org_tree().await);
    let members = must(
        store
            .insert_members(
                county_members(&tree, &county, 25_000, true),
                Effects::none(),
            )
            .await,
    );
    for (i, m) in members.iter().enumerate() {
        must(
            store
                .put_dues_profile(
                    dues_profile(m.id(), u32::try_from(i).unwrap_or_default()),
                    Effects::none(),
                )
                .await,
        );
    }
    let clock = Arc::new(FixedClock::on_date(common::date(2024, 6, 28)));
    let dj = Dangjian::builder().store(store).clock(clock).build();
    (dj, county, members.into_iter().map(|m| m.id()).collect())
}

/// The timed part: assess June in every branch (one run over the county's
/// subtree), record 20,000 payments (one batch), produce the branch reports
/// of the whole county.
async fn county_month(dj: &Dangjian, county: &County) -> usize {
    let officer = dj.act_as(&Actor::committee_officer(
        MemberId::new(0),
        county.committee,
    ));
    let june = must("2024-06".parse::<Month>());
    let t = Instant::now();
    // The whole county in one assessment run (one read, one write).
    let runs = must(
        officer
            .dues()
            .assess_month(AssessMonth::new(county.committee, june))
            .await,
    );
    let mut owed = Vec::new();
    for run in runs {
        owed.extend(run.assessed.into_iter().filter_map(|e| match e.kind {
            LedgerEntryKind::Assessment { member, amount, .. } => Some((member, amount)),
            _ => None,
        }));
    }
    let reqs: Vec<PaymentRequest> = owed
        .into_iter()
        .take(20_000)
        .enumerate()
        .map(|(k, (member, amount))| {
            PaymentRequest::new(
                member,
                must(format!("WX202406{k:08}").parse()),
                amount,
                common::date(2024, 6, 20),
            )
            .for_month(june)
        })
        .collect();
    let assessed = t.elapsed();
    let t = Instant::now();
    let n = reqs.len();
    let outcomes = must(officer.dues().record_payments(reqs).await);
    assert_eq!(outcomes.len(), n);
    for o in outcomes {
        must(o);
    }
    let paid = t.elapsed();
    let t = Instant::now();
    let reports = must(officer.dues().branch_reports(county.committee, june).await).len();
    println!(
        "county month: assess {:.3} s, {n} payments {:.3} s, reports {:.3} s",
        assessed.as_secs_f64(),
        paid.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    reports
}

fn bench_county_month(c: &mut Criterion) {
    let rt = must(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build(),
    );
    let mut g = c.benchmark_group("county_month");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    let mut backends = vec![("sqlite", None)];
    if std::env::var("DATABASE_URL").is_ok() {
        backends.push(("postgres", Some(())));
    }
    for (name, pg) in backends {
        g.bench_function(
            format!("{name}/25k_members_assess_20k_payments_reports"),
            |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let url = match pg {
                            None => fresh_sqlite_url(),
                            Some(()) => rt
                                .block_on(fresh_pg_url())
                                .unwrap_or_else(|| panic!("DATABASE_URL")),
                        };
                        let (dj, county, _) = rt.block_on(county_month_setup(&url));
                        let t = Instant::now();
                        let reports = rt.block_on(county_month(&dj, &county));
                        total += t.elapsed();
                        assert!(reports >= county.branches.len());
                        drop(dj);
                        match pg {
                            None => remove_sqlite(&url),
                            Some(()) => rt.block_on(drop_pg(&url)),
                        }
                    }
                    total
                })
            },
        );
    }
    g.finish();
}

criterion_group!(storage, bench_import, bench_county_month);
criterion_main!(storage);
