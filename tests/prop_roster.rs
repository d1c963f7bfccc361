//! Properties of roster files (`docs/IMPORT.md`): no input makes the
//! reader or the import panic, and export → import → export gives the same
//! cells for any roster of valid rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use calamine::{Data, Reader, Xlsx};
use common::{d, world_on};
use dangjian::roster::{Column, ExportRoster, ImportFile, read};
use dangjian::store::MemoryStore;
use proptest::prelude::*;
use std::sync::Arc;

const SAMPLE: &[u8] = include_bytes!("../examples/data/roster.xlsx");

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn cells(xlsx: &[u8]) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

/// One valid row: a full member, a probationary member or an applicant,
/// with optional contact fields.
#[derive(Debug, Clone)]
struct Person {
    stage: u8,
    year: i32,
    month: u32,
    mobile: bool,
    employee: bool,
    occupation: usize,
}

fn person() -> impl Strategy<Value = Person> {
    (
        0u8..3,
        1985i32..2020,
        1u32..=12,
        any::<bool>(),
        any::<bool>(),
        0usize..7,
    )
        .prop_map(
            |(stage, year, month, mobile, employee, occupation)| Person {
                stage,
                year,
                month,
                mobile,
                employee,
                occupation,
            },
        )
}

fn csv(people: &[Person]) -> String {
    let occupations = [
        "在职",
        "离退休",
        "农民",
        "学生",
        "下岗失业",
        "享受最低生活保障",
        "其他有收入",
    ];
    let mut out = String::from(
        "姓名,公民身份号码,所在支部,组织关系转入日期,人员类别,申请入党日期,入党日期,转正日期,工号,手机号码,职业类别\n",
    );
    for (n, p) in people.iter().enumerate() {
        let n32 = u32::try_from(n).unwrap();
        let id = common::nth_id_number(n32);
        let branch = if n % 2 == 0 {
            "第一党支部"
        } else {
            "第二党支部"
        };
        let on = format!("{}-{:02}-01", p.year, p.month);
        let next = format!("{}-{:02}-01", p.year + 1, p.month);
        let (stage, applied, joined, full) = match p.stage {
            0 => ("正式党员", "", on.as_str(), next.as_str()),
            1 => ("预备党员", "", "2026-03-01", ""),
            _ => ("入党申请人", on.as_str(), "", ""),
        };
        let no = if p.employee {
            format!("E{n}")
        } else {
            String::new()
        };
        let mobile = if p.mobile {
            format!("139{:08}", n)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{},{},{branch},2001/3/1,{stage},{applied},{joined},{full},{no},{mobile},{}\n",
            ["张伟", "王芳", "李娜", "刘洋"][n % 4],
            id.as_str(),
            occupations[p.occupation],
        ));
    }
    out
}

/// The case the property test found: one byte changed in a cell
/// reference made calamine's parser overflow and panic.
#[test]
fn a_damaged_cell_reference_is_a_typed_error() {
    let mut bytes = SAMPLE.to_vec();
    bytes[3949] = 53;
    assert!(read(&bytes).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn reading_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = read(&bytes);
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend(&bytes);
        let _ = read(&zip);
    }

    #[test]
    fn reading_a_damaged_workbook_never_panics(at in 0usize..SAMPLE.len(), with in any::<u8>(), cut in 0usize..SAMPLE.len()) {
        let mut bytes = SAMPLE.to_vec();
        bytes[at] = with;
        let _ = read(&bytes);
        bytes.truncate(cut);
        let _ = read(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn importing_any_cells_never_panics(cells in proptest::collection::vec(
        proptest::collection::vec("[0-9X年月日/\\-*、 张王第一党支部正式预备入申请人积极分子发展对象]{0,20}", 20),
        1..6,
    )) {
        let header = Column::ALL.map(Column::header).join(",");
        let body: Vec<String> = cells.iter().map(|r| r.join(",")).collect();
        let text = format!("{header}\n{}\n", body.join("\n"));
        rt().block_on(async {
            let w = world_on(Arc::new(MemoryStore::new()), d(2026, 12, 1)).await;
            let s = w.dj.act_as(&w.admin());
            let _ = s.members().import_file(ImportFile::new(text).commit_good_rows()).await;
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn export_import_export_is_the_identity(people in proptest::collection::vec(person(), 1..25)) {
        rt().block_on(async {
            let a = world_on(Arc::new(MemoryStore::new()), d(2026, 12, 1)).await;
            let admin = a.dj.act_as(&a.admin());
            let report = admin.members().import_file(ImportFile::new(csv(&people))).await.unwrap();
            assert!(report.rejected.is_empty(), "{report}");
            let one = admin.members().export_roster(ExportRoster::new(a.committee).full_id_numbers()).await.unwrap();
            let b = world_on(Arc::new(MemoryStore::new()), d(2026, 12, 1)).await;
            let admin = b.dj.act_as(&b.admin());
            let report = admin.members().import_file(ImportFile::new(one.clone())).await.unwrap();
            assert!(report.rejected.is_empty(), "{report}");
            let two = admin.members().export_roster(ExportRoster::new(b.committee).full_id_numbers()).await.unwrap();
            assert_eq!(cells(&one), cells(&two));
            assert_eq!(cells(&one).len(), people.len() + 1);
        });
    }
}
