/** The pure tlog core: RFC 6962 hashing, C2SP tiles, proofs, signed notes and checkpoints. No platform imports. */
export * from "./bundle.ts";
export * from "./checkpoint.ts";
export * from "./cosignature.ts";
export * from "./encoding.ts";
export * from "./errors.ts";
export * from "./hash.ts";
export * from "./note.ts";
export * from "./proof.ts";
export * from "./tail-proofs.ts";
export * from "./tile.ts";
export * from "./tree.ts";
