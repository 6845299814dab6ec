//! Streaming an export into an HTTP body: the export runs on a blocking thread and writes into a
//! [`ChannelWriter`], which sends chunks of [`CHUNK`] bytes through a bounded channel to a
//! [`ChunkStream`] the response body reads. At most `CHANNEL_CHUNKS` chunks wait, so memory
//! stays bounded whatever the size of the export; a client that goes away closes the channel and
//! the export stops with an error at its next write.
//!
//! A `ChannelWriter` blocks when the channel is full: use it on a blocking thread only
//! (`spawn_blocking`), and drop it there.

use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Bytes;
use tokio::sync::mpsc;

/// Bytes per chunk sent to the body.
pub const CHUNK: usize = 64 * 1024;
/// Chunks waiting in the channel at most.
pub const CHANNEL_CHUNKS: usize = 8;

/// The sending half: a `Write` for the blocking export thread.
pub struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

/// The receiving half: a `Stream` of chunks for `axum::body::Body::from_stream`.
pub struct ChunkStream {
    rx: mpsc::Receiver<io::Result<Bytes>>,
}

pub fn channel() -> (ChannelWriter, ChunkStream) {
    let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
    (
        ChannelWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
        },
        ChunkStream { rx },
    )
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }

    /// End the body with an error, so the client sees a broken download rather than a short one.
    pub fn fail(mut self, message: String) {
        self.buf.clear();
        let _ = self.tx.blocking_send(Err(io::Error::other(message)));
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = CHUNK - self.buf.len();
        let n = data.len().min(room);
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

impl Drop for ChannelWriter {
    fn drop(&mut self) {
        let _ = self.send();
    }
}

impl futures_core::Stream for ChunkStream {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}
