//! Dispatch throughput against each provider's local fake (`docs/RULES.md`
//! NOTE-3, NOTE-10), as a share of what the provider's documented limit
//! lets through.
//!
//! Each case enqueues one window's worth of a broadcast (the same text to
//! distinct members, or to one robot's group) into a fresh in-memory
//! store, then times the dispatcher (`notify().deliver_due`, with the
//! store's rate limits and the real adapter over HTTP to the fake on
//! 127.0.0.1) until every message is settled. The clock is the test
//! clock, moved a day between iterations so that no window carries over.
//! The share printed is the time the library needs for the window's
//! messages over the window's length: the API's limit is the bottleneck
//! while it stays well under 1.
//!
//! | case | documented limit | messages per iteration |
//! |---|---|---|
//! | WeCom robot | 20 a minute per robot | 20 |
//! | WeCom app | 30 a minute per member; up to 1,000 members a call | 1,000 members |
//! | DingTalk robot | 20 a minute per robot | 20 |
//! | DingTalk work notice | 100 members a call; 500 a day per member | 1,000 members |
//! | Feishu bot | 5 a second and 100 a minute per bot | 5 |
//! | Feishu app | 50 a second and 1,000 a minute per app; 5 a second per receiver | 50 |
//! | Aliyun SMS | 1,000 numbers a `SendSms`; 5,000 calls a second | 1,000 numbers |
//! | Tencent SMS | 200 numbers a call; 3,000 calls a second | 1,000 numbers |
//! | SMS without a server | (an `SmsGateway` that answers at once) | 1,000 numbers |
//!
//! Figures on the shared 2-core machine (noisy), criterion median of 10
//! windows, and the printed median of 5 (share = library time / window):
//!
//! | case | criterion | share of the window |
//! |---|---|---|
//! | WeCom robot, 20 | 4.6 ms | 0.0001 of 60 s |
//! | WeCom app, 1,000 members | 13.7 ms | 0.0003 of 60 s |
//! | DingTalk robot, 20 | 4.3 ms | 0.0001 of 60 s |
//! | DingTalk work notice, 1,000 | 22.3 ms | 0.0003 of 60 s |
//! | Feishu bot, 5 | 1.8 ms | 0.0016 of 1 s |
//! | Feishu app, 50 | 24.2 ms | 0.021 of 1 s |
//! | Aliyun SMS, 1,000 | 34.3 ms | 164 × one call's share (0.2 ms) of 5,000 calls a second |
//! | Tencent SMS, 1,000 | 42.5 ms | 26 × five calls' share (1.7 ms) of 3,000 a second |
//! | SMS without a server, 1,000 | 5.4 to 13.5 ms | |
//!
//! For the IM channels the API's limit is the bottleneck by three to four
//! orders of magnitude (the Feishu app's 50 a second by a factor of 50).
//! For SMS it is not against the providers' call ceilings: those allow
//! millions of numbers a second per account, while one dispatcher here
//! does 20,000 to 35,000 a second against the fake (of which the library
//! alone, without HTTP, takes 5 to 14 ms per 1,000: the claim, one rate
//! take, start and settle per message). A county broadcast of 25,000
//! numbers is about a second of one dispatcher's time.

#[path = "../../tests/fakes/dingtalk.rs"]
mod dingtalk_fake;
#[path = "../../tests/fakes/feishu.rs"]
mod feishu_fake;
#[path = "../../tests/fakes/sms.rs"]
mod sms_fake;
#[path = "../../tests/fakes/wecom.rs"]
mod wecom_fake;

use chrono::{Duration, TimeZone, Utc};
use criterion::Criterion;
use dangjian::access::Actor;
use dangjian::clock::{Clock, FixedClock};
use dangjian::notify::{
    Channel, DeliverOptions, Enqueue, NewMessage, Notifier, Notifiers, OutgoingMessage,
    ProviderTemplate,
};
use dangjian::store::{MemoryStore, OutboxStore};
use dangjian::{Dangjian, MemberId, OrgId};
use std::sync::Arc;
use std::time::Instant;

/// One case: the channel, its adapter, how many messages make a window
/// and the window's length in seconds, and each message's address.
struct Case {
    name: &'static str,
    channel: Channel,
    notifier: Arc<dyn Notifier>,
    messages: u64,
    window_seconds: f64,
    address: fn(u64) -> String,
    /// The SMS template code (empty elsewhere).
    template: &'static str,
}

fn text_message(case: &Case, n: u64, round: u64) -> OutgoingMessage {
    let body = "请于6月28日下午3时到党员活动室参加七一主题党日活动。";
    let key = format!("bench/{round}/{n}/{}", case.name);
    let mut m = OutgoingMessage::new(key, case.channel, (case.address)(n), "党员", body);
    if case.channel == Channel::Sms {
        m = m.provider_template(ProviderTemplate {
            code: case.template.into(),
            params: vec![("content".into(), body.into())],
        });
    }
    m
}

/// Dispatches one window of `case` and answers the seconds it took.
async fn one_window(case: &Case, clock: &Arc<FixedClock>, round: u64) -> f64 {
    clock.set(clock.now() + Duration::days(1));
    let store = Arc::new(MemoryStore::new());
    let now = clock.now();
    let batch: Vec<NewMessage> = (0..case.messages)
        .map(|n| {
            let out = text_message(case, n, round);
            NewMessage::new(OrgId::new(1), out, now).to_member(MemberId::new(n + 1))
        })
        .collect();
    store.enqueue(Enqueue::new(batch)).await.unwrap();
    let dj = Dangjian::builder()
        .store(store)
        .clock(clock.clone())
        .build();
    let job = dj.act_as(&Actor::system("bench dispatcher"));
    let notifiers = Notifiers::new().with(case.notifier.clone());
    let opts = DeliverOptions::new("bench").batch(1_000);
    let start = Instant::now();
    let mut delivered = 0;
    loop {
        let r = job.notify().deliver_due(&notifiers, &opts).await.unwrap();
        delivered += r.delivered;
        assert_eq!(
            r.throttled + r.dead_lettered + r.retried,
            0,
            "{}: {r:?}",
            case.name
        );
        if r.claimed == 0 {
            break;
        }
    }
    let took = start.elapsed().as_secs_f64();
    assert_eq!(delivered as u64, case.messages, "{}", case.name);
    took
}

async fn cases(clock: &Arc<FixedClock>) -> (Vec<Case>, Vec<Box<dyn std::any::Any>>) {
    let c = || clock.clone() as Arc<dyn Clock>;
    let wecom = wecom_fake::start(clock.clone()).await;
    let ding = dingtalk_fake::start(clock.clone(), dingtalk_fake::Setup::default()).await;
    let feishu = feishu_fake::start(clock.clone()).await;
    let sms = sms_fake::SmsFake::start(clock.clone()).await;
    use dangjian::adapters::*;
    let cases = vec![
        Case {
            name: "wecom_robot",
            channel: Channel::WeCom,
            notifier: Arc::new(
                WeComRobot::new(WeComRobotConfig::new(wecom_fake::ROBOT_KEY).base_url(wecom.uri()))
                    .unwrap(),
            ),
            messages: 20,
            window_seconds: 60.0,
            address: |n| format!("user{n}"),
            template: "",
        },
        Case {
            name: "wecom_app",
            channel: Channel::WeCom,
            notifier: Arc::new(
                WeComApp::new(
                    WeComAppConfig::new(
                        wecom_fake::CORP_ID,
                        wecom_fake::CORP_SECRET,
                        wecom_fake::AGENT_ID,
                    )
                    .base_url(wecom.uri())
                    .clock(c()),
                )
                .unwrap(),
            ),
            messages: 1_000,
            window_seconds: 60.0,
            address: |n| format!("user{n}"),
            template: "",
        },
        Case {
            name: "dingtalk_robot",
            channel: Channel::DingTalk,
            notifier: Arc::new(
                DingTalkRobot::builder(dingtalk_fake::ROBOT_TOKEN, dingtalk_fake::ROBOT_SECRET)
                    .base_url(ding.uri())
                    .clock(c())
                    .build()
                    .unwrap(),
            ),
            messages: 20,
            window_seconds: 60.0,
            address: |n| format!("ding{n}"),
            template: "",
        },
        Case {
            name: "dingtalk_notice",
            channel: Channel::DingTalk,
            notifier: Arc::new(
                DingTalkWorkNotice::builder(
                    dingtalk_fake::APP_KEY,
                    dingtalk_fake::APP_SECRET,
                    dingtalk_fake::AGENT_ID,
                )
                .base_url(ding.uri())
                .clock(c())
                .build()
                .unwrap(),
            ),
            messages: 1_000,
            window_seconds: 60.0,
            address: |n| format!("ding{n}"),
            template: "",
        },
        Case {
            name: "feishu_bot",
            channel: Channel::Feishu,
            notifier: Arc::new(
                FeishuBot::new(
                    FeishuBotConfig::new(feishu_fake::BOT_TOKEN, feishu_fake::BOT_SECRET)
                        .base_url(feishu.uri())
                        .clock(c()),
                )
                .unwrap(),
            ),
            messages: 5,
            window_seconds: 1.0,
            address: |n| format!("ou_{n:08}"),
            template: "",
        },
        Case {
            name: "feishu_app",
            channel: Channel::Feishu,
            notifier: Arc::new(
                FeishuApp::new(
                    FeishuAppConfig::new(feishu_fake::APP_ID, feishu_fake::APP_SECRET)
                        .base_url(feishu.uri())
                        .clock(c()),
                )
                .unwrap(),
            ),
            messages: 50,
            window_seconds: 1.0,
            address: |n| format!("ou_{n:08}"),
            template: "",
        },
        Case {
            name: "aliyun_sms",
            channel: Channel::Sms,
            notifier: Arc::new(dangjian::notify::SmsNotifier::new(
                AliyunSms::new(
                    AliyunSmsConfig::new(
                        sms_fake::ALIYUN_KEY_ID,
                        sms_fake::ALIYUN_SECRET,
                        sms_fake::SIGN_NAME,
                    )
                    .base_url(sms.url())
                    .clock(c()),
                )
                .unwrap(),
            )),
            messages: 1_000,
            // One call of 1,000 numbers, of 5,000 calls a second.
            window_seconds: 1.0 / 5_000.0,
            address: |n| format!("139{n:08}"),
            template: "SMS_465820100",
        },
        Case {
            name: "tencent_sms",
            channel: Channel::Sms,
            notifier: Arc::new(dangjian::notify::SmsNotifier::new(
                TencentSms::new(
                    TencentSmsConfig::new(
                        sms_fake::TENCENT_SECRET_ID,
                        sms_fake::TENCENT_SECRET_KEY,
                        sms_fake::TENCENT_APP_ID,
                        sms_fake::SIGN_NAME,
                        "ap-guangzhou",
                    )
                    .base_url(sms.url())
                    .clock(c()),
                )
                .unwrap(),
            )),
            messages: 1_000,
            // Five calls of 200 numbers, of 3,000 calls a second.
            window_seconds: 5.0 / 3_000.0,
            address: |n| format!("139{n:08}"),
            template: "2100001",
        },
    ];
    let mut cases = cases;
    cases.push(Case {
        name: "sms_without_a_server",
        channel: Channel::Sms,
        notifier: Arc::new(dangjian::notify::SmsNotifier::new(NoServer)),
        messages: 1_000,
        window_seconds: 1.0 / 5_000.0,
        address: |n| format!("139{n:08}"),
        template: "SMS_465820100",
    });
    let keep: Vec<Box<dyn std::any::Any>> = vec![
        Box::new(wecom),
        Box::new(ding),
        Box::new(feishu),
        Box::new(sms),
    ];
    (cases, keep)
}

/// An SMS gateway that answers at once, without HTTP: what the library
/// itself spends on a window (the dispatcher, the store's rate limits,
/// grouping and splitting), apart from any server.
struct NoServer;

#[async_trait::async_trait]
impl dangjian::notify::SmsGateway for NoServer {
    fn name(&self) -> &str {
        "none"
    }
    fn max_single(&self) -> usize {
        1_000
    }
    fn max_batch(&self) -> usize {
        100
    }
    async fn send(
        &self,
        request: &dangjian::notify::SmsRequest,
    ) -> Result<Vec<dangjian::notify::NumberResult>, dangjian::notify::SendError> {
        let n = match request {
            dangjian::notify::SmsRequest::Single { numbers, .. } => numbers.len(),
            dangjian::notify::SmsRequest::Batch { recipients, .. } => recipients.len(),
            _ => 0,
        };
        Ok((0..n)
            .map(|_| dangjian::notify::NumberResult::Accepted { id: None })
            .collect())
    }
}

/// The throughput of each channel's dispatch against its fake.
pub fn dispatch_throughput(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2024, 6, 28, 1, 0, 0).single().unwrap(),
    ));
    let (cases, _fakes) = rt.block_on(cases(&clock));
    let mut g = c.benchmark_group("dispatch_window");
    g.sample_size(10);
    let mut round = 0u64;
    for case in &cases {
        g.bench_function(case.name, |b| {
            b.iter_custom(|iters| {
                let mut total = 0.0;
                for _ in 0..iters {
                    round += 1;
                    total += rt.block_on(one_window(case, &clock, round));
                }
                std::time::Duration::from_secs_f64(total)
            });
        });
    }
    g.finish();
    println!("\nshare of each window the library needs (median of 5 windows):");
    println!("| case | messages | window | library | messages/s | share |");
    println!("|---|---|---|---|---|---|");
    for case in &cases {
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                round += 1;
                rt.block_on(one_window(case, &clock, round))
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let t = times[2];
        println!(
            "| {} | {} | {:.3} ms | {:.1} ms | {:.0} | {:.4} |",
            case.name,
            case.messages,
            case.window_seconds * 1e3,
            t * 1e3,
            case.messages as f64 / t,
            t / case.window_seconds
        );
    }
}
