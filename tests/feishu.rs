//! The Feishu adapters (`FeishuBot`, `FeishuApp`) against the local fake
//! of the Feishu open platform (`tests/fakes/feishu.rs`): the bot's
//! signature verifies for any secret and time, every answer maps as
//! documented, the tenant token is cached and renewed, the `uuid`
//! dedupes a retry, and bad input fails before any request.

mod fakes;

use chrono::{Duration, TimeZone, Utc};
use dangjian::adapters::{
    ChannelConfigError, FeishuApp, FeishuAppConfig, FeishuBot, FeishuBotConfig, FeishuReceiveIdType,
};
use dangjian::clock::{Clock, FixedClock};
use dangjian::notify::{Accepted, Channel, Notifier, OutgoingMessage, SendError, Window};
use fakes::feishu::{self as fake, Fake};
use proptest::prelude::*;
use std::sync::Arc;

const OPEN_ID: &str = "ou_7d8a6e6df7621556ce0d21922b676706";

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2024, 6, 3, 1, 0, 0).unwrap(),
    ))
}

fn advance_ms(clock: &FixedClock, millis: i64) {
    clock.set(clock.now() + Duration::milliseconds(millis));
}

fn msg(key: &str, to: &str, body: &str) -> OutgoingMessage {
    OutgoingMessage::new(key, Channel::Feishu, to, "王五", body)
}

async fn setup() -> (Arc<FixedClock>, Fake) {
    let clock = clock();
    let fake = fake::start(clock.clone()).await;
    (clock, fake)
}

fn bot(fake: &Fake, clock: &Arc<FixedClock>) -> FeishuBot {
    FeishuBot::new(
        FeishuBotConfig::new(fake::BOT_TOKEN, fake::BOT_SECRET)
            .base_url(fake.uri())
            .clock(clock.clone()),
    )
    .unwrap()
}

fn app_config(fake: &Fake, clock: &Arc<FixedClock>) -> FeishuAppConfig {
    FeishuAppConfig::new(fake::APP_ID, fake::APP_SECRET)
        .base_url(fake.uri())
        .clock(clock.clone())
}

fn app(fake: &Fake, clock: &Arc<FixedClock>) -> FeishuApp {
    FeishuApp::new(app_config(fake, clock)).unwrap()
}

/// A plain client for talking to the fake directly (reqwest is built
/// without a default TLS provider; this one uses ring).
fn raw_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn permanent(r: Result<Accepted, SendError>) -> String {
    match r {
        Err(SendError::Permanent { reason, .. }) => reason,
        other => panic!("expected Permanent, got {other:?}"),
    }
}

fn retryable(r: Result<Accepted, SendError>) -> (String, Option<Duration>) {
    match r {
        Err(SendError::Retryable {
            reason,
            retry_after,
            ..
        }) => (reason, retry_after),
        other => panic!("expected Retryable, got {other:?}"),
    }
}

// ------------------------------------------------------------------ bot

#[tokio::test]
async fn bot_sends_signed_and_mentions_the_member() {
    let (clock, fake) = setup().await;
    let bot = bot(&fake, &clock);
    assert_eq!(bot.channel(), Channel::Feishu);
    assert!(!bot.deduplicates());
    bot.send(&msg("k1", OPEN_ID, "请于本周五前提交思想汇报。"))
        .await
        .unwrap();
    let posts = fake.bot_posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].text,
        format!("<at user_id=\"{OPEN_ID}\">王五</at> 请于本周五前提交思想汇报。")
    );
    assert_eq!(posts[0].timestamp, clock.now().timestamp());
    // `all` mentions everyone; an empty address no one.
    bot.send(&msg("k2", "all", "全体")).await.unwrap();
    bot.send(&msg("k3", "", "无人")).await.unwrap();
    let posts = fake.bot_posts();
    assert!(posts[1].text.starts_with("<at user_id=\"all\">"));
    assert_eq!(posts[2].text, "无人");
}

#[tokio::test]
async fn bot_with_another_secret_is_refused_19021_permanent() {
    let (clock, fake) = setup().await;
    let bot = FeishuBot::new(
        FeishuBotConfig::new(fake::BOT_TOKEN, "another-secret")
            .base_url(fake.uri())
            .clock(clock.clone()),
    )
    .unwrap();
    let reason = permanent(bot.send(&msg("k", OPEN_ID, "x")).await);
    assert!(reason.contains("19021"), "{reason}");
    assert!(fake.bot_posts().is_empty());
}

#[tokio::test]
async fn bot_timestamp_more_than_an_hour_off_is_refused_19021() {
    let (clock, fake) = setup().await;
    for (skew, accepted) in [(3600, true), (-3600, true), (3601, false), (-3601, false)] {
        let own = Arc::new(FixedClock::new(clock.now() + Duration::seconds(skew)));
        let bot = FeishuBot::new(
            FeishuBotConfig::new(fake::BOT_TOKEN, fake::BOT_SECRET)
                .base_url(fake.uri())
                .clock(own),
        )
        .unwrap();
        let r = bot.send(&msg("k", OPEN_ID, "x")).await;
        if accepted {
            r.unwrap();
        } else {
            assert!(permanent(r).contains("19021"), "skew {skew}");
        }
        clock.set(clock.now() + Duration::seconds(1)); // keep under 5 a second
    }
    assert_eq!(fake.bot_posts().len(), 2);
}

#[tokio::test]
async fn bot_over_5_a_second_or_100_a_minute_is_11232_retryable() {
    let (clock, fake) = setup().await;
    let bot = bot(&fake, &clock);
    for i in 0..5 {
        bot.send(&msg(&format!("k{i}"), OPEN_ID, "x"))
            .await
            .unwrap();
    }
    let (reason, _) = retryable(bot.send(&msg("k5", OPEN_ID, "x")).await);
    assert!(reason.contains("11232"), "{reason}");
    advance_ms(&clock, 1000);
    // 5 a second for 20 seconds: 100 in the minute (5 sent already).
    for i in 0..95 {
        bot.send(&msg(&format!("m{i}"), OPEN_ID, "x"))
            .await
            .unwrap();
        if i % 5 == 4 {
            advance_ms(&clock, 1000);
        }
    }
    assert_eq!(fake.bot_posts().len(), 100);
    assert!(
        retryable(bot.send(&msg("over", OPEN_ID, "x")).await)
            .0
            .contains("11232")
    );
    // The first five leave the minute 60 s after they were sent.
    advance_ms(&clock, 60_000 - 20_000);
    bot.send(&msg("later", OPEN_ID, "x")).await.unwrap();
}

#[tokio::test]
async fn bot_body_over_20_kb_is_permanent_before_any_request() {
    let (clock, fake) = setup().await;
    let bot = bot(&fake, &clock);
    let reason = permanent(bot.send(&msg("k", OPEN_ID, &"党".repeat(7000))).await);
    assert!(reason.contains("20480"), "{reason}");
    permanent(bot.send(&msg("k", "ou x<", "x")).await);
    assert_eq!(fake.requests(), 0);
    // Just under: accepted by the fake, which counts the same bytes.
    bot.send(&msg("k", "", &"a".repeat(20_000))).await.unwrap();
}

#[tokio::test]
async fn the_fake_bot_answers_9499_for_bad_json_and_over_20_kb() {
    let (_clock, fake) = setup().await;
    let http = raw_client();
    let url = format!("{}/open-apis/bot/v2/hook/{}", fake.uri(), fake::BOT_TOKEN);
    for body in ["{not json".to_owned(), "a".repeat(20 * 1024 + 1)] {
        let v: serde_json::Value = http
            .post(&url)
            .body(body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["code"], 9499);
    }
}

#[tokio::test]
async fn bot_answers_map_as_documented() {
    let (clock, fake) = setup().await;
    let bot = bot(&fake, &clock);
    for code in [19021, 19022, 19024, 9499, 19001] {
        fake.fail_bot_next(1, code);
        let reason = permanent(bot.send(&msg("k", OPEN_ID, "x")).await);
        assert!(reason.contains(&code.to_string()), "{reason}");
    }
    fake.fail_bot_next(1, 11232);
    retryable(bot.send(&msg("k", OPEN_ID, "x")).await);
    assert!(fake.bot_posts().is_empty());
}

#[tokio::test]
async fn bot_timeout_is_unknown() {
    let (clock, fake) = setup().await;
    let bot = FeishuBot::new(
        FeishuBotConfig::new(fake::BOT_TOKEN, fake::BOT_SECRET)
            .base_url(fake.uri())
            .clock(clock.clone())
            .timeout(std::time::Duration::from_millis(200)),
    )
    .unwrap();
    fake.delay_next(1, std::time::Duration::from_secs(2));
    match bot.send(&msg("k", OPEN_ID, "x")).await {
        Err(SendError::Unknown { reason, .. }) => {
            assert!(!reason.contains(fake::BOT_TOKEN), "{reason}")
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
}

#[test]
fn bot_credentials_are_validated_and_never_repeated() {
    let cases = [
        ("", fake::BOT_SECRET),
        (
            "https://open.feishu.cn/open-apis/bot/v2/hook/2a7c8f4e-1b3d",
            fake::BOT_SECRET,
        ),
        (fake::BOT_TOKEN, ""),
        (fake::BOT_TOKEN, "has a space"),
        (fake::BOT_TOKEN, "换行\n"),
    ];
    for (token, secret) in cases {
        let Err(e) = FeishuBot::new(FeishuBotConfig::new(token, secret)) else {
            panic!("{token:?} / {secret:?} accepted")
        };
        assert!(
            matches!(e, ChannelConfigError::BadCredential { .. }),
            "{e:?}"
        );
        let shown = e.to_string();
        assert!(
            !shown.contains("2a7c8f4e") && !shown.contains("has a space"),
            "{shown}"
        );
    }
    let debug = format!(
        "{:?}",
        FeishuBotConfig::new(fake::BOT_TOKEN, fake::BOT_SECRET)
    );
    assert!(!debug.contains(fake::BOT_SECRET) && !debug.contains(fake::BOT_TOKEN));
}

#[test]
fn bot_limits_are_5_a_second_and_100_a_minute_per_bot() {
    let bot = FeishuBot::new(FeishuBotConfig::new(fake::BOT_TOKEN, fake::BOT_SECRET)).unwrap();
    let limits = bot.limits(&msg("k", OPEN_ID, "x"));
    assert_eq!(limits.len(), 1);
    assert!(limits[0].name.starts_with("feishu.bot:"));
    assert!(!limits[0].name.contains(fake::BOT_TOKEN));
    assert!(limits[0].name_ok());
    assert_eq!(
        limits[0].windows,
        [Window::per_second(5), Window::per_minute(100)]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// For any secret and any time, the adapter's signature verifies in
    /// the fake (which computes it on its own), and another secret's
    /// does not.
    #[test]
    fn the_bot_signature_verifies_for_any_secret_and_time(
        secret in "[!-~]{1,64}",
        other in "[!-~]{1,64}",
        ts in 1_000_000_000i64..4_000_000_000,
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let clock = Arc::new(FixedClock::new(Utc.timestamp_opt(ts, 0).unwrap()));
            let fake = fake::start(clock.clone()).await;
            let token = "0b9f3c2e-5d4a-4c1b-8e7f-6a5b4c3d2e1f";
            fake.add_bot(token, &secret);
            let bot = FeishuBot::new(
                FeishuBotConfig::new(token, secret.clone()).base_url(fake.uri()).clock(clock.clone()),
            ).unwrap();
            prop_assert!(bot.send(&msg("k", OPEN_ID, "x")).await.is_ok());
            prop_assert_eq!(fake.bot_posts()[0].timestamp, ts);
            if other != secret {
                let wrong = FeishuBot::new(
                    FeishuBotConfig::new(token, other.clone()).base_url(fake.uri()).clock(clock),
                ).unwrap();
                let r = wrong.send(&msg("k", OPEN_ID, "x")).await;
                prop_assert!(
                    matches!(&r, Err(SendError::Permanent { reason, .. }) if reason.contains("19021")),
                    "{:?}", r
                );
            }
            Ok(())
        })?;
    }
}

#[test]
fn the_fake_checks_the_official_vector() {
    assert_eq!(
        fake::expected_sign(1_599_360_473, "demo"),
        "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="
    );
}

// ------------------------------------------------------------------ app

#[tokio::test]
async fn app_sends_text_with_a_string_content_and_a_uuid_under_one_token() {
    let (clock, fake) = setup().await;
    let app = Arc::new(app(&fake, &clock));
    assert!(app.deduplicates());
    let ok = app
        .send(&msg(
            "dues/2024-06/wangwu",
            OPEN_ID,
            "王五同志：请交纳6月党费。",
        ))
        .await
        .unwrap();
    let d = &fake.deliveries()[0];
    assert_eq!(ok.channel_id.as_deref(), Some(d.message_id.as_str()));
    assert_eq!(d.receive_id_type, "open_id");
    assert_eq!(d.receive_id, OPEN_ID);
    assert_eq!(d.text, "王五同志：请交纳6月党费。");
    let uuid = d.uuid.clone().unwrap();
    assert!(!uuid.is_empty() && uuid.len() <= 50, "{uuid}");
    assert!(!uuid.contains("wangwu"), "a hash, not the key");
    // Many sends, some concurrent, under the one token.
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..10 {
        let app = app.clone();
        tasks.spawn(async move {
            app.send(&msg(&format!("c{i}"), &format!("ou_{i}"), "并发"))
                .await
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap().unwrap();
    }
    assert_eq!(fake.token_calls(), 1);
    assert_eq!(fake.deliveries().len(), 11);
}

#[tokio::test]
async fn app_concurrent_first_sends_fetch_the_token_once() {
    let (clock, fake) = setup().await;
    let app = Arc::new(app(&fake, &clock));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let app = app.clone();
        tasks.spawn(async move {
            app.send(&msg(&format!("c{i}"), &format!("ou_{i}"), "首次"))
                .await
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap().unwrap();
    }
    assert_eq!(fake.token_calls(), 1, "single-flight");
}

#[tokio::test]
async fn app_renews_the_token_with_30_minutes_left() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    app.send(&msg("k1", OPEN_ID, "一")).await.unwrap();
    clock.set(clock.now() + Duration::seconds(fake::TOKEN_SECONDS - 1800 - 1));
    app.send(&msg("k2", OPEN_ID, "二")).await.unwrap();
    assert_eq!(fake.token_calls(), 1, "more than 30 minutes left");
    clock.set(clock.now() + Duration::seconds(2));
    app.send(&msg("k3", OPEN_ID, "三")).await.unwrap();
    app.send(&msg("k4", "ou_other", "四")).await.unwrap();
    assert_eq!(fake.token_calls(), 2);
    assert_eq!(fake.tokens_issued(), 2, "a new token, not the old again");
    let d = fake.deliveries();
    assert_eq!(d[0].token, d[1].token);
    assert_ne!(d[1].token, d[2].token);
    assert_eq!(d[2].token, d[3].token);
    assert!(fake.rejections().is_empty(), "{:?}", fake.rejections());
}

#[tokio::test]
async fn app_stale_token_99991663_is_refreshed_once_then_sent() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    app.send(&msg("k1", OPEN_ID, "一")).await.unwrap();
    fake.revoke();
    app.send(&msg("k2", OPEN_ID, "二")).await.unwrap();
    assert_eq!(fake.token_calls(), 2);
    assert_eq!(fake.message_calls(), 3);
    let codes: Vec<i64> = fake.rejections().iter().map(|r| r.code).collect();
    assert_eq!(codes, [99991663]);
    assert_eq!(fake.deliveries().len(), 2);
}

#[tokio::test]
async fn app_repeated_99991663_is_not_a_refresh_loop() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    fake.fail_next(10, 400, 99991663);
    let (reason, _) = retryable(app.send(&msg("k", OPEN_ID, "x")).await);
    assert!(reason.contains("99991663"), "{reason}");
    assert_eq!(fake.token_calls(), 2, "one refresh");
    assert_eq!(fake.message_calls(), 2, "one more try");
}

#[tokio::test]
async fn app_over_5_a_second_to_one_user_is_400_230020_retryable() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    for i in 0..5 {
        app.send(&msg(&format!("k{i}"), OPEN_ID, "x"))
            .await
            .unwrap();
    }
    let (reason, after) = retryable(app.send(&msg("k5", OPEN_ID, "x")).await);
    assert!(reason.contains("230020"), "{reason}");
    assert_eq!(after, Some(Duration::seconds(1)));
    // Another user is not limited; the same one is a second later.
    app.send(&msg("o", "ou_other", "x")).await.unwrap();
    advance_ms(&clock, 1000);
    app.send(&msg("k5", OPEN_ID, "x")).await.unwrap();
    assert_eq!(fake.deliveries().len(), 7);
}

#[tokio::test]
async fn app_gateway_429_is_retryable_after_the_reset_header() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    fake.gateway_limit_next(1, 7);
    let (reason, after) = retryable(app.send(&msg("k", OPEN_ID, "x")).await);
    assert!(reason.contains("99991400"), "{reason}");
    assert_eq!(after, Some(Duration::seconds(7)));
    // A 429 whatever its code.
    fake.fail_next(1, 429, 12345);
    assert_eq!(
        retryable(app.send(&msg("k", OPEN_ID, "x")).await).1,
        Some(Duration::seconds(1))
    );
    app.send(&msg("k", OPEN_ID, "x")).await.unwrap();
}

#[tokio::test]
async fn app_over_50_a_second_is_refused_by_the_fake_gateway() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    for i in 0..50 {
        app.send(&msg(&format!("k{i}"), &format!("ou_{i}"), "x"))
            .await
            .unwrap();
    }
    let (_, after) = retryable(app.send(&msg("k50", "ou_50", "x")).await);
    assert_eq!(after, Some(Duration::seconds(1)));
}

#[tokio::test]
async fn app_answers_map_as_documented() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    let m = msg("k", OPEN_ID, "x");
    for code in [
        230001, 230002, 230006, 230013, 230022, 230025, 230028, 99992402,
    ] {
        fake.fail_next(1, 400, code);
        let reason = permanent(app.send(&m).await);
        assert!(reason.contains(&code.to_string()), "{reason}");
    }
    fake.fail_next(1, 400, 230020);
    retryable(app.send(&m).await);
    // Feishu's own trouble: the uuid makes another try safe.
    fake.fail_next(1, 500, 1500);
    retryable(app.send(&m).await);
    assert!(fake.deliveries().is_empty());
    app.send(&m).await.unwrap();
}

#[tokio::test]
async fn app_user_out_of_scope_is_230013_permanent() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    fake.out_of_scope(["ou_outsider"]);
    assert!(permanent(app.send(&msg("k", "ou_outsider", "x")).await).contains("230013"));
}

#[tokio::test]
async fn app_retry_with_the_same_key_is_delivered_once() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    let m = msg("notice/7/ou_7d8a", OPEN_ID, "会议通知");
    let first = app.send(&m).await.unwrap();
    let again = app.send(&m).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(fake.deliveries().len(), 1);
    assert_eq!(fake.deduplicated(), 1);
    // Another key with the same text is another message.
    app.send(&msg("notice/8/ou_7d8a", OPEN_ID, "会议通知"))
        .await
        .unwrap();
    assert_eq!(fake.deliveries().len(), 2);
}

#[tokio::test]
async fn app_timeout_is_retryable_since_the_uuid_dedupes() {
    let (clock, fake) = setup().await;
    let app =
        FeishuApp::new(app_config(&fake, &clock).timeout(std::time::Duration::from_millis(300)))
            .unwrap();
    app.send(&msg("warm", OPEN_ID, "x")).await.unwrap();
    fake.delay_next(1, std::time::Duration::from_secs(2));
    let (reason, _) = retryable(app.send(&msg("k", OPEN_ID, "x")).await);
    assert!(!reason.contains("t-fake"), "{reason}");
}

#[tokio::test]
async fn the_fake_app_refuses_content_that_is_not_a_string() {
    let (_clock, fake) = setup().await;
    let http = raw_client();
    let token: serde_json::Value = http
        .post(format!(
            "{}/open-apis/auth/v3/tenant_access_token/internal",
            fake.uri()
        ))
        .json(&serde_json::json!({ "app_id": fake::APP_ID, "app_secret": fake::APP_SECRET }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["tenant_access_token"].as_str().unwrap();
    let response = http
        .post(format!(
            "{}/open-apis/im/v1/messages?receive_id_type=open_id",
            fake.uri()
        ))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "receive_id": OPEN_ID, "msg_type": "text", "content": { "text": "x" },
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let v: serde_json::Value = response.json().await.unwrap();
    assert_eq!(v["code"], 230001);
}

#[tokio::test]
async fn app_addresses_by_email_when_configured() {
    let (clock, fake) = setup().await;
    let app = FeishuApp::new(app_config(&fake, &clock).receive_id_type(FeishuReceiveIdType::Email))
        .unwrap();
    app.send(&msg("k", "wangwu@example.com", "x"))
        .await
        .unwrap();
    let d = &fake.deliveries()[0];
    assert_eq!(
        (d.receive_id_type.as_str(), d.receive_id.as_str()),
        ("email", "wangwu@example.com")
    );
    let before = fake.requests();
    permanent(app.send(&msg("k", OPEN_ID, "x")).await);
    assert_eq!(fake.requests(), before);
}

#[tokio::test]
async fn app_bad_input_is_a_typed_error_before_any_request() {
    let (clock, fake) = setup().await;
    let app = app(&fake, &clock);
    let reason = permanent(app.send(&msg("k", OPEN_ID, &"a".repeat(150 * 1024))).await);
    assert!(reason.contains("153600"), "{reason}");
    for bad in ["", "ou x", "ou_\"x", "王五"] {
        permanent(app.send(&msg("k", bad, "x")).await);
    }
    assert_eq!(fake.requests(), 0, "not even the token");
    app.send(&msg("k", OPEN_ID, &"a".repeat(150 * 1024 - 200)))
        .await
        .unwrap();
}

#[tokio::test]
async fn app_token_errors_map_and_send_nothing() {
    let (clock, fake) = setup().await;
    let wrong = FeishuApp::new(
        FeishuAppConfig::new(fake::APP_ID, "WrongSecret0000")
            .base_url(fake.uri())
            .clock(clock.clone()),
    )
    .unwrap();
    let reason = permanent(wrong.send(&msg("k", OPEN_ID, "x")).await);
    assert!(reason.contains("10014"), "{reason}");
    assert!(!reason.contains("WrongSecret"));
    let app = app(&fake, &clock);
    fake.fail_token_next(1, 99991400);
    retryable(app.send(&msg("k", OPEN_ID, "x")).await);
    assert_eq!(fake.message_calls(), 0);
    app.send(&msg("k", OPEN_ID, "x")).await.unwrap();
}

#[test]
fn app_credentials_are_validated_and_never_repeated() {
    for (id, secret) in [
        ("", fake::APP_SECRET),
        ("cli a1", fake::APP_SECRET),
        (fake::APP_ID, ""),
        (fake::APP_ID, "secret/with+slash"),
    ] {
        let Err(e) = FeishuApp::new(FeishuAppConfig::new(id, secret)) else {
            panic!("{id:?} / {secret:?} accepted")
        };
        assert!(
            matches!(e, ChannelConfigError::BadCredential { .. }),
            "{e:?}"
        );
        assert!(!e.to_string().contains("with+slash"));
    }
    let e =
        FeishuApp::new(FeishuAppConfig::new(fake::APP_ID, fake::APP_SECRET).base_url("ftp://x"))
            .unwrap_err();
    assert!(matches!(e, ChannelConfigError::BadUrl { .. }));
    let debug = format!("{:?}", FeishuAppConfig::new(fake::APP_ID, fake::APP_SECRET));
    assert!(!debug.contains(fake::APP_SECRET));
}

#[test]
fn app_limits_are_per_receiver_and_per_app() {
    let app = FeishuApp::new(FeishuAppConfig::new(fake::APP_ID, fake::APP_SECRET)).unwrap();
    assert_eq!(app.batch_size(), 1);
    let limits = app.limits(&msg("k", OPEN_ID, "x"));
    assert_eq!(limits.len(), 2);
    assert_eq!(
        limits[0].name,
        format!("feishu.app:{}:{OPEN_ID}", fake::APP_ID)
    );
    assert_eq!(limits[0].windows, [Window::per_second(5)]);
    assert_eq!(limits[1].name, format!("feishu.app:{}", fake::APP_ID));
    assert_eq!(
        limits[1].windows,
        [Window::per_second(50), Window::per_minute(1000)]
    );
    assert!(limits.iter().all(|k| k.name_ok()));
    assert!(app.limits(&msg("k", "王 五", "x"))[0].name_ok());
}
