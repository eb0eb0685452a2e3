//! A server process xtask starts besides Synapse (the middleware, the OpenID provider): its
//! output in a log file, its own process group (Ctrl+C reaches xtask, which stops it in
//! order), a wait until it answers, and a stop when dropped.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;
use crate::http;
use crate::process;

pub struct Service {
    name: &'static str,
    child: Option<Child>,
    log: PathBuf,
}

impl Service {
    /// Starts `command` with its output in `log`, and waits up to `timeout` until
    /// `GET ready` on 127.0.0.1:`port` answers 200.
    pub fn start(
        name: &'static str,
        mut command: Command,
        log: PathBuf,
        (port, ready): (u16, &str),
        timeout: Duration,
    ) -> Result<Service> {
        let out = File::create(&log)
            .map_err(|error| format!("cannot create {}: {error}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|error| format!("cannot reuse {}: {error}", log.display()))?;
        command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let mut service = Service {
            name,
            child: Some(process::spawn(&mut command)?),
            log,
        };
        let deadline = Instant::now() + timeout;
        loop {
            if http::get(port, ready).is_ok_and(|r| r.status == 200) {
                return Ok(service);
            }
            process::check_interrupted()?;
            let exited = service
                .child
                .as_mut()
                .and_then(|child| child.try_wait().ok().flatten());
            if exited.is_some() || Instant::now() >= deadline {
                return Err(format!(
                    "{name} did not start.\n--- last lines of {} ---\n{}",
                    service.log.display(),
                    process::tail(&service.log, 30)
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log(&self) -> &Path {
        &self.log
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            process::stop_child(&mut child, self.name, true);
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}
