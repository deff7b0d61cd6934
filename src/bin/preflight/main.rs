//! The command-line door: the same core as the browser, for servers and scripts.
//!
//! ```text
//! preflight check [--brief FILE] [--json] [--jobs N] PATH...
//! preflight clean --out DIR [--brief FILE] [--blur faces,plates] [--models DIR] PATH...
//! preflight brief FILE
//! ```
//! Exit status: 0 when no file fails, 1 when any check fails or a file is unreadable, 2 on usage
//! errors (bad arguments, an invalid brief, a path that does not exist).

#[cfg(not(target_arch = "wasm32"))]
mod clean;
#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

/// The CLI reads files from disk; a wasm build of it would have nothing to do.
#[cfg(target_arch = "wasm32")]
fn main() {}
