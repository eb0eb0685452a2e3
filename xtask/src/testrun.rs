//! `cargo xtask test` and `cargo xtask screenshots`: nextest runs, the first against a
//! throwaway Synapse.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::Result;
use crate::apt;
use crate::middleware::Middleware;
use crate::process;
use crate::server::{self, Server};
use crate::synapse::{self, Layout};
use crate::venv;
use crate::workspace::Workspace;

/// Replaces the nextest command line of `test` when set (split on whitespace).
const COMMAND_OVERRIDE_ENV: &str = "SPARKS_XTASK_TEST_COMMAND";

/// The longest line kept while looking for nextest's summary.
const MAX_LINE: usize = 64 * 1024;

/// `test`: the whole workspace's tests against a fresh Synapse in a temporary folder.
pub fn test(keep: bool, passthrough: &[String]) -> Result<ExitCode> {
    let ws = Workspace::locate()?;
    apt::ensure(apt::ALL)?;
    let venv = venv::ensure(&ws)?;
    let mut command = test_command(&ws, passthrough)?;
    let dir = TempDir::create(keep)?;
    let keyring = keyring_tests(&ws, &dir.path.join("keyring"), passthrough)?;
    let layout = Layout {
        state_dir: dir.path.clone(),
        data_dir: dir.path.join("data"),
        port: server::free_port()?,
        middleware_port: Some(server::free_port()?),
    };
    // The middleware binary must exist before the tests start; nextest reuses this build.
    ws.build_all()?;
    let secrets = synapse::prepare(&layout, &venv)?;
    println!(
        "Starting a test Synapse at {} (state in {})…",
        layout.base_url(),
        layout.state_dir.display()
    );
    let mut server = Server::start(&layout, &venv)?;
    server.wait_healthy()?;
    let middleware_port = layout.middleware_port.ok_or("no middleware port")?;
    println!("Starting Radicale (CalDAV/CardDAV)…");
    let mut radicale =
        crate::radicale::Radicale::start(&venv, &dir.path.join("radicale"), server::free_port()?)?;
    println!("Starting the Sparks middleware beside it…");
    let mut middleware = Middleware::start(
        &ws,
        &dir.path.join("middleware"),
        middleware_port,
        &layout,
        Some(&radicale.url()),
        None,
    )?;
    println!("Starting an OpenID provider (oidc-provider)…");
    let mut provider =
        crate::oidc::Provider::start(&ws, &dir.path.join("oidc"), server::free_port()?)?;
    println!("Starting a test PostgreSQL…");
    let postgres = crate::postgres::Postgres::start()?;
    command
        .env("SPARKS_TEST_POSTGRES", postgres.url())
        .env("SPARKS_TEST_RADICALE", radicale.url())
        .env("SPARKS_TEST_MIDDLEWARE", middleware.url())
        .env("SPARKS_TEST_OIDC_ISSUER", provider.issuer())
        .env("SPARKS_TEST_HOMESERVER", layout.base_url())
        .env("SPARKS_TEST_SERVER_NAME", layout.server_name())
        .env("SPARKS_TEST_REGISTRATION_SECRET", &secrets.registration)
        .env("SPARKS_TEST_PYTHON", venv.python());
    println!("Running `{}`…", process::describe(&command));
    let outcome = run_teed(&mut command);
    let interop = livekit_tests(&ws, &venv, passthrough);
    middleware.stop();
    provider.stop();
    radicale.stop();
    server.stop();
    drop(postgres);
    drop(dir);
    let (status, summary) = outcome?;
    if let Some((interop_status, interop_summary)) = interop? {
        println!(
            "==> LiveKit interop tests: {}",
            interop_summary.as_deref().unwrap_or("no summary line")
        );
        if !interop_status.success() {
            println!("==> The LiveKit interop tests failed.");
            return Ok(exit_code(interop_status));
        }
    }
    if let Some((keyring_status, keyring_summary)) = keyring {
        println!(
            "==> OS keyring tests: {}",
            keyring_summary.as_deref().unwrap_or("no summary line")
        );
        if !keyring_status.success() {
            println!("==> The OS keyring tests failed.");
            return Ok(exit_code(keyring_status));
        }
    }
    match summary {
        Some(line) => println!("==> Test summary: {line}"),
        None => println!("==> No nextest summary line was printed."),
    }
    Ok(exit_code(status))
}

/// The tests that need a real Secret Service (ignored in the main run), inside a private D-Bus
/// session with a freshly unlocked gnome-keyring whose files live in `dir`.
///
/// Runs with the same package set as the main run so cargo reuses its build.
fn keyring_tests(
    ws: &Workspace,
    dir: &Path,
    passthrough: &[String],
) -> Result<Option<(ExitStatus, Option<String>)>> {
    if std::env::var_os(COMMAND_OVERRIDE_ENV).is_some() || !passthrough.is_empty() {
        return Ok(None);
    }
    let runtime = dir.join("runtime");
    for folder in [dir.join("data"), runtime.clone()] {
        crate::workspace::create_dir(&folder)?;
    }
    std::fs::set_permissions(
        &runtime,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .map_err(|error| format!("cannot protect {}: {error}", runtime.display()))?;
    let nextest = ws.cargo([
        "nextest",
        "run",
        "--workspace",
        "--run-ignored",
        "only",
        "-E",
        "package(sparks-secrets)",
    ]);
    let mut command = Command::new("dbus-run-session");
    command
        .args(["--", "sh", "-c", "printf %s sparks-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec \"$@\"", "sh"])
        .arg(nextest.get_program())
        .args(nextest.get_args())
        .current_dir(ws.root())
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_RUNTIME_DIR", &runtime);
    for (key, value) in nextest.get_envs() {
        if let Some(value) = value {
            command.env(key, value);
        }
    }
    println!("Running the OS keyring tests in a private D-Bus session…");
    run_teed(&mut command).map(Some)
}

/// The meeting engine's interop tests with LiveKit's official Python SDK (ignored in the main
/// run), inside a network namespace of their own.
fn livekit_tests(
    ws: &Workspace,
    venv: &venv::Venv,
    passthrough: &[String],
) -> Result<Option<(ExitStatus, Option<String>)>> {
    if std::env::var_os(COMMAND_OVERRIDE_ENV).is_some() || !passthrough.is_empty() {
        return Ok(None);
    }
    let namespace = crate::netns::Namespace::create()?;
    let nextest = ws.cargo([
        "nextest",
        "run",
        "--workspace",
        "--run-ignored",
        "only",
        "-E",
        "package(sparks-call)",
    ]);
    let mut command = namespace.exec();
    command
        .arg(nextest.get_program())
        .args(nextest.get_args())
        .current_dir(ws.root())
        .env("SPARKS_TEST_MEDIA_IP", crate::netns::MEDIA_IP)
        .env("SPARKS_TEST_LIVEKIT_PYTHON", venv.python());
    for (key, value) in nextest.get_envs() {
        if let Some(value) = value {
            command.env(key, value);
        }
    }
    println!("Running the LiveKit interop tests in a network namespace of their own…");
    run_teed(&mut command).map(Some)
}

/// The command that runs the tests: nextest, or the override from the environment.
fn test_command(ws: &Workspace, passthrough: &[String]) -> Result<Command> {
    let override_line = std::env::var(COMMAND_OVERRIDE_ENV).unwrap_or_default();
    let mut words = override_line.split_whitespace();
    let mut command = match words.next() {
        Some(program) => {
            println!("Using {COMMAND_OVERRIDE_ENV}: {override_line}");
            let mut command = Command::new(program);
            command.args(words).current_dir(ws.root());
            command
        }
        None => {
            ensure_nextest(ws)?;
            let mut command = ws.cargo(["nextest", "run", "--workspace", "--no-fail-fast"]);
            // Output is piped through xtask, so nextest cannot see the terminal itself.
            if std::io::stderr().is_terminal() {
                command.args(["--color", "always"]);
            }
            command
        }
    };
    command.args(passthrough);
    Ok(command)
}

/// `screenshots`: renders the app's screenshot tests into `target/screenshots`.
pub fn screenshots(passthrough: &[String]) -> Result<ExitCode> {
    let ws = Workspace::locate()?;
    apt::ensure(&[&apt::BUILD, &apt::GUI])?;
    ensure_nextest(&ws)?;
    let dir = ws.root().join("target/screenshots");
    crate::workspace::create_dir(&dir)?;
    // The whole workspace, filtered: the same features as the test run, so its build is reused.
    let mut command = ws.cargo([
        "nextest",
        "run",
        "--workspace",
        "-E",
        "package(sparks) & binary(screenshots)",
    ]);
    command
        .args(passthrough)
        .env("SPARKS_SCREENSHOTS_DIR", &dir);
    let status = process::status(&mut command)?;
    list_pngs(&ws, &dir)?;
    Ok(exit_code(status))
}

/// Prints the PNG files in `dir` with their sizes.
fn list_pngs(ws: &Workspace, dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
    let mut pngs: Vec<(PathBuf, u64)> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("png"))
        })
        .map(|path| {
            let size = std::fs::metadata(&path).map(|meta| meta.len()).unwrap_or(0);
            (path, size)
        })
        .collect();
    pngs.sort();
    if pngs.is_empty() {
        println!("No screenshots in {}.", ws.display(dir));
    } else {
        println!("Screenshots in {}:", ws.display(dir));
        for (path, size) in pngs {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            println!("  {name} ({} KiB)", size.div_ceil(1024));
        }
    }
    Ok(())
}

/// Installs cargo-nextest if `cargo nextest` is not available.
fn ensure_nextest(ws: &Workspace) -> Result<()> {
    if process::succeeds(&mut ws.cargo(["nextest", "--version"])) {
        return Ok(());
    }
    println!("Installing cargo-nextest (first run only)…");
    process::run(&mut ws.cargo(["install", "cargo-nextest", "--locked"]))
}

/// The process exit code matching a child's status (1 if it died from a signal).
fn exit_code(status: ExitStatus) -> ExitCode {
    match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    }
}

/// Runs `command`, copying its output to the terminal as it comes, and returns its
/// status with the last line that starts with "Summary" (nextest's closing line).
fn run_teed(command: &mut Command) -> Result<(ExitStatus, Option<String>)> {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = process::spawn(command)?;
    let stdout = child.stdout.take().map(|out| tee(out, std::io::stdout()));
    let stderr = child.stderr.take().map(|err| tee(err, std::io::stderr()));
    let status = child
        .wait()
        .map_err(|error| format!("cannot wait for the tests: {error}"))?;
    let join = |handle: Option<JoinHandle<Option<String>>>| {
        handle.and_then(|handle| handle.join().ok()).flatten()
    };
    let from_stdout = join(stdout);
    let from_stderr = join(stderr);
    Ok((status, from_stderr.or(from_stdout)))
}

/// Copies `input` to `output` on a thread, returning the last "Summary" line seen.
fn tee<R, W>(mut input: R, mut output: W) -> JoinHandle<Option<String>>
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    std::thread::spawn(move || {
        let mut scanner = SummaryScanner::default();
        let mut buffer = [0u8; 8192];
        loop {
            match input.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => {
                    let chunk = &buffer[..read];
                    let _ = output.write_all(chunk);
                    let _ = output.flush();
                    scanner.feed(chunk);
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        scanner.finish()
    })
}

/// Finds the last line starting with "Summary" in a stream of bytes, ignoring colours.
#[derive(Default)]
struct SummaryScanner {
    line: Vec<u8>,
    summary: Option<String>,
}

impl SummaryScanner {
    /// Takes the next bytes of the stream.
    fn feed(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if byte == b'\n' || byte == b'\r' {
                self.end_line();
            } else if self.line.len() < MAX_LINE {
                self.line.push(byte);
            }
        }
    }

    /// Ends the stream and returns the summary line, if any.
    fn finish(mut self) -> Option<String> {
        self.end_line();
        self.summary
    }

    /// Checks the collected line and starts a new one.
    fn end_line(&mut self) {
        let text = strip_ansi(&String::from_utf8_lossy(&self.line));
        let trimmed = text.trim();
        if trimmed.starts_with("Summary") {
            self.summary = Some(trimmed.to_string());
        }
        self.line.clear();
    }
}

/// `text` without ANSI escape sequences (colours and the like).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        // CSI sequences: ESC [ parameters final-byte (0x40..=0x7e).
        if chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        } else {
            chars.next();
        }
    }
    out
}

/// A uniquely named folder under the system's temporary folder, removed when dropped
/// unless it is to be kept.
struct TempDir {
    path: PathBuf,
    keep: bool,
}

impl TempDir {
    /// Creates `sparks-test-<pid>-<nanoseconds>` in the temporary folder.
    fn create(keep: bool) -> Result<TempDir> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!("sparks-test-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path)
            .map_err(|error| format!("cannot create {}: {error}", path.display()))?;
        Ok(TempDir { path, keep })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if self.keep {
            println!("Kept the test server's folder: {}", self.path.display());
        } else if let Err(error) = std::fs::remove_dir_all(&self.path) {
            eprintln!("warning: cannot remove {}: {error}", self.path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_coloured_summary_line() {
        let mut scanner = SummaryScanner::default();
        scanner.feed(b"   PASS [ 0.1s] a::b\n------\n  \x1b[1;32m  Summary\x1b[0m [  1.0s] ");
        scanner.feed(b"3 tests run: 3 passed, 0 skipped\nlater\n");
        assert_eq!(
            scanner.finish().as_deref(),
            Some("Summary [  1.0s] 3 tests run: 3 passed, 0 skipped")
        );
    }

    #[test]
    fn no_summary_without_one() {
        let mut scanner = SummaryScanner::default();
        scanner.feed(b"nothing here\nSummar");
        assert_eq!(scanner.finish(), None);
    }
}
