//! Where the passphrase that opens the key file comes from, first that has one wins:
//!
//! 1. `HOMEWARD_KEY_PASSPHRASE` in the environment;
//! 2. the file named by the `key_passphrase_file` setting (for example on a USB token that is
//!    plugged in to start and kept apart from the laptop);
//! 3. a systemd credential, `$CREDENTIALS_DIRECTORY/homeward-key-passphrase`
//!    (`LoadCredentialEncrypted=homeward-key-passphrase:…` in the unit);
//! 4. typed at the terminal, when there is one (twice when a new one is chosen).
//!
//! With none of these (a service with nothing configured, a script), the error says how to give
//! one. The passphrase is never read from `homeward.toml`, which usually sits beside the data.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{bail, Context, Result};
use zeroize::Zeroizing;

/// The environment variable holding the passphrase.
pub const ENV: &str = "HOMEWARD_KEY_PASSPHRASE";
/// The environment variable holding the new passphrase for `homeward key passphrase`.
pub const NEW_ENV: &str = "HOMEWARD_NEW_KEY_PASSPHRASE";
/// The systemd credential's name.
pub const CREDENTIAL: &str = "homeward-key-passphrase";
/// The shortest passphrase accepted for a new key file: the file is copied with the laptop, so
/// the passphrase alone stands between a thief and the children's names.
pub const MIN_LEN: usize = 12;

/// A passphrase and where it came from (for error messages; never the passphrase itself).
pub struct Passphrase {
    /// The passphrase.
    pub secret: Zeroizing<String>,
    /// Where it came from, for example `HOMEWARD_KEY_PASSPHRASE`.
    pub source: String,
}

/// How to give a passphrase, for errors when none was found.
pub fn how_to_give(key_file: &Path) -> String {
    format!(
        "give the passphrase of the key file {} in one of these ways: set {ENV} in the environment; or set key_passphrase_file = \"/path/on/a/usb/token\" in homeward.toml (or HOMEWARD_KEY_PASSPHRASE_FILE); or, under systemd, a credential named {CREDENTIAL} (LoadCredentialEncrypted=); or run the command in a terminal to type it",
        key_file.display()
    )
}

/// The passphrase from the first source that is not a terminal, if any.
pub fn from_sources(passphrase_file: &str) -> Result<Option<Passphrase>> {
    if let Ok(p) = std::env::var(ENV) {
        return Ok(Some(non_empty(p, ENV)?));
    }
    if !passphrase_file.is_empty() {
        let path = Path::new(passphrase_file);
        if !path.exists() {
            bail!(
                "the passphrase file {} (key_passphrase_file) does not exist: plug in the token that holds it, or correct the setting",
                path.display()
            );
        }
        return read_file(path, &format!("key_passphrase_file {}", path.display())).map(Some);
    }
    if let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY") {
        let path = Path::new(&dir).join(CREDENTIAL);
        if path.exists() {
            return read_file(&path, &format!("systemd credential {CREDENTIAL}")).map(Some);
        }
    }
    Ok(None)
}

/// The new passphrase for `homeward key passphrase`: `HOMEWARD_NEW_KEY_PASSPHRASE`, else typed
/// twice at the terminal.
pub fn new_from_env_or_terminal(key_file: &Path) -> Result<Option<Passphrase>> {
    if let Ok(p) = std::env::var(NEW_ENV) {
        let p = non_empty(p, NEW_ENV)?;
        check_strength(&p)?;
        return Ok(Some(p));
    }
    choose_at_terminal(key_file)
}

/// Whether a passphrase can be typed.
pub fn has_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks once for the passphrase of an existing key file.
pub fn ask(key_file: &Path) -> Result<Passphrase> {
    let secret = Zeroizing::new(
        rpassword::prompt_password(format!(
            "Passphrase of the key file {}: ",
            key_file.display()
        ))
        .context("reading the passphrase from the terminal")?,
    );
    Ok(Passphrase {
        secret,
        source: "the terminal".into(),
    })
}

/// Asks twice for a new passphrase until both match and it is long enough (three tries), or
/// None when there is no terminal.
pub fn choose_at_terminal(key_file: &Path) -> Result<Option<Passphrase>> {
    if !has_terminal() {
        return Ok(None);
    }
    for _ in 0..3 {
        let first = Zeroizing::new(
            rpassword::prompt_password(format!(
                "New passphrase for the key file {} (at least {MIN_LEN} characters; without it the data cannot be read, keep it safe): ",
                key_file.display()
            ))
            .context("reading the passphrase from the terminal")?,
        );
        let again = Zeroizing::new(
            rpassword::prompt_password("The same passphrase again: ")
                .context("reading the passphrase from the terminal")?,
        );
        let p = Passphrase {
            secret: first,
            source: "the terminal".into(),
        };
        if *p.secret != *again {
            eprintln!("The two passphrases differ; try again.");
        } else if let Err(e) = check_strength(&p) {
            eprintln!("{e}");
        } else {
            return Ok(Some(p));
        }
    }
    bail!("no passphrase was chosen; nothing was changed")
}

/// Refuses passphrases too short to hold off a thief who has the key file.
pub fn check_strength(p: &Passphrase) -> Result<()> {
    if p.secret.chars().count() < MIN_LEN {
        bail!(
            "the passphrase from {} is too short: choose at least {MIN_LEN} characters (several words are easiest to remember)",
            p.source
        );
    }
    Ok(())
}

fn read_file(path: &Path, source: &str) -> Result<Passphrase> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).with_context(|| format!("reading the {source}"))?,
    );
    // Editors and `echo` add a line end; it is not part of the passphrase.
    non_empty(text.trim_end_matches(['\n', '\r']).to_string(), source)
}

fn non_empty(p: String, source: &str) -> Result<Passphrase> {
    let secret = Zeroizing::new(p);
    if secret.is_empty() {
        bail!("the passphrase from {source} is empty");
    }
    Ok(Passphrase {
        secret,
        source: source.into(),
    })
}
