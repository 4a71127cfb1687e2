//! The `tessera` binary: parse the command line and dispatch; nothing else.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = tessera::cli::Cli::parse();
    tessera::cli::run(cli)
}
