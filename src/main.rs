//! The `rawi` command: a thin shell over the library (see `rawi::cli`).

/// Whether standard output (fd 1) was closed when the process started, seen before the
/// Rust runtime replaces a closed standard stream with `/dev/null` (after which writes
/// would succeed and `rawi split x >&-` would print nothing and exit 0).
#[cfg(target_os = "linux")]
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(target_os = "linux")]
extern "C" fn look_at_stdout() {
    // SAFETY: fcntl(F_GETFD) only reads the descriptor's flags; it is async-signal-safe
    // and needs nothing of the runtime, which has not started yet.
    let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
    STDOUT_CLOSED.store(closed, std::sync::atomic::Ordering::Relaxed);
}

/// Runs [`look_at_stdout`] from the C runtime's constructors, before `main` and so before
/// the Rust runtime's own start-up.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static LOOK_AT_STDOUT: extern "C" fn() = look_at_stdout;

fn main() {
    #[cfg(target_os = "linux")]
    if STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
        rawi::cli::out::stdout_was_closed_at_start();
    }
    std::process::exit(rawi::cli::main());
}
