//! Roster import bench (features `sqlite`, `roster`): 100,000 roster rows
//! from an xlsx workbook (made once, in memory) into a fresh SQLite file
//! through `members().import_file(..)`.
//!
//! - `read`: the workbook to cells (`roster::read`): the parse part;
//! - `import_file`: the whole import (read, rows checked under the guards,
//!   the stored records looked up, one `insert_members`);
//! - `raw_sqlx_loop`: the baseline of `benches/storage.rs`, the same
//!   records already serialised, inserted by a bare sqlx loop in one
//!   transaction.
//!
//! Then 3 interleaved runs print the parse share, the write share (the
//! import less the read) and the write part's speed against the raw loop
//! (aim: at least 0.5).

#[path = "common/mod.rs"]
mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use dangjian::access::Actor;
use dangjian::adapters::SqliteStore;
use dangjian::clock::FixedClock;
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::roster::{Column, ImportFile, read};
use dangjian::store::Effects;
use dangjian::store::{MemberStore, OrgStore, Store};
use dangjian::{Dangjian, OrgId};
use rust_xlsxwriter::Workbook;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const ROWS: u32 = 100_000;
const BRANCHES: u32 = 50;

static FILE: AtomicUsize = AtomicUsize::new(0);

fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// The workbook: 100,000 full members over 50 branches.
fn workbook() -> Vec<u8> {
    let columns = [
        Column::Name,
        Column::IdNumber,
        Column::Branch,
        Column::BranchSince,
        Column::Stage,
        Column::JoinedOn,
        Column::FullSince,
        Column::EmployeeNo,
        Column::Mobile,
    ];
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, column) in (0u16..).zip(columns) {
        must(sheet.write_string(0, c, column.header()));
    }
    let names = [
        "张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄丽",
    ];
    for n in 0..ROWS {
        let r = n + 1;
        let cells = [
            names[n as usize % names.len()].to_owned(),
            common::id_number(n).as_str().to_owned(),
            format!("第{}党支部", n % BRANCHES),
            "2001-03-01".to_owned(),
            "正式党员".to_owned(),
            format!("{}-07-01", 1980 + n % 40),
            format!("{}-07-01", 1981 + n % 40),
            format!("E{n:06}"),
            format!("139{n:08}"),
        ];
        for (c, v) in (0u16..).zip(cells) {
            must(sheet.write_string(r, c, v));
        }
    }
    must(book.save_to_buffer())
}

struct Fresh {
    dj: Dangjian,
    store: Arc<SqliteStore>,
    path: String,
}

async fn fresh() -> Fresh {
    let dir = std::env::temp_dir().join(format!("dangjian-roster-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir
        .join(format!("r{}.db", FILE.fetch_add(1, Ordering::SeqCst)))
        .display()
        .to_string();
    let store = Arc::new(must(
        SqliteStore::connect(&format!("sqlite://{path}")).await,
    ));
    let committee = must(
        store
            .insert_org(
                NewOrganisation::new(
                    must("县委直属机关党委".parse()),
                    OrgKind::GrassrootsCommittee,
                ),
                Effects::none(),
            )
            .await,
    )
    .id;
    for b in 0..BRANCHES {
        let new = NewOrganisation::new(
            must(format!("第{b}党支部").parse()),
            OrgKind::Branch(BranchForm::Physical),
        );
        must(
            store
                .insert_org(new.under(committee), Effects::none())
                .await,
        );
    }
    let clock = Arc::new(FixedClock::on_date(common::date(2024, 6, 28)));
    let dj = Dangjian::builder()
        .store(store.clone() as Arc<dyn Store>)
        .clock(clock)
        .build();
    Fresh { dj, store, path }
}

async fn done(f: Fresh) {
    let _ = f.store.close().await;
    drop(f);
}

fn remove(path: &str) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}

async fn import(f: &Fresh, bytes: &[u8]) -> Duration {
    let t = Instant::now();
    let report = must(
        f.dj.act_as(&Actor::platform_admin())
            .members()
            .import_file(ImportFile::new(bytes))
            .await,
    );
    let elapsed = t.elapsed();
    assert!(
        report.rejected.is_empty() && report.created.len() == ROWS as usize,
        "{report}"
    );
    elapsed
}

/// The baseline of `benches/storage.rs`: the rows already serialised, a
/// bare sqlx loop in one transaction.
async fn raw_insert(store: &SqliteStore, rows: &[(String, String, i64, String)]) -> Duration {
    let t = Instant::now();
    let mut tx = must(store.pool().begin().await);
    for (id_number, employee_no, home, record) in rows {
        let _: i64 = must(
            sqlx::query_scalar("INSERT INTO members (version, id_number, employee_no, home_org_id, record) VALUES (1, $1, $2, $3, $4) RETURNING id")
                .bind(id_number).bind(employee_no).bind(home).bind(record)
                .fetch_one(&mut *tx).await,
        );
    }
    must(tx.commit().await);
    t.elapsed()
}

fn bench_roster(c: &mut Criterion) {
    let rt = must(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build(),
    );
    let bytes = workbook();
    // The records as the import writes them, serialised for the raw loop.
    let rows: Vec<(String, String, i64, String)> = rt.block_on(async {
        let f = fresh().await;
        import(&f, &bytes).await;
        let all: Vec<OrgId> = must(f.store.org_tree().await)
            .iter()
            .map(|o| o.id)
            .collect();
        let members = must(f.store.members_by_home(&all).await);
        let path = f.path.clone();
        done(f).await;
        remove(&path);
        members
            .iter()
            .map(|m| {
                let no = m
                    .contact()
                    .employee_no
                    .as_ref()
                    .map(|e| e.as_str().to_owned())
                    .unwrap_or_default();
                let home = i64::try_from(m.home().get()).unwrap_or_default();
                (
                    m.identity().id_number.as_str().to_owned(),
                    no,
                    home,
                    must(serde_json::to_string(m)),
                )
            })
            .collect()
    });
    let mut g = c.benchmark_group("roster_import_100k_xlsx_sqlite");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1));
    g.bench_function("read", |b| b.iter(|| must(read(&bytes)).len()));
    g.bench_function("import_file", |b| {
        b.iter_custom(|iters| {
            (0..iters).fold(Duration::ZERO, |total, _| {
                total
                    + rt.block_on(async {
                        let f = fresh().await;
                        let t = import(&f, &bytes).await;
                        let path = f.path.clone();
                        done(f).await;
                        remove(&path);
                        t
                    })
            })
        })
    });
    g.bench_function("baseline/raw_sqlx_loop", |b| {
        b.iter_custom(|iters| {
            (0..iters).fold(Duration::ZERO, |total, _| {
                total
                    + rt.block_on(async {
                        let f = fresh().await;
                        let t = raw_insert(&f.store, &rows).await;
                        let path = f.path.clone();
                        done(f).await;
                        remove(&path);
                        t
                    })
            })
        })
    });
    g.finish();
    let (mut parse, mut total, mut raw) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for _ in 0..3 {
        let t = Instant::now();
        must(read(&bytes));
        parse += t.elapsed();
        rt.block_on(async {
            let f = fresh().await;
            total += import(&f, &bytes).await;
            let path = f.path.clone();
            done(f).await;
            remove(&path);
            let f = fresh().await;
            raw += raw_insert(&f.store, &rows).await;
            let path = f.path.clone();
            done(f).await;
            remove(&path);
        });
    }
    let s = |d: Duration| d.as_secs_f64() / 3.0;
    let write = total.saturating_sub(parse);
    println!(
        "roster import of {ROWS} rows from xlsx into SQLite (3 interleaved runs): total {:.3} s; parse (read) {:.3} s = {:.0}%; write (rows, guards, lookups, insert) {:.3} s = {:.0}%; raw sqlx loop {:.3} s; the write part reaches {:.2} of raw speed (aim >= 0.5)",
        s(total),
        s(parse),
        100.0 * parse.as_secs_f64() / total.as_secs_f64(),
        s(write),
        100.0 * write.as_secs_f64() / total.as_secs_f64(),
        s(raw),
        raw.as_secs_f64() / write.as_secs_f64(),
    );
}

criterion_group!(roster, bench_roster);
criterion_main!(roster);
