//! draft
#[path = "support/party.rs"]
mod party;
use dangjian::{
    Dangjian,
    access::Actor,
    notify::{Channel, Notifications},
};
use std::sync::Arc;
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let clock =
        Arc::new(dangjian::clock::FixedClock::on_date(chrono::NaiveDate::from_ymd_opt(2024, 6, 20).unwrap()));
    let dj = Dangjian::builder()
        .clock(clock)
        .notifications(Notifications::default().channels(vec![Channel::WeCom]))
        .build();
    let p = party::build(&dj).await?;
    let officer = dj.act_as(&Actor::committee_officer(dangjian::MemberId::new(0), p.committee));
    for (label, b) in party::broadcasts(&p, "x", "请参加主题党日。") {
        let plan = officer.notify().dry_run(&b).await?;
        println!("{label}: {plan:?}");
    }
    Ok(())
}
