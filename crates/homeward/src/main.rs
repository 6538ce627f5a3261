//! `homeward`: one binary for the central server, the field laptop and the administrator's
//! command line. Each subcommand lives in its own module under `commands/`.
//!
//! Exit codes: 0 success, 1 the command ran and found a problem (a broken audit trail, a bad
//! import file), 2 it could not run (bad configuration, wrong key, unreachable database).

mod archive;
mod commands;
mod demo_data;
mod demo_prevention;
mod key_file;
mod malloc_tuning;
mod operator;
mod passphrase;
mod settings;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::settings::{Overrides, Settings};

/// Homeward: family tracing and anti-trafficking case management for child-protection teams.
#[derive(Parser)]
#[command(name = "homeward", version, about, long_about = None)]
struct Cli {
    /// Configuration file (default: ./homeward.toml if present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory for the SQLite database and key file (default: ./homeward-data).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL: sqlite:///path/file.sqlite3 or postgres://user@host/db.
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web interface and the API.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Seed demonstration data (about 500 children, 300 tracing requests, demo users) and serve.
    Demo {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Seed only; do not start the server.
        #[arg(long)]
        no_serve: bool,
        /// Number of children to register.
        #[arg(long, default_value_t = 500)]
        children: usize,
        /// Number of tracing requests.
        #[arg(long, default_value_t = 300)]
        requests: usize,
    },
    /// Manage users.
    #[command(subcommand)]
    User(commands::user::UserCommand),
    /// Import child cases or tracing requests from a CSV file (all rows or none).
    Import(commands::transfer::ImportArgs),
    /// Export child cases or tracing requests to a CSV file.
    Export(commands::transfer::ExportArgs),
    /// Write the indicators for a period and area to an HTML, XLSX or JSON file.
    Report(commands::report::ReportArgs),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// Write a consistent copy of the SQLite database while Homeward runs.
    Backup {
        /// The backup file to create.
        file: PathBuf,
    },
    /// Put a backup in place of the SQLite database (stop the server first).
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Replace an existing database (it is kept as a .before-restore copy).
        #[arg(long)]
        force: bool,
    },
    /// Print the effective settings, with secrets hidden.
    Config {
        /// Print the example configuration file instead.
        #[arg(long)]
        example: bool,
    },
    /// Encryption keys.
    #[command(subcommand)]
    Key(commands::key::KeyCommand),
    /// Potential matches between tracing requests and registered children.
    #[command(subcommand)]
    Match(commands::matching::MatchCommand),
    /// Link two CSV files (or find duplicates in one) with the probabilistic linkage engine.
    Link(homeward_linkage::cli::LinkArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Linking works on files alone: no settings, database or key are needed.
    if let Command::Link(args) = &cli.command {
        return match homeward_linkage::cli::run(args) {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("homeward link: {e}");
                ExitCode::from(2)
            }
        };
    }
    let listen = match &cli.command {
        Command::Serve { listen } | Command::Demo { listen, .. } => *listen,
        _ => None,
    };
    // A server gives memory back after a flood of large requests (see malloc_tuning); before
    // any thread or file is opened, since the process is replaced.
    if matches!(
        cli.command,
        Command::Serve { .. }
            | Command::Demo {
                no_serve: false,
                ..
            }
    ) {
        malloc_tuning::restart_with_tunables();
    }
    let overrides = Overrides {
        config_file: cli.config.clone(),
        data_dir: cli.data_dir.clone(),
        database_url: cli.database_url.clone(),
        listen,
    };
    let settings = match Settings::load(&overrides) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("homeward: {e:#}");
            return ExitCode::from(2);
        }
    };
    commands::init_logging(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("homeward: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve { .. } => commands::serve::run(&settings).await,
            Command::Demo {
                no_serve,
                children,
                requests,
                ..
            } => commands::demo::run(&settings, children, requests, !no_serve).await,
            Command::User(c) => commands::user::run(&settings, c).await,
            Command::Import(a) => commands::transfer::import(&settings, a).await,
            Command::Export(a) => commands::transfer::export(&settings, a).await,
            Command::Report(a) => commands::report::report(&settings, a).await,
            Command::Audit(c) => commands::audit::run(&settings, c).await,
            Command::Backup { file } => commands::backup::backup(&settings, &file).await,
            Command::Restore { file, force } => {
                commands::backup::restore(&settings, &file, force).await
            }
            Command::Config { example } => {
                print!(
                    "{}",
                    if example {
                        settings::EXAMPLE.to_string()
                    } else {
                        settings.render()
                    }
                );
                Ok(commands::Outcome::Ok)
            }
            Command::Key(c) => commands::key::run(&settings, c),
            Command::Match(c) => commands::matching::run(&settings, c).await,
            Command::Link(_) => Ok(commands::Outcome::Ok),
        }
    });
    match result {
        Ok(commands::Outcome::Ok) => ExitCode::SUCCESS,
        Ok(commands::Outcome::Problem) => ExitCode::from(1),
        Err(e) => {
            eprintln!("homeward: {e:#}");
            ExitCode::from(2)
        }
    }
}
