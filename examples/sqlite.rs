//! The embedded default: everything in one SQLite file.
//!
//! Builds an organisation, runs a month of dues and a branch committee
//! election, closes the file, reopens it, and shows that the state is the
//! same. Run with `cargo run --example sqlite --features sqlite`; pass a path
//! to keep the file somewhere else (default: the system's temp folder).

use chrono::NaiveDate;
use dangjian::access::Actor;
use dangjian::clock::FixedClock;
use dangjian::dues::{Income, IncomeDeclaration, Money, Month, PayAhead};
use dangjian::election::{AttendanceMode, BallotPaper, Body, ElectionBuilder, Mark, TermPlan};
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Entry, OccupationCategory, Registration};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::service::PaymentRequest;
use dangjian::{Dangjian, MemberId, OrgId};
use rand::SeedableRng;
use std::collections::BTreeMap;
use std::error::Error;
use std::sync::Arc;

fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| format!("bad date {y}-{m}-{day}").into())
}

fn id_number(n: u32) -> Result<dangjian::member::IdNumber, Box<dyn Error>> {
    let first17 = format!("4403051980{:04}{:03}", 101 + n % 28, n);
    let check = dangjian::member::identity::check_character(&first17).ok_or("bad digits")?;
    Ok(format!("{first17}{check}").parse()?)
}

async fn open(url: &str) -> Result<Dangjian, Box<dyn Error>> {
    let store = dangjian::adapters::connect(url).await?;
    Ok(Dangjian::new(
        store,
        Arc::new(FixedClock::on_date(d(2024, 6, 28)?)),
    ))
}

/// What the example compares before and after reopening the file.
async fn snapshot(
    dj: &Dangjian,
    committee: OrgId,
    branch: OrgId,
    vote: dangjian::election::VoteId,
) -> Result<String, Box<dyn Error>> {
    let officer = Actor::committee_officer(MemberId::new(0), committee);
    let secretary = Actor::branch_officer(MemberId::new(0), branch);
    let members = dj.subtree_members(&officer, committee).await?;
    let june: Month = "2024-06".parse()?;
    let report = dj.dues_report(&officer, branch, june).await?;
    let unpaid = dj
        .dues_unpaid_list(&officer, branch, d(2024, 6, 28)?)
        .await?;
    let count = dj.count_report(&secretary, vote).await?;
    let mut records = 0;
    for m in &members {
        records += dj.activity_record(&officer, m.id).await?.len();
    }
    Ok(format!(
        "{members:?}\n{report:?}\n{unpaid:?}\n{count}\nactivity entries: {records}"
    ))
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

    let admin = Actor::platform_admin();
    let org = |name: &str, kind, parent| -> Result<NewOrganisation, Box<dyn Error>> {
        Ok(NewOrganisation {
            name: name.parse()?,
            kind,
            parent,
        })
    };
    let committee = dj
        .create_org(
            &admin,
            org("某某制造公司党委", OrgKind::GrassrootsCommittee, None)?,
        )
        .await?
        .id;
    let branch = dj
        .create_org(
            &admin,
            org(
                "生产第一党支部",
                OrgKind::Branch(BranchForm::Physical),
                Some(committee),
            )?,
        )
        .await?
        .id;
    let officer = Actor::committee_officer(MemberId::new(0), committee);
    let treasurer = Actor::branch_treasurer(MemberId::new(0), branch);

    println!("== 9 members, each with a 2024 income declaration");
    let names = [
        "赵刚", "钱敏", "孙立", "李娜", "周涛", "吴倩", "郑凯", "王磊", "冯丽",
    ];
    let mut ids = Vec::new();
    let mut who = BTreeMap::new();
    for (n, name) in names.iter().enumerate() {
        let n = u32::try_from(n)?;
        let reg = Registration::new()
            .name(name.parse()?)
            .id_number(id_number(n)?)
            .occupation(OccupationCategory::InService)
            .home(branch)
            .entry(Entry::Import(ImportedStage::Full {
                joined_on: d(2005, 7, 1)?,
                full_since: d(2006, 7, 1)?,
            }));
        let m = dj.register(&officer, reg).await?;
        let m = dj.approve_registration(&officer, m.id).await?;
        let wage = Money::try_new(rust_decimal::Decimal::from(3000 + 1500 * i64::from(n)))?;
        let income = Income::Wage {
            monthly_wage: wage,
            income_tax: Money::ZERO,
            social_insurance: Money::from_fen(30_000),
            housing_fund: Money::from_fen(20_000),
            annuity: Money::ZERO,
            irregular: Money::ZERO,
        };
        let decl = IncomeDeclaration {
            from: "2024-01".parse()?,
            category: OccupationCategory::InService,
            income,
        };
        dj.declare_dues_income(&treasurer, m.id, decl).await?;
        ids.push(m.id);
        who.insert(m.id, *name);
    }

    println!("== 党费: assess June 2024 and record six payments");
    let june: Month = "2024-06".parse()?;
    let run = dj.assess_dues_month(&treasurer, branch, june).await?;
    for (k, e) in run.assessed.iter().take(6).enumerate() {
        if let dangjian::dues::LedgerEntryKind::Assessment { member, amount, .. } = &e.kind {
            let req = PaymentRequest {
                member: *member,
                payment_id: format!("WX20240620{k:04}").parse()?,
                amount: *amount,
                voluntary: Money::ZERO,
                received_on: d(2024, 6, 20)?,
                for_month: Some(june),
                pay_ahead: PayAhead::Monthly,
            };
            dj.record_dues_payment(&treasurer, req).await?;
            println!("  {} paid {amount}", who.get(member).unwrap_or(&"?"));
        }
    }
    let report = dj.dues_report(&officer, branch, june).await?;
    println!("  report: {report:?}");

    println!("== 选举: a branch committee of 3 from 4 candidates");
    let secretary = Actor::branch_officer(ids.first().copied().ok_or("no members")?, branch);
    let candidates: Vec<MemberId> = ids.iter().take(4).copied().collect();
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(3)
        .candidates(candidates.iter().copied())
        .term(TermPlan {
            years: 3,
            previous_elected_on: Some(d(2021, 6, 28)?),
            higher_approval: false,
        });
    let vote = dj
        .open_election(&secretary, branch, setup, &BTreeMap::new())
        .await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for (i, voter) in ids.iter().enumerate() {
        dj.check_in(&secretary, vote.id, *voter, AttendanceMode::InPerson)
            .await?;
        let skip = i % candidates.len();
        let paper = candidates
            .iter()
            .enumerate()
            .fold(BallotPaper::new(), |p, (k, c)| {
                p.mark(*c, if k == skip { Mark::No } else { Mark::Yes })
            });
        dj.cast(&Actor::member(*voter), vote.id, &paper, &mut rng)
            .await?;
    }
    dj.close_vote(&secretary, vote.id).await?;
    println!("{}", dj.count_report(&secretary, vote.id).await?);

    let before = snapshot(&dj, committee, branch, vote.id).await?;
    drop(dj);
    println!("== closed the file; reopening {url}");
    let reopened = open(&url).await?;
    let after = snapshot(&reopened, committee, branch, vote.id).await?;
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
