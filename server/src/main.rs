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
    /// Run policy tests (`*.iamtest.json`): expected decisions for requests, checked against the policies.
    Test(cli::test::TestArgs),
}

/// The version with the catalog it embeds, so a report can say how current the data is.
fn version() -> String {
    let source = iam_policy::catalog::catalog().source();
    format!(
        "{} (catalog: {} {}, data of {})",
        env!("CARGO_PKG_VERSION"),
        source.package,
        source.version,
        source.date
    )
}

fn main() -> ExitCode {
    let parsed = Cli::command()
        .version(version())
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
        Some(Command::Test(args)) => cli::test::run(&args),
        None => {
            let _ = cli.stdio;
            iam_policy_ls::lsp::run()
        }
    };
    ExitCode::from(code)
}
