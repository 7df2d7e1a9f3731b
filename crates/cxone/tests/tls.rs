//! The HTTP client speaks TLS: an `https` address gets a TLS ClientHello, not a panic for want of a
//! crypto provider.

use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

#[tokio::test]
async fn an_https_address_gets_a_tls_client_hello() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = [0u8; 6];
        socket.read_exact(&mut head).await.unwrap();
        // Closing the socket ends the handshake: the client gets an error, which is expected.
        head
    });
    let http = cxone::client_builder().build().unwrap();
    let answer = http.get(format!("https://127.0.0.1:{port}/")).send().await;
    assert!(answer.is_err(), "no TLS server here, yet {answer:?}");
    let head = server.await.unwrap();
    // A TLS record of type handshake (22), version 3.x, whose first message is a ClientHello (1).
    assert_eq!(head[0], 22, "{head:?}");
    assert_eq!(head[1], 3, "{head:?}");
    assert_eq!(head[5], 1, "{head:?}");
}
