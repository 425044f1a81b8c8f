import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ALLOW_ALL, DEFAULT_PRINCIPAL, isDenyOnly, renderResult, simulateRequest } from "../src/simulate";

describe("simulateRequest", () => {
  it("puts identity policies in the identity layer", () => {
    expect(simulateRequest({ policyFile: "p.json", policyType: "identity", action: "s3:GetObject", resource: "" })).toEqual({
      request: { principal: DEFAULT_PRINCIPAL, action: "s3:GetObject", resource: "*" },
      policies: { identity: ["p.json"] },
    });
  });

  it("simulates guardrails on top of an allow-all identity policy", () => {
    const r = simulateRequest({ policyFile: "p.json", policyType: "scp", action: "s3:GetObject", resource: "*" });
    expect(r.policies).toEqual({ identity: [ALLOW_ALL], scps: [{ orgIdentifier: "r-root", policies: ["p.json"] }] });
    const denyList = JSON.stringify({ Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*" }] });
    const d = simulateRequest({ policyFile: "p.json", policyType: "scp", action: "a:B", resource: "*", policyText: denyList });
    const levels = (d.policies as { scps: { policies: unknown[] }[] }).scps;
    expect(levels[0].policies).toHaveLength(2);
    const b = simulateRequest({ policyFile: "p.json", policyType: "boundary", action: "a:B", resource: "*" });
    expect(b.policies).toEqual({ identity: [ALLOW_ALL], permissionBoundaries: ["p.json"] });
  });

  it("puts resource and trust policies in the resource layer, with the principal", () => {
    const r = simulateRequest({
      policyFile: "p.json",
      policyType: "trust",
      action: "sts:AssumeRole",
      resource: "arn:aws:iam::111122223333:role/r",
      principal: "lambda.amazonaws.com",
    });
    expect(r).toEqual({
      request: { principal: "lambda.amazonaws.com", action: "sts:AssumeRole", resource: "arn:aws:iam::111122223333:role/r" },
      policies: { resource: "p.json" },
    });
  });
});

describe("isDenyOnly", () => {
  it("tells deny lists from allow lists", () => {
    expect(isDenyOnly('{"Statement": {"Effect": "Deny"}}')).toBe(true);
    expect(isDenyOnly('{"Statement": [{"Effect": "Deny"}, {"Effect": "Allow"}]}')).toBe(false);
    expect(isDenyOnly('{"Statement": []}')).toBe(false);
    expect(isDenyOnly("{ broken")).toBe(false);
  });
});

describe("renderResult", () => {
  it("summarises the decision and lists the statements that matched", () => {
    const { summary, details } = renderResult({
      decision: "ExplicitlyDenied",
      explanation: {
        reason: "denied by identity policy",
        layers: [
          { layer: "scp", applies: false, decision: "NotApplicable" },
          {
            layer: "identity",
            applies: true,
            decision: "Deny",
            statements: [
              { policy: "policy.json", sid: "NoDelete", effect: "Deny", matched: true },
              { policy: "policy.json", statementIndex: 0, effect: "Allow", matched: false },
            ],
          },
        ],
        missingContextKeys: ["aws:SourceIp"],
      },
    });
    expect(summary).toBe("ExplicitlyDenied: denied by identity policy");
    expect(details).toBe(
      [
        "Decision: ExplicitlyDenied",
        "Reason: denied by identity policy",
        "  identity: Deny",
        "    Deny by Sid NoDelete of policy.json",
        "Missing context keys: aws:SourceIp",
      ].join("\n"),
    );
  });
});

// The request the command builds, decided by the real CLI (scripts/test-editors sets the binary).
const bin = process.env.IAM_POLICY_LS_BIN;
describe.skipIf(!bin)("against the iam-policy-ls binary", () => {
  const run = (policyType: string, policy: unknown, action: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iam-sim-test-"));
    try {
      fs.writeFileSync(path.join(dir, "policy.json"), JSON.stringify(policy));
      const policyText = JSON.stringify(policy);
      const req = simulateRequest({ policyFile: "policy.json", policyType, action, resource: "*", policyText });
      fs.writeFileSync(path.join(dir, "request.json"), JSON.stringify(req));
      const out = execFileSync(bin!, ["simulate", "--request", path.join(dir, "request.json"), "--format", "json"]);
      return JSON.parse(out.toString());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const allowS3 = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] };
  const denyS3 = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*" }] };

  it("decides identity policies", () => {
    expect(run("identity", allowS3, "s3:GetObject").decision).toBe("Allowed");
    expect(run("identity", allowS3, "s3:PutObject").decision).toBe("ImplicitlyDenied");
  });

  it("decides a deny-list SCP as the guardrail beside FullAWSAccess", () => {
    const r = run("scp", denyS3, "s3:GetObject");
    expect(r.decision).toBe("ExplicitlyDenied");
    expect(renderResult(r).summary).toMatch(/^ExplicitlyDenied/);
    expect(run("scp", denyS3, "ec2:DescribeInstances").decision).toBe("Allowed");
  });

  it("decides an allow-list SCP alone", () => {
    expect(run("scp", allowS3, "s3:GetObject").decision).toBe("Allowed");
    expect(run("scp", allowS3, "ec2:DescribeInstances").decision).toBe("ImplicitlyDenied");
  });
});
