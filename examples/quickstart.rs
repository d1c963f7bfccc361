//! Quickstart: an organisation in memory, one person from application to
//! full membership under the real time guards, and a mobile member's
//! activity record seen from two organisations.
//!
//! Run with `cargo run --example quickstart`.

use chrono::NaiveDate;
use dangjian::access::Actor;
use dangjian::clock::{Clock, FixedClock};
use dangjian::lifecycle::{ImportedStage, Training, Transition, TransitionRequest};
use dangjian::member::{
    ChangeMembership, Entry, MembershipKind, MembershipRequest, OccupationCategory, Registration,
};
use dangjian::org::{BranchForm, NewOrganisation, OnlineTheme, OrgKind};
use dangjian::record::{AppendActivity, Appendable};
use dangjian::service::PageRequest;
use dangjian::store::MemoryStore;
use dangjian::{Dangjian, MemberId, OrgId, Session};
use std::error::Error;
use std::sync::Arc;

fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| format!("bad date {y}-{m}-{day}").into())
}

/// A valid identity number (GB 11643) for a birth date and sequence.
fn id_number(region: &str, birth: &str, seq: &str) -> Result<dangjian::member::IdNumber, Box<dyn Error>> {
    let first17 = format!("{region}{birth}{seq}");
    let check = dangjian::member::check_character(&first17).ok_or("bad digits")?;
    Ok(format!("{first17}{check}").parse()?)
}

async fn org(s: &Session, name: &str, kind: OrgKind, parent: Option<OrgId>) -> Result<OrgId, Box<dyn Error>> {
    let new = NewOrganisation::new(name.parse()?, kind);
    let new = match parent {
        Some(p) => new.under(p),
        None => new,
    };
    let o = s.orgs().create(new).await?;
    println!("  建立 {} {} ({})", o.kind.label_zh(), o.name, o.id);
    Ok(o.id)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let clock = Arc::new(FixedClock::on_date(d(2023, 1, 5)?));
    let dj = Dangjian::builder().store(Arc::new(MemoryStore::new())).clock(clock.clone()).build();
    let admin = dj.act_as(&Actor::platform_admin());

    println!("== 组织体系 (organisation tree)");
    let physical = || OrgKind::Branch(BranchForm::Physical);
    let committee = org(&admin, "某某科技公司党委", OrgKind::GrassrootsCommittee, None).await?;
    let general = org(&admin, "研发中心党总支", OrgKind::GeneralBranch, Some(committee)).await?;
    let branch_a = org(&admin, "研发第一党支部", physical(), Some(general)).await?;
    let branch_b = org(&admin, "研发第二党支部", physical(), Some(general)).await?;
    let online = org(
        &admin,
        "流动党员网上党支部",
        OrgKind::Branch(BranchForm::Online { theme: OnlineTheme::MobileMembers }),
        Some(committee),
    )
    .await?;
    let shenzhen = org(&admin, "深圳软件园联合党支部", physical(), None).await?;

    let committee_officer = dj.act_as(&Actor::committee_officer(MemberId::new(0), committee));
    let secretary_a = dj.act_as(&Actor::branch_officer(MemberId::new(0), branch_a));

    println!("\n== 党员登记 (registration): two full members to act as introducers");
    let mut introducers = Vec::new();
    for (name, seq) in [("李明", "001"), ("王芳", "002")] {
        let reg = Registration::new(
            name.parse()?,
            id_number("110105", "19800101", seq)?,
            branch_a,
            Entry::Import(ImportedStage::Full { joined_on: d(2005, 7, 1)?, full_since: d(2006, 7, 1)? }),
        )
        .occupation(OccupationCategory::InService);
        let m = secretary_a.members().register(reg).await?;
        let m = committee_officer.members().approve(m.id()).await?;
        println!(
            "  {} {:?} card {}",
            m.identity().name.as_str(),
            m.identity().id_number,
            m.card().map(|c| c.as_str()).unwrap_or("-")
        );
        introducers.push(m.id());
    }
    let introducers = [introducers[0], introducers[1]];

    println!("\n== 入党 (from application to full membership)");
    clock.set_date(d(2023, 3, 1)?);
    let reg = Registration::new(
        "张晓红".parse()?,
        id_number("370724", "20000315", "022")?,
        branch_a,
        Entry::Application { on: d(2023, 3, 1)? },
    )
    .mobile("13800138000".parse()?)
    .email("zhangxh@example.com".parse()?)
    .employee_no("E2023001".parse()?);
    let applicant = secretary_a.members().register(reg).await?;
    committee_officer.members().approve(applicant.id()).await?;
    println!(
        "  2023-03-01 递交入党申请书 ({:?}, born {})",
        applicant.identity().id_number,
        applicant.identity().birth_date()
    );

    clock.set_date(d(2023, 4, 10)?);
    let lifecycle = secretary_a.lifecycle();
    let transition = |request| Transition::new(applicant.id(), request);
    lifecycle.transition(transition(TransitionRequest::BecomeActivist { on: d(2023, 4, 10)? })).await?;
    println!("  2023-04-10 确定为入党积极分子");

    clock.set_date(d(2024, 4, 9)?);
    let early = TransitionRequest::BecomeDevelopmentTarget { on: d(2024, 4, 9)?, introducers };
    match lifecycle.transition(transition(early)).await {
        Err(e) => println!("  2024-04-09 列为发展对象? refused: {e}"),
        Ok(_) => return Err("the activist year was not enforced".into()),
    }
    clock.set_date(d(2024, 4, 10)?);
    let on_time = TransitionRequest::BecomeDevelopmentTarget { on: d(2024, 4, 10)?, introducers };
    lifecycle.transition(transition(on_time)).await?;
    println!(
        "  2024-04-10 列为发展对象 (one full year as activist; introducers {} and {})",
        introducers[0], introducers[1]
    );

    clock.set_date(d(2024, 7, 1)?);
    let admit = TransitionRequest::Admit {
        resolution_on: d(2024, 6, 14)?,
        approved_on: d(2024, 7, 1)?,
        special_case: false,
        political_review_on: d(2024, 5, 20)?,
        training: Training { days: 3, class_hours: 24 },
        notice_posted_on: d(2024, 6, 3)?,
    };
    let m = lifecycle.transition(transition(admit)).await?;
    println!(
        "  2024-06-14 支部大会接收为预备党员 (notice 06-03..06-07), approved 07-01; probation ends {}",
        m.lifecycle().probation_end().map(|d| d.to_string()).unwrap_or_default()
    );

    clock.set_date(d(2025, 6, 13)?);
    match lifecycle.transition(transition(TransitionRequest::Convert { on: d(2025, 6, 13)? })).await {
        Err(e) => println!("  2025-06-13 转正? refused: {e}"),
        Ok(_) => return Err("the probation year was not enforced".into()),
    }
    clock.set_date(d(2025, 6, 20)?);
    let m = lifecycle.transition(transition(TransitionRequest::Convert { on: d(2025, 6, 20)? })).await?;
    println!(
        "  2025-06-20 转为正式党员; 党龄 counts from {}",
        m.lifecycle().full_since().map(|d| d.to_string()).unwrap_or_default()
    );

    println!("\n== 流动党员 (a mobile member, seen from two organisations)");
    let today = clock.today();
    let member = introducers[1];
    for request in [
        MembershipRequest::Join { org: shenzhen, kind: MembershipKind::MobileLocation, on: today },
        MembershipRequest::Join { org: online, kind: MembershipKind::Online, on: today },
    ] {
        secretary_a.members().change_membership(ChangeMembership::new(member, request)).await?;
    }
    let shenzhen_secretary = dj.act_as(&Actor::branch_officer(MemberId::new(0), shenzhen));
    shenzhen_secretary
        .records()
        .append(AppendActivity::new(
            member,
            today,
            Appendable::OnlineCheckIn { place: "深圳软件园党群服务中心".into() },
        ))
        .await?;
    shenzhen_secretary
        .records()
        .append(AppendActivity::new(
            member,
            today,
            Appendable::VolunteerService { hours: "3".parse()?, description: "社区义务植树".into() },
        ))
        .await?;
    for (who, session) in
        [("home committee", &committee_officer), ("current location 深圳", &shenzhen_secretary)]
    {
        let entries = session.records().list(member, PageRequest::default()).await?.items;
        println!("  seen by {who}: {} entries", entries.len());
        for e in &entries {
            println!(
                "    {} {} (recorded by {})",
                e.occurred_on,
                e.activity.label_zh(),
                e.recorded_by.map(|o| o.to_string()).unwrap_or("self".into())
            );
        }
    }
    let attempt = MembershipRequest::TransferHome { to: shenzhen, on: today };
    let refused =
        shenzhen_secretary.members().change_membership(ChangeMembership::new(member, attempt)).await;
    println!(
        "  深圳 tries to take over the home membership: {}",
        refused.err().map(|e| e.to_string()).unwrap_or("ALLOWED (bug)".into())
    );
    let other_branch = dj.act_as(&Actor::branch_officer(MemberId::new(0), branch_b));
    let refused = other_branch.records().list(member, PageRequest::default()).await;
    println!(
        "  a neighbouring branch reads the record (outside its scope, answered as missing): {}",
        refused.err().map(|e| e.to_string()).unwrap_or("ALLOWED (bug)".into())
    );

    println!("\n== 一人一档: the same identity number twice");
    let dup = Registration::new(
        "李明".parse()?,
        id_number("110105", "19800101", "001")?,
        branch_b,
        Entry::Import(ImportedStage::Full { joined_on: d(2005, 7, 1)?, full_since: d(2006, 7, 1)? }),
    );
    let refused = committee_officer.members().register(dup).await;
    println!("  {}", refused.err().map(|e| e.to_string()).unwrap_or("ALLOWED (bug)".into()));

    println!("\n== 组织设置检查 (structure findings)");
    for f in committee_officer.orgs().structure_report(committee).await? {
        println!("  {f:?}");
    }
    println!("\n== history of {}", applicant.identity().name.as_str());
    for h in secretary_a.members().get(applicant.id()).await?.lifecycle().history() {
        println!("  {} {} → {}", h.on, h.from.map_or("(none)", |s| s.label_zh()), h.to.label_zh());
    }
    Ok(())
}
