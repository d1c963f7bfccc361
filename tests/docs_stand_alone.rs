//! The crate stands alone: no doc comment (`///`, `//!`) in a `.rs` file,
//! and no line of a Markdown file, names a path or file outside the
//! repository (the working notes the rules were first collected in, the
//! source articles, a developer's machine). Rules cite the regulation and
//! their number in `docs/RULES.md` instead.
//!
//! Scans `src/`, `docs/`, `examples/`, `benches/`, `tests/` and
//! `README.md`, and lists every hit as `file:line: text`. This file names
//! the patterns, so it skips itself, and builds them with `concat!` so it
//! would not match even if it were scanned.

use std::fs;
use std::path::{Path, PathBuf};

/// Substrings that name something outside the repository (compared in
/// lower case).
const OUTSIDE: &[&str] = &[
    concat!("../", "shared"),
    concat!("shared/", "domain"),
    concat!("domain", ".md"),
    concat!("domain", "-wave2"),
    concat!("seeds", "/"),
    concat!("/wo", "rk/"),
];

/// The directories scanned, relative to the crate root.
const DIRS: &[&str] = &["src", "docs", "examples", "benches", "tests"];

/// The files scanned besides the directories.
const FILES: &[&str] = &["README.md"];

/// This file, relative to the crate root.
const ME: &str = concat!("tests/", "docs_stand_alone.rs");

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

/// Whether `line` (lower case) names a seed article by its informal
/// number: "seed 00" or "seeds 00" followed by a digit.
fn names_a_seed(line: &str) -> bool {
    let needle = concat!("seed", " 00");
    let plural = concat!("seeds", " 00");
    [needle, plural].iter().any(|n| {
        line.match_indices(n).any(|(at, m)| {
            line[at + m.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    })
}

fn names_outside(line: &str) -> bool {
    let lower = line.to_lowercase();
    OUTSIDE.iter().any(|p| lower.contains(p)) || names_a_seed(&lower)
}

/// The lines of `text` that are checked: every line of a Markdown file,
/// the doc-comment lines of a Rust file; each with its 1-based number.
fn checked_lines(path: &Path, text: &str) -> Vec<(usize, String)> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    match ext {
        "md" => lines.map(|(n, l)| (n, l.to_owned())).collect(),
        "rs" => lines
            .filter(|(_, l)| {
                let t = l.trim_start();
                t.starts_with("///") || t.starts_with("//!")
            })
            .map(|(n, l)| (n, l.to_owned()))
            .collect(),
        _ => Vec::new(),
    }
}

fn hits() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in DIRS {
        walk(&root.join(dir), &mut files);
    }
    files.extend(FILES.iter().map(|f| root.join(f)));
    let mut found = Vec::new();
    for path in files {
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        if rel_str == ME {
            continue;
        }
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        for (n, line) in checked_lines(&path, &text) {
            if names_outside(&line) {
                found.push(format!("{rel_str}:{n}: {}", line.trim()));
            }
        }
    }
    found
}

#[test]
fn docs_name_nothing_outside_the_repository() {
    let found = hits();
    assert!(
        found.is_empty(),
        "{} doc line(s) name a path or file outside the repository; cite the \
         regulation and the rule number in docs/RULES.md instead:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_patterns_catch_what_they_should() {
    let outside = [
        concat!("/// see `../", "shared/", "DOMAIN", ".md` §3"),
        concat!("//! [", "DOMAIN", ".md §4]"),
        concat!("the ", "DOMAIN", "-WAVE2 notes"),
        concat!("//! Seed", " 003 (大渡口区)"),
        concat!("(seeds", " 001, 002)"),
        concat!("in `", "seeds", "/`"),
        concat!("/wo", "rk/shared/HOLIDAYS.md"),
    ];
    for line in outside {
        assert!(names_outside(line), "not caught: {line}");
    }
    let inside = [
        "/// [Dues 2017 s.1(1); `docs/RULES.md` DUES-5]",
        "/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);",
        "//! a domain of an e-mail address",
        "seed 0x1f",
    ];
    for line in inside {
        assert!(!names_outside(line), "caught wrongly: {line}");
    }
    // Only doc comments count in Rust files; every line in Markdown.
    let rs = concat!("// ", "DOMAIN", ".md\n/// ok\n//! ", "DOMAIN", ".md\n");
    let lines = checked_lines(Path::new("x.rs"), rs);
    assert_eq!(lines.len(), 2);
    assert!(names_outside(&lines[1].1));
    assert_eq!(checked_lines(Path::new("x.md"), rs).len(), 3);
}
