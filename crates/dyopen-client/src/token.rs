//! Tokens: `POST /api/apps/v2/token`, `POST /oauth/client_token/`, and the managed token the
//! other calls use.

use crate::auth::TokenKind;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::family::Family;
use crate::transport::Call;
use dyopen_wire::token::{
    ClientTokenRequest, ClientTokenResponse, V2TokenData, V2TokenRequest, V2TokenResponse,
};

const GRANT: &str = "client_credential";

impl Client {
    /// `POST /api/apps/v2/token` (developer.toutiao.com): a new mini-program token (`08…`, 7200 s).
    /// Not cached; most code wants [`Client::access_token`].
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// let data = client.v2_token("tt0123456789abcdef", "0123456789abcdef0123456789abcdef").await?;
    /// assert_eq!(data.expires_in, 7200);
    /// # Ok(()) }
    /// ```
    pub async fn v2_token(&self, appid: &str, secret: &str) -> Result<V2TokenData> {
        let req = V2TokenRequest {
            appid: Some(appid.to_owned()),
            secret: Some(secret.to_owned()),
            grant_type: Some(GRANT.to_owned()),
        };
        let call = Call::new(dyopen_wire::paths::V2_TOKEN, Family::V2Token, &req)?.idempotent();
        let res: V2TokenResponse = self.call_anonymous(call).await?;
        Ok(res.data)
    }

    /// `POST /oauth/client_token/` (open.douyin.com): a new client token (`clt.…`, 7200 s); for
    /// mini-programs `client_key` is the appid. Not cached.
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// let data = client.client_token("tt0123456789abcdef", "0123456789abcdef0123456789abcdef").await?;
    /// assert!(data.access_token.starts_with("clt."));
    /// # Ok(()) }
    /// ```
    pub async fn client_token(
        &self,
        client_key: &str,
        client_secret: &str,
    ) -> Result<dyopen_wire::dialect::ClientTokenData> {
        let req = ClientTokenRequest {
            client_key: Some(client_key.to_owned()),
            client_secret: Some(client_secret.to_owned()),
            grant_type: Some(GRANT.to_owned()),
        };
        let call =
            Call::new(dyopen_wire::paths::CLIENT_TOKEN, Family::ClientToken, &req)?.idempotent();
        let res: ClientTokenResponse = self.call_anonymous(call).await?;
        Ok(res.data)
    }

    /// The managed token of the default kind (the one set with
    /// [`crate::ClientBuilder::token_kind`], else the v2 token): cached, refreshed ahead of
    /// expiry, one fetch however many callers ask at once. Needs
    /// [`crate::ClientBuilder::credentials`].
    ///
    /// ```no_run
    /// # async fn run() -> dyopen_client::Result<()> {
    /// let client = dyopen_client::Client::new("http://127.0.0.1:8080", "tt0123456789abcdef", "secret")?;
    /// let token = client.access_token().await?;
    /// assert_eq!(token, client.access_token().await?); // cached
    /// # Ok(()) }
    /// ```
    pub async fn access_token(&self) -> Result<String> {
        self.managed_token(self.inner.token_kind.unwrap_or(TokenKind::V2))
            .await
    }

    /// The managed token of `kind` (each kind has its own cache and single-flight refresh).
    pub(crate) async fn managed_token(&self, kind: TokenKind) -> Result<String> {
        let (appid, secret) = self.inner.credentials.as_ref().ok_or_else(|| {
            Error::Config("no credentials: set appid and secret to call the open APIs".into())
        })?;
        self.inner
            .cache(kind)
            .get(|| async {
                match kind {
                    TokenKind::V2 => self
                        .v2_token(appid, secret)
                        .await
                        .map(|d| (d.access_token, d.expires_in)),
                    TokenKind::Client => self
                        .client_token(appid, secret)
                        .await
                        .map(|d| (d.access_token, d.expires_in)),
                }
            })
            .await
    }
}
