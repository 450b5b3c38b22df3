//! Light and dark themes: the system's preference until the visitor picks one, which is
//! remembered in `localStorage`. `index.html` applies it before the first paint; this module owns
//! it afterwards.

use leptos::prelude::*;

const STORAGE_KEY: &str = "atlas-theme";

/// A colour theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    /// The value of `<html data-theme>` and of the stored preference.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub fn toggled(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

/// The app's theme, in context.
#[derive(Clone, Copy)]
pub struct ThemeContext(pub RwSignal<Theme>);

impl ThemeContext {
    pub fn get(&self) -> Theme {
        self.0.get()
    }

    /// Shows `theme` on this page without remembering it (an embed's `?theme=`).
    pub fn show(&self, theme: Theme) {
        self.0.set(theme);
        apply(theme);
    }

    /// Switches theme, applies it to the page and remembers it.
    pub fn toggle(&self) {
        let next = self.0.get_untracked().toggled();
        self.0.set(next);
        apply(next);
        if let Ok(Some(storage)) = window().local_storage() {
            // Storage can be full or disabled (private mode): the theme still applies to this visit.
            let _ = storage.set_item(STORAGE_KEY, next.as_str());
        }
    }
}

fn apply(theme: Theme) {
    if let Some(html) = document().document_element() {
        // Setting an attribute on <html> cannot fail for a valid name.
        let _ = html.set_attribute("data-theme", theme.as_str());
    }
}

/// The theme `index.html` applied, else the system's preference.
fn initial_theme() -> Theme {
    let from_page = document()
        .document_element()
        .and_then(|html| html.get_attribute("data-theme"))
        .and_then(|t| Theme::parse(&t));
    from_page.unwrap_or_else(|| {
        let dark = window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        if dark {
            Theme::Dark
        } else {
            Theme::Light
        }
    })
}

pub fn provide_theme() {
    let theme = initial_theme();
    apply(theme);
    provide_context(ThemeContext(RwSignal::new(theme)));
}

pub fn use_theme() -> ThemeContext {
    use_context::<ThemeContext>().expect("provide_theme() runs in App before any page")
}

#[cfg(test)]
mod tests {
    use super::Theme;

    #[test]
    fn theme_round_trips_and_toggles() {
        for t in [Theme::Light, Theme::Dark] {
            assert_eq!(Theme::parse(t.as_str()), Some(t));
            assert_eq!(t.toggled().toggled(), t);
            assert_ne!(t.toggled(), t);
        }
        assert_eq!(Theme::parse("blue"), None);
    }
}
