//! A minimal HTTP/1.1 server on a free loopback port, for the fakes of the cloud APIs: one request
//! per connection, the handler decides the answer. Status 0 stalls (the request is read and never
//! answered), for deadline tests.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

/// One request as the handler sees it.
pub struct Request {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string's parameters, percent-decoded; repeated keys keep every value.
    pub query: Vec<(String, String)>,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn bearer(&self) -> Option<&str> {
        self.headers.get("authorization").and_then(|v| v.strip_prefix("Bearer "))
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn json(status: u16, body: impl ToString) -> Self {
        Response { status, headers: Vec::new(), body: body.to_string() }
    }

    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

pub type Handler = Arc<dyn Fn(&Request) -> Response + Send + Sync>;

/// One injected answer for requests whose path contains `path_contains`, `count` times; each fake
/// turns it into its API's error body (with `message`, or its usual text). Status 0 stalls.
#[derive(Clone, Debug)]
pub struct Fault {
    pub path_contains: &'static str,
    pub status: u16,
    pub retry_after: Option<u32>,
    pub count: usize,
    pub message: Option<String>,
}

impl Fault {
    /// The first fault left for `path`, counted down.
    pub fn take(faults: &mut [Fault], path: &str) -> Option<Fault> {
        let fault = faults.iter_mut().find(|f| f.count > 0 && path.contains(f.path_contains))?;
        fault.count -= 1;
        Some(fault.clone())
    }

    /// The answer with the fault's `Retry-After`, if it has one.
    pub fn respond(&self, response: Response) -> Response {
        match self.retry_after {
            Some(seconds) => response.header("Retry-After", seconds),
            None => response,
        }
    }
}

/// Serves `handler` on `127.0.0.1:0`; returns `http://127.0.0.1:PORT`.
pub fn serve(handler: Handler) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = Arc::clone(&handler);
            std::thread::spawn(move || answer(stream, &handler));
        }
    });
    url
}

fn answer(stream: TcpStream, handler: &Handler) {
    let Some(request) = read_request(&stream) else { return };
    let response = handler(&request);
    if response.status == 0 {
        // Hold the connection open without a word; the test process ends first.
        std::thread::sleep(std::time::Duration::from_secs(300));
        return;
    }
    let reason = match response.status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
    let headers: String = response.headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    let mut out = stream;
    let _ = write!(
        out,
        "HTTP/1.1 {} {reason}\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{}",
        response.status,
        response.body.len(),
        response.body
    );
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut headers = BTreeMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    Some(Request { method, path: decode(path), query, headers, body })
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned()
}
