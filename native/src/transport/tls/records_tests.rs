//! The record layer against itself (a client and its mirror image) and byte by byte where the
//! RFCs fix the bytes; against rustls's own server in `stream_tests.rs`.

use super::*;

fn secret(byte: u8, len: usize) -> Secret {
    Secret::new(&vec![byte; len]).unwrap()
}

/// A TLS 1.3 client and the server it talks to, from two traffic secrets.
fn tls13_pair(cipher: Cipher, limit: u64) -> (Records, Records) {
    let alg = hkdf::HKDF_SHA384;
    let keys = |b: u8| Keys::derive(alg, cipher, secret(b, 48)).unwrap();
    let side = |tx: Keys, rx: Keys| Records {
        version: Version::Tls13,
        cipher,
        hkdf: Some(alg),
        limit,
        tx,
        rx,
        partial: Vec::new(),
        tickets: None,
    };
    (side(keys(1), keys(2)), side(keys(2), keys(1)))
}

fn tls12_pair(cipher: Cipher) -> (Records, Records) {
    let keys = |b: u8| Keys::new(&vec![b; cipher.key_len()], &[b.wrapping_add(7); 12], 0).unwrap();
    let side = |tx: Keys, rx: Keys| Records {
        version: Version::Tls12,
        cipher,
        hkdf: None,
        limit: 1 << 24,
        tx,
        rx,
        partial: Vec::new(),
        tickets: None,
    };
    (side(keys(1), keys(2)), side(keys(2), keys(1)))
}

/// Every record in `wire`, opened by `to`: the data read, closed or not; replies to `replies`.
fn read_all(to: &mut Records, wire: &mut [u8], replies: &mut Vec<u8>) -> (Vec<u8>, bool) {
    let mut data = Vec::new();
    let mut closed = false;
    let mut at = 0;
    while at < wire.len() {
        let len = HEADER + usize::from(u16::from_be_bytes([wire[at + 3], wire[at + 4]]));
        match to.open(&mut wire[at..at + len], replies).unwrap() {
            Opened::Data(d) => data.extend_from_slice(d),
            Opened::Closed => closed = true,
            Opened::Nothing => {}
        }
        at += len;
    }
    (data, closed)
}

#[test]
fn each_cipher_both_versions_round_trip() {
    let pairs = [
        tls13_pair(Cipher::Aes128Gcm, 1 << 24),
        tls13_pair(Cipher::Aes256Gcm, 1 << 24),
        tls13_pair(Cipher::Chacha20Poly1305, u64::MAX),
        tls12_pair(Cipher::Aes128Gcm),
        tls12_pair(Cipher::Aes256Gcm),
        tls12_pair(Cipher::Chacha20Poly1305),
    ];
    for (mut client, mut server) in pairs {
        let sent: Vec<u8> = (0..40_000u32).map(|i| (i % 253) as u8).collect();
        let mut wire = Vec::new();
        client.seal(&sent, &mut wire).unwrap();
        client.seal(b"", &mut wire).unwrap();
        client.seal_close_notify(&mut wire).unwrap();
        // nothing to send makes no record
        assert_eq!(
            client.tx.seq, 4,
            "three records of 16 KiB at most, the alert"
        );
        let mut replies = Vec::new();
        let (got, closed) = read_all(&mut server, &mut wire, &mut replies);
        assert!(
            got == sent && closed && replies.is_empty(),
            "{:?}",
            client.cipher
        );
    }
}

#[test]
fn tls13_record_layout() {
    let (mut client, _) = tls13_pair(Cipher::Aes256Gcm, 1 << 24);
    let mut wire = Vec::new();
    client.seal(b"abc", &mut wire).unwrap();
    // an application_data record of the data, its content type and a 16-byte tag
    assert_eq!(&wire[..HEADER], &[23, 3, 3, 0, 3 + 1 + 16]);
    assert_eq!(wire.len(), HEADER + 20);
}

#[test]
fn tls12_gcm_sends_the_nonce_it_used() {
    let (mut client, _) = tls12_pair(Cipher::Aes128Gcm);
    client.tx.seq = 0x0102;
    let mut wire = Vec::new();
    client.seal(b"abc", &mut wire).unwrap();
    assert_eq!(&wire[..HEADER], &[23, 3, 3, 0, 8 + 3 + 16]);
    // the IV's last 8 bytes with the record number mixed in (RFC 5288 as rustls does it)
    let mut explicit = [8u8; 8];
    explicit[6] ^= 0x01;
    explicit[7] ^= 0x02;
    assert_eq!(&wire[HEADER..HEADER + 8], &explicit);
}

#[test]
fn a_changed_byte_fails_the_record() {
    for (mut client, mut server) in [
        tls13_pair(Cipher::Aes256Gcm, 1 << 24),
        tls12_pair(Cipher::Aes256Gcm),
    ] {
        let mut wire = Vec::new();
        client.seal(b"PUBLISH", &mut wire).unwrap();
        let last = wire.len() - 1;
        wire[last] ^= 1;
        let err = server.open(&mut wire, &mut Vec::new()).unwrap_err();
        assert!(matches!(err, RecordError::Decrypt), "{err}");
    }
}

/// The broker is told why: a record that fails is answered with bad_record_mac.
#[test]
fn a_failed_record_is_answered_with_its_alert() {
    let (mut client, mut server) = tls13_pair(Cipher::Aes256Gcm, 1 << 24);
    let mut wire = Vec::new();
    server.seal(b"CONNACK", &mut wire).unwrap();
    wire[HEADER] ^= 1;
    let err = client.open(&mut wire, &mut Vec::new()).unwrap_err();
    let mut answer = Vec::new();
    client.seal_fatal_alert(&err, &mut answer);
    assert!(matches!(
        server.open(&mut answer, &mut Vec::new()),
        Err(RecordError::Alert(AlertDescription::BadRecordMac))
    ));
    // and none for the broker's own alert
    let mut none = Vec::new();
    client.seal_fatal_alert(
        &RecordError::Alert(AlertDescription::HandshakeFailure),
        &mut none,
    );
    assert!(none.is_empty());
}

#[test]
fn records_out_of_order_fail() {
    let (mut client, mut server) = tls13_pair(Cipher::Aes128Gcm, 1 << 24);
    let (mut first, mut second) = (Vec::new(), Vec::new());
    client.seal(b"one", &mut first).unwrap();
    client.seal(b"two", &mut second).unwrap();
    assert!(matches!(
        server.open(&mut second, &mut Vec::new()),
        Err(RecordError::Decrypt)
    ));
}

#[test]
fn keys_are_updated_before_the_limit_and_the_peer_follows() {
    let (mut client, mut server) = tls13_pair(Cipher::Aes256Gcm, 4);
    let first_key = client.tx.key;
    let mut wire = Vec::new();
    for i in 0..10u8 {
        client.seal(&[i; 10], &mut wire).unwrap();
    }
    assert!(client.tx.seq < 4 && client.tx.key != first_key);
    let mut replies = Vec::new();
    let (got, _) = read_all(&mut server, &mut wire, &mut replies);
    assert_eq!(got, (0..10u8).flat_map(|i| [i; 10]).collect::<Vec<_>>());
    assert!(
        replies.is_empty(),
        "an update not requested is not answered"
    );
    assert_eq!(server.rx.key, client.tx.key);
}

#[test]
fn a_requested_key_update_is_answered() {
    let (mut client, mut server) = tls13_pair(Cipher::Chacha20Poly1305, u64::MAX);
    // the server updates its keys and asks the client to update its own
    let alg = server.hkdf.unwrap();
    let next = server.tx.next(alg, server.cipher).unwrap();
    let mut wire = Vec::new();
    server
        .protect(HANDSHAKE, &[KEY_UPDATE, 0, 0, 1, 1], &mut wire)
        .unwrap();
    server.tx = next;
    server.seal(b"rekeyed", &mut wire).unwrap();
    let mut replies = Vec::new();
    let (got, _) = read_all(&mut client, &mut wire, &mut replies);
    assert_eq!(got, b"rekeyed");
    assert_eq!(
        replies.len(),
        HEADER + 5 + 1 + TAG,
        "the client's own key update"
    );
    client.seal(b"after", &mut replies).unwrap();
    let (got, _) = read_all(&mut server, &mut replies, &mut Vec::new());
    assert_eq!(got, b"after");
}

#[test]
fn a_key_update_without_the_secret_is_a_clear_error() {
    let (mut client, mut server) = tls13_pair(Cipher::Aes256Gcm, 1 << 24);
    client.rx.secret = None;
    let mut wire = Vec::new();
    server
        .protect(HANDSHAKE, &[KEY_UPDATE, 0, 0, 1, 0], &mut wire)
        .unwrap();
    let err = client.open(&mut wire, &mut Vec::new()).unwrap_err();
    assert!(matches!(err, RecordError::KeyUpdateUnsupported), "{err}");
}

#[test]
fn tls12_stops_at_the_limit() {
    let (mut client, _) = tls12_pair(Cipher::Aes128Gcm);
    client.tx.seq = (1 << 24) - 1;
    let err = client.seal(b"x", &mut Vec::new()).unwrap_err();
    assert!(matches!(err, RecordError::KeysExhausted), "{err}");
}

#[test]
fn padding_is_not_data() {
    let (_, mut server) = tls13_pair(Cipher::Aes128Gcm, 1 << 24);
    let (mut client, _) = tls13_pair(Cipher::Aes128Gcm, 1 << 24);
    // "hi", its content type, then three bytes of padding (RFC 8446 5.4)
    let mut wire = Vec::new();
    client
        .protect(0, &[b'h', b'i', APPLICATION_DATA, 0, 0], &mut wire)
        .unwrap();
    let (got, _) = read_all(&mut server, &mut wire, &mut Vec::new());
    assert_eq!(got, b"hi");
}

#[test]
fn alerts() {
    let (mut client, mut server) = tls13_pair(Cipher::Aes128Gcm, 1 << 24);
    let mut wire = Vec::new();
    server.protect(ALERT, &[2, 40], &mut wire).unwrap();
    let err = client.open(&mut wire, &mut Vec::new()).unwrap_err();
    assert!(
        matches!(err, RecordError::Alert(AlertDescription::HandshakeFailure)),
        "{err}"
    );
    let mut wire = Vec::new();
    server
        .protect(ALERT, &[1, USER_CANCELED], &mut wire)
        .unwrap();
    assert!(matches!(
        client.open(&mut wire, &mut Vec::new()),
        Ok(Opened::Nothing)
    ));

    let (mut client, mut server) = tls12_pair(Cipher::Aes256Gcm);
    let mut wire = Vec::new();
    server.protect(ALERT, &[WARNING, 100], &mut wire).unwrap();
    assert!(matches!(
        client.open(&mut wire, &mut Vec::new()),
        Ok(Opened::Nothing)
    ));
    let mut wire = Vec::new();
    server.protect(ALERT, &[2, 20], &mut wire).unwrap();
    assert!(matches!(
        client.open(&mut wire, &mut Vec::new()),
        Err(RecordError::Alert(AlertDescription::BadRecordMac))
    ));
}

#[test]
fn handshake_messages_in_pieces_and_several_in_one_record() {
    let (mut client, mut server) = tls13_pair(Cipher::Aes256Gcm, 1 << 24);
    // two tickets (no ticket store here: they are let go), the first split across two records
    let ticket = |n: u8| {
        let mut m = vec![NEW_SESSION_TICKET, 0, 0, 20];
        m.extend_from_slice(&[n; 20]);
        m
    };
    let (one, two) = (ticket(1), ticket(2));
    let mut wire = Vec::new();
    server.protect(HANDSHAKE, &one[..7], &mut wire).unwrap();
    let mut rest = one[7..].to_vec();
    rest.extend_from_slice(&two);
    server.protect(HANDSHAKE, &rest, &mut wire).unwrap();
    server.seal(b"CONNACK", &mut wire).unwrap();
    let (got, _) = read_all(&mut client, &mut wire, &mut Vec::new());
    assert_eq!(got, b"CONNACK");
    assert_eq!(client.partial.capacity(), 0, "nothing held once whole");
}

#[test]
fn unexpected_messages_and_records() {
    let (mut client, mut server) = tls13_pair(Cipher::Aes256Gcm, 1 << 24);
    let mut wire = Vec::new();
    server.protect(HANDSHAKE, &[2, 0, 0, 0], &mut wire).unwrap();
    assert!(matches!(
        client.open(&mut wire, &mut Vec::new()),
        Err(RecordError::Unexpected(_))
    ));
    let mut ccs = [20, 3, 3, 0, 1, 1];
    assert!(matches!(
        client.open(&mut ccs, &mut Vec::new()),
        Err(RecordError::Unexpected(_))
    ));
    let mut big = vec![0u8; HEADER + MAX_PLAIN + 257];
    big[..HEADER].copy_from_slice(&[23, 3, 3, 0x41, 0x01]);
    assert!(matches!(
        client.open(&mut big, &mut Vec::new()),
        Err(RecordError::Oversized)
    ));

    // TLS 1.2: a renegotiation request is ignored
    let (mut client, mut server) = tls12_pair(Cipher::Chacha20Poly1305);
    let mut wire = Vec::new();
    server
        .protect(HANDSHAKE, &[HELLO_REQUEST, 0, 0, 0], &mut wire)
        .unwrap();
    server.seal(b"ok", &mut wire).unwrap();
    let (got, _) = read_all(&mut client, &mut wire, &mut Vec::new());
    assert_eq!(got, b"ok");
}

/// This thread's cached expanded key belongs to one connection's key only: connections taking
/// turns on one thread, and a key update, each get their own.
#[test]
fn connections_taking_turns_on_a_thread_use_their_own_keys() {
    let (mut a_client, mut a_server) = tls13_pair(Cipher::Aes256Gcm, 3);
    let (mut b_client, mut b_server) = tls12_pair(Cipher::Aes256Gcm);
    b_client.tx.key[0] ^= 0x55;
    b_server.rx.key[0] ^= 0x55;
    b_client.tx.id = NEXT_KEY_ID.fetch_add(1, Ordering::Relaxed);
    b_server.rx.id = NEXT_KEY_ID.fetch_add(1, Ordering::Relaxed);
    for i in 0..6u8 {
        for (client, server) in [
            (&mut a_client, &mut a_server),
            (&mut b_client, &mut b_server),
        ] {
            let mut wire = Vec::new();
            client.seal(&[i; 3], &mut wire).unwrap();
            let (got, _) = read_all(server, &mut wire, &mut Vec::new());
            assert_eq!(got, [i; 3]);
        }
    }
}

mod arbitrary {
    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any bytes as a record (any type, any length up to the limit): an error or a record,
        /// never a panic.
        #[test]
        fn any_bytes_as_a_record(typ in any::<u8>(), body in vec(any::<u8>(), 0..400), tls13 in any::<bool>()) {
            let (mut client, _) = if tls13 {
                tls13_pair(Cipher::Aes256Gcm, 1 << 24)
            } else {
                tls12_pair(Cipher::Aes128Gcm)
            };
            let mut record = vec![typ, 3, 3];
            record.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
            record.extend_from_slice(&body);
            let _ = client.open(&mut record, &mut Vec::new());
        }

        /// Any handshake bytes, well protected, in any pieces: never a panic, and data after them
        /// still reads when they were only tickets.
        #[test]
        fn any_handshake_bytes_in_any_pieces(bytes in vec(any::<u8>(), 0..300), cuts in vec(1usize..60, 0..6)) {
            let (mut client, mut server) = tls13_pair(Cipher::Aes128Gcm, 1 << 24);
            let mut wire = Vec::new();
            let mut rest = &bytes[..];
            for cut in cuts {
                let (piece, after) = rest.split_at(cut.min(rest.len()));
                server.protect(HANDSHAKE, piece, &mut wire).unwrap();
                rest = after;
            }
            server.protect(HANDSHAKE, rest, &mut wire).unwrap();
            let mut at = 0;
            while at < wire.len() {
                let len = HEADER + usize::from(u16::from_be_bytes([wire[at + 3], wire[at + 4]]));
                if client.open(&mut wire[at..at + len], &mut Vec::new()).is_err() {
                    return Ok(());
                }
                at += len;
            }
        }
    }
}
