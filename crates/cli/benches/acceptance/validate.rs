//! The independent tools that judge livret's outputs, each turned into figures. A tool that is
//! missing is an error that says how to install it, never a skipped check.

use super::Figures;
use livret_handbook_gen::bench::target_dir;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

type Result<T> = std::result::Result<T, String>;

/// A validator that gets longer than this is stopped, and its figures are an error.
const TIMEOUT_SECONDS: &str = "1800";

/// Every validator on the outputs in `out`, two at a time (the machine has two cores), with
/// scratch files under `work`; each result is named by its validator.
pub fn all(out: &Path, work: &Path) -> Vec<(&'static str, Result<Figures>)> {
    type Check = fn(&Path, &Path) -> Result<Figures>;
    let quick: [(&'static str, Check); 6] = [
        ("epubcheck", epubcheck),
        ("qpdf", qpdf),
        ("pdffonts", pdffonts),
        ("pdftotext", pdftotext),
        ("pdfua", pdfua),
        ("JSON Schemas and feedparser-rs", json),
    ];
    // Ace is the longest: it has one core, and the others share the second.
    std::thread::scope(|scope| {
        let ace = scope.spawn(|| ace(out, work));
        let mut results: Vec<_> = quick
            .iter()
            .map(|(name, check)| (*name, check(out, work)))
            .collect();
        let ace = ace
            .join()
            .unwrap_or_else(|_| Err("the check panicked".to_owned()));
        results.push(("Ace by DAISY", ace));
        results
    })
}

fn validators() -> PathBuf {
    target_dir().join("validators")
}

/// Runs `program` under `timeout`; fails with the install hint when it cannot be started.
fn run(program: &Path, args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> Result<Output> {
    let mut command = Command::new("timeout");
    command.arg(TIMEOUT_SECONDS).arg(program).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    match output.status.code() {
        Some(124) => Err(format!(
            "{} took more than {TIMEOUT_SECONDS} s",
            program.display()
        )),
        Some(126) | Some(127) => Err(format!(
            "{} is not installed: run .ci/install-acceptance",
            program.display()
        )),
        _ => Ok(output),
    }
}

fn require(path: PathBuf) -> Result<PathBuf> {
    match path.exists() {
        true => Ok(path),
        false => Err(format!(
            "{} is missing: run .ci/install-acceptance",
            path.display()
        )),
    }
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Counts by key, each key a figure `prefix.key`, in key order.
fn counted(figures: &mut Figures, prefix: &str, counts: BTreeMap<String, f64>) {
    for (key, count) in counts {
        figures.push(format!("{prefix}.{key}"), count);
    }
}

/// epubcheck (Debian's jar): fatals, errors and warnings, and each by message id.
fn epubcheck(out: &Path, work: &Path) -> Result<Figures> {
    let jar = require(PathBuf::from("/usr/share/java/epubcheck.jar"))?;
    let report = work.join("epubcheck.json");
    let _ = std::fs::remove_file(&report);
    let epub = out.join("book.epub");
    run(
        Path::new("java"),
        &[
            "-jar".as_ref(),
            jar.as_os_str(),
            epub.as_os_str(),
            "--json".as_ref(),
            report.as_os_str(),
        ],
        &[],
    )?;
    let report = read_json(&report)?;
    let mut by_id = BTreeMap::new();
    for message in report["messages"].as_array().into_iter().flatten() {
        if !matches!(
            message["severity"].as_str(),
            Some("FATAL" | "ERROR" | "WARNING")
        ) {
            continue;
        }
        // epubcheck's own summary counts a message once per place it was found.
        let places = message["locations"]
            .as_array()
            .map_or(1, |l| l.len().max(1)) as f64;
        let id = message["ID"].as_str().unwrap_or("unknown").to_owned();
        *by_id.entry(id).or_default() += places;
    }
    let mut figures = Figures::default();
    for (key, field) in [
        ("fatals", "nFatal"),
        ("errors", "nError"),
        ("warnings", "nWarning"),
    ] {
        let count = report["checker"][field]
            .as_f64()
            .ok_or(format!("epubcheck's report has no {field}"))?;
        figures.push(format!("epubcheck.{key}"), count);
    }
    counted(&mut figures, "epubcheck.id", by_id);
    Ok(figures)
}

/// Ace by DAISY through Debian's chromium: violations in all, by impact and by rule.
fn ace(out: &Path, work: &Path) -> Result<Figures> {
    let ace = require(validators().join("node_modules/.bin/ace-cli"))?;
    let chromium = require(PathBuf::from(
        std::env::var("PUPPETEER_EXECUTABLE_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    ))?;
    let report_dir = work.join("ace");
    let _ = std::fs::remove_dir_all(&report_dir);
    let epub = out.join("book.epub");
    let output = run(
        &ace,
        &[
            "--force".as_ref(),
            "--silent".as_ref(),
            "--outdir".as_ref(),
            report_dir.as_os_str(),
            epub.as_os_str(),
        ],
        &[(
            "PUPPETEER_EXECUTABLE_PATH",
            chromium.to_str().unwrap_or("/usr/bin/chromium"),
        )],
    )?;
    let report_file = report_dir.join("report.json");
    if !report_file.exists() {
        return Err(format!(
            "Ace wrote no report: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let report = read_json(&report_file)?;
    let mut impacts: BTreeMap<String, f64> = ["critical", "serious", "moderate", "minor"]
        .iter()
        .map(|i| (i.to_string(), 0.0))
        .collect();
    let mut rules = BTreeMap::new();
    let mut total = 0.0;
    for document in report["assertions"].as_array().into_iter().flatten() {
        for assertion in document["assertions"].as_array().into_iter().flatten() {
            if assertion["earl:result"]["earl:outcome"] != "fail" {
                continue;
            }
            let test = &assertion["earl:test"];
            let impact = test["earl:impact"].as_str().unwrap_or("unknown").to_owned();
            let rule = test["dct:title"].as_str().unwrap_or("unknown").to_owned();
            *impacts.entry(impact).or_default() += 1.0;
            *rules.entry(rule).or_default() += 1.0;
            total += 1.0;
        }
    }
    let mut figures = Figures::default();
    figures.push("ace.violations".to_owned(), total);
    counted(&mut figures, "ace.impact", impacts);
    counted(&mut figures, "ace.rule", rules);
    Ok(figures)
}

/// `qpdf --check`: its exit status (0 clean, 2 errors, 3 warnings) and its warning and error
/// lines (its closing "No syntax or stream encoding errors found" is neither).
fn qpdf(out: &Path, _work: &Path) -> Result<Figures> {
    let pdf = out.join("book.pdf");
    let output = run(
        Path::new("qpdf"),
        &["--check".as_ref(), pdf.as_os_str()],
        &[],
    )?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let problems = text
        .lines()
        .filter(|l| l.contains("WARNING") || l.contains("ERROR") || l.starts_with("qpdf:"))
        .count();
    let mut figures = Figures::default();
    figures.push(
        "qpdf.exit_status".to_owned(),
        output.status.code().unwrap_or(-1) as f64,
    );
    figures.push("qpdf.problems".to_owned(), problems as f64);
    Ok(figures)
}

/// `pdffonts`: fonts not embedded, and fonts without a ToUnicode map (text that cannot be read
/// back).
fn pdffonts(out: &Path, _work: &Path) -> Result<Figures> {
    let pdf = out.join("book.pdf");
    let output = run(Path::new("pdffonts"), &[pdf.as_os_str()], &[])?;
    if !output.status.success() {
        return Err(format!(
            "pdffonts failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let (mut fonts, mut not_embedded, mut no_unicode) = (0.0, 0.0, 0.0);
    // Columns from the right: emb sub uni object ID (names and types may hold spaces).
    for line in text.lines().skip(2) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 6 {
            continue;
        }
        let n = fields.len();
        fonts += 1.0;
        if fields[n - 5] != "yes" {
            not_embedded += 1.0;
        }
        if fields[n - 3] != "yes" {
            no_unicode += 1.0;
        }
    }
    let mut figures = Figures::default();
    figures.push("info.pdffonts.fonts".to_owned(), fonts);
    figures.push("pdffonts.not_embedded".to_owned(), not_embedded);
    figures.push("pdffonts.without_tounicode".to_owned(), no_unicode);
    Ok(figures)
}

/// `pdftotext`: combining marks (a decomposed text layer: é as e + U+0301 defeats search) and
/// U+FFFD (glyphs that map to no character).
fn pdftotext(out: &Path, _work: &Path) -> Result<Figures> {
    let pdf = out.join("book.pdf");
    let output = run(
        Path::new("pdftotext"),
        &[
            "-enc".as_ref(),
            "UTF-8".as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
        &[],
    )?;
    if !output.status.success() {
        return Err(format!(
            "pdftotext failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let combining = |c: char| matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F);
    let mut figures = Figures::default();
    figures.push(
        "pdftotext.combining_marks".to_owned(),
        text.chars().filter(|c| combining(*c)).count() as f64,
    );
    figures.push(
        "pdftotext.replacement_characters".to_owned(),
        text.chars().filter(|c| *c == '\u{FFFD}').count() as f64,
    );
    Ok(figures)
}

/// `pdfua check` (PyPI, 16 of the machine-checkable PDF/UA-1 rules): errors, warnings, by rule.
fn pdfua(out: &Path, _work: &Path) -> Result<Figures> {
    let pdfua = require(validators().join("venv/bin/pdfua"))?;
    let pdf = out.join("book.pdf");
    let output = run(
        &pdfua,
        &[
            "check".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            pdf.as_os_str(),
        ],
        &[],
    )?;
    let report: Value = serde_json::from_slice(&output.stdout).map_err(|e| {
        format!(
            "pdfua printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let summary = &report["summary"];
    let mut figures = Figures::default();
    for key in ["errors", "warnings"] {
        let count = summary[key]
            .as_f64()
            .ok_or(format!("pdfua's summary has no {key}"))?;
        figures.push(format!("pdfua.{key}"), count);
    }
    let mut rules = BTreeMap::new();
    for finding in report["findings"].as_array().into_iter().flatten() {
        let rule = finding["rule_id"].as_str().unwrap_or("unknown").to_owned();
        *rules.entry(rule).or_default() += 1.0;
    }
    counted(&mut figures, "pdfua.rule", rules);
    Ok(figures)
}

/// The JSON outputs: book.json against its committed schema, every feed (feed.json, its pages,
/// changes.json) against the JSON Feed 1.1 schema and through feedparser-rs, changelog.json as
/// JSON (it has no schema yet).
fn json(out: &Path, _work: &Path) -> Result<Figures> {
    let python = require(validators().join("venv/bin/python"))?;
    let feed_schema = require(validators().join("node_modules/jsonfeed-schema/schema-v1.1.json"))?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = root.join("tests/support/validate.py");
    let book_schema = root.join("exporters/json/book.schema.json");
    let schema_errors = |document: &Path, schema: &Path| -> Result<f64> {
        let output = run(
            &python,
            &[
                script.as_os_str(),
                "schema".as_ref(),
                document.as_os_str(),
                schema.as_os_str(),
            ],
            &[],
        )?;
        let text = String::from_utf8_lossy(&output.stdout);
        match output.status.code() {
            Some(0) => Ok(0.0),
            Some(1) => Ok(text
                .lines()
                .rev()
                .find_map(|l| l.strip_suffix(" error(s)")?.parse().ok())
                .unwrap_or(1.0)),
            _ => Err(format!(
                "validating {}: {}",
                document.display(),
                String::from_utf8_lossy(&output.stderr)
            )),
        }
    };
    let mut figures = Figures::default();
    figures.push(
        "json.book_schema_errors".to_owned(),
        schema_errors(&out.join("book.json"), &book_schema)?,
    );
    let mut feeds: Vec<PathBuf> = std::fs::read_dir(out)
        .map_err(|e| e.to_string())?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| {
                (n.starts_with("feed") && n.ends_with(".json")) || n == "changes.json"
            })
        })
        .collect();
    feeds.sort();
    if feeds.is_empty() {
        return Err("no feed.json was written".to_owned());
    }
    let (mut feed_errors, mut unreadable, mut entries_lost) = (0.0, 0.0, 0.0);
    for feed in &feeds {
        feed_errors += schema_errors(feed, &feed_schema)?;
        let output = run(
            &python,
            &[script.as_os_str(), "feed".as_ref(), feed.as_os_str()],
            &[],
        )?;
        let items = read_json(feed)?["items"].as_array().map_or(0, Vec::len);
        match serde_json::from_slice::<Value>(&output.stdout) {
            Ok(read) if output.status.success() => {
                let entries = read["entries"].as_array().map_or(0, Vec::len);
                entries_lost += items.saturating_sub(entries) as f64;
            }
            _ => unreadable += 1.0,
        }
    }
    figures.push("json.feed_schema_errors".to_owned(), feed_errors);
    figures.push("json.feeds_feedparser_cannot_read".to_owned(), unreadable);
    figures.push("json.feed_entries_feedparser_lost".to_owned(), entries_lost);
    let changelog_unreadable = read_json(&out.join("changelog.json")).is_err();
    figures.push(
        "json.changelog_not_json".to_owned(),
        f64::from(u8::from(changelog_unreadable)),
    );
    Ok(figures)
}
