//! Users' backend credentials, sealed before they reach the database: ChaCha20-Poly1305 under
//! the operator's key, with the row's tenant, user and source as associated data.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use rand::RngCore;
use sparks_api::pim::Credentials;

const NONCE_LEN: usize = 12;

#[derive(Clone)]
pub struct Vault {
    cipher: ChaCha20Poly1305,
}

/// Where a sealed value belongs; it opens nowhere else.
pub struct Row<'a> {
    pub tenant: &'a str,
    pub user_id: &'a str,
    pub source: &'a str,
}

impl Row<'_> {
    fn associated(&self) -> Vec<u8> {
        [self.tenant, self.user_id, self.source]
            .join("\0")
            .into_bytes()
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Plain {
    username: String,
    password: String,
}

impl Vault {
    pub fn new(key: &[u8; 32]) -> Vault {
        Vault {
            cipher: ChaCha20Poly1305::new(key.into()),
        }
    }

    pub fn seal(&self, row: &Row<'_>, credentials: &Credentials) -> String {
        use base64::Engine;
        let plain = serde_json::to_vec(&Plain {
            username: credentials.username.clone(),
            password: credentials.password.clone(),
        })
        .unwrap_or_default();
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &plain,
                    aad: &row.associated(),
                },
            )
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    /// The credentials sealed for `row`; `None` if the value was changed, moved from another
    /// row or sealed under another key.
    pub fn open(&self, row: &Row<'_>, sealed: &str) -> Option<Credentials> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .ok()?;
        if bytes.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &row.associated(),
                },
            )
            .ok()?;
        let plain: Plain = serde_json::from_slice(&plain).ok()?;
        Some(Credentials {
            username: plain.username,
            password: plain.password,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_credentials_open_only_in_their_row_under_their_key() {
        let vault = Vault::new(&[7; 32]);
        let row = Row {
            tenant: "t",
            user_id: "@a:x",
            source: "dav",
        };
        let credentials = Credentials {
            username: "alice".into(),
            password: "s3cret".into(),
        };
        let sealed = vault.seal(&row, &credentials);
        assert!(!sealed.contains("s3cret") && !sealed.contains("alice"));
        assert_eq!(vault.open(&row, &sealed), Some(credentials.clone()));
        assert_ne!(
            vault.seal(&row, &credentials),
            sealed,
            "a fresh nonce each time"
        );
        let other = Row {
            user_id: "@b:x",
            ..row
        };
        assert_eq!(vault.open(&other, &sealed), None, "moved to another user");
        let row = Row {
            tenant: "t",
            user_id: "@a:x",
            source: "dav",
        };
        assert_eq!(
            Vault::new(&[8; 32]).open(&row, &sealed),
            None,
            "another key"
        );
        assert_eq!(vault.open(&row, "AAAA"), None);
        assert_eq!(vault.open(&row, "not base64!"), None);
    }
}
