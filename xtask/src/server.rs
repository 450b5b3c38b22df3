//! A small static file server that behaves like a static host (GitHub Pages): files as they are,
//! `index.html` for a directory, and the site's `404.html` with status 404 for anything else.
//! `cargo xtask serve` uses it, and so do the browser tests.

use crate::build;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread;

pub struct ServeOptions {
    port: u16,
    /// Serve the `dist/` already built, without set-up or build.
    no_build: bool,
}

impl ServeOptions {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut port = 8080;
        let mut no_build = false;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--port" => {
                    let value = it.next().ok_or("--port needs a value")?;
                    port = value
                        .parse()
                        .map_err(|_| format!("--port: `{value}` is not a port number"))?;
                }
                "--no-build" => no_build = true,
                other => return Err(format!("serve: unknown argument `{other}`")),
            }
        }
        Ok(ServeOptions { port, no_build })
    }
}

/// Set up, build, then serve `dist/` until interrupted.
pub fn serve(options: &ServeOptions) -> Result<(), String> {
    let build = build::Options::parse(&[])?;
    if !options.no_build {
        build::run(&build)?;
    } else if !build.dist.join("index.html").is_file() {
        return Err(format!(
            "{} has no build: run `cargo xtask serve` without --no-build",
            build.dist.display()
        ));
    }
    let server = StaticServer::bind(options.port, vec![Mount::new("/", &build.dist)])?;
    println!(
        "\nLLM Atlas is served on http://127.0.0.1:{}/  (Ctrl-C to stop)",
        server.port()
    );
    server.run();
    Ok(())
}

/// A directory served under a URL prefix such as `/` or `/atlas/`.
#[derive(Clone)]
pub struct Mount {
    prefix: String,
    dir: PathBuf,
}

impl Mount {
    pub fn new(prefix: &str, dir: &Path) -> Self {
        Mount {
            prefix: prefix.to_string(),
            dir: dir.to_path_buf(),
        }
    }
}

pub struct StaticServer {
    listener: TcpListener,
    mounts: Arc<Vec<Mount>>,
}

impl StaticServer {
    /// Binds 127.0.0.1:`port` (0 picks a free port).
    pub fn bind(port: u16, mounts: Vec<Mount>) -> Result<Self, String> {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e} (try --port)"))?;
        Ok(StaticServer {
            listener,
            mounts: Arc::new(mounts),
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves forever, a thread per connection.
    pub fn run(self) {
        for stream in self.listener.incoming().flatten() {
            let mounts = Arc::clone(&self.mounts);
            thread::spawn(move || {
                // A client that hangs up mid-response is not an error worth reporting.
                let _ = handle(stream, &mounts);
            });
        }
    }

    /// Serves on a background thread; returns the port.
    pub fn spawn(self) -> u16 {
        let port = self.port();
        thread::spawn(move || self.run());
        port
    }
}

fn handle(stream: TcpStream, mounts: &[Mount]) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; nothing in them changes the answer.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let mut out = stream;
    if method != "GET" && method != "HEAD" {
        return respond(&mut out, 405, "text/plain", b"method not allowed", method);
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    match resolve(mounts, &path) {
        Resolved::File(file) => send_file(&mut out, 200, &file, method),
        Resolved::NotFound(Some(page)) => send_file(&mut out, 404, &page, method),
        Resolved::NotFound(None) => respond(&mut out, 404, "text/plain", b"not found", method),
    }
}

enum Resolved {
    File(PathBuf),
    /// The mount's `404.html`, if it has one.
    NotFound(Option<PathBuf>),
}

fn resolve(mounts: &[Mount], path: &str) -> Resolved {
    // The longest matching prefix wins, so `/atlas/` beats `/`.
    let mount = mounts
        .iter()
        .filter(|m| path.starts_with(&m.prefix) || format!("{path}/") == m.prefix)
        .max_by_key(|m| m.prefix.len());
    let Some(mount) = mount else {
        return Resolved::NotFound(None);
    };
    let not_found = || {
        let page = mount.dir.join("404.html");
        Resolved::NotFound(page.is_file().then_some(page))
    };
    let rest = path.get(mount.prefix.len()..).unwrap_or("");
    let relative = Path::new(rest);
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return not_found();
    }
    let mut file = mount.dir.join(relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    if file.is_file() {
        Resolved::File(file)
    } else {
        not_found()
    }
}

fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(hi * 16 + lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    }
}

fn header(out: &mut TcpStream, status: u16, mime: &str, len: u64) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status} {}\r\nContent-Type: {mime}\r\nContent-Length: {len}\r\nCache-Control: no-cache\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n",
        status_text(status)
    )
}

fn respond(
    out: &mut TcpStream,
    status: u16,
    mime: &str,
    body: &[u8],
    method: &str,
) -> std::io::Result<()> {
    header(out, status, mime, body.len() as u64)?;
    if method != "HEAD" {
        out.write_all(body)?;
    }
    out.flush()
}

fn send_file(out: &mut TcpStream, status: u16, path: &Path, method: &str) -> std::io::Result<()> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    header(out, status, content_type(path), len)?;
    if method != "HEAD" {
        std::io::copy(&mut file, out)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes_and_keeps_bad_ones() {
        assert_eq!(percent_decode("/a%20b"), "/a b");
        assert_eq!(percent_decode("/100%"), "/100%");
        assert_eq!(percent_decode("/%zz"), "/%zz");
    }

    #[test]
    fn resolves_files_directories_and_the_404_page() {
        let dir = std::env::temp_dir().join(format!("xtask-server-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("index.html"), "home").unwrap();
        std::fs::write(dir.join("404.html"), "app").unwrap();
        std::fs::write(dir.join("sub/a.js"), "js").unwrap();
        let mounts = [Mount::new("/atlas/", &dir)];
        let file = |p: &str| match resolve(&mounts, p) {
            Resolved::File(f) => Some(f),
            Resolved::NotFound(_) => None,
        };
        assert_eq!(file("/atlas/"), Some(dir.join("index.html")));
        assert_eq!(file("/atlas"), Some(dir.join("index.html")));
        assert_eq!(file("/atlas/sub/a.js"), Some(dir.join("sub/a.js")));
        assert_eq!(file("/atlas/models"), None);
        assert_eq!(file("/atlas/../etc/passwd"), None);
        assert!(matches!(
            resolve(&mounts, "/other"),
            Resolved::NotFound(None)
        ));
        assert!(matches!(
            resolve(&mounts, "/atlas/models"),
            Resolved::NotFound(Some(p)) if p == dir.join("404.html")
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
