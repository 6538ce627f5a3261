//! Password-protected archives for exports that carry personal data: the export's file inside a
//! ZIP encrypted with AES-256 (WinZip AE-2, which 7-Zip, WinZip, macOS's Archive Utility with
//! 7-Zip, and Python's pyzipper open). The password is the operator's own, read from a file,
//! or generated here and shown once: it must travel to the recipient by another channel than
//! the archive (a phone call, not the same e-mail).

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use rand::Rng;
use zeroize::Zeroizing;
use zip::write::SimpleFileOptions;
use zip::{AesMode, CompressionMethod, ZipWriter};

/// Shortest password an archive of children's records may have.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Letters and digits that cannot be misread when a password is read out over a phone (no
/// 0/O, 1/l/I).
const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";

/// A new password of 6 groups of 4 (120 bits), easy to read out: `k7rm-2wqa-...`.
pub fn generate_password() -> Zeroizing<String> {
    let mut rng = rand::rngs::OsRng;
    let groups: Vec<String> = (0..6)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    Zeroizing::new(groups.join("-"))
}

/// The password in the first line of `path`, refused when too short.
pub fn read_password(path: &Path) -> Result<Zeroizing<String>> {
    let text =
        Zeroizing::new(std::fs::read_to_string(path).with_context(|| {
            format!("cannot read the archive password from {}", path.display())
        })?);
    let line = Zeroizing::new(text.lines().next().unwrap_or("").trim_end().to_string());
    if line.chars().count() < MIN_PASSWORD_CHARS {
        bail!(
            "the archive password in {} has {} characters; use at least {MIN_PASSWORD_CHARS} (or leave out --archive-password-file to have one generated)",
            path.display(),
            line.chars().count()
        );
    }
    Ok(line)
}

/// `contents` as the one file `name` of an AES-256 encrypted ZIP.
pub fn encrypted_zip(name: &str, contents: &[u8], password: &str) -> Result<Vec<u8>> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .with_aes_encryption(AesMode::Aes256, password);
    zip.start_file(name, options)
        .context("starting the encrypted archive")?;
    zip.write_all(contents)
        .context("writing the encrypted archive")?;
    Ok(zip
        .finish()
        .context("finishing the encrypted archive")?
        .into_inner())
}

/// How an export is sealed: the password, and whether it was generated here (and must then be
/// shown to the operator, once).
pub struct Sealing {
    password: Zeroizing<String>,
    generated: bool,
}

impl Sealing {
    /// From the command line: `None` without `--encrypt`.
    pub fn from_args(encrypt: bool, password_file: Option<&Path>) -> Result<Option<Self>> {
        if !encrypt {
            return Ok(None);
        }
        Ok(Some(match password_file {
            Some(path) => Sealing {
                password: read_password(path)?,
                generated: false,
            },
            None => Sealing {
                password: generate_password(),
                generated: true,
            },
        }))
    }

    /// Write `contents` to `out` as the one file of an encrypted archive, named after `out`
    /// with the extension `inner_extension`; a generated password is printed (to standard
    /// error, so it never lands in a redirected output file) once the archive is in place.
    pub fn write(&self, out: &Path, inner_extension: &str, contents: &[u8]) -> Result<()> {
        let stem = out.file_stem().and_then(|s| s.to_str()).unwrap_or("export");
        let zip = encrypted_zip(
            &format!("{stem}.{inner_extension}"),
            contents,
            &self.password,
        )?;
        crate::commands::report::write_atomically(out, &zip)?;
        if self.generated {
            eprintln!(
                "archive password: {}\n(give it to the recipient by another channel than the file; it is not stored anywhere)",
                self.password.as_str()
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_distinct_and_unambiguous() {
        let a = generate_password();
        let b = generate_password();
        assert_ne!(*a, *b);
        assert_eq!(a.len(), 29);
        assert!(a.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
    }

    #[test]
    fn the_archive_holds_no_plain_text() {
        let secret = "রহিম আলী,Amina Khatun".repeat(20);
        let zip = encrypted_zip("cases.csv", secret.as_bytes(), "k7rm-2wqa-9xpe").unwrap();
        assert!(zip.starts_with(b"PK"));
        let haystack = String::from_utf8_lossy(&zip);
        assert!(!haystack.contains("Amina"));
    }
}
