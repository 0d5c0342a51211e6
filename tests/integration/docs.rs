//! What the README says about the code stays true: its table of diagnostics, and imports that
//! go one way (no circle among any crate's modules; Cargo already forbids one among crates).

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

/// The top-level modules of a crate's `src` and the sibling modules each one names through
/// `crate::` (its tests left out: they may use anything).
fn module_imports(src: &std::path::Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(src).expect("src folder").flatten() {
        let path = entry.path();
        let name = path.file_stem().map(|n| n.to_string_lossy().into_owned());
        match name {
            Some(name) if path.extension().is_some_and(|e| e == "rs") => files.push((name, path)),
            Some(name) if path.join("mod.rs").is_file() => files.push((name, path.join("mod.rs"))),
            _ => {}
        }
    }
    files.retain(|(name, _)| name != "lib" && name != "main");
    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    let ident = |text: &str| -> String {
        text.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    files
        .iter()
        .map(|(name, path)| {
            let text = std::fs::read_to_string(path).expect("a source file");
            let text = text
                .split("#[cfg(test)]\nmod tests")
                .next()
                .unwrap_or(&text);
            let mut used = Vec::new();
            for after in text.split("crate::").skip(1) {
                let heads: Vec<String> = match after.strip_prefix('{') {
                    Some(group) => group
                        .split('}')
                        .next()
                        .unwrap_or_default()
                        .split(',')
                        .map(|item| ident(item.trim()))
                        .collect(),
                    None => vec![ident(after)],
                };
                for head in heads {
                    if head != *name && names.contains(&head) && !used.contains(&head) {
                        used.push(head);
                    }
                }
            }
            (name.clone(), used)
        })
        .collect()
}

/// A circle of imports among the modules, if there is one, as `a -> b -> a`.
fn circle(graph: &std::collections::BTreeMap<String, Vec<String>>) -> Option<String> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, Vec<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<String> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle.join(" -> "));
        }
        if !done.insert(node.to_owned()) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = std::collections::BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_another_in_a_circle() {
    let root = livret_tests::workspace_root();
    let mut checked = 0;
    for group in ["crates", "exporters"] {
        for entry in std::fs::read_dir(root.join(group))
            .expect("a folder")
            .flatten()
        {
            let src = entry.path().join("src");
            if !src.is_dir() {
                continue;
            }
            let graph = module_imports(&src);
            assert_eq!(
                circle(&graph),
                None,
                "imports in a circle in {}",
                src.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} crates found");
    // The check sees a circle when there is one.
    let mut graph = std::collections::BTreeMap::new();
    graph.insert("a".to_owned(), vec!["b".to_owned()]);
    graph.insert("b".to_owned(), vec!["c".to_owned()]);
    graph.insert("c".to_owned(), vec!["a".to_owned()]);
    assert_eq!(circle(&graph).as_deref(), Some("a -> b -> c -> a"));
}
