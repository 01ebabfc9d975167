//! The application layer: what the screens ask for, as plain Rust. It sits between the screens
//! (`ui`) and the domain: the guide's walk (which step shows after an answer, back, where the
//! walk is), the concern commands (each validates, applies and says what came of a save) and one
//! repository for concerns and drafts over real data or training's namespace. It imports the
//! domain only, so every rule here is tested natively with `cargo test`; the screens call it and
//! render the result, and decide nothing.

pub mod commands;
pub mod notification;
pub mod repository;
pub mod sync_view;
pub mod walk;
