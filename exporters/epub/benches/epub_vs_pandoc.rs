//! EPUB benchmark: `livret build --format epub` (the release binary, from the Git repository)
//! against `pandoc -o out.epub page1.md page2.md …` (the same pages, in SUMMARY order, from files
//! on disk), side by side on the generated 400-page handbook; wall time is the best of 3 runs of
//! each, alternated, and peak memory is the child's maximum resident set size.
//!
//! `cargo bench -p livret-export-epub --bench epub_vs_pandoc`. The handbook (400 pages, 2,000
//! commits) is generated once into `target/bench-handbook/`, shared with the other benchmarks; the
//! livret binary is built with `cargo build --release -p livret-cli` first. Set
//! `LIVRET_BENCH_EPUBCHECK=1` to also run EPUBCheck on both outputs (about two minutes).
//! Exits with status 1 when a target (20× faster than pandoc, under 150 MiB) is missed.

use livret_cache::MemoryCache;
use livret_core::{load, LoadOptions};
use livret_handbook_gen::bench::{ms, shared_handbook, target_dir};
use livret_model::{Block, Book, ExportContext, Inline};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const RUNS: usize = 3;
const SPEED_TARGET: f64 = 20.0;
const PEAK_TARGET_MIB: f64 = 150.0;
const EPUBCHECK_JAR: &str = "/usr/share/java/epubcheck.jar";

type Result<T> = std::result::Result<T, String>;

fn main() {
    match run() {
        Ok(true) => {}
        Ok(false) => {
            eprintln!("bench epub: a target was missed");
            std::process::exit(1);
        }
        Err(message) => {
            eprintln!("bench epub: {message}");
            std::process::exit(1);
        }
    }
}

/// Builds the release `livret` binary and returns its path.
fn build_livret(target: &Path) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let status = Command::new(cargo)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .args(["build", "--release", "-p", "livret-cli", "--bin", "livret"])
        .status()
        .map_err(|e| format!("running cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p livret-cli failed".to_owned());
    }
    let binary = target.join("release").join("livret");
    binary
        .is_file()
        .then_some(binary)
        .ok_or_else(|| "no target/release/livret after the build".to_owned())
}

/// Writes every file of HEAD to `out` (pandoc reads files, not Git) and returns the book folder.
fn export_files(repository: &Path, root: &str, out: &Path) -> Result<PathBuf> {
    let git = |e: git2::Error| format!("reading the handbook: {e}");
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("removing {}: {e}", out.display()))?;
    }
    let repo = git2::Repository::open(repository).map_err(git)?;
    let tree = repo.head().and_then(|h| h.peel_to_tree()).map_err(git)?;
    let mut files = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            files.push((
                format!("{dir}{}", entry.name().unwrap_or_default()),
                entry.id(),
            ));
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(git)?;
    for (path, id) in files {
        let target = out.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let blob = repo.find_blob(id).map_err(git)?;
        std::fs::write(&target, blob.content())
            .map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(if root.is_empty() {
        out.to_owned()
    } else {
        out.join(root)
    })
}

/// The book with a sentence added to the page in the middle of the reading order.
fn one_page_changed(book: &Book) -> Book {
    let mut changed = book.clone();
    let middle = changed.pages.len() / 2;
    if let Some(page) = changed.pages.get_mut(middle) {
        page.intro.push(Block::Paragraph {
            content: vec![Inline::Text {
                text: "Une phrase ajoutée pour la deuxième construction.".to_owned(),
            }],
        });
    }
    changed
}

/// Runs a command to completion, its output discarded; an error if it fails.
fn run_quiet(command: &mut Command, what: &str) -> Result<()> {
    let output = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("running {what}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Peak resident set size of `command`, in MiB: GNU time's `%M` where it is installed, else
/// Python's `getrusage(RUSAGE_CHILDREN)`.
fn peak_mib(program: &Path, args: &[String], cwd: &Path) -> Result<f64> {
    let gnu_time = Path::new("/usr/bin/time");
    let mut command = if gnu_time.is_file() {
        let mut command = Command::new(gnu_time);
        command.args(["-f", "PEAK %M"]).arg(program).args(args);
        command
    } else {
        let mut command = Command::new("python3");
        command
            .args([
                "-c",
                "import resource, subprocess, sys\n\
                 code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n\
                 print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n\
                 sys.exit(code)",
            ])
            .arg(program)
            .args(args);
        command
    };
    let output = command
        .current_dir(cwd)
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("measuring {}: {e}", program.display()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("{} failed: {stderr}", program.display()));
    }
    stderr
        .lines()
        .find_map(|line| line.strip_prefix("PEAK "))
        .and_then(|kib| kib.trim().parse::<f64>().ok())
        .map(|kib| kib / 1024.0)
        .ok_or_else(|| format!("no peak memory for {}: {stderr}", program.display()))
}

/// EPUBCheck's `Messages:` line for `epub`.
fn epubcheck(epub: &Path) -> Result<String> {
    let output = Command::new("java")
        .args(["-jar", EPUBCHECK_JAR])
        .arg(epub)
        .output()
        .map_err(|e| format!("running epubcheck: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(text
        .lines()
        .find_map(|line| line.strip_prefix("Messages: "))
        .unwrap_or("no Messages line")
        .to_owned())
}

fn run() -> Result<bool> {
    let target = target_dir();
    let (repository, origin) = shared_handbook()?;
    let livret = build_livret(&target)?;
    let options = LoadOptions::new(&repository);
    let loaded = load(&options).map_err(|e| format!("loading the handbook: {e}"))?;
    let book = &loaded.book;
    let files = export_files(
        &repository,
        &book.meta.root,
        &target.join("bench-handbook-epub-files"),
    )?;
    let out = target.join("bench-epub-out");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;

    let livret_args: Vec<String> = vec![
        "build".into(),
        "-q".into(),
        "--format".into(),
        "epub".into(),
        "--out".into(),
        out.join("livret").display().to_string(),
        "--repo".into(),
        repository.display().to_string(),
    ];
    let pandoc_epub = out.join("pandoc.epub");
    let mut pandoc_args: Vec<String> = vec![
        "--quiet".into(),
        "-f".into(),
        "markdown".into(),
        "-t".into(),
        "epub3".into(),
        "--metadata".into(),
        format!("title={}", book.meta.title),
        "--metadata".into(),
        format!("lang={}", book.meta.language),
        "-o".into(),
        pandoc_epub.display().to_string(),
    ];
    pandoc_args.extend(book.pages.iter().map(|page| page.path.clone()));
    let pandoc = PathBuf::from("pandoc");
    let pandoc_version = Command::new(&pandoc)
        .arg("--version")
        .output()
        .map_err(|e| format!("pandoc is needed (apt-get install pandoc): {e}"))?;
    let pandoc_version = String::from_utf8_lossy(&pandoc_version.stdout)
        .lines()
        .next()
        .unwrap_or("pandoc")
        .to_owned();

    // Side by side: each round runs livret then pandoc; the best of the rounds counts.
    let mut livret_times = Vec::with_capacity(RUNS);
    let mut pandoc_times = Vec::with_capacity(RUNS);
    run_quiet(Command::new(&livret).args(&livret_args), "livret")?; // warm the page cache
    for _ in 0..RUNS {
        let start = Instant::now();
        run_quiet(Command::new(&livret).args(&livret_args), "livret")?;
        livret_times.push(start.elapsed());
        let start = Instant::now();
        run_quiet(
            Command::new(&pandoc).args(&pandoc_args).current_dir(&files),
            "pandoc",
        )?;
        pandoc_times.push(start.elapsed());
    }
    livret_times.sort();
    pandoc_times.sort();
    let livret_peak = peak_mib(&livret, &livret_args, &files)?;
    let pandoc_peak = peak_mib(&pandoc, &pandoc_args, &files)?;

    // The exporter alone, in this process: the book loaded and its assets read beforehand.
    let (assets, _) = livret_core::Source::open(&options)
        .and_then(|source| source.assets(book, &loaded.settings))
        .map_err(|e| format!("reading the assets: {e}"))?;
    let context = ExportContext::new(book, &loaded.settings).with_assets(&assets);
    let mut exporter_times = Vec::new();
    let mut size = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let built = livret_export_epub::build(&context).map_err(|e| format!("exporting: {e}"))?;
        exporter_times.push(start.elapsed());
        size = built.bytes.len();
    }
    exporter_times.sort();

    // Warm: a first export fills a cache; the book with one page changed is exported with it
    // (read from its bytes before the clock starts, as the driver does) and compared, byte for
    // byte, with a cold export of the changed book.
    let first = MemoryCache::new(0);
    livret_export_epub::build(
        &ExportContext::new(book, &loaded.settings)
            .with_assets(&assets)
            .with_cache(&first),
    )
    .map_err(|e| format!("exporting: {e}"))?;
    let saved = first.to_bytes();
    let changed = one_page_changed(book);
    let changed_context = || ExportContext::new(&changed, &loaded.settings).with_assets(&assets);
    let expected = livret_export_epub::build(&changed_context())
        .map_err(|e| format!("exporting: {e}"))?
        .bytes;
    let mut warm_times = Vec::new();
    for _ in 0..5 {
        let cache = MemoryCache::from_bytes(0, &saved);
        let start = Instant::now();
        let built = livret_export_epub::build(&changed_context().with_cache(&cache))
            .map_err(|e| format!("exporting: {e}"))?;
        warm_times.push(start.elapsed());
        if built.bytes != expected {
            return Err("a warm export differs from a cold one".to_owned());
        }
    }
    warm_times.sort();

    let speedup = pandoc_times[0].as_secs_f64() / livret_times[0].as_secs_f64();
    let fast_enough = speedup >= SPEED_TARGET;
    let small_enough = livret_peak <= PEAK_TARGET_MIB;
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
    println!();
    println!(
        "EPUB benchmark: {} ({origin}), {} pages, {:.2} MB of Markdown at HEAD, {} commits",
        repository.display(),
        book.pages.len(),
        book.pages
            .iter()
            .map(|p| std::fs::metadata(files.join(&p.path)).map_or(0, |m| m.len()))
            .sum::<u64>() as f64
            / 1e6,
        livret_handbook_gen::Spec::default().commits
    );
    println!(
        "best of {RUNS} runs each, alternated; {}; {} CPU(s)",
        pandoc_version,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!(
        "| {:<46} | {:>10} | {:>10} | {:>10} |",
        "command", "best", "median", "peak RSS"
    );
    println!("|{:-<48}|{:->12}|{:->12}|{:->12}|", "", "", "", "");
    println!(
        "| {:<46} | {:>10} | {:>10} | {:>6.1} MiB |",
        "livret build --format epub (from Git)",
        ms(livret_times[0]),
        ms(livret_times[RUNS / 2]),
        livret_peak
    );
    println!(
        "| {:<46} | {:>10} | {:>10} | {:>6.1} MiB |",
        format!("pandoc -o out.epub ({} files)", book.pages.len()),
        ms(pandoc_times[0]),
        ms(pandoc_times[RUNS / 2]),
        pandoc_peak
    );
    println!(
        "| {:<46} | {:>10} | {:>10} | {:>10} |",
        "EPUB exporter alone (in process, best of 5)",
        ms(exporter_times[0]),
        ms(exporter_times[2]),
        ""
    );
    println!(
        "| {:<46} | {:>10} | {:>10} | {:>10} |",
        "  warm, one page changed (cache of the first)",
        ms(warm_times[0]),
        ms(warm_times[2]),
        format!(
            "{:.0}% cold",
            warm_times[0].as_secs_f64() / exporter_times[0].as_secs_f64() * 100.0
        )
    );
    println!();
    println!(
        "livret is {speedup:.1}x faster than pandoc (target >= {SPEED_TARGET}x): {}",
        verdict(fast_enough)
    );
    println!(
        "livret peak {livret_peak:.1} MiB (target < {PEAK_TARGET_MIB} MiB): {}",
        verdict(small_enough)
    );
    println!(
        "book.epub {:.2} MB, pandoc's {:.2} MB",
        size as f64 / 1e6,
        std::fs::metadata(&pandoc_epub).map_or(0, |m| m.len()) as f64 / 1e6
    );
    if std::env::var("LIVRET_BENCH_EPUBCHECK").is_ok_and(|v| v == "1") {
        println!(
            "epubcheck livret: {}",
            epubcheck(&out.join("livret").join("book.epub"))?
        );
        println!("epubcheck pandoc: {}", epubcheck(&pandoc_epub)?);
    }
    Ok(fast_enough && small_enough)
}
