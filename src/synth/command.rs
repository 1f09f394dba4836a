//! The `command` engine: any program that turns text into a WAV. It runs without a shell,
//! so article text can never be read as shell syntax; text goes on standard input or as
//! one argument, and the WAV comes back on standard output or in a temporary file.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt;

use crate::audio::Clip;
use crate::voice::{CommandSpec, TextInput, Voice, WavOutput};

/// Most of a program's standard error kept for an error message.
const STDERR_SNIPPET: usize = 300;

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
        let mut has_text_arg = false;
        let mut args: Vec<String> = spec
            .args
            .iter()
            .map(|a| {
                has_text_arg |= a.contains("{text}");
                a.replace("{out}", &out_path).replace(
                    "{text}",
                    if spec.input == TextInput::Arg {
                        text
                    } else {
                        ""
                    },
                )
            })
            .collect();
        if spec.input == TextInput::Arg && !has_text_arg {
            args.push(text.to_owned());
        }
        let mut child = Command::new(&spec.program)
            .args(&args)
            .stdin(if spec.input == TextInput::Stdin {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => {
                    format!("program `{}` is not installed or not on PATH", spec.program)
                }
                std::io::ErrorKind::PermissionDenied => format!(
                    "program `{}` cannot be run (permission denied)",
                    spec.program
                ),
                _ => format!("cannot start `{}`: {e}", spec.program),
            })?;
        // Feed and drain on threads: a program that writes while we write would otherwise
        // fill a pipe and both sides would wait forever.
        let stdin_thread = child.stdin.take().map(|mut stdin| {
            let t = text.to_owned();
            std::thread::spawn(move || {
                let _ = stdin.write_all(t.as_bytes());
                let _ = stdin.write_all(b"\n");
            })
        });
        let mut stdout = child.stdout.take().ok_or("no stdout pipe")?;
        let mut stderr = child.stderr.take().ok_or("no stderr pipe")?;
        let out_thread = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stdout.read_to_end(&mut buf);
            buf
        });
        let err_thread = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stderr.read_to_end(&mut buf);
            buf
        });
        let status = match child
            .wait_timeout(self.timeout)
            .map_err(|e| format!("waiting for `{}` failed: {e}", spec.program))?
        {
            Some(status) => status,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{}` took longer than its {:.0} s timeout and was stopped",
                    spec.program,
                    self.timeout.as_secs_f64()
                ));
            }
        };
        if let Some(t) = stdin_thread {
            let _ = t.join();
        }
        let out = out_thread.join().unwrap_or_default();
        let err = err_thread.join().unwrap_or_default();
        if !status.success() {
            let msg = String::from_utf8_lossy(&err);
            let msg: String = msg.trim().chars().take(STDERR_SNIPPET).collect();
            let how = match status.code() {
                Some(c) => format!("exited with status {c}"),
                None => "was killed by a signal".into(),
            };
            return Err(if msg.is_empty() {
                format!("`{}` {how}", spec.program)
            } else {
                format!("`{}` {how}: {msg}", spec.program)
            });
        }
        let wav = match &out_file {
            Some(f) => std::fs::read(f.path())
                .map_err(|e| format!("`{}` wrote no WAV file: {e}", spec.program))?,
            None => out,
        };
        crate::decode::decode(&wav, self.format.0, self.format.1)
            .map_err(|e| format!("`{}` {e}", spec.program))
    }
}
