//! Sparks' translations, embedded at compile time from `i18n/<lang>/sparks.ftl`.
//!
//! English is the source of truth. The tests in this crate fail when a key exists in one language
//! and not another, when a file does not parse, and when the app asks for a key that does not exist.

use std::borrow::Cow;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use sparks_domain::Language;
use unic_langid::LanguageIdentifier;

/// The Fluent source of a language.
pub fn source(language: Language) -> &'static str {
    match language {
        Language::English => include_str!("../../../i18n/en/sparks.ftl"),
        Language::German => include_str!("../../../i18n/de/sparks.ftl"),
    }
}

/// An argument value for a translated message.
pub enum Arg<'a> {
    Str(Cow<'a, str>),
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Str(Cow::Borrowed(value))
    }
}

impl From<String> for Arg<'_> {
    fn from(value: String) -> Self {
        Arg::Str(Cow::Owned(value))
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Arg::Num(value)
    }
}

impl From<u64> for Arg<'_> {
    fn from(value: u64) -> Self {
        Arg::Num(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

/// The translations of one language, ready to format messages.
pub struct I18n {
    language: Language,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n")
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

impl I18n {
    /// Loads the embedded translations of `language`.
    pub fn new(language: Language) -> I18n {
        let id: LanguageIdentifier = language.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Unicode isolation marks around arguments confuse plain text rendering; the UI lays out
        // mixed-direction text itself.
        bundle.set_use_isolating(false);
        let resource = match FluentResource::try_new(source(language).to_owned()) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                tracing::error!(?language, ?errors, "translation file has syntax errors");
                resource
            }
        };
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(?language, ?errors, "translation file has duplicate keys");
        }
        I18n { language, bundle }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The message `key`, or the key itself if it is missing (the tests prevent that).
    pub fn tr(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with named arguments.
    pub fn tr_args<'a>(
        &self,
        key: &str,
        args: impl IntoIterator<Item = (&'a str, Arg<'a>)>,
    ) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Str(s) => FluentValue::String(s),
                Arg::Num(n) => FluentValue::from(n),
            };
            fluent_args.set(name, value);
        }
        self.format(key, Some(&fluent_args))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, language = ?self.language, "missing translation");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, ?errors, "translation formatted with errors");
        }
        text.into_owned()
    }
}

/// The message keys a Fluent source defines, in file order.
pub fn keys(source: &str) -> Result<Vec<String>, String> {
    let resource = fluent_syntax::parser::parse(source).map_err(|(_, errors)| {
        format!(
            "{} syntax error(s), first: {:?}",
            errors.len(),
            errors.first()
        )
    })?;
    Ok(resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_owned()),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests;
