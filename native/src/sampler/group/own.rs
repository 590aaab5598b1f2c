//! What each connection of a group has of its own: its client id, its broker (one node of a
//! cluster), its source address, its credentials and its client certificate. Each comes from
//! the settings, their templates, a row of an identity file or a certificate folder.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use bytes::BytesMut;

use crate::client::{Credentials, OwnCertificate, PerConnection, Secret};
use crate::sampler::client_id::next_client_id;
use crate::sampler::config::{
    bad, parse_broker, BrokerAddress, CertificateSource, ConfigError, ConnectConfig, Id,
    IdentityRow, Placement, Protocol, RowSource,
};
use crate::sampler::template::Vars;
use crate::transport::{ClientIdentity, Endpoint, TlsContext, TlsInput, Transport};

/// What a template sees of the connection in `slot` of a group whose slot 0 is `conn_base`.
pub(super) fn index_vars(conn_base: u64, slot: usize, client_id: &str) -> Vars<'_> {
    Vars {
        conn: slot as u64,
        conn_test: conn_base + slot as u64,
        client_id,
        seq: 0,
    }
}

/// A group's connections, each with what it has of its own.
pub(super) struct Fleet {
    /// One per slot, kept across reconnects so a persistent session resumes.
    pub client_ids: Vec<String>,
    /// One per slot; connections with nothing of their own but their address share one.
    pub own: Vec<Arc<PerConnection>>,
    /// The brokers the group's connections go to (`host:port`), and each slot's, when they are
    /// several.
    pub brokers: Vec<String>,
    pub broker_of: Vec<u32>,
    /// The first broker's endpoint: what the connections share unless they have their own.
    pub endpoint: Endpoint,
}

/// Rows an identity source gave this group, one per slot.
struct Block<'a> {
    source: &'a RowSource,
    start: usize,
}

impl Block<'_> {
    fn row(&self, slot: usize) -> Option<&IdentityRow> {
        self.source.rows.rows.get(self.start + slot)
    }
}

/// Takes the next `slots` rows of `source`, or says there are not enough.
fn block(source: &RowSource, slots: usize, setting: Id) -> Result<Block<'_>, ConfigError> {
    let taken = source.rows.take(slots);
    let start = source.first_row.saturating_add(taken);
    let total = source.rows.rows.len();
    let fits = usize::try_from(start)
        .ok()
        .filter(|s| s.saturating_add(slots) <= total);
    match fits {
        Some(start) => Ok(Block { source, start }),
        None => Err(bad(
            setting,
            format!(
                "'{}' has {total} row(s), and this group's {slots} connection(s) would take rows \
                 {} to {} (rows are taken in order across the test run, from the first row \
                 setting): more connections than rows",
                source.rows.source,
                start.saturating_add(1),
                start.saturating_add(slots as u64)
            ),
        )),
    }
}

pub(super) fn fleet(config: &ConnectConfig, conn_base: u64) -> Result<Fleet, ConfigError> {
    let slots = config.connections as usize;
    let rows = config
        .identity_file
        .as_ref()
        .map(|s| block(s, slots, Id::IdentityFile))
        .transpose()?;
    let folder = match &config.certificates {
        Some(CertificateSource::Folder(s)) => Some(block(s, slots, Id::TlsClientCertFile)?),
        _ => None,
    };
    let row = |slot: usize| rows.as_ref().and_then(|b| b.row(slot));
    let client_ids = (0..slots)
        .map(|slot| client_id(config, conn_base, slot, row(slot)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut brokers = Brokers::new(config)?;
    let broker_of = (0..slots)
        .map(|slot| brokers.of(config, conn_base, slot, &client_ids[slot], row(slot)))
        .collect::<Result<Vec<u32>, _>>()?;
    let mut shared: HashMap<(usize, u32), Arc<PerConnection>> = HashMap::new();
    let mut own = Vec::with_capacity(slots);
    for (slot, id) in client_ids.iter().enumerate() {
        let vars = index_vars(conn_base, slot, id);
        let local = match config.bind.len() {
            0 => None,
            n => Some((slot % n, config.bind[slot % n])),
        };
        let b = broker_of[slot];
        let endpoint = (brokers.endpoints.len() > 1).then(|| brokers.endpoints[b as usize].clone());
        let credentials = credentials(config, &vars, row(slot));
        let certificate = certificate(config, &vars, row(slot), folder.as_ref(), slot);
        if credentials.is_none() && certificate.is_none() {
            let key = (local.map_or(0, |(i, _)| i), b);
            let one = shared.entry(key).or_insert_with(|| {
                Arc::new(PerConnection {
                    local: local.map(|(_, ip)| ip),
                    endpoint: endpoint.clone(),
                    ..PerConnection::default()
                })
            });
            own.push(one.clone());
            continue;
        }
        own.push(Arc::new(PerConnection {
            local: local.map(|(_, ip)| ip),
            endpoint,
            credentials: credentials.map(Arc::new),
            certificate: certificate.map(|c| Box::new(OwnCertificate::new(c))),
        }));
    }
    let several = brokers.endpoints.len() > 1;
    Ok(Fleet {
        client_ids,
        own,
        brokers: brokers.endpoints.iter().map(|e| e.label()).collect(),
        broker_of: if several { broker_of } else { Vec::new() },
        endpoint: (*brokers.endpoints[0]).clone(),
    })
}

fn client_id(
    config: &ConnectConfig,
    conn_base: u64,
    slot: usize,
    row: Option<&IdentityRow>,
) -> Result<String, ConfigError> {
    if let Some(id) = row.and_then(|r| r.client_id.as_deref()) {
        // A row names its device: no suffix.
        return next_client_id(id, false, config.version);
    }
    let prefix = match &config.identity.client_id_prefix {
        Some(t) => Cow::Owned(t.expand_string(&index_vars(conn_base, slot, ""))),
        None => Cow::Borrowed(config.client_id_prefix.as_str()),
    };
    next_client_id(&prefix, config.client_id_suffix, config.version)
}

/// The connection's user name and password when they differ per connection (templates or the
/// row's); None when it uses the settings'.
fn credentials(
    config: &ConnectConfig,
    vars: &Vars<'_>,
    row: Option<&IdentityRow>,
) -> Option<Credentials> {
    let from_row = row.is_some_and(|r| r.username.is_some() || r.password.is_some());
    if !from_row && !config.identity.per_connection_credentials() {
        return None;
    }
    let username = match (
        row.and_then(|r| r.username.clone()),
        &config.identity.username,
    ) {
        (Some(u), _) => Some(u),
        (None, Some(t)) => Some(t.expand_string(vars)).filter(|u| !u.trim().is_empty()),
        (None, None) => config.username.clone(),
    };
    let password = match (
        row.and_then(|r| r.password.clone()),
        &config.identity.password,
    ) {
        (Some(p), _) => Some(p),
        (None, Some(t)) => {
            let mut b = BytesMut::with_capacity(t.0.size_hint());
            t.0.expand(&mut b, vars);
            Some(b.freeze()).filter(|p| !p.is_empty()).map(Secret)
        }
        (None, None) => config.password.clone(),
    };
    Some(Credentials { username, password })
}

/// The connection's own client certificate: its row's, else the settings' template or folder.
fn certificate(
    config: &ConnectConfig,
    vars: &Vars<'_>,
    row: Option<&IdentityRow>,
    folder: Option<&Block<'_>>,
    slot: usize,
) -> Option<ClientIdentity> {
    let identity = |cert: &std::path::Path, key: Option<&std::path::Path>| ClientIdentity {
        cert_file: cert.to_path_buf(),
        key_file: key.map(std::path::Path::to_path_buf),
        password: config.client_cert_password.clone(),
    };
    if let Some(r) = row.filter(|r| r.cert.is_some()) {
        return r.cert.as_deref().map(|c| identity(c, r.key.as_deref()));
    }
    match &config.certificates {
        Some(CertificateSource::Templates { cert, key }) => Some(ClientIdentity {
            cert_file: cert.expand_string(vars).into(),
            key_file: key.as_ref().map(|k| k.expand_string(vars).into()),
            password: config.client_cert_password.clone(),
        }),
        Some(CertificateSource::Folder(_)) => folder
            .and_then(|b| b.row(slot))
            .and_then(|r| r.cert.as_deref().map(|c| identity(c, r.key.as_deref()))),
        None => None,
    }
}

/// The group's brokers: the Server setting's (its list, or what its template gives each
/// connection), then any an identity file's rows add.
struct Brokers {
    /// The transport of the Server setting's first broker; the others' are made from it.
    base: Transport,
    endpoints: Vec<Arc<Endpoint>>,
    by_label: HashMap<String, u32>,
    /// How many of `endpoints` the Server setting's list gave (placement spreads over these).
    listed: usize,
}

impl Brokers {
    fn new(config: &ConnectConfig) -> Result<Brokers, ConfigError> {
        let first = &config.brokers[0];
        let mut b = Brokers {
            base: transport(config, &first.host)?,
            endpoints: Vec::new(),
            by_label: HashMap::new(),
            listed: 0,
        };
        if config.identity.broker.is_none() {
            for address in &config.brokers {
                b.add(address, Id::Server)?;
            }
            b.listed = config.brokers.len();
        }
        Ok(b)
    }

    fn add(&mut self, address: &BrokerAddress, setting: Id) -> Result<u32, ConfigError> {
        let label = address.label();
        if let Some(i) = self.by_label.get(&label) {
            return Ok(*i);
        }
        let transport = self
            .base
            .for_host(&address.host)
            .map_err(|e| bad(setting, e.to_string()))?;
        let i = u32::try_from(self.endpoints.len()).unwrap_or(u32::MAX);
        self.endpoints.push(Arc::new(Endpoint {
            host: address.host.clone(),
            port: address.port,
            bind: None,
            transport,
        }));
        self.by_label.insert(label, i);
        Ok(i)
    }

    /// The broker of the connection in `slot`: its row's, else by placement.
    fn of(
        &mut self,
        config: &ConnectConfig,
        conn_base: u64,
        slot: usize,
        client_id: &str,
        row: Option<&IdentityRow>,
    ) -> Result<u32, ConfigError> {
        if let Some(b) = row.and_then(|r| r.broker.as_ref()) {
            let address = BrokerAddress {
                host: b.host.clone(),
                port: if b.port == 0 { config.port } else { b.port },
            };
            return self.add(&address, Id::IdentityFile);
        }
        if let Some(t) = &config.identity.broker {
            let text = t.expand_string(&index_vars(conn_base, slot, client_id));
            let address = parse_broker(text.trim(), config.port).map_err(|e| {
                bad(
                    Id::Server,
                    format!("the connection of client id {client_id}: {e}"),
                )
            })?;
            return self.add(&address, Id::Server);
        }
        let n = self.listed.max(1) as u64;
        let i = match config.placement {
            Placement::RoundRobin => (conn_base + slot as u64) % n,
            Placement::ClientIdHash => fnv1a(client_id.as_bytes()) % n,
        };
        Ok(i as u32)
    }
}

/// FNV-1a: stable across runs, machines and versions (the standard library's hasher is not).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The setting a TLS setup error is about.
fn tls_setting(input: TlsInput) -> Id {
    match input {
        TlsInput::CaFile => Id::TlsCaFile,
        TlsInput::ClientCertificate => Id::TlsClientCertFile,
        TlsInput::ClientKey => Id::TlsClientKeyFile,
        TlsInput::ClientCertificatePassword => Id::TlsClientCertPassword,
        TlsInput::ServerName => Id::TlsServerName,
        TlsInput::Host => Id::Server,
        TlsInput::MinVersion => Id::TlsMinVersion,
    }
}

/// The group's transport towards `host`. For SSL and WSS this reads the certificate files and
/// makes the rustls configuration once, so a bad path or password fails here, before any
/// network I/O; the other brokers of the group share that configuration.
fn transport(config: &ConnectConfig, host: &str) -> Result<Transport, ConfigError> {
    let tls = || {
        TlsContext::new(&config.tls, host)
            .map(Arc::new)
            .map_err(|e| bad(tls_setting(e.input()), e.to_string()))
    };
    Ok(match config.protocol {
        Protocol::Tcp => Transport::Tcp,
        Protocol::Tls => Transport::Tls(tls()?),
        Protocol::Ws => Transport::Ws {
            path: config.ws_path.clone(),
        },
        Protocol::Wss => Transport::Wss {
            path: config.ws_path.clone(),
            tls: tls()?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(json: &str) -> ConnectConfig {
        ConnectConfig::from_json(json).unwrap()
    }

    #[test]
    fn round_robin_spreads_by_the_engines_connection_number() {
        let c = config(r#"{"server":"a, b:1884, c","connections":"5"}"#);
        let f = fleet(&c, 7).unwrap();
        assert_eq!(f.brokers, ["a:1883", "b:1884", "c:1883"]);
        // connections 7..11 of the engine: 7 % 3 = 1, ...
        assert_eq!(f.broker_of, [1, 2, 0, 1, 2]);
        let labels: Vec<String> = (0..5)
            .map(|s| f.own[s].endpoint.as_ref().unwrap().label())
            .collect();
        assert_eq!(labels, ["b:1884", "c:1883", "a:1883", "b:1884", "c:1883"]);
        // nothing of their own but the broker: connections of one broker share one
        assert!(Arc::ptr_eq(&f.own[0], &f.own[3]));
    }

    #[test]
    fn a_server_template_gives_each_connection_its_node() {
        let c = config(
            r#"{"server":"node{{conn.test:2}}.cluster","port":"8883","connections":"3",
                "clientIdPrefix":"dev-{{conn.test}}","clientIdSuffix":false}"#,
        );
        let f = fleet(&c, 4).unwrap();
        assert_eq!(
            f.brokers,
            [
                "node04.cluster:8883",
                "node05.cluster:8883",
                "node06.cluster:8883"
            ]
        );
        assert_eq!(f.broker_of, [0, 1, 2]);
        // the same node twice is one broker
        let same = config(r#"{"server":"n{{conn:1}}x","connections":"2"}"#);
        assert_eq!(fleet(&same, 0).unwrap().brokers, ["n0x:1883", "n1x:1883"]);
        // what a template gives is checked per connection, the connection named
        let bad_port = config(
            r#"{"server":"h:1{{conn.test}}000","connections":"1","clientIdPrefix":"d{{conn.test}}",
                "clientIdSuffix":false}"#,
        );
        let Err(e) = fleet(&bad_port, 70) else {
            panic!("port 170000 taken");
        };
        let e = e.to_string();
        assert!(
            e.contains("the connection of client id d70: 'h:170000': port '170000'"),
            "{e}"
        );
    }

    #[test]
    fn hash_placement_follows_the_client_id() {
        let c = config(
            r#"{"server":"a,b,c,d","connections":"40","clientIdPrefix":"dev-{{conn}}",
                "clientIdSuffix":false,"brokerPlacement":"client_id_hash"}"#,
        );
        let one = fleet(&c, 0).unwrap();
        let again = fleet(&c, 1000).unwrap();
        assert_eq!(
            one.broker_of, again.broker_of,
            "the same ids, the same nodes"
        );
        for b in 0..4 {
            assert!(one.broker_of.contains(&b), "{:?}", one.broker_of);
        }
    }

    #[test]
    fn one_broker_needs_no_endpoint_of_its_own() {
        let f = fleet(&config(r#"{"server":"a","connections":"3"}"#), 0).unwrap();
        assert!(f.broker_of.is_empty());
        assert!(f.own.iter().all(|o| o.endpoint.is_none()));
        assert_eq!(f.endpoint.label(), "a:1883");
    }

    #[test]
    fn certificate_templates_give_each_connection_its_files() {
        let c = config(
            r#"{"protocol":"SSL","tls":{"trustAll":true,"clientCert":true,
                "clientCertFile":"/c/dev-{{conn.test:3}}.pem","clientKeyFile":"/c/dev-{{conn.test:3}}.key"},
                "connections":"2"}"#,
        );
        let f = fleet(&c, 41).unwrap();
        let files: Vec<String> = f
            .own
            .iter()
            .map(|o| format!("{:?}", o.certificate.as_ref().unwrap()))
            .collect();
        assert!(files[0].contains("/c/dev-041.pem") && files[0].contains("/c/dev-041.key"));
        assert!(files[1].contains("/c/dev-042.pem"), "{files:?}");
    }

    #[test]
    fn identity_file_rows_are_taken_in_order_across_groups() {
        let dir = std::env::temp_dir().join(format!("mqttload-own-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("devices.csv");
        std::fs::write(
            &file,
            "client_id,username,password,broker\n\
             dev-1,u1,p1,\n\
             dev-2,,p2,other:1999\n\
             dev-3,u3,,other\n\
             dev-4,u4,p4,\n",
        )
        .unwrap();
        let json = |n: u32, first: u32| {
            format!(
                r#"{{"server":"main","port":"1884","connections":"{n}","username":"shared",
                    "identityFile":"{}","identityFirstRow":"{first}"}}"#,
                file.display()
            )
        };
        let f = fleet(&config(&json(3, 0)), 0).unwrap();
        assert_eq!(
            f.client_ids,
            ["dev-1", "dev-2", "dev-3"],
            "as they are: no suffix"
        );
        let user = |o: &PerConnection| o.credentials.as_ref().unwrap().username.clone();
        assert_eq!(user(&f.own[0]).as_deref(), Some("u1"));
        assert_eq!(
            user(&f.own[1]).as_deref(),
            Some("shared"),
            "an empty cell keeps the setting"
        );
        assert_eq!(f.brokers, ["main:1884", "other:1999", "other:1884"]);
        assert_eq!(f.broker_of, [0, 1, 2]);
        // the next group goes on where this one stopped, and runs out
        let next = fleet(&config(&json(1, 0)), 3).unwrap();
        assert_eq!(next.client_ids, ["dev-4"]);
        let e = fleet(&config(&json(1, 0)), 4).err().unwrap();
        assert_eq!(e.setting, Some(Id::IdentityFile));
        assert!(
            e.message
                .contains("has 4 row(s), and this group's 1 connection(s) would take rows 5 to 5"),
            "{e}"
        );
        assert!(!format!("{e:?}").contains("p1"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn fnv1a_is_the_standard_one() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
