//! 迁移测试 (migration): a SQLite file and a PostgreSQL database written by
//! the previous version of the library (format 0: the serde form of the
//! domain types, without `"format"`; `tests/fixtures/format0/README.md`)
//! open with the current library, which rewrites every JSON column into
//! storage documents of format 1 (migration 0006). Everything reads back
//! through the store traits with the values the old library wrote, and
//! writing and reading again still works.
//!
//! PostgreSQL: `scripts/test.sh` starts a throwaway server and sets
//! DATABASE_URL, as for `tests/store_postgres.rs`; the dump is restored into
//! a database of its own.

use chrono::NaiveDate;
use dangjian::access::{ActedBy, Actor};
use dangjian::clock::FixedClock;
use dangjian::dues::{CaseStatus, LedgerEntryKind, Month};
use dangjian::election::{VoteId, VoteKind, VoteStatus};
use dangjian::lifecycle::{ImportedStage, Stage};
use dangjian::member::{Entry, RegistrationStatus};
use dangjian::org::{BranchForm, OnlineTheme, OrgKind};
use dangjian::record::{Activity, AppendActivity, Appendable};
use dangjian::service::PageRequest;
use dangjian::store::Store;
use dangjian::{Dangjian, MemberId, OrgId};
use std::sync::Arc;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/format0");

/// The JSON columns, as `(table, column)`.
const COLUMNS: [(&str, &str); 9] = [
    ("orgs", "kind"),
    ("members", "record"),
    ("activity_records", "activity"),
    ("activity_records", "acted_by"),
    ("votes", "record"),
    ("vote_ballots", "ballot"),
    ("dues_profiles", "record"),
    ("dues_ledger", "entry"),
    ("dues_cases", "record"),
];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ids(range: std::ops::RangeInclusive<u64>) -> Vec<MemberId> {
    range.map(MemberId::new).collect()
}

/// Everything the old library wrote, read back through the store traits.
async fn reads_what_the_old_library_wrote(store: &Arc<dyn Store>) {
    let tree = store.org_tree().await.unwrap();
    assert_eq!(tree.len(), 3);
    let kind = |id| tree.get(OrgId::new(id)).unwrap().kind.clone();
    assert_eq!(kind(1), OrgKind::GrassrootsCommittee);
    assert_eq!(kind(2), OrgKind::Branch(BranchForm::Physical));
    assert_eq!(
        kind(3),
        OrgKind::Branch(BranchForm::Online {
            theme: OnlineTheme::MobileMembers
        })
    );

    let members = store.get_members(&ids(1..=9)).await.unwrap();
    assert_eq!(members.len(), 9);
    let m1 = &members[0];
    assert_eq!(m1.identity().name.as_str(), "赵刚");
    assert_eq!(
        m1.contact().mobile.as_ref().unwrap().as_str(),
        "13800138000"
    );
    assert_eq!(m1.contact().im.wecom.as_deref(), Some("ZhaoGang"));
    assert_eq!(m1.stage(), Stage::Full);
    let pending = &members[7];
    assert!(matches!(
        pending.registration(),
        RegistrationStatus::Pending { .. }
    ));
    assert_eq!(pending.stage(), Stage::Probationary);
    let developed = &members[8];
    assert_eq!(developed.identity().name.as_str(), "王磊");
    assert_eq!(developed.lifecycle().history().len(), 5);
    assert_eq!(developed.stage(), Stage::Full);
    assert_eq!(developed.lifecycle().full_since(), Some(d(2024, 5, 8)));
    assert!(
        developed
            .memberships()
            .online()
            .contains_key(&OrgId::new(3))
    );
    let online = store.members_by_online(OrgId::new(3)).await.unwrap();
    assert_eq!(
        online.iter().map(|m| m.id()).collect::<Vec<_>>(),
        [developed.id()]
    );
    let by_no = store
        .find_by_employee_no(&"E003".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(by_no.unwrap().id(), MemberId::new(4));

    let records = store.records_of(developed.id()).await.unwrap();
    assert_eq!(records.len(), 5);
    assert_eq!(
        records[0].activity,
        Activity::StageChanged {
            from: Some(Stage::Applicant),
            to: Stage::Activist
        }
    );
    assert!(records.iter().any(|r| matches!(&r.activity, Activity::AssistanceVisit { description } if description == "走访慰问")));
    let paid = store.records_of(MemberId::new(1)).await.unwrap();
    assert_eq!(paid.len(), 6);
    assert!(
        paid.iter()
            .all(|r| r.acted_by == Some(ActedBy::Member(MemberId::new(2))))
    );

    let profiles = store.dues_profiles(&ids(1..=9)).await.unwrap();
    assert_eq!(profiles.len(), 7);
    assert!(profiles.iter().all(|p| p.declarations().len() == 1));

    let ledger = store.dues_entries_of_members(&ids(1..=9)).await.unwrap();
    assert_eq!(ledger.len(), 100);
    let count = |f: fn(&LedgerEntryKind) -> bool| ledger.iter().filter(|e| f(&e.kind)).count();
    assert_eq!(
        count(|k| matches!(k, LedgerEntryKind::Assessment { .. })),
        42
    );
    assert_eq!(count(|k| matches!(k, LedgerEntryKind::Payment { .. })), 28);
    assert_eq!(
        count(|k| matches!(k, LedgerEntryKind::Allocation { .. })),
        28
    );
    assert_eq!(count(|k| matches!(k, LedgerEntryKind::Reversal { .. })), 1);
    assert_eq!(count(|k| matches!(k, LedgerEntryKind::Exemption { .. })), 1);

    let cases = store.departure_cases(&[OrgId::new(2)]).await.unwrap();
    assert_eq!(cases.len(), 2);
    assert!(
        matches!(&cases[0].status, CaseStatus::Justified { reason, .. } if reason == "长期出国")
    );
    assert_eq!(cases[1].status, CaseStatus::Open);
    assert_eq!(cases[1].months.first, "2024-01".parse::<Month>().unwrap());

    let motion = store.get_vote(VoteId::new(1)).await.unwrap().unwrap();
    assert!(matches!(motion.kind(), VoteKind::Motion(_)));
    assert_eq!(motion.status(), VoteStatus::Closed);
    let election = store.get_vote(VoteId::new(2)).await.unwrap().unwrap();
    assert!(matches!(election.kind(), VoteKind::Election(_)));
    assert_eq!(store.sealed_ballots(VoteId::new(1)).await.unwrap().len(), 6);
    let ballots = store.sealed_ballots(VoteId::new(2)).await.unwrap();
    assert_eq!(ballots.len(), 7);
    assert!(
        ballots
            .iter()
            .all(|b| b.ballot.yes.count_ones() == 3 && b.ballot.no.count_ones() == 1)
    );
}

/// After the upgrade, the library writes and reads as usual.
async fn writes_and_reads_again(store: Arc<dyn Store>) {
    let clock = Arc::new(FixedClock::on_date(d(2024, 8, 1)));
    let dj = Dangjian::builder()
        .store(store.clone())
        .clock(clock)
        .build();
    let admin = dj.act_as(&Actor::platform_admin());
    let branch = OrgId::new(2);
    let reg = dangjian::member::Registration::new(
        "新党员".parse().unwrap(),
        "11010519491231002X".parse().unwrap(),
        branch,
        Entry::Import(ImportedStage::Full {
            joined_on: d(2010, 7, 1),
            full_since: d(2011, 7, 1),
        }),
    );
    let m = admin.members().register(reg).await.unwrap();
    let m = admin.members().approve(m.id()).await.unwrap();
    assert_eq!(m.id(), MemberId::new(10));
    let visit = Appendable::AssistanceVisit {
        description: "升级后走访".into(),
    };
    dj.act_as(&Actor::branch_officer(MemberId::new(1), branch))
        .records()
        .append(AppendActivity::new(m.id(), d(2024, 8, 1), visit.clone()))
        .await
        .unwrap();
    let listed = admin
        .records()
        .list(m.id(), PageRequest::default())
        .await
        .unwrap()
        .items;
    assert_eq!(listed.last().unwrap().activity, Activity::from(visit));
    assert_eq!(store.get_member(m.id()).await.unwrap(), Some(m));
    let old = admin.members().get(MemberId::new(9)).await.unwrap();
    assert_eq!(old.stage(), Stage::Full);
}

#[tokio::test]
async fn a_sqlite_file_of_format_0_opens_and_reads() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    std::fs::copy(format!("{FIXTURES}/store.sqlite"), &path).unwrap();
    let url = format!("sqlite://{}", path.display());
    let store: Arc<dyn Store> = Arc::new(
        dangjian::adapters::SqliteStore::connect(&url)
            .await
            .unwrap(),
    );
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    for (table, column) in COLUMNS {
        let left: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND {column} NOT LIKE '{{\"format\":1,%'"
        ))
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(left, 0, "{table}.{column} has rows not in format 1");
    }
    reads_what_the_old_library_wrote(&store).await;
    writes_and_reads_again(store.clone()).await;
    store.close().await.unwrap();
    // Reopening runs no migration again and reads the same.
    let again: Arc<dyn Store> = Arc::new(
        dangjian::adapters::SqliteStore::connect(&url)
            .await
            .unwrap(),
    );
    reads_what_the_old_library_wrote(&again).await;
}

#[tokio::test]
async fn a_postgres_database_of_format_0_opens_and_reads() {
    use sqlx::{Connection, Executor};
    let server = std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        panic!("DATABASE_URL is not set: run the tests with `bash scripts/test.sh`, which starts a throwaway PostgreSQL server")
    });
    let name = format!("dj_format0_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let (base, _) = server.rsplit_once('/').unwrap();
    let url = format!("{base}/{name}");
    let dump = std::fs::read_to_string(format!("{FIXTURES}/postgres.sql")).unwrap();
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(&dump).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();

    let store: Arc<dyn Store> = Arc::new(dangjian::adapters::PgStore::connect(&url).await.unwrap());
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    for (table, column) in COLUMNS {
        let left: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND {column} NOT LIKE '{{\"format\":1,%'"
        ))
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(left, 0, "{table}.{column} has rows not in format 1");
    }
    conn.close().await.unwrap();
    reads_what_the_old_library_wrote(&store).await;
    writes_and_reads_again(store.clone()).await;
    store.close().await.unwrap();
    admin
        // WITH (FORCE): the pool's sessions may still be ending on the
        // server after `close` returns (PostgreSQL 13+).
        .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
}
