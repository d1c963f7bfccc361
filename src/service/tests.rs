//! Service unit tests with a mock store (mockall): a refused call never
//! reaches a write and reads nothing for the caller beyond locating its
//! target; a target outside the actor's scope is `NotFound` (the same
//! answer as a missing one), a target in scope the role may not act on is
//! `PermissionDenied`; store failures map to the right error kind and keep
//! their cause; service futures are `Send`.

use super::{Dangjian, Session};
use crate::JournalId;
use crate::access::{ActedBy, Actor, Placement};
use crate::clock::FixedClock;
use crate::dues::{
    DuesProfile, LedgerEntry, NewLedgerEntry, NewPayment, PaymentOutcome, SelfDepartureCase,
};
use crate::election::{AttendanceMode, NewVote, SealedBallot, VoteId, VoteRecord, WrittenOpinion};
use crate::lifecycle::{ImportedStage, Stage, Transition, TransitionRequest};
use crate::member::{
    ChangeMembership, EmployeeNo, Entry, IdNumber, Member, MembershipKind, MembershipRequest,
    NewMember, Registration,
};
use crate::org::{NewOrganisation, OrgKind, OrgTree, Organisation, RenameOrg};
use crate::record::{Activity, NewRecordEntry, RecordEntry};
use crate::service::PageRequest;
use crate::store::{
    DuesStore, MemberStore, OrgStore, RecordStore, StoreError, StoreErrorKind, UniqueField,
    VoteLocation, VoteStore,
};
use crate::store::{Effects, JournalEntry, JournalStore, Stream};
use crate::{CaseId, Entity, Error, ErrorKind, MemberId, OrgId, RecordId};
use async_trait::async_trait;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

mockall::mock! {
    Db {}
    #[async_trait]
    impl OrgStore for Db {
        async fn org_tree(&self) -> Result<Arc<OrgTree>, StoreError>;
        async fn insert_org(&self, new: NewOrganisation, effects: Effects) -> Result<Organisation, StoreError>;
        async fn update_org(&self, org: Organisation, effects: Effects) -> Result<Organisation, StoreError>;
    }
    #[async_trait]
    impl MemberStore for Db {
        async fn insert_member(&self, new: NewMember, effects: Effects) -> Result<Member, StoreError>;
        async fn insert_members(&self, new: Vec<NewMember>, effects: Effects) -> Result<Vec<Member>, StoreError>;
        async fn get_member(&self, id: MemberId) -> Result<Option<Member>, StoreError>;
        async fn get_members(&self, ids: &[MemberId]) -> Result<Vec<Member>, StoreError>;
        async fn placement(&self, id: MemberId) -> Result<Option<Placement>, StoreError>;
        async fn find_by_id_number(&self, id_number: &IdNumber) -> Result<Option<Member>, StoreError>;
        async fn find_by_employee_no(&self, no: &EmployeeNo) -> Result<Option<Member>, StoreError>;
        async fn update_member(&self, member: Member, effects: Effects) -> Result<(Member, Vec<RecordEntry>), StoreError>;
        async fn members_by_home(&self, orgs: &[OrgId]) -> Result<Vec<Member>, StoreError>;
        async fn members_by_online(&self, org: OrgId) -> Result<Vec<Member>, StoreError>;
        async fn members_of_branches(&self, branches: &[OrgId]) -> Result<Vec<(OrgId, Member)>, StoreError>;
    }
    #[async_trait]
    impl RecordStore for Db {
        async fn append_record(&self, entry: NewRecordEntry, effects: Effects) -> Result<RecordEntry, StoreError>;
        async fn records_of(&self, member: MemberId) -> Result<Vec<RecordEntry>, StoreError>;
    }
    #[async_trait]
    impl VoteStore for Db {
        async fn create_vote(&self, new: NewVote, effects: Effects) -> Result<VoteRecord, StoreError>;
        async fn get_vote(&self, id: VoteId) -> Result<Option<VoteRecord>, StoreError>;
        // Mocked rather than left to the default (which reads the whole
        // record with `get_vote`), so a test can tell the prologue's
        // locating read from a read of the record.
        async fn locate_vote(&self, id: VoteId, member: Option<MemberId>) -> Result<Option<VoteLocation>, StoreError>;
        async fn check_in(&self, id: VoteId, member: MemberId, mode: AttendanceMode, effects: Effects) -> Result<VoteRecord, StoreError>;
        async fn record_written_opinion(&self, id: VoteId, member: MemberId, opinion: WrittenOpinion, effects: Effects) -> Result<VoteRecord, StoreError>;
        async fn cast_ballot(&self, voter: MemberId, ballot: SealedBallot, effects: Effects) -> Result<(), StoreError>;
        async fn has_voted(&self, id: VoteId, member: MemberId) -> Result<bool, StoreError>;
        async fn voters(&self, id: VoteId) -> Result<BTreeSet<MemberId>, StoreError>;
        async fn close_vote(&self, id: VoteId, effects: Effects) -> Result<VoteRecord, StoreError>;
        async fn sealed_ballots(&self, id: VoteId) -> Result<Vec<SealedBallot>, StoreError>;
    }
    #[async_trait]
    impl DuesStore for Db {
        async fn put_dues_profile(&self, profile: DuesProfile, effects: Effects) -> Result<DuesProfile, StoreError>;
        async fn dues_profile(&self, member: MemberId) -> Result<Option<DuesProfile>, StoreError>;
        async fn dues_profiles(&self, members: &[MemberId]) -> Result<Vec<DuesProfile>, StoreError>;
        async fn append_assessments(&self, entries: Vec<NewLedgerEntry>, effects: Effects) -> Result<Vec<LedgerEntry>, StoreError>;
        async fn record_payment(&self, payment: NewPayment, effects: Effects, based_on: u64) -> Result<PaymentOutcome, StoreError>;
        async fn record_payments(&self, batch: Vec<(NewPayment, Effects, u64)>) -> Result<Vec<Result<PaymentOutcome, StoreError>>, StoreError>;
        async fn append_dues_entry(&self, entry: NewLedgerEntry, based_on: u64, effects: Effects) -> Result<LedgerEntry, StoreError>;
        async fn dues_entries_of_member(&self, member: MemberId) -> Result<Vec<LedgerEntry>, StoreError>;
        async fn dues_entries_of_members(&self, members: &[MemberId]) -> Result<Vec<LedgerEntry>, StoreError>;
        async fn dues_entries_of_branches(&self, branches: &[OrgId]) -> Result<Vec<LedgerEntry>, StoreError>;
        async fn open_departure_cases(&self, cases: Vec<(SelfDepartureCase, Effects)>) -> Result<Vec<SelfDepartureCase>, StoreError>;
        async fn departure_case(&self, id: CaseId) -> Result<Option<SelfDepartureCase>, StoreError>;
        async fn departure_cases(&self, branches: &[OrgId]) -> Result<Vec<SelfDepartureCase>, StoreError>;
        async fn update_departure_case(&self, case: SelfDepartureCase, effects: Effects) -> Result<SelfDepartureCase, StoreError>;
    }
    #[async_trait]
    impl crate::store::OfficeStore for Db {
        async fn install_offices(&self, install: crate::office::InstallOffices, effects: Effects) -> Result<Vec<crate::office::OfficeHolder>, StoreError>;
        async fn office(&self, id: crate::office::OfficeId) -> Result<Option<crate::office::OfficeHolder>, StoreError>;
        async fn offices_of(&self, orgs: &[OrgId]) -> Result<Vec<crate::office::OfficeHolder>, StoreError>;
    }
    #[async_trait]
    impl crate::store::OutboxStore for Db {
        async fn enqueue(&self, batch: crate::notify::Enqueue) -> Result<crate::store::Enqueued, StoreError>;
        async fn claim(&self, owner: &str, now: chrono::DateTime<chrono::Utc>, until: chrono::DateTime<chrono::Utc>, limit: usize) -> Result<Vec<crate::notify::StoredMessage>, StoreError>;
        async fn start_sending(&self, id: crate::MessageId, owner: &str) -> Result<bool, StoreError>;
        async fn settle(&self, id: crate::MessageId, owner: &str, outcome: crate::notify::Outcome) -> Result<bool, StoreError>;
        async fn resolve(&self, id: crate::MessageId, resolution: crate::notify::Resolution) -> Result<Option<crate::notify::StoredMessage>, StoreError>;
        async fn message(&self, id: crate::MessageId) -> Result<Option<crate::notify::StoredMessage>, StoreError>;
        async fn message_by_key(&self, key: &str) -> Result<Option<crate::notify::StoredMessage>, StoreError>;
        async fn messages(&self, filter: &crate::notify::MessageFilter, after: Option<crate::MessageId>, limit: usize) -> Result<Vec<crate::notify::StoredMessage>, StoreError>;
        async fn prune(&self, before: chrono::DateTime<chrono::Utc>) -> Result<u64, StoreError>;
        async fn spent(&self, org: OrgId, year: i32) -> Result<crate::dues::Money, StoreError>;
        async fn cursor(&self, name: &str) -> Result<Option<JournalId>, StoreError>;
        async fn take_rate(&self, keys: &[crate::notify::RateKey], now: chrono::DateTime<chrono::Utc>) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError>;
    }
    #[async_trait]
    impl JournalStore for Db {
        async fn journal(&self, stream: &Stream, after: Option<JournalId>, limit: usize) -> Result<Vec<JournalEntry>, StoreError>;
    }
    #[async_trait]
    impl crate::store::DisciplineStore for Db {
        async fn record_decision(&self, decision: crate::discipline::NewDecision, exit: Option<Member>, effects: Effects) -> Result<(crate::discipline::Decision, Option<Member>, Vec<RecordEntry>), StoreError>;
        async fn decisions_of(&self, members: &[MemberId]) -> Result<Vec<crate::discipline::Decision>, StoreError>;
    }
    #[async_trait]
    impl crate::store::DisclosureStore for Db {
        async fn insert_item(&self, new: crate::disclosure::NewItem, effects: Effects) -> Result<crate::disclosure::Item, StoreError>;
        async fn update_item(&self, item: crate::disclosure::Item, effects: Effects) -> Result<crate::disclosure::Item, StoreError>;
        async fn item(&self, id: crate::ItemId) -> Result<Option<crate::disclosure::Item>, StoreError>;
        async fn items_of(&self, orgs: &[OrgId]) -> Result<Vec<crate::disclosure::Item>, StoreError>;
        async fn published_items(&self) -> Result<Vec<crate::disclosure::Item>, StoreError>;
        async fn notices_about(&self, member: MemberId) -> Result<Vec<crate::disclosure::Item>, StoreError>;
        async fn insert_application(&self, new: crate::disclosure::NewApplication, effects: Effects) -> Result<crate::disclosure::Application, StoreError>;
        async fn update_application(&self, application: crate::disclosure::Application, effects: Effects) -> Result<crate::disclosure::Application, StoreError>;
        async fn application(&self, id: crate::ApplicationId) -> Result<Option<crate::disclosure::Application>, StoreError>;
        async fn applications_of(&self, orgs: &[OrgId]) -> Result<Vec<crate::disclosure::Application>, StoreError>;
    }
}

impl crate::store::Store for MockDb {}

mod structure;
mod votes;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

const COMMITTEE: OrgId = OrgId::new(1);
const BRANCH_A: OrgId = OrgId::new(2);
const BRANCH_B: OrgId = OrgId::new(3);
const ELSEWHERE: OrgId = OrgId::new(4);
/// The member every test acts on: home BRANCH_A, mobile in ELSEWHERE.
const MEMBER: MemberId = MemberId::new(5);

/// COMMITTEE above BRANCH_A and BRANCH_B; ELSEWHERE, a branch on its own.
fn tree() -> Arc<OrgTree> {
    tree_without(None)
}

/// [`tree`] without `gone`: the same ids, one of them missing.
fn tree_without(gone: Option<OrgId>) -> Arc<OrgTree> {
    let org = |id: OrgId, kind, parent| Organisation {
        id,
        name: format!("org {id}")
            .parse()
            .unwrap_or_else(|_| unreachable!()),
        kind,
        parent,
        version: 1,
    };
    let branch = || OrgKind::Branch(crate::org::BranchForm::Physical);
    let orgs = [
        org(COMMITTEE, OrgKind::GrassrootsCommittee, None),
        org(BRANCH_A, branch(), Some(COMMITTEE)),
        org(BRANCH_B, branch(), Some(COMMITTEE)),
        org(ELSEWHERE, branch(), None),
    ];
    let tree = OrgTree::from_orgs(orgs.into_iter().filter(|o| Some(o.id) != gone));
    Arc::new(tree.unwrap_or_else(|e| unreachable!("{e}")))
}

fn placement() -> Placement {
    Placement {
        home: BRANCH_A,
        mobile_location: Some(ELSEWHERE),
        dual: None,
        online: vec![],
    }
}

/// A store that answers the locating reads: the tree, and every member's
/// placement ([`placement`]). Nothing else is expected: any other call
/// fails the test.
fn db() -> MockDb {
    let mut db = MockDb::new();
    db.expect_org_tree().returning(|| Ok(tree()));
    db.expect_placement().returning(|_| Ok(Some(placement())));
    db
}

fn service(db: MockDb) -> Dangjian {
    Dangjian::builder()
        .store(Arc::new(db))
        .clock(Arc::new(FixedClock::on_date(d(2024, 6, 1))))
        .build()
}

fn session(db: MockDb, actor: &Actor) -> Session {
    service(db).act_as(actor)
}

fn kind<T: std::fmt::Debug>(r: &Result<T, Error>) -> Option<ErrorKind> {
    r.as_ref().err().map(Error::kind)
}

fn not_found<T: std::fmt::Debug>(r: Result<T, Error>) {
    assert_eq!(kind(&r), Some(ErrorKind::NotFound), "{r:?}");
}

fn denied<T: std::fmt::Debug>(r: Result<T, Error>) {
    assert_eq!(kind(&r), Some(ErrorKind::PermissionDenied), "{r:?}");
}

fn store_error(kind: StoreErrorKind, message: &str) -> StoreError {
    StoreError::new(kind, message)
}

fn registration(entry: Entry) -> Registration {
    Registration::new(
        "张三".parse().unwrap_or_else(|_| unreachable!()),
        "11010519491231002X"
            .parse()
            .unwrap_or_else(|_| unreachable!()),
        BRANCH_A,
        entry,
    )
}

fn imported_full() -> Entry {
    Entry::Import(ImportedStage::Full {
        joined_on: d(1980, 1, 1),
        full_since: d(1981, 1, 1),
    })
}

/// An import names no introducers: their lookup finds nothing to read.
fn no_introducers(db: &mut MockDb) {
    db.expect_get_members()
        .withf(|ids| ids.is_empty())
        .returning(|_| Ok(vec![]));
}

/// MEMBER as the service registers it (pending approval, or approved at
/// once), home BRANCH_A.
async fn registered(entry: Entry, approved: bool) -> Member {
    let mut maker = db();
    no_introducers(&mut maker);
    maker.expect_find_by_id_number().returning(|_| Ok(None));
    maker
        .expect_insert_member()
        .returning(|new, _| Ok(new.into_member(MEMBER)));
    let committee = session(
        maker,
        &Actor::committee_officer(MemberId::new(9), COMMITTEE),
    );
    let reg = registration(entry);
    let m = if approved {
        committee.members().register_approved(reg).await
    } else {
        committee.members().register(reg).await
    };
    m.unwrap_or_else(|e| unreachable!("{e}"))
}

#[tokio::test]
async fn another_branch_cannot_transition_and_nothing_is_read_or_written() {
    let mut db = db();
    db.expect_get_member().never();
    db.expect_get_members().never();
    db.expect_update_member().never();
    let secretary_b = session(db, &Actor::branch_officer(MemberId::new(9), BRANCH_B));
    let req = TransitionRequest::BecomeActivist { on: d(2024, 6, 1) };
    // BRANCH_B sees neither the home branch nor the current location.
    not_found(
        secretary_b
            .lifecycle()
            .transition(Transition::new(MEMBER, req))
            .await,
    );
}

#[tokio::test]
async fn current_location_cannot_change_memberships() {
    let mut db = db();
    db.expect_get_member().never();
    db.expect_update_member().never();
    // The current location sees the member, but only the home line
    // changes memberships.
    let location = session(db, &Actor::branch_officer(MemberId::new(9), ELSEWHERE));
    for req in [
        MembershipRequest::TransferHome {
            to: ELSEWHERE,
            on: d(2024, 6, 1),
        },
        MembershipRequest::Leave {
            org: ELSEWHERE,
            kind: MembershipKind::MobileLocation,
            on: d(2024, 6, 1),
        },
    ] {
        denied(
            location
                .members()
                .change_membership(ChangeMembership::new(MEMBER, req))
                .await,
        );
    }
}

#[tokio::test]
async fn a_member_cannot_read_another_members_record() {
    let mut db = db();
    db.expect_records_of().never();
    let other = session(db, &Actor::member(MemberId::new(6)));
    // Another member's record is outside a member's scope.
    not_found(other.records().list(MEMBER, PageRequest::default()).await);
}

#[tokio::test]
async fn registration_outside_scope_is_refused_before_any_read_or_write() {
    let mut db = db();
    db.expect_insert_member().never();
    db.expect_get_members().never();
    db.expect_find_by_id_number().never();
    db.expect_find_by_employee_no().never();
    let dj = service(db);
    // Outside the scope: another branch, a member.
    for actor in [
        Actor::branch_officer(MemberId::new(9), BRANCH_B),
        Actor::member(MEMBER),
    ] {
        let s = dj.act_as(&actor);
        not_found(s.members().register(registration(imported_full())).await);
        not_found(
            s.members()
                .register_approved(registration(imported_full()))
                .await,
        );
    }
    // In scope, but the role may not: a treasurer registers nobody, a
    // branch does not approve its own submissions.
    let treasurer = dj.act_as(&Actor::branch_treasurer(MemberId::new(9), BRANCH_A));
    denied(
        treasurer
            .members()
            .register(registration(imported_full()))
            .await,
    );
    let secretary_a = dj.act_as(&Actor::branch_officer(MemberId::new(9), BRANCH_A));
    denied(
        secretary_a
            .members()
            .register_approved(registration(imported_full()))
            .await,
    );
}

#[tokio::test]
async fn store_failures_keep_their_kind() {
    let pending = registered(imported_full(), false).await;
    let mut db = db();
    no_introducers(&mut db);
    db.expect_find_by_id_number().returning(|_| Ok(None));
    db.expect_insert_member().returning(|_, _| {
        Err(store_error(
            StoreErrorKind::Duplicate(UniqueField::EmployeeNo),
            "taken",
        ))
    });
    db.expect_insert_org()
        .returning(|_, _| Err(store_error(StoreErrorKind::Unavailable, "down")));
    db.expect_update_org()
        .returning(|_, _| Err(store_error(StoreErrorKind::Conflict, "changed")));
    db.expect_get_member()
        .returning(move |_| Ok(Some(pending.clone())));
    let mut updates = mockall::Sequence::new();
    db.expect_update_member()
        .times(1)
        .in_sequence(&mut updates)
        .returning(|_, _| Err(store_error(StoreErrorKind::Config, "no store for `mysql:`")));
    db.expect_update_member()
        .times(1)
        .in_sequence(&mut updates)
        .returning(|_, _| Err(store_error(StoreErrorKind::NotFound, "gone")));
    let committee = session(db, &Actor::committee_officer(MemberId::new(9), COMMITTEE));

    // A duplicate: Conflict, and retrying the same registration is no use.
    let err = committee
        .members()
        .register(registration(imported_full()))
        .await;
    assert!(
        matches!(err, Err(Error::Duplicate(UniqueField::EmployeeNo))),
        "{err:?}"
    );
    assert_eq!(kind(&err), Some(ErrorKind::Conflict));
    assert!(!err.is_err_and(|e| e.is_retryable()));

    // Unavailable: a store error, retryable.
    let group = NewOrganisation::new(
        "党小组".parse().unwrap_or_else(|_| unreachable!()),
        OrgKind::PartyGroup,
    )
    .under(BRANCH_A);
    let err = committee.orgs().create(group).await;
    assert_eq!(kind(&err), Some(ErrorKind::Store));
    assert!(err.is_err_and(|e| e.is_retryable()));

    // A stale write: Conflict, retryable.
    let rename = RenameOrg::new(
        BRANCH_A,
        "第一支部".parse().unwrap_or_else(|_| unreachable!()),
    );
    let err = committee.orgs().rename(rename).await;
    assert!(matches!(err, Err(Error::Conflict(_))), "{err:?}");
    assert!(err.is_err_and(|e| e.is_retryable()));

    // A store set up wrongly: Config, not retryable.
    let err = committee.members().approve(MEMBER).await;
    assert!(matches!(err, Err(Error::Config(_))), "{err:?}");
    assert_eq!(kind(&err), Some(ErrorKind::Config));
    assert!(!err.is_err_and(|e| e.is_retryable()));

    // The store's own NotFound is a store failure, not the scope answer.
    let err = committee.members().approve(MEMBER).await;
    assert_eq!(kind(&err), Some(ErrorKind::Store));
    assert!(!err.is_err_and(|e| e.is_retryable() || e.is_not_found()));
}

#[tokio::test]
async fn a_failure_while_locating_the_target_is_a_store_error() {
    let mut db = MockDb::new();
    db.expect_org_tree()
        .returning(|| Err(store_error(StoreErrorKind::Unavailable, "down")));
    db.expect_placement()
        .returning(|_| Err(store_error(StoreErrorKind::Config, "bad url")));
    db.expect_get_member().never();
    let admin = session(db, &Actor::platform_admin());
    let err = admin.orgs().get(BRANCH_A).await;
    assert_eq!(kind(&err), Some(ErrorKind::Store));
    assert!(err.is_err_and(|e| e.is_retryable()));
    let err = admin.members().get(MEMBER).await;
    assert_eq!(kind(&err), Some(ErrorKind::Config));
    assert!(!err.is_err_and(|e| e.is_retryable()));
}

#[tokio::test]
async fn a_store_error_keeps_the_store_error_and_its_source() {
    use std::error::Error as _;
    let refused = || {
        store_error(StoreErrorKind::Unavailable, "cannot reach the database").with_source(
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused"),
        )
    };
    let mut db = db();
    db.expect_insert_org().returning(move |_, _| Err(refused()));
    db.expect_records_of().returning(move |_| Err(refused()));
    let committee = session(db, &Actor::committee_officer(MemberId::new(9), COMMITTEE));
    let group = NewOrganisation::new(
        "党小组".parse().unwrap_or_else(|_| unreachable!()),
        OrgKind::PartyGroup,
    )
    .under(BRANCH_A);
    // A write and a read, both after the prologue.
    let errors = [
        committee.orgs().create(group).await.err(),
        committee
            .records()
            .list(MEMBER, PageRequest::default())
            .await
            .err(),
    ];
    for e in errors {
        let Some(e) = e else {
            panic!("the store failure was swallowed");
        };
        assert!(matches!(e, Error::Store(_)), "{e:?}");
        // One sentence, without the source's words.
        assert_eq!(e.to_string(), "the store failed");
        let store = e.source().and_then(|s| s.downcast_ref::<StoreError>());
        let Some(store) = store else {
            panic!("the source of {e:?} is not the StoreError");
        };
        assert_eq!(store.kind(), &StoreErrorKind::Unavailable);
        assert_eq!(store.message(), "cannot reach the database");
        let driver = store
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(
            driver.map(std::io::Error::kind),
            Some(std::io::ErrorKind::ConnectionRefused)
        );
        assert_eq!(
            driver.map(ToString::to_string).as_deref(),
            Some("connection refused")
        );
        // The same chain through the trait objects, end to end.
        let chain: Vec<String> =
            std::iter::successors(Some(&e as &(dyn std::error::Error + 'static)), |e| {
                let e: &(dyn std::error::Error + 'static) = *e;
                e.source()
            })
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            chain,
            [
                "the store failed",
                "the store is unavailable: cannot reach the database",
                "connection refused",
            ]
        );
    }
}

#[tokio::test]
async fn an_officers_member_id_is_recorded_as_who_acted_in_a_transition() {
    let applicant = registered(Entry::Application { on: d(2024, 3, 1) }, true).await;
    assert!(applicant.card().is_some());
    for (actor, acted_by) in [
        (
            Actor::branch_officer(MemberId::new(9), BRANCH_A),
            Some(ActedBy::Member(MemberId::new(9))),
        ),
        (
            Actor::committee_officer(MemberId::new(11), COMMITTEE),
            Some(ActedBy::Member(MemberId::new(11))),
        ),
        // An officer account not linked to a member record names nobody.
        (Actor::branch_officer(None, BRANCH_A), None),
    ] {
        let written: Arc<Mutex<Vec<Vec<NewRecordEntry>>>> = Arc::default();
        let mut db = db();
        let m = applicant.clone();
        db.expect_get_member()
            .withf(|id| *id == MEMBER)
            .returning(move |_| Ok(Some(m.clone())));
        let sink = Arc::clone(&written);
        db.expect_update_member()
            .times(1)
            .returning(move |member, effects: Effects| {
                if let Ok(mut w) = sink.lock() {
                    w.push(effects.records().to_vec());
                }
                let (records, _) = effects.into_parts();
                let stored = records.into_iter().map(|r| r.into_entry(RecordId::new(1)));
                Ok((member, stored.collect()))
            });
        let s = session(db, &actor);
        let req = TransitionRequest::BecomeActivist { on: d(2024, 6, 1) };
        let m = s.lifecycle().transition(Transition::new(MEMBER, req)).await;
        assert_eq!(m.map(|m| m.stage()).ok(), Some(Stage::Activist));
        let written = written.lock().map(|w| w.clone()).unwrap_or_default();
        let [entry] = written
            .concat()
            .try_into()
            .unwrap_or_else(|w: Vec<NewRecordEntry>| {
                panic!("expected one update with a record entry, got {w:?}")
            });
        assert_eq!(written.len(), 1, "one update");
        assert_eq!(entry.acted_by, acted_by, "{actor:?}");
        assert_eq!(entry.member, MEMBER);
        assert_eq!(entry.occurred_on, d(2024, 6, 1));
        assert_eq!(entry.recorded_by, Some(BRANCH_A));
        assert_eq!(
            entry.activity,
            Activity::StageChanged {
                from: Some(Stage::Applicant),
                to: Stage::Activist,
            }
        );
    }
}

/// A `NotFound` for `what`, the same for a target outside the scope and
/// for one that does not exist: same kind, same message, same fields.
fn same_not_found<T: std::fmt::Debug>(
    what: Entity,
    foreign: Result<T, Error>,
    missing: Result<T, Error>,
) {
    let (Err(f), Err(m)) = (&foreign, &missing) else {
        panic!("both must be refused: foreign {foreign:?}, missing {missing:?}");
    };
    assert_eq!(f.kind(), ErrorKind::NotFound, "{f:?}");
    assert_eq!(f.kind(), m.kind());
    assert_eq!(f.to_string(), m.to_string());
    assert!(
        matches!(
            (f, m),
            (Error::NotFound { what: a, id: x }, Error::NotFound { what: b, id: y })
                if *a == what && *b == what && x == y
        ),
        "foreign {f:?}, missing {m:?}"
    );
}

/// A store where the ids exist ([`db`]) or where they do not: no
/// BRANCH_A in the tree, no placement, no case. Nothing else is read.
fn located(exists: bool) -> MockDb {
    let mut db = MockDb::new();
    let gone = (!exists).then_some(BRANCH_A);
    db.expect_org_tree()
        .returning(move || Ok(tree_without(gone)));
    db.expect_placement()
        .returning(move |_| Ok(exists.then(placement)));
    db.expect_departure_case().times(..=1).returning(move |id| {
        Ok(exists.then(|| SelfDepartureCase {
            id,
            member: MEMBER,
            branch: BRANCH_A,
            opened_on: d(2024, 6, 1),
            months: crate::dues::MonthRange::new(month(2023, 12), month(2024, 5))
                .unwrap_or_else(|e| unreachable!("{e}")),
            owed: crate::dues::Money::from_fen(6000),
            status: crate::dues::CaseStatus::Open,
        }))
    });
    db.expect_get_member().never();
    db.expect_update_member().never();
    db.expect_records_of().never();
    db.expect_dues_entries_of_member().never();
    db.expect_update_departure_case().never();
    db
}

fn month(y: i32, m: u32) -> crate::dues::Month {
    crate::dues::Month::new(y, m).unwrap_or_else(|| unreachable!())
}

#[tokio::test]
async fn a_foreign_id_and_a_missing_id_get_the_same_answer_from_every_handle() {
    let secretary_b = Actor::branch_officer(MemberId::new(9), BRANCH_B);
    let treasurer_b = Actor::branch_treasurer(MemberId::new(9), BRANCH_B);
    let other_member = Actor::member(MemberId::new(6));
    let on = d(2024, 6, 1);
    let both = |actor: &Actor| {
        (
            session(located(true), actor),
            session(located(false), actor),
        )
    };

    let (f, m) = both(&secretary_b);
    same_not_found(
        Entity::Org,
        f.orgs().get(BRANCH_A).await,
        m.orgs().get(BRANCH_A).await,
    );
    let (f, m) = both(&secretary_b);
    same_not_found(
        Entity::Member,
        f.members().get(MEMBER).await,
        m.members().get(MEMBER).await,
    );
    let (f, m) = both(&secretary_b);
    let transition = || Transition::new(MEMBER, TransitionRequest::BecomeActivist { on });
    same_not_found(
        Entity::Member,
        f.lifecycle().transition(transition()).await,
        m.lifecycle().transition(transition()).await,
    );
    let (f, m) = both(&other_member);
    same_not_found(
        Entity::Member,
        f.records().list(MEMBER, PageRequest::default()).await,
        m.records().list(MEMBER, PageRequest::default()).await,
    );
    let (f, m) = both(&treasurer_b);
    same_not_found(
        Entity::Member,
        f.dues().statement(MEMBER).await,
        m.dues().statement(MEMBER).await,
    );
    let (f, m) = both(&treasurer_b);
    let decide =
        || crate::dues::DecideCase::new(CaseId::new(7), crate::dues::CaseDecision::PassToDecision);
    same_not_found(
        Entity::DepartureCase,
        f.dues().decide_case(decide()).await,
        m.dues().decide_case(decide()).await,
    );
    // The votes handle: see `votes::a_foreign_vote_and_a_missing_vote_get_the_same_answer`.
}

/// Every handle method, through a check that its future is `Send`.
async fn call_every_method(s: &Session) -> Vec<(&'static str, Option<ErrorKind>)> {
    use crate::dues::{
        AssessMonth, CaseDecision, DecideCase, DeclareIncome, EntryId, Income, PaymentRequest,
        ReliefKind, ReliefRequest, Reversal,
    };
    use crate::election::{
        Appraise, Ballot, BallotPaper, Body, Cast, CheckIn, ElectionBuilder, MotionKind, NextRound,
        OpenElection, OpenMotion, RecordOpinion, Round,
    };
    use crate::member::MembershipRequest;
    use crate::org::{BranchForm, MoveOrg};
    use crate::record::AppendActivity;

    fn send<F: std::future::Future + Send>(f: F) -> F {
        f
    }
    fn k<T>(r: Result<T, Error>) -> Option<ErrorKind> {
        r.err().map(|e| e.kind())
    }
    let on = d(2024, 6, 1);
    let vote = VoteId::new(1);
    let branch = || OrgKind::Branch(BranchForm::Physical);
    let name = || "新支部".parse().unwrap_or_else(|_| unreachable!());
    let pay = || {
        PaymentRequest::new(
            MEMBER,
            "WX1".parse().unwrap_or_else(|_| unreachable!()),
            crate::dues::Money::from_fen(3000),
            on,
        )
    };
    let months = crate::dues::MonthRange::new(month(2024, 6), month(2024, 12))
        .unwrap_or_else(|e| unreachable!("{e}"));
    let (_, receipt) =
        crate::election::seal(vote, on, Ballot::from_masks(1, 0, vec![]), &mut rand::rng());
    let setup = || ElectionBuilder::new().body(Body::BranchCommittee).seats(3);
    vec![
        (
            "orgs.create",
            k(send(
                s.orgs()
                    .create(NewOrganisation::new(name(), branch()).under(COMMITTEE)),
            )
            .await),
        ),
        (
            "orgs.create_root",
            k(send(
                s.orgs()
                    .create(NewOrganisation::new(name(), OrgKind::GrassrootsCommittee)),
            )
            .await),
        ),
        (
            "orgs.reparent",
            k(send(s.orgs().reparent(MoveOrg::new(BRANCH_A, COMMITTEE))).await),
        ),
        (
            "orgs.rename",
            k(send(s.orgs().rename(RenameOrg::new(BRANCH_A, name()))).await),
        ),
        ("orgs.get", k(send(s.orgs().get(BRANCH_A)).await)),
        (
            "orgs.subtree",
            k(send(s.orgs().subtree(COMMITTEE, PageRequest::default())).await),
        ),
        (
            "orgs.ancestors",
            k(send(s.orgs().ancestors(BRANCH_A)).await),
        ),
        (
            "orgs.structure_report",
            k(send(s.orgs().structure_report(COMMITTEE)).await),
        ),
        (
            "members.register",
            k(send(s.members().register(registration(imported_full()))).await),
        ),
        (
            "members.register_approved",
            k(send(s.members().register_approved(registration(imported_full()))).await),
        ),
        (
            "members.approve",
            k(send(s.members().approve(MEMBER)).await),
        ),
        (
            "members.change_membership",
            k(send(s.members().change_membership(ChangeMembership::new(
                MEMBER,
                MembershipRequest::TransferHome { to: BRANCH_B, on },
            )))
            .await),
        ),
        ("members.get", k(send(s.members().get(MEMBER)).await)),
        (
            "members.by_employee_no",
            k(send(
                s.members()
                    .by_employee_no(&"E0001".parse().unwrap_or_else(|_| unreachable!())),
            )
            .await),
        ),
        (
            "members.list_in",
            k(send(s.members().list_in(COMMITTEE, PageRequest::default())).await),
        ),
        (
            "members.list_online",
            k(send(s.members().list_online(BRANCH_A, PageRequest::default())).await),
        ),
        (
            "lifecycle.transition",
            k(send(s.lifecycle().transition(Transition::new(
                MEMBER,
                TransitionRequest::BecomeActivist { on },
            )))
            .await),
        ),
        (
            "lifecycle.stage",
            k(send(s.lifecycle().stage(MEMBER)).await),
        ),
        (
            "records.append",
            k(send(s.records().append(AppendActivity::new(
                MEMBER,
                on,
                crate::record::Appendable::AssistanceVisit {
                    description: "走访".into(),
                },
            )))
            .await),
        ),
        (
            "records.list",
            k(send(s.records().list(MEMBER, PageRequest::default())).await),
        ),
        (
            "dues.declare_income",
            k(send(s.dues().declare_income(DeclareIncome::new(
                MEMBER,
                month(2024, 1),
                Income::None,
            )))
            .await),
        ),
        (
            "dues.explain",
            k(send(s.dues().explain(MEMBER, month(2024, 6))).await),
        ),
        (
            "dues.assess_month",
            k(send(
                s.dues()
                    .assess_month(AssessMonth::new(BRANCH_A, month(2024, 6))),
            )
            .await),
        ),
        (
            "dues.record_payment",
            k(send(s.dues().record_payment(pay())).await),
        ),
        (
            "dues.record_payments",
            k(send(s.dues().record_payments(vec![pay()])).await),
        ),
        (
            "dues.reverse",
            k(send(
                s.dues()
                    .reverse(Reversal::new(MEMBER, EntryId::new(1), "录入错误")),
            )
            .await),
        ),
        (
            "dues.grant_relief",
            k(send(s.dues().grant_relief(ReliefRequest::new(
                MEMBER,
                ReliefKind::Exemption,
                months,
                "生活困难",
                on,
                COMMITTEE,
            )))
            .await),
        ),
        (
            "dues.report",
            k(send(s.dues().report(BRANCH_A, month(2024, 6))).await),
        ),
        (
            "dues.branch_reports",
            k(send(s.dues().branch_reports(COMMITTEE, month(2024, 6))).await),
        ),
        (
            "dues.unpaid",
            k(send(s.dues().unpaid(BRANCH_A, month(2024, 6))).await),
        ),
        ("dues.statement", k(send(s.dues().statement(MEMBER)).await)),
        (
            "dues.scan_arrears",
            k(send(s.dues().scan_arrears(COMMITTEE, month(2024, 6))).await),
        ),
        (
            "dues.decide_case",
            k(send(s.dues().decide_case(DecideCase::new(
                CaseId::new(7),
                CaseDecision::PassToDecision,
            )))
            .await),
        ),
        (
            "dues.cases",
            k(send(
                s.dues()
                    .cases(COMMITTEE, crate::service::PageRequest::default()),
            )
            .await),
        ),
        (
            "votes.open_election",
            k(send(
                s.votes()
                    .open_election(OpenElection::new(BRANCH_A, setup())),
            )
            .await),
        ),
        (
            "votes.open_next_round",
            k(send(s.votes().open_next_round(NextRound::new(
                vote,
                Round::RunOff,
                vec![MEMBER],
                1,
            )))
            .await),
        ),
        (
            "votes.open_motion",
            k(send(s.votes().open_motion(OpenMotion::new(
                BRANCH_A,
                MotionKind::Discipline,
                MEMBER,
            )))
            .await),
        ),
        (
            "votes.check_in",
            k(send(
                s.votes()
                    .check_in(CheckIn::new(vote, MEMBER, AttendanceMode::InPerson)),
            )
            .await),
        ),
        (
            "votes.record_written_opinion",
            k(send(s.votes().record_written_opinion(RecordOpinion::new(
                vote,
                MEMBER,
                WrittenOpinion::Yes,
            )))
            .await),
        ),
        (
            "votes.cast",
            k(send(s.votes().cast(Cast::new(vote, BallotPaper::new()))).await),
        ),
        ("votes.close", k(send(s.votes().close(vote)).await)),
        (
            "votes.count_report",
            k(send(s.votes().count_report(vote)).await),
        ),
        (
            "votes.motion_report",
            k(send(s.votes().motion_report(vote)).await),
        ),
        (
            "votes.ballot_codes",
            k(send(s.votes().ballot_codes(vote)).await),
        ),
        (
            "votes.verify_receipt",
            k(send(s.votes().verify_receipt(&receipt, None)).await),
        ),
        ("votes.get", k(send(s.votes().get(vote)).await)),
        (
            "votes.appraise",
            k(send(
                s.votes()
                    .appraise(Appraise::new(BRANCH_A, 2024, Default::default())),
            )
            .await),
        ),
    ]
}

/// A store whose every locating read fails with `kind`; nothing after
/// the prologue is expected.
fn down(kind: StoreErrorKind) -> MockDb {
    let mut db = MockDb::new();
    let fail = move || store_error(kind.clone(), "down");
    let f = fail.clone();
    db.expect_org_tree().returning(move || Err(f()));
    let f = fail.clone();
    db.expect_placement().returning(move |_| Err(f()));
    let f = fail.clone();
    db.expect_locate_vote().returning(move |_, _| Err(f()));
    let f = fail.clone();
    db.expect_departure_case().returning(move |_| Err(f()));
    db.expect_find_by_employee_no()
        .returning(move |_| Err(fail()));
    db
}

#[tokio::test]
async fn every_service_future_is_send_and_an_outage_while_locating_is_a_store_error() {
    let admin = session(down(StoreErrorKind::Unavailable), &Actor::platform_admin());
    let answers = call_every_method(&admin).await;
    assert_eq!(answers.len(), 47);
    for (name, kind) in &answers {
        assert_eq!(*kind, Some(ErrorKind::Store), "{name}");
    }
    let officer = session(
        down(StoreErrorKind::Config),
        &Actor::committee_officer(MemberId::new(9), COMMITTEE),
    );
    for (name, kind) in call_every_method(&officer).await {
        assert_eq!(kind, Some(ErrorKind::Config), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_moves_into_a_spawned_task() {
    let mut db = db();
    db.expect_dues_entries_of_member().returning(|_| Ok(vec![]));
    let me = session(db, &Actor::member(MEMBER));
    let task = tokio::spawn(async move { me.dues().statement(MEMBER).await.map(|s| s.member) });
    let answer = task.await.map_err(|e| e.to_string());
    assert!(matches!(answer, Ok(Ok(m)) if m == MEMBER), "{answer:?}");
}

mod dues {
    //! Dues services against the mock: a refused actor never reaches a
    //! dues write (or a read beyond locating the target).

    use super::*;
    use crate::dues::{
        AssessMonth, DeclareIncome, EntryId, Income, Money, Month, MonthRange, PaymentRequest,
        ReliefKind, ReliefRequest, Reversal,
    };

    fn payment() -> PaymentRequest {
        PaymentRequest::new(
            MEMBER,
            "WX1".parse().unwrap_or_else(|_| unreachable!()),
            Money::from_fen(3000),
            d(2024, 6, 1),
        )
    }

    #[tokio::test]
    async fn another_branch_treasurer_cannot_record_a_payment() {
        let mut db = db();
        db.expect_record_payment().never();
        db.expect_record_payments().never();
        db.expect_dues_entries_of_member().never();
        db.expect_dues_entries_of_members().never();
        db.expect_get_members().never();
        db.expect_dues_profiles().never();
        let dj = service(db);
        // Outside the scope.
        let other = dj.act_as(&Actor::branch_treasurer(MemberId::new(9), BRANCH_B));
        not_found(other.dues().record_payment(payment()).await);
        // In scope (themselves), but a member records no payment.
        let me = dj.act_as(&Actor::member(MEMBER));
        denied(me.dues().record_payment(payment()).await);
    }

    #[tokio::test]
    async fn a_batch_item_out_of_scope_is_refused_and_nothing_is_written() {
        let member = registered(imported_full(), false).await;
        let mut db = db();
        db.expect_get_members()
            .withf(|ids| ids.iter().eq([MEMBER].iter()))
            .returning(move |_| Ok(vec![member.clone()]));
        db.expect_dues_profiles()
            .withf(|ids| ids.is_empty())
            .returning(|_| Ok(vec![]));
        db.expect_dues_entries_of_members().never();
        db.expect_record_payments().never();
        db.expect_record_payment().never();
        let dj = service(db);
        for (actor, expected) in [
            // Outside the scope: as if there were no such member.
            (
                Actor::branch_treasurer(MemberId::new(9), BRANCH_B),
                ErrorKind::NotFound,
            ),
            // The member themselves: in scope, the role may not.
            (Actor::member(MEMBER), ErrorKind::PermissionDenied),
        ] {
            let out = dj
                .act_as(&actor)
                .dues()
                .record_payments(vec![payment()])
                .await;
            let out = out.unwrap_or_else(|e| unreachable!("{e}"));
            let [item] = out.as_slice() else {
                panic!("one answer per item: {out:?}");
            };
            assert_eq!(item.as_ref().err().map(Error::kind), Some(expected));
        }
    }

    #[tokio::test]
    async fn a_member_reads_only_their_own_statement() {
        let mut db = db();
        db.expect_dues_entries_of_member()
            .withf(|m| *m == MEMBER)
            .times(1)
            .returning(|_| Ok(vec![]));
        db.expect_dues_entries_of_branches().never();
        let dj = service(db);
        let me = dj.act_as(&Actor::member(MEMBER));
        assert!(me.dues().statement(MEMBER).await.is_ok());
        let other = dj.act_as(&Actor::member(MemberId::new(6)));
        not_found(other.dues().statement(MEMBER).await);
        // A branch is outside a member's scope, their own included.
        not_found(me.dues().report(BRANCH_A, Month::of(d(2024, 6, 1))).await);
    }

    #[tokio::test]
    async fn refused_declarations_and_reliefs_write_nothing() {
        let mut db = db();
        db.expect_put_dues_profile().never();
        db.expect_append_dues_entry().never();
        db.expect_append_assessments().never();
        db.expect_get_member().never();
        db.expect_dues_profile().never();
        db.expect_members_by_home().never();
        // A reversal looks the entry up: the branch that recorded it may
        // reverse it after a transfer. For another branch nothing matches.
        db.expect_dues_entries_of_member()
            .withf(|m| *m == MEMBER)
            .times(1)
            .returning(|_| Ok(vec![]));
        db.expect_dues_entries_of_members().never();
        let other = session(db, &Actor::branch_officer(MemberId::new(9), BRANCH_B));
        let decl = DeclareIncome::new(MEMBER, Month::of(d(2024, 1, 1)), Income::None);
        not_found(other.dues().declare_income(decl).await);
        not_found(
            other
                .dues()
                .assess_month(AssessMonth::new(BRANCH_A, Month::of(d(2024, 6, 1))))
                .await,
        );
        not_found(
            other
                .dues()
                .reverse(Reversal::new(MEMBER, EntryId::new(1), "x"))
                .await,
        );
        let months = MonthRange::new(Month::of(d(2024, 6, 1)), Month::of(d(2024, 12, 1)))
            .unwrap_or_else(|e| unreachable!("{e}"));
        let relief = ReliefRequest::new(
            MEMBER,
            ReliefKind::Exemption,
            months,
            "生活困难",
            d(2024, 6, 1),
            COMMITTEE,
        );
        not_found(other.dues().grant_relief(relief).await);
    }

    #[tokio::test]
    async fn a_treasurer_cannot_manage_members() {
        let mut db = db();
        db.expect_update_member().never();
        db.expect_get_member().never();
        db.expect_records_of().never();
        // The member is in the treasurer's branch: in scope, but dues only.
        let treasurer = session(db, &Actor::branch_treasurer(MemberId::new(9), BRANCH_A));
        let req = TransitionRequest::BecomeActivist { on: d(2024, 6, 1) };
        denied(
            treasurer
                .lifecycle()
                .transition(Transition::new(MEMBER, req))
                .await,
        );
        denied(
            treasurer
                .records()
                .list(MEMBER, PageRequest::default())
                .await,
        );
    }
}
