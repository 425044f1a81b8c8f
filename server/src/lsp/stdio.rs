//! Stdin and stdout for the runtime.
//!
//! tokio's own `stdin()`/`stdout()` hand every read and write to its blocking pool, so each
//! message crossed several threads and woke the pool's shared queue; on a keystroke that cost
//! more than our parsing and checking together. Editors connect a language server through pipes
//! or (libuv: VS Code, Neovim) socket pairs, and both can be polled: the runtime's own thread
//! then reads and writes them, non-blocking, with no other thread involved. Anything else (a
//! terminal, a file, any stream off Unix) is served by a plain reader thread and a plain writer
//! thread, each talking to the runtime through one bounded channel; the writer coalesces what is
//! queued into one write.

use bytes::Bytes;
use futures::SinkExt;
use std::io::{self, Read, Write};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_util::io::{CopyToBytes, SinkWriter, StreamReader};
use tokio_util::sync::PollSender;

/// Chunks in flight in each direction before the producer waits.
const QUEUE: usize = 64;
const READ_CHUNK: usize = 1 << 16;

pub type Input = Box<dyn AsyncRead + Unpin + Send>;
pub type Output = Box<dyn AsyncWrite + Unpin + Send>;

#[cfg(unix)]
mod polled {
    use std::io;
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;

    /// Our own handles on fds 0 and 1: raw files, so no std line buffering splits a message.
    pub fn stdin() -> io::Result<std::fs::File> {
        Ok(std::fs::File::from(io::stdin().as_fd().try_clone_to_owned()?))
    }

    pub fn stdout() -> io::Result<std::fs::File> {
        Ok(std::fs::File::from(io::stdout().as_fd().try_clone_to_owned()?))
    }

    /// How a standard stream can be served.
    pub enum Kind {
        Pipe,
        Socket,
        Other,
    }

    pub fn kind(file: &std::fs::File) -> Kind {
        match file.metadata().map(|m| m.file_type()) {
            Ok(t) if t.is_fifo() => Kind::Pipe,
            Ok(t) if t.is_socket() => Kind::Socket,
            _ => Kind::Other,
        }
    }

    /// A socket's file as a tokio stream. The socket is switched to non-blocking mode, which
    /// its peer (the editor's end) does not see.
    pub fn socket(file: std::fs::File) -> io::Result<tokio::net::UnixStream> {
        let stream = std::os::unix::net::UnixStream::from(std::os::fd::OwnedFd::from(file));
        stream.set_nonblocking(true)?;
        tokio::net::UnixStream::from_std(stream)
    }
}

/// Stdin as an `AsyncRead`. Call inside the runtime (a pipe or socket registers with it).
#[cfg(unix)]
pub fn input() -> io::Result<Input> {
    use polled::Kind;
    let stdin = polled::stdin()?;
    Ok(match polled::kind(&stdin) {
        Kind::Pipe => Box::new(tokio::net::unix::pipe::Receiver::from_file(stdin)?),
        Kind::Socket => Box::new(polled::socket(stdin)?),
        Kind::Other => Box::new(input_thread(stdin)?),
    })
}

/// Stdin as an `AsyncRead`, read by a thread.
#[cfg(not(unix))]
pub fn input() -> io::Result<Input> {
    Ok(Box::new(input_thread(io::stdin())?))
}

/// Stdout as an `AsyncWrite`, and when it has all been written. Call inside the runtime.
#[cfg(unix)]
pub fn output() -> io::Result<(Output, Flushed)> {
    use polled::Kind;
    let stdout = polled::stdout()?;
    Ok(match polled::kind(&stdout) {
        Kind::Pipe => (
            Box::new(tokio::net::unix::pipe::Sender::from_file(stdout)?),
            Flushed(None),
        ),
        Kind::Socket => (Box::new(polled::socket(stdout)?), Flushed(None)),
        Kind::Other => {
            let (writer, flushed) = output_thread(stdout)?;
            (Box::new(writer), flushed)
        }
    })
}

/// Stdout as an `AsyncWrite`, written by a thread, and when it has all been written.
#[cfg(not(unix))]
pub fn output() -> io::Result<(Output, Flushed)> {
    let (writer, flushed) = output_thread(io::stdout())?;
    Ok((Box::new(writer), flushed))
}

/// The reader thread ends at end of input or on a read error, which the runtime then sees as
/// end of input (after an error is logged).
fn input_thread(mut stdin: impl Read + Send + 'static) -> io::Result<impl AsyncRead + Unpin + Send + 'static> {
    let (tx, mut rx) = mpsc::channel::<io::Result<Bytes>>(QUEUE);
    std::thread::Builder::new().name("stdin".into()).spawn(move || {
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let chunk = Bytes::copy_from_slice(buf.get(..n).unwrap_or_default());
                    if tx.blocking_send(Ok(chunk)).is_err() {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
            }
        }
    })?;
    Ok(StreamReader::new(futures::stream::poll_fn(move |cx| rx.poll_recv(cx))))
}

/// Waits (boundedly) for a writer thread to have written everything sent to it; nothing to
/// wait for when the runtime writes itself.
pub struct Flushed(Option<std_mpsc::Receiver<()>>);

impl Flushed {
    /// After the runtime is done with the output. A client that stopped reading must not keep
    /// us alive, hence the limit.
    pub fn wait(self, limit: Duration) {
        if let Some(done) = self.0 {
            let _ = done.recv_timeout(limit);
        }
    }
}

fn output_thread(
    mut stdout: impl Write + Send + 'static,
) -> io::Result<(impl AsyncWrite + Unpin + Send + 'static, Flushed)> {
    let (tx, mut rx) = mpsc::channel::<Bytes>(QUEUE);
    let (done_tx, done_rx) = std_mpsc::channel();
    std::thread::Builder::new().name("stdout".into()).spawn(move || {
        let mut pending = Vec::new();
        while let Some(chunk) = rx.blocking_recv() {
            pending.extend_from_slice(&chunk);
            while let Ok(more) = rx.try_recv() {
                pending.extend_from_slice(&more);
            }
            if let Err(e) = stdout.write_all(&pending).and_then(|()| stdout.flush()) {
                tracing::error!("cannot write to stdout: {e}");
                break;
            }
            pending.clear();
        }
        let _ = done_tx.send(());
    })?;
    let sink = PollSender::new(tx).sink_map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe));
    Ok((SinkWriter::new(CopyToBytes::new(sink)), Flushed(Some(done_rx))))
}
