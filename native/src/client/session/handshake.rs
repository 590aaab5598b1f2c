use std::time::Instant;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::client::error::ClientError;
use crate::client::options::{Authenticator, PerConnection, SessionOptions};
use crate::codec::{
    decode_packet, Auth, ConnAck, Connect, ConnectReturnCode, Packet, Properties, Property,
    ProtocolVersion, ReasonCode,
};
use crate::transport::{BrokerStream, Endpoint};

/// One CONNECT -> CONNACK exchange within the connect timeout.
/// `client_id` and `own` are this connection's (the options are shared by a group's connections).
pub(super) async fn handshake(
    opts: &SessionOptions,
    client_id: &str,
    own: &PerConnection,
) -> Result<(BrokerStream, BytesMut, ConnAck), ClientError> {
    let deadline = Instant::now() + opts.connect_timeout;
    let endpoint = own
        .connect_endpoint(opts)
        .map_err(|e| ClientError::Transport(e.to_string()))?;
    let mut stream = endpoint
        .connect_from(opts.connect_timeout, own.local(opts))
        .await
        .map_err(|e| ClientError::Transport(e.to_string()))?;
    let v5 = opts.version == ProtocolVersion::V5;
    let authenticator = opts.authenticator.as_deref().filter(|_| v5);
    let connect = encode_connect(opts, client_id, own, authenticator)?;
    let exchange = exchange(&mut stream, &connect, opts, endpoint, authenticator);
    let (leftover, ack) = tokio::time::timeout_at(deadline.into(), exchange)
        .await
        .map_err(|_| ClientError::ConnackTimeout(opts.connect_timeout.as_millis()))??;
    if ack.code != ConnectReturnCode::Accepted {
        if v5 {
            let reason = ack.reason.unwrap_or(ack.code.to_reason());
            return Err(ClientError::RefusedV5(with_reason_string(
                reason,
                &ack.properties,
            )));
        }
        return Err(ClientError::Refused(ack.code));
    }
    Ok((stream, leftover, ack))
}

/// CONNECT as this connection sends it: 3.x carries no properties, not even the will's.
fn encode_connect(
    opts: &SessionOptions,
    client_id: &str,
    own: &PerConnection,
    authenticator: Option<&dyn Authenticator>,
) -> Result<BytesMut, ClientError> {
    let v5 = opts.version == ProtocolVersion::V5;
    let mut properties = if v5 {
        opts.connect_properties.clone()
    } else {
        Properties::new()
    };
    if let Some(a) = authenticator {
        properties.push(Property::AuthenticationMethod(a.method().to_string()));
        if let Some(d) = a.initial_data() {
            properties.push(Property::AuthenticationData(d));
        }
    }
    let mut will = opts.will.clone();
    if let (Some(w), false) = (will.as_mut(), v5) {
        w.properties = Properties::new();
    }
    let connect = Packet::Connect(Connect {
        protocol: opts.version,
        client_id: client_id.to_string(),
        clean_session: opts.clean_session,
        keep_alive: opts.keep_alive_secs,
        username: own.username(opts).map(str::to_string),
        password: own.password(opts).map(|p| p.0.clone()),
        will,
        properties,
    });
    let mut out = BytesMut::with_capacity(128);
    connect
        .encode(opts.version, &mut out)
        .map_err(|e| ClientError::Encode(e.to_string()))?;
    Ok(out)
}

/// Sends CONNECT and reads up to CONNACK, answering the broker's AUTH challenges on the way;
/// CONNACK comes back with the bytes read after it.
async fn exchange(
    stream: &mut BrokerStream,
    connect: &[u8],
    opts: &SessionOptions,
    endpoint: &Endpoint,
    authenticator: Option<&dyn Authenticator>,
) -> Result<(BytesMut, ConnAck), ClientError> {
    let v5 = opts.version == ProtocolVersion::V5;
    send(stream, connect, endpoint, "writing CONNECT").await?;
    let mut buf = BytesMut::with_capacity(512);
    loop {
        if v5 && answered_as_v3(&buf) {
            return Err(ClientError::NotV5);
        }
        match decode_packet(&mut buf, opts.version, opts.max_packet_size) {
            Ok(Some(Packet::ConnAck(ack))) => return Ok((buf, ack)),
            Ok(Some(Packet::Auth(auth))) => {
                answer_auth(stream, &auth, opts, endpoint, authenticator).await?;
                continue;
            }
            Ok(Some(other)) => return Err(ClientError::UnexpectedPacket(other.kind())),
            Ok(None) => {}
            Err(e) => return Err(ClientError::Protocol(e.to_string())),
        }
        let n = stream
            .read_buf(&mut buf)
            .await
            .map_err(|e| io_error(endpoint, "reading CONNACK", e))?;
        if n == 0 {
            // A refused login gets a CONNACK with its reason; a close without one is, more often than
            // not, a broker that does not speak the version asked for (rumqttd, paho's test broker on 3.1).
            return Err(ClientError::Lost(format!(
                "broker closed the connection before CONNACK (a broker may close it so when it does not \
                 accept MQTT {}, the version asked for)",
                opts.version.number()
            )));
        }
    }
}

async fn answer_auth(
    stream: &mut BrokerStream,
    auth: &Auth,
    opts: &SessionOptions,
    endpoint: &Endpoint,
    authenticator: Option<&dyn Authenticator>,
) -> Result<(), ClientError> {
    let Some(a) = authenticator else {
        return Err(ClientError::Auth(
            "broker sent AUTH but no authentication method is configured".into(),
        ));
    };
    let reply = auth_reply(a, auth)?;
    let mut o = BytesMut::new();
    Packet::Auth(reply)
        .encode(opts.version, &mut o)
        .map_err(|e| ClientError::Encode(e.to_string()))?;
    send(stream, &o, endpoint, "writing AUTH").await
}

/// Writes `bytes` and flushes them out (TLS and WebSocket streams buffer).
async fn send(
    stream: &mut BrokerStream,
    bytes: &[u8],
    endpoint: &Endpoint,
    doing: &str,
) -> Result<(), ClientError> {
    stream
        .write_all(bytes)
        .await
        .map_err(|e| io_error(endpoint, doing, e))?;
    stream
        .flush()
        .await
        .map_err(|e| io_error(endpoint, doing, e))
}

fn io_error(endpoint: &Endpoint, doing: &str, e: std::io::Error) -> ClientError {
    match endpoint.explain(&e) {
        // A TLS alert (TLS 1.3 refuses a client certificate only after the handshake).
        Some(t) => ClientError::Transport(t.to_string()),
        None => ClientError::Lost(format!("{doing}: {e}")),
    }
}

/// A 3.1.1 broker answers a 5.0 CONNECT with its own CONNACK: 2 bytes, return code 1
/// (unacceptable protocol version), which a 5.0 decoder reads as a malformed packet.
fn answered_as_v3(buf: &[u8]) -> bool {
    buf.len() >= 4 && buf[0] == 0x20 && buf[1] == 0x02 && buf[3] == 0x01
}

/// "0x87 Not authorized", plus " (reason string)" when the broker gave one.
pub(super) fn with_reason_string(reason: ReasonCode, properties: &Properties) -> String {
    match properties.reason_string() {
        Some(rs) if !rs.is_empty() => format!("{} ({rs})", reason.describe()),
        _ => reason.describe(),
    }
}

/// Our answer to an AUTH challenge (reason 0x18 Continue authentication).
pub(super) fn auth_reply(a: &dyn Authenticator, auth: &Auth) -> Result<Auth, ClientError> {
    if auth.reason != ReasonCode::ContinueAuthentication {
        return Err(ClientError::Auth(format!(
            "broker sent AUTH {}",
            with_reason_string(auth.reason, &auth.properties)
        )));
    }
    if let Some(m) = auth.properties.authentication_method() {
        if m != a.method() {
            return Err(ClientError::Auth(format!(
                "broker challenged with method '{m}', we use '{}'",
                a.method()
            )));
        }
    }
    let data = auth.properties.authentication_data().unwrap_or(&[]);
    let response = a.on_challenge(data).map_err(ClientError::Auth)?;
    let mut properties = Properties::new();
    properties.push(Property::AuthenticationMethod(a.method().to_string()));
    properties.push(Property::AuthenticationData(response));
    Ok(Auth {
        reason: ReasonCode::ContinueAuthentication,
        properties,
    })
}
