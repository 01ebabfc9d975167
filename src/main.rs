fn main() {
    console_error_panic_hook::set_once();
    ssp_handleguide::platform::document::remove_prerendered();
    leptos::mount::mount_to_body(ssp_handleguide::ui::App);
}
