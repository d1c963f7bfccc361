//! The WeCom adapters (`WeComRobot`, `WeComApp`) against the local fake
//! of the WeCom server API (`tests/fakes/wecom.rs`): every answer the
//! fake gives maps as documented, the token is cached and refreshed
//! once, batches split and fail per member, bad input fails before any
//! request, and the fake records the silent drops WeCom makes past a
//! member's limits.

mod fakes;

use chrono::{Duration, TimeZone, Utc};
use dangjian::adapters::{
    ChannelConfigError, WeComApp, WeComAppConfig, WeComFormat, WeComRobot, WeComRobotConfig,
};
use dangjian::clock::{Clock, FixedClock};
use dangjian::notify::{Channel, Notifier, OutgoingMessage, SendError, Window};
use fakes::wecom::{self as fake, Fake};
use std::sync::Arc;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2024, 6, 3, 1, 0, 0).unwrap(),
    ))
}

fn advance(clock: &FixedClock, seconds: i64) {
    clock.set(clock.now() + Duration::seconds(seconds));
}

fn msg(key: &str, to: &str, body: &str) -> OutgoingMessage {
    OutgoingMessage::new(key, Channel::WeCom, to, "张三", body)
}

async fn setup() -> (Arc<FixedClock>, Fake) {
    let clock = clock();
    let fake = fake::start(clock.clone()).await;
    (clock, fake)
}

fn robot(fake: &Fake, format: WeComFormat) -> WeComRobot {
    WeComRobot::new(
        WeComRobotConfig::new(fake::ROBOT_KEY)
            .base_url(fake.uri())
            .format(format),
    )
    .unwrap()
}

fn app(fake: &Fake, clock: &Arc<FixedClock>) -> WeComApp {
    WeComApp::new(
        WeComAppConfig::new(fake::CORP_ID, fake::CORP_SECRET, fake::AGENT_ID)
            .base_url(fake.uri())
            .clock(clock.clone()),
    )
    .unwrap()
}

fn permanent(r: Result<dangjian::notify::Accepted, SendError>) -> String {
    match r {
        Err(SendError::Permanent { reason, .. }) => reason,
        other => panic!("expected Permanent, got {other:?}"),
    }
}

fn retryable(
    r: Result<dangjian::notify::Accepted, SendError>,
) -> (String, Option<chrono::Duration>) {
    match r {
        Err(SendError::Retryable {
            reason,
            retry_after,
            ..
        }) => (reason, retry_after),
        other => panic!("expected Retryable, got {other:?}"),
    }
}

// ---------------------------------------------------------------- robot

#[tokio::test]
async fn robot_text_mentions_the_member() {
    let (_clock, fake) = setup().await;
    let robot = robot(&fake, WeComFormat::Text);
    assert_eq!(robot.channel(), Channel::WeCom);
    assert!(!robot.deduplicates());
    let ok = robot
        .send(&msg("k1", "ZhangSan", "本周五召开支部党员大会。"))
        .await
        .unwrap();
    assert_eq!(ok.channel_id, None);
    let posts = fake.robot_posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].msgtype, "text");
    assert_eq!(posts[0].content, "本周五召开支部党员大会。");
    assert_eq!(posts[0].mentioned, ["ZhangSan"]);
    // No address: no mention.
    robot.send(&msg("k2", "", "通知")).await.unwrap();
    assert!(fake.robot_posts()[1].mentioned.is_empty());
}

#[tokio::test]
async fn robot_markdown_mentions_with_the_tag() {
    let (_clock, fake) = setup().await;
    let robot = robot(&fake, WeComFormat::Markdown);
    robot
        .send(&msg("k1", "ZhangSan", "**请按时参加**"))
        .await
        .unwrap();
    let post = &fake.robot_posts()[0];
    assert_eq!(post.msgtype, "markdown");
    assert_eq!(post.content, "<@ZhangSan>\n**请按时参加**");
}

#[tokio::test]
async fn robot_with_a_key_wecom_does_not_know_is_permanent_93000() {
    let (_clock, fake) = setup().await;
    let robot = WeComRobot::new(
        WeComRobotConfig::new("00000000-0000-0000-0000-000000000000").base_url(fake.uri()),
    )
    .unwrap();
    let reason = permanent(robot.send(&msg("k", "ZhangSan", "x")).await);
    assert!(reason.contains("93000"), "{reason}");
    assert!(
        !reason.contains("00000000-0000"),
        "the key is never repeated"
    );
    assert!(fake.robot_posts().is_empty());
}

#[tokio::test]
async fn robot_21st_message_within_a_minute_is_45009_retryable_after_a_minute() {
    let (clock, fake) = setup().await;
    let robot = robot(&fake, WeComFormat::Text);
    for i in 0..20 {
        robot
            .send(&msg(&format!("k{i}"), "ZhangSan", &format!("第{i}条")))
            .await
            .unwrap();
    }
    let (reason, after) = retryable(robot.send(&msg("k20", "ZhangSan", "第20条")).await);
    assert!(reason.contains("45009"), "{reason}");
    assert_eq!(after, Some(Duration::seconds(60)));
    assert_eq!(fake.robot_posts().len(), 20);
    // The window slides: a minute later the robot takes messages again.
    advance(&clock, 60);
    robot.send(&msg("k20", "ZhangSan", "第20条")).await.unwrap();
    assert_eq!(fake.robot_posts().len(), 21);
}

#[tokio::test]
async fn robot_sizes_are_checked_before_any_request() {
    let (_clock, fake) = setup().await;
    let text = robot(&fake, WeComFormat::Text);
    let reason = permanent(text.send(&msg("k", "ZhangSan", &"a".repeat(2049))).await);
    assert!(reason.contains("2048"), "{reason}");
    // 683 three-byte characters: 2049 bytes.
    permanent(text.send(&msg("k", "ZhangSan", &"党".repeat(683))).await);
    assert_eq!(fake.requests(), 0);
    text.send(&msg("k", "ZhangSan", &"a".repeat(2048)))
        .await
        .unwrap();

    let md = robot(&fake, WeComFormat::Markdown);
    // The mention counts: "<@ZhangSan>\n" is 12 bytes.
    let before = fake.requests();
    permanent(md.send(&msg("k", "ZhangSan", &"a".repeat(4096 - 11))).await);
    assert_eq!(fake.requests(), before);
    md.send(&msg("k", "ZhangSan", &"a".repeat(4096 - 12)))
        .await
        .unwrap();
    assert_eq!(fake.robot_posts().len(), 2);
}

#[tokio::test]
async fn robot_refuses_an_address_that_is_not_a_user_id_before_any_request() {
    let (_clock, fake) = setup().await;
    let robot = robot(&fake, WeComFormat::Markdown);
    for bad in ["张三", "a>b", "x y", "_x"] {
        permanent(robot.send(&msg("k", bad, "x")).await);
    }
    assert_eq!(fake.requests(), 0);
}

#[tokio::test]
async fn robot_answers_map_as_documented() {
    let (_clock, fake) = setup().await;
    let robot = robot(&fake, WeComFormat::Text);
    let m = msg("k", "ZhangSan", "x");
    for code in [93000, 93004, 93008] {
        fake.fail_next(1, code);
        let reason = permanent(robot.send(&m).await);
        assert!(reason.contains(&code.to_string()), "{reason}");
    }
    fake.fail_next(1, 45009);
    assert_eq!(
        retryable(robot.send(&m).await).1,
        Some(Duration::seconds(60))
    );
    fake.fail_next(1, -1);
    assert_eq!(retryable(robot.send(&m).await).1, None);
    fake.fail_next(1, 40058);
    let reason = permanent(robot.send(&m).await);
    assert!(reason.contains("40058") && reason.contains("forced by the test"));
    assert!(fake.robot_posts().is_empty());
    robot.send(&m).await.unwrap();
}

#[tokio::test]
async fn robot_timeout_is_unknown_since_a_robot_cannot_deduplicate() {
    let (_clock, fake) = setup().await;
    let robot = WeComRobot::new(
        WeComRobotConfig::new(fake::ROBOT_KEY)
            .base_url(fake.uri())
            .timeout(std::time::Duration::from_millis(200)),
    )
    .unwrap();
    fake.delay_next(1, std::time::Duration::from_secs(2));
    let r = robot.send(&msg("k", "ZhangSan", "x")).await;
    match r {
        Err(SendError::Unknown { reason, .. }) => {
            assert!(!reason.contains(fake::ROBOT_KEY), "{reason}")
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
}

#[tokio::test]
async fn robot_refused_connection_is_retryable() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let robot = WeComRobot::new(
        WeComRobotConfig::new(fake::ROBOT_KEY).base_url(format!("http://127.0.0.1:{port}")),
    )
    .unwrap();
    retryable(robot.send(&msg("k", "ZhangSan", "x")).await);
}

#[test]
fn robot_keys_are_validated_and_never_repeated() {
    let bad = [
        "",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7e1c",
        "693a91f6 7e1c",
        "693a91f6-7e1c\n",
    ];
    for key in bad {
        let Err(e) = WeComRobot::new(WeComRobotConfig::new(key)) else {
            panic!("{key:?} accepted")
        };
        assert!(
            matches!(e, ChannelConfigError::BadCredential { .. }),
            "{e:?}"
        );
        if !key.is_empty() {
            assert!(!e.to_string().contains("693a91f6"), "{e}");
        }
    }
    let e = WeComRobot::new(WeComRobotConfig::new(fake::ROBOT_KEY).base_url("http://example.com"))
        .unwrap_err();
    assert!(matches!(e, ChannelConfigError::BadUrl { .. }));
    let debug = format!("{:?}", WeComRobotConfig::new(fake::ROBOT_KEY));
    assert!(!debug.contains(fake::ROBOT_KEY), "{debug}");
}

#[test]
fn robot_limit_is_20_a_minute_per_key_named_by_a_fingerprint() {
    let robot = WeComRobot::new(WeComRobotConfig::new(fake::ROBOT_KEY)).unwrap();
    let limits = robot.limits(&msg("k", "ZhangSan", "x"));
    assert_eq!(limits.len(), 1);
    let key = &limits[0];
    assert!(key.name.starts_with("wecom.robot:"), "{}", key.name);
    assert!(!key.name.contains(fake::ROBOT_KEY));
    assert!(key.name_ok());
    assert_eq!(key.windows, [Window::per_minute(20)]);
    // The same key for every recipient.
    assert_eq!(robot.limits(&msg("k", "LiSi", "y")), limits);
}

// ------------------------------------------------------------------ app

#[tokio::test]
async fn app_sends_and_fetches_one_token_for_many_sends() {
    let (clock, fake) = setup().await;
    let app = Arc::new(app(&fake, &clock));
    assert!(app.deduplicates());
    let ok = app
        .send(&msg("k0", "ZhangSan", "请于6月30日前交纳党费。"))
        .await
        .unwrap();
    assert!(ok.channel_id.unwrap().starts_with("fake-msgid-"));
    for i in 1..10 {
        app.send(&msg(&format!("k{i}"), "ZhangSan", &format!("第{i}条")))
            .await
            .unwrap();
    }
    // Concurrent sends share the one token too.
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..10 {
        let app = app.clone();
        tasks.spawn(async move {
            app.send(&msg(&format!("c{i}"), &format!("user{i}"), "并发"))
                .await
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap().unwrap();
    }
    assert_eq!(fake.gettoken_calls(), 1);
    assert_eq!(fake.deliveries().len(), 20);
    let d = &fake.deliveries()[0];
    assert_eq!((d.user.as_str(), d.msgtype.as_str()), ("zhangsan", "text"));
}

#[tokio::test]
async fn app_concurrent_first_sends_fetch_the_token_once() {
    let (clock, fake) = setup().await;
    let app = Arc::new(app(&fake, &clock));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let app = app.clone();
        tasks.spawn(async move {
            app.send(&msg(&format!("c{i}"), &format!("user{i}"), "首次"))
                .await
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap().unwrap();
    }
    assert_eq!(fake.gettoken_calls(), 1, "single-flight");
}

#[tokio::test]
async fn app_token_expiry_on_the_test_clock_fetches_once_more() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    app.send(&msg("k1", "ZhangSan", "一")).await.unwrap();
    let first = fake.current_token().unwrap();
    advance(&clock, fake::TOKEN_SECONDS - 1);
    app.send(&msg("k2", "ZhangSan", "二")).await.unwrap();
    assert_eq!(fake.gettoken_calls(), 1, "still valid");
    advance(&clock, 1);
    app.send(&msg("k3", "ZhangSan", "三")).await.unwrap();
    app.send(&msg("k4", "ZhangSan", "四")).await.unwrap();
    assert_eq!(fake.gettoken_calls(), 2);
    assert_ne!(fake.current_token().unwrap(), first);
    // Fetched before sending: WeCom never had to answer 42001.
    assert!(fake.rejections().is_empty(), "{:?}", fake.rejections());
    assert_eq!(fake.delivered_to("zhangsan"), 4);
}

#[tokio::test]
async fn app_42001_refreshes_once_and_sends() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    app.send(&msg("k1", "ZhangSan", "一")).await.unwrap();
    fake.fail_next(1, 42001);
    app.send(&msg("k2", "ZhangSan", "二")).await.unwrap();
    assert_eq!(fake.gettoken_calls(), 2);
    assert_eq!(fake.message_calls(), 3);
    assert_eq!(fake.delivered_to("zhangsan"), 2);
}

#[tokio::test]
async fn app_revoked_token_is_refreshed_once_then_the_send_succeeds() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    app.send(&msg("k1", "ZhangSan", "一")).await.unwrap();
    let old = fake.current_token().unwrap();
    fake.revoke();
    app.send(&msg("k2", "ZhangSan", "二")).await.unwrap();
    assert_eq!(fake.gettoken_calls(), 2);
    assert_eq!(fake.message_calls(), 3);
    assert_ne!(fake.current_token().unwrap(), old);
    let codes: Vec<i64> = fake.rejections().iter().map(|r| r.errcode).collect();
    assert_eq!(codes, [40014]);
    // The new token is cached in turn.
    app.send(&msg("k3", "ZhangSan", "三")).await.unwrap();
    assert_eq!(fake.gettoken_calls(), 2);
}

#[tokio::test]
async fn app_repeated_40014_is_not_a_refresh_loop() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    fake.fail_next(10, 40014);
    let (reason, _) = retryable(app.send(&msg("k1", "ZhangSan", "一")).await);
    assert!(reason.contains("40014"), "{reason}");
    assert_eq!(fake.gettoken_calls(), 2, "one refresh");
    assert_eq!(fake.message_calls(), 2, "one more try");
    assert!(fake.deliveries().is_empty());
}

#[tokio::test]
async fn app_answers_map_as_documented() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    let m = msg("k", "ZhangSan", "x");
    for code in [40001, 40013, 40056, 60020, 81013, 40031] {
        fake.fail_next(1, code);
        let reason = permanent(app.send(&m).await);
        assert!(reason.contains(&code.to_string()), "{code}: {reason}");
    }
    fake.fail_next(1, 45009);
    assert_eq!(retryable(app.send(&m).await).1, Some(Duration::seconds(60)));
    for code in [45033, -1] {
        fake.fail_next(1, code);
        let (reason, after) = retryable(app.send(&m).await);
        assert!(reason.contains(&code.to_string()));
        assert_eq!(after, None);
    }
    assert!(fake.deliveries().is_empty());
    assert_eq!(fake.gettoken_calls(), 1);
    app.send(&m).await.unwrap();
}

#[tokio::test]
async fn app_token_errors_map_and_send_nothing() {
    let (clock, fake) = setup().await;
    let wrong = WeComApp::new(
        WeComAppConfig::new(fake::CORP_ID, "WrongSecret0123456789", fake::AGENT_ID)
            .base_url(fake.uri())
            .clock(clock.clone()),
    )
    .unwrap();
    let reason = permanent(wrong.send(&msg("k", "ZhangSan", "x")).await);
    assert!(reason.contains("40001"), "{reason}");
    assert!(!reason.contains("WrongSecret"), "{reason}");
    let wrong_corp = WeComApp::new(
        WeComAppConfig::new("ww0000000000000000", fake::CORP_SECRET, fake::AGENT_ID)
            .base_url(fake.uri()),
    )
    .unwrap();
    assert!(permanent(wrong_corp.send(&msg("k", "ZhangSan", "x")).await).contains("40013"));
    assert_eq!(fake.message_calls(), 0);

    let app = app(&fake, &clock);
    fake.fail_gettoken_next(1, -1);
    retryable(app.send(&msg("k", "ZhangSan", "x")).await);
    assert_eq!(fake.message_calls(), 0);
    app.send(&msg("k", "ZhangSan", "x")).await.unwrap();
}

#[tokio::test]
async fn app_bad_agent_id_is_permanent_40056() {
    let (clock, fake) = setup().await;
    let app = WeComApp::new(
        WeComAppConfig::new(fake::CORP_ID, fake::CORP_SECRET, 1_000_003)
            .base_url(fake.uri())
            .clock(clock.clone()),
    )
    .unwrap();
    assert!(permanent(app.send(&msg("k", "ZhangSan", "x")).await).contains("40056"));
}

#[tokio::test]
async fn app_batch_of_2500_is_3_calls_and_fails_only_the_invalid_members() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    assert_eq!(app.batch_size(), 1000);
    let users: Vec<String> = (0..2500).map(|i| format!("Member{i:04}")).collect();
    // Invalid and unlicensed members in each of the three calls.
    let invalid = ["Member0007", "Member1500", "Member2499"];
    let unlicensed = ["Member0100", "Member2000"];
    fake.mark_invalid(invalid);
    fake.mark_unlicensed(unlicensed);
    let messages: Vec<OutgoingMessage> = users
        .iter()
        .map(|u| msg(&format!("broadcast/{u}"), u, "七一表彰大会通知"))
        .collect();
    let results = app.send_batch(&messages).await;
    assert_eq!(results.len(), 2500);
    assert_eq!(fake.message_calls(), 3);
    assert_eq!(fake.gettoken_calls(), 1);
    for (u, r) in users.iter().zip(&results) {
        if invalid.contains(&u.as_str()) || unlicensed.contains(&u.as_str()) {
            let reason = permanent(r.clone());
            assert!(reason.contains("invalid user"), "{u}: {reason}");
        } else {
            let id = r.as_ref().unwrap().channel_id.clone().unwrap();
            assert!(id.starts_with("fake-msgid-"), "{u}");
        }
    }
    assert_eq!(fake.deliveries().len(), 2500 - 5);
    // The three calls have three message ids.
    let mut ids: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().and_then(|a| a.channel_id.clone()))
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 3);
}

#[tokio::test]
async fn app_batch_groups_by_text_and_81013_fails_only_that_call() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    fake.mark_invalid(["Ghost1", "Ghost2"]);
    let messages = vec![
        msg("a1", "ZhangSan", "通知甲"),
        msg("b1", "Ghost1", "通知乙"),
        msg("a2", "LiSi", "通知甲"),
        msg("b2", "Ghost2", "通知乙"),
        // A bad message fails alone, before any request.
        msg("c1", "张三", "通知甲"),
        msg("c2", "WangWu", &"长".repeat(700)),
    ];
    let results = app.send_batch(&messages).await;
    assert_eq!(fake.message_calls(), 2, "one call per text");
    assert!(results[0].is_ok() && results[2].is_ok());
    for i in [1, 3] {
        assert!(permanent(results[i].clone()).contains("81013"));
    }
    assert!(permanent(results[4].clone()).contains("user id"));
    assert!(permanent(results[5].clone()).contains("2048"));
    assert_eq!(fake.deliveries().len(), 2);
}

#[tokio::test]
async fn app_batch_stops_after_a_call_wecom_refuses_for_now() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    let messages: Vec<OutgoingMessage> = (0..2500)
        .map(|i| msg(&format!("k{i}"), &format!("m{i}"), "同文"))
        .collect();
    app.send_batch(&messages[..1000]).await;
    // The first of the next batch's two calls is throttled: the second
    // is not tried.
    fake.fail_next(1, 45009);
    let results = app.send_batch(&messages[1000..]).await;
    assert_eq!(
        fake.message_calls(),
        2,
        "1 + 1: the call after a 45009 is not made"
    );
    for r in results {
        assert_eq!(retryable(r).1, Some(Duration::seconds(60)));
    }
    assert_eq!(fake.deliveries().len(), 1000);
}

#[tokio::test]
async fn app_batch_sends_a_member_named_twice_in_two_calls() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    let messages = vec![msg("a1", "ZhangSan", "同文"), msg("a2", "zhangsan", "同文")];
    let results = app.send_batch(&messages).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(fake.message_calls(), 2);
}

#[tokio::test]
async fn app_single_invalid_member_is_permanent() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    fake.mark_invalid(["Ghost"]);
    assert!(permanent(app.send(&msg("k", "Ghost", "x")).await).contains("81013"));
}

#[tokio::test]
async fn app_bad_input_is_a_typed_error_before_any_request() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    assert!(permanent(app.send(&msg("k", "ZhangSan", &"a".repeat(2049))).await).contains("2048"));
    for bad in ["", "张三", "a|b", "@all", &"a".repeat(65)] {
        permanent(app.send(&msg("k", bad, "x")).await);
    }
    assert_eq!(fake.requests(), 0, "not even gettoken");
    app.send(&msg("k", "ZhangSan", &"a".repeat(2048)))
        .await
        .unwrap();
}

#[test]
fn app_credentials_are_validated_and_never_repeated() {
    let cases = [
        WeComAppConfig::new("", fake::CORP_SECRET, 1),
        WeComAppConfig::new("ww12 34", fake::CORP_SECRET, 1),
        WeComAppConfig::new(fake::CORP_ID, "", 1),
        WeComAppConfig::new(fake::CORP_ID, "SecretWith/Slash+Plus", 1),
    ];
    for config in cases {
        let Err(e) = WeComApp::new(config) else {
            panic!("accepted")
        };
        assert!(
            matches!(e, ChannelConfigError::BadCredential { .. }),
            "{e:?}"
        );
        assert!(!e.to_string().contains("SecretWith"), "{e}");
    }
    assert!(matches!(
        WeComApp::new(WeComAppConfig::new(fake::CORP_ID, fake::CORP_SECRET, 0)),
        Err(ChannelConfigError::Invalid(..))
    ));
    let debug = format!(
        "{:?}",
        WeComAppConfig::new(fake::CORP_ID, fake::CORP_SECRET, 1)
    );
    assert!(!debug.contains(fake::CORP_SECRET), "{debug}");
}

#[test]
fn app_limits_are_per_member_30_a_minute_and_1000_an_hour() {
    let app = WeComApp::new(WeComAppConfig::new(
        fake::CORP_ID,
        fake::CORP_SECRET,
        1_000_002,
    ))
    .unwrap();
    let limits = app.limits(&msg("k", "ZhangSan", "x"));
    assert_eq!(limits.len(), 1);
    assert_eq!(limits[0].name, "wecom.app:1000002:zhangsan");
    assert_eq!(
        limits[0].windows,
        [Window::per_minute(30), Window::per_hour(1000)]
    );
    assert!(app.limits(&msg("k", "张 三", "x"))[0].name_ok());
}

#[tokio::test]
async fn app_31_messages_to_one_member_within_a_minute_are_dropped_silently() {
    // Straight through the adapter, with no dispatcher to keep the
    // member's limit: WeCom answers success for all 31 and drops one.
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    for i in 0..31 {
        app.send(&msg(&format!("k{i}"), "ZhangSan", &format!("第{i}条提醒")))
            .await
            .unwrap();
        advance(&clock, 1);
    }
    let drops = fake.drops();
    assert_eq!(drops.len(), 1);
    assert_eq!(drops[0].user, "zhangsan");
    assert_eq!(drops[0].content, "第30条提醒");
    assert_eq!(drops[0].limit, "30 a minute");
    assert_eq!(fake.delivered_to("ZhangSan"), 30);
    assert!(fake.rejections().is_empty(), "no error was answered");
    // A minute after the first, the member receives again.
    advance(&clock, 30);
    app.send(&msg("k31", "ZhangSan", "第31条提醒"))
        .await
        .unwrap();
    assert_eq!(fake.delivered_to("ZhangSan"), 31);
    // Another member was never limited.
    app.send(&msg("o", "LiSi", "x")).await.unwrap();
    assert_eq!(fake.drops().len(), 1);
}

#[tokio::test]
async fn app_1001_messages_to_one_member_within_an_hour_drop_the_last() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    // 20 a minute: under the minute's limit, over the hour's at the 1001st.
    for i in 0..1001 {
        app.send(&msg(&format!("k{i}"), "ZhangSan", &format!("{i}")))
            .await
            .unwrap();
        advance(&clock, 3);
    }
    let drops = fake.drops();
    assert_eq!(drops.len(), 1, "{drops:?}");
    assert_eq!(drops[0].limit, "1000 an hour");
    assert_eq!(fake.delivered_to("ZhangSan"), 1000);
}

#[tokio::test]
async fn app_duplicate_check_delivers_a_repeat_once() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    let m = msg("k", "ZhangSan", "同一条");
    let first = app.send(&m).await.unwrap();
    // A retry after a lost answer: WeCom's duplicate check drops it.
    let again = app.send(&m).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(fake.delivered_to("ZhangSan"), 1);
    assert_eq!(fake.duplicates(), 1);
    // After the 30 minutes of the check it goes again.
    advance(&clock, 1800);
    app.send(&m).await.unwrap();
    assert_eq!(fake.delivered_to("ZhangSan"), 2);
}

#[tokio::test]
async fn app_markdown_format_is_sent_as_markdown() {
    let (clock, fake) = setup().await;
    let app = WeComApp::new(
        WeComAppConfig::new(fake::CORP_ID, fake::CORP_SECRET, fake::AGENT_ID)
            .base_url(fake.uri())
            .clock(clock.clone())
            .format(WeComFormat::Markdown),
    )
    .unwrap();
    app.send(&msg("k", "ZhangSan", "**党费**")).await.unwrap();
    assert_eq!(fake.deliveries()[0].msgtype, "markdown");
}

#[tokio::test]
async fn app_timeout_is_retryable_since_the_duplicate_check_dedupes() {
    let (clock, fake) = setup().await;
    let app = WeComApp::new(
        WeComAppConfig::new(fake::CORP_ID, fake::CORP_SECRET, fake::AGENT_ID)
            .base_url(fake.uri())
            .clock(clock.clone())
            .timeout(std::time::Duration::from_millis(300)),
    )
    .unwrap();
    app.send(&msg("k0", "ZhangSan", "预热")).await.unwrap();
    fake.delay_next(1, std::time::Duration::from_secs(2));
    let (reason, _) = retryable(app.send(&msg("k1", "ZhangSan", "x")).await);
    assert!(!reason.contains("fake-wecom-token"), "{reason}");
}
