//! 党务公开 in one run, on China's working calendar of 2026:
//!
//! 1. a branch's dues report taken from proposal through the review
//!    (保密审查) and the approval to publication, every step recorded;
//! 2. a classified item refused with content, kept as a placeholder, and
//!    seen by nobody outside the branch's officers;
//! 3. a pre-admission notice (发展党员公示) posted the Thursday before
//!    春节 2026: five working days run over the holiday and its adjusted
//!    working Saturday, an objection holds the admission vote until it is
//!    resolved, and the vote opens on the day after the period ends;
//! 4. the public feed (Atom) a portal's 党务公开 column would read.
//!
//! Run with `cargo run --example disclosure`.

use chrono::NaiveDate;
use dangjian::access::Actor;
use dangjian::clock::FixedClock;
use dangjian::disclosure::{
    Approve, Checks, Content, FeedInfo, Finding, ItemKind, Plan, ProposalForm, Propose, Publicity, Publish,
    Purpose, Reach, RecordObjection, ResolveObjection, ReviewItem, Scope, Title,
};
use dangjian::election::{MotionKind, OpenMotion};
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Entry, Registration};
use dangjian::office::{Appoint, Post};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::period::Counting;
use dangjian::service::PageRequest;
use dangjian::{Dangjian, Error as DjError, MemberId, OrgId, Session};
use std::error::Error;
use std::sync::Arc;

fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| format!("bad date {y}-{m}-{day}").into())
}

fn text(s: &str) -> Result<Content, Box<dyn Error>> {
    Ok(Content::new(s)?)
}

/// A full member of `home`, with the `seq`-th test identity number.
async fn member(
    admin: &Session,
    name: &str,
    seq: u32,
    home: OrgId,
    stage: ImportedStage,
) -> Result<MemberId, Box<dyn Error>> {
    let first17 = format!("11010519800101{seq:03}");
    let check = dangjian::member::check_character(&first17).ok_or("no check character")?;
    let reg =
        Registration::new(name.parse()?, format!("{first17}{check}").parse()?, home, Entry::Import(stage));
    Ok(admin.members().register_approved(reg).await?.id())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let clock = Arc::new(FixedClock::on_date(d(2026, 2, 9)?));
    let dj = Dangjian::builder().clock(clock.clone()).build();
    let admin = dj.act_as(&Actor::platform_admin());
    let committee = admin
        .orgs()
        .create(NewOrganisation::new("中共某某科技公司委员会".parse()?, OrgKind::GrassrootsCommittee))
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
    let full = || ImportedStage::Full {
        joined_on: NaiveDate::from_ymd_opt(2005, 7, 1).unwrap_or_default(),
        full_since: NaiveDate::from_ymd_opt(2006, 7, 1).unwrap_or_default(),
    };
    let li = member(&admin, "李明", 1, branch, full()).await?;
    let wang = member(&admin, "王芳", 2, branch, full()).await?;
    for (i, name) in ["张建国", "赵丽", "孙伟", "周强", "吴敏"].iter().enumerate() {
        member(&admin, name, 10 + u32::try_from(i)?, branch, full()).await?;
    }
    let target = member(
        &admin,
        "陈刚",
        30,
        branch,
        ImportedStage::DevelopmentTarget { since: d(2025, 1, 6)?, introducers: [li.into(), wang.into()] },
    )
    .await?;
    admin.offices().appoint(Appoint::new(branch, li, Post::Secretary).from(d(2024, 1, 1)?)).await?;
    let secretary = dj.act_as(&Actor::branch_officer(li, branch));
    let h = secretary.disclosure();

    println!("1. 党费收缴情况: proposal → review → approval → publication");
    let plan = Plan::new(Scope::Society, [Reach::PublicBoard, Reach::PublicInternet], d(2026, 2, 9)?)?;
    let req = Propose::disclosable(
        branch,
        ItemKind::Dues,
        Title::new("研发第一党支部2026年1月党费收缴情况")?,
        text("应缴党员7人，实缴7人，合计人民币386.50元，已全额上缴公司党委。")?,
        plan,
    );
    let item = h.propose(req).await?;
    h.review(ReviewItem::new(item.id(), Checks::passed())).await?;
    h.approve(Approve::new(item.id())).await?;
    let done = h.publish(Publish::new(item.id())).await?;
    for step in done.history() {
        let by = step.stamp.by.as_ref().map_or_else(|| "-".to_owned(), ToString::to_string);
        println!("   {} by {by} at {}", step.action.label_zh(), step.stamp.at);
    }

    println!("\n2. A classified item");
    let form: ProposalForm = serde_json::from_value(serde_json::json!({
        "org": branch.get(), "kind": "other", "title": "某涉密事项的办理情况",
        "class": "classified", "content": "（具体内容）", "scope": {"type": "society"},
    }))?;
    match Propose::try_from(form) {
        Err(e) => println!("   refused: {e}"),
        Ok(_) => return Err("a classified item with content was accepted".into()),
    }
    let secret =
        h.propose(Propose::classified(branch, ItemKind::Other, Title::new("某涉密事项的办理情况")?)).await?;
    println!(
        "   kept as a placeholder: {} ({:?}), content: {:?}",
        secret.title(),
        secret.class(),
        secret.content()
    );
    let seen = dj.act_as(&Actor::public()).disclosure().get(secret.id()).await;
    println!(
        "   the public asks for it: {}",
        seen.err().map_or_else(|| "shown!".to_owned(), |e| e.to_string())
    );

    println!("\n3. A pre-admission notice over 春节 2026");
    let posted = d(2026, 2, 12)?;
    clock.set_date(posted);
    let tree = dj.store().org_tree().await?;
    let cal = dj.rules().calendar.for_org(branch, &tree);
    let rule = dj.rules().disclosure.publicity.rule(Purpose::PreAdmission, posted)?.rules;
    let ends = rule.earliest_end(posted, cal)?;
    let civil = rule.counted(Counting::CivilCode).earliest_end(posted, cal)?;
    println!("   posted Thursday {posted}; 5 working days end {ends} (from the next day: {civil})");
    println!("   (2026-02-14 is a working Saturday; 2026-02-15 … 23 are 春节; 2026-02-28 works too)");
    let plan = Plan::new(Scope::OwnOrganisation, [Reach::BranchMeeting], posted)?.until(ends)?;
    let req = Propose::disclosable(
        branch,
        ItemKind::ElectionsAdmissionsAppraisal,
        Title::new("关于拟接收陈刚同志为中共预备党员的公示")?,
        text("经支部委员会研究，拟接收陈刚同志为中共预备党员。公示期间，如有意见，请向支部反映。")?,
        plan,
    )
    .notice(Publicity::new(Purpose::PreAdmission, [target])?);
    let notice = h.propose(req).await?.id();
    h.review(ReviewItem::new(notice, Checks::passed())).await?;
    h.approve(Approve::new(notice)).await?;
    h.publish(Publish::new(notice)).await?;
    clock.set_date(d(2026, 2, 24)?);
    h.object(RecordObjection::new(notice, d(2026, 2, 24)?, text("反映该同志工作中的有关情况")?)).await?;
    let motion = || OpenMotion::new(branch, MotionKind::Admission, target);
    clock.set_date(ends);
    if let Err(e) = secretary.votes().open_motion(motion()).await {
        println!("   {ends}: the admission vote is refused: {e}");
    }
    let next = ends.succ_opt().ok_or("no next day")?;
    clock.set_date(next);
    match secretary.votes().open_motion(motion()).await {
        Err(DjError::Disclosure(e)) => println!("   {next}: still refused: {e}"),
        other => return Err(format!("the objection did not hold the vote: {other:?}").into()),
    }
    h.resolve_objection(ResolveObjection::new(
        notice,
        1,
        Finding::Dismissed,
        text("经支部核查，反映情况不属实")?,
    ))
    .await?;
    let vote = secretary.votes().open_motion(motion()).await?;
    println!("   {next}: objection dismissed; the admission vote opens: {}", vote.id());

    println!("\n4. The public feed");
    let info = FeedInfo::new("https://dj.example.cn/feeds/public", "党务公开", "中共某某科技公司委员会")
        .link("https://dj.example.cn/gk");
    let xml = dj.act_as(&Actor::public()).disclosure().feed(&info).await?;
    println!("{xml}");
    let public = dj.act_as(&Actor::public()).disclosure().published(PageRequest::default()).await?;
    println!(
        "\nThe public sees {} item(s); the branch's officers list {}.",
        public.items.len(),
        h.list(branch, PageRequest::default()).await?.items.len()
    );
    Ok(())
}
