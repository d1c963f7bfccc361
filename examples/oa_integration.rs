//! Day one of an OA integration, on one SQLite file: a committee with two
//! branches and an online branch, a roster of 10 imported with its history,
//! a conversion, a month of dues (one gateway payment delivered twice), a
//! branch-committee election, and the same state after reopening the file.
//! `cargo run --example oa_integration --features sqlite`
use dangjian::prelude::*;
use std::{error::Error, sync::Arc};

type R<T> = Result<T, Box<dyn Error>>;

fn day(s: &str) -> R<chrono::NaiveDate> {
    Ok(s.parse()?)
}

async fn open(url: &str) -> R<Dangjian> {
    let clock = Arc::new(FixedClock::on_date(day("2024-06-28")?));
    let store = connect(url).await?;
    Ok(Dangjian::builder().store(store).clock(clock).build())
}

/// What must survive closing the file: the roster, the June report, the count.
async fn state(dj: &Dangjian, committee: OrgId, vote: VoteId) -> R<String> {
    let s = dj.act_as(&Actor::committee_officer(None, committee));
    let roster = s.members().list_in(committee, PageRequest::default()).await?;
    let report = s.dues().report(committee, "2024-06".parse()?).await?;
    let count = s.votes().count_report(vote).await?;
    Ok(format!("{:?}\n{report:?}\n{count}", roster.items))
}

/// An OA roster line: a name, an identity number, and when the person
/// joined (the last one is still on probation).
fn roster_line(n: usize, name: &str, home: OrgId, web: OrgId) -> R<RosterRow> {
    let first17 = format!("44030519800101{:03}", 101 + n);
    let check = dangjian::member::check_character(&first17).ok_or("digits")?;
    let id = IdNumber::parse_lenient(&format!("{first17}{check}"))?;
    let stage = match n {
        9 => ImportedStage::probationary(day("2023-06-20")?),
        _ => ImportedStage::full(day("2005-07-01")?, day("2006-07-01")?),
    };
    // Home branch since a transfer in 2019; online branch joined in 2016.
    let row = RosterRow::new(name.parse()?, id, home, day("2019-03-01")?, stage);
    Ok(if n < 3 { row.online(web, day("2016-05-04")?) } else { row })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> R<()> {
    let path = std::env::temp_dir().join(format!("dangjian-oa-{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let dj = open(&url).await?;
    let orgs = dj.act_as(&Actor::platform_admin());
    let orgs = orgs.orgs();
    let new = |name: &str, kind| -> R<NewOrganisation> { Ok(NewOrganisation::new(name.parse()?, kind)) };
    let c = orgs.create(new("集团党委", OrgKind::GrassrootsCommittee)?).await?.id;
    let physical = OrgKind::Branch(BranchForm::Physical);
    let rd = orgs.create(new("研发党支部", physical.clone())?.under(c)).await?.id;
    let plant = orgs.create(new("生产党支部", physical)?.under(c)).await?.id;
    let online = OrgKind::Branch(BranchForm::Online { theme: OnlineTheme::MobileMembers });
    let web = orgs.create(new("流动党员网上党支部", online)?.under(c)).await?.id;

    let names = ["赵刚", "钱敏", "孙立", "李娜", "周涛", "吴倩", "郑凯", "王磊", "冯丽", "陈晨"];
    let mut rows = Vec::new();
    for (n, name) in names.iter().enumerate() {
        rows.push(roster_line(n, name, if n < 8 { rd } else { plant }, web)?);
    }
    let officer = dj.act_as(&Actor::committee_officer(None, c));
    let members = officer.members();
    let imported = members.import(ImportRoster::new(rows.clone()).approved()).await?;
    let again = members.import(ImportRoster::new(rows).approved()).await?;
    let ids: Vec<MemberId> = imported.created.iter().map(|m| m.id()).collect();
    println!("imported {}; again: {} unchanged", ids.len(), again.unchanged.len());

    // 陈晨's probation ended on 2024-06-20: the branch converts her.
    let convert = Transition::new(ids[9], TransitionRequest::Convert { on: day("2024-06-21")? });
    let chen = officer.lifecycle().transition(convert).await?;
    println!("{} is now {:?}", names[9], chen.stage());

    // A month of dues; the gateway delivers one payment twice.
    let (dues, june): (_, Month) = (officer.dues(), "2024-06".parse()?);
    for (n, m) in ids.iter().enumerate() {
        let wage = Income::wage(Money::try_from_fen(500_000 + 50_000 * i64::try_from(n)?)?);
        dues.declare_income(DeclareIncome::new(*m, "2024-01".parse()?, wage)).await?;
    }
    dues.assess_month(AssessMonth::new(c, june)).await?;
    let due = dues.explain(ids[0], june).await?.amount;
    let pay = PaymentRequest::new(ids[0], "WX2024062800001".parse()?, due, day("2024-06-28")?);
    for _ in 0..2 {
        match dues.record_payment(pay.clone()).await? {
            PaymentOutcome::AlreadyRecorded { .. } => println!("the retry changed nothing"),
            _ => println!("{} paid {due}", names[0]),
        }
    }

    // 研发党支部 elects a committee of 3 from 4; its 8 full members vote.
    let secretary = dj.act_as(&Actor::branch_officer(ids[0], rd));
    let (votes, candidates) = (secretary.votes(), &ids[..4]);
    let setup = ElectionBuilder::new().body(Body::BranchCommittee).seats(3);
    let setup = setup.candidates(candidates.to_vec());
    let vote = votes.open_election(OpenElection::new(rd, setup)).await?.id();
    for (i, voter) in ids[..8].iter().enumerate() {
        votes.check_in(CheckIn::new(vote, *voter, AttendanceMode::InPerson)).await?;
        let mut paper = BallotPaper::new();
        for (k, cand) in candidates.iter().enumerate() {
            paper = paper.mark(*cand, if k == 3 && i < 6 { Mark::No } else { Mark::Yes });
        }
        dj.act_as(&Actor::member(*voter)).votes().cast(Cast::new(vote, paper)).await?;
    }
    votes.close(vote).await?;
    println!("{}", votes.count_report(vote).await?);

    let before = state(&dj, c, vote).await?;
    drop(dj);
    let after = state(&open(&url).await?, c, vote).await?;
    if before != after {
        return Err("the reopened file differs".into());
    }
    println!("reopened {}: the same state", path.display());
    Ok(())
}
