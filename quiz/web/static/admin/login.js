/* The console's sign-in page. */
import { signInPage } from "../core.js";

export const READS = {};

signInPage();
