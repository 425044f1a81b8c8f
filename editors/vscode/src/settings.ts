// Pure helpers for settings and finding the server; no `vscode` import so vitest can load them.
import * as path from "node:path";

export const SECTION = "iam-policy-ls";

export const POLICY_TYPES = ["identity", "resource", "trust", "scp", "rcp", "boundary", "endpoint"] as const;
export const CHECK_LEVELS = ["off", "on", "error", "security-warning", "warning", "suggestion"] as const;

/** Reads one setting of the `iam-policy-ls` section (vscode's `WorkspaceConfiguration.get`). */
export type Getter = <T>(key: string) => T | undefined;

/** Where paths in settings are resolved: `~` and `${workspaceFolder}`. */
export interface Places {
  workspaceFolder?: string;
  home?: string;
}

/** A path setting with `~` and `${workspaceFolder}` expanded, relative paths against the workspace folder. */
export function expandPath(setting: string, places: Places): string {
  let p = setting.trim();
  if (places.home) p = p.replace(/^~(?=$|[\\/])/, places.home);
  if (places.workspaceFolder) {
    p = p.replace(/\$\{workspaceFolder\}/g, places.workspaceFolder);
    if (!path.isAbsolute(p)) p = path.join(places.workspaceFolder, p);
  }
  return p;
}

/**
 * The server's settings (`initializationOptions` and `workspace/didChangeConfiguration`), in the
 * keys of `.iam-policy-ls.toml` under an `"iam-policy-ls"` section. Empty values are left out so
 * the project file applies.
 */
export function serverSettings(get: Getter, places: Places = {}): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  const policyType = get<string>("policyType");
  if (policyType) settings["policy-type"] = policyType;
  const checks = get<Record<string, string>>("checks");
  if (checks && Object.keys(checks).length > 0) settings["checks"] = { ...checks };
  const globs = get<Record<string, string>>("policyTypes");
  if (globs && Object.keys(globs).length > 0) settings["policy-types"] = { ...globs };
  // Sent only when turned off: the default is the server's, and older servers reject the key.
  if (get<boolean>("inlayHints.accessLevel") === false) settings["inlay-hints"] = { "access-level": false };
  const catalog = get<string>("catalog")?.trim();
  if (catalog) settings["catalog"] = expandPath(catalog, places);
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
  /** The extension host's environment: PATH, CARGO_HOME, LOCALAPPDATA. */
  env: Record<string, string | undefined>;
  exists: (file: string) => boolean;
}

export interface ResolvedServer {
  command: string;
  source: "setting" | "bundled" | "path" | "known";
  /** Where the server was looked for, in order, for the message when it cannot be started. */
  tried: string[];
  /** Whether `command` was seen to exist (false: the last resort, the bare name). */
  found: boolean;
}

/**
 * Where `cargo install`, installers and package managers put binaries on each platform. The
 * extension host may not see the shell's PATH (a login shell sets it), so these are tried too.
 */
export function knownLocations(o: Pick<ResolveOptions, "platform" | "home" | "env">): string[] {
  const p = o.platform === "win32" ? path.win32 : path.posix;
  const exe = binaryName(o.platform);
  const cargoHome = o.env.CARGO_HOME || p.join(o.home, ".cargo");
  const dirs = [p.join(cargoHome, "bin")];
  if (o.platform === "win32") {
    if (o.env.LOCALAPPDATA) dirs.push(p.join(o.env.LOCALAPPDATA, "Programs", "iam-policy-ls"));
  } else {
    dirs.push(p.join(o.home, ".local", "bin"));
    if (o.platform === "darwin") dirs.push("/opt/homebrew/bin");
    else dirs.push("/home/linuxbrew/.linuxbrew/bin");
    dirs.push("/usr/local/bin", "/usr/bin");
  }
  return dirs.map((d) => p.join(d, exe));
}

/**
 * The server command: the `server.path` setting (with `~` and `${workspaceFolder}` expanded,
 * relative paths against the workspace folder), else the binary bundled for this platform,
 * else `iam-policy-ls` on PATH, else the usual install locations (`~/.cargo/bin`, ...).
 */
export function resolveServer(o: ResolveOptions): ResolvedServer {
  const tried: string[] = [];
  const setting = o.setting?.trim();
  if (setting) {
    let p = setting.replace(/^~(?=$|[\\/])/, o.home);
    if (o.workspaceFolder) p = p.replace(/\$\{workspaceFolder\}/g, o.workspaceFolder);
    if (!path.isAbsolute(p) && o.workspaceFolder && /[\\/]/.test(p)) p = path.join(o.workspaceFolder, p);
    return { command: p, source: "setting", tried: [`${p} (the ${SECTION}.server.path setting)`], found: o.exists(p) };
  }
  const bundled = bundledBinary(o.extensionPath, o.platform, o.arch);
  if (bundled) {
    if (o.exists(bundled)) return { command: bundled, source: "bundled", tried: [bundled], found: true };
    tried.push(`${bundled} (bundled: this .vsix has no server)`);
  } else {
    tried.push(`a bundled server (none is built for ${o.platform}-${o.arch})`);
  }
  const exe = binaryName(o.platform);
  const pathDirs = (o.env.PATH ?? o.env.Path ?? "").split(o.platform === "win32" ? ";" : ":").filter((d) => d);
  const p = o.platform === "win32" ? path.win32 : path.posix;
  for (const dir of pathDirs) {
    const candidate = p.join(dir, exe);
    if (o.exists(candidate)) return { command: candidate, source: "path", tried: [...tried, candidate], found: true };
  }
  tried.push(`${exe} on PATH (${pathDirs.length} directories)`);
  for (const candidate of knownLocations(o)) {
    if (pathDirs.includes(p.dirname(candidate))) continue;
    if (o.exists(candidate)) return { command: candidate, source: "known", tried: [...tried, candidate], found: true };
    tried.push(candidate);
  }
  return { command: exe, source: "path", tried, found: false };
}

/** The message shown when the server cannot be started: what was tried and how to fix it. */
export function notStartedMessage(resolved: ResolvedServer, error: string): string {
  const what =
    resolved.source === "setting"
      ? `The ${SECTION}.server.path setting names ${resolved.command}, which could not be started (${error}).`
      : `The IAM policy language server (iam-policy-ls) was not found or could not be started (${error}).`;
  return (
    `${what} Tried: ${resolved.tried.join("; ")}. ` +
    `Install it (cargo install iam-policy-ls, or a release binary) or set ${SECTION}.server.path to its path.`
  );
}

/** The answer of `iam-policy-ls/policyType`. */
export interface PolicyTypeResult {
  policyType: string;
  source: "given" | "fileName" | "inferred" | "template";
  /** In a template: where the policy at the cursor stands. */
  pointer?: string;
  /** In a template: that policy as JSON. */
  policy?: string;
}

const SOURCE_LABEL: Record<PolicyTypeResult["source"], string> = {
  given: "from settings",
  fileName: "from the file name",
  inferred: "inferred from the content",
  template: "from where it stands in the template",
};

/** Status bar text and tooltip, or undefined to hide the item (not a policy). */
export function statusText(r: PolicyTypeResult | null | undefined): { text: string; tooltip: string } | undefined {
  if (!r) return undefined;
  const place = r.pointer ? `\n${r.pointer}` : "";
  return {
    text: `$(shield) IAM: ${r.policyType}`,
    tooltip: `IAM policy type: ${r.policyType} (${SOURCE_LABEL[r.source] ?? r.source})${place}`,
  };
}
