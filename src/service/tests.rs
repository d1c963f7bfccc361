//! Service unit tests with a mock store (mockall): a refused call never
//! reaches a write, and store failures map to the right error kind.

use super::Dangjian;
use crate::access::{Actor, Placement};
use crate::clock::FixedClock;
use crate::lifecycle::{ImportedStage, TransitionRequest};
use crate::member::{Entry, Member, MembershipKind, MembershipRequest, NewMember, Registration};
use crate::org::{BranchForm, NewOrganisation, OrgKind, OrgTree, Organisation};
use crate::record::{NewRecordEntry, RecordEntry};
use crate::store::{MemberStore, OrgStore, RecordStore, StoreError, StoreErrorKind};
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
