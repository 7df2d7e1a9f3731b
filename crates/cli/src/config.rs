//! Configuration from the environment: the one place that reads it.
//!
//! Flags with an `env` name are resolved by clap; this module reads the rest (credentials, URLs,
//! webhook secrets) into typed values and checks them, naming the variable and the fix.

use anyhow::anyhow;
use secrecy::SecretString;
use url::Url;

use crate::failure::Failure;

/// Loads `.env` from the working directory; variables already set win.
///
/// A line that does not parse is named by its number and the variable it sets, never quoted: it may
/// hold a secret.
pub fn load_dotenv() -> Result<(), Failure> {
    match dotenvy::from_path(".env") {
        Ok(()) => Ok(()),
        Err(dotenvy::Error::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => {
            let text = std::fs::read_to_string(".env").unwrap_or_default();
            Err(Failure::invalid(anyhow!(
                "could not read .env: {}",
                describe_dotenv_error(&e, &text)
            ))
            .hint(
                "each line of .env is NAME=value (quote values with spaces or #); see .env.example",
            ))
        }
    }
}

/// A `.env` error in words that never repeat the line's value.
fn describe_dotenv_error(error: &dotenvy::Error, text: &str) -> String {
    match error {
        dotenvy::Error::LineParse(line, at) => {
            let number = text
                .lines()
                .position(|l| {
                    l.contains(line.as_str()) || line.contains(l.trim()) && !l.trim().is_empty()
                })
                .map_or_else(|| "a line".to_owned(), |i| format!("line {}", i + 1));
            let name = line
                .split('=')
                .next()
                .map(str::trim)
                .filter(|n| {
                    !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                })
                .map(|n| format!(" (setting {n})"))
                .unwrap_or_default();
            format!(
                "{number}{name} is not valid NAME=value syntax (at character {})",
                at + 1
            )
        }
        dotenvy::Error::Io(e) => e.to_string(),
        dotenvy::Error::EnvVar(e) => e.to_string(),
        _ => "it could not be parsed".to_owned(),
    }
}

/// A variable's value, treating empty as unset.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn required(name: &str, what: &str) -> Result<String, Failure> {
    var(name).ok_or_else(|| {
        Failure::invalid(anyhow!("{name} is not set; the cxone backend needs {what}"))
            .hint(format!("set {name} in the environment or in .env (see .env.example), or use --backend local"))
    })
}

/// What the `cxone` backend needs to reach a server.
#[derive(Debug)]
pub struct CxoneSettings {
    /// Where the API lives (`CXONE_BASE_URL`, default `https://{CXONE_ORG_ID}.my.cxone.com`).
    pub base_url: Url,
    /// Where tokens come from (`CXONE_TOKEN_URL`, default `{base}/api/v2/oauth/token`).
    pub token_url: Url,
    /// `CXONE_CLIENT_ID`.
    pub client_id: String,
    /// `CXONE_CLIENT_SECRET`; never printed.
    pub client_secret: SecretString,
}

impl CxoneSettings {
    /// Reads and checks the settings; every missing variable is named.
    pub fn from_env(allow_insecure_http: bool) -> Result<Self, Failure> {
        let base_url = match var("CXONE_BASE_URL") {
            Some(url) => parse_url("CXONE_BASE_URL", &url)?,
            None => {
                let org = required(
                    "CXONE_ORG_ID",
                    "your CXone organisation id (or CXONE_BASE_URL)",
                )?;
                if !org.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                    return Err(Failure::invalid(anyhow!(
                        "CXONE_ORG_ID {org:?} may contain only letters, digits and '-'"
                    )));
                }
                parse_url("CXONE_ORG_ID", &format!("https://{org}.my.cxone.com"))?
            }
        };
        let token_url = match var("CXONE_TOKEN_URL") {
            Some(url) => parse_url("CXONE_TOKEN_URL", &url)?,
            None => join(&base_url, "api/v2/oauth/token")?,
        };
        check_scheme("CXONE_BASE_URL", &base_url, allow_insecure_http)?;
        check_scheme("CXONE_TOKEN_URL", &token_url, allow_insecure_http)?;
        let client_id = required("CXONE_CLIENT_ID", "the API application's client id")?;
        let client_secret = SecretString::from(required(
            "CXONE_CLIENT_SECRET",
            "the API application's client secret",
        )?);
        Ok(Self {
            base_url,
            token_url,
            client_id,
            client_secret,
        })
    }
}

/// `base` with `path` appended, keeping any path prefix the base has.
pub fn join(base: &Url, path: &str) -> Result<Url, Failure> {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    base.join(path)
        .map_err(|e| Failure::invalid(anyhow!("cannot build a URL from {base} and {path}: {e}")))
}

/// Parses a URL from a named setting.
pub fn parse_url(name: &str, text: &str) -> Result<Url, Failure> {
    Url::parse(text).map_err(|e| {
        Failure::invalid(anyhow!("{name} is not a valid URL ({text:?}): {e}"))
            .hint("give a full URL such as https://example.my.cxone.com")
    })
}

/// Only https, or http to a loopback host, unless the user allows plain http explicitly.
pub fn check_scheme(name: &str, url: &Url, allow_insecure_http: bool) -> Result<(), Failure> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http || is_loopback(url) => Ok(()),
        "http" => Err(Failure::invalid(anyhow!(
            "{name} uses plain http to {}; credentials and tokens would travel in clear",
            url.host_str().unwrap_or("?")
        ))
        .hint("use https, or pass --allow-insecure-http if this is a trusted test network")),
        other => Err(Failure::invalid(anyhow!(
            "{name} has scheme {other:?}; use https"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        let ok = |u: &str, allow| check_scheme("X", &Url::parse(u).unwrap(), allow).is_ok();
        assert!(ok("http://127.0.0.1:8089", false));
        assert!(ok("http://localhost:8089", false));
        assert!(ok("http://[::1]:8089", false));
        assert!(ok("https://acme.my.cxone.com", false));
        assert!(!ok("http://acme.my.cxone.com", false));
        assert!(ok("http://acme.my.cxone.com", true));
        assert!(!ok("ftp://127.0.0.1", true));
    }

    #[test]
    fn dotenv_errors_name_the_line_not_its_value() {
        let text = "CXONE_CLIENT_ID=app\nCXONE_CLIENT_SECRET='hunter2-secret\n";
        let error = dotenvy::Error::LineParse("CXONE_CLIENT_SECRET='hunter2-secret".to_owned(), 20);
        let shown = describe_dotenv_error(&error, text);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("line 2"), "{shown}");
        assert!(shown.contains("CXONE_CLIENT_SECRET"), "{shown}");
    }

    #[test]
    fn join_keeps_the_base_path() {
        let base = Url::parse("http://127.0.0.1:1/prefix").unwrap();
        assert_eq!(
            join(&base, "api/v2/oauth/token").unwrap().as_str(),
            "http://127.0.0.1:1/prefix/api/v2/oauth/token"
        );
    }
}
