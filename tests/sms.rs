//! The SMS gateways (feature `sms`) against the local fake of both
//! providers (`tests/fakes/sms.rs`): signing (the providers' published
//! vectors), splitting at the providers' maxima, per-number results,
//! flow control, whole-call errors, bad signatures, timeouts, and the
//! checks made before anything is sent.

#[path = "fakes/sms.rs"]
mod fake;

use chrono::{Duration, TimeZone, Utc};
use dangjian::adapters::{
    AliyunSms, AliyunSmsConfig, ChannelConfigError, SigningRequest, TencentSms, TencentSmsConfig,
    acs3_signature, tc3_signature,
};
use dangjian::clock::{Clock, FixedClock};
use dangjian::notify::{
    Accepted, Channel, Event, EventKind, Notifier, NotifyError, OutgoingMessage, ProviderTemplate,
    SendError, SmsGateway, SmsNotifier, SmsRecipient, SmsRequest, TemplateError, TemplateSet,
    param_carries_url,
};
use fake::{Provider, SmsFake};
use proptest::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap(),
    ))
}

fn advance(clock: &FixedClock, seconds: i64) {
    clock.set(clock.now() + Duration::seconds(seconds));
}

/// A counter as the nonce source: a new nonce for every request of the
/// test binary (the fake refuses a nonce used twice).
fn counter() -> impl Fn() -> String + Send + Sync + 'static {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    || format!("nonce-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn aliyun_config(fake: &SmsFake, clock: &Arc<FixedClock>) -> AliyunSmsConfig {
    AliyunSmsConfig::new(fake::ALIYUN_KEY_ID, fake::ALIYUN_SECRET, "【党建测试】")
        .base_url(fake.url())
        .clock(Arc::clone(clock) as Arc<dyn Clock>)
        .nonce(counter())
        .timeout(std::time::Duration::from_secs(5))
}

fn tencent_config(fake: &SmsFake, clock: &Arc<FixedClock>) -> TencentSmsConfig {
    TencentSmsConfig::new(
        fake::TENCENT_SECRET_ID,
        fake::TENCENT_SECRET_KEY,
        fake::TENCENT_APP_ID,
        fake::SIGN_NAME,
        "ap-guangzhou",
    )
    .base_url(fake.url())
    .clock(Arc::clone(clock) as Arc<dyn Clock>)
    .timeout(std::time::Duration::from_secs(5))
}

fn aliyun(fake: &SmsFake, clock: &Arc<FixedClock>) -> SmsNotifier<AliyunSms> {
    SmsNotifier::new(AliyunSms::new(aliyun_config(fake, clock)).unwrap())
}

fn tencent(fake: &SmsFake, clock: &Arc<FixedClock>) -> SmsNotifier<TencentSms> {
    SmsNotifier::new(TencentSms::new(tencent_config(fake, clock)).unwrap())
}

fn number(i: usize) -> String {
    format!("139{i:08}")
}

fn e164(i: usize) -> String {
    format!("+86{}", number(i))
}

fn msg(i: usize, to: &str, code: &str, params: &[(&str, &str)]) -> OutgoingMessage {
    OutgoingMessage::new(format!("key/{i}"), Channel::Sms, to, "张三", "张三同志：……")
        .provider_template(ProviderTemplate {
            code: code.to_owned(),
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        })
}

fn retry_after(r: &Result<Accepted, SendError>) -> Option<Option<Duration>> {
    match r {
        Err(SendError::Retryable { retry_after, .. }) => Some(*retry_after),
        _ => None,
    }
}

fn permanent_with(r: &Result<Accepted, SendError>, code: &str) -> bool {
    matches!(r, Err(SendError::Permanent { reason, .. }) if reason.contains(code))
}

#[test]
fn the_providers_signing_vectors() {
    // Aliyun's V3 signature page: ECS RunInstances.
    let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let headers = [
        ("host", "ecs.cn-shanghai.aliyuncs.com"),
        ("x-acs-action", "RunInstances"),
        ("x-acs-version", "2014-05-26"),
        ("x-acs-date", "2023-10-26T10:22:32Z"),
        ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
        ("x-acs-content-sha256", empty),
    ];
    let query = [
        (
            "ImageId",
            "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
        ),
        ("RegionId", "cn-shanghai"),
    ];
    let aliyun = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";
    let s = acs3_signature(
        "YourAccessKeyId",
        "YourAccessKeySecret",
        &SigningRequest {
            method: "POST",
            path: "/",
            query: &query,
            headers: &headers,
            payload: b"",
        },
    );
    assert_eq!(s.signature, aliyun);
    // The fake's own implementation agrees.
    let owned = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert_eq!(
        fake::aliyun_signature(
            "YourAccessKeySecret",
            "POST",
            "/",
            &owned(&query),
            &owned(&headers),
            empty
        ),
        aliyun
    );

    // Tencent's signature v3 page: CVM DescribeInstances.
    let body =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    let headers = [
        ("content-type", "application/json; charset=utf-8"),
        ("host", "cvm.tencentcloudapi.com"),
    ];
    let tencent = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";
    let s = tc3_signature(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        "cvm",
        1_551_113_065,
        &SigningRequest {
            method: "POST",
            path: "/",
            query: &[],
            headers: &headers,
            payload: body.as_bytes(),
        },
    );
    assert_eq!(s.signature, tencent);
    assert_eq!(
        s.authorization,
        format!(
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature={tencent}"
        )
    );
    assert_eq!(
        fake::tencent_signature(
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            "cvm",
            1_551_113_065,
            "POST",
            "/",
            "",
            &owned(&headers),
            body.as_bytes()
        ),
        tencent
    );
}

#[tokio::test]
async fn aliyun_sends_one_message_under_the_signature_without_brackets() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;
    let sms = aliyun(&fake, &clock);
    let m = msg(
        0,
        "138-0013-8000",
        "SMS_0001",
        &[("name", "张三"), ("owed", "90.00元")],
    );
    let accepted = sms.send(&m).await.unwrap();
    let got = fake.accepted();
    assert_eq!(got.len(), 1);
    let d = &got[0];
    assert_eq!(d.provider, Provider::Aliyun);
    assert_eq!(d.action, "SendSms");
    assert_eq!(d.number, "13800138000");
    assert_eq!(d.template, "SMS_0001");
    assert_eq!(d.sign, fake::SIGN_NAME);
    assert_eq!(
        d.params,
        [
            ("name".to_owned(), "张三".to_owned()),
            ("owed".to_owned(), "90.00元".to_owned())
        ]
    );
    assert_eq!(accepted.channel_id.as_deref(), Some(d.id.as_str()));
    assert!(!sms.deduplicates());
    assert_eq!(sms.channel(), Channel::Sms);
    assert!(sms.batch_size() >= 1_000);
}

#[tokio::test]
async fn aliyun_splits_2500_numbers_into_three_send_sms_calls() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;
    let sms = aliyun(&fake, &clock);
    let ms: Vec<_> = (0..2500)
        .map(|i| msg(i, &number(i), "SMS_0002", &[("month", "2024年6月")]))
        .collect();
    let out = sms.send_batch(&ms).await;
    assert!(out.iter().all(Result::is_ok));
    let calls = fake.calls();
    let shape: Vec<_> = calls
        .iter()
        .map(|c| (c.action.as_str(), c.numbers, c.code.as_str()))
        .collect();
    assert_eq!(
        shape,
        [
            ("SendSms", 1000, "OK"),
            ("SendSms", 1000, "OK"),
            ("SendSms", 500, "OK")
        ]
    );
    assert_eq!(fake.accepted().len(), 2500);
    // Each message carries the BizId of its own call.
    let first = out[0].as_ref().unwrap().channel_id.clone();
    let last = out[2499].as_ref().unwrap().channel_id.clone();
    assert_ne!(first, last);
    assert_eq!(fake.accepted_for(&number(2499))[0].id, last.unwrap());
}

#[tokio::test]
async fn aliyun_sends_250_different_parameters_as_three_send_batch_sms_calls() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;
    let sms = aliyun(&fake, &clock);
    let names: Vec<String> = (0..250).map(|i| format!("同志{i}")).collect();
    let ms: Vec<_> = (0..250)
        .map(|i| msg(i, &number(i), "SMS_0003", &[("name", &names[i])]))
        .collect();
    let out = sms.send_batch(&ms).await;
    assert!(out.iter().all(Result::is_ok), "{out:?}");
    let shape: Vec<_> = fake
        .calls()
        .iter()
        .map(|c| (c.action.clone(), c.numbers))
        .collect();
    assert_eq!(
        shape,
        [
            ("SendBatchSms".to_owned(), 100),
            ("SendBatchSms".to_owned(), 100),
            ("SendBatchSms".to_owned(), 50)
        ]
    );
    for (i, name) in names.iter().enumerate() {
        let d = fake.accepted_for(&number(i));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].params, [("name".to_owned(), name.clone())]);
        assert_eq!(d[0].sign, fake::SIGN_NAME);
    }
}

#[tokio::test]
async fn tencent_splits_450_numbers_into_three_calls_in_e164() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;
    let sms = tencent(&fake, &clock);
    let ms: Vec<_> = (0..450)
        .map(|i| {
            msg(
                i,
                &number(i),
                "1234567",
                &[("name", "同志"), ("month", "6月")],
            )
        })
        .collect();
    let out = sms.send_batch(&ms).await;
    assert!(out.iter().all(Result::is_ok));
    let sizes: Vec<_> = fake.calls().iter().map(|c| c.numbers).collect();
    assert_eq!(sizes, [200, 200, 50]);
    let d = fake.accepted_for(&e164(449));
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].params,
        [
            ("1".to_owned(), "同志".to_owned()),
            ("2".to_owned(), "6月".to_owned())
        ]
    );
    // Each message has its own serial number.
    assert_eq!(
        out[449].as_ref().unwrap().channel_id.as_deref(),
        Some(d[0].id.as_str())
    );
    // Different parameters: one call each (Tencent has no per-number call).
    let ms: Vec<_> = (500..503)
        .map(|i| msg(i, &number(i), "1234567", &[("name", &format!("同志{i}"))]))
        .collect();
    assert!(sms.send_batch(&ms).await.iter().all(Result::is_ok));
    assert_eq!(fake.calls().len(), 6);
    // Domestic and foreign numbers never share a call.
    let mixed = [
        msg(600, &number(600), "1234567", &[]),
        msg(601, "+85291234567", "1234567", &[]),
    ];
    assert!(sms.send_batch(&mixed).await.iter().all(Result::is_ok));
    assert_eq!(fake.calls().len(), 8);
    assert_eq!(fake.accepted_for("+85291234567").len(), 1);
}

#[tokio::test]
async fn a_tencent_batch_fails_only_the_numbers_that_failed() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;
    let sms = tencent(&fake, &clock);
    fake.tencent_fail(&e164(1), "InvalidParameterValue.IncorrectPhoneNumber");
    fake.tencent_fail(&e164(2), "LimitExceeded.PhoneNumberDailyLimit");
    fake.tencent_fail(&e164(3), "LimitExceeded.PhoneNumberOneHourLimit");
    // Number 4 had a message 10 seconds ago: its 30-second limit.
    sms.send(&msg(99, &number(4), "1234567", &[("m", "5月")]))
        .await
        .unwrap();
    advance(&clock, 10);
    let ms: Vec<_> = (0..6)
        .map(|i| msg(i, &number(i), "1234567", &[("m", "6月")]))
        .collect();
    let out = sms.send_batch(&ms).await;
    let calls = fake.calls();
    assert_eq!(calls.len(), 2, "one call for the six");
    assert!(out[0].is_ok() && out[5].is_ok());
    assert!(permanent_with(
        &out[1],
        "InvalidParameterValue.IncorrectPhoneNumber"
    ));
    assert!(permanent_with(
        &out[2],
        "LimitExceeded.PhoneNumberDailyLimit"
    ));
    assert_eq!(retry_after(&out[3]), Some(Some(Duration::hours(1))));
    assert_eq!(retry_after(&out[4]), Some(Some(Duration::seconds(30))));
    assert!(
        matches!(&out[4], Err(SendError::Retryable { reason, .. }) if reason.contains("ThirtySecondLimit"))
    );
    // Only the two that went were recorded.
    let went: Vec<_> = fake
        .accepted()
        .iter()
        .filter(|d| d.params == [("1".to_owned(), "6月".to_owned())])
        .map(|d| d.number.clone())
        .collect();
    assert_eq!(went, [e164(0), e164(5)]);
}

#[tokio::test]
async fn flow_control_backs_off_per_number_and_a_retry_is_sent_again() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;

    // Aliyun: the number sent to a second ago is over its minute.
    let sms = aliyun(&fake, &clock);
    let a = number(1);
    sms.send(&msg(0, &a, "SMS_0004", &[("m", "6月")]))
        .await
        .unwrap();
    advance(&clock, 1);
    let mut ms = vec![msg(1, &a, "SMS_0004", &[("m", "6月")])];
    ms.extend((10..160).map(|i| msg(i, &number(i), "SMS_0004", &[("m", "7月")])));
    let out = sms.send_batch(&ms).await;
    assert_eq!(retry_after(&out[0]), Some(Some(Duration::seconds(60))));
    assert!(out[1..].iter().all(Result::is_ok));
    assert_eq!(fake.accepted_for(&a).len(), 1);
    assert!(
        fake.calls()
            .iter()
            .any(|c| c.code == "isv.BUSINESS_LIMIT_CONTROL" && c.numbers == 1)
    );
    // After the minute the retry goes, and the fake counts it again:
    // sending is not idempotent.
    advance(&clock, 60);
    assert!(sms.send(&ms[0]).await.is_ok());
    assert_eq!(fake.accepted_for(&a).len(), 2);
    // The dispatcher keeps to the limit first: 50 a day per template.
    let keys = sms.limits(&ms[0]);
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, format!("sms.aliyun:SMS_0004:+86{a}"));
    assert_eq!(keys[0].windows, [dangjian::notify::Window::per_day(50)]);

    // Tencent: per number in one call.
    let sms = tencent(&fake, &clock);
    sms.send(&msg(200, &number(200), "7654321", &[]))
        .await
        .unwrap();
    advance(&clock, 5);
    let ms: Vec<_> = (200..203)
        .map(|i| msg(i, &number(i), "7654321", &[]))
        .collect();
    let out = sms.send_batch(&ms).await;
    assert_eq!(retry_after(&out[0]), Some(Some(Duration::seconds(30))));
    assert!(out[1].is_ok() && out[2].is_ok());
    advance(&clock, 30);
    assert!(sms.send(&ms[0]).await.is_ok());
    assert_eq!(fake.accepted_for(&e164(200)).len(), 2);
    let keys = sms.limits(&ms[0]);
    assert_eq!(keys[0].name, format!("sms.tencent:{}", e164(200)));
    assert_eq!(keys[0].windows.len(), 3);
}

#[tokio::test]
async fn a_wrong_secret_or_key_or_clock_is_permanent() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;
    let m = msg(0, &number(0), "SMS_0005", &[]);

    let wrong = AliyunSmsConfig::new(fake::ALIYUN_KEY_ID, "not-the-secret-0000", fake::SIGN_NAME)
        .base_url(fake.url())
        .clock(Arc::clone(&clock) as Arc<dyn Clock>);
    let sms = SmsNotifier::new(AliyunSms::new(wrong).unwrap());
    assert!(permanent_with(&sms.send(&m).await, "SignatureDoesNotMatch"));
    let unknown = AliyunSmsConfig::new("LTAI5tSomeoneElse", fake::ALIYUN_SECRET, fake::SIGN_NAME)
        .base_url(fake.url())
        .clock(Arc::clone(&clock) as Arc<dyn Clock>);
    let sms = SmsNotifier::new(AliyunSms::new(unknown).unwrap());
    assert!(permanent_with(
        &sms.send(&m).await,
        "InvalidAccessKeyId.NotFound"
    ));

    let tm = msg(0, &number(0), "1234567", &[]);
    let wrong = TencentSmsConfig::new(
        fake::TENCENT_SECRET_ID,
        "not-the-secret-key-0000",
        fake::TENCENT_APP_ID,
        fake::SIGN_NAME,
        "ap-guangzhou",
    )
    .base_url(fake.url())
    .clock(Arc::clone(&clock) as Arc<dyn Clock>);
    let sms = SmsNotifier::new(TencentSms::new(wrong).unwrap());
    assert!(permanent_with(
        &sms.send(&tm).await,
        "AuthFailure.SignatureFailure"
    ));

    // A clock twenty minutes slow.
    let slow: Arc<dyn Clock> = Arc::new(FixedClock::new(clock.now() - Duration::minutes(20)));
    let sms = SmsNotifier::new(
        TencentSms::new(tencent_config(&fake, &clock).clock(slow.clone())).unwrap(),
    );
    assert!(permanent_with(
        &sms.send(&tm).await,
        "AuthFailure.SignatureExpire"
    ));
    let sms = SmsNotifier::new(AliyunSms::new(aliyun_config(&fake, &clock).clock(slow)).unwrap());
    assert!(permanent_with(
        &sms.send(&m).await,
        "InvalidTimeStamp.Expired"
    ));

    // A nonce source that repeats itself.
    let sms = SmsNotifier::new(
        AliyunSms::new(aliyun_config(&fake, &clock).nonce(|| "same".to_owned())).unwrap(),
    );
    assert!(sms.send(&m).await.is_ok());
    let again = msg(1, &number(1), "SMS_0005", &[]);
    assert!(permanent_with(
        &sms.send(&again).await,
        "SignatureNonceUsed"
    ));

    assert_eq!(fake.accepted().len(), 1);
}

#[tokio::test]
async fn a_link_in_a_parameter_is_refused_before_any_request() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;
    let links = [
        "详见 https://dj.example.org/x",
        "登录www.12371.cn",
        "见 dj.example.cn/a",
        "a.cn",
    ];
    let ali = aliyun(&fake, &clock);
    let ten = tencent(&fake, &clock);
    for (i, link) in links.iter().enumerate() {
        let m = msg(
            i,
            &number(i),
            "SMS_0006",
            &[("name", "张三"), ("info", link)],
        );
        let r = ali.send(&m).await;
        assert!(
            matches!(&r, Err(SendError::Permanent { reason, .. }) if reason.contains("`info`") && reason.contains("link")),
            "{r:?}"
        );
        let m = msg(i, &number(i), "1234567", &[("info", link)]);
        assert!(matches!(
            ten.send(&m).await,
            Err(SendError::Permanent { .. })
        ));
    }
    // The gateways check a request of their own too.
    let request = SmsRequest::Single {
        template: "SMS_0006".into(),
        params: vec![("info".into(), "www.x.cn".into())],
        numbers: vec![e164(1)],
    };
    assert!(matches!(
        ali.gateway().send(&request).await,
        Err(SendError::Permanent { .. })
    ));
    assert!(fake.calls().is_empty(), "the fake saw a request");

    // When the message is planned: the rendering refuses it.
    let mut set = TemplateSet::defaults();
    set.map_sms(
        EventKind::StructureFinding,
        "SMS_0007",
        &["name", "finding"],
    )
    .unwrap();
    let e = Event::StructureFinding {
        org: dangjian::OrgId::new(4),
        finding: "请登录dj.gov.cn查看".into(),
        month: "2024-06".parse().unwrap(),
    };
    let err = set.render(&e, Channel::Sms, "李四").unwrap_err();
    assert!(matches!(&err, TemplateError::LinkInSms { variable } if variable == "finding"));
    assert!(matches!(
        NotifyError::from(err),
        NotifyError::Template(TemplateError::LinkInSms { .. })
    ));
    // Not a link: a decimal amount.
    let fine = Event::StructureFinding {
        org: dangjian::OrgId::new(4),
        finding: "欠缴12.50元".into(),
        month: "2024-06".parse().unwrap(),
    };
    assert!(set.render(&fine, Channel::Sms, "李四").is_ok());
}

#[tokio::test]
async fn other_bad_input_is_refused_before_any_request() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;
    let ali = aliyun(&fake, &clock);
    let ten = tencent(&fake, &clock);
    // Not a mobile number; no provider template; a Tencent template that is not an id.
    assert!(matches!(
        ali.send(&msg(0, "010-12345678", "SMS_1", &[])).await,
        Err(SendError::Permanent { .. })
    ));
    let free_text = OutgoingMessage::new("k", Channel::Sms, number(1), "张三", "正文");
    assert!(matches!(
        ali.send(&free_text).await,
        Err(SendError::Permanent { .. })
    ));
    assert!(matches!(
        ten.send(&msg(0, &number(0), "SMS_1", &[])).await,
        Err(SendError::Permanent { .. })
    ));
    // More numbers than a call takes, given to the gateway directly.
    let single = |n: usize, template: &str| SmsRequest::Single {
        template: template.into(),
        params: vec![],
        numbers: (0..n).map(e164).collect(),
    };
    for (gateway, request) in [
        (ali.gateway() as &dyn SmsGateway, single(1001, "SMS_1")),
        (ten.gateway() as &dyn SmsGateway, single(201, "1234567")),
        (
            ali.gateway() as &dyn SmsGateway,
            SmsRequest::Batch {
                template: "SMS_1".into(),
                recipients: (0..101)
                    .map(|i| SmsRecipient::new(e164(i), vec![]))
                    .collect(),
            },
        ),
        (
            ten.gateway() as &dyn SmsGateway,
            SmsRequest::Batch {
                template: "1234567".into(),
                recipients: vec![SmsRecipient::new(e164(1), vec![])],
            },
        ),
    ] {
        assert!(matches!(
            gateway.send(&request).await,
            Err(SendError::Permanent { .. })
        ));
    }
    assert!(fake.calls().is_empty(), "the fake saw a request");
}

#[tokio::test]
async fn the_fake_caps_recipients_like_the_providers() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let host = fake.url().trim_start_matches("http://").to_owned();
    let date = clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let post = |headers: Vec<(String, String)>, body: Vec<u8>| {
        let mut r = client.post(format!("{}/", fake.url())).body(body);
        for (k, v) in headers {
            r = r.header(k, v);
        }
        r
    };
    let numbers: Vec<String> = (0..1001).map(number).collect();
    let form = |pairs: &[(&str, String)]| -> String {
        pairs
            .iter()
            .map(|(k, v)| format!("{}={}", fake::rfc3986(k), fake::rfc3986(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    let body = form(&[
        ("PhoneNumbers", numbers.join(",")),
        ("SignName", fake::SIGN_NAME.to_owned()),
        ("TemplateCode", "SMS_1".to_owned()),
    ]);
    let answer: serde_json::Value = post(
        fake::aliyun_headers(&host, "SendSms", &date, "n1", &body),
        body.into_bytes(),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(answer["Code"], "isv.MOBILE_COUNT_OVER_LIMIT");
    let json = |v: &[String]| serde_json::to_string(v).unwrap();
    let hundred_one = &numbers[..101];
    let body = form(&[
        ("PhoneNumberJson", json(hundred_one)),
        ("SignNameJson", json(&vec![fake::SIGN_NAME.to_owned(); 101])),
        ("TemplateCode", "SMS_1".to_owned()),
        ("TemplateParamJson", "[]".to_owned()),
    ]);
    let answer: serde_json::Value = post(
        fake::aliyun_headers(&host, "SendBatchSms", &date, "n2", &body),
        body.into_bytes(),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(answer["Code"], "isv.MOBILE_COUNT_OVER_LIMIT");
    let body = serde_json::to_vec(&serde_json::json!({
        "PhoneNumberSet": (0..201).map(e164).collect::<Vec<_>>(),
        "SmsSdkAppId": fake::TENCENT_APP_ID,
        "SignName": fake::SIGN_NAME,
        "TemplateId": "1234567",
    }))
    .unwrap();
    let answer: serde_json::Value = post(
        fake::tencent_headers(&host, clock.now().timestamp(), &body),
        body,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        answer["Response"]["Error"]["Code"],
        "LimitExceeded.PhoneNumberCountLimit"
    );
    assert!(fake.accepted().is_empty());
    assert_eq!(fake.calls().len(), 3);
}

#[tokio::test]
async fn whole_call_errors_reach_every_number_of_the_call() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;
    let ten = tencent(&fake, &clock);
    let batch = |from: usize, template: &str| -> Vec<OutgoingMessage> {
        (from..from + 3)
            .map(|i| msg(i, &number(i), template, &[("m", "6月")]))
            .collect()
    };
    let all_retryable = |out: &[Result<Accepted, SendError>]| {
        out.iter()
            .all(|r| matches!(r, Err(SendError::Retryable { .. })))
    };
    let all_permanent = |out: &[Result<Accepted, SendError>], code: &str| {
        out.iter().all(|r| permanent_with(r, code))
    };

    // Tencent.
    fake.fail_next(Provider::Tencent, "InternalError");
    assert!(all_retryable(&ten.send_batch(&batch(0, "1234567")).await));
    fake.fail_next(Provider::Tencent, "LimitExceeded.DeliveryFrequencyLimit");
    assert!(all_retryable(&ten.send_batch(&batch(10, "1234567")).await));
    fake.fail_next(Provider::Tencent, "AuthFailure.UnauthorizedOperation");
    assert!(all_permanent(
        &ten.send_batch(&batch(20, "1234567")).await,
        "AuthFailure.UnauthorizedOperation"
    ));
    fake.reject_template("7777777");
    assert!(all_permanent(
        &ten.send_batch(&batch(30, "7777777")).await,
        "FailedOperation.TemplateIncorrectOrUnapproved"
    ));
    let unsigned = SmsNotifier::new(
        TencentSms::new(
            TencentSmsConfig::new(
                fake::TENCENT_SECRET_ID,
                fake::TENCENT_SECRET_KEY,
                fake::TENCENT_APP_ID,
                "未审批签名",
                "ap-guangzhou",
            )
            .base_url(fake.url())
            .clock(Arc::clone(&clock) as Arc<dyn Clock>),
        )
        .unwrap(),
    );
    assert!(all_permanent(
        &unsigned.send_batch(&batch(40, "1234567")).await,
        "FailedOperation.SignatureIncorrectOrUnapproved"
    ));

    // Aliyun.
    let ali = aliyun(&fake, &clock);
    fake.fail_next(Provider::Aliyun, "isv.SYSTEM_ERROR");
    assert!(all_retryable(
        &ali.send_batch(&batch(100, "SMS_0008")).await
    ));
    fake.fail_next(Provider::Aliyun, "Throttling.User");
    assert!(all_retryable(
        &ali.send_batch(&batch(110, "SMS_0008")).await
    ));
    fake.reject_template("SMS_0009");
    assert!(all_permanent(
        &ali.send_batch(&batch(120, "SMS_0009")).await,
        "isv.SMS_TEMPLATE_ILLEGAL"
    ));
    let unsigned = SmsNotifier::new(
        AliyunSms::new(
            AliyunSmsConfig::new(fake::ALIYUN_KEY_ID, fake::ALIYUN_SECRET, "未审批签名")
                .base_url(fake.url())
                .clock(Arc::clone(&clock) as Arc<dyn Clock>),
        )
        .unwrap(),
    );
    assert!(all_permanent(
        &unsigned.send_batch(&batch(130, "SMS_0008")).await,
        "isv.SMS_SIGNATURE_ILLEGAL"
    ));
    // The day's quota of a template to a number: permanent, not retried.
    fake.aliyun_per_minute(10);
    fake.aliyun_per_day(1);
    assert!(
        ali.send(&msg(140, &number(140), "SMS_0010", &[]))
            .await
            .is_ok()
    );
    advance(&clock, 120);
    assert!(permanent_with(
        &ali.send(&msg(141, &number(140), "SMS_0010", &[])).await,
        "isv.DAY_LIMIT_CONTROL"
    ));
    // The balance.
    fake.balance(2);
    assert!(all_permanent(
        &ali.send_batch(&batch(150, "SMS_0008")).await,
        "isv.AMOUNT_NOT_ENOUGH"
    ));
    assert!(all_permanent(
        &ten.send_batch(&batch(160, "1234567")).await,
        "FailedOperation.InsufficientBalanceInSmsPackage"
    ));
    // Nothing of these went, but the one message before the day's quota.
    assert_eq!(fake.accepted().len(), 1);
}

#[tokio::test]
async fn a_timeout_after_sending_is_unknown_and_the_message_went() {
    let clock = clock();
    let fake = SmsFake::start(Arc::clone(&clock)).await;
    let quick = std::time::Duration::from_millis(300);
    let ali =
        SmsNotifier::new(AliyunSms::new(aliyun_config(&fake, &clock).timeout(quick)).unwrap());
    let ten =
        SmsNotifier::new(TencentSms::new(tencent_config(&fake, &clock).timeout(quick)).unwrap());
    fake.delay_next(std::time::Duration::from_secs(3));
    let r = ali.send(&msg(0, &number(0), "SMS_0011", &[])).await;
    assert!(matches!(r, Err(SendError::Unknown { .. })), "{r:?}");
    assert_eq!(fake.accepted_for(&number(0)).len(), 1, "it went");
    fake.delay_next(std::time::Duration::from_secs(3));
    let out = ten
        .send_batch(&[
            msg(1, &number(1), "1234567", &[]),
            msg(2, &number(2), "1234567", &[]),
        ])
        .await;
    assert!(
        out.iter()
            .all(|r| matches!(r, Err(SendError::Unknown { .. })))
    );
    assert_eq!(fake.accepted().len(), 3);
    // Nothing listens: never reached, retryable.
    let closed = SmsNotifier::new(
        AliyunSms::new(aliyun_config(&fake, &clock).base_url("http://127.0.0.1:9")).unwrap(),
    );
    let r = closed.send(&msg(3, &number(3), "SMS_0011", &[])).await;
    assert!(matches!(r, Err(SendError::Retryable { .. })), "{r:?}");
}

#[test]
fn bad_configuration_is_refused_at_construction() {
    let bad_credential = |r: Result<AliyunSms, ChannelConfigError>| {
        matches!(r, Err(ChannelConfigError::BadCredential { .. }))
    };
    assert!(bad_credential(AliyunSms::new(AliyunSmsConfig::new(
        "",
        "secret-0123",
        "党建"
    ))));
    assert!(bad_credential(AliyunSms::new(AliyunSmsConfig::new(
        "LTAI 5t",
        "secret-0123",
        "党建"
    ))));
    assert!(bad_credential(AliyunSms::new(AliyunSmsConfig::new(
        "LTAI5tExampleKeyId",
        "secret with spaces",
        "党建"
    ))));
    assert!(matches!(
        AliyunSms::new(AliyunSmsConfig::new(
            "LTAI5tExampleKeyId",
            "secret-0123",
            "【】"
        )),
        Err(ChannelConfigError::Invalid(..))
    ));
    assert!(matches!(
        AliyunSms::new(
            AliyunSmsConfig::new("LTAI5tExampleKeyId", "secret-0123", "党建")
                .base_url("http://dysmsapi.aliyuncs.com")
        ),
        Err(ChannelConfigError::BadUrl { .. })
    ));
    let tencent = |id: &str, key: &str, app: &str, region: &str| {
        TencentSms::new(TencentSmsConfig::new(id, key, app, "党建", region))
    };
    assert!(matches!(
        tencent("AKIDexample0123", "", "1400000001", "ap-guangzhou"),
        Err(ChannelConfigError::BadCredential { .. })
    ));
    assert!(matches!(
        tencent("AKID-x", "key-0123456", "1400000001", "ap-guangzhou"),
        Err(ChannelConfigError::BadCredential { .. })
    ));
    assert!(matches!(
        tencent("AKIDexample0123", "key-0123456", "app", "ap-guangzhou"),
        Err(ChannelConfigError::Invalid(..))
    ));
    assert!(matches!(
        tencent("AKIDexample0123", "key-0123456", "1400000001", ""),
        Err(ChannelConfigError::Invalid(..))
    ));
    assert!(tencent("AKIDexample0123", "key-0123456", "1400000001", "ap-beijing").is_ok());
    // The secret is never printed.
    let config = AliyunSmsConfig::new("LTAI5tExampleKeyId", "very-secret-value", "党建");
    assert!(!format!("{config:?}").contains("very-secret-value"));
}

proptest! {
    #[test]
    fn the_link_check_never_panics(s in "\\PC{0,100}") {
        let _ = param_carries_url(&s);
    }

    #[test]
    fn any_http_link_is_caught(
        before in "\\PC{0,30}",
        scheme in "(?i)https?",
        after in "\\PC{0,60}",
    ) {
        let value = format!("{before}{scheme}://{after}");
        prop_assert!(param_carries_url(&value), "{}", value);
    }
}
