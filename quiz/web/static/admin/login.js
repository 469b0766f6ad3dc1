/* The console's sign-in page. */
import { signInPage } from "../core.js";

signInPage();
