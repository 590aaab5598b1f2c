//! Running out of file descriptors gives an error that names the limit (its own test binary:
//! it lowers this process's open-files limit).

use std::time::Duration;

use mqttload::transport::{Endpoint, Transport};

#[tokio::test]
async fn out_of_file_descriptors_names_the_limit() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // never accepted: the kernel completes the handshakes into the listen queue, so only the
    // client side takes descriptors
    let endpoint = Endpoint {
        host: "127.0.0.1".into(),
        port,
        bind: None,
        transport: Transport::Tcp,
    };
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain struct out-parameters.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    let low = libc::rlimit {
        rlim_cur: 64,
        rlim_max: lim.rlim_max,
    };
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &low) }, 0);
    let mut open = Vec::new();
    let mut error = None;
    for _ in 0..64 {
        match endpoint.connect(Duration::from_secs(5)).await {
            Ok(s) => open.push(s),
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        }
    }
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    let error = error.expect("64 files cannot hold 64 connections beside what is open already");
    assert!(
        error.contains("no file descriptor left") && error.contains("64 open files"),
        "{error}"
    );
    drop(listener);
}
