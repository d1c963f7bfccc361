//! Errors that keep their cause: a dead database answers with a typed,
//! retryable error whose `source()` chain reaches the driver's own error,
//! and whose Display reads as a sentence; set-up mistakes are `Config`.

use dangjian::store::StoreErrorKind;
use dangjian::{Dangjian, ErrorKind, OrgId, access::Actor};
use std::error::Error as _;

/// A loopback port nothing listens on: bind one, then let it go.
fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn chain(e: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push(s.to_string());
        cur = s.source();
    }
    out
}

fn reads_as_a_sentence(text: &str) {
    assert!(!text.is_empty());
    assert!(
        !text.contains("Unavailable") && !text.contains("{"),
        "Debug form in {text:?}"
    );
    let words: Vec<&str> = text.split_whitespace().collect();
    for pair in words.windows(2) {
        assert_ne!(pair[0], pair[1], "repeated word in {text:?}");
    }
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn a_dead_postgres_keeps_the_drivers_error_in_the_chain() {
    let url = format!(
        "postgres://postgres:pw@127.0.0.1:{}/postgres?connect_timeout=2",
        dead_port()
    );
    let err = match dangjian::adapters::connect(&url).await {
        Ok(_) => panic!("nothing listens there"),
        Err(e) => e,
    };
    assert_eq!(*err.kind(), StoreErrorKind::Unavailable);
    let err: dangjian::Error = err.into();
    assert_eq!(err.kind(), ErrorKind::Store);
    assert!(err.is_retryable());
    let chain = chain(&err);
    assert!(
        chain.len() >= 3,
        "service error, store error, driver error: {chain:?}"
    );
    assert_eq!(chain[0], "the store failed");
    assert_eq!(
        chain[1],
        "the store is unavailable: could not open or reach the database"
    );
    let driver = chain.last().unwrap().to_lowercase();
    assert!(
        driver.contains("refused")
            || driver.contains("connect")
            || driver.contains("communicating"),
        "the driver's own words: {chain:?}"
    );
    for line in &chain[..2] {
        reads_as_a_sentence(line);
    }
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn a_sqlite_file_that_cannot_be_opened_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/no/such/folder/dj.db", dir.path().display());
    let err = match dangjian::adapters::connect(&url).await {
        Ok(_) => panic!("the folder does not exist"),
        Err(e) => e,
    };
    assert_eq!(*err.kind(), StoreErrorKind::Unavailable, "{err}");
    assert!(err.source().is_some());
    reads_as_a_sentence(&err.to_string());
}

#[tokio::test]
async fn set_up_mistakes_are_config_errors_that_say_what_to_write() {
    let e = dangjian::adapters::connect("/var/lib/dangjian.db")
        .await
        .err()
        .unwrap();
    assert_eq!(*e.kind(), StoreErrorKind::Config);
    assert!(
        e.to_string().contains("sqlite:///var/lib/dangjian.db"),
        "{e}"
    );
    let e: dangjian::Error = dangjian::adapters::connect("mysql://h/db")
        .await
        .err()
        .unwrap()
        .into();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(!e.is_retryable());
    reads_as_a_sentence(&e.to_string());
}

#[tokio::test]
async fn refusals_and_lookups_read_as_sentences() {
    let dj = Dangjian::in_memory();
    let e = dj
        .act_as(&Actor::platform_admin())
        .orgs()
        .get(OrgId::new(3))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "no organisation with id 3");
    reads_as_a_sentence(&e.to_string());
}
