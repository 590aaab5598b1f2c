//! Open-file limit: every connection is a file descriptor, and the JVM starts with a soft limit
//! often far below the hard one (1,024 against 20,000 here). Raised once, when the engine starts.

/// Raises the soft RLIMIT_NOFILE to the hard limit; returns (before, after) when it changed.
#[cfg(unix)]
pub fn raise_open_files() -> Option<(u64, u64)> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return None;
    }
    if lim.rlim_cur >= lim.rlim_max {
        return None;
    }
    let before = lim.rlim_cur;
    lim.rlim_cur = lim.rlim_max;
    // SAFETY: as above.
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
