//! A network cable between a client and a server that a test can pull out: a TCP relay on
//! 127.0.0.1 that forwards to the real server while plugged in, and while unplugged cuts every
//! open connection and closes new ones at once, as a dead network does.
//!
//! Like a reverse proxy in front of a homeserver that is not its public address, it does not
//! pass on `/.well-known/matrix/client` (which would send clients around it): it answers 404.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::Error;

pub struct Cable {
    address: SocketAddr,
    plugged: Arc<AtomicBool>,
    /// Bumped on every unplug; relays started before it end.
    generation: watch::Sender<u64>,
    relays: Arc<AtomicU64>,
    accept: tokio::task::JoinHandle<()>,
}

impl Cable {
    /// Starts relaying to `target` (`http://127.0.0.1:port`), plugged in.
    pub async fn to(target: &str) -> Result<Cable, Error> {
        let target = url::Url::parse(target)?;
        let upstream = format!(
            "{}:{}",
            target.host_str().ok_or("no host")?,
            target.port_or_known_default().ok_or("no port")?
        );
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let plugged = Arc::new(AtomicBool::new(true));
        let (generation, _) = watch::channel(0u64);
        let relays = Arc::new(AtomicU64::new(0));
        let accept = tokio::spawn({
            let plugged = plugged.clone();
            let generation = generation.clone();
            let relays = relays.clone();
            async move {
                while let Ok((client, _)) = listener.accept().await {
                    if !plugged.load(Ordering::SeqCst) {
                        // Closed at once: the client sees a failed request, not a hang.
                        drop(client);
                        continue;
                    }
                    relays.fetch_add(1, Ordering::Relaxed);
                    let mut cut = generation.subscribe();
                    let upstream = upstream.clone();
                    tokio::spawn(async move {
                        if asks_for_well_known(&client).await {
                            not_found(client).await;
                            return;
                        }
                        let Ok(server) = TcpStream::connect(&upstream).await else {
                            return;
                        };
                        let (mut client, mut server) = (client, server);
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = cut.changed() => {}
                        }
                    });
                }
            }
        });
        Ok(Cable {
            address,
            plugged,
            generation,
            relays,
            accept,
        })
    }

    /// The URL a client uses to reach the server through this cable.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Cuts every open connection and refuses new ones until [`Cable::plug`].
    pub fn unplug(&self) {
        self.plugged.store(false, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    pub fn plug(&self) {
        self.plugged.store(true, Ordering::SeqCst);
    }

    /// How many connections the cable has carried so far.
    pub fn connections(&self) -> u64 {
        self.relays.load(Ordering::Relaxed)
    }
}

/// Whether the first request on `client` is for the client well-known document.
async fn asks_for_well_known(client: &TcpStream) -> bool {
    let mut start = [0u8; 64];
    let line = b"GET /.well-known/matrix/client";
    loop {
        match client.peek(&mut start).await {
            Ok(n) if n >= line.len() || n == 0 => return start[..n].starts_with(line),
            Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(5)).await,
            Err(_) => return false,
        }
    }
}

async fn not_found(mut client: TcpStream) {
    use tokio::io::AsyncWriteExt;
    let _ = client
        .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .await;
    let _ = client.shutdown().await;
}

impl Drop for Cable {
    fn drop(&mut self) {
        self.accept.abort();
        self.unplug();
    }
}
