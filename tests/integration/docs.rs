//! The README's claims that come from code stay equal to it.

use livret_model::Code;

/// The README's table of diagnostics, as [`Code::ALL`] documents them.
fn diagnostics_table() -> String {
    let mut table = String::from("| Code | What it means | What to do |\n|---|---|---|\n");
    for code in Code::ALL {
        let (meaning, action) = code.explanation();
        table.push_str(&format!("| `{}` | {meaning} | {action} |\n", code.as_str()));
    }
    table
}

#[test]
fn the_readme_lists_every_diagnostic_code_as_the_code_documents_it() {
    let readme = std::fs::read_to_string(livret_tests::workspace_root().join("README.md"))
        .expect("README.md");
    let start = "<!-- diagnostics:start -->\n";
    let end = "<!-- diagnostics:end -->";
    let expected = format!("{start}{}{end}", diagnostics_table());
    if std::env::var_os("LIVRET_BLESS").is_some() {
        let (before, rest) = readme.split_once(start).expect("start marker");
        let (_, after) = rest.split_once(end).expect("end marker");
        let blessed = format!("{before}{expected}{after}");
        std::fs::write(livret_tests::workspace_root().join("README.md"), blessed).expect("write");
        return;
    }
    assert!(
        readme.contains(&expected),
        "the README's table of diagnostics differs from Code::ALL; run with LIVRET_BLESS=1, or paste:\n{expected}"
    );
    let mut codes: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
    let count = codes.len();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), count, "a code is listed twice");
}
