//! The DingTalk adapters (`DingTalkRobot`, `DingTalkWorkNotice`) against
//! the local fake of DingTalk's APIs (`tests/fakes/dingtalk.rs`, a real
//! HTTP server on 127.0.0.1 on the test's clock): the signature and its
//! hour, keywords, the robot's 20 a minute, tokens cached, expired and
//! revoked, batches of 100, send results (read, unread, dropped), every
//! answer code, and bad input refused before any request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "fakes/dingtalk.rs"]
mod fake;

use chrono::{Duration as Span, TimeZone, Utc};
use dangjian::adapters::{ChannelConfigError, DingTalkRobot, DingTalkWorkNotice};
use dangjian::clock::{Clock, FixedClock};
use dangjian::notify::{Channel, ChannelStatus, Notifier, OutgoingMessage, SendError, Window};
use fake::{AGENT_ID, APP_KEY, APP_SECRET, Answer, Api, Fake, ROBOT_SECRET, ROBOT_TOKEN, Setup};
use std::sync::Arc;
use std::time::Duration;

const BODY: &str = "李明同志：您自2024年4月起尚欠党费90.00元，请及时交纳。";

fn clock() -> Arc<FixedClock> {
    // 09:00 in Beijing.
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2024, 6, 3, 1, 0, 0).unwrap(),
    ))
}

fn advance(clock: &FixedClock, seconds: i64) {
    clock.set(clock.now() + Span::seconds(seconds));
}

fn msg(key: &str, to: &str, body: &str) -> OutgoingMessage {
    OutgoingMessage::new(key, Channel::DingTalk, to, "李明", body)
}

fn robot(fake: &Fake, clock: &Arc<FixedClock>) -> dangjian::adapters::DingTalkRobotBuilder {
    DingTalkRobot::builder(ROBOT_TOKEN, ROBOT_SECRET)
        .base_url(fake.uri())
        .clock(clock.clone())
        .timeout(Duration::from_secs(5))
}

fn notice(fake: &Fake, clock: &Arc<FixedClock>) -> dangjian::adapters::DingTalkWorkNoticeBuilder {
    DingTalkWorkNotice::builder(APP_KEY, APP_SECRET, AGENT_ID)
        .base_url(fake.uri())
        .clock(clock.clone())
        .timeout(Duration::from_secs(5))
}

fn permanent(r: Result<impl std::fmt::Debug, SendError>) -> String {
    match r {
        Err(SendError::Permanent { channel, reason }) => {
            assert_eq!(channel, Channel::DingTalk);
            reason
        }
        other => panic!("expected Permanent, got {other:?}"),
    }
}

fn retryable(r: Result<impl std::fmt::Debug, SendError>) -> Option<Span> {
    match r {
        Err(SendError::Retryable { retry_after, .. }) => retry_after,
        other => panic!("expected Retryable, got {other:?}"),
    }
}

fn unknown(r: Result<impl std::fmt::Debug, SendError>) -> String {
    match r {
        Err(SendError::Unknown { reason, .. }) => reason,
        other => panic!("expected Unknown, got {other:?}"),
    }
}

// ---------------------------------------------------------------- robot

#[test]
fn the_signing_vector() {
    // ts 1700000000000 ms, secret SECtest0123456789 (before URL-encoding).
    assert_eq!(
        DingTalkRobot::sign(1_700_000_000_000, "SECtest0123456789"),
        "yBKp5IlG6qCzcQWmgyRK/ziJBdVNJmHfFE2ST/CzT/g="
    );
}

#[tokio::test]
async fn a_signed_text_mentions_the_member() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let robot = robot(&fake, &clock).build().unwrap();
    assert!(!robot.deduplicates());
    assert!(!robot.reports_receipts());
    let accepted = robot.send(&msg("k1", "liming", BODY)).await.unwrap();
    assert_eq!(accepted.channel_id, None);
    let posted = fake.robot_messages();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].msgtype, "text");
    assert_eq!(posted[0].content, BODY);
    assert_eq!(posted[0].at_user_ids, ["liming"]);
    // Milliseconds, and the Base64 URL-encoded in the query.
    let query = fake.last_query(Api::RobotSend).unwrap();
    let ts = clock.now().timestamp_millis();
    assert!(query.contains(&format!("timestamp={ts}")), "{query}");
    let sign = query.split("sign=").nth(1).unwrap();
    assert!(sign.ends_with("%3D") && !sign.contains('+'), "{sign}");
    // No mention without a recipient.
    robot.send(&msg("k2", "", BODY)).await.unwrap();
    assert!(fake.robot_messages()[1].at_user_ids.is_empty());
}

#[tokio::test]
async fn markdown_with_a_title() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::with_keywords(&["通知"])).await;
    let robot = robot(&fake, &clock)
        .markdown("党费通知")
        .keywords(["通知"])
        .build()
        .unwrap();
    // The keyword is in the title only: DingTalk and the adapter accept it.
    robot.send(&msg("k1", "liming", BODY)).await.unwrap();
    let posted = &fake.robot_messages()[0];
    assert_eq!(posted.msgtype, "markdown");
    assert_eq!(posted.title.as_deref(), Some("党费通知"));
    assert_eq!(posted.content, BODY);
    // A subject replaces the title.
    robot
        .send(&msg("k2", "liming", "请交纳").subject("重要通知"))
        .await
        .unwrap();
    assert_eq!(fake.robot_messages()[1].title.as_deref(), Some("重要通知"));
}

#[tokio::test]
async fn a_stale_timestamp_is_refused_as_a_bad_signature() {
    let server_clock = clock();
    let fake = fake::start(server_clock.clone(), Setup::default()).await;
    // The adapter's clock is 61 minutes behind DingTalk's.
    let ours = Arc::new(FixedClock::new(server_clock.now() - Span::minutes(61)));
    let robot = robot(&fake, &ours).build().unwrap();
    let reason = permanent(robot.send(&msg("k1", "liming", BODY)).await);
    assert!(
        reason.contains("310000") && reason.contains("sign not match"),
        "{reason}"
    );
    assert_eq!(fake.rejections()[0].code, 310000);
    assert!(fake.robot_messages().is_empty());
    // 59 minutes behind is within the hour.
    ours.set(server_clock.now() - Span::minutes(59));
    robot.send(&msg("k1", "liming", BODY)).await.unwrap();
    // A wrong secret (well-formed) fails the same check.
    let other = DingTalkRobot::builder(ROBOT_TOKEN, "SECsomeothersecret")
        .base_url(fake.uri())
        .clock(server_clock.clone())
        .build()
        .unwrap();
    let reason = permanent(other.send(&msg("k2", "liming", BODY)).await);
    assert!(reason.contains("sign not match"), "{reason}");
}

#[tokio::test]
async fn keywords() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::with_keywords(&["党费"])).await;
    // Not told about the keywords: DingTalk's own 310000.
    let blind = robot(&fake, &clock).build().unwrap();
    let reason = permanent(blind.send(&msg("k1", "liming", "开会了")).await);
    assert!(reason.contains("keywords not in content"), "{reason}");
    // Told: refused before sending.
    let robot = robot(&fake, &clock)
        .keywords(["党费", "支部"])
        .build()
        .unwrap();
    let before = fake.total_requests();
    let reason = permanent(robot.send(&msg("k2", "liming", "开会了")).await);
    assert!(reason.contains("keywords"), "{reason}");
    assert_eq!(
        fake.total_requests(),
        before,
        "no request for a text without a keyword"
    );
    robot.send(&msg("k3", "liming", BODY)).await.unwrap();
    assert_eq!(fake.robot_messages().len(), 1);
}

#[tokio::test]
async fn twenty_a_minute() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let robot = robot(&fake, &clock).build().unwrap();
    for i in 0..20 {
        robot
            .send(&msg(&format!("k{i}"), "liming", BODY))
            .await
            .unwrap();
        advance(&clock, 1);
    }
    let after = retryable(robot.send(&msg("k20", "liming", BODY)).await);
    assert_eq!(after, Some(Span::seconds(60)));
    assert_eq!(fake.rejections()[0].code, 130101);
    // The minute slides: 41 s later the first has left the window.
    advance(&clock, 41);
    robot.send(&msg("k20", "liming", BODY)).await.unwrap();
    assert_eq!(fake.robot_messages().len(), 21);
}

#[tokio::test]
async fn the_older_ten_minute_lock() {
    let clock = clock();
    let setup = Setup {
        robot_lock: Some(Span::minutes(10)),
        ..Setup::default()
    };
    let fake = fake::start(clock.clone(), setup).await;
    let robot = robot(&fake, &clock)
        .throttle(DingTalkRobot::OLD_THROTTLE)
        .build()
        .unwrap();
    for i in 0..20 {
        robot
            .send(&msg(&format!("k{i}"), "liming", BODY))
            .await
            .unwrap();
    }
    let after = retryable(robot.send(&msg("k20", "liming", BODY)).await);
    assert_eq!(after, Some(Span::minutes(10)));
    advance(&clock, 61);
    assert_eq!(
        retryable(robot.send(&msg("k20", "liming", BODY)).await),
        Some(Span::minutes(10))
    );
    advance(&clock, 540);
    robot.send(&msg("k20", "liming", BODY)).await.unwrap();
}

#[tokio::test]
async fn every_robot_answer() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let robot = robot(&fake, &clock).build().unwrap();
    let m = msg("k", "liming", BODY);
    for code in [310000, 300001, 300005, 400101, 400102, 88_888] {
        fake.answer_next(Api::RobotSend, Answer::Code(code), 1);
        let reason = permanent(robot.send(&m).await);
        assert!(reason.contains(&code.to_string()), "{reason}");
    }
    for code in [130101, 410100] {
        fake.answer_next(Api::RobotSend, Answer::Code(code), 1);
        assert_eq!(retryable(robot.send(&m).await), Some(Span::seconds(60)));
    }
    fake.answer_next(Api::RobotSend, Answer::Code(-1), 1);
    assert_eq!(retryable(robot.send(&m).await), None);
    // The gateway's statuses.
    fake.answer_next(Api::RobotSend, Answer::Status(429), 1);
    retryable(robot.send(&m).await);
    fake.answer_next(Api::RobotSend, Answer::Status(503), 1);
    retryable(robot.send(&m).await);
    fake.answer_next(Api::RobotSend, Answer::Status(500), 1);
    unknown(robot.send(&m).await);
    fake.answer_next(Api::RobotSend, Answer::Status(404), 1);
    permanent(robot.send(&m).await);
    assert!(fake.robot_messages().is_empty());
    // The fake's own answers: an unknown token, a stopped robot.
    let stranger = DingTalkRobot::builder("no-such-token", ROBOT_SECRET)
        .base_url(fake.uri())
        .clock(clock.clone())
        .build()
        .unwrap();
    assert!(permanent(stranger.send(&m).await).contains("300001"));
    fake.stop_robot(ROBOT_TOKEN);
    assert!(permanent(robot.send(&m).await).contains("400102"));
    // Secrets and tokens are never in a reason.
    for r in fake.rejections() {
        assert!(!r.errmsg.contains(ROBOT_SECRET));
    }
}

#[tokio::test]
async fn a_robot_timeout_is_unknown() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let robot = robot(&fake, &clock)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    fake.answer_next(Api::RobotSend, Answer::Slow(Duration::from_secs(3)), 1);
    let reason = unknown(robot.send(&msg("k1", "liming", BODY)).await);
    assert!(!reason.contains(ROBOT_TOKEN), "{reason}");
    // It went: the fake posted it.
    assert_eq!(fake.robot_messages().len(), 1);
}

#[tokio::test]
async fn robot_bad_input_is_refused_before_any_request() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    for secret in [
        "",
        "test0123456789",
        "SEC",
        "SEC 0123",
        "SEC密钥0123",
        "sec0123456789",
    ] {
        let e = DingTalkRobot::builder(ROBOT_TOKEN, secret)
            .base_url(fake.uri())
            .build()
            .unwrap_err();
        assert!(
            matches!(
                e,
                ChannelConfigError::BadCredential {
                    channel: Channel::DingTalk,
                    ..
                }
            ),
            "{secret:?}: {e:?}"
        );
        if secret.len() > 3 {
            assert!(!e.to_string().contains(secret), "{e}");
        }
    }
    for token in ["", "a b", "令牌"] {
        let e = DingTalkRobot::builder(token, ROBOT_SECRET)
            .build()
            .unwrap_err();
        assert!(
            matches!(e, ChannelConfigError::BadCredential { .. }),
            "{e:?}"
        );
    }
    let e = DingTalkRobot::builder(ROBOT_TOKEN, ROBOT_SECRET)
        .base_url("http://oapi.dingtalk.com")
        .build()
        .unwrap_err();
    assert!(matches!(e, ChannelConfigError::BadUrl { .. }), "{e:?}");
    let e = DingTalkRobot::builder(ROBOT_TOKEN, ROBOT_SECRET)
        .keywords([" "])
        .build()
        .unwrap_err();
    assert!(matches!(e, ChannelConfigError::Invalid(..)), "{e:?}");
    // A body over 2048 bytes.
    let robot = robot(&fake, &clock).build().unwrap();
    let long = "党".repeat(683); // 2049 bytes
    let reason = permanent(robot.send(&msg("k1", "liming", &long)).await);
    assert!(reason.contains("2049"), "{reason}");
    let fits = "党".repeat(682) + "ab"; // 2048 bytes
    assert_eq!(fits.len(), 2048);
    assert_eq!(fake.total_requests(), 0, "no request for bad input");
    robot.send(&msg("k2", "liming", &fits)).await.unwrap();
}

#[test]
fn robot_limits() {
    let robot = DingTalkRobot::builder(ROBOT_TOKEN, ROBOT_SECRET)
        .build()
        .unwrap();
    let limits = robot.limits(&msg("k", "liming", BODY));
    assert_eq!(limits.len(), 1);
    let name = &limits[0].name;
    assert!(name.starts_with("dingtalk.robot:"), "{name}");
    assert_eq!(name.len(), "dingtalk.robot:".len() + 16);
    assert!(!name.contains(ROBOT_TOKEN) && !name.contains(ROBOT_SECRET));
    assert!(limits[0].name_ok());
    assert_eq!(limits[0].windows, [Window::per_minute(20)]);
    // The same robot, however many recipients: one key.
    assert_eq!(robot.limits(&msg("k", "zhangsan", "x")), limits);
    assert!(!format!("{robot:?}").contains(ROBOT_SECRET));
}

// --------------------------------------------------------- work notices

#[tokio::test]
async fn the_token_is_fetched_once_for_many_sends() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = notice(&fake, &clock).build().unwrap();
    assert_eq!(fake.requests(Api::GetToken), 0, "building fetches nothing");
    for i in 0..10 {
        let a = notice
            .send(&msg(&format!("k{i}"), &format!("u{i}"), BODY))
            .await
            .unwrap();
        assert!(a.channel_id.is_some());
        advance(&clock, 60);
    }
    assert_eq!(fake.requests(Api::GetToken), 1);
    assert_eq!(fake.requests(Api::AsyncSend), 10);
    assert!(fake.rejections().is_empty());
}

#[tokio::test]
async fn concurrent_sends_share_one_fetch() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = Arc::new(notice(&fake, &clock).build().unwrap());
    let mut set = tokio::task::JoinSet::new();
    for i in 0..16 {
        let n = Arc::clone(&notice);
        set.spawn(async move { n.send(&msg(&format!("k{i}"), &format!("u{i}"), BODY)).await });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap().unwrap();
    }
    assert_eq!(fake.requests(Api::GetToken), 1);
    assert_eq!(fake.deliveries().len(), 16);
}

#[tokio::test]
async fn an_expired_token_is_replaced() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = notice(&fake, &clock).build().unwrap();
    notice.send(&msg("k1", "u1", BODY)).await.unwrap();
    // Past its 7200 s on the shared clock: the adapter fetches anew
    // before DingTalk has to say so.
    advance(&clock, 7_200);
    notice.send(&msg("k2", "u2", BODY)).await.unwrap();
    assert_eq!(fake.requests(Api::GetToken), 2);
    assert_eq!(fake.tokens_issued(), 2);
    assert!(fake.rejections().is_empty());
    // Expired early on DingTalk's side: 42001, one refresh, sent again.
    fake.expire_tokens();
    notice.send(&msg("k3", "u3", BODY)).await.unwrap();
    let codes: Vec<i64> = fake.rejections().iter().map(|r| r.code).collect();
    assert_eq!(codes, [42001]);
    assert_eq!(fake.requests(Api::GetToken), 3);
    assert_eq!(fake.requests(Api::AsyncSend), 4);
    assert_eq!(fake.deliveries().len(), 3);
}

#[tokio::test]
async fn a_revoked_token_is_refreshed_once() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = notice(&fake, &clock).build().unwrap();
    notice.send(&msg("k1", "u1", BODY)).await.unwrap();
    fake.revoke_tokens();
    notice.send(&msg("k2", "u2", BODY)).await.unwrap();
    let codes: Vec<i64> = fake.rejections().iter().map(|r| r.code).collect();
    assert_eq!(codes, [40014]);
    assert_eq!(fake.requests(Api::GetToken), 2);
    // The fresh token is kept.
    notice.send(&msg("k3", "u3", BODY)).await.unwrap();
    assert_eq!(fake.requests(Api::GetToken), 2);
    // Refused again right after a refresh: no loop, retry later.
    fake.answer_next(Api::AsyncSend, Answer::Code(42001), 2);
    assert_eq!(retryable(notice.send(&msg("k4", "u4", BODY)).await), None);
    assert_eq!(fake.requests(Api::GetToken), 3);
    assert_eq!(fake.requests(Api::AsyncSend), 3 + 1 + 2);
}

#[tokio::test]
async fn a_refused_app_secret_is_permanent() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let refused = DingTalkWorkNotice::builder(APP_KEY, "wrong-secret", AGENT_ID)
        .base_url(fake.uri())
        .clock(clock.clone())
        .build()
        .unwrap();
    let reason = permanent(refused.send(&msg("k1", "u1", BODY)).await);
    assert!(
        reason.contains("gettoken") && !reason.contains("wrong-secret"),
        "{reason}"
    );
    assert_eq!(fake.requests(Api::AsyncSend), 0);
    // A busy gettoken is retryable; a broken connection too (nothing sent).
    let good = notice(&fake, &clock).build().unwrap();
    fake.answer_next(Api::GetToken, Answer::Code(-1), 1);
    retryable(good.send(&msg("k1", "u1", BODY)).await);
    fake.answer_next(Api::GetToken, Answer::Status(500), 1);
    retryable(good.send(&msg("k1", "u1", BODY)).await);
    assert_eq!(fake.requests(Api::AsyncSend), 0);
}

#[tokio::test]
async fn notice_configuration_is_checked() {
    for (key, secret) in [
        ("", APP_SECRET),
        (APP_KEY, ""),
        ("key with space", APP_SECRET),
        (APP_KEY, "密钥"),
    ] {
        let e = DingTalkWorkNotice::builder(key, secret, AGENT_ID)
            .build()
            .unwrap_err();
        assert!(
            matches!(e, ChannelConfigError::BadCredential { .. }),
            "{e:?}"
        );
        if !secret.is_empty() {
            assert!(!e.to_string().contains(secret));
        }
    }
    let e = DingTalkWorkNotice::builder(APP_KEY, APP_SECRET, 0)
        .build()
        .unwrap_err();
    assert!(matches!(e, ChannelConfigError::Invalid(..)), "{e:?}");
    let e = DingTalkWorkNotice::builder(APP_KEY, APP_SECRET, AGENT_ID)
        .base_url("ftp://127.0.0.1")
        .build()
        .unwrap_err();
    assert!(matches!(e, ChannelConfigError::BadUrl { .. }), "{e:?}");
    let n = DingTalkWorkNotice::builder(APP_KEY, APP_SECRET, AGENT_ID)
        .build()
        .unwrap();
    assert!(!format!("{n:?}").contains(APP_SECRET));
}

#[tokio::test]
async fn two_hundred_fifty_messages_are_three_calls() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = notice(&fake, &clock).build().unwrap();
    assert_eq!(notice.batch_size(), 100);
    let messages: Vec<_> = (0..250)
        .map(|i| msg(&format!("k{i}"), &format!("user{i:03}"), BODY))
        .collect();
    let results = notice.send_batch(&messages).await;
    assert_eq!(results.len(), 250);
    let calls = fake.calls();
    let sizes: Vec<usize> = calls.iter().map(|c| c.userids.len()).collect();
    assert_eq!(sizes, [100, 100, 50]);
    assert_eq!(calls[0].userids[0], "user000");
    assert_eq!(calls[2].userids[49], "user249");
    // Every message carries its call's task id.
    for (i, r) in results.iter().enumerate() {
        let task = r.as_ref().unwrap().channel_id.clone().unwrap();
        assert_eq!(task, calls[i / 100].task_id.to_string());
    }
    assert_eq!(fake.deliveries().len(), 250);
}

#[tokio::test]
async fn batches_group_by_text_and_keep_each_answer() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = notice(&fake, &clock).build().unwrap();
    let messages = vec![
        msg("k0", "a", "甲"),
        msg("k1", "b", "乙"),
        msg("k2", "c", "甲"),
        msg("k3", "bad,id", "甲"), // refused alone, before sending
        msg("k4", "a", "甲"),      // a again: a call of its own
        msg("k5", "d", &"x".repeat(2_049)),
        msg("k6", "e", "乙"),
    ];
    let results = notice.send_batch(&messages).await;
    let calls = fake.calls();
    let lists: Vec<(Vec<String>, String)> = calls
        .iter()
        .map(|c| (c.userids.clone(), c.content.clone()))
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        lists,
        [
            (s(&["a", "c"]), "甲".to_owned()),
            (s(&["b", "e"]), "乙".to_owned()),
            (s(&["a"]), "甲".to_owned()),
        ]
    );
    let task = |i: usize| results[i].as_ref().unwrap().channel_id.clone().unwrap();
    assert_eq!(task(0), calls[0].task_id.to_string());
    assert_eq!(task(2), calls[0].task_id.to_string());
    assert_eq!(task(1), calls[1].task_id.to_string());
    assert_eq!(task(6), calls[1].task_id.to_string());
    assert_eq!(task(4), calls[2].task_id.to_string());
    permanent(results[3].clone());
    permanent(results[5].clone());
    // A failing call fails its own messages only.
    fake.answer_next(Api::AsyncSend, Answer::Code(143103), 1);
    let results = notice
        .send_batch(&[msg("k7", "f", "丙"), msg("k8", "g", "丁")])
        .await;
    assert_eq!(retryable(results[0].clone()), Some(Span::seconds(60)));
    assert!(results[1].is_ok());
}

#[tokio::test]
async fn send_results_by_member() {
    let clock = clock();
    let setup = Setup {
        unknown_users: vec!["ghost".into()],
        ..Setup::default()
    };
    let fake = fake::start(clock.clone(), setup).await;
    let notice = notice(&fake, &clock).build().unwrap();
    assert!(notice.reports_receipts());
    let messages = [
        msg("k1", "liming", BODY),
        msg("k2", "zhangsan", BODY),
        msg("k3", "ghost", BODY),
    ];
    let results = notice.send_batch(&messages).await;
    let task = results[0].as_ref().unwrap().channel_id.clone().unwrap();
    assert!(fake.read("liming", &task));
    let status = |i: usize| notice.status(&messages[i], Some(&task));
    assert!(matches!(
        status(0).await.unwrap(),
        Some(ChannelStatus::Read { .. })
    ));
    assert!(matches!(
        status(1).await.unwrap(),
        Some(ChannelStatus::Delivered { .. })
    ));
    let Some(ChannelStatus::NotDelivered { reason }) = status(2).await.unwrap() else {
        panic!()
    };
    assert!(reason.contains("invalid"), "{reason}");
    // Not in the task, or no task id: nothing to say.
    assert_eq!(
        notice
            .status(&msg("k9", "wangwu", BODY), Some(&task))
            .await
            .unwrap(),
        None
    );
    assert_eq!(notice.status(&messages[0], None).await.unwrap(), None);
    // Three members, one request.
    assert_eq!(fake.requests(Api::GetSendResult), 1);
    // Past the cache's 30 s, asked again: zhangsan has read it meanwhile.
    assert!(fake.read("zhangsan", &task));
    advance(&clock, 31);
    assert!(matches!(
        status(1).await.unwrap(),
        Some(ChannelStatus::Read { .. })
    ));
    assert_eq!(fake.requests(Api::GetSendResult), 2);
    // Errors of getsendresult.
    advance(&clock, 31);
    fake.answer_next(Api::GetSendResult, Answer::Code(-1), 1);
    retryable(status(0).await);
    advance(&clock, 31);
    fake.answer_next(Api::GetSendResult, Answer::Code(88_888), 1);
    permanent(status(0).await);
    fake.answer_next(Api::GetSendResult, Answer::Status(500), 1);
    retryable(status(0).await);
}

#[tokio::test]
async fn the_same_content_twice_a_day_is_dropped_and_shows() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = notice(&fake, &clock).build().unwrap();
    let first = msg("k1", "liming", BODY);
    let again = msg("k2", "liming", BODY);
    let a = notice.send(&first).await.unwrap();
    // DingTalk answers success to the repeat and drops it.
    let b = notice.send(&again).await.unwrap();
    assert_ne!(a.channel_id, b.channel_id);
    let drops = fake.drops();
    assert_eq!(drops.len(), 1);
    assert_eq!(
        (drops[0].userid.as_str(), drops[0].code),
        ("liming", 143106)
    );
    assert_eq!(fake.deliveries().len(), 1);
    // The send result makes the drop visible.
    let first_status = notice
        .status(&first, a.channel_id.as_deref())
        .await
        .unwrap();
    assert!(matches!(
        first_status,
        Some(ChannelStatus::Delivered { .. })
    ));
    let Some(ChannelStatus::NotDelivered { reason }) = notice
        .status(&again, b.channel_id.as_deref())
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(reason.contains("forbidden"), "{reason}");
    // The limits name that content for that member: one a day.
    let limits = notice.limits(&again);
    assert_eq!(limits[1].windows, [Window::per_day(1)]);
    assert_eq!(limits, notice.limits(&first));
    // Tomorrow (China time) it is delivered again.
    clock.advance_days(1);
    notice.send(&msg("k3", "liming", BODY)).await.unwrap();
    assert_eq!(fake.deliveries().len(), 2);
}

#[tokio::test]
async fn past_five_hundred_a_day_is_dropped_and_shows() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = notice(&fake, &clock).build().unwrap();
    for i in 0..500 {
        notice
            .send(&msg(&format!("k{i}"), "liming", &format!("第{i}条")))
            .await
            .unwrap();
    }
    let over = msg("k500", "liming", "第500条");
    let a = notice.send(&over).await.unwrap();
    assert_eq!(fake.deliveries().len(), 500);
    assert_eq!(fake.drops()[0].code, 143105);
    let status = notice.status(&over, a.channel_id.as_deref()).await.unwrap();
    assert!(
        matches!(status, Some(ChannelStatus::NotDelivered { .. })),
        "{status:?}"
    );
    assert_eq!(notice.limits(&over)[0].windows, [Window::per_day(500)]);
}

#[tokio::test]
async fn every_notice_answer() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = notice(&fake, &clock).build().unwrap();
    let m = msg("k", "liming", BODY);
    assert!(!notice.deduplicates());
    for code in [143103, 143104] {
        fake.answer_next(Api::AsyncSend, Answer::Code(code), 1);
        assert_eq!(retryable(notice.send(&m).await), Some(Span::seconds(60)));
    }
    fake.answer_next(Api::AsyncSend, Answer::Code(-1), 1);
    assert_eq!(retryable(notice.send(&m).await), None);
    for code in [143105, 143106, 40089, 88_888] {
        fake.answer_next(Api::AsyncSend, Answer::Code(code), 1);
        let reason = permanent(notice.send(&m).await);
        assert!(reason.contains(&code.to_string()), "{reason}");
    }
    fake.answer_next(Api::AsyncSend, Answer::Status(429), 1);
    retryable(notice.send(&m).await);
    fake.answer_next(Api::AsyncSend, Answer::Status(502), 1);
    retryable(notice.send(&m).await);
    fake.answer_next(Api::AsyncSend, Answer::Status(500), 1);
    unknown(notice.send(&m).await);
    fake.answer_next(Api::AsyncSend, Answer::Status(400), 1);
    permanent(notice.send(&m).await);
    assert!(fake.deliveries().is_empty());
    // The fake's own refusal of a malformed request is permanent too.
    let wrong_agent = DingTalkWorkNotice::builder(APP_KEY, APP_SECRET, 42)
        .base_url(fake.uri())
        .clock(clock.clone())
        .build()
        .unwrap();
    permanent(wrong_agent.send(&m).await);
    notice.send(&m).await.unwrap();
}

#[tokio::test]
async fn a_notice_timeout_is_unknown() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = notice(&fake, &clock)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    // The token comes quickly; the send is answered too late.
    fake.answer_next(Api::AsyncSend, Answer::Slow(Duration::from_secs(3)), 1);
    let reason = unknown(notice.send(&msg("k1", "liming", BODY)).await);
    assert!(!reason.contains("fake-token"), "{reason}");
    assert_eq!(fake.deliveries().len(), 1, "it went");
}

#[tokio::test]
async fn notice_bad_input_is_refused_before_any_request() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = notice(&fake, &clock).build().unwrap();
    let long = "党".repeat(683);
    let reason = permanent(notice.send(&msg("k1", "liming", &long)).await);
    assert!(reason.contains("2049"), "{reason}");
    for to in ["", "a,b", "a b", "a\n"] {
        permanent(notice.send(&msg("k2", to, BODY)).await);
    }
    let results = notice
        .send_batch(&[msg("k3", "", BODY), msg("k4", "x", &long)])
        .await;
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(SendError::Permanent { .. })))
    );
    assert_eq!(fake.total_requests(), 0, "not even a token was fetched");
}

#[tokio::test]
async fn markdown_notices() {
    let clock = clock();
    let fake = fake::start(clock.clone(), Setup::default()).await;
    let notice = notice(&fake, &clock).markdown("党费通知").build().unwrap();
    notice
        .send(&msg("k1", "liming", "**请交纳**"))
        .await
        .unwrap();
    let call = &fake.calls()[0];
    assert_eq!(
        (call.msgtype.as_str(), call.content.as_str()),
        ("markdown", "**请交纳**")
    );
}

#[test]
fn notice_limits() {
    let n = DingTalkWorkNotice::builder(APP_KEY, APP_SECRET, AGENT_ID)
        .build()
        .unwrap();
    let limits = n.limits(&msg("k", "liming", BODY));
    assert_eq!(limits.len(), 2);
    assert_eq!(limits[0].name, format!("dingtalk.notice:{AGENT_ID}:liming"));
    assert_eq!(limits[0].windows, [Window::per_day(500)]);
    let (head, hash) = limits[1].name.rsplit_once(':').unwrap();
    assert_eq!(head, limits[0].name);
    assert_eq!(hash.len(), 16);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(limits[1].windows, [Window::per_day(1)]);
    // Another text, another content key; the member key stays.
    let other = n.limits(&msg("k", "liming", "另一条"));
    assert_eq!(other[0], limits[0]);
    assert_ne!(other[1], limits[1]);
    // A user id that is not printable ASCII is hashed into a valid name.
    for l in n.limits(&msg("k", "李 明", BODY)) {
        assert!(l.name_ok(), "{}", l.name);
        assert!(!l.name.contains("李"));
    }
    for l in &limits {
        assert!(l.name_ok() && !l.name.contains(APP_SECRET));
    }
}
