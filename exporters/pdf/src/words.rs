//! The few words the PDF writes itself, in French or English, and dates.

use livret_model::HintStyle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Fr,
    En,
}

impl Lang {
    /// From a BCP 47 tag: `en`, `en-GB`… are English, anything else French.
    pub(crate) fn from_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Fr
        }
    }

    pub(crate) fn hyphenation(self) -> hypher::Lang {
        match self {
            Lang::Fr => hypher::Lang::French,
            Lang::En => hypher::Lang::English,
        }
    }

    fn pick(self, fr: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    pub(crate) fn contents(self) -> &'static str {
        self.pick("Sommaire", "Contents")
    }

    pub(crate) fn page_of(self, n: usize, total: usize) -> String {
        match self {
            Lang::Fr => format!("Page {n} sur {total}"),
            Lang::En => format!("Page {n} of {total}"),
        }
    }

    pub(crate) fn revision(self) -> &'static str {
        self.pick("Révision", "Revision")
    }

    pub(crate) fn hint(self, style: HintStyle) -> &'static str {
        match style {
            HintStyle::Info => self.pick("Information", "Info"),
            HintStyle::Success => self.pick("Succès", "Success"),
            HintStyle::Warning => self.pick("Avertissement", "Warning"),
            HintStyle::Danger => "Danger",
        }
    }

    pub(crate) fn details(self) -> &'static str {
        self.pick("Détails", "Details")
    }

    pub(crate) fn step(self, n: usize) -> String {
        match self {
            Lang::Fr => format!("Étape {n}"),
            Lang::En => format!("Step {n}"),
        }
    }

    pub(crate) fn file(self) -> &'static str {
        self.pick("Fichier", "File")
    }

    pub(crate) fn embed(self) -> &'static str {
        self.pick("Contenu intégré", "Embedded content")
    }

    pub(crate) fn image(self, alt: &str) -> String {
        match (self, alt.trim()) {
            (_, "") => "[image]".to_owned(),
            (Lang::Fr, alt) => format!("[image : {alt}]"),
            (Lang::En, alt) => format!("[image: {alt}]"),
        }
    }

    /// `1 mars 2024`, `1 March 2024`.
    pub(crate) fn date(self, time: i64, offset_minutes: i32) -> String {
        let (year, month, day) = civil(time + i64::from(offset_minutes) * 60);
        const FR: [&str; 12] = [
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
        const EN: [&str; 12] = [
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
        let index = usize::try_from(month.saturating_sub(1))
            .unwrap_or(0)
            .min(11);
        match self {
            Lang::Fr if day == 1 => format!("1er {} {year}", FR[index]),
            Lang::Fr => format!("{day} {} {year}", FR[index]),
            Lang::En => format!("{day} {} {year}", EN[index]),
        }
    }
}

/// Year, month, day of a Unix time (UTC), by the `time` crate; times it cannot represent give 1970.
pub(crate) fn civil(time: i64) -> (i64, u32, u32) {
    let date = time::OffsetDateTime::from_unix_timestamp(time)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    (
        i64::from(date.year()),
        u32::from(u8::from(date.month())),
        u32::from(date.day()),
    )
}

/// `D:YYYYMMDDHHmmSS+HH'mm'`, the PDF date of a commit time in its own time zone.
pub(crate) fn pdf_date(time: i64, offset_minutes: i32) -> String {
    let local = time + i64::from(offset_minutes) * 60;
    let (year, month, day) = civil(local);
    let seconds = local.rem_euclid(86_400);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let offset = offset_minutes.unsigned_abs();
    format!(
        "D:{year:04}{month:02}{day:02}{:02}{:02}{:02}{sign}{:02}'{:02}'",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        offset / 60,
        offset % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        // 2024-03-01 09:00:00 UTC
        assert_eq!(civil(1_709_283_600), (2024, 3, 1));
        assert_eq!(Lang::Fr.date(1_709_283_600, 60), "1er mars 2024");
        assert_eq!(Lang::En.date(1_709_283_600, 0), "1 March 2024");
        assert_eq!(pdf_date(1_709_283_600, 60), "D:20240301100000+01'00'");
        assert_eq!(pdf_date(1_709_283_600, -150), "D:20240301063000-02'30'");
    }
}
