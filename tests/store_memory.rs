//! The conformance suite against the in-memory store, one named trial per
//! behaviour: `cargo test --features testing -- memory::members::`.

use dangjian::store::{MemoryStore, Store};
use dangjian::testing::{self, Arguments};
use std::sync::Arc;

fn main() {
    let args = Arguments::from_args();
    let trials = testing::trials("memory", || async {
        Arc::new(MemoryStore::new()) as Arc<dyn Store>
    });
    testing::run(&args, trials).exit();
}
