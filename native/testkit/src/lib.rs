//! Test and benchmark support, not shipped with the plugin: a real Mosquitto on a free loopback
//! port for the engine's integration tests and the bench and soak binaries, and the allocator
//! settings those binaries run with.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub mod meters;

pub struct Mosquitto {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

/// A loopback port nobody listens on, and one this process has not handed out before: tests that
/// run in parallel and each start brokers on several ports must not be given the same one.
pub fn free_port() -> std::io::Result<u16> {
    static GIVEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    for _ in 0..100 {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
        if !given.contains(&port) {
            given.push(port);
            return Ok(port);
        }
    }
    Err(std::io::Error::other("no fresh free port after 100 tries"))
}

impl Mosquitto {
    /// Starts `mosquitto` with our test settings: Nagle off (or latency shows 40 ms steps),
    /// no queue or in-flight caps (or a slow subscriber silently loses messages), loopback only.
    pub fn start() -> Result<Mosquitto, String> {
        Mosquitto::start_with("")
    }

    /// Like `start`, with `extra_conf` appended to the configuration (more listeners: TLS,
    /// WebSockets). The main TCP listener stays on `port`; extra listeners are open when it is.
    pub fn start_with(extra_conf: &str) -> Result<Mosquitto, String> {
        let port = free_port().map_err(|e| format!("no free port: {e}"))?;
        let dir =
            std::env::temp_dir().join(format!("mqttload-mosquitto-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let conf = dir.join("mosquitto.conf");
        let mut f = std::fs::File::create(&conf).map_err(|e| format!("{}: {e}", conf.display()))?;
        writeln!(
            f,
            "listener {port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n\
             max_queued_messages 0\nmax_inflight_messages 0\npersistence false\nuser root\n\
             log_dest stderr\nlog_type error\nlog_type warning\nmax_keepalive 65535\n{extra_conf}"
        )
        .map_err(|e| e.to_string())?;
        let bin = std::env::var("MOSQUITTO_BIN").unwrap_or_else(|_| "mosquitto".into());
        let child = Command::new(&bin)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(dir.join("mosquitto.log"))
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
            )
            .spawn()
            .map_err(|e| {
                format!("cannot start '{bin}' ({e}): install it with `apt-get install mosquitto`")
            })?;
        let mut m = Mosquitto { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = m.child.try_wait() {
                let log = std::fs::read_to_string(m.dir.join("mosquitto.log")).unwrap_or_default();
                return Err(format!("mosquitto exited ({status}): {log}"));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "mosquitto did not listen on port {port} within 10 s"
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(m)
    }

    /// Like `start_with`, with `extra` listeners on free ports: `conf` writes their configuration
    /// from the ports. Another process may take a free port before the broker binds it (Mosquitto
    /// then exits), so the broker is tried again on new ports, up to three times, until every
    /// listener is open.
    pub fn start_with_ports(
        extra: usize,
        conf: impl Fn(&[u16]) -> String,
    ) -> Result<(Mosquitto, Vec<u16>), String> {
        let mut last = String::new();
        for _ in 0..3 {
            let ports = (0..extra)
                .map(|_| free_port().map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            let m = match Mosquitto::start_with(&conf(&ports)) {
                Ok(m) => m,
                Err(e) => {
                    last = e;
                    continue;
                }
            };
            let deadline = Instant::now() + Duration::from_secs(5);
            let open = |p: u16| TcpStream::connect(("127.0.0.1", p)).is_ok();
            while !ports.iter().all(|p| open(*p)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            if ports.iter().all(|p| open(*p)) {
                return Ok((m, ports));
            }
            last = format!("a listener did not open: {}", m.log());
        }
        Err(last)
    }

    /// The broker's process id (benchmarks read its CPU time and memory).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills and starts the broker again on the same port (connection-loss tests).
    pub fn restart(&mut self) -> Result<(), String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let conf = self.dir.join("mosquitto.conf");
        let bin = std::env::var("MOSQUITTO_BIN").unwrap_or_else(|_| "mosquitto".into());
        // The log goes on in the same file, so a test reads both lives of the broker.
        let log = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(self.dir.join("mosquitto.log"))
            .map(Stdio::from)
            .unwrap_or_else(|_| Stdio::null());
        self.child = Command::new(&bin)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| e.to_string())?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if Instant::now() > deadline {
                return Err("mosquitto did not come back".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// What the broker has logged (its configuration's `log_type`s; errors and warnings by
    /// default).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("mosquitto.log")).unwrap_or_default()
    }

    /// How many clients the broker has logged connecting (needs `connection_messages true` and
    /// `log_type notice` in the extra configuration).
    pub fn connects_logged(&self) -> usize {
        self.log().matches("New client connected from").count()
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Makes this binary run with the allocator settings the plugin makes in JNI_OnLoad
/// (`mqttload::configure_allocator`). A library sets them before its first allocation, but a
/// binary's runtime allocates before `main`, so the bench and soak binaries re-run themselves once
/// with the settings in the environment, where mimalloc reads them at start.
#[cfg(all(unix, feature = "mimalloc"))]
pub fn run_with_the_plugins_allocator_settings() {
    use std::os::unix::process::CommandExt;
    let var = mqttload::ARENA_EAGER_COMMIT_VAR.to_string_lossy();
    let var = var.as_ref();
    if std::env::var_os(var).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(var, "0")
        .exec();
    eprintln!("could not re-run with {var}=0 ({err}); figures may differ from the plugin's");
}

#[cfg(not(all(unix, feature = "mimalloc")))]
pub fn run_with_the_plugins_allocator_settings() {}

pub mod soak;
