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
            "sqlite::content_dropped_by_a_classified_review_leaves_the_files",
            content_dropped_by_a_classified_review_leaves_the_files,
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

/// The database file, its WAL and its shared-memory index, as bytes
/// (each empty when absent).
fn raw_files(url: &str) -> Vec<(String, Vec<u8>)> {
    let path = url.trim_start_matches("sqlite://");
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let name = format!("{path}{suffix}");
            let bytes = std::fs::read(&name).unwrap_or_default();
            (name, bytes)
        })
        .collect()
}

fn files_holding(files: &[(String, Vec<u8>)], marker: &[u8]) -> Vec<String> {
    files
        .iter()
        .filter(|(_, bytes)| bytes.windows(marker.len()).any(|w| w == marker))
        .map(|(name, _)| name.clone())
        .collect()
}

/// 涉密信息不公开, down to the bytes: an item proposed with content that its
/// review finds classified keeps a placeholder only, and after the review
/// the content is in none of the SQLite files (the file, the WAL, the
/// shared-memory index), for a short content and for one long enough to
/// spill onto overflow pages. A classified item proposed as such never had
/// content to leave behind.
async fn content_dropped_by_a_classified_review_leaves_the_files() {
    use chrono::{NaiveDate, TimeZone, Utc};
    use dangjian::disclosure::{
        Checks, Content, ItemKind, NewItem, Official, Plan, Propose, Reach, Scope, Secrecy, Stamp,
        Title,
    };
    use dangjian::office::{NewOfficeHolder, OfficeHolder, OfficeId, Post, Source};
    const MARKER: &str = "SECRET-CONTENT-MARKER";
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_url(&dir);
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
    let (_, a, _) = testing::two_branches(&store).await;
    let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    let stamp = |d| Stamp::new(None, Utc.with_ymd_and_hms(2026, 3, d, 2, 0, 0).unwrap());
    let secretary = dangjian::MemberId::new(7);
    let holding = NewOfficeHolder::new(
        a,
        secretary,
        Post::Secretary,
        Source::Appointed { by: a },
        day(1),
        day(31),
    );
    let held = OfficeHolder::from_parts(OfficeId::new(1), holding, None);
    let reviewer = Official::check(secretary, a, &[Post::Secretary], &[held], day(3)).unwrap();

    let placeholder = Propose::classified(a, ItemKind::Other, Title::new("X").unwrap());
    let placeholder = NewItem::propose(placeholder, stamp(2), None).unwrap();
    let x = store
        .insert_item(placeholder, Effects::none())
        .await
        .unwrap();
    assert!(x.content().is_none());

    let long = format!("{MARKER} {}", "机密内容。".repeat(1_500));
    for content in [MARKER.to_owned(), long] {
        let plan = Plan::new(Scope::OwnOrganisation, [Reach::BranchMeeting], day(9)).unwrap();
        let req = Propose::disclosable(
            a,
            ItemKind::Other,
            Title::new("某事项").unwrap(),
            Content::new(&content).unwrap(),
            plan,
        );
        let item = store
            .insert_item(
                NewItem::propose(req, stamp(2), None).unwrap(),
                Effects::none(),
            )
            .await
            .unwrap();
        // The check can see the content while it is stored.
        assert!(
            !files_holding(&raw_files(&url), MARKER.as_bytes()).is_empty(),
            "the marker is stored before the review"
        );
        let checks = Checks {
            secrecy: Secrecy::Classified,
            ..Checks::passed()
        };
        let reviewed = item
            .review(reviewer.clone(), checks, None, stamp(3))
            .unwrap();
        let stored = store.update_item(reviewed, Effects::none()).await.unwrap();
        assert!(stored.content().is_none());
        assert_eq!(
            files_holding(&raw_files(&url), MARKER.as_bytes()),
            Vec::<String>::new(),
            "the dropped content is still in these files"
        );
    }
    assert!(
        store
            .item(x.id())
            .await
            .unwrap()
            .unwrap()
            .content()
            .is_none()
    );
}
