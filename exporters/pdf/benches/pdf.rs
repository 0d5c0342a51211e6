//! The PDF of the generated 400-page handbook: `livret build --format pdf` against pandoc with
//! WeasyPrint (Debian's `pandoc` and `weasyprint` packages) on the same pages, side by side.
//! Each route runs three times as its own process; the table shows the best time and the peak
//! resident memory of each route's processes (WeasyPrint included, as pandoc's child).
//!
//! Then the second build after one page changed: a clone of the handbook with one more commit
//! that edits one page, built with the cache the first build left (`--cache-dir`), against the
//! first build from scratch (`--no-cache`); and the same for the PDF exporter alone, in this
//! process (the book loaded once; one page edited in the model).
//!
//! `cargo bench -p livret-export-pdf --bench pdf` (builds the release `livret` first). Set
//! `LIVRET_BENCH_PAGES` for another size, `LIVRET_BENCH_SKIP_PANDOC=1` to time livret alone.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

const RUNS: usize = 3;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    // Child mode: run one command, report its time and the peak RSS of its process tree.
    if args.get(1).map(String::as_str) == Some("--measure") {
        return measure(&args[2..]);
    }
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("benchmark failed: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `command` and prints `seconds kilobytes` (the largest resident set of it and its children).
fn measure(command: &[String]) -> ExitCode {
    let Some((program, rest)) = command.split_first() else {
        return ExitCode::FAILURE;
    };
    let start = Instant::now();
    let status = Command::new(program)
        .args(rest)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let elapsed = start.elapsed().as_secs_f64();
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN);
    match (status, usage) {
        (Ok(status), Ok(usage)) if status.success() => {
            println!("{elapsed} {}", usage.max_rss());
            ExitCode::SUCCESS
        }
        (Ok(status), _) => {
            eprintln!("{program} exited with {status}");
            ExitCode::FAILURE
        }
        (Err(error), _) => {
            eprintln!("could not run {program}: {error}");
            ExitCode::FAILURE
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(command: &mut Command) -> Result<String, String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Best time (s) and largest peak RSS (MiB) of `RUNS` runs of `command`, each in its own process.
fn best_of(command: &[String]) -> Result<(f64, f64), String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut best = f64::MAX;
    let mut peak: f64 = 0.0;
    for _ in 0..RUNS {
        let output = run(Command::new(&me).arg("--measure").args(command))?;
        let mut fields = output.split_whitespace();
        let seconds: f64 = fields
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or("no time")?;
        let kilobytes: f64 = fields
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or("no memory")?;
        best = best.min(seconds);
        peak = peak.max(kilobytes / 1024.0);
    }
    Ok((best, peak))
}

fn pdf_pages(pdf: &Path) -> String {
    run(Command::new("pdfinfo").arg(pdf))
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("Pages:").map(|p| p.trim().to_owned()))
        })
        .unwrap_or_else(|| "?".to_owned())
}

fn bench() -> Result<(), String> {
    let pages: usize = std::env::var("LIVRET_BENCH_PAGES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(400);
    let root = workspace();
    let target = root.join("target/bench-pdf");
    let handbook = target.join(format!(
        "handbook-{pages}-{:016x}",
        livret_handbook_gen::FINGERPRINT
    ));
    if !handbook.join(".git").exists() {
        let _ = std::fs::remove_dir_all(&handbook);
        let spec = livret_handbook_gen::Spec {
            pages,
            commits: 1,
            seed: 1,
        };
        livret_handbook_gen::generate(&handbook, &spec).map_err(|e| e.to_string())?;
    }

    // The release binary, built like the tests build theirs.
    eprintln!("building the release livret binary…");
    run(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .current_dir(&root)
            .args(["build", "--release", "-p", "livret-cli", "--bin", "livret"]),
    )?;
    let livret = root.join("target/release/livret");

    // The same pages as Markdown files, in reading order, for pandoc.
    let loaded = livret_core::load(&livret_core::LoadOptions {
        repository: handbook.clone(),
        revision: "HEAD".to_owned(),
        root: None,
    })
    .map_err(|e| e.to_string())?;
    let files = target.join(format!("files-{pages}"));
    let _ = std::fs::remove_dir_all(&files);
    std::fs::create_dir_all(&files).map_err(|e| e.to_string())?;
    let archive = Command::new("git")
        .arg("-C")
        .arg(&handbook)
        .args(["archive", "--format=tar", "HEAD"])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let status = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&files)
        .stdin(archive.stdout.ok_or("no git archive output")?)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("could not extract the handbook's files".to_owned());
    }
    let book_root = files.join(&loaded.book.meta.root);
    let inputs: Vec<String> = loaded
        .book
        .pages
        .iter()
        .map(|page| book_root.join(&page.path).display().to_string())
        .collect();

    let out = target.join("out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let livret_command: Vec<String> = vec![
        livret.display().to_string(),
        "build".into(),
        "--format".into(),
        "pdf".into(),
        "--out".into(),
        out.display().to_string(),
        "--repo".into(),
        handbook.display().to_string(),
        "-q".into(),
        "--no-cache".into(),
    ];
    eprintln!("timing livret ({} pages)…", inputs.len());
    let (livret_time, livret_memory) = best_of(&livret_command)?;
    let livret_pages = pdf_pages(&out.join("book.pdf"));

    let mut rows = vec![(
        "livret build --format pdf".to_owned(),
        livret_time,
        livret_memory,
        livret_pages,
    )];

    // The second build after one page changed, with the cache of the first.
    let (edited, revision) = edited_clone(&handbook, &target)?;
    let cache = target.join("cache");
    let first_cache = target.join("cache-first");
    let _ = std::fs::remove_dir_all(&first_cache);
    let mut first = livret_command.clone();
    first.pop();
    first.extend(["--cache-dir".into(), first_cache.display().to_string()]);
    run(Command::new(&first[0]).args(&first[1..]))?;
    let mut second: Vec<String> = vec![
        "sh".into(),
        "-c".into(),
        "rm -rf \"$1\" && cp -r \"$2\" \"$1\" && shift 2 && exec \"$@\"".into(),
        "sh".into(),
        cache.display().to_string(),
        first_cache.display().to_string(),
    ];
    second.extend([
        livret.display().to_string(),
        "build".into(),
        "--format".into(),
        "pdf".into(),
        "--out".into(),
        out.display().to_string(),
        "--repo".into(),
        edited.display().to_string(),
        "--rev".into(),
        revision,
        "-q".into(),
        "--cache-dir".into(),
        cache.display().to_string(),
    ]);
    eprintln!("timing the second build after one page changed…");
    let (warm_time, warm_memory) = best_of(&second)?;
    let warm_pages = pdf_pages(&out.join("book.pdf"));
    rows.push((
        "second build, one page changed".to_owned(),
        warm_time,
        warm_memory,
        warm_pages,
    ));
    let in_process = exporter_alone(&loaded, &handbook)?;
    let skip_pandoc = std::env::var_os("LIVRET_BENCH_SKIP_PANDOC").is_some();
    if !skip_pandoc {
        let pandoc_pdf = out.join("pandoc.pdf");
        let mut pandoc_command: Vec<String> = vec![
            "pandoc".into(),
            "--from=gfm".into(),
            "--pdf-engine=weasyprint".into(),
            "--toc".into(),
            "--metadata".into(),
            format!("title={}", loaded.book.meta.title),
            "--resource-path".into(),
            book_root.display().to_string(),
            "-o".into(),
            pandoc_pdf.display().to_string(),
        ];
        pandoc_command.extend(inputs.iter().cloned());
        eprintln!("timing pandoc with WeasyPrint…");
        let (pandoc_time, pandoc_memory) = best_of(&pandoc_command)?;
        rows.push((
            "pandoc --pdf-engine=weasyprint".to_owned(),
            pandoc_time,
            pandoc_memory,
            pdf_pages(&pandoc_pdf),
        ));
    }

    println!();
    println!(
        "{} handbook pages, best of {RUNS} runs, each run its own process",
        inputs.len()
    );
    println!(
        "{:<34} {:>12} {:>16} {:>10}",
        "route", "time (s)", "peak RSS (MiB)", "PDF pages"
    );
    for (name, time, memory, pages) in &rows {
        println!("{name:<34} {time:>12.3} {memory:>16.1} {pages:>10}");
    }
    println!();
    println!(
        "second build after one page changed (warm cache): {warm_time:.3} s, {:.0}% of the first build ({livret_time:.3} s)",
        warm_time / livret_time * 100.0
    );
    let (cold, warm) = in_process;
    println!(
        "PDF exporter alone, second export after one page changed (warm cache): {warm:.3} s, {:.0}% of the cold export ({cold:.3} s)",
        warm / cold * 100.0
    );
    let ratio = warm / cold;
    if ratio >= 0.25 {
        return Err("the warm export takes more than 25% of the cold one".to_owned());
    }
    if let Some((_, pandoc_time, _, _)) = rows.get(2) {
        let speedup = pandoc_time / livret_time;
        println!();
        println!(
            "livret is {speedup:.1}x faster (target: at least 25x) and peaks at {livret_memory:.0} MiB (target: under 250 MiB)"
        );
        if speedup < 25.0 || livret_memory >= 250.0 {
            return Err("a target is missed".to_owned());
        }
    } else if livret_memory >= 250.0 {
        return Err("livret peaks above 250 MiB".to_owned());
    }
    Ok(())
}

/// A clone of `handbook` with one more commit that adds a sentence to one page; its id.
fn edited_clone(handbook: &Path, target: &Path) -> Result<(PathBuf, String), String> {
    let edited = target.join("handbook-edited");
    let _ = std::fs::remove_dir_all(&edited);
    run(Command::new("git")
        .args(["clone", "-q"])
        .arg(handbook)
        .arg(&edited))?;
    let files = run(Command::new("git")
        .arg("-C")
        .arg(&edited)
        .args(["ls-files", "*.md"]))?;
    let page = files
        .lines()
        .filter(|f| !f.ends_with("SUMMARY.md") && !f.ends_with("README.md"))
        .nth(40)
        .ok_or("the handbook has too few pages")?
        .to_owned();
    let path = edited.join(&page);
    let mut text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    text.push_str("\nUne phrase ajoutée à cette page pour la seconde construction.\n");
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    run(Command::new("git")
        .arg("-C")
        .arg(&edited)
        .args([
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.org",
            "commit",
            "-q",
            "-am",
        ])
        .arg(format!("Edit {page}")))?;
    let revision = run(Command::new("git")
        .arg("-C")
        .arg(&edited)
        .args(["rev-parse", "HEAD"]))?;
    Ok((edited, revision.trim().to_owned()))
}

/// Best times of the PDF exporter alone: from scratch, and again after one page changed with
/// the cache of the first export (a fresh copy of it each run, as a new build would read it).
fn exporter_alone(loaded: &livret_core::Loaded, handbook: &Path) -> Result<(f64, f64), String> {
    use livret_cache::MemoryCache;
    use livret_model::{Block, ExportContext, Inline};
    let options = livret_core::LoadOptions {
        repository: handbook.to_path_buf(),
        revision: "HEAD".to_owned(),
        root: None,
    };
    let (assets, _) = livret_core::Source::open(&options)
        .and_then(|source| source.assets(&loaded.book, &loaded.settings))
        .map_err(|e| e.to_string())?;
    let book = &loaded.book;
    let settings = &loaded.settings;
    let exporter = livret_export_pdf::PdfExporter;
    let render = |book: &livret_model::Book, cache: Option<&MemoryCache>| {
        let mut context = ExportContext::new(book, settings).with_assets(&assets);
        if let Some(cache) = cache {
            context = context.with_cache(cache);
        }
        let start = Instant::now();
        let bytes = exporter.render(&context).map_err(|e| e.message)?.0;
        Ok::<_, String>((start.elapsed().as_secs_f64(), bytes))
    };
    let mut changed = book.clone();
    let index = 40.min(changed.pages.len() - 1);
    changed.pages[index].intro.push(Block::Paragraph {
        content: vec![Inline::Text {
            text: "Une phrase ajoutée à cette page pour la seconde construction.".to_owned(),
        }],
    });
    eprintln!("timing the PDF exporter alone…");
    let first = MemoryCache::new(1);
    render(book, Some(&first))?;
    let saved = first.to_bytes();
    let (mut cold, mut warm) = (f64::MAX, f64::MAX);
    let mut outputs = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let (time, bytes) = render(&changed, None)?;
        cold = cold.min(time);
        outputs.0 = bytes;
        let cache = MemoryCache::from_bytes(1, &saved);
        let (time, bytes) = render(&changed, Some(&cache))?;
        warm = warm.min(time);
        outputs.1 = bytes;
    }
    if outputs.0 != outputs.1 {
        return Err("the warm export differs from the cold one".to_owned());
    }
    Ok((cold, warm))
}
