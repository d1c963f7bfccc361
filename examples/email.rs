//! E-mail (电子邮件): a branch's dues reminders (党费交纳提醒). Six months of
//! dues are assessed, some paid; one reminder per member in arrears is
//! rendered from the default Chinese templates (`notify::TemplateSet`,
//! event `DuesInArrears`, channel e-mail) and sent through a `Notifier`:
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
use dangjian::notify::{Channel, Event, Notifier, OutgoingMessage, TemplateSet};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::store::MemoryStore;
use dangjian::{Dangjian, MemberId};
use std::collections::BTreeMap;
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

/// Sends each message and says what became of it: the one step the
/// library's outbox dispatcher will take over (with retries per
/// `notify::RetryPolicy`).
async fn deliver(notifier: &dyn Notifier, messages: &[OutgoingMessage]) -> Result<(), Box<dyn Error>> {
    let mut failed = 0;
    for m in messages {
        match notifier.send(m).await {
            Ok(accepted) => {
                println!("  sent   {} <{}>  {}", m.to_name, m.to, accepted.channel_id.unwrap_or_default())
            }
            Err(e) => {
                failed += 1;
                println!("  FAILED {} <{}>: {e}", m.to_name, m.to);
            }
        }
    }
    if failed > 0 {
        return Err(format!("{failed} of {} messages failed", messages.len()).into());
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let clock = Arc::new(FixedClock::on_date(d(2024, 6, 20)?));
    let dj = Dangjian::builder().store(Arc::new(MemoryStore::new())).clock(clock).build();
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
    let mut contacts = BTreeMap::new();
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
        contacts.insert(m.id(), (name, email));
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

    // One reminder per member in arrears, from the default templates.
    let june: Month = "2024-06".parse()?;
    let templates = TemplateSet::defaults();
    let mut messages = Vec::new();
    println!("== 未缴名单 (members in arrears) as of {june}");
    for line in treasurer.dues().unpaid(branch, june).await? {
        let (name, email) = contacts.get(&line.member).copied().ok_or("unknown member")?;
        let since = *line.months.first().ok_or("no month")?;
        println!("  {name}: {} month(s) since {since}, {} yuan", line.months.len(), line.amount);
        let Some(email) = email else {
            println!("    no e-mail address: remind {name} another way");
            continue;
        };
        let event = Event::DuesInArrears { member: line.member, since, owed: line.amount };
        let text = templates.render(&event, Channel::Email, name)?;
        let mut m = OutgoingMessage::new(event.key().to_string(), Channel::Email, email, name, text.body);
        if let Some(subject) = text.subject {
            m = m.subject(subject);
        }
        messages.push(m);
    }

    match std::env::var("SMTP_URL") {
        Ok(url) if !url.is_empty() => {
            let mut config = SmtpConfig::from_url(&url, SENDER)?;
            if let Ok(ca) = std::env::var("SMTP_TLS_CA") {
                config = config.root_certificate(std::fs::read(ca)?)?;
            }
            println!("\n== sending through {}:{}", config.host(), config.port());
            let smtp = SmtpNotifier::new(config)?;
            smtp.check().await?;
            let sent = deliver(&smtp, &messages).await;
            smtp.close().await;
            sent?;
        }
        _ => {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("email-outbox");
            println!("\n== SMTP_URL is not set: writing .eml files");
            let outbox = EmlFolderNotifier::new(&dir, SENDER)?;
            deliver(&outbox, &messages).await?;
            println!("\nopen them in any mail program: {}", outbox.dir().display());
        }
    }
    Ok(())
}
