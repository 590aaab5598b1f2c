//! Open-file limit: every connection is a file descriptor, and the JVM starts with a soft limit
//! often far below the hard one (1,024 against 20,000 here). The engine raises it once when it
//! starts, and a connect that runs out names it.

/// (soft, hard) RLIMIT_NOFILE, when this platform has one.
#[cfg(unix)]
fn get() -> Option<libc::rlimit> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct passed to it.
    (unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0).then_some(lim)
}

/// Raises the soft RLIMIT_NOFILE to the hard limit; returns (before, after) when it changed.
#[cfg(unix)]
pub fn raise_open_files() -> Option<(u64, u64)> {
    let mut lim = get()?;
    if lim.rlim_cur >= lim.rlim_max {
        return None;
    }
    let before = lim.rlim_cur;
    lim.rlim_cur = lim.rlim_max;
    // SAFETY: setrlimit only reads the struct passed to it.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
        return None;
    }
    #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 on every platform
    Some((before as u64, lim.rlim_max as u64))
}

#[cfg(not(unix))]
pub fn raise_open_files() -> Option<(u64, u64)> {
    None
}

/// The soft limit as a message says it.
#[cfg(unix)]
pub(super) fn open_files_limit() -> String {
    match get() {
        Some(lim) => lim.rlim_cur.to_string(),
        None => "a limited number of".to_string(),
    }
}

#[cfg(not(unix))]
pub(super) fn open_files_limit() -> String {
    "a limited number of".to_string()
}
