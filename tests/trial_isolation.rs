//! The conformance suite's trials are independent: a store that gets one
//! behaviour wrong fails exactly the trial of that behaviour, and the
//! others still run and pass; a filter runs one trial by name.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use dangjian::MessageId;
use dangjian::access::Placement;
use dangjian::disclosure::{Application, Item, NewApplication, NewItem};
use dangjian::dues::{
    DuesProfile, LedgerEntry, NewLedgerEntry, NewPayment, PaymentOutcome, SelfDepartureCase,
};
use dangjian::election::{
    AttendanceMode, NewVote, SealedBallot, VoteId, VoteRecord, WrittenOpinion,
};
use dangjian::member::{EmployeeNo, IdNumber, Member, NewMember};
use dangjian::notify::StoredMessage;
use dangjian::org::{NewOrganisation, OrgTree, Organisation};
use dangjian::record::{NewRecordEntry, RecordEntry};
use dangjian::store::Effects;
use dangjian::store::{
    DuesStore, MemberStore, MemoryStore, OrgStore, RecordStore, Store, StoreError, VoteStore,
};
use dangjian::store::{JournalEntry, JournalStore, Stream};
use dangjian::testing::{self, Arguments, Trial};
use dangjian::{ApplicationId, CaseId, ItemId, JournalId, MemberId, OrgId};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The memory store, except that it never finds a member by employee
/// number: one behaviour (`members::unique_fields`) is wrong.
struct Broken(MemoryStore);

fn suite() -> Vec<Trial> {
    testing::trials("broken", || async {
        Arc::new(Broken(MemoryStore::new())) as Arc<dyn Store>
    })
}

/// Arguments that write the inner run's report to `log` (not stdout, where
/// its FAILED summary would read as this binary's own).
fn logged(log: &std::path::Path) -> Arguments {
    Arguments {
        logfile: Some(log.display().to_string()),
        ..Arguments::default()
    }
}

#[test]
fn one_wrong_behaviour_fails_its_trial_only() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.log");
    let trials = suite();
    let total = trials.len() as u64;
    let c = testing::run(&logged(&log), trials);
    assert_eq!(
        (c.num_failed, c.num_passed, c.num_ignored),
        (1, total - 1, 0),
        "{c:?}"
    );
    let report = std::fs::read_to_string(&log).unwrap();
    let line = |name: &str| {
        let found = report
            .lines()
            .find(|l| l.contains(&format!("test {name} ")));
        found.map(|l| l.trim_end().rsplit(' ').next().unwrap_or("").to_owned())
    };
    assert_eq!(
        line("broken::members::unique_fields").as_deref(),
        Some("FAILED"),
        "{report}"
    );
    assert_eq!(
        line("broken::members::indexes_follow_updates").as_deref(),
        Some("ok"),
        "{report}"
    );
}

#[test]
fn a_trial_runs_alone_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.log");
    let trials = suite();
    let total = trials.len() as u64;
    let only = |name: &str| Arguments {
        filter: Some(name.into()),
        exact: true,
        ..logged(&log)
    };
    let c = testing::run(&only("broken::members::unique_fields"), suite());
    assert_eq!((c.num_failed, c.num_passed), (1, 0), "{c:?}");
    assert_eq!(c.num_filtered_out, total - 1);
    let c = testing::run(&only("broken::dues::profiles_round_trip"), trials);
    assert_eq!((c.num_failed, c.num_passed), (0, 1), "{c:?}");
}

#[test]
fn trial_names_are_unique_and_qualified() {
    let names: Vec<String> = suite().iter().map(|t| t.name().to_owned()).collect();
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len());
    for n in &names {
        let parts: Vec<&str> = n.split("::").collect();
        assert_eq!((parts.len(), parts[0]), (3, "broken"), "{n}");
    }
}

impl Store for Broken {}

#[async_trait]
impl OrgStore for Broken {
    async fn org_tree(&self) -> Result<Arc<OrgTree>, StoreError> {
        self.0.org_tree().await
    }
    async fn insert_org(
        &self,
        new: NewOrganisation,
        effects: Effects,
    ) -> Result<Organisation, StoreError> {
        self.0.insert_org(new, effects).await
    }
    async fn update_org(
        &self,
        org: Organisation,
        effects: Effects,
    ) -> Result<Organisation, StoreError> {
        self.0.update_org(org, effects).await
    }
}

#[async_trait]
impl MemberStore for Broken {
    async fn insert_members(
        &self,
        new: Vec<NewMember>,
        effects: Effects,
    ) -> Result<Vec<Member>, StoreError> {
        self.0.insert_members(new, effects).await
    }
    async fn get_members(&self, ids: &[MemberId]) -> Result<Vec<Member>, StoreError> {
        self.0.get_members(ids).await
    }
    async fn placement(&self, id: MemberId) -> Result<Option<Placement>, StoreError> {
        self.0.placement(id).await
    }
    async fn find_by_id_number(&self, id_number: &IdNumber) -> Result<Option<Member>, StoreError> {
        self.0.find_by_id_number(id_number).await
    }
    async fn find_by_employee_no(&self, _: &EmployeeNo) -> Result<Option<Member>, StoreError> {
        Ok(None) // the one wrong behaviour
    }
    async fn update_member(
        &self,
        member: Member,
        effects: Effects,
    ) -> Result<(Member, Vec<RecordEntry>), StoreError> {
        self.0.update_member(member, effects).await
    }
    async fn members_by_home(&self, orgs: &[OrgId]) -> Result<Vec<Member>, StoreError> {
        self.0.members_by_home(orgs).await
    }
    async fn members_by_online(&self, org: OrgId) -> Result<Vec<Member>, StoreError> {
        self.0.members_by_online(org).await
    }
}

#[async_trait]
impl RecordStore for Broken {
    async fn append_record(
        &self,
        entry: NewRecordEntry,
        effects: Effects,
    ) -> Result<RecordEntry, StoreError> {
        self.0.append_record(entry, effects).await
    }
    async fn records_of(&self, member: MemberId) -> Result<Vec<RecordEntry>, StoreError> {
        self.0.records_of(member).await
    }
}

#[async_trait]
impl DuesStore for Broken {
    async fn put_dues_profile(
        &self,
        profile: DuesProfile,
        effects: Effects,
    ) -> Result<DuesProfile, StoreError> {
        self.0.put_dues_profile(profile, effects).await
    }
    async fn dues_profiles(&self, members: &[MemberId]) -> Result<Vec<DuesProfile>, StoreError> {
        self.0.dues_profiles(members).await
    }
    async fn append_assessments(
        &self,
        entries: Vec<NewLedgerEntry>,
        effects: Effects,
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        self.0.append_assessments(entries, effects).await
    }
    async fn record_payments(
        &self,
        batch: Vec<(NewPayment, Effects, u64)>,
    ) -> Result<Vec<Result<PaymentOutcome, StoreError>>, StoreError> {
        self.0.record_payments(batch).await
    }
    async fn append_dues_entry(
        &self,
        entry: NewLedgerEntry,
        based_on: u64,
        effects: Effects,
    ) -> Result<LedgerEntry, StoreError> {
        self.0.append_dues_entry(entry, based_on, effects).await
    }
    async fn dues_entries_of_member(
        &self,
        member: MemberId,
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        self.0.dues_entries_of_member(member).await
    }
    async fn dues_entries_of_members(
        &self,
        members: &[MemberId],
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        self.0.dues_entries_of_members(members).await
    }
    async fn dues_entries_of_branches(
        &self,
        branches: &[OrgId],
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        self.0.dues_entries_of_branches(branches).await
    }
    async fn open_departure_cases(
        &self,
        cases: Vec<(SelfDepartureCase, Effects)>,
    ) -> Result<Vec<SelfDepartureCase>, StoreError> {
        self.0.open_departure_cases(cases).await
    }
    async fn departure_case(&self, id: CaseId) -> Result<Option<SelfDepartureCase>, StoreError> {
        self.0.departure_case(id).await
    }
    async fn departure_cases(
        &self,
        branches: &[OrgId],
    ) -> Result<Vec<SelfDepartureCase>, StoreError> {
        self.0.departure_cases(branches).await
    }
    async fn update_departure_case(
        &self,
        case: SelfDepartureCase,
        effects: Effects,
    ) -> Result<SelfDepartureCase, StoreError> {
        self.0.update_departure_case(case, effects).await
    }
}

#[async_trait]
impl VoteStore for Broken {
    async fn create_vote(&self, new: NewVote, effects: Effects) -> Result<VoteRecord, StoreError> {
        self.0.create_vote(new, effects).await
    }
    async fn get_vote(&self, id: VoteId) -> Result<Option<VoteRecord>, StoreError> {
        self.0.get_vote(id).await
    }
    async fn check_in(
        &self,
        id: VoteId,
        member: MemberId,
        mode: AttendanceMode,
        effects: Effects,
    ) -> Result<VoteRecord, StoreError> {
        self.0.check_in(id, member, mode, effects).await
    }
    async fn record_written_opinion(
        &self,
        id: VoteId,
        member: MemberId,
        opinion: WrittenOpinion,
        effects: Effects,
    ) -> Result<VoteRecord, StoreError> {
        self.0
            .record_written_opinion(id, member, opinion, effects)
            .await
    }
    async fn cast_ballot(
        &self,
        voter: MemberId,
        ballot: SealedBallot,
        effects: Effects,
    ) -> Result<(), StoreError> {
        self.0.cast_ballot(voter, ballot, effects).await
    }
    async fn has_voted(&self, id: VoteId, member: MemberId) -> Result<bool, StoreError> {
        self.0.has_voted(id, member).await
    }
    async fn voters(&self, id: VoteId) -> Result<BTreeSet<MemberId>, StoreError> {
        self.0.voters(id).await
    }
    async fn close_vote(&self, id: VoteId, effects: Effects) -> Result<VoteRecord, StoreError> {
        self.0.close_vote(id, effects).await
    }
    async fn sealed_ballots(&self, id: VoteId) -> Result<Vec<SealedBallot>, StoreError> {
        self.0.sealed_ballots(id).await
    }
}

#[async_trait]
impl JournalStore for Broken {
    async fn journal(
        &self,
        stream: &Stream,
        after: Option<JournalId>,
        limit: usize,
    ) -> Result<Vec<JournalEntry>, StoreError> {
        self.0.journal(stream, after, limit).await
    }
}

#[async_trait]
impl dangjian::store::DisciplineStore for Broken {
    async fn record_decision(
        &self,
        decision: dangjian::discipline::NewDecision,
        exit: Option<Member>,
        effects: Effects,
    ) -> Result<
        (
            dangjian::discipline::Decision,
            Option<Member>,
            Vec<RecordEntry>,
        ),
        StoreError,
    > {
        self.0.record_decision(decision, exit, effects).await
    }

    async fn decisions_of(
        &self,
        members: &[MemberId],
    ) -> Result<Vec<dangjian::discipline::Decision>, StoreError> {
        self.0.decisions_of(members).await
    }
}

#[async_trait]
impl dangjian::store::OfficeStore for Broken {
    async fn install_offices(
        &self,
        install: dangjian::office::InstallOffices,
        effects: Effects,
    ) -> Result<Vec<dangjian::office::OfficeHolder>, StoreError> {
        self.0.install_offices(install, effects).await
    }
    async fn office(
        &self,
        id: dangjian::office::OfficeId,
    ) -> Result<Option<dangjian::office::OfficeHolder>, StoreError> {
        self.0.office(id).await
    }
    async fn offices_of(
        &self,
        orgs: &[OrgId],
    ) -> Result<Vec<dangjian::office::OfficeHolder>, StoreError> {
        self.0.offices_of(orgs).await
    }
}

#[async_trait]
impl dangjian::store::OutboxStore for Broken {
    async fn enqueue(
        &self,
        batch: dangjian::notify::Enqueue,
    ) -> Result<dangjian::store::Enqueued, StoreError> {
        self.0.enqueue(batch).await
    }
    async fn claim(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        self.0.claim(owner, now, until, limit).await
    }
    async fn start_sending(&self, id: MessageId, owner: &str) -> Result<bool, StoreError> {
        self.0.start_sending(id, owner).await
    }
    async fn settle(
        &self,
        id: MessageId,
        owner: &str,
        outcome: dangjian::notify::Outcome,
    ) -> Result<bool, StoreError> {
        self.0.settle(id, owner, outcome).await
    }
    async fn resolve(
        &self,
        id: MessageId,
        resolution: dangjian::notify::Resolution,
    ) -> Result<Option<StoredMessage>, StoreError> {
        self.0.resolve(id, resolution).await
    }
    async fn message(&self, id: MessageId) -> Result<Option<StoredMessage>, StoreError> {
        self.0.message(id).await
    }
    async fn message_by_key(&self, key: &str) -> Result<Option<StoredMessage>, StoreError> {
        self.0.message_by_key(key).await
    }
    async fn messages(
        &self,
        filter: &dangjian::notify::MessageFilter,
        after: Option<MessageId>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        self.0.messages(filter, after, limit).await
    }
    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.0.prune(before).await
    }
    async fn take_rate(
        &self,
        keys: &[dangjian::notify::RateKey],
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.0.take_rate(keys, now).await
    }
    async fn spent(&self, org: OrgId, year: i32) -> Result<dangjian::dues::Money, StoreError> {
        self.0.spent(org, year).await
    }
    async fn cursor(&self, name: &str) -> Result<Option<JournalId>, StoreError> {
        self.0.cursor(name).await
    }
}

#[async_trait]
impl dangjian::store::DisclosureStore for Broken {
    async fn insert_item(&self, new: NewItem, effects: Effects) -> Result<Item, StoreError> {
        self.0.insert_item(new, effects).await
    }
    async fn update_item(&self, item: Item, effects: Effects) -> Result<Item, StoreError> {
        self.0.update_item(item, effects).await
    }
    async fn item(&self, id: ItemId) -> Result<Option<Item>, StoreError> {
        self.0.item(id).await
    }
    async fn items_of(&self, orgs: &[OrgId]) -> Result<Vec<Item>, StoreError> {
        self.0.items_of(orgs).await
    }
    async fn published_items(
        &self,
        read: dangjian::store::PublishedRead,
    ) -> Result<Vec<Item>, StoreError> {
        self.0.published_items(read).await
    }
    async fn notices_about(&self, member: MemberId) -> Result<Vec<Item>, StoreError> {
        self.0.notices_about(member).await
    }
    async fn insert_application(
        &self,
        new: NewApplication,
        effects: Effects,
    ) -> Result<Application, StoreError> {
        self.0.insert_application(new, effects).await
    }
    async fn update_application(
        &self,
        application: Application,
        effects: Effects,
    ) -> Result<Application, StoreError> {
        self.0.update_application(application, effects).await
    }
    async fn application(&self, id: ApplicationId) -> Result<Option<Application>, StoreError> {
        self.0.application(id).await
    }
    async fn applications_of(&self, orgs: &[OrgId]) -> Result<Vec<Application>, StoreError> {
        self.0.applications_of(orgs).await
    }
}
