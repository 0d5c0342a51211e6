//! `livret build --format epub`: epubcheck finds nothing on the sample handbook and on fixtures
//! with every GitBook construct; the archive, opened with Python's zipfile and ElementTree, has
//! the navigation of SUMMARY, links to existing documents and ids, embedded images with their
//! media types, true metadata, and the same bytes on every build.

use livret_model::{plain_text, Book, Section, TocEntry, TocTarget};
use livret_tests::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const EPUBCHECK_JAR: &str = "/usr/share/java/epubcheck.jar";

/// A real 4×4 PNG.
const SMALL_PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x04\x00\x00\x00\x04\x08\x02\x00\x00\x00\x26\x93\x09\x29\x00\x00\x00\x10\x49\x44\x41\x54\x78\xda\x63\x38\xa1\xa1\x01\x47\x0c\xc4\x71\x00\xd1\x43\x11\x81\xa0\xd3\x6e\x64\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
/// A real 6×9 PNG, the cover.
const COVER_PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x06\x00\x00\x00\x09\x08\x02\x00\x00\x00\x9e\xf8\xca\xca\x00\x00\x00\x11\x49\x44\x41\x54\x78\xda\x63\x90\xb3\xe9\x41\x43\x0c\x83\x54\x08\x00\x1e\x7d\x30\x85\x26\x19\x7f\x82\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

const SETTINGS: &str = "title: Guide des briques\nsubtitle: Chaque construction de GitBook, une fois\nauthor: Camille Martin\norganisation: La Fabrique d’essai\nlanguage: fr\nbase_url: https://guide.example.org/\npdf:\n  cover_image: .gitbook/assets/couverture.png\n";

const SUMMARY: &str = "# Table of contents

* [Accueil](README.md)

## Les briques

* [Blocs GitBook](briques/README.md)
  * [Contenus riches](briques/riches.md)
  * [Liens et renvois](briques/liens.md)

## Outils

* [Messagerie](outils/messagerie.md)
  * [Page cachée](outils/cachee.md)
* [Site de la Fabrique](https://fabrique.example.org)

***

* [Annexe](annexe.md)
";

const README: &str = "---
description: Un guide qui essaie chaque brique, une par une.
---

# Accueil

Bienvenue dans le **guide**. Commence par les [onglets](briques/riches.md#onglets) ou par le [dossier des briques](briques/).

## Premiers pas

Lis les pages dans l’ordre.
";

const BLOCKS: &str = "# Blocs GitBook

{% hint style=\"info\" %}
Une information utile.
{% endhint %}

{% hint style=\"success\" %}
Une réussite à fêter.
{% endhint %}

{% hint style=\"warning\" %}
Un avertissement à lire.
{% endhint %}

{% hint style=\"danger\" %}
Un danger à éviter.
{% endhint %}

## Étapes

{% stepper %}
{% step %}
### Préparer

Allumer le poste.
{% endstep %}

{% step %}
### Terminer

Éteindre le poste.
{% endstep %}
{% endstepper %}

## Détails

<details>

<summary>Pourquoi des détails ?</summary>

Parce que certains sujets sont longs.

</details>
";

const RICH: &str = "# Contenus riches

## Onglets

{% tabs %}
{% tab title=\"Sur Mac\" %}
Ouvrir le Finder.
{% endtab %}

{% tab title=\"Sur Linux\" %}
{% hint style=\"info\" %}
Ouvrir un terminal.
{% endhint %}
{% endtab %}
{% endtabs %}

## Figures et images

<figure><img src=\"../.gitbook/assets/schema.png\" alt=\"Schéma de l’équipe\" width=\"188\"><figcaption><p>Le schéma de l’équipe</p></figcaption></figure>

Une image distante : ![Logo distant](https://images.example.org/logo.png)

Une image absente : ![Plan du bureau](../.gitbook/assets/plan-absent.png)

Un dessin vectoriel : ![Dessin du bureau](../.gitbook/assets/dessin.svg)

## Vidéos et fichiers

{% embed url=\"https://video.example.org/rentree\" %}
La présentation de rentrée
{% endembed %}

{% file src=\"../.gitbook/assets/charte.pdf\" %}
La charte à signer
{% endfile %}

## Cartes

<table data-view=\"cards\"><thead><tr><th></th><th data-hidden data-card-target data-type=\"content-ref\"></th></tr></thead><tbody><tr><td><strong>Liens</strong></td><td><a href=\"liens.md\">liens.md</a></td></tr><tr><td><strong>Accueil</strong></td><td><a href=\"../README.md\">../README.md</a></td></tr></tbody></table>

## Code et formules

{% code title=\"installer.sh\" lineNumbers=\"true\" %}
```bash
echo \"bonjour\"
```
{% endcode %}

$$E = mc^2$$

Voir $x$ et la note[^1].

[^1]: Une note de bas de page.

## Tableaux et listes

| Outil | Usage |
|:--|--:|
| Messagerie | Discuter |

- [x] Lire le guide
- [ ] Signer la charte

Un <mark style=\"color:red;background-color:$primary\">mot important</mark> à retenir.

<div align=\"center\"><p>Un texte centré.</p><script>alert(\"piège\")</script></div>
";

const LINKS: &str = "# Liens et renvois

Les [onglets](riches.md#onglets), le [dossier](../briques/), l’[ancienne messagerie](../ancienne/messagerie) et [plus bas](#en-bas).

Un [lien perdu](broken-reference), une [page absente](absente.md) et [le schéma](../.gitbook/assets/schema.png).

Une mention : [riches.md](riches.md \"mention\"). Un [site](https://www.example.org/page).

{% content-ref url=\"../outils/messagerie.md\" %}
[Messagerie](../outils/messagerie.md)
{% endcontent-ref %}

## En bas

Fin des liens.
";

const MESSAGING: &str = "# Messagerie

## Canaux

Les canaux de l’équipe.

## Canaux

Un second titre identique.
";

/// The fixture with every construct: settings, redirects, a hidden page, assets.
pub(crate) fn constructs() -> Fixture {
    Fixture::with(
        &[
            file("livret.yaml", SETTINGS),
            file(
                ".gitbook.yaml",
                "redirects:\n  ancienne/messagerie: outils/messagerie.md\n",
            ),
            file("SUMMARY.md", SUMMARY),
            file("README.md", README),
            file("briques/README.md", BLOCKS),
            file("briques/riches.md", RICH),
            file("briques/liens.md", LINKS),
            file("outils/messagerie.md", MESSAGING),
            file(
                "outils/cachee.md",
                "---\nhidden: true\n---\n\n# Page cachée\n\nRetour à la [messagerie](messagerie.md#canaux).\n",
            ),
            file("annexe.md", "# Annexe\n\nLa fin du guide.\n"),
            file(".gitbook/assets/schema.png", SMALL_PNG),
            file(".gitbook/assets/couverture.png", COVER_PNG),
            file(
                ".gitbook/assets/dessin.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            ),
            file(".gitbook/assets/charte.pdf", "%PDF-1.4\n% pas un vrai PDF\n"),
        ],
        T0,
    )
}

/// Builds the EPUB of `repository` into a new folder; returns the folder and the file.
fn build_epub(repository: &Path) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().expect("temporary folder");
    let run = run({
        let mut command = livret();
        command
            .args(["build", "--format", "epub", "--out"])
            .arg(out.path())
            .arg("--repo")
            .arg(repository);
        command
    });
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    let epub = out.path().join("book.epub");
    assert!(epub.is_file(), "no book.epub; stderr:\n{}", run.stderr);
    (out, epub)
}

/// Runs EPUBCheck and fails on any fatal, error or warning, printing them.
fn assert_epubcheck_clean(epub: &Path) {
    validators_python(); // installs epubcheck when it is missing
    let output = Command::new("java")
        .args(["-jar", EPUBCHECK_JAR])
        .arg(epub)
        .output()
        .expect("run java -jar epubcheck.jar");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let problems: Vec<&str> = text
        .lines()
        .filter(|line| {
            line.starts_with("ERROR") || line.starts_with("WARNING") || line.starts_with("FATAL")
        })
        .collect();
    let counts: Vec<u64> = text
        .lines()
        .find_map(|line| line.strip_prefix("Messages: "))
        .unwrap_or_else(|| panic!("no `Messages:` line from epubcheck:\n{text}"))
        .split('/')
        .map(|part| {
            part.split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(u64::MAX)
        })
        .collect();
    assert!(
        problems.is_empty() && counts.len() == 4 && counts[..3] == [0, 0, 0],
        "epubcheck on {}: {counts:?} (fatals, errors, warnings, infos)\n{}\n\n{text}",
        epub.display(),
        problems.join("\n")
    );
}

/// The archive read by Python's zipfile and ElementTree (an independent XML parser), as JSON.
const READ_EPUB: &str = r#"
import json, posixpath, sys, zipfile
from urllib.parse import unquote, urlsplit
import xml.etree.ElementTree as ET

X = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NAMES = {"http://purl.org/dc/elements/1.1/": "dc:", "http://www.idpf.org/2007/opf": "opf:"}

def qname(tag):
    if not tag.startswith("{"):
        return tag
    ns, _, local = tag[1:].partition("}")
    return NAMES.get(ns, ns + ":") + local

def prose(e):
    out = []
    def walk(el):
        if el.tag in (X + "code", X + "pre"):
            return
        out.append(el.text or "")
        for child in el:
            walk(child)
            out.append(child.tail or "")
    walk(e)
    return " ".join("".join(out).split())

def text(e):
    return " ".join("".join(e.itertext()).split()) if e is not None else None

z = zipfile.ZipFile(sys.argv[1])
out = {"entries": [{"name": i.filename, "date_time": list(i.date_time), "compress_type": i.compress_type, "extra": len(i.extra)} for i in z.infolist()]}
container = ET.fromstring(z.read("META-INF/container.xml"))
opf_path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
base = posixpath.dirname(opf_path)
inside = lambda href: posixpath.normpath(posixpath.join(base, href))
opf = ET.fromstring(z.read(opf_path))
out["opf_text"] = z.read(opf_path).decode("utf-8")
out["package"] = dict(opf.attrib)
out["metadata"] = [{"tag": qname(e.tag), "attrs": {qname(k): v for k, v in e.attrib.items()}, "text": (e.text or "").strip()} for e in opf.find(OPF + "metadata")]
manifest = [dict(e.attrib) for e in opf.find(OPF + "manifest")]
for m in manifest:
    m["magic"] = z.read(inside(m["href"]))[:8].hex()
out["manifest"] = manifest
by_id = {m["id"]: m for m in manifest}
out["spine"] = [by_id[e.get("idref")]["href"] for e in opf.find(OPF + "spine")]

def nav_list(ol):
    items = []
    for li in ol.findall(X + "li"):
        a = li.find(X + "a")
        sub = li.find(X + "ol")
        items.append({"label": text(a), "href": a.get("href"), "children": nav_list(sub) if sub is not None else []})
    return items

docs = {}
for m in manifest:
    if m["media-type"] != "application/xhtml+xml":
        continue
    name = m["href"]
    raw = z.read(inside(name))
    root = ET.fromstring(raw)
    here = posixpath.dirname(name)
    links = []
    for a in root.iter(X + "a"):
        href = a.get("href")
        if href is None:
            continue
        parts = urlsplit(href)
        if parts.scheme:
            links.append({"href": href, "external": True, "text": text(a)})
            continue
        target = posixpath.normpath(posixpath.join(here, unquote(parts.path))) if parts.path else name
        links.append({"href": href, "external": False, "file": target, "fragment": unquote(parts.fragment) if parts.fragment else None, "text": text(a)})
    docs[name] = {
        "lang": [root.get("lang"), root.get(XML_LANG)],
        "title": text(root.find(X + "head/" + X + "title")),
        "ids": [e.get("id") for e in root.iter() if e.get("id") is not None],
        "links": links,
        "images": [{"src": i.get("src"), "alt": i.get("alt"), "file": posixpath.normpath(posixpath.join(here, unquote(i.get("src"))))} for i in root.iter(X + "img")],
        "epub_types": [e.get(EPUB_TYPE) for e in root.iter() if e.get(EPUB_TYPE)],
        "h1": [text(h) for h in root.iter(X + "h1")],
        "text": text(root.find(X + "body")),
        "prose": prose(root.find(X + "body")),
        "xhtml": raw.decode("utf-8"),
    }
    navs = {n.get(EPUB_TYPE): n for n in root.iter(X + "nav")}
    if "toc" in navs:
        out["nav"] = nav_list(navs["toc"].find(X + "ol"))
        out["landmarks"] = nav_list(navs["landmarks"].find(X + "ol")) if "landmarks" in navs else []
out["docs"] = docs
ncx_item = next(m for m in manifest if m["media-type"] == "application/x-dtbncx+xml")
ncx = ET.fromstring(z.read(inside(ncx_item["href"])))
def points(parent):
    return [{"label": text(p.find(NCX + "navLabel")), "href": p.find(NCX + "content").get("src"), "children": points(p)} for p in parent.findall(NCX + "navPoint")]
out["ncx"] = {
    "head": {m.get("name"): m.get("content") for m in ncx.find(NCX + "head")},
    "title": text(ncx.find(NCX + "docTitle")),
    "nav": points(ncx.find(NCX + "navMap")),
}
print(json.dumps(out, ensure_ascii=False))
"#;

fn read_epub(epub: &Path) -> Value {
    let output = Command::new("python3")
        .args(["-c", READ_EPUB])
        .arg(epub)
        .output()
        .expect("run python3");
    assert!(
        output.status.success(),
        "Python could not read {}:\n{}",
        epub.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the reader's output is JSON")
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The navigation as indented lines: `label -> href`.
fn outline(items: &Value, with_href: bool) -> String {
    fn walk(items: &Value, depth: usize, with_href: bool, out: &mut Vec<String>) {
        for item in items.as_array().into_iter().flatten() {
            let label = item["label"].as_str().unwrap_or_default();
            let line = match with_href {
                true => format!(
                    "{}{label} -> {}",
                    "  ".repeat(depth),
                    item["href"].as_str().unwrap_or_default()
                ),
                false => format!("{}{label}", "  ".repeat(depth)),
            };
            out.push(line);
            walk(&item["children"], depth + 1, with_href, out);
        }
    }
    let mut out = Vec::new();
    walk(items, 0, with_href, &mut out);
    out.join("\n")
}

/// Values of the OPF metadata `meta property=…` elements.
fn meta_values(archive: &Value, property: &str) -> Vec<String> {
    archive["metadata"]
        .as_array()
        .expect("an array")
        .iter()
        .filter(|m| m["tag"] == "opf:meta" && m["attrs"]["property"] == property)
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Text of the OPF metadata element `tag` (e.g. `dc:title`).
fn dc(archive: &Value, tag: &str) -> Vec<String> {
    archive["metadata"]
        .as_array()
        .expect("an array")
        .iter()
        .filter(|m| m["tag"] == tag)
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn doc<'a>(archive: &'a Value, name: &str) -> &'a Value {
    let doc = &archive["docs"][name];
    assert!(
        doc.is_object(),
        "no document {name}; spine: {}",
        archive["spine"]
    );
    doc
}

/// The chapter whose `<h1>` is `title`.
fn chapter<'a>(archive: &'a Value, title: &str) -> (&'a str, &'a Value) {
    archive["docs"]
        .as_object()
        .expect("an object")
        .iter()
        .find(|(name, doc)| name.starts_with("chapter-") && doc["h1"][0] == title)
        .map(|(name, doc)| (name.as_str(), doc))
        .unwrap_or_else(|| panic!("no chapter titled {title}"))
}

/// Every internal link points at a document of the spine (or the nav) and at one of its ids;
/// ids are unique in each document; no `.md` href and no `{%` outside code remain; images are manifest
/// items whose media type matches their bytes.
fn assert_links_ids_and_images(archive: &Value) {
    let docs = archive["docs"].as_object().expect("an object");
    let spine = strings(&archive["spine"]);
    let manifest = archive["manifest"].as_array().expect("an array");
    for (name, doc) in docs {
        let ids = strings(&doc["ids"]);
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "duplicate ids in {name}: {ids:?}");
        assert!(
            !doc["prose"].as_str().expect("a string").contains("{%"),
            "GitBook tag left as text in {name}"
        );
        for link in doc["links"].as_array().expect("an array") {
            let href = link["href"].as_str().expect("a string");
            assert!(
                !href.contains(".md"),
                "link to a Markdown file in {name}: {href}"
            );
            if link["external"] == true {
                assert!(
                    href.starts_with("https://") || href.starts_with("http://"),
                    "unexpected scheme in {name}: {href}"
                );
                continue;
            }
            let target = link["file"].as_str().expect("a string");
            assert!(
                spine.iter().any(|s| s == target),
                "{name} links to {href}, which is not a document of the spine"
            );
            if let Some(fragment) = link["fragment"].as_str() {
                assert!(
                    strings(&docs[target]["ids"])
                        .iter()
                        .any(|id| id == fragment),
                    "{name} links to {href}: no id `{fragment}` in {target}"
                );
            }
        }
        for image in doc["images"].as_array().expect("an array") {
            let file = image["file"].as_str().expect("a string");
            let item = manifest
                .iter()
                .find(|m| m["href"] == file)
                .unwrap_or_else(|| panic!("{name} shows {file}, which is not in the manifest"));
            let magic = item["magic"].as_str().expect("a string");
            let expected = if magic.starts_with("89504e470d0a1a0a") {
                "image/png"
            } else if magic.starts_with("ffd8ff") {
                "image/jpeg"
            } else if magic.starts_with("474946") {
                "image/gif"
            } else {
                "unknown"
            };
            assert_eq!(item["media-type"], expected, "media type of {file}");
        }
    }
}

/// The navigation livret should write for `book`, from its model: titled groups as parts, then
/// pages (hidden ones left out, their children kept) with their sections, then their children.
fn expected_outline(book: &Book, cover: &str) -> String {
    fn sections(list: &[Section], depth: usize, out: &mut Vec<String>) {
        for section in list {
            out.push(format!(
                "{}{}",
                "  ".repeat(depth),
                plain_text(&section.title).trim()
            ));
            sections(&section.children, depth + 1, out);
        }
    }
    fn entries(book: &Book, list: &[TocEntry], depth: usize, out: &mut Vec<String>) {
        for entry in list {
            let page = match &entry.target {
                TocTarget::Page { path } => book.page(path).filter(|p| !p.front_matter.hidden),
                _ => None,
            };
            match page {
                Some(page) => {
                    out.push(format!("{}{}", "  ".repeat(depth), entry.title));
                    sections(&page.sections, depth + 1, out);
                    entries(book, &entry.children, depth + 1, out);
                }
                None => entries(book, &entry.children, depth, out),
            }
        }
    }
    let mut out = vec![cover.to_owned()];
    for group in &book.toc {
        match &group.title {
            Some(title) => {
                out.push(title.clone());
                entries(book, &group.entries, 1, &mut out);
            }
            None => entries(book, &group.entries, 0, &mut out),
        }
    }
    out.join("\n")
}

#[test]
fn sample_handbook_is_a_valid_epub_with_the_navigation_of_summary() {
    let root = workspace_root();
    let (_out, epub) = build_epub(&root);
    assert_epubcheck_clean(&epub);
    let archive = read_epub(&epub);
    let book = load_at(&root, "HEAD", None).book;

    // The navigation mirrors SUMMARY (groups as parts, pages, sections), and the NCX says the same.
    assert_eq!(
        outline(&archive["nav"], false),
        expected_outline(&book, "Couverture")
    );
    assert_eq!(
        outline(&archive["ncx"]["nav"], true),
        outline(&archive["nav"], true)
    );
    // One document per page, in reading order, after the cover; parts before their groups.
    let spine = strings(&archive["spine"]);
    let chapters: Vec<&String> = spine.iter().filter(|s| s.starts_with("chapter-")).collect();
    assert_eq!(chapters.len(), book.pages.len());
    for (index, page) in book.pages.iter().enumerate() {
        let name = format!("chapter-{:03}.xhtml", index + 1);
        assert_eq!(chapters[index], &name);
        assert_eq!(doc(&archive, &name)["h1"][0], page.title.as_str());
    }
    assert_eq!(spine[0], "cover.xhtml");
    assert_eq!(
        spine[1..4],
        ["chapter-001.xhtml", "part-01.xhtml", "chapter-002.xhtml"]
    );
    assert_eq!(doc(&archive, "part-01.xhtml")["h1"][0], "La Fabrique");
    assert_links_ids_and_images(&archive);

    // The schema of the tools page is embedded as a PNG; the PDF of a `{% file %}` is not.
    let images: Vec<&Value> = archive["manifest"]
        .as_array()
        .expect("an array")
        .iter()
        .filter(|m| {
            m["media-type"]
                .as_str()
                .expect("a string")
                .starts_with("image/")
        })
        .collect();
    assert_eq!(images.len(), 1, "{images:?}");
    assert_eq!(images[0]["href"], "images/001-schema.png");
    assert!(!archive["opf_text"]
        .as_str()
        .expect("a string")
        .contains(".pdf"));

    // Metadata from livret.yaml and the commit.
    assert_eq!(
        dc(&archive, "dc:title"),
        ["Livret d’accueil de la Fabrique numérique"]
    );
    assert_eq!(dc(&archive, "dc:language"), ["fr"]);
    assert_eq!(dc(&archive, "dc:publisher"), ["La Fabrique numérique"]);
    let time = book.meta.revision.time;
    let modified = meta_values(&archive, "dcterms:modified");
    assert_eq!(modified.len(), 1);
    assert_eq!(modified[0], utc(time));
    assert_eq!(
        meta_values(&archive, "schema:accessMode"),
        ["textual", "visual"]
    );
}

/// `YYYY-MM-DDThh:mm:ssZ` of a Unix time, computed without livret (days from civil, inverted).
fn utc(time: i64) -> String {
    let days = time.div_euclid(86_400);
    let seconds = time.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The constructs fixture's EPUB, built once for the tests below: its folder, file and content.
fn constructs_epub() -> &'static (tempfile::TempDir, PathBuf, Value) {
    static BUILT: std::sync::OnceLock<(tempfile::TempDir, PathBuf, Value)> =
        std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let fixture = constructs();
        let (out, epub) = build_epub(fixture.path());
        let archive = read_epub(&epub);
        (out, epub, archive)
    })
}

/// Every construct at once: epubcheck clean, links and ids resolve, the navigation is SUMMARY's.
#[test]
fn the_constructs_epub_passes_epubcheck_and_its_navigation_follows_summary() {
    let (_, epub, archive) = constructs_epub();
    assert_epubcheck_clean(epub);
    assert_links_ids_and_images(archive);

    assert_eq!(
        outline(&archive["nav"], true),
        "Couverture -> cover.xhtml
Accueil -> chapter-001.xhtml
  Premiers pas -> chapter-001.xhtml#premiers-pas
Les briques -> part-01.xhtml
  Blocs GitBook -> chapter-002.xhtml
    Étapes -> chapter-002.xhtml#étapes
    Détails -> chapter-002.xhtml#détails
    Contenus riches -> chapter-003.xhtml
      Onglets -> chapter-003.xhtml#onglets
      Figures et images -> chapter-003.xhtml#figures-et-images
      Vidéos et fichiers -> chapter-003.xhtml#vidéos-et-fichiers
      Cartes -> chapter-003.xhtml#cartes
      Code et formules -> chapter-003.xhtml#code-et-formules
      Tableaux et listes -> chapter-003.xhtml#tableaux-et-listes
    Liens et renvois -> chapter-004.xhtml
      En bas -> chapter-004.xhtml#en-bas
Outils -> part-02.xhtml
  Messagerie -> chapter-005.xhtml
    Canaux -> chapter-005.xhtml#canaux
    Canaux -> chapter-005.xhtml#canaux-1
Annexe -> chapter-007.xhtml"
    );
    assert_eq!(
        outline(&archive["ncx"]["nav"], true),
        outline(&archive["nav"], true)
    );
    assert_eq!(
        outline(&archive["landmarks"], true),
        "Couverture -> cover.xhtml\nAccueil -> chapter-001.xhtml"
    );
    // The hidden page is readable (in the spine, reachable by links), not in the navigation.
    assert_eq!(
        strings(&archive["spine"]),
        [
            "cover.xhtml",
            "chapter-001.xhtml",
            "part-01.xhtml",
            "chapter-002.xhtml",
            "chapter-003.xhtml",
            "chapter-004.xhtml",
            "part-02.xhtml",
            "chapter-005.xhtml",
            "chapter-006.xhtml",
            "chapter-007.xhtml"
        ]
    );
    let (_, hidden) = chapter(archive, "Page cachée");
    assert_eq!(hidden["links"][0]["href"], "chapter-005.xhtml#canaux");
}

/// Hints, steppers, details, tabs, figures, images, embeds, files, cards, code, math, tables, raw HTML.
#[test]
fn every_block_and_rich_content_is_rendered_for_reading() {
    let (_, _, archive) = constructs_epub();
    // Hints: a box per kind, the kind said in words.
    let (_, blocks) = chapter(archive, "Blocs GitBook");
    let xhtml = blocks["xhtml"].as_str().expect("a string");
    for (class, word) in [
        ("hint-info", "Information"),
        ("hint-success", "Succès"),
        ("hint-warning", "Avertissement"),
        ("hint-danger", "Danger"),
    ] {
        assert!(
            xhtml.contains(&format!(
                "<aside class=\"hint {class}\" role=\"note\"><p class=\"hint-kind\"><strong>{word}</strong></p>"
            )),
            "no {class} hint saying {word}:\n{xhtml}"
        );
    }
    // Stepper: numbered steps; details: expanded, the summary as a title.
    assert!(xhtml.contains("<ol class=\"stepper\"><li><h3 id=\"préparer\">Préparer</h3><p>Allumer le poste.</p></li><li><h3 id=\"terminer\">Terminer</h3>"), "{xhtml}");
    assert!(xhtml.contains("<section class=\"details\"><p class=\"details-summary\"><strong>Pourquoi des détails ?</strong></p><p>Parce que certains sujets sont longs.</p></section>"), "{xhtml}");

    let (_, rich) = chapter(archive, "Contenus riches");
    let xhtml = rich["xhtml"].as_str().expect("a string");
    // Tabs as successive titled sections.
    assert!(xhtml.contains("<div class=\"tabs\"><section class=\"tab\"><p class=\"tab-title\"><strong>Sur Mac</strong></p><p>Ouvrir le Finder.</p></section><section class=\"tab\"><p class=\"tab-title\"><strong>Sur Linux</strong></p><aside class=\"hint hint-info\""), "{xhtml}");
    // The figure's PNG is embedded with its alt text and caption.
    assert_eq!(
        rich["images"],
        serde_json::json!([{ "src": "images/001-schema.png", "alt": "Schéma de l’équipe", "file": "images/001-schema.png" }])
    );
    assert!(
        xhtml.contains("<figcaption>Le schéma de l’équipe</figcaption>"),
        "{xhtml}"
    );
    // A remote image is a link, not fetched; a missing asset and an SVG are visible placeholders.
    assert!(xhtml.contains("<a class=\"remote-image\" href=\"https://images.example.org/logo.png\">[image : Logo distant]</a>"), "{xhtml}");
    assert!(
        xhtml.contains("<span class=\"missing-image\">[image : Plan du bureau]</span>"),
        "{xhtml}"
    );
    assert!(
        xhtml.contains("<span class=\"missing-image\">[image : Dessin du bureau]</span>"),
        "{xhtml}"
    );
    // Embeds are links with their caption; files are their caption, the PDF is not embedded.
    assert!(xhtml.contains("<p class=\"embed\"><a href=\"https://video.example.org/rentree\">La présentation de rentrée</a></p>"), "{xhtml}");
    assert!(
        xhtml.contains("<p class=\"file\">La charte à signer</p>"),
        "{xhtml}"
    );
    // Cards link to their pages.
    assert!(xhtml.contains("<ul class=\"cards\"><li class=\"card\"><a href=\"chapter-004.xhtml\">Liens</a></li><li class=\"card\"><a href=\"chapter-001.xhtml\">Accueil</a></li></ul>"), "{xhtml}");
    // Code with its title, math, footnotes, tables, task lists, marks.
    assert!(xhtml.contains("<figure class=\"code line-numbers\"><figcaption>installer.sh</figcaption><pre><code class=\"language-bash\">echo \"bonjour\"\n</code></pre></figure>"), "{xhtml}");
    assert!(
        xhtml.contains("<p class=\"math\"><code>E = mc^2</code></p>"),
        "{xhtml}"
    );
    assert!(xhtml.contains("<code class=\"math\">x</code>"), "{xhtml}");
    assert!(
        xhtml.contains("<sup><a href=\"#fn-1\">1</a></sup>"),
        "{xhtml}"
    );
    assert!(xhtml.contains("<aside class=\"footnote\" id=\"fn-1\"><p><sup>1</sup> Une note de bas de page.</p></aside>"), "{xhtml}");
    assert!(
        xhtml.contains("<th class=\"align-left\">Outil</th><th class=\"align-right\">Usage</th>"),
        "{xhtml}"
    );
    assert!(xhtml.contains("<li class=\"task\"><span class=\"task-box\">☑ </span>Lire le guide</li><li class=\"task\"><span class=\"task-box\">☐ </span>Signer la charte</li>"), "{xhtml}");
    assert!(
        xhtml.contains("<mark class=\"mark-red mark-bg-primary\">mot important</mark>"),
        "{xhtml}"
    );
    // Raw HTML: kept as XHTML, the script dropped.
    assert!(xhtml.contains("Un texte centré."), "{xhtml}");
    assert!(
        !xhtml.contains("script") && !xhtml.contains("piège"),
        "{xhtml}"
    );
}

/// Links between pages become links between documents and their anchors.
#[test]
fn cross_references_resolve_to_documents_and_anchors() {
    let (_, _, archive) = constructs_epub();
    let (rich_file, _) = chapter(archive, "Contenus riches");
    // Cross-references: anchors in other pages, `dir/`, redirects, same-page anchors, mentions,
    // content-refs; broken ones are text; links to assets are text.
    let (links_file, links) = chapter(archive, "Liens et renvois");
    let hrefs: Vec<(String, String)> = links["links"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|l| {
            (
                l["text"].as_str().expect("a string").to_owned(),
                l["href"].as_str().expect("a string").to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("onglets", format!("{rich_file}#onglets")),
        ("dossier", "chapter-002.xhtml".to_owned()),
        ("ancienne messagerie", "chapter-005.xhtml".to_owned()),
        ("plus bas", format!("{links_file}#en-bas")),
        ("Contenus riches", rich_file.to_owned()),
        ("site", "https://www.example.org/page".to_owned()),
        ("Messagerie", "chapter-005.xhtml".to_owned()),
    ]
    .into_iter()
    .map(|(text, href)| (text.to_owned(), href))
    .collect();
    assert_eq!(hrefs, expected);
    let text = links["text"].as_str().expect("a string");
    assert!(
        text.contains("Un lien perdu, une page absente et le schéma."),
        "{text}"
    );
}

/// Part documents, the cover, and the package metadata.
#[test]
fn parts_cover_and_metadata() {
    let (_, _, archive) = constructs_epub();
    let (rich_file, _) = chapter(archive, "Contenus riches");
    let (_, home) = chapter(archive, "Accueil");
    assert_eq!(
        home["links"][0]["href"],
        format!("{rich_file}#onglets").as_str()
    );
    assert_eq!(home["links"][1]["href"], "chapter-002.xhtml");
    assert!(home["text"]
        .as_str()
        .unwrap()
        .contains("Un guide qui essaie chaque brique, une par une."));

    // Parts: a document per titled group, listing its pages.
    let part = doc(archive, "part-02.xhtml");
    assert_eq!(part["h1"][0], "Outils");
    assert!(part["text"]
        .as_str()
        .unwrap()
        .starts_with("Partie 2 Outils"));
    assert_eq!(part["epub_types"][0], "part");

    // The configured cover image, marked as such; its page shows it with the title as alt.
    let cover_item = archive["manifest"]
        .as_array()
        .expect("an array")
        .iter()
        .find(|m| m["properties"] == "cover-image")
        .expect("a cover-image item");
    assert_eq!(cover_item["href"], "images/cover.png");
    assert_eq!(cover_item["media-type"], "image/png");
    let cover = doc(archive, "cover.xhtml");
    assert_eq!(cover["images"][0]["src"], "images/cover.png");
    assert_eq!(cover["images"][0]["alt"], "Guide des briques");
    assert_eq!(cover["epub_types"][0], "cover");

    // Metadata.
    let identifier = python_uuid5("https://guide.example.org/");
    assert_eq!(
        dc(archive, "dc:identifier"),
        [format!("urn:uuid:{identifier}")]
    );
    assert_eq!(
        archive["ncx"]["head"]["dtb:uid"],
        format!("urn:uuid:{identifier}").as_str()
    );
    assert_eq!(archive["ncx"]["title"], "Guide des briques");
    assert_eq!(dc(archive, "dc:title"), ["Guide des briques"]);
    assert_eq!(dc(archive, "dc:creator"), ["Camille Martin"]);
    assert_eq!(dc(archive, "dc:publisher"), ["La Fabrique d’essai"]);
    assert_eq!(dc(archive, "dc:language"), ["fr"]);
    assert_eq!(
        dc(archive, "dc:description"),
        ["Chaque construction de GitBook, une fois"]
    );
    assert_eq!(
        meta_values(archive, "dcterms:modified"),
        ["2024-03-01T09:00:00Z"]
    );
    assert_eq!(
        meta_values(archive, "schema:accessMode"),
        ["textual", "visual"]
    );
    assert_eq!(
        meta_values(archive, "schema:accessModeSufficient"),
        ["textual"]
    );
    assert_eq!(
        meta_values(archive, "schema:accessibilityFeature"),
        [
            "structuralNavigation",
            "tableOfContents",
            "readingOrder",
            "alternativeText"
        ]
    );
    assert_eq!(meta_values(archive, "schema:accessibilityHazard"), ["none"]);
    let summary = meta_values(archive, "schema:accessibilitySummary");
    assert!(
        summary[0].starts_with("Livre numérique textuel")
            && summary[0].contains("Chaque image a une description textuelle."),
        "{summary:?}"
    );
    for (name, doc) in archive["docs"].as_object().expect("an object") {
        assert_eq!(
            doc["lang"],
            serde_json::json!(["fr", "fr"]),
            "language of {name}"
        );
    }
}

/// The v5 UUID of `name` in the URL namespace, computed by Python's uuid module.
fn python_uuid5(name: &str) -> String {
    let output = Command::new("python3")
        .args([
            "-c",
            "import sys, uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, sys.argv[1]))",
            name,
        ])
        .output()
        .expect("run python3");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn same_revision_gives_the_same_bytes_with_the_commit_time_in_the_archive() {
    let fixture = constructs();
    let (_first_out, first) = build_epub(fixture.path());
    let (_second_out, second) = build_epub(fixture.path());
    let first_bytes = std::fs::read(&first).unwrap();
    assert!(
        first_bytes == std::fs::read(&second).unwrap(),
        "two builds of the same revision differ"
    );
    let archive = read_epub(&first);
    let entries = archive["entries"].as_array().expect("an array");
    assert_eq!(entries[0]["name"], "mimetype");
    assert_eq!(entries[0]["compress_type"], 0, "mimetype is stored");
    assert_eq!(entries[0]["extra"], 0);
    for entry in entries {
        assert_eq!(
            entry["date_time"],
            serde_json::json!([2024, 3, 1, 9, 0, 0]),
            "time of {}",
            entry["name"]
        );
    }
    assert!(first_bytes.starts_with(b"PK\x03\x04"));
    assert_eq!(&first_bytes[30..38], b"mimetype");
    assert_eq!(&first_bytes[38..58], b"application/epub+zip");
}

#[test]
fn an_english_book_without_summary_gets_english_labels_and_a_generated_cover() {
    let fixture = Fixture::with(
        &[
            file(
                "livret.yaml",
                "title: Team handbook\nsubtitle: How we work\norganisation: The Workshop\nlanguage: en-GB\n",
            ),
            file("README.md", "# Welcome\n\nStart with the [guide](guide.md#first-steps).\n"),
            file(
                "guide.md",
                "# Guide\n\n## First steps\n\nRead this.\n\n![A remote diagram](https://example.org/d.png)\n",
            ),
        ],
        T0 + 3 * DAY,
    );
    let (_out, epub) = build_epub(fixture.path());
    assert_epubcheck_clean(&epub);
    let archive = read_epub(&epub);
    assert_links_ids_and_images(&archive);
    assert_eq!(
        outline(&archive["nav"], true),
        "Cover -> cover.xhtml\nWelcome -> chapter-001.xhtml\nGuide -> chapter-002.xhtml\n  First steps -> chapter-002.xhtml#first-steps"
    );
    let cover = doc(&archive, "cover.xhtml");
    assert_eq!(cover["text"], "Team handbook How we work The Workshop");
    assert_eq!(cover["images"], serde_json::json!([]));
    assert!(!archive["opf_text"]
        .as_str()
        .unwrap()
        .contains("cover-image"));
    assert_eq!(doc(&archive, "nav.xhtml")["title"], "Contents");
    assert_eq!(
        doc(&archive, "chapter-002.xhtml")["lang"],
        serde_json::json!(["en-GB", "en-GB"])
    );
    assert!(doc(&archive, "chapter-002.xhtml")["xhtml"]
        .as_str()
        .unwrap()
        .contains("<a class=\"remote-image\" href=\"https://example.org/d.png\">[image: A remote diagram]</a>"));
    // No image embedded: only the textual access mode, no alternativeText claim.
    assert_eq!(meta_values(&archive, "schema:accessMode"), ["textual"]);
    assert_eq!(
        meta_values(&archive, "schema:accessibilityFeature"),
        ["structuralNavigation", "tableOfContents", "readingOrder"]
    );
    assert!(meta_values(&archive, "schema:accessibilitySummary")[0].starts_with("A textual e-book"));
    assert_eq!(
        meta_values(&archive, "dcterms:modified"),
        ["2024-03-04T09:00:00Z"]
    );
    // Without base_url, the identifier comes from the title.
    assert_eq!(
        dc(&archive, "dc:identifier"),
        [format!(
            "urn:uuid:{}",
            python_uuid5("urn:livret:book:Team handbook")
        )]
    );
}
