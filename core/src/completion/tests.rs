//! Cursor-marker tests: `<CURSOR>` marks the offset; the marker is removed before parsing.

use super::*;
use crate::json;

fn at(marked: &str, policy_type: PolicyType) -> (String, Completion) {
    let offset = marked.find("<CURSOR>").expect("a <CURSOR> marker");
    let text = marked.replacen("<CURSOR>", "", 1);
    let doc = json::parse(&text);
    let c = complete(&text, &doc, offset, policy_type);
    (text, c)
}

fn complete_at(marked: &str) -> (String, Completion) {
    at(marked, PolicyType::Identity)
}

fn labels(c: &Completion) -> Vec<&str> {
    c.items.iter().map(|i| i.label.as_str()).collect()
}

/// The text each item replaces (all items replace the same span).
fn replaced<'t>(text: &'t str, c: &Completion) -> &'t str {
    let span = c.items.first().expect("some items").span;
    assert!(c.items.iter().all(|i| i.span == span));
    &text[span.range()]
}

#[test]
fn top_level_keys_skip_present_ones() {
    let (text, c) = complete_at("{\n  \"Version\": \"2012-10-17\",\n  \"<CURSOR>\"\n}");
    assert_eq!(c.context, Context::TopLevelKey);
    assert_eq!(labels(&c), ["Statement", "Id"]);
    assert_eq!(replaced(&text, &c), "\"\"");
    assert!(
        c.items[0].insert_text.starts_with("\"Statement\": [\n\t{"),
        "{}",
        c.items[0].insert_text
    );
    assert!(c.items[0].is_snippet);
    assert_eq!(c.items[0].filter_text, "\"Statement\"");
}

#[test]
fn top_level_key_in_empty_object_and_without_quote() {
    let (text, c) = complete_at("{<CURSOR>}");
    assert_eq!(c.context, Context::TopLevelKey);
    assert_eq!(labels(&c), ["Version", "Statement", "Id"]);
    assert_eq!(replaced(&text, &c), "");
    assert_eq!(c.items[0].insert_text, "\"Version\": \"2012-10-17\"");
}

#[test]
fn version_value() {
    let (text, c) = complete_at("{\"Version\": \"20<CURSOR>");
    assert_eq!(c.context, Context::Version);
    assert_eq!(labels(&c), ["2012-10-17", "2008-10-17"]);
    assert_eq!(replaced(&text, &c), "\"20");
    let (_, c) = complete_at("{\"Version\": <CURSOR>}");
    assert_eq!(c.context, Context::Version);
    assert_eq!(c.items[0].insert_text, "\"2012-10-17\"");
}

#[test]
fn statement_keys_by_policy_type_and_presence() {
    let doc = "{\"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": \"s3:*\", \"<CURSOR>\"}]}";
    let (_, c) = complete_at(doc);
    assert_eq!(c.context, Context::StatementKey);
    assert_eq!(labels(&c), ["Resource", "Condition", "Sid", "NotResource"]);
    let (_, c) = at(doc, PolicyType::Resource);
    // NotPrincipal only with Deny: with Allow it grants everyone not listed.
    assert_eq!(labels(&c), ["Resource", "Condition", "Principal", "Sid", "NotResource"]);
    let (_, c) = at(&doc.replace("Allow", "Deny"), PolicyType::Resource);
    assert_eq!(
        labels(&c),
        [
            "Resource",
            "Condition",
            "Principal",
            "Sid",
            "NotResource",
            "NotPrincipal"
        ]
    );
    let (_, c) = at(doc, PolicyType::Scp);
    assert!(!labels(&c).contains(&"Principal"));
}

#[test]
fn statement_key_being_typed_unterminated_with_missing_comma() {
    let (text, c) = complete_at("{\"Statement\": [{\"Effect\": \"Allow\"\n \"Ac<CURSOR>\n");
    assert_eq!(c.context, Context::StatementKey);
    assert_eq!(labels(&c), ["Action", "NotAction"]);
    assert_eq!(replaced(&text, &c), "\"Ac");
    assert_eq!(c.items[0].insert_text, "\"Action\": \"$1\"");
}

#[test]
fn statement_key_with_value_keeps_the_value() {
    let (text, c) = complete_at("{\"Statement\": {\"Eff<CURSOR>\": \"Allow\"}}");
    assert_eq!(c.context, Context::StatementKey);
    assert_eq!(labels(&c), ["Effect"]);
    assert_eq!(replaced(&text, &c), "\"Eff\"");
    assert_eq!(c.items[0].insert_text, "\"Effect\"");
    assert!(!c.items[0].is_snippet);
}

#[test]
fn effect_values_in_string_and_empty_slot() {
    let (text, c) = complete_at("{\"Statement\": [{\"Effect\": \"<CURSOR>\"}]}");
    assert_eq!(c.context, Context::Effect);
    assert_eq!(labels(&c), ["Allow", "Deny"]);
    assert_eq!(replaced(&text, &c), "\"\"");
    let (text, c) = complete_at("{\"Statement\": [{\"Effect\": <CURSOR>");
    assert_eq!(labels(&c), ["Allow", "Deny"]);
    assert_eq!(replaced(&text, &c), "");
    let (_, c) = complete_at("{\"Statement\": [{\"Effect\": \"d<CURSOR>");
    assert_eq!(labels(&c), ["Deny"]);
    assert!(c.is_incomplete);
}

#[test]
fn action_services_first_then_the_services_actions() {
    let (text, c) = complete_at("{\"Statement\": [{\"Action\": \"<CURSOR>\"}]}");
    assert_eq!(c.context, Context::Action);
    assert!(c.is_incomplete);
    assert_eq!(&labels(&c)[..3], ["iam:", "sts:", "s3:"]);
    assert_eq!(replaced(&text, &c), "\"\"");
    assert_eq!(c.items[2].insert_text, "\"s3:$0\"");
    assert_eq!(c.items[2].detail, "Amazon S3");
    // The most used services until a letter is typed.
    assert_eq!(c.items.len(), UNTYPED_SERVICES + 1);
    assert_eq!(c.items.last().unwrap().label, "*");
    let (_, c) = complete_at("{\"Statement\": [{\"Action\": \"s<CURSOR>\"}]}");
    assert_eq!(&labels(&c)[..3], ["sts:", "s3:", "sqs:"]);
    let starting_with_s = crate::catalog::catalog()
        .services()
        .filter(|s| s.prefix().starts_with('s'))
        .count();
    assert!(c.items.len() > starting_with_s, "prefix and substring matches");

    let (text, c) = complete_at("{\"Statement\": [{\"Action\": [\"s3:GetObject\", \"s3:Get<CURSOR>\"]}]}");
    assert_eq!(c.context, Context::Action);
    assert_eq!(replaced(&text, &c), "\"s3:Get\"");
    let l = labels(&c);
    assert_eq!(l[0], "s3:Get*");
    assert!(c.items[0].detail.ends_with(" actions"));
    assert!(l.contains(&"s3:GetObject"));
    let get = c.items.iter().find(|i| i.label == "s3:GetObject").unwrap();
    assert_eq!(get.detail, "Read");
    assert_eq!(get.insert_text, "\"s3:GetObject\"");
    assert_eq!(get.filter_text, "\"s3:GetObject\"");
    assert!(get.documentation.contains("**s3:GetObject** (Read)"));
    // Only prefix and substring matches of the name.
    assert!(l.iter().skip(1).all(|x| x.to_ascii_lowercase().contains("get")));
}

#[test]
fn action_unterminated_string_in_not_action_and_wildcards() {
    let (text, c) = complete_at("{\"Statement\": [{\"NotAction\": \"s3:<CURSOR>\n");
    assert_eq!(c.context, Context::Action);
    assert_eq!(replaced(&text, &c), "\"s3:");
    assert_eq!(c.items[0].label, "s3:*");
    let n = crate::catalog::catalog().service("s3").unwrap().actions().len();
    assert_eq!(c.items[0].detail, format!("{n} actions"));
    // The typed name as a wildcard, after the exact-prefix actions.
    let (_, c) = complete_at("{\"Statement\": [{\"Action\": \"s3:GetObjectT<CURSOR>\"}]}");
    let l = labels(&c);
    assert_eq!(l[0], "s3:GetObjectTagging");
    assert!(l.contains(&"s3:GetObjectT*"), "{l:?}");
    // Unknown services offer nothing but ask again.
    let (_, c) = complete_at("{\"Statement\": [{\"Action\": \"nosuch:<CURSOR>\"}]}");
    assert!(c.items.is_empty() && c.is_incomplete);
}

#[test]
fn action_verbs() {
    assert_eq!(actions::verb_of("GetObject"), "Get");
    assert_eq!(actions::verb_of("ListAllMyBuckets"), "List");
    assert_eq!(actions::verb_of("Foo"), "Foo");
}

#[test]
fn resources_from_the_statements_actions() {
    let (text, c) = complete_at(
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": [\"<CURSOR>\"]}]}",
    );
    assert_eq!(c.context, Context::Resource);
    assert_eq!(replaced(&text, &c), "\"\"");
    let l = labels(&c);
    assert_eq!(l[0], "*");
    assert_eq!(l[1], "arn:${Partition}:s3:::${BucketName}/${ObjectName}");
    assert_eq!(
        c.items[1].insert_text,
        "\"arn:${1:aws}:s3:::${2:BucketName}/${3:ObjectName}\""
    );
    assert!(l.contains(&"arn:aws:"));
    assert!(l.contains(&"arn:aws-cn:"));
    // Typing the ARN filters: the types whose service starts so, continuing what is typed.
    let (_, c) = complete_at("{\"Statement\": [{\"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s<CURSOR>");
    assert_eq!(labels(&c), ["object", "accesspointobject"]);
    assert_eq!(
        c.items[0].insert_text,
        "\"arn:aws:s3:::${1:BucketName}/${2:ObjectName}\""
    );
}

#[test]
fn resources_without_actions_by_the_typed_service() {
    let (_, c) = complete_at("{\"Statement\": [{\"Resource\": \"arn:aws:sqs:<CURSOR>\"}]}");
    // The regions first (the cursor is in the region field), then the queue.
    let queue = c.items.last().unwrap();
    assert_eq!(queue.label, "queue");
    assert_eq!(
        queue.insert_text,
        "\"arn:aws:sqs:${1:Region}:${2:Account}:${3:QueueName}\""
    );
}

/// The one item labelled `label`.
fn item<'c>(c: &'c Completion, label: &str) -> &'c Item {
    c.items
        .iter()
        .find(|i| i.label == label)
        .unwrap_or_else(|| panic!("no {label} in {:?}", labels(c)))
}

#[test]
fn partly_typed_arn_continues_the_object_template() {
    let (text, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::my-bucket/<CURSOR>\"}]}",
    );
    assert_eq!(c.context, Context::Resource);
    assert_eq!(labels(&c), ["object"]);
    assert_eq!(replaced(&text, &c), "\"arn:aws:s3:::my-bucket/\"");
    let object = &c.items[0];
    assert_eq!(object.insert_text, "\"arn:aws:s3:::my-bucket/${1:ObjectName}\"");
    assert_eq!(object.detail, "arn:aws:s3:::my-bucket/${ObjectName}");
    // The client filters by what is typed: the filter text starts with it.
    assert_eq!(object.filter_text, "\"arn:aws:s3:::my-bucket/ObjectName\"");
    assert!(
        object
            .filter_text
            .starts_with(&text[object.span.start..object.span.end - 1])
    );
    // The typed text is in every item: the editor must ask again as it changes.
    assert!(c.is_incomplete);
}

#[test]
fn partly_typed_arn_finishes_a_literal_of_the_template() {
    let (text, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"iam:PassRole\", \"Resource\": \"arn:aws:iam::123456789012:ro<CURSOR>\"}]}",
    );
    assert_eq!(labels(&c), ["role"]);
    assert_eq!(replaced(&text, &c), "\"arn:aws:iam::123456789012:ro\"");
    assert_eq!(
        c.items[0].insert_text,
        "\"arn:aws:iam::123456789012:role/${1:RoleNameWithPath}\""
    );
    // The resource part may hold colons: `log-group:g:` is followed by `log-stream:`.
    let (_, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"logs:PutLogEvents\", \"Resource\": \"arn:aws:logs:us-east-1:123456789012:log-group:g:<CURSOR>\"}]}",
    );
    assert_eq!(
        c.items[0].insert_text,
        "\"arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:${1:LogStreamName}\""
    );
    // A policy variable may fill a field, colon and all.
    let (_, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"iam:PassRole\", \"Resource\": \"arn:aws:iam::${aws:PrincipalAccount}:<CURSOR>\"}]}",
    );
    assert_eq!(
        c.items[0].insert_text,
        "\"arn:aws:iam::\\${aws:PrincipalAccount\\}:role/${1:RoleNameWithPath}\""
    );
}

#[test]
fn partly_typed_arn_leaves_out_types_that_cannot_match() {
    // `user/` is not the start of `role/`; a user ARN fits iam:GetUser, not iam:PassRole.
    let doc = "{\"Statement\": [{\"Action\": [\"iam:PassRole\", \"iam:GetUser\"], \"Resource\": \"arn:aws:iam::123456789012:<CURSOR>\"}]}";
    let (_, c) = complete_at(doc);
    assert!(labels(&c).contains(&"role") && labels(&c).contains(&"user"));
    let (_, c) = complete_at(&doc.replace(":<CURSOR>", ":us<CURSOR>"));
    assert_eq!(labels(&c), ["user"]);
    // An S3 bucket has no region: `arn:aws:s3:us-east-1:` leaves only the access point object.
    let (_, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:us-east-1:<CURSOR>\"}]}",
    );
    assert_eq!(labels(&c), ["accesspointobject"]);
    // Another service's ARN: nothing.
    let (_, c) =
        complete_at("{\"Statement\": [{\"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:sqs:<CURSOR>\"}]}");
    assert!(c.items.is_empty());
    // A whole bucket ARN has nothing left to write; the object continues it.
    let (_, c) = complete_at(
        "{\"Statement\": [{\"Action\": [\"s3:ListBucket\", \"s3:GetObject\"], \"Resource\": \"arn:aws:s3:::b<CURSOR>\"}]}",
    );
    assert_eq!(labels(&c), ["object"]);
}

#[test]
fn partly_typed_arn_in_an_unterminated_string() {
    let (text, c) =
        complete_at("{\"Statement\": [{\"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b<CURSOR>");
    assert_eq!(labels(&c), ["object"]);
    assert_eq!(replaced(&text, &c), "\"arn:aws:s3:::b");
    // The item closes the string.
    assert_eq!(c.items[0].insert_text, "\"arn:aws:s3:::b/${1:ObjectName}\"");
    assert_eq!(c.items[0].plain_text(), "\"arn:aws:s3:::b/ObjectName\"");
}

#[test]
fn partly_typed_arn_region_field_lists_the_partitions_regions() {
    let (text, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"ec2:TerminateInstances\", \"Resource\": \"arn:aws:ec2:<CURSOR>\"}]}",
    );
    assert_eq!(replaced(&text, &c), "\"arn:aws:ec2:\"");
    let l = labels(&c);
    assert_eq!(&l[..2], ["af-south-1", "ap-east-1"]);
    assert!(l.contains(&"us-east-1") && !l.contains(&"cn-north-1"), "{l:?}");
    let east = item(&c, "us-east-1");
    assert_eq!(east.detail, "region (aws)");
    // One type has a region here: the region item writes the rest of its ARN.
    assert_eq!(
        east.insert_text,
        "\"arn:aws:ec2:us-east-1:${1:Account}:instance/${2:InstanceId}\""
    );
    // The instance template itself after the regions.
    assert_eq!(l.last(), Some(&"instance"));
    // A partly typed region, in another partition.
    let (_, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"ec2:RunInstances\", \"Resource\": \"arn:aws-cn:ec2:cn-n<CURSOR>\"}]}",
    );
    assert_eq!(labels(&c), ["cn-north-1", "cn-northwest-1"]);
    // Several types: the region item stops after its colon.
    assert_eq!(c.items[0].insert_text, "\"arn:aws-cn:ec2:cn-north-1:$0\"");
    assert_eq!(c.items[0].filter_text, "\"arn:aws-cn:ec2:cn-north-1:\"");
    // No region field in any template (IAM): no regions.
    let (_, c) =
        complete_at("{\"Statement\": [{\"Action\": \"iam:PassRole\", \"Resource\": \"arn:aws:iam:<CURSOR>\"}]}");
    assert_eq!(labels(&c), ["role"]);
    assert_eq!(
        c.items[0].insert_text,
        "\"arn:aws:iam::${1:Account}:role/${2:RoleNameWithPath}\""
    );
}

#[test]
fn partly_typed_arn_account_field_offers_the_documents_accounts() {
    let doc = "{\"Statement\": [
        {\"Action\": \"sts:AssumeRole\", \"Resource\": \"arn:aws:iam::222233334444:role/a\"},
        {\"Action\": \"sqs:SendMessage\", \"Resource\": \"arn:aws:sqs:us-east-1:<CURSOR>\"}
    ], \"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": [\"111122223333\", \"111122223333\", \"1234567890123\"]}}}";
    let (text, c) = complete_at(doc);
    assert_eq!(replaced(&text, &c), "\"arn:aws:sqs:us-east-1:\"");
    // Most used first; a 13-digit number is no account ID.
    assert_eq!(labels(&c), ["111122223333", "222233334444", "queue"]);
    assert_eq!(
        c.items[0].insert_text,
        "\"arn:aws:sqs:us-east-1:111122223333:${1:QueueName}\""
    );
    assert_eq!(c.items[0].detail, "account in this document");
    assert!(c.items[0].documentation.contains("2 times"));
    // A partly typed account narrows them; it is not written into the queue's ARN as is.
    let (_, c) = complete_at(&doc.replace("us-east-1:<CURSOR>", "us-east-1:2222<CURSOR>"));
    assert_eq!(labels(&c), ["222233334444"]);
    // The account being typed is not counted as one from elsewhere.
    let (_, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"iam:PassRole\", \"Resource\": \"arn:aws:iam::123456789012<CURSOR>\"}]}",
    );
    assert_eq!(labels(&c), ["role"]);
    assert_eq!(
        c.items[0].insert_text,
        "\"arn:aws:iam::123456789012:role/${1:RoleNameWithPath}\""
    );
}

#[test]
fn partly_typed_partition() {
    // `arn:` alone: every template (the partition a tab stop) and the partitions, as before.
    let (_, c) = complete_at("{\"Statement\": [{\"Action\": \"s3:GetObject\", \"Resource\": \"arn:<CURSOR>\"}]}");
    let l = labels(&c);
    assert_eq!(&l[..3], ["object", "accesspointobject", "arn:aws:"]);
    assert_eq!(
        c.items[0].insert_text,
        "\"arn:${1:aws}:s3:::${2:BucketName}/${3:ObjectName}\""
    );
    // Half a partition: the partitions finish it, no template runs on from `arn:aw`.
    let (_, c) = complete_at("{\"Statement\": [{\"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws-c<CURSOR>\"}]}");
    assert_eq!(labels(&c), ["arn:aws-cn:"]);
}

#[test]
fn variables_after_dollar_brace() {
    let (text, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/${aws:user<CURSOR>\"}]}",
    );
    assert_eq!(c.context, Context::Variable);
    assert_eq!(labels(&c), ["${aws:username}", "${aws:userid}"]);
    assert_eq!(replaced(&text, &c), "aws:user");
    assert_eq!(c.items[0].insert_text, "aws:username\\}");
    assert_eq!(c.items[0].filter_text, "aws:username");
    // An existing `}` is replaced, not doubled.
    let (text, c) = complete_at("{\"Statement\": [{\"Resource\": \"arn:aws:s3:::b/${<CURSOR>aws:x}/*\"}]}");
    assert_eq!(replaced(&text, &c), "aws:x}");
    // Tag keys are placeholders.
    let tag = c
        .items
        .iter()
        .find(|i| i.label == "${aws:PrincipalTag/TagKey}")
        .unwrap();
    assert_eq!(tag.insert_text, "aws:PrincipalTag/${1:TagKey}\\}");
    assert_eq!(tag.plain_text(), "aws:PrincipalTag/TagKey}");
}

#[test]
fn principal_keys_and_values() {
    let (_, c) = at(
        "{\"Statement\": [{\"Principal\": {\"<CURSOR>\"}}]}",
        PolicyType::Resource,
    );
    assert_eq!(c.context, Context::PrincipalKey);
    assert_eq!(labels(&c), ["AWS", "Service", "Federated", "CanonicalUser"]);
    let (text, c) = at(
        "{\"Statement\": [{\"Principal\": {\"Service\": \"lam<CURSOR>\"}}]}",
        PolicyType::Trust,
    );
    assert_eq!(
        c.context,
        Context::PrincipalValue {
            principal_type: "Service".into()
        }
    );
    // Prefix matches before substring matches.
    assert_eq!(labels(&c), ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]);
    assert_eq!(replaced(&text, &c), "\"lam\"");
    let (_, c) = at(
        "{\"Statement\": [{\"Principal\": {\"Federated\": [\"<CURSOR>",
        PolicyType::Trust,
    );
    let l = labels(&c);
    assert_eq!(
        &l[..4],
        [
            "cognito-identity.amazonaws.com",
            "accounts.google.com",
            "www.amazon.com",
            "graph.facebook.com"
        ]
    );
    assert!(l.contains(&"arn:${Partition}:iam::${Account}:oidc-provider/${Provider}"));
    assert!(l.contains(&"arn:${Partition}:iam::${Account}:saml-provider/${ProviderName}"));
    let (_, c) = at(
        "{\"Statement\": [{\"Principal\": {\"AWS\": \"<CURSOR>\"}}]}",
        PolicyType::Resource,
    );
    assert_eq!(labels(&c)[1], "arn:${Partition}:iam::${Account}:root");
    let (_, c) = at("{\"Statement\": [{\"Principal\": \"<CURSOR>\"}]}", PolicyType::Resource);
    assert_eq!(c.context, Context::Principal);
    assert_eq!(labels(&c), ["*"]);
}

#[test]
fn condition_operators() {
    let (text, c) = complete_at("{\"Statement\": [{\"Condition\": {\"StringEq<CURSOR>\n");
    assert_eq!(c.context, Context::ConditionOperator);
    assert_eq!(replaced(&text, &c), "\"StringEq");
    let l = labels(&c);
    assert_eq!(
        &l[..4],
        [
            "StringEquals",
            "StringEqualsIgnoreCase",
            "StringEqualsIfExists",
            "StringEqualsIgnoreCaseIfExists"
        ]
    );
    assert!(l.contains(&"ForAnyValue:StringEquals"));
    assert!(l.contains(&"ForAllValues:StringEqualsIfExists"));
    assert_eq!(c.items[0].detail, "String operator");
    assert!(c.items[0].documentation.contains("Exact match"));
    assert_eq!(c.items[0].insert_text, "\"StringEquals\": {\n\t\"$1\": \"$2\"\n}");
    let (_, c) = complete_at("{\"Statement\": [{\"Condition\": {\"<CURSOR>\"}}]}");
    assert_eq!(c.items.len(), crate::operator::all_operator_names().count());
}

#[test]
fn condition_keys_of_the_statements_actions_then_global() {
    let (text, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"s3:PutObject\", \"Condition\": {\"StringEquals\": {\"s3:x-amz-a<CURSOR>\"}}}]}",
    );
    assert_eq!(
        c.context,
        Context::ConditionKey {
            operator: "StringEquals".into()
        }
    );
    assert_eq!(labels(&c), ["s3:x-amz-acl"]);
    assert_eq!(replaced(&text, &c), "\"s3:x-amz-a\"");
    assert_eq!(c.items[0].detail, "String");
    assert_eq!(c.items[0].insert_text, "\"s3:x-amz-acl\": \"$1\"");

    let (_, c) =
        complete_at("{\"Statement\": [{\"Action\": \"s3:PutObject\", \"Condition\": {\"Bool\": {\"<CURSOR>\"}}}]}");
    let l = labels(&c);
    let secure = l.iter().position(|x| *x == "aws:SecureTransport").unwrap();
    let acl = l.iter().position(|x| *x == "s3:x-amz-acl").unwrap();
    // Bool keys fit the operator and come first; a String key is still offered after.
    assert!(secure < acl);
    let item = &c.items[secure];
    assert_eq!(item.insert_text, "\"aws:SecureTransport\": \"${1|true,false|}\"");
    // Tag templates carry the tag key as a placeholder.
    let (_, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"sts:GetCallerIdentity\", \"Condition\": {\"StringEquals\": {\"aws:ResourceT<CURSOR>",
    );
    let tag = c.items.iter().find(|i| i.label == "aws:ResourceTag/${TagKey}");
    assert!(tag.is_none(), "tag-related global keys only when an action lists them");
    let (_, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"ec2:RunInstances\", \"Condition\": {\"StringEquals\": {\"aws:ResourceT<CURSOR>",
    );
    let tag = c.items.iter().find(|i| i.label == "aws:ResourceTag/${TagKey}").unwrap();
    assert_eq!(tag.insert_text, "\"aws:ResourceTag/${1:TagKey}\": \"$2\"");
    let (_, c) = complete_at(
        "{\"Statement\": [{\"Action\": \"ec2:RunInstances\", \"Condition\": {\"ForAnyValue:StringEquals\": {\"aws:TagK<CURSOR>",
    );
    assert_eq!(c.items[0].label, "aws:TagKeys");
    assert_eq!(c.items[0].detail, "ArrayOfString, multivalued");
}

#[test]
fn condition_keys_without_actions_by_prefix() {
    let (_, c) = complete_at("{\"Statement\": [{\"Condition\": {\"StringEquals\": {\"<CURSOR>\"}}}]}");
    let l = labels(&c);
    assert!(l.contains(&"aws:SourceIp") && l.contains(&"s3:"), "{l:?}");
    assert!(c.is_incomplete);
    let (_, c) = complete_at("{\"Statement\": [{\"Condition\": {\"StringEquals\": {\"kms:<CURSOR>\"}}}]}");
    assert!(!c.items.is_empty());
    assert!(c.items.iter().all(|i| i.label.starts_with("kms:")));
}

#[test]
fn condition_values() {
    let (text, c) =
        complete_at("{\"Statement\": [{\"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"<CURSOR>\"}}}]}");
    assert_eq!(
        c.context,
        Context::ConditionValue {
            operator: "Bool".into(),
            key: "aws:SecureTransport".into()
        }
    );
    assert_eq!(labels(&c), ["true", "false"]);
    assert_eq!(replaced(&text, &c), "\"\"");
    let (_, c) =
        complete_at("{\"Statement\": [{\"Condition\": {\"StringEquals\": {\"aws:PrincipalType\": [\"Assumed<CURSOR>");
    assert_eq!(labels(&c), ["AssumedRole"]);
    let (_, c) = complete_at(
        "{\"Statement\": [{\"Condition\": {\"StringEquals\": {\"aws:RequestedRegion\": \"eu-west-<CURSOR>\"",
    );
    assert_eq!(labels(&c), ["eu-west-1", "eu-west-2", "eu-west-3"]);
    let (_, c) = complete_at("{\"Statement\": [{\"Condition\": {\"StringEquals\": {\"s3:x-amz-acl\": <CURSOR>}}}]}");
    assert_eq!(labels(&c)[0], "private");
    assert_eq!(c.items[0].insert_text, "\"private\"");
    // Variables in String condition values, not in Numeric ones.
    let (_, c) = complete_at(
        "{\"Statement\": [{\"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/team\": \"${aws:Princ<CURSOR>\"",
    );
    assert_eq!(c.context, Context::Variable);
    let (_, c) = complete_at("{\"Statement\": [{\"Condition\": {\"NumericLessThan\": {\"s3:max-keys\": \"${<CURSOR>\"");
    assert_ne!(c.context, Context::Variable);
}

#[test]
fn new_statement_in_array_and_nothing_elsewhere() {
    let (_, c) = complete_at("{\"Statement\": [<CURSOR>]}");
    assert_eq!(c.context, Context::StatementKey);
    assert_eq!(labels(&c), ["statement"]);
    let (_, c) = complete_at("{\"Statement\": [{\"Sid\": \"<CURSOR>\"}]}");
    assert_eq!(c.context, Context::None);
    assert!(c.items.is_empty());
    let (_, c) = complete_at("<CURSOR>");
    assert_eq!(c.context, Context::None);
}

#[test]
fn snippets_to_plain_text() {
    assert_eq!(snippet_to_plain("\"${1|Allow,Deny|}\""), "\"Allow\"");
    assert_eq!(snippet_to_plain("arn:${1:aws}:s3:::${2:B}$0"), "arn:aws:s3:::B");
    assert_eq!(snippet_to_plain("a\\$b\\}"), "a$b}");
}

#[test]
fn every_item_has_kind_detail_and_documentation() {
    let docs = [
        "{<CURSOR>}",
        "{\"Statement\": [{\"<CURSOR>\"}]}",
        "{\"Statement\": [{\"Action\": \"<CURSOR>\"}]}",
        "{\"Statement\": [{\"Action\": \"ec2:<CURSOR>\"}]}",
        "{\"Statement\": [{\"Action\": \"ec2:RunInstances\", \"Resource\": \"<CURSOR>\"}]}",
        "{\"Statement\": [{\"Action\": \"ec2:RunInstances\", \"Resource\": \"arn:aws:ec2:<CURSOR>\"}]}",
        "{\"Statement\": [{\"Action\": \"ec2:RunInstances\", \"Resource\": \"arn:aws:ec2:us-east-1:<CURSOR>\"}], \"Id\": \"123456789012\"}",
        "{\"Statement\": [{\"Action\": \"ec2:RunInstances\", \"Resource\": \"arn:<CURSOR>\"}]}",
        "{\"Statement\": [{\"Condition\": {\"<CURSOR>\"}}]}",
        "{\"Statement\": [{\"Action\": \"ec2:RunInstances\", \"Condition\": {\"StringEquals\": {\"<CURSOR>\"}}}]}",
    ];
    for d in docs {
        let (_, c) = at(d, PolicyType::Resource);
        assert!(!c.items.is_empty(), "{d}");
        for i in &c.items {
            assert!(!i.detail.is_empty() && !i.documentation.is_empty(), "{d}: {i:?}");
        }
        assert!(c.items.len() <= MAX_ITEMS + 1000, "{d}");
    }
}
