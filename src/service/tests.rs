//! Service unit tests with a mock store (mockall): a refused call never
//! reaches a write, and store failures map to the right error kind.

use super::Dangjian;
use crate::access::{Actor, Placement};
use crate::clock::FixedClock;
use crate::dues::DuesProfile;
use crate::dues::arrears::SelfDepartureCase;
use crate::dues::ledger::{LedgerEntry, NewLedgerEntry, NewPayment, PaymentOutcome};
use crate::lifecycle::{ImportedStage, TransitionRequest};
use crate::member::{Entry, Member, MembershipKind, MembershipRequest, NewMember, Registration};
use crate::org::{BranchForm, NewOrganisation, OrgKind, OrgTree, Organisation};
use crate::record::{NewRecordEntry, RecordEntry};
use crate::store::{DuesStore, MemberStore, OrgStore, RecordStore, StoreError, StoreErrorKind};
use crate::{ErrorKind, MemberId, OrgId};
use async_trait::async_trait;
use chrono::NaiveDate;
use std::sync::Arc;

mockall::mock! {
    Db {}
    #[async_trait]
    impl OrgStore for Db {
        async fn org_tree(&self) -> Result<Arc<OrgTree>, StoreError>;
        async fn insert_org(&self, new: NewOrganisation) -> Result<Organisation, StoreError>;
        async fn update_org(&self, org: Organisation) -> Result<Organisation, StoreError>;
    }
    #[async_trait]
    impl MemberStore for Db {
        async fn insert_member(&self, new: NewMember) -> Result<Member, StoreError>;
        async fn insert_members(&self, new: Vec<NewMember>) -> Result<Vec<Member>, StoreError>;
        async fn get_member(&self, id: MemberId) -> Result<Option<Member>, StoreError>;
        async fn get_members(&self, ids: &[MemberId]) -> Result<Vec<Member>, StoreError>;
        async fn placement(&self, id: MemberId) -> Result<Option<Placement>, StoreError>;
        async fn find_by_id_number(&self, id_number: &crate::member::IdNumber) -> Result<Option<Member>, StoreError>;
        async fn find_by_employee_no(&self, no: &crate::member::EmployeeNo) -> Result<Option<Member>, StoreError>;
        async fn update_member(&self, member: Member, record: Option<NewRecordEntry>) -> Result<(Member, Option<RecordEntry>), StoreError>;
        async fn members_by_home(&self, orgs: &[OrgId]) -> Result<Vec<Member>, StoreError>;
        async fn members_by_online(&self, org: OrgId) -> Result<Vec<Member>, StoreError>;
    }
    #[async_trait]
    impl RecordStore for Db {
        async fn append_record(&self, entry: NewRecordEntry) -> Result<RecordEntry, StoreError>;
        async fn records_of(&self, member: MemberId) -> Result<Vec<RecordEntry>, StoreError>;
    }
    #[async_trait]
    impl crate::store::VoteStore for Db {
        async fn create_vote(&self, new: crate::election::NewVote) -> Result<crate::election::VoteRecord, StoreError>;
        async fn get_vote(&self, id: crate::election::VoteId) -> Result<Option<crate::election::VoteRecord>, StoreError>;
        async fn check_in(&self, id: crate::election::VoteId, member: MemberId, mode: crate::election::AttendanceMode) -> Result<crate::election::VoteRecord, StoreError>;
        async fn record_written_opinion(&self, id: crate::election::VoteId, member: MemberId, opinion: crate::election::WrittenOpinion) -> Result<crate::election::VoteRecord, StoreError>;
        async fn cast_ballot(&self, voter: MemberId, ballot: crate::election::SealedBallot) -> Result<(), StoreError>;
        async fn has_voted(&self, id: crate::election::VoteId, member: MemberId) -> Result<bool, StoreError>;
        async fn voters(&self, id: crate::election::VoteId) -> Result<std::collections::BTreeSet<MemberId>, StoreError>;
        async fn close_vote(&self, id: crate::election::VoteId) -> Result<crate::election::VoteRecord, StoreError>;
        async fn sealed_ballots(&self, id: crate::election::VoteId) -> Result<Vec<crate::election::SealedBallot>, StoreError>;
    }
    #[async_trait]
    impl DuesStore for Db {
        async fn put_dues_profile(&self, profile: DuesProfile) -> Result<DuesProfile, StoreError>;
        async fn dues_profile(&self, member: MemberId) -> Result<Option<DuesProfile>, StoreError>;
        async fn dues_profiles(&self, members: &[MemberId]) -> Result<Vec<DuesProfile>, StoreError>;
        async fn dues_version(&self, member: MemberId) -> Result<u64, StoreError>;
        async fn append_assessments(&self, entries: Vec<NewLedgerEntry>) -> Result<Vec<LedgerEntry>, StoreError>;
        async fn record_payment(&self, payment: NewPayment, record: Option<NewRecordEntry>, based_on: u64) -> Result<PaymentOutcome, StoreError>;
        async fn record_payments(&self, batch: Vec<(NewPayment, Option<NewRecordEntry>, u64)>) -> Result<Vec<Result<PaymentOutcome, StoreError>>, StoreError>;
        async fn append_dues_entry(&self, entry: NewLedgerEntry, based_on: u64) -> Result<LedgerEntry, StoreError>;
        async fn dues_entries_of_member(&self, member: MemberId) -> Result<Vec<LedgerEntry>, StoreError>;
        async fn dues_entries_of_members(&self, members: &[MemberId]) -> Result<Vec<LedgerEntry>, StoreError>;
        async fn dues_entries_of_branches(&self, branches: &[OrgId]) -> Result<Vec<LedgerEntry>, StoreError>;
        async fn open_departure_cases(&self, cases: Vec<SelfDepartureCase>) -> Result<Vec<SelfDepartureCase>, StoreError>;
        async fn departure_case(&self, id: u64) -> Result<Option<SelfDepartureCase>, StoreError>;
        async fn departure_cases(&self, branches: &[OrgId]) -> Result<Vec<SelfDepartureCase>, StoreError>;
        async fn update_departure_case(&self, case: SelfDepartureCase) -> Result<SelfDepartureCase, StoreError>;
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

const COMMITTEE: OrgId = OrgId::new(1);
const BRANCH_A: OrgId = OrgId::new(2);
const BRANCH_B: OrgId = OrgId::new(3);
const ELSEWHERE: OrgId = OrgId::new(4);

fn tree() -> Arc<OrgTree> {
    let org = |id: OrgId, kind, parent| Organisation {
        id,
        name: format!("org {id}")
            .parse()
            .unwrap_or_else(|_| unreachable!()),
        kind,
        parent,
        version: 1,
    };
    let branch = || OrgKind::Branch(BranchForm::Physical);
    let tree = OrgTree::from_orgs([
        org(COMMITTEE, OrgKind::GrassrootsCommittee, None),
        org(BRANCH_A, branch(), Some(COMMITTEE)),
        org(BRANCH_B, branch(), Some(COMMITTEE)),
        org(ELSEWHERE, branch(), None),
    ]);
    Arc::new(tree.unwrap_or_default())
}

fn placement() -> Placement {
    Placement {
        home: BRANCH_A,
        mobile_location: Some(ELSEWHERE),
        dual: None,
        online: vec![],
    }
}

fn db() -> MockDb {
    let mut db = MockDb::new();
    db.expect_org_tree().returning(|| Ok(tree()));
    db.expect_placement().returning(|_| Ok(Some(placement())));
    db
}

fn service(db: MockDb) -> Dangjian {
    Dangjian::new(Arc::new(db), Arc::new(FixedClock::on_date(d(2024, 6, 1))))
}

#[cfg(test)]
mod votes;

#[tokio::test]
async fn another_branch_cannot_transition_and_nothing_is_written() {
    let mut db = db();
    db.expect_get_member().never();
    db.expect_update_member().never();
    let dj = service(db);
    let secretary_b = Actor::branch_officer(MemberId::new(9), BRANCH_B);
    let req = TransitionRequest::BecomeActivist { on: d(2024, 6, 1) };
    let err = dj.transition(&secretary_b, MemberId::new(5), req).await;
    assert_eq!(
        err.err().map(|e| e.kind()),
        Some(ErrorKind::PermissionDenied)
    );
}

#[tokio::test]
async fn current_location_cannot_change_memberships() {
    let mut db = db();
    db.expect_update_member().never();
    let dj = service(db);
    let location = Actor::branch_officer(MemberId::new(9), ELSEWHERE);
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
        let err = dj.change_membership(&location, MemberId::new(5), req).await;
        assert_eq!(
            err.err().map(|e| e.kind()),
            Some(ErrorKind::PermissionDenied)
        );
    }
}

#[tokio::test]
async fn a_member_cannot_read_another_members_record() {
    let mut db = db();
    db.expect_records_of().never();
    let dj = service(db);
    let err = dj
        .activity_record(&Actor::member(MemberId::new(6)), MemberId::new(5))
        .await;
    assert_eq!(
        err.err().map(|e| e.kind()),
        Some(ErrorKind::PermissionDenied)
    );
}

#[tokio::test]
async fn registration_outside_scope_is_refused_before_any_write() {
    let mut db = db();
    db.expect_insert_member().never();
    db.expect_find_by_id_number().never();
    let dj = service(db);
    let reg = Registration::new()
        .name("张三".parse().unwrap_or_else(|_| unreachable!()))
        .id_number(
            "11010519491231002X"
                .parse()
                .unwrap_or_else(|_| unreachable!()),
        )
        .home(BRANCH_A)
        .entry(Entry::Import(ImportedStage::Full {
            joined_on: d(1980, 1, 1),
            full_since: d(1981, 1, 1),
        }));
    let secretary_b = Actor::branch_officer(MemberId::new(9), BRANCH_B);
    let err = dj.register(&secretary_b, reg).await;
    assert_eq!(
        err.err().map(|e| e.kind()),
        Some(ErrorKind::PermissionDenied)
    );
}

#[tokio::test]
async fn store_failures_keep_their_kind() {
    let mut db = db();
    db.expect_insert_member().returning(|_| {
        Err(StoreError::new(
            StoreErrorKind::Duplicate(crate::store::UniqueField::EmployeeNo),
            "taken",
        ))
    });
    db.expect_find_by_id_number().returning(|_| Ok(None));
    db.expect_insert_org()
        .returning(|_| Err(StoreError::new(StoreErrorKind::Unavailable, "down")));
    let dj = service(db);
    let reg = Registration::new()
        .name("张三".parse().unwrap_or_else(|_| unreachable!()))
        .id_number(
            "11010519491231002X"
                .parse()
                .unwrap_or_else(|_| unreachable!()),
        )
        .home(BRANCH_A)
        .entry(Entry::Import(ImportedStage::Full {
            joined_on: d(1980, 1, 1),
            full_since: d(1981, 1, 1),
        }));
    let committee = Actor::committee_officer(MemberId::new(9), COMMITTEE);
    let err = dj.register(&committee, reg).await;
    assert_eq!(err.err().map(|e| e.kind()), Some(ErrorKind::Conflict));
    let new = NewOrganisation {
        name: "党小组".parse().unwrap_or_else(|_| unreachable!()),
        kind: OrgKind::PartyGroup,
        parent: Some(BRANCH_A),
    };
    let err = dj.create_org(&committee, new).await;
    assert_eq!(err.err().map(|e| e.kind()), Some(ErrorKind::Store));
}

mod dues {
    //! Dues services against the mock: a refused actor never reaches a
    //! dues write (or read).

    use super::*;
    use crate::dues::ledger::PayAhead;
    use crate::dues::{Income, IncomeDeclaration, Money, Month};
    use crate::member::OccupationCategory;
    use crate::service::dues::PaymentRequest;

    fn payment() -> PaymentRequest {
        PaymentRequest {
            member: MemberId::new(5),
            payment_id: "WX1".parse().unwrap_or_else(|_| unreachable!()),
            amount: Money::from_fen(3000),
            voluntary: Money::ZERO,
            received_on: d(2024, 6, 1),
            for_month: None,
            pay_ahead: PayAhead::Monthly,
        }
    }

    fn denied<T: std::fmt::Debug>(r: Result<T, crate::Error>) {
        assert_eq!(r.err().map(|e| e.kind()), Some(ErrorKind::PermissionDenied));
    }

    #[tokio::test]
    async fn another_branch_treasurer_cannot_record_a_payment() {
        let mut db = db();
        db.expect_record_payment().never();
        db.expect_dues_version().never();
        db.expect_dues_entries_of_member().never();
        let dj = service(db);
        let other = Actor::branch_treasurer(MemberId::new(9), BRANCH_B);
        denied(dj.record_dues_payment(&other, payment()).await);
        let me = Actor::member(MemberId::new(5));
        denied(dj.record_dues_payment(&me, payment()).await);
    }

    /// A full member of BRANCH_A, as the service registers it.
    async fn member_of_a() -> Option<Member> {
        let mut maker = db();
        maker.expect_find_by_id_number().returning(|_| Ok(None));
        maker.expect_find_by_employee_no().returning(|_| Ok(None));
        maker
            .expect_insert_member()
            .returning(|new| Ok(new.into_member(MemberId::new(5))));
        let reg = Registration::new()
            .name("张三".parse().ok()?)
            .id_number("11010519491231002X".parse().ok()?)
            .home(BRANCH_A)
            .entry(Entry::Import(ImportedStage::Full {
                joined_on: d(1980, 1, 1),
                full_since: d(1981, 1, 1),
            }));
        let committee = Actor::committee_officer(MemberId::new(9), COMMITTEE);
        service(maker).register(&committee, reg).await.ok()
    }

    #[tokio::test]
    async fn a_batch_item_out_of_scope_is_refused_and_nothing_is_written() {
        let member = member_of_a().await;
        assert!(member.is_some());
        let mut db = db();
        db.expect_get_members()
            .returning(move |_| Ok(member.clone().into_iter().collect()));
        db.expect_dues_profiles()
            .withf(|ids| ids.is_empty())
            .returning(|_| Ok(vec![]));
        db.expect_dues_entries_of_members().never();
        db.expect_record_payments().never();
        db.expect_record_payment().never();
        let dj = service(db);
        let other = Actor::branch_treasurer(MemberId::new(9), BRANCH_B);
        let out = dj.record_dues_payments(&other, vec![payment()]).await;
        let mut out = out.unwrap_or_default().into_iter();
        denied(
            out.next()
                .unwrap_or_else(|| Err(crate::Error::NotFound("item".into()))),
        );
        assert!(out.next().is_none());
    }

    #[tokio::test]
    async fn a_member_reads_only_their_own_statement() {
        let mut db = db();
        db.expect_dues_entries_of_member()
            .times(1)
            .returning(|_| Ok(vec![]));
        let dj = service(db);
        let me = Actor::member(MemberId::new(5));
        assert!(dj.dues_statement(&me, MemberId::new(5)).await.is_ok());
        denied(
            dj.dues_statement(&Actor::member(MemberId::new(6)), MemberId::new(5))
                .await,
        );
        denied(
            dj.dues_report(&me, BRANCH_A, Month::of(d(2024, 6, 1)))
                .await,
        );
    }

    #[tokio::test]
    async fn refused_declarations_and_reliefs_write_nothing() {
        let mut db = db();
        db.expect_put_dues_profile().never();
        db.expect_append_dues_entry().never();
        db.expect_append_assessments().never();
        // A reversal looks the entry up (the recording branch may correct
        // it after a transfer); for another branch nothing matches.
        db.expect_dues_entries_of_member().returning(|_| Ok(vec![]));
        let dj = service(db);
        let other = Actor::branch_officer(MemberId::new(9), BRANCH_B);
        let decl = IncomeDeclaration {
            from: Month::of(d(2024, 1, 1)),
            category: OccupationCategory::Student,
            income: Income::None,
        };
        denied(dj.declare_dues_income(&other, MemberId::new(5), decl).await);
        denied(
            dj.assess_dues_month(&other, BRANCH_A, Month::of(d(2024, 6, 1)))
                .await,
        );
        denied(
            dj.reverse_dues_entry(&other, MemberId::new(5), crate::dues::EntryId::new(1), "x")
                .await,
        );
    }

    #[tokio::test]
    async fn a_treasurer_cannot_manage_members() {
        let mut db = db();
        db.expect_update_member().never();
        db.expect_get_member().never();
        let dj = service(db);
        let treasurer = Actor::branch_treasurer(MemberId::new(9), BRANCH_A);
        let req = TransitionRequest::BecomeActivist { on: d(2024, 6, 1) };
        denied(dj.transition(&treasurer, MemberId::new(5), req).await);
        denied(dj.activity_record(&treasurer, MemberId::new(5)).await);
    }
}
