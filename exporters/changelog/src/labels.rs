//! Every word the changelog writes, in French (the default) and English.

use livret_model::HintStyle;
use livret_text::Language;

/// The labels of one language.
#[derive(Debug)]
pub struct Labels {
    pub language: Language,
    pub document_title: &'static str,
    pub revisions: &'static str,
    pub values: &'static str,
    pub retired_values: &'static str,
}

pub const FRENCH: Labels = Labels {
    language: Language::French,
    document_title: "Journal des modifications",
    revisions: "Révisions",
    values: "Valeurs",
    retired_values: "Valeurs retirées",
};

pub const ENGLISH: Labels = Labels {
    language: Language::English,
    document_title: "Changelog",
    revisions: "Revisions",
    values: "Values",
    retired_values: "Retired values",
};

impl Labels {
    pub fn of(language: Language) -> &'static Labels {
        match language {
            Language::French => &FRENCH,
            Language::English => &ENGLISH,
        }
    }

    pub fn fr(&self) -> bool {
        self.language == Language::French
    }

    /// `1 mars 2024` / `1 March 2024`.
    pub fn date(&self, day: u8, month: u8, year: i32) -> String {
        self.language.date(day, month, year)
    }

    /// `« text »` / `“text”`.
    pub fn quote(&self, text: &str) -> String {
        if self.fr() {
            format!("«\u{a0}{text}\u{a0}»")
        } else {
            format!("“{text}”")
        }
    }

    /// The space before `:` (and `;`) in French typography.
    pub fn colon(&self) -> &'static str {
        if self.fr() {
            "\u{a0}:"
        } else {
            ":"
        }
    }

    pub fn semicolon(&self) -> &'static str {
        if self.fr() {
            "\u{a0};"
        } else {
            ";"
        }
    }

    pub fn hint(&self, style: HintStyle) -> &'static str {
        match (self.fr(), style) {
            (true, HintStyle::Info) => "encadré d’information",
            (true, HintStyle::Success) => "encadré d’encouragement",
            (true, HintStyle::Warning) => "encadré d’avertissement",
            (true, HintStyle::Danger) => "encadré d’alerte",
            (false, HintStyle::Info) => "info hint",
            (false, HintStyle::Success) => "success hint",
            (false, HintStyle::Warning) => "warning hint",
            (false, HintStyle::Danger) => "danger hint",
        }
    }

    /// `3 valeurs` / `1 value`.
    pub fn count(&self, count: usize, one: &str, many: &str) -> String {
        if count == 1 || (self.fr() && count == 0) {
            format!("{count} {one}")
        } else {
            format!("{count} {many}")
        }
    }
}
