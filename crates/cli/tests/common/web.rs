//! Helpers for the web workspace's tests: accounts, and a server on a free
//! port of this machine, stopped when dropped.

use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use super::casefile;

/// A free local port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("its address")
        .port()
}

/// Waits until something listens on `port`.
pub fn wait_for(port: u16) {
    for _ in 0..600 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("nothing listens on {port}");
}

/// A child process, killed when dropped.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `casefile serve` on the case at `root`, with `extra` arguments, on a
/// free port; returns the server and its port once it listens.
pub fn serve(root: &Path, extra: &[&str]) -> (Child, u16) {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--listen", &listen];
    args.extend_from_slice(extra);
    let server = Child(
        casefile()
            .args(&args)
            .current_dir(root)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("casefile serve starts"),
    );
    wait_for(port);
    (server, port)
}

/// The password the tests give account `name`.
pub fn password(name: &str) -> String {
    format!("{name} has a long password")
}

/// Makes account `name` with `role`, cleared or not.
pub fn account(root: &Path, name: &str, role: &str, cleared: bool) {
    let mut args = vec!["web-account", "add", name, "--role", role];
    if cleared {
        args.push("--cleared");
    }
    let made = casefile()
        .args(&args)
        .env("CASEFILE_WEB_PASSWORD", password(name))
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("casefile runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}
