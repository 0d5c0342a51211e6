//! The few words the PDF writes itself, in the book's language, and the hyphenation patterns
//! of that language. Languages and dates are `livret_text`'s; only the PDF's labels are here.

use livret_model::HintStyle;
use livret_text::Language;

/// The PDF's own labels, and its hyphenation, for a [`Language`].
pub(crate) trait Words {
    fn hyphenation(self) -> hypher::Lang;
    fn contents(self) -> &'static str;
    fn page_of(self, n: usize, total: usize) -> String;
    fn revision(self) -> &'static str;
    fn hint(self, style: HintStyle) -> &'static str;
    fn details(self) -> &'static str;
    fn step(self, n: usize) -> String;
    fn file(self) -> &'static str;
    fn embed(self) -> &'static str;
    fn image(self, alt: &str) -> String;
}

impl Words for Language {
    fn hyphenation(self) -> hypher::Lang {
        self.pick(hypher::Lang::French, hypher::Lang::English)
    }

    fn contents(self) -> &'static str {
        self.pick("Sommaire", "Contents")
    }

    fn page_of(self, n: usize, total: usize) -> String {
        match self {
            Language::French => format!("Page {n} sur {total}"),
            Language::English => format!("Page {n} of {total}"),
        }
    }

    fn revision(self) -> &'static str {
        self.pick("Révision", "Revision")
    }

    fn hint(self, style: HintStyle) -> &'static str {
        match style {
            HintStyle::Info => self.pick("Information", "Info"),
            HintStyle::Success => self.pick("Succès", "Success"),
            HintStyle::Warning => self.pick("Avertissement", "Warning"),
            HintStyle::Danger => "Danger",
        }
    }

    fn details(self) -> &'static str {
        self.pick("Détails", "Details")
    }

    fn step(self, n: usize) -> String {
        match self {
            Language::French => format!("Étape {n}"),
            Language::English => format!("Step {n}"),
        }
    }

    fn file(self) -> &'static str {
        self.pick("Fichier", "File")
    }

    fn embed(self) -> &'static str {
        self.pick("Contenu intégré", "Embedded content")
    }

    fn image(self, alt: &str) -> String {
        match (self, alt.trim()) {
            (_, "") => "[image]".to_owned(),
            (Language::French, alt) => format!("[image : {alt}]"),
            (Language::English, alt) => format!("[image: {alt}]"),
        }
    }
}

/// `1er mars 2024`, `1 March 2024`: the day of a commit time in the committer's zone.
pub(crate) fn commit_date(language: Language, seconds: i64, offset_minutes: i32) -> String {
    let (day, month, year) = livret_text::dates::civil(seconds, offset_minutes);
    language.date(day, month, year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_dates() {
        // 2024-03-01 09:00:00 UTC
        assert_eq!(
            commit_date(Language::French, 1_709_283_600, 60),
            "1er mars 2024"
        );
        assert_eq!(
            commit_date(Language::English, 1_709_283_600, 0),
            "1 March 2024"
        );
        assert_eq!(Language::French.page_of(2, 9), "Page 2 sur 9");
        assert_eq!(Language::English.image(" "), "[image]");
        assert_eq!(Language::French.image("logo"), "[image : logo]");
        assert_eq!(Language::English.hyphenation(), hypher::Lang::English);
    }
}
