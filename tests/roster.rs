//! Roster files through the members handle (`docs/IMPORT.md`): the sample
//! files, every bad-input case, all or nothing, re-import, masking, and
//! the export → import → export round trip on the in-memory store and a
//! SQLite file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use calamine::{Data, Reader, Xlsx};
use common::{World, d, world_on};
use dangjian::access::Actor;
use dangjian::roster::{
    Column, ExportRoster, ImportFile, RosterFileError, RosterReport, RowProblem, read,
};
use dangjian::store::{MemoryStore, Store};
use dangjian::{Error, ErrorKind, MemberId};
use rust_xlsxwriter::Workbook;
use std::sync::Arc;

/// The sample files' today (every date in them is before it).
fn today() -> chrono::NaiveDate {
    d(2026, 12, 1)
}

async fn world() -> World {
    world_on(Arc::new(MemoryStore::new()), today()).await
}

const SAMPLE: &[u8] = include_bytes!("../examples/data/roster.xlsx");
const SAMPLE_BAD: &[u8] = include_bytes!("../examples/data/roster-bad.xlsx");

/// The layout's headers, comma-separated.
fn header() -> String {
    Column::ALL.map(Column::header).join(",")
}

/// The sample roster as CSV in the full layout (`write_sample_files`
/// turns it into `examples/data/roster.xlsx`).
fn sample_csv() -> String {
    let rows = [
        "张伟,110105195503120115,,,第一党支部,2001-03-01,正式党员,,,,1985-07-01,1986-07-01,,,,E1001,13800138001,,离退休,",
        "王芳,11010519680520022X,,,第一党支部,2001-03-01,正式党员,,,,1995-06-15,1996-06-15,,,,E1002,,wangfang@example.com,,",
        "李强,110105198301010333,,,第一党支部,2006-05-01,正式党员,2005-03-01,2005-09-01,2007-12-01,2008-07-01,2010-01-01,,是,张伟、王芳,E1003,,,,",
        "刘洋,110105199808150444,,,第一党支部,2020-09-01,预备党员,2021-03-01,2021-09-01,2023-06-01,2026-07-01,,,,110105195503120115、11010519680520022X,E1004,13800138004,,,",
        "陈静,110105199902100558,,,第一党支部,2021-09-01,发展对象,2022-09-10,2023-03-01,2024-09-01,,,,,110105195503120115、赵敏,E1005,,,,",
        "杨帆,110105200106050663,,,第一党支部,2024-09-01,入党积极分子,2024-11-01,2025-05-04,,,,,,,,,,学生,",
        "赵磊,110105197511110776,,,第二党支部,2005-04-01,正式党员,,,,2000-07-01,2001-07-01,,,,E2001,,,,",
        "黄丽,110105198707070889,,,第二党支部,2012-09-01,正式党员,2010-03-01,2010-10-01,2011-12-01,2012-07-01,2013-07-01,,,孙强、周敏,E2002,,,,",
        "周杰,11010520040404099X,,,第二党支部,2026-03-01,入党申请人,2026-03-01,,,,,,,,,,,,",
        "吴敏,11010519580901012X,,,第二党支部,1990-01-01,正式党员,1975-05-01,,,1977-07-01,1978-07-01,,,,,,,离退休,1975年档案，经县委组织部核准",
        "郑强,110105199503030134,,,第二党支部,2025-12-01,预备党员,,,,2026-01-15,,2027-01-15,,,E2005,,,,",
        "孙悦,110105200606060147,,,第二党支部,2026-02-01,入党积极分子,,2026-02-01,,,,,,,,,,学生,",
    ];
    format!("{}\n{}\n", header(), rows.join("\n"))
}

/// Every cell of the first sheet, as calamine reads it.
fn cells(xlsx: &[u8]) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

/// An xlsx workbook of string rows (a cell `#n` is the number n).
fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
            match v.strip_prefix('#') {
                Some(n) => sheet.write_number(r, c, n.parse::<f64>().unwrap()),
                None if v.is_empty() => continue,
                None => sheet.write_string(r, c, v),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn split(csv: &str) -> Vec<Vec<String>> {
    csv.lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

async fn import(w: &World, req: ImportFile) -> Result<RosterReport, Error> {
    w.dj.act_as(&w.admin()).members().import_file(req).await
}

/// Writes `examples/data/roster.xlsx` (the sample roster imported and
/// exported in full) and `examples/data/roster-bad.xlsx` (one good row and
/// three bad rows). Run once: `cargo test --test roster -- --ignored`.
#[tokio::test]
#[ignore = "writes the sample files"]
async fn write_sample_files() {
    let w = world().await;
    let report = import(&w, ImportFile::new(sample_csv()).approved())
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{report}");
    let out =
        w.dj.act_as(&w.admin())
            .members()
            .export_roster(ExportRoster::new(w.committee).full_id_numbers())
            .await
            .unwrap();
    std::fs::write("examples/data/roster.xlsx", out).unwrap();
    let mut bad = split(&header());
    for row in [
        "钱程,11010519900101015X,,,第一党支部,2020-01-01,正式党员,,,,2015-07-01,2016-07-01,,,,E1006,,,,",
        "冯刚,110105920202016,,,第一党支部,2019-01-01,正式党员,,,,2016-07-01,2017-07-01,,,,,,,,",
        "何平,110105199303030172,,,第二党支部,2020-01-01,正式党员,,,,#3000000,2019-07-01,,,,,,,,",
        "许诺,110105199404040185,,,第二党支部,2022-01-01,发展对象,2022-03-01,2023-05-01,2024-09-01,,,,,110105199605050195、赵敏,,,,,",
    ] {
        bad.extend(split(row));
    }
    std::fs::write("examples/data/roster-bad.xlsx", xlsx(&bad)).unwrap();
}

#[tokio::test]
async fn the_sample_file_imports_and_a_second_import_changes_nothing() {
    let w = world().await;
    let first = import(&w, ImportFile::new(SAMPLE).approved())
        .await
        .unwrap();
    assert!(first.rejected.is_empty(), "{first}");
    assert!(first.is_committed());
    assert_eq!((first.rows, first.created.len()), (12, 12));
    let again = import(&w, ImportFile::new(SAMPLE).approved())
        .await
        .unwrap();
    assert!(
        again.rejected.is_empty() && again.created.is_empty(),
        "{again}"
    );
    assert_eq!(again.unchanged.len(), 12);
    assert_eq!(again.unchanged[0].0, 2, "the first row under the header");
}

#[tokio::test]
async fn the_bad_sample_names_three_rows_and_commits_nothing() {
    let w = world().await;
    import(&w, ImportFile::new(SAMPLE)).await.unwrap();
    let report = import(&w, ImportFile::new(SAMPLE_BAD)).await.unwrap();
    assert!(!report.is_committed() && report.created.is_empty());
    assert_eq!(report.rejected_rows(), [3, 4, 5], "{report}");
    let by_row = |row| report.rejected.iter().find(|r| r.row == row).unwrap();
    assert_eq!(by_row(3).column, Some(Column::IdNumber));
    assert_eq!(by_row(3).problem, RowProblem::LegacyIdNumber);
    assert_eq!(by_row(4).column, Some(Column::JoinedOn));
    assert!(matches!(by_row(4).problem, RowProblem::SerialNotADate(_)));
    assert_eq!(by_row(5).column, Some(Column::Introducers));
    assert!(
        by_row(5)
            .problem
            .to_string()
            .contains("neither in the batch nor stored")
    );
    let text = report.to_string();
    assert!(
        text.contains("row 4, 入党日期: the Excel date serial 3000000 is not a date"),
        "{text}"
    );
    // Only the good row, when asked.
    let good = import(&w, ImportFile::new(SAMPLE_BAD).commit_good_rows())
        .await
        .unwrap();
    assert!(good.is_committed());
    assert_eq!((good.created.len(), good.rejected_rows().len()), (1, 3));
}

#[tokio::test]
async fn files_that_are_not_rosters_get_a_typed_error() {
    let w = world().await;
    let file_error = |e: Error| match e {
        Error::RosterFile(f) => f,
        other => panic!("{other}"),
    };
    let cases: Vec<(Vec<u8>, RosterFileError)> = vec![
        (Vec::new(), RosterFileError::Empty),
        (b"\n\n , ,\n".to_vec(), RosterFileError::Empty),
        (header().into_bytes(), RosterFileError::NoRows),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec(),
            RosterFileError::LegacyXls,
        ),
        (
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            RosterFileError::NotASpreadsheet("not UTF-8 text"),
        ),
        (
            b"PK\x05\x06".to_vec(),
            RosterFileError::NotASpreadsheet("a ZIP archive of another kind"),
        ),
        (xlsx(&[]), RosterFileError::Empty),
        (
            "姓名,身份证,所在支部\n张三,1,2\n".as_bytes().to_vec(),
            RosterFileError::UnknownHeader {
                column: "B".into(),
                header: "身份证".into(),
            },
        ),
        (
            "姓名,公民身份号码,所在支部,组织关系转入日期\n张三,1,2,3\n"
                .as_bytes()
                .to_vec(),
            RosterFileError::MissingHeader(Column::Stage),
        ),
        (
            format!("{},姓名\n张三\n", header()).into_bytes(),
            RosterFileError::DuplicateHeader(Column::Name),
        ),
    ];
    for (bytes, expected) in cases {
        let err = import(&w, ImportFile::new(bytes.clone()))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(file_error(err), expected);
        assert_eq!(read(&bytes).unwrap_err(), expected);
    }
    // A ZIP that is no workbook, and a workbook cut short.
    let mut cut = SAMPLE.to_vec();
    cut.truncate(SAMPLE.len() / 2);
    for bytes in [b"PK\x03\x04garbage".to_vec(), cut] {
        assert!(matches!(read(&bytes), Err(RosterFileError::BadXlsx(_))));
    }
    // Merged header cells, named.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .merge_range(0, 0, 0, 1, "姓名", &rust_xlsxwriter::Format::new())
        .unwrap();
    sheet.write_string(1, 0, "张三").unwrap();
    let merged = book.save_to_buffer().unwrap();
    let err = file_error(import(&w, ImportFile::new(merged)).await.unwrap_err());
    assert_eq!(err, RosterFileError::MergedHeader("A1:B1".into()));
    assert!(err.to_string().contains("merged"));
    let members =
        w.dj.store()
            .members_by_home(&[w.branch_a, w.branch_b])
            .await
            .unwrap();
    assert!(members.is_empty());
}

/// A CSV file in a short layout: each row is name, id, branch, stage,
/// joined, full, introducers, employee no.
fn short(rows: &[&str]) -> String {
    let mut out = String::from(
        "姓名,公民身份号码,所在支部,组织关系转入日期,人员类别,入党日期,转正日期,入党介绍人,工号\n",
    );
    for r in rows {
        out.push_str(r);
        out.push('\n');
    }
    out
}

#[tokio::test]
async fn every_rejected_row_is_named_with_its_column() {
    let w = world().await;
    import(
        &w,
        ImportFile::new(short(&[
            "王芳,11010519680520022X,第一党支部,2001-03-01,正式党员,1995-06-15,1996-06-15,,E1",
        ])),
    )
    .await
    .unwrap();
    let csv = short(&[
        "张伟,110105195503120115,第一党支部,2001-03-01,正式党员,1985-07-01,1986-07-01,,",
        // The same person again (row 2).
        "张伟,110105195503120115,第一党支部,2001-03-01,正式党员,1985-07-01,1986-07-01,,",
        // Stored with other facts.
        "王芳,11010519680520022X,第二党支部,2001-03-01,正式党员,1995-06-15,1996-06-15,,E1",
        // 15 digits under the strict reading.
        "李四,110105491231002,第一党支部,2001-03-01,正式党员,1980-01-01,1981-01-01,,",
        // An introducer nobody knows.
        "陈静,110105199902100558,第一党支部,2021-09-01,正式党员,2010-07-01,2011-07-01,110105199605050195、赵敏,",
        // No such branch, no date, no stage.
        "赵磊,110105197511110776,第九支部,三月,党员,,,,",
        // An employee number stored for someone else.
        "黄丽,110105198707070889,第二党支部,2012-09-01,正式党员,2012-07-01,2013-07-01,,E1",
        // A stage column the stage lacks.
        "周杰,11010520040404099X,第二党支部,2026-03-01,入党申请人,2026-05-01,,,",
    ]);
    let report = import(&w, ImportFile::new(csv)).await.unwrap();
    assert!(!report.is_committed() && report.created.is_empty());
    let got: Vec<(u32, Option<Column>)> =
        report.rejected.iter().map(|r| (r.row, r.column)).collect();
    assert_eq!(
        got,
        [
            (3, Some(Column::IdNumber)),
            (4, Some(Column::IdNumber)),
            (5, Some(Column::IdNumber)),
            (6, Some(Column::Introducers)),
            (7, Some(Column::Branch)),
            (7, Some(Column::BranchSince)),
            (7, Some(Column::Stage)),
            (8, Some(Column::EmployeeNo)),
            (9, Some(Column::AppliedOn)),
            (9, Some(Column::JoinedOn)),
        ],
        "{report}"
    );
    let p = |i: usize| report.rejected[i].problem.clone();
    assert_eq!(p(0), RowProblem::DuplicateIdNumber(2));
    assert!(matches!(p(1), RowProblem::StoredDifferently(f) if f == ["memberships"]));
    assert_eq!(p(2), RowProblem::LegacyIdNumber);
    assert!(matches!(p(4), RowProblem::UnknownBranch(n) if n == "第九支部"));
    assert!(matches!(p(5), RowProblem::NotADate(t) if t == "三月"));
    assert_eq!(p(7), RowProblem::EmployeeNoTaken);
    assert_eq!(p(8), RowProblem::Missing, "the applicant's own date");
    assert_eq!(
        p(9),
        RowProblem::NotForStage(dangjian::lifecycle::Stage::Applicant)
    );
    // No message shows a whole identity number.
    assert!(!report.to_string().contains("110105199605050195"));
    // Nothing was written: only the first import's record is stored.
    let stored =
        w.dj.store()
            .members_by_home(&[w.branch_a, w.branch_b])
            .await
            .unwrap();
    assert_eq!(stored.len(), 1);
    // The good rows only, when asked: the first 张伟 row.
    let good = import(
        &w,
        ImportFile::new(short(&[
            "张伟,110105195503120115,第一党支部,2001-03-01,正式党员,1985-07-01,1986-07-01,,",
            "张伟,110105195503120115,第一党支部,2001-03-01,正式党员,1985-07-01,1986-07-01,,",
        ]))
        .commit_good_rows(),
    )
    .await
    .unwrap();
    assert_eq!((good.created.len(), good.rejected_rows()), (1, vec![3]));
}

#[tokio::test]
async fn an_introducer_on_a_rejected_row_rejects_the_row_it_introduces() {
    let w = world().await;
    let csv = "姓名,公民身份号码,所在支部,组织关系转入日期,人员类别,入党日期,转正日期,确定积极分子日期,确定发展对象日期,入党介绍人\n\
        张伟,110105195503120115,第一党支部,2001-03-01,正式党员,1987-07-01,1986-07-01,,,\n\
        王芳,11010519680520022X,第一党支部,2001-03-01,正式党员,1995-06-15,1996-06-15,,,\n\
        刘洋,110105199808150444,第一党支部,2020-09-01,发展对象,,,2023-01-01,2024-09-01,110105195503120115、11010519680520022X\n";
    // Row 2 is bad (its dates are out of order), so row 4, which it
    // introduces, is rejected too.
    let report = import(&w, ImportFile::new(csv).commit_good_rows())
        .await
        .unwrap();
    assert_eq!(report.rejected_rows(), [2, 4], "{report}");
    assert_eq!(
        report.rejected[1].problem,
        RowProblem::IntroducerRejected(2)
    );
    assert_eq!(report.created.len(), 1);
}

#[tokio::test]
async fn a_hundred_thousand_rows_with_one_bad_row_commit_nothing() {
    let w = world().await;
    let mut csv =
        String::from("姓名,公民身份号码,所在支部,组织关系转入日期,人员类别,入党日期,转正日期\n");
    for n in 0..100_000u32 {
        let id = common::nth_id_number(n);
        let joined = if n == 61_234 {
            "1990-02-30"
        } else {
            "1990-07-01"
        };
        let name = ["张伟", "王芳", "李娜", "刘洋", "陈静"][n as usize % 5];
        csv.push_str(&format!(
            "{name},{},第一党支部,2001-03-01,正式党员,{joined},1991-07-01\n",
            id.as_str()
        ));
    }
    let report = import(&w, ImportFile::new(csv)).await.unwrap();
    assert_eq!(report.rows, 100_000);
    assert!(!report.is_committed() && report.created.is_empty());
    assert_eq!(
        report.rejected.len(),
        1,
        "{:?}",
        &report.rejected[..3.min(report.rejected.len())]
    );
    assert_eq!(
        (report.rejected[0].row, report.rejected[0].column),
        (61_236, Some(Column::JoinedOn))
    );
    assert!(
        w.dj.store()
            .members_by_home(&[w.branch_a])
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn export_masks_unless_the_role_may_see_full_numbers() {
    let w = world().await;
    import(&w, ImportFile::new(SAMPLE)).await.unwrap();
    let export = |actor: Actor, req: ExportRoster| {
        let s = w.dj.act_as(&actor);
        async move { s.members().export_roster(req).await }
    };
    let masked = export(w.secretary_a(), ExportRoster::new(w.branch_a))
        .await
        .unwrap();
    let rows = cells(&masked);
    assert_eq!(rows.len(), 7, "the header and branch A's six members");
    assert_eq!(rows[1][1], Data::String("110*************15".into()));
    assert!(
        rows.iter()
            .flatten()
            .all(|c| !c.to_string().contains("13800138001"))
    );
    assert!(
        rows.iter()
            .flatten()
            .any(|c| *c == Data::String("138****8001".into()))
    );
    // A branch officer may not ask for the full form; outside the scope
    // is not found.
    let full = ExportRoster::new(w.branch_a).full_id_numbers();
    let err = export(w.secretary_a(), full.clone()).await.unwrap_err();
    assert!(err.is_permission_denied(), "{err}");
    let err = export(w.secretary_b(), ExportRoster::new(w.branch_a))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = export(
        w.secretary_b(),
        ExportRoster::new(dangjian::OrgId::new(9999)),
    )
    .await
    .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = export(
        Actor::member(MemberId::new(1)),
        ExportRoster::new(w.branch_a),
    )
    .await
    .unwrap_err();
    assert!(err.is_not_found() || err.is_permission_denied(), "{err}");
    // A committee officer may.
    let full = export(w.committee_officer(), full).await.unwrap();
    assert_eq!(
        cells(&full)[1][1],
        Data::String("110105195503120115".into())
    );
    // A masked file is for reading: its numbers do not import.
    let w2 = world().await;
    let report = import(&w2, ImportFile::new(masked)).await.unwrap();
    assert!(
        report
            .rejected
            .iter()
            .all(|r| r.problem == RowProblem::MaskedIdNumber || r.column != Some(Column::IdNumber))
    );
    assert!(!report.is_committed());
}

#[tokio::test]
async fn an_import_outside_the_scope_reveals_nothing() {
    let w = world().await;
    // Branch B's officer names branch A: it reads as missing.
    let s = w.dj.act_as(&w.secretary_b());
    let report = s
        .members()
        .import_file(ImportFile::new(SAMPLE))
        .await
        .unwrap();
    assert!(!report.is_committed());
    assert!(
        report
            .rejected
            .iter()
            .any(|r| r.problem == RowProblem::UnknownBranch("第一党支部".into()))
    );
    // A treasurer imports nothing at all.
    let t = w.dj.act_as(&Actor::branch_treasurer(None, w.branch_a));
    assert!(
        t.members()
            .import_file(ImportFile::new(SAMPLE))
            .await
            .unwrap_err()
            .is_permission_denied()
    );
    // A branch officer may not approve.
    let a = w.dj.act_as(&w.secretary_a());
    let only_a =
        short(&["张伟,110105195503120115,第一党支部,2001-03-01,正式党员,1985-07-01,1986-07-01,,"]);
    let err = a
        .members()
        .import_file(ImportFile::new(only_a).approved())
        .await
        .unwrap_err();
    assert!(err.is_permission_denied(), "{err}");
}

/// Export, import into an empty store with the same organisations, export
/// again: the same cells.
async fn round_trip(first: Arc<dyn Store>, second: Arc<dyn Store>) {
    let a = world_on(first, today()).await;
    let report = import(&a, ImportFile::new(SAMPLE).approved())
        .await
        .unwrap();
    assert_eq!(report.created.len(), 12, "{report}");
    let admin = a.dj.act_as(&a.admin());
    let one = admin
        .members()
        .export_roster(ExportRoster::new(a.committee).full_id_numbers())
        .await
        .unwrap();
    let b = world_on(second, today()).await;
    let report = import(&b, ImportFile::new(one.clone()).approved())
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{report}");
    let two =
        b.dj.act_as(&b.committee_officer())
            .members()
            .export_roster(ExportRoster::new(b.committee).full_id_numbers())
            .await
            .unwrap();
    assert_eq!(cells(&one), cells(&two));
    assert_eq!(cells(&one), cells(SAMPLE), "the sample is such an export");
}

#[tokio::test]
async fn export_import_export_gives_the_same_cells_in_memory() {
    round_trip(Arc::new(MemoryStore::new()), Arc::new(MemoryStore::new())).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn export_import_export_gives_the_same_cells_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = |n: &str| format!("sqlite://{}", dir.path().join(n).display());
    let first = dangjian::adapters::connect(&url("a.db")).await.unwrap();
    let second = dangjian::adapters::connect(&url("b.db")).await.unwrap();
    round_trip(first, second).await;
}
