//! A TCP proxy the tests put between the server and PostgreSQL, to cause a database outage for
//! real without touching the shared database: `Cut` drops every connection and refuses new ones
//! (the database is down), `Hold` stops forwarding in both directions while keeping the sockets
//! open (a network partition: nothing answers), `Open` forwards again.

use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does with traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Open,
    Cut,
    Hold,
}

/// A running proxy; stops (closing every socket) when dropped.
pub struct Proxy {
    pub port: u16,
    mode: watch::Sender<Mode>,
    _rt: tokio::runtime::Runtime,
}

impl Proxy {
    /// A proxy to `upstream` (`None`: a black hole that accepts and never answers).
    pub fn start(upstream: Option<SocketAddr>, mode: Mode) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let (tx, rx) = watch::channel(mode);
        rt.spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                if *rx.borrow() == Mode::Cut {
                    drop(client);
                    continue;
                }
                tokio::spawn(pipe(client, upstream, rx.clone()));
            }
        });
        Self {
            port,
            mode: tx,
            _rt: rt,
        }
    }

    /// Switches the mode; existing connections follow at once.
    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

/// Waits while the mode is `Hold`; false once it is `Cut`.
async fn until_not_held(mode: &mut watch::Receiver<Mode>) -> bool {
    loop {
        let now = *mode.borrow_and_update();
        match now {
            Mode::Open => return true,
            Mode::Cut => return false,
            Mode::Hold => {
                if mode.changed().await.is_err() {
                    return false;
                }
            }
        }
    }
}

async fn pipe(
    mut client: TcpStream,
    upstream: Option<SocketAddr>,
    mut mode: watch::Receiver<Mode>,
) {
    if !until_not_held(&mut mode).await {
        return;
    }
    let Some(addr) = upstream else {
        // A black hole: hold the connection until the proxy goes away.
        std::future::pending::<()>().await;
        return;
    };
    let Ok(mut server) = TcpStream::connect(addr).await else {
        return;
    };
    let (mut from_client, mut to_client) = client.split();
    let (mut from_server, mut to_server) = server.split();
    let (mut up, mut down) = ([0u8; 8192], [0u8; 8192]);
    loop {
        if !until_not_held(&mut mode).await {
            return;
        }
        tokio::select! {
            read = from_client.read(&mut up) => match read {
                Ok(n) if n > 0 => {
                    if to_server.write_all(&up[..n]).await.is_err() {
                        return;
                    }
                }
                _ => return,
            },
            read = from_server.read(&mut down) => match read {
                Ok(n) if n > 0 => {
                    if to_client.write_all(&down[..n]).await.is_err() {
                        return;
                    }
                }
                _ => return,
            },
            _ = mode.changed() => {}
        }
    }
}
