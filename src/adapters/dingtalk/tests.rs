use super::notice::{member_key, parse_result, send_answer};
use super::robot::{DingTalkRobot, answer, check_secret};
use super::{errcode, reason};
use crate::adapters::http::ChannelConfigError;
use crate::notify::SendError;
use serde_json::json;
use std::time::Duration;

#[test]
fn the_signing_vector() {
    // Reproduced with the custom-robot page's Python sample: ts in ms,
    // key = secret, message = ts + "\n" + secret, Base64 (before URL-encoding).
    assert_eq!(
        DingTalkRobot::sign(1_700_000_000_000, "SECtest0123456789"),
        "yBKp5IlG6qCzcQWmgyRK/ziJBdVNJmHfFE2ST/CzT/g="
    );
    // The timestamp is part of the signature.
    assert_ne!(
        DingTalkRobot::sign(1_700_000_000_001, "SECtest0123456789"),
        DingTalkRobot::sign(1_700_000_000_000, "SECtest0123456789")
    );
}

#[test]
fn secrets_as_dingtalk_issues_them() {
    assert!(check_secret("SECtest0123456789").is_ok());
    for bad in [
        "",
        "SEC",
        "test0123456789",
        "SEC test",
        "SEC\u{7f}x",
        "SEC密钥",
    ] {
        let e = check_secret(bad).unwrap_err();
        assert!(
            matches!(e, ChannelConfigError::BadCredential { .. }),
            "{bad:?}: {e:?}"
        );
        if bad.len() > 3 {
            assert!(!e.to_string().contains(bad));
        }
    }
}

#[test]
fn robot_answers() {
    let t = Duration::from_secs(60);
    let ok = json!({"errcode": 0, "errmsg": "ok"});
    assert_eq!(answer(0, &ok, t).unwrap().channel_id, None);
    for code in [310000, 300001, 300005, 400101, 400102, 12345] {
        let a = json!({"errcode": code, "errmsg": "x"});
        assert!(
            matches!(answer(code, &a, t), Err(SendError::Permanent { .. })),
            "{code}"
        );
    }
    for code in [130101, 410100] {
        let a = json!({"errcode": code, "errmsg": "send too fast"});
        let Err(SendError::Retryable { retry_after, .. }) = answer(code, &a, t) else {
            panic!("{code}")
        };
        assert_eq!(retry_after, Some(chrono::Duration::seconds(60)));
    }
    let long = Duration::from_secs(600);
    let Err(SendError::Retryable { retry_after, .. }) = answer(130101, &ok, long) else {
        panic!()
    };
    assert_eq!(retry_after, Some(chrono::Duration::seconds(600)));
}

#[test]
fn errcodes_and_reasons() {
    assert_eq!(errcode(&json!({"errcode": 42001})), Some(42001));
    assert_eq!(errcode(&json!({"errcode": "-1"})), Some(-1));
    assert_eq!(errcode(&json!({"errmsg": "ok"})), None);
    let r = reason(
        "robot/send",
        310000,
        &json!({"errmsg": "keywords not in content\n"}),
    );
    assert_eq!(r, "robot/send: errcode 310000 (keywords not in content)");
    let long = "x".repeat(1_000);
    assert!(reason("a", 1, &json!({ "errmsg": long })).len() < 250);
}

#[test]
fn notice_answers() {
    let ok = json!({"errcode": 0, "errmsg": "ok", "task_id": 700000001_i64});
    assert_eq!(
        send_answer(0, &ok).unwrap().channel_id.as_deref(),
        Some("700000001")
    );
    let as_text = json!({"errcode": 0, "task_id": "42"});
    assert_eq!(
        send_answer(0, &as_text).unwrap().channel_id.as_deref(),
        Some("42")
    );
    assert_eq!(
        send_answer(0, &json!({"errcode": 0})).unwrap().channel_id,
        None
    );
    for code in [143103, 143104] {
        let Err(SendError::Retryable { retry_after, .. }) = send_answer(code, &json!({})) else {
            panic!("{code}")
        };
        assert_eq!(retry_after, Some(chrono::Duration::seconds(60)));
    }
    for code in [-1, 40014, 42001] {
        assert!(matches!(
            send_answer(code, &json!({})),
            Err(SendError::Retryable {
                retry_after: None,
                ..
            })
        ));
    }
    for code in [143105, 143106, 40089, 1] {
        assert!(matches!(
            send_answer(code, &json!({})),
            Err(SendError::Permanent { .. })
        ));
    }
}

#[test]
fn send_results_are_read_leniently() {
    let r = parse_result(Some(&json!({
        "read_user_id_list": ["a"],
        "unread_user_id_list": "b, c",
        "invalid_user_id_list": [],
        "failed_user_id_list": ["d"],
        "forbidden_user_id_list": ["e"],
        "forbidden_list": [{"code": "143106", "count": 1, "userid": "f"}, {"code": 1}],
    })));
    assert!(r.read.contains("a"));
    assert!(r.unread.contains("b") && r.unread.contains("c"));
    assert_eq!(r.not_delivered.len(), 3);
    assert!(r.not_delivered["e"].contains("forbidden_user_id_list"));
    assert!(r.not_delivered["f"].contains("143106"));
    assert!(parse_result(None).read.is_empty());
}

#[test]
fn member_keys() {
    assert_eq!(member_key("manager4585"), "manager4585");
    let hashed = member_key("李明");
    assert!(hashed.starts_with('#') && hashed.len() == 17);
    assert_eq!(hashed, member_key("李明"));
    assert!(member_key(&"a".repeat(65)).starts_with('#'));
}
