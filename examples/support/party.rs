//! The organisation the channel examples broadcast to: a company's Party
//! committee (某某科技公司党委) with two branches, its committee members,
//! ordinary members, and members of a partner unit who are dual-managed
//! (双重管理) by the first branch. Included by `examples/wecom.rs` and
//! `examples/sms.rs` with `#[path]`; each example runs alone.

use chrono::NaiveDate;
use dangjian::access::Actor;
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{ChangeMembership, Entry, ImIds, MembershipKind, MembershipRequest, Registration};
use dangjian::notify::{Broadcast, Category, Selection};
use dangjian::office::{Appoint, Post};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::{Dangjian, MemberId, OrgId};
use std::error::Error;

/// What the examples need to know about the organisation.
pub struct Party {
    /// 党委: the sending organisation.
    pub committee: OrgId,
    /// Every member, with their name.
    pub members: Vec<(MemberId, String)>,
}

/// One person of the fixture: a name, a WeCom id, a mobile number.
struct Person {
    name: &'static str,
    wecom: Option<&'static str>,
    mobile: Option<&'static str>,
}

const fn p(name: &'static str, wecom: Option<&'static str>, mobile: Option<&'static str>) -> Person {
    Person { name, wecom, mobile }
}

/// Office holders (班子成员): the two branches' secretaries.
const COMMITTEE: [Person; 2] =
    [p("李明", Some("liming"), Some("13800138001")), p("王芳", Some("wangfang"), Some("13800138002"))];
/// Ordinary members (普通党员) of the two branches; 周强 has no WeCom id,
/// and 吴敏's WeCom account has left the company.
const ORDINARY: [Person; 8] = [
    p("张建国", Some("zhangjianguo"), Some("13800138003")),
    p("赵丽", Some("zhaoli"), Some("13800138004")),
    p("孙伟", Some("sunwei"), Some("13800138005")),
    p("周强", None, Some("13800138006")),
    p("吴敏", Some("wumin-left"), Some("13800138007")),
    p("郑华", Some("zhenghua"), Some("13800138008")),
    p("钱磊", Some("qianlei"), Some("13800138009")),
    p("冯静", Some("fengjing"), None),
];
/// Members of the partner unit, dual-managed by the first branch.
const DUAL: [Person; 2] =
    [p("陈刚", Some("chengang"), Some("13900139001")), p("林雪", Some("linxue"), Some("13900139002"))];

fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| format!("bad date {y}-{m}-{day}").into())
}

fn id_number(seq: u32) -> Result<dangjian::member::IdNumber, Box<dyn Error>> {
    let first17 = format!("11010519800101{seq:03}");
    let check = dangjian::member::check_character(&first17).ok_or("bad digits")?;
    Ok(format!("{first17}{check}").parse()?)
}

/// Creates the organisations and members in `dj`'s store.
pub async fn build(dj: &Dangjian) -> Result<Party, Box<dyn Error>> {
    let admin = dj.act_as(&Actor::platform_admin());
    let org = |name: &str, kind| -> Result<NewOrganisation, Box<dyn Error>> {
        Ok(NewOrganisation::new(name.parse()?, kind))
    };
    let committee = admin.orgs().create(org("某某科技公司党委", OrgKind::GrassrootsCommittee)?).await?.id;
    let branch = |name| org(name, OrgKind::Branch(BranchForm::Physical));
    let first = admin.orgs().create(branch("研发第一党支部")?.under(committee)).await?.id;
    let second = admin.orgs().create(branch("市场党支部")?.under(committee)).await?.id;
    let partner_committee = admin.orgs().create(org("合作单位党委", OrgKind::GrassrootsCommittee)?).await?.id;
    let partner = admin.orgs().create(branch("合作单位党支部")?.under(partner_committee)).await?.id;
    let officer = dj.act_as(&Actor::committee_officer(MemberId::new(0), committee));
    let partner_officer = dj.act_as(&Actor::committee_officer(MemberId::new(0), partner_committee));
    let mut members = Vec::new();
    let mut seq = 0;
    let groups: [(&[Person], OrgId); 5] = [
        (&COMMITTEE[..1], first),
        (&COMMITTEE[1..], second),
        (&ORDINARY[..5], first),
        (&ORDINARY[5..], second),
        (&DUAL, partner),
    ];
    for (people, home) in groups {
        for person in people {
            seq += 1;
            let mut reg = Registration::new(
                person.name.parse()?,
                id_number(seq)?,
                home,
                Entry::Import(ImportedStage::Full { joined_on: d(2010, 7, 1)?, full_since: d(2011, 7, 1)? }),
            );
            if let Some(m) = person.mobile {
                reg = reg.mobile(m.parse()?);
            }
            reg = reg.im(ImIds { wecom: person.wecom.map(str::to_owned), ..ImIds::default() });
            let registering = if home == partner { &partner_officer } else { &officer };
            let m = registering.members().register(reg).await?;
            let m = registering.members().approve(m.id()).await?;
            members.push((m.id(), person.name.to_owned()));
        }
    }
    // The branches' secretaries: the subtree's office holders (班子成员).
    for (n, branch) in [(0, first), (1, second)] {
        officer.offices().appoint(Appoint::new(branch, members[n].0, Post::Secretary)).await?;
    }
    // The partner unit's members are dual-managed by the first branch.
    for (id, _) in &members[members.len() - DUAL.len()..] {
        let join = MembershipRequest::Join {
            org: first,
            kind: MembershipKind::DualManagement,
            on: dj.clock().today(),
        };
        partner_officer.members().change_membership(ChangeMembership::new(*id, join)).await?;
    }
    Ok(Party { committee, members })
}

/// The three category broadcasts of one notice (按类别群发).
pub fn broadcasts(party: &Party, key: &str, text: &str) -> Vec<(&'static str, Broadcast)> {
    [
        ("班子成员", Category::CommitteeMembers),
        ("普通党员", Category::Ordinary),
        ("双重管理党员", Category::DualManaged),
    ]
    .into_iter()
    .map(|(label, category)| {
        let select = Selection::Category { root: party.committee, category };
        (label, Broadcast::new(party.committee, format!("{key}-{category:?}"), select, text))
    })
    .collect()
}
