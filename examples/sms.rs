//! SMS (短信): one notice broadcast to the three categories of a company's
//! Party committee (班子成员, 普通党员, 双重管理党员) through Aliyun and
//! then through Tencent Cloud, each against a local fake of the provider's
//! API started in this process on 127.0.0.1 (nothing leaves the machine).
//!
//! Each run shows the dry run first (who is selected, who cannot be
//! reached, what it costs against the year's budget), then the
//! dispatcher's runs (delivered, held back by a number's flow control,
//! dead-lettered), then the result per number. A domestic SMS is an
//! approved template: the broadcast's text goes in the approved broadcast
//! template's `content` parameter (`SmsSettings::broadcast_template`).
//!
//! Run with `cargo run --example sms --features sms`.

// Formatted with the tests, not with the examples' wider lines.
#[rustfmt::skip]
#[path = "../tests/fakes/sms.rs"]
mod fake;
#[path = "support/party.rs"]
mod party;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use dangjian::access::Actor;
use dangjian::adapters::{AliyunSms, AliyunSmsConfig, TencentSms, TencentSmsConfig};
use dangjian::clock::{Clock, FixedClock};
use dangjian::notify::{
    Channel, DeliverOptions, MessageFilter, Notifications, Notifier, Notifiers, OrgSettings, SmsNotifier,
    SmsSettings, Status,
};
use dangjian::service::PageRequest;
use dangjian::store::MemoryStore;
use dangjian::{Dangjian, MemberId};
use std::error::Error;
use std::sync::Arc;

const TEXT: &str = "请于6月28日下午3时到党员活动室参加七一主题党日活动。";

/// One provider's run on a fresh store.
async fn run(
    provider: &str,
    template: &str,
    clock: Arc<FixedClock>,
    notifier: Arc<dyn Notifier>,
) -> Result<(), Box<dyn Error>> {
    println!("\n==== {provider}");
    let setup = Dangjian::builder().store(Arc::new(MemoryStore::new())).clock(clock.clone()).build();
    let p = party::build(&setup).await?;
    // The committee's settings name its id: a second handle on the same
    // store carries them.
    let dj = Dangjian::builder()
        .store(setup.store().clone())
        .clock(clock.clone())
        .notifications(
            Notifications::default()
                .channels(vec![Channel::Sms])
                .sms(
                    SmsSettings::default()
                        .signature(format!("【{}】", fake::SIGN_NAME))
                        .broadcast_template(template, "content"),
                )
                .org(p.committee, OrgSettings::new().budget(2024, "5.00".parse()?)),
        )
        .build();
    let officer = dj.act_as(&Actor::committee_officer(MemberId::new(0), p.committee));
    let name = |id: MemberId| p.members.iter().find(|(m, _)| *m == id).map_or("?", |(_, n)| n.as_str());
    for (label, b) in party::broadcasts(&p, provider, TEXT) {
        let plan = officer.notify().dry_run(&b).await?;
        let unreachable: Vec<&str> = plan.unreachable.iter().map(|m| name(*m)).collect();
        println!(
            "  dry run {label}: {} selected, {} by SMS of {} part(s), cost {} yuan (budget left {}), unreachable {unreachable:?}",
            plan.selected,
            plan.recipients(),
            plan.sms_parts,
            plan.cost,
            plan.budget_left
        );
        officer.notify().broadcast(b).await?;
    }
    // The same notice again to the committee members at once: each
    // number's flow control holds the second copy back.
    let again = party::broadcasts(&p, &format!("{provider}-reminder"), "提醒：主题党日活动今天下午3时开始。")
        .into_iter()
        .next()
        .ok_or("no broadcast")?
        .1
        .urgent();
    officer.notify().broadcast(again).await?;

    let job = dj.act_as(&Actor::system("notify dispatcher"));
    let notifiers = Notifiers::new().with(notifier);
    let opts = DeliverOptions::new("example-node");
    let start = clock.now();
    for _ in 0..20 {
        let r = job.notify().deliver_due(&notifiers, &opts).await?;
        if r.claimed > 0 {
            println!(
                "  {} run: {} delivered, {} held back by flow control, {} to retry, {} dead-lettered",
                clock.now().format("%H:%M:%S"),
                r.delivered,
                r.throttled,
                r.retried,
                r.dead_lettered
            );
        }
        let open =
            job.notify().messages(MessageFilter::status(Status::Pending), PageRequest::first(1)).await?;
        if open.items.is_empty() {
            break;
        }
        clock.set(clock.now() + Duration::seconds(30));
    }
    println!("  per number ({}s of simulated time):", (clock.now() - start).num_seconds());
    let page = job.notify().messages(MessageFilter::all(), PageRequest::first(100)).await?;
    for m in &page.items {
        let result = match m.status {
            Status::Delivered => format!("delivered, id {}", m.channel_id.as_deref().unwrap_or("-")),
            _ => format!("{}: {}", m.status.as_str(), m.last_error.as_deref().unwrap_or("")),
        };
        println!("    {:<14} {:<4} {result}", m.message.to, m.message.to_name);
    }
    let spent = dj.store().spent(p.committee, 2024).await?;
    println!("  charged to 某某科技公司党委 for 2024: {spent} yuan");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let day = NaiveDate::from_ymd_opt(2024, 6, 20).ok_or("date")?;
    let nine = Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).ok_or("time")?);
    let clock = Arc::new(FixedClock::new(nine));
    let provider = fake::SmsFake::start(clock.clone()).await;
    println!("SMS fakes listening on {}", provider.url());
    // 吴敏's number was given up: Tencent answers it per number.
    provider.tencent_fail("+8613800138007", "InvalidParameterValue.IncorrectPhoneNumber");

    let aliyun = AliyunSms::new(
        AliyunSmsConfig::new(fake::ALIYUN_KEY_ID, fake::ALIYUN_SECRET, fake::SIGN_NAME)
            .base_url(provider.url())
            .clock(clock.clone() as Arc<dyn Clock>),
    )?;
    run("aliyun", "SMS_465820100", clock.clone(), Arc::new(SmsNotifier::new(aliyun))).await?;

    let tencent = TencentSms::new(
        TencentSmsConfig::new(
            fake::TENCENT_SECRET_ID,
            fake::TENCENT_SECRET_KEY,
            fake::TENCENT_APP_ID,
            fake::SIGN_NAME,
            "ap-guangzhou",
        )
        .base_url(provider.url())
        .clock(clock.clone() as Arc<dyn Clock>),
    )?;
    clock.set(clock.now() + Duration::hours(2));
    run("tencent", "2100001", clock.clone(), Arc::new(SmsNotifier::new(tencent))).await?;
    let calls = provider.calls();
    println!(
        "\nthe fakes answered {} call(s) and accepted {} number(s)",
        calls.len(),
        provider.accepted().len()
    );
    Ok(())
}
