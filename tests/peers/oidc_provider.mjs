// The identity provider for the middleware's live tests: panva/oidc-provider (a certified
// OpenID Connect implementation) on 127.0.0.1:$PORT, issuing RS256 JWT access tokens for the
// resource `urn:sparks:middleware` (audience `sparks`) through the client-credentials grant.
// Started by `cargo xtask test`; the keys are made fresh at every start.
import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const PORT = Number(process.env.PORT || 9000);
const ISSUER = `http://127.0.0.1:${PORT}`;
const RESOURCE = 'urn:sparks:middleware';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signing = { ...privateKey.export({ format: 'jwk' }), kid: 'sparks-test-rs256', use: 'sig', alg: 'RS256' };

const provider = new Provider(ISSUER, {
  clients: [
    {
      // A service account whose tokens name it as `sub`.
      client_id: 'sparks-robot',
      client_secret: 'sparks-robot-secret',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  jwks: { keys: [signing] },
  scopes: ['sparks'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => {
        if (resource !== RESOURCE) throw new Error(`unknown resource ${resource}`);
        return {
          scope: 'sparks',
          audience: 'sparks',
          accessTokenTTL: Number(process.env.TOKEN_TTL || 300),
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));

http.createServer(provider.callback()).listen(PORT, '127.0.0.1', () => {
  console.log(`oidc-provider at ${ISSUER}`);
});
