fn main() {
    console_error_panic_hook::set_once();
    // First, so that a deep link's page chunk (fetched and compiled by index.html while this
    // module loaded, see pwa/build.mjs) is instantiated as soon as it is compiled.
    ssp_handleguide::ui::preload_current_page();
    // A task queued after the preload's (both before the next frame, so the prerendered start
    // screen is replaced without a blank frame between).
    wasm_bindgen_futures::spawn_local(async {
        ssp_handleguide::ui::fetch_chosen_files().await;
        ssp_handleguide::platform::document::remove_prerendered();
        leptos::mount::mount_to_body(ssp_handleguide::ui::App);
    });
}
