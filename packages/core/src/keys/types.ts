/** A public JSON Web Key as Tessera publishes it: public members only, always with `kid`, `alg` and `use`. */
export interface PublicJwk {
  kty: 'EC' | 'OKP' | 'RSA';
  kid: string;
  alg: string;
  use: 'sig';
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

/** The document served at `/.well-known/jwks.json`. */
export interface Jwks {
  keys: readonly PublicJwk[];
}
