//! The demo Synapse in `.dev/demo`: started in the foreground by `demo`, or in the
//! background by `stack up`, and seeded with demo data.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::Result;
use crate::apt;
use crate::http;
use crate::process;
use crate::server::{self, Server};
use crate::synapse::{self, Layout, Secrets};
use crate::venv::{self, Venv};
use crate::workspace::Workspace;

/// The port the demo Synapse prefers.
const DEMO_PORT: u16 = 8008;

/// The text in a Synapse process's command line, to tell it from an unrelated process.
const SYNAPSE_MODULE: &str = "synapse.app.homeserver";

/// A demo Synapse that answers, with what clients and the seeder need to reach it.
pub struct DemoServer {
    /// Its files and port.
    pub layout: Layout,
    /// Its secrets.
    pub secrets: Secrets,
    /// The process, if this xtask started and owns it.
    pub server: Option<Server>,
}

impl DemoServer {
    /// The `SPARKS_HOME` folder the seeder logs the demo account into and the app uses.
    pub fn sparks_home(&self) -> PathBuf {
        self.layout
            .state_dir
            .join(per_port("home", self.layout.port))
    }
}

/// `.dev/demo`.
fn demo_dir(ws: &Workspace) -> PathBuf {
    ws.dev_dir().join("demo")
}

/// `name` for the default port, `name-PORT` otherwise.
///
/// The Matrix server name contains the port, and Synapse refuses a database made for
/// another server name, so data made on a fallback port is kept apart.
fn per_port(name: &str, port: u16) -> String {
    if port == DEMO_PORT {
        name.to_string()
    } else {
        format!("{name}-{port}")
    }
}

/// The demo layout for `port`.
fn demo_layout(ws: &Workspace, port: u16) -> Layout {
    let state_dir = demo_dir(ws);
    Layout {
        data_dir: state_dir.join(per_port("data", port)),
        state_dir,
        port,
        // The demo's middleware listens next to its Synapse (`cargo xtask demo` starts it).
        middleware_port: Some(port + 1),
    }
}

/// The pid file of the background Synapse.
fn pid_file(ws: &Workspace) -> PathBuf {
    demo_dir(ws).join("synapse.pid")
}

/// The file holding the background Synapse's port.
fn port_file(ws: &Workspace) -> PathBuf {
    demo_dir(ws).join("synapse.port")
}

/// What is known about the background Synapse.
enum Background {
    /// No pid file, or it names a process that is gone.
    Stopped,
    /// The process runs; `healthy` tells whether it answers `/health`.
    Running { pid: u32, port: u16, healthy: bool },
}

/// Reads the pid and port files, clearing them if their process is gone.
fn background(ws: &Workspace) -> Background {
    let read_number =
        |path: &Path| -> Option<u32> { std::fs::read_to_string(path).ok()?.trim().parse().ok() };
    let Some(pid) = read_number(&pid_file(ws)) else {
        return Background::Stopped;
    };
    let port = read_number(&port_file(ws)).and_then(|port| u16::try_from(port).ok());
    match port {
        Some(port) if process::pid_alive(pid) && process::pid_runs(pid, SYNAPSE_MODULE) => {
            Background::Running {
                pid,
                port,
                healthy: http::healthy(port),
            }
        }
        _ => {
            forget_background(ws);
            Background::Stopped
        }
    }
}

/// Removes the pid and port files.
fn forget_background(ws: &Workspace) {
    let _ = std::fs::remove_file(pid_file(ws));
    let _ = std::fs::remove_file(port_file(ws));
}

/// Records a background Synapse in the pid and port files.
fn remember_background(ws: &Workspace, pid: u32, port: u16) -> Result<()> {
    let write = |path: PathBuf, value: String| {
        std::fs::write(&path, value + "\n")
            .map_err(|error| format!("cannot write {}: {error}", path.display()))
    };
    write(pid_file(ws), pid.to_string())?;
    write(port_file(ws), port.to_string())
}

/// Makes sure a demo Synapse answers: reuses the background one if it runs, or starts one.
///
/// With `detach`, a new server is left running in the background and recorded in the pid
/// file; otherwise the returned [`DemoServer`] owns it and stops it when dropped.
pub fn ensure_demo_server(ws: &Workspace, venv: &Venv, detach: bool) -> Result<DemoServer> {
    match background(ws) {
        Background::Running {
            port,
            healthy: true,
            pid,
        } => {
            let layout = demo_layout(ws, port);
            println!(
                "Using the background Synapse at {} (pid {pid}).",
                layout.base_url()
            );
            let secrets = synapse::prepare(&layout, venv)?;
            return Ok(DemoServer {
                layout,
                secrets,
                server: None,
            });
        }
        Background::Running { pid, port, .. } => {
            return Err(format!(
                "a background Synapse (pid {pid}, port {port}) runs but does not answer /health; \
                 stop it with `cargo xtask stack down`"
            ));
        }
        Background::Stopped => {}
    }
    let port = pick_port()?;
    let layout = demo_layout(ws, port);
    let secrets = synapse::prepare(&layout, venv)?;
    println!(
        "Starting Synapse at {} (state in {})…",
        layout.base_url(),
        ws.display(&layout.state_dir)
    );
    let mut server = Server::start(&layout, venv)?;
    server.wait_healthy()?;
    let server = if detach {
        let pid = server
            .detach()
            .ok_or("the new Synapse process was lost before it could be recorded")?;
        remember_background(ws, pid, port)?;
        None
    } else {
        Some(server)
    };
    Ok(DemoServer {
        layout,
        secrets,
        server,
    })
}

/// The default demo port if it is free, else a free one (saying so).
fn pick_port() -> Result<u16> {
    if server::port_is_free(DEMO_PORT) {
        return Ok(DEMO_PORT);
    }
    let port = server::free_port()?;
    println!(
        "Port {DEMO_PORT} is busy; using port {port} instead. Its demo data is kept apart \
         (data-{port}, home-{port}) because the server name includes the port."
    );
    Ok(port)
}

/// Runs the demo seeder: demo users, rooms, and a logged-in demo account in the app's home.
pub fn seed(ws: &Workspace, demo: &DemoServer, radicale: Option<&str>) -> Result<()> {
    let home = demo.sparks_home();
    println!(
        "Seeding demo users and rooms on {} and logging the demo account in for {}…",
        demo.layout.base_url(),
        ws.display(&home)
    );
    ws.build_all()?;
    let mut command = ws.binary("sparks-seed");
    command
        .arg("--homeserver")
        .arg(demo.layout.base_url())
        .arg("--registration-secret")
        .arg(&demo.secrets.registration)
        .arg("--sparks-home")
        .arg(&home);
    if let Some(radicale) = radicale {
        command.arg("--radicale").arg(radicale);
    }
    process::run(&mut command).map_err(|error| format!("seeding the demo failed: {error}"))
}

/// The folders and packages every demo command needs, then a running demo Synapse.
fn prepare(ws: &Workspace, detach: bool) -> Result<DemoServer> {
    apt::ensure(&[&apt::BUILD, &apt::PYTHON])?;
    let venv = venv::ensure(ws)?;
    ensure_demo_server(ws, &venv, detach)
}

/// `stack up`: a background demo Synapse, seeded unless `seed` is false.
pub fn up(seed_it: bool) -> Result<ExitCode> {
    let ws = Workspace::locate()?;
    let demo = prepare(&ws, true)?;
    if seed_it {
        seed(&ws, &demo, None).map_err(|error| {
            format!("{error}\nSynapse keeps running; stop it with `cargo xtask stack down`.")
        })?;
    }
    print_summary(&ws, &demo, seed_it);
    Ok(ExitCode::SUCCESS)
}

/// Prints where the background server is and how to use it.
fn print_summary(ws: &Workspace, demo: &DemoServer, seeded: bool) {
    let layout = &demo.layout;
    println!();
    println!("Synapse is running at {}", layout.base_url());
    println!("  server name:          {}", layout.server_name());
    println!("  registration secret:  {}", demo.secrets.registration);
    if seeded {
        println!("  demo accounts:        as printed by the seeder above");
    } else {
        println!("  demo accounts:        none created (--no-seed)");
    }
    println!(
        "  app data:             SPARKS_HOME={}",
        demo.sparks_home().display()
    );
    println!("  log:                  {}", ws.display(&layout.log_path()));
    println!("Stop it with `cargo xtask stack down`.");
}

/// `stack down`: stops the background demo Synapse.
pub fn down() -> Result<ExitCode> {
    let ws = Workspace::locate()?;
    match background(&ws) {
        Background::Stopped => println!("The background Synapse is not running."),
        Background::Running { pid, .. } => {
            println!("Stopping the background Synapse (pid {pid})…");
            if process::stop_group(pid) {
                eprintln!(
                    "It did not stop within {} s and was killed.",
                    process::STOP_GRACE.as_secs()
                );
            }
            forget_background(&ws);
            println!("Stopped.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `stack status`: whether the background demo Synapse answers, and where.
/// Exits with 0 only when it answers.
pub fn status() -> Result<ExitCode> {
    let ws = Workspace::locate()?;
    match background(&ws) {
        Background::Stopped => {
            println!("The background Synapse is not running.");
            Ok(ExitCode::FAILURE)
        }
        Background::Running { pid, port, healthy } => {
            let layout = demo_layout(&ws, port);
            let state = if healthy {
                "running and healthy"
            } else {
                "running but NOT answering /health"
            };
            println!(
                "The background Synapse is {state} at {} (pid {pid}).",
                layout.base_url()
            );
            println!("Log: {}", ws.display(&layout.log_path()));
            Ok(if healthy {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
