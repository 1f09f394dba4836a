//! Interruptions: SIGINT, SIGTERM and SIGHUP end a run the way a newsroom's scheduler
//! expects: the temporaries being written are removed, an old bundle folder that was
//! moved aside is put back, a line on stderr says what happened, and the exit status is
//! 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), never 0.
//!
//! Why a registry and not just the default action: a killed process leaves its
//! `.rawi-*.part` temporaries behind (swept only an hour later), and a kill between the two
//! renames that replace an `--unpacked` folder would leave the old folder under a
//! temporary name. Every writer registers what must be undone while it holds it; the
//! signal thread undoes it and exits. A write that finishes first unregisters itself, so
//! a finished file is never touched.
//!
//! The registry is per process and the handler is installed once, by the command line;
//! library users who install nothing get the default actions.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// What the signal thread must undo for one writer.
#[derive(Debug)]
enum Undo {
    /// Remove this temporary file or folder.
    Remove(PathBuf),
    /// Move this (an old bundle folder set aside) back to its place, if the place is free.
    Restore { aside: PathBuf, place: PathBuf },
}

/// Pending undo actions, by ticket.
static PENDING: Mutex<Vec<(u64, Undo)>> = Mutex::new(Vec::new());

/// Tickets for [`Guard`]s.
static NEXT: AtomicU64 = AtomicU64::new(1);

/// Undoes its action on an interruption while it lives; dropping it forgets the action.
#[derive(Debug)]
#[must_use = "the action is forgotten when the guard is dropped"]
pub struct Guard(u64);

impl Drop for Guard {
    fn drop(&mut self) {
        pending().retain(|(t, _)| *t != self.0);
    }
}

/// The pending actions, locked. A poisoned lock still holds a usable list: a writer that
/// panicked mid-push left it whole or without its one entry.
fn pending() -> MutexGuard<'static, Vec<(u64, Undo)>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Files `undo` in the locked list, under a new ticket.
fn file(pending: &mut Vec<(u64, Undo)>, undo: Undo) -> Guard {
    let ticket = NEXT.fetch_add(1, Ordering::Relaxed);
    pending.push((ticket, undo));
    Guard(ticket)
}

fn register(undo: Undo) -> Guard {
    file(&mut pending(), undo)
}

/// Makes a temporary with `make` and files its `path` for removal in one step that an
/// interruption cannot split: the signal thread waits for the list while the temporary is
/// being made, so a signal either ends the run before the temporary exists or removes it.
/// (Made first and filed after, a signal in between left a `.rawi-*.part` behind.)
pub fn make_removed_on_interrupt<T>(
    make: impl FnOnce() -> std::io::Result<T>,
    path: impl FnOnce(&T) -> PathBuf,
) -> std::io::Result<(T, Guard)> {
    let mut pending = pending();
    let made = make()?;
    let guard = file(&mut pending, Undo::Remove(path(&made)));
    Ok((made, guard))
}

/// Moves `aside` back to `place` if the run is interrupted while the guard lives (and
/// nothing has taken `place` yet).
pub fn restore_on_interrupt(aside: &Path, place: &Path) -> Guard {
    register(Undo::Restore {
        aside: aside.to_path_buf(),
        place: place.to_path_buf(),
    })
}

/// Undoes every pending action, newest first (a folder is restored before the temporary
/// that was to replace it is removed, either order is safe), and returns the list still
/// locked: the caller exits holding it, so no writer files a new temporary after the
/// undoing and leaves it behind.
fn undo_all() -> MutexGuard<'static, Vec<(u64, Undo)>> {
    let mut pending = pending();
    undo(
        std::mem::take(&mut *pending)
            .into_iter()
            .map(|(_, u)| u)
            .collect(),
    );
    pending
}

/// Carries out `actions`, newest first.
fn undo(actions: Vec<Undo>) {
    for undo in actions.into_iter().rev() {
        match undo {
            Undo::Remove(path) => remove_until_gone(&path),
            Undo::Restore { aside, place } => {
                if std::fs::symlink_metadata(&place).is_err() {
                    let _ = std::fs::rename(&aside, &place);
                }
            }
        }
    }
}

/// How many times [`remove_until_gone`] tries, 2 ms apart.
const REMOVE_TRIES: u32 = 50;

/// Removes a temporary file or folder. The writer may still be adding a file to a folder
/// while the signal thread removes it: `remove_dir_all` then fails on a folder that is
/// not empty again, and an unpacked bundle's `.part` folder stayed behind. So it is
/// removed until it is gone, a bounded number of times; a writer cannot add to a folder
/// that no longer exists (it makes member folders with
/// [`crate::fsx::create_dirs_within`], never the temporary itself).
fn remove_until_gone(path: &Path) {
    for _ in 0..REMOVE_TRIES {
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
        if std::fs::symlink_metadata(path).is_err() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// The signal's name for the message.
fn name(signal: i32) -> &'static str {
    match signal {
        signal_hook::consts::SIGINT => "SIGINT",
        signal_hook::consts::SIGTERM => "SIGTERM",
        signal_hook::consts::SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}

/// Installs the handler for SIGINT, SIGTERM and SIGHUP: a thread that waits for one, then
/// undoes the pending writes and exits with 128 + its number. Voice programs run in their
/// own process groups and die with rawi (`PR_SET_PDEATHSIG`). Failing to install leaves
/// the default actions, which still never leave a half file under a final name.
pub fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("rawi-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _held = undo_all();
                eprintln!(
                    "rawi: interrupted by {}; no output was left half written",
                    name(signal)
                );
                std::process::exit(128 + signal);
            }
        });
    drop(spawned);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_guard_is_forgotten() {
        let g = register(Undo::Remove(PathBuf::from("/nonexistent/a.part")));
        let ticket = g.0;
        let pending = |t| PENDING.lock().unwrap().iter().any(|(x, _)| *x == t);
        assert!(pending(ticket));
        drop(g);
        assert!(!pending(ticket));
    }

    #[test]
    fn undo_removes_temporaries_and_restores_a_folder_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.part");
        let folder = dir.path().join("b.part");
        let aside = dir.path().join(".old");
        let place = dir.path().join("bundle");
        let taken = dir.path().join("taken");
        std::fs::write(&file, b"x").unwrap();
        std::fs::create_dir_all(folder.join("audio")).unwrap();
        std::fs::create_dir(&aside).unwrap();
        std::fs::create_dir(&taken).unwrap();
        let other = dir.path().join(".old2");
        std::fs::create_dir(&other).unwrap();
        undo(vec![
            Undo::Remove(file.clone()),
            Undo::Remove(folder.clone()),
            Undo::Restore {
                aside: aside.clone(),
                place: place.clone(),
            },
            // A place already taken (the new folder got there first) is left alone.
            Undo::Restore {
                aside: other.clone(),
                place: taken.clone(),
            },
        ]);
        assert!(!file.exists() && !folder.exists());
        assert!(place.is_dir() && !aside.exists());
        assert!(other.is_dir());
    }

    #[test]
    fn a_temporary_is_made_and_filed_while_the_signal_thread_is_kept_out() {
        let dir = tempfile::tempdir().unwrap();
        let (file, guard) = make_removed_on_interrupt(
            || {
                // The signal thread takes this lock before it undoes anything: while it
                // is held here, no signal can come between the making and the filing.
                assert!(PENDING.try_lock().is_err(), "the list is held while making");
                tempfile::NamedTempFile::new_in(dir.path())
            },
            |f| f.path().to_path_buf(),
        )
        .unwrap();
        let filed = PENDING.lock().unwrap().iter().any(|(t, u)| {
            *t == guard.0 && matches!(u, Undo::Remove(p) if p.as_path() == file.path())
        });
        assert!(filed, "the temporary is filed for removal with its guard");
        // A failed making files nothing and hands the error on.
        let err = make_removed_on_interrupt(
            || Err::<(), _>(std::io::Error::other("no room")),
            |_| PathBuf::from("never made"),
        );
        assert!(err.is_err());
        let never =
            PENDING.lock().unwrap().iter().any(
                |(_, u)| matches!(u, Undo::Remove(p) if p.as_path() == Path::new("never made")),
            );
        assert!(!never);
    }
}
