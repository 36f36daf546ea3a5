//! A container filesystem: an ordered map of absolute paths to file contents,
//! plus explicit directories. Parent directories of a file always exist
//! (they are implied), so `mkdir -p` is only needed for empty directories.

use std::collections::{BTreeMap, BTreeSet};

/// Why a filesystem operation failed, worded as busybox prints it after the
/// path (`cat: can't open '/x': No such file or directory`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsError {
    /// `ENOENT`.
    NotFound,
    /// `EISDIR`.
    IsADirectory,
    /// `ENOTDIR`.
    NotADirectory,
    /// `EEXIST`.
    AlreadyExists,
    /// `ENOTEMPTY`.
    NotEmpty,
    /// `ENOSPC`: the container's writable layer is full
    /// ([`MAX_TOTAL_BYTES`], [`MAX_FILE_BYTES`]).
    NoSpace,
}

/// The most bytes one file may hold.
pub const MAX_FILE_BYTES: usize = 16 << 20;
/// The most bytes all files together may hold.
pub const MAX_TOTAL_BYTES: usize = 64 << 20;

impl FsError {
    /// The `strerror` text.
    pub fn message(self) -> &'static str {
        match self {
            FsError::NotFound => "No such file or directory",
            FsError::IsADirectory => "Is a directory",
            FsError::NotADirectory => "Not a directory",
            FsError::AlreadyExists => "File exists",
            FsError::NotEmpty => "Directory not empty",
            FsError::NoSpace => "No space left on device",
        }
    }
}

/// A container's filesystem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerFs {
    files: BTreeMap<String, String>,
    dirs: BTreeSet<String>,
    /// Total bytes in `files`.
    used: usize,
}

/// Normalizes `path` against `cwd` (`.` and `..` resolved, no trailing `/`).
pub fn normalize(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn parent(path: &str) -> Option<&str> {
    if path == "/" {
        return None;
    }
    match path.rfind('/') {
        Some(0) => Some("/"),
        Some(i) => Some(&path[..i]),
        None => None,
    }
}

impl ContainerFs {
    /// An empty filesystem with the usual top-level directories
    /// (`/bin /dev /etc /home /proc /root /tmp /usr /var`).
    pub fn new() -> ContainerFs {
        let mut fs = ContainerFs::default();
        for d in [
            "/", "/bin", "/dev", "/etc", "/home", "/proc", "/root", "/tmp", "/usr", "/var",
        ] {
            fs.dirs.insert(String::from(d));
        }
        fs.files.insert("/dev/null".to_string(), String::new());
        fs
    }

    /// Whether `path` is a regular file.
    pub fn is_file(&self, path: &str) -> bool {
        self.files.contains_key(&normalize("/", path))
    }

    /// Whether `path` is a directory (explicit, or implied by a file under it).
    pub fn is_dir(&self, path: &str) -> bool {
        let p = normalize("/", path);
        if self.dirs.contains(&p) {
            return true;
        }
        let prefix = if p == "/" { p.clone() } else { format!("{p}/") };
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
            || self
                .dirs
                .range(prefix.clone()..)
                .next()
                .is_some_and(|k| k.starts_with(&prefix))
    }

    /// Whether anything exists at `path`.
    pub fn exists(&self, path: &str) -> bool {
        self.is_file(path) || self.is_dir(path)
    }

    /// The contents of the file at `path`.
    pub fn read(&self, path: &str) -> Result<&str, FsError> {
        let p = normalize("/", path);
        match self.files.get(&p) {
            Some(c) => Ok(c),
            None if self.is_dir(&p) => Err(FsError::IsADirectory),
            None => Err(FsError::NotFound),
        }
    }

    fn check_parent(&self, p: &str) -> Result<(), FsError> {
        if self.is_dir(p) {
            return Err(FsError::IsADirectory);
        }
        let mut cur = parent(p);
        while let Some(d) = cur {
            if self.files.contains_key(d) {
                return Err(FsError::NotADirectory);
            }
            cur = parent(d);
        }
        match parent(p) {
            Some(d) if !self.is_dir(d) => Err(FsError::NotFound),
            _ => Ok(()),
        }
    }

    /// Replaces (or creates) the file at `path`; its directory must exist.
    pub fn write(&mut self, path: &str, contents: &str) -> Result<(), FsError> {
        let p = normalize("/", path);
        if p == "/dev/null" {
            return Ok(());
        }
        self.check_parent(&p)?;
        let old = self.files.get(&p).map_or(0, String::len);
        if contents.len() > MAX_FILE_BYTES || self.used - old + contents.len() > MAX_TOTAL_BYTES {
            return Err(FsError::NoSpace);
        }
        self.used = self.used - old + contents.len();
        self.files.insert(p, contents.to_string());
        Ok(())
    }

    /// Appends to (or creates) the file at `path`; its directory must exist.
    pub fn append(&mut self, path: &str, contents: &str) -> Result<(), FsError> {
        let p = normalize("/", path);
        if p == "/dev/null" {
            return Ok(());
        }
        self.check_parent(&p)?;
        let old = self.files.get(&p).map_or(0, String::len);
        if old + contents.len() > MAX_FILE_BYTES || self.used + contents.len() > MAX_TOTAL_BYTES {
            return Err(FsError::NoSpace);
        }
        self.used += contents.len();
        self.files.entry(p).or_default().push_str(contents);
        Ok(())
    }

    /// Writes a file, creating its parent directories: how the kubelet mounts
    /// ConfigMap/Secret keys and writes `/etc/hostname`, `/etc/hosts`.
    pub fn mount_file(&mut self, path: &str, contents: &str) {
        let p = normalize("/", path);
        if let Some(d) = parent(&p) {
            self.mkdir_p(d);
        }
        self.dirs.remove(&p);
        let old = self.files.get(&p).map_or(0, String::len);
        self.used = self.used - old + contents.len();
        self.files.insert(p, contents.to_string());
    }

    /// Creates a directory and its parents (`mkdir -p`).
    pub fn mkdir_p(&mut self, path: &str) {
        let p = normalize("/", path);
        let mut cur = Some(p.as_str());
        while let Some(d) = cur {
            self.dirs.insert(String::from(d));
            cur = parent(d);
        }
    }

    /// Creates one directory (`mkdir`): fails if it exists or its parent does not.
    pub fn mkdir(&mut self, path: &str) -> Result<(), FsError> {
        let p = normalize("/", path);
        if self.exists(&p) {
            return Err(FsError::AlreadyExists);
        }
        match parent(&p) {
            Some(d) if self.is_file(d) => Err(FsError::NotADirectory),
            Some(d) if !self.is_dir(d) => Err(FsError::NotFound),
            _ => {
                self.dirs.insert(p);
                Ok(())
            }
        }
    }

    /// Removes a file, or with `recursive` a directory tree (`rm`, `rm -r`).
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        let p = normalize("/", path);
        if let Some(old) = self.files.remove(&p) {
            self.used -= old.len();
            return Ok(());
        }
        if !self.is_dir(&p) {
            return Err(FsError::NotFound);
        }
        if !recursive {
            return Err(FsError::IsADirectory);
        }
        let prefix = format!("{p}/");
        let mut freed = 0;
        self.files.retain(|k, v| {
            let keep = !k.starts_with(&prefix);
            if !keep {
                freed += v.len();
            }
            keep
        });
        self.used -= freed;
        self.dirs.retain(|k| k != &p && !k.starts_with(&prefix));
        Ok(())
    }

    /// The names directly inside directory `path`, sorted.
    pub fn list_dir(&self, path: &str) -> Result<Vec<String>, FsError> {
        let p = normalize("/", path);
        if self.is_file(&p) {
            return Err(FsError::NotADirectory);
        }
        if !self.is_dir(&p) {
            return Err(FsError::NotFound);
        }
        let prefix = if p == "/" { p.clone() } else { format!("{p}/") };
        let mut names = BTreeSet::new();
        let keys = self.files.keys().chain(self.dirs.iter());
        for k in keys {
            if let Some(rest) = k.strip_prefix(&prefix) {
                if let Some(first) = rest.split('/').next().filter(|s| !s.is_empty()) {
                    names.insert(first.to_string());
                }
            }
        }
        Ok(names.into_iter().collect())
    }

    /// Every file path, sorted (for snapshots and tests).
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_file_can_be_read_back_and_appended() {
        let mut fs = ContainerFs::new();
        fs.write("/tmp/a", "x\n").unwrap();
        fs.append("/tmp/a", "y\n").unwrap();
        assert_eq!(fs.read("/tmp/a"), Ok("x\ny\n"));
    }

    #[test]
    fn writing_into_a_missing_directory_fails() {
        let mut fs = ContainerFs::new();
        assert_eq!(fs.write("/nope/a", "x"), Err(FsError::NotFound));
        fs.mkdir_p("/nope/deeper");
        assert!(fs.write("/nope/a", "x").is_ok());
        assert!(fs.is_dir("/nope/deeper"));
    }

    #[test]
    fn mounted_file_creates_its_directories_and_is_listed() {
        let mut fs = ContainerFs::new();
        fs.mount_file("/etc/config/game.properties", "lives=3\n");
        assert!(fs.is_dir("/etc/config"));
        assert_eq!(fs.list_dir("/etc/config").unwrap(), vec!["game.properties"]);
        assert!(fs.list_dir("/").unwrap().contains(&"etc".to_string()));
    }

    #[test]
    fn recursive_remove_deletes_a_tree() {
        let mut fs = ContainerFs::new();
        fs.mount_file("/data/a/b", "1");
        assert_eq!(fs.remove("/data", false), Err(FsError::IsADirectory));
        fs.remove("/data", true).unwrap();
        assert!(!fs.exists("/data/a/b"));
        assert!(!fs.exists("/data"));
    }

    #[test]
    fn a_full_writable_layer_reports_no_space() {
        let mut fs = ContainerFs::new();
        let mb = "x".repeat(1 << 20);
        for _ in 0..16 {
            fs.append("/tmp/big", &mb).unwrap();
        }
        assert_eq!(fs.append("/tmp/big", "x"), Err(FsError::NoSpace));
        fs.remove("/tmp/big", false).unwrap();
        assert!(fs.write("/tmp/small", "ok").is_ok());
    }

    #[test]
    fn relative_paths_are_normalized() {
        assert_eq!(normalize("/tmp", "../etc/./hosts"), "/etc/hosts");
        assert_eq!(normalize("/", "a/"), "/a");
    }
}
