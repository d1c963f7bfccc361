//! 存储文档金样 (golden storage documents): each storage document
//! (`dangjian::store::document`) has a checked-in JSON file in
//! `tests/golden/`. A fixed domain value encodes to exactly that file (the
//! exact text of `serde_json::to_string_pretty`, key order included), and
//! the file decodes back to the same value. A change to any document's
//! shape fails here; it needs a new format (see `docs/ADAPTERS.md`,
//! "Storage documents"). The files were taken from a store written by the
//! previous version (`tests/fixtures/format0`) with `"format": 1` added, the
//! rewrite migration 0006 does.

use chrono::NaiveDate;
use dangjian::access::ActedBy;
use dangjian::dues::{
    CaseStatus, EntryId, LedgerEntryKind, Money, Month, MonthRange, Relief, ReliefKind,
    SelfDepartureCase,
};
use dangjian::election::{Ballot, VoteKind, VoteStatus};
use dangjian::lifecycle::Stage;
use dangjian::member::{OccupationCategory, RegistrationStatus};
use dangjian::org::{BranchForm, OnlineTheme, OrgKind};
use dangjian::record::Activity;
use dangjian::store::StoreErrorKind;
use dangjian::store::document::{
    self, ActedByDocument, ActivityDocument, BallotDocument, DepartureCaseDocument, Document,
    DuesProfileDocument, LedgerEntryDocument, MemberDocument, OrgKindDocument, VoteDocument,
};
use dangjian::{CaseId, MemberId, OrgId};
use serde::Serialize;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn month(s: &str) -> Month {
    s.parse().unwrap()
}

fn money(s: &str) -> Money {
    Money::try_new(s.parse().unwrap()).unwrap()
}

fn file(name: &str) -> String {
    let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn pretty(doc: &impl Serialize) -> String {
    serde_json::to_string_pretty(doc).unwrap() + "\n"
}

/// Decodes the golden file `name` into its domain value and checks that
/// encoding the value again gives exactly the file.
fn golden<D: Document>(name: &str, encode: impl Fn(&D::Domain) -> String) -> D::Domain {
    let json = file(name);
    let value = document::decode_domain::<D>(&json, "golden", name)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(encode(&value), json, "{name}: the encoded document differs");
    value
}

/// `golden`, and the value equals `expected` (a value built here).
fn golden_eq<D: Document>(name: &str, expected: D::Domain, encode: impl Fn(&D::Domain) -> String)
where
    D::Domain: PartialEq + std::fmt::Debug,
{
    assert_eq!(
        encode(&expected),
        file(name),
        "{name}: the fixed value encodes differently"
    );
    assert_eq!(golden::<D>(name, encode), expected, "{name}");
}

#[test]
fn member_with_lifecycle_history_and_memberships() {
    let m = golden::<MemberDocument>("member", |m| pretty(&MemberDocument::from_new(m)));
    assert_eq!(m.identity.name.as_str(), "王磊");
    assert_eq!(m.identity.id_number.as_str(), "440305198001030305");
    assert_eq!(m.occupation, OccupationCategory::InService);
    assert!(
        matches!(m.registration, RegistrationStatus::Approved { approved_on, .. } if approved_on == d(2022, 3, 1))
    );
    let stages: Vec<Stage> = m.lifecycle.history().iter().map(|t| t.to).collect();
    assert_eq!(
        stages,
        [
            Stage::Applicant,
            Stage::Activist,
            Stage::DevelopmentTarget,
            Stage::Probationary,
            Stage::Full
        ]
    );
    assert_eq!(m.lifecycle.full_since(), Some(d(2024, 5, 8)));
    assert_eq!(m.memberships.home(), OrgId::new(2));
    assert_eq!(
        m.memberships.online().get(&OrgId::new(3)),
        Some(&d(2024, 1, 10))
    );
    assert_eq!(m.memberships.placement().home, OrgId::new(2));

    let c = golden::<MemberDocument>("member_contact", |m| pretty(&MemberDocument::from_new(m)));
    assert_eq!(c.contact.mobile.unwrap().as_str(), "13800138000");
    assert_eq!(c.contact.email.unwrap().as_str(), "zhaogang@example.com");
    assert_eq!(c.contact.employee_no.unwrap().as_str(), "E000");
    assert_eq!(c.contact.im.wecom.as_deref(), Some("ZhaoGang"));
    assert_eq!(c.lifecycle.stage(), Stage::Full);

    let p = golden::<MemberDocument>("member_pending", |m| pretty(&MemberDocument::from_new(m)));
    assert!(matches!(p.registration, RegistrationStatus::Pending { .. }));
    assert_eq!(p.lifecycle.stage(), Stage::Probationary);
}

#[test]
fn votes_of_a_motion_and_of_an_election() {
    let m = golden::<VoteDocument>("vote_motion", |v| pretty(&VoteDocument::from_domain(v)));
    assert!(matches!(m.kind(), VoteKind::Motion(_)));
    assert_eq!(m.status(), VoteStatus::Closed);
    assert_eq!(m.org(), OrgId::new(2));
    let e = golden::<VoteDocument>("vote_election", |v| pretty(&VoteDocument::from_domain(v)));
    assert!(matches!(e.kind(), VoteKind::Election(_)));
    assert_eq!(e.roll().entitled_count(), 8);
}

#[test]
fn ballots() {
    let enc = |b: &Ballot| pretty(&BallotDocument::from_domain(b));
    golden_eq::<BallotDocument>("ballot", Ballot::from_masks(1, 0, Vec::new()), enc);
    let write_ins = vec![MemberId::new(12), MemberId::new(40)];
    golden_eq::<BallotDocument>("ballot_write_ins", Ballot::from_masks(9, 6, write_ins), enc);
}

#[test]
fn every_ledger_entry_kind() {
    let enc = |k: &LedgerEntryKind| pretty(&LedgerEntryDocument::from_domain(k));
    let m = MemberId::new(1);
    golden_eq::<LedgerEntryDocument>(
        "ledger_assessment",
        LedgerEntryKind::Assessment {
            member: m,
            month: month("2024-01"),
            amount: money("12.50"),
            rule_version: "dues-2017".into(),
        },
        enc,
    );
    golden_eq::<LedgerEntryDocument>(
        "ledger_payment",
        LedgerEntryKind::Payment {
            member: m,
            payment_id: "WX2024010000".parse().unwrap(),
            amount: money("12.50"),
            voluntary: Money::ZERO,
            forward_to_central: false,
            received_on: d(2024, 1, 20),
        },
        enc,
    );
    golden_eq::<LedgerEntryDocument>(
        "ledger_allocation",
        LedgerEntryKind::Allocation {
            member: m,
            payment: EntryId::new(9),
            month: month("2024-01"),
            amount: money("12.50"),
        },
        enc,
    );
    golden_eq::<LedgerEntryDocument>(
        "ledger_reversal",
        LedgerEntryKind::Reversal {
            member: MemberId::new(3),
            reverses: EntryId::new(13),
            reason: "录入错误".into(),
        },
        enc,
    );
    golden_eq::<LedgerEntryDocument>(
        "ledger_exemption",
        LedgerEntryKind::Exemption {
            relief: Relief {
                member: MemberId::new(3),
                kind: ReliefKind::Exemption,
                months: MonthRange::new(month("2024-03"), month("2024-04")).unwrap(),
                reason: "生活困难".into(),
                requested_on: d(2024, 1, 5),
                approved_on: d(2024, 1, 5),
                approved_by: OrgId::new(2),
                reported_to: OrgId::new(1),
                reported_on: d(2024, 1, 5),
            },
        },
        enc,
    );
}

#[test]
fn activity_record_entries_and_who_acted() {
    let enc = |a: &Activity| pretty(&ActivityDocument::from_domain(a));
    golden_eq::<ActivityDocument>(
        "activity_stage_changed",
        Activity::StageChanged {
            from: Some(Stage::Applicant),
            to: Stage::Activist,
        },
        enc,
    );
    golden_eq::<ActivityDocument>(
        "activity_dues_paid",
        Activity::DuesPaid {
            amount: "12.50".parse().unwrap(),
            month: d(2024, 1, 1),
        },
        enc,
    );
    golden_eq::<ActivityDocument>(
        "activity_assistance_visit",
        Activity::AssistanceVisit {
            description: "走访慰问".into(),
        },
        enc,
    );
    let enc = |a: &ActedBy| pretty(&ActedByDocument::from_domain(a));
    golden_eq::<ActedByDocument>("acted_by_member", ActedBy::Member(MemberId::new(2)), enc);
    golden_eq::<ActedByDocument>(
        "acted_by_system",
        ActedBy::System("nightly arrears scan".into()),
        enc,
    );
}

#[test]
fn dues_profile_and_departure_cases() {
    let p = golden::<DuesProfileDocument>("dues_profile", |p| {
        pretty(&DuesProfileDocument::from_domain(p))
    });
    assert_eq!(p.member, MemberId::new(1));
    assert_eq!(p.pays_from, month("2005-07"));
    assert_eq!(p.declarations().len(), 1);
    let enc = |c: &SelfDepartureCase| pretty(&DepartureCaseDocument::from_domain(c));
    let case = |member: u64, owed: &str, status| SelfDepartureCase {
        id: CaseId::new(0),
        member: MemberId::new(member),
        branch: OrgId::new(2),
        opened_on: d(2024, 7, 2),
        months: MonthRange::new(month("2024-01"), month("2024-06")).unwrap(),
        owed: money(owed),
        status,
    };
    golden_eq::<DepartureCaseDocument>(
        "departure_case_open",
        case(7, "1380.00", CaseStatus::Open),
        enc,
    );
    golden_eq::<DepartureCaseDocument>(
        "departure_case_justified",
        case(
            6,
            "900.00",
            CaseStatus::Justified {
                reason: "长期出国".into(),
                on: d(2024, 7, 2),
            },
        ),
        enc,
    );
}

#[test]
fn org_kinds() {
    let enc = |k: &OrgKind| pretty(&OrgKindDocument::from_domain(k));
    golden_eq::<OrgKindDocument>("org_kind_committee", OrgKind::GrassrootsCommittee, enc);
    let online = OrgKind::Branch(BranchForm::Online {
        theme: OnlineTheme::MobileMembers,
    });
    golden_eq::<OrgKindDocument>("org_kind_online_branch", online, enc);
}

/// Replaces the first `"format": 1` of a golden file.
fn with_format(name: &str, format: &str) -> String {
    let json = file(name);
    assert!(json.contains("\"format\": 1,"));
    json.replacen("\"format\": 1,", format, 1)
}

#[test]
fn an_unknown_format_is_corrupt_naming_the_table_and_row() {
    for name in [
        "member",
        "vote_election",
        "ledger_payment",
        "activity_stage_changed",
        "dues_profile",
        "org_kind_committee",
    ] {
        let json = with_format(name, "\"format\": 99,");
        let err = match name {
            "member" => document::decode::<MemberDocument>(&json, "members", 17).map(drop),
            "vote_election" => document::decode::<VoteDocument>(&json, "members", 17).map(drop),
            "ledger_payment" => {
                document::decode::<LedgerEntryDocument>(&json, "members", 17).map(drop)
            }
            "activity_stage_changed" => {
                document::decode::<ActivityDocument>(&json, "members", 17).map(drop)
            }
            "dues_profile" => {
                document::decode::<DuesProfileDocument>(&json, "members", 17).map(drop)
            }
            _ => document::decode::<OrgKindDocument>(&json, "members", 17).map(drop),
        }
        .unwrap_err();
        assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{name}: {err}");
        assert!(err.message().contains("members row 17"), "{name}: {err}");
        assert!(err.message().contains("format 99"), "{name}: {err}");
    }
    // A later format with a different layout: still named as the format.
    let err =
        document::decode::<LedgerEntryDocument>(r#"{"format":2,"kind":"fee"}"#, "dues_ledger", 5)
            .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt);
    assert!(
        err.message().contains("dues_ledger row 5") && err.message().contains("format 2"),
        "{err}"
    );
}

#[test]
fn a_missing_field_or_format_is_corrupt_naming_the_table_and_row() {
    let cases = [
        ("member", "\"identity\"", "\"identity_\""),
        ("member", "\"mobile\": null,", ""),
        ("ledger_payment", "\"amount\"", "\"amount_\""),
        ("departure_case_open", "\"owed\"", "\"owed_\""),
    ];
    for (name, field, replacement) in cases {
        let json = file(name).replacen(field, replacement, 1);
        let err = match name {
            "member" => document::decode::<MemberDocument>(&json, "members", 3).map(drop),
            "ledger_payment" => {
                document::decode::<LedgerEntryDocument>(&json, "members", 3).map(drop)
            }
            _ => document::decode::<DepartureCaseDocument>(&json, "members", 3).map(drop),
        }
        .unwrap_err();
        assert_eq!(
            err.kind(),
            &StoreErrorKind::Corrupt,
            "{name} without {field}: {err}"
        );
        assert!(
            err.message().contains("members row 3"),
            "{name} without {field}: {err}"
        );
        assert!(
            err.message().contains("missing field"),
            "{name} without {field}: {err}"
        );
    }
    // Format 0 (no format field) is refused too: migration 0006 rewrites it.
    let json = file("ballot").replacen("\"format\": 1,", "", 1);
    let err = document::decode::<BallotDocument>(&json, "vote_ballots", "ab").unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt);
    assert!(
        err.message().contains("vote_ballots row ab") && err.message().contains("no format"),
        "{err}"
    );
    // Not JSON at all.
    let err = document::decode::<BallotDocument>("nope", "vote_ballots", "ab").unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt);
    assert!(err.message().contains("vote_ballots row ab"), "{err}");
}

#[test]
fn a_document_that_breaks_a_domain_rule_is_corrupt() {
    let json =
        file("departure_case_open").replace("\"first\": \"2024-01\"", "\"first\": \"2025-01\"");
    let err = document::decode_domain::<DepartureCaseDocument>(&json, "dues_cases", 2).unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt);
    assert!(err.message().contains("dues_cases row 2"), "{err}");
}

/// 奖惩 (MEM-7): a decision's body in `discipline.decision`.
#[test]
fn discipline_decisions() {
    use dangjian::discipline::{Measure, ProbationTerm};
    use dangjian::store::document::DecisionDocument;
    let enc = |v: &(Measure, String, Option<ActedBy>)| {
        pretty(&DecisionDocument::from_domain(&v.0, &v.1, v.2.as_ref()))
    };
    let probation = golden::<DecisionDocument>("decision_probation", enc);
    assert_eq!(
        probation,
        (
            Measure::Probation {
                term: ProbationTerm::TwoYears,
                rights_restored: false
            },
            "留党察看二年处分决定".to_owned(),
            Some(ActedBy::Member(MemberId::new(7)))
        )
    );
    let held = golden::<DecisionDocument>("decision_detention", enc);
    assert_eq!(held.0, Measure::Detention { released_on: None });
    // A term of three years is refused as corrupt, naming the row.
    let json = file("decision_probation").replace("\"years\": 2", "\"years\": 3");
    let err = document::decode_domain::<DecisionDocument>(&json, "discipline", 4).unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{err}");
    assert!(err.message().contains("discipline row 4"), "{err}");
}

/// 待发消息 (NOTE-6): what a channel adapter is given, in
/// `notify_messages.message`; an e-mail with its subject, and an SMS.
#[test]
fn outgoing_messages() {
    use dangjian::notify::{Channel, OutgoingMessage};
    use dangjian::store::document::OutgoingMessageDocument;
    let enc = |m: &OutgoingMessage| pretty(&OutgoingMessageDocument::from_domain(m));
    let email = OutgoingMessage::new(
        "dues/member#7/email/2024-06",
        Channel::Email,
        "lisi@example.com",
        "李四",
        "尊敬的李四同志：您六月份的党费为 12.50 元，请于 6 月 30 日前交纳。",
    )
    .subject("党费交纳提醒");
    golden_eq::<OutgoingMessageDocument>("outgoing_message_email", email, enc);
    let sms = OutgoingMessage::new(
        "meeting#12/member#9/sms",
        Channel::Sms,
        "13800138000",
        "王磊",
        "【党建】王磊同志：第一党支部定于 6 月 28 日 15:00 召开支部党员大会，请准时参加。",
    );
    golden_eq::<OutgoingMessageDocument>("outgoing_message_sms", sms, enc);
    // A channel this library does not know is refused as corrupt.
    let json = file("outgoing_message_sms").replace("\"sms\"", "\"fax\"");
    let err = document::decode_domain::<OutgoingMessageDocument>(&json, "notify_messages", 3)
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{err}");
    assert!(err.message().contains("notify_messages row 3"), "{err}");
}

/// The members' secretary (member 7) of `org`, as an official.
fn secretary(org: OrgId) -> dangjian::disclosure::Official {
    use dangjian::office::{NewOfficeHolder, OfficeHolder, OfficeId, Post, Source};
    let holding = NewOfficeHolder::new(
        org,
        MemberId::new(7),
        Post::Secretary,
        Source::Appointed { by: org },
        d(2024, 1, 1),
        d(2029, 1, 1),
    );
    let held = OfficeHolder::from_parts(OfficeId::new(1), holding, None);
    dangjian::disclosure::Official::check(
        MemberId::new(7),
        org,
        &[Post::Secretary],
        &[held],
        d(2026, 3, 2),
    )
    .unwrap()
}

fn stamp_on(day: u32) -> dangjian::disclosure::Stamp {
    use chrono::TimeZone;
    dangjian::disclosure::Stamp::new(
        Some(ActedBy::Member(MemberId::new(7))),
        chrono::Utc.with_ymd_and_hms(2026, 3, day, 2, 0, 0).unwrap(),
    )
}

/// 党务公开 (DISC-1 … DISC-11): a published pre-admission notice with an
/// objection recorded and dismissed, and an item its review found
/// classified, which keeps no content.
fn disclosure_items() -> (dangjian::disclosure::Item, dangjian::disclosure::Item) {
    use dangjian::disclosure::{
        Checks, Content, Finding, ItemKind, NewItem, Plan, Propose, Publicity, PublicityRule,
        Purpose, Reach, Scope, Secrecy, Title,
    };
    use dangjian::period::{Length, WorkCalendar};
    let org = OrgId::new(2);
    let plan = Plan::new(
        Scope::OwnOrganisation,
        [Reach::BranchMeeting, Reach::IndividualNotice],
        d(2026, 3, 9),
    )
    .unwrap()
    .until(d(2026, 3, 15))
    .unwrap();
    let notice = Publicity::new(Purpose::PreAdmission, [MemberId::new(101)]).unwrap();
    let req = Propose::disclosable(
        org,
        ItemKind::ElectionsAdmissionsAppraisal,
        Title::new("发展党员公示").unwrap(),
        Content::new("拟将王磊同志列为发展对象。").unwrap(),
        plan,
    )
    .notice(notice);
    let rule = PublicityRule::at_least(Length::Days(5));
    let cal = WorkCalendar::weekdays_only();
    let new = NewItem::propose(req, stamp_on(2), Some((&rule, &cal))).unwrap();
    let published = new
        .into_item(dangjian::ItemId::new(3))
        .review(secretary(org), Checks::passed(), None, stamp_on(3))
        .unwrap()
        .approve(secretary(org), false, stamp_on(4))
        .unwrap()
        .publish(None, Some((&rule, &cal)), stamp_on(9))
        .unwrap()
        .record_objection(
            d(2026, 3, 10),
            Content::new("反映其工作作风问题").unwrap(),
            stamp_on(10),
        )
        .unwrap()
        .resolve_objection(
            1,
            Finding::Dismissed,
            Content::new("经核查不属实").unwrap(),
            stamp_on(12),
        )
        .unwrap();
    let req = Propose::disclosable(
        org,
        ItemKind::Other,
        Title::new("某事项").unwrap(),
        Content::new("此内容经审查涉密").unwrap(),
        Plan::new(Scope::WholeParty, [Reach::PartyIntranet], d(2026, 3, 9)).unwrap(),
    );
    let checks = Checks {
        secrecy: Secrecy::Classified,
        ..Checks::passed()
    };
    let classified = NewItem::propose(req, stamp_on(2), None)
        .unwrap()
        .into_item(dangjian::ItemId::new(4))
        .review(secretary(org), checks, None, stamp_on(3))
        .unwrap();
    (published, classified)
}

#[test]
fn disclosure_items_and_applications() {
    use dangjian::disclosure::{
        Application, ApplicationRules, Content, Decision, Item, NewApplication,
    };
    use dangjian::store::document::{ApplicationDocument, ItemDocument};
    let enc = |i: &Item| pretty(&ItemDocument::from_domain(i));
    let (published, classified) = disclosure_items();
    golden_eq::<ItemDocument>("disclosure_item_published", published, enc);
    golden_eq::<ItemDocument>("disclosure_item_classified", classified, enc);
    assert!(!file("disclosure_item_classified").contains("此内容经审查涉密"));
    // A published stage without its review is refused as corrupt.
    let json = file("disclosure_item_published");
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["item"]["history"] = serde_json::json!([]);
    let err =
        document::decode_domain::<ItemDocument>(&v.to_string(), "disclosure_items", 3).unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{err}");
    assert!(err.message().contains("disclosure_items row 3"), "{err}");

    let rules = ApplicationRules::default();
    let cal = dangjian::period::WorkCalendar::weekdays_only();
    let new = NewApplication {
        org: OrgId::new(2),
        applicant: MemberId::new(11),
        about: Content::new("请公开本支部 2025 年党费使用情况").unwrap(),
        received_on: d(2026, 3, 2),
    };
    let decided = Application::from_new(dangjian::ApplicationId::new(5), new)
        .extend(
            Content::new("需向上级核实").unwrap(),
            stamp_on(3),
            &rules,
            &cal,
        )
        .unwrap()
        .decide(
            Decision::Granted {
                item: Some(dangjian::ItemId::new(3)),
            },
            stamp_on(9),
            &rules,
            &cal,
        )
        .unwrap();
    let enc = |a: &Application| pretty(&ApplicationDocument::from_domain(a));
    golden_eq::<ApplicationDocument>("disclosure_application_decided", decided, enc);
}
