//! The framing against raw frames written by hand (over an in-memory pipe), and our frames
//! read back the way a server reads them.

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

use super::*;

/// A server frame (unmasked).
fn server_frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![if fin { 0x80 } else { 0 } | opcode];
    match payload.len() {
        n if n < 126 => f.push(n as u8),
        n if n <= 0xffff => {
            f.push(126);
            f.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            f.push(127);
            f.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    f.extend_from_slice(payload);
    f
}

/// Reads one client frame as a server does: (fin, opcode, unmasked payload).
async fn read_client_frame(s: &mut DuplexStream) -> (bool, u8, Vec<u8>) {
    let mut h = [0u8; 2];
    s.read_exact(&mut h).await.unwrap();
    assert!(h[1] & 0x80 != 0, "client frames must be masked");
    let len = match h[1] & 0x7f {
        126 => u64::from(s.read_u16().await.unwrap()),
        127 => s.read_u64().await.unwrap(),
        n => u64::from(n),
    };
    let mut mask = [0u8; 4];
    s.read_exact(&mut mask).await.unwrap();
    let mut payload = vec![0u8; len as usize];
    s.read_exact(&mut payload).await.unwrap();
    for (i, b) in payload.iter_mut().enumerate() {
        *b ^= mask[i & 3];
    }
    (h[0] & 0x80 != 0, h[0] & 0x0f, payload)
}

fn pair() -> (WsStream<DuplexStream>, DuplexStream) {
    let (ours, theirs) = tokio::io::duplex(1 << 20);
    (WsStream::new(ours, Vec::new()), theirs)
}

fn assert_idle(s: &WsStream<DuplexStream>) {
    assert_eq!(s.held.capacity(), 0, "read buffer held");
    assert_eq!(s.out.capacity(), 0, "write buffer held");
}

/// A message in three frames with a ping among them, every byte arriving on its own: the
/// payload comes through whole and in order, the ping is answered with its payload.
#[tokio::test]
async fn fragments_pings_and_bytes_one_at_a_time() {
    let (mut ws, mut server) = pair();
    let mut wire = server_frame(false, OP_BINARY, b"hel");
    wire.extend(server_frame(true, OP_PING, b"are you there"));
    wire.extend(server_frame(false, OP_CONTINUATION, b""));
    wire.extend(server_frame(true, OP_CONTINUATION, b"lo"));
    wire.extend(server_frame(true, OP_BINARY, &[7u8; 300]));
    let writer = tokio::spawn(async move {
        for b in wire {
            server.write_all(&[b]).await.unwrap();
            tokio::task::yield_now().await;
        }
        server
    });
    let mut got = vec![0u8; 5 + 300];
    ws.read_exact(&mut got).await.unwrap();
    assert_eq!(&got[..5], b"hello");
    assert!(got[5..].iter().all(|b| *b == 7));
    let mut server = writer.await.unwrap();
    ws.flush().await.unwrap();
    assert_eq!(
        read_client_frame(&mut server).await,
        (true, OP_PONG, b"are you there".to_vec())
    );
    assert_idle(&ws);
}

/// A large frame (64-bit length) read through a small buffer, as an idle session reads.
#[tokio::test]
async fn large_frame_through_small_reads() {
    let (mut ws, mut server) = pair();
    let payload: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    let frame = server_frame(true, OP_BINARY, &payload);
    server.write_all(&frame).await.unwrap();
    let mut got = Vec::new();
    let mut small = [0u8; 32];
    while got.len() < payload.len() {
        let n = ws.read(&mut small).await.unwrap();
        assert!(n > 0);
        got.extend_from_slice(&small[..n]);
    }
    assert!(got == payload);
    assert_idle(&ws);
}

/// Writes small and large: binary frames, masked, none over the frame limit, bytes in order.
#[tokio::test]
async fn writes_become_masked_binary_frames() {
    let (mut ws, mut server) = pair();
    let big: Vec<u8> = (0..600_000u32).map(|i| (i % 249) as u8).collect();
    let expected = [&b"tiny"[..], &big].concat();
    let reader = tokio::spawn(async move {
        let mut got = Vec::new();
        while got.len() < expected.len() {
            let (fin, opcode, payload) = read_client_frame(&mut server).await;
            assert!(fin);
            assert_eq!(opcode, OP_BINARY);
            assert!(payload.len() <= MAX_FRAME_OUT);
            got.extend(payload);
        }
        assert!(got == expected);
    });
    ws.write_all(b"tiny").await.unwrap();
    ws.write_all(&big).await.unwrap();
    ws.flush().await.unwrap();
    reader.await.unwrap();
    assert_idle(&ws);
}

/// The broker's close: end of file after the data before it, answered with its status code.
#[tokio::test]
async fn close_from_the_broker_is_answered_and_ends_the_reads() {
    let (mut ws, mut server) = pair();
    let mut wire = server_frame(true, OP_BINARY, b"bye");
    wire.extend(server_frame(true, OP_CLOSE, &1001u16.to_be_bytes()));
    server.write_all(&wire).await.unwrap();
    let mut got = Vec::new();
    ws.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"bye");
    ws.flush().await.unwrap();
    assert_eq!(
        read_client_frame(&mut server).await,
        (true, OP_CLOSE, 1001u16.to_be_bytes().to_vec())
    );
    assert!(ws.write(b"more").await.is_err());
}

#[tokio::test]
async fn our_close_goes_out_on_shutdown() {
    let (mut ws, mut server) = pair();
    ws.shutdown().await.unwrap();
    assert_eq!(
        read_client_frame(&mut server).await,
        (true, OP_CLOSE, 1000u16.to_be_bytes().to_vec())
    );
}

#[tokio::test]
async fn end_of_file_without_close_is_an_error() {
    let (mut ws, mut server) = pair();
    server
        .write_all(&server_frame(true, OP_BINARY, b"x"))
        .await
        .unwrap();
    drop(server);
    let mut one = [0u8; 1];
    ws.read_exact(&mut one).await.unwrap();
    let e = ws.read(&mut one).await.unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof, "{e}");
}

#[tokio::test]
async fn frames_a_client_must_refuse() {
    let masked = {
        let mut f = server_frame(true, OP_BINARY, b"");
        f[1] |= 0x80;
        f.extend_from_slice(&[1, 2, 3, 4]);
        f
    };
    let mut long_ping = server_frame(true, OP_PING, &[0u8; 126]);
    long_ping.truncate(8);
    let cases: [(&str, Vec<u8>); 5] = [
        ("text", server_frame(true, OP_TEXT, b"hi")),
        ("masked", masked),
        ("continuation", server_frame(true, OP_CONTINUATION, b"x")),
        ("reserved", server_frame(true, OP_BINARY | 0x40, b"x")),
        ("control", long_ping),
    ];
    for (name, wire) in cases {
        let (mut ws, mut server) = pair();
        server.write_all(&wire).await.unwrap();
        let e = ws.read(&mut [0u8; 8]).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{name}: {e}");
    }
}
