//! Diagnostics for people (rustc-style, coloured on a terminal) and for programs (JSON lines).

use livret_model::{Diagnostic, Severity};
use std::io::{IsTerminal, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

impl Verbosity {
    pub fn from_flags(quiet: bool, verbose: bool) -> Self {
        match (quiet, verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        }
    }

    fn shows(self, severity: Severity) -> bool {
        match self {
            Verbosity::Quiet => severity == Severity::Error,
            Verbosity::Normal => severity != Severity::Note,
            Verbosity::Verbose => true,
        }
    }
}

struct Style {
    on: bool,
}

impl Style {
    fn stderr() -> Self {
        Style {
            on: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn severity(&self, severity: Severity) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Note => "1;36",
        };
        self.paint(code, &severity.to_string())
    }
}

/// `error: message`, for failures of livret itself.
pub fn error_line(message: &str) -> String {
    format!("{}: {message}", Style::stderr().severity(Severity::Error))
}

/// `warning: message`, for livret's own troubles that do not stop it.
pub fn warning_line(message: &str) -> String {
    format!("{}: {message}", Style::stderr().severity(Severity::Warning))
}

/// Prints diagnostics rustc-style on stderr, then a summary line.
pub fn print_text(diagnostics: &[Diagnostic], pages: usize, verbosity: Verbosity) {
    let style = Style::stderr();
    let mut out = std::io::stderr().lock();
    for diagnostic in diagnostics.iter().filter(|d| verbosity.shows(d.severity)) {
        let _ = write!(out, "{}", render(diagnostic, &style));
    }
    if verbosity == Verbosity::Quiet {
        return;
    }
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    let hidden = if verbosity == Verbosity::Normal && notes > 0 {
        " (-v shows notes)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "livret: {pages} pages, {errors} error(s), {warnings} warning(s), {notes} note(s){hidden}"
    );
}

fn render(diagnostic: &Diagnostic, style: &Style) -> String {
    let mut text = format!(
        "{}{}: {}\n",
        style.severity(diagnostic.severity),
        style.paint("1", &format!("[{}]", diagnostic.code)),
        diagnostic.message
    );
    if let Some(path) = &diagnostic.path {
        let location = match (diagnostic.line, diagnostic.column) {
            (Some(line), Some(column)) => format!("{path}:{line}:{column}"),
            (Some(line), None) => format!("{path}:{line}"),
            _ => path.clone(),
        };
        text.push_str(&format!("  {} {location}\n", style.paint("34", "-->")));
    }
    if let (Some(line), Some(source)) = (diagnostic.line, &diagnostic.source_line) {
        let number = line.to_string();
        let gutter = " ".repeat(number.len());
        let bar = style.paint("34", "|");
        text.push_str(&format!(
            "{gutter} {bar}\n{} {bar} {source}\n{gutter} {bar}\n",
            style.paint("34", &number)
        ));
    }
    if let Some(help) = &diagnostic.help {
        text.push_str(&format!("  = {}: {help}\n", style.paint("1", "help")));
    }
    text.push('\n');
    text
}

/// One JSON object per diagnostic and line, on stdout.
pub fn print_json_lines(diagnostics: &[Diagnostic]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for diagnostic in diagnostics {
        serde_json::to_writer(&mut out, diagnostic)?;
        writeln!(out)?;
    }
    Ok(())
}
