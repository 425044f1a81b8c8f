//! Which catalog [`catalog()`] returns: the one a thread's [`Scope`] chose (a project's
//! `catalog` setting, for the duration of one analysis), else the process default
//! ([`set_default`]: the command line's `--catalog`), else the embedded catalog.

use std::cell::Cell;
use std::sync::OnceLock;

use super::{Catalog, embedded};

static DEFAULT: OnceLock<&'static Catalog> = OnceLock::new();

thread_local! {
    static SCOPED: Cell<Option<&'static Catalog>> = const { Cell::new(None) };
}

/// The catalog in force on this thread (see the module docs).
pub fn catalog() -> &'static Catalog {
    if let Some(scoped) = SCOPED.with(Cell::get) {
        return scoped;
    }
    DEFAULT.get_or_init(embedded)
}

/// Makes `catalog` the process default. Only the first call before any use of [`catalog()`]
/// takes effect; false when it came too late.
pub fn set_default(catalog: &'static Catalog) -> bool {
    DEFAULT.set(catalog).is_ok()
}

/// Whether the process default is a catalog given with [`set_default`] rather than the
/// embedded one.
pub fn default_is_custom() -> bool {
    DEFAULT.get().is_some_and(|c| !std::ptr::eq(*c, embedded()))
}

/// The scope for a project's `catalog` setting: `None` when the project sets none, or when the
/// process default was given on the command line, which wins over project settings.
pub fn project_scope(project: Option<&'static Catalog>) -> Option<Scope> {
    project.filter(|_| !default_is_custom()).map(scope)
}

/// Makes `catalog` the one [`catalog()`] returns on this thread until the returned guard is
/// dropped (scopes nest).
pub fn scope(catalog: &'static Catalog) -> Scope {
    Scope {
        previous: SCOPED.with(|s| s.replace(Some(catalog))),
    }
}

/// Restores the previous catalog of the thread when dropped.
#[must_use = "the catalog is in force only while the scope lives"]
#[derive(Debug)]
pub struct Scope {
    previous: Option<&'static Catalog>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        SCOPED.with(|s| s.set(self.previous));
    }
}
