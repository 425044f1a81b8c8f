//! A guard in front of tower-lsp-server's reader. Its framed reader stops reading for good after
//! one undecodable message (the stream ends on the first decode error), so a single malformed
//! message would leave the server deaf. We read the frames ourselves and pass well-formed ones
//! through untouched; a malformed one is replaced by a request to [`MALFORMED`] with a `null` id,
//! which the server answers with the JSON-RPC error the client is owed (`-32700` parse error or
//! `-32600` invalid request, `id: null`).

use serde::Deserialize;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

/// The internal method that answers malformed input.
pub const MALFORMED: &str = "$/iamPolicyLs/malformedMessage";

/// Refuses bodies larger than this (1 GiB): a corrupt header must not make us allocate wildly.
const MAX_BODY: usize = 1 << 30;

#[derive(Deserialize)]
pub struct MalformedParams {
    code: i64,
    message: String,
}

/// The handler for [`MALFORMED`]: always the error it describes.
pub fn malformed_error(params: &MalformedParams) -> Result<()> {
    Err(Error {
        code: ErrorCode::from(params.code),
        message: params.message.clone().into(),
        data: None,
    })
}

/// Why a body cannot be handed on, as (code, message).
fn check(body: &[u8]) -> std::result::Result<(), (i64, String)> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Err((-32700, "the message body is not valid UTF-8".to_owned()));
    };
    let value = serde_json::from_str::<serde_json::Value>(text)
        .map_err(|e| (-32700, format!("the message body is not JSON: {e}")))?;
    let Some(object) = value.as_object() else {
        return Err((-32600, "the message is not a JSON-RPC 2.0 object".to_owned()));
    };
    let is_message = object.get("jsonrpc").and_then(|v| v.as_str()) == Some("2.0")
        && (object.get("method").is_some_and(serde_json::Value::is_string)
            || (object.contains_key("id") && (object.contains_key("result") || object.contains_key("error"))));
    if is_message {
        Ok(())
    } else {
        Err((
            -32600,
            "the message is not a JSON-RPC 2.0 request, notification or response".to_owned(),
        ))
    }
}

fn substitute(code: i64, message: &str) -> Vec<u8> {
    json!({"jsonrpc": "2.0", "id": null, "method": MALFORMED, "params": {"code": code, "message": message}})
        .to_string()
        .into_bytes()
}

/// Copies framed messages from `input` to `output` until `input` ends, replacing malformed ones.
pub async fn filter(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut line = Vec::new();
    loop {
        let mut content_length: Option<std::result::Result<usize, ()>> = None;
        let mut header_lines = 0usize;
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim();
            if text.is_empty() {
                if header_lines > 0 {
                    break;
                }
                continue;
            }
            header_lines += 1;
            if let Some((name, value)) = text.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                content_length = Some(value.trim().parse::<usize>().map_err(|_| ()));
            }
        }
        let body = match content_length {
            Some(Ok(len)) if len <= MAX_BODY => {
                let mut body = vec![0u8; len];
                if reader.read_exact(&mut body).await.is_err() {
                    return;
                }
                match check(&body) {
                    Ok(()) => body,
                    Err((code, message)) => {
                        tracing::warn!("malformed message: {message}");
                        substitute(code, &message)
                    }
                }
            }
            _ => {
                tracing::warn!("malformed message header: no usable Content-Length");
                substitute(-32700, "the message header has no usable Content-Length")
            }
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
            || output.flush().await.is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_bodies() {
        assert!(check(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        assert_eq!(check(b"{not json").map_err(|e| e.0), Err(-32700));
        assert_eq!(check(b"\xff").map_err(|e| e.0), Err(-32700));
        assert_eq!(check(b"[1,2]").map_err(|e| e.0), Err(-32600));
        assert_eq!(check(br#"{"id":1,"method":"x"}"#).map_err(|e| e.0), Err(-32600));
        assert_eq!(check(br#"{"jsonrpc":"2.0","id":1}"#).map_err(|e| e.0), Err(-32600));
    }
}
