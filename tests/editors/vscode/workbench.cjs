// The VS Code extension in a real workbench: installs a .vsix into code-server, opens a workspace
// in headless Chromium (playwright-core) and checks what a user sees. Run by
// scripts/editors/vscode-workbench:
//   node workbench.cjs --code-server DIR --vsix FILE [--screenshot FILE]
// code-server gets a PATH of Node and /usr/bin:/bin only, and a fresh HOME: no iam-policy-ls
// there, so the server that answers is the one inside the .vsix. Every wait is bounded.
"use strict";

const assert = require("node:assert/strict");
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

// Generous: the first diagnostics wait for the extension host and the server to start.
const TIMEOUT = 60_000;
const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadReports",
      "Effect": "allow",
      "Action": "s3:GetObjekt",
      "Resource": "arn:aws:s3:::reports/*"
    }
  ]
}
`;
const TRUST = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Service": "lambda.amazonaws.com" },
      "Action": "sts:AssumeRole",
      "Resource": "*"
    }
  ]
}
`;

// A SAM template whose bucket policy lacks its Version: the server finds the policy in the YAML.
const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:aws:iam::\${AWS::AccountId}:root"
            Action: s3:GetObject
            Resource: !Sub "\${Bucket.Arn}/*"
`;

// The files the workspace holds, each opened from the Explorer and checked: the codes its
// Problems entries must show and the policy type in the status bar. A new kind of document
// (a policy inside template.yaml, say) is one more entry here.
const FILES = [
  { name: "reports.policy.json", text: POLICY, codes: ["INVALID_EFFECT", "INVALID_ACTION"], policyType: "identity" },
  { name: "lambda-trust.json", text: TRUST, codes: ["ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE"], policyType: "trust" },
  { name: "template.yaml", text: TEMPLATE, codes: ["MISSING_VERSION"], policyType: "resource" },
];

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
assert.ok(args["code-server"] && args.vsix, "usage: workbench.cjs --code-server DIR --vsix FILE [--screenshot FILE]");

let passed = 0;
let failed = 0;
function ok(name) {
  passed++;
  console.log(`ok   ${name}`);
}
function fail(name, detail) {
  failed++;
  console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
}
async function check(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    ok(`${name}${detail ? ` (${detail})` : ""} [${((Date.now() - started) / 1000).toFixed(1)} s]`);
    return true;
  } catch (e) {
    fail(name, e instanceof Error ? e.message.split("\n")[0] : String(e));
    return false;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `fn` until it returns a truthy value; throws `what` after the timeout. */
async function until(what, fn, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ""}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The processes whose executable lies under `dir` (Linux /proc). */
function processesUnder(dir) {
  const found = [];
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const exe = fs.readlinkSync(`/proc/${pid}/exe`);
      if (exe.startsWith(dir + path.sep)) found.push(exe);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

function findOnPath(name, pathValue) {
  return pathValue
    .split(path.delimiter)
    .map((d) => path.join(d, name))
    .filter((f) => fs.existsSync(f));
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "iam-policy-ls-workbench-"));
  const home = path.join(root, "home");
  const userData = path.join(root, "user-data");
  const extensions = path.join(root, "extensions");
  const workspace = path.join(root, "workspace");
  for (const d of [home, path.join(userData, "User"), extensions, workspace]) fs.mkdirSync(d, { recursive: true });
  for (const f of FILES) fs.writeFileSync(path.join(workspace, f.name), f.text);
  fs.writeFileSync(
    path.join(userData, "User", "settings.json"),
    JSON.stringify({
      "editor.quickSuggestions": { other: "on", comments: "off", strings: "on" },
      "editor.hover.delay": 100,
      "workbench.startupEditor": "none",
      "workbench.secondarySideBar.defaultVisibility": "hidden",
      "chat.disableAIFeatures": true,
      "workbench.tips.enabled": false,
      "workbench.enableExperiments": false,
      "security.workspace.trust.enabled": false,
      "extensions.autoCheckUpdates": false,
      "extensions.autoUpdate": false,
      "telemetry.telemetryLevel": "off",
      "update.mode": "none",
      "window.restoreWindows": "none",
    }),
  );

  const entry = path.join(args["code-server"], "out", "node", "entry.js");
  const env = {
    PATH: [path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter),
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_DATA_HOME: path.join(home, ".local", "share"),
    LANG: "C.UTF-8",
  };
  const common = ["--user-data-dir", userData, "--extensions-dir", extensions];
  await check("no iam-policy-ls on the PATH code-server gets", () => {
    assert.deepEqual(findOnPath("iam-policy-ls", env.PATH), []);
  });
  await check("the .vsix installs into code-server", () => {
    const out = execFileSync(process.execPath, [entry, ...common, "--install-extension", path.resolve(args.vsix)], {
      env,
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.match(out, /successfully installed/);
    const installed = fs.readdirSync(extensions).find((d) => d.startsWith("iam-policy-ls.iam-policy-ls-"));
    assert.ok(installed, "no extension directory");
    const bundled = path.join(extensions, installed, "server", "linux-x64", "iam-policy-ls");
    fs.accessSync(bundled, fs.constants.X_OK);
    return path.relative(extensions, bundled);
  });

  const port = await freePort();
  const log = [];
  const server = spawn(
    process.execPath,
    [entry, ...common, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry",
      "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override", workspace],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  server.stdout.on("data", (d) => log.push(String(d)));
  server.stderr.on("data", (d) => log.push(String(d)));

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    page.setDefaultTimeout(TIMEOUT);
    page.setDefaultNavigationTimeout(2 * TIMEOUT);
    await until("code-server to listen", async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 2 * TIMEOUT);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: "domcontentloaded" });
    await page.locator(".monaco-workbench").waitFor({ timeout: 2 * TIMEOUT });
    await workbench(page, extensions, args.screenshot);
    await check("a wrong iam-policy-ls.server.path gets a message naming the setting", async () => {
      // As a user would set it for the workspace; the extension restarts the server on the change.
      fs.mkdirSync(path.join(workspace, ".vscode"), { recursive: true });
      const settings = { "iam-policy-ls.server.path": "/nonexistent/iam-policy-ls" };
      fs.writeFileSync(path.join(workspace, ".vscode", "settings.json"), JSON.stringify(settings));
      const toast = page.locator(".notification-toast", { hasText: "iam-policy-ls.server.path setting names" }).first();
      await toast.waitFor({ timeout: TIMEOUT });
      const message = await toast.locator(".notification-list-item-message").textContent();
      assert.match(message, /Tried: /);
      return message.slice(0, 80);
    });
  } finally {
    await browser.close();
    server.kill();
    if (failed > 0) console.log(`code-server log:\n${log.join("").split("\n").slice(-40).join("\n")}`);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The editor's visible text, line by line (Monaco renders non-breaking spaces). */
async function editorLines(page) {
  const lines = await page.locator(".editor-instance .view-lines .view-line").evaluateAll((els) =>
    els
      .map((el) => ({ top: parseFloat(el.style.top), text: el.textContent.replace(/\u00a0/g, " ") }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text),
  );
  return lines;
}

async function problems(page) {
  return page.locator(".markers-panel .monaco-list-row").evaluateAll((rows) => rows.map((r) => r.textContent));
}

async function statusBarText(page) {
  return (await page.locator(".statusbar-item").allTextContents()).join(" | ");
}

async function openFromExplorer(page, name) {
  const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first();
  await row.waitFor({ timeout: TIMEOUT });
  await row.click();
  await page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().waitFor({ timeout: TIMEOUT });
  await page.locator(".editor-instance .view-lines").first().waitFor({ timeout: TIMEOUT });
}

/** Moves the mouse off the editor and closes a hover, so it covers nothing to click. */
async function dismissHover(page) {
  await page.mouse.move(5, 5);
  await page.keyboard.press("Escape");
  await page.locator(".monaco-hover:visible").waitFor({ state: "detached", timeout: 5_000 }).catch(() => undefined);
}

/** A token in the editor, as a locator on the span that renders it. */
function token(page, text) {
  return page.locator(".editor-instance .view-lines .view-line span span", { hasText: text }).first();
}

async function workbench(page, extensions, screenshot) {
  // Opening the Problems panel once keeps it in view for the rest of the run.
  await page.keyboard.press("Control+Shift+M");
  await page.locator(".markers-panel").waitFor({ timeout: TIMEOUT });

  for (const file of FILES) {
    await check(`${file.name}: opens from the Explorer`, () => openFromExplorer(page, file.name));
    await check(`${file.name}: Problems lists ${file.codes.join(", ")}`, async () => {
      const rows = await until("the codes in the Problems panel", async () => {
        const all = await problems(page);
        return file.codes.every((c) => all.some((r) => r.includes(c))) && all;
      });
      return `${rows.length} rows`;
    });
    await check(`${file.name}: status bar shows "IAM: ${file.policyType}"`, async () => {
      await until(`"IAM: ${file.policyType}" in the status bar`, async () =>
        (await statusBarText(page)).includes(`IAM: ${file.policyType}`),
      );
    });
  }
  await check("the server running is the one inside the .vsix", () => {
    const running = processesUnder(extensions);
    assert.ok(running.some((exe) => exe.endsWith(path.join("server", "linux-x64", "iam-policy-ls"))), running.join(", "));
  });

  // The broken policy, for the rest: squiggles, a screenshot, a quick fix, completion, a hover.
  const [first] = FILES;
  await openFromExplorer(page, first.name);
  await check("squiggles under the mistakes", async () => {
    const count = await until("two error squiggles", async () => {
      const n = await page.locator(".editor-instance .squiggly-error").count();
      return n >= 2 && n;
    });
    return `${count} squiggles`;
  });
  if (screenshot) {
    await dismissHover(page);
    await page.screenshot({ path: screenshot });
  }

  await check('quick fix: Change to "Allow"', async () => {
    await dismissHover(page);
    await token(page, '"allow"').click();
    await page.keyboard.press("Control+.");
    const item = page.locator(".action-widget .monaco-list-row", { hasText: 'Change to "Allow"' }).first();
    await item.waitFor({ timeout: TIMEOUT });
    await item.click();
    await until("the Effect to read Allow", async () => (await editorLines(page)).some((l) => l.includes('"Effect": "Allow"')));
    await until("INVALID_EFFECT to leave Problems", async () => !(await problems(page)).some((r) => r.includes("INVALID_EFFECT")));
  });

  await check("completion of s3:GetObj… offers s3:GetObject", async () => {
    // Double-clicking selects the word GetObjekt; typing replaces it as a user retypes it.
    await token(page, "s3:GetObjekt").dblclick();
    await page.keyboard.type("GetObj");
    const item = page.locator(".suggest-widget .monaco-list-row", { hasText: "s3:GetObject" }).first();
    await item.waitFor({ timeout: TIMEOUT });
    const labels = await page.locator(".suggest-widget .monaco-list-row").allTextContents();
    await item.click();
    await until("the action to read s3:GetObject", async () => (await editorLines(page)).some((l) => l.includes('"Action": "s3:GetObject"')));
    await until("INVALID_ACTION to leave Problems", async () => !(await problems(page)).some((r) => r.includes("INVALID_ACTION")));
    return `${labels.length} items`;
  });

  await check("hover over s3:GetObject explains it", async () => {
    await dismissHover(page);
    await token(page, "s3:GetObject").hover();
    const hover = page.locator(".monaco-hover").first();
    await hover.waitFor({ state: "visible", timeout: TIMEOUT });
    const text = await until("hover text", async () => {
      const t = await hover.textContent();
      return t && t.includes("GetObject") && t;
    });
    return text.slice(0, 60).replace(/\s+/g, " ");
  });
}

main()
  .catch((e) => fail("workbench run", e && e.stack ? e.stack : String(e)))
  .finally(() => {
    console.log(`vscode-workbench: ${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
  });
