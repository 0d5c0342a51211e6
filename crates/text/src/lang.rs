/// The language of the words livret writes itself (labels, dates): French, the language of its
/// first users, unless the book says English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Language {
    #[default]
    French,
    English,
}

const FRENCH_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Language {
    /// From a BCP 47 tag such as the book's: `en`, `en-GB`, `EN_us` are English, anything else French.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.trim().eq_ignore_ascii_case("en") {
            Language::English
        } else {
            Language::French
        }
    }

    /// `fr` or `en`.
    pub fn tag(self) -> &'static str {
        self.pick("fr", "en")
    }

    /// The French or the English of a word.
    pub fn pick<T>(self, french: T, english: T) -> T {
        match self {
            Language::French => french,
            Language::English => english,
        }
    }

    /// `1er mars 2024`, `2 mars 2024`, `1 March 2024`: day, month (1–12) and year.
    pub fn date(self, day: u8, month: u8, year: i32) -> String {
        let months = self.pick(FRENCH_MONTHS, ENGLISH_MONTHS);
        let month = months
            .get(usize::from(month).saturating_sub(1))
            .copied()
            .unwrap_or_default();
        match (self, day) {
            (Language::French, 1) => format!("1er {month} {year}"),
            _ => format!("{day} {month} {year}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_dates() {
        assert_eq!(Language::from_tag("en-GB"), Language::English);
        assert_eq!(Language::from_tag("EN_us"), Language::English);
        assert_eq!(Language::from_tag("fr-FR"), Language::French);
        assert_eq!(Language::from_tag(""), Language::French);
        assert_eq!(Language::English.tag(), "en");
        assert_eq!(Language::French.date(1, 3, 2024), "1er mars 2024");
        assert_eq!(Language::French.date(2, 12, 2024), "2 décembre 2024");
        assert_eq!(Language::English.date(1, 3, 2024), "1 March 2024");
    }
}
