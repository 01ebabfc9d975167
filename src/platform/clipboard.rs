//! The clipboard: "Kopiér teksten" puts the notification's draft there, for the
//! municipality's own form.

use wasm_bindgen_futures::JsFuture;

/// Writes `text` to the clipboard; `Err` when the browser refuses (no permission, not a
/// secure context), so the user can be told to copy it by hand.
pub async fn copy(text: &str) -> Result<(), ()> {
    let clipboard = gloo::utils::window().navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| ())
}
