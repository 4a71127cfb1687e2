//! The `tessera` binary: parse the command line and dispatch; nothing else.

use clap::Parser;

// Each request allocates and frees many small buffers (headers, JSON, base64, log lines); glibc's
// malloc was a visible share of a token request's CPU in the profile (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = tessera::cli::Cli::parse();
    tessera::cli::run(cli)
}
