//! Fetches the built-in municipality profiles (`domain::profile::BUILTIN_FILE`, the five in one
//! file) and hands them to the domain (`profile::provide`); and the English text table
//! (`i18n::EN_FILE`, `i18n::provide_english`). The service worker precaches it
//! with the rest of the build, so after the first visit this reads its cache, online or
//! offline; its name carries a hash of its content, so an old copy is never read as new. The
//! profiles are fetched when a page in the pages' chunk is chosen, before it is drawn
//! (`lazy_pages::Page::choose`, a deep link's page too: once), and on the first screen when a
//! municipality is chosen; the English texts before the app mounts when English was chosen
//! (main.rs, `ui::fetch_chosen_files`).

use crate::domain::profile;
use std::future::Future;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Starts fetching the profiles unless they are here, at once, and returns the wait for them:
/// `Err(())` when they could not be fetched or read (a first visit without a connection).
pub fn ensure() -> impl Future<Output = Result<(), ()>> {
    ensure_file(profile::provided(), profile::BUILTIN_FILE, profile::provide)
}

/// The same for the English text table (`i18n::EN_FILE`): fetched when English is chosen, and
/// before the app mounts when it was.
pub fn ensure_english() -> impl Future<Output = Result<(), ()>> {
    use crate::domain::i18n;
    ensure_file(
        i18n::english().is_some(),
        i18n::EN_FILE,
        i18n::provide_english,
    )
}

/// Starts fetching `url` unless `here`, and returns the wait for it to be handed to `provide`
/// (`false`: it does not read).
fn ensure_file(
    here: bool,
    url: &str,
    provide: fn(&str) -> bool,
) -> impl Future<Output = Result<(), ()>> {
    let fetched = (!here).then(|| web_sys::window().map(|w| JsFuture::from(w.fetch_with_str(url))));
    async move {
        match fetched {
            None => Ok(()),
            Some(f) => provide(&text(f).await?).then_some(()).ok_or(()),
        }
    }
}

async fn text(fetched: Option<JsFuture>) -> Result<String, ()> {
    let response: web_sys::Response = fetched
        .ok_or(())?
        .await
        .map_err(|_| ())?
        .dyn_into()
        .map_err(|_| ())?;
    if !response.ok() {
        return Err(());
    }
    JsFuture::from(response.text().map_err(|_| ())?)
        .await
        .map_err(|_| ())?
        .as_string()
        .ok_or(())
}
