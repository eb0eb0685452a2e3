//! `cargo xtask demo`: a seeded local Synapse, the Sparks middleware beside it, and the app
//! running against them.

use std::process::{Child, ExitCode, ExitStatus};

use crate::Result;
use crate::apt;
use crate::middleware::Middleware;
use crate::process;
use crate::stack::{self, DemoServer};
use crate::venv;
use crate::workspace::Workspace;

/// Runs the demo until the app exits or the user presses Ctrl+C, then stops what it started.
pub fn run(seed: bool) -> Result<ExitCode> {
    let ws = Workspace::locate()?;
    apt::ensure(apt::ALL)?;
    let venv = venv::ensure(&ws)?;
    let mut demo = stack::ensure_demo_server(&ws, &venv, false)?;
    println!("Starting Radicale (CalDAV/CardDAV) for the calendar…");
    let mut radicale = crate::radicale::Radicale::start(
        &venv,
        &demo.layout.state_dir.join("radicale"),
        crate::server::free_port()?,
    )?;
    if seed {
        stack::seed(&ws, &demo, Some(&radicale.url()))?;
    }
    ws.build_all()?;
    let port = demo
        .layout
        .middleware_port
        .ok_or("the demo layout has no middleware port")?;
    if !crate::server::port_is_free(port) {
        return Err(format!(
            "port {port} is taken; the demo's Sparks middleware needs it (the homeserver announces it there)"
        ));
    }
    let dir = demo.layout.state_dir.join(format!("middleware-{port}"));
    println!(
        "Starting the Sparks middleware at {}…",
        crate::middleware::url(port)
    );
    println!("Starting the meeting server (the LiveKit-protocol SFU fixture)…");
    let mut sfu = crate::sfu::Sfu::start(
        &ws,
        &demo.layout.state_dir.join("sfu"),
        crate::server::free_port()?,
    )?;
    let mut middleware = Middleware::start(
        &ws,
        &dir,
        port,
        &demo.layout,
        Some(&radicale.url()),
        Some(&sfu.url()),
    )?;
    print_locations(&ws, &demo, &middleware);
    println!(
        "Calendar:        Radicale at {} — in Sparks' calendar, sign in as alice / alicepass",
        radicale.url()
    );
    println!(
        "Meetings:        the SFU fixture at {} (a test server: media is forwarded, nothing more)",
        sfu.url()
    );
    let status = run_app(&ws, &mut demo);
    middleware.stop();
    sfu.stop();
    radicale.stop();
    if let Some(server) = demo.server.as_mut() {
        server.stop();
    }
    match status? {
        None => Ok(ExitCode::SUCCESS),
        Some(status) if status.success() => Ok(ExitCode::SUCCESS),
        Some(status) => Err(format!("Sparks exited with {status}")),
    }
}

/// Tells where the server, the app's data and the logs are.
fn print_locations(ws: &Workspace, demo: &DemoServer, middleware: &Middleware) {
    let layout = &demo.layout;
    println!("Demo homeserver: {}", layout.base_url());
    println!(
        "Sparks middleware: {} (log {})",
        middleware.url(),
        ws.display(middleware.log())
    );
    println!(
        "App data:        SPARKS_HOME={}",
        ws.display(&demo.sparks_home())
    );
    println!(
        "Synapse logs:    {} and {}",
        ws.display(&layout.log_path()),
        ws.display(&layout.console_log_path())
    );
    if demo.server.is_some() {
        println!("Press Ctrl+C or close the window to stop.");
    } else {
        println!("The background Synapse keeps running after the app closes.");
    }
    println!("Building and starting Sparks…");
}

/// Builds and runs the app, waiting for it to exit. Returns its exit status, or `None`
/// if the user stopped it with Ctrl+C.
fn run_app(ws: &Workspace, demo: &mut DemoServer) -> Result<Option<ExitStatus>> {
    let mut command = ws.binary("sparks");
    command.env("SPARKS_HOME", demo.sparks_home());
    let mut app = process::spawn(&mut command)?;
    let mut warned = false;
    loop {
        if let Some(status) = try_wait(&mut app)? {
            return Ok((!process::interrupted()).then_some(status));
        }
        if process::interrupted() {
            process::stop_child(&mut app, "Sparks", false);
            return Ok(None);
        }
        if !warned
            && demo
                .server
                .as_mut()
                .is_some_and(|server| server.has_exited())
        {
            eprintln!(
                "warning: Synapse stopped unexpectedly; see {}",
                demo.layout.log_path().display()
            );
            warned = true;
        }
        std::thread::sleep(process::POLL_INTERVAL);
    }
}

/// The child's exit status if it has exited.
fn try_wait(child: &mut Child) -> Result<Option<ExitStatus>> {
    child
        .try_wait()
        .map_err(|error| format!("cannot watch the Sparks process: {error}"))
}
