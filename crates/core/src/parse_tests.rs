//! One test per GitBook construct and writer artefact, on small pages.

use super::*;
use livret_model::{Alignment, Target, XRef};

fn index() -> BookIndex {
    let mut index = BookIndex {
        readme: "README.md".to_owned(),
        ..BookIndex::default()
    };
    for page in ["README.md", "page.md", "autre.md", "dossier/README.md"] {
        index.pages.insert(page.to_owned());
    }
    for file in [
        ".gitbook/assets/schema.png",
        ".gitbook/assets/guide.pdf",
        ".gitbook/includes/contacts.md",
        ".gitbook/includes/boucle.md",
    ] {
        index.files.insert(file.to_owned(), file.to_owned());
    }
    index
}

fn parse_with(text: &str, texts: &HashMap<String, String>) -> (Page, Vec<Diagnostic>) {
    let index = index();
    let library = Library {
        index: &index,
        texts,
    };
    let parsed = parse_page("page.md", text, Some("Titre du sommaire"), &library);
    (parsed.page, parsed.diagnostics)
}

fn parse(text: &str) -> (Page, Vec<Diagnostic>) {
    parse_with(text, &HashMap::new())
}

/// The page's blocks, intro and sections flattened, for constructs that do not start sections.
fn blocks(text: &str) -> Vec<Block> {
    let (page, diagnostics) = parse(text);
    assert!(
        diagnostics
            .iter()
            .all(|d| d.severity != livret_model::Severity::Error),
        "{diagnostics:#?}"
    );
    let mut out = page.intro.clone();
    for section in page.all_sections() {
        out.extend(section.blocks.clone());
    }
    out
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn text(s: &str) -> Inline {
    Inline::Text { text: s.to_owned() }
}

fn paragraph(s: &str) -> Block {
    Block::Paragraph {
        content: vec![text(s)],
    }
}

#[test]
fn title_comes_from_the_first_heading_else_the_summary() {
    assert_eq!(parse("# 💫 Bienvenue\n\nTexte").0.title, "💫 Bienvenue");
    assert_eq!(parse("Texte sans titre").0.title, "Titre du sommaire");
}

#[test]
fn front_matter_known_and_unknown_keys() {
    let (page, diagnostics) = parse("---\ndescription: Pour commencer\nhidden: true\nicon: rocket\nlayout:\n  title:\n    visible: true\nautre: 3\n---\n\n# T\n");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        page.front_matter.description.as_deref(),
        Some("Pour commencer")
    );
    assert!(page.front_matter.hidden);
    assert_eq!(page.front_matter.icon.as_deref(), Some("rocket"));
    assert!(page.front_matter.layout.is_some());
    assert_eq!(
        page.front_matter.other.get("autre"),
        Some(&Value::Number(3.0))
    );
    assert_eq!(page.title, "T");
}

#[test]
fn front_matter_that_is_not_yaml_is_an_error_with_its_line() {
    let (page, diagnostics) = parse("---\ndescription: [pas fermé\n---\n# T\n");
    assert_eq!(codes(&diagnostics), ["front-matter"]);
    assert_eq!(page.title, "T");
}

#[test]
fn sections_from_headings_and_bold_titles() {
    let (page, _) = parse("# Valeurs\n\nIntro\n\n## Partie <a href=\"#mon-ancre\" id=\"mon-ancre\"></a>\n\n### Un\n\nTexte\n\n**Deux : le titre**\n\nTexte deux\n\n## Autre partie\n");
    assert_eq!(page.intro, vec![paragraph("Intro")]);
    let part = &page.sections[0];
    assert_eq!(
        (part.anchor.as_str(), part.level, part.line),
        ("mon-ancre", 2, 5)
    );
    let one = &part.children[0];
    assert_eq!(
        (one.anchor.as_str(), one.level, one.style),
        ("un", 3, SectionStyle::Heading)
    );
    let two = &one.children[0];
    assert_eq!(
        (two.anchor.as_str(), two.level, two.style),
        ("deux-le-titre", 4, SectionStyle::BoldTitle)
    );
    assert_eq!(two.blocks, vec![paragraph("Texte deux")]);
    assert_eq!(page.sections[1].anchor, "autre-partie");
}

#[test]
fn repeated_headings_get_unique_anchors() {
    let (page, _) = parse("## Exemple\n\n## Exemple\n");
    let anchors: Vec<_> = page.sections.iter().map(|s| s.anchor.as_str()).collect();
    assert_eq!(anchors, ["exemple", "exemple-1"]);
}

#[test]
fn hints_of_every_style_with_icon() {
    let found = blocks("{% hint style=\"danger\" icon=\"fire\" %}\nAttention **fort**\n{% endhint %}\n\n{% hint style=\"success\" %}\nBien\n{% endhint %}");
    let Block::Hint {
        style,
        icon,
        blocks,
    } = &found[0]
    else {
        panic!("{found:?}")
    };
    assert_eq!((*style, icon.as_deref()), (HintStyle::Danger, Some("fire")));
    assert_eq!(
        blocks[0],
        Block::Paragraph {
            content: vec![
                text("Attention "),
                Inline::Strong {
                    content: vec![text("fort")]
                }
            ]
        }
    );
    assert!(matches!(
        found[1],
        Block::Hint {
            style: HintStyle::Success,
            ..
        }
    ));
}

#[test]
fn content_ref_and_legacy_page_ref() {
    let found = blocks("{% content-ref url=\"autre.md\" %}\n[Autre page](autre.md)\n{% endcontent-ref %}\n\n{% page-ref page=\"dossier/\" %}");
    let Block::ContentRef { target, label } = &found[0] else {
        panic!()
    };
    assert_eq!(
        target.target,
        Target::Page {
            path: "autre.md".to_owned(),
            anchor: None
        }
    );
    assert_eq!(label, &vec![text("Autre page")]);
    let Block::ContentRef { target, label } = &found[1] else {
        panic!()
    };
    assert_eq!(
        target.target,
        Target::Page {
            path: "dossier/README.md".to_owned(),
            anchor: None
        }
    );
    assert!(label.is_empty());
}

#[test]
fn a_broken_content_ref_is_reported_once() {
    let (_, diagnostics) =
        parse("{% content-ref url=\"absent.md\" %}\n[absent.md](absent.md)\n{% endcontent-ref %}");
    assert_eq!(codes(&diagnostics), ["broken-link"]);
    assert_eq!(diagnostics[0].line, Some(1));
}

#[test]
fn embeds_with_and_without_end_tags() {
    let found = blocks("{% embed url=\"https://video.example/1\" %}\n\n{% embed url=\"https://video.example/2\" fullWidth=\"true\" %}\nUne vidéo\n{% endembed %}");
    let Block::Embed {
        url,
        caption,
        full_width,
    } = &found[0]
    else {
        panic!()
    };
    assert_eq!(
        (url.raw.as_str(), caption.is_empty(), *full_width),
        ("https://video.example/1", true, false)
    );
    let Block::Embed {
        caption,
        full_width,
        ..
    } = &found[1]
    else {
        panic!()
    };
    assert_eq!((caption, *full_width), (&vec![text("Une vidéo")], true));
}

#[test]
fn files_point_at_assets() {
    let found = blocks("{% file src=\".gitbook/assets/guide.pdf\" %}\nLe guide\n{% endfile %}");
    let Block::File { target, caption } = &found[0] else {
        panic!()
    };
    assert_eq!(
        target.target,
        Target::Asset {
            path: ".gitbook/assets/guide.pdf".to_owned()
        }
    );
    assert_eq!(caption, &vec![text("Le guide")]);
}

#[test]
fn tabs_steppers_and_columns() {
    let found = blocks("{% tabs %}\n{% tab title=\"Mac\" %}\nUn\n{% endtab %}\n{% tab title=\"Linux\" %}\n{% hint style=\"info\" %}\nDeux\n{% endhint %}\n{% endtab %}\n{% endtabs %}\n\n{% stepper %}\n{% step %}\n### Étape\nFaire\n{% endstep %}\n{% step %}\nFinir\n{% endstep %}\n{% endstepper %}\n\n{% columns %}\n{% column width=\"50%\" %}\nA\n{% endcolumn %}\n{% column %}\nB\n{% endcolumn %}\n{% endcolumns %}");
    let Block::Tabs { tabs } = &found[0] else {
        panic!()
    };
    assert_eq!(
        tabs.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(),
        ["Mac", "Linux"]
    );
    assert!(matches!(tabs[1].blocks[0], Block::Hint { .. }));
    let Block::Stepper { steps } = &found[1] else {
        panic!()
    };
    assert_eq!(steps.len(), 2);
    assert!(matches!(&steps[0][0], Block::Heading { level: 3, anchor, .. } if anchor == "étape"));
    let Block::Columns { columns } = &found[2] else {
        panic!()
    };
    assert_eq!(columns, &vec![vec![paragraph("A")], vec![paragraph("B")]]);
}

#[test]
fn code_with_title_and_tags_inside_code_are_text() {
    let found = blocks("{% code title=\"exemple.sh\" overflow=\"wrap\" lineNumbers=\"true\" %}\n```bash\necho '{% hint %}'\n```\n{% endcode %}");
    assert_eq!(
        found[0],
        Block::Code {
            language: Some("bash".to_owned()),
            title: Some("exemple.sh".to_owned()),
            text: "echo '{% hint %}'\n".to_owned(),
            line_numbers: true,
            wrap: true
        }
    );
}

#[test]
fn details_with_markdown_and_hint_inside() {
    let found = blocks("<details>\n\n<summary>Pourquoi <strong>ça</strong> ?</summary>\n\nParce que.\n\n{% hint style=\"warning\" %}\nAttention\n{% endhint %}\n\n</details>");
    let Block::Details { summary, blocks } = &found[0] else {
        panic!("{found:?}")
    };
    assert_eq!(summary, &vec![text("Pourquoi ça ?")]);
    assert_eq!(blocks[0], paragraph("Parce que."));
    assert!(matches!(
        blocks[1],
        Block::Hint {
            style: HintStyle::Warning,
            ..
        }
    ));
}

#[test]
fn figures_and_inline_images() {
    let found = blocks("<figure><img src=\".gitbook/assets/schema.png\" alt=\"Schéma\" width=\"188\"><figcaption><p>Le schéma</p></figcaption></figure>\n\nIcône <img src=\".gitbook/assets/schema.png\" alt=\"i\" data-size=\"line\"> ici");
    let Block::Figure { image, caption } = &found[0] else {
        panic!("{found:?}")
    };
    assert_eq!(
        image.source.target,
        Target::Asset {
            path: ".gitbook/assets/schema.png".to_owned()
        }
    );
    assert_eq!(
        (image.alt.as_str(), image.width.as_deref()),
        ("Schéma", Some("188"))
    );
    assert_eq!(caption, &vec![text("Le schéma")]);
    let Block::Paragraph { content } = &found[1] else {
        panic!()
    };
    assert!(matches!(
        &content[1],
        Inline::Image {
            inline_size: true,
            ..
        }
    ));
}

#[test]
fn marks_keep_their_colours() {
    let found = blocks("Un <mark style=\"color:red;background-color:$primary\">mot</mark> marqué");
    let Block::Paragraph { content } = &found[0] else {
        panic!()
    };
    assert_eq!(
        content[1],
        Inline::Mark {
            color: Some("red".to_owned()),
            background: Some("$primary".to_owned()),
            content: vec![text("mot")]
        }
    );
}

#[test]
fn card_tables() {
    let found = blocks("<table data-view=\"cards\"><thead><tr><th></th><th data-hidden data-card-target data-type=\"content-ref\"></th></tr></thead><tbody><tr><td><strong>Valeurs</strong></td><td><a href=\"autre.md\">autre.md</a></td></tr></tbody></table>");
    let Block::CardTable { cards, .. } = &found[0] else {
        panic!("{found:?}")
    };
    assert_eq!(cards[0].cells, vec![vec![text("Valeurs")]]);
    assert_eq!(
        cards[0].target.as_ref().map(|x| &x.target),
        Some(&Target::Page {
            path: "autre.md".to_owned(),
            anchor: None
        })
    );
}

#[test]
fn lists_tasks_quotes_tables_breaks() {
    let found = blocks("* un\n- deux\n\n3. trois\n4. quatre\n   * imbriqué\n\n- [x] fait\n- [ ] à faire\n\n> Citation\n\n| A | B |\n|:--|--:|\n| 1 | 2 |\n\n---\n");
    assert!(matches!(&found[0], Block::List { start: None, items } if items.len() == 1));
    let Block::List { start, items } = &found[2] else {
        panic!("{found:?}")
    };
    assert_eq!(*start, Some(3));
    assert!(matches!(items[1].blocks[1], Block::List { .. }));
    let Block::List { items, .. } = &found[3] else {
        panic!()
    };
    assert_eq!((items[0].task, items[1].task), (Some(true), Some(false)));
    assert_eq!(
        found[4],
        Block::Quote {
            blocks: vec![paragraph("Citation")]
        }
    );
    let Block::Table {
        alignments,
        header,
        rows,
    } = &found[5]
    else {
        panic!()
    };
    assert_eq!(alignments, &vec![Alignment::Left, Alignment::Right]);
    assert_eq!(
        (header[0].clone(), rows[0][1].clone()),
        (vec![text("A")], vec![text("2")])
    );
    assert_eq!(found[6], Block::ThematicBreak);
}

#[test]
fn math_and_footnotes() {
    let found = blocks("$$E = mc^2$$\n\nVoir $x$ et la note[^1].\n\n[^1]: La note.");
    assert_eq!(
        found[0],
        Block::Math {
            tex: "E = mc^2".to_owned()
        }
    );
    let Block::Paragraph { content } = &found[1] else {
        panic!()
    };
    assert!(content.contains(&Inline::Math {
        tex: "x".to_owned()
    }));
    assert!(content.contains(&Inline::FootnoteReference {
        label: "1".to_owned()
    }));
    assert_eq!(
        found[2],
        Block::FootnoteDefinition {
            label: "1".to_owned(),
            blocks: vec![paragraph("La note.")]
        }
    );
}

#[test]
fn includes_are_resolved_and_cycles_stopped() {
    let mut texts = HashMap::new();
    texts.insert(
        ".gitbook/includes/contacts.md".to_owned(),
        "---\ntitle: Contacts\n---\n\nÉcrire à l’équipe.\n".to_owned(),
    );
    texts.insert(
        ".gitbook/includes/boucle.md".to_owned(),
        "Avant\n\n{% include \"boucle.md\" %}\n".to_owned(),
    );
    let (page, diagnostics) = parse_with("{% include \".gitbook/includes/contacts.md\" %}\n\n{% include \".gitbook/includes/boucle.md\" %}\n\n{% include \"/reusable-content/abc\" %}", &texts);
    let Block::Include {
        resolved: true,
        blocks,
        ..
    } = &page.intro[0]
    else {
        panic!()
    };
    assert_eq!(blocks, &vec![paragraph("Écrire à l’équipe.")]);
    let Block::Include {
        resolved: true,
        blocks,
        ..
    } = &page.intro[1]
    else {
        panic!()
    };
    assert!(matches!(
        &blocks[1],
        Block::Include {
            resolved: false,
            ..
        }
    ));
    assert!(matches!(
        &page.intro[2],
        Block::Include {
            resolved: false,
            ..
        }
    ));
    assert_eq!(codes(&diagnostics), ["include-missing", "include-missing"]);
    assert_eq!(
        diagnostics[0].path.as_deref(),
        Some(".gitbook/includes/boucle.md")
    );
}

#[test]
fn links_mentions_and_broken_references() {
    let (page, diagnostics) = parse("[Autre](autre.md \"mention\"), [site](https://a.fr), [perdu](broken-reference), [ici](#local)");
    let Block::Paragraph { content } = &page.intro[0] else {
        panic!()
    };
    assert!(matches!(
        &content[0],
        Inline::Link {
            mention: true,
            title: None,
            ..
        }
    ));
    assert!(matches!(
        &content[2],
        Inline::Link {
            target: XRef {
                target: Target::External { .. },
                ..
            },
            ..
        }
    ));
    assert!(matches!(
        &content[4],
        Inline::Link {
            target: XRef {
                target: Target::Broken { .. },
                ..
            },
            ..
        }
    ));
    assert_eq!(codes(&diagnostics), ["broken-link"]);
    assert_eq!(diagnostics[0].line, Some(1));
}

#[test]
fn writer_artefacts_are_cleaned() {
    let found = blocks(
        "Fin de ligne&#x20;\nsuite\\\naprès coupure&#xNAN;\n\n\\\n\nun\\_deux et \\[crochets\\]\n",
    );
    assert_eq!(
        found,
        vec![
            Block::Paragraph {
                content: vec![
                    text("Fin de ligne suite"),
                    Inline::LineBreak,
                    text("après coupure")
                ]
            },
            paragraph("un_deux et [crochets]"),
        ]
    );
}

#[test]
fn broken_structure_is_reported_and_kept() {
    let (page, diagnostics) = parse("{% hint style=\"info\" %}\nSans fin\n\n{% endtabs %}\n{% inconnu %}\nTexte\n{% hint style=\"violet\" %}\nx\n{% endhint %}");
    assert_eq!(
        codes(&diagnostics),
        [
            "stray-end-tag",
            "unknown-tag",
            "unclosed-tag",
            "malformed-attribute"
        ]
    );
    let Block::Hint { blocks, .. } = &page.intro[0] else {
        panic!()
    };
    assert_eq!(blocks[0], paragraph("Sans fin"));
    assert_eq!(blocks[1], paragraph("Texte"));
}

#[test]
fn raw_html_is_sanitized() {
    let found = blocks("<div onclick=\"vol()\"><script>alert(1)</script><p>Reste</p></div>");
    let Block::Html { html } = &found[0] else {
        panic!("{found:?}")
    };
    assert!(
        html.contains("Reste") && !html.contains("script") && !html.contains("onclick"),
        "{html}"
    );
}

#[test]
fn nesting_thousands_deep_is_flattened_not_fatal() {
    let quotes = format!("{}fond\n", "> ".repeat(5000));
    let lists: String = (0..3000)
        .map(|depth| format!("{}- niveau\n", "  ".repeat(depth)))
        .collect();
    let hints = format!(
        "{}texte\n{}",
        "{% hint style=\"info\" %}\n".repeat(3000),
        "{% endhint %}\n".repeat(3000)
    );
    for text in [quotes, lists, hints] {
        let (page, diagnostics) = parse(&text);
        assert!(
            codes(&diagnostics).contains(&"too-deep"),
            "{:?}",
            codes(&diagnostics)
        );
        assert!(
            page.plain_text().contains("fond")
                || page.plain_text().contains("niveau")
                || page.plain_text().contains("texte")
        );
        // The model can be walked and serialized.
        assert!(!format!("{page:?}").is_empty());
    }
}
