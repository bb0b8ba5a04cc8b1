// Secrets are not in wrangler.jsonc, so `wrangler types` cannot see them.
interface Env {
  /** HMAC key for download URLs (`wrangler secret put URL_SIGNING_KEY`). */
  URL_SIGNING_KEY?: string;
}
