//! `homeward key`: a new data key for HOMEWARD_KEY (`generate`), wrapping a key file that holds
//! the key in clear (`wrap`), and changing the passphrase of a wrapped one (`passphrase`).

use anyhow::{bail, Result};
use clap::Subcommand;
use homeward_store::{EncryptionKey, WrappedKey};
use secrecy::ExposeSecret;

use super::Outcome;
use crate::key_file::{self, Stored};
use crate::passphrase;
use crate::settings::Settings;

/// Key commands.
#[derive(Subcommand)]
pub enum KeyCommand {
    /// Print a new random key (base64), for HOMEWARD_KEY in a server's secret store.
    Generate,
    /// Wrap the key file's clear key (or HOMEWARD_KEY, into a new key file) with a passphrase.
    /// The passphrase comes from HOMEWARD_KEY_PASSPHRASE, key_passphrase_file, the systemd
    /// credential homeward-key-passphrase, or the terminal (typed twice).
    Wrap,
    /// Change the passphrase of the wrapped key file: the current one from the usual sources,
    /// the new one from HOMEWARD_NEW_KEY_PASSPHRASE or typed twice. Only the key file is
    /// rewritten; the data stays as it is.
    Passphrase,
}

/// Runs a key command.
pub fn run(settings: &Settings, c: KeyCommand) -> Result<Outcome> {
    match c {
        KeyCommand::Generate => {
            println!("{}", EncryptionKey::generate().to_base64().as_str());
            Ok(Outcome::Ok)
        }
        KeyCommand::Wrap => wrap(settings),
        KeyCommand::Passphrase => change_passphrase(settings),
    }
}

fn wrap(settings: &Settings) -> Result<Outcome> {
    let file = settings.key_file();
    let exists = file.exists();
    let key = if exists {
        match key_file::read(&file)? {
            Stored::Clear(k) => k,
            Stored::Wrapped(_) => bail!(
                "the key file {} is already wrapped; to change its passphrase run `homeward key passphrase`",
                file.display()
            ),
        }
    } else if let Some(k) = &settings.key {
        EncryptionKey::parse(k.expose_secret())?
    } else {
        bail!(
            "there is no key file at {} and no HOMEWARD_KEY to wrap; check --data-dir or key_file",
            file.display()
        );
    };
    let p = match passphrase::from_sources(&settings.key_passphrase_file)? {
        Some(p) => p,
        None => match passphrase::choose_at_terminal(&file)? {
            Some(p) => p,
            None => bail!(
                "no passphrase to wrap the key with: {}",
                passphrase::how_to_give(&file)
            ),
        },
    };
    passphrase::check_strength(&p)?;
    let wrapped = WrappedKey::wrap(&key, &p.secret, false)?;
    if exists {
        key_file::replace(&file, &wrapped)?;
    } else {
        key_file::write_new(&file, &wrapped)?;
    }
    println!(
        "The data key in {} is now wrapped with the passphrase from {}; Homeward asks for it from now on.",
        file.display(),
        p.source
    );
    if exists {
        println!("The key was in clear until now: any copy of the old file (a backup, another disk) still opens the data; delete those copies.");
    }
    Ok(Outcome::Ok)
}

fn change_passphrase(settings: &Settings) -> Result<Outcome> {
    let file = settings.key_file();
    if !file.exists() {
        bail!(
            "there is no key file at {}; check --data-dir or key_file",
            file.display()
        );
    }
    let current = match key_file::read(&file)? {
        Stored::Wrapped(w) => w,
        Stored::Clear(_) => bail!(
            "the key file {} holds the key in clear; wrap it with a passphrase first: `homeward key wrap`",
            file.display()
        ),
    };
    let key = key_file::open(settings, &current, &file)?;
    let Some(new) = passphrase::new_from_env_or_terminal(&file)? else {
        bail!(
            "no new passphrase was given: set {} or run the command in a terminal to type it",
            passphrase::NEW_ENV
        );
    };
    key_file::replace(&file, &WrappedKey::wrap(&key, &new.secret, false)?)?;
    println!(
        "The passphrase of the key file {} is changed; the old one no longer opens it (copies of the old file still open with the old passphrase: delete them).",
        file.display()
    );
    Ok(Outcome::Ok)
}
