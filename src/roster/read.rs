//! 读取 (reading a roster file): the format told by the bytes, the header
//! row checked, the cells of every row. Pure: bytes in, cells out.

use super::Column;
use super::date;
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::io::Cursor;

/// 文件错误 (a roster file that cannot be read at all): the file, not a
/// row, is wrong; nothing is imported. The message names the problem in
/// plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RosterFileError {
    /// The file has no bytes, or no header row.
    #[error("the file is empty")]
    Empty,
    /// A header row and nothing under it.
    #[error("the file has a header row but no rows under it")]
    NoRows,
    /// An Excel 97–2003 workbook (`.xls`), which is not read: save it as
    /// `.xlsx`.
    #[error("the file is an Excel 97-2003 workbook (.xls); save it as .xlsx")]
    LegacyXls,
    /// Neither xlsx nor UTF-8 text.
    #[error("the file is neither an xlsx workbook nor UTF-8 CSV text ({0})")]
    NotASpreadsheet(&'static str),
    /// A ZIP archive that is not a readable xlsx workbook.
    #[error("the file is not a readable xlsx workbook: {0}")]
    BadXlsx(String),
    /// CSV text that cannot be read.
    #[error("the CSV text cannot be read: {0}")]
    BadCsv(String),
    /// Merged cells in the header row: every column needs its own header.
    #[error("the header row has merged cells ({0}); give every column its own header")]
    MergedHeader(String),
    /// Merged cells under the header row: each value must be in its row.
    #[error("cells {0} are merged; write the value in every row")]
    MergedCells(String),
    /// A header that is not in the layout (`docs/IMPORT.md`).
    #[error("column {column}: the header {header:?} is not in the roster layout")]
    UnknownHeader {
        /// The column letter (`A`, `B` …).
        column: String,
        /// The header found.
        header: String,
    },
    /// One header twice.
    #[error("the header {0} is in two columns")]
    DuplicateHeader(Column),
    /// A required column is missing.
    #[error("the required column {0} is missing")]
    MissingHeader(Column),
}

/// A cell as read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A date cell: the date, or `Err(serial)` when the serial is none.
    Date(Result<NaiveDate, f64>),
    Bool(bool),
}

impl Cell {
    /// The text of the cell, trimmed (a number as Excel shows a whole
    /// number); `None` when blank.
    pub(super) fn text(&self) -> Option<String> {
        let s = match self {
            Self::Empty => return None,
            Self::Text(s) => s.trim().to_owned(),
            Self::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Self::Number(n) => n.to_string(),
            Self::Date(Ok(d)) => d.format("%Y-%m-%d").to_string(),
            Self::Date(Err(n)) => n.to_string(),
            Self::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        };
        (!s.is_empty()).then_some(s)
    }

    /// The date of the cell: `Ok(None)` when blank; `Err` with what was
    /// read when it is no date.
    pub(super) fn date(&self) -> Result<Option<NaiveDate>, DateProblem> {
        match self {
            Self::Empty => Ok(None),
            Self::Date(Ok(d)) => Ok(Some(*d)),
            Self::Date(Err(n)) | Self::Number(n) => date::from_serial(*n)
                .map(Some)
                .ok_or(DateProblem::Serial(*n)),
            Self::Text(t) if t.trim().is_empty() => Ok(None),
            Self::Text(t) => date::parse_text(t)
                .map(Some)
                .ok_or_else(|| DateProblem::Text(t.trim().to_owned())),
            Self::Bool(b) => Err(DateProblem::Text(b.to_string())),
        }
    }
}

/// Why a date cell is no date.
pub(crate) enum DateProblem {
    Serial(f64),
    Text(String),
}

/// 花名册表格 (the cells of a roster file): the columns found and every
/// row under the header, with the row number the user sees (the header is
/// row 1 of a CSV file; an xlsx sheet counts from its own row 1). Rows with
/// every cell blank are skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterTable {
    /// Where each column of the layout is (the index into a row's cells).
    pub(crate) columns: BTreeMap<Column, usize>,
    pub(crate) rows: Vec<(u32, Vec<Cell>)>,
}

impl RosterTable {
    /// The columns the file has, in the layout's order.
    pub fn columns(&self) -> impl Iterator<Item = Column> + '_ {
        self.columns.keys().copied()
    }

    /// How many rows are under the header.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row is under the header (never, for a table [`read`]
    /// returns).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub(super) fn cell<'a>(&self, cells: &'a [Cell], column: Column) -> &'a Cell {
        static EMPTY: Cell = Cell::Empty;
        self.columns
            .get(&column)
            .and_then(|&i| cells.get(i))
            .unwrap_or(&EMPTY)
    }
}

/// 读取花名册 (read a roster file): the format is told by the bytes, not
/// a file name: a ZIP archive (`PK\x03\x04`) is read as xlsx (its first
/// sheet), anything else must be UTF-8 CSV text (a byte-order mark is
/// skipped). The header row is the first row; see `docs/IMPORT.md` for the
/// layout. Never panics, whatever the bytes.
///
/// ```
/// use dangjian::roster::{read, Column, RosterFileError};
/// let csv = "姓名,公民身份号码,所在支部,组织关系转入日期,人员类别\n张三,11010519491231002X,第一支部,2001-03-01,正式党员\n";
/// let table = read(csv.as_bytes())?;
/// assert_eq!(table.len(), 1);
/// assert!(table.columns().any(|c| c == Column::Stage));
/// assert_eq!(read(b""), Err(RosterFileError::Empty));
/// assert_eq!(read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), Err(RosterFileError::LegacyXls));
/// # Ok::<(), RosterFileError>(())
/// ```
///
/// # Errors
/// [`RosterFileError`] naming what is wrong with the file.
pub fn read(bytes: &[u8]) -> Result<RosterTable, RosterFileError> {
    let raw = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(RosterFileError::LegacyXls);
    } else if bytes.starts_with(b"PK") {
        return Err(RosterFileError::NotASpreadsheet(
            "a ZIP archive of another kind",
        ));
    } else {
        read_csv(bytes)?
    };
    table(raw)
}

/// Rows of cells, each with its row number; the first is the header.
type Raw = Vec<(u32, Vec<Cell>)>;

fn read_csv(bytes: &[u8]) -> Result<Raw, RosterFileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|_| RosterFileError::NotASpreadsheet("not UTF-8 text"))?;
    if text.contains('\0') {
        return Err(RosterFileError::NotASpreadsheet("binary data"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| RosterFileError::BadCsv(e.to_string()))?;
        let line = record
            .position()
            .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
        let cells = record
            .iter()
            .map(|s| match s.trim() {
                "" => Cell::Empty,
                _ => Cell::Text(s.to_owned()),
            })
            .collect();
        rows.push((line, cells));
    }
    Ok(rows)
}

/// A damaged workbook is bad input, never a crash: calamine can panic on
/// one (an arithmetic overflow in its cell-reference parser, found by
/// `tests/prop_roster.rs`), so its work runs under `catch_unwind` and a
/// panic becomes [`RosterFileError::BadXlsx`].
fn read_xlsx(bytes: &[u8]) -> Result<Raw, RosterFileError> {
    std::panic::catch_unwind(|| read_xlsx_unguarded(bytes)).unwrap_or_else(|_| {
        Err(RosterFileError::BadXlsx(
            "the workbook is damaged (the xlsx reader could not parse it)".into(),
        ))
    })
}

fn read_xlsx_unguarded(bytes: &[u8]) -> Result<Raw, RosterFileError> {
    let bad = |e: calamine::XlsxError| RosterFileError::BadXlsx(e.to_string());
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(bad)?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(RosterFileError::Empty);
    };
    let range = book.worksheet_range(&sheet).map_err(bad)?;
    let Some((top, left)) = range.start() else {
        return Err(RosterFileError::Empty);
    };
    if let Some(merged) = book.worksheet_merge_cells(&sheet) {
        if let Some(region) = merged.map_err(bad)?.first() {
            let name = format!(
                "{}{}:{}{}",
                letters(region.start.1),
                region.start.0 + 1,
                letters(region.end.1),
                region.end.0 + 1
            );
            return Err(if region.start.0 <= top {
                RosterFileError::MergedHeader(name)
            } else {
                RosterFileError::MergedCells(name)
            });
        }
    }
    let pad = usize::try_from(left).unwrap_or(0);
    Ok(range
        .rows()
        .zip(top..)
        .map(|(row, r)| {
            let mut cells = vec![Cell::Empty; pad];
            cells.extend(row.iter().map(cell));
            (r.saturating_add(1), cells)
        })
        .collect())
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        #[allow(clippy::cast_precision_loss)]
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(n) => Cell::Number(*n),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => Cell::Date(
            dt.as_datetime()
                .map(|t| t.date())
                .filter(|d| {
                    dt.as_f64() >= 0.0 && (1900..=9999).contains(&chrono::Datelike::year(d))
                })
                .ok_or(dt.as_f64()),
        ),
    }
}

/// The column letters of a 0-based index (`A`, `Z`, `AA` …).
pub(super) fn letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = u8::try_from((n - 1) % 26).unwrap_or(0);
        out.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

fn table(raw: Raw) -> Result<RosterTable, RosterFileError> {
    let blank = |cells: &[Cell]| cells.iter().all(|c| c.text().is_none());
    let mut rows = raw.into_iter().filter(|(_, cells)| !blank(cells));
    let Some((_, header)) = rows.next() else {
        return Err(RosterFileError::Empty);
    };
    let mut columns = BTreeMap::new();
    for (i, cell) in header.iter().enumerate() {
        let Some(text) = cell.text() else { continue };
        let column = Column::from_header(&text).ok_or_else(|| RosterFileError::UnknownHeader {
            column: letters(u32::try_from(i).unwrap_or(u32::MAX)),
            header: text.clone(),
        })?;
        if columns.insert(column, i).is_some() {
            return Err(RosterFileError::DuplicateHeader(column));
        }
    }
    if let Some(missing) = Column::ALL
        .into_iter()
        .find(|c| c.is_required() && !columns.contains_key(c))
    {
        return Err(RosterFileError::MissingHeader(missing));
    }
    let rows: Vec<_> = rows.collect();
    if rows.is_empty() {
        return Err(RosterFileError::NoRows);
    }
    Ok(RosterTable { columns, rows })
}
