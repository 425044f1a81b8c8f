// Pure helpers for settings and finding the server; no `vscode` import so vitest can load them.
import * as path from "node:path";

export const SECTION = "iam-policy-ls";

export const POLICY_TYPES = ["identity", "resource", "trust", "scp", "rcp", "boundary", "endpoint"] as const;
export const CHECK_LEVELS = ["off", "on", "error", "security-warning", "warning", "suggestion"] as const;

/** Reads one setting of the `iam-policy-ls` section (vscode's `WorkspaceConfiguration.get`). */
export type Getter = <T>(key: string) => T | undefined;

/**
 * The server's settings (`initializationOptions` and `workspace/didChangeConfiguration`), in the
 * keys of `.iam-policy-ls.toml` under an `"iam-policy-ls"` section. Empty values are left out so
 * the project file applies.
 */
export function serverSettings(get: Getter): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  const policyType = get<string>("policyType");
  if (policyType) settings["policy-type"] = policyType;
  const checks = get<Record<string, string>>("checks");
  if (checks && Object.keys(checks).length > 0) settings["checks"] = { ...checks };
  const globs = get<Record<string, string>>("policyTypes");
  if (globs && Object.keys(globs).length > 0) settings["policy-types"] = { ...globs };
  // Sent only when turned off: the default is the server's, and older servers reject the key.
  if (get<boolean>("inlayHints.accessLevel") === false) settings["inlay-hints"] = { "access-level": false };
  return { [SECTION]: settings };
}

/** The `vsce --target` name a platform-specific .vsix is built for, or undefined. */
export function vsceTarget(platform: string, arch: string): string | undefined {
  const os = { linux: "linux", darwin: "darwin", win32: "win32" }[platform];
  const cpu = { x64: "x64", arm64: "arm64" }[arch];
  return os && cpu ? `${os}-${cpu}` : undefined;
}

export function binaryName(platform: string): string {
  return platform === "win32" ? "iam-policy-ls.exe" : "iam-policy-ls";
}

/** Where a platform-specific .vsix carries the server: `server/<target>/iam-policy-ls`. */
export function bundledBinary(extensionPath: string, platform: string, arch: string): string | undefined {
  const target = vsceTarget(platform, arch);
  return target ? path.join(extensionPath, "server", target, binaryName(platform)) : undefined;
}

export interface ResolveOptions {
  setting: string | undefined;
  extensionPath: string;
  workspaceFolder: string | undefined;
  platform: string;
  arch: string;
  home: string;
  exists: (file: string) => boolean;
}

export interface ResolvedServer {
  command: string;
  source: "setting" | "bundled" | "path";
}

/**
 * The server command: the `server.path` setting (with `~` and `${workspaceFolder}` expanded,
 * relative paths against the workspace folder), else the binary bundled for this platform,
 * else `iam-policy-ls` from PATH.
 */
export function resolveServer(o: ResolveOptions): ResolvedServer {
  const setting = o.setting?.trim();
  if (setting) {
    let p = setting.replace(/^~(?=$|[\\/])/, o.home);
    if (o.workspaceFolder) p = p.replace(/\$\{workspaceFolder\}/g, o.workspaceFolder);
    if (!path.isAbsolute(p) && o.workspaceFolder && /[\\/]/.test(p)) p = path.join(o.workspaceFolder, p);
    return { command: p, source: "setting" };
  }
  const bundled = bundledBinary(o.extensionPath, o.platform, o.arch);
  if (bundled && o.exists(bundled)) return { command: bundled, source: "bundled" };
  return { command: binaryName(o.platform), source: "path" };
}

/** The answer of `iam-policy-ls/policyType`. */
export interface PolicyTypeResult {
  policyType: string;
  source: "given" | "fileName" | "inferred";
}

const SOURCE_LABEL: Record<PolicyTypeResult["source"], string> = {
  given: "from settings",
  fileName: "from the file name",
  inferred: "inferred from the content",
};

/** Status bar text and tooltip, or undefined to hide the item (not a policy). */
export function statusText(r: PolicyTypeResult | null | undefined): { text: string; tooltip: string } | undefined {
  if (!r) return undefined;
  return {
    text: `$(shield) IAM: ${r.policyType}`,
    tooltip: `IAM policy type: ${r.policyType} (${SOURCE_LABEL[r.source] ?? r.source})`,
  };
}
