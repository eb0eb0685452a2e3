//! The systemd unit in packaging/middleware is one systemd accepts, starts this build's
//! binary, and keeps it confined: `systemd-analyze verify`, and `systemd-analyze security`
//! rating its exposure no worse than "OK".

use std::process::Command;

const UNIT: &str = include_str!("../../../packaging/middleware/sparks-middleware.service");

#[test]
fn the_systemd_unit_verifies_and_is_confined() {
    assert!(
        UNIT.contains("ExecStart=/usr/bin/sparks-middleware /etc/sparks/middleware.toml"),
        "the unit starts the installed binary with the documented configuration"
    );
    // The same unit, starting the binary this build made.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let unit = dir.path().join("sparks-middleware.service");
    let built = env!("CARGO_BIN_EXE_sparks-middleware");
    std::fs::write(&unit, UNIT.replace("/usr/bin/sparks-middleware", built)).expect("write");
    let verify = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .output()
        .expect("systemd-analyze (from the systemd package, which `cargo xtask test` installs)");
    assert!(
        verify.status.success() && verify.stderr.is_empty(),
        "systemd-analyze verify: {}",
        String::from_utf8_lossy(&verify.stderr)
    );
    // systemd rates exposure from 0 (confined) to 10 (shown; 0 to 100 in --threshold); 4 and
    // under is "OK".
    let security = Command::new("systemd-analyze")
        .args(["security", "--offline=yes", "--threshold=40"])
        .arg(&unit)
        .output()
        .expect("systemd-analyze");
    let report = String::from_utf8_lossy(&security.stdout);
    assert!(
        security.status.success(),
        "too exposed: {}",
        report.lines().last().unwrap_or_default()
    );
}
