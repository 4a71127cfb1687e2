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
    one_glibc_arena();
    let cli = tessera::cli::Cli::parse();
    tessera::cli::run(cli)
}

/// SQLite's page caches and statements live in glibc's malloc, and each connection runs on its
/// own thread, so glibc gave each connection an arena of its own: after 100,000 SSO flows those
/// fourteen arenas held 4.5 MB for less than 3 MB that SQLite was using. One arena reuses what
/// each thread frees (about 2 MB less; bench/README.md, 2026-12-02); the connections of one
/// instance take turns on one write lock anyway. `MALLOC_ARENA_MAX` in the environment still
/// decides when it is set.
fn one_glibc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes malloc's settings; no other thread exists yet.
        unsafe { libc::mallopt(libc::M_ARENA_MAX, 1) };
    }
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
