//! `livret build --format pdf`: the sample handbook and a fixture with every construct, checked
//! with qpdf (structure, links, outline), pdffonts (embedded fonts), pdftotext (the text of every
//! paragraph, the table of contents' page numbers), pdfinfo (metadata) and pdfimages.

use livret_model::{plain_text, Book, Page, Target};
use livret_tests::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Points per millimetre.
const MM: f64 = 72.0 / 25.4;

fn build_pdf(repository: &Path, out: &Path) -> PathBuf {
    let run = run({
        let mut command = livret();
        command
            .args(["build", "--format", "pdf", "--out"])
            .arg(out)
            .arg("--repo")
            .arg(repository);
        command
    });
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    out.join("book.pdf")
}

/// Runs a tool and returns its standard output; fails the test when it fails.
fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    validators_python(); // installs qpdf, poppler-utils and mupdf-tools when they are missing
    let output = Command::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("could not run {name}: {e}"));
    assert!(
        output.status.success(),
        "{name} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("tool output is UTF-8")
}

/// Characters the bundled fonts do not have (emoji and their joiners): left out of the PDF.
fn is_left_out(c: char) -> bool {
    matches!(c, '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{FE00}'..='\u{FE0F}' | '\u{200D}' | '\u{2B00}'..='\u{2BFF}')
}

/// Text for comparison: characters left out removed, hyphenation at line ends undone, every
/// hyphen, dash and space (narrow, no-break) removed, accents kept.
fn normalise(text: &str) -> String {
    text.replace("-\n", "")
        .chars()
        .filter(|&c| {
            !is_left_out(c)
                && !c.is_whitespace()
                && !matches!(c, '-' | '\u{2010}' | '\u{202F}' | '\u{A0}')
        })
        .collect()
}

#[derive(Debug)]
struct Pdf {
    path: PathBuf,
    json: Value,
    margin: f64,
}

impl Pdf {
    fn open(path: PathBuf, margin_mm: f64) -> Self {
        let json: Value =
            serde_json::from_str(&tool("qpdf", &["--json=2"], &path)).expect("qpdf JSON");
        Pdf {
            path,
            json,
            margin: margin_mm * MM,
        }
    }

    fn pages(&self) -> &Vec<Value> {
        self.json["pages"].as_array().expect("pages")
    }

    fn object(&self, reference: &str) -> &Value {
        &self.json["qpdf"][1][format!("obj:{reference}")]["value"]
    }

    /// Page number (from 1) of a page object reference.
    fn page_number(&self, reference: &str) -> Option<usize> {
        self.pages()
            .iter()
            .find(|p| p["object"] == reference)
            .and_then(|p| p["pageposfrom1"].as_u64())
            .map(|n| n as usize)
    }

    fn size(&self) -> (f64, f64) {
        let page = self.object(
            self.pages()[0]["object"]
                .as_str()
                .expect("as the tools and fixtures give it"),
        );
        let b = &page["/MediaBox"];
        (
            b[2].as_f64().expect("as the tools and fixtures give it"),
            b[3].as_f64().expect("as the tools and fixtures give it"),
        )
    }

    /// The text of page `n` (from 1), without running header and footer.
    fn body_text(&self, first: usize, last: usize) -> String {
        let (w, h) = self.size();
        let crop = [
            "-x".to_owned(),
            "0".to_owned(),
            "-y".to_owned(),
            format!("{}", self.margin.floor()),
            "-W".to_owned(),
            format!("{}", w.ceil()),
            "-H".to_owned(),
            format!("{}", (h - 2.0 * self.margin).ceil()),
            "-f".to_owned(),
            first.to_string(),
            "-l".to_owned(),
            last.to_string(),
        ];
        let args: Vec<&str> = crop.iter().map(String::as_str).collect();
        tool("pdftotext", &args, &self.path)
    }

    fn page_text(&self, n: usize) -> String {
        tool(
            "pdftotext",
            &["-f", &n.to_string(), "-l", &n.to_string()],
            &self.path,
        )
    }

    /// Every link annotation: page, rectangle (PDF coordinates), where it goes.
    fn links(&self) -> Vec<Link> {
        let mut links = Vec::new();
        for page in self.pages() {
            let number = page["pageposfrom1"]
                .as_u64()
                .expect("as the tools and fixtures give it") as usize;
            let dict = self.object(
                page["object"]
                    .as_str()
                    .expect("as the tools and fixtures give it"),
            );
            for annot in dict["/Annots"].as_array().into_iter().flatten() {
                let annot = match annot.as_str() {
                    Some(reference) => self.object(reference),
                    None => annot,
                };
                if annot["/Subtype"] != "/Link" {
                    continue;
                }
                let rect: Vec<f64> = annot["/Rect"]
                    .as_array()
                    .expect("as the tools and fixtures give it")
                    .iter()
                    .map(|v| v.as_f64().expect("as the tools and fixtures give it"))
                    .collect();
                let action = &annot["/A"];
                let border: Vec<f64> = annot["/Border"].as_array().map_or(vec![], |b| {
                    b.iter()
                        .map(|v| v.as_f64().expect("as the tools and fixtures give it"))
                        .collect()
                });
                links.push(Link {
                    page: number,
                    rect: [rect[0], rect[1], rect[2], rect[3]],
                    dest: action["/D"][0].as_str().and_then(|r| self.page_number(r)),
                    dest_top: action["/D"][3].as_f64(),
                    uri: action["/URI"]
                        .as_str()
                        .map(|u| u.trim_start_matches("u:").to_owned()),
                    border,
                });
            }
        }
        links
    }

    /// The outline, depth first: depth, title, page.
    fn outline(&self) -> Vec<(usize, String, Option<usize>)> {
        fn walk(items: &Value, depth: usize, out: &mut Vec<(usize, String, Option<usize>)>) {
            for item in items.as_array().into_iter().flatten() {
                let title = item["title"].as_str().unwrap_or_default().to_owned();
                let page = item["destpageposfrom1"].as_u64().map(|n| n as usize);
                out.push((depth, title, page));
                walk(&item["kids"], depth + 1, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.json["outlines"], 0, &mut out);
        out
    }

    /// Words of each page with their boxes (y from the top).
    fn words(&self) -> Vec<Vec<Word>> {
        let html = tool("pdftotext", &["-bbox"], &self.path);
        let mut pages = Vec::new();
        for page in html.split("<page ").skip(1) {
            let mut words = Vec::new();
            for word in page.split("<word ").skip(1) {
                let attribute = |name: &str| -> f64 {
                    let start = word
                        .find(&format!("{name}=\""))
                        .expect("as the tools and fixtures give it")
                        + name.len()
                        + 2;
                    let end = start
                        + word[start..]
                            .find('"')
                            .expect("as the tools and fixtures give it");
                    word[start..end]
                        .parse()
                        .expect("as the tools and fixtures give it")
                };
                let text_start = word.find('>').expect("as the tools and fixtures give it") + 1;
                let text_end = word
                    .find("</word>")
                    .expect("as the tools and fixtures give it");
                let text = word[text_start..text_end]
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'");
                words.push(Word {
                    x0: attribute("xMin"),
                    y0: attribute("yMin"),
                    x1: attribute("xMax"),
                    y1: attribute("yMax"),
                    text,
                });
            }
            pages.push(words);
        }
        pages
    }

    /// The text under a link's rectangle.
    fn link_text(&self, words: &[Vec<Word>], link: &Link) -> String {
        let (_, h) = self.size();
        let (top, bottom) = (h - link.rect[3], h - link.rect[1]);
        words[link.page - 1]
            .iter()
            .filter(|w| {
                let cx = (w.x0 + w.x1) / 2.0;
                let cy = (w.y0 + w.y1) / 2.0;
                cx >= link.rect[0] - 1.0 && cx <= link.rect[2] + 1.0 && cy >= top && cy <= bottom
            })
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Entries of the table of contents with the page number printed at their right.
    fn contents(&self) -> Vec<(String, usize)> {
        let first_body_page = self
            .outline()
            .iter()
            .filter_map(|o| o.2)
            .min()
            .expect("as the tools and fixtures give it");
        let text = tool(
            "pdftotext",
            &[
                "-layout",
                "-f",
                "2",
                "-l",
                &(first_body_page - 1).to_string(),
            ],
            &self.path,
        );
        text.lines()
            .filter_map(|line| {
                let line = line.trim();
                let (head, number) = line.rsplit_once(' ')?;
                let number: usize = number.parse().ok()?;
                let title = head
                    .split(" . ")
                    .next()?
                    .trim()
                    .trim_end_matches(" .")
                    .trim()
                    .to_owned();
                head.contains(". .").then_some((title, number))
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
struct Link {
    page: usize,
    rect: [f64; 4],
    dest: Option<usize>,
    dest_top: Option<f64>,
    uri: Option<String>,
    border: Vec<f64>,
}

#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

/// The paragraphs of a page's plain text that the PDF shows as they are: not table rows (cells
/// are laid out side by side), not the alt text of drawn images, not card rows (joined by dashes),
/// not the labels of content-refs (GitBook shows the page's title), not paragraphs with mentions.
fn expected_paragraphs(page: &Page) -> Vec<String> {
    let mut excluded = BTreeSet::new();
    fn walk(value: &Value, excluded: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                match map.get("type").and_then(Value::as_str) {
                    Some("figure") => {
                        excluded
                            .insert(map["image"]["alt"].as_str().unwrap_or_default().to_owned());
                    }
                    Some("image") => {
                        excluded
                            .insert(map["image"]["alt"].as_str().unwrap_or_default().to_owned());
                    }
                    Some("content_ref") | Some("card_table") | Some("paragraph")
                    | Some("embed") | Some("file") => {
                        let text = serde_json::to_string(value)
                            .expect("as the tools and fixtures give it");
                        let kind = map["type"]
                            .as_str()
                            .expect("as the tools and fixtures give it");
                        if kind != "paragraph"
                            || text.contains("\"mention\":true")
                            || text.contains("footnote_reference")
                        {
                            if let Ok(block) =
                                serde_json::from_value::<livret_model::Block>(value.clone())
                            {
                                let mut parts = Vec::new();
                                livret_model::push_blocks_text(&[block], &mut parts);
                                excluded.extend(parts);
                            }
                        }
                    }
                    _ => {}
                }
                map.values().for_each(|v| walk(v, excluded));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, excluded)),
            _ => {}
        }
    }
    walk(
        &serde_json::to_value(page).expect("as the tools and fixtures give it"),
        &mut excluded,
    );
    page.plain_text()
        .split("\n\n")
        .map(str::to_owned)
        .filter(|part| !part.contains(" | ") && !excluded.contains(part))
        .collect()
}

/// Every paragraph of every page is in the PDF's text, in order within its page.
fn assert_paragraphs(pdf: &Pdf, book: &Book) {
    let pages = pdf.pages().len();
    let all = normalise(&pdf.body_text(1, pages));
    let mut checked = 0;
    let mut from = 0;
    for page in &book.pages {
        for part in expected_paragraphs(page) {
            let wanted = normalise(&part);
            if wanted.is_empty() {
                continue;
            }
            match all[from..].find(&wanted) {
                Some(at) => from += at,
                None => panic!(
                    "the PDF lacks this paragraph of {} (or has it out of order):\n{part}\nnormalised: {wanted}",
                    page.path
                ),
            }
            checked += 1;
        }
    }
    assert!(
        checked > book.pages.len(),
        "only {checked} paragraphs checked"
    );
}

/// The title a link to `target` must land on, normalised.
fn target_title(book: &Book, target: &Target) -> Option<String> {
    let Target::Page { path, anchor } = target else {
        return None;
    };
    let page = book.page(path)?;
    Some(normalise(&match anchor {
        None => page.title.clone(),
        Some(anchor) => plain_text(
            &page
                .all_sections()
                .into_iter()
                .find(|s| &s.anchor == anchor)?
                .title,
        ),
    }))
}

/// Every internal link of the body lands on a page that holds the title of (one of) the
/// targets of the book's links with that text; the contents' links land on their entry's page.
fn assert_links(pdf: &Pdf, book: &Book) {
    let words = pdf.words();
    // Link texts of the model, and the titles their targets have.
    let mut candidates: Vec<(String, String)> = Vec::new();
    for page in &book.pages {
        let value = serde_json::to_value(page).expect("as the tools and fixtures give it");
        fn walk(value: &Value, book: &Book, out: &mut Vec<(String, String)>) {
            if let Value::Object(map) = value {
                let target = map.get("target").or_else(|| map.get("url"));
                if let Some(xref) = target
                    .and_then(|t| serde_json::from_value::<livret_model::XRef>(t.clone()).ok())
                {
                    if let Some(title) = target_title(book, &xref.target) {
                        let mut text = String::new();
                        for key in ["content", "label", "caption", "cells"] {
                            if let Some(value) = map.get(key) {
                                let inlines: Vec<livret_model::Inline> = match key {
                                    "cells" => serde_json::from_value::<
                                        Vec<Vec<livret_model::Inline>>,
                                    >(value.clone())
                                    .unwrap_or_default()
                                    .concat(),
                                    _ => serde_json::from_value(value.clone()).unwrap_or_default(),
                                };
                                text.push_str(&plain_text(&inlines));
                            }
                        }
                        out.push((normalise(&text), title));
                    }
                }
                map.values().for_each(|v| walk(v, book, out));
            } else if let Value::Array(items) = value {
                items.iter().for_each(|v| walk(v, book, out));
            }
        }
        walk(&value, book, &mut candidates);
        candidates.push((normalise(&page.title), normalise(&page.title)));
    }
    for group in &book.toc {
        if let Some(title) = &group.title {
            candidates.push((normalise(title), normalise(title)));
        }
    }
    let internal: Vec<Link> = pdf
        .links()
        .into_iter()
        .filter(|l| l.uri.is_none())
        .collect();
    assert!(!internal.is_empty(), "no internal link");
    for link in &internal {
        assert_eq!(link.border, [0.0, 0.0, 0.0], "links have no border");
        let dest = link
            .dest
            .unwrap_or_else(|| panic!("link without destination page: {link:?}"));
        let text = normalise(&pdf.link_text(&words, link));
        let landing = normalise(&pdf.body_text(dest, dest));
        // Footnote references land on the footnote.
        if text.chars().all(|c| c.is_ascii_digit()) && !text.is_empty() {
            continue;
        }
        // Words under the rectangle may carry punctuation that follows the link.
        let letters = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        };
        let key = letters(&text);
        let titles: Vec<&String> = candidates
            .iter()
            .filter(|(label, _)| {
                let label = letters(label);
                !label.is_empty() && (label.contains(&key) || key.contains(label.as_str()))
            })
            .map(|(_, title)| title)
            .collect();
        assert!(
            !titles.is_empty(),
            "no link of the book reads {text:?} (page {})",
            link.page
        );
        assert!(
            titles.iter().any(|title| landing.contains(title.as_str())),
            "the link {text:?} on page {} lands on page {dest}, which has none of {titles:?}",
            link.page
        );
        // The destination is the title's place on the page: the text just below it starts with the title.
        let (_, h) = pdf.size();
        if let Some(top) = link.dest_top {
            let top_from_page_top = h - top;
            let below: String = words[dest - 1]
                .iter()
                .filter(|w| w.y0 >= top_from_page_top - 2.0 && w.y0 <= top_from_page_top + 60.0)
                .map(|w| w.text.as_str())
                .collect();
            let below = normalise(&below);
            assert!(
                titles.iter().any(|title| below.contains(title.as_str())),
                "the link {text:?} on page {} lands at y {top} of page {dest}, where the text is {below:?}, not one of {titles:?}",
                link.page
            );
        }
    }
}

/// The contents' numbers are the pages where their entries' titles are, and the outline has
/// the same entries, in the same order, going to the same pages.
fn assert_contents_and_outline(pdf: &Pdf) -> Vec<(String, usize)> {
    let contents = pdf.contents();
    assert!(contents.len() >= 3, "contents: {contents:?}");
    let outline = pdf.outline();
    let mut from = 0;
    for (title, number) in &contents {
        let page = normalise(&pdf.body_text(*number, *number));
        assert!(
            page.contains(&normalise(title)),
            "the contents say {title:?} is on page {number}, which reads:\n{page}"
        );
        let found = outline[from..]
            .iter()
            .position(|(_, t, p)| normalise(t) == normalise(title) && *p == Some(*number))
            .unwrap_or_else(|| {
                panic!("the outline has no {title:?} → {number} after entry {from}: {outline:?}")
            });
        from += found + 1;
    }
    contents
}

fn assert_fonts_embedded(pdf: &Pdf) {
    let fonts = tool("pdffonts", &[], &pdf.path);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(rows.len() >= 2, "{fonts}");
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        let n = columns.len();
        assert_eq!(columns[n - 5], "yes", "font not embedded: {row}");
        assert_eq!(columns[n - 4], "yes", "font not subset: {row}");
        assert_eq!(columns[n - 3], "yes", "font without ToUnicode: {row}");
    }
}

fn assert_qpdf_clean(pdf: &Pdf) {
    validators_python();
    let output = Command::new("qpdf")
        .arg("--check")
        .arg(&pdf.path)
        .output()
        .expect("as the tools and fixtures give it");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "qpdf --check: {text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains("No syntax or stream encoding errors found"),
        "{text}"
    );
    assert!(
        output.stderr.is_empty(),
        "qpdf warnings: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn info(pdf: &Pdf) -> String {
    tool("pdfinfo", &["-isodates"], &pdf.path)
}

fn info_field<'a>(info: &'a str, name: &str) -> &'a str {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {name} in {info}"))
}

/// The sample handbook's PDF, built once for every test that reads it.
fn sample() -> &'static (Pdf, Book) {
    static SAMPLE: OnceLock<(Pdf, Book)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let out = workspace_root().join("target/pdf-tests/sample");
        std::fs::create_dir_all(&out).expect("as the tools and fixtures give it");
        let path = build_pdf(&workspace_root(), &out);
        let book = load_at(&workspace_root(), "HEAD", None).book;
        (Pdf::open(path, 20.0), book)
    })
}

/// Year, month and day of a Unix time.
fn civil(time: i64) -> (i64, i64, i64) {
    let z = time.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[test]
fn sample_handbook_is_valid_embeds_its_fonts_and_says_what_it_is() {
    let (pdf, book) = sample();
    assert_qpdf_clean(pdf);
    assert_fonts_embedded(pdf);
    let info = info(pdf);
    assert_eq!(
        info_field(&info, "Title"),
        "Livret d’accueil de la Fabrique numérique"
    );
    assert_eq!(
        info_field(&info, "Subject"),
        "Nos valeurs, notre culture, nos outils"
    );
    assert_eq!(info_field(&info, "Author"), "La Fabrique numérique");
    assert!(
        info_field(&info, "Keywords").contains("Outils et méthodes"),
        "{info}"
    );
    assert!(info_field(&info, "Page size").contains("(A4)"), "{info}");
    let created = info_field(&info, "CreationDate");
    assert!(!created.starts_with("1970"), "{created}");
    let revision = &book.meta.revision;
    let (year, month, day) = civil(revision.time + i64::from(revision.offset_minutes) * 60);
    assert!(
        created.starts_with(&format!("{year:04}-{month:02}-{day:02}T")),
        "{created} is not the date of the revision"
    );
    assert_eq!(info_field(&info, "ModDate"), created);
    assert_eq!(
        pdf.json["qpdf"][1][format!("obj:{}", root(pdf))]["value"]["/Lang"],
        "u:fr"
    );
}

fn root(pdf: &Pdf) -> String {
    pdf.json["qpdf"][1]["trailer"]["value"]["/Root"]
        .as_str()
        .expect("as the tools and fixtures give it")
        .to_owned()
}

#[test]
fn sample_handbook_gives_back_the_text_of_every_paragraph() {
    let (pdf, book) = sample();
    assert_paragraphs(pdf, book);
    // Accents and typographic apostrophes come back as they are.
    let text = pdf.body_text(1, pdf.pages().len());
    assert!(text.contains("Une idée qui n’a pas survécu"), "{text}");
    assert!(!text.contains('\u{FFFD}'));
    assert!(!text.contains('👋'), "emoji are left out");
}

/// A second, independent reader: MuPDF reads the same text as poppler. The fonts are shown by
/// glyph through an embedded CMap, which each reader resolves on its own.
#[test]
fn mupdf_reads_the_same_text_as_poppler() {
    let (pdf, _) = sample();
    validators_python();
    let mupdf = Command::new("mutool")
        .args(["draw", "-q", "-F", "txt", "-o", "-"])
        .arg(&pdf.path)
        .output()
        .expect("mutool (Debian's mupdf-tools) runs");
    assert!(
        mupdf.status.success(),
        "{}",
        String::from_utf8_lossy(&mupdf.stderr)
    );
    let words = |text: &str| -> Vec<String> {
        text.replace("-\n", "")
            .split_whitespace()
            .map(normalise)
            .filter(|word| !word.is_empty())
            .collect()
    };
    let mupdf = words(&String::from_utf8_lossy(&mupdf.stdout));
    let poppler = words(&pdf.body_text(1, pdf.pages().len()));
    assert!(poppler.len() > 1000, "{} words", poppler.len());
    for word in ["Accessibilité", "survécu", "Fabrique", "communauté"] {
        assert!(
            mupdf.iter().any(|w| w.contains(word)),
            "{word} in MuPDF's text"
        );
    }
    let in_mupdf: std::collections::HashSet<&String> = mupdf.iter().collect();
    let missing: Vec<&String> = poppler.iter().filter(|w| !in_mupdf.contains(w)).collect();
    assert!(
        missing.len() * 100 < poppler.len(),
        "words poppler reads and MuPDF does not: {missing:?}"
    );
}

#[test]
fn sample_handbook_links_land_on_their_targets() {
    let (pdf, book) = sample();
    assert_links(pdf, book);
    let external: Vec<Link> = pdf
        .links()
        .into_iter()
        .filter(|l| l.uri.is_some())
        .collect();
    assert!(
        external
            .iter()
            .any(|l| l.uri.as_deref() == Some("https://fabrique-numerique.example.org")),
        "{external:?}"
    );
}

#[test]
fn sample_handbook_contents_have_real_page_numbers_and_the_outline_mirrors_them() {
    let (pdf, book) = sample();
    let contents = assert_contents_and_outline(pdf);
    // Every published page is in the contents, groups too.
    for page in &book.pages {
        let title = normalise(&page.title);
        assert!(
            contents.iter().any(|(t, _)| normalise(t) == title),
            "{} missing from {contents:?}",
            page.title
        );
    }
    assert!(
        contents.iter().any(|(t, _)| t == "Outils et méthodes"),
        "{contents:?}"
    );
    // The outline nests sections under pages and pages under parts.
    let outline = pdf.outline();
    let values = outline
        .iter()
        .position(|o| o.1 == "Nos valeurs")
        .expect("Nos valeurs in the outline");
    assert!(
        outline[values + 1].0 > outline[values].0,
        "sections under their page: {outline:?}"
    );
    let part = outline
        .iter()
        .find(|o| o.1 == "La Fabrique")
        .expect("as the tools and fixtures give it");
    assert_eq!(part.0, 0);
}

/// A fixture with every construct of the model.
fn every_construct() -> Fixture {
    let png = std::fs::read(workspace_root().join("content/.gitbook/assets/schema.png"))
        .expect("as the tools and fixtures give it");
    let mut long_table = String::from("| Étape | Description longue | Durée |\n|---|---|--:|\n");
    for i in 1..=70 {
        long_table.push_str(&format!("| Étape {i} | Une description de l’étape numéro {i}, assez longue pour occuper deux lignes dans sa cellule étroite | {i} h |\n"));
    }
    let paragraph = "Chaque valeur tient en un titre et quelques paragraphes écrits à plusieurs mains, après quelques années de projets réussis et de projets ratés, pour décrire ce que nous faisons déjà quand tout va bien et ce vers quoi nous revenons quand tout va mal. ";
    let long_text: String = (0..14)
        .map(|i| format!("Paragraphe {i}. {}\n\n", paragraph.repeat(3)))
        .collect();
    let long_hint: String = (0..16)
        .map(|i| format!("Avertissement {i}. {}\n\n", paragraph.repeat(2)))
        .collect();
    let long_code: String = (0..60).map(|i| format!("echo \"ligne {i}\" && une_commande --avec-une-option-tres-longue --et-une-autre-encore-plus-longue-qui-deborde={i}\n")).collect();
    Fixture::with(
        &[
            file(
                "livret.yaml",
                "title: Guide de test 🧪\nsubtitle: Tous les blocs\nauthor: Alice Martin\norganisation: La Fabrique\npdf:\n  page_size: A4\n  margin_mm: 20\n  cover_image: .gitbook/assets/schema.png\n",
            ),
            file(
                "SUMMARY.md",
                "# Sommaire\n\n* [👋 Accueil](README.md)\n\n## Les blocs\n\n* [Blocs](blocs.md)\n  * [Tableaux](long.md)\n* [Site public](https://example.org)\n\n## Annexes\n\n* [Glossaire](glossaire.md)\n",
            ),
            file(
                "README.md",
                "# 👋 Accueil\n\nBienvenue ! Voir [les blocs](blocs.md), [la section des listes](blocs.md#les-listes), [le glossaire](glossaire.md#termes) et [le site](https://example.org/page).\n\nDu `code en ligne`, du **gras**, de l’*italique*, du ~~barré~~, <mark style=\"color:red;\">du surligné</mark> et une note[^1].\\\nUne ligne après un saut de ligne : « guillemets » et questions ?\n\n[blocs.md](blocs.md \"mention\")\n\n[^1]: Le texte de la note de bas de page.\n",
            ),
            file(
                "blocs.md",
                format!("---\ndescription: Tous les blocs de GitBook.\n---\n\n# Blocs\n\n## Les listes\n\n* un\n* deux\n  * imbriqué\n    * très imbriqué\n\n3. trois\n4. quatre\n\n- [x] fait\n- [ ] à faire\n\n> Une citation de quelqu’un.\n\n## Le code\n\n{{% code title=\"script.sh\" %}}\n```sh\n{long_code}```\n{{% endcode %}}\n\n## Les encadrés\n\n{{% hint style=\"info\" %}}\nUne information.\n{{% endhint %}}\n\n{{% hint style=\"success\" %}}\nUn succès.\n{{% endhint %}}\n\n{{% hint style=\"warning\" %}}\nUn avertissement.\n{{% endhint %}}\n\n{{% hint style=\"danger\" %}}\nUn danger.\n{{% endhint %}}\n\n## Les onglets\n\n{{% tabs %}}\n{{% tab title=\"Premier onglet\" %}}\nContenu du premier onglet.\n{{% endtab %}}\n\n{{% tab title=\"Second onglet\" %}}\nContenu du second onglet.\n{{% endtab %}}\n{{% endtabs %}}\n\n{{% stepper %}}\n{{% step %}}\nPremière étape du parcours.\n{{% endstep %}}\n\n{{% step %}}\nSeconde étape du parcours.\n{{% endstep %}}\n{{% endstepper %}}\n\n<details>\n\n<summary>Plus de détails</summary>\n\nLe contenu caché, montré.\n\n</details>\n\n## Les images\n\n<figure><img src=\".gitbook/assets/schema.png\" alt=\"Un schéma\"><figcaption><p>La légende du schéma</p></figcaption></figure>\n\n<figure><img src=\".gitbook/assets/photo.jpg\" alt=\"Une photo\" width=\"120\"><figcaption><p>La légende de la photo</p></figcaption></figure>\n\n![Une image absente](.gitbook/assets/absente.svg)\n\n## Les liens\n\n{{% content-ref url=\"glossaire.md\" %}}\n[glossaire.md](glossaire.md)\n{{% endcontent-ref %}}\n\n{{% embed url=\"https://www.example.org/videos/42\" %}}\nUne vidéo de présentation\n{{% endembed %}}\n\n{{% file src=\".gitbook/assets/charte.pdf\" %}}\nLa charte à signer\n{{% endfile %}}\n\n<table data-view=\"cards\"><thead><tr><th></th><th data-hidden data-card-target data-type=\"content-ref\"></th></tr></thead><tbody><tr><td><strong>Le glossaire</strong></td><td><a href=\"glossaire.md\">glossaire.md</a></td></tr></tbody></table>\n\n## Les formules\n\n$$E = mc^2$$\n\nUne formule en ligne : $x + y$.\n\n| Colonne A | Colonne B |\n|:--|--:|\n| a1 | b1 |\n| a2 | b2 |\n\n---\n\nFin des blocs.\n"),
            ),
            file("long.md", format!("# Tableaux\n\n{long_text}{{% hint style=\"warning\" %}}\n{long_hint}{{% endhint %}}\n\n## Un long tableau\n\n{long_table}\nAprès le tableau.\n")),
            file(
                "glossaire.md",
                "# Glossaire\n\n## Termes\n\n**Binôme** : la personne qui t’accompagne.\n\n**Démo** : la présentation de chaque semaine.\n",
            ),
            file(".gitbook/assets/schema.png", png),
            file(".gitbook/assets/photo.jpg", tiny_jpeg()),
            file(".gitbook/assets/charte.pdf", "%PDF-1.4 placeholder"),
        ],
        T0,
    )
}

/// An 8×8 grey baseline JPEG: one block, DC only, one-code Huffman tables.
fn tiny_jpeg() -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43, 0x00];
    jpeg.extend([1u8; 64]);
    jpeg.extend([
        0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00,
    ]);
    for class in [0x00u8, 0x10] {
        jpeg.extend([0xFF, 0xC4, 0x00, 0x14, class, 0x01]);
        jpeg.extend([0u8; 15]);
        jpeg.push(0x00);
    }
    jpeg.extend([
        0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x3F, 0xFF, 0xD9,
    ]);
    jpeg
}

#[test]
fn every_construct_is_laid_out_checked_and_linked() {
    let fixture = every_construct();
    let out = tempfile::tempdir().expect("as the tools and fixtures give it");
    let pdf = Pdf::open(build_pdf(fixture.path(), out.path()), 20.0);
    // `LIVRET_KEEP_PDF=dir` keeps the PDF, to look at it.
    if let Some(dir) = std::env::var_os("LIVRET_KEEP_PDF") {
        std::fs::copy(&pdf.path, Path::new(&dir).join("every-construct.pdf"))
            .expect("as the tools and fixtures give it");
    }
    let book = fixture.load("HEAD").book;
    assert_qpdf_clean(&pdf);
    assert_fonts_embedded(&pdf);
    assert_paragraphs(&pdf, &book);
    assert_links(&pdf, &book);
    assert_contents_and_outline(&pdf);

    let text = pdf.body_text(1, pdf.pages().len());
    for words in [
        "Information",
        "Succès",
        "Avertissement",
        "Danger",
        "Premier onglet",
        "Second onglet",
        "Étape 1",
        "Étape 2",
        "Plus de détails",
        "[image : Une image absente]",
        "La légende du schéma",
        "Les blocs",
        "Annexes",
        "E = mc^2",
    ] {
        assert!(text.contains(words), "no {words:?} in the PDF");
    }
    // Emoji are left out, never drawn as boxes; the rest of the title stays.
    let cover = pdf.page_text(1);
    assert!(
        cover.contains("Guide de test") && !cover.contains('🧪'),
        "{cover}"
    );
    assert!(
        cover.contains("Révision") && cover.contains("1er mars 2024"),
        "{cover}"
    );
    // The cover image, the PNG and the JPEG figures are drawn.
    let images = tool("pdfimages", &["-list"], &pdf.path);
    assert!(
        images.lines().filter(|l| l.contains(" image ")).count() >= 3,
        "{images}"
    );
    assert!(images.contains("jpeg"), "{images}");
    // The long table is split across pages with its header repeated.
    let pages_with_header: Vec<usize> = (1..=pdf.pages().len())
        .filter(|&n| {
            let t = pdf.page_text(n);
            t.contains("Description longue") && t.contains("Étape 4")
        })
        .collect();
    let pages_with_rows: Vec<usize> = (1..=pdf.pages().len())
        .filter(|&n| pdf.page_text(n).contains("assez longue pour"))
        .collect();
    assert!(pages_with_rows.len() >= 2, "{pages_with_rows:?}");
    for n in &pages_with_rows {
        assert!(
            pdf.page_text(*n).contains("Description longue"),
            "page {n} has rows of the table but not its header"
        );
    }
    assert!(!pages_with_header.is_empty());
    // Metadata from the settings and the commit.
    let info = info(&pdf);
    assert_eq!(info_field(&info, "Title"), "Guide de test");
    assert_eq!(info_field(&info, "Author"), "Alice Martin");
    assert_eq!(info_field(&info, "CreationDate"), "2024-03-01T09:00:00Z");
    // External links are URI actions.
    let uris: Vec<String> = pdf.links().into_iter().filter_map(|l| l.uri).collect();
    assert!(
        uris.contains(&"https://example.org/page".to_owned()),
        "{uris:?}"
    );
    assert!(
        uris.contains(&"https://www.example.org/videos/42".to_owned()),
        "{uris:?}"
    );
}

#[test]
fn no_widow_or_orphan_lines() {
    let fixture = every_construct();
    let out = tempfile::tempdir().expect("as the tools and fixtures give it");
    let pdf = Pdf::open(build_pdf(fixture.path(), out.path()), 20.0);
    let (_, h) = pdf.size();
    let pages = pdf.words();
    let mut breaks_inside_paragraphs = 0;
    // The long page's paragraphs start with "Paragraphe N." and end with "mal.".
    for (index, page) in pages.iter().enumerate() {
        let mut lines: Vec<(f64, String)> = Vec::new();
        for w in page
            .iter()
            .filter(|w| w.y0 > pdf.margin && w.y1 < h - pdf.margin)
        {
            match lines.iter_mut().find(|(y, _)| (*y - w.y0).abs() < 1.0) {
                Some(line) => {
                    line.1.push(' ');
                    line.1.push_str(&w.text);
                }
                None => lines.push((w.y0, w.text.clone())),
            }
        }
        lines.sort_by(|a, b| a.0.total_cmp(&b.0));
        let texts: Vec<&str> = lines.iter().map(|l| l.1.as_str()).collect();
        if texts.iter().filter(|t| t.starts_with("Paragraphe")).count() == 0 {
            continue;
        }
        let continues = |t: &str| !t.starts_with("Paragraphe") && !t.starts_with("Tableaux");
        if texts.len() >= 2 && continues(texts[0]) && index > 0 {
            breaks_inside_paragraphs += 1;
            assert!(
                !texts[1].starts_with("Paragraphe"),
                "page {} starts with a widow: {:?}",
                index + 1,
                texts[0]
            );
        }
        if let Some(last) = texts.last() {
            assert!(
                !last.starts_with("Paragraphe") || last.ends_with("mal."),
                "page {} ends with an orphan: {last:?}",
                index + 1
            );
        }
    }
    assert!(
        breaks_inside_paragraphs > 0,
        "no page break fell inside a paragraph: the test proves nothing"
    );
}

#[test]
fn the_same_revision_gives_the_same_bytes_and_a5_is_an_option() {
    let fixture = every_construct();
    let (first, second) = (
        tempfile::tempdir().expect("as the tools and fixtures give it"),
        tempfile::tempdir().expect("as the tools and fixtures give it"),
    );
    let a = std::fs::read(build_pdf(fixture.path(), first.path()))
        .expect("as the tools and fixtures give it");
    let b = std::fs::read(build_pdf(fixture.path(), second.path()))
        .expect("as the tools and fixtures give it");
    assert!(a == b, "two builds of the same revision differ");

    fixture.commit(
        &[file(
            "livret.yaml",
            "title: Petit format\npdf:\n  page_size: A5\n  margin_mm: 12\n",
        )],
        "A5",
        T0 + DAY,
    );
    let third = tempfile::tempdir().expect("as the tools and fixtures give it");
    let pdf = Pdf::open(build_pdf(fixture.path(), third.path()), 12.0);
    let info = info(&pdf);
    assert!(
        info_field(&info, "Page size").starts_with("419.5"),
        "{info}"
    );
    assert_qpdf_clean(&pdf);
    let book = fixture.load("HEAD").book;
    assert_paragraphs(&pdf, &book);
    assert_contents_and_outline(&pdf);
}

#[test]
fn characters_no_font_has_are_left_out_with_one_counting_diagnostic() {
    let fixture = Fixture::with(
        &[
            file("SUMMARY.md", "* [Accueil](README.md)\n"),
            file(
                "README.md",
                "# \u{1F99C} Perroquets \u{1F99C}\n\nUn texte ordinaire.\n",
            ),
        ],
        T0,
    );
    let out = tempfile::tempdir().unwrap();
    let run = fixture.run(&[
        "build",
        "--format",
        "pdf",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("warning[missing-glyphs]").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 character(s)"), "{}", run.stderr);
    let text = tool("pdftotext", &["-layout"], &out.path().join("book.pdf"));
    assert!(
        text.contains("Perroquets") && !text.contains('\u{1F99C}'),
        "{text}"
    );
}
