//! The `command` engine: any program that turns text into a WAV. It runs without a shell,
//! so article text can never be read as shell syntax; text goes on standard input or as
//! one argument, and the WAV comes back on standard output or in a temporary file.
//!
//! A voice program is untrusted: it may hang, fork, or write forever. So it runs in a
//! process group of its own; `timeout_s` covers the whole exchange (start, writing the
//! text, reading its output to the end); standard output and error are capped; and the
//! whole group is killed when the program ends, on timeout and on every error, so no
//! background child it left can keep rawi waiting on a pipe. On Linux the program also
//! gets SIGKILL if rawi itself dies (`PR_SET_PDEATHSIG`), even by `kill -9`; what that does
//! not reach is a grandchild the program started before rawi died (it is in the voice's
//! group, which `kill -- -PGID` ends) or one that left the group on purpose.

use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use super::budget::{read_within, Answer, Budget, Hold};
use crate::clip::Clip;
use crate::voice::{CommandSpec, TextInput, Voice, WavOutput};

/// Most of a program's standard error kept for an error message.
const STDERR_SNIPPET: usize = 300;

/// Most bytes taken from a voice's standard output (or its WAV file), for one sentence
/// (the README's Limits table): a voice that writes more is stopped with an error at once.
pub const MAX_VOICE_OUTPUT_BYTES: u64 = crate::limits::MAX_VOICE_OUTPUT_BYTES;

/// Most bytes of a voice's standard error read before it is stopped.
pub const MAX_VOICE_STDERR_BYTES: u64 = crate::limits::MAX_VOICE_STDERR_BYTES;

/// Standard error is capped at [`MAX_VOICE_STDERR_BYTES`] (64 KiB) by itself: it does not
/// draw on the shared output budget.
static STDERR_BUDGET: Budget = Budget::new(u64::MAX, u64::MAX, 0);

/// A command voice ready to run.
pub struct CommandEngine {
    spec: CommandSpec,
    timeout: Duration,
    /// What the program prints, and the rate of raw PCM.
    format: (crate::decode::AudioFormat, u32),
}

impl CommandEngine {
    /// Prepares the engine from a voice with a `[command]` table.
    pub fn new(voice: &Voice) -> CommandEngine {
        CommandEngine {
            spec: voice.command.clone().unwrap_or(CommandSpec {
                program: String::new(),
                args: vec![],
                input: TextInput::Stdin,
                output: WavOutput::Stdout,
            }),
            timeout: Duration::from_secs_f64(voice.limits.timeout_s),
            format: (
                voice.output_format,
                voice.pcm_sample_rate.unwrap_or(voice.sample_rate),
            ),
        }
    }
}

impl CommandEngine {
    /// The program's arguments for one sentence: `{out}` and `{text}` filled in, and the
    /// text appended when it goes as an argument and no `{text}` says where.
    fn args(&self, text: &str, out_path: &str) -> Vec<String> {
        let spec = &self.spec;
        let as_arg = spec.input == TextInput::Arg;
        let mut has_text_arg = false;
        let mut args: Vec<String> = spec
            .args
            .iter()
            .map(|a| {
                has_text_arg |= a.contains("{text}");
                a.replace("{out}", out_path)
                    .replace("{text}", if as_arg { text } else { "" })
            })
            .collect();
        if as_arg && !has_text_arg {
            args.push(text.to_owned());
        }
        args
    }

    /// Starts the program in a process group of its own, its pipes open, with an error
    /// that says what to do when it is missing or cannot run.
    fn spawn(&self, args: &[String]) -> Result<Child, String> {
        let spec = &self.spec;
        let mut cmd = Command::new(&spec.program);
        cmd.args(args)
            .stdin(if spec.input == TextInput::Stdin {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        group::isolate(&mut cmd);
        cmd.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("program `{}` is not installed or not on PATH", spec.program)
            }
            std::io::ErrorKind::PermissionDenied => format!(
                "program `{}` cannot be run (permission denied)",
                spec.program
            ),
            _ => format!("cannot start `{}`: {e}", spec.program),
        })
    }

    /// Waits for the program to end, watching the deadline and the output caps.
    fn wait_for_exit(
        &self,
        child: &Child,
        overflow: &AtomicBool,
        deadline: Instant,
    ) -> Result<(), String> {
        let mut pause = Duration::from_millis(1);
        loop {
            if overflow.load(Ordering::Relaxed) {
                return Err(self.too_much());
            }
            if group::has_exited(child) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(self.timed_out());
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }

    /// The error for a program stopped at its deadline.
    fn timed_out(&self) -> String {
        format!(
            "`{}` took longer than its {:.0} s timeout and was stopped",
            self.spec.program,
            self.timeout.as_secs_f64()
        )
    }

    /// The error for a program stopped for writing past the caps.
    fn too_much(&self) -> String {
        format!(
            "`{}` wrote too much (more than {} of output or {} of errors) \
             and was stopped; is it a speech program?",
            self.spec.program,
            crate::fsx::human_bytes(MAX_VOICE_OUTPUT_BYTES),
            crate::fsx::human_bytes(MAX_VOICE_STDERR_BYTES)
        )
    }

    /// The error for a program that failed: its status and the start of what it wrote
    /// to stderr.
    fn failed(&self, status: ExitStatus, err: &[u8]) -> String {
        let msg = String::from_utf8_lossy(err);
        let msg: String = msg.trim().chars().take(STDERR_SNIPPET).collect();
        let how = match status.code() {
            Some(c) => format!("exited with status {c}"),
            None => "was killed by a signal".into(),
        };
        if msg.is_empty() {
            format!("`{}` {how}", self.spec.program)
        } else {
            format!("`{}` {how}: {msg}", self.spec.program)
        }
    }
}

impl super::Synthesizer for CommandEngine {
    fn synthesize(&self, text: &str) -> Result<Clip, String> {
        let spec = &self.spec;
        let out_file = match spec.output {
            WavOutput::File => Some(
                tempfile::Builder::new()
                    .prefix("rawi-")
                    .suffix(".wav")
                    .tempfile()
                    .map_err(|e| format!("cannot make a temporary file: {e}"))?,
            ),
            WavOutput::Stdout => None,
        };
        let out_path = out_file
            .as_ref()
            .map(|f| f.path().to_string_lossy().into_owned())
            .unwrap_or_default();
        let deadline = Instant::now() + self.timeout;
        let mut child = self.spawn(&self.args(text, &out_path))?;
        // From here on the group dies with this guard, whichever way we leave.
        let mut guard = group::Guard::new(child.id());
        // Feed and drain on threads: a program that writes while we write would otherwise
        // fill a pipe and both sides would wait forever. The threads are never joined
        // without a deadline: a process that escaped the group could hold a pipe open.
        if let Some(mut stdin) = child.stdin.take() {
            let t = text.to_owned();
            std::thread::spawn(move || {
                let _ = stdin.write_all(t.as_bytes());
                let _ = stdin.write_all(b"\n");
            });
        }
        let overflow = Arc::new(AtomicBool::new(false));
        let cancel = CancelOnDrop(Arc::new(AtomicBool::new(false)));
        let stdout = child.stdout.take().ok_or("no stdout pipe")?;
        let stderr = child.stderr.take().ok_or("no stderr pipe")?;
        let out_rx = drain(
            stdout,
            Budget::global(),
            MAX_VOICE_OUTPUT_BYTES,
            overflow.clone(),
            cancel.0.clone(),
        );
        let err_rx = drain(
            stderr,
            &STDERR_BUDGET,
            MAX_VOICE_STDERR_BYTES,
            overflow.clone(),
            cancel.0.clone(),
        );
        let timed_out = || self.timed_out();
        let too_much = || self.too_much();
        self.wait_for_exit(&child, &overflow, deadline)?;
        // The program has ended (not yet reaped, so its group id is still its own): end
        // whatever it left behind, which also closes any pipe a background child held.
        guard.kill();
        let status = child
            .wait()
            .map_err(|e| format!("waiting for `{}` failed: {e}", spec.program))?;
        guard.disarm();
        let left = deadline.saturating_duration_since(Instant::now());
        // The share of the output budget stays held until the answer is decoded.
        let (out, _hold) = match out_rx.recv_timeout(left) {
            Ok(Some(b)) => b,
            Ok(None) => return Err(too_much()),
            Err(_) => return Err(timed_out()),
        };
        let left = deadline.saturating_duration_since(Instant::now());
        let err = match err_rx.recv_timeout(left) {
            Ok(b) => b.map(|(bytes, _)| bytes).unwrap_or_default(),
            Err(_) => return Err(timed_out()),
        };
        if !status.success() {
            return Err(self.failed(status, &err));
        }
        let (wav, _file_hold) = match &out_file {
            Some(f) => {
                let (bytes, hold) = read_capped(f.path(), &cancel.0)
                    .map_err(|e| format!("`{}` wrote no usable WAV file: {e}", spec.program))?;
                (bytes, Some(hold))
            }
            None => (out, None),
        };
        crate::decode::decode_owned(wav, self.format.0, self.format.1)
            .map_err(|e| format!("`{}` {e}", spec.program))
    }
}

/// What a drained pipe gave: its bytes, with the share of the output budget they hold.
type Drained = Option<(Vec<u8>, Hold<'static>)>;

/// Reads a pipe to its end on a thread (see [`super::budget::read_within`]); sends the
/// bytes, or `None` (and raises `overflow`) when there were more than `cap`.
fn drain(
    mut pipe: impl Read + Send + 'static,
    budget: &'static Budget,
    cap: u64,
    overflow: Arc<AtomicBool>,
    cancel: Arc<AtomicBool>,
) -> mpsc::Receiver<Drained> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || match read_within(&mut pipe, budget, cap, &cancel) {
        // A pipe that fails ends the answer where it stopped, as its end would.
        Answer::Done(bytes, hold) | Answer::Failed(_, bytes, hold) => {
            let _ = tx.send(Some((bytes, hold)));
        }
        Answer::TooMuch => {
            overflow.store(true, Ordering::Relaxed);
            let _ = tx.send(None);
        }
        Answer::Cancelled => {}
    });
    rx
}

/// Raises its flag when dropped: tells the drain threads that nobody waits for them any
/// more, whichever way `synthesize` ends.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Reads a voice's WAV file through the one door for inputs (a regular file within the
/// output cap), into memory granted by the shared output budget.
fn read_capped(
    path: &std::path::Path,
    cancel: &AtomicBool,
) -> std::result::Result<(Vec<u8>, Hold<'static>), String> {
    let mut file = crate::fsx::open_input(path, MAX_VOICE_OUTPUT_BYTES, "voice output")
        .map_err(|e| e.reason())?;
    match read_within(&mut file, Budget::global(), MAX_VOICE_OUTPUT_BYTES, cancel) {
        Answer::Done(bytes, hold) => Ok((bytes, hold)),
        Answer::TooMuch => Err(format!(
            "it grew past {} while it was read",
            crate::fsx::human_bytes(MAX_VOICE_OUTPUT_BYTES)
        )),
        Answer::Cancelled => Err("rawi stopped waiting for it".into()),
        Answer::Failed(e, ..) => Err(e.to_string()),
    }
}

/// The voice's process group: started apart from rawi's, killed as a whole.
#[cfg(unix)]
mod group {
    use std::os::unix::process::CommandExt;
    use std::process::{Child, Command};

    /// Puts the program in a new process group whose id is its pid, and on Linux asks the
    /// kernel to kill it when rawi dies.
    pub fn isolate(cmd: &mut Command) {
        cmd.process_group(0);
        #[cfg(target_os = "linux")]
        {
            // SAFETY: getpid is async-signal-safe; the value is read before the fork.
            let parent = unsafe { libc::getpid() };
            // SAFETY: only async-signal-safe calls (prctl, getppid) between fork and exec.
            unsafe {
                cmd.pre_exec(move || {
                    if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    // rawi may have died before the request took effect.
                    if libc::getppid() != parent {
                        return Err(std::io::Error::other("rawi ended while starting the voice"));
                    }
                    Ok(())
                });
            }
        }
    }

    /// Whether the child has ended, without reaping it: until it is reaped its pid (and so
    /// its group id) cannot be reused, so killing the group afterwards is safe.
    pub fn has_exited(child: &Child) -> bool {
        // SAFETY: a zeroed siginfo_t is a valid out-parameter for waitid.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: waitid on our own child with WNOWAIT only reads its state.
        let r = unsafe {
            libc::waitid(
                libc::P_PID,
                child.id() as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            )
        };
        // SAFETY: si_pid is set by waitid (zero when nothing has changed yet).
        r != 0 || unsafe { info.si_pid() } != 0
    }

    /// Kills the whole group when dropped (timeouts, errors) or when asked.
    pub struct Guard {
        pgid: libc::pid_t,
        armed: bool,
    }

    impl Guard {
        /// Guards the group led by `pid`.
        pub fn new(pid: u32) -> Guard {
            Guard {
                pgid: pid as libc::pid_t,
                armed: true,
            }
        }

        /// Once the leader is reaped its id may be reused: nothing more to do on drop.
        pub fn disarm(&mut self) {
            self.armed = false;
        }

        /// Kills every process of the group.
        pub fn kill(&self) {
            if self.armed && self.pgid > 0 {
                // SAFETY: a plain signal to a group we created; ESRCH when it is gone.
                unsafe {
                    libc::killpg(self.pgid, libc::SIGKILL);
                }
            }
        }
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            if !self.armed {
                return;
            }
            self.kill();
            // Reap the killed leader so that no zombie is left; SIGKILL cannot be caught,
            // so this returns as soon as the kernel has ended it.
            // SAFETY: waitpid on our own, unreaped child.
            unsafe {
                let mut status = 0;
                libc::waitpid(self.pgid, &mut status, 0);
            }
        }
    }
}
