//! One build of a handbook, shared by the command line, the tests and the benches: opens the
//! source once, asks each exporter what it needs, prepares all of it, runs the exporters side by
//! side, and writes their files. Only this crate writes files.

mod cache;
mod output;

use livret_cache::MemoryCache;
use livret_core::{HistoryOptions, Loaded, Source, WalkMode};
use livret_model::{
    Assets, Diagnostic, ExportContext, ExportError, Exporter, History, Needs, OutputFile,
    PageVersions,
};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use cache::CacheNotSaved;
pub use livret_core::LoadOptions;

/// Why a build could not run at all. Problems in the book are diagnostics; a failed exporter is
/// an [`Outcome`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Source(#[from] livret_core::Error),
    #[error(
        "format `{format}` is not available in this version of livret (available: {available})"
    )]
    UnknownFormat { format: String, available: String },
    #[error("could not write {}: {source}; choose another folder with --out", path.display())]
    Output {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The exporters this livret has, in the order their outputs are reported.
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(livret_export_pdf::PdfExporter),
        Box::new(livret_export_epub::EpubExporter),
        Box::new(livret_export_json::JsonExporter),
        Box::new(livret_export_changelog::ChangelogExporter::default()),
    ]
}

/// The exporters of the named formats, in their usual order; every one when `formats` is empty.
pub fn exporters_for(formats: &[String]) -> Result<Vec<Box<dyn Exporter>>, Error> {
    let all = exporters();
    let names: Vec<&str> = all.iter().map(|e| e.name()).collect();
    if let Some(unknown) = formats.iter().find(|f| !names.contains(&f.as_str())) {
        return Err(Error::UnknownFormat {
            format: unknown.clone(),
            available: names.join(", "),
        });
    }
    Ok(all
        .into_iter()
        .filter(|e| formats.is_empty() || formats.iter().any(|f| f == e.name()))
        .collect())
}

/// Where a build keeps work for the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheDir {
    /// Neither read nor written.
    Off,
    /// `OUT/.livret-cache`.
    InOutput,
    At(PathBuf),
}

/// Told how a build goes, for progress displays; every method does nothing by default.
pub trait Observer: Sync {
    /// A stage begins: `opening the repository`, `reading the book`, `walking the history`, an
    /// exporter's name…
    fn started(&self, _stage: &str) {}
    /// A stage ended, with a detail such as `, 120 commits`.
    fn finished(&self, _stage: &str, _elapsed: Duration, _detail: &str) {}
    /// Commits read so far by the history walk.
    fn walked(&self, _commits: usize) {}
    /// An exporter ended (its stage is its name).
    fn exported(&self, _outcome: &Outcome) {}
}

/// An [`Observer`] that is told nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unobserved;

impl Observer for Unobserved {}

/// A build to run: where the book is, which exporters, where outputs and the cache go.
#[derive(Debug)]
#[non_exhaustive]
pub struct Build {
    pub source: LoadOptions,
    pub exporters: Vec<Box<dyn Exporter>>,
    pub out: PathBuf,
    pub cache: CacheDir,
}

/// What one exporter produced.
#[derive(Debug)]
pub struct Outcome {
    pub exporter: &'static str,
    pub result: Result<Vec<OutputFile>, ExportError>,
    pub elapsed: Duration,
}

/// A build that ran: the book as read (unchanged), every diagnostic, each exporter's outcome.
#[derive(Debug)]
pub struct Built {
    pub loaded: Loaded,
    /// The book's diagnostics, then those of the history, assets and versions, then the
    /// exporters', in the order of the exporters.
    pub diagnostics: Vec<Diagnostic>,
    pub outcomes: Vec<Outcome>,
    out: PathBuf,
    cache: Option<(MemoryCache, PathBuf)>,
}

/// What writing a build's outputs did.
#[derive(Debug, Default)]
pub struct Written {
    /// Every file written or found unchanged.
    pub files: Vec<PathBuf>,
    /// Exporters that failed or whose files could not be written, with why.
    pub failures: Vec<(String, String)>,
    /// The cache could not be saved (the next build starts from scratch).
    pub cache_warning: Option<CacheNotSaved>,
}

impl Build {
    /// Every exporter, the cache in the output folder.
    pub fn new(source: LoadOptions, out: impl Into<PathBuf>) -> Self {
        Build {
            source,
            exporters: exporters(),
            out: out.into(),
            cache: CacheDir::InOutput,
        }
    }

    pub fn with_exporters(mut self, exporters: Vec<Box<dyn Exporter>>) -> Self {
        self.exporters = exporters;
        self
    }

    pub fn with_cache(mut self, cache: CacheDir) -> Self {
        self.cache = cache;
        self
    }

    fn cache_file(&self) -> Option<PathBuf> {
        match &self.cache {
            CacheDir::Off => None,
            CacheDir::InOutput => Some(self.out.join(cache::DEFAULT_DIR).join(cache::FILE_NAME)),
            CacheDir::At(dir) => Some(dir.join(cache::FILE_NAME)),
        }
    }

    /// Reads the book and what the exporters need, then runs them side by side. Fails only when
    /// there is no book to read or the output folder cannot be made.
    pub fn run(&self, observer: &dyn Observer) -> Result<Built, Error> {
        let cache_file = self.cache_file();
        // The cache is read while the book is.
        let reading = cache_file.clone().map(|file| {
            observer.started("reading the cache");
            let start = Instant::now();
            (start, std::thread::spawn(move || cache::read(&file)))
        });
        let source = stage(observer, "opening the repository", || {
            Source::open(&self.source)
        })?;
        let loaded = stage(observer, "reading the book", || source.load())?;
        let cache = reading.and_then(|(start, thread)| {
            let cache = thread.join().ok();
            observer.finished("reading the cache", start.elapsed(), "");
            cache
        });
        let walked = |commits: usize| observer.walked(commits);
        let mut source = source.with_walk_progress(&walked);
        if let Some(cache) = &cache {
            source = source.with_cache(cache);
        }
        let needs = self
            .exporters
            .iter()
            .fold(Needs::default(), |needs, exporter| {
                needs.union(exporter.needs(&loaded.book, &loaded.settings))
            });
        let mut diagnostics = loaded.book.diagnostics.clone();
        let prepared = prepare(&source, &loaded, &needs, observer, &mut diagnostics)?;
        // Found out now rather than after every export has run.
        std::fs::create_dir_all(&self.out).map_err(|source| Error::Output {
            path: self.out.clone(),
            source,
        })?;
        let mut context = ExportContext::new(&loaded.book, &loaded.settings)
            .with_history(&prepared.history)
            .with_assets(&prepared.assets)
            .with_versions(&prepared.versions);
        if let Some(cache) = &cache {
            context = context.with_cache(cache);
        }
        for exporter in &self.exporters {
            observer.started(exporter.name());
        }
        let outcomes: Vec<(Outcome, Vec<Diagnostic>)> = self
            .exporters
            .par_iter()
            .map(|exporter| {
                let start = Instant::now();
                let (result, found) = match exporter.export(&context) {
                    Ok(export) => (Ok(export.files), export.diagnostics),
                    Err(error) => (Err(error), Vec::new()),
                };
                let outcome = Outcome {
                    exporter: exporter.name(),
                    result,
                    elapsed: start.elapsed(),
                };
                observer.exported(&outcome);
                (outcome, found)
            })
            .collect();
        let outcomes = outcomes
            .into_iter()
            .map(|(outcome, found)| {
                diagnostics.extend(found);
                outcome
            })
            .collect();
        Ok(Built {
            loaded,
            diagnostics,
            outcomes,
            out: self.out.clone(),
            cache: cache.zip(cache_file),
        })
    }
}

/// What the exporters asked for besides the book; empty where nobody did.
struct Prepared {
    history: History,
    assets: Assets,
    versions: PageVersions,
}

fn prepare(
    source: &Source<'_>,
    loaded: &Loaded,
    needs: &Needs,
    observer: &dyn Observer,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Prepared, Error> {
    let book = &loaded.book;
    let mut prepared = Prepared {
        history: History::default(),
        assets: Assets::default(),
        versions: PageVersions::default(),
    };
    if needs.history || !needs.versions.is_empty() {
        let walk = HistoryOptions {
            mode: match needs.all_commits {
                true => WalkMode::AllCommits,
                false => WalkMode::FirstParent,
            },
            // Every page's history when one exporter wants it, else only the versioned pages'.
            pages: (!needs.history).then(|| needs.versions.clone()),
        };
        observer.started("walking the history");
        let start = Instant::now();
        let (history, found) = source.history(book, &walk)?;
        let detail = format!(", {} commits", history.commits);
        observer.finished("walking the history", start.elapsed(), &detail);
        diagnostics.extend(found);
        prepared.history = history;
    }
    if needs.assets {
        let (assets, found) = stage(observer, "reading the assets", || {
            source.assets(book, &loaded.settings)
        })?;
        diagnostics.extend(found);
        prepared.assets = assets;
    }
    if !needs.versions.is_empty() {
        let (versions, found) = stage(observer, "reading past versions", || {
            source.versions(book, &prepared.history, &needs.versions)
        })?;
        diagnostics.extend(found);
        prepared.versions = versions;
    }
    Ok(prepared)
}

/// Runs one stage of work, telling the observer when it starts and ends.
fn stage<T>(observer: &dyn Observer, name: &str, work: impl FnOnce() -> T) -> T {
    observer.started(name);
    let start = Instant::now();
    let result = work();
    observer.finished(name, start.elapsed(), "");
    result
}

impl Built {
    /// Writes every export that succeeded, whatever failed beside it (each file replaced only
    /// once the new one is whole), then saves the cache.
    pub fn write(&self, observer: &dyn Observer) -> Written {
        let mut written = stage(observer, "writing the outputs", || {
            let mut written = Written::default();
            for outcome in &self.outcomes {
                let files = match &outcome.result {
                    Ok(files) => files,
                    Err(error) => {
                        let failure = (outcome.exporter.to_owned(), error.message.clone());
                        written.failures.push(failure);
                        continue;
                    }
                };
                for file in files {
                    match output::write_atomically(&self.out, file) {
                        Ok(path) => written.files.push(path),
                        Err(error) => written.failures.push((
                            outcome.exporter.to_owned(),
                            format!(
                                "could not write {}: {error}",
                                self.out.join(&file.name).display()
                            ),
                        )),
                    }
                }
            }
            written
        });
        // After the outputs, which matter more; a cache that cannot be written costs the next
        // build time, nothing else.
        if let Some((cache, file)) = &self.cache {
            written.cache_warning =
                stage(observer, "saving the cache", || cache::write(cache, file)).err();
        }
        written
    }

    /// Results the cache gave back, results computed, and where the cache is kept.
    pub fn cache_use(&self) -> Option<(usize, usize, &Path)> {
        self.cache.as_ref().map(|(cache, file)| {
            let (hits, misses) = cache.hits_and_misses();
            (hits, misses, file.as_path())
        })
    }
}
