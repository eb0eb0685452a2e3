//! The Python virtual environment in `.dev/venv` that holds Synapse.

use std::path::PathBuf;
use std::process::Command;

use crate::Result;
use crate::process;
use crate::workspace::{self, Workspace};

/// A Python virtual environment with Synapse installed.
pub struct Venv {
    dir: PathBuf,
}

impl Venv {
    /// The environment's Python interpreter.
    pub fn python(&self) -> PathBuf {
        self.dir.join("bin/python")
    }

    /// A command running the environment's Python with `args`.
    pub fn python_command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = Command::new(self.python());
        command.args(args);
        command
    }
}

/// What the test servers and peers need: (module to import, pip requirement).
///
/// matrix-nio with libolm (the `python-olm` wheel) is the independent Matrix client the E2EE
/// interop tests talk to: its encryption is not matrix-rust-sdk's. `livekit` is LiveKit's
/// official Python SDK (its wheel carries LiveKit's own engine and libwebrtc), the official
/// client the meeting engine and the SFU fixture are checked against. Radicale is the CalDAV
/// and CardDAV server of the calendar tests and the demo; Python's `icalendar` is the
/// calendar benchmark's baseline.
const PACKAGES: [(&str, &str); 5] = [
    ("synapse", "matrix-synapse"),
    ("nio", "matrix-nio[e2e]"),
    // The interop tests and the call benchmark's baseline were measured with 1.2.
    ("livekit.rtc", "livekit>=1.2,<1.3"),
    ("radicale", "radicale>=3.9,<4"),
    ("icalendar", "icalendar>=7.3,<8"),
];

/// Makes sure `.dev/venv` exists and has [`PACKAGES`] installed, creating and installing what
/// is missing.
pub fn ensure(ws: &Workspace) -> Result<Venv> {
    let venv = Venv {
        dir: ws.dev_dir().join("venv"),
    };
    if !python_works(&venv) {
        create(ws, &venv)?;
    }
    for (module, requirement) in PACKAGES {
        let import = format!("import {module}");
        if !process::succeeds(&mut venv.python_command(["-c", import.as_str()])) {
            install(ws, &venv, module, requirement)?;
        }
    }
    Ok(venv)
}

/// Whether the environment's interpreter starts at all.
fn python_works(venv: &Venv) -> bool {
    process::succeeds(&mut venv.python_command(["-c", "import sys"]))
}

/// Creates the environment with `python3 -m venv`, replacing a broken one.
fn create(ws: &Workspace, venv: &Venv) -> Result<()> {
    if venv.dir.exists() {
        println!(
            "The Python environment in {} is broken; recreating it.",
            ws.display(&venv.dir)
        );
        std::fs::remove_dir_all(&venv.dir)
            .map_err(|error| format!("cannot remove {}: {error}", venv.dir.display()))?;
    }
    println!(
        "Creating the Python environment in {}…",
        ws.display(&venv.dir)
    );
    if let Some(parent) = venv.dir.parent() {
        workspace::create_dir(parent)?;
    }
    process::output(Command::new("python3").arg("-m").arg("venv").arg(&venv.dir))
        .map_err(|error| format!("{error}\nIs python3-venv installed? Try `cargo xtask deps`."))?;
    Ok(())
}

/// Installs one requirement with pip, caching downloads in `$HOME/.cache/sparks/pip`.
fn install(ws: &Workspace, venv: &Venv, module: &str, requirement: &str) -> Result<()> {
    println!(
        "Installing {requirement} into {} (first run only; this takes a minute)…",
        ws.display(&venv.dir)
    );
    let mut command = venv.python_command([
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "-q",
        requirement,
    ]);
    if let Some(cache) = workspace::cache_dir() {
        command.env("PIP_CACHE_DIR", cache.join("pip"));
    }
    process::run(&mut command)?;
    let import = format!("import {module}");
    if !process::succeeds(&mut venv.python_command(["-c", import.as_str()])) {
        return Err(format!(
            "{requirement} was installed but `{import}` still fails"
        ));
    }
    Ok(())
}
