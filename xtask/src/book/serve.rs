//! `cargo xtask book --serve`: the built book on localhost, built again with
//! the strict checks on every save, and every open page reloaded after a
//! good build. The server is a few lines of our own, so mdbook is installed
//! without its serve and watch stack (tokio, axum, notify, tower), which
//! doubled its build on a 2-core machine.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::manifest::Workspace;
use crate::ui;
use crate::watch::Saves;

/// The first port tried; the next few are tried when it is taken.
const PORT: u16 = 3000;

/// What the server shows: the book's folder, and a number that changes with
/// every good build (open pages ask for it and reload when it changes).
pub struct Site {
    root: PathBuf,
    build: AtomicU64,
}

impl Site {
    pub fn new(root: &Path) -> Arc<Site> {
        Arc::new(Site { root: root.to_path_buf(), build: AtomicU64::new(0) })
    }
}

/// Serves the folder `root` on a free port of 127.0.0.1 until the program
/// ends; its address. (The browser test of every page uses it.)
pub fn serve_folder(root: &Path) -> Result<std::net::SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    spawn_server(listener, Site::new(root));
    Ok(addr)
}

/// `page`: the page to open first, relative to the book's root.
pub fn run(ws: &Workspace, out: &Path, page: &str) -> Result<()> {
    let listener = (PORT..PORT + 10)
        .find_map(|port| TcpListener::bind(("127.0.0.1", port)).ok())
        .with_context(|| format!("ports {PORT}–{} on 127.0.0.1 are all taken", PORT + 9))?;
    let url = format!("http://localhost:{}/{page}", listener.local_addr()?.port());
    let site = Site::new(out);
    spawn_server(listener, Arc::clone(&site));
    let sources = ["book", "solutions"].map(|dir| ws.root.join(dir));
    let saves = Saves::watch(&ws.root, &sources, false)?;
    anstream::println!("serving on {url} — built again on every save under book/ and solutions/; Ctrl-C to stop");
    if let Some(opener) = super::browser_opener() {
        crate::process::Cmd::new(opener).arg(&url).start_detached()?;
    }
    loop {
        saves.next(&["md", "rs", "toml", "css", "js", "hbs", "py", "svg", "png"])?;
        match super::build(ws) {
            Ok(_) => {
                site.build.fetch_add(1, Ordering::Relaxed);
                anstream::println!("{} built again and checked; open pages reload", ui::green("✓"));
            }
            Err(e) => anstream::println!("{} {e:#}\n  (the last good build is still served)", ui::red("✗")),
        }
        // The build rewrites generated pages: those saves are its own.
        saves.drain();
    }
}

/// Serves `site` on `listener` from a thread of its own, a thread per connection.
pub fn spawn_server(listener: TcpListener, site: Arc<Site>) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let site = Arc::clone(&site);
            std::thread::spawn(move || {
                let _ = respond(&site, stream);
            });
        }
    });
}

/// Asked for by every served page once a second: the build number.
const BUILD_PATH: &str = "/__build";

/// Added to every HTML page served: reload when the build number changes.
const RELOAD_SCRIPT: &str = "<script>(() => { let seen = null; const poll = () => fetch('/__build', \
{ cache: 'no-store' }).then(r => r.text()).then(b => { if (seen !== null && b !== seen) location.reload(); seen = b; })\
.catch(() => {}).finally(() => setTimeout(poll, 1000)); poll(); })();</script>";

fn respond(site: &Site, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let head = read_head(&mut stream)?;
    let mut words = head.lines().next().unwrap_or("").split(' ');
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let answer = match method {
        "GET" | "HEAD" => answer(site, target),
        _ => Answer::status(405, "Method Not Allowed"),
    };
    let header = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        answer.code,
        answer.reason,
        answer.content_type,
        answer.body.len()
    );
    stream.write_all(header.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&answer.body)?;
    }
    stream.flush()
}

/// The request line and headers (at most 16 KiB; the body, if any, is ignored).
fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 << 10 {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

struct Answer {
    code: u16,
    reason: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Answer {
    fn status(code: u16, reason: &'static str) -> Answer {
        Answer { code, reason, content_type: "text/plain; charset=utf-8", body: format!("{code} {reason}\n").into() }
    }
}

fn answer(site: &Site, target: &str) -> Answer {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path == BUILD_PATH {
        let body = site.build.load(Ordering::Relaxed).to_string().into_bytes();
        return Answer { code: 200, reason: "OK", content_type: "text/plain; charset=utf-8", body };
    }
    let Some(relative) = safe_relative_path(path) else { return Answer::status(400, "Bad Request") };
    let mut file = site.root.join(relative);
    if file.is_dir() {
        file.push("index.html");
    }
    // A FIFO or device named by a page is never opened: files only.
    let (code, reason, file) = if file.metadata().is_ok_and(|m| m.is_file()) {
        (200, "OK", file)
    } else {
        (404, "Not Found", site.root.join("404.html"))
    };
    let Ok(mut body) = std::fs::read(&file) else { return Answer::status(404, "Not Found") };
    let content_type = content_type(&file);
    if content_type.starts_with("text/html") {
        body = with_reload_script(body);
    }
    Answer { code, reason, content_type, body }
}

/// The path of a request as a path under the site's folder: percent-escapes
/// decoded, and `None` for anything that could leave the folder (`..`, a
/// backslash, a NUL byte) or is not UTF-8.
fn safe_relative_path(path: &str) -> Option<PathBuf> {
    let text = String::from_utf8(percent_decode(path.strip_prefix('/')?)?).ok()?;
    let leaves = text.split('/').any(|part| part == "..") || text.contains(['\\', '\0']) || text.starts_with('/');
    (!leaves).then(|| PathBuf::from(text))
}

/// `text` with every `%XX` escape decoded; `None` for a malformed escape.
pub fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    Some(decoded)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" | "md" | "rs" | "py" | "toml" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn with_reload_script(html: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{RELOAD_SCRIPT}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{RELOAD_SCRIPT}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site in a temporary folder, served on a free port; its address.
    fn served(dir: &Path) -> (Arc<Site>, std::net::SocketAddr) {
        std::fs::create_dir_all(dir.join("ch01")).unwrap();
        std::fs::write(dir.join("index.html"), "<html><body><p>home</p></body></html>").unwrap();
        std::fs::write(dir.join("ch01/page one.html"), "<html><body>one</body></html>").unwrap();
        std::fs::write(dir.join("404.html"), "<html><body>not here</body></html>").unwrap();
        std::fs::write(dir.join("style.css"), "p { color: red }").unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let site = Site::new(dir);
        spawn_server(listener, Arc::clone(&site));
        (site, addr)
    }

    fn get(addr: std::net::SocketAddr, request: &str) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    #[test]
    fn pages_are_served_with_the_reload_script_and_nothing_outside_the_folder() {
        let dir = std::env::temp_dir().join(format!("workbench-book-serve-{}", std::process::id()));
        let (site, addr) = served(&dir);
        let home = get(addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(home.starts_with("HTTP/1.1 200 OK\r\n") && home.contains("text/html"), "{home}");
        assert!(home.contains("<p>home</p><script>") && home.ends_with("</body></html>"), "{home}");
        let page = get(addr, "GET /ch01/page%20one.html?x=1 HTTP/1.1\r\n\r\n");
        assert!(page.starts_with("HTTP/1.1 200") && page.contains("one<script>"), "{page}");
        let css = get(addr, "GET /style.css HTTP/1.1\r\n\r\n");
        assert!(css.contains("text/css") && css.ends_with("p { color: red }"), "{css}");
        for escape in ["/../Cargo.toml", "/ch01/../../x", "/%2e%2e/x", "/a%5cb", "/%00", "/%zz", "//etc/passwd", "x"] {
            let answer = get(addr, &format!("GET {escape} HTTP/1.1\r\n\r\n"));
            assert!(answer.starts_with("HTTP/1.1 400"), "{escape}: {answer}");
        }
        let missing = get(addr, "GET /nope.html HTTP/1.1\r\n\r\n");
        assert!(missing.starts_with("HTTP/1.1 404") && missing.contains("not here"), "{missing}");
        assert!(get(addr, "POST / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405"));
        let head = get(addr, "HEAD / HTTP/1.1\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 200") && head.ends_with("\r\n\r\n"), "no body: {head}");
        assert!(get(addr, "GET /__build HTTP/1.1\r\n\r\n").ends_with("\r\n\r\n0"));
        site.build.fetch_add(1, Ordering::Relaxed);
        assert!(get(addr, "GET /__build HTTP/1.1\r\n\r\n").ends_with("\r\n\r\n1"), "a good build changes the number");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
