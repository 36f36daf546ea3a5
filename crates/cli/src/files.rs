//! Files on disk for `kubectl -f` in transcripts.

use kubarium_kubectl::Files;
use std::path::{Path, PathBuf};

/// Files on disk, relative to the transcript's directory.
pub struct DiskFiles {
    /// The transcript's directory.
    pub base: PathBuf,
}

impl DiskFiles {
    fn path(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }
}

impl Files for DiskFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        let full = self.path(path);
        if full.is_dir() {
            return Err(format!("the path \"{path}\" is a directory"));
        }
        std::fs::read_to_string(&full).map_err(|_| format!("the path \"{path}\" does not exist"))
    }
    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        let full = self.path(path);
        let rd = std::fs::read_dir(&full).ok()?;
        let mut v: Vec<String> = rd
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| {
                format!(
                    "{}/{}",
                    path.trim_end_matches('/'),
                    e.file_name().to_string_lossy()
                )
            })
            .collect();
        v.sort();
        Some(v)
    }
}
