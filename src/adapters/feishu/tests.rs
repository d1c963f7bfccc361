use super::*;
use crate::notify::OutgoingMessage;

#[test]
fn the_official_signature_vector() {
    // add-custom-bot, "signature verification": timestamp 1599360473,
    // secret `demo`.
    assert_eq!(
        bot_sign(1_599_360_473, "demo"),
        "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="
    );
}

#[test]
fn mentions_cannot_break_the_tag() {
    assert_eq!(
        mention("ou_7d8a", "王<五>\"&"),
        "<at user_id=\"ou_7d8a\">王五</at>"
    );
}

#[test]
fn uuids_are_short_and_stable() {
    let m = OutgoingMessage::new("k".repeat(500), CHANNEL, "ou_x", "x", "b");
    let u = FeishuApp::uuid(&m);
    assert!(u.len() <= 50);
    assert_eq!(u, FeishuApp::uuid(&m.clone()));
    let other = OutgoingMessage::new("k2", CHANNEL, "ou_x", "x", "b");
    assert_ne!(u, FeishuApp::uuid(&other));
}

#[test]
fn receive_ids() {
    use FeishuReceiveIdType as T;
    assert!(T::OpenId.accepts("ou_7d8a6e6df7621556ce0d21922b676706"));
    assert!(!T::OpenId.accepts(""));
    assert!(!T::OpenId.accepts("ou x"));
    assert!(T::Email.accepts("wangwu@example.com"));
    assert!(!T::Email.accepts("wangwu"));
    assert!(!T::Email.accepts("王五@example.com"));
    assert_eq!(FeishuApp::receiver_key("ou_1"), "ou_1");
    assert!(FeishuApp::receiver_key("王 五").starts_with('#'));
}

#[test]
fn replies_in_either_form_are_read() {
    let old: Reply = serde_json::from_str(r#"{"StatusCode":0,"StatusMessage":"success"}"#).unwrap();
    assert_eq!(old.code(), Some(0));
    let new: Reply =
        serde_json::from_str(r#"{"code":19021,"msg":null,"data":{"message_id":null}}"#).unwrap();
    assert_eq!(new.code(), Some(19021));
    assert_eq!(new.said(19021), "code 19021: ");
}
