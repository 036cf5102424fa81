//! Writing generated files: all or nothing.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::render::RenderedFile;

fn write_error(path: &Path, e: std::io::Error) -> Error {
    Error::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// What `write_all` did with each file, in the order given.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files created or replaced.
    pub written: Vec<PathBuf>,
    /// Files that already held exactly these bytes, left untouched (their mtime too, so that
    /// `make`, file watchers and `terraform`-style tools see no change).
    pub unchanged: Vec<PathBuf>,
}

/// Writes every file into `dir` (created if missing; a name may hold `/`: its directories are
/// created too). All changed files are first written under temporary names; only when every
/// one is complete are they renamed into place. On error the temporary files (and the
/// directories this call created) are removed, so nothing is left behind and no existing file
/// is half-replaced. A file that already holds the same bytes is not written again. Shell
/// scripts (`*.sh`) are made executable.
///
/// The files are not `fsync`ed: that guards against a power cut, not against an error, and
/// cost 0.3 to 0.5 ms per file on ext4 (four files took `cloudformation` from 1.9 ms to
/// 3.3 ms). Generated files are made again from the topology, like a compiler's output.
pub fn write_all(dir: &Path, files: &[RenderedFile]) -> Result<Written, Error> {
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let mut result = Written::default();
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let staged = create_dir(dir, &mut created_dirs).and_then(|()| {
        files.iter().try_for_each(|file| {
            let target = dir.join(&file.name);
            // Any error reading the old file (missing, a directory...) means: write it.
            if fs::read(&target).is_ok_and(|old| old == file.contents.as_bytes()) {
                result.unchanged.push(target);
                return Ok(());
            }
            let parent = target.parent().unwrap_or(dir);
            create_dir(parent, &mut created_dirs)?;
            let file_name = target
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let temp = parent.join(format!(".{file_name}.ddpl-tmp"));
            let mut f = fs::File::create(&temp).map_err(|e| write_error(&temp, e))?;
            temps.push((temp.clone(), target));
            f.write_all(file.contents.as_bytes())
                .map_err(|e| write_error(&temp, e))?;
            if file_name.ends_with(".sh") {
                make_executable(&temp)?;
            }
            Ok(())
        })
    });
    let renamed = staged.and_then(|_| {
        temps.iter().try_for_each(|(temp, target)| {
            fs::rename(temp, target).map_err(|e| write_error(target, e))
        })
    });
    match renamed {
        Ok(()) => {
            result.written = temps.into_iter().map(|(_, target)| target).collect();
            Ok(result)
        }
        Err(e) => {
            for (temp, _) in &temps {
                let _ = fs::remove_file(temp);
            }
            // Innermost first: each was empty but for our temporary files.
            for created in created_dirs.iter().rev() {
                let _ = fs::remove_dir(created);
            }
            Err(e)
        }
    }
}

/// Creates `dir` and its missing parents, recording each one created (outermost first).
fn create_dir(dir: &Path, created: &mut Vec<PathBuf>) -> Result<(), Error> {
    // A relative path ends in "" (the working directory), which exists.
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
        .collect();
    for d in missing.into_iter().rev() {
        fs::create_dir(d).map_err(|e| write_error(d, e))?;
        created.push(d.to_path_buf());
    }
    if dir.is_dir() {
        Ok(())
    } else {
        Err(write_error(
            dir,
            std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        ))
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).map_err(|e| write_error(path, e))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<(), Error> {
    Ok(())
}

/// How the files on disk differ from the files that would be written (`generate --check`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// Files whose contents differ.
    pub differ: Vec<PathBuf>,
    /// Files that would be written but do not exist.
    pub missing: Vec<PathBuf>,
    /// Files in the generated directories that ddpl-gen wrote (they say so in their first
    /// lines) and would not write any more; other files there (a `backend.tf`) are the user's.
    pub stale: Vec<PathBuf>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.differ.is_empty() && self.missing.is_empty() && self.stale.is_empty()
    }
}

/// A file ddpl-gen wrote: its header (within the first lines) says so.
fn generated(path: &Path) -> bool {
    let Ok(bytes) = fs::read(path) else {
        return false;
    };
    let head = &bytes[..bytes.len().min(512)];
    String::from_utf8_lossy(head)
        .lines()
        .take(4)
        .any(|line| line.contains("Generated by ddpl-gen"))
}

/// Compares the files with what `dir` holds, writing nothing. `owned_dirs` are the
/// subdirectories (of `dir`) the files are generated into: a file ddpl-gen generated there
/// that is not among `files` is stale.
pub fn compare(dir: &Path, files: &[RenderedFile], owned_dirs: &[&str]) -> Drift {
    let mut drift = Drift::default();
    for file in files {
        let target = dir.join(&file.name);
        match fs::read(&target) {
            Ok(old) if old == file.contents.as_bytes() => {}
            Ok(_) => drift.differ.push(target),
            Err(_) => drift.missing.push(target),
        }
    }
    for owned in owned_dirs {
        let Ok(entries) = fs::read_dir(dir.join(owned)) else {
            continue;
        };
        let mut stale: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| !files.iter().any(|f| dir.join(&f.name) == *p) && generated(p))
            .collect();
        stale.sort();
        drift.stale.extend(stale);
    }
    drift
}

/// Deletes the stale files of `compare` (generated by ddpl-gen, not generated any more);
/// returns them.
pub fn remove_stale(
    dir: &Path,
    files: &[RenderedFile],
    owned_dirs: &[&str],
) -> Result<Vec<PathBuf>, Error> {
    let stale = compare(dir, files, owned_dirs).stale;
    for path in &stale {
        fs::remove_file(path).map_err(|e| write_error(path, e))?;
    }
    Ok(stale)
}
