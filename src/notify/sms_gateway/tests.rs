//! Tests of the module: the grouping, the mapping of answers to messages,
//! the checks before sending, the rate keys and the link check.
use super::*;
use proptest::prelude::*;
use std::sync::Mutex;

/// A gateway that records its calls and answers by a script: a number in
/// `fail` gets that result, `whole` fails every call.
struct Recording {
    max_single: usize,
    max_batch: usize,
    calls: Mutex<Vec<SmsRequest>>,
    fail: BTreeMap<String, NumberResult>,
    whole: Option<SendError>,
    short: bool,
}

impl Recording {
    fn new(max_single: usize, max_batch: usize) -> Self {
        Self {
            max_single,
            max_batch,
            calls: Mutex::new(Vec::new()),
            fail: BTreeMap::new(),
            whole: None,
            short: false,
        }
    }
    fn calls(&self) -> Vec<SmsRequest> {
        self.calls.lock().unwrap().clone()
    }
}

#[async_trait]
impl SmsGateway for Recording {
    fn name(&self) -> &str {
        "rec"
    }
    fn max_single(&self) -> usize {
        self.max_single
    }
    fn max_batch(&self) -> usize {
        self.max_batch
    }
    fn flow_control(&self) -> FlowControl {
        FlowControl::aliyun_notification()
    }
    async fn send(&self, r: &SmsRequest) -> Result<Vec<NumberResult>, SendError> {
        r.check(self.max_single, self.max_batch)?;
        self.calls.lock().unwrap().push(r.clone());
        if let Some(e) = &self.whole {
            return Err(e.clone());
        }
        let mut out: Vec<NumberResult> = r
            .numbers()
            .iter()
            .map(|n| {
                self.fail
                    .get(*n)
                    .cloned()
                    .unwrap_or_else(|| NumberResult::Accepted {
                        id: Some(format!("id-{n}")),
                    })
            })
            .collect();
        if self.short {
            out.pop();
        }
        Ok(out)
    }
}

fn number(i: usize) -> String {
    format!("139{:08}", i)
}

fn msg(key: usize, to: &str, code: &str, params: &[(&str, &str)]) -> OutgoingMessage {
    OutgoingMessage::new(format!("k{key}"), Channel::Sms, to, "张三", "正文").provider_template(
        ProviderTemplate {
            code: code.into(),
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        },
    )
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn same_content_goes_in_one_content_calls_split_at_the_maximum() {
    let sms = SmsNotifier::new(Recording::new(1000, 100));
    let ms: Vec<_> = (0..2500)
        .map(|i| msg(i, &number(i), "SMS_1", &[("month", "6月")]))
        .collect();
    let plan = sms.plan(&ms);
    let sizes: Vec<_> = plan.calls.iter().map(|(r, _)| r.len()).collect();
    assert_eq!(sizes, [1000, 1000, 500]);
    assert!(
        plan.calls
            .iter()
            .all(|(r, _)| matches!(r, SmsRequest::Single { .. }))
    );
    let out = block_on(sms.send_batch(&ms));
    assert!(out.iter().all(Result::is_ok));
    assert_eq!(
        out[2499].as_ref().unwrap().channel_id.as_deref(),
        Some(format!("id-+86{}", number(2499)).as_str())
    );
}

#[test]
fn different_parameters_go_in_per_number_calls_or_one_content_calls_without_them() {
    let ms: Vec<_> = (0..250)
        .map(|i| msg(i, &number(i), "SMS_1", &[("name", &format!("同志{i}"))]))
        .collect();
    let aliyun = SmsNotifier::new(Recording::new(1000, 100));
    let plan = aliyun.plan(&ms);
    let sizes: Vec<_> = plan.calls.iter().map(|(r, _)| r.len()).collect();
    assert_eq!(sizes, [100, 100, 50]);
    assert!(
        plan.calls
            .iter()
            .all(|(r, _)| matches!(r, SmsRequest::Batch { .. }))
    );
    // Each number keeps its own parameters.
    let (SmsRequest::Batch { recipients, .. }, idx) = &plan.calls[0] else {
        panic!()
    };
    for (r, i) in recipients.iter().zip(idx) {
        assert_eq!(r.params, ms[*i].provider_template.as_ref().unwrap().params);
        assert_eq!(r.number, format!("+86{}", number(*i)));
    }
    // Tencent: one parameter set per call.
    let tencent = SmsNotifier::new(Recording::new(200, 0));
    let plan = tencent.plan(&ms);
    assert_eq!(plan.calls.len(), 250);
    assert!(plan.calls.iter().all(|(r, _)| r.len() == 1));
}

#[test]
fn a_mix_groups_by_template_and_parameters() {
    let mut ms = Vec::new();
    // 150 with the same content: one one-content call.
    for i in 0..150 {
        ms.push(msg(i, &number(i), "SMS_1", &[("m", "6月")]));
    }
    // 30 with the same content: too few for their own call; with the 20
    // singles they go per number.
    for i in 150..180 {
        ms.push(msg(i, &number(i), "SMS_1", &[("m", "7月")]));
    }
    for i in 180..200 {
        ms.push(msg(i, &number(i), "SMS_1", &[("m", &format!("x{i}"))]));
    }
    // Another template: its own call.
    ms.push(msg(200, &number(200), "SMS_2", &[]));
    let sms = SmsNotifier::new(Recording::new(1000, 100));
    let plan = sms.plan(&ms);
    let shapes: Vec<_> = plan
        .calls
        .iter()
        .map(|(r, _)| {
            (
                r.template().to_owned(),
                r.len(),
                matches!(r, SmsRequest::Batch { .. }),
            )
        })
        .collect();
    assert_eq!(
        shapes,
        [
            ("SMS_1".to_owned(), 150, false),
            ("SMS_1".to_owned(), 50, true),
            ("SMS_2".to_owned(), 1, false),
        ]
    );
    let mut seen: Vec<usize> = plan.calls.iter().flat_map(|(_, i)| i.clone()).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..201).collect::<Vec<_>>());
}

#[test]
fn a_number_twice_goes_in_two_calls() {
    let a = number(1);
    let ms = vec![
        msg(0, &a, "SMS_1", &[("m", "6月")]),
        msg(1, &a, "SMS_1", &[("m", "6月")]),
        msg(2, &number(2), "SMS_1", &[("m", "6月")]),
    ];
    let sms = SmsNotifier::new(Recording::new(1000, 100));
    let plan = sms.plan(&ms);
    for (r, _) in &plan.calls {
        let nums = r.numbers();
        let unique: BTreeSet<_> = nums.iter().collect();
        assert_eq!(unique.len(), nums.len());
    }
    assert_eq!(plan.calls.iter().map(|(r, _)| r.len()).sum::<usize>(), 3);
}

#[test]
fn each_number_answers_for_its_own_message() {
    let mut g = Recording::new(200, 0);
    g.fail.insert(
        format!("+86{}", number(1)),
        NumberResult::Retryable {
            code: "LimitExceeded.PhoneNumberThirtySecondLimit".into(),
            reason: "30s".into(),
            retry_after: Some(Duration::seconds(30)),
        },
    );
    g.fail.insert(
        format!("+86{}", number(2)),
        NumberResult::Permanent {
            code: "InvalidParameterValue.IncorrectPhoneNumber".into(),
            reason: "bad".into(),
        },
    );
    let sms = SmsNotifier::new(g);
    let ms: Vec<_> = (0..4)
        .map(|i| msg(i, &number(i), "1234", &[("m", "6月")]))
        .collect();
    let out = block_on(sms.send_batch(&ms));
    assert_eq!(sms.gateway().calls().len(), 1);
    assert!(out[0].is_ok() && out[3].is_ok());
    assert!(matches!(
        &out[1],
        Err(SendError::Retryable { retry_after: Some(d), reason, .. })
            if *d == Duration::seconds(30) && reason.contains("ThirtySecond")
    ));
    assert!(
        matches!(&out[2], Err(SendError::Permanent { reason, .. }) if reason.contains("Incorrect"))
    );
}

#[test]
fn a_whole_call_error_or_a_short_answer_reaches_every_message_of_the_call() {
    let mut g = Recording::new(1000, 100);
    g.whole = Some(SendError::Unknown {
        channel: Channel::Sms,
        reason: "timeout".into(),
    });
    let sms = SmsNotifier::new(g);
    let ms: Vec<_> = (0..3)
        .map(|i| msg(i, &number(i), "SMS_1", &[("m", "6月")]))
        .collect();
    let out = block_on(sms.send_batch(&ms));
    assert!(
        out.iter()
            .all(|r| matches!(r, Err(SendError::Unknown { .. })))
    );
    let mut g = Recording::new(1000, 100);
    g.short = true;
    let out = block_on(SmsNotifier::new(g).send_batch(&ms));
    assert!(out[0].is_ok() && out[1].is_ok());
    assert!(matches!(out[2], Err(SendError::Unknown { .. })));
}

#[test]
fn bad_messages_are_refused_before_any_call() {
    let sms = SmsNotifier::new(Recording::new(1000, 100));
    let no_template = OutgoingMessage::new("k", Channel::Sms, number(1), "张三", "正文");
    let email = msg(1, "a@example.com", "SMS_1", &[]);
    let mut wrong_channel = msg(2, &number(2), "SMS_1", &[]);
    wrong_channel.channel = Channel::WeCom;
    let ms = vec![
        no_template,
        email,
        wrong_channel,
        msg(3, &number(3), "SMS_1", &[("u", "https://x.example/a")]),
        msg(4, &number(4), "SMS_1", &[("u", "见 a.cn")]),
        msg(5, &number(5), " ", &[]),
        msg(6, "12345", "SMS_1", &[]),
    ];
    let out = block_on(sms.send_batch(&ms));
    assert!(
        out.iter()
            .all(|r| matches!(r, Err(SendError::Permanent { .. }))),
        "{out:?}"
    );
    assert!(sms.gateway().calls().is_empty());
    assert!(matches!(&out[3], Err(SendError::Permanent { reason, .. }) if reason.contains("`u`")));
    assert!(block_on(sms.send_batch(&[])).is_empty());
}

#[test]
fn requests_are_checked_by_the_gateway_too() {
    let numbers: Vec<String> = (0..3).map(|i| format!("+86{}", number(i))).collect();
    let single = |numbers: Vec<String>, params: SmsParams| SmsRequest::Single {
        template: "SMS_1".into(),
        params,
        numbers,
    };
    assert!(single(numbers.clone(), vec![]).check(3, 0).is_ok());
    assert!(single(numbers.clone(), vec![]).check(2, 0).is_err());
    assert!(single(vec![], vec![]).check(2, 0).is_err());
    assert!(single(vec![number(1)], vec![]).check(2, 0).is_err()); // not E.164
    let link = vec![("u".to_owned(), "www.x.cn".to_owned())];
    assert!(single(numbers.clone(), link).check(3, 0).is_err());
    let batch = SmsRequest::Batch {
        template: "SMS_1".into(),
        recipients: vec![SmsRecipient::new(numbers[0].clone(), vec![])],
    };
    assert!(batch.check(1000, 0).is_err());
    assert!(batch.check(1000, 100).is_ok());
}

#[test]
fn limits_name_the_number_and_the_template() {
    let sms = SmsNotifier::new(Recording::new(1000, 100));
    let m = msg(0, "138-0013-8000", "SMS_1", &[]);
    let keys = sms.limits(&m);
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "sms.rec:SMS_1:+8613800138000");
    assert_eq!(keys[0].windows, [Window::per_day(50)]);
    assert!(keys[0].name_ok());
    let verification = SmsNotifier::new(Recording::new(1000, 100))
        .with_flow_control(FlowControl::aliyun_verification());
    let keys = verification.limits(&m);
    assert_eq!(keys[0].name, "sms.rec:+8613800138000");
    assert_eq!(keys[0].windows.len(), 3);
    // A template code that cannot appear in a key is hashed.
    let odd = msg(0, "13800138000", "模板:1", &[]);
    let k = &sms.limits(&odd)[0];
    assert!(k.name_ok() && k.name.starts_with("sms.rec:#"), "{}", k.name);
    // Nothing for a message that will be refused, or without windows.
    assert!(sms.limits(&msg(0, "x", "SMS_1", &[])).is_empty());
    let free = SmsNotifier::new(Recording::new(1, 1)).with_flow_control(FlowControl::none());
    assert!(free.limits(&m).is_empty());
    assert!(!sms.deduplicates());
    assert_eq!(sms.batch_size(), DEFAULT_SMS_BATCH);
    assert_eq!(sms.channel(), Channel::Sms);
}

#[test]
fn numbers() {
    let ok = [
        ("13800138000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("0086(138)00138000", "+8613800138000"),
        ("+85291234567", "+85291234567"),
        ("+14155550123", "+14155550123"),
    ];
    for (given, e164) in ok {
        assert_eq!(mobile_e164(given).as_deref(), Some(e164), "{given}");
    }
    for bad in [
        "",
        "+",
        "12345",
        "1380013800",
        "138001380001",
        "+8612800138000",
        "+86138",
        "+0123456789",
        "1380013800a",
        "13800+138000",
        "++8613800138000",
        "٣٨٠٠١٣٨٠٠٠",
    ] {
        assert_eq!(mobile_e164(bad), None, "{bad}");
    }
}

#[test]
fn links() {
    for link in [
        "http://a",
        "HTTPS://dj.example.org",
        "点击 ftp://x",
        "HTTPſ://x",
        "www.12371.cn",
        "WWW.EXAMPLE",
        "example.com/x",
        "a.cn",
        "党建网dj.gov.cn。",
        "见t.cn/abc",
        "foo.example:8080",
        "foo.bar/x",
        "x.wang/a",
        "10.0.0.1/login",
        "ｗｗｗ．ｘ．ｃｏｍ",
        "ｈｔｔｐ：／／ｘ",
        "mail me at a@b.com",
        "xn--fiqs8s.cn",
    ] {
        assert!(param_carries_url(link), "{link}");
    }
    for plain in [
        "12.50",
        "12.50元",
        "90.00元",
        "2024.06.03",
        "v1.2.3",
        "No.5",
        "e.g.",
        "St.Paul",
        "Tom.Wang",
        "1.2.3.4",
        "张三同志",
        "member#7",
        "第3.5条",
        "a.b",
        "",
        "...",
        "-.-",
        "://",
    ] {
        assert!(!param_carries_url(plain), "{plain}");
    }
}

proptest! {
    #[test]
    fn the_link_check_never_panics(s in "\\PC{0,80}") {
        let _ = param_carries_url(&s);
        let _ = mobile_e164(&s);
    }

    #[test]
    fn any_http_link_is_caught(
        before in "\\PC{0,20}",
        scheme in "(?i)https?",
        after in "\\PC{0,40}",
    ) {
        let value = format!("{before}{scheme}://{after}");
        prop_assert!(param_carries_url(&value), "{}", value);
    }

    #[test]
    fn decimals_are_not_links(a in 0u32..100_000, b in 0u32..10_000) {
        let value = format!("{a}.{b}元");
        prop_assert!(!param_carries_url(&value));
    }

    #[test]
    fn every_message_gets_one_answer_and_calls_respect_the_maxima(
        specs in proptest::collection::vec((0usize..30, 0usize..4, 0usize..3), 0..300),
        max_single in 1usize..50,
        max_batch in 0usize..20,
    ) {
        let ms: Vec<_> = specs
            .iter()
            .enumerate()
            .map(|(i, (n, p, t))| msg(i, &number(*n), &format!("T{t}"), &[("p", &p.to_string())]))
            .collect();
        let sms = SmsNotifier::new(Recording::new(max_single, max_batch));
        let plan = sms.plan(&ms);
        let mut seen: Vec<usize> = plan.calls.iter().flat_map(|(_, i)| i.clone()).collect();
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..ms.len()).collect::<Vec<_>>());
        for (r, idx) in &plan.calls {
            prop_assert!(r.check(max_single, max_batch).is_ok());
            prop_assert_eq!(r.len(), idx.len());
            let unique: BTreeSet<_> = r.numbers().into_iter().collect();
            prop_assert_eq!(unique.len(), r.len());
            for (n, i) in r.numbers().iter().zip(idx) {
                let m = &ms[*i];
                prop_assert_eq!(Some(n.to_string()), mobile_e164(&m.to));
                let t = m.provider_template.as_ref().unwrap();
                prop_assert_eq!(r.template(), t.code.as_str());
            }
            if let SmsRequest::Single { params, .. } = r {
                for i in idx {
                    prop_assert_eq!(&ms[*i].provider_template.as_ref().unwrap().params, params);
                }
            }
        }
        let out = block_on(sms.send_batch(&ms));
        prop_assert_eq!(out.len(), ms.len());
        prop_assert!(out.iter().all(Result::is_ok));
    }
}
