//! Radicale (CalDAV and CardDAV, from PyPI) for the calendar tests and the demo: two users on
//! 127.0.0.1, each owning their own collections, with Bob allowed to read and write Alice's
//! `shared` calendar.

use std::path::Path;
use std::time::Duration;

use crate::Result;
use crate::service::Service;
use crate::venv::Venv;
use crate::workspace;

const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The users and their passwords (plain: this server only ever runs on loopback).
pub const USERS: [(&str, &str); 2] = [("alice", "alicepass"), ("bob", "bobpass")];

pub struct Radicale {
    service: Service,
    port: u16,
}

fn config(state: &Path, port: u16) -> String {
    format!(
        "[server]\nhosts = 127.0.0.1:{port}\n\
         [auth]\ntype = htpasswd\nhtpasswd_filename = {state}/htpasswd\nhtpasswd_encryption = plain\ndelay = 0\n\
         [rights]\ntype = from_file\nfile = {state}/rights\n\
         [storage]\nfilesystem_folder = {state}/collections\n\
         [logging]\nlevel = warning\n",
        state = state.display()
    )
}

/// The first matching section wins; `{user}` is the signed-in user.
const RIGHTS: &str = "\
[root]\nuser: .+\ncollection:\npermissions: R\n\
[principal]\nuser: .+\ncollection: {user}\npermissions: RW\n\
[own]\nuser: .+\ncollection: {user}/[^/]+\npermissions: rw\n\
[bob-on-alice-shared]\nuser: bob\ncollection: alice/shared\npermissions: rw\n";

impl Radicale {
    /// Starts Radicale on `port` with its collections and log in `state`.
    pub fn start(venv: &Venv, state: &Path, port: u16) -> Result<Radicale> {
        workspace::create_dir(state)?;
        let write = |name: &str, text: &str| {
            std::fs::write(state.join(name), text)
                .map_err(|error| format!("cannot write {name}: {error}"))
        };
        write("radicale.conf", &config(state, port))?;
        write("rights", RIGHTS)?;
        let users: String = USERS
            .iter()
            .map(|(user, password)| format!("{user}:{password}\n"))
            .collect();
        write("htpasswd", &users)?;
        let mut command = venv.python_command(["-m", "radicale", "--config"]);
        command.arg(state.join("radicale.conf"));
        let service = Service::start(
            "Radicale",
            command,
            state.join("radicale.log"),
            (port, "/.web/"),
            START_TIMEOUT,
        )?;
        Ok(Radicale { service, port })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    pub fn stop(&mut self) {
        self.service.stop();
    }
}
