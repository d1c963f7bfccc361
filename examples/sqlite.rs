//! The embedded default: everything in one SQLite file.
//!
//! Builds an organisation, runs a month of dues and a branch committee
//! election, closes the file, reopens it, and shows that the state is the
//! same. Run with `cargo run --example sqlite --features sqlite`; pass a path
//! to keep the file somewhere else (default: the system's temp folder).

use chrono::NaiveDate;
use dangjian::access::Actor;
use dangjian::clock::FixedClock;
use dangjian::dues::{AssessMonth, DeclareIncome, Income, Money, Month, PaymentRequest};
use dangjian::election::{
    AttendanceMode, BallotPaper, Body, Cast, CheckIn, ElectionBuilder, Mark, OpenElection, TermPlan,
};
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Entry, OccupationCategory, Registration};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::service::PageRequest;
use dangjian::{Dangjian, MemberId, OrgId};
use std::collections::BTreeMap;
use std::error::Error;
use std::sync::Arc;

fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| format!("bad date {y}-{m}-{day}").into())
}

fn id_number(n: u32) -> Result<dangjian::member::IdNumber, Box<dyn Error>> {
    let first17 = format!("4403051980{:04}{:03}", 101 + n % 28, n);
    let check = dangjian::member::check_character(&first17).ok_or("bad digits")?;
    Ok(format!("{first17}{check}").parse()?)
}

async fn open(url: &str) -> Result<Dangjian, Box<dyn Error>> {
    let store = dangjian::adapters::connect(url).await?;
    Ok(Dangjian::builder().store(store).clock(Arc::new(FixedClock::on_date(d(2024, 6, 28)?))).build())
}

/// What the example compares before and after reopening the file.
async fn snapshot(
    dj: &Dangjian,
    committee: OrgId,
    branch: OrgId,
    vote: dangjian::election::VoteId,
) -> Result<String, Box<dyn Error>> {
    let officer = dj.act_as(&Actor::committee_officer(MemberId::new(0), committee));
    let secretary = dj.act_as(&Actor::branch_officer(MemberId::new(0), branch));
    let members = officer.members().list_in(committee, PageRequest::default()).await?.items;
    let june: Month = "2024-06".parse()?;
    let report = officer.dues().report(branch, june).await?;
    let unpaid = officer.dues().unpaid(branch, Month::of(d(2024, 6, 28)?)).await?;
    let count = secretary.votes().count_report(vote).await?;
    let mut records = 0;
    for m in &members {
        records += officer.records().list(m.id(), PageRequest::default()).await?.items.len();
    }
    Ok(format!("{members:?}\n{report:?}\n{unpaid:?}\n{count}\nactivity entries: {records}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("dangjian-example.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite://{}", path.display());
    println!("== opening {url}");
    let dj = open(&url).await?;

    let admin = dj.act_as(&Actor::platform_admin());
    let committee = admin
        .orgs()
        .create(NewOrganisation::new("某某制造公司党委".parse()?, OrgKind::GrassrootsCommittee))
        .await?
        .id;
    let branch = admin
        .orgs()
        .create(
            NewOrganisation::new("生产第一党支部".parse()?, OrgKind::Branch(BranchForm::Physical))
                .under(committee),
        )
        .await?
        .id;
    let officer = dj.act_as(&Actor::committee_officer(MemberId::new(0), committee));
    let treasurer = dj.act_as(&Actor::branch_treasurer(MemberId::new(0), branch));

    println!("== 9 members, each with a 2024 income declaration");
    let names = ["赵刚", "钱敏", "孙立", "李娜", "周涛", "吴倩", "郑凯", "王磊", "冯丽"];
    let mut ids = Vec::new();
    let mut who = BTreeMap::new();
    for (n, name) in names.iter().enumerate() {
        let n = u32::try_from(n)?;
        let reg = Registration::new(
            name.parse()?,
            id_number(n)?,
            branch,
            Entry::Import(ImportedStage::Full { joined_on: d(2005, 7, 1)?, full_since: d(2006, 7, 1)? }),
        )
        .occupation(OccupationCategory::InService);
        let m = officer.members().register(reg).await?;
        let m = officer.members().approve(m.id()).await?;
        let wage = Money::try_new(rust_decimal::Decimal::from(3000 + 1500 * i64::from(n)))?;
        let income = Income::Wage {
            monthly_wage: wage,
            income_tax: Money::ZERO,
            social_insurance: Money::from_fen(30_000),
            housing_fund: Money::from_fen(20_000),
            annuity: Money::ZERO,
            irregular: Money::ZERO,
        };
        treasurer.dues().declare_income(DeclareIncome::new(m.id(), "2024-01".parse()?, income)).await?;
        ids.push(m.id());
        who.insert(m.id(), *name);
    }

    println!("== 党费: assess June 2024 and record six payments");
    let june: Month = "2024-06".parse()?;
    let run = treasurer
        .dues()
        .assess_month(AssessMonth::new(branch, june))
        .await?
        .into_iter()
        .next()
        .ok_or("no assessment run for the branch")?;
    for (k, e) in run.assessed.iter().take(6).enumerate() {
        if let dangjian::dues::LedgerEntryKind::Assessment { member, amount, .. } = &e.kind {
            let req =
                PaymentRequest::new(*member, format!("WX20240620{k:04}").parse()?, *amount, d(2024, 6, 20)?)
                    .for_month(june);
            treasurer.dues().record_payment(req).await?;
            println!("  {} paid {amount}", who.get(member).unwrap_or(&"?"));
        }
    }
    let report = officer.dues().report(branch, june).await?;
    println!("  report: {report:?}");

    println!("== 选举: a branch committee of 3 from 4 candidates");
    let secretary = dj.act_as(&Actor::branch_officer(ids.first().copied().ok_or("no members")?, branch));
    let candidates: Vec<MemberId> = ids.iter().take(4).copied().collect();
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(3)
        .candidates(candidates.iter().copied())
        .term(TermPlan { years: 3, previous_elected_on: Some(d(2021, 6, 28)?), higher_approval: false });
    let vote = secretary.votes().open_election(OpenElection::new(branch, setup)).await?;
    for (i, voter) in ids.iter().enumerate() {
        secretary.votes().check_in(CheckIn::new(vote.id(), *voter, AttendanceMode::InPerson)).await?;
        let skip = i % candidates.len();
        let paper = candidates
            .iter()
            .enumerate()
            .fold(BallotPaper::new(), |p, (k, c)| p.mark(*c, if k == skip { Mark::No } else { Mark::Yes }));
        dj.act_as(&Actor::member(*voter)).votes().cast(Cast::new(vote.id(), paper)).await?;
    }
    secretary.votes().close(vote.id()).await?;
    println!("{}", secretary.votes().count_report(vote.id()).await?);

    let before = snapshot(&dj, committee, branch, vote.id()).await?;
    drop((admin, officer, treasurer, secretary));
    drop(dj);
    println!("== closed the file; reopening {url}");
    let reopened = open(&url).await?;
    let after = snapshot(&reopened, committee, branch, vote.id()).await?;
    if before != after {
        return Err("the reopened file differs".into());
    }
    println!(
        "  the same state: {} members, the same dues report and unpaid list, the same count report ({} bytes compared)",
        ids.len(),
        after.len()
    );
    println!("  the file stays at {}", path.display());
    Ok(())
}
