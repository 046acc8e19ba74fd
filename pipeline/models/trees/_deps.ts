/**
 * The only door from this folder to the rest of the project: the typed errors and the seeded
 * generator. When the lead moves those files, only these two lines change.
 *
 * @module
 */
export { ArtifactError, InputError, NotFittedError } from "../../errors.ts";
export { deriveSeed, mulberry32 } from "../../_random.ts";
