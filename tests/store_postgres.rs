//! The conformance suite, the fault tests and the server tests against a
//! real PostgreSQL server, one named trial each. `scripts/test.sh` starts a
//! throwaway server and sets DATABASE_URL; each trial gets a database of
//! its own. Without DATABASE_URL every trial is reported ignored.

mod sql_faults;

use dangjian::adapters::PgStore;
use dangjian::store::{Store, StoreErrorKind};
use dangjian::testing::{self, Arguments, async_trial};
use sqlx::Connection;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

static N: AtomicUsize = AtomicUsize::new(0);

fn main() {
    let args = Arguments::from_args();
    let mut trials = testing::trials("postgres", || async {
        Arc::new(PgStore::connect(&fresh_url()).await.unwrap()) as Arc<dyn Store>
    });
    trials.extend(sql_faults::trials(
        sql_faults::Backend::Postgres,
        "postgres",
        fresh_url,
    ));
    trials.extend([
        async_trial(
            "postgres::unreachable_server_and_wrong_password_are_typed_errors",
            unreachable_server_and_wrong_password_are_typed_errors,
        ),
        async_trial(
            "postgres::ballots_cannot_be_linked_to_voters_in_postgres",
            ballots_cannot_be_linked_to_voters_in_postgres,
        ),
        async_trial(
            "postgres::an_enqueue_racing_a_key_committed_meanwhile_skips_it",
            an_enqueue_racing_a_key_committed_meanwhile_skips_it,
        ),
    ]);
    if std::env::var_os("DATABASE_URL").is_none() {
        eprintln!(
            "DATABASE_URL is not set: every PostgreSQL trial is ignored; run the tests with `bash scripts/test.sh`, which starts a throwaway PostgreSQL server"
        );
        trials = trials
            .into_iter()
            .map(|t| t.with_ignored_flag(true))
            .collect();
    }
    testing::run(&args, trials).exit();
}

fn server_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        panic!("DATABASE_URL is not set: run the tests with `bash scripts/test.sh`, which starts a throwaway PostgreSQL server")
    })
}

/// Replaces the database name in a `postgres://…/name` URL.
fn with_db(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').unwrap();
    format!("{base}/{db}")
}

/// A fresh, empty database on the test server (blocking, so that the fault
/// trials' synchronous factory can call it too).
fn fresh_url() -> String {
    let url = server_url();
    let name = format!(
        "dj_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let create = format!("CREATE DATABASE {name}");
    let admin = url.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(&create).execute(&mut conn).await.unwrap();
        });
    })
    .join()
    .unwrap();
    with_db(&url, &name)
}

async fn unreachable_server_and_wrong_password_are_typed_errors() {
    // Nothing listens on port 1 of the loopback address.
    let err = PgStore::connect("postgres://postgres:x@127.0.0.1:1/postgres")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Unavailable, "{err}");
    let url = server_url();
    let wrong = url.replacen("dangjian-test", "wrong-password", 1);
    assert_ne!(
        wrong, url,
        "the test server's password is set by scripts/test.sh"
    );
    let err = PgStore::connect(&wrong).await.unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::AccessDenied, "{err}");
}

/// The ballot table has no column that identifies a voter and no
/// sequential key; after closing, no ballot shares a transaction id with a
/// voter mark, and the rows' physical order follows the random codes.
async fn ballots_cannot_be_linked_to_voters_in_postgres() {
    let url = fresh_url();
    let store: Arc<dyn Store> = Arc::new(PgStore::connect(&url).await.unwrap());
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let columns: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT column_name::text, column_default::text, is_identity::text FROM information_schema.columns \
         WHERE table_name = 'vote_ballots' ORDER BY ordinal_position",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let names: Vec<&str> = columns.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["vote_id", "code", "session", "ballot"]);
    assert!(
        columns
            .iter()
            .all(|(_, default, identity)| default.is_none() && identity == "NO"),
        "{columns:?}"
    );

    let cast_order = testing::cast_and_close(&store, 200).await;
    let shared: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM vote_ballots b JOIN vote_voters v ON b.xmin = v.xmin",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        shared, 0,
        "a ballot shares a transaction id with a voter mark"
    );
    let physical: Vec<String> = sqlx::query_scalar("SELECT code FROM vote_ballots ORDER BY ctid")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let mut by_code = physical.clone();
    by_code.sort();
    assert_eq!(physical, by_code, "rows are laid out in code order");
    assert_ne!(
        physical, cast_order,
        "rows are not laid out in casting order"
    );
}

/// An enqueue whose key another transaction inserts and commits while the
/// enqueue runs (after its look-up of the stored keys) skips that key and
/// stores the rest: the plain insert meets the unique constraint and is
/// redone from a savepoint with `ON CONFLICT DO NOTHING`.
async fn an_enqueue_racing_a_key_committed_meanwhile_skips_it() {
    use chrono::TimeZone;
    use dangjian::notify::{Channel, Enqueue, NewMessage, OutgoingMessage};
    use dangjian::store::Enqueued;
    use dangjian::store::document::{self, OutgoingMessageDocument};
    let url = fresh_url();
    let store: Arc<dyn Store> = Arc::new(PgStore::connect(&url).await.unwrap());
    let now = chrono::Utc.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap();
    let message = |key: &str| {
        let out = OutgoingMessage::new(key, Channel::Email, "a@example.com", "张三", "通知");
        NewMessage::new(dangjian::OrgId::new(1), out, now)
    };
    let first = message("k1");
    let doc = document::encode(&OutgoingMessageDocument::from_domain(&first.message)).unwrap();
    let mut other = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut other).await.unwrap();
    sqlx::query(
        "INSERT INTO notify_messages (idempotency_key, org_id, channel, next_at, cost, created_at, message) \
         VALUES ('k1', 1, 'email', $1, 0, $1, $2)",
    )
    .bind(now)
    .bind(&doc)
    .execute(&mut other)
    .await
    .unwrap();
    let racing = Arc::clone(&store);
    let batch = Enqueue::new(vec![first, message("k2")]);
    let enqueue = tokio::spawn(async move { racing.enqueue(batch).await });
    // The enqueue's insert waits on the uncommitted key.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    sqlx::query("COMMIT").execute(&mut other).await.unwrap();
    assert_eq!(enqueue.await.unwrap().unwrap(), Enqueued::new(1, 1));
    let k1 = store.message_by_key("k1").await.unwrap().unwrap();
    let k2 = store.message_by_key("k2").await.unwrap().unwrap();
    assert!(k1.id < k2.id, "k1 is the row the other transaction wrote");
}
