//! The conformance suite, the fault tests and the file tests against SQLite
//! files, one named trial each: `cargo test --features testing,sqlite --
//! sqlite::dues::`.

mod sql_faults;

use dangjian::adapters::SqliteStore;
use dangjian::store::Effects;
use dangjian::store::Store;
use dangjian::testing::{self, Arguments, async_trial};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

static N: AtomicUsize = AtomicUsize::new(0);

/// A fresh database file in `dir` (a temporary folder each test owns and
/// removes when it ends).
fn fresh_url(dir: &tempfile::TempDir) -> String {
    fresh_url_in(dir.path())
}

fn fresh_url_in(dir: &Path) -> String {
    let n = N.fetch_add(1, Ordering::SeqCst);
    format!("sqlite://{}", dir.join(format!("db{n}.sqlite")).display())
}

fn main() {
    let args = Arguments::from_args();
    // One folder for the suite's files, removed before exiting.
    let dir = tempfile::tempdir().unwrap();
    let path: Arc<PathBuf> = Arc::new(dir.path().to_owned());
    let p = Arc::clone(&path);
    let mut trials = testing::trials("sqlite", move || {
        let p = Arc::clone(&p);
        async move { Arc::new(SqliteStore::connect(&fresh_url_in(&p)).await.unwrap()) as Arc<dyn Store> }
    });
    let p = Arc::clone(&path);
    trials.extend(sql_faults::trials(
        sql_faults::Backend::Sqlite,
        "sqlite",
        move || fresh_url_in(&p),
    ));
    trials.extend([
        async_trial(
            "sqlite::reopening_the_file_gives_the_same_state",
            reopening_the_file_gives_the_same_state,
        ),
        async_trial(
            "sqlite::a_read_only_file_refuses_writes_with_a_typed_error",
            a_read_only_file_refuses_writes_with_a_typed_error,
        ),
        async_trial(
            "sqlite::ballot_table_has_no_voter_column_and_no_sequential_key",
            ballot_table_has_no_voter_column_and_no_sequential_key,
        ),
        async_trial(
            "sqlite::closing_releases_the_file_and_later_calls_fail_cleanly",
            closing_releases_the_file_and_later_calls_fail_cleanly,
        ),
    ]);
    let conclusion = testing::run(&args, trials);
    drop(dir);
    conclusion.exit();
}

async fn reopening_the_file_gives_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_url(&dir);
    let store = Arc::new(SqliteStore::connect(&url).await.unwrap()) as Arc<dyn Store>;
    let m = testing::seed_one_member(&store).await;
    drop(store);
    let again = Arc::new(SqliteStore::connect(&url).await.unwrap()) as Arc<dyn Store>;
    assert_eq!(again.get_member(m.id()).await.unwrap(), Some(m));
}

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
    let cast_order = testing::cast_and_close(&store, 200).await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT code FROM vote_ballots")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_ne!(stored, cast_order);
}

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
