//! The demo's meeting server: the workspace's LiveKit-protocol SFU fixture
//! (`sparks-sfu-fixture`, from `crates/testkit`), since no LiveKit server can be installed
//! here. The demo's middleware hands out tokens for it.

use std::path::Path;
use std::time::Duration;

use crate::Result;
use crate::service::Service;
use crate::workspace::Workspace;

/// The API key and secret the fixture and the demo's middleware share (loopback only).
pub const API_KEY: &str = "sparks-demo";
pub const API_SECRET: &str = "sparks-demo-secret-only-for-loopback-meetings";

/// How long the fixture may take to answer.
const START_TIMEOUT: Duration = Duration::from_secs(15);

/// A running fixture; dropping it stops it.
pub struct Sfu {
    service: Service,
    port: u16,
}

impl Sfu {
    /// Starts the fixture on `port`, logging into `dir`. The workspace must be built.
    pub fn start(ws: &Workspace, dir: &Path, port: u16) -> Result<Sfu> {
        crate::workspace::create_dir(dir)?;
        let mut command = ws.binary("sparks-sfu-fixture");
        command.arg(port.to_string()).arg(API_KEY).arg(API_SECRET);
        let service = Service::start(
            "the meeting SFU fixture",
            command,
            dir.join("sfu.log"),
            (port, "/"),
            START_TIMEOUT,
        )?;
        Ok(Sfu { service, port })
    }

    /// Where clients reach it (LiveKit's WebSocket URL).
    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    pub fn stop(&mut self) {
        self.service.stop();
    }
}
