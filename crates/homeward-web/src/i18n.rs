//! Interface languages: English, Assamese, Bengali and Hindi, from Fluent files compiled into
//! the binary.
//!
//! Every lookup falls back to English, and a field or choice with no message at all falls back
//! to the catalogue's English label, so adding a field to the catalogue never breaks a page: it
//! only shows in English until someone translates it.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Assamese.
    As,
    /// Bengali.
    Bn,
    /// Hindi.
    Hi,
}

impl Lang {
    /// Every language, in the order the switcher shows them.
    pub const ALL: [Lang; 4] = [Lang::En, Lang::As, Lang::Bn, Lang::Hi];

    /// The code stored for the user and used in `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::As => "as",
            Lang::Bn => "bn",
            Lang::Hi => "hi",
        }
    }

    /// The language's own name, as the switcher shows it (so a reader finds their language
    /// whatever language the page is in).
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::As => "অসমীয়া",
            Lang::Bn => "বাংলা",
            Lang::Hi => "हिन्दी",
        }
    }

    /// Parses a stored code; unknown codes give `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code.trim())
    }

    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header.split(',').find_map(|part| {
            let tag = part.split(';').next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            Lang::parse(&primary)
        })
    }

    fn index(self) -> usize {
        self as usize
    }
}

const SOURCES: [&str; 4] = [
    include_str!("../locales/en.ftl"),
    include_str!("../locales/as.ftl"),
    include_str!("../locales/bn.ftl"),
    include_str!("../locales/hi.ftl"),
];

type Bundle = FluentBundle<FluentResource>;

static BUNDLES: LazyLock<Vec<Bundle>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .map(|lang| {
            let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
            let mut bundle = Bundle::new_concurrent(vec![id]);
            // The isolation marks Fluent adds around arguments show up as stray characters in
            // some Indic fonts, and every script here runs left to right.
            bundle.set_use_isolating(false);
            let source = SOURCES[lang.index()];
            let resource = match FluentResource::try_new(source.to_string()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    tracing::error!(
                        language = lang.code(),
                        count = errors.len(),
                        "Fluent file has syntax errors; the messages around them are skipped"
                    );
                    r
                }
            };
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(
                    language = lang.code(),
                    count = errors.len(),
                    "Fluent file defines a message twice"
                );
            }
            bundle
        })
        .collect()
});

fn format(lang: Lang, key: &str, args: Option<&FluentArgs>) -> Option<String> {
    let bundle = BUNDLES.get(lang.index())?;
    let message = bundle.get_message(key)?;
    let pattern = message.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    Some(text.into_owned())
}

/// Translates for one page in one language.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    /// The page's language.
    pub lang: Lang,
}

impl Tr {
    /// A translator for a language.
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The message `key`, or the English one, or the key itself (a missing message is visible
    /// rather than a blank label).
    pub fn t(&self, key: &str) -> String {
        format(self.lang, key, None)
            .or_else(|| format(Lang::En, key, None))
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with arguments.
    pub fn t_args(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut fa = FluentArgs::new();
        for (name, value) in args {
            fa.set(*name, FluentValue::from(value.clone()));
        }
        format(self.lang, key, Some(&fa))
            .or_else(|| format(Lang::En, key, Some(&fa)))
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with one numeric argument `n` (plural forms).
    pub fn t_n(&self, key: &str, n: i64) -> String {
        let mut fa = FluentArgs::new();
        fa.set("n", FluentValue::from(n));
        format(self.lang, key, Some(&fa))
            .or_else(|| format(Lang::En, key, Some(&fa)))
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` in this page's language only, with string arguments; `None` when the
    /// language lacks it, so the caller can fall back to a more precise English text than
    /// the English Fluent file's.
    pub fn t_own<'a>(
        &self,
        key: &str,
        args: impl IntoIterator<Item = (&'a String, &'a String)>,
    ) -> Option<String> {
        let mut fa = FluentArgs::new();
        for (name, value) in args {
            fa.set(name.as_str(), FluentValue::from(value.as_str()));
        }
        format(self.lang, key, Some(&fa))
    }

    /// A message if any language has it, else `fallback`.
    pub fn t_or(&self, key: &str, fallback: &str) -> String {
        format(self.lang, key, None)
            .or_else(|| format(Lang::En, key, None))
            .unwrap_or_else(|| fallback.to_string())
    }

    /// The label of a catalogue field. `scope` is the record kind or group the field is in
    /// (`case`, `tracing`, `family_details`, `children_sought`): one field name can mean
    /// different things in each (`relation_name` is the inquirer on a tracing request).
    pub fn field(&self, scope: &str, name: &str, english: &str) -> String {
        self.t_or(&format!("field-{scope}-{name}"), english)
    }

    /// The label of a choice value, or the value made readable.
    pub fn choice(&self, value: &str) -> String {
        self.t_or(&format!("choice-{value}"), &readable(value))
    }
}

/// `worst_forms_of_child_labor` → `Worst forms of child labor`.
pub fn readable(value: &str) -> String {
    let spaced = value.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether every language file parsed without errors and has no duplicate messages (for tests).
pub fn check_sources() -> Result<(), String> {
    for (lang, source) in Lang::ALL.iter().zip(SOURCES) {
        if let Err((_, errors)) = FluentResource::try_new(source.to_string()) {
            return Err(format!("{}.ftl: {errors:?}", lang.code()));
        }
        let id: LanguageIdentifier = lang.code().parse().map_err(|e| format!("{e:?}"))?;
        let mut bundle = Bundle::new_concurrent(vec![id]);
        let resource =
            FluentResource::try_new(source.to_string()).map_err(|(_, e)| format!("{e:?}"))?;
        bundle
            .add_resource(resource)
            .map_err(|e| format!("{}.ftl: {e:?}", lang.code()))?;
    }
    Ok(())
}

/// The message ids defined in a language (for tests comparing translations with English).
pub fn message_ids(lang: Lang) -> Vec<String> {
    SOURCES[lang.index()]
        .lines()
        .filter_map(|l| {
            let (id, _) = l.split_once(" =")?;
            let ok = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            ok.then(|| id.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_file_parses() {
        check_sources().unwrap();
    }

    #[test]
    fn every_validation_code_has_a_wording_in_every_language() {
        // A code without a key would show the English message to a user of another language.
        for lang in Lang::ALL {
            let ids = message_ids(lang);
            let missing: Vec<_> = homeward_domain::VALIDATION_CODES
                .iter()
                .map(|code| format!("validation-{code}"))
                .filter(|key| !ids.contains(key))
                .collect();
            assert!(missing.is_empty(), "{}.ftl lacks {missing:?}", lang.code());
        }
    }

    #[test]
    fn every_english_interface_message_is_translated() {
        let english = message_ids(Lang::En);
        for lang in [Lang::As, Lang::Bn, Lang::Hi] {
            let ids = message_ids(lang);
            let missing: Vec<_> = english
                .iter()
                .filter(|id| !id.starts_with("choice-") && !ids.contains(id))
                .collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        }
    }

    #[test]
    fn every_catalogue_field_has_a_label_in_every_language() {
        use homeward_domain::{FieldKind, RecordKind};
        for lang in [Lang::As, Lang::Bn, Lang::Hi] {
            let ids = message_ids(lang);
            for (kind, scope) in [
                (RecordKind::Case, "case"),
                (RecordKind::TracingRequest, "tracing"),
            ] {
                for f in kind.fields().iter().filter(|f| !f.system) {
                    let key = format!("field-{scope}-{}", f.name);
                    assert!(ids.contains(&key), "{} lacks {key}", lang.code());
                    if let FieldKind::Group(sub) = f.kind {
                        for s in sub {
                            let key = format!("field-{}-{}", f.name, s.name);
                            assert!(ids.contains(&key), "{} lacks {key}", lang.code());
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn every_indicator_has_a_title_in_every_language() {
        for lang in [Lang::As, Lang::Bn, Lang::Hi] {
            let ids = message_ids(lang);
            for i in homeward_reports::INDICATORS {
                let key = format!("indicator-{}", i.id);
                assert!(ids.contains(&key), "{} lacks {key}", lang.code());
            }
        }
    }

    #[test]
    fn falls_back_to_english_then_to_the_given_label() {
        let tr = Tr::new(Lang::As);
        assert_eq!(tr.t_or("no-such-message", "Plain"), "Plain");
        assert_eq!(
            readable("worst_forms_of_child_labor"),
            "Worst forms of child labor"
        );
        assert_eq!(
            Lang::from_accept_language("hi-IN,hi;q=0.9,en;q=0.8"),
            Some(Lang::Hi)
        );
        assert_eq!(Lang::from_accept_language("fr-FR"), None);
    }
}
