//! Payloads a Publish element reads from disk (once, when the element is created), and hex text.

use bytes::Bytes;

use crate::sampler::config::{bad, ConfigError, Id, MAX_FOLDER_BYTES, MAX_PAYLOAD};

/// A File payload: the file's exact bytes, read once when the element is created.
pub(super) fn read_payload_file(path: &str) -> Result<Bytes, ConfigError> {
    const KEY: Id = Id::PayloadFile;
    if path.trim().is_empty() {
        return Err(bad(KEY, "message type File needs a payload file"));
    }
    read_limited(KEY, std::path::Path::new(path))
}

fn read_limited(key: Id, path: &std::path::Path) -> Result<Bytes, ConfigError> {
    let shown = path.display();
    let meta =
        std::fs::metadata(path).map_err(|e| bad(key, format!("cannot read '{shown}': {e}")))?;
    if !meta.is_file() {
        return Err(bad(key, format!("'{shown}' is not a regular file")));
    }
    if meta.len() > MAX_PAYLOAD as u64 {
        return Err(bad(
            key,
            format!(
                "'{shown}' is {} bytes, more than the {MAX_PAYLOAD}-byte (16 MiB) payload limit",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| bad(key, format!("cannot read '{shown}': {e}")))?;
    if bytes.len() > MAX_PAYLOAD {
        return Err(bad(key, format!("'{shown}' grew past 16 MiB while read")));
    }
    Ok(Bytes::from(bytes))
}

/// A Folder payload: every regular file in it (not in subfolders; hidden ones, named with a
/// leading dot, skipped), in name order.
pub(super) fn read_payload_folder(path: &str) -> Result<Vec<Bytes>, ConfigError> {
    const KEY: Id = Id::PayloadFolder;
    if path.trim().is_empty() {
        return Err(bad(KEY, "message type Folder needs a payload folder"));
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| bad(KEY, format!("cannot read folder '{path}': {e}")))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| bad(KEY, format!("cannot read folder '{path}': {e}")))?;
        let p = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !hidden && std::fs::metadata(&p).is_ok_and(|m| m.is_file()) {
            names.push(p);
        }
    }
    if names.is_empty() {
        return Err(bad(KEY, format!("folder '{path}' holds no file to send")));
    }
    names.sort();
    let mut total = 0usize;
    let mut files = Vec::with_capacity(names.len());
    for p in names {
        let b = read_limited(KEY, &p)?;
        total += b.len();
        if total > MAX_FOLDER_BYTES {
            return Err(bad(
                KEY,
                format!("the files of '{path}' hold more than {MAX_FOLDER_BYTES} bytes (256 MiB) together"),
            ));
        }
        files.push(b);
    }
    Ok(files)
}

/// Hex text to bytes; spaces, tabs and newlines between byte pairs are allowed.
pub(super) fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return Err(format!(
            "hex payload has an odd number of digits ({})",
            digits.len()
        ));
    }
    digits
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            let hi = (pair[0] as char).to_digit(16);
            let lo = (pair[1] as char).to_digit(16);
            match (hi, lo) {
                (Some(h), Some(l)) => Ok((h * 16 + l) as u8),
                _ => Err(format!(
                    "hex payload: '{}{}' at byte {} is not hexadecimal",
                    pair[0] as char, pair[1] as char, i
                )),
            }
        })
        .collect()
}
