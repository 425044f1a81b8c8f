//! Which risk findings a project wants, and the forbidden access it lists: taken from its
//! `.iam-policy-ls.toml` (and `check --risk`/`--forbid`) and put in force on a thread for the
//! duration of an analysis, as the project's catalog is (`crate::catalog::project_scope`).

use super::{Forbidden, RiskKind};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The risk settings of a project. The default reports escalation and public access, and no
/// exposure category.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskSettings {
    /// Every kind on (`check --risk all`, `[risk] all = true`).
    pub all: bool,
    /// Kinds off by default that the project turns on.
    pub enabled: BTreeSet<RiskKind>,
    /// Access no policy may grant.
    pub forbid: Vec<Forbidden>,
}

impl RiskSettings {
    pub fn is_on(&self, kind: RiskKind) -> bool {
        self.all || !kind.off_by_default() || self.enabled.contains(&kind)
    }
}

thread_local! {
    static SCOPED: RefCell<Option<Arc<RiskSettings>>> = const { RefCell::new(None) };
}

/// The settings in force on this thread: the innermost [`scope`]'s, else the defaults.
pub fn settings() -> Arc<RiskSettings> {
    SCOPED
        .with(|s| s.borrow().clone())
        .unwrap_or_else(|| Arc::new(RiskSettings::default()))
}

/// Puts `settings` in force on this thread until the returned guard is dropped (scopes nest).
pub fn scope(settings: Arc<RiskSettings>) -> Scope {
    Scope {
        previous: SCOPED.with(|s| s.replace(Some(settings))),
    }
}

/// Restores the previous settings of the thread when dropped.
#[must_use = "the settings are in force only while the scope lives"]
#[derive(Debug)]
pub struct Scope {
    previous: Option<Arc<RiskSettings>>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        SCOPED.with(|s| *s.borrow_mut() = previous);
    }
}
