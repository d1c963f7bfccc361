//! 一致性测试 (the conformance kit): the store conformance suite, a full
//! dump of a store's state, and a seedable RNG, for this crate's own store
//! tests and for anyone who implements [`Store`] on their own database.
//!
//! Behind the cargo feature `testing` (never needed in production).
//!
//! # The suite
//!
//! [`trials`] turns every behaviour the storage contract promises
//! (`docs/ADAPTERS.md`) into one named [`Trial`] of
//! [libtest-mimic](https://docs.rs/libtest-mimic), as
//! `<store>::<area>::<behaviour>`, e.g. `memory::members::unique_fields`.
//! Each trial gets a fresh, empty store from the factory, runs on a
//! multi-thread tokio runtime of its own (the concurrency checks need
//! several workers), and fails on its own: a failing or panicking trial
//! never hides the others. Run them from a test target with
//! `harness = false`:
//!
//! ```toml
//! [dev-dependencies]
//! dangjian = { version = "0.1", features = ["testing"] }
//!
//! [[test]]
//! name = "my_store"
//! harness = false
//! ```
//!
//! ```no_run
//! // tests/my_store.rs
//! use dangjian::store::{MemoryStore, Store};
//! use dangjian::testing::{self, Arguments};
//! use std::sync::Arc;
//!
//! fn main() {
//!     let args = Arguments::from_args();
//!     // Your store here; one fresh, empty store per trial.
//!     let trials = testing::trials("mine", || async {
//!         Arc::new(MemoryStore::new()) as Arc<dyn Store>
//!     });
//!     testing::run(&args, trials).exit();
//! }
//! ```
//!
//! `cargo test --test my_store -- mine::dues::` runs the dues trials only,
//! `-- --exact mine::members::unique_fields` one trial, `-- --list` lists
//! them.
//!
//! # Dump, and why there is no seeded RNG
//!
//! [`dump`] reads everything the contract can enumerate into a
//! [`StateDump`], for "a refused write changed nothing" comparisons.
//!
//! The only API that takes an RNG is ballot sealing
//! ([`crate::election::seal`]), and ballots always draw from the OS-seeded
//! `rand::rng()` (`docs/RULES.md` VOTE-12: a seeded RNG makes tracking codes
//! predictable, and with them the link between a voter and a ballot). So
//! the kit ships no seeded RNG, and its vote checks seal with `rand::rng()`;
//! nothing they assert depends on the codes drawn. A test of your own that
//! must replay exact codes seeds `rand::rngs::StdRng` in its own test file.
//!
//! The checks use only the public API of this crate, so what they do a
//! third party can do too (`tests/third_party_store.rs` is such a store).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod discipline;
mod disclosure;
mod dues;
mod dump;
mod effects;
mod fixtures;
mod members;
mod new_ids;
mod offices;
mod orgs;
mod outbox;
mod records;
mod votes;

pub use dump::{StateDump, VoteDump, dump};
pub use fixtures::{as_new, edited, new_member, seed_one_member, two_branches};
pub use libtest_mimic::{self, Arguments, Conclusion, Failed, Trial, run};
pub use votes::cast_and_close;

use crate::store::Store;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Runs `fut` to completion on a fresh multi-thread tokio runtime (four
/// workers, every driver compiled in), as each trial of [`trials`] does.
/// For a harness's own async trials.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a tokio runtime for the trial")
        .block_on(fut)
}

/// An async trial named `name`: `test` runs on a runtime of its own
/// ([`block_on`]); a panic fails this trial only.
pub fn async_trial<F, Fut>(name: impl Into<String>, test: F) -> Trial
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    Trial::test(name, move || {
        block_on(test());
        Ok(())
    })
}

type CheckFn = fn(Arc<dyn Store>) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// One behaviour of the contract.
struct Check {
    area: &'static str,
    name: &'static str,
    run: CheckFn,
}

macro_rules! checks {
    ($($area:ident :: $name:ident),* $(,)?) => {
        vec![$(Check {
            area: stringify!($area),
            name: stringify!($name),
            run: |store| Box::pin($area::$name(store)),
        }),*]
    };
}

fn checks() -> Vec<Check> {
    checks![
        orgs::orgs_and_versions,
        orgs::refused_writes_change_nothing,
        members::unique_fields,
        members::bulk_insert_is_all_or_nothing,
        members::stale_member_write_changes_nothing,
        members::indexes_follow_updates,
        members::concurrent_inserts_of_one_person_store_one,
        members::concurrent_updates_of_one_version_store_one,
        members::refused_writes_change_nothing,
        records::records_are_append_only_and_ordered,
        votes::thousand_ballots_keep_no_voter_and_no_order,
        votes::sixty_four_concurrent_casts_store_one,
        votes::refusals_store_nothing,
        votes::attendance_and_written_opinions,
        votes::refused_writes_change_nothing,
        votes::a_write_in_twice_is_refused,
        dues::profiles_round_trip,
        dues::assessments_are_unique_per_month,
        dues::payment_ids_are_idempotent_and_atomic,
        dues::concurrent_recordings_of_one_id_store_one,
        dues::stale_and_bad_payments_change_nothing,
        dues::batch_payments_store_exactly_the_good_items,
        dues::concurrent_batches_of_one_id_store_one,
        dues::large_batches_cross_statement_chunks,
        dues::reversals_and_exemptions_are_checked,
        dues::entries_by_branch_and_member,
        dues::departure_cases_open_once,
        dues::refused_writes_change_nothing,
        effects::member_writes_commit_their_effects_or_none,
        effects::org_and_vote_writes_commit_effects_once,
        effects::payments_commit_the_effects_of_accepted_items_only,
        effects::journal_reads_by_stream_in_order,
        effects::concurrent_writers_of_one_version_store_one_effect,
        new_ids::create_writes_fill_their_new_ids,
        new_ids::an_entry_naming_no_created_record_stores_nothing,
        discipline::decisions_round_trip_with_their_entries,
        discipline::an_expulsion_and_its_exit_are_one_write,
        offices::installs_end_and_add_atomically,
        offices::concurrent_ends_of_one_holding_store_one,
        disclosure::items_round_trip_by_class,
        disclosure::updates_go_under_their_version,
        disclosure::what_never_changes_is_refused,
        disclosure::published_items_are_the_published_only,
        disclosure::notices_are_found_by_their_subjects,
        disclosure::applications_round_trip_under_their_version,
        disclosure::writes_commit_their_effects_or_none,
        disclosure::concurrent_updates_of_one_version_store_one,
        outbox::keys_are_unique_within_and_across_batches,
        outbox::messages_round_trip_every_field,
        outbox::large_batches_cross_statement_chunks,
        outbox::claims_respect_due_time_order_and_limit,
        outbox::concurrent_claimers_never_share_a_message,
        outbox::an_expired_lease_is_reclaimed,
        outbox::only_the_holder_starts_and_settles,
        outbox::each_outcome_settles_as_specified,
        outbox::each_resolution_applies_only_where_it_may,
        outbox::prune_removes_only_what_was_delivered_before,
        outbox::budget_allows_exactly_its_amount,
        outbox::concurrent_enqueues_never_exceed_the_budget,
        outbox::cursor_moves_by_compare_and_set,
        outbox::messages_filter_and_page,
        outbox::rate_takes_are_all_or_none_and_answer_when_there_is_room,
        outbox::malformed_rate_keys_are_refused_recording_nothing,
        outbox::concurrent_rate_takes_never_pass_the_limit,
        dump::empty_store_dumps_empty,
        dump::dump_is_complete_and_deterministic,
    ]
}

/// 一致性测试: the conformance suite as one [`Trial`] per behaviour, named
/// `<store_name>::<area>::<behaviour>` (areas: `orgs`, `members`,
/// `records`, `votes`, `dues`, `effects`, `new_ids`, `discipline`,
/// `offices`, `disclosure`, `outbox`, `dump`).
///
/// `make` returns a fresh, empty store; it is called once per trial, inside
/// that trial's runtime. Pass the trials to [`run`] (a harness may add its
/// own, or mark them ignored with [`Trial::with_ignored_flag`] when the
/// backend is not available).
pub fn trials<F, Fut>(store_name: &str, make: F) -> Vec<Trial>
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = Arc<dyn Store>>,
{
    checks()
        .into_iter()
        .map(|check| {
            let make = make.clone();
            let name = format!("{store_name}::{}::{}", check.area, check.name);
            async_trial(name, move || async move { (check.run)(make().await).await })
        })
        .collect()
}
