//! Enqueue checks: keys, round trips, large batches, the budget, the
//! cursor, listing and pruning.

use super::{
    all, at, at_ms, batch, by_key, delivered, enqueue, get, keys, listed, message, settled,
};
use crate::dues::Money;
use crate::notify::{
    Channel, CursorMove, Enqueue, MAX_CLAIM, MessageFilter, NewMessage, Outcome, OutgoingMessage,
    Spend, Status, StoredMessage,
};
use crate::store::{Enqueued, Store, StoreErrorKind};
use crate::testing::dump::dump;
use crate::{JournalId, MemberId, MessageId, OrgId};
use std::sync::Arc;

fn spend(org: u64, year: i32, amount: &str, budget: &str) -> Spend {
    Spend {
        org: OrgId::new(org),
        year,
        amount: amount.parse().unwrap(),
        budget: budget.parse().unwrap(),
    }
}

fn cursor(name: &str, from: Option<u64>, to: u64) -> CursorMove {
    CursorMove {
        name: name.into(),
        from: from.map(JournalId::new),
        to: JournalId::new(to),
    }
}

fn yuan(s: &str) -> Money {
    s.parse().unwrap()
}

pub(crate) async fn keys_are_unique_within_and_across_batches(store: Arc<dyn Store>) {
    assert_eq!(enqueue(&store, vec![]).await, Enqueued::new(0, 0));
    let first = enqueue(&store, batch(&["a", "b", "a"])).await;
    assert_eq!(first, Enqueued::new(2, 1));
    let (a, b) = (by_key(&store, "a").await, by_key(&store, "b").await);
    assert!(a.id < b.id, "ids follow the order given");
    let mut changed = message(1, "a", at(0));
    changed.message.body = "另一条正文".into();
    let second = enqueue(
        &store,
        vec![changed, message(1, "b", at(0)), message(1, "c", at(0))],
    )
    .await;
    assert_eq!(second, Enqueued::new(1, 2));
    assert_eq!(
        by_key(&store, "a").await,
        a,
        "a repeated key replaces nothing"
    );
    assert!(by_key(&store, "c").await.id > b.id);
    assert_eq!(keys(&all(&store).await), ["a", "b", "c"]);
    // Concurrent enqueues of one key store it once.
    let mut tasks = Vec::new();
    for n in 0..8 {
        let store = Arc::clone(&store);
        let mut m = message(1, "same", at(0));
        m.message.body = format!("第{n}条");
        tasks.push(tokio::spawn(async move {
            store.enqueue(Enqueue::new(vec![m])).await.unwrap()
        }));
    }
    let mut stored = 0;
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.stored + r.skipped, 1);
        stored += r.stored;
    }
    assert_eq!(stored, 1);
    assert_eq!(all(&store).await.len(), 4);
}

pub(crate) async fn messages_round_trip_every_field(store: Arc<dyn Store>) {
    let out = OutgoingMessage::new(
        "dues/member#7/email/2024-06",
        Channel::Email,
        "lisi@example.com",
        "李四",
        "尊敬的李四同志：您六月份的党费为 12.50 元，请于 6 月 30 日前交纳。",
    )
    .subject("党费交纳提醒");
    let new = NewMessage::new(OrgId::new(3), out, at_ms(250))
        .to_member(MemberId::new(7))
        .not_before(at_ms(1_500))
        .cost(yuan("0.15"));
    assert_eq!(enqueue(&store, vec![new.clone()]).await.stored, 1);
    let stored = by_key(&store, new.key()).await;
    assert_eq!(stored, StoredMessage::pending(stored.id, new));
    assert_eq!(get(&store, stored.id).await, stored);
    for (n, channel) in Channel::ALL.into_iter().enumerate() {
        let key = format!("channel-{n}");
        let out = OutgoingMessage::new(key.as_str(), channel, "u1", "王五", "通知");
        let new = NewMessage::new(OrgId::new(1), out, at(0));
        enqueue(&store, vec![new.clone()]).await;
        let back = by_key(&store, &key).await;
        assert_eq!(back, StoredMessage::pending(back.id, new), "{channel}");
    }
    assert_eq!(store.message(MessageId::new(9_999)).await.unwrap(), None);
    assert_eq!(store.message_by_key("no such key").await.unwrap(), None);
}

pub(crate) async fn large_batches_cross_statement_chunks(store: Arc<dyn Store>) {
    const N: usize = 9_001;
    let key = |n: usize| format!("k{n:05}");
    let early: Vec<NewMessage> = (3_990..4_010).map(|n| message(1, &key(n), at(0))).collect();
    assert_eq!(enqueue(&store, early).await, Enqueued::new(20, 0));
    let mut big: Vec<NewMessage> = (0..N)
        .map(|n| message(1 + n as u64 % 7, &key(n), at(0)))
        .collect();
    big.insert(4_500, message(1, &key(0), at(0)));
    big.push(message(1, &key(8_000), at(0)));
    assert_eq!(enqueue(&store, big).await, Enqueued::new(N - 20, 22));
    let stored = all(&store).await;
    assert_eq!(stored.len(), N);
    let later: Vec<String> = keys(&stored).into_iter().skip(20).collect();
    let expected: Vec<String> = (0..N)
        .filter(|n| !(3_990..4_010).contains(n))
        .map(key)
        .collect();
    assert_eq!(later, expected, "ids follow the order given");
    let page = store
        .messages(&MessageFilter::all(), None, 5_000)
        .await
        .unwrap();
    assert_eq!(page.len(), MAX_CLAIM);
    let claimed = store.claim("a", at(0), at(60), 5_000).await.unwrap();
    assert_eq!(claimed.len(), MAX_CLAIM, "a claim is capped");
    assert_eq!(keys(&claimed), keys(&stored[..MAX_CLAIM]));
}

pub(crate) async fn budget_allows_exactly_its_amount(store: Arc<dyn Store>) {
    let org = OrgId::new(1);
    assert_eq!(store.spent(org, 2024).await.unwrap(), Money::ZERO);
    let first = Enqueue::new(batch(&["a", "b", "c"])).spend(spend(1, 2024, "0.30", "1.00"));
    assert_eq!(store.enqueue(first).await.unwrap().stored, 3);
    assert_eq!(store.spent(org, 2024).await.unwrap(), yuan("0.30"));
    let to_the_limit = Enqueue::new(batch(&["d"])).spend(spend(1, 2024, "0.70", "1.00"));
    store.enqueue(to_the_limit).await.unwrap();
    assert_eq!(store.spent(org, 2024).await.unwrap(), yuan("1.00"));
    let before = dump(&*store, &[]).await.unwrap();
    let over = Enqueue::new(batch(&["e", "f"]))
        .spend(spend(1, 2024, "0.01", "1.00"))
        .cursor(cursor("events", None, 3));
    let e = store.enqueue(over).await.unwrap_err();
    assert_eq!(e.kind(), &StoreErrorKind::Rejected, "{e}");
    assert_eq!(dump(&*store, &[]).await.unwrap(), before);
    assert_eq!(store.spent(org, 2024).await.unwrap(), yuan("1.00"));
    assert_eq!(store.cursor("events").await.unwrap(), None);
    assert_eq!(store.message_by_key("e").await.unwrap(), None);
    // Another year and another organisation have budgets of their own.
    let next_year = Enqueue::new(batch(&["e"])).spend(spend(1, 2025, "1.00", "1.00"));
    store.enqueue(next_year).await.unwrap();
    let other = Enqueue::new(batch(&["f"])).spend(spend(2, 2024, "0.50", "1.00"));
    store.enqueue(other).await.unwrap();
    assert_eq!(store.spent(org, 2025).await.unwrap(), yuan("1.00"));
    assert_eq!(
        store.spent(OrgId::new(2), 2024).await.unwrap(),
        yuan("0.50")
    );
    assert_eq!(store.spent(OrgId::new(3), 2024).await.unwrap(), Money::ZERO);
}

pub(crate) async fn concurrent_enqueues_never_exceed_the_budget(store: Arc<dyn Store>) {
    let mut tasks = Vec::new();
    for n in 0..16 {
        let store = Arc::clone(&store);
        let keys: Vec<String> = (0..5).map(|k| format!("t{n}-{k}")).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let b = Enqueue::new(batch(&refs)).spend(spend(1, 2024, "1.00", "10.00"));
        tasks.push(tokio::spawn(async move { store.enqueue(b).await }));
    }
    let mut accepted = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(r) => {
                assert_eq!(r.stored, 5);
                accepted += 1;
            }
            Err(e) => assert_eq!(e.kind(), &StoreErrorKind::Rejected, "{e}"),
        }
    }
    assert_eq!(accepted, 10);
    assert_eq!(
        store.spent(OrgId::new(1), 2024).await.unwrap(),
        yuan("10.00")
    );
    assert_eq!(all(&store).await.len(), 50);
}

pub(crate) async fn cursor_moves_by_compare_and_set(store: Arc<dyn Store>) {
    assert_eq!(store.cursor("events").await.unwrap(), None);
    let first = Enqueue::new(batch(&["a"])).cursor(cursor("events", None, 5));
    store.enqueue(first).await.unwrap();
    assert_eq!(
        store.cursor("events").await.unwrap(),
        Some(JournalId::new(5))
    );
    let before = dump(&*store, &[]).await.unwrap();
    for stale in [None, Some(4), Some(6)] {
        let b = Enqueue::new(batch(&["b"]))
            .spend(spend(1, 2024, "0.05", "1.00"))
            .cursor(cursor("events", stale, 6));
        let e = store.enqueue(b).await.unwrap_err();
        assert_eq!(e.kind(), &StoreErrorKind::Conflict, "{stale:?}: {e}");
    }
    assert_eq!(dump(&*store, &[]).await.unwrap(), before);
    assert_eq!(store.spent(OrgId::new(1), 2024).await.unwrap(), Money::ZERO);
    assert_eq!(
        store.cursor("events").await.unwrap(),
        Some(JournalId::new(5))
    );
    let moved = Enqueue::new(batch(&["b"])).cursor(cursor("events", Some(5), 9));
    assert_eq!(store.enqueue(moved).await.unwrap().stored, 1);
    let other = Enqueue::new(vec![]).cursor(cursor("audit", None, 1));
    assert_eq!(store.enqueue(other).await.unwrap(), Enqueued::new(0, 0));
    assert_eq!(
        store.cursor("audit").await.unwrap(),
        Some(JournalId::new(1))
    );
    // Of concurrent fan-outs from one position, one wins.
    let mut tasks = Vec::new();
    for n in 0..8 {
        let store = Arc::clone(&store);
        let key = format!("fan-{n}");
        let b = Enqueue::new(batch(&[key.as_str()]))
            .spend(spend(1, 2024, "0.05", "1.00"))
            .cursor(cursor("events", Some(9), 10));
        tasks.push(tokio::spawn(async move { store.enqueue(b).await }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(e) => assert_eq!(e.kind(), &StoreErrorKind::Conflict, "{e}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(
        store.cursor("events").await.unwrap(),
        Some(JournalId::new(10))
    );
    assert_eq!(
        store.spent(OrgId::new(1), 2024).await.unwrap(),
        yuan("0.05")
    );
    assert_eq!(all(&store).await.len(), 3);
}

pub(crate) async fn messages_filter_and_page(store: Arc<dyn Store>) {
    let new: Vec<NewMessage> = (0..30)
        .map(|n| message(1 + n % 3, &format!("m{n:02}"), at(0)))
        .collect();
    enqueue(&store, new).await;
    let claimed = store.claim("a", at(0), at(60), 12).await.unwrap();
    for (n, m) in claimed.iter().enumerate() {
        let outcome = if n < 6 {
            delivered(at(1))
        } else {
            Outcome::DeadLetter {
                error: "地址无效".into(),
            }
        };
        assert!(store.settle(m.id, "a", outcome).await.unwrap());
    }
    let read = crate::notify::Resolution::Read { at: at(5) };
    assert!(store.resolve(claimed[0].id, read).await.unwrap().is_some());
    let everything = all(&store).await;
    assert_eq!(everything.len(), 30);
    assert!(everything.windows(2).all(|w| w[0].id < w[1].id));
    let mut settled_ones = MessageFilter::all();
    settled_ones.statuses = vec![Status::Delivered, Status::DeadLetter];
    let filters = [
        MessageFilter::all(),
        MessageFilter::status(Status::Pending),
        MessageFilter::status(Status::Leased),
        settled_ones.clone(),
        MessageFilter::all().from_orgs(vec![OrgId::new(2)]),
        settled_ones.from_orgs(vec![OrgId::new(3), OrgId::new(1), OrgId::new(3)]),
        MessageFilter::status(Status::Delivered).from_orgs(vec![OrgId::new(99)]),
        MessageFilter::all().from_orgs(vec![]),
        MessageFilter::all().on_channels(vec![crate::notify::Channel::Email]),
        MessageFilter::all().on_channels(vec![
            crate::notify::Channel::Sms,
            crate::notify::Channel::Email,
        ]),
        MessageFilter::status(Status::Delivered).unread_since(at(0)),
        MessageFilter::all().unread_since(at(1)),
        MessageFilter::all()
            .on_channels(vec![crate::notify::Channel::Sms])
            .unread_since(at(0))
            .from_orgs(vec![OrgId::new(1), OrgId::new(2)]),
    ];
    assert_eq!(
        everything
            .iter()
            .filter(|m| MessageFilter::all().unread_since(at(0)).matches(m))
            .count(),
        5,
        "six delivered, one read"
    );
    for f in &filters {
        let expected: Vec<StoredMessage> = everything
            .iter()
            .filter(|m| f.matches(m))
            .cloned()
            .collect();
        assert_eq!(listed(&store, f, 4).await, expected, "{f:?}");
        assert_eq!(listed(&store, f, MAX_CLAIM).await, expected, "{f:?}");
    }
    assert_eq!(
        listed(&store, &MessageFilter::status(Status::Pending), 5)
            .await
            .len(),
        18
    );
    let last = everything.last().map(|m| m.id);
    assert!(
        store
            .messages(&MessageFilter::all(), last, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .messages(&MessageFilter::all(), None, 0)
            .await
            .unwrap()
            .is_empty()
    );
    let from_tenth = store
        .messages(&MessageFilter::all(), Some(everything[9].id), 3)
        .await;
    assert_eq!(from_tenth.unwrap(), everything[10..13].to_vec());
}

pub(crate) async fn prune_removes_only_what_was_delivered_before(store: Arc<dyn Store>) {
    let d1 = settled(&store, message(1, "d1", at(0)), "a", delivered(at(10))).await;
    let d2 = settled(&store, message(1, "d2", at(0)), "a", delivered(at(20))).await;
    let d3 = settled(&store, message(1, "d3", at(0)), "a", delivered(at(30))).await;
    let unknown = Outcome::Unknown {
        error: "timeout".into(),
    };
    let u = settled(&store, message(1, "u", at(0)), "a", unknown).await;
    let dead = Outcome::DeadLetter {
        error: "bounced".into(),
    };
    let x = settled(&store, message(1, "x", at(0)), "a", dead).await;
    enqueue(&store, batch(&["p"])).await;
    assert_eq!(store.prune(at(0)).await.unwrap(), 0);
    assert_eq!(store.prune(at(20)).await.unwrap(), 1, "before, not at");
    assert_eq!(store.message(d1.id).await.unwrap(), None);
    assert_eq!(store.message_by_key("d1").await.unwrap(), None);
    assert_eq!(get(&store, d2.id).await, d2);
    // The key went with it.
    assert_eq!(enqueue(&store, batch(&["d1"])).await.stored, 1);
    assert!(by_key(&store, "d1").await.id > by_key(&store, "p").await.id);
    assert_eq!(store.prune(at(1_000)).await.unwrap(), 2);
    assert_eq!(store.message(d3.id).await.unwrap(), None);
    assert_eq!(keys(&all(&store).await), ["u", "x", "p", "d1"]);
    assert_eq!(get(&store, u.id).await, u);
    assert_eq!(get(&store, x.id).await, x);
}
