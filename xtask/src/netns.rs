//! A network namespace of the test run's own, for the WebRTC interop tests: LiveKit's
//! libwebrtc skips loopback interfaces when it gathers ICE candidates, so the namespace holds a
//! veth pair (both ends inside it, no route out) besides `lo`. Nothing in it is reachable from
//! outside the namespace; it is deleted when dropped.

use std::process::Command;

use crate::Result;
use crate::process;

/// The address the fixture and the clients use inside the namespace.
pub const MEDIA_IP: &str = "10.77.0.1";

pub struct Namespace {
    name: String,
}

impl Namespace {
    /// Creates `sparks-<pid>` with `lo` up and a veth pair 10.77.0.1 / 10.77.0.2.
    pub fn create() -> Result<Namespace> {
        let name = format!("sparks-{}", std::process::id());
        process::run(Command::new("ip").args(["netns", "add", &name])).map_err(|error| {
            format!(
                "{error}\nThe WebRTC interop tests need a network namespace (root and iproute2)."
            )
        })?;
        let namespace = Namespace { name };
        for step in [
            "ip link set lo up",
            "ip link add sparks0 type veth peer name sparks1",
            "ip addr add 10.77.0.1/24 dev sparks0",
            "ip addr add 10.77.0.2/24 dev sparks1",
            "ip link set sparks0 up",
            "ip link set sparks1 up",
        ] {
            process::run(namespace.exec().args(step.split(' ')))?;
        }
        Ok(namespace)
    }

    /// `ip netns exec NAME`, to which the command to run inside is appended.
    pub fn exec(&self) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.name]);
        command
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}
