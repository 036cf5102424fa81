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

/// Writes every file into `dir` (created if missing). All files are first written under
/// temporary names; only when every one is complete are they renamed into place. On error
/// the temporary files (and a directory this call created) are removed, so nothing is left
/// behind and no existing file is half-replaced.
pub fn write_all(dir: &Path, files: &[RenderedFile]) -> Result<Vec<PathBuf>, Error> {
    let created_dir = !dir.exists();
    fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let staged = files.iter().try_for_each(|file| {
        let target = dir.join(&file.name);
        let temp = dir.join(format!(".{}.ddpl-tmp", file.name));
        let mut f = fs::File::create(&temp).map_err(|e| write_error(&temp, e))?;
        temps.push((temp.clone(), target));
        f.write_all(file.contents.as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| write_error(&temp, e))
    });
    let renamed = staged.and_then(|_| {
        temps.iter().try_for_each(|(temp, target)| {
            fs::rename(temp, target).map_err(|e| write_error(target, e))
        })
    });
    match renamed {
        Ok(()) => Ok(temps.into_iter().map(|(_, target)| target).collect()),
        Err(e) => {
            for (temp, _) in &temps {
                let _ = fs::remove_file(temp);
            }
            if created_dir {
                let _ = fs::remove_dir_all(dir);
            }
            Err(e)
        }
    }
}
