//! Identities from files: an identity file (CSV, a row per connection) and a folder of client
//! certificate and key pairs. Each is read once per test run and shared by every Connect element
//! that names it, so the elements take rows from one sequence and no two connections share one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use once_cell::sync::Lazy;

use super::csv::records;
use crate::client::Secret;
use crate::sampler::config::{parse_brokers, IdentityRow, IdentityRows};

/// Larger files are refused rather than read: 64 MiB holds a million rows of ordinary devices.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What this test run has read, by path.
static LOADED: Lazy<Mutex<HashMap<PathBuf, Arc<IdentityRows>>>> =
    Lazy::new(|| Mutex::new(HashMap::new()));

/// A new test run reads the files again (they may have changed) and hands out rows from the first.
pub fn forget_loaded() {
    if let Ok(mut loaded) = LOADED.lock() {
        loaded.clear();
    }
}

fn loaded(
    path: &Path,
    read: impl FnOnce(&Path) -> Result<IdentityRows, String>,
) -> Result<Arc<IdentityRows>, String> {
    let mut map = LOADED
        .lock()
        .map_err(|_| "identity files unavailable".to_string())?;
    if let Some(rows) = map.get(path) {
        return Ok(rows.clone());
    }
    let rows = Arc::new(read(path)?);
    map.insert(path.to_path_buf(), rows.clone());
    Ok(rows)
}

/// The identity file's rows. A broker cell without a port has port 0: the Port setting's.
pub fn identity_file(path: &Path) -> Result<Arc<IdentityRows>, String> {
    loaded(path, read_identity_file)
}

/// The certificate and key pairs of a folder, as rows.
pub fn certificate_folder(path: &Path) -> Result<Arc<IdentityRows>, String> {
    loaded(path, read_certificate_folder)
}

/// The columns an identity file may have, as its header names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    ClientId,
    Username,
    Password,
    Cert,
    Key,
    Broker,
}

pub const COLUMNS: &str = "client_id, username, password, cert, key, broker";

fn column(name: &str) -> Option<Column> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "client_id" | "clientid" | "client id" => Column::ClientId,
        "username" | "user_name" | "user" => Column::Username,
        "password" => Column::Password,
        "cert" | "certificate" | "cert_file" => Column::Cert,
        "key" | "key_file" | "private_key" => Column::Key,
        "broker" | "server" => Column::Broker,
        _ => return None,
    })
}

fn read_identity_file(path: &Path) -> Result<IdentityRows, String> {
    let shown = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read '{shown}': {e}"))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "'{shown}' is {size} bytes; at most {MAX_FILE_BYTES} are read"
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read '{shown}': {e}"))?;
    let folder = path.parent().unwrap_or(Path::new(""));
    let rows = parse_identity_rows(&text, folder).map_err(|e| format!("'{shown}' {e}"))?;
    Ok(IdentityRows::new(shown, rows))
}

/// The rows of an identity file's text; relative certificate paths resolve against `folder`.
/// Errors start with the line ("line 7: ...") and never quote a password.
fn parse_identity_rows(text: &str, folder: &Path) -> Result<Vec<IdentityRow>, String> {
    let records = records(text)?;
    let Some((header, body)) = records.split_first() else {
        return Err(format!(
            "is empty: it needs a header naming its columns ({COLUMNS})"
        ));
    };
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(header.fields.len());
    for name in &header.fields {
        let c = column(name);
        if c.is_some() && columns.contains(&c) {
            return Err(format!("line 1: column '{}' appears twice", name.trim()));
        }
        columns.push(c);
    }
    if columns.iter().all(Option::is_none) {
        return Err(format!(
            "line 1: the header names none of the columns {COLUMNS} (found: {})",
            header.fields.join(", ")
        ));
    }
    if body.is_empty() {
        return Err("has a header but no rows".into());
    }
    let named = |i: usize| format!("column {} ({})", i + 1, header.fields[i].trim());
    body.iter()
        .map(|r| {
            // More fields than the header names would be silently dropped: a shifted row.
            if r.fields.len() > columns.len() {
                return Err(format!(
                    "line {}, column {}: {} fields, but the header names {} columns",
                    r.line,
                    columns.len() + 1,
                    r.fields.len(),
                    columns.len()
                ));
            }
            row(&columns, &r.fields, folder)
                .map_err(|(i, e)| format!("line {}, {}: {e}", r.line, named(i)))
        })
        .collect()
}

/// A row's identity, or the index of the column at fault and why.
fn row(
    columns: &[Option<Column>],
    fields: &[String],
    folder: &Path,
) -> Result<IdentityRow, (usize, String)> {
    let mut out = IdentityRow::default();
    let mut key_at = 0;
    for (i, (c, value)) in columns.iter().zip(fields).enumerate() {
        let Some(c) = c else { continue };
        let at = |e: String| (i, e);
        if *c == Column::Password {
            if !value.is_empty() {
                out.password = Some(Secret(Bytes::copy_from_slice(value.as_bytes())));
            }
            continue;
        }
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match c {
            Column::ClientId => out.client_id = Some(mqtt_text("client_id", value).map_err(at)?),
            Column::Username => out.username = Some(mqtt_text("username", value).map_err(at)?),
            Column::Cert => out.cert = Some(folder.join(value)),
            Column::Key => {
                out.key = Some(folder.join(value));
                key_at = i;
            }
            Column::Broker => {
                let mut b = parse_brokers(value, 0).map_err(|e| at(format!("broker {e}")))?;
                if b.len() != 1 {
                    return Err(at(format!("broker '{value}': one broker per row")));
                }
                out.broker = b.pop();
            }
            Column::Password => {}
        }
    }
    if out.key.is_some() && out.cert.is_none() {
        return Err((key_at, "a key without a cert".into()));
    }
    Ok(out)
}

fn mqtt_text(what: &str, value: &str) -> Result<String, String> {
    if value.len() > usize::from(u16::MAX) {
        return Err(format!("{what} is longer than MQTT's 65,535 bytes"));
    }
    if value.contains('\0') {
        return Err(format!("{what} '{value}' holds a NUL character"));
    }
    Ok(value.to_string())
}

/// `name.crt` or `name.pem` with `name.key`, in name order.
fn read_certificate_folder(path: &Path) -> Result<IdentityRows, String> {
    let shown = path.display().to_string();
    let entries =
        std::fs::read_dir(path).map_err(|e| format!("cannot read folder '{shown}': {e}"))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    let rows: Vec<IdentityRow> = names
        .iter()
        .filter_map(|n| n.strip_suffix(".key"))
        .filter_map(|stem| {
            ["crt", "pem"]
                .iter()
                .map(|ext| format!("{stem}.{ext}"))
                .find(|c| names.binary_search(c).is_ok())
                .map(|cert| IdentityRow {
                    cert: Some(path.join(cert)),
                    key: Some(path.join(format!("{stem}.key"))),
                    ..IdentityRow::default()
                })
        })
        .collect();
    if rows.is_empty() {
        return Err(format!(
            "folder '{shown}' holds no certificate and key pairs (name.crt or name.pem with name.key)"
        ));
    }
    Ok(IdentityRows::new(shown, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_give_what_their_columns_name() {
        let rows = parse_identity_rows(
            "Client_ID,user,password,cert,key,broker,model\n\
             dev-1,u1,\" p w \",c/1.pem,c/1.key,node1:1884,x\n\
             dev-2,,,,,node2,y\n",
            Path::new("/ids"),
        )
        .unwrap();
        assert_eq!(rows[0].client_id.as_deref(), Some("dev-1"));
        assert_eq!(rows[0].username.as_deref(), Some("u1"));
        assert_eq!(
            rows[0].password.as_ref().map(|p| &p.0[..]),
            Some(&b" p w "[..])
        );
        assert_eq!(rows[0].cert.as_deref(), Some(Path::new("/ids/c/1.pem")));
        assert_eq!(rows[0].key.as_deref(), Some(Path::new("/ids/c/1.key")));
        assert_eq!(rows[0].broker.as_ref().map(|b| b.port), Some(1884));
        assert_eq!(rows[1].username, None);
        assert_eq!(rows[1].password, None);
        assert_eq!(
            rows[1].broker.as_ref().map(|b| b.port),
            Some(0),
            "the Port setting's"
        );
        assert!(!format!("{:?}", rows[0]).contains("p w"));
    }

    #[test]
    fn bad_files_are_named_by_line_and_column_without_quoting_a_password() {
        for (text, says) in [
            ("", "is empty"),
            (
                "model,serial\nx,y\n",
                "line 1: the header names none of the columns",
            ),
            (
                "user,User_Name\na,b\n",
                "line 1: column 'User_Name' appears twice",
            ),
            ("user\n", "has a header but no rows"),
            (
                "user,broker\na,b:c\n",
                "line 2, column 2 (broker): broker 'b:c': port 'c'",
            ),
            (
                "user,key\na,k.pem\n",
                "line 2, column 2 (key): a key without a cert",
            ),
            (
                "user,password\n\"a,s3cret\n",
                "line 2, column 1: a quoted field has no closing quote",
            ),
            (
                "user,password\na,s3cret,extra\n",
                "line 2, column 3: 3 fields, but the header names 2 columns",
            ),
            (
                "client_id,user\nok,a\n\"bad\0id\",b\n",
                "line 3, column 1 (client_id): client_id 'bad\0id' holds a NUL",
            ),
        ] {
            let e = parse_identity_rows(text, Path::new("/")).unwrap_err();
            assert!(e.contains(says), "{text:?}: {e}");
            assert!(!e.contains("s3cret"), "{e}");
        }
    }

    #[test]
    fn a_folder_gives_its_pairs_in_name_order() {
        let dir = std::env::temp_dir().join(format!("mqttload-certfolder-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in [
            "b.crt", "b.key", "a.pem", "a.key", "ca.pem", "lone.key", "z.crt",
        ] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let rows = read_certificate_folder(&dir).unwrap();
        let pairs: Vec<_> = rows
            .rows
            .iter()
            .map(|r| {
                let name = |p: &Option<PathBuf>| {
                    p.as_ref()
                        .and_then(|p| p.file_name())
                        .map(|n| n.to_string_lossy().to_string())
                };
                (name(&r.cert), name(&r.key))
            })
            .collect();
        assert_eq!(
            pairs,
            [
                (Some("a.pem".to_string()), Some("a.key".to_string())),
                (Some("b.crt".to_string()), Some("b.key".to_string()))
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(read_certificate_folder(&dir)
            .unwrap_err()
            .contains("cannot read folder"));
    }
}
