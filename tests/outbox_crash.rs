//! The outbox against killed processes and concurrent nodes (NOTE-6):
//! a dispatcher killed in the middle of a batch and restarted, a process
//! killed between the commit of a change and the send, on SQLite files;
//! two dispatchers at once on PostgreSQL.
//!
//! The killed processes are this test binary itself, started again with
//! `DJ_CRASH_CHILD` set to run one of the `child_*` tests (ignored unless
//! asked for), and killed with SIGKILL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod notify_support;

use async_trait::async_trait;
use chrono::Duration;
use dangjian::Dangjian;
use dangjian::access::Actor;
use dangjian::adapters::SqliteStore;
use dangjian::notify::{
    Accepted, Broadcast, Channel, DeliverOptions, MessageFilter, Notifications, Notifier,
    Notifiers, OutgoingMessage, Selection, SendError, Status,
};
use dangjian::store::Store;
use notify_support::{budget, close_vote, setup_on};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::Arc;

/// A channel that appends each key it is given to a file, synced, after a
/// pause (so a kill can land in the middle of a batch).
struct FileChannel {
    log: std::path::PathBuf,
    dedup: bool,
}

#[async_trait]
impl Notifier for FileChannel {
    fn channel(&self) -> Channel {
        Channel::Email
    }
    fn deduplicates(&self) -> bool {
        self.dedup
    }
    async fn send(&self, m: &OutgoingMessage) -> Result<Accepted, SendError> {
        tokio::time::sleep(std::time::Duration::from_millis(15)).await;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        writeln!(f, "{}", m.idempotency_key).unwrap();
        f.sync_data().unwrap();
        Ok(Accepted::new(None))
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn child(test: &str, db: &str, log: &Path, dedup: bool) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            test,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("DJ_CRASH_CHILD", "1")
        .env("DJ_DB", db)
        .env("DJ_LOG", log)
        .env("DJ_DEDUP", if dedup { "1" } else { "0" })
        .spawn()
        .unwrap()
}

async fn sqlite(db: &str) -> Arc<dyn Store> {
    Arc::new(SqliteStore::connect(db).await.unwrap())
}

/// The services over `store` with the system clock, as a restarted node
/// would build them.
fn node(store: Arc<dyn Store>) -> Dangjian {
    Dangjian::builder()
        .store(store)
        .notifications(Notifications::default().channels(vec![Channel::Email]))
        .build()
}

/// Run by a child: deliver until nothing is left, with a 1-second lease.
#[tokio::test]
#[ignore = "run as a child process by killed_dispatcher_mid_batch"]
async fn child_dispatcher() {
    if std::env::var("DJ_CRASH_CHILD").is_err() {
        return;
    }
    let db = std::env::var("DJ_DB").unwrap();
    let log = std::env::var("DJ_LOG").unwrap();
    let dedup = std::env::var("DJ_DEDUP").unwrap() == "1";
    let dj = node(sqlite(&db).await);
    let notifiers = Notifiers::new().with(Arc::new(FileChannel {
        log: log.into(),
        dedup,
    }));
    let job = dj.act_as(&Actor::system("dispatcher"));
    let opts = DeliverOptions::new(format!("node-{}", std::process::id()))
        .batch(10)
        .lease(Duration::seconds(1));
    loop {
        job.notify().deliver_due(&notifiers, &opts).await.unwrap();
        let open = dj
            .store()
            .messages(
                &MessageFilter::all().statuses(vec![
                    Status::Pending,
                    Status::Leased,
                    Status::Sending,
                ]),
                None,
                1_000,
            )
            .await
            .unwrap();
        // The SMS message waits for an adapter this node does not run.
        if open.iter().all(|m| m.message.channel != Channel::Email) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn killed_mid_batch(dedup: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("dj.sqlite").display());
    let log = dir.path().join("sent.log");
    let s = setup_on(sqlite(&db).await, 60, budget("10.00")).await;
    let b = Broadcast::new(
        s.w.committee,
        "all",
        Selection::Subtree(s.w.committee),
        "请于本周五前完成专题学习。",
    );
    let officer = s.dj.act_as(&s.w.committee_officer());
    officer.notify().broadcast(b).await.unwrap();
    let expected: Vec<String> = s
        .all()
        .await
        .into_iter()
        .filter(|m| m.message.channel == Channel::Email)
        .map(|m| m.message.idempotency_key)
        .collect();
    assert!(expected.len() > 50);
    s.dj.close().await.unwrap();
    // Start a dispatcher, kill it once some 20 have gone, start another.
    let mut first = child("child_dispatcher", &db, &log, dedup);
    while lines(&log).len() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let at_kill = lines(&log).len();
    assert!(at_kill < expected.len(), "the kill came after the batch");
    let mut second = child("child_dispatcher", &db, &log, dedup);
    assert!(second.wait().unwrap().success());
    let store = sqlite(&db).await;
    let all = store
        .messages(&MessageFilter::all(), None, 1_000)
        .await
        .unwrap();
    let mut sent = lines(&log);
    let total = sent.len();
    sent.sort();
    sent.dedup();
    let twice = total - sent.len();
    let unknown: Vec<_> = all.iter().filter(|m| m.status == Status::Unknown).collect();
    if dedup {
        // Re-sent at most the one in flight, which the channel drops.
        assert!(twice <= 1, "{twice} sent twice");
        assert!(unknown.is_empty());
        assert!(
            all.iter()
                .filter(|m| m.message.channel == Channel::Email)
                .all(|m| m.status == Status::Delivered)
        );
    } else {
        // SMTP-like: never twice; the one in flight, if any, is unknown.
        assert_eq!(twice, 0, "a message went twice");
        assert!(unknown.len() <= 1, "{unknown:?}");
        for m in all.iter().filter(|m| m.message.channel == Channel::Email) {
            assert!(
                m.status == Status::Delivered || m.status == Status::Unknown,
                "{m:?}"
            );
        }
    }
    for key in &expected {
        let m = all
            .iter()
            .find(|m| &m.message.idempotency_key == key)
            .unwrap();
        if m.status == Status::Delivered {
            assert!(sent.contains(key), "{key} delivered but never sent");
        }
    }
    assert_eq!(
        sent.len()
            + unknown
                .iter()
                .filter(|m| !sent.contains(&m.message.idempotency_key))
                .count(),
        expected.len(),
        "a message was lost"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_dispatcher_mid_batch_smtp_like() {
    killed_mid_batch(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_dispatcher_mid_batch_deduplicating_channel() {
    killed_mid_batch(true).await;
}

/// Run by a child: close the vote the parent opened and die at once,
/// before any dispatcher runs.
#[tokio::test]
#[ignore = "run as a child process by killed_between_commit_and_send"]
async fn child_close_and_die() {
    if std::env::var("DJ_CRASH_CHILD").is_err() {
        return;
    }
    let db = std::env::var("DJ_DB").unwrap();
    let s = setup_on(sqlite(&db).await, 5, budget("1.00")).await;
    close_vote(&s).await;
    std::process::abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_between_commit_and_send() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("dj.sqlite").display());
    let log = dir.path().join("sent.log");
    let status = child("child_close_and_die", &db, &log, false)
        .wait()
        .unwrap();
    assert!(!status.success(), "the child was meant to die");
    let dj = node(sqlite(&db).await);
    let notifiers = Notifiers::new().with(Arc::new(FileChannel {
        log: log.clone(),
        dedup: false,
    }));
    let job = dj.act_as(&Actor::system("dispatcher"));
    let r = job
        .notify()
        .deliver_due(&notifiers, &DeliverOptions::new("after-crash"))
        .await
        .unwrap();
    // The opening (to the three members with e-mail) and the closing (to
    // the secretary), both committed by the dead process.
    assert_eq!((r.events, r.delivered), (2, 4), "{r:?}");
    let sent = lines(&log);
    assert_eq!(sent.len(), 4);
    assert_eq!(
        sent.iter()
            .filter(|k| k.starts_with("vote_closed/"))
            .count(),
        1,
        "{sent:?}"
    );
    assert_eq!(
        sent.iter()
            .filter(|k| k.starts_with("vote_opened/"))
            .count(),
        3,
        "{sent:?}"
    );
    let again = job
        .notify()
        .deliver_due(&notifiers, &DeliverOptions::new("after-crash"))
        .await
        .unwrap();
    assert_eq!(again.claimed, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_dispatchers_on_postgres_never_send_twice() {
    let Ok(url) = std::env::var("DATABASE_URL") else {
        assert!(
            std::env::var("CI").is_err(),
            "CI runs PostgreSQL: DATABASE_URL must be set"
        );
        eprintln!("skipped: DATABASE_URL is not set (scripts/test.sh sets it)");
        return;
    };
    let db = fresh_pg(&url).await;
    let pg = |u: String| async move {
        Arc::new(dangjian::adapters::PgStore::connect(&u).await.unwrap()) as Arc<dyn Store>
    };
    let s = setup_on(pg(db.clone()).await, 80, budget("10.00")).await;
    let b = Broadcast::new(
        s.w.committee,
        "pg",
        Selection::Subtree(s.w.committee),
        "通知",
    );
    s.dj.act_as(&s.w.committee_officer())
        .notify()
        .broadcast(b)
        .await
        .unwrap();
    let recorder = s.email.clone();
    let mut nodes = Vec::new();
    for n in 0..2 {
        let dj = Dangjian::builder()
            .store(pg(db.clone()).await)
            .clock(s.w.clock.clone())
            .notifications(Notifications::default().channels(vec![Channel::Email, Channel::Sms]))
            .build();
        let notifiers = Notifiers::new().with(recorder.clone()).with(s.sms.clone());
        nodes.push(tokio::spawn(async move {
            let job = dj.act_as(&Actor::system("dispatcher"));
            let opts = DeliverOptions::new(format!("pg-node-{n}")).batch(4);
            while job
                .notify()
                .deliver_due(&notifiers, &opts)
                .await
                .unwrap()
                .claimed
                > 0
            {}
        }));
    }
    for n in nodes {
        n.await.unwrap();
    }
    let mut sent = recorder.sent();
    sent.extend(s.sms.sent());
    let total = sent.len();
    sent.sort();
    sent.dedup();
    assert_eq!(total, sent.len(), "a message went twice");
    assert_eq!(total, 79, "every reachable member once");
}

/// A database of its own on the server at `url`.
async fn fresh_pg(url: &str) -> String {
    use sqlx::Connection;
    let name = format!("dj_crash_{}", std::process::id());
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut c)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut c)
        .await
        .unwrap();
    let base = url.rsplit_once('/').map_or(url, |(b, _)| b);
    format!("{base}/{name}")
}
