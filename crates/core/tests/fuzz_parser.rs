//! Property tests of the parser on generated GitBook-flavoured Markdown mixed with arbitrary text and bytes.
//!
//! `parse_page` and the whole `load` (decoding included) must never panic, must return in bounded
//! time, must put every diagnostic on a line of the file it names, and must leave no script, event
//! handler or `javascript:` URL in the model. CI runs a fixed, deterministic number of cases; a
//! longer run (the seed changes what is generated):
//!
//! ```sh
//! LIVRET_FUZZ_CASES=200000 LIVRET_FUZZ_SEED=7 cargo test --release -p livret-core --test fuzz_parser -- --nocapture
//! ```

use git2::build::TreeUpdateBuilder;
use livret_core::{load, parse_page, BookIndex, Library, LoadOptions};
use livret_model::Diagnostic;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestRunner};
use std::collections::HashMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Cases of `parse_page` per run unless `LIVRET_FUZZ_CASES` says otherwise.
const DEFAULT_CASES: u32 = 384;
/// One case of `load` for this many cases of `parse_page` (a commit and a load each).
const LOAD_RATIO: u32 = 8;
/// A case taking longer than this is a hang. Generous: debug builds on a busy 2-core machine.
const CASE_LIMIT: Duration = Duration::from_secs(20);

/// Where the pages and includes of the generated books live.
const PAGE: &str = "page.md";
const INCLUDE: &str = ".gitbook/includes/a.md";

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not `{value}`")),
        Err(_) => default,
    }
}

fn cases() -> u32 {
    env_number("LIVRET_FUZZ_CASES", u64::from(DEFAULT_CASES)) as u32
}

/// Deterministic: a fixed seed and algorithm, nothing persisted between runs.
fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(env_number("LIVRET_FUZZ_SEED", 0x11_7e_e7)),
        max_shrink_iters: 2048,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------------
// The grammar.
// ---------------------------------------------------------------------------------------------

/// Attribute values and link targets: plausible, hostile and arbitrary.
fn value() -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "",
            "info",
            "warning",
            "danger",
            "success",
            "https://example.org/x?a=1&b=\"2\"",
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "vbscript:x",
            "data:text/html,<script>alert(1)</script>",
            "//evil.example/x",
            "../../../etc/passwd",
            "/etc/passwd",
            "file:///etc/passwd",
            "autre.md",
            "page.md#titre",
            "#titre",
            "dossier/",
            ".gitbook/includes/a.md",
            "page.md",
            "/reusable-content/x",
            ".gitbook/assets/schema.png",
            "broken-reference",
            "%00%2e%2e/%2e%2e/",
            "é\u{301}",
        ])
        .prop_map(str::to_owned),
        1 => "[^\"\n]{0,16}",
        1 => any::<String>().prop_map(|s| s.chars().take(24).collect()),
    ]
    .boxed()
}

/// Short text for titles, paragraphs and cells.
fn words() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "Bienvenue",
            "Nos valeurs",
            "💫 Emoji 👩‍👩‍👧 titre",
            "**gras** et _italique_ `code`",
            "lien [ici](autre.md) et ![img](.gitbook/assets/schema.png)",
            "&#x20;&#xNAN;\\_ \\",
            "Déjà vu √© ‚Äô Ã© â€™",
            "<mark style=\"color:red;\">marqué</mark>",
            "$$x^2$$",
            "[^1] note",
            "<a href=\"#x\" id=\"x\"></a>",
            "{% %}",
            "{%",
            "%}",
            "{%}",
            "{%%}",
            "{%- hint -%}",
            "{% hint style=\"info\" %}inline{% endhint %}",
            "\\{% hint %}",
        ])
        .prop_map(str::to_owned),
        1 => "[a-zA-Z0-9 <>&\"'{}%#*_`\\[\\]()!|\\\\-]{0,24}",
        1 => any::<String>().prop_map(|s| s.chars().take(32).collect()),
    ]
    .boxed()
}

/// One fragment of a page: a GitBook tag, a Markdown construct, raw HTML or noise.
fn fragment() -> BoxedStrategy<String> {
    let v = value;
    let w = words;
    prop_oneof![
        // GitBook's {% %} blocks, open and end tags generated separately so they nest any way.
        v().prop_map(|s| format!("{{% hint style=\"{s}\" %}}")),
        Just("{% endhint %}".to_owned()),
        Just("{% tabs %}".to_owned()),
        Just("{% endtabs %}".to_owned()),
        w().prop_map(|s| format!("{{% tab title=\"{s}\" %}}")),
        Just("{% endtab %}".to_owned()),
        v().prop_map(|s| format!("{{% content-ref url=\"{s}\" %}}\n[x]({s})\n{{% endcontent-ref %}}")),
        v().prop_map(|s| format!("{{% content-ref url=\"{s}\" %}}")),
        Just("{% endcontent-ref %}".to_owned()),
        v().prop_map(|s| format!("{{% page-ref page=\"{s}\" %}}")),
        (v(), w()).prop_map(|(s, c)| format!("{{% embed url=\"{s}\" %}}\n{c}\n{{% endembed %}}")),
        v().prop_map(|s| format!("{{% embed url=\"{s}\" %}}")),
        v().prop_map(|s| format!("{{% include \"{s}\" %}}")),
        v().prop_map(|s| format!("{{% file src=\"{s}\" %}}")),
        Just("{% endfile %}".to_owned()),
        Just("{% stepper %}".to_owned()),
        Just("{% step %}".to_owned()),
        Just("{% endstep %}".to_owned()),
        Just("{% endstepper %}".to_owned()),
        Just("{% columns %}\n{% column %}\na\n{% endcolumn %}".to_owned()),
        Just("{% endcolumns %}".to_owned()),
        w().prop_map(|s| format!("{{% code title=\"{s}\" lineNumbers=\"true\" %}}")),
        Just("{% endcode %}".to_owned()),
        v().prop_map(|s| format!("{{% swagger src=\"{s}\" path=\"/x\" method=\"get\" %}}")),
        w().prop_map(|s| format!("{{% {s} %}}")),
        w().prop_map(|s| format!("{{% end{s} %}}")),
        // Raw HTML, hostile or not.
        w().prop_map(|s| format!("<details>\n<summary>{s}</summary>\n")),
        Just("</details>".to_owned()),
        (v(), w()).prop_map(|(s, c)| format!("<figure><img src=\"{s}\" alt=\"{c}\"><figcaption><p>{c}</p></figcaption></figure>")),
        Just("<script>alert(1)</script>".to_owned()),
        Just("<SCRIPT SRC=//x.example/x.js></SCRIPT>".to_owned()),
        Just("<scr<script>ipt>alert(1)</script>".to_owned()),
        v().prop_map(|s| format!("<img src=\"{s}\" onerror=\"alert(1)\">")),
        Just("<img src=x onerror=alert(1)//>".to_owned()),
        Just("<div onclick=\"x()\"><p onload=\"y()\">t</p></div>".to_owned()),
        Just("<svg onload=alert(1)><script>alert(2)</script></svg>".to_owned()),
        Just("<iframe src=\"javascript:alert(1)\"></iframe>".to_owned()),
        v().prop_map(|s| format!("<a href=\"{s}\">lien</a>")),
        Just("<a href=\"java&#x09;script:alert(1)\">x</a>".to_owned()),
        Just("<!-- commentaire <script> -->".to_owned()),
        Just("<table data-view=\"cards\"><thead><tr><th></th><th data-hidden data-card-target data-type=\"content-ref\"></th></tr></thead><tbody><tr><td>a</td><td><a href=\"javascript:x\">b</a></td></tr></tbody></table>".to_owned()),
        // Markdown.
        (1..=7usize, w()).prop_map(|(n, s)| format!("{} {s}", "#".repeat(n))),
        w().prop_map(|s| format!("# {s} <a href=\"#ancre\" id=\"ancre\"></a>")),
        w().prop_map(|s| format!("**{s}**")),
        (v(), w()).prop_map(|(s, c)| format!("[{c}]({s})")),
        (v(), w()).prop_map(|(s, c)| format!("![{c}]({s} \"t\")")),
        w().prop_map(|s| format!("* {s}\n  * {s}\n    1. {s}")),
        w().prop_map(|s| format!("- [ ] {s}\n- [x] {s}")),
        w().prop_map(|s| format!("> {s}\n> > {s}")),
        w().prop_map(|s| format!("| a | b |\n|:-|-:|\n| {s} | {s} |")),
        w().prop_map(|s| format!("| a |\n| {s} | extra | cells |")),
        w().prop_map(|s| format!("```js\n{s}\n```")),
        w().prop_map(|s| format!("```\n{s}")),
        w().prop_map(|s| format!("~~~~\n{{% hint %}}\n{s}\n~~~~")),
        w().prop_map(|s| format!("    indented {s}")),
        w().prop_map(|s| format!("$$\n{s}\n$$")),
        w().prop_map(|s| format!("[^1]: {s}")),
        Just("***".to_owned()),
        Just("---".to_owned()),
        w().prop_map(|s| format!("---\ndescription: {s}\nhidden: true\n---")),
        Just("---\n: : [ {\n---".to_owned()),
        w(),
        w(),
        // Noise: control characters, NUL, BOM, CR, lone surrogates' replacement, emoji.
        prop::sample::select(vec![
            "\0", "\u{feff}", "\r", "\r\n", "\t", "\u{fffd}", "\u{200b}", "\u{202e}", "🏳️‍🌈", "\u{7f}",
        ])
        .prop_map(str::to_owned),
        any::<String>().prop_map(|s| s.chars().take(64).collect()),
        // Nesting far deeper than any real page.
        (
            prop::sample::select(vec![
                "> ",
                "  ",
                "* ",
                "1. ",
                "{% hint style=\"info\" %}\n",
                "{% tabs %}\n{% tab title=\"t\" %}\n",
                "<details>\n<summary>s</summary>\n\n",
                "[",
                "**",
                "{% include \"page.md\" %}\n",
            ]),
            1..400usize,
            w()
        )
            .prop_map(|(prefix, n, s)| format!("{}{s}", prefix.repeat(n))),
    ]
    .boxed()
}

/// A page: fragments joined by line breaks (or not), sometimes with a front matter or a BOM first.
fn page_text() -> impl Strategy<Value = String> {
    let separator = prop::sample::select(vec!["\n", "\n\n", "", " ", "\r\n", "\n\n\n", "\n  "]);
    (
        prop::sample::select(vec![
            "",
            "",
            "",
            "---\n",
            "\u{feff}",
            "---\ntitle: x\n---\n",
        ]),
        prop::collection::vec((fragment(), separator), 0..48),
    )
        .prop_map(|(start, parts)| {
            let mut text = start.to_owned();
            for (fragment, separator) in parts {
                text.push_str(&fragment);
                text.push_str(separator);
            }
            text
        })
}

/// The bytes of a file: a page's text, sometimes with invalid UTF-8 spliced in, or arbitrary bytes.
fn page_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => page_text().prop_map(String::into_bytes),
        2 => (
            page_text(),
            prop::collection::vec((any::<prop::sample::Index>(), prop::collection::vec(any::<u8>(), 1..4)), 1..6)
        )
            .prop_map(|(text, splices)| {
                let mut bytes = text.into_bytes();
                for (at, noise) in splices {
                    let at = at.index(bytes.len() + 1);
                    bytes.splice(at..at, noise);
                }
                bytes
            }),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

// ---------------------------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------------------------

/// Number of lines of a text, as diagnostics count them (a lone CR counts, as decoding makes it one).
fn line_count(text: &[u8]) -> u32 {
    let breaks = text.iter().filter(|&&b| b == b'\n').count()
        + text
            .windows(2)
            .filter(|w| w[0] == b'\r' && w[1] != b'\n')
            .count()
        + usize::from(text.last() == Some(&b'\r'));
    breaks as u32 + 1
}

/// Runs `work` on its own thread: a panic or a run longer than [`CASE_LIMIT`] fails the case.
fn bounded<T: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, TestCaseError> {
    let (send, receive) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(format!("fuzz {what}"))
        .stack_size(8 * 1024 * 1024)
        .spawn(move || {
            let result = work();
            let _ = send.send(());
            result
        })
        .map_err(|error| TestCaseError::fail(format!("could not start a thread: {error}")))?;
    match receive.recv_timeout(CASE_LIMIT) {
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => worker.join().map_err(|payload| {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            TestCaseError::fail(format!("{what} panicked: {message}"))
        }),
        // The thread is left running: the test fails anyway.
        Err(mpsc::RecvTimeoutError::Timeout) => Err(TestCaseError::fail(format!(
            "{what} took longer than {CASE_LIMIT:?}"
        ))),
    }
}

/// Every diagnostic names a file it can point into and a line that file has.
fn check_lines(
    diagnostics: &[Diagnostic],
    lines: &HashMap<&str, u32>,
) -> Result<(), TestCaseError> {
    for diagnostic in diagnostics {
        let Some(line) = diagnostic.line else {
            continue;
        };
        let path = diagnostic.path.as_deref().unwrap_or("");
        let Some(&count) = lines.get(path) else {
            continue;
        };
        prop_assert!(
            (1..=count).contains(&line),
            "`{}` on line {line} of {path}, which has {count} lines: {}",
            diagnostic.code,
            diagnostic.message
        );
    }
    Ok(())
}

/// No script, event handler or `javascript:` URL in raw HTML; external links only to safe schemes.
fn check_sanitized(model: &serde_json::Value) -> Result<(), TestCaseError> {
    match model {
        serde_json::Value::Object(map) => {
            if map.get("type").and_then(|t| t.as_str()) == Some("html") {
                let html = map.get("html").and_then(|h| h.as_str()).unwrap_or("");
                check_tags(html)?;
            }
            if map.get("kind").and_then(|k| k.as_str()) == Some("external") {
                let url = map.get("url").and_then(|u| u.as_str()).unwrap_or("");
                let url = url.to_lowercase();
                prop_assert!(
                    ["http:", "https:", "mailto:", "tel:", "ftp:"]
                        .iter()
                        .any(|scheme| url.starts_with(scheme)),
                    "unsafe external URL `{url}`"
                );
            }
            map.values().try_for_each(check_sanitized)
        }
        serde_json::Value::Array(items) => items.iter().try_for_each(check_sanitized),
        _ => Ok(()),
    }
}

/// Sanitized HTML escapes `<` in text, so every `<…>` left is a tag: none may run anything. Text
/// that merely reads `javascript:` is harmless and allowed.
fn check_tags(html: &str) -> Result<(), TestCaseError> {
    let lower = html.to_lowercase();
    for tag in lower.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or(tag);
        let (name, attributes) = tag_attributes(tag);
        prop_assert!(
            !["script", "iframe", "object", "embed", "style"].contains(&name),
            "a `<{name}>` tag left in raw HTML: {html}"
        );
        for (attribute, value) in attributes {
            prop_assert!(
                !attribute.starts_with("on"),
                "event handler `{attribute}` left in raw HTML: {html}"
            );
            // Browsers ignore whitespace and control characters inside a URL's scheme.
            let value: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect();
            for scheme in ["javascript:", "vbscript:", "data:text/html"] {
                prop_assert!(
                    !value.starts_with(scheme),
                    "`{scheme}` URL left in raw HTML: {html}"
                );
            }
        }
    }
    Ok(())
}

/// The name and the attributes (name, value) of a tag's inside, `a href="x" title=y`.
fn tag_attributes(tag: &str) -> (&str, Vec<(&str, &str)>) {
    let tag = tag.trim_start_matches('/');
    let end = tag
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(tag.len());
    let (name, mut rest) = tag.split_at(end);
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            break;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let attribute = &rest[..end];
        rest = rest[end..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (quote, body) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => (Some(q), &after[1..]),
                _ => (None, after),
            };
            let end = match quote {
                Some(q) => body.find(q).unwrap_or(body.len()),
                None => body.find(char::is_whitespace).unwrap_or(body.len()),
            };
            value = &body[..end];
            rest = &body[(end + usize::from(quote.is_some())).min(body.len())..];
        }
        attributes.push((attribute, value));
    }
    (name, attributes)
}

#[test]
fn the_sanitizing_check_sees_what_would_run() {
    for bad in [
        "<script>x</script>",
        "<img src=\"x\" onerror=\"alert(1)\">",
        "<p class=a onclick=x>t</p>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a title=\"t\" href=' java\tscript:x'>x</a>",
        "<IFRAME src=x></IFRAME>",
    ] {
        assert!(check_tags(bad).is_err(), "{bad} should be caught");
    }
    for good in [
        "<p>javascript:alert(1) onclick=x is only text</p>",
        "<a href=\"https://example.org/javascript:\" title=\"x onclick=y\">x</a>",
        "<details open><summary>s</summary></details>",
    ] {
        assert!(check_tags(good).is_ok(), "{good} is harmless");
    }
}

fn index() -> BookIndex {
    let mut index = BookIndex {
        readme: "README.md".to_owned(),
        ..BookIndex::default()
    };
    for page in ["README.md", PAGE, "autre.md", "dossier/README.md"] {
        index.pages.insert(page.to_owned());
    }
    for file in [".gitbook/assets/schema.png", INCLUDE] {
        index.files.insert(file.to_owned(), file.to_owned());
    }
    index
}

/// One case of `parse_page`: a page and an include, both generated.
fn parse_case(page: String, include: String) -> Result<(), TestCaseError> {
    let (diagnostics, sections, model) = bounded("parse_page", {
        let (page, include) = (page.clone(), include.clone());
        move || {
            let index = index();
            // The page can include itself, the include, or an include of itself.
            let texts = HashMap::from([
                (PAGE.to_owned(), page.clone()),
                (INCLUDE.to_owned(), include),
            ]);
            let library = Library {
                index: &index,
                texts: &texts,
            };
            let parsed = parse_page(PAGE, &page, Some("Titre"), &library);
            let sections: Vec<u32> = parsed.page.all_sections().iter().map(|s| s.line).collect();
            let model = serde_json::to_value(&parsed.page);
            (
                parsed.diagnostics,
                sections,
                model.map_err(|e| e.to_string()),
            )
        }
    })?;
    let model =
        model.map_err(|e| TestCaseError::fail(format!("the page does not serialize: {e}")))?;
    let page_lines = line_count(page.as_bytes());
    let lines = HashMap::from([
        (PAGE, page_lines),
        (INCLUDE, line_count(include.as_bytes())),
    ]);
    check_lines(&diagnostics, &lines)?;
    for line in sections {
        prop_assert!(
            (1..=page_lines).contains(&line),
            "a section on line {line} of {page_lines}"
        );
    }
    check_sanitized(&model)
}

#[test]
fn parse_page_survives_generated_gitbook_markdown() {
    let cases = cases();
    let mut runner = TestRunner::new(config(cases));
    let start = Instant::now();
    let strategy = (page_text(), page_text());
    let result = runner.run(&strategy, |(page, include)| parse_case(page, include));
    if let Err(failure) = result {
        panic!("{failure}");
    }
    eprintln!(
        "fuzz_parser: parse_page: {cases} generated pages in {:.1?} (seed {})",
        start.elapsed(),
        runner.config().rng_seed
    );
}

// ---------------------------------------------------------------------------------------------
// The whole load, from Git objects: decoding (BOM, CRLF, invalid UTF-8, binary), SUMMARY, links.
// ---------------------------------------------------------------------------------------------

/// One repository for every case: each case is a new commit, loaded by its id.
struct Repo {
    dir: tempfile::TempDir,
    repo: git2::Repository,
}

impl Repo {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let repo = git2::Repository::init(dir.path()).expect("git init");
        Repo { dir, repo }
    }

    /// A commit (with no parent, on no branch) holding `files`; returns its id.
    fn commit(&self, files: &[(&str, &[u8])]) -> String {
        let empty = self
            .repo
            .treebuilder(None)
            .expect("tree builder")
            .write()
            .expect("empty tree");
        let base = self.repo.find_tree(empty).expect("empty tree");
        let mut update = TreeUpdateBuilder::new();
        for (path, bytes) in files {
            let blob = self.repo.blob(bytes).expect("blob");
            update.upsert(*path, blob, git2::FileMode::Blob);
        }
        let tree = update.create_updated(&self.repo, &base).expect("tree");
        let tree = self.repo.find_tree(tree).expect("tree");
        let signature = git2::Signature::new(
            "Fuzz",
            "fuzz@example.org",
            &git2::Time::new(1_709_283_600, 0),
        )
        .expect("signature");
        self.repo
            .commit(None, &signature, &signature, "fuzz", &tree, &[])
            .expect("commit")
            .to_string()
    }
}

fn load_case(
    repo: &Repo,
    page: Vec<u8>,
    include: Vec<u8>,
    summary: Vec<u8>,
) -> Result<(), TestCaseError> {
    let commit = repo.commit(&[
        ("SUMMARY.md", &summary),
        ("README.md", b"# Accueil\n\n[page](page.md)\n"),
        (PAGE, &page),
        (INCLUDE, &include),
    ]);
    let options = LoadOptions {
        repository: repo.dir.path().to_owned(),
        revision: commit,
        root: None,
    };
    let loaded = bounded("load", move || load(&options).map(|loaded| loaded.book))?;
    let book = loaded.map_err(|error| TestCaseError::fail(format!("load failed: {error}")))?;
    let lines = HashMap::from([
        (PAGE, line_count(&page)),
        (INCLUDE, line_count(&include)),
        ("SUMMARY.md", line_count(&summary)),
    ]);
    check_lines(&book.diagnostics, &lines)?;
    let model = serde_json::to_value(&book)
        .map_err(|e| TestCaseError::fail(format!("the book does not serialize: {e}")))?;
    check_sanitized(&model)
}

/// A SUMMARY: the usual one, or one generated like a page.
fn summary_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => Just(b"# Sommaire\n\n* [Accueil](README.md)\n* [Page](page.md)\n".to_vec()),
        1 => page_bytes().prop_map(|bytes| {
            let mut summary = b"# Sommaire\n\n* [Page](page.md)\n".to_vec();
            summary.extend(bytes);
            summary
        }),
    ]
}

#[test]
fn load_survives_generated_files_from_git() {
    let cases = (cases() / LOAD_RATIO).max(16);
    let repo = Repo::new();
    let mut runner = TestRunner::new(config(cases));
    let start = Instant::now();
    let strategy = (page_bytes(), page_bytes(), summary_bytes());
    let result = runner.run(&strategy, |(page, include, summary)| {
        load_case(&repo, page, include, summary)
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    eprintln!(
        "fuzz_parser: load: {cases} generated books in {:.1?} (seed {})",
        start.elapsed(),
        runner.config().rng_seed
    );
}
