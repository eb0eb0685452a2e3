//! Running a local Synapse: starting it, waiting until it answers, and stopping it.

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::Result;
use crate::http;
use crate::process;
use crate::synapse::Layout;
use crate::venv::Venv;

/// How long Synapse may take to answer `/health` after it was started.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How many log lines are shown when Synapse fails to start.
const TAIL_LINES: usize = 40;

/// A Synapse process started by xtask. Dropping it stops the process unless it was
/// [detached](Server::detach).
pub struct Server {
    child: Option<Child>,
    layout: Layout,
}

impl Server {
    /// Starts Synapse for `layout` (which [`crate::synapse::prepare`] set up) in its own
    /// process group, so Ctrl+C in the terminal reaches xtask and not Synapse; xtask then
    /// stops it in order. Its output goes to the console log in the state folder.
    pub fn start(layout: &Layout, venv: &Venv) -> Result<Server> {
        rotate_log(&layout.log_path())?;
        let console_path = layout.console_log_path();
        let console = File::create(&console_path)
            .map_err(|error| format!("cannot create {}: {error}", console_path.display()))?;
        let console_err = console
            .try_clone()
            .map_err(|error| format!("cannot reuse {}: {error}", console_path.display()))?;
        let mut command = venv.python_command(["-m", "synapse.app.homeserver", "-c"]);
        command
            .arg(layout.config_path())
            .current_dir(&layout.state_dir)
            .stdin(Stdio::null())
            .stdout(console)
            .stderr(console_err)
            .process_group(0);
        let child = process::spawn(&mut command)?;
        Ok(Server {
            child: Some(child),
            layout: layout.clone(),
        })
    }

    /// Waits until `/health` answers "OK", failing with the log's tail if Synapse exits,
    /// does not answer within [`START_TIMEOUT`], or the user presses Ctrl+C.
    pub fn wait_healthy(&mut self) -> Result<()> {
        println!("Waiting for Synapse at {}…", self.layout.base_url());
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if http::healthy(self.layout.port) {
                return Ok(());
            }
            process::check_interrupted()?;
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(self.failure(&format!("Synapse exited during start-up ({status})")));
            }
            if Instant::now() >= deadline {
                return Err(self.failure(&format!(
                    "Synapse did not answer {}/health within {} s",
                    self.layout.base_url(),
                    START_TIMEOUT.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Whether the process has exited (false once detached).
    pub fn has_exited(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|child| matches!(child.try_wait(), Ok(Some(_))))
    }

    /// A failure message with the tails of both logs.
    fn failure(&self, headline: &str) -> String {
        let log = self.layout.log_path();
        let console = self.layout.console_log_path();
        format!(
            "{headline}.\n--- last lines of {} ---\n{}\n--- last lines of {} ---\n{}",
            console.display(),
            process::tail(&console, TAIL_LINES),
            log.display(),
            process::tail(&log, TAIL_LINES),
        )
    }

    /// Stops Synapse: SIGTERM, then SIGKILL after the grace period.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            process::stop_child(&mut child, "Synapse", true);
        }
    }

    /// Leaves Synapse running after xtask exits; returns its process id.
    pub fn detach(mut self) -> Option<u32> {
        self.child.take().map(|child| child.id())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Renames the log of the previous run to `<name>.1`, so the log shows this run only.
fn rotate_log(path: &Path) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let mut previous = path.as_os_str().to_owned();
    previous.push(".1");
    std::fs::rename(path, &previous)
        .map_err(|error| format!("cannot rename {}: {error}", path.display()))
}

/// Whether nothing listens on `127.0.0.1:port`.
pub fn port_is_free(port: u16) -> bool {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
}

/// A port on 127.0.0.1 that is free right now (the system picks it).
pub fn free_port() -> Result<u16> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|error| format!("cannot find a free port on 127.0.0.1: {error}"))
}
