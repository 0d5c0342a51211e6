//! Broken and hostile handbooks: livret reports, goes on where it can, never panics or hangs, and
//! nothing from the source can run in a reader's EPUB or a site that embeds the feed.

use livret_tests::*;
use std::path::Path;
use std::time::{Duration, Instant};

const SUMMARY: &str =
    "# Sommaire\n\n* [Accueil](README.md)\n* [Piège](piege.md)\n* [Saine](saine.md)\n";
/// The most memory a build of any of these handbooks may take.
const MEMORY_BOUND_MIB: f64 = 1024.0;
const HEALTHY: &str = "# Page saine\n\nCe texte doit survivre à tout le reste.\n";

/// Builds every format from a book whose `piege.md` is `trap`; checks the run ended normally, in
/// bounded time, with outputs holding the healthy page. Returns the run and the output folder.
fn survive(trap: &[u8], extra: &[Change]) -> (Run, tempfile::TempDir) {
    let mut files = vec![
        file("SUMMARY.md", SUMMARY),
        file("README.md", "# Accueil\n\nBienvenue.\n"),
        file("piege.md", trap),
        file("saine.md", HEALTHY),
    ];
    // An extra file replaces the default one at the same path.
    files.retain(|base| extra.iter().all(|change| change.path != base.path));
    files.extend(extra.iter().cloned());
    let fixture = Fixture::with(&files, T0);
    let out = tempfile::tempdir().expect("temporary folder");
    let start = Instant::now();
    let check = fixture.run(&["check"]);
    let (build, peak_mib) = run_with_peak(&[
        "build".as_ref(),
        "--out".as_ref(),
        out.path().as_os_str(),
        "--repo".as_ref(),
        fixture.path().as_os_str(),
    ]);
    let took = start.elapsed();
    // A 10 MB page takes about 350 MiB; a YAML bomb or a huge image must not take more.
    assert!(peak_mib < MEMORY_BOUND_MIB, "peak memory {peak_mib:.0} MiB");
    for run in [&check, &build] {
        assert!(
            matches!(run.code, 0 | 1),
            "exit {} (a crash?):\n{}",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    assert!(took < Duration::from_secs(120), "took {took:?}");
    for name in ["book.pdf", "book.epub", "book.json", "feed.json"] {
        assert!(
            out.path().join(name).exists(),
            "{name} missing:\n{}",
            build.stderr
        );
    }
    let feed = std::fs::read_to_string(out.path().join("feed.json")).expect("feed.json");
    assert!(
        feed.contains("Ce texte doit survivre"),
        "the healthy page is lost"
    );
    assert_nothing_runs(out.path());
    (build, out)
}

/// No script, event handler or `javascript:` URL in the feed's HTML or the EPUB's documents.
fn assert_nothing_runs(out: &Path) {
    let feed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("feed.json")).expect("feed.json"))
            .expect("feed.json is JSON");
    let mut html = String::new();
    for item in feed["items"].as_array().expect("items") {
        html.push_str(item["content_html"].as_str().unwrap_or(""));
    }
    html.push_str(&epub_text(&out.join("book.epub"), ".xhtml"));
    let html = html.to_lowercase();
    for forbidden in [
        "<script",
        "javascript:",
        "onerror=",
        "onclick=",
        "onload=",
        "<iframe",
        "/etc/passwd",
    ] {
        assert!(!html.contains(forbidden), "`{forbidden}` reached an output");
    }
}

#[test]
fn unclosed_stray_and_misnested_tags() {
    let trap = "# Piège\n\n{% hint style=\"info\" %}\nouvert\n{% tabs %}\n{% tab title=\"A\" %}\n{% endhint %}\n{% endtabs %}\n{% endtab %}\n{% inconnu %}\n{% embed url=\"https://a %}\n{%\n";
    let (run, _) = survive(trap.as_bytes(), &[]);
    for code in [
        "unclosed-tag",
        "stray-end-tag",
        "unknown-tag",
        "malformed-attribute",
    ] {
        assert!(
            run.stderr.contains(code),
            "{code} not reported:\n{}",
            run.stderr
        );
    }
}

#[test]
fn a_ten_megabyte_page_and_nesting_thousands_deep() {
    let mut trap = String::from("# Piège\n\n");
    trap.push_str(&"> ".repeat(3000));
    trap.push_str("fond\n\n");
    trap.push_str(&"{% hint style=\"info\" %}\n".repeat(2000));
    trap.push_str(&"{% endhint %}\n".repeat(2000));
    let paragraph =
        "Une phrase ordinaire qui se répète pour faire une page énorme, avec des accents. ";
    while trap.len() < 10 * 1024 * 1024 {
        trap.push_str(paragraph);
        if trap.len() % 4096 < paragraph.len() {
            trap.push_str("\n\n");
        }
    }
    let (run, _) = survive(trap.as_bytes(), &[]);
    assert!(run.stderr.contains("too-deep"), "{}", run.stderr);
}

#[test]
fn binary_invalid_utf8_nul_crlf_bom_and_mojibake() {
    let (run, _) = survive(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01", &[]);
    assert!(run.stderr.contains("binary-file"), "{}", run.stderr);
    let (run, _) = survive(b"# Pi\xe8ge\n\nTexte \xff\xfe cass\xe9.\n", &[]);
    assert!(run.stderr.contains("invalid-utf8"), "{}", run.stderr);
    survive("\u{feff}# Piège\r\n\r\nLigne\r\nsuite\r\n".as_bytes(), &[]);
    let (run, _) = survive("# Pi√®ge\n\nD√©j√† vu.\n".as_bytes(), &[]);
    assert!(run.stderr.contains("mojibake"), "{}", run.stderr);
}

#[test]
fn broken_summary_redirects_and_includes() {
    let summary = "# Sommaire\n\n* [Accueil](README.md)\n* [Piège](piege.md)\n* [Encore](piege.md)\n* [Absente](absente.md)\n* [Saine](saine.md)\n  * [Boucle](README.md)\n";
    let trap = "# Piège\n\n{% include \"piege.md\" %}\n\n[boucle](boucle-a) et [dehors](../../../etc/passwd) ![image](/etc/passwd)\n";
    let gitbook = "redirects:\n  boucle-a: boucle-b.md\n  boucle-b: boucle-a.md\n";
    let (run, _) = survive(
        trap.as_bytes(),
        &[file("SUMMARY.md", summary), file(".gitbook.yaml", gitbook)],
    );
    for code in [
        "duplicate-entry",
        "missing-page",
        "include-missing",
        "broken-link",
    ] {
        assert!(
            run.stderr.contains(code),
            "{code} not reported:\n{}",
            run.stderr
        );
    }
}

#[test]
fn hostile_html_svg_and_images() {
    let trap = "# Piège\n\n<script>alert(1)</script>\n\n<img src=\"x\" onerror=\"alert(2)\">\n\n<a href=\"javascript:alert(3)\">lien</a> [md](javascript:alert(4))\n\n<iframe src=\"https://mal.example\"></iframe>\n\n<div onclick=\"vol()\"><p onload=\"x()\">texte</p></div>\n\n![svg](.gitbook/assets/mal.svg) ![png](.gitbook/assets/casse.png) ![gros](.gitbook/assets/gros.png)\n";
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(5)\"><script>alert(6)</script></svg>";
    // A valid PNG header announcing a 100,000 x 100,000 image (40 GB decoded), then nothing.
    let mut header = b"IHDR".to_vec();
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(b"\x08\x06\0\0\0");
    let mut huge = b"\x89PNG\r\n\x1a\n\0\0\0\x0d".to_vec();
    huge.extend_from_slice(&header);
    huge.extend_from_slice(&crc32(&header).to_be_bytes());
    let (run, _) = survive(
        trap.as_bytes(),
        &[
            file(".gitbook/assets/mal.svg", svg),
            file(".gitbook/assets/casse.png", b"\x89PNG\r\n\x1a\ngarbage"),
            file(".gitbook/assets/gros.png", huge),
        ],
    );
    for image in ["casse.png", "gros.png"] {
        assert!(
            run.stderr.contains("warning[unreadable-image]")
                && run.stderr.contains(&format!(".gitbook/assets/{image}")),
            "{image} not reported:\n{}",
            run.stderr
        );
    }
}

/// CRC-32 of a PNG chunk (type and data), as the format requires.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn front_matter_bombs_and_non_yaml() {
    let bomb = "---\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n---\n# Piège\n";
    survive(bomb.as_bytes(), &[]);
    let deep = format!(
        "---\ndescription: {}x{}\n---\n# Piège\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    survive(deep.as_bytes(), &[]);
    let (run, _) = survive(b"---\n: : : [ {\n\t- x\n---\n# Pi\xc3\xa8ge\n", &[]);
    assert!(run.stderr.contains("front-matter"), "{}", run.stderr);
}
