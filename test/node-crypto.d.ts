// The little of node:crypto that workerd-side test code uses (nodejs_compat provides the module at run
// time; the Worker's type settings carry no Node types, and adding them would clash with workerd's).
declare module "node:crypto" {
  export function createHash(algorithm: string): { update(data: Uint8Array): { digest(): Uint8Array } };
  export function generateKeyPairSync(
    type: "ec",
    options: { namedCurve: string },
  ): { privateKey: { export(options: { format: "pem"; type: "pkcs8" }): { toString(): string } } };
}
