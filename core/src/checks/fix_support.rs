//! Test helper: applying a finding's fix to the text.

use super::test_support::all_findings;
use crate::policy_type::PolicyType;

/// The text after applying the first fix of the first `code` finding, or `None` when there is
/// no such finding or it has no fix.
pub fn apply_fix(text: &str, policy_type: PolicyType, code: &str) -> Option<String> {
    let finding = all_findings(text, policy_type).into_iter().find(|f| f.code == code)?;
    let fix = finding.fixes.into_iter().next()?;
    let mut edits = fix.edits;
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_owned();
    for edit in edits {
        out.replace_range(edit.span.range(), &edit.new_text);
    }
    Some(out)
}
