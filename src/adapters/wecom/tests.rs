use super::*;
use crate::adapters::http::status_error;

#[test]
fn user_ids() {
    for ok in [
        "ZhangSan",
        "zhang.san@corp",
        "li_si-2",
        "1",
        &"a".repeat(64),
    ] {
        assert!(user_id_ok(ok), "{ok}");
    }
    for bad in [
        "",
        "_lead",
        "-x",
        "张三",
        "a b",
        "a|b",
        "<@x>",
        &"a".repeat(65),
    ] {
        assert!(!user_id_ok(bad), "{bad}");
    }
    assert_eq!(user_key("ZhangSan"), "zhangsan");
    let odd = user_key("张 三");
    assert!(odd.starts_with('~') && odd.bytes().all(|b| b.is_ascii_graphic()));
}

#[test]
fn statuses_without_a_code() {
    let h = reqwest::header::HeaderMap::new();
    let s = |c| reqwest::StatusCode::from_u16(c).unwrap();
    assert!(matches!(
        status_error(CHANNEL, s(429), &h, &["retry-after"], false),
        SendError::Retryable { .. }
    ));
    assert!(matches!(
        status_error(CHANNEL, s(500), &h, &[], false),
        SendError::Unknown { .. }
    ));
    assert!(matches!(
        status_error(CHANNEL, s(500), &h, &[], true),
        SendError::Retryable { .. }
    ));
    assert!(matches!(
        status_error(CHANNEL, s(200), &h, &[], false),
        SendError::Unknown { .. }
    ));
    assert!(matches!(
        status_error(CHANNEL, s(404), &h, &[], true),
        SendError::Permanent { .. }
    ));
    assert_eq!(http::clip("党建abc", 4), "党");
    assert_eq!(http::clip("abc", 10), "abc");
}

#[test]
fn replies_with_null_strings_are_read() {
    let r: Reply =
        serde_json::from_str(r#"{"errcode":0,"errmsg":null,"invaliduser":null,"msgid":"m1"}"#)
            .unwrap();
    assert_eq!(
        (r.errcode, r.errmsg.as_str(), r.msgid.as_str()),
        (Some(0), "", "m1")
    );
}
