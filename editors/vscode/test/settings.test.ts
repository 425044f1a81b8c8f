import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  bundledBinary,
  knownLocations,
  notStartedMessage,
  resolveServer,
  serverSettings,
  statusText,
  vsceTarget,
} from "../src/settings";

const getterOf = (values: Record<string, unknown>) => <T>(key: string) => values[key] as T | undefined;

describe("serverSettings", () => {
  it("maps VS Code settings to the keys of .iam-policy-ls.toml", () => {
    const s = serverSettings(
      getterOf({
        policyType: "scp",
        checks: { MISSING_VERSION: "off", INVALID_EFFECT: "warning" },
        policyTypes: { "scp/**/*.json": "scp" },
        "inlayHints.accessLevel": false,
      }),
    );
    expect(s).toEqual({
      "iam-policy-ls": {
        "policy-type": "scp",
        checks: { MISSING_VERSION: "off", INVALID_EFFECT: "warning" },
        "policy-types": { "scp/**/*.json": "scp" },
        "inlay-hints": { "access-level": false },
      },
    });
  });

  it("sends the catalog path with ~ and ${workspaceFolder} expanded, relative to the workspace", () => {
    const places = { workspaceFolder: "/ws", home: "/home/u" };
    const catalog = (value: string) => serverSettings(getterOf({ catalog: value }), places)["iam-policy-ls"];
    expect(catalog("~/iam-data.bin")).toEqual({ catalog: "/home/u/iam-data.bin" });
    expect(catalog("${workspaceFolder}/tools/iam-data")).toEqual({ catalog: "/ws/tools/iam-data" });
    expect(catalog("tools/iam-data.bin")).toEqual({ catalog: path.join("/ws", "tools/iam-data.bin") });
    expect(catalog("/opt/iam-data.bin")).toEqual({ catalog: "/opt/iam-data.bin" });
  });

  it("leaves out empty settings so the project file applies", () => {
    expect(
      serverSettings(getterOf({ policyType: "", checks: {}, policyTypes: {}, "inlayHints.accessLevel": true, catalog: " " })),
    ).toEqual({ "iam-policy-ls": {} });
  });
});

describe("resolveServer", () => {
  const base = {
    setting: "",
    extensionPath: "/ext",
    workspaceFolder: "/ws",
    platform: "linux",
    arch: "x64",
    home: "/home/u",
    env: { PATH: "/usr/bin:/bin" },
    exists: (_f: string) => false,
  };

  it("prefers the setting, expanding ~ and ${workspaceFolder}", () => {
    expect(resolveServer({ ...base, setting: "~/bin/iam-policy-ls" })).toMatchObject({
      command: "/home/u/bin/iam-policy-ls",
      source: "setting",
      found: false,
    });
    expect(resolveServer({ ...base, setting: "${workspaceFolder}/target/debug/iam-policy-ls" }).command).toBe(
      "/ws/target/debug/iam-policy-ls",
    );
    expect(resolveServer({ ...base, setting: "target/release/iam-policy-ls" }).command).toBe(
      path.join("/ws", "target/release/iam-policy-ls"),
    );
    // A bare name is looked up on PATH by the OS, not joined to the workspace.
    expect(resolveServer({ ...base, setting: "iam-policy-ls-nightly" }).command).toBe("iam-policy-ls-nightly");
  });

  it("uses the binary bundled for the platform when there is one", () => {
    const bundled = "/ext/server/linux-x64/iam-policy-ls";
    expect(resolveServer({ ...base, exists: (f) => f === bundled })).toMatchObject({ command: bundled, source: "bundled" });
    expect(bundledBinary("/ext", "win32", "arm64")).toBe(path.join("/ext", "server", "win32-arm64", "iam-policy-ls.exe"));
  });

  it("looks on PATH, then in ~/.cargo/bin and the platform's usual places", () => {
    const onPath = "/bin/iam-policy-ls";
    expect(resolveServer({ ...base, exists: (f) => f === onPath })).toMatchObject({ command: onPath, source: "path" });
    const cargo = "/home/u/.cargo/bin/iam-policy-ls";
    expect(resolveServer({ ...base, exists: (f) => f === cargo })).toMatchObject({ command: cargo, source: "known" });
    const cargoHome = "/opt/cargo/bin/iam-policy-ls";
    expect(
      resolveServer({ ...base, env: { ...base.env, CARGO_HOME: "/opt/cargo" }, exists: (f) => f === cargoHome }).command,
    ).toBe(cargoHome);
    expect(knownLocations({ platform: "darwin", home: "/Users/u", env: {} })).toContain("/opt/homebrew/bin/iam-policy-ls");
    expect(knownLocations({ platform: "win32", home: "C:\\Users\\u", env: {} })).toEqual([
      "C:\\Users\\u\\.cargo\\bin\\iam-policy-ls.exe",
    ]);
    // Windows PATH entries are separated by semicolons.
    const win = "C:\\tools\\iam-policy-ls.exe";
    expect(
      resolveServer({ ...base, platform: "win32", env: { Path: "C:\\Windows;C:\\tools" }, exists: (f) => f === win }).command,
    ).toBe(win);
  });

  it("falls back to the bare name, having recorded every place it tried", () => {
    const r = resolveServer(base);
    expect(r).toMatchObject({ command: "iam-policy-ls", source: "path", found: false });
    expect(r.tried).toEqual([
      "/ext/server/linux-x64/iam-policy-ls (bundled: this .vsix has no server)",
      "iam-policy-ls on PATH (2 directories)",
      "/home/u/.cargo/bin/iam-policy-ls",
      "/home/u/.local/bin/iam-policy-ls",
      "/home/linuxbrew/.linuxbrew/bin/iam-policy-ls",
      "/usr/local/bin/iam-policy-ls",
    ]);
    expect(resolveServer({ ...base, platform: "win32" }).command).toBe("iam-policy-ls.exe");
    expect(resolveServer({ ...base, platform: "aix" }).tried[0]).toBe("a bundled server (none is built for aix-x64)");
  });

  it("says what was tried and names the setting when the server cannot be started", () => {
    const message = notStartedMessage(resolveServer(base), "spawn iam-policy-ls ENOENT");
    expect(message).toContain("spawn iam-policy-ls ENOENT");
    expect(message).toContain("/home/u/.cargo/bin/iam-policy-ls");
    expect(message).toContain("iam-policy-ls.server.path");
    const fromSetting = notStartedMessage(resolveServer({ ...base, setting: "/opt/x/iam-policy-ls" }), "ENOENT");
    expect(fromSetting).toMatch(/^The iam-policy-ls.server.path setting names \/opt\/x\/iam-policy-ls/);
  });

  it("names vsce targets", () => {
    expect(vsceTarget("darwin", "arm64")).toBe("darwin-arm64");
    expect(vsceTarget("linux", "ia32")).toBeUndefined();
  });
});

describe("statusText", () => {
  it("shows the type and why", () => {
    expect(statusText({ policyType: "trust", source: "inferred" })).toEqual({
      text: "$(shield) IAM: trust",
      tooltip: "IAM policy type: trust (inferred from the content)",
    });
  });
  it("names the policy at the cursor in a template", () => {
    const r = { policyType: "trust", source: "template" as const, pointer: "Resources.App.Properties.AssumeRolePolicyDocument" };
    expect(statusText(r)?.tooltip).toBe(
      "IAM policy type: trust (from where it stands in the template)\nResources.App.Properties.AssumeRolePolicyDocument",
    );
  });
  it("hides for documents that are not policies", () => {
    expect(statusText(null)).toBeUndefined();
  });
});
