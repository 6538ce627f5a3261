//! `homeward key generate`: a new data key for HOMEWARD_KEY or a key file.

use anyhow::Result;
use clap::Subcommand;
use homeward_store::EncryptionKey;

use super::Outcome;

/// Key commands.
#[derive(Subcommand)]
pub enum KeyCommand {
    /// Print a new random key (base64).
    Generate,
}

/// Runs a key command.
pub fn run(c: KeyCommand) -> Result<Outcome> {
    match c {
        KeyCommand::Generate => {
            println!("{}", EncryptionKey::generate().to_base64().as_str());
            Ok(Outcome::Ok)
        }
    }
}
