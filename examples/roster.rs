//! Roster files (花名册): import `examples/data/roster.xlsx` into a SQLite
//! store, print the report of `examples/data/roster-bad.xlsx` (three bad
//! rows, so nothing of it is written), and export the result to xlsx.
//!
//! Run with `cargo run --example roster --features sqlite`. The layout of
//! the files is in `docs/IMPORT.md`; the library reads and writes bytes,
//! the example does the file I/O.

use chrono::NaiveDate;
use dangjian::Dangjian;
use dangjian::access::Actor;
use dangjian::clock::FixedClock;
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::roster::{ExportRoster, ImportFile};
use std::error::Error;
use std::path::Path;
use std::sync::Arc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let dir = std::env::temp_dir().join(format!("dangjian-roster-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let store = dangjian::adapters::connect(&format!("sqlite://{}", dir.join("roster.db").display())).await?;
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("bad date")?;
    let dj = Dangjian::builder().store(store).clock(Arc::new(FixedClock::on_date(today))).build();
    let admin = dj.act_as(&Actor::platform_admin());

    // The organisations the sample file names (所在支部), by name.
    let committee = NewOrganisation::new("某某公司党委".parse()?, OrgKind::GrassrootsCommittee);
    let committee = admin.orgs().create(committee).await?.id;
    for name in ["第一党支部", "第二党支部"] {
        let branch = NewOrganisation::new(name.parse()?, OrgKind::Branch(BranchForm::Physical));
        admin.orgs().create(branch.under(committee)).await?;
    }

    // 1. The sample roster, approved at once (a roster already vetted).
    let report = admin
        .members()
        .import_file(ImportFile::new(std::fs::read(data.join("roster.xlsx"))?).approved())
        .await?;
    println!("roster.xlsx: {report}");

    // 2. A file with three bad rows: each named with its row, column and problem; nothing written.
    let bad =
        admin.members().import_file(ImportFile::new(std::fs::read(data.join("roster-bad.xlsx"))?)).await?;
    println!("roster-bad.xlsx: {bad}");

    // 3. Importing the sample again changes nothing.
    let again =
        admin.members().import_file(ImportFile::new(std::fs::read(data.join("roster.xlsx"))?)).await?;
    println!("roster.xlsx again: {} created, {} unchanged", again.created.len(), again.unchanged.len());

    // 4. The committee's roster, identity numbers masked (the default).
    let xlsx = admin.members().export_roster(ExportRoster::new(committee)).await?;
    let out = dir.join("roster-export.xlsx");
    std::fs::write(&out, &xlsx)?;
    println!("exported {} rows to {}", dangjian::roster::read(&xlsx)?.len(), out.display());
    dj.close().await?;
    Ok(())
}
