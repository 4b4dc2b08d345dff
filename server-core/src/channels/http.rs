//! The HTTP client deliveries use: one POST per attempt over hyper's client
//! connection, HTTPS through rustls with Mozilla's roots. It resolves the
//! host itself and refuses internal addresses unless private targets are
//! allowed (the SSRF guard), then connects to the address it vetted, so DNS
//! rebinding cannot move it. Connect within 5 s, everything within 15 s, at
//! most 500 bytes of the answer read, redirects never followed.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ::http::{header, HeaderName, HeaderValue, Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// How long connecting (TCP and TLS) may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a whole attempt may take.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(15);

/// How much of an answer is read and kept.
pub const EXCERPT_BYTES: usize = 500;

/// Which targets may be reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Loopback, private, link-local, … addresses and plain `http://`
    /// (`CHANNELS_ALLOW_PRIVATE`).
    pub allow_private: bool,
}

/// What came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// `Retry-After`, in seconds or as a date.
    pub retry_after: Option<Duration>,
    /// The start of the body (at most [`EXCERPT_BYTES`], lossy UTF-8).
    pub excerpt: String,
}

/// Why no answer came.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The URL is not one we send to.
    #[error("{0}")]
    Invalid(String),
    /// The target is internal and private targets are not allowed.
    #[error("{0}")]
    Refused(String),
    /// No connection (DNS, TCP or TLS).
    #[error("cannot connect: {0}")]
    Connect(String),
    /// Connected, but the exchange failed.
    #[error("the connection failed: {0}")]
    Protocol(String),
    /// Over the time allowed.
    #[error("no answer within {} s", TOTAL_TIMEOUT.as_secs())]
    Timeout,
}

/// Whether `ip` is internal: loopback, private, link-local, shared (CGNAT),
/// unique-local, multicast, broadcast, unspecified or documentation.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// A URL we may send to, taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `https` (or `http`).
    pub tls: bool,
    /// The host name or address, without brackets.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The `Host` header.
    pub authority: String,
    /// The path and query.
    pub path: String,
}

/// Checks `url` as a delivery target under `policy`, without resolving it:
/// absolute `https://` (or `http://` where private targets are allowed), no
/// credentials in it, and not an internal address given literally.
pub fn parse(url: &str, policy: Policy) -> Result<Target, SendError> {
    let uri: Uri = url.trim().parse().map_err(|_| SendError::Invalid("is not a valid URL".into()))?;
    let tls = match uri.scheme_str() {
        Some("https") => true,
        Some("http") if policy.allow_private => false,
        Some("http") => return Err(SendError::Invalid("must start with https://".into())),
        _ => return Err(SendError::Invalid("must be an https:// URL".into())),
    };
    let authority = uri.authority().ok_or_else(|| SendError::Invalid("has no host".into()))?;
    if authority.as_str().contains('@') {
        return Err(SendError::Invalid("must not carry a user name or password".into()));
    }
    let host = authority.host().trim_start_matches('[').trim_end_matches(']').to_owned();
    if host.is_empty() {
        return Err(SendError::Invalid("has no host".into()));
    }
    let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
    check_host(&host, policy)?;
    let path = uri.path_and_query().map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    Ok(Target { tls, host, port, authority: authority.as_str().to_owned(), path })
}

/// Refuses `host` under `policy` when it is internal as written (an
/// internal address, `localhost`), before any lookup.
pub fn check_host(host: &str, policy: Policy) -> Result<(), SendError> {
    if policy.allow_private {
        return Ok(());
    }
    let internal = match host.parse::<IpAddr>() {
        Ok(ip) => is_internal(ip),
        Err(_) => host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost"),
    };
    if internal {
        return Err(refused());
    }
    Ok(())
}

fn refused() -> SendError {
    SendError::Refused(
        "the URL points to a private or loopback address, which this server may not reach \
         (CHANNELS_ALLOW_PRIVATE is off)"
            .into(),
    )
}

/// The addresses of `host` this policy allows, resolved once: callers
/// connect to these, never to the name again (DNS rebinding).
pub async fn resolve(host: &str, port: u16, policy: Policy) -> Result<Vec<SocketAddr>, SendError> {
    check_host(host, policy)?;
    let found: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| SendError::Connect(format!("cannot resolve {host}: {e}")))?
            .collect(),
    };
    let allowed: Vec<SocketAddr> = found.into_iter().filter(|a| policy.allow_private || !is_internal(a.ip())).collect();
    if allowed.is_empty() {
        return Err(refused());
    }
    Ok(allowed)
}

/// The TLS settings: Mozilla's roots, TLS 1.2 and 1.3, ring's crypto.
fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("ring supports the default protocol versions")
                .with_root_certificates(roots)
                .with_no_client_auth();
            Arc::new(config)
        })
        .clone()
}

/// POSTs `body` to `url` with `headers`, under `policy`: one attempt, no
/// redirects, at most [`TOTAL_TIMEOUT`].
pub async fn post(
    url: &str,
    headers: &[(HeaderName, String)],
    body: Bytes,
    policy: Policy,
) -> Result<Reply, SendError> {
    let target = parse(url, policy)?;
    match tokio::time::timeout(TOTAL_TIMEOUT, exchange(&target, headers, body, policy)).await {
        Ok(result) => result,
        Err(_) => Err(SendError::Timeout),
    }
}

async fn exchange(
    target: &Target,
    headers: &[(HeaderName, String)],
    body: Bytes,
    policy: Policy,
) -> Result<Reply, SendError> {
    let addrs = resolve(&target.host, target.port, policy).await?;
    let stream = connect(&addrs).await?;
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(target.path.as_str())
        .header(header::HOST, target.authority.as_str())
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, body.len());
    for (name, value) in headers {
        let value = HeaderValue::from_str(value).map_err(|_| SendError::Invalid(format!("bad {name} header")))?;
        request = request.header(name, value);
    }
    let request = request.body(Full::new(body)).map_err(|e| SendError::Invalid(e.to_string()))?;
    if target.tls {
        let name = rustls::pki_types::ServerName::try_from(target.host.clone())
            .map_err(|_| SendError::Invalid("has a host TLS cannot check".into()))?;
        let connector = tokio_rustls::TlsConnector::from(tls_config());
        let tls = tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(name, stream))
            .await
            .map_err(|_| SendError::Connect("TLS handshake timed out".into()))?
            .map_err(|e| SendError::Connect(format!("TLS: {e}")))?;
        round_trip(TokioIo::new(tls), request).await
    } else {
        round_trip(TokioIo::new(stream), request).await
    }
}

/// TCP to the first of `addrs` that answers within [`CONNECT_TIMEOUT`].
async fn connect(addrs: &[SocketAddr]) -> Result<TcpStream, SendError> {
    let mut last = String::from("no address");
    for addr in addrs {
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => last = format!("timed out after {} s", CONNECT_TIMEOUT.as_secs()),
        }
    }
    Err(SendError::Connect(last))
}

async fn round_trip<T>(io: TokioIo<T>, request: Request<Full<Bytes>>) -> Result<Reply, SendError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(io).await.map_err(|e| SendError::Protocol(e.to_string()))?;
    let driver = tokio::spawn(async move {
        // Ends with the exchange (or when the sender is dropped).
        let _ = connection.await;
    });
    let result = async {
        let response = sender.send_request(request).await.map_err(|e| SendError::Protocol(e.to_string()))?;
        let status = response.status().as_u16();
        let retry_after =
            response.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(retry_after);
        let mut body = response.into_body();
        let mut excerpt = Vec::new();
        // Only the start is kept: a huge or endless answer costs nothing more.
        while excerpt.len() < EXCERPT_BYTES {
            match body.frame().await {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        excerpt.extend_from_slice(data);
                    }
                }
                _ => break,
            }
        }
        excerpt.truncate(EXCERPT_BYTES);
        Ok(Reply { status, retry_after, excerpt: String::from_utf8_lossy(&excerpt).into_owned() })
    }
    .await;
    driver.abort();
    result
}

/// `Retry-After`: delay seconds, or an HTTP date (from now).
pub fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.signed_duration_since(chrono::Utc::now()).num_seconds().max(0);
    Some(Duration::from_secs(u64::try_from(wait).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: Policy = Policy { allow_private: false };
    const OPEN: Policy = Policy { allow_private: true };

    #[test]
    fn internal_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn urls_are_checked_before_any_connection() {
        assert!(parse("https://hooks.example.com/x?y=1", STRICT).is_ok());
        assert!(matches!(parse("http://hooks.example.com/x", STRICT), Err(SendError::Invalid(_))));
        assert!(parse("http://127.0.0.1:9/x", OPEN).is_ok());
        assert!(matches!(parse("https://127.0.0.1/x", STRICT), Err(SendError::Refused(_))));
        assert!(matches!(parse("https://[::1]/x", STRICT), Err(SendError::Refused(_))));
        assert!(matches!(parse("https://localhost/x", STRICT), Err(SendError::Refused(_))));
        assert!(matches!(parse("https://user:pw@example.com/x", OPEN), Err(SendError::Invalid(_))));
        assert!(matches!(parse("ftp://example.com/x", OPEN), Err(SendError::Invalid(_))));
        assert!(matches!(parse("not a url", OPEN), Err(SendError::Invalid(_))));
        let target = parse("https://example.com:8443/hook?a=b", STRICT).unwrap();
        assert_eq!(
            (target.port, target.path.as_str(), target.authority.as_str()),
            (8443, "/hook?a=b", "example.com:8443")
        );
    }

    #[tokio::test]
    async fn names_resolving_to_internal_addresses_are_refused() {
        let target = parse("https://localhost.:1/x", STRICT).unwrap();
        assert!(matches!(
            resolve(&target.host, target.port, STRICT).await,
            Err(SendError::Refused(_)) | Err(SendError::Connect(_))
        ));
    }

    /// A one-shot server on loopback that answers every connection with `answer`.
    async fn canned(answer: &'static [u8]) -> u16 {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0_u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(answer).await;
                let _ = socket.shutdown().await;
            }
        });
        port
    }

    #[tokio::test]
    async fn only_the_start_of_an_answer_is_read_and_redirects_are_not_followed() {
        const LONG: &[u8] = b"HTTP/1.1 302 Found\r\nlocation: http://169.254.169.254/\r\nretry-after: 7\r\n\
            content-length: 2000\r\n\r\n";
        let mut answer = LONG.to_vec();
        answer.extend(std::iter::repeat_n(b'x', 2000));
        let port = canned(Box::leak(answer.into_boxed_slice())).await;
        let reply = post(&format!("http://127.0.0.1:{port}/hook"), &[], Bytes::from_static(b"{}"), OPEN).await.unwrap();
        assert_eq!(reply.status, 302);
        assert_eq!(reply.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(reply.excerpt.len(), EXCERPT_BYTES);
        assert_eq!(super::super::classify(&reply).name(), "failed");
    }

    #[tokio::test]
    async fn https_goes_through_tls_and_a_bad_handshake_is_a_connection_error() {
        let port = canned(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
        let err =
            post(&format!("https://127.0.0.1:{port}/hook"), &[], Bytes::from_static(b"{}"), OPEN).await.unwrap_err();
        assert!(matches!(&err, SendError::Connect(m) if m.starts_with("TLS")), "{err:?}");
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let err = post(&format!("http://127.0.0.1:{closed}/"), &[], Bytes::new(), OPEN).await.unwrap_err();
        assert!(matches!(err, SendError::Connect(_)), "{err:?}");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(retry_after("soon"), None);
    }
}
