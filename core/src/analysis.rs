//! The one entry point that turns a document into findings: parse, model, policy type, checks.

pub use crate::checks::Depth;
use crate::checks::{self, Context};
use crate::finding::Finding;
use crate::host::{EmbeddedPolicy, Syntax, render};
use crate::json::{self, JsonDocument};
use crate::model::Policy;
use crate::policy_type::{PolicyType, TypeSource};
use crate::span::Span;

/// What the caller knows about the document.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The type given by the user (flag, setting, configuration).
    pub policy_type: Option<PolicyType>,
    /// The file's path or name, for the naming conventions.
    pub path: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub policy_type: PolicyType,
    pub type_source: TypeSource,
}

/// Parses and checks `text` in one go.
pub fn analyze_text(text: &str, options: Options<'_>) -> Analysis {
    let doc = json::parse(text);
    analyze(text, &doc, options)
}

/// Checks an already parsed document.
pub fn analyze(text: &str, doc: &JsonDocument, options: Options<'_>) -> Analysis {
    analyze_to(text, doc, options, Depth::Full)
}

/// Checks an already parsed document with the rules of `depth`.
pub fn analyze_to(text: &str, doc: &JsonDocument, options: Options<'_>, depth: Depth) -> Analysis {
    let policy = Policy::from_json(doc);
    let (policy_type, type_source) = resolve_type(&policy, options);
    let ctx = Context {
        text,
        json: doc,
        policy: &policy,
        policy_type,
        type_is_explicit: type_source != TypeSource::Inferred,
        host: None,
    };
    Analysis {
        findings: checks::run(&ctx, depth),
        policy_type,
        type_source,
    }
}

/// Checks a policy found in a template (`text` is the template). Findings that touch a value
/// only known at deploy time are dropped, and fixes are written in the template's syntax (or
/// dropped when they cannot be).
pub fn analyze_embedded(text: &str, embedded: &EmbeddedPolicy, options: Options<'_>) -> Analysis {
    analyze_embedded_to(text, embedded, options, Depth::Full)
}

/// [`analyze_embedded`] with the rules of `depth`.
pub fn analyze_embedded_to(text: &str, embedded: &EmbeddedPolicy, options: Options<'_>, depth: Depth) -> Analysis {
    let policy = Policy::from_json(&embedded.json);
    let (policy_type, type_source) = resolve_embedded_type(&policy, embedded, options);
    let ctx = Context {
        text,
        json: &embedded.json,
        policy: &policy,
        policy_type,
        type_is_explicit: type_source != TypeSource::Inferred,
        host: Some(embedded),
    };
    let mut findings = checks::run(&ctx, depth);
    findings.retain(|f| !embedded.touches_unknown(f.span));
    let root = embedded.json.root.as_ref();
    for f in &mut findings {
        if embedded.syntax == Syntax::Yaml {
            f.span = without_trailing_comments(text, f.span);
        }
        f.related
            .retain(|r| !r.span.is_empty() || r.span.start != embedded.span.start);
        let fixes = std::mem::take(&mut f.fixes);
        f.fixes = render::fixes(fixes, embedded.syntax, text, root)
            .into_iter()
            .filter(|fix| fix.edits.iter().all(|e| !embedded.touches_unknown(e.span)))
            .collect();
    }
    Analysis {
        findings,
        policy_type,
        type_source,
    }
}

/// The analyses of a template's policies from its last check: a policy whose text, place and
/// given type did not change since is not checked again, its findings are moved to where it
/// now stands. Typing in one of a template's dozen policies re-checks that one.
#[derive(Debug, Default)]
pub struct TemplateCache {
    last: Vec<Cached>,
}

#[derive(Debug)]
struct Cached {
    text: String,
    pointer: String,
    given: Option<PolicyType>,
    /// Findings relative to the policy's start.
    findings: Vec<Finding>,
    policy_type: PolicyType,
    type_source: TypeSource,
}

/// Checks every policy of a template, reusing `cache` (see [`TemplateCache`]).
pub fn analyze_template(
    text: &str,
    policies: &[EmbeddedPolicy],
    options: Options<'_>,
    cache: &mut TemplateCache,
) -> Vec<Analysis> {
    let mut next = Vec::with_capacity(policies.len());
    let mut out = Vec::with_capacity(policies.len());
    for embedded in policies {
        let source = text.get(embedded.span.range()).unwrap_or("");
        // A policy written as one statement stands for `{"Statement": ...}` with its key
        // outside its range: not cached, since its findings are not all within it.
        let cacheable = !embedded.partial;
        let hit = cacheable
            .then(|| {
                cache
                    .last
                    .iter()
                    .position(|c| c.text == source && c.pointer == embedded.pointer && c.given == options.policy_type)
            })
            .flatten();
        let start = embedded.span.start;
        let analysis = match hit {
            Some(i) => {
                let c = cache.last.swap_remove(i);
                let analysis = Analysis {
                    findings: c.findings.iter().map(|f| f.relocated(0, start)).collect(),
                    policy_type: c.policy_type,
                    type_source: c.type_source,
                };
                next.push(c);
                analysis
            }
            None => {
                let analysis = analyze_embedded(text, embedded, options);
                if cacheable {
                    next.push(Cached {
                        text: source.to_owned(),
                        pointer: embedded.pointer.clone(),
                        given: options.policy_type,
                        findings: analysis.findings.iter().map(|f| f.relocated(start, 0)).collect(),
                        policy_type: analysis.policy_type,
                        type_source: analysis.type_source,
                    });
                }
                analysis
            }
        };
        out.push(analysis);
    }
    cache.last = next;
    out
}

/// A YAML block value's span runs on over the blank lines and comment lines after its last
/// item (tree-sitter-yaml counts them in, and completion relies on that); a finding on the
/// value should not underline them.
fn without_trailing_comments(text: &str, span: Span) -> Span {
    let mut end = span.end;
    loop {
        let covered = text.get(span.start..end).unwrap_or("");
        let trimmed = covered.trim_end();
        let last_line = trimmed.rsplit('\n').next().unwrap_or("");
        if last_line.trim_start().starts_with('#') && trimmed.len() > last_line.len() {
            end = span.start + trimmed.len() - last_line.len();
        } else {
            return Span::new(span.start, span.start + trimmed.len());
        }
    }
}

/// The type of an embedded policy: where it stands in the template says it; else given by the
/// user; else inferred.
pub fn resolve_embedded_type(
    policy: &Policy<'_>,
    embedded: &EmbeddedPolicy,
    options: Options<'_>,
) -> (PolicyType, TypeSource) {
    if let Some(from_host) = embedded.policy_type {
        return (from_host, TypeSource::Template);
    }
    if let Some(given) = options.policy_type {
        return (given, TypeSource::Given);
    }
    (PolicyType::infer(policy), TypeSource::Inferred)
}

/// The policy type: given, else from the file name, else inferred from the content.
pub fn resolve_type(policy: &Policy<'_>, options: Options<'_>) -> (PolicyType, TypeSource) {
    if let Some(given) = options.policy_type {
        return (given, TypeSource::Given);
    }
    if let Some(from_name) = options.path.and_then(policy_type_from_file_name) {
        return (from_name, TypeSource::FileName);
    }
    (PolicyType::infer(policy), TypeSource::Inferred)
}

pub use crate::file_names::{is_policy_file_name, policy_type_from_file_name};

/// Whether a JSON document looks like a policy: its top-level object has a `Statement` key.
/// Used to skip other JSON (package.json, tsconfig.json) silently when scanning a repository
/// or when the editor opens a plain `json` document.
pub fn looks_like_policy(doc: &JsonDocument) -> bool {
    doc.root
        .as_ref()
        .and_then(|r| r.value.as_object())
        .is_some_and(|o| o.members.iter().any(|m| m.key.value == "Statement"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_conventions() {
        assert_eq!(
            policy_type_from_file_name("org/deny-regions.scp.json"),
            Some(PolicyType::Scp)
        );
        assert_eq!(
            policy_type_from_file_name("roles/app/trust-policy.json"),
            Some(PolicyType::Trust)
        );
        assert_eq!(
            policy_type_from_file_name("bucket-policy.json"),
            Some(PolicyType::Resource)
        );
        assert_eq!(policy_type_from_file_name("package.json"), None);
        assert!(is_policy_file_name("a/b/read.policy.json"));
        assert!(!is_policy_file_name("tsconfig.json"));
    }

    #[test]
    fn looks_like_policy_needs_statement() {
        assert!(looks_like_policy(&json::parse(r#"{"Statement": []}"#)));
        assert!(!looks_like_policy(&json::parse(r#"{"name": "pkg"}"#)));
    }

    #[test]
    fn given_type_wins() {
        let text =
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#;
        let a = analyze_text(
            text,
            Options {
                policy_type: Some(PolicyType::Scp),
                path: Some("x.trust.json"),
            },
        );
        assert_eq!((a.policy_type, a.type_source), (PolicyType::Scp, TypeSource::Given));
        let a = analyze_text(
            text,
            Options {
                policy_type: None,
                path: Some("x.trust.json"),
            },
        );
        assert_eq!(
            (a.policy_type, a.type_source),
            (PolicyType::Trust, TypeSource::FileName)
        );
        let a = analyze_text(text, Options::default());
        assert_eq!(
            (a.policy_type, a.type_source),
            (PolicyType::Resource, TypeSource::Inferred)
        );
    }
}
