//! Generates a deterministic GitBook handbook in a new Git repository, with a long history of edits,
//! moves and additions, for livret's benchmarks and tests.
//!
//! The same [`Spec`] always gives the same commits (same ids): text comes from a fixed word list and
//! a seeded SplitMix64, signatures have pinned times. Objects are written to memory, then packed.

pub mod bench;
mod book;
mod cache;
mod words;

pub use cache::ensure_generated;

use book::Book;
use git2::{Oid, Repository, RepositoryInitOptions, Signature, Time};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use words::{mix, Rng};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Pages at HEAD (the README and folder pages included, SUMMARY.md not).
    pub pages: usize,
    /// Commits in total; the first one creates the book.
    pub commits: usize,
    pub seed: u64,
}

impl Default for Spec {
    /// The benchmark's handbook: 400 pages, 2000 commits.
    fn default() -> Self {
        Spec {
            pages: 400,
            commits: 2000,
            seed: 1,
        }
    }
}

/// What was generated, at HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedStats {
    pub pages: usize,
    /// Bytes of every `.md` file (pages and SUMMARY.md).
    pub markdown_bytes: usize,
    pub commits: usize,
    /// Id of the HEAD commit.
    pub head: String,
}

/// Changes whenever this crate's source changes, so that a cached repository can be known stale.
pub const FINGERPRINT: u64 = fnv(
    fnv(
        fnv(0xCBF2_9CE4_8422_2325, include_bytes!("lib.rs")),
        include_bytes!("book.rs"),
    ),
    include_bytes!("words.rs"),
);

const fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    let mut index = 0;
    while index < bytes.len() {
        hash ^= bytes[index] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
        index += 1;
    }
    hash
}

/// 2020-01-06T09:00:00+01:00, the first commit's time.
const START_TIME: i64 = 1_578_297_600;
const OFFSET_MINUTES: i32 = 60;

const AUTHORS: &[(&str, &str)] = &[
    ("Camille Martin", "camille.martin"),
    ("Julien Bernard", "julien.bernard"),
    ("Léa Dubois", "lea.dubois"),
    ("Thomas Petit", "thomas.petit"),
    ("Chloé Moreau", "chloe.moreau"),
    ("Nicolas Laurent", "nicolas.laurent"),
    ("Manon Girard", "manon.girard"),
    ("Hugo Lefèvre", "hugo.lefevre"),
];

/// Creates a new repository at `dir` (which must not exist or be empty) holding the generated book.
pub fn generate(dir: &Path, spec: &Spec) -> Result<GeneratedStats, git2::Error> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, &e))?;
        if entries.next().is_some() {
            return Err(git2::Error::from_str(&format!(
                "{} exists and is not empty",
                dir.display()
            )));
        }
    }
    let repo = Repository::init_opts(
        dir,
        RepositoryInitOptions::new()
            .initial_head("main")
            .mkdir(true),
    )?;
    // No reflog: it would record the wall-clock time of the run.
    repo.config()?.set_bool("core.logAllRefUpdates", false)?;
    let odb = repo.odb()?;
    let mempack = odb.add_new_mempack_backend(999)?;

    let mut writer = Writer {
        repo: &repo,
        files: BTreeMap::new(),
        paths: Vec::new(),
        trees: BTreeMap::new(),
        dirty: BTreeSet::new(),
        commits: Vec::new(),
        time: START_TIME,
    };
    let mut rng = Rng::new(mix(spec.seed, 0xC0)); // drives history, apart from the book's own randomness
    let pages = spec.pages.max(1);
    let additions = if spec.commits > 1 {
        (pages / 10).min(spec.commits - 1)
    } else {
        0
    };
    let mut book = Book::new(spec.seed, pages - additions);

    for index in 1..=book::ASSETS {
        let png = png(index);
        writer.put(format!(".gitbook/assets/img-{index}.png"), &png)?;
    }
    let all: Vec<usize> = (0..book.pages.len()).collect();
    writer.write_pages(&book, &all)?;
    writer.commit(&mut rng, 1, "Import initial du livret".to_owned())?;

    for index in 1..spec.commits {
        writer.time += 15 * 60 + rng.below(47 * 3600) as i64;
        let later = spec.commits - 1;
        let add = (index * additions) / later > ((index - 1) * additions) / later;
        let mut changed = Vec::new();
        let subject;
        if add {
            changed.extend(book.add_random_page());
            subject = changed
                .first()
                .map(|&id| format!("Nouvelle page : {}", book.pages[id].title));
        } else if rng.chance(1, 15) {
            match book.move_random_page() {
                Some((old, moved)) => {
                    subject = moved.first().map(|_| format!("Déplacement de {old}"));
                    changed.extend(moved);
                }
                None => subject = None,
            }
        } else {
            for _ in 0..rng.range(1, 3) {
                changed.push(book.edit_random_page());
            }
            subject = changed
                .first()
                .map(|&id| format!("Mise à jour de « {} »", book.pages[id].title));
        }
        changed.sort_unstable();
        changed.dedup();
        writer.write_pages(&book, &changed)?;
        let subject = match subject {
            Some(subject) if rng.chance(1, 4) => subject,
            _ => "No subject".to_owned(),
        };
        writer.commit(&mut rng, index + 1, subject)?;
    }

    let head = *writer
        .commits
        .last()
        .ok_or_else(|| git2::Error::from_str("no commit was made"))?;
    let markdown_bytes = writer
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".md"))
        .map(|(_, (_, size))| size)
        .sum();
    let commits = writer.commits.len();

    let mut packer = repo.packbuilder()?;
    for &commit in &writer.commits {
        packer.insert_commit(commit)?;
    }
    packer.write(&repo.path().join("objects").join("pack"), 0)?;
    drop(packer);
    mempack.reset()?;
    odb.refresh()?;
    repo.reference("refs/heads/main", head, true, "gen-handbook")?;
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))?;

    Ok(GeneratedStats {
        pages: book.pages.len(),
        markdown_bytes,
        commits,
        head: head.to_string(),
    })
}

fn io_error(path: &Path, error: &std::io::Error) -> git2::Error {
    git2::Error::from_str(&format!("{}: {error}", path.display()))
}

struct Writer<'r> {
    repo: &'r Repository,
    /// Every file of the next commit's tree: its blob and size.
    files: BTreeMap<String, (Oid, usize)>,
    /// Path each page was last written at.
    paths: Vec<String>,
    /// Tree of each folder (`` for the root) at the last commit, and the folders changed since.
    trees: BTreeMap<String, Oid>,
    dirty: BTreeSet<String>,
    commits: Vec<Oid>,
    time: i64,
}

impl Writer<'_> {
    fn put(&mut self, path: String, bytes: &[u8]) -> Result<(), git2::Error> {
        let id = self.repo.blob(bytes)?;
        if self.files.get(&path).is_none_or(|(old, _)| *old != id) {
            self.touch(&path);
            self.files.insert(path, (id, bytes.len()));
        }
        Ok(())
    }

    fn remove(&mut self, path: &str) {
        self.touch(path);
        self.files.remove(path);
    }

    /// Marks every folder holding `path` as changed.
    fn touch(&mut self, path: &str) {
        let mut folder = path;
        while let Some((parent, _)) = folder.rsplit_once('/') {
            self.dirty.insert(parent.to_owned());
            folder = parent;
        }
        self.dirty.insert(String::new());
    }

    /// Writes the trees of the changed folders; returns the root's.
    fn write_tree(&mut self) -> Result<Oid, git2::Error> {
        let mut root = Dir::default();
        for (path, (id, _)) in &self.files {
            let (folders, name) = match path.rsplit_once('/') {
                Some((folders, name)) => (Some(folders), name),
                None => (None, path.as_str()),
            };
            let mut dir = &mut root;
            for folder in folders.into_iter().flat_map(|f| f.split('/')) {
                dir = dir.dirs.entry(folder).or_default();
            }
            dir.files.push((name, *id));
        }
        let id = write_dir(
            self.repo,
            &root,
            String::new(),
            &mut self.trees,
            &self.dirty,
        )?;
        self.dirty.clear();
        Ok(id)
    }

    /// Writes the given pages (moving their files when their path changed), SUMMARY.md and .gitbook.yaml.
    fn write_pages(&mut self, book: &Book, pages: &[usize]) -> Result<(), git2::Error> {
        for &id in pages {
            let path = book.path(id);
            match self.paths.get_mut(id) {
                Some(old) if *old != path => {
                    let old = std::mem::replace(old, path.clone());
                    self.remove(&old);
                }
                Some(_) => {}
                None => {
                    self.paths.resize(id + 1, String::new());
                    self.paths[id].clone_from(&path);
                }
            }
            self.put(path, book.render(id).as_bytes())?;
        }
        self.put("SUMMARY.md".to_owned(), book.summary().as_bytes())?;
        self.put(".gitbook.yaml".to_owned(), book.gitbook_yaml().as_bytes())?;
        Ok(())
    }

    fn commit(&mut self, rng: &mut Rng, number: usize, subject: String) -> Result<(), git2::Error> {
        let tree = self.write_tree()?;
        let tree = self.repo.find_tree(tree)?;
        let (name, user) = rng.pick(AUTHORS);
        let time = Time::new(self.time, OFFSET_MINUTES);
        let author = Signature::new(name, &format!("{user}@example.org"), &time)?;
        let committer = Signature::new("gitbook-bot", "gitbook-bot@example.org", &time)?;
        let parent = match self.commits.last() {
            Some(&id) => Some(self.repo.find_commit(id)?),
            None => None,
        };
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let message = format!("GITBOOK-{number}: {subject}\n");
        let id = self
            .repo
            .commit(None, &author, &committer, &message, &tree, &parents)?;
        self.commits.push(id);
        Ok(())
    }
}

#[derive(Default)]
struct Dir<'a> {
    files: Vec<(&'a str, Oid)>,
    dirs: BTreeMap<&'a str, Dir<'a>>,
}

/// Writes the tree of `dir` (at `path`) unless it is unchanged since the last commit.
fn write_dir(
    repo: &Repository,
    dir: &Dir<'_>,
    path: String,
    trees: &mut BTreeMap<String, Oid>,
    dirty: &BTreeSet<String>,
) -> Result<Oid, git2::Error> {
    if let Some(&id) = trees.get(&path).filter(|_| !dirty.contains(&path)) {
        return Ok(id);
    }
    let mut builder = repo.treebuilder(None)?;
    for (name, id) in &dir.files {
        builder.insert(name, *id, 0o100_644)?;
    }
    for (name, sub) in &dir.dirs {
        let sub_path = if path.is_empty() {
            (*name).to_owned()
        } else {
            format!("{path}/{name}")
        };
        let id = write_dir(repo, sub, sub_path, trees, dirty)?;
        builder.insert(name, id, 0o040_000)?;
    }
    let id = builder.write()?;
    trees.insert(path, id);
    Ok(id)
}

/// A tiny valid PNG of a few plain pixels, different for each index.
fn png(index: usize) -> Vec<u8> {
    let (width, height) = (4 + index as u32, 3u32);
    let colour = [
        (index * 40 % 256) as u8,
        (255 - index * 30 % 256) as u8,
        (index * 70 % 256) as u8,
    ];
    // Each row: filter type 0, then the pixels.
    let row: Vec<u8> = std::iter::once(0)
        .chain(colour.iter().copied().cycle().take(3 * width as usize))
        .collect();
    let raw = row.repeat(height as usize);
    let mut zlib = vec![0x78, 0x01, 0x01];
    let len = raw.len() as u16;
    zlib.extend_from_slice(&len.to_le_bytes());
    zlib.extend_from_slice(&(!len).to_le_bytes());
    zlib.extend_from_slice(&raw);
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (b"IHDR", ihdr.as_slice()),
        (b"IDAT", zlib.as_slice()),
        (b"IEND", &[][..]),
    ] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    out
}

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

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in bytes {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashMap};

    const SMALL: Spec = Spec {
        pages: 20,
        commits: 30,
        seed: 7,
    };

    /// Every file at HEAD, by path.
    fn head_files(dir: &Path) -> Result<HashMap<String, Vec<u8>>, git2::Error> {
        let repo = Repository::open(dir)?;
        let tree = repo.head()?.peel_to_tree()?;
        let mut files = HashMap::new();
        let mut failure = None;
        tree.walk(git2::TreeWalkMode::PreOrder, |folder, entry| {
            if entry.kind() == Some(git2::ObjectType::Blob) {
                match repo.find_blob(entry.id()) {
                    Ok(blob) => {
                        files.insert(
                            format!("{folder}{}", entry.name().unwrap_or("")),
                            blob.content().to_vec(),
                        );
                    }
                    Err(error) => failure = Some(error),
                }
            }
            git2::TreeWalkResult::Ok
        })?;
        match failure {
            Some(error) => Err(error),
            None => Ok(files),
        }
    }

    #[test]
    fn same_spec_same_history() -> Result<(), git2::Error> {
        let temp = tempfile::tempdir().map_err(|e| git2::Error::from_str(&e.to_string()))?;
        let first = generate(&temp.path().join("a"), &SMALL)?;
        let second = generate(&temp.path().join("b"), &SMALL)?;
        assert_eq!(first, second);
        assert_eq!(first.commits, 30);
        assert_eq!(first.pages, 20);
        let other = generate(&temp.path().join("c"), &Spec { seed: 8, ..SMALL })?;
        assert_ne!(first.head, other.head);
        let repo = Repository::open(temp.path().join("a"))?;
        let mut walk = repo.revwalk()?;
        walk.push_head()?;
        assert_eq!(walk.count(), 30);
        assert!(
            generate(&temp.path().join("a"), &SMALL).is_err(),
            "a non-empty folder is refused"
        );
        Ok(())
    }

    /// Every SUMMARY entry, link, content-ref, image and anchor resolves at HEAD.
    #[test]
    fn summary_entries_and_links_resolve() -> Result<(), git2::Error> {
        let temp = tempfile::tempdir().map_err(|e| git2::Error::from_str(&e.to_string()))?;
        let stats = generate(temp.path(), &SMALL)?;
        let files = head_files(temp.path())?;
        let text = |path: &str| String::from_utf8_lossy(&files[path]).into_owned();
        let summary = text("SUMMARY.md");
        let mut listed = BTreeSet::new();
        for target in link_targets(&summary) {
            assert!(
                files.contains_key(&target),
                "SUMMARY.md lists {target}, which is missing"
            );
            assert!(listed.insert(target.clone()), "{target} is listed twice");
        }
        let pages: BTreeSet<String> = files
            .keys()
            .filter(|p| p.ends_with(".md") && *p != "SUMMARY.md")
            .cloned()
            .collect();
        assert_eq!(listed, pages, "every page is listed once");
        assert_eq!(stats.pages, pages.len());
        assert!(text(".gitbook.yaml").contains("redirects:"));

        let anchors: HashMap<&String, BTreeSet<String>> = pages
            .iter()
            .map(|path| {
                let headings = text(path)
                    .lines()
                    .filter_map(|l| l.strip_prefix("## ").or_else(|| l.strip_prefix("### ")))
                    .map(words::anchor)
                    .collect();
                (path, headings)
            })
            .collect();
        let mut links = 0;
        for page in &pages {
            for raw in link_targets(&text(page)) {
                if raw.starts_with("https://") {
                    continue;
                }
                let (path, anchor) = raw
                    .split_once('#')
                    .map_or((raw.as_str(), None), |(p, a)| (p, Some(a)));
                let resolved = if path.is_empty() {
                    page.clone()
                } else {
                    join(page, path)
                };
                let resolved = if path.ends_with('/') {
                    format!("{resolved}README.md")
                } else {
                    resolved
                };
                assert!(
                    files.contains_key(&resolved),
                    "{page}: `{raw}` resolves to missing {resolved}"
                );
                if let Some(anchor) = anchor {
                    assert!(
                        anchors[&resolved].contains(anchor),
                        "{page}: `{raw}` has no heading #{anchor}"
                    );
                }
                links += 1;
            }
        }
        assert!(links > 100, "{links} links");
        Ok(())
    }

    /// `](x)`, `url="x"` and `src="x"` targets of a Markdown text.
    fn link_targets(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for opener in ["](", "url=\"", "src=\""] {
            let close = if opener == "](" { ')' } else { '"' };
            for (at, _) in text.match_indices(opener) {
                let rest = &text[at + opener.len()..];
                if let Some(end) = rest.find(close) {
                    out.push(rest[..end].to_owned());
                }
            }
        }
        out
    }

    fn join(from: &str, link: &str) -> String {
        let mut parts: Vec<&str> = from.split('/').collect();
        parts.pop();
        for part in link.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                part => parts.push(part),
            }
        }
        let joined = parts.join("/");
        if link.ends_with('/') {
            format!("{joined}/")
        } else {
            joined
        }
    }
}
