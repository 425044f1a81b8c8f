use std::time::Instant;
fn main() {
    let _ = iam_policy::catalog::catalog();
    let large = std::fs::read_to_string("tests/corpus/aws-managed/ReadOnlyAccess.json").unwrap();
    let text = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"\"}]}";
    let off = text.find("\"\"}").unwrap() + 1;
    let doc = iam_policy::json::parse(text);
    let t = Instant::now();
    for _ in 0..100 {
        let c = iam_policy::completion::complete(text, &doc, off, iam_policy::PolicyType::Identity);
        assert!(c.items.len() > 400);
    }
    println!("services complete: {:?}/iter", t.elapsed() / 100);
    let text2 = "{\"Statement\": [{\"Effect\": \"Allow\", \"Condition\": {\"StringEquals\": {\"\"}}}]}";
    let off2 = text2.find("\"\"}").unwrap() + 1;
    let doc2 = iam_policy::json::parse(text2);
    let t = Instant::now();
    for _ in 0..100 {
        let c = iam_policy::completion::complete(text2, &doc2, off2, iam_policy::PolicyType::Identity);
        assert!(c.items.len() > 400);
    }
    println!("keys no actions: {:?}/iter", t.elapsed() / 100);
    let tree = iam_policy::syntax::parse_tree(&large).unwrap();
    let t = Instant::now();
    for _ in 0..20 {
        let d = iam_policy::json::build(&large, &tree);
        std::hint::black_box(d);
    }
    println!("json build large ({} bytes): {:?}", large.len(), t.elapsed() / 20);
    let d = iam_policy::json::build(&large, &tree);
    let t = Instant::now();
    for _ in 0..20 {
        let m = iam_policy::model::Policy::from_json(&d);
        let ty = iam_policy::PolicyType::infer(&m);
        std::hint::black_box(ty);
    }
    println!("model+infer large: {:?}", t.elapsed() / 20);
}
