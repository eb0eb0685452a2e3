//! Developer commands for Sparks, run as `cargo xtask <command>`.
//!
//! The commands start a local Synapse homeserver from a Python virtual environment under
//! `.dev/`, seed it with demo data, run the app against it, and run the test suite
//! against a throwaway server. See [`USAGE`] for the list.

mod apt;
mod bench;
mod demo;
mod http;
mod middleware;
mod netns;
mod oidc;
mod postgres;
mod process;
mod radicale;
mod server;
mod service;
mod sfu;
mod stack;
mod synapse;
mod testrun;
mod venv;
mod workspace;

use std::process::ExitCode;

/// Every command returns either an exit code for the process or a message for the user.
pub type Result<T> = std::result::Result<T, String>;

/// The help text printed by `cargo xtask help`.
const USAGE: &str = "\
Developer commands for Sparks.

Usage: cargo xtask <command> [options]

Commands:
  demo [--no-seed]          Start a local Synapse with demo data and launch Sparks against it.
                            Ctrl+C or closing the window stops everything.
  stack up [--no-seed]      Start the demo Synapse in the background and seed it.
  stack down                Stop the background demo Synapse.
  stack status              Tell whether the background demo Synapse answers, and where.
  test [--keep] [-- ARGS]   Run the whole test suite (cargo nextest) against a fresh Synapse
                            in a temporary folder; ARGS go to nextest. --keep leaves the folder.
  screenshots [-- ARGS]     Render the app's screenshots into target/screenshots.
  bench chat                Time Sparks' room list and big-room opening on 1,000 rooms and
                            10,000 messages against matrix-nio as the baseline (.dev/bench).
  bench middleware          Load the release-built middleware with wrk at 64 connections:
                            /get_token against /healthz of the same server as the ceiling.
  bench calendar            Parse 10,000 events against Python's icalendar, expand a year, and
                            answer a week of three sources from cache (target: under 20 ms).
  bench call                Meetings through the LiveKit-protocol fixture: CPU to publish 720p30
                            and to receive four 360p, join to first picture, glass to glass;
                            LiveKit's Python SDK doing the same is the baseline.
  deps                      Install the missing Debian/Ubuntu packages needed to build and run.
  help                      Show this text.

State lives in .dev/ (the Python environment in .dev/venv, the demo server in .dev/demo).
Cargo commands started from here build into $CARGO_TARGET_DIR, by default
$HOME/.cache/sparks/target.

Environment:
  SPARKS_XTASK_TEST_COMMAND  Replaces the nextest command line of `test` (split on spaces).
";

fn main() -> ExitCode {
    process::install_interrupt_handler();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Dispatches the command line to the command that handles it.
fn run(args: &[String]) -> Result<ExitCode> {
    let Some((command, rest)) = args.split_first() else {
        print!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    };
    match command.as_str() {
        "demo" => {
            let options = Flags::parse(rest, &["--no-seed"])?;
            demo::run(!options.has("--no-seed"))
        }
        "stack" => run_stack(rest),
        "test" => {
            let (own, passthrough) = split_passthrough(rest);
            let options = Flags::parse(own, &["--keep"])?;
            testrun::test(options.has("--keep"), passthrough)
        }
        "screenshots" => {
            let (own, passthrough) = split_passthrough(rest);
            Flags::parse(own, &[])?;
            testrun::screenshots(passthrough)
        }
        "bench" => match rest {
            [what] if what == "chat" => bench::chat(),
            [what] if what == "middleware" => bench::middleware(),
            [what] if what == "call" => bench::call(),
            [what] if what == "calendar" => bench::calendar(),
            _ => {
                Err("`bench` needs what to measure: chat, middleware, call or calendar".to_string())
            }
        },
        "deps" => {
            Flags::parse(rest, &[])?;
            apt::ensure(apt::ALL)?;
            println!("All system packages are installed.");
            Ok(ExitCode::SUCCESS)
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => {
            eprint!("Unknown command `{other}`.\n\n{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}

/// Handles `cargo xtask stack up|down|status`.
fn run_stack(args: &[String]) -> Result<ExitCode> {
    let Some((action, rest)) = args.split_first() else {
        return Err("`stack` needs an action: up, down or status".to_string());
    };
    match action.as_str() {
        "up" => {
            let options = Flags::parse(rest, &["--no-seed"])?;
            stack::up(!options.has("--no-seed"))
        }
        "down" => {
            Flags::parse(rest, &[])?;
            stack::down()
        }
        "status" => {
            Flags::parse(rest, &[])?;
            stack::status()
        }
        other => Err(format!(
            "unknown stack action `{other}`; expected up, down or status"
        )),
    }
}

/// Splits `args` at the first `--`: the part before it and the part after it.
fn split_passthrough(args: &[String]) -> (&[String], &[String]) {
    match args.iter().position(|arg| arg == "--") {
        Some(index) => (&args[..index], &args[index + 1..]),
        None => (args, &[]),
    }
}

/// The boolean flags given to a command, checked against the ones it accepts.
struct Flags<'a> {
    given: Vec<&'a str>,
}

impl<'a> Flags<'a> {
    /// Accepts only flags listed in `allowed`; anything else is an error naming it.
    fn parse(args: &'a [String], allowed: &[&str]) -> Result<Flags<'a>> {
        let mut given = Vec::new();
        for arg in args {
            if !allowed.contains(&arg.as_str()) {
                let hint = if allowed.is_empty() {
                    "this command takes no options".to_string()
                } else {
                    format!("accepted: {}", allowed.join(", "))
                };
                return Err(format!("unexpected argument `{arg}` ({hint})"));
            }
            given.push(arg.as_str());
        }
        Ok(Flags { given })
    }

    /// Whether `flag` was given.
    fn has(&self, flag: &str) -> bool {
        self.given.contains(&flag)
    }
}
