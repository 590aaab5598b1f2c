//! The TLS record layer after the handshake: our own, so that an idle connection holds its keys
//! (a few hundred bytes) and nothing else.
//!
//! rustls's connection, kept for the connection's life, held about 5 KB per idle connection: its
//! own state, two copies of the broker's certificate chain, its handshake reassembly, two expanded
//! AES keys with their GHASH tables, and its queues. rustls runs the handshake; then
//! `dangerous_into_kernel_connection` (its kTLS path) hands over the keys and sequence numbers, and
//! the records are protected here (RFC 8446 section 5, RFC 5246 section 6.2 with RFC 5288 and
//! RFC 7905), with ring as rustls uses it. The connection keeps its keys as bytes, not expanded
//! (an expanded AES-GCM key with its GHASH table is 560 bytes): each thread keeps the key it last
//! expanded for each direction, so that a connection moving record after record expands its key
//! once, and one record now and then pays about 0.3 µs for it.
//!
//! What rustls did after the handshake, done here: TLS 1.3 key updates (the broker's, answered
//! when asked; ours before a key protects more records than its suite allows), alerts, session
//! tickets (handed to rustls's ticket store until the first application data, after which the
//! remains of rustls's connection are let go: brokers send tickets right after the handshake), a
//! TLS 1.2 renegotiation request (ignored, as RFC 5246 lets a client do).

use std::cell::RefCell;
use std::mem;
use std::sync::atomic::{AtomicU64, Ordering};

use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::hkdf;
use rustls::client::ClientConnectionData;
use rustls::crypto::hash::HashAlgorithm;
use rustls::kernel::KernelConnection;
use rustls::{
    AlertDescription, ConnectionTrafficSecrets, ExtractedSecrets, ProtocolVersion,
    SupportedCipherSuite,
};
use zeroize::Zeroize;

use super::keylog::{Captured, Secret};

/// Bytes of a TLS record header: type, version, length.
pub(super) const HEADER: usize = 5;
/// Plaintext per record at most (RFC 8446 5.1).
const MAX_PLAIN: usize = 16 * 1024;
const TAG: usize = 16;
/// TLS 1.2 AES-GCM's nonce bytes sent in each record (RFC 5288).
const EXPLICIT_NONCE: usize = 8;
/// A handshake message after the handshake (a session ticket) longer than this is not kept.
const MAX_HANDSHAKE_MESSAGE: usize = 64 * 1024;

const ALERT: u8 = 21;
const HANDSHAKE: u8 = 22;
const APPLICATION_DATA: u8 = 23;

const HELLO_REQUEST: u8 = 0;
const NEW_SESSION_TICKET: u8 = 4;
const KEY_UPDATE: u8 = 24;

const WARNING: u8 = 1;
const FATAL: u8 = 2;
const CLOSE_NOTIFY: u8 = 0;
const USER_CANCELED: u8 = 90;

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("a TLS record failed to decrypt (bad_record_mac)")]
    Decrypt,
    #[error("the broker sent the TLS alert {0:?}")]
    Alert(AlertDescription),
    #[error("the broker sent a TLS record longer than the protocol allows")]
    Oversized,
    #[error("the broker sent {0} after the TLS handshake")]
    Unexpected(&'static str),
    #[error("the broker updated its TLS keys, and this connection cannot follow (its traffic secret is unknown)")]
    KeyUpdateUnsupported,
    #[error("the TLS keys are used up (too many records on one connection)")]
    KeysExhausted,
    #[error("TLS record protection failed")]
    Crypto,
    #[error("the negotiated TLS {0} is not one this record layer knows")]
    Unsupported(String),
}

impl From<RecordError> for rustls::Error {
    fn from(e: RecordError) -> rustls::Error {
        match e {
            RecordError::Decrypt => rustls::Error::DecryptError,
            RecordError::Alert(alert) => rustls::Error::AlertReceived(alert),
            RecordError::Oversized => rustls::Error::PeerSentOversizedRecord,
            other => rustls::Error::General(other.to_string()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    Tls12,
    Tls13,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cipher {
    Aes128Gcm,
    Aes256Gcm,
    Chacha20Poly1305,
}

impl Cipher {
    fn algorithm(self) -> &'static aead::Algorithm {
        match self {
            Cipher::Aes128Gcm => &aead::AES_128_GCM,
            Cipher::Aes256Gcm => &aead::AES_256_GCM,
            Cipher::Chacha20Poly1305 => &aead::CHACHA20_POLY1305,
        }
    }

    fn key_len(self) -> usize {
        self.algorithm().key_len()
    }

    /// TLS 1.2 nonce bytes carried in each record: AES-GCM's, not ChaCha20-Poly1305's.
    fn explicit_nonce(self) -> usize {
        match self {
            Cipher::Aes128Gcm | Cipher::Aes256Gcm => EXPLICIT_NONCE,
            Cipher::Chacha20Poly1305 => 0,
        }
    }
}

/// Names each key ever made, for the per-thread cache of expanded keys.
static NEXT_KEY_ID: AtomicU64 = AtomicU64::new(1);

#[derive(Clone, Copy)]
enum Way {
    Seal = 0,
    Open = 1,
}

thread_local! {
    /// The key this thread expanded last for sealing and for opening, with its id.
    static EXPANDED: RefCell<[Option<(u64, LessSafeKey)>; 2]> = const { RefCell::new([None, None]) };
}

/// One direction's protection: key, IV (TLS 1.2 AES-GCM: the salt, then the nonce's start),
/// the next record's number, and (TLS 1.3) the traffic secret the next keys come from.
struct Keys {
    id: u64,
    key: [u8; 32],
    iv: [u8; 12],
    seq: u64,
    secret: Option<Secret>,
}

impl Keys {
    fn new(key: &[u8], iv: &[u8], seq: u64) -> Result<Keys, RecordError> {
        if key.len() > 32 || iv.len() != 12 {
            return Err(RecordError::Unsupported("key size".into()));
        }
        let mut keys = Keys {
            id: NEXT_KEY_ID.fetch_add(1, Ordering::Relaxed),
            key: [0; 32],
            iv: [0; 12],
            seq,
            secret: None,
        };
        keys.key[..key.len()].copy_from_slice(key);
        keys.iv.copy_from_slice(iv);
        Ok(keys)
    }

    /// Runs `f` with the expanded key: this thread's cached one, or one expanded now (and cached).
    fn with_aead<R>(
        &self,
        cipher: Cipher,
        way: Way,
        f: impl FnOnce(&LessSafeKey) -> R,
    ) -> Result<R, RecordError> {
        EXPANDED.with(|cache| {
            let mut cache = cache.borrow_mut();
            let slot = &mut cache[way as usize];
            if slot.as_ref().map(|(id, _)| *id) != Some(self.id) {
                let key = UnboundKey::new(cipher.algorithm(), &self.key[..cipher.key_len()])
                    .map_err(|_| RecordError::Crypto)?;
                *slot = Some((self.id, LessSafeKey::new(key)));
            }
            let (_, key) = slot.as_ref().ok_or(RecordError::Crypto)?;
            Ok(f(key))
        })
    }

    /// The IV with the record number mixed into its last 8 bytes (RFC 8446 5.3).
    fn nonce(&self) -> [u8; 12] {
        let mut nonce = self.iv;
        for (n, s) in nonce[4..].iter_mut().zip(self.seq.to_be_bytes()) {
            *n ^= s;
        }
        nonce
    }

    /// Keys from `secret` (RFC 8446 7.3).
    fn derive(alg: hkdf::Algorithm, cipher: Cipher, secret: Secret) -> Result<Keys, RecordError> {
        let mut key = [0u8; 32];
        let mut iv = [0u8; 12];
        let key_len = cipher.key_len();
        expand_label(alg, secret.bytes(), b"key", &mut key[..key_len])?;
        expand_label(alg, secret.bytes(), b"iv", &mut iv)?;
        let mut keys = Keys::new(&key[..key_len], &iv, 0)?;
        key.zeroize();
        keys.secret = Some(secret);
        Ok(keys)
    }

    /// The next generation (a key update, RFC 8446 7.2).
    fn next(&self, alg: hkdf::Algorithm, cipher: Cipher) -> Result<Keys, RecordError> {
        let secret = self
            .secret
            .as_ref()
            .ok_or(RecordError::KeyUpdateUnsupported)?;
        let mut next = [0u8; 48];
        let len = secret.bytes().len();
        expand_label(alg, secret.bytes(), b"traffic upd", &mut next[..len])?;
        let next_secret = Secret::new(&next[..len]).ok_or(RecordError::Crypto);
        next.zeroize();
        Keys::derive(alg, cipher, next_secret?)
    }

    /// The secret, if it gives this direction's current keys (it would not after a key update
    /// rustls followed before the hand-over).
    fn adopt(&mut self, alg: hkdf::Algorithm, cipher: Cipher, secret: Option<Secret>) {
        if let Some(secret) = secret {
            if let Ok(derived) = Keys::derive(alg, cipher, secret) {
                if derived.key == self.key && derived.iv == self.iv {
                    self.secret = derived.secret.clone();
                }
            }
        }
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.key.zeroize();
        self.iv.zeroize();
    }
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-Expand-Label with an empty context (RFC 8446 7.1).
fn expand_label(
    alg: hkdf::Algorithm,
    secret: &[u8],
    label: &[u8],
    out: &mut [u8],
) -> Result<(), RecordError> {
    let prk = hkdf::Prk::new_less_safe(alg, secret);
    let length = u16::try_from(out.len())
        .map_err(|_| RecordError::Crypto)?
        .to_be_bytes();
    let label_len = [u8::try_from(6 + label.len()).map_err(|_| RecordError::Crypto)?];
    let info: [&[u8]; 5] = [&length, &label_len, b"tls13 ", label, &[0]];
    prk.expand(&info, Len(out.len()))
        .and_then(|okm| okm.fill(out))
        .map_err(|_| RecordError::Crypto)
}

fn cipher_and_keys(secrets: ConnectionTrafficSecrets) -> (Cipher, Result<Keys, RecordError>) {
    let (cipher, key, iv) = match &secrets {
        ConnectionTrafficSecrets::Aes128Gcm { key, iv } => (Cipher::Aes128Gcm, key, iv),
        ConnectionTrafficSecrets::Aes256Gcm { key, iv } => (Cipher::Aes256Gcm, key, iv),
        ConnectionTrafficSecrets::Chacha20Poly1305 { key, iv } => {
            (Cipher::Chacha20Poly1305, key, iv)
        }
        _ => {
            return (
                Cipher::Aes128Gcm,
                Err(RecordError::Unsupported("cipher".into())),
            )
        }
    };
    (cipher, Keys::new(key.as_ref(), iv.as_ref(), 0))
}

/// What one record held, for the stream.
#[derive(Debug)]
pub(super) enum Opened<'a> {
    /// Application data (maybe none).
    Data(&'a [u8]),
    /// The broker's close_notify.
    Closed,
    /// Nothing for the reader (a ticket, a key update, a warning).
    Nothing,
}

pub(super) struct Records {
    version: Version,
    cipher: Cipher,
    /// TLS 1.3's HKDF (the suite's hash), for key updates.
    hkdf: Option<hkdf::Algorithm>,
    /// Records one key may protect: the suite's confidentiality limit.
    limit: u64,
    tx: Keys,
    rx: Keys,
    /// The start of a handshake message that arrived in pieces; empty (no memory) otherwise.
    partial: Vec<u8>,
    /// rustls's remains, for the session tickets the broker sends after the handshake.
    tickets: Option<Box<KernelConnection<ClientConnectionData>>>,
}

impl Records {
    /// Takes over from rustls: its keys and sequence numbers, the traffic secrets its key log
    /// gave (TLS 1.3), and its ticket store while tickets may still come.
    pub(super) fn new(
        secrets: ExtractedSecrets,
        kernel: KernelConnection<ClientConnectionData>,
        captured: Captured,
    ) -> Result<Records, RecordError> {
        let version = match kernel.protocol_version() {
            ProtocolVersion::TLSv1_3 => Version::Tls13,
            ProtocolVersion::TLSv1_2 => Version::Tls12,
            other => return Err(RecordError::Unsupported(format!("version {other:?}"))),
        };
        let (limit, hkdf) = match kernel.negotiated_cipher_suite() {
            SupportedCipherSuite::Tls13(suite) => {
                let hkdf = match suite.common.hash_provider.algorithm() {
                    HashAlgorithm::SHA256 => hkdf::HKDF_SHA256,
                    HashAlgorithm::SHA384 => hkdf::HKDF_SHA384,
                    other => return Err(RecordError::Unsupported(format!("hash {other:?}"))),
                };
                (suite.common.confidentiality_limit, Some(hkdf))
            }
            SupportedCipherSuite::Tls12(suite) => (suite.common.confidentiality_limit, None),
        };
        let (tx_seq, tx) = secrets.tx;
        let (rx_seq, rx) = secrets.rx;
        let (cipher, tx) = cipher_and_keys(tx);
        let (rx_cipher, rx) = cipher_and_keys(rx);
        let (mut tx, mut rx) = (tx?, rx?);
        if rx_cipher != cipher {
            return Err(RecordError::Unsupported("pair of ciphers".into()));
        }
        tx.seq = tx_seq;
        rx.seq = rx_seq;
        if let Some(alg) = hkdf {
            tx.adopt(alg, cipher, captured.client);
            rx.adopt(alg, cipher, captured.server);
        }
        Ok(Records {
            version,
            cipher,
            hkdf,
            limit,
            tx,
            rx,
            partial: Vec::new(),
            tickets: (version == Version::Tls13).then(|| Box::new(kernel)),
        })
    }

    /// Whether rustls's ticket store is still kept.
    #[cfg(test)]
    pub(super) fn keeps_ticket_store(&self) -> bool {
        self.tickets.is_some()
    }

    /// `data` as application data records, appended to `out`.
    pub(super) fn seal(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), RecordError> {
        for chunk in data.chunks(MAX_PLAIN) {
            self.seal_record(APPLICATION_DATA, chunk, out)?;
        }
        Ok(())
    }

    pub(super) fn seal_close_notify(&mut self, out: &mut Vec<u8>) -> Result<(), RecordError> {
        self.seal_record(ALERT, &[WARNING, CLOSE_NOTIFY], out)
    }

    /// The fatal alert that tells the broker why we end the connection over `error` (none when
    /// the broker ended it with an alert of its own): best effort, the connection ends either way.
    pub(super) fn seal_fatal_alert(&mut self, error: &RecordError, out: &mut Vec<u8>) {
        let description = match error {
            RecordError::Alert(_) => return,
            RecordError::Decrypt => AlertDescription::BadRecordMac,
            RecordError::Oversized => AlertDescription::RecordOverflow,
            RecordError::Unexpected(_) => AlertDescription::UnexpectedMessage,
            RecordError::KeyUpdateUnsupported
            | RecordError::KeysExhausted
            | RecordError::Crypto
            | RecordError::Unsupported(_) => AlertDescription::InternalError,
        };
        let _ = self.protect(ALERT, &[FATAL, u8::from(description)], out);
    }

    fn seal_record(&mut self, typ: u8, data: &[u8], out: &mut Vec<u8>) -> Result<(), RecordError> {
        // the key update goes out while the old key may still protect one more record
        if self.tx.seq.saturating_add(1) >= self.limit {
            if self.version == Version::Tls12 {
                return Err(RecordError::KeysExhausted);
            }
            self.update_tx(out)?;
        }
        self.protect(typ, data, out)
    }

    /// A KeyUpdate (update_not_requested) under the current key, then the next key.
    fn update_tx(&mut self, out: &mut Vec<u8>) -> Result<(), RecordError> {
        let alg = self.hkdf.ok_or(RecordError::KeysExhausted)?;
        let next = self.tx.next(alg, self.cipher)?;
        self.protect(HANDSHAKE, &[KEY_UPDATE, 0, 0, 1, 0], out)?;
        self.tx = next;
        Ok(())
    }

    fn protect(&mut self, typ: u8, data: &[u8], out: &mut Vec<u8>) -> Result<(), RecordError> {
        let seq = self.tx.seq;
        let next_seq = seq.checked_add(1).ok_or(RecordError::KeysExhausted)?;
        let nonce = self.tx.nonce();
        let start = out.len();
        let seal = |key: &LessSafeKey, aad: &[u8], in_out: &mut [u8]| {
            key.seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                in_out,
            )
        };
        let tag = match self.version {
            Version::Tls13 => {
                let header = header(APPLICATION_DATA, data.len() + 1 + TAG)?;
                out.reserve(HEADER + data.len() + 1 + TAG);
                out.extend_from_slice(&header);
                out.extend_from_slice(data);
                out.push(typ);
                let in_out = &mut out[start + HEADER..];
                self.tx
                    .with_aead(self.cipher, Way::Seal, |key| seal(key, &header, in_out))
            }
            Version::Tls12 => {
                let explicit = self.cipher.explicit_nonce();
                let header = header(typ, explicit + data.len() + TAG)?;
                out.reserve(HEADER + explicit + data.len() + TAG);
                out.extend_from_slice(&header);
                out.extend_from_slice(&nonce[12 - explicit..]);
                out.extend_from_slice(data);
                let aad = tls12_aad(seq, typ, data.len())?;
                let in_out = &mut out[start + HEADER + explicit..];
                self.tx
                    .with_aead(self.cipher, Way::Seal, |key| seal(key, &aad, in_out))
            }
        };
        match tag {
            Ok(Ok(tag)) => out.extend_from_slice(tag.as_ref()),
            _ => {
                out.truncate(start);
                return Err(RecordError::Crypto);
            }
        }
        self.tx.seq = next_seq;
        Ok(())
    }

    /// The most ciphertext a record may carry (RFC 8446 5.2, RFC 5246 6.2.3).
    fn max_ciphertext(&self) -> usize {
        match self.version {
            Version::Tls13 => MAX_PLAIN + 256,
            Version::Tls12 => MAX_PLAIN + 2048,
        }
    }

    /// One whole record (header included), decrypted in place. What must go back to the broker
    /// (the answer to a key update) is appended to `out`.
    pub(super) fn open<'a>(
        &mut self,
        record: &'a mut [u8],
        out: &mut Vec<u8>,
    ) -> Result<Opened<'a>, RecordError> {
        let (header, payload) = record.split_at_mut(HEADER);
        let header: [u8; HEADER] = [header[0], header[1], header[2], header[3], header[4]];
        if payload.len() > self.max_ciphertext() {
            return Err(RecordError::Oversized);
        }
        let seq = self.rx.seq;
        let next_seq = seq.checked_add(1).ok_or(RecordError::KeysExhausted)?;
        let (typ, plain): (u8, &'a [u8]) = match self.version {
            Version::Tls13 => {
                if header[0] != APPLICATION_DATA {
                    return Err(RecordError::Unexpected("an unprotected record"));
                }
                let nonce = Nonce::assume_unique_for_key(self.rx.nonce());
                let plain = self
                    .rx
                    .with_aead(self.cipher, Way::Open, |key| {
                        key.open_in_place(nonce, Aad::from(header), payload)
                    })?
                    .map_err(|_| RecordError::Decrypt)?;
                // the content type is the last byte that is not padding
                let at = plain
                    .iter()
                    .rposition(|b| *b != 0)
                    .ok_or(RecordError::Unexpected("a record without a content type"))?;
                (plain[at], &plain[..at])
            }
            Version::Tls12 => {
                let typ = header[0];
                if !matches!(typ, ALERT | HANDSHAKE | APPLICATION_DATA) {
                    return Err(RecordError::Unexpected("a record of an unexpected type"));
                }
                let explicit = self.cipher.explicit_nonce();
                if payload.len() < explicit + TAG {
                    return Err(RecordError::Decrypt);
                }
                let mut nonce = self.rx.nonce();
                if explicit > 0 {
                    nonce[12 - explicit..].copy_from_slice(&payload[..explicit]);
                }
                let aad = tls12_aad(seq, typ, payload.len() - explicit - TAG)?;
                let plain = self
                    .rx
                    .with_aead(self.cipher, Way::Open, |key| {
                        key.open_within(
                            Nonce::assume_unique_for_key(nonce),
                            Aad::from(aad),
                            payload,
                            explicit..,
                        )
                    })?
                    .map_err(|_| RecordError::Decrypt)?;
                (typ, &*plain)
            }
        };
        self.rx.seq = next_seq;
        if plain.len() > MAX_PLAIN {
            return Err(RecordError::Oversized);
        }
        match typ {
            APPLICATION_DATA => {
                // tickets come before the first answer: what is left of rustls can go
                self.tickets = None;
                Ok(Opened::Data(plain))
            }
            ALERT => self.alert(plain),
            HANDSHAKE => {
                self.handshake(plain, out)?;
                Ok(Opened::Nothing)
            }
            _ => Err(RecordError::Unexpected("a record of an unexpected type")),
        }
    }

    fn alert(&mut self, body: &[u8]) -> Result<Opened<'static>, RecordError> {
        let &[level, description] = body else {
            return Err(RecordError::Unexpected("a malformed alert"));
        };
        if description == CLOSE_NOTIFY {
            return Ok(Opened::Closed);
        }
        // TLS 1.3 makes every alert fatal but user_canceled (RFC 8446 6); TLS 1.2 leaves warnings to us
        let ignored = match self.version {
            Version::Tls13 => description == USER_CANCELED,
            Version::Tls12 => level == WARNING,
        };
        if ignored {
            Ok(Opened::Nothing)
        } else {
            Err(RecordError::Alert(AlertDescription::from(description)))
        }
    }

    fn handshake(&mut self, body: &[u8], out: &mut Vec<u8>) -> Result<(), RecordError> {
        if self.partial.is_empty() {
            return self.messages(body, out);
        }
        let mut joined = mem::take(&mut self.partial);
        joined.extend_from_slice(body);
        self.messages(&joined, out)
    }

    fn messages(&mut self, mut bytes: &[u8], out: &mut Vec<u8>) -> Result<(), RecordError> {
        while !bytes.is_empty() {
            let whole = match bytes {
                [_, a, b, c, ..] => {
                    let len = usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c);
                    if len > MAX_HANDSHAKE_MESSAGE {
                        return Err(RecordError::Unexpected("an oversized handshake message"));
                    }
                    (bytes.len() >= 4 + len).then_some(4 + len)
                }
                _ => None,
            };
            let Some(whole) = whole else {
                self.partial = bytes.to_vec();
                return Ok(());
            };
            let (message, rest) = bytes.split_at(whole);
            if message[0] == KEY_UPDATE && !rest.is_empty() {
                // a key update ends its record (RFC 8446 5.1)
                return Err(RecordError::Unexpected(
                    "a key update not at a record's end",
                ));
            }
            self.message(message[0], &message[4..], out)?;
            bytes = rest;
        }
        Ok(())
    }

    fn message(&mut self, typ: u8, body: &[u8], out: &mut Vec<u8>) -> Result<(), RecordError> {
        match (self.version, typ) {
            (Version::Tls13, NEW_SESSION_TICKET) => {
                if let Some(kernel) = self.tickets.as_mut() {
                    if let Err(e) = kernel.handle_new_session_ticket(body) {
                        tracing::debug!(error = %e, "TLS session ticket not kept");
                    }
                }
                Ok(())
            }
            (Version::Tls13, KEY_UPDATE) => {
                let requested = match body {
                    [0] => false,
                    [1] => true,
                    _ => return Err(RecordError::Unexpected("a malformed key update")),
                };
                let alg = self.hkdf.ok_or(RecordError::KeyUpdateUnsupported)?;
                self.rx = self.rx.next(alg, self.cipher)?;
                if requested {
                    self.update_tx(out)?;
                }
                Ok(())
            }
            (Version::Tls12, HELLO_REQUEST) => Ok(()),
            _ => Err(RecordError::Unexpected("a handshake message")),
        }
    }
}

fn header(typ: u8, len: usize) -> Result<[u8; HEADER], RecordError> {
    let len = u16::try_from(len).map_err(|_| RecordError::Crypto)?;
    let [hi, lo] = len.to_be_bytes();
    Ok([typ, 3, 3, hi, lo])
}

/// TLS 1.2's additional data: record number, type, version, plaintext length (RFC 5246 6.2.3.3).
fn tls12_aad(seq: u64, typ: u8, len: usize) -> Result<[u8; 13], RecordError> {
    let mut aad = [0u8; 13];
    aad[..8].copy_from_slice(&seq.to_be_bytes());
    aad[8..11].copy_from_slice(&[typ, 3, 3]);
    let len = u16::try_from(len).map_err(|_| RecordError::Oversized)?;
    aad[11..].copy_from_slice(&len.to_be_bytes());
    Ok(aad)
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
