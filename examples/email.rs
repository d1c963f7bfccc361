//! E-mail (电子邮件): a branch's dues reminders (党费交纳提醒) through the
//! library's outbox. Six months of dues are assessed (each assessment
//! commits a 党费已核定 notice for the branch's members with it), some are
//! paid; the nightly scan (`notify().scan_due`) enqueues one 党费交纳提醒
//! per member in arrears, rendered from the default Chinese templates; the
//! dispatcher (`notify().deliver_due`) sends them through the e-mail
//! adapter:
//!
//! - with `SMTP_URL` set (e.g. `smtp://127.0.0.1:2525`, or `smtps://…`;
//!   `SMTP_TLS_CA` names an extra root certificate), through that server,
//!   after checking the configuration;
//! - otherwise as `.eml` files in `target/email-outbox`, which any mail
//!   program opens.
//!
//! Run with `cargo run --example email --features smtp`.

use chrono::NaiveDate;
use dangjian::access::Actor;
use dangjian::adapters::{EmlFolderNotifier, SmtpConfig, SmtpNotifier};
use dangjian::clock::FixedClock;
use dangjian::dues::{AssessMonth, DeclareIncome, Income, Money, Month, PaymentRequest};
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Entry, OccupationCategory, Registration};
use dangjian::notify::{Channel, DeliverOptions, MessageFilter, Notifications, Notifier, Notifiers};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::service::PageRequest;
use dangjian::store::MemoryStore;
use dangjian::{Dangjian, MemberId};
use std::error::Error;
use std::path::PathBuf;
use std::sync::Arc;

const SENDER: &str = r#""研发第一党支部" <dangzhibu@example.com>"#;

fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| format!("bad date {y}-{m}-{day}").into())
}

fn money(s: &str) -> Result<Money, Box<dyn Error>> {
    Ok(s.parse()?)
}

fn id_number(seq: u32) -> Result<dangjian::member::IdNumber, Box<dyn Error>> {
    let first17 = format!("11010519800101{seq:03}");
    let check = dangjian::member::check_character(&first17).ok_or("bad digits")?;
    Ok(format!("{first17}{check}").parse()?)
}

fn wage(w: &str, tax: &str, social: &str, fund: &str) -> Result<Income, Box<dyn Error>> {
    Ok(Income::Wage {
        monthly_wage: money(w)?,
        income_tax: money(tax)?,
        social_insurance: money(social)?,
        housing_fund: money(fund)?,
        annuity: Money::ZERO,
        irregular: Money::ZERO,
    })
}

/// Runs the dispatcher until nothing is due, then lists what became of
/// each message; an OA system runs the same loop on each node.
async fn deliver(dj: &Dangjian, notifier: Arc<dyn Notifier>) -> Result<(), Box<dyn Error>> {
    let job = dj.act_as(&Actor::system("notify dispatcher"));
    let notifiers = Notifiers::new().with(notifier);
    let opts = DeliverOptions::new("example-node");
    loop {
        let r = job.notify().deliver_due(&notifiers, &opts).await?;
        println!(
            "  run: {} event(s) fanned out, {} claimed, {} delivered, {} to retry, {} unknown, {} dead",
            r.events, r.claimed, r.delivered, r.retried, r.unknown, r.dead_lettered
        );
        if r.claimed == 0 {
            break;
        }
    }
    let page = job.notify().messages(MessageFilter::all(), PageRequest::first(100)).await?;
    let mut failed = 0;
    let mut notices = 0;
    for m in &page.items {
        if m.status != dangjian::notify::Status::Delivered {
            failed += 1;
        }
        if m.message.idempotency_key.starts_with("dues_assessed/") {
            notices += 1;
            continue;
        }
        let subject = m.message.subject.as_deref().unwrap_or_default();
        println!("  {:<9} {subject}  {} <{}>", m.status.as_str(), m.message.to_name, m.message.to);
        println!("            {}", m.message.body);
    }
    println!("  and {notices} 党费已核定 notice(s), one per member and month assessed");
    if failed > 0 {
        return Err(format!("{failed} of {} messages were not delivered", page.items.len()).into());
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let clock = Arc::new(FixedClock::on_date(d(2024, 6, 20)?));
    let dj = Dangjian::builder()
        .store(Arc::new(MemoryStore::new()))
        .clock(clock)
        .notifications(Notifications::default().channels(vec![Channel::Email]))
        .build();
    let admin = dj.act_as(&Actor::platform_admin());
    let committee = admin
        .orgs()
        .create(NewOrganisation::new("某某科技公司党委".parse()?, OrgKind::GrassrootsCommittee))
        .await?
        .id;
    let branch = admin
        .orgs()
        .create(
            NewOrganisation::new("研发第一党支部".parse()?, OrgKind::Branch(BranchForm::Physical))
                .under(committee),
        )
        .await?
        .id;
    let officer = dj.act_as(&Actor::committee_officer(MemberId::new(0), committee));
    let treasurer = dj.act_as(&Actor::branch_treasurer(MemberId::new(0), branch));

    // Members with their e-mail addresses (刘洋 has none: no reminder can
    // go to him by e-mail) and their 2024 income declarations.
    let people: Vec<(&str, Option<&str>, OccupationCategory, Income)> = vec![
        (
            "李明",
            Some("liming@example.com"),
            OccupationCategory::InService,
            wage("12000", "590", "1200", "960")?,
        ),
        (
            "王芳",
            Some("wangfang@example.com"),
            OccupationCategory::InService,
            wage("6500", "45", "650", "520")?,
        ),
        (
            "张建国",
            Some("zhangjianguo@example.com"),
            OccupationCategory::Retiree,
            Income::Pension { basic_pension: money("5000")? },
        ),
        ("刘洋", None, OccupationCategory::Student, Income::None),
    ];
    let mut ids = Vec::new();
    for (n, (name, email, category, income)) in people.into_iter().enumerate() {
        let mut reg = Registration::new(
            name.parse()?,
            id_number(u32::try_from(n)? + 1)?,
            branch,
            Entry::Import(ImportedStage::Full { joined_on: d(2010, 7, 1)?, full_since: d(2011, 7, 1)? }),
        )
        .occupation(category);
        if let Some(email) = email {
            reg = reg.email(email.parse()?);
        }
        let m = officer.members().register(reg).await?;
        let m = officer.members().approve(m.id()).await?;
        treasurer.dues().declare_income(DeclareIncome::new(m.id(), "2024-01".parse()?, income)).await?;
        ids.push(m.id());
    }

    // January to June assessed; 李明 pays everything, 王芳 three months.
    for i in 1..=6 {
        treasurer.dues().assess_month(AssessMonth::new(branch, Month::new(2024, i).ok_or("month")?)).await?;
    }
    for (member, pid, amount) in [(ids[0], "WX20240620001", "832.50"), (ids[1], "OA-2024-0611", "237.84")] {
        treasurer
            .dues()
            .record_payment(PaymentRequest::new(member, pid.parse()?, money(amount)?, d(2024, 6, 20)?))
            .await?;
    }

    // The nightly scan: one reminder per member in arrears up to May.
    let june: Month = "2024-06".parse()?;
    println!("== 未缴名单 (members in arrears) as of {june}");
    for line in treasurer.dues().unpaid(branch, june).await? {
        println!("  {}: {} month(s), {} yuan", line.member, line.months.len(), line.amount);
    }
    let job = dj.act_as(&Actor::system("nightly scan"));
    let scan = job.notify().scan_due(d(2024, 6, 20)?).await?;
    println!("  the scan raised {} reminder(s), {} message(s) enqueued", scan.events, scan.enqueued);
    println!("  (刘洋 has no e-mail address: the dispatcher cannot reach him by e-mail)");

    match std::env::var("SMTP_URL") {
        Ok(url) if !url.is_empty() => {
            let mut config = SmtpConfig::from_url(&url, SENDER)?;
            if let Ok(ca) = std::env::var("SMTP_TLS_CA") {
                config = config.root_certificate(std::fs::read(ca)?)?;
            }
            println!("\n== sending through {}:{}", config.host(), config.port());
            let smtp = Arc::new(SmtpNotifier::new(config)?);
            smtp.check().await?;
            let sent = deliver(&dj, smtp.clone()).await;
            smtp.close().await;
            sent?;
        }
        _ => {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("email-outbox");
            println!("\n== SMTP_URL is not set: writing .eml files");
            let outbox = Arc::new(EmlFolderNotifier::new(&dir, SENDER)?);
            deliver(&dj, outbox.clone()).await?;
            println!("\nopen them in any mail program: {}", outbox.dir().display());
        }
    }
    Ok(())
}
