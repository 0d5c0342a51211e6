//! The handbook as the generator sees it (pages, folders, SUMMARY groups, redirects), the edits made to
//! it commit after commit, and its rendering to GitBook Markdown.

use crate::words::{self, anchor, ascii_slug, capitalise, mix, Rng};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Number of PNG files under `.gitbook/assets/`.
pub const ASSETS: usize = 6;
/// Links a section keeps ready; rendering takes them in turn.
const TARGETS_PER_SECTION: usize = 8;
/// A bound on redirects kept in `.gitbook.yaml`.
const MAX_REDIRECTS: usize = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// The book's README.
    Root,
    /// A top-level entry of a SUMMARY group.
    Group(usize),
    /// A child of a folder page (`dir/README.md`).
    Folder(usize),
}

/// Where a link goes: a page, one of its headings, or its folder (`dir/`).
#[derive(Debug, Clone)]
pub struct LinkTarget {
    pub page: usize,
    pub anchor: Option<String>,
    pub as_folder: bool,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub subs: Vec<String>,
    /// Seed of the section's text; an edit changes it.
    pub rev: u64,
    pub targets: Vec<LinkTarget>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub title: String,
    pub slug: String,
    pub parent: Parent,
    pub folder: bool,
    pub children: Vec<usize>,
    pub seed: u64,
    pub intro_rev: u64,
    pub description: bool,
    pub icon: Option<&'static str>,
    pub sections: Vec<Section>,
}

impl Page {
    /// Anchors of the page's headings: the H1 first.
    fn anchors(&self) -> Vec<String> {
        let mut out = vec![anchor(&self.title)];
        for section in &self.sections {
            out.push(anchor(&section.title));
            out.extend(section.subs.iter().map(|sub| anchor(sub)));
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub title: String,
    pub entries: Vec<usize>,
}

#[derive(Debug)]
pub struct Book {
    pub pages: Vec<Page>,
    pub groups: Vec<Group>,
    /// Old path without `.md` to the page it leads to.
    pub redirects: BTreeMap<String, usize>,
    rng: Rng,
}

/// Where a new page can go.
#[derive(Debug, Clone, Copy)]
enum Container {
    Group(usize),
    Folder(usize),
}

impl Book {
    /// A book of `pages` pages (at least the README).
    pub fn new(seed: u64, pages: usize) -> Self {
        let mut book = Book {
            pages: Vec::new(),
            groups: Vec::new(),
            redirects: BTreeMap::new(),
            rng: Rng::new(mix(seed, 0x600C)),
        };
        book.add_page_shell(Parent::Root, false, "Bienvenue dans le livret".to_owned());
        let rest = pages.saturating_sub(1);
        let groups = if rest == 0 {
            0
        } else {
            (rest / 45 + 1).clamp(1, 9).min(rest)
        };
        let mut titles = BTreeSet::new();
        for _ in 0..groups {
            let title = loop {
                let title = capitalise(&words::title(&mut book.rng));
                if titles.insert(anchor(&title)) {
                    break title;
                }
            };
            book.groups.push(Group {
                title,
                entries: Vec::new(),
            });
        }
        for slot in 0..rest {
            let group = if slot < groups {
                slot
            } else {
                book.rng.below(groups)
            };
            book.place_new_page(group);
        }
        for id in 0..book.pages.len() {
            book.fill_sections(id);
        }
        let count = book.pages.len();
        for index in 0..3.min(count) {
            let page = book.rng.below(count);
            book.redirects
                .insert(format!("anciennes-pages/page-{}", index + 1), page);
        }
        book
    }

    /// Creates a page with a title and headings, but no targets yet.
    fn add_page_shell(&mut self, parent: Parent, folder: bool, title: String) -> usize {
        let id = self.pages.len();
        let seed = mix(self.rng.next_u64(), id as u64);
        let mut rng = Rng::new(seed);
        let mut used = BTreeSet::from([anchor(&title)]);
        let mut unique_title = |rng: &mut Rng| loop {
            let title = words::title(rng);
            if used.insert(anchor(&title)) {
                return title;
            }
        };
        let mut sections = Vec::new();
        for _ in 0..rng.range(3, 5) {
            let title = unique_title(&mut rng);
            let subs = (0..rng.range(0, 2))
                .map(|_| unique_title(&mut rng))
                .collect();
            sections.push(Section {
                title,
                subs,
                rev: rng.next_u64(),
                targets: Vec::new(),
            });
        }
        let description = rng.chance(1, 3);
        let icon = rng.chance(1, 6).then(|| rng.pick(words::ICONS));
        let slug = ascii_slug(&title);
        self.pages.push(Page {
            title,
            slug,
            parent,
            folder,
            children: Vec::new(),
            seed,
            intro_rev: rng.next_u64(),
            description,
            icon,
            sections,
        });
        id
    }

    fn depth(&self, container: Container) -> usize {
        match container {
            Container::Group(_) => 0,
            Container::Folder(mut id) => {
                let mut depth = 1;
                while let Parent::Folder(parent) = self.pages[id].parent {
                    depth += 1;
                    id = parent;
                }
                depth
            }
        }
    }

    fn group_of(&self, mut id: usize) -> Option<usize> {
        loop {
            match self.pages[id].parent {
                Parent::Root => return None,
                Parent::Group(group) => return Some(group),
                Parent::Folder(parent) => id = parent,
            }
        }
    }

    /// Containers of a group (or of every group) where a page can go, with a weight each.
    fn containers(&self, group: Option<usize>) -> (Vec<Container>, Vec<u32>) {
        let mut containers = Vec::new();
        let mut weights = Vec::new();
        for (index, g) in self.groups.iter().enumerate() {
            if group.is_some_and(|wanted| wanted != index) {
                continue;
            }
            containers.push(Container::Group(index));
            weights.push(6u32.saturating_sub(g.entries.len() as u32).max(1));
        }
        for (id, page) in self.pages.iter().enumerate() {
            if !page.folder || group.is_some_and(|wanted| self.group_of(id) != Some(wanted)) {
                continue;
            }
            let container = Container::Folder(id);
            if self.depth(container) > 2 {
                continue;
            }
            containers.push(container);
            weights.push(14u32.saturating_sub(page.children.len() as u32).max(1) * 2);
        }
        (containers, weights)
    }

    /// Adds a new page somewhere in `group`; returns it and its container.
    fn place_new_page(&mut self, group: usize) -> (usize, Container) {
        let (containers, weights) = self.containers(Some(group));
        let container = containers
            .get(self.rng.weighted(&weights))
            .copied()
            .unwrap_or(Container::Group(group));
        let depth = self.depth(container);
        let folder = match depth {
            0 => self.rng.chance(3, 5),
            1 => self.rng.chance(1, 4),
            _ => false,
        };
        let parent = match container {
            Container::Group(group) => Parent::Group(group),
            Container::Folder(id) => Parent::Folder(id),
        };
        let title = words::title(&mut self.rng);
        let id = self.add_page_shell(parent, folder, title);
        let slug = self.free_slug(parent, folder, &self.pages[id].slug.clone(), id);
        self.pages[id].slug = slug;
        match container {
            Container::Group(group) => self.groups[group].entries.push(id),
            Container::Folder(folder) => self.pages[folder].children.push(id),
        }
        (id, container)
    }

    /// A slug giving a path no other page has.
    fn free_slug(&self, parent: Parent, folder: bool, wanted: &str, id: usize) -> String {
        let taken: BTreeSet<String> = (0..self.pages.len())
            .filter(|&other| other != id)
            .map(|other| self.path(other))
            .collect();
        let prefix = self.dir_of(parent);
        let path_for = |slug: &str| {
            if folder {
                format!("{prefix}{slug}/README.md")
            } else {
                format!("{prefix}{slug}.md")
            }
        };
        let mut slug = wanted.to_owned();
        let mut n = 1;
        while taken.contains(&path_for(&slug))
            || slug.is_empty()
            || slug == "readme"
            || slug == "summary"
        {
            n += 1;
            slug = format!("{wanted}-{n}");
        }
        slug
    }

    /// The folder (with a trailing `/`, or empty) a parent puts its children in.
    fn dir_of(&self, parent: Parent) -> String {
        match parent {
            Parent::Root | Parent::Group(_) => String::new(),
            Parent::Folder(id) => format!("{}/", self.folder_dir(id)),
        }
    }

    /// `a/b` for the folder page `a/b/README.md`.
    pub fn folder_dir(&self, id: usize) -> String {
        let page = &self.pages[id];
        format!("{}{}", self.dir_of(page.parent), page.slug)
    }

    pub fn path(&self, id: usize) -> String {
        let page = &self.pages[id];
        match page.parent {
            Parent::Root => "README.md".to_owned(),
            _ if page.folder => format!("{}/README.md", self.folder_dir(id)),
            parent => format!("{}{}.md", self.dir_of(parent), page.slug),
        }
    }

    /// Picks the links a section will use.
    fn pick_targets(&mut self, id: usize) -> Vec<LinkTarget> {
        let count = self.pages.len();
        let folders: Vec<usize> = (0..count)
            .filter(|&p| self.pages[p].folder && p != id)
            .collect();
        let mut targets = Vec::with_capacity(TARGETS_PER_SECTION);
        if count < 2 {
            return targets;
        }
        while targets.len() < TARGETS_PER_SECTION {
            if !folders.is_empty() && self.rng.chance(1, 8) {
                let page = folders[self.rng.below(folders.len())];
                targets.push(LinkTarget {
                    page,
                    anchor: None,
                    as_folder: true,
                });
                continue;
            }
            let page = self.rng.below(count);
            if page == id {
                continue;
            }
            let anchors = self.pages[page].anchors();
            let anchor = if self.rng.chance(3, 5) && anchors.len() > 1 {
                Some(anchors[1 + self.rng.below(anchors.len() - 1)].clone())
            } else {
                None
            };
            targets.push(LinkTarget {
                page,
                anchor,
                as_folder: false,
            });
        }
        targets
    }

    fn fill_sections(&mut self, id: usize) {
        for index in 0..self.pages[id].sections.len() {
            let targets = self.pick_targets(id);
            self.pages[id].sections[index].targets = targets;
        }
    }

    fn leaves(&self) -> Vec<usize> {
        (0..self.pages.len())
            .filter(|&id| !self.pages[id].folder && self.pages[id].parent != Parent::Root)
            .collect()
    }

    /// Rewrites one or two parts of a page; returns the page.
    pub fn edit_random_page(&mut self) -> usize {
        let id = self.rng.below(self.pages.len());
        let parts = self.pages[id].sections.len() + 1;
        for _ in 0..self.rng.range(1, 2) {
            let part = self.rng.below(parts);
            let rev = self.rng.next_u64();
            if part == 0 {
                self.pages[id].intro_rev = rev;
            } else {
                let targets = self.pick_targets(id);
                let section = &mut self.pages[id].sections[part - 1];
                section.rev = rev;
                section.targets = targets;
            }
        }
        id
    }

    /// Adds a page; returns the pages whose text changes (the new one and its folder page).
    pub fn add_random_page(&mut self) -> Vec<usize> {
        if self.groups.is_empty() {
            return Vec::new();
        }
        let group = self.rng.below(self.groups.len());
        let (id, container) = self.place_new_page(group);
        self.fill_sections(id);
        let mut changed = vec![id];
        if let Container::Folder(folder) = container {
            changed.push(folder);
        }
        changed
    }

    /// Renames a page in place, or moves it to another folder; returns the old path and every page
    /// whose text changes (the page, the folder pages around it, and the pages linking to it).
    pub fn move_random_page(&mut self) -> Option<(String, Vec<usize>)> {
        let leaves = self.leaves();
        if leaves.is_empty() {
            return None;
        }
        let id = leaves[self.rng.below(leaves.len())];
        let old_path = self.path(id);
        let old_parent = self.pages[id].parent;
        let new_parent = if self.rng.chance(1, 2) {
            old_parent
        } else {
            let (containers, weights) = self.containers(None);
            match containers.get(self.rng.weighted(&weights)) {
                Some(Container::Group(group)) => Parent::Group(*group),
                Some(Container::Folder(folder)) => Parent::Folder(*folder),
                None => old_parent,
            }
        };
        if new_parent == old_parent || self.rng.chance(1, 3) {
            let title = words::title(&mut self.rng);
            self.retitle(id, title);
        }
        match old_parent {
            Parent::Group(group) => self.groups[group].entries.retain(|&p| p != id),
            Parent::Folder(folder) => self.pages[folder].children.retain(|&p| p != id),
            Parent::Root => {}
        }
        let slug = ascii_slug(&self.pages[id].title);
        self.pages[id].parent = new_parent;
        let slug = self.free_slug(new_parent, false, &slug, id);
        self.pages[id].slug = slug;
        let siblings = match new_parent {
            Parent::Group(group) => &mut self.groups[group].entries,
            Parent::Folder(folder) => &mut self.pages[folder].children,
            Parent::Root => return None,
        };
        let at = self.rng.below(siblings.len() + 1);
        siblings.insert(at, id);
        let mut changed = vec![id];
        for parent in [old_parent, new_parent] {
            if let Parent::Folder(folder) = parent {
                changed.push(folder);
            }
        }
        changed.extend((0..self.pages.len()).filter(|&p| {
            self.pages[p]
                .sections
                .iter()
                .any(|s| s.targets.iter().any(|t| t.page == id))
        }));
        changed.sort_unstable();
        changed.dedup();
        let key = old_path.trim_end_matches(".md").to_owned();
        if self.path(id) != old_path
            && self.rng.chance(1, 3)
            && self.redirects.len() < MAX_REDIRECTS
        {
            self.redirects.insert(key, id);
        }
        Some((old_path, changed))
    }

    /// A new title whose anchor clashes with none of the page's headings.
    fn retitle(&mut self, id: usize, mut title: String) {
        let anchors = self.pages[id].anchors();
        while anchors[1..].contains(&anchor(&title)) {
            title = words::title(&mut self.rng);
        }
        self.pages[id].title = title;
    }

    pub fn summary(&self) -> String {
        let mut out = String::from("# Table of contents\n\n");
        let _ = writeln!(out, "* [{}](README.md)", self.pages[0].title);
        for group in &self.groups {
            let _ = write!(out, "\n## {}\n\n", group.title);
            for &id in &group.entries {
                self.summary_entry(id, 0, &mut out);
            }
        }
        out
    }

    fn summary_entry(&self, id: usize, depth: usize, out: &mut String) {
        let _ = writeln!(
            out,
            "{}* [{}]({})",
            "  ".repeat(depth),
            self.pages[id].title,
            self.path(id)
        );
        for &child in &self.pages[id].children {
            self.summary_entry(child, depth + 1, out);
        }
    }

    pub fn gitbook_yaml(&self) -> String {
        let mut out =
            String::from("root: ./\n\nstructure:\n  readme: README.md\n  summary: SUMMARY.md\n");
        if !self.redirects.is_empty() {
            out.push_str("\nredirects:\n");
            for (from, &to) in &self.redirects {
                let _ = writeln!(out, "  {from}: {}", self.path(to));
            }
        }
        out
    }

    pub fn render(&self, id: usize) -> String {
        Renderer::new(self, id).page()
    }
}

/// Relative link from the page at `from` to the file at `to`.
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from
        .split('/')
        .collect::<Vec<_>>()
        .split_last()
        .map(|(_, dir)| dir.to_vec())
        .unwrap_or_default();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dir.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

struct Renderer<'b> {
    book: &'b Book,
    id: usize,
    path: String,
    out: String,
    /// Anchors taken on the page, so that bold titles never shadow a heading.
    used: BTreeSet<String>,
}

impl<'b> Renderer<'b> {
    fn new(book: &'b Book, id: usize) -> Self {
        let used = book.pages[id].anchors().into_iter().collect();
        Renderer {
            book,
            id,
            path: book.path(id),
            out: String::with_capacity(6000),
            used,
        }
    }

    fn page(mut self) -> String {
        let book = self.book;
        let page = &book.pages[self.id];
        let mut rng = Rng::new(mix(page.seed, page.intro_rev));
        if page.description || page.icon.is_some() {
            self.out.push_str("---\n");
            if page.description {
                let _ = write!(
                    self.out,
                    "description: >-\n  {}\n",
                    words::sentence(&mut rng, true)
                );
            }
            if let Some(icon) = page.icon {
                let _ = writeln!(self.out, "icon: {icon}");
            }
            self.out.push_str("---\n\n");
        }
        let _ = write!(self.out, "# {}\n\n", page.title);
        let sentences = rng.range(2, 4);
        self.paragraph_line(&mut rng, sentences, None);
        if page.folder && !page.children.is_empty() {
            self.out.push_str("Dans cette partie :\n\n");
            for &child in &page.children {
                self.content_ref(child);
            }
        }
        for (index, section) in page.sections.iter().enumerate() {
            let mut rng = Rng::new(mix(mix(page.seed, index as u64 + 1), section.rev));
            let mut cursor = 0;
            let _ = write!(self.out, "## {}\n\n", section.title);
            let budget = rng.range(220, 480);
            self.blocks(&mut rng, budget, section, &mut cursor);
            for sub in &section.subs {
                let _ = write!(self.out, "### {sub}\n\n");
                let budget = rng.range(100, 280);
                self.blocks(&mut rng, budget, section, &mut cursor);
            }
        }
        self.out
    }

    fn next_target(&self, section: &'b Section, cursor: &mut usize) -> Option<&'b LinkTarget> {
        if section.targets.is_empty() {
            return None;
        }
        let target = &section.targets[*cursor % section.targets.len()];
        *cursor += 1;
        Some(target)
    }

    /// The link text (href) of a target, relative to this page.
    fn href(&self, target: &LinkTarget) -> String {
        if target.as_folder {
            let dir = format!("{}/", self.book.folder_dir(target.page));
            let link = relative(&self.path, &format!("{dir}README.md"));
            let link = link.trim_end_matches("README.md");
            return if link.is_empty() {
                "./".to_owned()
            } else {
                link.to_owned()
            };
        }
        let mut link = relative(&self.path, &self.book.path(target.page));
        if let Some(anchor) = &target.anchor {
            link.push('#');
            link.push_str(anchor);
        }
        link
    }

    fn link(&self, rng: &mut Rng, section: &'b Section, cursor: &mut usize) -> String {
        let own = self.book.pages[self.id].anchors();
        if rng.chance(1, 6) && own.len() > 1 {
            let anchor = &own[1 + rng.below(own.len() - 1)];
            return format!("[{}](#{anchor})", words::words(rng, 2));
        }
        match self.next_target(section, cursor) {
            Some(target) if target.as_folder => format!(
                "[{}]({})",
                self.book.pages[target.page].title,
                self.href(target)
            ),
            Some(target) => {
                let count = rng.range(1, 3);
                format!("[{}]({})", words::words(rng, count), self.href(target))
            }
            None => format!(
                "[{}](https://www.example.org/{})",
                words::words(rng, 2),
                ascii_slug(words::NOUNS[rng.below(words::NOUNS.len())])
            ),
        }
    }

    /// A paragraph on one line; with a section, it may hold a link.
    fn paragraph_line(
        &mut self,
        rng: &mut Rng,
        sentences: usize,
        links: Option<(&'b Section, &mut usize)>,
    ) {
        let mut text = words::paragraph(rng, sentences);
        if let Some((section, cursor)) = links {
            if rng.chance(1, 2) {
                let link = self.link(rng, section, cursor);
                let _ = write!(text, " Voir {link}.");
            }
        }
        if rng.chance(1, 8) {
            text.push_str("&#x20;");
        }
        self.out.push_str(&text);
        self.out.push_str("\n\n");
    }

    fn content_ref(&mut self, target: usize) {
        let page = &self.book.pages[target];
        let (url, label) = if page.folder {
            let url = self.href(&LinkTarget {
                page: target,
                anchor: None,
                as_folder: true,
            });
            (url, page.slug.clone())
        } else {
            let url = relative(&self.path, &self.book.path(target));
            (url, format!("{}.md", page.slug))
        };
        let _ = write!(
            self.out,
            "{{% content-ref url=\"{url}\" %}}\n[{label}]({url})\n{{% endcontent-ref %}}\n\n"
        );
    }

    fn blocks(&mut self, rng: &mut Rng, budget: usize, section: &'b Section, cursor: &mut usize) {
        let start = self.out.len();
        let mut first = true;
        while self.out.len() - start < budget {
            // Each part starts with a paragraph, so that bold titles and containers never follow a heading directly.
            let kind = if first {
                0
            } else {
                rng.weighted(&[26, 8, 12, 5, 6, 5, 7, 5, 4, 5, 4, 3, 1])
            };
            let first_block = first;
            first = false;
            match kind {
                0 => {
                    let sentences = if first_block {
                        rng.range(1, 3)
                    } else {
                        rng.range(2, 5)
                    };
                    self.paragraph_line(rng, sentences, Some((section, cursor)));
                }
                1 => self.bold_title(rng, section, cursor),
                2 => self.list(rng, section, cursor, false),
                3 => self.list(rng, section, cursor, true),
                4 => self.table(rng, section, cursor),
                5 => self.code(rng),
                6 => self.hint(rng, section, cursor),
                7 => {
                    if let Some(target) = self.next_target(section, cursor) {
                        self.content_ref(target.page);
                    }
                }
                8 => self.tabs(rng, section, cursor),
                9 => self.details(rng, section, cursor),
                10 => self.figure(rng),
                11 => {
                    let first = self.link(rng, section, cursor);
                    let second = self.link(rng, section, cursor);
                    let _ = write!(
                        self.out,
                        "Pour aller plus loin, consultez {first} et {second}.\n\n"
                    );
                }
                _ => {
                    let _ = write!(
                        self.out,
                        "{{% embed url=\"https://www.example.org/videos/{}\" %}}\n\n",
                        ascii_slug(&words::title(rng))
                    );
                }
            }
        }
    }

    fn bold_title(&mut self, rng: &mut Rng, section: &'b Section, cursor: &mut usize) {
        let title = loop {
            let title = format!(
                "{} : {} {}",
                capitalise(words::NOUNS[rng.below(words::NOUNS.len())]),
                words::DETERMINERS[rng.below(words::DETERMINERS.len())],
                words::words(rng, 2)
            );
            if self.used.insert(anchor(&title)) {
                break title;
            }
        };
        let end = if rng.chance(1, 4) { "&#x20;" } else { "" };
        let _ = write!(self.out, "**{title}**{end}\n\n");
        let sentences = rng.range(1, 3);
        self.paragraph_line(rng, sentences, Some((section, cursor)));
    }

    fn list(&mut self, rng: &mut Rng, section: &'b Section, cursor: &mut usize, ordered: bool) {
        for index in 0..rng.range(3, 6) {
            let marker = if ordered {
                format!("{}.", index + 1)
            } else {
                "*".to_owned()
            };
            let mut item = words::sentence(rng, false);
            if rng.chance(1, 3) {
                item = format!("{} : {item}", self.link(rng, section, cursor));
            }
            if rng.chance(1, 6) {
                item.push_str("&#x20;");
            }
            let _ = writeln!(self.out, "{marker} {item}");
            if !ordered && rng.chance(1, 5) {
                for _ in 0..rng.range(1, 3) {
                    let _ = writeln!(self.out, "  * {}", words::sentence(rng, false));
                }
            }
        }
        self.out.push('\n');
    }

    fn table(&mut self, rng: &mut Rng, section: &'b Section, cursor: &mut usize) {
        let columns = rng.range(2, 4);
        let header: Vec<String> = (0..columns)
            .map(|_| capitalise(words::NOUNS[rng.below(words::NOUNS.len())]))
            .collect();
        let _ = writeln!(self.out, "| {} |", header.join(" | "));
        let _ = writeln!(self.out, "|{}", " --- |".repeat(columns));
        for _ in 0..rng.range(2, 5) {
            let cells: Vec<String> = (0..columns)
                .map(|column| {
                    if column == columns - 1 && rng.chance(1, 3) {
                        self.link(rng, section, cursor)
                    } else {
                        let count = rng.range(1, 4);
                        capitalise(&words::words(rng, count))
                    }
                })
                .collect();
            let _ = writeln!(self.out, "| {} |", cells.join(" | "));
        }
        self.out.push('\n');
    }

    fn code(&mut self, rng: &mut Rng) {
        let name = ascii_slug(words::NOUNS[rng.below(words::NOUNS.len())]);
        let other = ascii_slug(words::NOUNS[rng.below(words::NOUNS.len())]);
        match rng.below(4) {
            0 => {
                let _ = write!(
                    self.out,
                    "```bash\ngit clone https://git.example.org/fabrique/{name}.git\ncd {name}\nmake {other}\n./scripts/{other}.sh --{name}\n```\n\n"
                );
            }
            1 => {
                let _ = write!(self.out, "```yaml\n{name}:\n  {other}: true\n  responsable: \"{}\"\n  frequence: hebdomadaire\n```\n\n", words::words(rng, 2));
            }
            2 => {
                let _ = write!(self.out, "```json\n{{\n  \"{name}\": \"{other}\",\n  \"actif\": true,\n  \"niveau\": {}\n}}\n```\n\n", rng.range(1, 9));
            }
            _ => {
                let _ = write!(
                    self.out,
                    "```\n{}\n{}\n```\n\n",
                    words::sentence(rng, true),
                    words::sentence(rng, true)
                );
            }
        }
    }

    fn hint(&mut self, rng: &mut Rng, section: &'b Section, cursor: &mut usize) {
        let style = ["info", "success", "warning", "danger"][rng.below(4)];
        let _ = writeln!(self.out, "{{% hint style=\"{style}\" %}}");
        let sentences = rng.range(1, 3);
        self.paragraph_line(rng, sentences, Some((section, cursor)));
        if rng.chance(1, 3) {
            self.list(rng, section, cursor, false);
        }
        trim_blank(&mut self.out);
        self.out.push_str("{% endhint %}\n\n");
    }

    fn tabs(&mut self, rng: &mut Rng, section: &'b Section, cursor: &mut usize) {
        let first = rng.below(words::TAB_TITLES.len());
        self.out.push_str("{% tabs %}\n");
        for index in 0..rng.range(2, 3) {
            let title = words::TAB_TITLES[(first + index) % words::TAB_TITLES.len()];
            let _ = writeln!(self.out, "{{% tab title=\"{title}\" %}}");
            match rng.below(3) {
                0 => self.code(rng),
                1 => self.list(rng, section, cursor, false),
                _ => {
                    let sentences = rng.range(1, 3);
                    self.paragraph_line(rng, sentences, Some((section, cursor)));
                }
            }
            trim_blank(&mut self.out);
            self.out.push_str("{% endtab %}\n\n");
        }
        trim_blank(&mut self.out);
        self.out.push_str("{% endtabs %}\n\n");
    }

    fn details(&mut self, rng: &mut Rng, section: &'b Section, cursor: &mut usize) {
        let noun = words::NOUNS[rng.below(words::NOUNS.len())];
        let question = match rng.below(3) {
            0 => format!(
                "Comment {} {} {noun} ?",
                words::INFINITIVES[rng.below(words::INFINITIVES.len())].to_lowercase(),
                words::DETERMINERS[rng.below(words::DETERMINERS.len())]
            ),
            1 => format!("Que faire en cas de {noun} ?"),
            _ => format!(
                "Pourquoi {} {noun} {} ?",
                words::DETERMINERS[rng.below(words::DETERMINERS.len())],
                words::VERBS[rng.below(words::VERBS.len())]
            ),
        };
        let _ = write!(
            self.out,
            "<details>\n\n<summary>{}</summary>\n\n",
            capitalise(&question)
        );
        let sentences = rng.range(2, 4);
        self.paragraph_line(rng, sentences, Some((section, cursor)));
        if rng.chance(1, 2) {
            self.list(rng, section, cursor, false);
        }
        self.out.push_str("</details>\n\n");
    }

    fn figure(&mut self, rng: &mut Rng) {
        let asset = rng.below(ASSETS) + 1;
        let src = relative(&self.path, &format!(".gitbook/assets/img-{asset}.png"));
        let alt = capitalise(&words::words(rng, 3));
        let caption = words::sentence(rng, true);
        let width = if rng.chance(1, 3) {
            format!(" width=\"{}\"", 200 + 25 * rng.below(12))
        } else {
            String::new()
        };
        let _ = write!(self.out, "<figure><img src=\"{src}\" alt=\"{alt}\"{width}><figcaption><p>{caption}</p></figcaption></figure>\n\n");
    }
}

/// Leaves exactly one newline at the end of the text.
fn trim_blank(out: &mut String) {
    while out.ends_with("\n\n") {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links() {
        assert_eq!(relative("a/b/c.md", "a/d.md"), "../d.md");
        assert_eq!(relative("README.md", "a/d.md"), "a/d.md");
        assert_eq!(relative("a/b.md", "a/c/README.md"), "c/README.md");
        assert_eq!(
            relative("a/b/README.md", ".gitbook/assets/x.png"),
            "../../.gitbook/assets/x.png"
        );
    }
}
