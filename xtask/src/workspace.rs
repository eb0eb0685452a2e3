//! The repository that xtask works on, and the cargo commands it starts there.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;

/// The checkout of the Sparks repository.
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    /// Finds the repository root: the parent of the `xtask` package folder.
    ///
    /// `cargo run` sets `CARGO_MANIFEST_DIR` for the program it starts; the folder the
    /// program was built from is the fallback.
    pub fn locate() -> Result<Workspace> {
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let root = manifest_dir.parent().ok_or_else(|| {
            format!(
                "cannot find the repository root above {}",
                manifest_dir.display()
            )
        })?;
        if !root.join("Cargo.toml").is_file() {
            return Err(format!(
                "{} does not look like the Sparks repository (no Cargo.toml); run xtask with `cargo xtask`",
                root.display()
            ));
        }
        Ok(Workspace {
            root: root.to_path_buf(),
        })
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `.dev/`: local, git-ignored state such as the Python environment and demo data.
    pub fn dev_dir(&self) -> PathBuf {
        self.root.join(".dev")
    }

    /// Shows `path` relative to the repository root when it lies inside it.
    pub fn display(&self, path: &Path) -> String {
        match path.strip_prefix(&self.root) {
            Ok(relative) => relative.display().to_string(),
            Err(_) => path.display().to_string(),
        }
    }

    /// A `cargo` command run from the repository root.
    ///
    /// When `CARGO_TARGET_DIR` is not set, builds go to `$HOME/.cache/sparks/target`, a warm
    /// target folder shared by every checkout.
    pub fn cargo<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let mut command = Command::new(program);
        command.args(args).current_dir(&self.root);
        if std::env::var_os("CARGO_TARGET_DIR").is_none()
            && let Some(target) = default_target_dir()
        {
            command.env("CARGO_TARGET_DIR", target);
        }
        self.claim_target();
        command
    }

    /// Makes the shared target folder this checkout's. Cargo decides by modification time
    /// whether a crate must be built again, so sources older than what another checkout built
    /// there last would pass for built, and the tests would run that checkout's binaries (with
    /// its paths compiled in). When another checkout used the folder last, this one's files
    /// are touched, so cargo looks at them afresh.
    fn claim_target(&self) {
        let stamp = self.target_dir().join(".sparks-checkout");
        let ours = self.root.display().to_string();
        if std::fs::read_to_string(&stamp).is_ok_and(|last| last == ours) {
            return;
        }
        let listed = Command::new("git")
            .args(["ls-files", "-z"])
            .current_dir(&self.root)
            .output();
        let Some(listed) = listed.ok().filter(|out| out.status.success()) else {
            return;
        };
        let now = std::time::SystemTime::now();
        for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
            let path = self.root.join(String::from_utf8_lossy(name).as_ref());
            // Links are left alone: what they point to may lie outside the checkout.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                continue;
            }
            if let Ok(file) = std::fs::File::options().write(true).open(&path) {
                let _ = file.set_modified(now);
            }
        }
        if let Some(parent) = stamp.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&stamp, ours);
    }
}

impl Workspace {
    /// Builds the whole workspace with the same set of targets as the test run.
    ///
    /// Cargo resolves features per invocation: `cargo run -p one-package` would compile
    /// matrix-sdk and friends again with that package's features. Building everything at once
    /// keeps one set of artefacts for the tests, the seeder and the app.
    pub fn build_all(&self) -> Result<()> {
        println!("Building Sparks (the first build takes a while)…");
        let mut command = self.cargo(["build", "--quiet", "--workspace", "--all-targets"]);
        crate::process::run(&mut command)
            .map_err(|error| format!("building the workspace failed: {error}"))
    }

    /// A command running one of the workspace's binaries, as built by [`Workspace::build_all`].
    pub fn binary(&self, name: &str) -> Command {
        let mut command = Command::new(self.target_dir().join("debug").join(name));
        command.current_dir(&self.root);
        command
    }

    /// The release build of binary `name` of `package`, built now if it is not up to date.
    pub fn release_binary(&self, package: &str, name: &str) -> Result<PathBuf> {
        println!("Building {name} with optimisations (the first build takes a while)…");
        let mut command = self.cargo([
            "build",
            "--quiet",
            "--release",
            "-p",
            package,
            "--bin",
            name,
        ]);
        crate::process::run(&mut command)
            .map_err(|error| format!("building {name} failed: {error}"))?;
        Ok(self.target_dir().join("release").join(name))
    }

    fn target_dir(&self) -> PathBuf {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .or_else(default_target_dir)
            .unwrap_or_else(|| self.root.join("target"));
        if target.is_relative() {
            self.root.join(target)
        } else {
            target
        }
    }
}

/// `$HOME/.cache/sparks/target`, if the home folder is known.
fn default_target_dir() -> Option<PathBuf> {
    home_dir().map(|home| home.join(".cache/sparks/target"))
}

/// `$HOME/.cache/sparks`, where downloads are cached across checkouts.
pub fn cache_dir() -> Option<PathBuf> {
    home_dir().map(|home| home.join(".cache/sparks"))
}

/// The user's home folder from `$HOME`, if set and not empty.
fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
}

/// Creates `path` and its parents.
pub fn create_dir(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path)
        .map_err(|error| format!("cannot create {}: {error}", path.display()))
}
