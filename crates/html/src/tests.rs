use super::*;
use livret_model::{FrontMatter, SectionStyle};
use livret_text::url::{has_scheme, SAFE_SCHEMES};

struct TestLinks;

impl Links for TestLinks {
    fn href(&self, xref: &XRef) -> Option<String> {
        match &xref.target {
            Target::Page { path, anchor } => Some(format!(
                "https://site.test/{}{}",
                path.trim_end_matches(".md"),
                anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default()
            )),
            Target::Asset { path } => Some(format!("https://site.test/assets/{path}")),
            Target::External { url } => Some(url.clone()),
            Target::Broken { .. } => None,
        }
    }

    fn image_src(&self, xref: &XRef) -> Option<String> {
        match &xref.target {
            Target::Asset { path } => Some(format!("images/{path}")),
            Target::External { url } => Some(url.clone()),
            _ => None,
        }
    }

    fn page_title(&self, path: &str) -> Option<String> {
        (path == "autre.md").then(|| "Autre page".to_owned())
    }
}

/// Answers whatever it is told to, to check the renderer's own checks.
struct Hostile(&'static str);

impl Links for Hostile {
    fn href(&self, _: &XRef) -> Option<String> {
        Some(self.0.to_owned())
    }
    fn image_src(&self, _: &XRef) -> Option<String> {
        Some(self.0.to_owned())
    }
    fn page_title(&self, _: &str) -> Option<String> {
        None
    }
}

fn assert_well_formed(fragment: &str) {
    let document = format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{fragment}</div>");
    if let Err(error) = roxmltree::Document::parse(&document) {
        panic!("not well-formed ({error}): {fragment}");
    }
}

fn text(s: &str) -> Inline {
    Inline::Text { text: s.to_owned() }
}

fn para(s: &str) -> Block {
    Block::Paragraph {
        content: vec![text(s)],
    }
}

fn xref(raw: &str, target: Target) -> XRef {
    XRef {
        raw: raw.to_owned(),
        target,
    }
}

fn page(path: &str) -> XRef {
    xref(
        path,
        Target::Page {
            path: path.to_owned(),
            anchor: None,
        },
    )
}

fn asset(path: &str) -> XRef {
    xref(
        path,
        Target::Asset {
            path: path.to_owned(),
        },
    )
}

fn external(url: &str) -> XRef {
    xref(
        url,
        Target::External {
            url: url.to_owned(),
        },
    )
}

fn broken(raw: &str) -> XRef {
    xref(
        raw,
        Target::Broken {
            reason: "missing".to_owned(),
        },
    )
}

fn image(source: XRef, alt: &str) -> Image {
    Image {
        source,
        alt: alt.to_owned(),
        width: None,
    }
}

fn english() -> Options {
    Options {
        language: Language::English,
        ..Options::default()
    }
}

fn render_with(blocks: Vec<Block>, options: &Options) -> String {
    let html = render_blocks(&blocks, &TestLinks, options);
    assert_well_formed(&html);
    html
}

fn render(blocks: Vec<Block>) -> String {
    render_with(blocks, &Options::default())
}

fn inline(inlines: Vec<Inline>) -> String {
    let html = render_inlines(&inlines, &TestLinks);
    assert_well_formed(&html);
    html
}

fn html(raw: &str) -> String {
    render(vec![Block::Html {
        html: raw.to_owned(),
    }])
}

// Escaping

#[test]
fn escapes_text_and_attributes() {
    assert_eq!(
        escape_text(r#"a < b & "c" > d"#),
        r#"a &lt; b &amp; "c" &gt; d"#
    );
    assert_eq!(
        escape_attribute(r#"a < b & "c" > 'd'"#),
        "a &lt; b &amp; &quot;c&quot; &gt; 'd'"
    );
    // Characters XML 1.0 forbids are dropped; others are written as UTF-8.
    assert_eq!(escape_text("a\u{0}b\u{1b}c\u{FFFF}\té ✓ 😀"), "abc\té ✓ 😀");
}

#[test]
fn escapes_text_titles_and_urls_everywhere() {
    let out = render(vec![
        para("1 < 2 & \"3\""),
        Block::Code {
            language: Some("rust".to_owned()),
            title: Some("a<b>&\"c\"".to_owned()),
            text: "if a < b && c > d {}\n".to_owned(),
            line_numbers: false,
            wrap: false,
        },
        Block::Embed {
            url: external("https://x.test/?a=1&b=\"2\"<"),
            caption: vec![],
            full_width: false,
        },
    ]);
    assert_eq!(
        out,
        "<p>1 &lt; 2 &amp; \"3\"</p>\
         <figure class=\"code\"><figcaption>a&lt;b&gt;&amp;\"c\"</figcaption>\
         <pre><code class=\"language-rust\">if a &lt; b &amp;&amp; c &gt; d {}\n</code></pre></figure>\
         <p class=\"embed\"><a href=\"https://x.test/?a=1&amp;b=&quot;2&quot;&lt;\">https://x.test/?a=1&amp;b=\"2\"&lt;</a></p>"
    );
}

// Inlines

#[test]
fn inline_formatting() {
    assert_eq!(
        inline(vec![
            text("a "),
            Inline::Emphasis {
                content: vec![text("em")]
            },
            Inline::Strong {
                content: vec![text("strong")]
            },
            Inline::Strike {
                content: vec![text("s")]
            },
            Inline::Code {
                code: "x<y".to_owned()
            },
            Inline::LineBreak,
            Inline::Math {
                tex: "a<b".to_owned()
            },
        ]),
        "a <em>em</em><strong>strong</strong><s>s</s><code>x&lt;y</code><br/><code class=\"math\">a&lt;b</code>"
    );
}

#[test]
fn marks_get_classes_from_colour_tokens() {
    let mark = |color: Option<&str>, background: Option<&str>| {
        inline(vec![Inline::Mark {
            color: color.map(str::to_owned),
            background: background.map(str::to_owned),
            content: vec![text("mot")],
        }])
    };
    assert_eq!(
        mark(Some("red"), None),
        "<mark class=\"mark-red\">mot</mark>"
    );
    assert_eq!(
        mark(Some("$Primary"), Some("$warning")),
        "<mark class=\"mark-primary mark-bg-warning\">mot</mark>"
    );
    assert_eq!(
        mark(Some("\" onclick=\"x"), None),
        "<mark class=\"mark-onclickx\">mot</mark>"
    );
    assert_eq!(mark(None, Some("$$")), "<mark>mot</mark>");
}

#[test]
fn links_titles_mentions_and_broken_links() {
    let link = |target: XRef, title: Option<&str>, mention: bool, label: &str| Inline::Link {
        target,
        title: title.map(str::to_owned),
        mention,
        content: vec![text(label)],
    };
    assert_eq!(
        inline(vec![link(
            page("autre.md"),
            Some("Voir \"ça\""),
            false,
            "ici"
        )]),
        "<a href=\"https://site.test/autre\" title=\"Voir &quot;ça&quot;\">ici</a>"
    );
    assert_eq!(
        inline(vec![link(
            xref(
                "autre.md#b",
                Target::Page {
                    path: "autre.md".to_owned(),
                    anchor: Some("b".to_owned())
                }
            ),
            None,
            false,
            "x"
        )]),
        "<a href=\"https://site.test/autre#b\">x</a>"
    );
    assert_eq!(
        inline(vec![link(
            page("autre.md"),
            Some("mention"),
            true,
            "autre.md"
        )]),
        "<a href=\"https://site.test/autre\" class=\"mention\">Autre page</a>"
    );
    assert_eq!(
        inline(vec![link(broken("perdu.md"), None, false, "perdu")]),
        "perdu"
    );
    assert_eq!(
        inline(vec![link(
            external("mailto:a@b.test"),
            None,
            false,
            "écrire"
        )]),
        "<a href=\"mailto:a@b.test\">écrire</a>"
    );
}

#[test]
fn nested_links_render_as_text() {
    let inner = Inline::Link {
        target: page("autre.md"),
        title: None,
        mention: false,
        content: vec![text("inner")],
    };
    let outer = Inline::Link {
        target: external("https://x.test"),
        title: None,
        mention: false,
        content: vec![
            inner,
            Inline::FootnoteReference {
                label: "1".to_owned(),
            },
        ],
    };
    assert_eq!(
        inline(vec![outer]),
        "<a href=\"https://x.test\">inner<sup>1</sup></a>"
    );
}

#[test]
fn unsafe_hrefs_from_links_are_refused() {
    let link = vec![Inline::Link {
        target: external("x"),
        title: None,
        mention: false,
        content: vec![text("t")],
    }];
    for bad in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>",
        "vbscript:x",
        "",
    ] {
        assert_eq!(render_inlines(&link, &Hostile(bad)), "t", "{bad:?}");
    }
    for good in [
        "https://a.test/x:y",
        "../page.html#a",
        "tel:+331",
        "?q=a:b",
        "#x",
    ] {
        assert_eq!(
            render_inlines(&link, &Hostile(good)),
            format!("<a href=\"{good}\">t</a>")
        );
    }
    let img = vec![Inline::Image {
        image: image(asset("a.png"), "alt"),
        inline_size: false,
    }];
    assert_eq!(
        render_inlines(&img, &Hostile("javascript:x")),
        "<span class=\"missing-image\">[image : alt]</span>"
    );
}

#[test]
fn inline_images_and_icons() {
    let mut sized = image(asset("a b.png"), "Un \"A\"");
    sized.width = Some("188".to_owned());
    assert_eq!(
        inline(vec![Inline::Image {
            image: sized,
            inline_size: false
        }]),
        "<img src=\"images/a b.png\" alt=\"Un &quot;A&quot;\" width=\"188\"/>"
    );
    let mut percent = image(asset("i.png"), "");
    percent.width = Some("50%".to_owned());
    assert_eq!(
        inline(vec![Inline::Image {
            image: percent,
            inline_size: true
        }]),
        "<img src=\"images/i.png\" alt=\"\" class=\"inline-icon\"/>"
    );
}

#[test]
fn footnotes() {
    assert_eq!(
        inline(vec![Inline::FootnoteReference {
            label: "1".to_owned()
        }]),
        "<sup><a href=\"#fn-1\">1</a></sup>"
    );
    assert_eq!(
        inline(vec![Inline::FootnoteReference {
            label: "note é\"".to_owned()
        }]),
        "<sup><a href=\"#fn-note.20.c3.a9.22\">note é\"</a></sup>"
    );
    assert_eq!(
        render(vec![Block::FootnoteDefinition {
            label: "a_b-1".to_owned(),
            blocks: vec![para("Texte"), para("Suite")],
        }]),
        "<aside class=\"footnote\" id=\"fn-a_b-1\"><p><sup>a_b-1</sup> Texte</p><p>Suite</p></aside>"
    );
    assert_eq!(
        render(vec![Block::FootnoteDefinition {
            label: "2".to_owned(),
            blocks: vec![Block::ThematicBreak],
        }]),
        "<aside class=\"footnote\" id=\"fn-2\"><p><sup>2</sup></p><hr/></aside>"
    );
}

// Blocks

#[test]
fn paragraphs_and_headings() {
    let heading = |level| Block::Heading {
        level,
        anchor: "titre".to_owned(),
        content: vec![text("Titre")],
    };
    assert_eq!(render(vec![para("Un")]), "<p>Un</p>");
    assert_eq!(render(vec![heading(2)]), "<h2 id=\"titre\">Titre</h2>");
    let mut options = Options {
        heading_offset: 2,
        section_ids: false,
        ..Options::default()
    };
    assert_eq!(render_with(vec![heading(3)], &options), "<h5>Titre</h5>");
    assert_eq!(render_with(vec![heading(5)], &options), "<h6>Titre</h6>");
    options.heading_offset = 255;
    assert_eq!(render_with(vec![heading(5)], &options), "<h6>Titre</h6>");
    assert_eq!(
        render(vec![Block::Heading {
            level: 0,
            anchor: String::new(),
            content: vec![text("Zéro")]
        }]),
        "<h1>Zéro</h1>"
    );
}

#[test]
fn lists_ordered_and_tasks() {
    let item = |task, s: &str| ListItem {
        task,
        blocks: vec![para(s)],
    };
    assert_eq!(
        render(vec![Block::List {
            start: None,
            items: vec![item(None, "un"), item(None, "deux")]
        }]),
        "<ul><li>un</li><li>deux</li></ul>"
    );
    assert_eq!(
        render(vec![Block::List {
            start: Some(1),
            items: vec![item(None, "un")]
        }]),
        "<ol><li>un</li></ol>"
    );
    let nested = ListItem {
        task: None,
        blocks: vec![
            para("trois"),
            Block::List {
                start: None,
                items: vec![item(None, "imbriqué")],
            },
        ],
    };
    assert_eq!(
        render(vec![Block::List {
            start: Some(3),
            items: vec![nested]
        }]),
        "<ol start=\"3\"><li>trois<ul><li>imbriqué</li></ul></li></ol>"
    );
    assert_eq!(
        render(vec![Block::List {
            start: None,
            items: vec![item(Some(true), "fait"), item(Some(false), "à faire")]
        }]),
        "<ul><li class=\"task\"><span class=\"task-box\">☑ </span>fait</li>\
         <li class=\"task\"><span class=\"task-box\">☐ </span>à faire</li></ul>"
    );
}

#[test]
fn quotes_breaks_and_math() {
    assert_eq!(
        render(vec![
            Block::Quote {
                blocks: vec![para("Citation")]
            },
            Block::ThematicBreak,
            Block::Math {
                tex: "x < \\frac{1}{2}".to_owned()
            },
        ]),
        "<blockquote><p>Citation</p></blockquote><hr/><p class=\"math\"><code>x &lt; \\frac{1}{2}</code></p>"
    );
}

#[test]
fn code_blocks() {
    assert_eq!(
        render(vec![Block::Code {
            language: None,
            title: None,
            text: "a\n".to_owned(),
            line_numbers: true,
            wrap: true,
        }]),
        "<figure class=\"code line-numbers wrap\"><pre><code>a\n</code></pre></figure>"
    );
    assert_eq!(
        render(vec![Block::Code {
            language: Some("C++ \"x\"".to_owned()),
            title: None,
            text: String::new(),
            line_numbers: false,
            wrap: false,
        }]),
        "<figure class=\"code\"><pre><code class=\"language-c++x\"></code></pre></figure>"
    );
}

#[test]
fn tables_use_alignment_classes() {
    assert_eq!(
        render(vec![Block::Table {
            alignments: vec![Alignment::Left, Alignment::None, Alignment::Right],
            header: vec![vec![text("A")], vec![text("B")], vec![text("C")]],
            rows: vec![vec![vec![text("1")], vec![], vec![text("3")], vec![text("extra")]]],
        }]),
        "<table><thead><tr><th class=\"align-left\">A</th><th>B</th><th class=\"align-right\">C</th></tr></thead>\
         <tbody><tr><td class=\"align-left\">1</td><td></td><td class=\"align-right\">3</td><td>extra</td></tr></tbody></table>"
    );
    assert_eq!(
        render(vec![Block::Table {
            alignments: vec![Alignment::Center],
            header: vec![vec![text("A")]],
            rows: vec![],
        }]),
        "<table><thead><tr><th class=\"align-center\">A</th></tr></thead></table>"
    );
}

#[test]
fn figures_and_missing_images() {
    assert_eq!(
        render(vec![Block::Figure {
            image: image(asset("a.png"), "Un & deux"),
            caption: vec![text("Légende")],
        }]),
        "<figure><img src=\"images/a.png\" alt=\"Un &amp; deux\"/><figcaption>Légende</figcaption></figure>"
    );
    let missing = || Block::Figure {
        image: image(broken("x.png"), "Schéma <1>"),
        caption: vec![],
    };
    assert_eq!(
        render(vec![missing()]),
        "<figure><span class=\"missing-image\">[image : Schéma &lt;1&gt;]</span></figure>"
    );
    assert_eq!(
        render_with(vec![missing()], &english()),
        "<figure><span class=\"missing-image\">[image: Schéma &lt;1&gt;]</span></figure>"
    );
    assert_eq!(
        inline(vec![Inline::Image {
            image: image(broken("x.png"), ""),
            inline_size: true
        }]),
        "<span class=\"missing-image\">[image]</span>"
    );
}

#[test]
fn hints_say_their_kind_in_words() {
    let hint = |style| Block::Hint {
        style,
        icon: Some("star".to_owned()),
        blocks: vec![para("Texte")],
    };
    assert_eq!(
        render(vec![hint(HintStyle::Info)]),
        "<aside class=\"hint hint-info\" role=\"note\"><p class=\"hint-kind\"><strong>Information</strong></p><p>Texte</p></aside>"
    );
    let kinds = |options: &Options| {
        [
            HintStyle::Info,
            HintStyle::Success,
            HintStyle::Warning,
            HintStyle::Danger,
        ]
        .map(|style| render_with(vec![hint(style)], options))
    };
    let french = kinds(&Options::default());
    assert!(french[1].contains("hint-success") && french[1].contains("<strong>Succès</strong>"));
    assert!(
        french[2].contains("hint-warning") && french[2].contains("<strong>Avertissement</strong>")
    );
    assert!(french[3].contains("hint-danger") && french[3].contains("<strong>Danger</strong>"));
    let english = kinds(&english());
    for (html, word) in english.iter().zip(["Info", "Success", "Warning", "Danger"]) {
        assert!(html.contains(&format!("<strong>{word}</strong>")), "{html}");
    }
}

#[test]
fn content_refs() {
    let content_ref = |target, label: &str| Block::ContentRef {
        target,
        label: if label.is_empty() {
            vec![]
        } else {
            vec![text(label)]
        },
    };
    assert_eq!(
        render(vec![content_ref(page("autre.md"), "Lire la suite")]),
        "<p class=\"content-ref\"><a href=\"https://site.test/autre\">Lire la suite</a></p>"
    );
    // No label, or the file name as label: the page's title.
    assert_eq!(
        render(vec![
            content_ref(page("autre.md"), ""),
            content_ref(page("autre.md"), "autre.md")
        ]),
        "<p class=\"content-ref\"><a href=\"https://site.test/autre\">Autre page</a></p>".repeat(2)
    );
    // GitBook's default label for a folder link is the folder's name: the page's title too.
    let folder = xref(
        "../equipe/",
        Target::Page {
            path: "autre.md".to_owned(),
            anchor: None,
        },
    );
    assert_eq!(
        render(vec![content_ref(folder, "equipe")]),
        "<p class=\"content-ref\"><a href=\"https://site.test/autre\">Autre page</a></p>"
    );
    assert_eq!(
        render(vec![content_ref(page("inconnue.md"), "")]),
        "<p class=\"content-ref\"><a href=\"https://site.test/inconnue\">inconnue.md</a></p>"
    );
    assert_eq!(
        render(vec![content_ref(broken("perdue.md"), "")]),
        "<p class=\"content-ref\">perdue.md</p>"
    );
    assert_eq!(
        render(vec![content_ref(external("https://x.test/a"), "")]),
        "<p class=\"content-ref\"><a href=\"https://x.test/a\">https://x.test/a</a></p>"
    );
}

#[test]
fn embeds_and_files() {
    assert_eq!(
        render(vec![
            Block::Embed {
                url: external("https://video.test/v"),
                caption: vec![text("Vidéo")],
                full_width: true,
            },
            Block::Embed {
                url: external("https://video.test/w"),
                caption: vec![],
                full_width: false,
            },
        ]),
        "<p class=\"embed\"><a href=\"https://video.test/v\">Vidéo</a></p>\
         <p class=\"embed\"><a href=\"https://video.test/w\">https://video.test/w</a></p>"
    );
    assert_eq!(
        render(vec![
            Block::File {
                target: asset(".gitbook/assets/Guide & co.pdf"),
                caption: vec![],
            },
            Block::File {
                target: asset("a.pdf"),
                caption: vec![text("Le guide")],
            },
            Block::File {
                target: broken("../perdu/x.pdf"),
                caption: vec![],
            },
        ]),
        "<p class=\"file\"><a href=\"https://site.test/assets/.gitbook/assets/Guide &amp; co.pdf\">Guide &amp; co.pdf</a></p>\
         <p class=\"file\"><a href=\"https://site.test/assets/a.pdf\">Le guide</a></p>\
         <p class=\"file\">x.pdf</p>"
    );
}

#[test]
fn tabs_are_titled_sections() {
    assert_eq!(
        render(vec![Block::Tabs {
            tabs: vec![
                Tab {
                    title: "Un & deux".to_owned(),
                    icon: None,
                    blocks: vec![para("A")],
                },
                Tab {
                    title: "Trois".to_owned(),
                    icon: Some("x".to_owned()),
                    blocks: vec![],
                },
            ]
        }]),
        "<div class=\"tabs\"><section class=\"tab\"><p class=\"tab-title\"><strong>Un &amp; deux</strong></p><p>A</p></section>\
         <section class=\"tab\"><p class=\"tab-title\"><strong>Trois</strong></p></section></div>"
    );
}

#[test]
fn steppers_and_columns() {
    assert_eq!(
        render(vec![
            Block::Stepper {
                steps: vec![vec![para("Un")], vec![para("Deux")]]
            },
            Block::Columns {
                columns: vec![vec![para("G")], vec![para("D")]]
            },
        ]),
        "<ol class=\"stepper\"><li><p>Un</p></li><li><p>Deux</p></li></ol>\
         <div class=\"columns\"><div class=\"column\"><p>G</p></div><div class=\"column\"><p>D</p></div></div>"
    );
}

#[test]
fn details_are_expanded() {
    assert_eq!(
        render(vec![Block::Details {
            summary: vec![text("Plus")],
            blocks: vec![para("Caché")],
        }]),
        "<section class=\"details\"><p class=\"details-summary\"><strong>Plus</strong></p><p>Caché</p></section>"
    );
    assert_eq!(
        render_with(
            vec![Block::Details {
                summary: vec![],
                blocks: vec![]
            }],
            &english()
        ),
        "<section class=\"details\"><p class=\"details-summary\"><strong>Details</strong></p></section>"
    );
}

#[test]
fn card_tables_are_lists_of_links() {
    let card = |cells: &[&str], target| Card {
        cells: cells
            .iter()
            .map(|c| if c.is_empty() { vec![] } else { vec![text(c)] })
            .collect(),
        target,
        cover: Some(asset("cover.png")),
    };
    assert_eq!(
        render(vec![Block::CardTable {
            header: vec![vec![text("Titre")]],
            cards: vec![
                card(&["Valeurs", "", "Nos valeurs"], Some(page("autre.md"))),
                card(&["Sans lien"], None),
                card(&[], Some(page("autre.md"))),
                card(&["Perdue"], Some(broken("x.md"))),
            ],
        }]),
        "<ul class=\"cards\"><li class=\"card\"><a href=\"https://site.test/autre\">Valeurs — Nos valeurs</a></li>\
         <li class=\"card\">Sans lien</li>\
         <li class=\"card\"><a href=\"https://site.test/autre\">Autre page</a></li>\
         <li class=\"card\">Perdue</li></ul>"
    );
    assert_eq!(
        render(vec![Block::CardTable {
            header: vec![],
            cards: vec![]
        }]),
        ""
    );
}

#[test]
fn includes_render_their_blocks() {
    assert_eq!(
        render(vec![
            Block::Include {
                source: "a.md".to_owned(),
                resolved: true,
                blocks: vec![para("Réutilisé")],
            },
            Block::Include {
                source: "b.md".to_owned(),
                resolved: false,
                blocks: vec![],
            },
        ]),
        "<p>Réutilisé</p>"
    );
}

// Pages

fn section(
    anchor: &str,
    level: u8,
    style: SectionStyle,
    blocks: Vec<Block>,
    children: Vec<Section>,
) -> Section {
    Section {
        anchor: anchor.to_owned(),
        level,
        style,
        title: vec![text(anchor)],
        line: 1,
        blocks,
        children,
    }
}

fn page_of(intro: Vec<Block>, sections: Vec<Section>) -> Page {
    Page {
        path: "p.md".to_owned(),
        title: "Titre de page".to_owned(),
        front_matter: FrontMatter::default(),
        intro,
        sections,
    }
}

#[test]
fn pages_render_intro_and_sections_without_title() {
    let page = page_of(
        vec![para("Intro")],
        vec![section(
            "a",
            2,
            SectionStyle::Heading,
            vec![para("A")],
            vec![section(
                "b",
                3,
                SectionStyle::BoldTitle,
                vec![para("B")],
                vec![],
            )],
        )],
    );
    assert_eq!(
        render_page(&page, &TestLinks, &Options::default()),
        "<p>Intro</p><h2 id=\"a\">a</h2><p>A</p><h3 id=\"b\">b</h3><p>B</p>"
    );
    let mut options = english();
    options.heading_offset = 1;
    options.section_ids = false;
    assert_eq!(
        render_page(&page, &TestLinks, &options),
        "<p>Intro</p><h3>a</h3><p>A</p><h4>b</h4><p>B</p>"
    );
}

#[test]
fn a_page_with_every_block_kind_is_well_formed() {
    let every = vec![
        para("Texte <&> \"q\""),
        Block::Heading {
            level: 3,
            anchor: "h".to_owned(),
            content: vec![text("H")],
        },
        Block::List {
            start: Some(2),
            items: vec![ListItem {
                task: Some(true),
                blocks: vec![para("t"), para("u")],
            }],
        },
        Block::Quote {
            blocks: vec![para("q")],
        },
        Block::Code {
            language: Some("sh".to_owned()),
            title: Some("t".to_owned()),
            text: "echo <x>".to_owned(),
            line_numbers: true,
            wrap: false,
        },
        Block::Table {
            alignments: vec![Alignment::Center],
            header: vec![vec![text("h")]],
            rows: vec![vec![vec![text("c")]]],
        },
        Block::ThematicBreak,
        Block::Figure {
            image: image(asset("a.png"), "a"),
            caption: vec![text("c")],
        },
        Block::Hint {
            style: HintStyle::Danger,
            icon: None,
            blocks: vec![para("h")],
        },
        Block::ContentRef {
            target: page("autre.md"),
            label: vec![],
        },
        Block::Embed {
            url: external("https://v.test/?a&b"),
            caption: vec![],
            full_width: false,
        },
        Block::Tabs {
            tabs: vec![Tab {
                title: "T".to_owned(),
                icon: None,
                blocks: vec![Block::Hint {
                    style: HintStyle::Info,
                    icon: None,
                    blocks: vec![para("dans un onglet")],
                }],
            }],
        },
        Block::Stepper {
            steps: vec![vec![para("s")]],
        },
        Block::Columns {
            columns: vec![vec![para("c")]],
        },
        Block::File {
            target: asset("f.pdf"),
            caption: vec![],
        },
        Block::Details {
            summary: vec![text("d")],
            blocks: vec![para("x")],
        },
        Block::CardTable {
            header: vec![],
            cards: vec![Card {
                cells: vec![vec![
                    text("c"),
                    Inline::Link {
                        target: page("autre.md"),
                        title: None,
                        mention: false,
                        content: vec![text("l")],
                    },
                ]],
                target: Some(page("autre.md")),
                cover: None,
            }],
        },
        Block::Include {
            source: "i.md".to_owned(),
            resolved: true,
            blocks: vec![para("i")],
        },
        Block::Math {
            tex: "a<b".to_owned(),
        },
        Block::FootnoteDefinition {
            label: "1".to_owned(),
            blocks: vec![para("note")],
        },
        Block::Html {
            html: "<div align=center><p>a<br>b<img src=\"https://x.test/i.png\">".to_owned(),
        },
        Block::Paragraph {
            content: vec![
                Inline::Emphasis {
                    content: vec![text("e")],
                },
                Inline::Strong {
                    content: vec![text("s")],
                },
                Inline::Strike {
                    content: vec![text("s")],
                },
                Inline::Code {
                    code: "c".to_owned(),
                },
                Inline::Mark {
                    color: Some("$primary".to_owned()),
                    background: None,
                    content: vec![text("m")],
                },
                Inline::Link {
                    target: broken("x"),
                    title: None,
                    mention: false,
                    content: vec![text("l")],
                },
                Inline::Image {
                    image: image(asset("i.png"), "i"),
                    inline_size: true,
                },
                Inline::LineBreak,
                Inline::FootnoteReference {
                    label: "1".to_owned(),
                },
                Inline::Math {
                    tex: "x".to_owned(),
                },
            ],
        },
    ];
    let page = page_of(
        every.clone(),
        vec![section(
            "s",
            2,
            SectionStyle::Heading,
            every,
            vec![section("t", 3, SectionStyle::BoldTitle, vec![], vec![])],
        )],
    );
    for options in [Options::default(), english()] {
        let out = render_page(&page, &TestLinks, &options);
        assert_well_formed(&out);
        assert!(!out.contains("style="), "{out}");
        assert!(out.contains("<h2 id=\"s\">s</h2>") && out.contains("<h3 id=\"t\">t</h3>"));
    }
}

// Raw HTML

#[test]
fn allowed_html_is_kept() {
    assert_eq!(
        html("<p>Un <b>gras</b> <a href=\"https://x.test/?a=1&amp;b=2\" rel=\"noopener noreferrer\">lien</a></p>"),
        "<p>Un <b>gras</b> <a href=\"https://x.test/?a=1&amp;b=2\">lien</a></p>"
    );
    assert_eq!(
        html("<TABLE><TR><TD colspan=\"2\" rowspan=x>a</TD></TR></TABLE><abbr title=\"a&quot;b\">AB</abbr>"),
        "<table><tr><td colspan=\"2\">a</td></tr></table><abbr title=\"a&quot;b\">AB</abbr>"
    );
    assert_eq!(
        html("<figure><img src=\"https://x.test/a.png\" alt=\"A &amp; B\" width=\"188\"><figcaption><p>L</p></figcaption></figure>"),
        "<figure><img src=\"https://x.test/a.png\" alt=\"A &amp; B\"/><figcaption><p>L</p></figcaption></figure>"
    );
}

#[test]
fn html_is_made_well_formed() {
    assert_eq!(html("a<br>b<hr>c<br/>"), "a<br/>b<hr/>c<br/>");
    assert_eq!(html("<p>un<p>deux"), "<p>un</p><p>deux</p>");
    assert_eq!(html("<ul><li>a<li>b</ul>"), "<ul><li>a</li><li>b</li></ul>");
    assert_eq!(html("<b><i>x</b>y</i>"), "<b><i>x</i></b>y");
    assert_eq!(html("</div>a</p>"), "a");
    assert_eq!(
        html("<table><tr><td>1<td>2<tr><td>3</table>"),
        "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>"
    );
    assert_eq!(
        html("<div align=\"center\"><center>C</center></div>"),
        "<div>C</div>"
    );
    assert_eq!(
        html("a &nbsp;&copy; &#x20;&#233;&#0; &unknown; & < > \" '"),
        "a \u{a0}©  é&amp;#0; &amp;unknown; &amp; &lt; &gt; \" '"
    );
    assert_eq!(
        html("<span data-gb-custom-inline data-tag=\"emoji\">😀</span>"),
        "<span>😀</span>"
    );
}

#[test]
fn hostile_html_is_neutralised() {
    let cases = [
        ("<script>alert(1)</script>ok", "ok"),
        ("<SCRIPT type=x>alert('</b>')</SCRIPT >ok", "ok"),
        ("<style>p{}</style><p>ok", "<p>ok</p>"),
        ("<body onload=\"x()\">ok", "ok"),
        (
            "<p onclick=\"x()\" style=\"color:red\" class=\"c\">ok</p>",
            "<p>ok</p>",
        ),
        ("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\" JAVASCRIPT:alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\"java&#x09;script:alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\"relative.md\">x</a>", "<a>x</a>"),
        ("<img src=x onerror=alert(1)>", ""),
        (
            "<img src=\"https://x.test/a.png\" onerror=\"alert(1)\">",
            "<img src=\"https://x.test/a.png\" alt=\"\"/>",
        ),
        ("<img src=\"javascript:x\" alt=\"texte\">", "texte"),
        ("<img src=\"data:image/png;base64,AAAA\" alt=\"d\">", "d"),
        ("a<!-- <script>x</script> -->b", "ab"),
        ("a<!-- jamais fermé <p>", "a"),
        ("a<![CDATA[<script>x</script>]]>b", "ab"),
        ("a<?php echo 1 ?>b<!DOCTYPE html>c", "abc"),
        ("<p>a<iframe src=x>b</iframe>c", "<p>ac</p>"),
        ("<svg><script>x</script></svg>ok", "ok"),
        ("<p title=\"a>b\">ok</p>", "<p>ok</p>"),
        (
            "<a href=\"https://x.test\"<b>x</b>",
            "<a href=\"https://x.test\">x</a>",
        ),
        ("<p>ok<a href=\"https://x.test", "<p>ok</p>"),
        ("<p>ok<script>never closed", "<p>ok</p>"),
        (
            "<a href=x><a href=https://y.test>y</a></a>",
            "<a></a><a href=\"https://y.test\">y</a>",
        ),
        ("1 < 2 <3 </ 4", "1 &lt; 2 &lt;3 &lt;/ 4"),
        ("<<p>>", "&lt;<p>&gt;</p>"),
        ("<é>x</é>", "&lt;é&gt;x&lt;/é&gt;"),
        ("<p \"onclick\"='x' =y>ok", "<p>ok</p>"),
    ];
    for (input, expected) in cases {
        let out = html(input);
        assert_eq!(out, expected, "{input}");
    }
}

#[test]
fn arbitrary_markup_soup_stays_well_formed() {
    const PIECES: &[&str] = &[
        "<",
        ">",
        "/",
        "</",
        "/>",
        "p",
        "a",
        "img",
        "td",
        "tr",
        "li",
        "ul",
        "script",
        "b",
        " ",
        "=",
        "\"",
        "'",
        "href",
        "src",
        "onerror",
        "javascript:",
        "https://x.test/",
        "&",
        "&amp;",
        "&#",
        "x",
        ";",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "é",
        "\u{0}",
        "table",
        "br",
        "h1",
        "h2",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..3000 {
        let mut input = String::new();
        for _ in 0..24 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            input.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
        }
        let out = html(&input);
        let document = format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{out}</div>");
        let Ok(tree) = roxmltree::Document::parse(&document) else {
            panic!("{input:?} → {out}");
        };
        for node in tree.descendants().filter(|n| n.is_element()).skip(1) {
            assert!(
                sanitize::ALLOWED.contains(&node.tag_name().name()),
                "{input:?} → {out}"
            );
            for attribute in node.attributes() {
                let (name, value) = (attribute.name(), attribute.value());
                assert!(
                    ["href", "src", "alt", "colspan", "rowspan", "title"].contains(&name),
                    "{input:?} → {out}"
                );
                if name == "href" || name == "src" {
                    assert!(has_scheme(value, SAFE_SCHEMES), "{input:?} → {out}");
                }
            }
        }
    }
}
