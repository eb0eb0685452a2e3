//! A throwaway PostgreSQL cluster on 127.0.0.1 for the middleware's tests: `initdb` into a
//! temporary folder, `pg_ctl start`, and gone again when dropped. PostgreSQL refuses to run as
//! root, so as root the cluster belongs to `nobody`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::process;
use crate::server;

pub struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    as_nobody: bool,
    url: String,
}

impl Postgres {
    pub fn start() -> Result<Postgres> {
        let bin = binaries()?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("sparks-pg-{}-{nanos:x}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let as_nobody = is_root();
        if as_nobody {
            process::run(Command::new("chown").arg("nobody").arg(&dir))?;
        }
        let port = server::free_port()?;
        let postgres = Postgres {
            url: format!("postgres://sparks@127.0.0.1:{port}/postgres"),
            bin,
            dir,
            as_nobody,
        };
        let data = postgres.dir.join("data");
        process::run(postgres.command("initdb").arg("-D").arg(&data).args([
            "-U",
            "sparks",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]))?;
        process::run(
            postgres
                .command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-o")
                .arg(format!(
                    "-h 127.0.0.1 -p {port} -k {} -F",
                    postgres.dir.display()
                ))
                .arg("-l")
                .arg(postgres.dir.join("log"))
                .args(["-w", "start"]),
        )?;
        Ok(postgres)
    }

    /// `postgres://…` for the tests.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn command(&self, tool: &str) -> Command {
        let tool = self.bin.join(tool);
        if self.as_nobody {
            let mut command = Command::new("runuser");
            command.args(["-u", "nobody", "--"]).arg(tool);
            command
        } else {
            Command::new(tool)
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-s", "stop"])
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The newest PostgreSQL's server programs (Debian keeps them per version).
fn binaries() -> Result<PathBuf> {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .map_err(|e| format!("no PostgreSQL in {}: {e}", root.display()))?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| format!("no PostgreSQL server programs under {}", root.display()))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}
