//! `gen-handbook DIR [--pages N] [--commits N] [--seed N]`: writes a generated handbook repository to DIR.

use livret_handbook_gen::{generate, Spec};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: gen-handbook DIR [--pages N] [--commits N] [--seed N]";

fn parse(mut args: impl Iterator<Item = String>) -> Result<(PathBuf, Spec), String> {
    let mut dir = None;
    let mut spec = Spec::default();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let value = args.next().ok_or_else(|| format!("{name} needs a value"))?;
            value
                .parse()
                .map_err(|_| format!("{name}: `{value}` is not a number"))
        };
        match arg.as_str() {
            "--pages" => spec.pages = number("--pages")? as usize,
            "--commits" => spec.commits = number("--commits")? as usize,
            "--seed" => spec.seed = number("--seed")?,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            _ if dir.is_some() => return Err(format!("unexpected argument {arg}")),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let dir = dir.ok_or_else(|| "DIR is missing".to_owned())?;
    Ok((dir, spec))
}

fn main() -> ExitCode {
    let (dir, spec) = match parse(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    match generate(&dir, &spec) {
        Ok(stats) => {
            println!("repository  {}", dir.display());
            println!("pages       {}", stats.pages);
            println!(
                "markdown    {} bytes ({:.2} MB)",
                stats.markdown_bytes,
                stats.markdown_bytes as f64 / 1e6
            );
            println!("commits     {}", stats.commits);
            println!("head        {}", stats.head);
            println!("seed        {}", spec.seed);
            println!("time        {:.2} s", start.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("gen-handbook: {}", error.message());
            ExitCode::FAILURE
        }
    }
}
