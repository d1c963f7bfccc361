//! The conformance suite and the fault tests against SQLite files.

mod common;
mod conformance;
mod sql_faults;

use dangjian::adapters::SqliteStore;
use dangjian::store::Effects;
use dangjian::store::Store;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

static N: AtomicUsize = AtomicUsize::new(0);

/// A fresh database file in `dir` (a temporary folder each test owns and
/// removes when it ends).
fn fresh_url(dir: &tempfile::TempDir) -> String {
    let n = N.fetch_add(1, Ordering::SeqCst);
    format!(
        "sqlite://{}",
        dir.path().join(format!("db{n}.sqlite")).display()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let dir = &dir;
    conformance::run_all(|| async move {
        Arc::new(SqliteStore::connect(&fresh_url(dir)).await.unwrap()) as Arc<dyn Store>
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_faults() {
    let dir = tempfile::tempdir().unwrap();
    sql_faults::run_all(sql_faults::Backend::Sqlite, &|| fresh_url(&dir)).await;
}

#[tokio::test]
async fn reopening_the_file_gives_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_url(&dir);
    let store = Arc::new(SqliteStore::connect(&url).await.unwrap()) as Arc<dyn Store>;
    let m = conformance::seed_one_member(&store).await;
    drop(store);
    let again = Arc::new(SqliteStore::connect(&url).await.unwrap()) as Arc<dyn Store>;
    assert_eq!(again.get_member(m.id()).await.unwrap(), Some(m));
}

#[tokio::test]
async fn a_read_only_file_refuses_writes_with_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_url(&dir);
    let store = SqliteStore::connect(&url).await.unwrap();
    store.close().await;
    // As root, file permissions do not stop writes; SQLite's read-only mode
    // is the same refusal an integrator sees on a read-only mount.
    let ro = format!("{url}?mode=ro");
    match SqliteStore::connect(&ro).await {
        Err(e) => assert_eq!(e.kind(), &dangjian::store::StoreErrorKind::ReadOnly, "{e}"),
        Ok(store) => {
            let store: Arc<dyn Store> = Arc::new(store);
            let new = dangjian::org::NewOrganisation::new(
                "党委".parse().unwrap(),
                dangjian::org::OrgKind::GrassrootsCommittee,
            );
            let err = store.insert_org(new, Effects::none()).await.unwrap_err();
            assert_eq!(
                err.kind(),
                &dangjian::store::StoreErrorKind::ReadOnly,
                "{err}"
            );
            assert!(store.org_tree().await.unwrap().is_empty());
        }
    }
}

/// The ballot table has no column that identifies a voter and no
/// sequential key (not even SQLite's hidden rowid).
#[tokio::test]
async fn ballot_table_has_no_voter_column_and_no_sequential_key() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_url(&dir);
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('vote_ballots') ORDER BY cid")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(names, ["vote_id", "code", "session", "ballot"]);
    let ddl: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = 'vote_ballots'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(ddl.contains("WITHOUT ROWID"), "{ddl}");
    assert!(!ddl.to_uppercase().contains("AUTOINCREMENT"), "{ddl}");
    let cast_order = conformance::votes::cast_and_close(&store, 200).await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT code FROM vote_ballots")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_ne!(stored, cast_order);
}

#[tokio::test]
async fn closing_releases_the_file_and_later_calls_fail_cleanly() {
    use dangjian::access::Actor;
    use dangjian::org::{NewOrganisation, OrgKind};
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_url(&dir);
    let dj = dangjian::Dangjian::builder()
        .store(dangjian::adapters::connect(&url).await.unwrap())
        .build();
    let admin = dj.act_as(&Actor::platform_admin());
    let c = admin
        .orgs()
        .create(NewOrganisation::new(
            "党委".parse().unwrap(),
            OrgKind::GrassrootsCommittee,
        ))
        .await
        .unwrap();
    dj.close().await.unwrap();
    // After closing: a typed store error, retryable (reopen), nothing
    // changed; closing twice is harmless.
    let err = admin
        .orgs()
        .create(NewOrganisation::new(
            "第二党委".parse().unwrap(),
            OrgKind::GrassrootsCommittee,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), dangjian::ErrorKind::Store, "{err}");
    dj.close().await.unwrap();
    let reopened = dangjian::Dangjian::builder()
        .store(dangjian::adapters::connect(&url).await.unwrap())
        .build();
    let page = reopened
        .act_as(&Actor::platform_admin())
        .orgs()
        .subtree(c.id, Default::default())
        .await
        .unwrap();
    assert_eq!(page.items, vec![c]);
    assert_eq!(reopened.store().org_tree().await.unwrap().len(), 1);
    reopened.close().await.unwrap();
}
