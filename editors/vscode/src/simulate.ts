// Builds `iam-policy-ls simulate` requests for the current policy and renders the answer.
// Pure: no `vscode` import.

/** The simulator needs a caller; a role in an example account when none is given. */
export const DEFAULT_PRINCIPAL = "arn:aws:iam::111122223333:role/example";

export interface SimulateInput {
  /** The policy file written from the editor buffer (so unsaved edits count), relative to the request. */
  policyFile: string;
  policyType: string;
  action: string;
  resource: string;
  principal?: string;
  /** The policy text, to tell deny-list SCPs from allow-lists. */
  policyText?: string;
}

/** AWS attaches this to every OU and account; RCPFullAWSAccess is its RCP twin. */
const FULL_ACCESS = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const RCP_FULL_ACCESS = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
};

/** Whether a policy has statements and none of them allows (a deny list). Unparsable text: false. */
export function isDenyOnly(text: string | undefined): boolean {
  try {
    const statements = JSON.parse(text ?? "")?.Statement;
    const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
    return list.length > 0 && list.every((s: { Effect?: unknown }) => s?.Effect !== "Allow");
  } catch {
    return false;
  }
}

/** An identity policy that allows everything: guardrail types (SCP, RCP, boundary, endpoint) only restrict, so
 * alone they would deny every request; with this, the decision is the guardrail's. */
export const ALLOW_ALL = {
  Version: "2012-10-17",
  Statement: [{ Sid: "SimulatedAllowAll", Effect: "Allow", Action: "*", Resource: "*" }],
};

/** The request file (docs/simulate.md) that puts the current policy in the layer of its type. */
export function simulateRequest(i: SimulateInput): Record<string, unknown> {
  const request: Record<string, unknown> = {
    principal: i.principal || DEFAULT_PRINCIPAL,
    action: i.action,
    resource: i.resource || "*",
  };
  const p = i.policyFile;
  let policies: Record<string, unknown>;
  switch (i.policyType) {
    case "resource":
    case "trust":
      policies = { resource: p };
      break;
    case "scp":
      // A deny-list SCP works beside FullAWSAccess, as in a real organization; an allow-list
      // SCP replaces it, so it is simulated alone.
      policies = {
        identity: [ALLOW_ALL],
        scps: [{ orgIdentifier: "r-root", policies: isDenyOnly(i.policyText) ? [p, FULL_ACCESS] : [p] }],
      };
      break;
    case "rcp":
      // RCPs can only deny; AWS attaches RCPFullAWSAccess beside them.
      policies = { identity: [ALLOW_ALL], rcps: [{ orgIdentifier: "r-root", policies: [p, RCP_FULL_ACCESS] }] };
      break;
    case "boundary":
      policies = { identity: [ALLOW_ALL], permissionBoundaries: [p] };
      break;
    case "endpoint":
      policies = { identity: [ALLOW_ALL], vpcEndpoint: [p] };
      break;
    default:
      policies = { identity: [p] };
  }
  return { request, policies };
}

interface Layer {
  layer: string;
  orgIdentifier?: string;
  applies?: boolean;
  decision?: string;
  statements?: { policy?: string; sid?: string; statementIndex?: number; effect?: string; matched?: boolean }[];
}

export interface SimulateResult {
  decision: string;
  explanation?: {
    reason?: string;
    layers?: Layer[];
    missingContextKeys?: string[];
    warnings?: string[];
  };
}

/** A short message for a notification, and the full text for the output channel. */
export function renderResult(r: SimulateResult): { summary: string; details: string } {
  const e = r.explanation ?? {};
  const summary = e.reason ? `${r.decision}: ${e.reason}` : r.decision;
  const lines = [`Decision: ${r.decision}`];
  if (e.reason) lines.push(`Reason: ${e.reason}`);
  for (const l of e.layers ?? []) {
    if (l.applies === false) continue;
    const org = l.orgIdentifier ? ` (${l.orgIdentifier})` : "";
    lines.push(`  ${l.layer}${org}: ${l.decision ?? "?"}`);
    for (const s of l.statements ?? []) {
      if (!s.matched) continue;
      const name = s.sid ? `Sid ${s.sid}` : `statement ${s.statementIndex ?? "?"}`;
      lines.push(`    ${s.effect ?? "?"} by ${name} of ${s.policy ?? "?"}`);
    }
  }
  if (e.missingContextKeys?.length) lines.push(`Missing context keys: ${e.missingContextKeys.join(", ")}`);
  for (const w of e.warnings ?? []) lines.push(`Warning: ${w}`);
  return { summary, details: lines.join("\n") };
}
