//! Where sessions live: SQLite by default, PostgreSQL for several instances; the same
//! migrations and queries for both (sqlx's `Any` driver).

use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database cannot be opened: {0}")]
    Open(String),
    #[error("the database's schema cannot be brought up to date: {0}")]
    Migrate(String),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
}

/// A signed-in user, as a bearer token names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    pub user_id: String,
    pub tenant: String,
}

/// Fresh tokens for a session (only ever shown once, to its client).
pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

impl Store {
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(if url.starts_with("sqlite") { 1 } else { 8 })
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migrate(e.to_string()))?;
        Ok(Store { pool })
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ready(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Starts a session for `who`, valid `access_secs` (renewable for `refresh_secs`).
    pub async fn create(
        &self,
        who: &Who,
        now: i64,
        access_secs: i64,
        refresh_secs: i64,
    ) -> Result<Tokens, StoreError> {
        insert(&self.pool, who, now + access_secs, now + refresh_secs).await
    }

    /// Who a bearer token belongs to, while it is valid.
    pub async fn who(&self, access: &str, now: i64) -> Result<Option<Who>, StoreError> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT user_id, tenant FROM sessions WHERE access_hash = $1 AND access_expires > $2",
        )
        .bind(hash(access))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(user_id, tenant)| Who { user_id, tenant }))
    }

    /// Replaces a session's tokens. A refresh token works once: using it again (a stolen copy)
    /// fails, as does one past its time.
    pub async fn refresh(
        &self,
        refresh: &str,
        now: i64,
        access_secs: i64,
        refresh_secs: i64,
    ) -> Result<Option<(Who, Tokens)>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row: Option<(String, String)> = sqlx::query_as(
            "DELETE FROM sessions WHERE refresh_hash = $1 AND refresh_expires > $2 \
             RETURNING user_id, tenant",
        )
        .bind(hash(refresh))
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((user_id, tenant)) = row else {
            return Ok(None);
        };
        let who = Who { user_id, tenant };
        let tokens = insert(&mut *tx, &who, now + access_secs, now + refresh_secs).await?;
        tx.commit().await?;
        Ok(Some((who, tokens)))
    }

    /// Forgets sessions that can no longer be renewed.
    pub async fn prune(&self, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE refresh_expires <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Keeps (or replaces) a user's sealed credentials for one source.
    pub async fn put_credentials(
        &self,
        who: &Who,
        source: &str,
        sealed: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO credentials (tenant, user_id, source, sealed) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant, user_id, source) DO UPDATE SET sealed = excluded.sealed",
        )
        .bind(who.tenant.clone())
        .bind(who.user_id.clone())
        .bind(source.to_owned())
        .bind(sealed.to_owned())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A user's sealed credentials for one source.
    pub async fn credentials(&self, who: &Who, source: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT sealed FROM credentials WHERE tenant = $1 AND user_id = $2 AND source = $3",
        )
        .bind(who.tenant.clone())
        .bind(who.user_id.clone())
        .bind(source.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(sealed,)| sealed))
    }

    /// The sources a user has credentials for.
    pub async fn connected(&self, who: &Who) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT source FROM credentials WHERE tenant = $1 AND user_id = $2")
                .bind(who.tenant.clone())
                .bind(who.user_id.clone())
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }

    /// Forgets a user's credentials for one source; whether there were any.
    pub async fn forget_credentials(&self, who: &Who, source: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM credentials WHERE tenant = $1 AND user_id = $2 AND source = $3",
        )
        .bind(who.tenant.clone())
        .bind(who.user_id.clone())
        .bind(source.to_owned())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// How many sessions are stored (for tests and metrics).
    pub async fn count(&self) -> Result<i64, StoreError> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }
}

/// Stores a new session for `who` with fresh tokens, and returns them.
async fn insert<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    who: &Who,
    access_expires: i64,
    refresh_expires: i64,
) -> Result<Tokens, StoreError> {
    let tokens = Tokens {
        access: random_token(),
        refresh: random_token(),
    };
    sqlx::query(
        "INSERT INTO sessions (access_hash, refresh_hash, user_id, tenant, access_expires, refresh_expires) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(hash(&tokens.access))
    .bind(hash(&tokens.refresh))
    .bind(who.user_id.clone())
    .bind(who.tenant.clone())
    .bind(access_expires)
    .bind(refresh_expires)
    .execute(executor)
    .await?;
    Ok(tokens)
}

fn random_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sessions_renew_once_and_expire() -> Result<(), StoreError> {
        let store = Store::open("sqlite::memory:").await?;
        let who = Who {
            user_id: "@a:example.org".into(),
            tenant: "t".into(),
        };
        let tokens = store.create(&who, 1_000, 60, 3_600).await?;
        assert_eq!(store.who(&tokens.access, 1_010).await?, Some(who.clone()));
        assert_eq!(store.who(&tokens.access, 1_060).await?, None, "expired");
        assert_eq!(
            store.who(&tokens.refresh, 1_010).await?,
            None,
            "not an access token"
        );

        let (again, renewed) = store
            .refresh(&tokens.refresh, 1_100, 60, 3_600)
            .await?
            .expect("renewed");
        assert_eq!(again, who);
        assert!(
            store
                .refresh(&tokens.refresh, 1_101, 60, 3_600)
                .await?
                .is_none(),
            "once"
        );
        assert_eq!(
            store.who(&tokens.access, 1_010).await?,
            None,
            "the old token is gone"
        );
        assert_eq!(store.who(&renewed.access, 1_110).await?, Some(who));
        assert!(
            store
                .refresh(&renewed.refresh, 9_999, 60, 3_600)
                .await?
                .is_none(),
            "too late"
        );
        assert_eq!(store.prune(9_999).await?, 1);
        assert_eq!(store.count().await?, 0);
        Ok(())
    }
}
