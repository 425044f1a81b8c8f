//! End-to-end tests of `check` and `policies` on CloudFormation/SAM templates and Terraform
//! files (`tests/templates/`), driving the built binary. Each fixture mixes deploy-time values
//! that must stay clean with planted defects that must be found at their place.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure is a test failure"
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iam-policy-ls"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run iam-policy-ls")
}

fn json_out(args: &[&str], dir: &Path) -> (i32, Vec<Value>) {
    let out = run(args, dir);
    let parsed: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (
        out.status.code().unwrap_or(-1),
        parsed.as_array().cloned().unwrap_or_default(),
    )
}

/// A finding as the tests compare it: file, code, 1-based line and column, the text its byte
/// range covers, the policy pointer and the policy type.
fn summarize(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
            let [start, end] = [0, 1].map(|i| f["byteRange"][i].as_u64().unwrap() as usize);
            format!(
                "{} {} {}:{} {:?} {} ({})",
                path.rsplit('/').next().unwrap(),
                f["code"].as_str().unwrap(),
                f["range"]["start"]["line"].as_u64().unwrap() + 1,
                f["range"]["start"]["character"].as_u64().unwrap() + 1,
                &text[start..end],
                f["policyPointer"].as_str().unwrap(),
                f["policyType"].as_str().unwrap(),
            )
        })
        .collect()
}

#[test]
fn planted_defects_are_found_in_every_host_form_and_nothing_else() {
    let (code, findings) = json_out(&["check", "--format", "json", "tests/templates"], &repo_root());
    assert_eq!(code, 1, "errors exit 1");
    let expected = [
        r#"cloudformation.json INVALID_ACTION 35:29 "\"sqs:ReceiveMesage\"" Resources.BuildRole.Properties.Policies[0].PolicyDocument (identity)"#,
        r#"cloudformation.json TYPE_MISMATCH_BOOLEAN 65:63 "\"ture\"" Resources.BuildQueuePolicy.Properties.PolicyDocument (resource)"#,
        r#"cloudformation.yaml INVALID_ACTION 41:21 "s3:GetObjekt" Resources.AppRole.Properties.Policies[0].PolicyDocument (identity)"#,
        r#"cloudformation.yaml INVALID_EFFECT 66:25 "Alow" Resources.AppRole.Properties.Policies[0].PolicyDocument (identity)"#,
        r#"heredoc.tf INVALID_ACTION 9:42 "\"logs:PutLogEvent\"" aws_iam_policy.logs.policy (identity)"#,
        r#"heredoc.tf UNIQUE_SIDS_REQUIRED 37:18 "\"FromTopic\"" aws_sqs_queue_policy.jobs.policy (resource)"#,
        r#"jsonencode.tf INVALID_ACTION 32:37 "\"s3:ListBuckett\"" aws_iam_role_policy.reporter.policy (identity)"#,
        r#"jsonencode.tf TYPE_MISMATCH_DATE 71:46 "\"next-week\"" aws_s3_bucket_policy.reports.policy (resource)"#,
        r#"policy_document.tf INVALID_ACTION 36:7 "\"sqs:SendMessageBatch\"" data.aws_iam_policy_document.worker (identity)"#,
        r#"policy_document.tf INVALID_CONDITION_OPERATOR 93:18 "\"StringEqualz\"" data.aws_iam_policy_document.bucket (resource)"#,
        r#"sam.yaml INVALID_ACTION 29:19 "dynamodb:GetItm" Resources.OrdersFunction.Properties.Policies[3] (identity)"#,
        r#"sam.yaml MISSING_VERSION 42:11 "S" Resources.Workflow.Properties.Policies[1] (identity)"#,
        r#"sam.yaml TYPE_MISMATCH_IP_RANGE 67:33 "192.0.2.300/24" Resources.OrdersApi.Properties.Auth.ResourcePolicy.CustomStatements (resource)"#,
    ];
    assert_eq!(summarize(&findings), expected);
    for f in &findings {
        assert_eq!(f["policyTypeSource"], "template", "{f}");
    }
}

#[test]
fn policy_byte_range_is_the_document_in_the_host() {
    let (_, findings) = json_out(
        &["check", "--format", "json", "tests/templates/cloudformation.yaml"],
        &repo_root(),
    );
    let text = std::fs::read_to_string(repo_root().join("tests/templates/cloudformation.yaml")).unwrap();
    let first = findings.first().expect("a finding");
    let [start, end] = [0, 1].map(|i| first["policyByteRange"][i].as_u64().unwrap() as usize);
    let document = &text[start..end];
    assert!(
        document.starts_with("Version: \"2012-10-17\"\n            Statement:"),
        "{document}"
    );
    assert!(document.ends_with("Resource: !GetAtt OrdersLogGroup.Arn"), "{document}");
}

/// A scratch directory of this test run, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn directory_scan_reads_templates_and_terraform_and_skips_generated_directories() {
    let dir = scratch("scan-hosts");
    let sam = std::fs::read_to_string(repo_root().join("tests/templates/sam.yaml")).unwrap();
    let tf = std::fs::read_to_string(repo_root().join("tests/templates/heredoc.tf")).unwrap();
    for skipped in [".terraform/modules/m", "cdk.out", "node_modules/pkg"] {
        std::fs::create_dir_all(dir.join(skipped)).unwrap();
        std::fs::write(dir.join(skipped).join("template.yml"), &sam).unwrap();
        std::fs::write(dir.join(skipped).join("main.tf"), &tf).unwrap();
    }
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    std::fs::write(dir.join("infra/template.yml"), &sam).unwrap();
    std::fs::write(dir.join("infra/main.tf"), &tf).unwrap();
    // YAML and JSON that are neither templates nor policies are not ours.
    std::fs::write(dir.join("infra/values.yaml"), "replicas: 3\nimage: app:1.0\n").unwrap();
    std::fs::write(dir.join("infra/package.json"), "{\"name\": \"app\"}\n").unwrap();
    // Named like a policy, but an ECR lifecycle policy: skipped when scanning, checked when named.
    let lifecycle = "{\"rules\": [{\"rulePriority\": 1, \"action\": {\"type\": \"expire\"}}]}\n";
    std::fs::write(dir.join("infra/ecr-lifecycle-policy.json"), lifecycle).unwrap();

    let (_, findings) = json_out(&["check", "--format", "json", "."], &dir);
    let mut files: Vec<&str> = findings.iter().filter_map(|f| f["path"].as_str()).collect();
    files.dedup();
    assert_eq!(files, ["./infra/main.tf", "./infra/template.yml"]);

    let (_, listed) = json_out(&["policies", "--format", "json", "."], &dir);
    let mut files: Vec<&str> = listed.iter().filter_map(|f| f["path"].as_str()).collect();
    files.dedup();
    assert_eq!(files, ["./infra/main.tf", "./infra/template.yml"]);

    let (code, named) = json_out(&["check", "--format", "json", "infra/ecr-lifecycle-policy.json"], &dir);
    assert_eq!(code, 1);
    assert!(named.iter().any(|f| f["code"] == "MISSING_STATEMENT"), "{named:?}");
}

#[test]
fn policies_lists_every_document_with_its_type_and_why() {
    let (code, listed) = json_out(&["policies", "--format", "json", "tests/templates"], &repo_root());
    assert_eq!(code, 0);
    let rows: Vec<String> = listed
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {} | {}",
                p["path"].as_str().unwrap().rsplit('/').next().unwrap(),
                p["host"].as_str().unwrap(),
                p["policyPointer"].as_str().unwrap(),
                p["policyType"].as_str().unwrap(),
                p["reason"].as_str().unwrap(),
            )
        })
        .collect();
    let expected = [
        "cloudformation.json cloudformation-json Resources.BuildRole.Properties.AssumeRolePolicyDocument trust | AssumeRolePolicyDocument of AWS::IAM::Role",
        "cloudformation.json cloudformation-json Resources.BuildRole.Properties.Policies[0].PolicyDocument identity | Policies[].PolicyDocument of AWS::IAM::Role",
        "cloudformation.json cloudformation-json Resources.BuildQueuePolicy.Properties.PolicyDocument resource | PolicyDocument of AWS::SQS::QueuePolicy",
        "cloudformation.yaml cloudformation-yaml Resources.AppRole.Properties.AssumeRolePolicyDocument trust | AssumeRolePolicyDocument of AWS::IAM::Role",
        "cloudformation.yaml cloudformation-yaml Resources.AppRole.Properties.Policies[0].PolicyDocument identity | Policies[].PolicyDocument of AWS::IAM::Role",
        "cloudformation.yaml cloudformation-yaml Resources.OrdersBucketPolicy.Properties.PolicyDocument resource | PolicyDocument of AWS::S3::BucketPolicy",
        "heredoc.tf terraform aws_iam_policy.logs.policy identity | policy of aws_iam_policy",
        "heredoc.tf terraform aws_sqs_queue_policy.jobs.policy resource | policy of aws_sqs_queue_policy",
        "jsonencode.tf terraform aws_iam_role.reporter.assume_role_policy trust | assume_role_policy of aws_iam_role",
        "jsonencode.tf terraform aws_iam_role_policy.reporter.policy identity | policy of aws_iam_role_policy",
        "jsonencode.tf terraform aws_s3_bucket_policy.reports.policy resource | policy of aws_s3_bucket_policy",
        "policy_document.tf terraform data.aws_iam_policy_document.assume trust | its json is the assume_role_policy of aws_iam_role",
        "policy_document.tf terraform data.aws_iam_policy_document.worker identity | its json is the policy of aws_iam_role_policy",
        "policy_document.tf terraform data.aws_iam_policy_document.base identity | inferred from content",
        "policy_document.tf terraform data.aws_iam_policy_document.bucket resource | its json is the policy of aws_s3_bucket_policy",
        "sam.yaml cloudformation-yaml Resources.OrdersFunction.Properties.Policies[3] identity | Policies of AWS::Serverless::Function",
        "sam.yaml cloudformation-yaml Resources.Workflow.Properties.Policies[1] identity | Policies of AWS::Serverless::StateMachine",
        "sam.yaml cloudformation-yaml Resources.OrdersApi.Properties.Auth.ResourcePolicy.CustomStatements resource | Auth.ResourcePolicy.CustomStatements of AWS::Serverless::Api",
    ];
    assert_eq!(rows, expected);

    // Ranges are LSP positions of the byte ranges.
    let text = std::fs::read_to_string(repo_root().join("tests/templates/jsonencode.tf")).unwrap();
    let trust = &listed[8];
    let [start, end] = [0, 1].map(|i| trust["byteRange"][i].as_u64().unwrap() as usize);
    assert!(text[start..end].starts_with("jsonencode({"), "{}", &text[start..end]);
    assert!(text[start..end].ends_with("})"), "{}", &text[start..end]);
    let line = text[..start].matches('\n').count() as u64;
    let character = (start - text[..start].rfind('\n').map_or(0, |i| i + 1)) as u64;
    assert_eq!(trust["range"]["start"]["line"].as_u64(), Some(line));
    assert_eq!(trust["range"]["start"]["character"].as_u64(), Some(character));
}

#[test]
fn policies_lists_plain_json_policies_as_whole_files() {
    let dir = scratch("policies-json");
    std::fs::write(
        dir.join("deny-regions.scp.json"),
        "{\"Version\": \"2012-10-17\", \"Statement\": []}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("read.json"),
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}",
    )
    .unwrap();
    let (code, listed) = json_out(&["policies", "--format", "json", "."], &dir);
    assert_eq!(code, 0);
    let rows: Vec<String> = listed
        .iter()
        .map(|p| {
            format!(
                "{} {} [{:?}] {} {} {}",
                p["path"].as_str().unwrap(),
                p["host"].as_str().unwrap(),
                p["policyPointer"].as_str().unwrap(),
                p["policyType"].as_str().unwrap(),
                p["reason"].as_str().unwrap(),
                p["byteRange"],
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            r#"./deny-regions.scp.json json [""] scp file name [0,43]"#,
            r#"./read.json json [""] identity inferred from content [0,104]"#,
        ]
    );
}

#[test]
fn policies_prints_a_table_and_exits_2_on_unreadable_input() {
    let out = run(&["policies", "tests/templates/sam.yaml"], &repo_root());
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[1].contains("LOCATION") && lines[1].contains("POLICY") && lines[1].contains("WHY"),
        "{stdout}"
    );
    let row = lines
        .iter()
        .find(|l| l.contains("Resources.OrdersFunction.Properties.Policies[3]"))
        .expect("the function's inline policy");
    assert!(row.contains("tests/templates/sam.yaml:24:11"), "{row}");
    assert!(
        row.contains("identity") && row.contains("Policies of AWS::Serverless::Function"),
        "{row}"
    );
    assert_eq!(lines.last(), Some(&"3 policies in 1 file"));

    let dir = scratch("policies-unreadable");
    std::fs::write(dir.join("bad.json"), b"{\"Statement\": \"\xff\"}").unwrap();
    let out = run(&["policies", "bad.json", "missing.yaml"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.json: not valid UTF-8"), "{stderr}");
    assert!(stderr.contains("missing.yaml: cannot read file"), "{stderr}");
}

/// README's template examples: each ```console block in the "Policies in templates and
/// Terraform" section is a command and its exact output.
#[test]
fn readme_template_examples_are_the_real_output() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("## Policies in templates and Terraform")
        .expect("README section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut examples = 0;
    for block in section.split("```console\n").skip(1) {
        let block = &block[..block.find("```").expect("closed block")];
        let (command, expected) = block.split_once('\n').expect("a command line");
        let args: Vec<&str> = command
            .strip_prefix("$ iam-policy-ls ")
            .expect("an iam-policy-ls command")
            .split_whitespace()
            .collect();
        let out = run(&args, &repo_root());
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim_end(),
            expected.trim_end(),
            "README example `{command}` is stale"
        );
        examples += 1;
    }
    assert_eq!(examples, 4);
}
