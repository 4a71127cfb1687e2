//! The `tessera` binary: parse the command line and dispatch; nothing else.

use clap::Parser;

// Each request allocates and frees many small buffers (headers, JSON, base64, log lines); glibc's
// malloc was a visible share of a token request's CPU in the profile (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (15 in v2 and v3); libmimalloc-sys has no name for it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // mimalloc hands freed pages back to the OS a second after they were freed, but only when it
    // next runs: an instance that goes idle after a burst of requests kept 40 MB instead of 30.
    // Handing them back at once cost no measurable throughput (bench/README.md, "Memory").
    // SAFETY: setting an option has no preconditions; nothing else runs yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    let cli = tessera::cli::Cli::parse();
    tessera::cli::run(cli)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // mimalloc's default purge delay is 1000 ms; another index would read something else.
        // SAFETY: reading an option has no preconditions.
        let ms = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(ms, 1000);
    }
}
