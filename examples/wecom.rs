//! WeCom (企业微信): one notice broadcast to the three categories of a
//! company's Party committee (班子成员, 普通党员, 双重管理党员) as WeCom app
//! messages, then an urgent reminder to all of them through the branch's
//! group robot, against a local fake of the WeCom API started in this
//! process on 127.0.0.1 (nothing leaves the machine).
//!
//! The dry run comes first: who is selected, and who cannot be reached
//! (周强 has no WeCom id). The dispatcher's runs then show what was
//! delivered, what was held back by a limit (the robot takes 20 messages a
//! minute; the store keeps that limit for every dispatcher of the
//! deployment) and what was dead-lettered (吴敏's account has left the
//! company: WeCom lists it as an invalid user). The clock is the test
//! clock: a simulated minute passes between runs.
//!
//! Run with `cargo run --example wecom --features wecom`.

// Formatted with the tests, not with the examples' wider lines.
#[rustfmt::skip]
#[path = "../tests/fakes/wecom.rs"]
mod fake;
#[path = "support/party.rs"]
mod party;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use dangjian::access::Actor;
use dangjian::adapters::{WeComApp, WeComAppConfig, WeComRobot, WeComRobotConfig};
use dangjian::clock::{Clock, FixedClock};
use dangjian::notify::{Channel, DeliverOptions, MessageFilter, Notifications, Notifier, Notifiers, Status};
use dangjian::service::PageRequest;
use dangjian::store::MemoryStore;
use dangjian::{Dangjian, MemberId};
use std::error::Error;
use std::sync::Arc;

/// Runs the dispatcher a simulated minute apart until nothing is due.
async fn dispatch(
    dj: &Dangjian,
    clock: &FixedClock,
    notifier: Arc<dyn Notifier>,
) -> Result<(), Box<dyn Error>> {
    let job = dj.act_as(&Actor::system("notify dispatcher"));
    let notifiers = Notifiers::new().with(notifier);
    let opts = DeliverOptions::new("oa-node-1");
    let (mut delivered, mut throttled, mut dead) = (0, 0, 0);
    for _ in 0..30 {
        let r = job.notify().deliver_due(&notifiers, &opts).await?;
        if r.claimed > 0 {
            println!(
                "  {} run: {} delivered, {} held back by a limit, {} to retry, {} dead-lettered",
                clock.now().format("%H:%M"),
                r.delivered,
                r.throttled,
                r.retried,
                r.dead_lettered
            );
        }
        delivered += r.delivered;
        throttled += r.throttled;
        dead += r.dead_lettered;
        let open =
            job.notify().messages(MessageFilter::status(Status::Pending), PageRequest::first(1)).await?;
        if open.items.is_empty() {
            break;
        }
        clock.set(clock.now() + Duration::minutes(1));
    }
    println!("  in all: {delivered} delivered, {throttled} held back (then sent), {dead} dead-lettered");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let day = NaiveDate::from_ymd_opt(2024, 6, 20).ok_or("date")?;
    let clock = Arc::new(FixedClock::new(Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).ok_or("time")?)));
    let wecom = fake::start(clock.clone()).await;
    println!("WeCom fake listening on {}", wecom.uri());
    wecom.mark_invalid(["wumin-left"]);

    let dj = Dangjian::builder()
        .store(Arc::new(MemoryStore::new()))
        .clock(clock.clone())
        .notifications(Notifications::default().channels(vec![Channel::WeCom]))
        .build();
    let p = party::build(&dj).await?;
    let officer = dj.act_as(&Actor::committee_officer(MemberId::new(0), p.committee));
    let name = |id: MemberId| p.members.iter().find(|(m, _)| *m == id).map_or("?", |(_, n)| n.as_str());

    println!("\n== 1. 七一主题党日通知, by category, as app messages");
    let text = "请于6月28日下午3时到党员活动室参加七一主题党日活动。";
    for (label, b) in party::broadcasts(&p, "july-1", text) {
        let plan = officer.notify().dry_run(&b).await?;
        let unreachable: Vec<&str> = plan.unreachable.iter().map(|m| name(*m)).collect();
        println!(
            "  dry run {label}: {} selected, {} on WeCom, unreachable {unreachable:?}",
            plan.selected,
            plan.recipients()
        );
        officer.notify().broadcast(b).await?;
    }
    let app = WeComApp::new(
        WeComAppConfig::new(fake::CORP_ID, fake::CORP_SECRET, fake::AGENT_ID)
            .base_url(wecom.uri())
            .clock(clock.clone() as Arc<dyn Clock>),
    )?;
    dispatch(&dj, &clock, Arc::new(app)).await?;
    println!(
        "  WeCom: {} call(s) to message/send, {} token fetch(es)",
        wecom.message_calls(),
        wecom.gettoken_calls()
    );

    println!("\n== 2. The same three categories reminded through the branch's group robot, three times");
    for round in 1..=3 {
        for (_, b) in party::broadcasts(
            &p,
            &format!("robot-{round}"),
            &format!("第{round}次提醒：主题党日活动今天下午3时开始。"),
        ) {
            officer.notify().broadcast(b.urgent()).await?;
        }
    }
    let robot = WeComRobot::new(WeComRobotConfig::new(fake::ROBOT_KEY).base_url(wecom.uri()))?;
    dispatch(&dj, &clock, Arc::new(robot)).await?;
    println!(
        "  the group saw {} robot post(s); WeCom silently dropped {} message(s)",
        wecom.robot_posts().len(),
        wecom.drops().len()
    );

    println!("\n== dead letters (for a person to look at)");
    let dead = dj
        .act_as(&Actor::system("notify dispatcher"))
        .notify()
        .messages(MessageFilter::status(Status::DeadLetter), PageRequest::first(100))
        .await?;
    for m in &dead.items {
        println!("  {} <{}>: {}", m.message.to_name, m.message.to, m.last_error.as_deref().unwrap_or(""));
    }
    Ok(())
}
