//! Tests of the module.
use super::*;
use chrono::{Duration, TimeZone};

fn msg(now: DateTime<Utc>) -> StoredMessage {
    let out = OutgoingMessage::new("k", Channel::Email, "a@example.com", "张三", "正文");
    StoredMessage::pending(MessageId::new(1), NewMessage::new(OrgId::new(1), out, now))
}

#[test]
fn a_message_goes_through_its_states() {
    let now = Utc.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap();
    let m = msg(now);
    assert!(m.claimable(now));
    assert!(!m.claimable(now - Duration::seconds(1)));
    let held = m.claimed("a", now + Duration::seconds(60));
    assert!(held.held_by("a") && !held.held_by("b"));
    assert!(!held.claimable(now + Duration::seconds(59)));
    assert!(held.claimable(now + Duration::seconds(60)));
    assert!(!held.interrupted);
    let mut sending = held.clone();
    sending.status = Status::Sending;
    assert!(sending.clone().claimed("b", now).interrupted);
    let unknown = sending.settled(&Outcome::Unknown {
        error: "timeout".into(),
    });
    assert_eq!(unknown.status, Status::Unknown);
    assert!(!unknown.claimable(now + Duration::days(9)));
    assert!(
        unknown
            .clone()
            .resolved(&Resolution::Read { at: now })
            .is_none()
    );
    let again = unknown.resolved(&Resolution::Retry { at: now }).unwrap();
    assert_eq!((again.status, again.attempts), (Status::Pending, 0));
    let done = again.settled(&Outcome::Delivered {
        channel_id: Some("x".into()),
        at: now,
    });
    let read = done.resolved(&Resolution::Read { at: now }).unwrap();
    assert_eq!(read.read_at, Some(now));
    assert!(
        read.resolved(&Resolution::Retry { at: now }).is_none(),
        "a delivered message is never sent again"
    );
    for s in [
        Status::Pending,
        Status::Leased,
        Status::Sending,
        Status::Delivered,
        Status::Unknown,
        Status::DeadLetter,
    ] {
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
    assert_eq!(Status::parse("sent"), None);
}
