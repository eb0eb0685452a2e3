-- Users' sign-ins at their calendar and contact backends, sealed with ChaCha20-Poly1305 under
-- the operator's credentials key (base64 of nonce and ciphertext; the row's tenant, user and
-- source are authenticated with it, so a sealed value cannot be moved to another row).
CREATE TABLE credentials (
    tenant TEXT NOT NULL,
    user_id TEXT NOT NULL,
    source TEXT NOT NULL,
    sealed TEXT NOT NULL,
    PRIMARY KEY (tenant, user_id, source)
);
