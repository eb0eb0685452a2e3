//! The Debian/Ubuntu packages Sparks needs to build, test and run, installed when missing.

use std::process::Command;

use crate::Result;
use crate::process;

/// A set of system packages needed for one purpose.
pub struct Group {
    /// A short name for messages.
    pub name: &'static str,
    /// Why these packages are needed.
    pub reason: &'static str,
    /// Debian package names.
    pub packages: &'static [&'static str],
}

/// Building the workspace.
pub const BUILD: Group = Group {
    name: "build",
    reason: "C toolchain, cmake and nasm for the aws-lc-rs crypto and libopus, SQLite for the Matrix store, libvpx for VP8, ALSA for audio devices",
    packages: &[
        "build-essential",
        "pkg-config",
        "cmake",
        "nasm",
        "libclang-dev",
        "libsqlite3-dev",
        "libvpx-dev",
        "libasound2-dev",
    ],
};

/// Running the local Synapse test servers.
pub const PYTHON: Group = Group {
    name: "python",
    reason: "Python and venv for the local Synapse test servers",
    packages: &["python3", "python3-venv"],
};

/// Running the desktop app, also headless.
pub const GUI: Group = Group {
    name: "gui",
    reason: "window system, Vulkan and fonts for the app; Xvfb for headless runs and screenshots",
    packages: &[
        "libxkbcommon-x11-0",
        "libwayland-client0",
        "libvulkan1",
        "mesa-vulkan-drivers",
        "fonts-dejavu-core",
        "fonts-noto-color-emoji",
        "xvfb",
        "xauth",
    ],
};

/// A private Secret Service for the keyring tests.
pub const KEYRING: Group = Group {
    name: "keyring",
    reason: "a private D-Bus session with gnome-keyring, to test the OS keyring backend for real",
    packages: &["dbus-daemon", "gnome-keyring"],
};

/// A throwaway PostgreSQL cluster for the middleware's tests.
pub const POSTGRES: Group = Group {
    name: "postgres",
    reason: "PostgreSQL, to test the middleware's store on it as well as on SQLite",
    packages: &["postgresql"],
};

/// Node.js for the OpenID provider the middleware's tests sign in with (only installed when no
/// `npm` is on the PATH: a Node.js from elsewhere brings its own).
pub const NODE: Group = Group {
    name: "node",
    reason: "Node.js and npm, to run the oidc-provider identity provider in the tests",
    packages: &["nodejs", "npm"],
};

/// Load generation for `cargo xtask bench middleware`.
pub const BENCH: Group = Group {
    name: "bench",
    reason: "wrk, the HTTP load generator the middleware benchmark drives",
    packages: &["wrk"],
};

/// Network namespaces for the WebRTC interop tests.
pub const NETWORK: Group = Group {
    name: "network",
    reason: "iproute2, to give the WebRTC interop tests a network namespace of their own",
    packages: &["iproute2"],
};

/// Checking the middleware's packaging.
pub const PACKAGING: Group = Group {
    name: "packaging",
    reason: "systemd-analyze, to check the middleware's systemd unit",
    packages: &["systemd"],
};

/// Every group.
pub const ALL: &[&Group] = &[
    &BUILD, &PYTHON, &GUI, &KEYRING, &POSTGRES, &NETWORK, &PACKAGING,
];

/// Installs whichever packages of `groups` are missing, with apt-get.
///
/// Outside Debian and Ubuntu (no `dpkg-query`) it only prints which packages are expected.
pub fn ensure(groups: &[&Group]) -> Result<()> {
    if !process::succeeds(Command::new("dpkg-query").arg("--version")) {
        warn_not_debian(groups);
        return Ok(());
    }
    let missing = missing_packages(groups);
    if missing.is_empty() {
        return Ok(());
    }
    println!("Installing missing system packages:");
    for (group, packages) in &missing {
        println!(
            "  {} ({}): {}",
            group.name,
            group.reason,
            packages.join(" ")
        );
    }
    let packages: Vec<&str> = missing
        .iter()
        .flat_map(|(_, packages)| packages.iter().copied())
        .collect();
    install(&packages)
}

/// For each group, the packages of it that are not installed; groups with none are left out.
fn missing_packages<'g>(groups: &[&'g Group]) -> Vec<(&'g Group, Vec<&'static str>)> {
    groups
        .iter()
        .map(|group| {
            let missing = group
                .packages
                .iter()
                .copied()
                .filter(|package| !is_installed(package))
                .collect::<Vec<_>>();
            (*group, missing)
        })
        .filter(|(_, missing)| !missing.is_empty())
        .collect()
}

/// Whether dpkg reports `package` as installed.
fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|output| {
            output.status.success()
                && String::from_utf8_lossy(&output.stdout).trim() == "install ok installed"
        })
}

/// Runs `apt-get update` and `apt-get install` for `packages`, through sudo when not root.
fn install(packages: &[&str]) -> Result<()> {
    let manual = format!(
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends {}",
        packages.join(" ")
    );
    let sudo = if is_root() {
        false
    } else if process::succeeds(Command::new("sudo").arg("--version")) {
        true
    } else {
        return Err(format!(
            "missing system packages need root to install, and sudo is not available.\n\
             Install them as root, then run this again:\n  {manual}"
        ));
    };
    let apt_get = |args: &[&str]| {
        let mut command = if sudo {
            let mut command = Command::new("sudo");
            command.arg("apt-get");
            command
        } else {
            Command::new("apt-get")
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    let mut install_args = vec!["install", "-y", "--no-install-recommends"];
    install_args.extend_from_slice(packages);
    process::run(&mut apt_get(&["update"]))
        .and_then(|()| process::run(&mut apt_get(&install_args)))
        .map_err(|error| {
            format!("{error}\nInstall the packages by hand, then run this again:\n  {manual}")
        })
}

/// Whether xtask runs as root.
fn is_root() -> bool {
    process::output(Command::new("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0")
}

/// Tells the user which packages are expected on a system without dpkg.
fn warn_not_debian(groups: &[&Group]) {
    eprintln!(
        "warning: not a Debian/Ubuntu system (no dpkg-query); make sure the equivalents of these are installed:"
    );
    for group in groups {
        eprintln!(
            "  {} ({}): {}",
            group.name,
            group.reason,
            group.packages.join(" ")
        );
    }
}
