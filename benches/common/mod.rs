//! Shared bench fixtures: a county-scale organisation and its members, for
//! any store.
#![allow(dead_code)]

use chrono::NaiveDate;
use dangjian::dues::{DuesProfile, Income, IncomeDeclaration, Money, Month};
use dangjian::lifecycle::{self, ImportedStage, Lifecycle, TransitionContext};
use dangjian::member::{
    Contact, IdNumber, Identity, MembershipKind, MembershipRequest, Memberships, NewMember,
    OccupationCategory, RegistrationStatus,
};
use dangjian::org::{BranchForm, NewOrganisation, OnlineTheme, OrgKind, OrgTree};
use dangjian::period::WorkCalendar;
use dangjian::store::Effects;
use dangjian::store::Store;
use dangjian::{MemberId, OrgId};

pub const GENERAL: usize = 30;
pub const BRANCHES: usize = 700;
pub const ONLINE: usize = 240;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// A valid identity number for person `n` (distinct for every `n`).
pub fn id_number(n: u32) -> IdNumber {
    let birth = date(1950, 1, 1) + chrono::Duration::days(i64::from(n / 1000));
    let first17 = format!("320102{}{:03}", birth.format("%Y%m%d"), n % 1000);
    let check = dangjian::member::check_character(&first17).unwrap_or('0');
    must(format!("{first17}{check}").parse())
}

/// The county's organisations.
pub struct County {
    pub committee: OrgId,
    pub generals: Vec<OrgId>,
    pub branches: Vec<OrgId>,
    pub online: Vec<OrgId>,
}

/// 1 committee, 30 general branches, 700 branches, 240 online branches.
pub async fn county_orgs(store: &dyn Store) -> County {
    let new = |name: String, kind, parent: Option<OrgId>| {
        let new = NewOrganisation::new(must(name.parse()), kind);
        match parent {
            Some(p) => new.under(p),
            None => new,
        }
    };
    let committee = must(
        store
            .insert_org(
                new(
                    "县委直属机关党委".into(),
                    OrgKind::GrassrootsCommittee,
                    None,
                ),
                Effects::none(),
            )
            .await,
    )
    .id;
    let mut generals = Vec::new();
    for g in 0..GENERAL {
        generals.push(
            must(
                store
                    .insert_org(
                        new(
                            format!("第{g}党总支"),
                            OrgKind::GeneralBranch,
                            Some(committee),
                        ),
                        Effects::none(),
                    )
                    .await,
            )
            .id,
        );
    }
    let mut branches = Vec::new();
    for b in 0..BRANCHES {
        let parent = generals.get(b % GENERAL).copied();
        branches.push(
            must(
                store
                    .insert_org(
                        new(
                            format!("第{b}党支部"),
                            OrgKind::Branch(BranchForm::Physical),
                            parent,
                        ),
                        Effects::none(),
                    )
                    .await,
            )
            .id,
        );
    }
    let mut online = Vec::new();
    for b in 0..ONLINE {
        let kind = OrgKind::Branch(BranchForm::Online {
            theme: OnlineTheme::Industry(format!("行业{b}")),
        });
        online.push(
            must(
                store
                    .insert_org(
                        new(format!("网上党支部{b}"), kind, Some(committee)),
                        Effects::none(),
                    )
                    .await,
            )
            .id,
        );
    }
    County {
        committee,
        generals,
        branches,
        online,
    }
}

/// `n` full members spread over the branches; every fifth in an online
/// branch, every seventh (when `mobile`) a mobile member elsewhere.
pub fn county_members(tree: &OrgTree, county: &County, n: u32, mobile: bool) -> Vec<NewMember> {
    let today = date(2024, 6, 1);
    let rules = lifecycle::national_rules();
    let calendar = WorkCalendar::china();
    let none = |_: MemberId, _: NaiveDate| None;
    (0..n)
        .map(|i| {
            let id_number = id_number(i);
            let ctx = TransitionContext {
                birth_date: id_number.birth_date(),
                subject: MemberId::new(0),
                today,
                rules: &rules,
                calendar: &calendar,
                introducer_stage: &none,
            };
            let full = ImportedStage::Full {
                joined_on: date(2000, 7, 1),
                full_since: date(2001, 7, 1),
            };
            let lifecycle = must(Lifecycle::import(full, &ctx));
            let pick = |v: &[OrgId], k: usize| {
                v.get(k % v.len().max(1))
                    .copied()
                    .unwrap_or(county.committee)
            };
            let mut memberships = must(Memberships::new(
                pick(&county.branches, i as usize),
                today,
                tree,
            ));
            if i % 5 == 0 {
                let join = MembershipRequest::Join {
                    org: pick(&county.online, i as usize),
                    kind: MembershipKind::Online,
                    on: today,
                };
                memberships = must(memberships.apply(&join, tree, today));
            }
            if mobile && i % 7 == 0 {
                let org = pick(&county.branches, i as usize + BRANCHES / 2);
                let join = MembershipRequest::Join {
                    org,
                    kind: MembershipKind::MobileLocation,
                    on: today,
                };
                memberships = must(memberships.apply(&join, tree, today));
            }
            NewMember {
                identity: Identity {
                    name: must("党员".parse()),
                    id_number,
                },
                contact: Contact {
                    employee_no: Some(must(format!("E{i:06}").parse())),
                    ..Contact::default()
                },
                occupation: if i % 4 == 0 {
                    OccupationCategory::Retiree
                } else {
                    OccupationCategory::InService
                },
                registration: RegistrationStatus::Pending {
                    submitted_on: today,
                },
                lifecycle,
                memberships,
            }
        })
        .collect()
}

/// A dues profile for member `id` (the `i`-th of the county): wages from
/// 2,000 to 20,000 yuan across the bands, or a pension.
pub fn dues_profile(id: MemberId, i: u32) -> DuesProfile {
    let money = |fen: i64| Money::try_from_fen(fen).unwrap_or_default();
    let income = if i % 4 == 0 {
        Income::Pension {
            basic_pension: money(300_000 + i64::from(i % 50) * 10_000),
        }
    } else {
        Income::Wage {
            monthly_wage: money(200_000 + i64::from(i % 180) * 10_000),
            income_tax: money(i64::from(i % 30) * 1_000),
            social_insurance: money(20_000),
            housing_fund: money(15_000),
            annuity: money(0),
            irregular: money(0),
        }
    };
    let category = if i % 4 == 0 {
        OccupationCategory::Retiree
    } else {
        OccupationCategory::InService
    };
    let mut p = DuesProfile::new(id, must("2000-07".parse::<Month>()));
    must(p.declare(IncomeDeclaration {
        from: must("2024-01".parse()),
        category,
        income,
    }));
    p
}
