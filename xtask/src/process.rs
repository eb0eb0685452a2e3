//! Running child processes: Ctrl+C handling, checked runs, and stopping processes politely.

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::Result;

/// How long a process gets to exit after SIGTERM before it is killed.
pub const STOP_GRACE: Duration = Duration::from_secs(10);

/// How often waiting loops look at their processes and at Ctrl+C.
pub const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Set once the user pressed Ctrl+C (or the process got SIGTERM/SIGHUP).
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl+C set a flag instead of ending xtask, so xtask can stop what it started.
///
/// Children in the terminal's foreground process group still get the signal themselves.
pub fn install_interrupt_handler() {
    let installed = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            eprintln!("\nStill stopping; please wait.");
        } else {
            eprintln!("\nInterrupted; stopping.");
        }
    });
    if let Err(error) = installed {
        eprintln!("warning: cannot handle Ctrl+C ({error}); it will end xtask at once");
    }
}

/// Whether the user asked to stop.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Fails with a clear message if the user asked to stop.
pub fn check_interrupted() -> Result<()> {
    if interrupted() {
        Err("interrupted".to_string())
    } else {
        Ok(())
    }
}

/// The program and arguments of `command`, for messages.
pub fn describe(command: &Command) -> String {
    let mut parts = vec![command.get_program().to_string_lossy().into_owned()];
    parts.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    parts.join(" ")
}

/// Starts `command`, with a message naming it if that fails.
pub fn spawn(command: &mut Command) -> Result<Child> {
    command
        .spawn()
        .map_err(|error| format!("cannot start `{}`: {error}", describe(command)))
}

/// Runs `command` with the terminal attached and fails unless it succeeds.
pub fn run(command: &mut Command) -> Result<()> {
    let status = status(command)?;
    check_interrupted()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(command)))
    }
}

/// Runs `command` with the terminal attached and returns how it ended.
pub fn status(command: &mut Command) -> Result<ExitStatus> {
    command
        .status()
        .map_err(|error| format!("cannot run `{}`: {error}", describe(command)))
}

/// Runs `command` quietly and tells whether it succeeded; a missing program counts as failure.
pub fn succeeds(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Runs `command` quietly and returns its output, or an error with what it printed.
pub fn output(command: &mut Command) -> Result<String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run `{}`: {error}", describe(command)))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "`{}` failed ({}):\n{}",
            describe(command),
            output.status,
            text.trim_end()
        ))
    }
}

/// Sends `signal` (such as "TERM") to `target`, a pid or `-pgid` for a process group.
fn send_signal(signal: &str, target: &str) -> bool {
    succeeds(
        Command::new("kill")
            .arg(format!("-{signal}"))
            .arg("--")
            .arg(target),
    )
}

/// Stops a child: SIGTERM (to its process group if `own_group`), then SIGKILL after
/// [`STOP_GRACE`]. Always waits for it, so no zombie is left.
pub fn stop_child(child: &mut Child, name: &str, own_group: bool) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    println!("Stopping {name}…");
    let pid = child.id();
    let target = if own_group {
        format!("-{pid}")
    } else {
        pid.to_string()
    };
    send_signal("TERM", &target);
    let deadline = Instant::now() + STOP_GRACE;
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(POLL_INTERVAL);
    }
    eprintln!(
        "{name} did not stop within {} s; killing it.",
        STOP_GRACE.as_secs()
    );
    if own_group {
        send_signal("KILL", &target);
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Whether a process with this pid exists and has not exited (zombies count as exited).
pub fn pid_alive(pid: u32) -> bool {
    let stat = Path::new("/proc").join(pid.to_string()).join("stat");
    match std::fs::read_to_string(&stat) {
        // The state follows the parenthesised command name: "1234 (python3) S ...".
        Ok(text) => text
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) if Path::new("/proc/self").exists() => false,
        Err(_) => send_signal("0", &pid.to_string()),
    }
}

/// Whether the command line of `pid` contains `needle`; true when that cannot be known.
pub fn pid_runs(pid: u32, needle: &str) -> bool {
    let cmdline = Path::new("/proc").join(pid.to_string()).join("cmdline");
    match std::fs::read(&cmdline) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).contains(needle),
        Err(_) => true,
    }
}

/// Stops the process group led by `pid` (a process started detached by xtask):
/// SIGTERM, then SIGKILL after [`STOP_GRACE`]. Returns whether it had to be killed.
pub fn stop_group(pid: u32) -> bool {
    let group = format!("-{pid}");
    if !send_signal("TERM", &group) {
        send_signal("TERM", &pid.to_string());
    }
    let deadline = Instant::now() + STOP_GRACE;
    while Instant::now() < deadline {
        if !pid_alive(pid) {
            return false;
        }
        std::thread::sleep(POLL_INTERVAL);
    }
    if !send_signal("KILL", &group) {
        send_signal("KILL", &pid.to_string());
    }
    true
}

/// The last `count` lines of a text file, or a note saying why there are none.
pub fn tail(path: &Path, count: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            let start = lines.len().saturating_sub(count);
            if lines.is_empty() {
                "(empty)".to_string()
            } else {
                lines[start..].join("\n")
            }
        }
        Err(error) => format!("(cannot read {}: {error})", path.display()),
    }
}
