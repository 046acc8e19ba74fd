/**
 * The only door from this folder to the rest of the project: the typed errors and the seeded
 * generator.
 *
 * @module
 */
export { ArtifactError, InputError, NotFittedError } from "../../core/errors.ts";
export { deriveSeed, mulberry32 } from "../../core/random.ts";
