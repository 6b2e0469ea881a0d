//! The web workspace in real headless Chromium, driven over WebDriver by
//! Debian's `chromium-driver` (installed by `.ci/run`): sign in with a
//! one-time code, open the seed and click a highlighted name to its
//! entity, review three proposals with the keyboard, search `Каскад` with
//! the cross-script switch on and off, a viewer's attempt to confirm
//! refused, and an account without clearance shown no testimony.
//! Screenshots of the main screens are kept beside the test's build files.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::web::{Child, account, free_port, password, wait_for};
use common::{FOUNDING, casefile, json, ok};

const WITNESS: &str = "Пелагея Снегирёва";
const SENTENCE: &str = "Нас держали в гараже у автовокзала два дня.";

/// One JSON request to the WebDriver server on `port`.
fn wd(port: u16, method: &str, path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    // The head, then as many bytes as it says (the driver may keep the
    // connection open).
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).unwrap() == 0 {
            break;
        }
        raw.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&raw).to_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok());
    let body = match length {
        Some(n) => {
            let mut body = vec![0u8; n];
            stream.read_exact(&mut body).unwrap();
            String::from_utf8_lossy(&body).into_owned()
        }
        None => {
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest);
            let rest = String::from_utf8_lossy(&rest).into_owned();
            if head.contains("transfer-encoding: chunked") {
                let mut out = String::new();
                let mut tail = rest.as_str();
                while let Some((size, more)) = tail.split_once("\r\n") {
                    let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
                    if n == 0 || more.len() < n {
                        break;
                    }
                    out.push_str(&more[..n]);
                    tail = more.get(n + 2..).unwrap_or("");
                }
                out
            } else {
                rest
            }
        }
    };
    serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
}

/// A browser session.
struct Browser {
    port: u16,
    id: String,
    _driver: Child,
    shots: PathBuf,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    fn start(profile: &Path) -> Option<Browser> {
        let chromium = casefile_testkit::chromium()?;
        let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|p| Path::new(p).exists());
        let Some(driver) = driver else {
            assert!(
                std::env::var_os("CI").is_none(),
                "chromedriver is missing in CI: .ci/run installs chromium-driver"
            );
            casefile_testkit::skipped(
                "chromedriver is not installed (apt install chromium-driver)",
            );
            return None;
        };
        let port = free_port();
        let child = Child(
            std::process::Command::new(driver)
                .arg(format!("--port={port}"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        );
        wait_for(port);
        let created = wd(
            port,
            "POST",
            "/session",
            Some(serde_json::json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium.to_str().unwrap(),
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--window-size=1200,900",
                        format!("--user-data-dir={}", profile.display()),
                    ],
                },
            }}})),
        );
        let id = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {created}"))
            .to_owned();
        let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web");
        std::fs::create_dir_all(&shots).unwrap();
        Some(Browser {
            port,
            id,
            _driver: child,
            shots,
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
        wd(
            self.port,
            method,
            &format!("/session/{}{path}", self.id),
            body,
        )
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", Some(serde_json::json!({ "url": url })));
    }

    fn find(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            Some(serde_json::json!({"using": "css selector", "value": css})),
        );
        found["value"][ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no {css}: {found}"))
            .to_owned()
    }

    fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(serde_json::json!({ "text": text })),
        );
    }

    fn click(&self, css: &str) {
        let element = self.find(css);
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(serde_json::json!({})),
        );
    }

    /// Presses keys on the page (not in a field).
    fn keys(&self, text: &str) {
        let element = self.find("body");
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(serde_json::json!({ "text": text })),
        );
    }

    fn url(&self) -> String {
        self.call("GET", "/url", None)["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The page's source, once a whole page is there (a navigation a
    /// click or key started may still be under way).
    fn source(&self) -> String {
        let mut source = String::new();
        for _ in 0..100 {
            source = self.call("GET", "/source", None)["value"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if source.contains("</body>") {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        source
    }

    /// The page's source once it holds `needle` (a navigation a click
    /// started may still be under way), or after ten seconds as it is.
    fn page_with(&self, needle: &str) -> String {
        let mut source = String::new();
        for _ in 0..100 {
            source = self.source();
            if source.contains(needle) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        source
    }

    /// The page's source once it holds `needle`, waiting up to `seconds`.
    fn wait_with(&self, needle: &str, seconds: u64) -> String {
        let started = std::time::Instant::now();
        loop {
            let source = self.source();
            if source.contains(needle) || started.elapsed().as_secs() >= seconds {
                return source;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn shot(&self, name: &str) {
        let png = self.call("GET", "/screenshot", None);
        let bytes = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            png["value"].as_str().unwrap_or_default(),
        )
        .unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), bytes).unwrap();
    }

    fn sign_in(&self, base: &str, name: &str, code: Option<&str>) {
        self.go(&format!("{base}/sign-in"));
        self.type_into("input[name=name]", name);
        self.type_into("input[name=password]", &password(name));
        if let Some(code) = code {
            self.type_into("input[name=code]", code);
        }
        self.click("button[type=submit]");
    }

    fn sign_out(&self) {
        self.click("nav form button");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        wd(self.port, "DELETE", &format!("/session/{}", self.id), None);
    }
}

/// What the page says of its script, when the review is not focused.
fn self_source_error(browser: &Browser) -> String {
    let probe = browser.call(
        "POST",
        "/execute/sync",
        Some(serde_json::json!({
            "script": "return [document.readyState, document.scripts.length, document.querySelectorAll('tr.record.focused').length, document.querySelectorAll('table.records[data-review]').length].join(' ')",
            "args": [],
        })),
    );
    let logs = browser.call(
        "POST",
        "/se/log",
        Some(serde_json::json!({"type": "browser"})),
    );
    format!("{probe} {logs}")
}

#[test]
fn a_documenter_reviews_in_chromium_and_a_viewer_is_refused_and_shown_no_testimony() {
    let Some(seed) = common::seed_report() else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let Some(browser) = Browser::start(&temp.path().join("profile")) else {
        return;
    };
    let root = temp.path().join("case");
    std::fs::create_dir(&root).unwrap();
    ok(&["init", "--origin", "casefile/browser-web"], &root);
    std::fs::write(
        temp.path().join("statement.txt"),
        format!(
            "Я, {WITNESS}, свидетельствую. Весной 2024 года вербовщик обещал помилование. \
             {SENTENCE} Нас, около 12 человек, били.\n"
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
    let t = FOUNDING;
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
    account(&root, "ana", "documenter", true);
    account(&root, "vic", "viewer", false);
    account(&root, "zed", "viewer", false);
    let enrolled = json(&ok(&["web-account", "totp", "ana", "--json"], &root));
    let secret = casefile_web::totp::from_base32(
        enrolled["uri"]
            .as_str()
            .unwrap()
            .split("secret=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap(),
    )
    .unwrap();

    let port = free_port();
    let _server = Child(
        casefile()
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--require-totp",
            ])
            .current_dir(&root)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(port);
    let base = format!("http://127.0.0.1:{port}");

    // Sign in with the one-time code.
    browser.go(&format!("{base}/sign-in"));
    browser.shot("sign-in");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    browser.sign_in(&base, "ana", Some(&casefile_web::totp::code(&secret, now)));
    let page = browser.page_with("ana (documenter, cleared)");
    assert!(page.contains("ana (documenter, cleared)"), "{page}");
    browser.shot("dashboard");

    // The seed uploaded with the form: each file sent on its own, the
    // page saying what became of it.
    browser.go(&format!("{base}/sources"));
    let input = browser.find("form.upload input[name=file]");
    browser.call(
        "POST",
        &format!("/element/{input}/value"),
        Some(serde_json::json!({ "text": seed.canonicalize().unwrap().to_str().unwrap() })),
    );
    let chosen = browser.call(
        "POST",
        "/execute/sync",
        Some(serde_json::json!({
            "script": "return document.querySelector('form.upload input[name=file]').files.length",
            "args": [],
        })),
    );
    assert_eq!(chosen["value"], 1, "the file was not chosen: {chosen}");
    browser.click("form.upload button[type=submit]");
    let said = browser.wait_with("1 of 1 files sent", 300);
    // The seed comes in through the browser, after the testimony and the
    // witness's entries.
    let seed_index: u64 = said
        .split("added as source #")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the upload was not added: {said}"));
    browser.shot("upload");

    // The seed: a highlighted name leads to its entity.
    browser.go(&format!("{base}/sources/{seed_index}"));
    browser.shot("document");
    browser.click("a.mention");
    assert!(browser.url().contains("/entities/"), "{}", browser.url());
    assert!(browser.source().contains("Mentions"));
    browser.shot("entity");

    // Two people merged from the entity page: one entity after, with the
    // names of both.
    let people = common::json_lines(&ok(
        &["entity", "list", "--kind", "person", "--json"],
        &root,
    ));
    let of_seed: Vec<&serde_json::Value> = people
        .iter()
        .filter(|p| {
            p["id"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{seed_index}."))
        })
        .collect();
    let (kept, other) = (of_seed[0], of_seed[1]);
    browser.go(&format!("{base}/entities/{}", kept["id"].as_str().unwrap()));
    browser.type_into(
        "form[action$='/merge'] input[name=with]",
        other["id"].as_str().unwrap(),
    );
    browser.type_into(
        "form[action$='/merge'] input[name=reason]",
        "the same commander",
    );
    browser.click("form[action$='/merge'] button");
    let merged = browser.wait_with("the same commander", 1).to_owned();
    let merged = if merged.contains("<h2>Names</h2>") {
        merged
    } else {
        browser.page_with("<h2>Names</h2>")
    };
    let other_name = other["name"].as_str().unwrap();
    assert!(
        merged.contains(other_name),
        "{other_name} is not among the names: {merged}"
    );
    assert!(merged.contains(kept["name"].as_str().unwrap()));
    browser.shot("entity-merged");
    // The judgement is in the case as the command line reads it too.
    let now = browser.url();
    let now = now.rsplit('/').next().unwrap();
    let shown = json(&ok(&["entity", "show", now, "--json"], &root));
    assert!(
        shown["names"].to_string().contains(other_name),
        "{other_name} is not a name of E{now}: {shown}"
    );
    browser.go(&format!("{base}/timeline"));
    browser.shot("timeline");
    browser.go(&format!("{base}/report"));
    browser.shot("report");
    browser.go(&format!("{base}/audit"));
    assert!(
        browser.source().contains("entity merge"),
        "the merge is in the audit trail"
    );
    browser.shot("audit");

    // Three proposals reviewed with the keyboard: c confirms the one in
    // focus, and the page comes back to the queue.
    for n in 0..3 {
        browser.go(&format!("{base}/records?status=proposed"));
        let before = browser.page_with("tr class=\"record focused\"");
        assert!(
            before.contains("tr class=\"record focused\""),
            "no focus: {}",
            self_source_error(&browser)
        );
        if n == 0 {
            browser.shot("review");
            browser.keys("j");
            browser.keys("k");
        }
        browser.keys("c");
        let after = browser.page_with("Status: <strong>confirmed</strong>");
        assert!(
            after.contains("Status: <strong>confirmed</strong>"),
            "{after}"
        );
    }
    let confirmed = common::json_lines(&ok(
        &["record", "list", "--status", "confirmed", "--json"],
        &root,
    ));
    assert_eq!(confirmed.len(), 3, "{confirmed:?}");

    // Search across scripts, on and off.
    browser.go(&format!("{base}/search"));
    browser.type_into("input[name=q]", "Каскад");
    browser.click("form[action='/search'] button");
    assert!(browser.source().contains("Cascade"), "{}", browser.source());
    browser.shot("search");
    browser.go(&format!(
        "{base}/search?q=%D0%9A%D0%B0%D1%81%D0%BA%D0%B0%D0%B4&cross=off"
    ));
    assert!(browser.source().contains("0 found"), "{}", browser.source());

    // The testimony, to a cleared account, with its witness by pseudonym.
    browser.go(&format!("{base}/sources/{t}"));
    assert!(browser.source().contains(SENTENCE));
    assert!(!browser.source().contains("Снегирёв"));
    browser.sign_out();

    // An account without a second factor may not sign in where one is
    // required.
    browser.sign_in(&base, "zed", None);
    assert!(
        browser
            .page_with("requires a second factor")
            .contains("requires a second factor"),
        "{}",
        browser.source()
    );

    // A viewer: no review buttons, a confirm it sends anyway is refused,
    // and without clearance no testimony.
    let enrolled = json(&ok(&["web-account", "totp", "vic", "--json"], &root));
    let recovery = enrolled["recovery_codes"][0].as_str().unwrap().to_owned();
    browser.sign_in(&base, "vic", Some(&recovery));
    assert!(
        browser.page_with("vic (viewer)").contains("vic (viewer)"),
        "{}",
        browser.source()
    );
    browser.go(&format!("{base}/records?status=proposed"));
    assert!(
        !browser.source().contains("data-key=\"c\""),
        "a viewer is offered review"
    );
    let record = common::json_lines(&ok(
        &["record", "list", "--status", "proposed", "--json"],
        &root,
    ))[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = browser.call(
        "POST",
        "/execute/async",
        Some(serde_json::json!({
            "script": "const done = arguments[arguments.length - 1];\
                fetch('/api/session').then(r => r.json()).then(s =>\
                fetch('/api/records/' + arguments[0] + '/confirm', {method: 'POST', headers: {'X-CSRF-Token': s.csrf}}))\
                .then(r => done(r.status)).catch(e => done(String(e)));",
            "args": [record],
        })),
    );
    assert_eq!(refused["value"], 403, "{refused}");
    browser.go(&format!("{base}/sources/{t}"));
    assert!(browser.source().contains("403"), "{}", browser.source());
    assert!(!browser.source().contains(SENTENCE));
    browser.shot("refused");
    browser.go(&format!(
        "{base}/search?q=%D0%B3%D0%B0%D1%80%D0%B0%D0%B6%D0%B5"
    ));
    assert!(
        !browser.source().contains("автовокзала"),
        "{}",
        browser.source()
    );
    browser.go(&format!("{base}/"));
    browser.shot("dashboard-viewer");
    assert!(!browser.source().contains("Снегирёв"));
    println!("screenshots in {}", browser.shots.display());
}
