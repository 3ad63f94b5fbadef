//! Password hashing (argon2id) on two dedicated threads, the password
//! policy, and random tokens and temporary passwords.

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand_core::{OsRng, RngCore};

use super::*;

/// Password hashing is slow and memory-hungry on purpose (argon2id, 19 MiB a
/// hash). It runs on two dedicated threads, off the async workers: a burst of
/// sign-ins neither stalls other requests nor spreads 19 MiB buffers over
/// ever more threads' allocator arenas.
type Job = Box<dyn FnOnce() + Send>;

fn hashing_queue() -> &'static std::sync::Mutex<std::sync::mpsc::Sender<Job>> {
    static QUEUE: OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<Job>>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<Job>();
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        for n in 0..2 {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    loop {
                        let job = match receiver.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password thread");
            }
        }
        std::sync::Mutex::new(sender)
    })
}

async fn limited<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    hashing_queue()
        .lock()
        .map_err(|_| AppError::Internal)?
        .send(job)
        .map_err(|_| AppError::Internal)?;
    result.await.map_err(|_| {
        tracing::error!("password task failed");
        AppError::Internal
    })
}

/// Hashes a password on the password threads.
pub async fn hash_password_async(password: String) -> Result<String, AppError> {
    limited(move || hash_password(&password)).await?
}

/// Verifies a password (or, for an unknown user, spends the same time) on the
/// password threads.
pub async fn verify_password_async(
    hash: Option<String>,
    password: String,
) -> Result<bool, AppError> {
    limited(move || match hash {
        Some(hash) => verify_password(&hash, &password),
        None => {
            spend_equal_time(&password);
            false
        }
    })
    .await
}

/// Runs argon2id with this thread's reusable working memory (19 MiB with the
/// default parameters), so hashing allocates it once per password thread.
fn argon2_into(
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    thread_local!(static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) });
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        let needed = params.block_count();
        if blocks.len() < needed {
            blocks.resize(needed, Block::default());
        }
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into_with_memory(
            password,
            salt,
            out,
            &mut blocks[..needed],
        )
    })
}

/// An argon2id hash in PHC string format (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let fail = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    };
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(|e| fail(&e))?;
    let params = Params::default();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(params.clone(), password.as_bytes(), salt_bytes, &mut out).map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Checks a password against a stored argon2id hash, in constant time.
pub fn verify_password(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(params), Some(salt), Some(expected)) =
        (Params::try_from(&parsed), parsed.salt, parsed.hash)
    else {
        return false;
    };
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return false;
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if argon2_into(params, password.as_bytes(), salt, &mut out).is_err() {
        return false;
    }
    Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// Verifies against a fixed hash, so an unknown username costs as much time
/// as a known one.
pub fn spend_equal_time(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("doorbraak-dummy-password").unwrap_or_default());
    let _ = verify_password(hash, password);
}

/// Checks a new password against the policy.
pub fn check_password_policy(password: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            format!("Een wachtwoord heeft minstens {MIN_PASSWORD_CHARS} tekens."),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            format!("Een wachtwoord heeft hoogstens {MAX_PASSWORD_CHARS} tekens."),
        ));
    }
    Ok(())
}

/// A random value of 32 bytes as 64 hex characters.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A readable temporary password (for a reset), 16 characters.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn hashes_are_standard_argon2id_and_verify_both_ways() {
        let ours = hash_password("een-lang-wachtwoord").expect("hash");
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(&ours, "een-lang-wachtwoord"));
        assert!(!verify_password(&ours, "een-ander-wachtwoord"));
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(
            Argon2::default()
                .verify_password(b"een-lang-wachtwoord", &parsed)
                .is_ok()
        );
        let theirs = Argon2::default()
            .hash_password(b"nog-een-wachtwoord", &SaltString::generate(&mut OsRng))
            .expect("hash")
            .to_string();
        assert!(verify_password(&theirs, "nog-een-wachtwoord"));
        assert!(!verify_password("not a hash", "x"));
        assert!(!verify_password(
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "x"
        ));
    }
}
