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
use std::time::Duration;

use common::web::{account, password, serve};
use common::{FOUNDING, json, ok};

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
    parse(&raw)
}

/// A response as read off the wire.
fn parse(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw).into_owned();
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

/// A `multipart/form-data` body of `fields` and then `files` (field name,
/// file name, bytes), and its content type.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "casefile-test-boundary-7d3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A request with a body of its own type.
fn send(
    port: u16,
    method: &str,
    path: &str,
    cookies: &BTreeMap<String, String>,
    extra: &[(&str, &str)],
    content_type: &str,
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n",
        body.len()
    );
    let jar: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if !jar.is_empty() {
        head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
    }
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // A server that refuses early may close before the whole body is sent.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
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
        ("boss", "admin", false),
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

    let (_server, port) = serve(&root, &[]);

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
            encode(&password("adm"))
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
            encode(&password("vic"))
        )),
    );
    assert_eq!(forged.status, 403, "login CSRF");

    let none = BTreeMap::new();
    let mut jars = BTreeMap::new();
    for name in ["vic", "dan", "ana", "boss"] {
        jars.insert(name, sign_in(port, name, &password(name), ""));
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
            encode(&password("lea")),
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
    let entities = common::json_lines(&ok(&["entity", "list", "--json"], &root));
    let open_entity = entities
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .find(|id| id.starts_with(&format!("{FOUNDING}.")))
        .expect("an entity of the seed");
    let f = FOUNDING;
    let reads: Vec<(&str, String, &str, bool, bool)> = vec![
        ("GET", "/".into(), "viewer", false, false),
        ("GET", "/sources".into(), "viewer", false, false),
        ("GET", "/sources?kind=news".into(), "viewer", false, false),
        ("GET", format!("/sources/{f}"), "viewer", false, false),
        ("GET", format!("/sources/{t}"), "viewer", true, false),
        (
            "GET",
            format!("/sources/{f}/original"),
            "viewer",
            false,
            false,
        ),
        (
            "GET",
            format!("/sources/{t}/original"),
            "viewer",
            true,
            false,
        ),
        ("GET", "/entities".into(), "viewer", false, false),
        (
            "GET",
            format!("/entities/{open_entity}"),
            "viewer",
            false,
            false,
        ),
        ("GET", "/search?q=Cascade".into(), "viewer", false, false),
        (
            "GET",
            "/search?q=Cascade&kind=news".into(),
            "viewer",
            false,
            false,
        ),
        ("GET", "/records".into(), "viewer", false, false),
        (
            "GET",
            "/records?status=proposed".into(),
            "viewer",
            false,
            false,
        ),
        (
            "GET",
            format!("/records/{open_record}"),
            "viewer",
            false,
            false,
        ),
        ("GET", "/report".into(), "viewer", false, false),
        ("GET", "/timeline".into(), "viewer", false, false),
        ("GET", "/audit".into(), "viewer", false, false),
        ("GET", "/members".into(), "admin", false, false),
        ("GET", "/api/session".into(), "viewer", false, true),
        ("GET", "/api/sources".into(), "viewer", false, true),
        ("GET", format!("/api/sources/{f}"), "viewer", false, true),
        ("GET", format!("/api/sources/{t}"), "viewer", true, true),
        (
            "GET",
            format!("/api/sources/{f}/proof"),
            "viewer",
            false,
            true,
        ),
        (
            "GET",
            format!("/api/sources/{f}/original"),
            "viewer",
            false,
            true,
        ),
        (
            "GET",
            format!("/api/sources/{t}/original"),
            "viewer",
            true,
            true,
        ),
        ("GET", "/api/search?q=Cascade".into(), "viewer", false, true),
        ("GET", "/api/entities".into(), "viewer", false, true),
        (
            "GET",
            format!("/api/entities/{open_entity}"),
            "viewer",
            false,
            true,
        ),
        ("GET", "/api/records".into(), "viewer", false, true),
        (
            "GET",
            format!("/api/records/{open_record}"),
            "viewer",
            false,
            true,
        ),
        ("GET", "/api/report".into(), "viewer", false, true),
        ("GET", "/api/timeline".into(), "viewer", false, true),
        ("GET", "/api/audit".into(), "viewer", false, true),
        ("GET", "/api/members".into(), "admin", false, true),
    ];
    let rank = |role: &str| {
        ["viewer", "documenter", "lawyer", "admin"]
            .iter()
            .position(|r| *r == role)
            .unwrap()
    };
    let role_of = |name: &str| match name {
        "vic" => "viewer",
        "dan" | "ana" => "documenter",
        "lea" => "lawyer",
        _ => "admin",
    };
    assert_eq!(jars.len(), 5, "every role signed in");
    let leaks = ["Свиристелов", "в бане у карьера", "около 25 человек"];
    for (method, path, least, cleared_only, api) in &reads {
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
            let allowed = (cleared || !cleared_only) && rank(role_of(name)) >= rank(least);
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
        // The server's time, told apart from the wait for a turn.
        let timing = reply.header("server-timing").unwrap_or_default();
        assert!(
            timing.starts_with("queue;dur=") && timing.contains(", app;dur="),
            "server-timing: {timing:?}"
        );
    }
    // The OpenAPI document names every API operation.
    let described = get(port, "/api/openapi.json", &none);
    let doc: serde_json::Value = serde_json::from_str(&described.body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/session",
        "/api/sources",
        "/api/sources/{index}",
        "/api/sources/{index}/proof",
        "/api/sources/{index}/original",
        "/api/search",
        "/api/entities",
        "/api/entities/{id}",
        "/api/entities/{id}/merge",
        "/api/entities/{id}/split",
        "/api/records",
        "/api/records/{id}",
        "/api/records/{id}/confirm",
        "/api/records/{id}/edit",
        "/api/records/{id}/merge",
        "/api/report",
        "/api/timeline",
        "/api/audit",
        "/api/members",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not described");
    }
    // Uploads: a viewer may not add; a form without its CSRF token is
    // refused before any file is read; a name with folders is logged as
    // its last part and nothing is written outside the case; markup in a
    // file name is shown as text.
    let page = "<html><head><title>Загрузка</title></head><body><p>Вербовщик обещал выплаты.</p></body></html>\n";
    let (kind, body) = multipart(
        &[("csrf", &csrf(&jars["vic"])), ("kind", "news")],
        &[("file", "a.html", page.as_bytes())],
    );
    let refused = send(port, "POST", "/sources", &jars["vic"], &[], &kind, &body);
    assert_eq!(refused.status, 403, "a viewer uploaded: {}", refused.body);
    let (kind, body) = multipart(&[("kind", "news")], &[("file", "a.html", page.as_bytes())]);
    let stale = send(port, "POST", "/sources", &jars["dan"], &[], &kind, &body);
    assert_eq!(
        stale.status, 403,
        "an upload without its CSRF token: {}",
        stale.body
    );
    let hostile_name = "<img src=x onerror=alert(3)>.html";
    let (kind, body) = multipart(
        &[
            ("csrf", &csrf(&jars["dan"])),
            ("kind", "news"),
            ("acquired_at", "2024-06-02"),
        ],
        &[
            ("file", "../../escaped.html", page.as_bytes()),
            (
                "file",
                hostile_name,
                b"<p>\xd0\x9e\xd1\x82\xd1\x87\xd1\x91\xd1\x82</p>\n",
            ),
        ],
    );
    let uploaded = send(
        port,
        "POST",
        "/sources",
        &jars["dan"],
        &[("Accept", "application/json")],
        &kind,
        &body,
    );
    assert_eq!(uploaded.status, 200, "{}", uploaded.body);
    let added: serde_json::Value = serde_json::from_str(&uploaded.body).unwrap();
    assert_eq!(added[0]["name"], "escaped.html", "{added}");
    assert!(!root.parent().unwrap().join("escaped.html").exists());
    assert!(!temp.path().parent().unwrap().join("escaped.html").exists());
    let uploaded_index = added[0]["index"].as_u64().unwrap();
    let entry = get(
        port,
        &format!("/api/audit?from={uploaded_index}&limit=1"),
        &jars["vic"],
    );
    let entry: serde_json::Value = serde_json::from_str(&entry.body).unwrap();
    assert_eq!(entry[0]["by"], "dan", "{entry}");
    assert_eq!(entry[0]["name"], "escaped.html", "{entry}");
    assert!(
        entry[0]["checkpoint"].as_u64().unwrap() > uploaded_index,
        "{entry}"
    );
    let listed = get(port, "/sources", &jars["vic"]);
    assert!(listed.body.contains("escaped.html"));
    assert!(
        !listed.body.contains("<img src=x"),
        "markup in a file name: {}",
        listed.body
    );
    // Uploads through the API, as dan's session.
    let api_upload = |name: &str| {
        let (kind, body) = multipart(&[("kind", "news")], &[("file", name, page.as_bytes())]);
        send(
            port,
            "POST",
            "/api/sources",
            &jars["dan"],
            &[("X-CSRF-Token", &csrf(&jars["dan"]))],
            &kind,
            &body,
        )
    };
    let nameless = api_upload("..");
    assert_eq!(nameless.status, 400, "{}", nameless.body);
    // A script's upload is answered once logged; the workspace reads and
    // resolves it in the background, and the source says when it is done.
    let scripted = api_upload("script.html");
    assert_eq!(scripted.status, 200, "{}", scripted.body);
    let scripted: serde_json::Value = serde_json::from_str(&scripted.body).unwrap();
    let scripted_index = scripted[0]["index"].as_u64().unwrap();
    assert_eq!(
        scripted[0]["same_as"].as_u64(),
        Some(uploaded_index),
        "the same bytes as the form's upload: {scripted}"
    );
    let asked = std::time::Instant::now();
    loop {
        let source = get(
            port,
            &format!("/api/sources/{scripted_index}"),
            &jars["vic"],
        );
        let source: serde_json::Value = serde_json::from_str(&source.body).unwrap();
        if source["resolved"] == true {
            assert_eq!(source["read"], true, "{source}");
            break;
        }
        assert!(
            asked.elapsed() < Duration::from_secs(120),
            "an upload was not read within two minutes: {source}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The viewer marks what was found and the cited span.
    let viewed = get(
        port,
        &format!("/sources/{uploaded_index}?doc=0&field=text&start=0&end=9#cited"),
        &jars["vic"],
    );
    assert!(
        viewed.body.contains("<mark id=\"cited\">Вербовщик</mark>"),
        "{}",
        viewed.body
    );
    let original = get(
        port,
        &format!("/sources/{uploaded_index}/original"),
        &jars["vic"],
    );
    assert_eq!(
        original.header("content-type"),
        Some("application/octet-stream")
    );
    assert!(
        original
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(original.body, page);

    // An API token acts as its account, needs no CSRF token, and stops
    // working when revoked; a wrong one is refused.
    let made = json(&ok(
        &["web-account", "token", "dan", "--label", "import", "--json"],
        &root,
    ));
    let token = made["token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");
    let whoami = request(
        port,
        "GET",
        "/api/session",
        &none,
        &[("Authorization", &bearer)],
        None,
    );
    assert_eq!(whoami.status, 200, "{}", whoami.body);
    assert!(
        whoami.body.contains("\"account\":\"dan\""),
        "{}",
        whoami.body
    );
    let mut wrong = token.clone();
    wrong.replace_range(token.len() - 4.., "AAAA");
    let wrong = request(
        port,
        "GET",
        "/api/session",
        &none,
        &[("Authorization", &format!("Bearer {wrong}"))],
        None,
    );
    assert_eq!(wrong.status, 401);
    let others: Vec<&String> = ids
        .iter()
        .filter(|id| id.starts_with(&format!("T{FOUNDING}.")) && **id != open_record)
        .collect();
    let edited = send(
        port,
        "POST",
        &format!("/api/records/{}/edit", others[0]),
        &none,
        &[("Authorization", &bearer)],
        "application/json",
        br#"{"label": "a label set by a script", "note": "checked against the page"}"#,
    );
    assert_eq!(edited.status, 200, "{}", edited.body);
    let shown = json(&ok(&["record", "show", others[0], "--json"], &root));
    assert_eq!(
        shown["record"]["label"], "a label set by a script",
        "{shown}"
    );
    if others.len() > 1 {
        let merged = send(
            port,
            "POST",
            &format!("/api/records/{}/merge", others[1]),
            &none,
            &[("Authorization", &bearer)],
            "application/json",
            format!("{{\"into\": \"{}\"}}", others[0]).as_bytes(),
        );
        assert_eq!(merged.status, 200, "{}", merged.body);
        let kept = json(&ok(&["record", "show", others[0], "--json"], &root));
        assert!(kept.to_string().contains(others[1].as_str()), "{kept}");
    }
    ok(
        &["web-account", "revoke", "dan", made["id"].as_str().unwrap()],
        &root,
    );
    let revoked = request(
        port,
        "GET",
        "/api/session",
        &none,
        &[("Authorization", &bearer)],
        None,
    );
    assert_eq!(revoked.status, 401, "a revoked token still works");
    // Judging entities: a viewer may not; a documenter's judgement is
    // logged with their name.
    let judged = send(
        port,
        "POST",
        &format!("/api/entities/{open_entity}/not-same"),
        &jars["vic"],
        &[("X-CSRF-Token", &csrf(&jars["vic"]))],
        "application/json",
        format!("{{\"with\": \"{open_entity}\"}}").as_bytes(),
    );
    assert_eq!(judged.status, 403, "{}", judged.body);
    let audit = get(port, "/audit", &jars["vic"]);
    assert!(
        audit.body.contains("escaped.html"),
        "the audit trail lists the upload"
    );

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

#[test]
fn behind_tls_cookies_are_secure_plain_http_is_refused_and_an_oversized_upload_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("case");
    std::fs::create_dir(&root).unwrap();
    ok(&["init", "--origin", "casefile/web-tls-test"], &root);
    account(&root, "dan", "documenter", false);
    let (_server, port) = serve(&root, &["--behind-tls", "--max-upload-mib", "1"]);
    let page = get(port, "/sign-in", &BTreeMap::new());
    let set = page.header("set-cookie").unwrap();
    assert!(set.contains("Secure") && set.contains("HttpOnly"), "{set}");
    assert!(page.header("strict-transport-security").is_some());
    let plain = request(
        port,
        "GET",
        "/sign-in",
        &BTreeMap::new(),
        &[("X-Forwarded-Proto", "http")],
        None,
    );
    assert_eq!(plain.status, 403, "{}", plain.body);
    let mut jar = page.cookies();
    let form = format!(
        "name=dan&password={}&csrf={}&code=",
        encode(&password("dan")),
        csrf_of(&page.body)
    );
    let signed = request(port, "POST", "/sign-in", &jar, &[], Some(&form));
    assert_eq!(signed.status, 303, "{}", signed.body);
    jar = signed
        .cookies()
        .into_iter()
        .filter(|(k, _)| k == "casefile_session")
        .collect();
    let session = request(port, "GET", "/api/session", &jar, &[], None);
    let csrf = serde_json::from_str::<serde_json::Value>(&session.body).unwrap()["csrf"]
        .as_str()
        .unwrap()
        .to_owned();
    let big = vec![b'a'; 1024 * 1024 + 4096];
    let (kind, body) = multipart(
        &[("csrf", &csrf), ("kind", "other")],
        &[("file", "big.txt", &big)],
    );
    let refused = send(port, "POST", "/sources", &jar, &[], &kind, &body);
    assert_eq!(refused.status, 413, "{}", refused.body);
    let listed = request(port, "GET", "/api/sources", &jar, &[], None);
    assert_eq!(listed.body, "[]", "an oversized upload was logged");
    let small = b"a small note\n";
    let (kind, body) = multipart(
        &[("csrf", &csrf), ("kind", "other")],
        &[("file", "small.txt", small)],
    );
    let taken = send(
        port,
        "POST",
        "/sources",
        &jar,
        &[("Accept", "application/json")],
        &kind,
        &body,
    );
    assert_eq!(taken.status, 200, "{}", taken.body);
}
