//! Memory given back after a flood: the allocator settings a long-running server starts with.
//!
//! glibc's allocator serves requests of 128 KiB and more straight from the kernel, until the
//! first such block is freed: it then raises that threshold to the freed block's size (and
//! the point above which it gives memory back to twice that). A server that reads 2 MB request
//! bodies thus soon keeps every buffer under 2 MB in its heaps, and its resident memory after a
//! burst of large or hostile requests never comes down (issue 16, point 3). Fixing the two
//! thresholds keeps large buffers out of the heaps, so they go back to the kernel when freed.
//!
//! glibc reads its tunables only when a process starts, so `homeward serve` and `demo` start
//! themselves again once, with them set, unless the operator set `GLIBC_TUNABLES` already.

/// Restarts this process with the allocator tunables set, on Linux with glibc, when they are
/// not set yet; returns (having done nothing) anywhere else or if the restart fails.
pub fn restart_with_tunables() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        if std::env::var_os("GLIBC_TUNABLES").is_some() {
            return;
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        // exec only returns on failure; the server then runs with the allocator's defaults.
        let error = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env(
                "GLIBC_TUNABLES",
                homeward_server::serve::GLIBC_MALLOC_TUNABLES,
            )
            .exec();
        eprintln!("homeward: starting with the allocator's defaults ({error})");
    }
}
