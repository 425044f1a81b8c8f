import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFile } from "node:child_process";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from "vscode-languageclient/node";
import {
  Places,
  PolicyTypeResult,
  ResolvedServer,
  SECTION,
  notStartedMessage,
  resolveServer,
  serverSettings,
  statusText,
} from "./settings";
import { DEFAULT_PRINCIPAL, SimulateResult, renderResult, simulateRequest } from "./simulate";

const POLICY_TYPE_METHOD = "iam-policy-ls/policyType";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let serverCommand = "iam-policy-ls";
let resolved: ResolvedServer | undefined;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

function getter(c: vscode.WorkspaceConfiguration) {
  return <T>(key: string) => c.get<T>(key);
}

/** Languages the server is attached to: policies, JSON (policies and CloudFormation templates),
 * YAML (CloudFormation/SAM templates) and Terraform. It stays silent on files holding no policy. */
export const LANGUAGES = ["iam-policy", "json", "yaml", "terraform", "hcl"];

/** Where path settings resolve: the first workspace folder and the home directory. */
function places(): Places {
  return { workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, home: os.homedir() };
}

function isPolicyCandidate(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && LANGUAGES.includes(doc.languageId);
}

/** The policyType request for the policy at the cursor (templates hold several). */
function policyTypeParams(doc: vscode.TextDocument): Record<string, unknown> {
  const editor = vscode.window.activeTextEditor;
  const position = editor?.document === doc ? editor.selection.active : undefined;
  return {
    textDocument: { uri: doc.uri.toString() },
    ...(position ? { position: { line: position.line, character: position.character } } : {}),
  };
}

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const c = config();
  resolved = resolveServer({
    setting: c.get<string>("server.path"),
    extensionPath: context.extensionPath,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    platform: process.platform,
    arch: process.arch,
    home: os.homedir(),
    env: process.env,
    exists: (f) => fs.existsSync(f),
  });
  serverCommand = resolved.command;
  output.appendLine(`Starting ${resolved.command} (${resolved.source})`);
  const serverOptions: ServerOptions = {
    command: resolved.command,
    args: [],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    // The server checks the JSON, YAML and Terraform documents that hold policies (a policy, a
    // CloudFormation/SAM template, a .tf file) and ignores the rest.
    documentSelector: LANGUAGES.flatMap((language) =>
      language === "iam-policy" ? [{ language }] : [{ language, scheme: "file" }, { language, scheme: "untitled" }],
    ),
    initializationOptions: serverSettings(getter(c), places()),
    outputChannel: output,
    middleware: {
      provideInlayHints: (document, range, token, next) =>
        config().get<boolean>("inlayHints.enabled", true) ? next(document, range, token) : [],
    },
  };
  return new LanguageClient(SECTION, "IAM Policy Language Server", serverOptions, clientOptions);
}

/** Starts the client; when the server cannot be started, says what was tried and how to fix it. */
async function startClient(): Promise<boolean> {
  if (!client) return false;
  try {
    await client.start();
    return true;
  } catch (e) {
    const message = notStartedMessage(
      resolved ?? { command: serverCommand, source: "path", tried: [], found: false },
      e instanceof Error ? e.message : String(e),
    );
    output.appendLine(message);
    void vscode.window.showErrorMessage(message, "Open Settings").then((choice) => {
      if (choice) void vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.server.path`);
    });
    return false;
  }
}

async function updateStatus(): Promise<void> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!client || !client.isRunning() || !isPolicyCandidate(doc)) {
    status.hide();
    return;
  }
  try {
    const r = await client.sendRequest<PolicyTypeResult | null>(POLICY_TYPE_METHOD, policyTypeParams(doc));
    const s = statusText(r);
    if (s && vscode.window.activeTextEditor?.document === doc) {
      status.text = s.text;
      status.tooltip = s.tooltip;
      status.show();
    } else {
      status.hide();
    }
  } catch {
    // Older servers do not know the request: no status item.
    status.hide();
  }
}

async function simulate(): Promise<void> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!client || !isPolicyCandidate(doc)) {
    void vscode.window.showWarningMessage("Open an IAM policy to simulate a request against it.");
    return;
  }
  const type = await client
    .sendRequest<PolicyTypeResult | null>(POLICY_TYPE_METHOD, policyTypeParams(doc))
    .catch(() => null);
  if (!type) {
    void vscode.window.showWarningMessage("This document is not an IAM policy.");
    return;
  }
  const action = await vscode.window.showInputBox({
    title: "Simulate: action",
    prompt: "The action to request, service:Action",
    placeHolder: "s3:GetObject",
    validateInput: (v) => (/^[A-Za-z0-9-]+:[A-Za-z0-9]+$/.test(v.trim()) ? undefined : "Expected service:Action"),
  });
  if (action === undefined) return;
  const resource = await vscode.window.showInputBox({
    title: "Simulate: resource",
    prompt: "The resource ARN, or *",
    value: "*",
  });
  if (resource === undefined) return;
  const principal = await vscode.window.showInputBox({
    title: "Simulate: principal",
    prompt: "The caller: an IAM ARN or a service principal",
    value: DEFAULT_PRINCIPAL,
  });
  if (principal === undefined) return;

  // The buffer, not the file on disk, so unsaved edits are simulated; in a template, the policy
  // at the cursor as the server read it.
  const policyText = type.policy ?? doc.getText();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iam-policy-ls-"));
  try {
    fs.writeFileSync(path.join(dir, "policy.json"), policyText);
    const request = simulateRequest({
      policyFile: "policy.json",
      policyType: type.policyType,
      action: action.trim(),
      resource: resource.trim(),
      principal: principal.trim() || undefined,
      policyText,
    });
    const requestFile = path.join(dir, "request.json");
    fs.writeFileSync(requestFile, JSON.stringify(request, null, 2));
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(serverCommand, ["simulate", "--request", requestFile, "--format", "json"], (err, out, errOut) =>
        err && !out ? reject(new Error(errOut || err.message)) : resolve(out),
      ),
    );
    const { summary, details } = renderResult(JSON.parse(stdout) as SimulateResult);
    const where = type.pointer ? `${doc.uri.fsPath}#${type.pointer}` : doc.uri.fsPath;
    output.appendLine(`Simulate ${action} on ${resource} (${type.policyType} policy ${where}):`);
    output.appendLine(details);
    const show = await vscode.window.showInformationMessage(summary, "Show Details");
    if (show) output.show(true);
  } catch (e) {
    void vscode.window.showErrorMessage(`Simulation failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("IAM Policy Language Server");
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.command = "iam-policy-ls.simulate";
  context.subscriptions.push(output, status);

  client = createClient(context);
  let pending: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(() => void updateStatus(), 150);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand("iam-policy-ls.restartServer", async () => {
      if (client) {
        await client.stop().catch(() => undefined);
        client = createClient(context);
        await startClient();
        refresh();
      }
    }),
    vscode.commands.registerCommand("iam-policy-ls.showOutput", () => output.show()),
    vscode.commands.registerCommand("iam-policy-ls.simulate", simulate),
    vscode.window.onDidChangeActiveTextEditor(refresh),
    // In a template the status names the policy at the cursor.
    vscode.window.onDidChangeTextEditorSelection(refresh),
    // A type inferred from the content can change with any edit; diagnostics follow each edit.
    vscode.languages.onDidChangeDiagnostics(refresh),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION) || !client) return;
      if (e.affectsConfiguration(`${SECTION}.server.path`)) {
        void vscode.commands.executeCommand("iam-policy-ls.restartServer");
        return;
      }
      void client.sendNotification("workspace/didChangeConfiguration", {
        settings: serverSettings(getter(config()), places()),
      });
      refresh();
    }),
  );
  await startClient();
  refresh();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
