//! Dues (党费): one branch's month — each member's amount with its
//! explanation, payments (one of them sent twice by the gateway), the
//! unpaid list, the report, and both as CSV files.
//!
//! Run with `cargo run --example dues`.

use chrono::NaiveDate;
use dangjian::access::Actor;
use dangjian::clock::FixedClock;
use dangjian::dues::{
    AssessMonth, DeclareIncome, Income, Money, Month, PaymentOutcome, PaymentRequest, write_reports_csv,
    write_unpaid_csv,
};
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Entry, OccupationCategory, Registration};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::store::MemoryStore;
use dangjian::{Dangjian, MemberId};
use std::collections::BTreeMap;
use std::error::Error;
use std::sync::Arc;

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

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let clock = Arc::new(FixedClock::on_date(d(2024, 6, 20)?));
    let dj = Dangjian::builder().store(Arc::new(MemoryStore::new())).clock(clock.clone()).build();
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

    // Members, registered with their occupation (the dues category), and
    // their income declarations for 2024 (Dues 2017: fixed for the year
    // from January's declaration).
    let people: Vec<(&str, OccupationCategory, Income)> = vec![
        ("李明", OccupationCategory::InService, wage("12000", "590", "1200", "960")?),
        ("王芳", OccupationCategory::InService, wage("6500", "45", "650", "520")?),
        ("张建国", OccupationCategory::Retiree, Income::Pension { basic_pension: money("5000")? }),
        ("刘洋", OccupationCategory::Student, Income::None),
        ("陈静", OccupationCategory::InService, wage("80000", "18000", "2400", "3000")?),
    ];
    let mut names = BTreeMap::new();
    let mut ids = Vec::new();
    for (n, (name, category, income)) in people.into_iter().enumerate() {
        let reg = Registration::new(
            name.parse()?,
            id_number(u32::try_from(n)? + 1)?,
            branch,
            Entry::Import(ImportedStage::Full { joined_on: d(2010, 7, 1)?, full_since: d(2011, 7, 1)? }),
        )
        .occupation(category);
        let m = officer.members().register(reg).await?;
        let m = officer.members().approve(m.id()).await?;
        let decl = DeclareIncome::new(m.id(), "2024-01".parse()?, income);
        treasurer.dues().declare_income(decl).await?;
        names.insert(m.id(), name.to_owned());
        ids.push(m.id());
    }

    // Assess January to June, then record payments.
    for i in 1..=6 {
        let month = Month::new(2024, i).ok_or("month")?;
        treasurer.dues().assess_month(AssessMonth::new(branch, month)).await?;
    }
    let june: Month = "2024-06".parse()?;
    println!("== 研发第一党支部 {june}: amounts and explanations");
    for id in &ids {
        let e = treasurer.dues().explain(*id, june).await?;
        println!("\n{} — {} yuan", names.get(id).map_or("?", String::as_str), e.amount);
        println!("{e}");
    }

    println!("\n== payments");
    let pay = |member, pid: &str, amount: &str| -> Result<PaymentRequest, Box<dyn Error>> {
        Ok(PaymentRequest::new(member, pid.parse()?, money(amount)?, d(2024, 6, 20)?))
    };
    let (a, b, c, dd) = (ids[0], ids[1], ids[2], ids[3]);
    for (member, pid, amount) in [
        (a, "WX20240620001", "832.50"), // six months of 138.75
        (a, "WX20240620001", "832.50"), // the gateway's retry: same id
        (b, "OA-2024-0611", "237.84"),  // three of six months (79.28)
        (dd, "WX20240620007", "1.20"),  // a student: 0.20 × 6
        (c, "CASH-0620-1", "25.00"),    // one month of 25.00
    ] {
        let outcome = treasurer.dues().record_payment(pay(member, pid, amount)?).await?;
        let what = match outcome {
            PaymentOutcome::Recorded { allocations, .. } => {
                format!("recorded, {} month(s)", allocations.len())
            }
            PaymentOutcome::AlreadyRecorded { .. } => "already recorded: nothing changed".to_owned(),
        };
        println!("  {} {pid} {amount}: {what}", names.get(&member).map_or("?", String::as_str));
    }

    println!("\n== unpaid list (未缴名单) as of {}", d(2024, 6, 20)?);
    let unpaid = treasurer.dues().unpaid(branch, Month::of(d(2024, 6, 20)?)).await?;
    for l in &unpaid {
        let months: Vec<String> = l.months.iter().map(ToString::to_string).collect();
        println!(
            "  {:<4} {} month(s) {:>9} yuan  [{}]",
            names.get(&l.member).map_or("?", String::as_str),
            l.months.len(),
            l.amount.to_string(),
            months.join(" ")
        );
    }

    let r = treasurer.dues().report(branch, june).await?;
    println!(
        "\n== report {june}: expected {} exempted {} collected {} outstanding {} payers {}/{}",
        r.expected, r.exempted, r.collected, r.outstanding, r.payers, r.assessed_members
    );

    let dir = std::env::temp_dir();
    let report_path = dir.join("dangjian-dues-report-2024-06.csv");
    let unpaid_path = dir.join("dangjian-dues-unpaid-2024-06.csv");
    write_reports_csv(&[r], std::fs::File::create(&report_path)?)?;
    write_unpaid_csv(&unpaid, &names, std::fs::File::create(&unpaid_path)?)?;
    println!("\nCSV: {}", report_path.display());
    println!("CSV: {}", unpaid_path.display());
    Ok(())
}
