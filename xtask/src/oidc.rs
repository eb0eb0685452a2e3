//! A real OpenID Connect provider for the middleware's live tests: panva's `oidc-provider`
//! from the npm registry (installed once into `~/.cache/sparks/oidc-provider`), running
//! `tests/peers/oidc_provider.mjs` on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::Result;
use crate::process;
use crate::service::Service;
use crate::workspace::{self, Workspace};

/// The major version the provider script is written for.
const PACKAGE: &str = "oidc-provider@9";
const START_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Provider {
    service: Service,
    port: u16,
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
        let mut command = Command::new("node");
        command
            .arg(&script)
            .env("PORT", port.to_string())
            .current_dir(&dir);
        let service = Service::start(
            "the OpenID provider",
            command,
            state.join("oidc-provider.log"),
            (port, "/.well-known/openid-configuration"),
            START_TIMEOUT,
        )?;
        Ok(Provider { service, port })
    }

    /// Its issuer, as its tokens name it.
    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn stop(&mut self) {
        self.service.stop();
    }
}
