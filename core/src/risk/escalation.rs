//! Privilege escalation: the published methods by which a principal holding some actions can
//! gain more permissions than it has, as data with their sources.
//!
//! The list is the one cloudsplaining 0.9.1 encodes (`PRIVILEGE_ESCALATION_METHODS` in
//! `cloudsplaining/shared/constants.py`, salesforce/cloudsplaining, BSD-3-Clause): Rhino Security
//! Labs' methods ("AWS IAM Privilege Escalation – Methods and Mitigation", Spencer Gietzen, 2018)
//! and the paths DataDog publishes on pathfinding.cloud. Names are cloudsplaining's, so findings
//! compare one to one. `ssm:SendCommand` and `ssm:StartSession` also run commands as an
//! instance's role, but they are how AWS documents administering instances (the clean policies
//! under `tests/policies/identity/` use them): a project that wants them reported forbids them.

use super::{Grants, Risk};
use crate::access::{Access, ActionId};

/// One escalation method: holding every one of `actions` is enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method {
    pub name: &'static str,
    /// Full action names, as the catalog spells them.
    pub actions: &'static [&'static str],
    /// What a principal does with them.
    pub how: &'static str,
    /// Where the method is published.
    pub source: &'static str,
}

const RHINO: &str = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/";

macro_rules! methods {
    ($($name:literal: [$($action:literal),+ $(,)?], $how:literal, $source:expr;)+) => {
        /// Every method, in cloudsplaining's order.
        pub const METHODS: &[Method] = &[$(Method { name: $name, actions: &[$($action),+], how: $how, source: $source }),+];
    };
}

methods! {
    "CreateAccessKey": ["iam:CreateAccessKey"], "create an access key for another user and act as that user", RHINO;
    "CreateLoginProfile": ["iam:CreateLoginProfile"], "set a console password for a user who has none and sign in as that user", RHINO;
    "UpdateLoginProfile": ["iam:UpdateLoginProfile"], "change another user's console password and sign in as that user", RHINO;
    "AddUserToGroup": ["iam:AddUserToGroup"], "add oneself to a group with more permissions", RHINO;
    "CreateNewPolicyVersion": ["iam:CreatePolicyVersion"], "write a new default version of a policy attached to oneself", RHINO;
    "SetExistingDefaultPolicyVersion": ["iam:SetDefaultPolicyVersion"], "make an older, broader version of an attached policy the default", RHINO;
    "AttachUserPolicy": ["iam:AttachUserPolicy"], "attach any managed policy (AdministratorAccess) to a user", RHINO;
    "AttachGroupPolicy": ["iam:AttachGroupPolicy"], "attach any managed policy to a group one belongs to", RHINO;
    "AttachRolePolicy": ["iam:AttachRolePolicy"], "attach any managed policy to a role one can use", RHINO;
    "PutUserPolicy": ["iam:PutUserPolicy"], "write any inline policy on a user", RHINO;
    "PutGroupPolicy": ["iam:PutGroupPolicy"], "write any inline policy on a group one belongs to", RHINO;
    "PutRolePolicy": ["iam:PutRolePolicy"], "write any inline policy on a role one can use", RHINO;
    "UpdateRolePolicyToAssumeIt": ["iam:UpdateAssumeRolePolicy"], "rewrite a role's trust policy to let oneself assume it", RHINO;
    "CreateEC2WithExistingIP": ["iam:PassRole", "ec2:RunInstances"], "start an instance with a more privileged role and use its credentials", RHINO;
    "PassExistingRoleToNewLambdaThenInvoke": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "create a function with a more privileged role and invoke it", RHINO;
    "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo": ["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping", "dynamodb:CreateTable", "dynamodb:PutItem"], "create a function with a more privileged role and trigger it from a new DynamoDB table", RHINO;
    "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo": ["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"], "create a function with a more privileged role and trigger it from an existing stream", RHINO;
    "PassExistingRoleToNewGlueDevEndpoint": ["iam:PassRole", "glue:CreateDevEndpoint"], "create a Glue development endpoint with a more privileged role and log in to it", RHINO;
    "PassExistingRoleToCloudFormation": ["iam:PassRole", "cloudformation:CreateStack"], "create a stack that acts with a more privileged role", RHINO;
    "PassExistingRoleToNewDataPipeline": ["iam:PassRole", "datapipeline:CreatePipeline"], "create a pipeline that runs commands with a more privileged role", RHINO;
    "UpdateExistingGlueDevEndpoint": ["glue:UpdateDevEndpoint"], "add one's SSH key to an existing Glue development endpoint and use its role", RHINO;
    "EditExistingLambdaFunctionWithRole": ["lambda:UpdateFunctionCode"], "replace the code of a function that has a more privileged role", RHINO;
    "AccessExistingBedrockCodeInterpreterSession": ["bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"], "run code in an existing code interpreter and use its role", "https://pathfinding.cloud/paths/bedrock-002";
    "ExecuteCloudFormationChangeSet": ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"], "change a stack that acts with a more privileged role", "https://pathfinding.cloud/paths/cloudformation-005";
    "ModifyEC2InstanceUserDataThenRestart": ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"], "change an instance's user data and restart it to run commands as its role", "https://pathfinding.cloud/paths/ec2-002";
    "ModifyExistingEC2LaunchTemplate": ["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"], "make new instances of a launch template run one's commands as their role", "https://pathfinding.cloud/paths/ec2-004";
    "EC2InstanceConnectSendSSHPublicKey": ["ec2-instance-connect:SendSSHPublicKey", "ec2:DescribeInstances"], "log in to an instance with EC2 Instance Connect and use its role", "https://pathfinding.cloud/paths/ec2instanceconnect-003";
    "ECSExecuteCommandOnRunningTask": ["ecs:ExecuteCommand", "ecs:DescribeTasks"], "open a shell in a running task and use its task role", "https://pathfinding.cloud/paths/ecs-006";
    "UpdateAndInvokeLambdaFunction": ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"], "replace a function's code and invoke it as its role", "https://pathfinding.cloud/paths/lambda-004";
    "UpdateLambdaFunctionAndAddPermission": ["lambda:UpdateFunctionCode", "lambda:AddPermission"], "replace a function's code and let oneself invoke it", "https://pathfinding.cloud/paths/lambda-005";
    "CreatePresignedSageMakerNotebookUrl": ["sagemaker:CreatePresignedNotebookInstanceUrl"], "open a notebook instance's Jupyter and use its role", "https://pathfinding.cloud/paths/sagemaker-004";
    "UpdateSageMakerNotebookLifecycleConfig": ["sagemaker:CreateNotebookInstanceLifecycleConfig", "sagemaker:StopNotebookInstance", "sagemaker:UpdateNotebookInstance", "sagemaker:StartNotebookInstance"], "make a notebook instance run one's script as its role at start", "https://pathfinding.cloud/paths/sagemaker-005";
    "PassExistingRoleToNewAppRunnerService": ["iam:PassRole", "apprunner:CreateService"], "create an App Runner service with a more privileged role", "https://pathfinding.cloud/paths/apprunner-001";
    "PassExistingRoleToNewBedrockCodeInterpreter": ["iam:PassRole", "bedrock-agentcore:CreateCodeInterpreter", "bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"], "create a code interpreter with a more privileged role and run code in it", "https://pathfinding.cloud/paths/bedrock-001";
    "PassExistingRoleToNewCloudFormationStackSet": ["iam:PassRole", "cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"], "create a stack set that acts with a more privileged role", "https://pathfinding.cloud/paths/cloudformation-003";
    "PassRoleToUpdateCloudFormationStackSet": ["iam:PassRole", "cloudformation:UpdateStackSet"], "change a stack set to act with a more privileged role", "https://pathfinding.cloud/paths/cloudformation-004";
    "PassExistingRoleToNewCodeBuildProjectThenBuild": ["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"], "create a build project with a more privileged role and run it", "https://pathfinding.cloud/paths/codebuild-001";
    "PassExistingRoleToNewCodeBuildProjectThenBuildBatch": ["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuildBatch"], "create a build project with a more privileged role and run a batch", "https://pathfinding.cloud/paths/codebuild-004";
    "PassExistingRoleToNewEC2SpotInstance": ["iam:PassRole", "ec2:RequestSpotInstances"], "request a spot instance with a more privileged role", "https://pathfinding.cloud/paths/ec2-003";
    "PassExistingRoleToNewECSClusterServiceTask": ["iam:PassRole", "ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:CreateService"], "run a service whose tasks have a more privileged role", "https://pathfinding.cloud/paths/ecs-001";
    "PassExistingRoleToNewECSClusterRunTask": ["iam:PassRole", "ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:RunTask"], "run a task with a more privileged role in a new cluster", "https://pathfinding.cloud/paths/ecs-002";
    "PassExistingRoleToNewECSService": ["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:CreateService"], "run a service whose tasks have a more privileged role", "https://pathfinding.cloud/paths/ecs-003";
    "PassExistingRoleToNewECSTaskViaRunTask": ["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"], "run a task with a more privileged role", "https://pathfinding.cloud/paths/ecs-004";
    "PassExistingRoleToNewECSTaskViaStartTask": ["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:StartTask"], "start a task with a more privileged role", "https://pathfinding.cloud/paths/ecs-005";
    "PassExistingRoleToNewGlueJobThenRun": ["iam:PassRole", "glue:CreateJob", "glue:StartJobRun"], "create a Glue job with a more privileged role and run it", "https://pathfinding.cloud/paths/glue-003";
    "PassExistingRoleToNewGlueJobViaTrigger": ["iam:PassRole", "glue:CreateJob", "glue:CreateTrigger"], "create a Glue job with a more privileged role and trigger it", "https://pathfinding.cloud/paths/glue-004";
    "PassExistingRoleToUpdatedGlueJobThenRun": ["iam:PassRole", "glue:UpdateJob", "glue:StartJobRun"], "give a Glue job a more privileged role and run it", "https://pathfinding.cloud/paths/glue-005";
    "PassExistingRoleToUpdatedGlueJobViaTrigger": ["iam:PassRole", "glue:UpdateJob", "glue:CreateTrigger"], "give a Glue job a more privileged role and trigger it", "https://pathfinding.cloud/paths/glue-006";
    "PassExistingRoleToNewLambdaThenAddPermission": ["iam:PassRole", "lambda:CreateFunction", "lambda:AddPermission"], "create a function with a more privileged role and let oneself invoke it", "https://pathfinding.cloud/paths/lambda-006";
    "PassExistingRoleToNewSageMakerNotebookInstance": ["iam:PassRole", "sagemaker:CreateNotebookInstance"], "create a notebook instance with a more privileged role", "https://pathfinding.cloud/paths/sagemaker-001";
    "PassExistingRoleToNewSageMakerTrainingJob": ["iam:PassRole", "sagemaker:CreateTrainingJob"], "run a training job with a more privileged role", "https://pathfinding.cloud/paths/sagemaker-002";
    "PassExistingRoleToNewSageMakerProcessingJob": ["iam:PassRole", "sagemaker:CreateProcessingJob"], "run a processing job with a more privileged role", "https://pathfinding.cloud/paths/sagemaker-003";
    "CreateAndRotateAccessKey": ["iam:CreateAccessKey", "iam:DeleteAccessKey"], "delete one of another user's keys to make room for one's own", "https://pathfinding.cloud/paths/iam-003";
    "AttachUserPolicyThenCreateAccessKey": ["iam:AttachUserPolicy", "iam:CreateAccessKey"], "give another user more permissions and create a key for them", "https://pathfinding.cloud/paths/iam-015";
    "CreatePolicyVersionThenAssumeRole": ["iam:CreatePolicyVersion", "sts:AssumeRole"], "widen a role's policy and assume the role", "https://pathfinding.cloud/paths/iam-016";
    "PutUserPolicyThenCreateAccessKey": ["iam:PutUserPolicy", "iam:CreateAccessKey"], "give another user more permissions and create a key for them", "https://pathfinding.cloud/paths/iam-018";
    "AttachRolePolicyThenUpdateAssumeRolePolicy": ["iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"], "give a role more permissions and let oneself assume it", "https://pathfinding.cloud/paths/iam-019";
    "CreatePolicyVersionThenUpdateAssumeRolePolicy": ["iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy"], "widen a role's policy and let oneself assume it", "https://pathfinding.cloud/paths/iam-020";
    "PutRolePolicyThenUpdateAssumeRolePolicy": ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"], "give a role more permissions and let oneself assume it", "https://pathfinding.cloud/paths/iam-021";
}

/// The methods the policy allows: every action granted on some resource it acts on, no `Deny`
/// of the policy removing one. A method whose actions include another reported method's is
/// left out: it adds nothing the smaller one does not already give.
pub(super) fn find(access: &Access) -> Vec<Risk<'_>> {
    let mut found: Vec<(&Method, Grants<'_>)> = METHODS
        .iter()
        .filter_map(|method| {
            let grants = method
                .actions
                .iter()
                .map(|name| {
                    let id = ActionId::named(name)?;
                    let reach = access.grant(id)?.applies()?;
                    Some((id, reach.allowed_by))
                })
                .collect::<Option<Vec<_>>>()?;
            Some((method, grants))
        })
        .collect();
    let contains = |wider: &Method, narrower: &Method| {
        narrower.actions.len() < wider.actions.len() && narrower.actions.iter().all(|a| wider.actions.contains(a))
    };
    let minimal: Vec<bool> = found
        .iter()
        .map(|(m, _)| !found.iter().any(|(other, _)| contains(m, other)))
        .collect();
    let mut keep = minimal.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
    found
        .into_iter()
        .map(|(method, grants)| Risk::new(super::RiskKind::PrivilegeEscalation, Some(method), grants))
        .collect()
}
