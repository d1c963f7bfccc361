//! Rate-limit checks (`docs/RULES.md` NOTE-10): a take records one send
//! under every key or none, answers when a full key has room again,
//! forgets sends older than the window, refuses malformed keys, and never
//! lets concurrent takers together pass a limit.

use super::at;
use crate::notify::{RateKey, Window};
use crate::store::{Store, StoreErrorKind};
use chrono::Duration;
use std::sync::Arc;

fn key(name: &str, windows: &[Window]) -> RateKey {
    RateKey::new(name, windows.iter().copied())
}

pub(crate) async fn rate_takes_are_all_or_none_and_answer_when_there_is_room(
    store: Arc<dyn Store>,
) {
    let robot = key("t.robot:1", &[Window::per_minute(2)]);
    let member = key("t.app:1:zs", &[Window::per_second(1), Window::per_hour(3)]);
    let both = [robot.clone(), member.clone()];
    assert_eq!(store.take_rate(&both, at(0)).await.unwrap(), None);
    // The member's second is full: nothing is recorded for the robot.
    assert_eq!(
        store.take_rate(&both, at(0)).await.unwrap(),
        Some(at(1)),
        "the member's 1 a second"
    );
    assert_eq!(store.take_rate(&both, at(1)).await.unwrap(), None);
    // The robot has had 2 in the minute (at 0 s and 1 s): room at 60 s.
    assert_eq!(
        store
            .take_rate(std::slice::from_ref(&robot), at(2))
            .await
            .unwrap(),
        Some(at(60))
    );
    assert_eq!(
        store
            .take_rate(std::slice::from_ref(&robot), at(60))
            .await
            .unwrap(),
        None
    );
    // The member took 2 of 3 in the hour; one more, then full until the
    // first leaves at 3600 s.
    let alone = std::slice::from_ref(&member);
    assert_eq!(store.take_rate(alone, at(10)).await.unwrap(), None);
    assert_eq!(
        store.take_rate(alone, at(20)).await.unwrap(),
        Some(at(3_600))
    );
    assert_eq!(store.take_rate(alone, at(3_600)).await.unwrap(), None);
    // A key with no windows limits nothing; no keys at all take nothing.
    let free = key("t.free", &[]);
    for _ in 0..5 {
        assert_eq!(
            store
                .take_rate(std::slice::from_ref(&free), at(0))
                .await
                .unwrap(),
            None
        );
    }
    assert_eq!(store.take_rate(&[], at(0)).await.unwrap(), None);
    // A day-long window remembers a day, and no longer.
    let daily = key("t.sms:13800138000", &[Window::per_day(1)]);
    let d = std::slice::from_ref(&daily);
    assert_eq!(store.take_rate(d, at(0)).await.unwrap(), None);
    assert_eq!(
        store.take_rate(d, at(86_399)).await.unwrap(),
        Some(at(86_400))
    );
    assert_eq!(store.take_rate(d, at(86_400)).await.unwrap(), None);
    // Microsecond times round-trip: a send at t + 1 µs is inside a window
    // that starts at t.
    let fine = key("t.fine", &[Window::per_second(1)]);
    let f = std::slice::from_ref(&fine);
    let t = at(0) + Duration::microseconds(1);
    assert_eq!(store.take_rate(f, t).await.unwrap(), None);
    assert_eq!(
        store.take_rate(f, at(1)).await.unwrap(),
        Some(t + Duration::seconds(1))
    );
}

pub(crate) async fn malformed_rate_keys_are_refused_recording_nothing(store: Arc<dyn Store>) {
    let good = key("t.good", &[Window::per_minute(1)]);
    for bad in [
        vec![good.clone(), key("has space", &[Window::per_minute(1)])],
        vec![good.clone(), good.clone()],
        vec![good.clone(), key("", &[Window::per_minute(1)])],
        vec![
            good.clone(),
            key(&"x".repeat(201), &[Window::per_minute(1)]),
        ],
    ] {
        let e = store.take_rate(&bad, at(0)).await.unwrap_err();
        assert_eq!(*e.kind(), StoreErrorKind::Rejected, "{e}");
    }
    // The good key was never recorded by the refused takes.
    assert_eq!(
        store
            .take_rate(std::slice::from_ref(&good), at(0))
            .await
            .unwrap(),
        None
    );
}

pub(crate) async fn concurrent_rate_takes_never_pass_the_limit(store: Arc<dyn Store>) {
    let shared = key("t.robot:shared", &[Window::per_minute(20)]);
    let mut tasks = Vec::new();
    for n in 0..8 {
        let store = Arc::clone(&store);
        let shared = shared.clone();
        tasks.push(tokio::spawn(async move {
            let own = key(&format!("t.app:{n}"), &[Window::per_minute(100)]);
            let mut granted = 0u32;
            for i in 0..10 {
                let keys = [shared.clone(), own.clone()];
                if store.take_rate(&keys, at(i)).await.unwrap().is_none() {
                    granted += 1;
                }
            }
            granted
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    assert_eq!(
        total, 20,
        "8 takers × 10 tries share 20 places in the minute"
    );
}
