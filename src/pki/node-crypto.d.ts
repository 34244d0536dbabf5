// The little of node:crypto that src/pki uses: the native ECDH context, whose raw-scalar operations ecdsa.ts builds
// ECDSA verification over a digest from (nodejs_compat provides the module in workerd; the Worker's type settings
// carry no Node types, and adding them would clash with workerd's).
declare module "node:crypto" {
  export interface ECDH {
    setPrivateKey(privateKey: Uint8Array): void;
    /** The uncompressed point `04 || X || Y` of the private key times the generator. */
    getPublicKey(): Uint8Array;
    /** The x coordinate of the private key times `otherPublicKey` (an encoded point, checked to be on the curve). */
    computeSecret(otherPublicKey: Uint8Array): Uint8Array;
  }
  export function createECDH(curveName: string): ECDH;
}
