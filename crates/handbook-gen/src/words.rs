//! A tiny deterministic PRNG, a fixed French word list, and the text, title and slug helpers built on them.

/// SplitMix64: small, fast, and good enough to make text look varied.
#[derive(Debug, Clone)]
pub struct Rng(u64);

/// Mixes two values into one seed (SplitMix64's finaliser over their combination).
pub fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b
        .wrapping_add(0x9E37_79B9_7F4A_7C15)
        .wrapping_mul(0xBF58_476D_1CE4_E5B9)
        .rotate_left(31);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high.saturating_sub(low) + 1)
    }

    /// True `num` times out of `den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        den > 0 && self.next_u64() % den < num
    }

    /// An element of a non-empty constant list (the first one for an empty list is never asked for).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let index = self.below(items.len());
        items[index]
    }

    /// Index chosen with the given weights; 0 when all weights are 0.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        if total == 0 {
            return 0;
        }
        let mut at = self.next_u64() % total;
        for (index, &weight) in weights.iter().enumerate() {
            if at < u64::from(weight) {
                return index;
            }
            at -= u64::from(weight);
        }
        weights.len() - 1
    }
}

pub const NOUNS: &[&str] = &[
    "équipe",
    "projet",
    "réunion",
    "congé",
    "outil",
    "valeur",
    "objectif",
    "processus",
    "client",
    "mission",
    "document",
    "contrat",
    "budget",
    "formation",
    "recrutement",
    "entretien",
    "accueil",
    "rituel",
    "sprint",
    "livraison",
    "produit",
    "service",
    "usager",
    "partenaire",
    "décision",
    "retour",
    "bilan",
    "planning",
    "calendrier",
    "semaine",
    "journée",
    "période",
    "espace",
    "bureau",
    "matériel",
    "ordinateur",
    "compte",
    "accès",
    "sécurité",
    "données",
    "archive",
    "modèle",
    "règle",
    "principe",
    "pratique",
    "méthode",
    "démarche",
    "étape",
    "jalon",
    "tâche",
    "demande",
    "ticket",
    "incident",
    "support",
    "astreinte",
    "facture",
    "note",
    "frais",
    "déplacement",
    "salaire",
    "avantage",
    "mutuelle",
    "télétravail",
    "horaire",
    "présence",
    "absence",
    "arrivée",
    "départ",
    "transmission",
    "confiance",
    "transparence",
    "sobriété",
    "autonomie",
    "entraide",
    "communauté",
    "collectif",
    "gouvernance",
    "cercle",
    "rôle",
    "référent",
    "binôme",
    "atelier",
    "séminaire",
    "feuille",
    "stratégie",
    "indicateur",
    "mesure",
    "qualité",
    "accessibilité",
    "conception",
    "revue",
    "déploiement",
    "serveur",
    "environnement",
    "dépôt",
    "branche",
    "version",
    "documentation",
    "glossaire",
    "annuaire",
    "contact",
    "messagerie",
    "canal",
    "visioconférence",
    "coopérative",
    "association",
    "fabrique",
    "chantier",
    "expérience",
];

pub const ADJECTIVES: &[&str] = &[
    "clair",
    "simple",
    "partagé",
    "collectif",
    "régulier",
    "hebdomadaire",
    "mensuel",
    "annuel",
    "ouvert",
    "commun",
    "interne",
    "externe",
    "numérique",
    "public",
    "prioritaire",
    "important",
    "utile",
    "nécessaire",
    "possible",
    "rapide",
    "léger",
    "souple",
    "durable",
    "responsable",
    "transparent",
    "accessible",
    "complet",
    "nouveau",
    "ancien",
    "principal",
    "quotidien",
    "différent",
    "libre",
    "concret",
    "précis",
    "adapté",
    "efficace",
    "bienveillant",
    "sincère",
    "exigeant",
];

pub const VERBS: &[&str] = &[
    "favorise",
    "permet",
    "facilite",
    "accompagne",
    "organise",
    "précise",
    "décrit",
    "rassemble",
    "explique",
    "définit",
    "garantit",
    "encourage",
    "propose",
    "prépare",
    "valide",
    "partage",
    "documente",
    "simplifie",
    "améliore",
    "soutient",
    "suit",
    "mesure",
    "anime",
    "coordonne",
    "respecte",
    "construit",
    "éclaire",
    "renforce",
    "clarifie",
    "protège",
];

pub const INFINITIVES: &[&str] = &[
    "Organiser",
    "Préparer",
    "Comprendre",
    "Demander",
    "Utiliser",
    "Configurer",
    "Partager",
    "Suivre",
    "Valider",
    "Documenter",
    "Planifier",
    "Accueillir",
    "Animer",
    "Choisir",
    "Signaler",
    "Installer",
    "Déclarer",
    "Réserver",
    "Contacter",
    "Proposer",
    "Améliorer",
    "Mesurer",
    "Protéger",
    "Financer",
    "Publier",
];

pub const DETERMINERS: &[&str] = &[
    "le", "la", "les", "un", "une", "des", "notre", "nos", "chaque", "ce", "cette", "ces", "votre",
    "vos", "leur",
];

pub const PREPOSITIONS: &[&str] = &[
    "de", "pour", "avec", "dans", "sur", "par", "entre", "selon", "sans", "avant", "après",
    "pendant", "chez",
];

pub const CONNECTORS: &[&str] = &[
    "et",
    "mais",
    "ou",
    "donc",
    "puis",
    "ainsi",
    "alors",
    "car",
    "lorsque",
    "quand",
    "afin que",
    "tandis que",
];

pub const TAB_TITLES: &[&str] = &[
    "Mac",
    "Windows",
    "Linux",
    "Équipe",
    "Individuel",
    "En ligne",
    "Sur place",
    "Débutant",
    "Avancé",
    "Mobile",
    "Web",
];

pub const ICONS: &[&str] = &[
    "book",
    "hand-wave",
    "compass",
    "users",
    "shield",
    "rocket",
    "calendar",
    "gear",
];

pub fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `Det nom [adj]`.
fn noun_phrase(rng: &mut Rng, out: &mut String) {
    out.push_str(rng.pick(DETERMINERS));
    out.push(' ');
    out.push_str(rng.pick(NOUNS));
    if rng.chance(1, 3) {
        out.push(' ');
        out.push_str(rng.pick(ADJECTIVES));
    }
}

/// One sentence; `plain` leaves out inline formatting (for front matter and titles).
pub fn sentence(rng: &mut Rng, plain: bool) -> String {
    let mut out = String::with_capacity(160);
    noun_phrase(rng, &mut out);
    out.push(' ');
    out.push_str(rng.pick(VERBS));
    out.push(' ');
    noun_phrase(rng, &mut out);
    for _ in 0..rng.range(0, 3) {
        out.push(' ');
        out.push_str(rng.pick(PREPOSITIONS));
        out.push(' ');
        if !plain && rng.chance(1, 12) {
            out.push_str(&format!("**{}**", rng.pick(NOUNS)));
        } else if !plain && rng.chance(1, 14) {
            out.push_str(&format!("*{} {}*", rng.pick(NOUNS), rng.pick(ADJECTIVES)));
        } else if !plain && rng.chance(1, 20) {
            out.push_str(&format!("`{}`", ascii_slug(rng.pick(NOUNS))));
        } else {
            noun_phrase(rng, &mut out);
        }
    }
    if rng.chance(1, 3) {
        out.push_str(if rng.chance(1, 2) { ", " } else { " " });
        out.push_str(rng.pick(CONNECTORS));
        out.push(' ');
        noun_phrase(rng, &mut out);
        out.push(' ');
        out.push_str(rng.pick(VERBS));
        out.push(' ');
        noun_phrase(rng, &mut out);
    }
    let end = match rng.below(12) {
        0 => " ?",
        1 => " !",
        _ => ".",
    };
    out.push_str(end);
    capitalise(&out)
}

/// A few sentences on one line, as GitBook writes paragraphs.
pub fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    let mut out = String::new();
    for index in 0..sentences {
        if index > 0 {
            out.push(' ');
        }
        out.push_str(&sentence(rng, false));
    }
    out
}

/// A title: `Organiser les rituels`, `Congé annuel`, `Budget et formation`, `Accueil des usagers`.
pub fn title(rng: &mut Rng) -> String {
    let text = match rng.below(5) {
        0 | 1 => format!(
            "{} {} {}",
            rng.pick(INFINITIVES),
            rng.pick(DETERMINERS),
            rng.pick(NOUNS)
        ),
        2 => format!("{} {}", rng.pick(NOUNS), rng.pick(ADJECTIVES)),
        3 => format!("{} et {}", rng.pick(NOUNS), rng.pick(NOUNS)),
        _ => format!(
            "{} {} {} {}",
            rng.pick(NOUNS),
            rng.pick(PREPOSITIONS),
            rng.pick(DETERMINERS),
            rng.pick(NOUNS)
        ),
    };
    capitalise(&text)
}

/// A few words, for link texts and table cells.
pub fn words(rng: &mut Rng, count: usize) -> String {
    let mut out = String::new();
    for index in 0..count {
        if index > 0 {
            out.push(' ');
        }
        out.push_str(if index % 2 == 0 {
            rng.pick(NOUNS)
        } else {
            rng.pick(ADJECTIVES)
        });
    }
    out
}

/// livret's (and GitBook's) heading anchor: lower case, letters and digits kept, spaces to dashes.
pub fn anchor(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    for c in title.trim().chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_owned()
}

/// A file name as GitBook makes them from a title: ASCII, lower case, dashes.
pub fn ascii_slug(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    for c in title.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'â' | 'ä' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' => "i",
            'ô' | 'ö' => "o",
            'ù' | 'û' | 'ü' => "u",
            'ç' => "c",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "-",
        };
        if folded == "-" {
            if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        } else {
            slug.push_str(folded);
        }
    }
    slug.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(anchor("Organiser les rituels"), "organiser-les-rituels");
        assert_eq!(anchor("Équipe : sécurité"), "équipe-sécurité");
        assert_eq!(
            ascii_slug("Équipe : sécurité d'œuvre"),
            "equipe-securite-d-oeuvre"
        );
    }

    #[test]
    fn rng_is_deterministic() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(sentence(&mut a, false), sentence(&mut b, false));
        assert_ne!(mix(1, 2), mix(2, 1));
    }
}
