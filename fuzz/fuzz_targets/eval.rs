//! The evaluator: a request file (`eval::input::load`), whose path-string policies resolve to a
//! second fuzzed text, then `decide` and `explain`. No panic, and both give the same decision.
//! Input: REQUEST, a NUL byte, POLICY (the text every loaded path returns).
#![no_main]

use iam_policy::eval::{CompiledPolicy, Policies, decide, explain, input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (request_text, policy_text) = text.split_once('\0').unwrap_or((text, ""));
    let mut loader = |path: &str| -> Result<(String, std::sync::Arc<str>), String> {
        if path.is_empty() {
            Err("no such file".to_owned())
        } else {
            Ok((path.to_owned(), policy_text.into()))
        }
    };
    let Ok(loaded) = input::load(request_text, "request.json", &mut loader) else {
        return;
    };
    let decision = decide(&loaded.policies, &loaded.request);
    let evaluation = explain(&loaded.policies, &loaded.request);
    assert_eq!(decision, evaluation.decision);

    // The second text as the only identity policy, compiled straight from text.
    let policies = Policies {
        identity: vec![CompiledPolicy::from_text("p", policy_text)],
        ..Policies::default()
    };
    let decision = decide(&policies, &loaded.request);
    assert_eq!(decision, explain(&policies, &loaded.request).decision);
});
