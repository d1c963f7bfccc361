//! A branch committee election (支部委员会换届选举) end to end: the roll
//! drawn from memberships and the lifecycle on the day, check-in, secret
//! ballots with receipts, closing, and the count report (计票报告) under the
//! 2020 counting rules.
//!
//! Run with `cargo run --example election`.

use chrono::NaiveDate;
use dangjian::access::Actor;
use dangjian::clock::FixedClock;
use dangjian::election::{
    AttendanceMode, BallotPaper, Body, Cast, CheckIn, ElectionBuilder, Mark, OpenElection, TermPlan, VoteKind,
};
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Entry, Registration};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::store::MemoryStore;
use dangjian::{Dangjian, MemberId};
use std::collections::BTreeMap;
use std::error::Error;
use std::sync::Arc;

fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| format!("bad date {y}-{m}-{day}").into())
}

fn id_number(n: u32) -> Result<dangjian::member::IdNumber, Box<dyn Error>> {
    let first17 = format!("3301061975{:04}{:03}", 101 + n % 28, n);
    let check = dangjian::member::check_character(&first17).ok_or("bad digits")?;
    Ok(format!("{first17}{check}").parse()?)
}

const NAMES: [&str; 12] =
    ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴敏", "徐涛", "孙悦"];

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let clock = Arc::new(FixedClock::on_date(d(2024, 6, 28)?));
    let dj = Dangjian::builder().store(Arc::new(MemoryStore::new())).clock(clock).build();
    let admin = dj.act_as(&Actor::platform_admin());
    let committee = admin
        .orgs()
        .create(NewOrganisation::new("某某科技公司党委".parse()?, OrgKind::GrassrootsCommittee))
        .await?;
    let branch = admin
        .orgs()
        .create(
            NewOrganisation::new("研发第一党支部".parse()?, OrgKind::Branch(BranchForm::Physical))
                .under(committee.id),
        )
        .await?;
    let organiser = dj.act_as(&Actor::committee_officer(MemberId::new(10_000), committee.id));

    println!("== 党员 (members of {})", branch.name);
    let mut names = BTreeMap::new();
    let mut ids = Vec::new();
    for (n, name) in NAMES.iter().enumerate() {
        let n = u32::try_from(n)?;
        let stage = if n == 11 {
            ImportedStage::Probationary {
                resolution_on: d(2024, 1, 10)?,
                probation_end: None,
                extended: false,
            }
        } else {
            ImportedStage::Full {
                joined_on: d(2000 + i32::try_from(n)?, 7, 1)?,
                full_since: d(2001 + i32::try_from(n)?, 7, 1)?,
            }
        };
        let reg = Registration::new(name.parse()?, id_number(n)?, branch.id, Entry::Import(stage));
        let m = organiser.members().register(reg).await?;
        let m = organiser.members().approve(m.id()).await?;
        println!("  {} {} ({})", m.id(), name, m.stage());
        names.insert(m.id(), *name);
        ids.push(m.id());
    }
    let secretary = dj.act_as(&Actor::branch_officer(ids.first().copied().ok_or("no members")?, branch.id));

    println!("\n== 选举设置 (set-up): 支部委员会, 5 seats, 6 candidates (差额)");
    let candidates: Vec<MemberId> = ids.iter().take(6).copied().collect();
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(5)
        .candidates(candidates.iter().copied())
        .term(TermPlan { years: 3, previous_elected_on: Some(d(2021, 6, 28)?), higher_approval: false });
    let vote = secretary.votes().open_election(OpenElection::new(branch.id, setup)).await?;
    println!(
        "  {}: 应到 {} 人; 无选举权: {}",
        vote.id(),
        vote.roll().entitled_count(),
        vote.roll()
            .not_entitled
            .iter()
            .map(|(m, r)| format!("{m} {}（{r}）", names.get(m).unwrap_or(&"?")))
            .collect::<Vec<_>>()
            .join("、")
    );
    let VoteKind::Election(s) = vote.kind() else {
        return Err("not an election".into());
    };
    println!("  计票规则版本: {}", s.rule_version);

    println!("\n== 签到与投票 (check-in and secret ballots)");
    let voters: Vec<MemberId> = ids.iter().take(10).copied().collect(); // 徐涛 is absent
    for v in &voters {
        secretary.votes().check_in(CheckIn::new(vote.id(), *v, AttendanceMode::InPerson)).await?;
    }
    let c = |i: usize| candidates.get(i).copied().ok_or("no such candidate");
    let mut receipts = Vec::new();
    for (i, voter) in voters.iter().enumerate() {
        let paper = match i {
            0..=5 => (0..5).try_fold(BallotPaper::new(), |p, k| c(k).map(|m| p.mark(m, Mark::Yes)))?,
            6 | 7 => BallotPaper::new()
                .mark(c(0)?, Mark::Yes)
                .mark(c(1)?, Mark::Yes)
                .mark(c(2)?, Mark::Yes)
                .mark(c(3)?, Mark::No)
                .mark(c(5)?, Mark::Yes),
            // Six yes marks for five seats: an invalid ballot.
            8 => (0..6).try_fold(BallotPaper::new(), |p, k| c(k).map(|m| p.mark(m, Mark::Yes)))?,
            // Two yes marks and a write-in (另选他人).
            _ => BallotPaper::new()
                .mark(c(0)?, Mark::Yes)
                .mark(c(1)?, Mark::Yes)
                .write_in(ids.get(6).copied().ok_or("no member")?),
        };
        let me = dj.act_as(&Actor::member(*voter));
        receipts.push(me.votes().cast(Cast::new(vote.id(), paper)).await?);
    }
    println!("  {} ballots cast; each voter keeps a receipt", receipts.len());
    let first = dj.act_as(&Actor::member(voters.first().copied().ok_or("no voter")?));
    let again = first.votes().cast(Cast::new(vote.id(), BallotPaper::new())).await;
    println!("  a second ballot is refused: {}", again.err().map(|e| e.to_string()).unwrap_or_default());

    secretary.votes().close(vote.id()).await?;
    let report = secretary.votes().count_report(vote.id()).await?;
    println!("\n== 计票报告 (count report)\n{report}");
    println!("姓名对照:");
    for l in report.lines() {
        println!("  {} {}", l.member, names.get(&l.member).unwrap_or(&"?"));
    }

    let me = voters.get(3).copied().ok_or("no voter")?;
    let receipt = receipts.get(3).ok_or("no receipt")?;
    let found = dj.act_as(&Actor::member(me)).votes().verify_receipt(receipt, None).await?;
    println!(
        "\n== 回执查验: {} finds code {}… in the published list: {found}",
        names.get(&me).unwrap_or(&"?"),
        receipt.code.to_string().get(..16).unwrap_or_default()
    );
    Ok(())
}
