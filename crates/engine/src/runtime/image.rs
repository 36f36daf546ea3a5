//! Image references, parsed and normalized the way the container runtime
//! sees them.
//!
//! The grammar is distribution/reference's (what docker and containerd use):
//!
//! ```text
//! reference      := name [ ":" tag ] [ "@" digest ]
//! name           := [domain "/"] path-component ["/" path-component]*
//! domain         := domain-component ["." domain-component]* [":" port-number]
//! path-component := [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
//! tag            := [\w][\w.-]{0,127}
//! digest         := algorithm ":" hex
//! ```
//!
//! Normalization follows `ParseNormalizedNamed`: a first component without a
//! `.` or `:` (and not `localhost`, and lowercase) is not a registry, so the
//! image lives on `docker.io`, and single-component Docker Hub names live
//! under `library/`. Errors carry the kubelet's wording for the
//! `InvalidImageName` event (pkg/kubelet/images/image_manager.go,
//! pkg/util/parsers/parsers.go).

use std::fmt;

/// The default registry (`defaultDomain` in distribution/reference).
pub const DEFAULT_DOMAIN: &str = "docker.io";
/// The legacy spelling of the default registry, rewritten to [`DEFAULT_DOMAIN`].
const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
/// Docker Hub's namespace for official images.
const OFFICIAL_REPO_PREFIX: &str = "library/";
/// The tag used when an image names neither tag nor digest.
pub const DEFAULT_TAG: &str = "latest";
/// `NameTotalLengthMax` in distribution/reference.
const NAME_TOTAL_LENGTH_MAX: usize = 255;

/// A parsed, normalized image reference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImageRef {
    /// The registry host (and port), e.g. `docker.io`, `registry.k8s.io`,
    /// `localhost:5000`.
    pub domain: String,
    /// The repository path inside the registry, e.g. `library/nginx`.
    pub path: String,
    /// The tag, if one was written (no default applied).
    pub tag: Option<String>,
    /// The digest (`sha256:...`), if one was written.
    pub digest: Option<String>,
}

/// An image name the runtime cannot parse; the kubelet reports it as the
/// `InvalidImageName` waiting reason with a `Failed` event (`Display` gives
/// that event's message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidImageName {
    /// The image as written in the pod spec.
    pub image: String,
    /// distribution/reference's error, e.g. `invalid reference format`.
    pub reason: String,
}

impl fmt::Display for InvalidImageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Failed to apply default image tag \"{}\": couldn't parse image name \"{}\": {}",
            self.image, self.image, self.reason
        )
    }
}

impl std::error::Error for InvalidImageName {}

impl ImageRef {
    /// The repository name with its registry, e.g. `docker.io/library/nginx`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }

    /// The fully qualified reference with the default tag applied when neither
    /// tag nor digest was given: `docker.io/library/nginx:latest`.
    pub fn normalized(&self) -> String {
        let mut s = self.name();
        match (&self.tag, &self.digest) {
            (None, None) => {
                s.push(':');
                s.push_str(DEFAULT_TAG);
            }
            (tag, digest) => {
                if let Some(t) = tag {
                    s.push(':');
                    s.push_str(t);
                }
                if let Some(d) = digest {
                    s.push('@');
                    s.push_str(d);
                }
            }
        }
        s
    }

    /// The repository name as people write it: `nginx`, `bitnami/redis`,
    /// `registry.k8s.io/pause` (Docker Hub's domain and `library/` dropped).
    pub fn familiar_name(&self) -> String {
        if self.domain == DEFAULT_DOMAIN {
            self.path
                .strip_prefix(OFFICIAL_REPO_PREFIX)
                .filter(|rest| !rest.contains('/'))
                .unwrap_or(&self.path)
                .to_string()
        } else {
            self.name()
        }
    }

    /// The familiar form with the tag and digest as written: `nginx:1.27`,
    /// `nginx` (no default tag added).
    pub fn familiar(&self) -> String {
        let mut s = self.familiar_name();
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(d);
        }
        s
    }

    /// Whether the tag is `latest` or absent with no digest: the case in which
    /// `imagePullPolicy` defaults to `Always` (pkg/apis/core/v1/defaults.go;
    /// parsers.ParseImageName reports `latest` for a bare name).
    pub fn is_latest_or_untagged(&self) -> bool {
        match (&self.tag, &self.digest) {
            (Some(t), _) => t == DEFAULT_TAG,
            (None, None) => true,
            (None, Some(_)) => false,
        }
    }

    /// The tag the runtime resolves: the written tag, or `latest` when neither
    /// tag nor digest was given.
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some(DEFAULT_TAG),
            (None, Some(_)) => None,
        }
    }

    /// The registry host without a port (`localhost:5000` → `localhost`).
    pub fn host(&self) -> &str {
        if let Some(rest) = self.domain.strip_prefix('[') {
            return rest.split(']').next().unwrap_or(rest);
        }
        self.domain.split(':').next().unwrap_or(&self.domain)
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalized())
    }
}

/// Parses an image reference as the kubelet and containerd do
/// (`ParseNormalizedNamed`).
pub fn parse(s: &str) -> Result<ImageRef, InvalidImageName> {
    let err = |reason: String| InvalidImageName {
        image: s.to_string(),
        reason,
    };
    if s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(err(format!(
            "invalid repository name ({s}), cannot specify 64-byte hexadecimal strings"
        )));
    }
    let (domain, remainder) = split_docker_domain(s);
    let remote_name = remainder.split(':').next().unwrap_or(&remainder);
    if remote_name.to_lowercase() != remote_name {
        return Err(err(format!(
            "invalid reference format: repository name ({remote_name}) must be lowercase"
        )));
    }
    let full = format!("{domain}/{remainder}");
    match parse_reference(&full) {
        Ok(r) => {
            if r.digest.is_some() {
                validate_digest(r.digest.as_deref().unwrap_or_default())
                    .map_err(|e| err(e.into()))?;
            }
            Ok(r)
        }
        Err(()) => {
            let reason = if s.is_empty() {
                "repository name must have at least one component"
            } else if parse_reference(&full.to_lowercase()).is_ok() {
                "repository name must be lowercase"
            } else {
                "invalid reference format"
            };
            Err(err(reason.to_string()))
        }
    }
    .and_then(|r| {
        if r.name().len() > NAME_TOTAL_LENGTH_MAX {
            Err(err(format!(
                "repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
            )))
        } else {
            Ok(r)
        }
    })
}

/// `splitDockerDomain` from distribution/reference/normalize.go.
fn split_docker_domain(name: &str) -> (String, String) {
    let (mut domain, mut remainder) = match name.find('/') {
        Some(i) => {
            let first = &name[..i];
            if !first.contains(['.', ':']) && first != "localhost" && first.to_lowercase() == first
            {
                (DEFAULT_DOMAIN.to_string(), name.to_string())
            } else {
                (first.to_string(), name[i + 1..].to_string())
            }
        }
        None => (DEFAULT_DOMAIN.to_string(), name.to_string()),
    };
    if domain == LEGACY_DEFAULT_DOMAIN {
        domain = DEFAULT_DOMAIN.to_string();
    }
    if domain == DEFAULT_DOMAIN && !remainder.contains('/') {
        remainder = format!("{OFFICIAL_REPO_PREFIX}{remainder}");
    }
    (domain, remainder)
}

/// Matches `ReferenceRegexp` against `s`; the domain is optional, as in the
/// regexp, though normalization always supplies one.
fn parse_reference(s: &str) -> Result<ImageRef, ()> {
    let (name_tag, digest) = match s.split_once('@') {
        Some((n, d)) => {
            if !is_digest_syntax(d) {
                return Err(());
            }
            (n, Some(d.to_string()))
        }
        None => (s, None),
    };
    let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_tag[last_slash..].find(':') {
        Some(i) => {
            let t = &name_tag[last_slash + i + 1..];
            if !is_tag(t) {
                return Err(());
            }
            (&name_tag[..last_slash + i], Some(t.to_string()))
        }
        None => (name_tag, None),
    };
    // Try `domain/path` first (the regexp's optional group is greedy), then
    // the whole name as a path.
    if let Some((d, p)) = name.split_once('/') {
        if is_domain(d) && is_path(p) {
            return Ok(ImageRef {
                domain: d.to_string(),
                path: p.to_string(),
                tag,
                digest,
            });
        }
    }
    if is_path(name) {
        return Ok(ImageRef {
            domain: String::new(),
            path: name.to_string(),
            tag,
            digest,
        });
    }
    Err(())
}

fn is_domain_component(c: &str) -> bool {
    let b = c.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|x| x.is_ascii_alphanumeric() || *x == b'-')
}

fn is_domain(d: &str) -> bool {
    let (host, port) = if let Some(rest) = d.strip_prefix('[') {
        let Some((h, after)) = rest.split_once(']') else {
            return false;
        };
        if h.is_empty()
            || !h
                .bytes()
                .all(|x| x.is_ascii_hexdigit() || x == b':' || x == b'.')
        {
            return false;
        }
        match after.strip_prefix(':') {
            Some(p) => return !p.is_empty() && p.bytes().all(|x| x.is_ascii_digit()),
            None => return after.is_empty(),
        }
    } else {
        match d.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (d, None),
        }
    };
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|x| x.is_ascii_digit()) {
            return false;
        }
    }
    host.split('.').all(is_domain_component)
}

fn is_path_component(c: &str) -> bool {
    // [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_path(p: &str) -> bool {
    p.split('/').all(is_path_component)
}

fn is_tag(t: &str) -> bool {
    let b = t.as_bytes();
    let word = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b.iter().all(|x| word(*x) || *x == b'.' || *x == b'-')
}

/// `DigestRegexp`: `[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`.
fn is_digest_syntax(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else {
        return false;
    };
    let alg_ok = alg.split(['-', '_', '+', '.']).all(|c| {
        let b = c.as_bytes();
        !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(|x| x.is_ascii_alphanumeric())
    });
    alg_ok && hex.len() >= 32 && hex.bytes().all(|x| x.is_ascii_hexdigit())
}

/// go-digest's `Digest.Validate` for the algorithms containerd supports.
fn validate_digest(d: &str) -> Result<(), &'static str> {
    let (alg, hex) = d.split_once(':').ok_or("invalid checksum digest format")?;
    let len = match alg {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Err("unsupported digest algorithm"),
    };
    if hex.len() != len {
        return Err("invalid checksum digest length");
    }
    if !hex
        .bytes()
        .all(|x| x.is_ascii_digit() || (b'a'..=b'f').contains(&x))
    {
        return Err("invalid checksum digest format");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> ImageRef {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn bare_name_normalizes_to_docker_hub_library_latest() {
        let r = ok("nginx");
        assert_eq!(r.domain, "docker.io");
        assert_eq!(r.path, "library/nginx");
        assert_eq!(r.tag, None);
        assert_eq!(r.normalized(), "docker.io/library/nginx:latest");
        assert_eq!(r.familiar(), "nginx");
    }

    #[test]
    fn user_repository_keeps_its_namespace() {
        let r = ok("hashicorp/http-echo:1.0");
        assert_eq!(r.normalized(), "docker.io/hashicorp/http-echo:1.0");
        assert_eq!(r.familiar(), "hashicorp/http-echo:1.0");
    }

    #[test]
    fn registry_with_port_is_a_domain() {
        let r = ok("localhost:5000/app:v2");
        assert_eq!(r.domain, "localhost:5000");
        assert_eq!(r.host(), "localhost");
        assert_eq!(r.path, "app");
        assert_eq!(r.tag.as_deref(), Some("v2"));
        let r = ok("registry.k8s.io/e2e-test-images/agnhost:2.39");
        assert_eq!(r.domain, "registry.k8s.io");
        assert_eq!(r.path, "e2e-test-images/agnhost");
        assert_eq!(r.familiar(), "registry.k8s.io/e2e-test-images/agnhost:2.39");
    }

    #[test]
    fn legacy_index_docker_io_is_rewritten() {
        assert_eq!(
            ok("index.docker.io/library/redis:7").normalized(),
            "docker.io/library/redis:7"
        );
        assert_eq!(ok("docker.io/redis").familiar(), "redis");
    }

    #[test]
    fn digest_only_reference_gets_no_default_tag() {
        let d = format!("sha256:{}", "a".repeat(64));
        let r = ok(&format!("nginx@{d}"));
        assert_eq!(r.normalized(), format!("docker.io/library/nginx@{d}"));
        assert!(!r.is_latest_or_untagged());
        let r = ok(&format!("nginx:1.27@{d}"));
        assert_eq!(r.tag.as_deref(), Some("1.27"));
    }

    #[test]
    fn latest_or_missing_tag_means_pull_always() {
        assert!(ok("nginx").is_latest_or_untagged());
        assert!(ok("nginx:latest").is_latest_or_untagged());
        assert!(!ok("nginx:1.27").is_latest_or_untagged());
    }

    #[test]
    fn uppercase_repository_is_invalid_image_name() {
        let e = parse("Nginx").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Failed to apply default image tag \"Nginx\": couldn't parse image name \"Nginx\": \
             invalid reference format: repository name (library/Nginx) must be lowercase"
        );
    }

    #[test]
    fn uppercase_first_component_is_taken_as_a_registry() {
        // splitDockerDomain treats a non-lowercase first component as a host.
        let r = ok("Foo/bar");
        assert_eq!(r.domain, "Foo");
    }

    #[test]
    fn malformed_references_use_distribution_wording() {
        assert_eq!(
            parse("nginx:").unwrap_err().reason,
            "invalid reference format"
        );
        assert_eq!(
            parse("nginx:1.0:2").unwrap_err().reason,
            "invalid reference format"
        );
        assert_eq!(
            parse("my app").unwrap_err().reason,
            "invalid reference format"
        );
        assert_eq!(
            parse("-nginx").unwrap_err().reason,
            "invalid reference format"
        );
        assert_eq!(
            parse("").unwrap_err().reason,
            "repository name must have at least one component"
        );
        assert_eq!(
            parse("nginx@sha256:abc").unwrap_err().reason,
            "invalid reference format"
        );
        let short = format!("nginx@sha256:{}", "a".repeat(40));
        assert_eq!(
            parse(&short).unwrap_err().reason,
            "invalid checksum digest length"
        );
        let hex = "0".repeat(64);
        assert!(parse(&hex)
            .unwrap_err()
            .reason
            .contains("cannot specify 64-byte hexadecimal strings"));
    }

    #[test]
    fn random_image_names_never_panic() {
        const PIECES: &[&str] = &[
            "a",
            "B",
            "/",
            ":",
            "@",
            ".",
            "-",
            "_",
            "__",
            "sha256:",
            "0",
            "[",
            "]",
            "::1",
            "localhost",
            "é",
            " ",
            "latest",
            "docker.io",
            "5000",
        ];
        let mut rng = crate::rng::Rng::stream(3, "fuzz-image");
        for _ in 0..5000 {
            let n = rng.between(0, 8);
            let s: String = (0..n)
                .map(|_| PIECES[rng.below(PIECES.len() as u64) as usize])
                .collect();
            if let Ok(r) = parse(&s) {
                let _ = (r.normalized(), r.familiar(), r.host());
            }
        }
    }

    #[test]
    fn separators_in_path_components_follow_the_grammar() {
        assert!(parse("my_app").is_ok());
        assert!(parse("my__app").is_ok());
        assert!(parse("my---app").is_ok());
        assert!(parse("my.app").is_ok());
        assert!(parse("my___app").is_err());
        assert!(parse("app_").is_err());
    }
}
