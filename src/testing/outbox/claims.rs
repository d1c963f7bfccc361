//! Claim and settle checks: due time, order, limit and lease; one holder
//! per message under concurrency; expired leases; each outcome and each
//! resolution exactly as the pure functions say.

use super::{at, at_ms, batch, by_key, delivered, enqueue, get, keys, message, settled};
use crate::MessageId;
use crate::notify::{MAX_CLAIM, Outcome, Resolution, Status, StoredMessage};
use crate::store::Store;
use crate::testing::dump::dump;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Checks what a claim by `owner` until `until` returned.
fn assert_held(claimed: &[StoredMessage], owner: &str, until: chrono::DateTime<chrono::Utc>) {
    for m in claimed {
        assert_eq!(m.status, Status::Leased, "{m:?}");
        let lease = m.lease.as_ref().unwrap();
        assert_eq!((lease.owner.as_str(), lease.until), (owner, until), "{m:?}");
    }
}

pub(crate) async fn claims_respect_due_time_order_and_limit(store: Arc<dyn Store>) {
    let new = vec![
        message(1, "k1", at(30)),
        message(1, "k2", at(10)),
        message(1, "k3", at(10)),
        message(1, "k4", at_ms(500)),
        message(1, "k5", at(60)),
    ];
    enqueue(&store, new).await;
    assert!(
        store
            .claim("a", at(0), at(100), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let first = store.claim("a", at(10), at(100), 2).await.unwrap();
    assert_eq!(keys(&first), ["k4", "k2"], "oldest due first, then by id");
    assert_held(&first, "a", at(100));
    for m in &first {
        assert_eq!((m.attempts, m.interrupted), (0, false));
        assert_eq!(&get(&store, m.id).await, m);
    }
    let second = store.claim("b", at(30), at(100), 10).await.unwrap();
    assert_eq!(keys(&second), ["k3", "k1"]);
    assert_held(&second, "b", at(100));
    assert!(
        store
            .claim("c", at(59), at(200), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .claim("c", at(60), at(200), 0)
            .await
            .unwrap()
            .is_empty()
    );
    let third = store.claim("c", at(60), at(200), 10).await.unwrap();
    assert_eq!(keys(&third), ["k5"]);
    // A lease holds until it ends, and not a moment longer.
    assert!(
        store
            .claim("d", at(99), at(300), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store.claim("d", at(100), at(300), 10).await.unwrap();
    assert_eq!(keys(&again), ["k4", "k2", "k3", "k1"]);
    assert_held(&again, "d", at(300));
    assert_eq!(get(&store, third[0].id).await, third[0], "k5 is still c's");
}

pub(crate) async fn concurrent_claimers_never_share_a_message(store: Arc<dyn Store>) {
    let names: Vec<String> = (0..500).map(|n| format!("m{n:03}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    enqueue(&store, batch(&refs)).await;
    let mut tasks = Vec::new();
    for n in 0..8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let owner = format!("node-{n}");
            let mut got = Vec::new();
            loop {
                let claimed = store.claim(&owner, at(1), at(600), 7).await.unwrap();
                if claimed.is_empty() {
                    return (owner, got);
                }
                assert_held(&claimed, &owner, at(600));
                got.extend(claimed.into_iter().map(|m| m.id));
            }
        }));
    }
    let mut holder: BTreeMap<MessageId, String> = BTreeMap::new();
    for t in tasks {
        let (owner, got) = t.await.unwrap();
        for id in got {
            let before = holder.insert(id, owner.clone());
            assert!(before.is_none(), "{id} claimed by {owner} and {before:?}");
        }
    }
    assert_eq!(holder.len(), 500);
    for (id, owner) in &holder {
        let m = get(&store, *id).await;
        assert_eq!(m.lease.map(|l| l.owner).as_ref(), Some(owner));
    }
}

pub(crate) async fn an_expired_lease_is_reclaimed(store: Arc<dyn Store>) {
    enqueue(&store, batch(&["x", "y"])).await;
    let (x, y) = (by_key(&store, "x").await.id, by_key(&store, "y").await.id);
    assert_eq!(store.claim("a", at(0), at(60), 10).await.unwrap().len(), 2);
    assert!(store.start_sending(x, "a").await.unwrap());
    let sending = get(&store, x).await;
    assert_eq!((sending.status, sending.attempts), (Status::Sending, 1));
    assert!(
        store
            .claim("b", at(59), at(120), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let taken = store.claim("b", at(60), at(120), 10).await.unwrap();
    assert_eq!(keys(&taken), ["x", "y"]);
    assert_held(&taken, "b", at(120));
    assert!(taken[0].interrupted, "x had started sending");
    assert!(!taken[1].interrupted, "y had not");
    assert_eq!(taken[0].attempts, 1);
    assert_eq!(get(&store, x).await, taken[0]);
    // The old holder changes nothing.
    assert!(!store.start_sending(x, "a").await.unwrap());
    assert!(!store.settle(y, "a", delivered(at(61))).await.unwrap());
    assert_eq!(get(&store, x).await, taken[0]);
    assert_eq!(get(&store, y).await, taken[1]);
    assert!(store.start_sending(x, "b").await.unwrap());
    let mut expected = taken[0].clone();
    expected.status = Status::Sending;
    expected.attempts = 2;
    assert_eq!(get(&store, x).await, expected);
    assert!(store.settle(x, "b", delivered(at(62))).await.unwrap());
    assert!(!get(&store, x).await.interrupted);
    // A lease that was never started is taken over plainly.
    let later = store.claim("c", at(120), at(180), 10).await.unwrap();
    assert_eq!(keys(&later), ["y"]);
    assert!(!later[0].interrupted);
}

pub(crate) async fn only_the_holder_starts_and_settles(store: Arc<dyn Store>) {
    enqueue(&store, batch(&["m"])).await;
    let id = by_key(&store, "m").await.id;
    let pending = get(&store, id).await;
    assert!(
        !store.start_sending(id, "a").await.unwrap(),
        "nobody holds it"
    );
    assert!(!store.settle(id, "a", delivered(at(1))).await.unwrap());
    assert_eq!(get(&store, id).await, pending);
    store.claim("ab", at(0), at(60), 1).await.unwrap();
    let held = get(&store, id).await;
    let outcomes = [
        delivered(at(1)),
        Outcome::RetryAt {
            at: at(5),
            error: "429".into(),
        },
        Outcome::Unknown {
            error: "timeout".into(),
        },
        Outcome::DeadLetter {
            error: "bad".into(),
        },
    ];
    for owner in ["a", "b", "AB", "ab "] {
        assert!(!store.start_sending(id, owner).await.unwrap(), "{owner}");
        for o in &outcomes {
            assert!(
                !store.settle(id, owner, o.clone()).await.unwrap(),
                "{owner}"
            );
        }
    }
    assert_eq!(get(&store, id).await, held);
    let missing = MessageId::new(9_999);
    assert!(!store.start_sending(missing, "ab").await.unwrap());
    assert!(!store.settle(missing, "ab", delivered(at(1))).await.unwrap());
    // Once settled, it is nobody's.
    assert!(store.settle(id, "ab", outcomes[1].clone()).await.unwrap());
    let retried = get(&store, id).await;
    assert!(!store.start_sending(id, "ab").await.unwrap());
    assert!(!store.settle(id, "ab", delivered(at(2))).await.unwrap());
    assert_eq!(get(&store, id).await, retried);
}

pub(crate) async fn each_outcome_settles_as_specified(store: Arc<dyn Store>) {
    let outcomes = [
        Outcome::Delivered {
            channel_id: Some("wecom-msg-0001".into()),
            at: at(5),
        },
        delivered(at_ms(5_250)),
        Outcome::RetryAt {
            at: at(90),
            error: "429 Too Many Requests".into(),
        },
        Outcome::Unknown {
            error: "SMTP 超时".into(),
        },
        Outcome::DeadLetter {
            error: "550 用户不存在".into(),
        },
    ];
    for (n, outcome) in outcomes.iter().enumerate() {
        for started in [false, true] {
            let key = format!("o{n}-{started}");
            enqueue(&store, batch(&[key.as_str()])).await;
            let claimed = store.claim("a", at(0), at(60), MAX_CLAIM).await.unwrap();
            assert_eq!(keys(&claimed), vec![key.clone()]);
            let id = claimed[0].id;
            if started {
                assert!(store.start_sending(id, "a").await.unwrap());
            }
            let before = get(&store, id).await;
            assert!(store.settle(id, "a", outcome.clone()).await.unwrap());
            assert_eq!(
                get(&store, id).await,
                before.settled(outcome),
                "{outcome:?}"
            );
        }
    }
    // A retried message is due again at its time, keeps its tries and last
    // error, and a delivery clears the error.
    let retried = by_key(&store, "o2-true").await;
    assert_eq!((retried.status, retried.attempts), (Status::Pending, 1));
    assert!(
        store
            .claim("b", at(89), at(200), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store.claim("b", at(90), at(200), 10).await.unwrap();
    assert_eq!(keys(&again), ["o2-false", "o2-true"]);
    let id = again[1].id;
    assert!(store.start_sending(id, "b").await.unwrap());
    let before = get(&store, id).await;
    let done = delivered(at(91));
    assert!(store.settle(id, "b", done.clone()).await.unwrap());
    let after = get(&store, id).await;
    assert_eq!(after, before.settled(&done));
    assert_eq!((after.attempts, after.last_error), (2, None));
}

pub(crate) async fn each_resolution_applies_only_where_it_may(store: Arc<dyn Store>) {
    let unknown = || Outcome::Unknown {
        error: "timeout".into(),
    };
    let u1 = settled(&store, message(1, "u1", at(0)), "a", unknown()).await;
    let u2 = settled(&store, message(1, "u2", at(0)), "a", unknown()).await;
    let u3 = settled(&store, message(1, "u3", at(0)), "a", unknown()).await;
    let u4 = settled(&store, message(1, "u4", at(0)), "a", unknown()).await;
    let d = settled(&store, message(1, "d", at(0)), "a", delivered(at(3))).await;
    let dead = Outcome::DeadLetter {
        error: "bounced".into(),
    };
    let x = settled(&store, message(1, "x", at(0)), "a", dead).await;
    enqueue(&store, batch(&["l"])).await;
    let l = store.claim("a", at(0), at(60), 10).await.unwrap().remove(0);
    enqueue(&store, vec![message(1, "p", at(500))]).await;
    let p = by_key(&store, "p").await;
    let applies = [
        (u1, Resolution::Delivered { at: at(7) }),
        (
            u2,
            Resolution::NotDelivered {
                error: "渠道回执：未送达".into(),
            },
        ),
        (d.clone(), Resolution::Read { at: at(8) }),
        (x, Resolution::Retry { at: at(20) }),
        (u3, Resolution::Retry { at: at(20) }),
    ];
    for (m, r) in applies {
        let expected = m.clone().resolved(&r).unwrap();
        assert_eq!(
            store.resolve(m.id, r.clone()).await.unwrap(),
            Some(expected.clone()),
            "{r:?}"
        );
        assert_eq!(get(&store, m.id).await, expected, "{r:?}");
    }
    // Read twice keeps the first time.
    let read = get(&store, d.id).await;
    let twice = store
        .resolve(d.id, Resolution::Read { at: at(9) })
        .await
        .unwrap();
    assert_eq!(twice.as_ref(), Some(&read));
    assert_eq!(read.read_at, Some(at(8)));
    // Retried messages are due again with their tries counted afresh.
    let retried = store.claim("b", at(20), at(80), 10).await.unwrap();
    assert_eq!(keys(&retried), ["u3", "x"]);
    assert!(retried.iter().all(|m| m.attempts == 0));
    let before = dump(&*store, &[]).await.unwrap();
    let inapplicable = [
        (u4.id, Resolution::Read { at: at(9) }),
        (d.id, Resolution::Retry { at: at(9) }),
        (d.id, Resolution::Delivered { at: at(9) }),
        (p.id, Resolution::Delivered { at: at(9) }),
        (p.id, Resolution::Retry { at: at(9) }),
        (l.id, Resolution::NotDelivered { error: "x".into() }),
        (l.id, Resolution::Retry { at: at(9) }),
        (retried[0].id, Resolution::Delivered { at: at(9) }),
        (MessageId::new(9_999), Resolution::Retry { at: at(9) }),
    ];
    for (id, r) in inapplicable {
        assert_eq!(
            store.resolve(id, r.clone()).await.unwrap(),
            None,
            "{id} {r:?}"
        );
    }
    assert_eq!(dump(&*store, &[]).await.unwrap(), before);
    // A delivered message the channel dropped after accepting it (a
    // receipt says so) becomes a dead letter, keeping its delivery time.
    let dropped = store
        .resolve(
            d.id,
            Resolution::NotDelivered {
                error: "forbidden".into(),
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dropped.status, Status::DeadLetter);
    assert_eq!(dropped.last_error.as_deref(), Some("forbidden"));
    assert_eq!(get(&store, d.id).await, dropped);
}
