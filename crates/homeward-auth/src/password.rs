//! Password hashing with argon2id (OWASP's recommended parameters), and a dummy verification
//! for unknown usernames so that a login attempt takes as long whether or not the user exists.
//!
//! Each hash needs 19 MiB of working memory. Allocated and freed per login, those buffers
//! taught glibc's allocator to keep everything under 19 MiB in its heaps and to hand back
//! nothing below 38 MiB, so after a flood of requests the server never shrank again (issue 16,
//! point 3). So the working memory is a fixed set of buffers, one per CPU (at most four),
//! allocated on first use and reused for ever; a hash waits for a free buffer. That also
//! bounds what a flood of logins can cost: a few buffers of memory, a few CPUs of work.

use std::sync::{Condvar, Mutex, PoisonError};

use argon2::password_hash::{rand_core::OsRng, Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Why a password could not be set.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Too short to resist guessing.
    #[error("the password is {0} characters long; use at least 10 characters (a short sentence is easy to remember)")]
    TooShort(usize),
    /// The hashing library failed (out of memory, for instance).
    #[error("the password could not be hashed: {0}")]
    Hash(String),
}

fn params() -> Params {
    // 19 MiB, 2 passes, 1 lane: OWASP's argon2id minimum, affordable on a field laptop.
    Params::new(19 * 1024, 2, 1, None).unwrap_or_default()
}

/// The shared working memory: buffers not in use, and how many exist.
struct Pool {
    free: Mutex<(Vec<Vec<Block>>, usize)>,
    returned: Condvar,
}

static POOL: Pool = Pool {
    free: Mutex::new((Vec::new(), 0)),
    returned: Condvar::new(),
};

fn pool_size() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Runs `f` with working memory of at least `blocks` blocks: a pooled buffer when the
/// parameters are ours, a buffer of its own for a hash stored with larger ones.
fn with_memory<R>(blocks: usize, f: impl FnOnce(&mut [Block]) -> R) -> R {
    let ours = params().block_count();
    if blocks > ours {
        return f(&mut vec![Block::default(); blocks]);
    }
    let mut buffer = {
        // A panic while holding the lock leaves the list itself intact.
        let mut free = POOL.free.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(b) = free.0.pop() {
                break b;
            }
            if free.1 < pool_size() {
                free.1 += 1;
                break vec![Block::default(); ours];
            }
            free = POOL
                .returned
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
    };
    let result = f(&mut buffer[..blocks]);
    POOL.free
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .0
        .push(buffer);
    POOL.returned.notify_one();
    result
}

/// Hashes a new password into a PHC string.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let len = password.chars().count();
    if len < 10 {
        return Err(PasswordError::TooShort(len));
    }
    let salt = SaltString::generate(&mut OsRng);
    let params = params();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    let output = with_memory(params.block_count(), |memory| {
        Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
            argon2
                .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, memory)
                .map_err(|_| argon2::password_hash::Error::Password)
        })
    })
    .map_err(|e| PasswordError::Hash(e.to_string()))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params)
            .try_into()
            .map_err(|e: argon2::password_hash::Error| PasswordError::Hash(e.to_string()))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// Checks a password against a parsed PHC hash, in pooled memory.
fn verify(password: &str, hash: &PasswordHash<'_>) -> bool {
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from) {
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
        None => Version::default(),
    };
    let Ok(params) = Params::try_from(hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let computed = with_memory(params.block_count(), |memory| {
        Output::init_with(expected.len(), |out| {
            argon2
                .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, memory)
                .map_err(|_| argon2::password_hash::Error::Password)
        })
    });
    // Output compares in constant time.
    computed.is_ok_and(|c| c == expected)
}

/// A valid hash of a random password, checked against when the username is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$gZiV/M1gPc22ElAH/Jh1Hw$CWOrkoo7oJBQ/iyh7uJ0LO2aLEfrHwTWllSAxT0zRno";

/// Checks a password against a stored hash; with `None` it spends the same time and fails.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let hash = stored.unwrap_or(DUMMY_HASH);
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = verify(password, &parsed);
    ok && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&h)));
        assert!(!verify_password("wrong horse battery", Some(&h)));
        assert!(!verify_password("correct horse battery", None));
    }

    #[test]
    fn short_passwords_are_refused_with_advice() {
        let e = hash_password("abc").unwrap_err();
        assert!(e.to_string().contains("at least 10"));
    }

    #[test]
    fn pooled_hashing_agrees_with_the_argon2_crate_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        // Ours, checked by the crate's own verifier...
        let ours = hash_password("correct horse battery").unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &PasswordHash::new(&ours).unwrap())
            .is_ok());
        // ...and the crate's, with smaller and larger memory than ours, checked by ours.
        for m in [1024, 19 * 1024, 24 * 1024] {
            let params = Params::new(m, 1, 1, None).unwrap();
            let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password(b"another long password", &SaltString::generate(&mut OsRng))
                .unwrap()
                .to_string();
            assert!(
                verify_password("another long password", Some(&theirs)),
                "m={m}"
            );
            assert!(
                !verify_password("another long passwore", Some(&theirs)),
                "m={m}"
            );
        }
    }

    #[test]
    fn concurrent_checks_share_a_bounded_set_of_buffers() {
        let h = hash_password("correct horse battery").unwrap();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let h = h.clone();
                std::thread::spawn(move || verify_password("correct horse battery", Some(&h)))
            })
            .collect();
        for t in threads {
            assert!(t.join().unwrap());
        }
        let made = POOL.free.lock().unwrap().1;
        assert!(made >= 1 && made <= pool_size(), "{made} buffers");
    }

    #[test]
    fn the_dummy_hash_parses_so_unknown_users_cost_a_full_check() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
