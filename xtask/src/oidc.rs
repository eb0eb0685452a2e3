//! A real OpenID Connect provider for the middleware's live tests: panva's `oidc-provider`
//! from the npm registry (installed once into `~/.cache/sparks/oidc-provider`), running
//! `tests/peers/oidc_provider.mjs` on 127.0.0.1.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;
use crate::http;
use crate::process;
use crate::workspace::{self, Workspace};

/// The major version the provider script is written for.
const PACKAGE: &str = "oidc-provider@9";
const START_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Provider {
    child: Option<Child>,
    port: u16,
    log: PathBuf,
}

/// Installs Node.js from Debian if there is none, and the provider package if it is missing.
fn ensure_installed() -> Result<PathBuf> {
    if !process::succeeds(Command::new("npm").arg("--version")) {
        crate::apt::ensure(&[&crate::apt::NODE])?;
    }
    let dir = workspace::cache_dir()
        .ok_or("no home folder for the npm cache")?
        .join("oidc-provider");
    if dir.join("node_modules/oidc-provider/package.json").exists() {
        return Ok(dir);
    }
    workspace::create_dir(&dir)?;
    std::fs::write(
        dir.join("package.json"),
        "{ \"private\": true, \"type\": \"module\" }\n",
    )
    .map_err(|error| format!("cannot write {}: {error}", dir.display()))?;
    println!("Installing {PACKAGE} from the npm registry (first run only)…");
    process::run(
        Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                PACKAGE,
            ])
            .current_dir(&dir),
    )?;
    Ok(dir)
}

impl Provider {
    /// Starts the provider on `port`; its log goes to `state/oidc-provider.log`.
    pub fn start(ws: &Workspace, state: &Path, port: u16) -> Result<Provider> {
        let dir = ensure_installed()?;
        // ES modules find their imports beside the script, so it runs from the install folder.
        let script = dir.join("provider.mjs");
        std::fs::copy(ws.root().join("tests/peers/oidc_provider.mjs"), &script)
            .map_err(|error| format!("cannot copy the provider script: {error}"))?;
        workspace::create_dir(state)?;
        let log = state.join("oidc-provider.log");
        let out = File::create(&log)
            .map_err(|error| format!("cannot create {}: {error}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|error| format!("cannot reuse {}: {error}", log.display()))?;
        let mut command = Command::new("node");
        command
            .arg(&script)
            .env("PORT", port.to_string())
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let mut provider = Provider {
            child: Some(process::spawn(&mut command)?),
            port,
            log,
        };
        provider.wait_ready()?;
        Ok(provider)
    }

    fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if http::get(self.port, "/.well-known/openid-configuration")
                .is_ok_and(|r| r.status == 200)
            {
                return Ok(());
            }
            process::check_interrupted()?;
            let exited = self
                .child
                .as_mut()
                .and_then(|child| child.try_wait().ok().flatten());
            if exited.is_some() || Instant::now() >= deadline {
                return Err(format!(
                    "the OpenID provider did not start.\n--- last lines of {} ---\n{}",
                    self.log.display(),
                    process::tail(&self.log, 30)
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Its issuer, as its tokens name it.
    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            process::stop_child(&mut child, "the OpenID provider", true);
        }
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.stop();
    }
}
