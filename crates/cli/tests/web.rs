//! `casefile serve`: the web workspace over a case of the seed and a
//! made-up testimony, driven over HTTP as a browser and a script would:
//! sign-in (wrong passwords, rate limiting, login CSRF, a planted session
//! token), every route and API operation tried by every role and by no
//! session (allowed ones succeed, the rest are refused), no testimony in
//! any response to an account without clearance, CSRF on every write,
//! stored text escaped, the security headers, the OpenAPI document, and a
//! review logged and signed with the account's name.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use common::{FOUNDING, casefile, json, ok};

const WITNESS: &str = "Авдотья Свиристелова";
const SENTENCE: &str = "Нас заперли в бане у карьера на трое суток.";

/// A response: status, headers (lower-case names) and body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn cookies(&self) -> BTreeMap<String, String> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .filter_map(|(_, v)| v.split(';').next()?.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

/// One HTTP/1.1 request to the server on `port`.
fn request(
    port: u16,
    method: &str,
    path: &str,
    cookies: &BTreeMap<String, String>,
    extra: &[(&str, &str)],
    form: Option<&str>,
) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    let jar: Vec<String> = cookies
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !jar.is_empty() {
        head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
    }
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = form.unwrap_or("");
    if form.is_some() {
        head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

fn get(port: u16, path: &str, jar: &BTreeMap<String, String>) -> Reply {
    request(port, "GET", path, jar, &[], None)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the hidden `csrf` field of a page.
fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

/// Signs in `name` and returns its cookies (with a planted session token
/// first, which must not survive).
fn sign_in(port: u16, name: &str, password: &str, code: &str) -> BTreeMap<String, String> {
    let mut jar = BTreeMap::new();
    jar.insert("casefile_session".into(), "planted-by-an-attacker".into());
    let page = get(port, "/sign-in", &jar);
    assert_eq!(page.status, 200);
    jar.extend(page.cookies());
    let form = format!(
        "name={}&password={}&csrf={}&code={}",
        encode(name),
        encode(password),
        csrf_of(&page.body),
        encode(code)
    );
    let signed = request(port, "POST", "/sign-in", &jar, &[], Some(&form));
    assert_eq!(signed.status, 303, "{name}: {}", signed.body);
    let cookies = signed.cookies();
    let session = &cookies["casefile_session"];
    assert_ne!(session, "planted-by-an-attacker");
    assert!(session.len() >= 40, "a short session token: {session}");
    let set = signed
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("casefile_session="))
        .unwrap();
    assert!(
        set.1.contains("HttpOnly") && set.1.contains("SameSite=Strict"),
        "{}",
        set.1
    );
    cookies
        .into_iter()
        .filter(|(k, _)| k == "casefile_session")
        .collect()
}

/// A free local port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn account(root: &Path, name: &str, role: &str, cleared: bool) {
    let mut args = vec!["web-account", "add", name, "--role", role];
    if cleared {
        args.push("--cleared");
    }
    let made = casefile()
        .args(&args)
        .env(
            "CASEFILE_WEB_PASSWORD",
            format!("{name} has a long password"),
        )
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}

#[test]
fn the_web_workspace_lets_each_role_do_what_it_may_and_shows_no_testimony_to_the_uncleared() {
    let Some(seed) = common::seed_report() else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("case");
    std::fs::create_dir(&root).unwrap();
    ok(&["init", "--origin", "casefile/web-test"], &root);
    ok(
        &[
            "add",
            seed.to_str().unwrap(),
            "--kind",
            "news",
            "--acquired-at",
            "2024-06-01",
        ],
        &root,
    );
    std::fs::write(
        temp.path().join("statement.txt"),
        format!(
            "Я, {WITNESS}, свидетельствую. В марте 2024 года вербовщик обещал помилование через \
             полгода. {SENTENCE} Нас, около 25 человек, били.\n"
        ),
    )
    .unwrap();
    ok(
        &[
            "add",
            temp.path().join("statement.txt").to_str().unwrap(),
            "--kind",
            "testimony",
        ],
        &root,
    );
    let t = FOUNDING + 1;
    std::fs::write(
        temp.path().join("hostile.html"),
        "<html><head><title>Отчёт</title></head><body><p>Вербовщики обещали помилование. \
         <script>alert('stored')</script> <img src=x onerror=alert(2)></p></body></html>\n",
    )
    .unwrap();
    ok(
        &[
            "add",
            temp.path().join("hostile.html").to_str().unwrap(),
            "--kind",
            "news",
        ],
        &root,
    );
    let hostile = FOUNDING + 2;
    ok(
        &[
            "witnesses",
            "add",
            "--name",
            WITNESS,
            "--source",
            &t.to_string(),
        ],
        &root,
    );
    ok(&["consent", "give", "W-001", "--to", "internal"], &root);
    for (name, role, cleared) in [
        ("vic", "viewer", false),
        ("dan", "documenter", false),
        ("ana", "documenter", true),
        ("lea", "lawyer", true),
        ("adm", "admin", false),
    ] {
        account(&root, name, role, cleared);
    }
    let ids: Vec<String> = common::json_lines(&ok(&["record", "list", "--json"], &root))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let open_record = ids
        .iter()
        .find(|id| {
            id.starts_with(&format!("T{FOUNDING}.")) || id.starts_with(&format!("V{FOUNDING}."))
        })
        .expect("a record of the seed")
        .clone();
    let protected_record = ids
        .iter()
        .find(|id| id[1..].starts_with(&format!("{t}.0.")))
        .expect("a record of the testimony")
        .clone();

    let port = free_port();
    let _server = Server(
        casefile()
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .current_dir(&root)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut up = false;
    for _ in 0..600 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(up, "the server did not start");

    // Sign-in: a wrong password, then the limit; a forged sign-in form.
    let page = get(port, "/sign-in", &BTreeMap::new());
    let mut jar = page.cookies();
    let token = csrf_of(&page.body);
    let wrong = request(
        port,
        "POST",
        "/sign-in",
        &jar,
        &[],
        Some(&format!("name=adm&password=nope&csrf={token}")),
    );
    assert_eq!(wrong.status, 401);
    for _ in 0..5 {
        request(
            port,
            "POST",
            "/sign-in",
            &jar,
            &[],
            Some(&format!("name=adm&password=nope&csrf={token}")),
        );
    }
    let limited = request(
        port,
        "POST",
        "/sign-in",
        &jar,
        &[],
        Some(&format!(
            "name=adm&password={}&csrf={token}",
            encode("adm has a long password")
        )),
    );
    assert_eq!(limited.status, 429, "sign-in is not rate limited");
    jar.insert("casefile_sign_in".into(), "forged".into());
    let forged = request(
        port,
        "POST",
        "/sign-in",
        &jar,
        &[],
        Some(&format!(
            "name=vic&password={}&csrf={token}",
            encode("vic has a long password")
        )),
    );
    assert_eq!(forged.status, 403, "login CSRF");

    let none = BTreeMap::new();
    let mut jars = BTreeMap::new();
    for name in ["vic", "dan", "ana"] {
        jars.insert(
            name,
            sign_in(port, name, &format!("{name} has a long password"), ""),
        );
    }
    // A second factor: the password alone is not enough, a one-time code
    // is good once, a recovery code too.
    let enrolled = json(&ok(&["web-account", "totp", "lea", "--json"], &root));
    let uri = enrolled["uri"].as_str().unwrap();
    let secret = casefile_web::totp::from_base32(
        uri.split("secret=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap(),
    )
    .unwrap();
    let try_code = |code: &str| {
        let page = get(port, "/sign-in", &BTreeMap::new());
        let jar = page.cookies();
        let form = format!(
            "name=lea&password={}&csrf={}&code={}",
            encode("lea has a long password"),
            csrf_of(&page.body),
            encode(code)
        );
        request(port, "POST", "/sign-in", &jar, &[], Some(&form))
    };
    assert_eq!(
        try_code("").status,
        401,
        "signed in without the second factor"
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = casefile_web::totp::code(&secret, now);
    let first = try_code(&code);
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(
        try_code(&code).status,
        401,
        "a one-time code was good twice"
    );
    let recovery = enrolled["recovery_codes"][0].as_str().unwrap().to_owned();
    let recovered = try_code(&recovery);
    assert_eq!(recovered.status, 303, "{}", recovered.body);
    assert_eq!(
        try_code(&recovery).status,
        401,
        "a recovery code was good twice"
    );
    jars.insert(
        "lea",
        first
            .cookies()
            .into_iter()
            .filter(|(k, _)| k == "casefile_session")
            .collect(),
    );

    // The access matrix: every route and operation, by no session and by
    // every role; (method, path, least role, clearance needed, API).
    let reads: Vec<(&str, String, bool, bool)> = vec![
        ("GET", "/".into(), false, false),
        ("GET", "/sources".into(), false, false),
        ("GET", format!("/sources/{FOUNDING}"), false, false),
        ("GET", format!("/sources/{t}"), true, false),
        ("GET", "/search?q=Cascade".into(), false, false),
        ("GET", "/records".into(), false, false),
        ("GET", "/records?status=proposed".into(), false, false),
        ("GET", format!("/records/{open_record}"), false, false),
        ("GET", "/api/session".into(), false, true),
        ("GET", "/api/sources".into(), false, true),
        ("GET", format!("/api/sources/{FOUNDING}/proof"), false, true),
        ("GET", "/api/search?q=Cascade".into(), false, true),
        ("GET", "/api/records".into(), false, true),
        ("GET", format!("/api/records/{open_record}"), false, true),
    ];
    let leaks = ["Свиристелов", "в бане у карьера", "около 25 человек"];
    for (method, path, cleared_only, api) in &reads {
        let anonymous = request(port, method, path, &none, &[], None);
        let expected = if *api { 401 } else { 303 };
        assert_eq!(
            anonymous.status, expected,
            "{method} {path} without a session"
        );
        for leak in leaks {
            assert!(
                !anonymous.body.contains(leak),
                "{path} leaks {leak} to no session"
            );
        }
        for (name, jar) in &jars {
            let cleared = matches!(*name, "ana" | "lea");
            let reply = request(port, method, path, jar, &[], None);
            let allowed = cleared || !cleared_only;
            assert_eq!(
                reply.status,
                if allowed { 200 } else { 403 },
                "{name} {method} {path}: {}",
                reply.body
            );
            if !cleared {
                for leak in leaks {
                    assert!(!reply.body.contains(leak), "{path} leaks {leak} to {name}");
                }
            }
        }
    }
    // The testimony, to a cleared account: its witness by pseudonym.
    let shown = get(port, &format!("/sources/{t}"), &jars["ana"]);
    assert!(shown.body.contains(SENTENCE), "{}", shown.body);
    assert!(!shown.body.contains("Свиристелов"), "the witness by name");
    // Search across scripts, on and off.
    let cross = get(
        port,
        &format!("/search?q={}", encode("Каскад")),
        &jars["vic"],
    );
    assert!(cross.body.contains("Cascade"), "{}", cross.body);
    let strict = get(
        port,
        &format!("/search?q={}&cross=off", encode("Каскад")),
        &jars["vic"],
    );
    assert!(strict.body.contains("0 found"), "{}", strict.body);

    // Writes: a viewer may not review; without or with a wrong CSRF token
    // nobody may; an uncleared documenter may review open records only; a
    // cleared one may review the testimony's.
    let csrf = |jar: &BTreeMap<String, String>| {
        let session = request(port, "GET", "/api/session", jar, &[], None);
        serde_json::from_str::<serde_json::Value>(&session.body).unwrap()["csrf"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let confirm = format!("/records/{open_record}/confirm");
    let viewer = request(
        port,
        "POST",
        &confirm,
        &jars["vic"],
        &[],
        Some(&format!("csrf={}", csrf(&jars["vic"]))),
    );
    assert_eq!(viewer.status, 403, "a viewer confirmed");
    let no_token = request(port, "POST", &confirm, &jars["dan"], &[], Some("csrf="));
    assert_eq!(no_token.status, 403, "a write without its CSRF token");
    let wrong_token = request(
        port,
        "POST",
        &confirm,
        &jars["dan"],
        &[],
        Some(&format!("csrf={}", csrf(&jars["ana"]))),
    );
    assert_eq!(wrong_token.status, 403, "another session's CSRF token");
    let api_no_token = request(
        port,
        "POST",
        &format!("/api{confirm}"),
        &jars["dan"],
        &[],
        None,
    );
    assert_eq!(api_no_token.status, 403);
    assert_eq!(
        api_no_token.header("content-type"),
        Some("application/problem+json")
    );
    let anonymous = request(port, "POST", &format!("/api{confirm}"), &none, &[], None);
    assert_eq!(anonymous.status, 401);
    let confirmed = request(
        port,
        "POST",
        &confirm,
        &jars["dan"],
        &[],
        Some(&format!("csrf={}", csrf(&jars["dan"]))),
    );
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    let uncleared = request(
        port,
        "POST",
        &format!("/api/records/{protected_record}/reject"),
        &jars["dan"],
        &[("X-CSRF-Token", &csrf(&jars["dan"]))],
        None,
    );
    assert_eq!(uncleared.status, 403, "{}", uncleared.body);
    for leak in leaks {
        assert!(!uncleared.body.contains(leak));
    }
    let cleared = request(
        port,
        "POST",
        &format!("/api/records/{protected_record}/dispute"),
        &jars["ana"],
        &[("X-CSRF-Token", &csrf(&jars["ana"]))],
        None,
    );
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    // The review is a log entry signed with the account's name.
    let shown = json(&ok(&["record", "show", &open_record, "--json"], &root));
    assert_eq!(shown["record"]["status"], "confirmed", "{shown}");
    assert_eq!(
        shown["record"]["status_by"]["method"], "person:dan",
        "{shown}"
    );

    // Stored text is escaped.
    let page = get(port, &format!("/sources/{hostile}"), &jars["vic"]);
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("<script>alert"),
        "stored XSS: {}",
        page.body
    );
    assert!(!page.body.contains("onerror=alert"), "stored XSS");
    // The headers every response carries.
    for reply in [&page, &viewer, &anonymous] {
        let policy = reply.header("content-security-policy").unwrap();
        assert!(
            policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"),
            "{policy}"
        );
        assert_eq!(reply.header("x-frame-options"), Some("DENY"));
    }
    // The OpenAPI document names every API operation.
    let described = get(port, "/api/openapi.json", &none);
    let doc: serde_json::Value = serde_json::from_str(&described.body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/session",
        "/api/sources",
        "/api/sources/{index}/proof",
        "/api/search",
        "/api/entities/{id}",
        "/api/records",
        "/api/records/{id}",
        "/api/records/{id}/{action}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not described");
    }
    // Signing out ends the session.
    let out = request(
        port,
        "POST",
        "/sign-out",
        &jars["vic"],
        &[],
        Some(&format!("csrf={}", csrf(&jars["vic"]))),
    );
    assert_eq!(out.status, 303);
    assert_eq!(get(port, "/", &jars["vic"]).status, 303);
}
